import {
  createServer as createNodeServer,
  request as httpRequest,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIssuer, startLocalIssuer } from "./local-issuer.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// Cancellation over stateless Streamable HTTP. A 2025-era client cancels with `notifications/cancelled`, a POST
// of its own that a fresh server instance answers; the transport routes it to the call in flight, whose upstream
// request must then stop. The upstream here never answers, so the only way its connection closes soon is the
// cancellation (without it, the call runs until the source timeout, 30 s).

describe("a cancelled call stops its upstream request", () => {
  const CLIENT_KEY = "cancel-test-client-key-7f3a19";
  let upstream: Server;
  let served: Served;
  /** Each request the upstream received: its path, and a promise settled when its connection closed. */
  const received: Array<{ path: string; closed: Promise<void> }> = [];

  beforeAll(async () => {
    upstream = createNodeServer((req, res: ServerResponse) => {
      // Never answers: holds the request until the client side goes away.
      const closed = new Promise<void>((resolve) => res.once("close", () => resolve()));
      received.push({ path: req.url ?? "", closed });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    served = await serveHttp("scaivault", {
      MCP_TRANSPORT: "http",
      PORT: "0",
      SCAIVAULT_MCP_TOKEN: CLIENT_KEY,
      SCAIVAULT_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      SCAIVAULT_TOKEN: "tok_abcdefghijkl",
      SCAIVAULT_AUDIT: "false",
    });
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  const headers = { authorization: `Bearer ${CLIENT_KEY}` };
  const args = (path: string) => ({ name: "scaivault_read_secret", arguments: { path } });

  const CLIENTS = [
    {
      label: "v1 SDK client (legacy)",
      call: async (path: string, signal: AbortSignal) => {
        const client = new ClientV1({ name: "cancel-v1", version: "1.0.0" });
        await client.connect(new HttpV1(new URL(served.url), { requestInit: { headers } }));
        return { client, pending: client.callTool(args(path), undefined, { signal }) };
      },
    },
    {
      label: "v2 client, legacy initialize",
      call: async (path: string, signal: AbortSignal) => {
        const client = new ClientV2({ name: "cancel-v2", version: "1.0.0" });
        await client.connect(new HttpV2(new URL(served.url), { requestInit: { headers } }));
        return { client, pending: client.callTool(args(path), { signal }) };
      },
    },
    {
      // Cancels by closing its request; it worked before the in-flight map and must keep working.
      label: "v2 client negotiating 2026-07-28",
      call: async (path: string, signal: AbortSignal) => {
        const client = new ClientV2(
          { name: "cancel-v2-modern", version: "1.0.0" },
          { versionNegotiation: { mode: "auto" } },
        );
        await client.connect(new HttpV2(new URL(served.url), { requestInit: { headers } }));
        return { client, pending: client.callTool(args(path), { signal }) };
      },
    },
  ];

  it.each(CLIENTS)("$label", async ({ label, call }) => {
    const path = `integrations/${label.replace(/\W+/g, "-")}`;
    const abort = new AbortController();
    const { client, pending } = await call(path, abort.signal);
    const settled = pending.then(
      () => "resolved",
      () => "rejected",
    );
    const hit = await waitFor(() => received.find((r) => r.path === `/v1/secrets/${path}`));
    abort.abort();
    expect(await settled).toBe("rejected");
    // The upstream connection closes before the 30 s source timeout would close it (a bound that holds on a busy
    // machine; the cancellation itself is awaited, not timed).
    expect(await within(hit.closed, 25_000)).toBe("settled");
    await client.close();
  });
});

describe("a cancellation reaches only its own principal's call", () => {
  let issuer: LocalIssuer;
  let served: Served;

  beforeAll(async () => {
    issuer = await startLocalIssuer({ tenant: { discovery: "rfc8414" } });
    served = await serveHttp(
      await fixtureCatalog(),
      fixtureEnv({ SCALY_MCP_AUTHORIZATION_SERVERS: issuer.issuer("tenant") }),
    );
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    await issuer.close();
  });

  const claims = (clientId: string) => ({
    aud: served.url,
    sub: "user-1",
    client_id: clientId,
    scope: "mcp:tools",
  });

  const slowCall = (id: number, ms: number) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "fixture_slow", arguments: { ms }, _meta: { progressToken: `p${id}` } },
    });
  const cancel = (requestId: number) =>
    JSON.stringify({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId, reason: "test" },
    });

  async function sendCancel(bearer: string, requestId: number, localAddress?: string) {
    const answer = await raw(served.url, {
      headers: { ...MCP_HEADERS, "mcp-protocol-version": "2025-11-25", authorization: `Bearer ${bearer}` },
      body: cancel(requestId),
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    // Answered as the SDK answers any notification, whoever sent it.
    expect(answer.status).toBe(202);
  }

  it("another principal's cancellation is ignored; the caller's own stops the call (same JWT identity, new token)", async () => {
    const token = await issuer.mint("tenant", claims("agent-7"));
    const stream = openStream(served.url, token, slowCall(7, 20_000));
    await stream.waitFor((text) => text.includes('"progressToken":"p7"'));

    // The static key, and the same user through another client id, are other principals.
    await sendCancel(FIXTURE_KEY, 7);
    await sendCancel(await issuer.mint("tenant", claims("agent-8")), 7);
    expect(await within(stream.ended, 400)).toBe("pending");

    // A fresh token for the same issuer, subject and client id is the same principal.
    await sendCancel(await issuer.mint("tenant", claims("agent-7")), 7);
    // The stream ends (awaited: the call itself would run 20 s) and, cancelled, carries no result.
    expect(await stream.ended).not.toContain('"result"');
  });

  it("the static key's holders are told apart by network: another client's cancellation is ignored, the caller's own stops the call", async () => {
    const stream = openStream(served.url, FIXTURE_KEY, slowCall(8, 20_000));
    await stream.waitFor((text) => text.includes('"progressToken":"p8"'));
    // Another client holding the same key, on another address, guesses the id: the call goes on.
    await sendCancel(FIXTURE_KEY, 8, "127.0.0.2");
    expect(await within(stream.ended, 400)).toBe("pending");
    await sendCancel(FIXTURE_KEY, 8, "127.0.0.1");
    expect(await stream.ended).not.toContain('"result"');
  });

  it("two calls in flight under one id from one principal: a cancellation is ambiguous and stops neither", async () => {
    const first = openStream(served.url, FIXTURE_KEY, slowCall(9, 1500));
    const second = openStream(served.url, FIXTURE_KEY, slowCall(9, 1500));
    await first.waitFor((text) => text.includes('"progressToken":"p9"'));
    await second.waitFor((text) => text.includes('"progressToken":"p9"'));
    await sendCancel(FIXTURE_KEY, 9);
    for (const stream of [first, second]) {
      const text = await stream.ended;
      expect(text).toContain('"cancelled":false');
    }
    // stderr is its own pipe, read after the streams' ends: the line is waited for there.
    await served.waitForStderr("none was cancelled");
  });

  it("an unknown id, or one that already finished, is a no-op answered 202", async () => {
    const done = openStream(served.url, FIXTURE_KEY, slowCall(11, 0));
    expect(await done.ended).toContain('"cancelled":false');
    await sendCancel(FIXTURE_KEY, 11);
    await sendCancel(FIXTURE_KEY, 12345);
  });
});

/** A raw POST whose (SSE) response is read as it arrives. */
function openStream(url: string, bearer: string, body: string) {
  const target = new URL(url);
  let text = "";
  const listeners = new Set<() => void>();
  const ended = new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          "mcp-protocol-version": "2025-11-25",
          authorization: `Bearer ${bearer}`,
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
          for (const listener of listeners) listener();
        });
        res.on("end", () => resolve(text));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
  return {
    ended,
    waitFor(predicate: (text: string) => boolean): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(text)) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        ended.then(() => {
          if (!predicate(text)) reject(new Error(`the stream ended first:\n${text}`));
        }, reject);
        check();
      });
    },
  };
}

/** Polls for state no event announces; the bound is a failure bound only (a busy machine is slow, not broken). */
async function waitFor<T>(find: () => T | undefined, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<"settled" | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    promise.then(
      () => "settled" as const,
      () => "settled" as const,
    ),
    new Promise<"pending">((resolve) => {
      timer = setTimeout(() => resolve("pending"), ms);
    }),
  ]);
  clearTimeout(timer);
  return result;
}
