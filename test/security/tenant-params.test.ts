import { describe, expect, it } from "vitest";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * The tenant lock names one argument per tool (`tenant_arg`), and only that one was checked: a second parameter
 * carrying the tenant reached another tenant past the lock. A path parameter `/orgs/{tenant_id}` beside the
 * `X-Tenant` header the manifest locks, a `tenantId` query parameter of a tool that declares no `tenant_arg`, a
 * body's nested `target.tenant`, an argument renamed from the wire name `X-Tenant-ID`. With the lock set, each such
 * value must be the locked tenant: another is refused before any request, the locked one (or none) goes through.
 */

const SPEC = `openapi: 3.0.3
info: { title: Tenants, version: "1" }
paths:
  /orgs/{tenant_id}/users:
    get:
      operationId: listUsers
      parameters:
        - { name: tenant_id, in: path, required: true, schema: { type: string } }
        - { name: X-Tenant, in: header, schema: { type: string } }
      responses: { "200": { description: ok } }
  /reports:
    get:
      operationId: listReports
      parameters:
        - { name: tenantId, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /billing:
    get:
      operationId: getBilling
      parameters:
        - { name: X-Tenant-ID, in: header, schema: { type: string } }
      responses: { "200": { description: ok } }
  /copies:
    post:
      operationId: copyItem
      parameters:
        - { name: X-Tenant, in: header, schema: { type: string } }
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                item: { type: string }
                target: { type: object, properties: { tenant: { type: string }, folder: { type: string } } }
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: tl
env:
  TL_URL: { type: url, description: "TL_URL." }
  TL_TENANT: { description: "TL_TENANT." }
policy:
  tenant: { env: TL_TENANT }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: TL_URL } }
select: [{ all: true }]
tools:
  list_users:
    from: listUsers
    args: { X-Tenant: { rename: tenant } }
    tenant_arg: tenant
  get_billing:
    from: getBilling
    args: { X-Tenant-ID: { rename: org } }
  copy_item:
    from: copyItem
    args: { X-Tenant: { rename: tenant } }
    tenant_arg: tenant
`;

const { call } = servedFixture(
  "tenant-params",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({ TL_URL: url, TL_TENANT: "acme" }),
);

describe("the tenant lock holds for every argument that names a tenant", () => {
  it.each([
    ["a path parameter beside the locked header", "list_users", { tenant_id: "globex" }, "tenant_id"],
    [
      "the same with the locked header set right",
      "list_users",
      { tenant_id: "globex", tenant: "acme" },
      "tenant_id",
    ],
    ["in another case", "list_users", { tenant_id: "ACME" }, "tenant_id"],
    ["a query parameter of a tool without tenant_arg", "list_reports", { tenantId: "globex" }, "tenantId"],
    ["an argument renamed from the wire name X-Tenant-ID", "get_billing", { org: "globex" }, "org"],
    [
      "a nested body field",
      "copy_item",
      { item: "x", target: { tenant: "globex", folder: "f" } },
      "target.tenant",
    ],
  ])("%s: refused, naming the argument, with no upstream request", async (_label, tool, args, named) => {
    const { result, sent } = await call(tool, args);
    expect(result.isError, JSON.stringify(result)).toBe(true);
    const text = result.content?.[0]?.text ?? "";
    expect(text).toContain(
      `refused by TL_TENANT: this server is locked to tenant acme and '${named}' names another tenant`,
    );
    expect(text).not.toMatch(/globex/i);
    expect(sent).toEqual([]);
  });

  it("the locked tenant, or none, goes through; the declared argument is filled", async () => {
    const users = await call("list_users", { tenant_id: "acme" });
    expect(users.result.isError, JSON.stringify(users.result)).toBeFalsy();
    expect(users.sent.map((r) => `${r.method} ${r.url} ${r.headers["x-tenant"]}`)).toEqual([
      "GET /orgs/acme/users acme",
    ]);
    const reports = await call("list_reports", {});
    expect(reports.sent.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /reports"]);
    const billing = await call("get_billing", { org: "acme" });
    expect(billing.sent.map((r) => r.headers["x-tenant-id"])).toEqual(["acme"]);
    const copy = await call("copy_item", { item: "x", target: { tenant: "acme", folder: "f" } });
    expect(copy.result.isError, JSON.stringify(copy.result)).toBeFalsy();
    expect(JSON.parse(copy.sent[0]!.body.toString())).toEqual({
      item: "x",
      target: { tenant: "acme", folder: "f" },
    });
  });
});
