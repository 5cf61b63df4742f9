import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec } from "../helpers/generate.js";
import { type Served, serveOverStdio, type ToolResult } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import {
  type Received,
  type RecordingServer,
  sendJson,
  startRecordingServer,
} from "../helpers/recording-server.js";

/**
 * The upstream's OAuth2 token endpoint receives the client secret (HTTP Basic) and refresh tokens, and answers with
 * the access token every call carries. A spec's `tokenUrl`, its `openIdConnectUrl` and the `token_endpoint` a
 * discovery document names were taken in any http(s) spelling, so an `http://` one sent the client's secret in
 * clear to another machine even while every API call went over https: anyone on the path reads it, or (for a
 * discovery document read in clear) swaps the token endpoint for their own. They are now held to the rule the
 * HTTP transport holds its issuers to: https, plain http only to a loopback address, and plain http also when the
 * source's own base URL is plain http (its credentials already travel in clear; nothing is downgraded).
 *
 * "Another machine" is `[::ffff:127.0.0.1]`, an address the loopback rule does not count (only `localhost`, `::1`
 * and 127/8 literals are loopback) that the kernel still delivers to the identity provider listening on 127.0.0.1,
 * so the test sees exactly what would have crossed the network (its Host header says which name was used).
 */

const CLIENT = { id: "tw-client", secret: "client-secret-c1ea7e" };
const REFRESH = "refresh-token-c1ea7e";
let idp: RecordingServer;
/** The identity provider as another machine (plain http there is cleartext on a network) and as this one. */
let ELSEWHERE: string;
let LOCAL: string;
let dir: string;
const servers: Served[] = [];

function spec(): object {
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
    info: { title: "cleartext", version: "1" },
    servers: [{ url: "https://api.example.com" }],
    paths: {
      "/cc": op("cc"),
      "/oidc": op("oidc"),
      "/discovered": op("discovered"),
      "/local": op("local"),
    },
    components: {
      securitySchemes: {
        // Client credentials at a token URL in clear on another machine.
        cc: {
          type: "oauth2",
          flows: { clientCredentials: { tokenUrl: `${ELSEWHERE}/oauth/token`, scopes: {} } },
        },
        // A discovery document read in clear from another machine.
        oidc: { type: "openIdConnect", openIdConnectUrl: `${ELSEWHERE}/.well-known/openid-configuration` },
        // A discovery document on this machine that names a token endpoint in clear on another one.
        discovered: {
          type: "openIdConnect",
          openIdConnectUrl: `${LOCAL}/.well-known/openid-configuration`,
        },
        // Client credentials at a token URL on this machine: plain http is fine there.
        local: { type: "oauth2", flows: { clientCredentials: { tokenUrl: `${LOCAL}/token`, scopes: {} } } },
      },
    },
  };
}

beforeAll(async () => {
  // The discovery documents name a token endpoint elsewhere; the API (for a plain-http source) answers too.
  idp = await startRecordingServer((req, res) => {
    if (req.path === "/.well-known/openid-configuration")
      return sendJson(res, 200, { issuer: ELSEWHERE, token_endpoint: `${ELSEWHERE}/oauth/token` });
    if (req.path.endsWith("/token") && req.method === "POST")
      return sendJson(res, 200, { access_token: "issued-c1ea7e", token_type: "Bearer", expires_in: 600 });
    return sendJson(res, 200, { ok: true, path: req.path });
  });
  const port = new URL(idp.url).port;
  ELSEWHERE = `http://[::ffff:127.0.0.1]:${port}`;
  LOCAL = `http://127.0.0.1:${port}`;
  const out = tmpDir("token-endpoint-tls");
  const file = join(out, "cleartext.json");
  writeFileSync(file, JSON.stringify(spec()));
  const { cat, diags } = await genSpec(file, "cleartext", relative(ROOT, join(out, "catalog")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  dir = join(ROOT, cat.dir);
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await idp?.close();
});

async function serveWith(baseUrl: string): Promise<Served> {
  const served = await serveOverStdio(dir, {
    CLEARTEXT_BASE_URL: baseUrl,
    CLEARTEXT_CC_CLIENT_ID: CLIENT.id,
    CLEARTEXT_CC_CLIENT_SECRET: CLIENT.secret,
    CLEARTEXT_OIDC_REFRESH_TOKEN: REFRESH,
    CLEARTEXT_OIDC_CLIENT_ID: CLIENT.id,
    CLEARTEXT_OIDC_CLIENT_SECRET: CLIENT.secret,
    CLEARTEXT_DISCOVERED_REFRESH_TOKEN: REFRESH,
    CLEARTEXT_DISCOVERED_CLIENT_ID: CLIENT.id,
    CLEARTEXT_DISCOVERED_CLIENT_SECRET: CLIENT.secret,
    CLEARTEXT_LOCAL_CLIENT_ID: CLIENT.id,
    CLEARTEXT_LOCAL_CLIENT_SECRET: CLIENT.secret,
  });
  servers.push(served);
  return served;
}

/** What reached the identity provider addressed to it as another machine. */
const elsewhere = (): Received[] => idp.received.filter((r) => r.headers.host?.startsWith("[::ffff:"));
const local = (): Received[] => idp.received.filter((r) => r.headers.host?.startsWith("127.0.0.1:"));

const text = (r: ToolResult) => r.content?.[0]?.text ?? "";

describe("an https source's token endpoint is never spoken to in clear", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveWith("https://api.example.com");
  });

  it("a token URL, a discovery URL or a discovered token endpoint in plain http elsewhere: refused, nothing sent", async () => {
    for (const [tool, what] of [
      ["call_cc", "token URL"],
      ["call_oidc", "discovery URL"],
      ["call_discovered", "token URL"],
    ] as const) {
      const result = (await served.client.callTool({ name: tool, arguments: {} })) as ToolResult;
      expect(result.isError, tool).toBe(true);
      expect(text(result), tool).toMatch(
        new RegExp(`OAuth2 scheme '\\w+': the ${what} must use https \\(plain http only to this machine`),
      );
      expect(text(result), tool).not.toContain(CLIENT.secret);
    }
    // Nothing went to the identity provider as another machine: no secret, no refresh token, no discovery read.
    expect(elsewhere()).toEqual([]);
    // The discovery document on this machine was read (it is what named the endpoint elsewhere), and only it.
    expect(local().map((r) => r.path)).toEqual(["/.well-known/openid-configuration"]);
  });

  it("a token endpoint on this machine in plain http is used", async () => {
    const before = local().length;
    await served.client.callTool({ name: "call_local", arguments: {} });
    const sent = local()
      .slice(before)
      .filter((r) => r.path === "/token");
    expect(sent).toHaveLength(1);
    expect(Buffer.from(sent[0]?.headers.authorization?.slice(6) ?? "", "base64").toString()).toBe(
      `${CLIENT.id}:${CLIENT.secret}`,
    );
  });
});

describe("a plain-http source", () => {
  it("keeps its plain-http token endpoint: its credentials travel in clear already, nothing is downgraded", async () => {
    const served = await serveWith(ELSEWHERE);
    const before = elsewhere().length;
    const result = (await served.client.callTool({ name: "call_cc", arguments: {} })) as ToolResult;
    expect(result.isError ?? false).toBe(false);
    const sent = elsewhere().slice(before);
    expect(sent.map((r) => r.path)).toEqual(["/oauth/token", "/cc"]);
    expect(sent[1]?.headers.authorization).toBe("Bearer issued-c1ea7e");
  });
});
