import { once } from "node:events";
import { type ClientRequest, get as httpGet } from "node:http";
import { connect, type Socket } from "node:net";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import {
  DEFAULT_MAX_SSE_SESSIONS,
  DEFAULT_MAX_SSE_SESSIONS_PER_CALLER,
  SSE_UNSENT_LIMIT,
} from "../../src/transports/http-sse.js";
import { until } from "../helpers/events.js";
import { type LocalIssuer, startLocalIssuer } from "./local-issuer.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// The legacy HTTP+SSE transport keeps one open stream per session in this process. One token holder may hold only
// so many of them, so a caller cannot take every stream from the others; callers of the static key are not told
// apart by token but by network: one network holds at most half of the streams (a proxy's address may carry many).

let issuer: LocalIssuer;
let served: Served;
const open: AbortController[] = [];

beforeAll(async () => {
  issuer = await startLocalIssuer({ "tenant-a": { discovery: "rfc8414" } });
  served = await serveHttp(
    await fixtureCatalog(),
    fixtureEnv({ SCALY_MCP_AUTHORIZATION_SERVERS: issuer.issuer("tenant-a") }),
    { args: ["--sse"] },
  );
});
afterAll(async () => {
  for (const c of open) c.abort();
  expect(await served.stop()).toBe(0);
  await issuer.close();
});

/** GET /sse with a bearer token: the status, and for a stream its first event (which names the POST URL). */
async function openStream(token: string): Promise<{ status: number; first: string }> {
  const controller = new AbortController();
  const res = await fetch(`${served.origin}/sse`, {
    headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  if (res.status !== 200) return { status: res.status, first: await res.text() };
  open.push(controller);
  const reader = res.body!.getReader();
  const { value } = await reader.read();
  return { status: 200, first: Buffer.from(value ?? []).toString("utf8") };
}

const token = (sub: string) =>
  issuer.mint("tenant-a", { aud: served.url, sub, client_id: "agent-7", scope: "mcp:tools" });

it("one token holder opens its share of streams and no more; another still gets one", async () => {
  expect(DEFAULT_MAX_SSE_SESSIONS_PER_CALLER).toBeLessThan(DEFAULT_MAX_SSE_SESSIONS);
  const first = await token("user-1");
  for (let i = 0; i < DEFAULT_MAX_SSE_SESSIONS_PER_CALLER; i++) {
    const stream = await openStream(first);
    expect(stream.status, `stream ${i + 1}`).toBe(200);
    expect(stream.first).toContain("event: endpoint");
  }
  // Past its share, even with a freshly minted token of the same subject and client.
  const refused = await openStream(await token("user-1"));
  expect(refused.status).toBe(429);
  expect(refused.first).toContain(
    `too many open SSE streams for this caller (${DEFAULT_MAX_SSE_SESSIONS_PER_CALLER})`,
  );
  const other = await openStream(await token("user-2"));
  expect(other.status).toBe(200);
  expect(other.first).toContain("event: endpoint");
});

it("a session id is no credential: another caller's POST to a stream reads as unknown (404), its opener's is taken", async () => {
  const opened = await openStream(await token("owner"));
  expect(opened.status).toBe(200);
  const endpoint = /data: (\/messages\?sessionId=\S+)/.exec(opened.first)![1]!;
  const postAs = (credential: string) =>
    fetch(`${served.origin}${endpoint}`, {
      method: "POST",
      headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
  const others = [
    await token("mallory"),
    FIXTURE_KEY,
    // The same subject through another client is another caller.
    await issuer.mint("tenant-a", {
      aud: served.url,
      sub: "owner",
      client_id: "agent-8",
      scope: "mcp:tools",
    }),
  ];
  for (const credential of others) {
    const refused = await postAs(credential);
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain("unknown SSE session");
  }
  // Its opener, with a freshly minted token of the same subject and client.
  expect((await postAs(await token("owner"))).status).toBe(202);
});

it("callers of the static key are not told apart: one client network may hold more than a token holder's share", async () => {
  for (let i = 0; i <= DEFAULT_MAX_SSE_SESSIONS_PER_CALLER; i++) {
    expect((await openStream(FIXTURE_KEY)).status, `stream ${i + 1}`).toBe(200);
  }
});

it("one client network of the static key holds at most half of the streams: another network and a token holder still get one", async () => {
  // Before, one static-key client opened every stream (100) and every other client, OAuth holders too, got 503.
  const own = await serveHttp(
    await fixtureCatalog(),
    fixtureEnv({ SCALY_MCP_AUTHORIZATION_SERVERS: issuer.issuer("tenant-a") }),
    { args: ["--sse"] },
  );
  const requests: ClientRequest[] = [];
  onTestFinished(async () => {
    for (const request of requests) request.destroy();
    expect(await own.stop()).toBe(0);
  });
  const { port } = new URL(own.origin);
  /** GET /sse from `localAddress`: the status and the body of a refusal (a stream stays open). */
  const open = (credential: string, localAddress: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpGet(
        {
          host: "127.0.0.1",
          port,
          path: "/sse",
          localAddress,
          agent: false,
          headers: { authorization: `Bearer ${credential}`, accept: "text/event-stream" },
        },
        (res) => {
          if (res.statusCode === 200) return resolve({ status: 200, body: "" });
          let body = "";
          res.on("data", (chunk) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      requests.push(request);
    });
  const half = DEFAULT_MAX_SSE_SESSIONS / 2;
  for (let i = 0; i < half; i++) {
    expect((await open(FIXTURE_KEY, "127.0.0.1")).status, `stream ${i + 1}`).toBe(200);
  }
  const refused = await open(FIXTURE_KEY, "127.0.0.1");
  expect(refused.status).toBe(429);
  expect(refused.body).toContain(`too many open SSE streams for this caller (${half})`);
  expect((await open(FIXTURE_KEY, "127.0.0.2")).status).toBe(200);
  const holder = await issuer.mint("tenant-a", {
    aud: own.url,
    sub: "user-9",
    client_id: "agent-7",
    scope: "mcp:tools",
  });
  expect((await open(holder, "127.0.0.1")).status).toBe(200);
});

it("a stream's requests in flight: a reused id is refused, and at most --max-requests run at once", async () => {
  const bounded = await serveHttp(await fixtureCatalog(), fixtureEnv(), {
    args: ["--sse", "--max-requests", "2"],
  });
  const controllers: AbortController[] = [];
  try {
    const { post } = await sseSession(bounded.origin, controllers);
    expect((await post(slow(2))).status).toBe(202);
    const duplicate = await post(slow(2));
    expect(duplicate.status).toBe(400);
    expect(((await duplicate.json()) as { error: { message: string } }).error.message).toMatch(
      /request id 2 is already in use by a request still in flight/,
    );
    expect((await post(slow(3))).status).toBe(202);
    const busy = await post(slow(4));
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("1");
    // A cancellation ends its request's turn: its id and its place are free again.
    expect((await post({ method: "notifications/cancelled", params: { requestId: 2 } })).status).toBe(202);
    expect((await post(slow(2))).status).toBe(202);
    for (const requestId of [2, 3]) await post({ method: "notifications/cancelled", params: { requestId } });
  } finally {
    for (const c of controllers) c.abort();
    expect(await bounded.stop()).toBe(0);
  }
});

it("the bound on requests in flight is the process's: streams and /mcp share it", async () => {
  const bounded = await serveHttp(await fixtureCatalog(), fixtureEnv(), {
    args: ["--sse", "--max-requests", "2"],
  });
  const controllers: AbortController[] = [];
  const auth = { authorization: `Bearer ${FIXTURE_KEY}` };
  const stream = () => sseSession(bounded.origin, controllers);
  try {
    const a = await stream();
    const b = await stream();
    expect((await a.post(slow(2))).status).toBe(202);
    expect((await b.post(slow(2))).status).toBe(202);
    // Two calls run, one on each stream: a third on either stream, or on /mcp, waits its turn.
    for (const refused of [await a.post(slow(3)), await b.post(slow(3))]) {
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("1");
      expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
        /2 requests are being served; retry shortly/,
      );
    }
    const mcp = await fetch(bounded.url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
    });
    expect(mcp.status).toBe(503);
    // A stream that closes gives its calls' places back; a cancellation does too.
    b.close();
    await expect.poll(async () => (await a.post(slow(3))).status).toBe(202);
    expect((await a.post({ method: "notifications/cancelled", params: { requestId: 2 } })).status).toBe(202);
    const again = await fetch(bounded.url, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 10, method: "tools/list" }),
    });
    expect(again.status).toBe(200);
    await a.post({ method: "notifications/cancelled", params: { requestId: 3 } });
  } finally {
    for (const c of controllers) c.abort();
    expect(await bounded.stop()).toBe(0);
  }
});

it("a stream whose client reads nothing is closed once its unsent messages pass the bound; others are served", async () => {
  // Each POST is answered 202 at once and its answer written to the stream: a client that posts and never reads
  // made the server buffer every answer, without bound (here ~2 MB each: a 1 MB text echoed in both forms).
  const { post } = await pausedStream();
  const text = "x".repeat(1_000_000);
  const statuses: number[] = [];
  // Three times the bound in answers: far past it and past what socket buffers hold.
  for (let id = 1; id <= (3 * SSE_UNSENT_LIMIT) / 2_000_000; id++) {
    const res = await post({
      id,
      method: "tools/call",
      params: { name: "fixture_echo", arguments: { text } },
    });
    statuses.push(res.status);
    if (res.status === 404) break;
  }
  expect(statuses.at(-1), `statuses ${statuses.join(",")}`).toBe(404);
  await served.waitForStderr("MiB of messages unread; it was closed");
  // Another client's stream is served meanwhile.
  const controllers: AbortController[] = [];
  onTestFinished(() => {
    for (const c of controllers) c.abort();
  });
  const other = await sseSession(served.origin, controllers);
  expect((await other.post({ id: 2, method: "tools/list" })).status).toBe(202);
});

it("a stream its client reads slowly is sent every answer while what it holds unsent stays within the bound", async () => {
  // The sibling of /mcp's rule (http-lifecycle.test.ts: a client still taking its answer is sent it whole). Here
  // what bounds a stream is what it holds unsent, not time: seven ~2 MB answers (14 MB) are posted while the client
  // reads nothing, then taken one read (at most 64 KiB) per 20 ms, and all arrive.
  const { socket, post } = await pausedStream();
  await postLargeAnswers(post);
  const ends = readSlowly(socket);
  // A stream closed first fails here: until rejects on the socket's close.
  await until(() => ends() === 8, [socket]);
});

it("a call posted to a stream runs for at most --request-timeout: its client is told, its place is freed", async () => {
  // As on /mcp: the call is aborted as a timeout (its audit record says request_timeout, not cancelled), its client
  // gets the JSON-RPC error -32001 naming the timeout on the stream, and its place under --max-requests is given
  // back. Before, a call on a stream ran until it ended, holding its place.
  const timed = await serveHttp(await fixtureCatalog(), fixtureEnv(), {
    args: ["--sse", "--request-timeout", "1", "--max-requests", "1"],
  });
  onTestFinished(() => void timed.stop("SIGKILL"));
  const client = new LegacyClient({ name: "sse-timeout", version: "1" });
  await client.connect(
    new SSEClientTransport(new URL(`${timed.origin}/sse`), {
      requestInit: { headers: { authorization: `Bearer ${FIXTURE_KEY}` } },
    }),
  );
  onTestFinished(() => client.close());
  const call = client.callTool({ name: "fixture_slow", arguments: { ms: 60_000 } }, undefined, {
    timeout: 120_000,
  });
  await expect(call).rejects.toMatchObject({
    code: -32001,
    message: expect.stringContaining(
      "Request timed out: the server's request timeout (1 s, --request-timeout) ended the request before it was answered",
    ),
  });
  const stderr = await timed.waitForStderr(/"tool":"fixture_slow"[^\n]*\n/);
  expect(stderr).toContain("http: a request ran over 1000 ms and was aborted");
  const record = stderr.split("\n").find((line) => line.includes('"tool":"fixture_slow"'))!;
  expect(JSON.parse(record.slice(record.indexOf("{")))).toMatchObject({
    decision: "error",
    error: "request_timeout",
  });
  // Its place (the only one) is free: the next call on the stream is served.
  const next = await client.callTool({ name: "fixture_echo", arguments: { text: "after" } });
  expect(next.structuredContent).toMatchObject({ text: "after", length: 5 });
});

it("a stream whose client takes nothing of what waits for it for a whole --request-timeout is closed", async () => {
  // As on /mcp, where a client that took nothing for a whole period is cut: before, a stream holding under 16 MiB
  // its client never read kept its place (and its buffered answers) for as long as the socket stayed open.
  const timed = await serveHttp(await fixtureCatalog(), fixtureEnv(), {
    args: ["--sse", "--request-timeout", "1"],
  });
  onTestFinished(() => void timed.stop("SIGKILL"));
  const { post } = await pausedStream(timed);
  // Seven ~2 MB answers (14 MB): more than socket buffers hold, less than the 16 MiB bound. The stream may be
  // closed before the last is posted (the client read nothing for a whole second).
  await postLargeAnswers(post, { untilClosed: true });
  await timed.waitForStderr(
    "http: an SSE stream's client had taken nothing of what waited for it for 1000 ms",
  );
  // Its session is gone: a POST to it reads as unknown; stderr said so once.
  expect((await post({ id: 9, method: "tools/list" })).status).toBe(404);
  expect(timed.stderr().split("had taken nothing of what waited").length - 1).toBe(1);
});

it("a stream its client reads slowly from the start is sent every answer, however long that takes", async () => {
  // The other side of the rule above: taking any of what waits counts (its messages are written in slices, each
  // taken a sign of reading), so a client reading one read (at most 64 KiB) per 20 ms is sent seven ~2 MB
  // answers whole with a three-second --request-timeout (the kernel frees room in steps of up to ~1.6 MB: a
  // one-second period is within what a loaded machine can take between two, as on /mcp's test in http-lifecycle).
  const timed = await serveHttp(await fixtureCatalog(), fixtureEnv(), {
    args: ["--sse", "--request-timeout", "3"],
  });
  onTestFinished(() => void timed.stop("SIGKILL"));
  const { socket, post } = await pausedStream(timed);
  const ends = readSlowly(socket);
  await postLargeAnswers(post);
  // A stream closed first fails here: until rejects on the socket's close.
  await until(() => ends() === 8, [socket]);
  expect(timed.stderr()).not.toContain("had taken nothing");
});

/**
 * Resumes a paused stream's socket, taking one read (at most 64 KiB) per 20 ms; returns the count of messages ended
 * so far (the initialize's answer first), counted as they come: one split between two reads is found in the kept tail.
 */
function readSlowly(socket: Socket): () => number {
  const key = "}\n\n";
  let ends = 0;
  let tail = "";
  socket.on("data", (chunk: Buffer) => {
    const seen = tail + chunk.toString("latin1");
    ends += seen.split(key).length - 1;
    tail = seen.slice(-(key.length - 1));
    socket.pause();
    setTimeout(() => socket.resume(), 20);
  });
  socket.resume();
  return () => ends;
}

/**
 * Opens a legacy SSE stream on a raw socket (the static key) to `at`, reads its endpoint event, pauses the socket
 * (the client reads nothing more until the test resumes it) and initializes the session; returns the socket and a
 * poster of JSON-RPC messages to the session.
 */
async function pausedStream(at: Served = served) {
  const { hostname, port } = new URL(at.origin);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {});
  onTestFinished(() => void socket.destroy());
  await once(socket, "connect");
  let events = "";
  const collect = (chunk: Buffer) => {
    events += chunk.toString("utf8");
  };
  socket.on("data", collect);
  socket.write(
    `GET /sse HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${FIXTURE_KEY}\r\nAccept: text/event-stream\r\n\r\n`,
  );
  const endpoint = await until(() => /data: (\/messages\?sessionId=\S+)/.exec(events)?.[1], [socket]);
  socket.pause();
  socket.off("data", collect);
  const post = poster(at.origin, endpoint);
  await initialize(post, 0, "mute");
  return { socket, post };
}

/**
 * Posts seven calls whose answers are ~2 MB each (14 MB in all) to a stream; each is accepted (202), or, `untilClosed`,
 * the posting stops at the first one the closed stream's session no longer knows (404).
 */
async function postLargeAnswers(
  post: ReturnType<typeof poster>,
  { untilClosed = false }: { untilClosed?: boolean } = {},
): Promise<void> {
  const text = "x".repeat(1_000_000);
  for (let id = 1; id <= 7; id++) {
    const res = await post({
      id,
      method: "tools/call",
      params: { name: "fixture_echo", arguments: { text } },
    });
    if (untilClosed && res.status === 404) return;
    expect(res.status).toBe(202);
  }
}

/** A call the fixture holds for a minute (until cancelled or its stream closes). */
const slow = (id: number) => ({
  id,
  method: "tools/call",
  params: { name: "fixture_slow", arguments: { ms: 60_000 } },
});

/**
 * Opens a legacy SSE stream with the static key (its controller added to `controllers`, for the test to abort),
 * reads its endpoint event and initializes the session; returns a poster of JSON-RPC messages to it.
 */
async function sseSession(origin: string, controllers: AbortController[]) {
  const controller = new AbortController();
  controllers.push(controller);
  const auth = { authorization: `Bearer ${FIXTURE_KEY}` };
  const res = await fetch(`${origin}/sse`, {
    headers: { ...auth, accept: "text/event-stream" },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  let events = "";
  while (!/data: (\/messages\?sessionId=\S+)/.test(events))
    events += Buffer.from((await reader.read()).value ?? []).toString("utf8");
  const endpoint = /data: (\/messages\?sessionId=\S+)/.exec(events)![1]!;
  const post = poster(origin, endpoint);
  await initialize(post, 1, "sse");
  return { post, close: () => controller.abort() };
}

/** Posts JSON-RPC messages to a legacy SSE session's endpoint with the static key. */
function poster(origin: string, endpoint: string) {
  return (message: object) =>
    fetch(`${origin}${endpoint}`, {
      method: "POST",
      headers: { authorization: `Bearer ${FIXTURE_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", ...message }),
    });
}

/** Initializes a legacy SSE session (request `id`, client `name`): both messages are taken (202). */
async function initialize(post: ReturnType<typeof poster>, id: number, name: string) {
  const request = {
    id,
    method: "initialize",
    params: { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: { name, version: "1" } },
  };
  expect((await post(request)).status).toBe(202);
  expect((await post({ method: "notifications/initialized" })).status).toBe(202);
}
