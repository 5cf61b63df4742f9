import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport, type JSONRPCMessage } from "@modelcontextprotocol/server";
import { beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import {
  createServer,
  type DirectToolCall,
  directToolCallOf,
  type ServerOptions,
} from "../../src/mcp/server.js";
import { StdioToolCalls } from "../../src/transports/stdio-tool-calls.js";

/**
 * tools/call over stdio without the SDK's dispatch (src/transports/stdio-tool-calls.ts): which calls may go direct,
 * that a direct call answers exactly what the SDK's dispatch answers, and how the stdio wrapper hands calls over,
 * cancels them and leaves every other message to the SDK.
 */

let catalog: LoadedCatalog;
const items: Record<string, unknown> = {
  "1": { id: "1", name: "one", price: 2.5 },
  "2": { id: "2", name: "two", price: 4 },
};
const fakeFetch = (async (input: string | URL | Request) => {
  const url = new URL(String(input));
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const item = /^\/api\/items\/([^/]+)$/.exec(url.pathname);
  if (item) return items[item[1]!] ? json(items[item[1]!]) : json({ message: "no such item" }, 404);
  if (url.pathname === "/api/items") return json(Object.values(items));
  if (url.pathname === "/api/bad-output") return json({ count: "many" });
  return json({ message: "not here" }, 404);
}) as typeof fetch;
const env = { FIXTURE_BASE_URL: "http://upstream.test/api", FIXTURE_TOKEN: "tok-canary-123" };

async function connect(options: ServerOptions = {}, era: "legacy" | "modern" = "legacy") {
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), {
    fetch: fakeFetch,
    ...options,
  });
  const server = factory({ era });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "1.0.0" });
  const before = directToolCallOf(server)?.({ name: "get_item", arguments: { id: "1" } }, signalled(0));
  await server.connect(serverSide);
  await client.connect(clientSide);
  return { server, client, before };
}

const signalled = (id: string | number) => ({ id, signal: new AbortController().signal });

/** A result with what differs from call to call (correlation ids, durations) made equal. */
const steady = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value)
      .replace(/[0-9a-f]{12}/g, "<id>")
      .replace(/("?duration_ms\\?"?:)\d+/g, "$1<ms>"),
  );

beforeAll(async () => {
  catalog = await loadCatalog("test/fixtures/runtime-catalog");
});

describe("which tools/call may go direct", () => {
  it("none before initialize, nor on a connection of the 2026 era", async () => {
    const { before } = await connect();
    expect(before).toBeUndefined();
    const modern = createServer(catalog, resolveConfig(catalog.doc.env, env), { fetch: fakeFetch })({
      era: "modern",
    });
    expect(directToolCallOf(modern)).toBeUndefined();
  });

  it("listed tools that never ask the user; not confirmed, unknown or discovery meta tools", async () => {
    const { server, client } = await connect();
    const direct = directToolCallOf(server) as DirectToolCall;
    const answer = direct({ name: "get_item", arguments: { id: "1" } }, signalled(1));
    expect(answer).toBeInstanceOf(Promise);
    await answer;
    // An alias is a listed name too.
    await expect(direct({ name: "fetch_item", arguments: { id: "1" } }, signalled(2))).resolves.toBeTruthy();
    // Confirmation may need an elicitation round, which the SDK runs: not direct.
    expect(direct({ name: "delete_item", arguments: { id: "1" } }, signalled(3))).toBeUndefined();
    expect(direct({ name: "no_such_tool", arguments: {} }, signalled(4))).toBeUndefined();
    await client.close();

    const { server: discovering } = await connect({ discovery: true });
    const viaDiscovery = directToolCallOf(discovering) as DirectToolCall;
    for (const name of ["find_tools", "describe_tool", "call_tool"])
      expect(viaDiscovery({ name, arguments: {} }, signalled(5))).toBeUndefined();
    // A catalog tool called by name under discovery is run as tools/call runs it (the differential below).
    await expect(
      viaDiscovery({ name: "get_item", arguments: { id: "1" } }, signalled(6)),
    ).resolves.toBeTruthy();
  });

  it("answers what the SDK's dispatch answers, call for call", async () => {
    const { server, client } = await connect();
    const direct = directToolCallOf(server) as DirectToolCall;
    const calls = [
      { name: "get_item", arguments: { id: "1" } },
      { name: "fetch_item", arguments: { id: "2" } },
      { name: "get_item", arguments: { id: "9" } }, // an upstream 404
      { name: "get_item", arguments: {} }, // invalid arguments
      { name: "get_item", arguments: { id: "1", extra: true } },
      { name: "list_items", arguments: {} },
      { name: "list_items" },
      { name: "bad_output", arguments: {} }, // output that does not match its schema
      { name: "always_fails", arguments: {} },
      { name: "create_item", arguments: { name: "three", price: 1 } },
    ];
    for (const [i, params] of calls.entries()) {
      const viaSdk = await client.request({ method: "tools/call", params });
      const viaDirect = await direct(params, signalled(100 + i));
      expect(steady(viaDirect), JSON.stringify(params)).toEqual(steady(viaSdk));
    }
  });
});

/** A stand-in for the SDK's stdio transport: what the wrapper passes on, and what it sends. */
function standIn() {
  const passed: JSONRPCMessage[] = [];
  const sent: JSONRPCMessage[] = [];
  const transport = {
    onmessage: undefined as ((message: JSONRPCMessage, extra?: unknown) => void) | undefined,
    send: async (message: JSONRPCMessage) => {
      sent.push(message);
    },
  };
  return { transport, passed, sent };
}

const request = (id: string | number, params: unknown): JSONRPCMessage =>
  ({ jsonrpc: "2.0", id, method: "tools/call", params }) as JSONRPCMessage;

describe("the stdio wrapper", () => {
  it("hands plain tools/call requests over and passes everything else on to the SDK", async () => {
    const { transport, passed, sent } = standIn();
    const seen: unknown[] = [];
    const direct: DirectToolCall = (params, { id }) => {
      seen.push(params);
      return params.name === "sdk_only" ? undefined : Promise.resolve({ content: [], id });
    };
    new StdioToolCalls(
      () => direct,
      () => {},
    ).wrap(transport);
    transport.onmessage = (message) => passed.push(message);
    const deliver = (message: JSONRPCMessage) => transport.onmessage?.(message);
    const direct1 = request(1, { name: "t", arguments: { a: 1 } });
    const direct2 = request("two", { name: "t" });
    const others = [
      request(3, { name: "t", arguments: { a: 1 }, _meta: { progressToken: 7 } }),
      request(4, { name: "t", arguments: { a: 1 }, _meta: {} }),
      request(5, { name: "t", arguments: [1] }),
      request(6, { name: "t", arguments: null }),
      request(7, { name: 7 }),
      request(8, { arguments: {} }),
      request(9, ["t"]),
      request(10, { name: "t", task: {} }),
      request(11, { name: "sdk_only", arguments: {} }),
      { jsonrpc: "2.0", id: 12, method: "tools/list", params: {} } as JSONRPCMessage,
      { jsonrpc: "2.0", method: "notifications/initialized" } as JSONRPCMessage,
    ];
    for (const message of [direct1, direct2, ...others]) deliver(message);
    await new Promise((resolve) => setImmediate(resolve));
    expect(passed).toEqual(others);
    expect(sent).toEqual([
      { result: { content: [], id: 1 }, jsonrpc: "2.0", id: 1 },
      { result: { content: [], id: "two" }, jsonrpc: "2.0", id: "two" },
    ]);
    expect(seen).toEqual([
      { name: "t", arguments: { a: 1 } },
      { name: "t" },
      { name: "sdk_only", arguments: {} },
    ]);
  });

  it("aborts a cancelled call and sends no answer for it; a thrown error is answered as the SDK answers it", async () => {
    const { transport, passed, sent } = standIn();
    const signals = new Map<string | number, AbortSignal>();
    const release = new Map<string | number, () => void>();
    const direct: DirectToolCall = (params, { id, signal }) => {
      signals.set(id, signal);
      if (params.name === "throws")
        return Promise.reject(Object.assign(new Error("Unknown tool: x"), { code: -32602 }));
      if (params.name === "throws-32002")
        return Promise.reject(Object.assign(new Error("gone"), { code: -32002, data: { uri: "u" } }));
      return new Promise((resolve) => release.set(id, () => resolve({ content: [] })));
    };
    const calls = new StdioToolCalls(
      () => direct,
      () => {},
    );
    calls.wrap(transport);
    transport.onmessage = (message) => passed.push(message);
    const deliver = (message: JSONRPCMessage) => transport.onmessage?.(message);
    deliver(request(1, { name: "slow" }));
    deliver(request(2, { name: "slow" }));
    // The same id while the first still runs: the SDK's to answer, as before.
    deliver(request(1, { name: "slow" }));
    const cancel = {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 1, reason: "user" },
    } as JSONRPCMessage;
    deliver(cancel);
    expect(signals.get(1)?.aborted).toBe(true);
    expect(signals.get(2)?.aborted).toBe(false);
    // The notification still reaches the SDK (its own requests, the drain's count).
    expect(passed).toEqual([request(1, { name: "slow" }), cancel]);
    release.get(1)?.();
    release.get(2)?.();
    deliver(request(3, { name: "throws" }));
    deliver(request(4, { name: "throws-32002" }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sent).toEqual([
      { result: { content: [] }, jsonrpc: "2.0", id: 2 },
      { jsonrpc: "2.0", id: 3, error: { code: -32602, message: "Unknown tool: x" } },
      { jsonrpc: "2.0", id: 4, error: { code: -32602, message: "gone", data: { uri: "u" } } },
    ]);
    // Once a call has ended its id may be used again, directly.
    deliver(request(1, { name: "slow" }));
    expect(signals.get(1)?.aborted).toBe(false);
    calls.abortAll();
    expect(signals.get(1)?.aborted).toBe(true);
  });

  it("sends everything to the SDK while the connection has no direct call", () => {
    const { transport, passed } = standIn();
    new StdioToolCalls(
      () => undefined,
      () => {},
    ).wrap(transport);
    transport.onmessage = (message) => passed.push(message);
    transport.onmessage?.(request(1, { name: "t", arguments: {} }));
    expect(passed).toEqual([request(1, { name: "t", arguments: {} })]);
  });
});
