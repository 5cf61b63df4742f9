import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec } from "../helpers/generate.js";
import { BIN, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import {
  type Received,
  type RecordingServer,
  sendJson,
  startRecordingServer,
} from "../helpers/recording-server.js";

/**
 * Every OAuth2 flow and OpenID Connect, served from a bare spec with tokens the user provides, in front of a local
 * authorization server and an upstream on 127.0.0.1. The upstream accepts only tokens the authorization server
 * issued (or the ones a test hands the user); each case asserts the Authorization header the upstream received.
 */

const CLIENT = { id: "toolwright-cli", secret: "client-secret-5e1f" };
const REFRESH = "refresh-1d8a";
/** Tokens the upstream accepts, each for one scheme. */
const valid = new Map<string, string>();
let issued = 0;

let auth: RecordingServer;
let upstream: RecordingServer;
let served: Served;
let dir: string;
let skipWarnings: string[] = [];
let catalogMd = "";
const tokenFile = join(tmpDir("oauth-token-file"), "token");

async function expiredJwt(): Promise<string> {
  const key = new TextEncoder().encode("a-test-key-of-at-least-32-bytes!!");
  return new SignJWT({ sub: "user" })
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
    .sign(key);
}

function form(req: Received): URLSearchParams {
  return new URLSearchParams(req.body.toString());
}

function basicClient(req: Received): string | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith("Basic ")) return undefined;
  return Buffer.from(header.slice(6), "base64").toString("utf8");
}

function spec(authUrl: string): object {
  const op = (scheme: string) => ({
    get: {
      operationId: `call_${scheme}`,
      security: [{ [scheme]: [] }],
      responses: {
        "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
      },
    },
  });
  return {
    openapi: "3.1.0",
    info: { title: "oauth", version: "1" },
    servers: [{ url: "https://oauth.example.com" }],
    paths: {
      "/authcode": op("authCode"),
      "/implicit": op("implicit"),
      "/password": op("password"),
      "/clientcreds": op("clientCreds"),
      "/oidc": op("oidc"),
      "/digest-only": {
        get: {
          operationId: "call_digest",
          security: [{ digest: [] }],
          responses: { "200": { description: "ok" } },
        },
      },
      "/mixed": {
        get: {
          operationId: "call_mixed",
          security: [{ digest: [] }, { authCode: [] }],
          responses: { "200": { description: "ok" } },
        },
      },
    },
    components: {
      securitySchemes: {
        authCode: {
          type: "oauth2",
          flows: {
            authorizationCode: {
              authorizationUrl: `${authUrl}/authorize`,
              tokenUrl: `${authUrl}/token`,
              scopes: { "items:read": "read items" },
            },
          },
        },
        implicit: {
          type: "oauth2",
          flows: { implicit: { authorizationUrl: `${authUrl}/authorize`, scopes: {} } },
        },
        password: {
          type: "oauth2",
          flows: { password: { tokenUrl: `${authUrl}/token`, scopes: {} } },
        },
        clientCreds: {
          type: "oauth2",
          flows: { clientCredentials: { tokenUrl: `${authUrl}/token`, scopes: {} } },
        },
        oidc: { type: "openIdConnect", openIdConnectUrl: `${authUrl}/.well-known/openid-configuration` },
        digest: { type: "http", scheme: "digest" },
      },
    },
  };
}

beforeAll(async () => {
  auth = await startRecordingServer((req, res) => {
    if (req.path === "/.well-known/openid-configuration")
      return sendJson(res, 200, { issuer: auth.url, token_endpoint: `${auth.url}/token` });
    if (req.path !== "/token" || req.method !== "POST") return;
    const f = form(req);
    const grant = f.get("grant_type");
    const client = basicClient(req) ?? f.get("client_id");
    const ok =
      (grant === "refresh_token" && f.get("refresh_token") === REFRESH) ||
      (grant === "client_credentials" && client === `${CLIENT.id}:${CLIENT.secret}`);
    if (!ok) return sendJson(res, 400, { error: "invalid_grant" });
    const token = `issued-${++issued}`;
    valid.set(token, "issued");
    return sendJson(res, 200, { access_token: token, token_type: "Bearer", expires_in: 600 });
  });
  upstream = await startRecordingServer((req, res) => {
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? "";
    if (!valid.has(token)) return sendJson(res, 401, { error: "invalid_token" });
    return sendJson(res, 200, { path: req.path, token });
  });
  const out = tmpDir("oauth-upstream");
  const file = join(out, "oauth.json");
  writeFileSync(file, JSON.stringify(spec(auth.url)));
  const { cat, diags } = await genSpec(file, "oauth", relative(ROOT, join(out, "catalog")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  skipWarnings = diags.items.filter((d) => d.code === "TW139").map((d) => d.message);
  catalogMd = cat.files.get("CATALOG.md") ?? "";
  dir = join(ROOT, cat.dir);
  valid.set("implicit-token-1", "implicit");
  writeFileSync(tokenFile, "implicit-token-1\n", { mode: 0o600 });
  served = await serveOverStdio(dir, {
    OAUTH_BASE_URL: upstream.url,
    // authorization code: a public client whose provided JWT has expired; renewed before the first call.
    OAUTH_AUTHCODE_TOKEN: await expiredJwt(),
    OAUTH_AUTHCODE_REFRESH_TOKEN: REFRESH,
    OAUTH_AUTHCODE_CLIENT_ID: CLIENT.id,
    // implicit: no token URL, so only the provided token, from a file re-read at each call.
    OAUTH_IMPLICIT_TOKEN_FILE: tokenFile,
    // password: a confidential client; its opaque token is refused by the upstream, renewed, and the call repeated.
    OAUTH_PASSWORD_TOKEN: "revoked-opaque-token",
    OAUTH_PASSWORD_REFRESH_TOKEN: REFRESH,
    OAUTH_PASSWORD_CLIENT_ID: CLIENT.id,
    OAUTH_PASSWORD_CLIENT_SECRET: CLIENT.secret,
    // client credentials: no token at all; the client's own credentials request one.
    OAUTH_CLIENTCREDS_CLIENT_ID: CLIENT.id,
    OAUTH_CLIENTCREDS_CLIENT_SECRET: CLIENT.secret,
    // OpenID Connect: only a refresh token; the token endpoint comes from the discovery document.
    OAUTH_OIDC_REFRESH_TOKEN: REFRESH,
    OAUTH_OIDC_CLIENT_ID: CLIENT.id,
  });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
  await auth?.close();
});

async function call(name: string) {
  const before = upstream.received.length;
  const result = await served.client.callTool({ name, arguments: {} });
  return { result, sent: upstream.received.slice(before).map((r) => r.headers.authorization) };
}

function tokenRequests(): URLSearchParams[] {
  return auth.received.filter((r) => r.path === "/token").map(form);
}

describe("OAuth2 flows and OpenID Connect with tokens the user provides", () => {
  it("authorization code: an expired JWT is renewed with the refresh token before it is sent", async () => {
    const before = tokenRequests().length;
    const { result, sent } = await call("call_auth_code");
    expect(result.isError ?? false).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^Bearer issued-\d+$/);
    const grant = tokenRequests().slice(before);
    expect(grant.map((f) => [f.get("grant_type"), f.get("client_id")])).toEqual([
      ["refresh_token", CLIENT.id],
    ]);
    // The renewed token is cached: the next call sends it without another token request.
    const again = await call("call_auth_code");
    expect(again.sent).toEqual(sent);
    expect(tokenRequests().length).toBe(before + 1);
  });

  it("implicit: the token comes from a file re-read at each call", async () => {
    const first = await call("call_implicit");
    expect(first.sent).toEqual(["Bearer implicit-token-1"]);
    valid.set("implicit-token-2", "implicit");
    writeFileSync(tokenFile, "implicit-token-2\n");
    const second = await call("call_implicit");
    expect(second.sent).toEqual(["Bearer implicit-token-2"]);
    expect(second.result.isError ?? false).toBe(false);
  });

  it("password: a token the upstream refuses is renewed (client authenticated with Basic) and the call repeated", async () => {
    const before = auth.received.length;
    const { result, sent } = await call("call_password");
    expect(result.isError ?? false).toBe(false);
    expect(sent[0]).toBe("Bearer revoked-opaque-token");
    expect(sent[1]).toMatch(/^Bearer issued-\d+$/);
    const token = auth.received.slice(before).find((r) => r.path === "/token");
    expect(basicClient(token as Received)).toBe(`${CLIENT.id}:${CLIENT.secret}`);
    expect(form(token as Received).get("client_id")).toBeNull();
  });

  it("client credentials: without a token, the client's credentials request one", async () => {
    const { result, sent } = await call("call_client_creds");
    expect(result.isError ?? false).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^Bearer issued-\d+$/);
    expect(tokenRequests().at(-1)?.get("grant_type")).toBe("client_credentials");
  });

  it("OpenID Connect: the token endpoint comes from the discovery document", async () => {
    const { result, sent } = await call("call_oidc");
    expect(result.isError ?? false).toBe(false);
    expect(sent[0]).toMatch(/^Bearer issued-\d+$/);
    expect(auth.received.some((r) => r.path === "/.well-known/openid-configuration")).toBe(true);
  });

  it("a mixed requirement uses the alternative whose scheme can be sent", async () => {
    const { result, sent } = await call("call_mixed");
    expect(result.isError ?? false).toBe(false);
    expect(sent[0]).toMatch(/^Bearer issued-\d+$/);
  });

  it("an operation whose only scheme cannot be sent is left out, with a warning and a line in CATALOG.md", async () => {
    expect(skipWarnings).toEqual([
      expect.stringMatching(
        /^GET \/digest-only is left out: .*"digest" \(type http\/digest, which toolwright cannot send\)/,
      ),
    ]);
    expect(catalogMd).toContain("## Operations left out");
    expect(catalogMd).toMatch(/\| `GET \/digest-only` \(`call_digest`\) \|/);
    const { tools } = await served.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain("call_digest");
    expect(tools.map((t) => t.name)).toContain("call_mixed");
  });

  it("a scheme left unset is refused at call time, naming the variables to set", async () => {
    const bare = await serveOverStdio(dir, { OAUTH_BASE_URL: upstream.url });
    try {
      const result = await bare.client.callTool({ name: "call_auth_code", arguments: {} });
      expect(result.isError).toBe(true);
      const message = (result.content as { text: string }[])[0]?.text ?? "";
      expect(message).toMatch(
        /^missing credentials: set OAUTH_AUTHCODE_TOKEN or the file named by OAUTH_AUTHCODE_TOKEN_FILE, or OAUTH_AUTHCODE_REFRESH_TOKEN with OAUTH_AUTHCODE_CLIENT_ID/,
      );
      expect(message).toContain("OAUTH_AUTHCODE_TOKEN");
      expect(message).toContain("OAUTH_AUTHCODE_TOKEN_FILE");
      expect(message).toContain("OAUTH_AUTHCODE_REFRESH_TOKEN");
    } finally {
      await bare.close();
    }
  });

  it("a token the upstream refuses that cannot be renewed: the error says both, the upstream's 401 first", async () => {
    const stale = await serveOverStdio(dir, {
      OAUTH_BASE_URL: upstream.url,
      OAUTH_PASSWORD_TOKEN: "revoked-opaque-token",
      OAUTH_PASSWORD_REFRESH_TOKEN: "refresh-revoked-too",
      OAUTH_PASSWORD_CLIENT_ID: CLIENT.id,
      OAUTH_PASSWORD_CLIENT_SECRET: CLIENT.secret,
    });
    try {
      const before = upstream.received.length;
      const result = await stale.client.callTool({ name: "call_password", arguments: {} });
      expect(upstream.received.length - before).toBe(1);
      expect(result.isError).toBe(true);
      // The call was sent and refused: said before what renewing the token met, so no one reads it as unsent.
      expect((result.content as { text: string }[])[0]?.text).toMatch(
        /^the upstream refused the token \(HTTP 401 Unauthorized\) and a new one could not be obtained: OAuth2 scheme 'password': the token endpoint answered HTTP 400: invalid_grant \(correlation id \w+\)$/,
      );
    } finally {
      await stale.close();
    }
  });

  it("serve --help says how each scheme's token is given and renewed", async () => {
    const { execFileSync } = await import("node:child_process");
    const help = execFileSync(process.execPath, [BIN, "serve", dir, "--help"], { cwd: ROOT }).toString();
    expect(help).toContain("OAuth2 and OpenID Connect upstreams");
    expect(help).toMatch(/api \/ authCode\n\s+OAuth2 authorization code: an access token/);
    expect(help).toContain("OAUTH_AUTHCODE_REFRESH_TOKEN");
    expect(help).toContain(`renewed at ${auth.url}/token`);
  });
});
