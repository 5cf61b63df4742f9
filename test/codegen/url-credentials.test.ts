import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textCredentials, urlCredentials, withoutUrlCredentials } from "../../codegen/url-credentials.js";
import { credentialParameter, shownValue } from "../../src/telemetry/redact.js";
import { filesUnder } from "../helpers/files.js";
import { BIN, serveOverStdio } from "../helpers/mcp.js";
import { tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * Generates a project (`specs/<name>`: `files` beside a good tools.yaml), then again with each of `edits`' text
 * replaced in the manifest (each must stand in it); returns the generated files before, the failed run's output
 * and the generated files after it.
 */
function manifestEdited(
  tmp: string,
  name: string,
  files: Record<string, string>,
  good: string,
  edits: readonly (readonly string[])[],
) {
  const root = tmpDir(tmp);
  const project = join(root, "specs", name);
  mkdirSync(project, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(project, file), text);
  writeFileSync(join(project, "tools.yaml"), good);
  const generated = spawnSync(process.execPath, [BIN, "generate"], { cwd: root, encoding: "utf8" });
  expect(generated.status, String(generated.stderr)).toBe(0);
  const out = join(root, "generated", name);
  const snapshot = () => Object.fromEntries(filesUnder(out).map((f) => [f, readFileSync(f, "utf8")]));
  const before = snapshot();
  let manifest = good;
  for (const [from, to] of edits) {
    expect(manifest).toContain(from);
    manifest = manifest.replace(from as string, to as string);
  }
  writeFileSync(join(project, "tools.yaml"), manifest);
  const bad = spawnSync(process.execPath, [BIN, "generate"], { cwd: root, encoding: "utf8" });
  return { before, bad, stderr: String(bad.stderr), after: snapshot() };
}

/**
 * Generates one spec bare (`generate --openapi` or `--graphql`) in a fresh folder; returns the run, the folder, the
 * catalog's folder and every text the run left (stdout, stderr and each generated file), where no secret may stand.
 */
function generateBare(
  tmp: string,
  file: string,
  text: string,
  name: string,
  kind: "openapi" | "graphql" = "openapi",
) {
  const dir = tmpDir(tmp);
  writeFileSync(join(dir, file), text);
  const generated = spawnSync(
    process.execPath,
    [BIN, "generate", `--${kind}`, file, "--name", name, "--out", `generated/${name}`],
    { cwd: dir, encoding: "utf8" },
  );
  const texts: Record<string, string> = {
    stdout: String(generated.stdout),
    stderr: String(generated.stderr),
  };
  const out = join(dir, `generated/${name}`);
  for (const f of filesUnder(out)) texts[f] = readFileSync(f, "utf8");
  return { dir, generated, texts, out };
}

/**
 * A URL default holding a credential (a spec server's `https://user:pass@host`, `?api_key=sk_live_...`, a server
 * variable's default in `?key={key}`, a token or authorization URL's `client_secret`; a manifest's base URL, env or
 * token URL default) was written into catalog.json, CATALOG.md and so the packed package. A spec's is most likely a
 * documentation example: left out of every URL the catalog writes, with a warning located at it. A manifest's is
 * the user's own: refused, located (tools.yaml:line:col), naming what it holds, never its value.
 */

function expectAbsent(secrets: readonly string[], texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts))
    for (const s of secrets) expect(text.includes(s), `${where} holds ${s}`).toBe(false);
}

describe("credentialParameter", () => {
  // The name is read as words and its last word decides: a credential's name ends in one (`access_token`,
  // `X-Amz-Signature`); a name about one (`key_id`, `password_policy`) or another word (`author`) is no credential.
  it.each([
    ...[
      "api_key",
      "apiKey",
      "APIKEY",
      "X-API-Key",
      "key",
      "key2",
      "token",
      "access_token",
      "accessToken",
      "client_secret",
      "password",
      "pwd",
      "sig",
      "signature",
      "X-Amz-Signature",
      "X-Amz-Security-Token",
      "X-Hub-Signature-256",
      "auth",
      "authorization",
      "session_id",
      "PHPSESSID",
      "oauth_signature",
      "private_key",
      "api%5Fkey",
    ].map((name) => [name, true] as const),
    ...[
      "author",
      "authority",
      "keyword",
      "hotkey",
      "monkey",
      "tokenizer",
      "password_policy",
      "key_id",
      "api_key_id",
      "token_type",
      "pageToken",
      "next_token",
      "public_key",
      "oauth_signature_method",
      "signed",
      "sigma",
      "passage",
      "secret_name",
    ].map((name) => [name, false] as const),
  ])("%s: %s", (name, credential) => {
    expect(credentialParameter(name)).toBe(credential);
  });
});

describe("urlCredentials", () => {
  it.each([
    [
      "https://u:p@api.example.com/v1",
      ["a user name or password before its host"],
      "https://api.example.com/v1",
    ],
    ["//u@h.example.com/x", ["a user name or password before its host"], "//h.example.com/x"],
    [
      "https://a.example.com/v1?api_key=K&page=2#access_token=T&x=1",
      ["the query parameter api_key", "the fragment parameter access_token"],
      "https://a.example.com/v1?page=2#x=1",
    ],
    ["https://{r}.example.com/v?key={key}", ["the query parameter key"], "https://{r}.example.com/v"],
    ["https://a.example.com/v1?version=2", [], "https://a.example.com/v1?version=2"],
    // A value written as a known secret whatever its parameter's name.
    [
      "https://a.example.com/v1?q=sk_live_abcdefghijkl&p=1",
      ["the query parameter q"],
      "https://a.example.com/v1?p=1",
    ],
    [
      "https://a.example.com/v1?author=me&keyword=k&tokenizer=t&password_policy=p&key_id=k1&sig=S",
      ["the query parameter sig"],
      "https://a.example.com/v1?author=me&keyword=k&tokenizer=t&password_policy=p&key_id=k1",
    ],
    ["https://a.example.com/v1?token=", [], "https://a.example.com/v1?token="],
    ["https://a.example.com/users/@me", [], "https://a.example.com/users/@me"],
  ])("%s", (url, found, kept) => {
    expect(urlCredentials(url)).toEqual(found);
    expect(withoutUrlCredentials(url)).toBe(kept);
  });
});

describe("a spec's server and OAuth URLs holding credentials", () => {
  const SECRETS = ["DOCPASS1", "SPECQKEY2", "TOKPASS3", "TOKQ4", "VARKEY5", "PATHTOK6", "AUTHQ7", "OIDCQ8"];
  let upstream: RecordingServer;
  let dir: string;
  let generated: ReturnType<typeof spawnSync>;

  beforeAll(async () => {
    upstream = await startRecordingServer((req, res) => sendJson(res, 200, { at: req.path }));
    const port = new URL(upstream.url).port;
    const spec = `openapi: 3.0.3
info: { title: Creds, version: "1" }
servers:
  - url: http://docuser:DOCPASS1@127.0.0.1:${port}/v1?api_key=SPECQKEY2&page=2&author=me&key_id=k1&keyword=kw
components:
  securitySchemes:
    o:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: http://cid:TOKPASS3@127.0.0.1:${port}/token?client_secret=TOKQ4
          scopes: {}
        authorizationCode:
          authorizationUrl: "https://auth.example.com/authorize?client_secret=AUTHQ7"
          tokenUrl: http://127.0.0.1:${port}/token
          scopes: {}
    oidc: { type: openIdConnect, openIdConnectUrl: "https://id.example.com/.well-known/openid-configuration?access_token=OIDCQ8" }
paths:
  /docs:
    get: { operationId: docs, responses: { "200": { description: ok } } }
  /path:
    servers:
      - url: http://127.0.0.1:${port}/p?token={tok}
        variables: { tok: { default: PATHTOK6 } }
    get: { operationId: path, responses: { "200": { description: ok } } }
  /own:
    get:
      operationId: own
      servers:
        - url: http://{host}:${port}/v2?key={key}
          variables:
            host: { default: 127.0.0.1, enum: [127.0.0.1] }
            key: { default: VARKEY5 }
      responses: { "200": { description: ok } }
  /token:
    get:
      operationId: withToken
      security: [{ o: [] }, { oidc: [] }]
      responses: { "200": { description: ok } }
`;
    dir = tmpDir("url-credentials-spec");
    writeFileSync(join(dir, "openapi.yaml"), spec);
    generated = spawnSync(
      process.execPath,
      [BIN, "generate", "--openapi", "openapi.yaml", "--name", "creds", "--out", "generated/creds"],
      { cwd: dir, encoding: "utf8" },
    );
  });
  afterAll(() => upstream.close());

  it("are left out of every generated file, each said by a warning located at it", () => {
    expect(generated.status, String(generated.stderr)).toBe(0);
    const stderr = String(generated.stderr);
    for (const pointer of [
      "#/servers/0/url",
      "#/paths/~1path/servers/0/url",
      "#/paths/~1own/get/servers/0/url",
      "#/components/securitySchemes/o/flows/clientCredentials/tokenUrl",
      "#/components/securitySchemes/o/flows/authorizationCode/authorizationUrl",
      "#/components/securitySchemes/oidc/openIdConnectUrl",
    ])
      expect(stderr).toMatch(
        new RegExp(
          `openapi\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[~/]/g, "\\$&")}\\) warning TW133: .* holds credentials`,
        ),
      );
    expect(stderr).toContain("(a user name or password before its host, the query parameter api_key)");
    const out = join(dir, "generated/creds");
    const texts: Record<string, string> = { stdout: String(generated.stdout), stderr };
    for (const file of filesUnder(out)) texts[file] = readFileSync(file, "utf8");
    expectAbsent(SECRETS, texts);
    const doc = JSON.parse(texts[join(out, "catalog.json")] as string) as {
      sources: { baseUrl: { default?: string }; auth: { tokenUrl?: string }[] }[];
    };
    // What is no credential stays: the host, the path, the other query parameters (named like none: `author` is
    // no `auth`, `key_id` names a key, `keyword` is no `key`).
    expect(doc.sources[0]?.baseUrl.default).toBe(`${upstream.url}/v1?page=2&author=me&key_id=k1&keyword=kw`);
  });

  it("are never sent: the served catalog calls each server without them", async () => {
    expect(generated.status, String(generated.stderr)).toBe(0);
    const served = await serveOverStdio(join(dir, "generated/creds"), {});
    try {
      const names = (await served.client.listTools()).tools.map((t) => t.name);
      for (const name of ["docs", "path", "own"]) {
        const tool = names.find((n) => n.toLowerCase() === name);
        expect(tool, names.join(", ")).toBeDefined();
        const before = upstream.received.length;
        const result = await served.client.callTool({ name: tool as string, arguments: {} });
        expect(result.isError, JSON.stringify(result)).toBeFalsy();
        expect(upstream.received.length).toBe(before + 1);
      }
      expect(upstream.received.map((r) => r.path)).toEqual(["/v1/docs", "/p/path", "/v2/own"]);
      expect(upstream.received[0]?.url).toBe("/v1/docs?page=2&author=me&key_id=k1&keyword=kw");
      for (const r of upstream.received) {
        expect(r.headers.authorization).toBeUndefined();
        expectAbsent(SECRETS, { [r.url]: r.url });
      }
      expectAbsent(SECRETS, { stderr: await served.stderrAtExit() });
    } finally {
      await served.close();
    }
  });
});

describe("a Swagger 2.0 scheme's OAuth URLs holding credentials", () => {
  // swagger2openapi cut a 2.0 scheme's authorizationUrl and tokenUrl at their `?`: a `client_secret` in the query
  // was dropped with no warning (a 3.x flow's is warned of), and a query the endpoint reads (`audience`) was lost.
  it("are warned of at the 2.0 pointer, the credential left out and the rest of the query kept", () => {
    const dir = tmpDir("url-credentials-swagger2");
    writeFileSync(
      join(dir, "swagger.yaml"),
      `swagger: "2.0"
info: { title: S2, version: "1" }
host: api.example.com
basePath: /v1
securityDefinitions:
  code:
    type: oauth2
    flow: accessCode
    authorizationUrl: "https://auth.example.com/authorize?client_secret=S2AUTHQ1&prompt=consent"
    tokenUrl: "https://auth.example.com/token?audience=api&client_secret=S2TOKQ2"
    scopes: {}
  app:
    type: oauth2
    flow: application
    tokenUrl: "https://cid:S2PASS3@auth.example.com/app-token?audience=api"
    scopes: {}
  plain:
    type: oauth2
    flow: application
    tokenUrl: "https://auth.example.com/plain?audience=api"
    scopes: {}
paths:
  /a:
    get:
      operationId: a
      security: [{ code: [] }, { app: [] }, { plain: [] }]
      responses: { "200": { description: ok } }
`,
    );
    const generated = spawnSync(
      process.execPath,
      [BIN, "generate", "--openapi", "swagger.yaml", "--name", "s2", "--out", "generated/s2"],
      { cwd: dir, encoding: "utf8" },
    );
    const stderr = String(generated.stderr);
    expect(generated.status, stderr).toBe(0);
    for (const [pointer, what] of [
      ["#/securityDefinitions/code/authorizationUrl", "the query parameter client_secret"],
      ["#/securityDefinitions/code/tokenUrl", "the query parameter client_secret"],
      ["#/securityDefinitions/app/tokenUrl", "a user name or password before its host"],
    ] as const)
      expect(stderr).toMatch(
        new RegExp(
          `swagger\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[~/]/g, "\\$&")}\\) warning TW133: .* holds credentials \\(${what}\\)`,
        ),
      );
    expect(stderr).not.toContain("securityDefinitions/plain");
    const out = join(dir, "generated/s2");
    const texts: Record<string, string> = { stdout: String(generated.stdout), stderr };
    for (const file of filesUnder(out)) texts[file] = readFileSync(file, "utf8");
    expectAbsent(["S2AUTHQ1", "S2TOKQ2", "S2PASS3"], texts);
    const doc = JSON.parse(texts[join(out, "catalog.json")] as string) as {
      sources: { auth: { scheme: string; tokenUrl?: string }[] }[];
    };
    const tokenUrls = Object.fromEntries((doc.sources[0]?.auth ?? []).map((a) => [a.scheme, a.tokenUrl]));
    expect(tokenUrls).toEqual({
      code: "https://auth.example.com/token?audience=api",
      app: "https://auth.example.com/app-token?audience=api",
      plain: "https://auth.example.com/plain?audience=api",
    });
  });
});

describe("a spec's server variable holding a credential in its host or path", () => {
  // A credential standing where no query parameter names it: a variable named as one (`{key}` in the host,
  // `{token}` in the path), a value written as a known secret (`sk_live_...`), a whole URL's userinfo in a value.
  // Their values reached catalog.json and CATALOG.md (the default URL, the variables' note, the tenant templates).
  const SECRETS = ["HOSTKEY1", "PATHTOK2", "PATHTOK3", "STAGE4abcdefghij", "UPPASS5", "OPKEY6", "ITEMSEC8"];
  let upstream: RecordingServer;
  let dir: string;
  let generated: ReturnType<typeof spawnSync>;

  beforeAll(async () => {
    upstream = await startRecordingServer((req, res) => sendJson(res, 200, { at: req.path }));
    const port = new URL(upstream.url).port;
    const spec = `openapi: 3.0.3
info: { title: Vars, version: "1" }
servers:
  - url: https://{key}.api.example.com/v1
    variables: { key: { default: HOSTKEY1 } }
  - url: http://127.0.0.1:${port}/{token}/v1
    variables: { token: { default: PATHTOK2, enum: [PATHTOK2, PATHTOK3] } }
  - url: http://127.0.0.1:${port}/{stage}/v1
    variables: { stage: { default: sk_live_STAGE4abcdefghij } }
  - url: HTTP://USER:UPPASS5@127.0.0.1:${port}/v3
paths:
  /a:
    get: { operationId: a, responses: { "200": { description: ok } } }
  /b:
    get:
      operationId: b
      servers: [{ url: "http://127.0.0.1:${port}/{apiKey}/b", variables: { apiKey: { default: OPKEY6 } } }]
      responses: { "200": { description: ok } }
  /d:
    servers: [{ url: "http://127.0.0.1:${port}/{secret}/d", variables: { secret: { default: ITEMSEC8 } } }]
    get: { operationId: d, responses: { "200": { description: ok } } }
`;
    dir = tmpDir("url-credentials-variables");
    writeFileSync(join(dir, "openapi.yaml"), spec);
    generated = spawnSync(
      process.execPath,
      [BIN, "generate", "--openapi", "openapi.yaml", "--name", "vars", "--out", "generated/vars"],
      { cwd: dir, encoding: "utf8" },
    );
  });
  afterAll(() => upstream.close());

  it("are left out of every generated file, each said by a warning located at the variable", () => {
    const stderr = String(generated.stderr);
    expect(generated.status, stderr).toBe(0);
    for (const [pointer, why] of [
      ["#/servers/0/variables/key", "named as a credential"],
      ["#/servers/1/variables/token", "named as a credential"],
      ["#/servers/2/variables/stage", "a value written as a Stripe secret key"],
      ["#/paths/~1b/get/servers/0/variables/apiKey", "named as a credential"],
      ["#/paths/~1d/servers/0/variables/secret", "named as a credential"],
    ] as const)
      expect(stderr).toMatch(
        new RegExp(
          `openapi\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[~/]/g, "\\$&")}\\) warning TW133: .* holds a credential in \\{\\w+\\} \\(${why}\\)`,
        ),
      );
    const out = join(dir, "generated/vars");
    const texts: Record<string, string> = { stdout: String(generated.stdout), stderr };
    for (const file of filesUnder(out)) texts[file] = readFileSync(file, "utf8");
    expectAbsent(SECRETS, texts);
    const doc = JSON.parse(texts[join(out, "catalog.json")] as string) as {
      sources: { baseUrl: { default?: string } }[];
    };
    // The first server without a credential is the default: the fourth, without its userinfo.
    expect(doc.sources[0]?.baseUrl.default?.toLowerCase()).toBe(`${upstream.url}/v3`);
  });

  it("are never sent: an operation whose own server needs one is left out", async () => {
    expect(generated.status, String(generated.stderr)).toBe(0);
    const served = await serveOverStdio(join(dir, "generated/vars"), {});
    try {
      const names = (await served.client.listTools()).tools.map((t) => t.name.toLowerCase());
      expect(names).not.toContain("b");
      expect(names).not.toContain("d");
      const result = await served.client.callTool({ name: "a", arguments: {} });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(upstream.received.map((r) => r.path)).toEqual(["/v3/a"]);
      for (const r of upstream.received) {
        expect(r.headers.authorization).toBeUndefined();
        expectAbsent(SECRETS, { [r.url]: r.url });
      }
      expectAbsent(SECRETS, { stderr: await served.stderrAtExit() });
    } finally {
      await served.close();
    }
  });
});

describe("a manifest's URL default holding credentials", () => {
  const SPEC = `openapi: 3.0.3
info: { title: Notes, version: "1" }
servers: [{ url: https://notes.example.com/v1 }]
components:
  securitySchemes:
    o: { type: oauth2, flows: { clientCredentials: { tokenUrl: https://auth.example.com/token, scopes: {} } } }
    oidc: { type: openIdConnect, openIdConnectUrl: https://id.example.com/.well-known/openid-configuration }
paths:
  /notes:
    get: { operationId: listNotes, security: [{ o: [] }, { oidc: [] }], responses: { "200": { description: ok } } }
`;
  const GOOD = `catalog: notes
env:
  N_URL: { description: Base URL., type: url, default: "https://notes.example.com/v1?page=2&key_id=k1&tokenizer=w" }
  N_MIRROR: { description: Mirror., default: "https://mirror.example.com/m" }
  N_ALT: { description: Alt., type: url, default: "https://alt.example.com/v1" }
  N_PATH: { description: Path., type: url, default: "https://p.example.com/v1" }
  N_STAGE: { description: Stage., type: enum, values: [prod, qa], default: prod }
  N_ID: { description: Client id. }
  N_SECRET: { description: Client secret., secret: true }
  N_REFRESH: { description: Refresh token., secret: true }
  N_TOKEN: { description: Access token., secret: true }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: N_URL, default: "https://notes.example.com/v1", by_env: { env: N_STAGE, values: { prod: "https://notes.example.com/v1", qa: "https://qa.example.com/v1" } } }
    auth:
      o: { client_id: { env: N_ID }, client_secret: { env: N_SECRET }, token_url: "https://auth.example.com/token" }
      oidc: { token: { env: N_TOKEN }, client_id: { env: N_ID }, refresh_token: { env: N_REFRESH }, discovery_url: "https://id.example.com/.well-known/openid-configuration" }
  gql:
    graphql: ./schema.graphql
    base_url: { default: "https://gql.example.com" }
    path: /graphql
tools:
  notes_list: { from: listNotes }
  gql_ping: { from: "gql#Query.ping" }
`;
  const BAD: Array<[string, string, string]> = [
    [
      'default: "https://notes.example.com/v1?page=2&key_id=k1&tokenizer=w"',
      'default: "https://notes.example.com/v1?api_key=MANQKEY1&page=2&key_id=k1&tokenizer=w"',
      "#/env/N_URL/default",
    ],
    [
      'default: "https://mirror.example.com/m"',
      'default: "https://bob:MANPASS2@mirror.example.com/m"',
      "#/env/N_MIRROR/default",
    ],
    [
      'default: "https://notes.example.com/v1", by_env',
      'default: "https://notes.example.com/v1?access_token=MANBASE3", by_env',
      "#/sources/api/base_url/default",
    ],
    [
      'qa: "https://qa.example.com/v1"',
      'qa: "https://qa:MANQA4@qa.example.com/v1"',
      "#/sources/api/base_url/by_env/values/qa",
    ],
    [
      'token_url: "https://auth.example.com/token"',
      'token_url: "https://auth.example.com/token?client_secret=MANTOK5"',
      "#/sources/api/auth/o/token_url",
    ],
    [
      'discovery_url: "https://id.example.com/.well-known/openid-configuration"',
      'discovery_url: "https://id.example.com/.well-known/openid-configuration#access_token=MANOIDC6"',
      "#/sources/api/auth/oidc/discovery_url",
    ],
    ["path: /graphql", "path: /graphql?token=MANGQL7", "#/sources/gql/path"],
    // Upper-case scheme, an IPv6 host; a known secret's format in the path, where no parameter names it.
    [
      'default: "https://alt.example.com/v1"',
      'default: "HTTPS://ALTUSER:MANALT8@[::1]:8443/v1"',
      "#/env/N_ALT/default",
    ],
    [
      'default: "https://p.example.com/v1"',
      'default: "https://p.example.com/sk_live_MANPATH9abcdefgh/v1"',
      "#/env/N_PATH/default",
    ],
  ];

  it("is refused, located at each, naming what it holds and never its value; generated/ is untouched", () => {
    const { before, bad, stderr, after } = manifestEdited(
      "url-credentials-manifest",
      "notes",
      { "openapi.yaml": SPEC, "schema.graphql": "type Query { ping: String }\n" },
      GOOD,
      BAD,
    );
    expect(Object.keys(before).length).toBeGreaterThan(0);
    expect(bad.status).not.toBe(0);
    for (const [, , pointer] of BAD)
      expect(stderr).toMatch(
        new RegExp(
          `tools\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[/]/g, "\\/")}\\) error TW110: .* holds credentials \\(`,
        ),
      );
    expect(stderr).toContain("env N_URL's default holds credentials (the query parameter api_key)");
    expect(stderr).toContain("(a user name or password before its host)");
    expect(stderr).toContain(
      "env N_PATH's default holds credentials (a Stripe secret key in its host or path)",
    );
    expect(after).toEqual(before);
    expectAbsent(
      BAD.map(([, to]) => /[A-Z]+\d/.exec(to)?.[0] as string),
      { stdout: String(bad.stdout), stderr, ...after },
    );
  });
});

describe("textCredentials", () => {
  it.each([
    [
      "see https://admin:hunter2x@docs.example.com/a.",
      "see https://admin:[redacted]@docs.example.com/a.",
      ["a password in a URL"],
    ],
    [
      "[x](https://api.example.com/v1?api_key=k3y9&page=2)",
      "[x](https://api.example.com/v1?api_key=[redacted]&page=2)",
      ["the URL parameter api_key"],
    ],
    [
      "https://x.example.com/#access_token=abc123def",
      "https://x.example.com/#access_token=[redacted]",
      ["the URL parameter access_token"],
    ],
    [
      "call it with ?token=abcdef123 appended",
      "call it with ?token=[redacted] appended",
      ["the URL parameter token"],
    ],
    ["or ?q=sk_live_abcdefghijklmn", "or ?q=[redacted]", ["a Stripe secret key"]],
    [
      "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
      "https://api.telegram.org/bot[redacted]/getMe",
      ["a Telegram bot token"],
    ],
    // Placeholders, a user name alone, e-mails, and parameters named as no credential are documentation: kept.
    ["https://api.example.com/v1?api_key=YOUR_API_KEY", undefined, []],
    ["https://api.example.com/v1?api_key={api_key}&token=<token>&key=xxxx", undefined, []],
    ["https://user:password@host.example.com and https://git@github.com/a/b", undefined, []],
    ["https://{user}:{pass}@host.example.com", undefined, []],
    ["mail support@example.com; https://x.example.com/?page=2&key_id=k1&author=me", undefined, []],
    // A vendor's or a standard's published example is no one's credential: AWS's documentation key id, a value
    // saying so, jwt.io's sample token (Scalar's galaxy spec has it as a token's example).
    ["AKIAIOSFODNN7EXAMPLE and sk_live_EXAMPLEabcdefghij", undefined, []],
    [
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
      undefined,
      [],
    ],
    ["otpauth://totp/A:admin%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=A", undefined, []],
    [
      "otpauth://totp/A:admin%40example.com?secret=KZXW6YTBOJXXG3DF&issuer=A",
      "otpauth://totp/A:admin%40example.com?secret=[redacted]&issuer=A",
      ["the URL parameter secret"],
    ],
    ["AKIAIOSFODNN7ABCDEFG", "[redacted]", ["an AWS access key id"]],
  ] as const)("%s", (text, withheld, found) => {
    expect(textCredentials(text)).toEqual({ text: withheld ?? text, found });
  });
});

describe("a spec's prose holding credentials", () => {
  // A description, summary or title is copied into catalog.json, CATALOG.md, the published tool description and
  // the generated code: a documentation example's password, `?api_key=` value or live key was published with them.
  const SECRETS = [
    "Infopass1",
    "infokey2",
    "tagtok5",
    "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    "Oppass7",
    "OPSTRIPE8x",
    "OPSTRIPE9x",
    "parampass12",
    "schematok13",
    "resppass14",
    "schpass15",
    "propkey16",
    "S2DESC17",
    "srvpass18",
  ];
  const generate = (file: string, spec: string) => generateBare("url-credentials-prose", file, spec, "prose");

  it("are withheld from every generated file, each text said by a warning located at it; the rest is kept", () => {
    const { generated, texts, out } = generate(
      "openapi.yaml",
      `openapi: 3.0.3
info:
  title: Prose
  version: "1"
  description: "See https://admin:Infopass1@docs.example.com/ and [x](https://api.example.com/?api_key=infokey2)"
tags:
  - { name: t, description: "call https://api.example.com/v1?access_token=tagtok5" }
servers: [{ url: "https://api.example.com", description: "https://u:srvpass18@api.example.com" }]
paths:
  /a:
    get:
      operationId: a
      tags: [t]
      summary: "Use https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe"
      description: "Try [this](https://user:Oppass7@api.example.com/a?api_key=sk_live_OPSTRIPE8xxxxxxxx&page=2) or ?q=sk_live_OPSTRIPE9xxxxxxxx; ask support@example.com; pass ?api_key=YOUR_API_KEY"
      parameters:
        - name: q
          in: query
          description: "e.g. https://u:parampass12@x.example.com"
          schema: { type: string, example: "https://x.example.com/?page=1" }
        - name: r
          in: query
          schema: { type: string, description: "see https://x.example.com/?token=schematok13" }
      responses:
        "200":
          description: "ok https://u:resppass14@x.example.com"
          content:
            application/json:
              schema: { $ref: "#/components/schemas/R" }
components:
  schemas:
    R:
      type: object
      description: "Schema https://u:schpass15@x.example.com"
      properties:
        id: { type: string, description: "id https://x.example.com/?api_key=propkey16" }
`,
    );
    const stderr = texts.stderr as string;
    expect(generated.status, stderr).toBe(0);
    for (const [pointer, what] of [
      ["#/info/description", "a password in a URL, the URL parameter api_key"],
      ["#/tags/0/description", "the URL parameter access_token"],
      ["#/servers/0/description", "a password in a URL"],
      ["#/paths/~1a/get/summary", "a Telegram bot token"],
      ["#/paths/~1a/get/description", "a password in a URL, the URL parameter api_key, a Stripe secret key"],
      ["#/paths/~1a/get/parameters/0/description", "a password in a URL"],
      ["#/paths/~1a/get/parameters/1/schema/description", "the URL parameter token"],
      ["#/paths/~1a/get/responses/200/description", "a password in a URL"],
      ["#/components/schemas/R/description", "a password in a URL"],
      ["#/components/schemas/R/properties/id/description", "the URL parameter api_key"],
    ] as const)
      expect(stderr).toMatch(
        new RegExp(
          `openapi\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[~/]/g, "\\$&")}\\) warning TW133: the \\w+ holds credentials \\(${what}\\)`,
        ),
      );
    expectAbsent(SECRETS, texts);
    const doc = JSON.parse(texts[join(out, "catalog.json")] as string) as {
      tools: { description: string }[];
    };
    // What is no credential stays: the hosts, the user names, `page=2`, the e-mail, the placeholder.
    expect(doc.tools[0]?.description).toBe(
      "Use https://api.telegram.org/bot[redacted]/getMe\n\nTry [this](https://user:[redacted]@api.example.com/a?api_key=[redacted]&page=2) or ?q=[redacted]; ask support@example.com; pass ?api_key=YOUR_API_KEY",
    );
  });

  it("a Swagger 2.0 document's are located in it", () => {
    const { generated, texts } = generate(
      "swagger.yaml",
      `swagger: "2.0"
info: { title: Prose, version: "1" }
host: api.example.com
paths:
  /a:
    get:
      operationId: a
      description: "e.g. https://api.example.com/a?key=S2DESC17"
      responses: { "200": { description: ok } }
`,
    );
    expect(generated.status, texts.stderr).toBe(0);
    expect(texts.stderr).toMatch(
      /swagger\.yaml:8:20 \(#\/paths\/~1a\/get\/description\) warning TW133: the description holds credentials \(the URL parameter key\)/,
    );
    expectAbsent(SECRETS, texts);
  });
});

describe("a configured base URL holding a credential", () => {
  // `https://api.telegram.org/bot<token>/` or `?key=...` set as the base URL: an upstream error quoting the
  // request's URL reached the MCP client with the key, and a start-up error quoted the token.
  const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
  const SPEC = `openapi: 3.0.3
info: { title: Bot, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
paths:
  /getMe:
    get: { operationId: getMe, responses: { "200": { description: ok } } }
`;
  let dir: string;
  let upstream: RecordingServer;
  beforeAll(async () => {
    upstream = await startRecordingServer((req, res) =>
      sendJson(res, 400, { error: `no such bot at ${req.url}` }),
    );
    dir = tmpDir("url-credentials-base-url");
    writeFileSync(join(dir, "openapi.yaml"), SPEC);
    const generated = spawnSync(
      process.execPath,
      [BIN, "generate", "--openapi", "openapi.yaml", "--name", "bot", "--out", "generated/bot"],
      { cwd: dir, encoding: "utf8" },
    );
    expect(generated.status, String(generated.stderr)).toBe(0);
  });
  afterAll(() => upstream.close());

  it("is withheld from the MCP error, stderr and the audit records when the upstream quotes it", async () => {
    const served = await serveOverStdio(join(dir, "generated/bot"), {
      BOT_BASE_URL: `${upstream.url}/bot${TOKEN}/v1?key=qkey12345&page=2`,
    });
    try {
      const result = (await served.client.callTool({
        name: (await served.client.listTools()).tools[0]?.name as string,
        arguments: {},
      })) as {
        isError?: boolean;
        content: { text: string }[];
      };
      expect(result.isError).toBe(true);
      expect(upstream.received[0]?.url).toBe(`/bot${TOKEN}/v1/getMe?key=qkey12345&page=2`);
      const text = result.content.map((c) => c.text).join("\n");
      expect(text).toContain("no such bot at /bot[redacted]/v1/getMe?key=[redacted]&page=2");
      expectAbsent(["AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "qkey12345"], {
        error: text,
        stderr: await served.stderrAtExit(),
      });
    } finally {
      await served.close();
    }
  });

  it("is withheld from a start-up error quoting it", () => {
    const started = spawnSync(process.execPath, [BIN, "serve", join(dir, "generated/bot")], {
      env: { ...process.env, BOT_BASE_URL: `http://127.0.0.1:99999/bot${TOKEN}/v1` },
      encoding: "utf8",
      input: "",
    });
    expect(started.status).not.toBe(0);
    expect(started.stderr).toContain("BOT_BASE_URL: expected an http(s) URL");
    expectAbsent(["AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"], { stderr: String(started.stderr) });
    expect(shownValue(`https://api.telegram.org/bot${TOKEN}/getMe`)).toBe(
      "https://api.telegram.org/bot[redacted]/getMe",
    );
  });
});

describe("a spec's values holding credentials", () => {
  // An example, a default, an enum member or a const is copied into catalog.json, the published input and output
  // schemas the model reads, CATALOG.md and the generated code: a documentation example's live key was published
  // with them, and a default or an enum member is also what a model sends. Prose under a key that is a name (a
  // response or a property named `default`, a property named `example`) was not read at all.
  const SECRETS = [
    "PARAMEX1xxxxxxxx",
    "DEFAULT2xxxxxxxxxxxxxxxxxxxxxxxxx",
    "EXAMPLS3-xxxx",
    "ENUMKEY4XXXXXXXX",
    "expass5",
    "CONST6xxxxxxxxx",
    "BODYDEF7xxxxxxx",
    "BODYEXS8xxxxxxx",
    "MEDIA9xxxxxxxxxx",
    "RESPEX10xxxxxxxx",
    "DEFRESP11",
    "PROPDEF12",
    "PROPEX13",
    "SWAGDEF14xxxxxxx",
    "SWAGEX15xxxxxxxx",
    "ONLYENUM16xxxxxx",
  ];
  let upstream: RecordingServer;
  let dir: string;
  let generated: ReturnType<typeof spawnSync>;
  const texts: Record<string, string> = {};

  beforeAll(async () => {
    upstream = await startRecordingServer((req, res) => sendJson(res, 200, { at: req.path }));
    const run = generateBare(
      "url-credentials-values",
      "openapi.yaml",
      `openapi: 3.1.0
info: { title: Values, version: "1" }
servers: [{ url: "${upstream.url}" }]
paths:
  /a:
    post:
      operationId: a
      parameters:
        - name: q
          in: query
          example: "sk_live_PARAMEX1xxxxxxxx"
          schema: { type: string, default: "ghp_DEFAULT2xxxxxxxxxxxxxxxxxxxxxxxxx" }
        - name: r
          in: query
          examples: { one: { value: "xoxb-EXAMPLS3-xxxx" }, two: { value: YOUR_API_KEY } }
          schema: { type: string, enum: ["AKIAENUMKEY4XXXXXXXX", "plain"] }
        - name: s
          in: query
          schema: { type: string, examples: ["https://u:expass5@x.example.com/?page=1", "https://user@x.example.com"], const: "sk_live_CONST6xxxxxxxxx" }
        - name: t
          in: query
          schema: { type: string, enum: ["sk_test_ONLYENUM16xxxxxx"] }
        - name: u
          in: query
          schema: { type: string, default: "?api_key=YOUR_API_KEY" }
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                k: { type: string, default: "sk_live_BODYDEF7xxxxxxx", examples: ["sk_live_BODYEXS8xxxxxxx"] }
                default: { type: string, description: "https://u:PROPDEF12@x.example.com" }
                example: { type: string, description: "https://x.example.com/?token=PROPEX13" }
            example: { k: "sk_live_MEDIA9xxxxxxxxxx" }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { t: { type: string, example: "sk_live_RESPEX10xxxxxxxx" } } }
        default:
          description: "error, see https://u:DEFRESP11@x.example.com"
`,
      "values",
    );
    ({ dir, generated } = run);
    Object.assign(texts, run.texts);
  });
  afterAll(() => upstream.close());

  it("are withheld from every generated file, each said by a warning located at it", () => {
    const stderr = texts.stderr as string;
    expect(generated.status, stderr).toBe(0);
    for (const [pointer, what] of [
      ["#/paths/~1a/post/parameters/0/example", "the example holds credentials \\(a Stripe secret key\\)"],
      [
        "#/paths/~1a/post/parameters/0/schema/default",
        "the default holds credentials \\(a GitHub token\\): it is left out",
      ],
      [
        "#/paths/~1a/post/parameters/1/examples/one/value",
        "the example holds credentials \\(a Slack token\\)",
      ],
      [
        "#/paths/~1a/post/parameters/1/schema/enum/0",
        "the enum member holds credentials \\(an AWS access key id\\): it is left out",
      ],
      [
        "#/paths/~1a/post/parameters/2/schema/examples/0",
        "the example holds credentials \\(a password in a URL\\)",
      ],
      [
        "#/paths/~1a/post/parameters/2/schema/const",
        "the const holds credentials \\(a Stripe secret key\\): it is left out",
      ],
      [
        "#/paths/~1a/post/parameters/3/schema/enum/0",
        "the enum member holds credentials \\(a Stripe secret key\\): .*no other member",
      ],
      [
        "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/k/default",
        "the default holds",
      ],
      [
        "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/k/examples/0",
        "the example holds",
      ],
      [
        "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/default/description",
        "the description holds",
      ],
      [
        "#/paths/~1a/post/requestBody/content/application~1json/schema/properties/example/description",
        "the description holds",
      ],
      ["#/paths/~1a/post/requestBody/content/application~1json/example/k", "the example holds"],
      [
        "#/paths/~1a/post/responses/200/content/application~1json/schema/properties/t/example",
        "the example holds",
      ],
      [
        "#/paths/~1a/post/responses/default/description",
        "the description holds credentials \\(a password in a URL\\)",
      ],
    ] as const)
      expect(stderr).toMatch(
        new RegExp(
          `openapi\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[~/]/g, "\\$&")}\\) warning TW133: ${what}`,
        ),
      );
    expectAbsent(SECRETS, texts);
    const doc = JSON.parse(texts[join(dir, "generated/values/catalog.json")] as string) as {
      tools: { inputSchema: { properties: Record<string, Record<string, unknown>> } }[];
    };
    const props = doc.tools[0]?.inputSchema.properties ?? {};
    // What is no credential stays: the other enum member, a user name, a placeholder default.
    expect(props.q?.default).toBeUndefined();
    expect(props.r).toEqual({ const: "plain" });
    expect(props.s?.const).toBeUndefined();
    expect(props.s?.examples).toEqual([
      "https://u:[redacted]@x.example.com/?page=1",
      "https://user@x.example.com",
    ]);
    expect(props.t?.enum).toBeUndefined();
    expect(props.u?.default).toBe("?api_key=YOUR_API_KEY");
  });

  it("are not published by tools/list nor sent by a call", async () => {
    expect(generated.status, texts.stderr).toBe(0);
    const served = await serveOverStdio(join(dir, "generated/values"), {});
    try {
      const listed = JSON.stringify(await served.client.listTools());
      expectAbsent(SECRETS, { listed });
      const result = await served.client.callTool({ name: "a", arguments: { k: "v" } });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      const sent = upstream.received.at(-1);
      expect(sent?.path).toBe("/a");
      expectAbsent(SECRETS, { url: sent?.url ?? "", body: sent?.body.toString() ?? "" });
      expectAbsent(SECRETS, { stderr: await served.stderrAtExit() });
    } finally {
      await served.close();
    }
  });

  it("a Swagger 2.0 document's default and example are located in it", () => {
    const { generated: g, texts: out } = generateBare(
      "url-credentials-values-2",
      "swagger.yaml",
      `swagger: "2.0"
info: { title: Values, version: "1" }
host: api.example.com
paths:
  /a:
    get:
      operationId: a
      parameters:
        - { name: q, in: query, type: string, default: "sk_live_SWAGDEF14xxxxxxx" }
      responses:
        "200":
          description: ok
          schema: { type: object, properties: { t: { type: string } } }
          examples: { application/json: { t: "sk_live_SWAGEX15xxxxxxxx" } }
`,
      "v2",
    );
    expect(g.status, out.stderr).toBe(0);
    expect(out.stderr).toMatch(
      /swagger\.yaml:9:\d+ \(#\/paths\/~1a\/get\/parameters\/0\/default\) warning TW133: the default holds credentials \(a Stripe secret key\): it is left out/,
    );
    expect(out.stderr).toMatch(
      /swagger\.yaml:14:\d+ \(#\/paths\/~1a\/get\/responses\/200\/examples\/application~1json\/t\) warning TW133: the example holds credentials/,
    );
    expectAbsent(SECRETS, out);
  });
});

describe("a GraphQL schema's descriptions and defaults holding credentials", () => {
  // A type's, a field's, an argument's, an input field's, an enum value's, a directive's and the schema's
  // description reached catalog.json, CATALOG.md, the published tool description and the generated code as written;
  // an argument's default reached the published input schema (and a call would send it).
  const SECRETS = [
    "schemapass1",
    "typekey2",
    "FIELDSECRET3x",
    "argpass4",
    "ARGDEFAULT5x",
    "ENUMVAL6-",
    "INPUTDESC7",
    "inputdefpass8",
    "DIRECTIVE9x",
    "dirarg10",
  ];
  const SDL = `"""Schema see https://u:schemapass1@x.example.com"""
schema { query: Query }
"""Root https://x.example.com/?api_key=typekey2, or ?api_key=YOUR_API_KEY"""
type Query {
  """Find with sk_live_FIELDSECRET3xxxxxx"""
  user(
    "id, e.g. https://u:argpass4@x.example.com"
    id: ID!
    token: String = "ghp_ARGDEFAULT5xxxxxxxxxxxxxxxxxxxxxx"
    f: Filter
  ): User
  plain(a: String = "https://user@x.example.com"): String
}
type User { name: String, kind: Kind }
enum Kind {
  "xoxb-ENUMVAL6-xxxxxxxxx"
  A
  B
}
input Filter {
  "AKIAINPUTDESC7XXXXXX"
  q: String = "https://u:inputdefpass8@x.example.com"
}
"""directive sk_live_DIRECTIVE9xxxxxxxx"""
directive @d("https://x.example.com/?token=dirarg10" a: String) on FIELD_DEFINITION
`;
  const generate = (file: string, text: string) =>
    generateBare("url-credentials-graphql", file, text, "gql", "graphql");
  const SAID = [
    ["1:1", "the description of the schema holds credentials \\(a password in a URL\\)"],
    ["3:1", "the description of Query holds credentials \\(the URL parameter api_key\\)"],
    ["5:3", "the description of Query.user holds credentials \\(a Stripe secret key\\)"],
    ["7:5", "the description of Query.user\\(id:\\) holds credentials \\(a password in a URL\\)"],
    ["9:21", "the default of Query.user\\(token:\\) holds credentials \\(a GitHub token\\): it is left out"],
    ["16:3", "the description of Kind.A holds credentials \\(a Slack token\\)"],
    ["21:3", "the description of Filter.q holds credentials \\(an AWS access key id\\)"],
    ["22:15", "the default of Filter.q holds credentials \\(a password in a URL\\): it is left out"],
    ["24:1", "the description of @d holds credentials \\(a Stripe secret key\\)"],
    ["25:14", "the description of @d\\(a:\\) holds credentials \\(the URL parameter token\\)"],
  ] as const;

  it("SDL: each is withheld from every generated file and from tools/list, said at it; the rest is kept", async () => {
    const { generated, texts, out } = generate("schema.graphql", SDL);
    expect(generated.status, texts.stderr).toBe(0);
    for (const [at, what] of SAID)
      expect(texts.stderr).toMatch(new RegExp(`schema\\.graphql:${at} warning TW133: ${what}`));
    expectAbsent(SECRETS, texts);
    const doc = JSON.parse(texts[join(out, "catalog.json")] as string) as {
      tools: {
        name: string;
        description: string;
        inputSchema: { properties: Record<string, { default?: unknown }> };
      }[];
    };
    const user = doc.tools.find((t) => t.name.toLowerCase() === "user");
    expect(user?.description).toContain("Find with [redacted]");
    expect(user?.inputSchema.properties.token?.default).toBeUndefined();
    // A user name alone is no credential: the default stays.
    const plain = doc.tools.find((t) => t.name.toLowerCase() === "plain");
    expect(plain?.inputSchema.properties.a?.default).toBe("https://user@x.example.com");
    const served = await serveOverStdio(out, { GQL_URL: "http://127.0.0.1:9/graphql" });
    try {
      expectAbsent(SECRETS, { listed: JSON.stringify(await served.client.listTools()) });
    } finally {
      await served.close();
    }
  });

  it("introspection: each is withheld, said at its text in the JSON", async () => {
    const { buildSchema, introspectionFromSchema } = await import("graphql");
    const json = JSON.stringify(
      { data: introspectionFromSchema(buildSchema(SDL), { schemaDescription: true }) },
      null,
      1,
    );
    const { generated, texts } = generate("schema.json", json);
    expect(generated.status, texts.stderr).toBe(0);
    for (const [, what] of SAID)
      expect(texts.stderr).toMatch(new RegExp(`schema\\.json:\\d+:\\d+ warning TW133: ${what}`));
    expectAbsent(SECRETS, texts);
  });
});

describe("a manifest's text holding credentials", () => {
  // A tool's description, an env variable's description, the server's instructions (any text in tools.yaml) was
  // written into catalog.json, CATALOG.md and the published tools as written. The manifest is the user's own: refused,
  // located at each (tools.yaml:line:col), naming what it holds and never its value; generated/ is untouched.
  const SPEC = `openapi: 3.0.3
info: { title: M, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /a:
    get: { operationId: a, responses: { "200": { description: ok } } }
`;
  const GOOD = `catalog: m
server:
  name: m
  version: 1.0.0
  instructions: "Use https://u@x.example.com, pass ?api_key=YOUR_API_KEY"
env:
  M_NOTE:
    description: "a note"
sources:
  api:
    openapi: openapi.yaml
tools:
  a:
    from: a
    description: "Call it"
`;
  const BAD: [string, string, string, string][] = [
    [
      'instructions: "Use https://u@x.example.com, pass ?api_key=YOUR_API_KEY"',
      'instructions: "Use https://u:MANINSTR1@x.example.com, pass ?api_key=YOUR_API_KEY"',
      "#/server/instructions",
      "a password in a URL",
    ],
    [
      'description: "a note"',
      'description: "key sk_live_MANENV2xxxxxxxxx"',
      "#/env/M_NOTE/description",
      "a Stripe secret key",
    ],
    [
      'description: "Call it"',
      'description: "Call with ?api_key=MANTOOL3abc"',
      "#/tools/a/description",
      "the URL parameter api_key",
    ],
  ];

  it("is refused, located at each, naming what it holds and never its value; generated/ is untouched", () => {
    const { before, bad, stderr, after } = manifestEdited(
      "url-credentials-manifest-text",
      "m",
      { "openapi.yaml": SPEC },
      GOOD,
      BAD,
    );
    // A user name alone and a placeholder are kept as written.
    expect(JSON.stringify(before)).toContain("?api_key=YOUR_API_KEY");
    expect(bad.status).not.toBe(0);
    for (const [, , pointer, what] of BAD)
      expect(stderr).toMatch(
        new RegExp(
          `tools\\.yaml:\\d+:\\d+ \\(${pointer.replace(/[/]/g, "\\/")}\\) error TW110: [\\w.]+ holds credentials \\(${what}\\)`,
        ),
      );
    expect(after).toEqual(before);
    expectAbsent(["MANINSTR1", "MANENV2", "MANTOOL3"], { stdout: String(bad.stdout), stderr, ...after });
  });
});
