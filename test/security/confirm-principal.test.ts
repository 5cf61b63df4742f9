import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { type LocalIssuer, startLocalIssuer } from "../transport/local-issuer.js";
import { type Served, serveHttp } from "../transport/serve-http.js";

/**
 * Confirmation tokens are bound to the principal that asked for the preview. Over Streamable HTTP, with OAuth
 * access tokens from a local issuer (and the static client key), a destructive tool's preview token handed to
 * another principal (other subject, other client id, the static key) is refused with zero upstream requests
 * and without echoing anything; the principal that asked can still spend it, once.
 */

const UPSTREAM_KEY = "upstream-key-canary-71c3e0";
const CLIENT_KEY = "static-client-key-canary-0d94";

let issuer: LocalIssuer;
let upstream: RecordingServer;
let served: Served;
const clients: Client[] = [];

beforeAll(async () => {
  issuer = await startLocalIssuer({ corp: { discovery: "rfc8414" } });
  upstream = await startRecordingServer((req, res) => {
    if (req.method === "DELETE") return sendJson(res, 200, { deleted: true });
  });
  const { dir } = await genToDisk(join(ROOT, "test/security/principal/tools.yaml"), tmpDir("principal"));
  served = await serveHttp(dir, {
    PR_URL: upstream.url,
    PR_UPSTREAM_KEY: UPSTREAM_KEY,
    PR_TRANSPORT: "http",
    PR_PORT: "0",
    PR_ISSUERS: issuer.issuer("corp"),
    PR_CLIENT_KEY: CLIENT_KEY,
  });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  expect(await served?.stop()).toBe(0);
  await upstream?.close();
  await issuer?.close();
});
beforeEach(() => {
  upstream.received.length = 0;
});

async function connect(bearer: string): Promise<Client> {
  const client = new Client(
    { name: "principal-test", version: "1.0.0" },
    { versionNegotiation: { mode: "auto" } },
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(served.url), {
      requestInit: { headers: { authorization: `Bearer ${bearer}` } },
    }),
  );
  clients.push(client);
  return client;
}

const jwt = (claims: Record<string, unknown>) =>
  issuer.mint("corp", { aud: served.url, scope: "mcp:tools", ...claims });

const textOf = (result: { content?: unknown }) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

async function previewToken(client: Client, id: string): Promise<string> {
  const preview = await client.callTool({ name: "pr_delete_item", arguments: { id } });
  expect(preview.isError).toBe(true);
  const token = JSON.parse(textOf(preview)).confirmation_token as string;
  expect(token).toMatch(/^tw1\./);
  return token;
}

describe("a confirmation token is bound to the principal that asked", () => {
  it.each([
    ["another subject", { sub: "bob", client_id: "agent-1" }],
    ["the same subject through another client", { sub: "alice", client_id: "agent-2" }],
    ["the static client key", undefined],
  ])("%s cannot spend it; the asker can, once", async (_label, otherClaims) => {
    const alice = await connect(await jwt({ sub: "alice", client_id: "agent-1" }));
    const other = await connect(otherClaims ? await jwt(otherClaims) : CLIENT_KEY);
    const id = `item-${Math.random().toString(36).slice(2, 8)}`;
    const token = await previewToken(alice, id);

    const stolen = await other.callTool({
      name: "pr_delete_item",
      arguments: { id, confirmation_token: token },
    });
    expect(stolen.isError).toBe(true);
    expect(textOf(stolen)).toMatch(
      /refused by confirmation: the confirmation_token was issued to another caller/,
    );
    expect(JSON.stringify(stolen)).not.toContain(token);
    expect(upstream.received).toEqual([]);

    const done = await alice.callTool({
      name: "pr_delete_item",
      arguments: { id, confirmation_token: token },
    });
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(upstream.received.map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /v1/items/${id}`]);
    const again = await alice.callTool({
      name: "pr_delete_item",
      arguments: { id, confirmation_token: token },
    });
    expect(textOf(again)).toMatch(/already used/);
    expect(upstream.received).toHaveLength(1);

    // The refusal is audited as a confirmation refusal; no token or credential reaches stderr.
    // stderr is its own pipe, read after the HTTP answer: the audit line is waited for there.
    const stderr = await served.waitForStderr(/"policy":"confirmation","reason":"token caller"/);
    for (const canary of [token, CLIENT_KEY, UPSTREAM_KEY]) expect(stderr).not.toContain(canary);
    expect(stderr).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
