import { describe, expect, it } from "vitest";
import { snapshotOf } from "../helpers/files.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedFixture } from "../helpers/served-fixture.js";
import { spawnSync } from "../helpers/spawn-sync.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * A body field the operator fills from the environment, as a parameter can be (`args: { <field>: { env: VAR } }`):
 * an OAuth token exchange (`POST /oauth/token`, a form whose client_secret 1a78163 leaves out of the tool's input
 * as a credential, so the operation could not be called at all), an older API's JSON body `api_key`. The field is
 * no argument; each call sends the variable's value; an unset variable fails the call before any request, naming
 * the variable; the value is in no audit line, log line, error or generated file.
 */

const SPEC = specWith(
  `  /oauth/token:
    post:
      operationId: exchangeToken
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [client_id, client_secret, grant_type]
              properties:
                client_id: { type: string }
                client_secret: { type: string }
                grant_type: { type: string, enum: [authorization_code, refresh_token] }
                code: { type: string }
                refresh_token: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /legacy/search:
    post:
      operationId: legacySearch
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [api_key, q]
              properties:
                api_key: { type: string }
                q: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /upload:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                token: { type: string }
                title: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /attach:
    post:
      operationId: attach
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                token: { type: string }
                note: { type: string }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`,
  "",
  { openapi: "3.0.3", title: "Oauthx" },
);

const MANIFEST = `catalog: oauthx
env:
  OAUTHX_URL: { type: url, description: "The upstream." }
  OAUTHX_CLIENT_ID: { description: "The OAuth client's id." }
  OAUTHX_CLIENT_SECRET: { secret: true, description: "The OAuth client's secret." }
  OAUTHX_LEGACY_KEY: { secret: true, description: "The legacy API's key." }
  OAUTHX_UPLOAD_TOKEN: { secret: true, description: "Never set here." }
policy: { audit: { default: true } }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: OAUTHX_URL } }
select: [{ all: true }]
tools:
  exchange_token:
    from: exchangeToken
    args:
      client_id: { env: OAUTHX_CLIENT_ID }
      body:client_secret: { env: OAUTHX_CLIENT_SECRET }
      # A refresh grant's refresh_token is what the call works on: left out as a credential unless exposed.
      refresh_token: { expose: true }
  legacy_search:
    from: legacySearch
    args: { api_key: { env: OAUTHX_LEGACY_KEY } }
  upload:
    from: upload
    args: { token: { env: OAUTHX_UPLOAD_TOKEN } }
  attach:
    from: attach
    args: { token: { env: OAUTHX_LEGACY_KEY } }
`;

const CLIENT_SECRET = "cs-8f3e1d-exchange-secret";
const LEGACY_KEY = "lk-77a2b9-legacy-key";

describe("a body field sent from an env variable", () => {
  const fixture = servedFixture(
    "body-env-fields",
    { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
    (url) => ({
      OAUTHX_URL: url,
      OAUTHX_CLIENT_ID: "client-1",
      OAUTHX_CLIENT_SECRET: CLIENT_SECRET,
      OAUTHX_LEGACY_KEY: LEGACY_KEY,
    }),
    (req, res) =>
      // The legacy API refuses, echoing the body it read (as some do): the key must not come back to the model.
      req.url === "/legacy/search"
        ? sendJson(res, 400, { error: "bad query", request: req.body.toString() })
        : sendJson(res, 200, { ok: true }),
  );

  it("is no argument: tools/list shows the others only", async () => {
    const { tools } = await fixture.served().client.listTools();
    const input = (name: string) => tools.find((t) => t.name === name)?.inputSchema as Record<string, any>;
    expect(Object.keys(input("exchange_token").properties)).toEqual(["grant_type", "code", "refresh_token"]);
    expect(input("exchange_token").required).toEqual(["grant_type"]);
    expect(Object.keys(input("legacy_search").properties)).toEqual(["q"]);
    expect(Object.keys(input("upload").properties)).toEqual(["title"]);
    expect(Object.keys(input("attach").properties)).toEqual(["note"]);
  });

  it("a multipart body's part is sent from env as a text part", async () => {
    const { result, sent: requests } = await fixture.call("attach", { note: "n" });
    expect(result.isError).toBeFalsy();
    const body = requests[0]?.body.toString() ?? "";
    expect(body).toMatch(new RegExp(`name="token"\r\n\r\n${LEGACY_KEY}\r\n`));
    expect(body).toMatch(/name="note"\r\n\r\nn\r\n/);
  });

  it("an OAuth token exchange's form carries the client's id and secret from the environment", async () => {
    const { result, sent: requests } = await fixture.call("exchange_token", {
      grant_type: "authorization_code",
      code: "abc",
    });
    expect(result.isError).toBeFalsy();
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(requests[0]?.body.toString()).toBe(
      `client_id=client-1&client_secret=${CLIENT_SECRET}&grant_type=authorization_code&code=abc`,
    );
  });

  it("a call naming the bound field is refused before any request", async () => {
    const { result, sent: requests } = await fixture.call("exchange_token", {
      grant_type: "refresh_token",
      refresh_token: "r",
      client_secret: "the-models-guess",
    });
    expect(result.isError).toBe(true);
    expect(requests).toHaveLength(0);
  });

  it("a JSON body's api_key is sent from env; an upstream echoing it back does not show it", async () => {
    const { result, sent: requests } = await fixture.call("legacy_search", { q: "cats" });
    expect(requests).toHaveLength(1);
    expect(JSON.parse(requests[0]?.body.toString() ?? "")).toEqual({ api_key: LEGACY_KEY, q: "cats" });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result)).not.toContain(LEGACY_KEY);
  });

  it("an unset variable fails the call before any request, naming the variable, not a value", async () => {
    const { result, sent: requests } = await fixture.call("upload", { title: "t" });
    expect(result.isError).toBe(true);
    expect(requests).toHaveLength(0);
    expect(JSON.stringify(result.content)).toContain(
      "the body field token is sent from OAUTHX_UPLOAD_TOKEN, which is not set",
    );
  });

  it("the secrets are in no audit line, log line or generated file; the variables' names are", async () => {
    const stderr = await fixture.served().stderrAtExit();
    // The audit log is on: each call above has its line.
    expect(stderr).toMatch(/exchange_token/);
    expect(stderr).toMatch(/legacy_search/);
    for (const secret of [CLIENT_SECRET, LEGACY_KEY]) expect(stderr).not.toContain(secret);
    const all = Object.values(snapshotOf(fixture.dir())).join("\n");
    expect(all).toContain("OAUTHX_CLIENT_SECRET");
    for (const secret of [CLIENT_SECRET, LEGACY_KEY]) expect(all).not.toContain(secret);
    // toolwright audit lists what each tool sends from env among the source's credentials, by name.
    const audit = spawnSync(process.execPath, [BIN, "audit", fixture.dir()], { cwd: ROOT, encoding: "utf8" });
    expect(audit.status, String(audit.stderr)).toBe(0);
    expect(audit.stdout).toContain(
      "body field client_secret from env OAUTHX_CLIENT_SECRET (1 tool; never an argument)",
    );
    expect(audit.stdout).toContain("body field token from env OAUTHX_LEGACY_KEY (1 tool; never an argument)");
  });
});
