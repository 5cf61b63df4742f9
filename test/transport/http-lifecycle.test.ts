import { once } from "node:events";
import { connect } from "node:net";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { setLogSink } from "../../src/telemetry/log.js";
import { type HttpServerHandle, startHttpServer } from "../../src/transports/http.js";
import { resolveHttpSettings } from "../../src/transports/http-settings.js";
import { until } from "../helpers/events.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

// Lifecycle: SIGTERM lets in-flight calls finish and refuses new ones, then the process exits 0; a call that
// outlives the shutdown grace period or the per-request timeout is aborted (its handler sees the signal).

let catalogDir: string;
beforeAll(async () => {
  catalogDir = await fixtureCatalog();
});

/** The JSON-RPC messages of an event stream's body. */
const events = (body: string): Record<string, unknown>[] =>
  body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
const lastEvent = (body: string) => events(body).at(-1);
const timedOut = (s: number) =>
  `Request timed out: the server's request timeout (${s} s, --request-timeout) ended the request before it was answered`;

const callSlow = (id: number, ms: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "fixture_slow", arguments: { ms }, _meta: { progressToken: `p${id}` } },
  });

it("SIGTERM: the in-flight call finishes, new requests are refused, the process exits 0", async () => {
  const served = await serveHttp(catalogDir, fixtureEnv());
  // On a failure, the server does not outlive the test.
  onTestFinished(() => void served.stop("SIGKILL"));
  const client = new Client({ name: "lifecycle", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(served.url), {
      requestInit: { headers: { authorization: `Bearer ${FIXTURE_KEY}` } },
    }),
  );
  let started!: () => void;
  const inHandler = new Promise<void>((resolve) => {
    started = resolve;
  });
  const call = client.callTool(
    { name: "fixture_slow", arguments: { ms: 1500 } },
    { onprogress: () => started() },
  );
  // The call reaches the handler, or fails first: a call that ends without progress must not leave this pending.
  const endedFirst = call.then((result) => {
    throw new Error(`the call ended before its handler reported progress: ${JSON.stringify(result)}`);
  });
  endedFirst.catch(() => {}); // once the handler has reported, the call's end is awaited below instead
  await Promise.race([inHandler, endedFirst]);
  served.proc.kill("SIGTERM");
  // The listener closes at once: a new connection is refused (or, on a kept-alive socket, answered 503).
  await expect
    .poll(async () => {
      try {
        // Bounded per attempt: a request that is never answered fails this attempt, and the poll goes on.
        return (await raw(served.url, { headers: MCP_HEADERS, body: "{}", idleTimeoutMs: 30_000 })).status;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code;
      }
    })
    .toMatch(/ECONNREFUSED|503/);
  const result = await call;
  expect(result.isError).toBeFalsy();
  expect(result.structuredContent).toMatchObject({ cancelled: false });
  expect((result.structuredContent as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(1400);
  expect(await served.exited).toBe(0);
  expect(served.stderr()).toContain("SIGTERM: not accepting new requests; waiting for 1 in flight");
  await client.close().catch(() => {});
});

describe("in process", () => {
  let catalog: LoadedCatalog;
  let handle: HttpServerHandle | undefined;
  const logs: string[] = [];
  beforeAll(async () => {
    catalog = await loadCatalog(catalogDir);
    setLogSink((line) => logs.push(line));
  });
  afterEach(async () => {
    await handle?.shutdown();
    handle = undefined;
  });

  async function start(tuning: {
    requestTimeoutMs?: number;
    shutdownGraceMs?: number;
    maxRequests?: number;
  }) {
    const config = resolveConfig(catalog.doc.env, fixtureEnv());
    const settings = resolveHttpSettings(catalog.doc, config, tuning);
    handle = await startHttpServer(createServer(catalog, config), settings, { name: "fixture" });
    return handle;
  }
  const auth = { authorization: `Bearer ${FIXTURE_KEY}` };

  it("aborts a request that runs over the per-request timeout", async () => {
    // A timeout a busy machine cannot miss before the handler's first progress (which the body must carry):
    // loading the handlers and dispatching the call took over 300 ms under load. The first call is awaited in full
    // (ms: 0) so that the module loads are behind us.
    const server = await start({ requestTimeoutMs: 3_000 });
    const warm = await raw(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: callSlow(3, 0) });
    expect(warm.body).toContain('"result"');
    // The handler would wait 20 s; the stream ends long before the test's own timeout, without a result but with
    // an error under the call's id as its last event (it ended with no answer at all before).
    const res = await raw(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: callSlow(1, 20_000) });
    expect(res.status).toBe(200);
    expect(res.body).toContain("notifications/progress");
    expect(res.body).not.toContain('"result"');
    expect(lastEvent(res.body)).toEqual({
      jsonrpc: "2.0",
      id: 1,
      error: { code: -32001, message: timedOut(3) },
    });
    expect(
      logs.filter((line) => line.includes("http: a request ran over 3000 ms and was aborted")),
    ).toHaveLength(1);
    expect(server.inflight()).toBe(0);
  });

  it("answers each request of a streamed batch the request timeout ends, and only those", async () => {
    // A batch (2025 era) answered as one event stream: the quick call's result is sent as it is, the slow one's
    // error follows it, once.
    const server = await start({ requestTimeoutMs: 3_000 });
    const body = `[${callSlow(5, 0)},${callSlow(6, 20_000)}]`;
    const res = await raw(server.url, { headers: { ...MCP_HEADERS, ...auth }, body });
    expect(res.status).toBe(200);
    const answers = events(res.body).filter((message) => !("method" in message));
    expect(answers.map((message) => [message.id, "result" in message ? "result" : message.error])).toEqual([
      [5, "result"],
      [6, { code: -32001, message: timedOut(3) }],
    ]);
    expect(server.inflight()).toBe(0);
  });

  /**
   * A raw client that posts a call answered with ~16 MB (an 8 MB text echoed in both forms: more than the socket
   * buffers between the two hold) and reads nothing until the test resumes its socket.
   */
  async function postEcho(url: string, extraHeaders = "") {
    const target = new URL(url);
    const socket = connect(Number(target.port), target.hostname);
    socket.on("error", () => {});
    onTestFinished(() => void socket.destroy());
    await once(socket, "connect");
    socket.pause();
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "fixture_echo", arguments: { text: "x".repeat(8_000_000) } },
    });
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer ${FIXTURE_KEY}\r\n${extraHeaders}` +
        `Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    return socket;
  }
  const cutLine = (ms: number) =>
    `past the request timeout, a client had taken nothing of its answer for ${ms} ms; its connection was closed`;

  it("closes the connections of clients that take none of their answers, and frees their places", async () => {
    // A client that posted and never read held its place among the requests served at once for as long as it kept
    // its socket open (the answer waited for a drain that never came): --max-requests such clients starved the rest.
    const server = await start({ requestTimeoutMs: 3_000, maxRequests: 2 });
    await postEcho(server.url);
    await postEcho(server.url);
    await until(() => logs.filter((line) => line.includes(cutLine(3000))).length === 2);
    expect(server.inflight()).toBe(0);
    const after = await raw(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: callSlow(2, 0) });
    expect(after.body).toContain('"result"');
  });

  it("sends a client still taking its answer slowly the whole answer, past the request timeout", async () => {
    // 8221960 cut every client the answer still waited for at the request timeout, one that was taking it slowly
    // too. This one takes at most one read (64 KiB) per 20 ms: the ~16 MB answer takes it over 5 s, so at the
    // 3 s timeout more of it is still unsent than the socket buffers between the two hold, and the server sees it
    // taken (a drain) about every 0.5 s (0.74 s at most measured at load 10).
    const server = await start({ requestTimeoutMs: 3_000 });
    const logged = logs.length;
    const socket = await postEcho(server.url, "Connection: close\r\n");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      socket.pause();
      setTimeout(() => socket.resume(), 20);
    });
    socket.resume();
    await once(socket, "close");
    const answer = Buffer.concat(chunks).toString("latin1");
    expect(logs.slice(logged).join("\n")).not.toContain(cutLine(3000));
    expect(answer.length).toBeGreaterThan(16_000_000);
    expect(answer).toContain('"result"');
    // The chunked body's last chunk: the answer ended, it was not cut.
    expect(answer.endsWith("\r\n0\r\n\r\n")).toBe(true);
  });

  it("forgets a client that goes away halfway through its body", async () => {
    const server = await start({});
    const target = new URL(server.url);
    const socket = connect(Number(target.port), target.hostname);
    // once() rejects on 'error': a refused connection fails here instead of leaving the wait pending.
    await once(socket, "connect");
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${target.host}\r\nAuthorization: Bearer ${FIXTURE_KEY}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc":',
    );
    await expect.poll(() => server.inflight()).toBe(1);
    socket.destroy();
    await expect.poll(() => server.inflight()).toBe(0);
    expect(logs.join("\n")).not.toContain("internal error");
  });

  it("aborts what is still running when the shutdown grace period ends", async () => {
    const server = await start({ shutdownGraceMs: 200 });
    const pending = raw(server.url, { headers: { ...MCP_HEADERS, ...auth }, body: callSlow(2, 20_000) });
    await expect.poll(() => server.inflight()).toBe(1);
    await server.shutdown();
    const res = await pending;
    expect(res.body).not.toContain('"result"');
    expect(logs.join("\n")).toContain("1 request(s) still running after 200 ms; aborting them");
  });
});
