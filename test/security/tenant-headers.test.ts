import { describe, expect, it } from "vitest";
import { resultText, servedFixture } from "../helpers/served-fixture.js";

/**
 * Tenant-carrying headers whose last word says how the tenant is written, not what it is: Shopify's
 * `X-Shopify-Shop-Domain` (a shop, by its domain), `X-Workspace-Name` (a workspace, by its name), a Zendesk-style
 * `X-Acme-Subdomain`. The lock read only a vendor header's last word, so a lock declared on
 * `X-Shopify-Shop-Domain` locked every header ending in `Domain` (`X-Email-Domain`: calls refused) and not the shop
 * (`/shops/{shop}`, `?shop=`, `X-Shop-Domain` reached another shop past it). The words that say the form
 * (`domain`, `subdomain`, `hostname`, and for a header `name`) are left out first, as `id` and `slug` are. A real
 * upstream records every request.
 */

const SPEC = `openapi: 3.0.3
info: { title: Headers, version: "1" }
paths:
  /admin/orders:
    get:
      operationId: listOrders
      parameters: [{ name: X-Shopify-Shop-Domain, in: header, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /shops/{shop}/products:
    get:
      operationId: listProducts
      parameters: [{ name: shop, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /themes:
    get:
      operationId: listThemes
      parameters:
        - { name: shop, in: query, schema: { type: string } }
        - { name: X-Shop-Domain, in: header, schema: { type: string } }
        - { name: shop_domain, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /mail:
    get:
      operationId: listMail
      parameters:
        - { name: X-Email-Domain, in: header, schema: { type: string } }
        - { name: X-Display-Name, in: header, schema: { type: string } }
        - { name: custom_domain, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /boards:
    get:
      operationId: listBoards
      parameters: [{ name: X-Workspace-Name, in: header, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /workspaces/{ws}/members:
    get:
      operationId: listMembers
      parameters: [{ name: ws, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /docs:
    get:
      operationId: listDocs
      parameters:
        - { name: workspace_id, in: query, schema: { type: string } }
        - { name: Acme-Workspace-Slug, in: header, schema: { type: string } }
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: headers
env:
  HDR_URL: { type: url, description: "HDR_URL." }
  HDR_TENANT: { description: "HDR_TENANT." }
  HDR_PARTNER: { description: "HDR_PARTNER." }
policy:
  tenant: { env: HDR_TENANT }
  partner: { env: HDR_PARTNER }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: HDR_URL } }
select: [{ all: true }]
tools:
  list_orders:
    from: listOrders
    tenant_arg: X-Shopify-Shop-Domain
  list_boards:
    from: listBoards
    partner_arg: X-Workspace-Name
`;

const { call } = servedFixture(
  "tenant-headers",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({
    HDR_URL: url,
    HDR_TENANT: "acme.myshopify.com",
    HDR_PARTNER: "design",
  }),
);

describe("a lock declared on X-Shopify-Shop-Domain locks the shop", () => {
  it.each([
    ["the path variable of /shops/{shop}", "list_products", { shop: "globex.myshopify.com" }, "shop"],
    ["a query parameter shop", "list_themes", { shop: "globex.myshopify.com" }, "shop"],
    ["a header X-Shop-Domain", "list_themes", { "X-Shop-Domain": "globex.myshopify.com" }, "X-Shop-Domain"],
    ["a query parameter shop_domain", "list_themes", { shop_domain: "globex.myshopify.com" }, "shop_domain"],
  ])("%s naming another shop is refused", async (_label, tool, args, named) => {
    const { result, sent } = await call(tool, args);
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toMatch(
      new RegExp(`locked to tenant acme\\.myshopify\\.com and '${named}' names another tenant`),
    );
    expect(resultText(result)).not.toContain("globex");
    expect(sent).toEqual([]);
  });

  it("the locked shop goes through; headers ending in Domain or Name that hold no tenant are not locked", async () => {
    const sent = [
      ...(await call("list_products", { shop: "acme.myshopify.com" })).sent,
      ...(await call("list_themes", { shop: "acme.myshopify.com", "X-Shop-Domain": "acme.myshopify.com" }))
        .sent,
      ...(
        await call("list_mail", {
          "X-Email-Domain": "example.org",
          "X-Display-Name": "Jo",
          custom_domain: "shop.example.org",
        })
      ).sent,
      ...(await call("list_orders", {})).sent,
    ];
    expect(sent.map((r) => r.url)).toEqual([
      "/shops/acme.myshopify.com/products",
      "/themes?shop=acme.myshopify.com",
      "/mail?custom_domain=shop.example.org",
      "/admin/orders",
    ]);
    expect(sent[2]!.headers["x-email-domain"]).toBe("example.org");
    expect(sent[2]!.headers["x-display-name"]).toBe("Jo");
    // The declared header is filled with the locked shop.
    expect(sent[3]!.headers["x-shopify-shop-domain"]).toBe("acme.myshopify.com");
  });
});

describe("a lock declared on X-Workspace-Name locks the workspace", () => {
  it.each([
    ["the path variable of /workspaces/{ws}", "list_members", { ws: "sales" }, "ws"],
    ["a query parameter workspace_id", "list_docs", { workspace_id: "sales" }, "workspace_id"],
    [
      "a vendor's Acme-Workspace-Slug",
      "list_docs",
      { "Acme-Workspace-Slug": "sales" },
      "Acme-Workspace-Slug",
    ],
  ])("%s naming another workspace is refused", async (_label, tool, args, named) => {
    const { result, sent } = await call(tool, args);
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toMatch(
      new RegExp(`locked to partner design and '${named}' names another partner`),
    );
    expect(sent).toEqual([]);
  });

  it("the locked workspace goes through", async () => {
    const { result, sent } = await call("list_docs", {
      workspace_id: "design",
      "Acme-Workspace-Slug": "design",
    });
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => r.url)).toEqual(["/docs?workspace_id=design"]);
  });
});
