import type { AddressInfo, Socket } from "node:net";
import { createServer } from "node:net";
import { describe, expect, it, vi } from "vitest";
import type { CatalogTool, EnvVar, HttpBinding, HttpMethod, Source } from "../../src/catalog.js";
import type { CallContext } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { createHttpExecutor } from "../../src/executors/http.js";
import { closedUnanswered, MAX_RETRIES, retryAfterMs } from "../../src/executors/retry.js";

// Upstream back-pressure: 429/503 with Retry-After are retried after the wait for operations safe to repeat, and
// only within the call's timeout; everything else comes back as an error carrying the retry time.

const vars: EnvVar[] = [{ name: "BASE", description: "", type: "url", required: true, secret: false }];
const TIMEOUT_MS = 1500;
const source: Source = {
  id: "api",
  kind: "openapi",
  baseUrl: { env: "BASE" },
  auth: [],
  timeoutMs: TIMEOUT_MS,
};
const config = resolveConfig(vars, { BASE: "https://api.example.com" });

const binding = (method: HttpMethod): HttpBinding => ({
  kind: "http",
  source: "api",
  method,
  path: "/things",
  params: [],
  security: [],
  success: { status: "200", mediaType: "application/json" },
});

function call(idempotent: boolean): CallContext {
  return {
    tool: { name: "t", annotations: { idempotentHint: idempotent } } as CatalogTool,
    calledAs: "t",
    entry: "tools/call",
    rawArgs: {},
    args: {},
    correlationId: "c0ffee",
    client: { capabilities: undefined, era: "legacy" },
    signal: new AbortController().signal,
    upstream: { requests: 0 },
    startedAt: performance.now(),
    depth: 0,
    progress: async () => {},
    notes: new Map(),
  };
}

/** An upstream answering from a script of responses (the last one repeats); `onSend` runs before each answer. */
function upstream(...script: Array<[number, Record<string, string>?]>) {
  return upstreamDoing(() => {}, ...script);
}

function upstreamDoing(onSend: (sent: number) => void, ...script: Array<[number, Record<string, string>?]>) {
  let sent = 0;
  const fetch = (async () => {
    const [status, headers = {}] = script[Math.min(sent, script.length - 1)]!;
    sent += 1;
    onSend(sent);
    return new Response(JSON.stringify(status < 300 ? { ok: true } : { message: "slow down" }), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  }) as typeof globalThis.fetch;
  return { run: createHttpExecutor({ sources: [source], config, fetch }), sent: () => sent };
}

describe("Retry-After", () => {
  it.each([
    ["0", 0],
    ["12", 12_000],
    [" 3 ", 3000],
    ["-1", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["", undefined],
  ])("reads %j as delta-seconds", (value, ms) => {
    expect(retryAfterMs(new Headers(value === "" ? {} : { "retry-after": value }))).toBe(ms);
  });

  it("reads an HTTP date, a past one as no wait", () => {
    const now = Date.parse("Wed, 02 Dec 2026 10:00:00 GMT");
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 02 Dec 2026 10:00:30 GMT" }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ "retry-after": "Wed, 02 Dec 2026 09:00:00 GMT" }), now)).toBe(0);
  });
});

describe("retries", () => {
  it.each(["GET", "HEAD", "PUT", "DELETE"] as const)(
    "%s (safe to repeat) succeeds after a 429 and a 503",
    async (method) => {
      const { run, sent } = upstream([429, { "retry-after": "0" }], [503, { "retry-after": "0" }], [200]);
      const ctx = call(true);
      const outcome = await run(ctx, binding(method));
      expect(outcome.error).toBeUndefined();
      expect(sent()).toBe(3);
      expect(ctx.upstream).toMatchObject({ requests: 3, lastStatus: 200 });
    },
  );

  it("a POST is never repeated: the error carries the retry time", async () => {
    const { run, sent } = upstream([429, { "retry-after": "7" }], [200]);
    const outcome = await run(call(false), binding("POST"));
    expect(sent()).toBe(1);
    expect(outcome.error).toMatchObject({ code: "http_429", details: { retry_after_seconds: 7 } });
    expect(outcome.error?.message).toMatch(/HTTP 429 Too Many Requests.*retry after 7 s/);
  });

  it("a POST the manifest marks idempotent is repeated; a PUT it marks not idempotent is not", async () => {
    const post = upstream([503, { "retry-after": "0" }], [200]);
    expect((await post.run(call(true), binding("POST"))).error).toBeUndefined();
    expect(post.sent()).toBe(2);
    const put = upstream([503, { "retry-after": "0" }], [200]);
    expect((await put.run(call(false), binding("PUT"))).error?.code).toBe("http_503");
    expect(put.sent()).toBe(1);
  });

  it("a wait that would end after the call's timeout is not waited: the error says when to retry, at once", async () => {
    const { run, sent } = upstream([429, { "retry-after": "5" }], [200]);
    const outcome = await run(call(true), binding("GET"));
    // A wait would have sent the request again after it (no wall-clock bound: the machine may be busy).
    expect(sent()).toBe(1);
    expect(outcome.error?.details).toMatchObject({ retry_after_seconds: 5 });
  });

  it("the call's deadline is on the process's own clock: a wall clock set forward meanwhile does not end it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      // The wall clock jumps two hours (an NTP step, a VM resumed) while the first request is out.
      const { run, sent } = upstreamDoing(
        (n) => {
          if (n === 1) vi.setSystemTime(Date.now() + 7_200_000);
        },
        [503, { "retry-after": "0" }],
        [200],
      );
      const outcome = await run(call(true), binding("GET"));
      expect(outcome.error).toBeUndefined();
      expect(sent()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it(`stops after ${MAX_RETRIES} repeats`, async () => {
    const { run, sent } = upstream([429, { "retry-after": "0" }]);
    const outcome = await run(call(true), binding("GET"));
    expect(sent()).toBe(MAX_RETRIES + 1);
    expect(outcome.error?.code).toBe("http_429");
  });

  it("no Retry-After, or another status, is not retried", async () => {
    const bare = upstream([429], [200]);
    const outcome = await bare.run(call(true), binding("GET"));
    expect(bare.sent()).toBe(1);
    expect(outcome.error?.details).toBeUndefined();
    const failed = upstream([500, { "retry-after": "0" }], [200]);
    expect((await failed.run(call(true), binding("GET"))).error?.code).toBe("http_500");
    expect(failed.sent()).toBe(1);
  });
});

/**
 * A real upstream on 127.0.0.1 that answers the first request on each connection (keep-alive) and closes the
 * connection, unanswered, on the next one: what a client's pool meets when the upstream's idle timeout fires just
 * as a request goes out on the pooled connection.
 */
async function closingUpstream() {
  const counts = { connections: 0, requests: 0, closed: 0 };
  /** Bytes each connection received, in the order the connections came. */
  const received: number[] = [];
  /** Waiters for a connection to have received so many bytes (its request's body may follow the answer). */
  const waiters: Array<{ index: number; bytes: number; resolve: () => void }> = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    counts.connections += 1;
    const index = received.push(0) - 1;
    let answered = false;
    let buffered = "";
    socket.on("data", (chunk) => {
      received[index]! += chunk.length;
      for (const w of waiters.filter((w) => w.index === index && received[index]! >= w.bytes)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
      buffered += String(chunk);
      // A big body is counted, not kept: only a head's end split across two reads needs the last three characters.
      if (!buffered.includes("\r\n\r\n")) {
        buffered = buffered.slice(-3);
        return;
      }
      buffered = "";
      counts.requests += 1;
      if (answered) {
        counts.closed += 1;
        socket.destroy();
        return;
      }
      answered = true;
      const body = '{"ok":true}';
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const run = createHttpExecutor({
    // What these tests decide is whether and how a request is sent again, not the call's deadline: the source's
    // timeout is a failure bound here (1.5 s timed out the 4 MB PUT on a machine at load 18, twice in one round).
    sources: [{ ...source, timeoutMs: 120_000 }],
    config: resolveConfig(vars, { BASE: `http://127.0.0.1:${port}` }),
  });
  /** Calls until one goes out on a pooled connection the upstream then closes (the pool takes a connection back a
   * turn of the event loop after its response); returns that call's outcome and the requests it made. */
  async function callUntilClosed(
    ctx: () => CallContext,
    method: HttpMethod,
    bound: HttpBinding = binding(method),
  ) {
    for (let i = 0; i < 10; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      const [closed, requests, connections] = [counts.closed, counts.requests, received.length];
      const outcome = await run(ctx(), bound);
      // The bytes each connection opened during this call received.
      const opened = received.slice(connections).map((_, i) => connections + i);
      if (counts.closed > closed) return { outcome, requests: counts.requests - requests, opened };
      expect(outcome.error).toBeUndefined();
    }
    throw new Error("no call went out on a pooled connection");
  }
  return {
    callUntilClosed,
    /** Resolves once connection `index` has received `bytes` bytes. */
    reached: (index: number, bytes: number) =>
      (received[index] ?? 0) >= bytes
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ index, bytes, resolve })),
    /** Stops listening and ends the connections the client's pool keeps alive (server.close alone waits them out:
     * undici's 4 s keep-alive, most of each test's time). */
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

describe("a pooled connection the upstream closed", () => {
  it.each(["GET", "PUT", "DELETE"] as const)(
    "%s (safe to repeat) is sent once more, on a new connection, and succeeds",
    async (method) => {
      const up = await closingUpstream();
      try {
        const { outcome, requests } = await up.callUntilClosed(() => call(true), method);
        expect(outcome.error).toBeUndefined();
        expect(outcome.data).toEqual({ ok: true });
        expect(requests).toBe(2);
      } finally {
        await up.close();
      }
    },
  );

  it("a PUT whose connection is closed while its 4 MB body is still being written is sent again whole", async () => {
    // The upstream closes the pooled connection as soon as the request's head arrives: the client is mid-body
    // (EPIPE or ECONNRESET on its write, not a missing answer), and a body must not be resent cut short.
    const up = await closingUpstream();
    const body = { blob: "x".repeat(4 * 1024 * 1024) };
    const sent = Buffer.byteLength(JSON.stringify(body));
    const withBody: HttpBinding = {
      ...binding("PUT"),
      body: { mediaType: "application/json", encoding: "json", required: true, mode: "whole", arg: "body" },
    };
    const ctx = () => ({ ...call(true), rawArgs: { body }, args: { body } });
    try {
      const { outcome, requests, opened } = await up.callUntilClosed(ctx, "PUT", withBody);
      expect(outcome.error).toBeUndefined();
      expect(outcome.data).toEqual({ ok: true });
      expect(requests).toBe(2);
      // The repeat went out on a connection of its own (not on another pooled one, as stale), and carries the
      // whole body (the upstream answered on the head; the body arrives after).
      expect(opened).toHaveLength(1);
      await up.reached(opened[0]!, sent);
    } finally {
      await up.close();
    }
  });

  it("counts a reset, a write into a closed connection and undici's closed socket as closed unanswered; nothing else", () => {
    const coded = (code: string) => Object.assign(new Error(code), { code });
    for (const code of ["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]) {
      expect(closedUnanswered(coded(code))).toBe(true);
      expect(closedUnanswered(new TypeError("fetch failed", { cause: coded(code) }))).toBe(true);
    }
    for (const code of ["ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "ABORT_ERR"])
      expect(closedUnanswered(coded(code))).toBe(false);
  });

  it("a POST is not resent: the error says the upstream closed the connection", async () => {
    const up = await closingUpstream();
    try {
      const { outcome, requests } = await up.callUntilClosed(() => call(false), "POST");
      expect(outcome.error?.message).toMatch(/the upstream closed the connection/);
      expect(requests).toBe(1);
    } finally {
      await up.close();
    }
  });
});
