import { describe, expect, it } from "vitest";
import { resultText, servedFixture } from "../helpers/served-fixture.js";

/**
 * A tenant (partner) carrier the operator binds to an env variable instead of leaving it to the caller: a header
 * (`args: { X-Tenant-ID: { env } }`), a query parameter (`param_env`), a path variable, or one whose variable
 * has a fixed `default`. The lock checked only arguments, so a bound value naming another tenant than the lock's
 * sent every call there, with no refusal and no audit entry. Now such a call is refused before any request, naming
 * the parameter and both variables (never the bound value), and audited; a bound value equal to the locked one
 * goes through. A real upstream records every request; audit lines go to stderr.
 */

const SPEC = `openapi: 3.0.3
info: { title: Bound, version: "1" }
paths:
  /reports:
    get:
      operationId: listReports
      parameters: [{ name: X-Tenant-ID, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /invoices:
    get:
      operationId: listInvoices
      parameters: [{ name: tenant_id, in: query, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /orgs/{org}/hooks:
    get:
      operationId: listHooks
      parameters: [{ name: org, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /orgs/{org}/members:
    get:
      operationId: listMembers
      parameters: [{ name: org, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /exports:
    get:
      operationId: listExports
      parameters: [{ name: X-Tenant, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /deals:
    get:
      operationId: listDeals
      parameters: [{ name: X-Partner-Id, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /summary:
    get:
      operationId: getSummary
      parameters: [{ name: X-Tenant-ID, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /usage:
    get:
      operationId: getUsage
      parameters:
        - { name: X-Region, in: header, required: true, schema: { type: string } }
        - { name: X-Tenant-ID, in: header, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
  /notes:
    get:
      operationId: listNotes
      parameters: [{ name: X-Region, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: bound
env:
  BND_URL: { type: url, description: "BND_URL." }
  BND_TENANT: { description: "BND_TENANT." }
  BND_PARTNER: { description: "BND_PARTNER." }
  BND_HEADER_TENANT: { description: "BND_HEADER_TENANT." }
  BND_QUERY_TENANT: { description: "BND_QUERY_TENANT." }
  BND_ORG: { description: "BND_ORG." }
  BND_FIXED_TENANT: { default: globex, description: "BND_FIXED_TENANT." }
  BND_SAME_TENANT: { description: "BND_SAME_TENANT." }
  BND_PARTNER_BOUND: { description: "BND_PARTNER_BOUND." }
  BND_REGION: { description: "BND_REGION." }
  BND_SHARED: { description: "BND_SHARED." }
policy:
  tenant: { env: BND_TENANT }
  partner: { env: BND_PARTNER }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: BND_URL }
    param_env: { "query:tenant_id": BND_QUERY_TENANT }
select: [{ all: true }]
tools:
  list_reports:
    from: listReports
    args: { X-Tenant-ID: { env: BND_HEADER_TENANT } }
  list_members:
    from: listMembers
    tenant_arg: org
  list_hooks:
    from: listHooks
    args: { org: { env: BND_ORG } }
  list_exports:
    from: listExports
    args: { X-Tenant: { env: BND_FIXED_TENANT } }
  list_deals:
    from: listDeals
    args: { X-Partner-Id: { env: BND_PARTNER_BOUND } }
  get_summary:
    from: getSummary
    args: { X-Tenant-ID: { env: BND_SAME_TENANT } }
  get_usage:
    from: getUsage
    args: { X-Region: { env: BND_SHARED }, X-Tenant-ID: { env: BND_SHARED } }
  list_notes:
    from: listNotes
    args: { X-Region: { env: BND_REGION } }
`;

const { call, served } = servedFixture(
  "tenant-bound",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({
    BND_URL: url,
    BND_TENANT: "acme",
    BND_PARTNER: "design",
    BND_HEADER_TENANT: "globex",
    BND_QUERY_TENANT: "globex",
    BND_ORG: "globex",
    BND_SAME_TENANT: "acme",
    BND_PARTNER_BOUND: "initech",
    BND_REGION: "eu",
    BND_SHARED: "globex",
  }),
);

describe("a tenant carrier bound to an env variable naming another tenant", () => {
  it.each([
    ["a header (args.env)", "list_reports", "header parameter X-Tenant-ID", "BND_HEADER_TENANT", "tenant"],
    [
      "a query parameter (param_env)",
      "list_invoices",
      "query parameter tenant_id",
      "BND_QUERY_TENANT",
      "tenant",
    ],
    ["a path variable after /orgs/", "list_hooks", "path parameter org", "BND_ORG", "tenant"],
    [
      "a header whose variable has a fixed default",
      "list_exports",
      "header parameter X-Tenant",
      "BND_FIXED_TENANT",
      "tenant",
    ],
    [
      "the partner lock's header",
      "list_deals",
      "header parameter X-Partner-Id",
      "BND_PARTNER_BOUND",
      "partner",
    ],
    [
      "a header sharing its variable with one that names no tenant",
      "get_usage",
      "header parameter X-Tenant-ID",
      "BND_SHARED",
      "tenant",
    ],
  ])("%s: the call is refused before any request, and audited", async (_label, tool, param, env, what) => {
    const { result, sent } = await call(tool, {});
    expect(result.isError, resultText(result)).toBe(true);
    const lockEnv = what === "tenant" ? "BND_TENANT" : "BND_PARTNER";
    const locked = what === "tenant" ? "acme" : "design";
    expect(resultText(result)).toContain(
      `refused by ${lockEnv}: this server is locked to ${what} ${locked} and the ${param}, which names the ${what}`,
    );
    expect(resultText(result)).toContain(`is sent from ${env}, which names another ${what}`);
    expect(resultText(result)).not.toMatch(/globex|initech/);
    expect(sent).toEqual([]);
    const line = new RegExp(
      `"tool":"${tool}".*"policy":"${what}-lock","rule":"${lockEnv}","reason":"another ${what} bound by env"`,
    );
    expect(await served().waitForStderr(line)).toMatch(line);
  });

  it("a parameter bound to a variable that holds the locked tenant, or that names no tenant, goes through", async () => {
    const sent = [...(await call("get_summary", {})).sent, ...(await call("list_notes", {})).sent];
    expect(sent.map((r) => r.url)).toEqual(["/summary", "/notes"]);
    expect(sent[0]!.headers["x-tenant-id"]).toBe("acme");
    expect(sent[1]!.headers["x-region"]).toBe("eu");
  });
});
