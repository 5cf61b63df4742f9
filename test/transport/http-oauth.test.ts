import { createHmac } from "node:crypto";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIssuer, startLocalIssuer } from "./local-issuer.js";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// OAuth resource-server mode: with authorization servers configured, JWT access tokens are verified against the
// issuer's JWKS (found through its RFC 8414 or OpenID metadata): signature, iss, aud = this resource, exp, and the
// catalog's required scope (mcp:tools). The issuer is a local server with keys this test makes.

let issuer: LocalIssuer;
let served: Served;
let resource: string;

beforeAll(async () => {
  issuer = await startLocalIssuer({
    "tenant-a": { discovery: "rfc8414" },
    "tenant-b": { discovery: "oidc" },
  });
  const env = fixtureEnv({
    // tenant-a by issuer identifier, tenant-b by its OpenID discovery URL (reduced to the issuer).
    SCALY_MCP_AUTHORIZATION_SERVERS: `${issuer.issuer("tenant-a")},${issuer.issuer("tenant-b")}/.well-known/openid-configuration`,
  });
  delete env.SCALY_API_KEY;
  served = await serveHttp(await fixtureCatalog(), env);
  resource = served.url;
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
  await issuer.close();
  expect(served.stderr()).not.toMatch(/eyJ[\w-]+\.eyJ/);
});

const post = (authorization?: string) =>
  raw(served.url, {
    headers: { ...MCP_HEADERS, ...(authorization ? { authorization: `Bearer ${authorization}` } : {}) },
    body: INITIALIZE,
  });

const good = () => ({ aud: resource, sub: "user-1", client_id: "agent-7", scope: "mcp:tools profile" });

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

it("does not say 'no OAuth' where it names authorization servers", async () => {
  const res = await raw(served.url, {
    method: "POST",
    path: "/register",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(res.status).toBe(404);
  expect(res.body).toContain("the MCP endpoint is /mcp");
  expect(res.body).not.toContain("no OAuth");
});

it("advertises the authorization servers in the protected resource metadata", async () => {
  const doc = await (await fetch(`${served.origin}/.well-known/oauth-protected-resource/mcp`)).json();
  expect(doc).toEqual({
    resource,
    authorization_servers: [issuer.issuer("tenant-a"), issuer.issuer("tenant-b")],
    scopes_supported: ["mcp:tools"],
    bearer_methods_supported: ["header"],
    resource_name: "HTTP fixture",
  });
});

it("accepts a valid token from either issuer and serves MCP with it", async () => {
  for (const tenant of ["tenant-a", "tenant-b"]) {
    const token = await issuer.mint(tenant, good());
    expect((await post(token)).status).toBe(200);
    const client = new Client(
      { name: "oauth-client", version: "1.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(served.url), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    const result = await client.callTool({ name: "fixture_echo", arguments: { text: tenant } });
    expect(result.structuredContent).toEqual({ text: tenant, length: 8 });
    await client.close();
  }
  // The audit log says who called (issuer, subject, client id), never with the token.
  // Each line is written before its answer, but stderr is its own pipe, read after the HTTP answers: both
  // whole lines are waited for there.
  const calls = (await served.waitForStderr(/^\{.*"event":"tool_call".*\n/m, 2))
    .split("\n")
    .filter((line) => line.startsWith("{") && line.includes('"event":"tool_call"'))
    .map((line) => JSON.parse(line));
  expect(calls.map((c) => c.client.principal)).toEqual([
    { kind: "jwt", issuer: issuer.issuer("tenant-a"), subject: "user-1", client_id: "agent-7" },
    { kind: "jwt", issuer: issuer.issuer("tenant-b"), subject: "user-1", client_id: "agent-7" },
  ]);
  // Discovery went through each tenant's own kind of metadata document.
  expect(issuer.hits).toContain("/.well-known/oauth-authorization-server/tenant-a");
  expect(issuer.hits).toContain("/tenant-b/.well-known/openid-configuration");
});

describe("refuses", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    [
      "a token for another resource (aud)",
      () => issuer.mint("tenant-a", { ...good(), aud: "https://other.example.com/mcp" }),
      /aud/,
    ],
    ["a token without an audience", () => issuer.mint("tenant-a", { ...good(), aud: undefined }), /aud/],
    [
      "a token from an issuer that is not configured",
      () => issuer.mint("tenant-a", { ...good(), iss: issuer.issuer("tenant-c") }),
      /issuer is not accepted/,
    ],
    [
      "a token whose issuer claim names another configured tenant than the key's",
      // Signed by the right key but claiming a bogus issuer path: the issuer check is on the claim, not the key.
      () => issuer.mint("tenant-a", { ...good(), iss: `${issuer.origin}/tenant-a/../tenant-b` }),
      /issuer is not accepted/,
    ],
    ["an expired token", () => issuer.mint("tenant-a", { ...good(), exp: now() - 120 }), /expired/],
    // Explicit typing (RFC 8725): a token typed as something other than an access token, valid otherwise.
    ...(["JWT+id_token", "dpop+jwt", "logout+jwt", "secevent+jwt"].map((typ) => [
      `a token typed ${typ}`,
      () => issuer.mint("tenant-a", good(), { typ }),
      /typed as an access token/,
    ]) as Array<[string, () => Promise<string>, RegExp]>),
    ["a token without an expiry", () => issuer.mint("tenant-a", good(), { noExp: true }), /exp/],
    [
      "a token not valid yet",
      () => issuer.mint("tenant-a", { ...good(), nbf: now() + 600 }),
      /not valid yet/,
    ],
    [
      "a token signed with another key (same kid)",
      () => issuer.mint("tenant-a", good(), { forged: true }),
      /signature/,
    ],
    [
      "an unsigned token (alg none)",
      async () =>
        `${b64({ alg: "none", typ: "at+jwt" })}.${b64({ ...good(), iss: issuer.issuer("tenant-a"), exp: now() + 60 })}.`,
      /not valid|algorithm/,
    ],
    [
      "an HS256 token keyed with the public JWK (algorithm confusion)",
      async () => {
        const jwks = (await (await fetch(`${issuer.issuer("tenant-a")}/jwks`)).json()) as { keys: unknown[] };
        const head = b64({ alg: "HS256", kid: "key-1" });
        const body = b64({ ...good(), iss: issuer.issuer("tenant-a"), exp: now() + 60 });
        const mac = createHmac("sha256", JSON.stringify(jwks.keys[0]))
          .update(`${head}.${body}`)
          .digest("base64url");
        return `${head}.${body}.${mac}`;
      },
      /algorithm/,
    ],
    ["a token that is not a JWT", async () => "opaque-token-value-123456", /not valid/],
    // Header members that would choose the key (RFC 8725 3.10): only the issuer's key set ever verifies.
    [
      "a token that embeds its own signing key (jwk)",
      () => issuer.mint("tenant-a", good(), { forged: true, header: { jwk: issuer.forgedJwk } }),
      /signature/,
    ],
    ...(["jku", "x5u"].map((member) => [
      `a token whose ${member} points to another key set`,
      () =>
        issuer.mint("tenant-a", good(), {
          forged: true,
          header: { [member]: `${issuer.origin}/attacker/${member}` },
        }),
      /signature/,
    ]) as Array<[string, () => Promise<string>, RegExp]>),
    ...(["../../../../dev/null", "key-1' OR '1'='1", "key-1\u0000", ""].map((kid) => [
      `a token signed elsewhere with kid ${JSON.stringify(kid)}`,
      () => issuer.mint("tenant-a", good(), { forged: true, kid }),
      /signature/,
    ]) as Array<[string, () => Promise<string>, RegExp]>),
    [
      "a well-signed token with a critical header member nobody here understands (crit)",
      () =>
        issuer.mint("tenant-a", good(), { header: { crit: ["urn:example:bound"], "urn:example:bound": 1 } }),
      /not a valid JWT/,
    ],
    ...(["None", "NONE", "nOnE"].map((alg) => [
      `an unsigned token (alg ${alg})`,
      async () =>
        `${b64({ alg, typ: "at+jwt" })}.${b64({ ...good(), iss: issuer.issuer("tenant-a"), exp: now() + 60 })}.`,
      /not valid|algorithm/,
    ]) as Array<[string, () => Promise<string>, RegExp]>),
    // Issuer lookalikes, well signed: iss must equal the issuer its metadata states, byte for byte.
    ...((
      [
        ["a trailing slash", (i: string) => `${i}/`],
        ["upper case", (i: string) => i.toUpperCase()],
        ["an encoded slash", (i: string) => `${i}%2F`],
      ] as const
    ).map(([how, alter]) => [
      `a well-signed token whose iss is a lookalike (${how})`,
      () => issuer.mint("tenant-a", { ...good(), iss: alter(issuer.issuer("tenant-a")) }),
      /issuer is not accepted/,
    ]) as Array<[string, () => Promise<string>, RegExp]>),
    [
      "a token whose aud array names only other resources",
      () => issuer.mint("tenant-a", { ...good(), aud: ["https://other.example.com/mcp", `${resource}x`] }),
      /aud/,
    ],
    [
      "a token whose exp is a string",
      () => issuer.mint("tenant-a", { ...good(), exp: String(now() + 600) as unknown as number }),
      /exp/,
    ],
    [
      "a token whose nbf is a string",
      () => issuer.mint("tenant-a", { ...good(), nbf: "0" as unknown as number }),
      /nbf|not a valid/,
    ],
  ];

  it.each(cases)("%s with 401 invalid_token", async (_label, make, why) => {
    const hits = issuer.hits.length;
    const res = await post(await make());
    // Nothing a token's header names is fetched (jku, x5u).
    expect(issuer.hits.slice(hits).filter((path) => path.startsWith("/attacker/"))).toEqual([]);
    expect(res.status).toBe(401);
    const challenge = String(res.headers["www-authenticate"]);
    expect(challenge).toContain('error="invalid_token"');
    expect(challenge).toContain(
      `resource_metadata="${served.origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(JSON.parse(res.body).error_description).toMatch(why);
  });

  it("a token without the required scope with 403 insufficient_scope naming the scope", async () => {
    const res = await post(await issuer.mint("tenant-a", { ...good(), scope: "profile" }));
    expect(res.status).toBe(403);
    expect(String(res.headers["www-authenticate"])).toBe(
      `Bearer resource_metadata="${served.origin}/.well-known/oauth-protected-resource/mcp", error="insufficient_scope", error_description="the access token lacks scope mcp:tools", scope="mcp:tools"`,
    );
  });

  it("the static key when none is configured (OAuth only)", async () => {
    expect((await post(FIXTURE_KEY)).status).toBe(401);
  });
});

it("accepts access tokens typed at+jwt, application/at+jwt, the generic JWT, or not typed at all", async () => {
  for (const typ of ["at+jwt", "application/at+jwt", "JWT", null]) {
    expect((await post(await issuer.mint("tenant-a", good(), { typ }))).status, String(typ)).toBe(200);
  }
});

it("accepts scopes written as an scp array too", async () => {
  const { scope: _omit, ...claims } = good();
  expect((await post(await issuer.mint("tenant-a", { ...claims, scp: ["mcp:tools"] }))).status).toBe(200);
});

it("accepts both the static key and tokens when both are configured", async () => {
  const both = await serveHttp(
    await fixtureCatalog(),
    fixtureEnv({ SCALY_MCP_AUTHORIZATION_SERVERS: issuer.issuer("tenant-a") }),
  );
  try {
    const send = (token: string) =>
      raw(both.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });
    expect((await send(FIXTURE_KEY)).status).toBe(200);
    expect((await send(await issuer.mint("tenant-a", { ...good(), aud: both.url }))).status).toBe(200);
    // A token for the first server is not valid here: its audience is the other resource.
    expect((await send(await issuer.mint("tenant-a", good()))).status).toBe(401);
  } finally {
    expect(await both.stop()).toBe(0);
  }
});

it("answers 503, not 401, while the issuer cannot be reached", async () => {
  const lonely = await startLocalIssuer({ gone: { discovery: "rfc8414" } });
  const token = await lonely.mint("gone", good());
  const gone = lonely.issuer("gone");
  await lonely.close();
  const env = fixtureEnv({ SCALY_MCP_AUTHORIZATION_SERVERS: gone });
  delete env.SCALY_API_KEY;
  const down = await serveHttp(await fixtureCatalog(), env);
  try {
    const res = await raw(down.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INITIALIZE,
    });
    expect(res.status).toBe(503);
    // Logged before the 503 is sent, but on stderr, its own pipe: waited for there, with no deadline (vi.waitFor's
    // 1 s was one under load).
    await down.waitForStderr("cannot verify an access token");
  } finally {
    expect(await down.stop()).toBe(0);
  }
});
