import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, HttpBinding } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Header and cookie parameter names are spec text. One that is no token (RFC 9110, RFC 6265) cannot be sent as
 * declared: a header named `X Trace Id` made every call of its tool fail ("the upstream request failed", after the
 * upstream was counted as asked), and a cookie named `sid; admin=1` wrote another cookie than the one declared
 * next to the argument's. Such a parameter is not made an argument, with a located TW144 warning; the tool's other
 * parameters work.
 */

/** What a cookie name must be (RFC 6265bis's cookie-name without `=`), as the diagnostics say it. */
const COOKIE_RULE = `a cookie name (RFC 6265bis: visible ASCII but space, '"', ',', ';', '=' and '\\')`;

const SPEC = `openapi: 3.0.3
info: { title: Odd, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: "X Trace Id", in: header, required: true, schema: { type: string } }
        - { name: "X-Ok", in: header, schema: { type: string } }
        - { name: "X-Bad:Colon", in: header, schema: { type: string } }
        - { name: "sid; admin=1", in: cookie, schema: { type: string } }
        - { name: "theme", in: cookie, schema: { type: string } }
        - { name: "prefs[theme]", in: cookie, schema: { type: string } }
        - { name: "prefs[lang]", in: cookie, schema: { type: array, items: { type: string } } }
        - { name: "q", in: query, schema: { type: string } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

const fx = servedSpec(
  join(writeTree("header-names", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "odd",
  "header-names-catalog",
  (url) => ({ ODD_BASE_URL: url }),
);

describe("header and cookie parameter names that are no token", () => {
  it("are not arguments, each with a located TW144 warning", async () => {
    const warned = fx.diags.items.filter((d) => d.code === "TW144");
    expect(warned.map((d) => [d.severity, d.message])).toEqual([
      [
        "warning",
        'GET /items: header parameter "X Trace Id" is not an argument: its name is not an HTTP header name (RFC 9110 token), so no request can carry it',
      ],
      [
        "warning",
        'GET /items: header parameter "X-Bad:Colon" is not an argument: its name is not an HTTP header name (RFC 9110 token), so no request can carry it',
      ],
      [
        "warning",
        `GET /items: cookie parameter "sid; admin=1" is not an argument: its name is not ${COOKIE_RULE}, so no request can carry it`,
      ],
    ]);
    for (const d of warned) expect(d.source?.file, d.message).toMatch(/openapi\.yaml$/);
    const tools = (await fx.client().listTools()).tools;
    const args = Object.keys((tools[0]!.inputSchema.properties ?? {}) as object);
    expect(args.sort()).toEqual(["X-Ok", "prefs_lang", "prefs_theme", "q", "theme"].sort());
  });

  it("the tool's other parameters are sent, and no cookie but the declared ones", async () => {
    fx.upstream().received.length = 0;
    const result = await fx.client().callTool({
      name: "list_items",
      arguments: { "X-Ok": "yes", theme: "dark; admin=1", q: "x" },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(fx.upstream().received).toHaveLength(1);
    const [req] = fx.upstream().received;
    expect(req!.headers["x-ok"]).toBe("yes");
    expect(req!.headers.cookie).toBe("theme=dark%3B%20admin%3D1");
    expect(req!.url).toBe("/items?q=x");
  });

  it("a bracketed cookie name (prefs[theme], RFC 6265bis) is an argument, sent as declared with its value encoded", async () => {
    fx.upstream().received.length = 0;
    const result = await fx.client().callTool({
      name: "list_items",
      arguments: {
        theme: "dark",
        prefs_theme: 'light; sid=x, "q"\\é',
        prefs_lang: ["en,fr", "de"],
      },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(fx.upstream().received).toHaveLength(1);
    expect(fx.upstream().received[0]!.headers.cookie).toBe(
      "theme=dark; prefs[theme]=light%3B%20sid%3Dx%2C%20%22q%22%5C%C3%A9; prefs[lang]=en%2Cfr; prefs[lang]=de",
    );
  });
});

describe("an apiKey scheme whose header or cookie name is no token", () => {
  const spec = (where: string, name: string) => `openapi: 3.0.3
info: { title: Keyed, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    key: { type: apiKey, in: ${where}, name: ${JSON.stringify(name)} }
security: [{ key: [] }]
paths:
  /items:
    get:
      operationId: listItems
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

  it.each([
    ["header", "X Api Key", "an HTTP header name (RFC 9110 token)"],
    ["header", "X-Api-Key:", "an HTTP header name (RFC 9110 token)"],
    ["cookie", "sid; admin=1", COOKIE_RULE],
    ["cookie", "prefs theme", COOKIE_RULE],
    ["cookie", "a=b", COOKIE_RULE],
  ])(
    "in %s %j: the scheme is malformed, a TW133 warning at its name, and its only operation is left out, so generate stops (before: generated, and no call could send the key as declared)",
    async (where, name, what) => {
      const tree = writeTree(`apikey-names-${where}`, { "openapi.yaml": spec(where, name) });
      const { cat, diags } = await genSpec(join(tree, "openapi.yaml"), "keyed", "test/.tmp/apikey-names");
      expect(cat).toBeUndefined();
      const malformed = diags.items.filter((d) => d.code === "TW133");
      expect(malformed.map((d) => [d.severity, d.message])).toEqual([
        [
          "warning",
          `security scheme "key" is malformed (/components/securitySchemes/key/name: ${JSON.stringify(name)} is not ${what}, so no request can carry the key): no credential is sent for it; an operation that needs it is sent with another alternative it lists, or left out`,
        ],
      ]);
      expect(malformed[0]?.source).toMatchObject({ pointer: "#/components/securitySchemes/key/name" });
      expect(diags.items.filter((d) => d.code === "TW139").map((d) => d.message)).toHaveLength(1);
      expect(errorsOf(diags).length).toBeGreaterThan(0);
    },
  );

  it("a query name is encoded, and a token header name and a bracketed cookie name are sent", async () => {
    for (const [where, name] of [
      ["query", "api key"],
      ["header", "X-Api-Key"],
      ["cookie", "auth[key]"],
    ]) {
      const tree = writeTree(`apikey-names-ok-${where}`, { "openapi.yaml": spec(where!, name!) });
      const { cat, diags } = await genSpec(join(tree, "openapi.yaml"), "keyed", "test/.tmp/apikey-names");
      expect(errorsOf(diags), `${where} ${name}`).toEqual([]);
      expect(cat).toBeDefined();
    }
  });
});

describe("a catalog built some other way with a header or cookie name that is no token", () => {
  // Before, load accepted it and every call failed as the generic "the upstream request failed".
  it("is refused at load, naming the tool or scheme and the name", async () => {
    const { checkCatalog } = await import("../../src/load/check.js");
    const doc = fx.doc();
    expect(checkCatalog(doc, {} as never, ROOT)).toEqual([]);
    const tool = doc.tools[0]!;
    const binding = tool.binding as HttpBinding;
    const tampered: CatalogDocument = {
      ...doc,
      tools: [
        {
          ...tool,
          binding: {
            ...binding,
            params: binding.params.map((p) =>
              p.name === "X-Ok"
                ? { ...p, name: "X Ok" }
                : p.name === "theme"
                  ? { ...p, name: "theme=dark; a" }
                  : p,
            ),
          },
        },
      ],
      sources: doc.sources.map((s) => ({
        ...s,
        auth: [
          ...s.auth,
          { kind: "apiKey", scheme: "k", in: "header", name: "X Key", value: { default: "x" } },
        ],
      })) as CatalogDocument["sources"],
    };
    expect(checkCatalog(tampered, {} as never, ROOT)).toEqual([
      `source 'api' scheme 'k': the apiKey's header name "X Key" is not an HTTP header name (RFC 9110 token), so no request can carry the key`,
      `tool ${tool.name}: header parameter "X Ok" is not an HTTP header name (RFC 9110 token), so no request can carry it`,
      `tool ${tool.name}: cookie parameter "theme=dark; a" is not ${COOKIE_RULE}, so no request can carry it`,
    ]);
  });
});
