import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildReport } from "../../codegen/audit/report.js";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { callRecorded, type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A spec names its tenant differently from operation to operation: the manifest locks `org` on one tool, and the
 * others call it `organization_id`, `orgId`, `X-Organization-Id`, a body's `org_slug`, or a path variable after
 * `/orgs/` whatever its name. Each of these named another organization past the lock. And a tool whose required
 * tenant argument the client left out was refused as an invalid call, where the lock means "a call that names
 * none acts in the locked one". Here a real upstream records what each call sent.
 */

const SPEC = `openapi: 3.0.3
info: { title: Orgs, version: "1" }
paths:
  /orgs/{org}/projects:
    get:
      operationId: listProjects
      parameters: [{ name: org, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /organizations/{organization_id}/members:
    get:
      operationId: listMembers
      parameters: [{ name: organization_id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /orgs/{owner}/hooks:
    get:
      operationId: listHooks
      parameters: [{ name: owner, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /teams:
    get:
      operationId: listTeams
      parameters: [{ name: orgId, in: query, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /billing:
    get:
      operationId: getBilling
      parameters: [{ name: X-Organization-Id, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /invites:
    post:
      operationId: invite
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [email, org_slug]
              properties:
                email: { type: string }
                org_slug: { type: string }
      responses: { "200": { description: ok } }
  /partners/{partner_id}/deals:
    get:
      operationId: listDeals
      parameters: [{ name: partner_id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: ok } }
  /repos/{owner}/{repo}:
    get:
      operationId: getRepo
      parameters:
        - { name: owner, in: path, required: true, schema: { type: string } }
        - { name: repo, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: syn
env:
  SYN_URL: { type: url, description: "SYN_URL." }
  SYN_TENANT: { description: "SYN_TENANT." }
  SYN_PARTNER: { description: "SYN_PARTNER." }
policy:
  tenant: { env: SYN_TENANT }
  partner: { env: SYN_PARTNER }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: SYN_URL } }
select: [{ all: true }]
tools:
  list_projects:
    from: listProjects
    tenant_arg: org
  list_deals:
    from: listDeals
    partner_arg: partner_id
`;

let upstream: RecordingServer;
let served: Served;
let catalogDir: string;

beforeAll(async () => {
  const src = writeTree("tenant-synonyms", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  catalogDir = dir;
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  served = await serveOverStdio(dir, { SYN_URL: upstream.url, SYN_TENANT: "acme", SYN_PARTNER: "42" });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

/** Calls a tool; a write's confirmation (which shows the arguments as they will be sent) is given at once. */
async function call(name: string, args: Record<string, unknown>) {
  const first = await callRecorded(served.client, upstream, name, args);
  const text = first.result.content?.[0]?.text ?? "";
  if (!text.includes('"confirmation_required":true')) return first;
  const asked = JSON.parse(text);
  expect(asked.arguments).toMatchObject({ org_slug: "acme" });
  return callRecorded(served.client, upstream, name, {
    ...args,
    confirmation_token: asked.confirmation_token,
  });
}

describe("the tenant lock holds for the tenant under other names", () => {
  it.each([
    ["organization_id", "list_members", { organization_id: "globex" }, "organization_id", "named like"],
    [
      "a path variable after /orgs/",
      "list_hooks",
      { owner: "globex" },
      "owner",
      "it follows /orgs/ in the path",
    ],
    ["orgId, an optional query filter", "list_teams", { orgId: "globex" }, "orgId", "named like"],
    [
      "the header X-Organization-Id",
      "get_billing",
      { "X-Organization-Id": "globex" },
      "X-Organization-Id",
      "named like",
    ],
    ["a body's org_slug", "invite", { email: "a@b.c", org_slug: "globex" }, "org_slug", "named like"],
    ["another integer partner", "list_deals", { partner_id: 7 }, "partner_id", "partner"],
  ])("%s: refused with the reason, no upstream request", async (_label, tool, args, named, why) => {
    const { result, sent } = await call(tool, args);
    expect(result.isError, JSON.stringify(result)).toBe(true);
    const text = result.content?.[0]?.text ?? "";
    expect(text).toMatch(
      new RegExp(`this server is locked to (tenant acme|partner 42) and '${named}' names another`),
    );
    expect(text).toContain(why);
    expect(text).not.toMatch(/globex/i);
    expect(sent).toEqual([]);
  });

  it("the locked tenant under each name goes through as sent", async () => {
    const sent = [
      ...(await call("list_members", { organization_id: "acme" })).sent,
      ...(await call("list_hooks", { owner: "acme" })).sent,
      ...(await call("list_teams", { orgId: "acme" })).sent,
      ...(await call("get_billing", { "X-Organization-Id": "acme" })).sent,
      ...(await call("list_deals", { partner_id: 42 })).sent,
    ];
    expect(sent.map((r) => `${r.url} ${r.headers["x-organization-id"] ?? ""}`.trim())).toEqual([
      "/organizations/acme/members",
      "/orgs/acme/hooks",
      "/teams?orgId=acme",
      "/billing acme",
      "/partners/42/deals",
    ]);
    const invite = await call("invite", { email: "a@b.c", org_slug: "acme" });
    expect(JSON.parse(invite.sent[0]!.body.toString())).toEqual({ email: "a@b.c", org_slug: "acme" });
  });

  it("a name the API uses for other things is not the tenant: /repos/{owner} is not locked", async () => {
    const { result, sent } = await call("get_repo", { owner: "octocat", repo: "hello" });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent.map((r) => r.url)).toEqual(["/repos/octocat/hello"]);
  });
});

describe("a call that leaves a required tenant argument out acts in the locked tenant", () => {
  it("the declared one, an undeclared one in the path, a header and a body field are filled", async () => {
    const results = [
      await call("list_projects", {}),
      await call("list_members", {}),
      await call("list_hooks", {}),
      await call("get_billing", {}),
      await call("invite", { email: "a@b.c" }),
      await call("list_deals", {}),
    ];
    for (const { result } of results) expect(result.isError, JSON.stringify(result)).toBeFalsy();
    const sent = results.flatMap((r) => r.sent);
    expect(sent.map((r) => `${r.method} ${r.url} ${r.headers["x-organization-id"] ?? ""}`.trim())).toEqual([
      "GET /orgs/acme/projects",
      "GET /organizations/acme/members",
      "GET /orgs/acme/hooks",
      "GET /billing acme",
      "POST /invites",
      // An integer partner id is filled as the number its schema takes.
      "GET /partners/42/deals",
    ]);
    expect(JSON.parse(sent[4]!.body.toString())).toEqual({ email: "a@b.c", org_slug: "acme" });
  });

  it("an optional filter left out stays out (its absence is the API's to read)", async () => {
    const { sent } = await call("list_teams", {});
    expect(sent.map((r) => r.url)).toEqual(["/teams"]);
  });
});

describe("audit", () => {
  it("lists the arguments named like an owner that the lock does not check, for review", () => {
    const doc = JSON.parse(readFileSync(join(catalogDir, "catalog.json"), "utf8"));
    const findings = buildReport(doc).findings.filter((f) => f.kind === "unlocked-owner-argument");
    expect(findings.map((f) => [f.tool, f.severity, f.message])).toEqual([
      [
        "get_repo",
        "review",
        "arguments named like an owner that the lock does not check: owner; if one names the locked tenant or partner, declare it as this tool's tenant_arg or partner_arg (its name is then locked in every tool)",
      ],
    ]);
  });
});
