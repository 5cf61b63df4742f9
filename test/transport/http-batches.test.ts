import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// JSON-RPC batches over Streamable HTTP by the revision the client negotiated: 2025-03-26 had them (and a POST
// without Mcp-Protocol-Version is taken for 2025-03-26), 2025-06-18 removed them. A batch under 2025-06-18 or later
// was answered message by message; it is now one -32600 for the whole body, nothing of it run.

let served: Served;
beforeAll(async () => {
  served = await serveHttp(await fixtureCatalog(), fixtureEnv());
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

const headers = { ...MCP_HEADERS, authorization: `Bearer ${FIXTURE_KEY}` };
const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });
const echo = (id: number, text: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "fixture_echo", arguments: { text } },
});
const init = (id: number, protocolVersion: string) => ({
  jsonrpc: "2.0",
  id,
  method: "initialize",
  params: { protocolVersion, capabilities: {}, clientInfo: { name: "batch", version: "1" } },
});

function post(body: unknown, version?: string) {
  return raw(served.url, {
    headers: { ...headers, ...(version !== undefined ? { "mcp-protocol-version": version } : {}) },
    body: JSON.stringify(body),
  });
}

/** The JSON-RPC messages of an answer, as JSON or as an event stream. */
function messages(body: string): any[] {
  if (body.startsWith("{") || body.startsWith("[")) return [JSON.parse(body)].flat();
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)));
}

describe("a JSON-RPC batch over HTTP", () => {
  it.each([undefined, "2025-03-26", "2024-11-05"])(
    "is served under %s, a revision that has batches",
    async (v) => {
      const res = await post([ping(1), echo(2, "batched")], v);
      expect(res.status).toBe(200);
      const answers = messages(res.body);
      expect(answers.map((m) => m.id).sort()).toEqual([1, 2]);
      expect(answers.find((m) => m.id === 2).result.structuredContent).toMatchObject({ text: "batched" });
    },
  );

  it.each(["2025-06-18", "2025-11-25", "2026-07-28"])(
    "is refused under %s as one -32600, nothing of it run",
    async (v) => {
      const res = await post([ping(1), echo(2, "not run")], v);
      expect(res.status).toBe(400);
      const body = JSON.parse(res.body);
      expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
      expect(body.error.message).toContain(`protocol revision ${v}`);
      expect(body.error.message).toContain("none of it was run");
      // One message, also for a batch of one and an empty one.
      for (const other of [[ping(3)], []]) {
        const one = await post(other, v);
        expect(one.status).toBe(400);
        expect(JSON.parse(one.body)).toMatchObject({ id: null, error: { code: -32600 } });
      }
    },
  );

  it("holding initialize, is refused under every revision", async () => {
    for (const v of ["2025-03-26", "2025-06-18"]) {
      const res = await post([init(1, v)]);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ id: null, error: { code: -32600 } });
      expect(JSON.parse(res.body).error.message).toContain("initialize in a JSON-RPC batch");
    }
    // Alone it is answered.
    const alone = await post(init(1, "2025-06-18"));
    expect(alone.status).toBe(200);
    expect(alone.body).toContain('"protocolVersion":"2025-06-18"');
  });
});

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };

describe.each([
  {
    label: "v1 SDK client",
    connect: async () => {
      const client = new ClientV1({ name: "batch-v1", version: "1" });
      const transport = new HttpV1(new URL(served.url), { requestInit: { headers: auth } });
      await client.connect(transport);
      return { client, transport };
    },
  },
  {
    label: "v2 client, legacy initialize",
    connect: async () => {
      const client = new ClientV2({ name: "batch-v2", version: "1" });
      const transport = new HttpV2(new URL(served.url), { requestInit: { headers: auth } });
      await client.connect(transport);
      return { client, transport };
    },
  },
  {
    label: "v2 client negotiating 2026-07-28",
    connect: async () => {
      const client = new ClientV2(
        { name: "batch-v2m", version: "1" },
        { versionNegotiation: { mode: "auto" } },
      );
      const transport = new HttpV2(new URL(served.url), { requestInit: { headers: auth } });
      await client.connect(transport);
      return { client, transport };
    },
  },
])("$label", ({ connect }) => {
  it("sending a batch after negotiating is refused, and the client goes on", async () => {
    const { client, transport } = await connect();
    try {
      const send = transport.send.bind(transport) as (message: unknown) => Promise<void>;
      await expect(send([ping(901), ping(902)])).rejects.toThrow(/JSON-RPC batch/);
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("fixture_echo");
    } finally {
      await client.close();
    }
  });
});
