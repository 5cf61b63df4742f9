import { describe, expect, it } from "vitest";
import { resultText, servedFixture } from "../helpers/served-fixture.js";

/**
 * What a lock's declared argument makes the tenant's name across the catalog, for names that say little by
 * themselves. A generic one (`tenant_arg: id` on `/workspaces/{id}`) locked every argument called `id` in every
 * tool (a user's, a project's), so calls naming no tenant were refused; the segment it follows (workspaces) is
 * the lock's name instead. A vendor's header (`Stripe-Account`, `Acme-Workspace`) carries the tenant as `X-` headers
 * do: declared, its last word is the tenant's name (`/accounts/{account}`, `?account=` were reached past a lock
 * declared on `Stripe-Account`); met in another tool, it is locked when that word is. A real upstream records
 * every request.
 */

const SPEC = `openapi: 3.0.3
info: { title: Carriers, version: "1" }
paths:
  /workspaces/{id}/projects:
    get:
      operationId: listProjects
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /users/{id}:
    get:
      operationId: getUser
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: id, in: query, schema: { type: string } }
        - { name: key, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /reports:
    get:
      operationId: listReports
      parameters:
        - { name: X-Workspace-Id, in: header, schema: { type: string } }
        - { name: Acme-Workspace, in: header, schema: { type: string } }
      responses: { "200": { description: ok } }
  /v1/charges:
    get:
      operationId: listCharges
      parameters: [{ name: Stripe-Account, in: header, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /v1/accounts/{account}:
    get:
      operationId: retrieveAccount
      parameters: [{ name: account, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /v1/transfers:
    get:
      operationId: listTransfers
      parameters:
        - { name: account, in: query, schema: { type: string } }
        - { name: Stripe-Account, in: header, schema: { type: string } }
      responses: { "200": { description: ok } }
  /v1/balance:
    get:
      operationId: getBalance
      parameters: [{ name: Account-Type, in: header, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: carriers
env:
  CAR_URL: { type: url, description: "CAR_URL." }
  CAR_TENANT: { description: "CAR_TENANT." }
  CAR_PARTNER: { description: "CAR_PARTNER." }
policy:
  tenant: { env: CAR_TENANT }
  partner: { env: CAR_PARTNER }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: CAR_URL } }
select: [{ all: true }]
tools:
  list_projects:
    from: listProjects
    tenant_arg: id
  list_charges:
    from: listCharges
    partner_arg: Stripe-Account
`;

const { call } = servedFixture(
  "tenant-carriers",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({ CAR_URL: url, CAR_TENANT: "ws-1", CAR_PARTNER: "acct_1" }),
);

describe("a generic declared name (tenant_arg: id) is not the tenant's name elsewhere", () => {
  it("another tool's id and key go through as sent", async () => {
    const user = await call("get_user", { id: "u-42" });
    expect(user.result.isError, resultText(user.result)).toBeFalsy();
    const items = await call("list_items", { id: "i-7", key: "k" });
    expect(items.result.isError, resultText(items.result)).toBeFalsy();
    expect([...user.sent, ...items.sent].map((r) => r.url)).toEqual(["/users/u-42", "/items?id=i-7&key=k"]);
  });

  it("the declared tool's own id is locked and filled", async () => {
    const other = await call("list_projects", { id: "ws-2" });
    expect(other.result.isError).toBe(true);
    expect(resultText(other.result)).toMatch(/locked to tenant ws-1 and 'id' names another tenant/);
    expect(other.sent).toEqual([]);
    const filled = await call("list_projects", {});
    expect(filled.sent.map((r) => r.url)).toEqual(["/workspaces/ws-1/projects"]);
  });

  it("the segment it follows names the tenant: X-Workspace-Id and a vendor's Acme-Workspace are locked", async () => {
    for (const header of ["X-Workspace-Id", "Acme-Workspace"]) {
      const { result, sent } = await call("list_reports", { [header]: "ws-2" });
      expect(result.isError, header).toBe(true);
      expect(resultText(result)).toMatch(new RegExp(`'${header}' names another tenant`));
      expect(sent).toEqual([]);
    }
    const same = await call("list_reports", { "Acme-Workspace": "ws-1" });
    expect(same.result.isError, resultText(same.result)).toBeFalsy();
    expect(same.sent[0]!.headers["acme-workspace"]).toBe("ws-1");
  });
});

describe("a lock declared on a vendor's header (partner_arg: Stripe-Account)", () => {
  it.each([
    ["the path variable of /v1/accounts/{account}", "retrieve_account", { account: "acct_2" }, "account"],
    ["a query parameter account", "list_transfers", { account: "acct_2" }, "account"],
    ["the same header in another tool", "list_transfers", { "Stripe-Account": "acct_2" }, "Stripe-Account"],
  ])("%s naming another account is refused", async (_label, tool, args, named) => {
    const { result, sent } = await call(tool, args);
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toMatch(
      new RegExp(`locked to partner acct_1 and '${named}' names another partner`),
    );
    expect(resultText(result)).not.toContain("acct_2");
    expect(sent).toEqual([]);
  });

  it("the locked account goes through; a header that is no account (Account-Type) is not locked", async () => {
    const sent = [
      ...(await call("retrieve_account", { account: "acct_1" })).sent,
      ...(await call("list_transfers", { account: "acct_1", "Stripe-Account": "acct_1" })).sent,
      ...(await call("get_balance", { "Account-Type": "express" })).sent,
    ];
    expect(sent.map((r) => r.url)).toEqual([
      "/v1/accounts/acct_1",
      "/v1/transfers?account=acct_1",
      "/v1/balance",
    ]);
    expect(sent[2]!.headers["account-type"]).toBe("express");
  });
});
