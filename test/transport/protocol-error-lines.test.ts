import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { until } from "../helpers/events.js";
import { answered, jsonLines } from "../helpers/json-lines.js";
import { BIN } from "../helpers/mcp.js";
import { stdioServer } from "../helpers/stdio-server.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

// A message a client sends that the server's protocol layer cannot place (a response to no request of this
// server, a progress notification for a token no request holds, a message of no JSON-RPC kind) was logged with
// the whole message quoted: an answer to a sampling or elicitation request may carry anything a user typed, a
// megabyte of it. The line now names the message by its id (cut short) and size alone.

const SECRET = "user-typed-secret-6f1d2a";

let catalog: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
});

const strays = [
  { jsonrpc: "2.0", id: "sampling-7", result: { role: "user", content: { type: "text", text: SECRET } } },
  { jsonrpc: "2.0", id: 4242, error: { code: -1, message: SECRET } },
  {
    jsonrpc: "2.0",
    method: "notifications/progress",
    params: { progressToken: "tok-9", progress: 1, message: SECRET },
  },
  { jsonrpc: "2.0", id: `${"x".repeat(200_000)}${SECRET}`, result: { text: SECRET } },
];

function expectNamedNotQuoted(stderr: string): void {
  expect(stderr).not.toContain(SECRET);
  expect(stderr).toMatch(
    /unknown message ID: id "sampling-7", \d+ bytes of JSON \(its content is not logged\)/,
  );
  expect(stderr).toMatch(/unknown message ID: id 4242, \d+ bytes/);
  // The huge id: its first characters and the size, not 200 KB of it.
  expect(stderr).toMatch(/unknown message ID: id "x{79}…, 2000\d\d bytes/);
  for (const line of stderr.split("\n")) expect(line.length).toBeLessThan(1000);
}

describe("a client message the server cannot place, in the log", () => {
  it("over stdio: named by id and size, never quoted", async () => {
    const { child, ended, stderr } = stdioServer(BIN, [catalog], childEnv({}));
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "stray", version: "1" },
      },
    };
    child.stdin.write(`${JSON.stringify(init)}\n`);
    await until(() => answered(out, [1]), [child.stdout]);
    const lines = [
      { jsonrpc: "2.0", method: "notifications/initialized" },
      ...strays,
      { jsonrpc: "2.0", id: 2, method: "ping" },
    ];
    child.stdin.write(lines.map((m) => `${JSON.stringify(m)}\n`).join(""));
    await until(() => answered(out, [2]), [child.stdout]);
    child.stdin.end();
    await ended;
    expect(jsonLines(out).find((m) => m.id === 2).result).toEqual({});
    expectNamedNotQuoted(stderr());
    expect(stderr()).toMatch(/unknown token: progress token "tok-9", \d+ bytes/);
  });

  it("over Streamable HTTP, raw and from the SDK's client: named by id and size, never quoted", async () => {
    const served = await serveHttp(catalog, fixtureEnv());
    try {
      const headers = {
        ...MCP_HEADERS,
        authorization: `Bearer ${FIXTURE_KEY}`,
        "mcp-protocol-version": "2025-06-18",
      };
      for (const stray of strays.slice(1)) {
        const res = await raw(served.url, { headers, body: JSON.stringify(stray) });
        expect(res.status).toBe(202);
      }
      const client = new ClientV1({ name: "stray", version: "1" });
      const transport = new HttpV1(new URL(served.url), {
        requestInit: { headers: { authorization: `Bearer ${FIXTURE_KEY}` } },
      });
      await client.connect(transport);
      await transport.send(strays[0] as never);
      await client.ping();
      await client.close();
      await served.waitForStderr("unknown message ID", 3);
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expectNamedNotQuoted(served.stderr());
  });
});
