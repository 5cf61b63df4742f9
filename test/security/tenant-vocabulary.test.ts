import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * The tenant lock found a tenant by the word `tenant` in a name. A catalog whose tenant is an organization
 * declares it so (`tenant_arg: org`), and then every other way to name an organization went through unlocked:
 * the same `{org}` path variable in a tool that declares no tenant_arg, a header parameter `org`, an argument the
 * manifest renamed from the path variable `{org}`, a body's nested `target.org`, a GraphQL input object's `org`,
 * and a `tenant: { id }` object (its `id` is the tenant's). The manifest's declared lock argument is the source of
 * truth: its name and its wire name, in every tool, at any depth, must name the locked tenant.
 */

const SPEC = `openapi: 3.0.3
info: { title: Orgs, version: "1" }
paths:
  /orgs/{org}/projects:
    get:
      operationId: listProjects
      parameters: [{ name: org, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /orgs/{org}/members:
    get:
      operationId: listMembers
      parameters:
        - { name: org, in: path, required: true, schema: { type: string } }
        - { name: redirect_to, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /o/{org}/audit:
    get:
      operationId: auditLog
      parameters: [{ name: org, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /usage:
    get:
      operationId: getUsage
      parameters: [{ name: Org, in: header, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /copies:
    post:
      operationId: copyProject
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                project: { type: string }
                target: { type: object, properties: { org: { type: string }, folder: { type: string } } }
                tenant: { type: object, properties: { id: { type: string }, name: { type: string } } }
      responses: { "200": { description: ok } }
`;

const SDL = `
input MoveInput { project: ID! org: ID }
type Project { id: ID! }
type Query { project(id: ID!): Project }
type Mutation { moveProject(input: MoveInput!): Project }
`;

const MANIFEST = `catalog: orgs
env:
  ORGS_URL: { type: url, description: "ORGS_URL." }
  ORGS_GQL_URL: { type: url, description: "ORGS_GQL_URL." }
  ORGS_TENANT: { description: "ORGS_TENANT." }
policy:
  tenant: { env: ORGS_TENANT }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: ORGS_URL } }
  gql: { graphql: ./schema.graphql, base_url: { env: ORGS_GQL_URL }, mutations: listed }
select: [{ source: api, all: true }]
tools:
  list_projects:
    from: api#listProjects
    tenant_arg: org
  audit_log:
    from: api#auditLog
    args: { org: { rename: workspace } }
  move_project:
    from: gql#Mutation.moveProject
`;

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const src = writeTree("tenant-vocabulary", {
    "cat/openapi.yaml": SPEC,
    "cat/schema.graphql": SDL,
    "cat/tools.yaml": MANIFEST,
  });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  upstream = await startRecordingServer((req, res) => {
    // An upstream (or an open redirect it offers) pointing a locked call at another tenant.
    const to = req.query.get("redirect_to");
    if (to !== null) {
      res.writeHead(307, { location: to });
      return res.end();
    }
    sendJson(res, 200, { ok: true });
  });
  served = await serveOverStdio(dir, {
    ORGS_URL: upstream.url,
    ORGS_GQL_URL: `${upstream.url}/graphql`,
    ORGS_TENANT: "acme",
  });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

const call = (name: string, args: Record<string, unknown>) =>
  callRecorded(served.client, upstream, name, args);

describe("the tenant lock holds for every name the manifest declares for the tenant", () => {
  it.each([
    [
      "the declared path variable in a tool without tenant_arg",
      "list_members",
      { org: "globex" },
      "org",
      "the tenant argument",
    ],
    [
      "an argument renamed from the path variable {org}",
      "audit_log",
      { workspace: "globex" },
      "workspace",
      "sent as org",
    ],
    ["a header parameter Org", "get_usage", { Org: "globex" }, "Org", "the tenant argument"],
    [
      "a nested body field target.org",
      "copy_project",
      { project: "p", target: { org: "globex" } },
      "target.org",
      "the tenant argument",
    ],
    [
      "a GraphQL input object's org",
      "move_project",
      { input: { project: "p", org: "globex" } },
      "input.org",
      "the tenant argument",
    ],
    [
      "a tenant object's id",
      "copy_project",
      { project: "p", tenant: { id: "globex" } },
      "tenant.id",
      "the id of",
    ],
  ])("%s: refused with the reason, no upstream request", async (_label, tool, args, named, why) => {
    const { result, sent } = await call(tool, args);
    expect(result.isError, JSON.stringify(result)).toBe(true);
    const text = result.content?.[0]?.text ?? "";
    expect(text).toContain(
      `refused by ORGS_TENANT: this server is locked to tenant acme and '${named}' names another tenant`,
    );
    expect(text).toContain(why);
    expect(text).not.toMatch(/globex/i);
    expect(sent).toEqual([]);
  });

  it("the locked tenant goes through everywhere; other members of a tenant object are not the tenant", async () => {
    const members = await call("list_members", { org: "acme" });
    expect(members.result.isError, JSON.stringify(members.result)).toBeFalsy();
    expect(members.sent.map((r) => r.url)).toEqual(["/orgs/acme/members"]);
    const audit = await call("audit_log", { workspace: "acme" });
    expect(audit.sent.map((r) => r.url)).toEqual(["/o/acme/audit"]);
    const usage = await call("get_usage", { Org: "acme" });
    expect(usage.sent.map((r) => r.headers.org)).toEqual(["acme"]);
    const copy = await call("copy_project", {
      project: "p",
      target: { org: "acme", folder: "f" },
      tenant: { id: "acme", name: "Acme Corp" },
    });
    expect(copy.result.isError, JSON.stringify(copy.result)).toBeFalsy();
    expect(JSON.parse(copy.sent[0]!.body.toString())).toEqual({
      project: "p",
      target: { org: "acme", folder: "f" },
      tenant: { id: "acme", name: "Acme Corp" },
    });
    const projects = await call("list_projects", { org: "acme" });
    expect(projects.sent.map((r) => r.url)).toEqual(["/orgs/acme/projects"]);
  });
});

describe("a redirect of a locked call is followed only where the lock can check it", () => {
  it("to the same endpoint of another tenant: refused there, the target never requested", async () => {
    const { result, sent } = await call("list_members", { org: "acme", redirect_to: "/orgs/globex/members" });
    expect(result.isError, JSON.stringify(result)).toBe(true);
    const text = result.content?.[0]?.text ?? "";
    expect(text).toContain("refused by ORGS_TENANT: the upstream redirected the call to another tenant");
    expect(text).not.toMatch(/globex/i);
    expect(sent.map((r) => r.url)).toEqual(["/orgs/acme/members?redirect_to=%2Forgs%2Fglobex%2Fmembers"]);
  });

  it("to another endpoint: refused, since the lock cannot read which tenant it names", async () => {
    const { result, sent } = await call("list_members", { org: "acme", redirect_to: "/admin/export" });
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toContain("the upstream redirected the call to another endpoint");
    expect(sent.length).toBe(1);
  });

  it("to the same endpoint of the locked tenant: followed", async () => {
    const { result, sent } = await call("list_members", { org: "acme", redirect_to: "/orgs/acme/members" });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent.map((r) => r.url)).toEqual([
      "/orgs/acme/members?redirect_to=%2Forgs%2Facme%2Fmembers",
      "/orgs/acme/members",
    ]);
  });
});
