import { Client as ClientV2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as StdioClientTransportV2 } from "@modelcontextprotocol/client/stdio";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InitializeResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { until } from "../helpers/events.js";
import { answered, jsonLines } from "../helpers/json-lines.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { stdioServer } from "../helpers/stdio-server.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

// initialize is a connection's first request, sent once: it fixes the revision and both sides' capabilities for the
// connection. A second one on the same stdio connection was answered with a result like the first (switching the
// connection to the revision it named), where the SDK's stateful HTTP transport refuses it. It is now answered
// -32600, and the connection keeps serving under what the first one negotiated.

let catalog: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
});

const init = (id: number | string, protocolVersion: string, extra: object = {}) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "again", version: "1" }, ...extra },
});

/**
 * Writes each group of `messages` as lines, the next group once every request of the one before is answered, then
 * closes stdin; returns every line the server wrote.
 */
async function exchange(...groups: object[][]): Promise<any[]> {
  const { child, ended } = stdioServer(BIN, [catalog], childEnv({}));
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  for (const [index, group] of groups.entries()) {
    child.stdin.write(group.map((m) => `${JSON.stringify(m)}\n`).join(""));
    if (index === groups.length - 1) break;
    const ids = group.flatMap((m) => ("id" in m ? [m.id as number | string] : []));
    await until(() => answered(out, ids), [child.stdout]);
  }
  child.stdin.end();
  await ended;
  return jsonLines(out);
}

const answer = (lines: any[], id: number | string) => lines.find((line) => line.id === id);

describe("a second initialize on a stdio connection", () => {
  it("is refused -32600, pipelined behind the first or sent after its answer, and the connection serves on", async () => {
    const lines = await exchange(
      [init(1, "2025-06-18"), { jsonrpc: "2.0", method: "notifications/initialized" }, init(2, "2024-11-05")],
      [init("three", "2025-06-18"), { jsonrpc: "2.0", id: 4, method: "tools/list" }],
    );
    expect(answer(lines, 1).result.protocolVersion).toBe("2025-06-18");
    for (const id of [2, "three"]) {
      expect(answer(lines, id).error).toMatchObject({ code: -32600 });
      expect(answer(lines, id).error.message).toContain("already initialized");
    }
    expect(answer(lines, 4).result.tools.length).toBeGreaterThan(0);
  });

  it("is answered when the first was refused with an error (it negotiated nothing)", async () => {
    const lines = await exchange(
      [{ jsonrpc: "2.0", id: 1, method: "initialize", params: { capabilities: "none" } }],
      [init(2, "2025-06-18"), { jsonrpc: "2.0", id: 3, method: "ping" }],
    );
    expect(answer(lines, 1).error).toBeDefined();
    expect(answer(lines, 2).result.protocolVersion).toBe("2025-06-18");
    expect(answer(lines, 3).result).toEqual({});
  });

  it("is refused to a real MCP client, which keeps its session", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "serve", catalog],
      cwd: ROOT,
      env: childEnv({}),
      stderr: "pipe",
    });
    const client = new Client({ name: "reinit", version: "1" });
    await client.connect(transport);
    try {
      const again = client.request(
        { method: "initialize", params: init(9, "2024-11-05").params },
        InitializeResultSchema,
      );
      await expect(again).rejects.toMatchObject({ code: -32600 });
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

// Before initialize, a 2025-era client may only ping (MCP lifecycle). The SDK's legacy stdio server answered
// tools/list and ran tools/call on a connection that had negotiated nothing; they are refused -32600 (nothing of them
// run), ping is answered, and the client may still initialize. A 2026-07-28 client has no initialize: its requests,
// carrying the per-request envelope, are served from the first.
describe("requests before initialize on a stdio connection", () => {
  const call = (id: number | string) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "fixture_echo", arguments: { text: "too early" } },
  });

  it("are refused -32600, but ping; initialize then opens the connection", async () => {
    const lines = await exchange(
      [
        call(1),
        { jsonrpc: "2.0", id: "2", method: "tools/list" },
        { jsonrpc: "2.0", id: 3, method: "resources/list" },
        { jsonrpc: "2.0", id: 4, method: "logging/setLevel", params: { level: "debug" } },
        { jsonrpc: "2.0", id: 5, method: "ping" },
      ],
      [init(6, "2025-06-18"), { jsonrpc: "2.0", method: "notifications/initialized" }],
      [{ jsonrpc: "2.0", id: 7, method: "tools/list" }, call(8)],
    );
    for (const id of [1, "2", 3, 4]) {
      expect(answer(lines, id).error).toMatchObject({ code: -32600 });
      expect(answer(lines, id).error.message).toContain("not initialized");
    }
    expect(answer(lines, 5).result).toEqual({});
    expect(answer(lines, 6).result.protocolVersion).toBe("2025-06-18");
    expect(answer(lines, 7).result.tools.length).toBeGreaterThan(0);
    expect(answer(lines, 8).result.structuredContent).toMatchObject({ text: "too early" });
    // One answer per request, none for a notification.
    expect(lines.map((line) => line.id)).toHaveLength(8);
  });

  it("are refused after an initialize answered with an error (it negotiated nothing)", async () => {
    const lines = await exchange(
      [{ jsonrpc: "2.0", id: 1, method: "initialize", params: { capabilities: "none" } }],
      [call(2)],
    );
    expect(answer(lines, 1).error).toBeDefined();
    expect(answer(lines, 2).error).toMatchObject({ code: -32600 });
    expect(answer(lines, 2).error.message).toContain("not initialized");
  });

  it("notifications/initialized before initialize and twice after it are not answered, and the connection serves on", async () => {
    const initialized = { jsonrpc: "2.0", method: "notifications/initialized" };
    const lines = await exchange(
      [initialized, { jsonrpc: "2.0", id: 1, method: "ping" }],
      [init(2, "2025-11-25"), initialized, initialized],
      [{ jsonrpc: "2.0", id: 3, method: "tools/list" }],
    );
    expect(lines.map((line) => line.id)).toEqual([1, 2, 3]);
    expect(answer(lines, 3).result.tools.length).toBeGreaterThan(0);
  });

  it("a 2026-07-28 client (no initialize) and a 2025-era one are served by real SDK clients", async () => {
    for (const options of [{ versionNegotiation: { mode: "auto" as const } }, {}]) {
      const transport = new StdioClientTransportV2({
        command: process.execPath,
        args: [BIN, "serve", catalog],
        cwd: ROOT,
        env: childEnv({}),
        stderr: "pipe",
      });
      const client = new ClientV2({ name: "early", version: "1" }, options);
      await client.connect(transport);
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(
          "versionNegotiation" in options ? "2026-07-28" : "2025-11-25",
        );
        const result = await client.callTool({ name: "fixture_echo", arguments: { text: "hi" } });
        expect(result.structuredContent).toMatchObject({ text: "hi" });
      } finally {
        await client.close();
      }
    }
  });
});

// Stateless HTTP serves each POST on a connection of its own: an initialize is always that connection's first. Two
// in one POST (a batch) would be a second on the same connection, and are refused, as the SDK refuses them.
describe("initialize over stateless HTTP", () => {
  it("is answered in each POST, and two in one batch are refused", async () => {
    const served = await serveHttp(catalog, fixtureEnv());
    try {
      const headers = { ...MCP_HEADERS, authorization: `Bearer ${FIXTURE_KEY}` };
      for (const version of ["2025-06-18", "2024-11-05"]) {
        const res = await raw(served.url, { headers, body: JSON.stringify(init(1, version)) });
        expect(res.status).toBe(200);
        expect(res.body).toContain(`"protocolVersion":"${version}"`);
      }
      const batch = JSON.stringify([init(1, "2025-06-18"), init(2, "2024-11-05")]);
      const twice = await raw(served.url, { headers, body: batch });
      expect(twice.status).toBe(400);
      expect(JSON.parse(twice.body).error.code).toBe(-32600);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});
