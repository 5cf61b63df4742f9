import { once } from "node:events";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { until } from "../helpers/events.js";
import { heldUpstream } from "../helpers/held-upstream.js";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { type Served, serveHttp } from "./serve-http.js";

/**
 * Floods before authentication and beyond it: sockets that trickle their headers or sit idle, uploads nobody
 * authenticated, and more requests at once than the server serves. The connections open at once are bounded
 * (`--max-connections`): beyond it the oldest socket serving no request is closed, a socket that never
 * authenticated first, so a flood neither grows without bound nor takes an authenticated client's socket; when
 * every connection is serving a request, a new one is answered 503. Authenticated requests in progress are bounded
 * (`--max-requests`), 503 with Retry-After beyond it. The upstream holds each request until the test answers it.
 */

const KEY = "flood-test-client-key-4b1d8e";
const auth = { authorization: `Bearer ${KEY}` };
const upstream = heldUpstream();
const held = upstream.held;

function serve(args: string[]): Promise<Served> {
  return serveHttp(
    "scaivault",
    {
      MCP_TRANSPORT: "http",
      PORT: "0",
      SCAIVAULT_MCP_TOKEN: KEY,
      SCAIVAULT_URL: upstream.url,
      SCAIVAULT_TOKEN: "tok_abcdefghijkl",
      SCAIVAULT_AUDIT: "false",
    },
    { args },
  );
}

async function started(args: string[]): Promise<Served> {
  const served = await serve(args);
  onTestFinished(async () => {
    for (const res of held.splice(0)) res.destroy();
    expect(await served.stop()).toBe(0);
  });
  return served;
}

const call = (id: number, path: string) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "scaivault_read_secret", arguments: { path } },
  });

const release = () => {
  for (const res of held.splice(0)) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "no such secret" }));
  }
};

/** Sockets that send half a request's headers and nothing more (a slow trickle), counted as they close. */
async function trickle(url: string, n: number) {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  const state = { closed: 0 };
  for (let i = 0; i < n; i++) {
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {});
    socket.once("close", () => {
      state.closed += 1;
    });
    await once(socket, "connect");
    socket.write(`POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Trickle: `);
    sockets.push(socket);
  }
  onTestFinished(() => {
    for (const socket of sockets) socket.destroy();
  });
  return state;
}

/**
 * A POST that waits for `100 Continue` before sending its body (curl does for bodies over 1 MiB, as do .NET and
 * Java clients): its status, whether the server invited the body, and the answer's Connection header.
 */
function expectContinue(url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; continued: boolean; connection: string | undefined }>(
    (resolve, reject) => {
      const req = request(url, {
        method: "POST",
        headers: {
          ...MCP_HEADERS,
          expect: "100-continue",
          "content-length": String(body.length),
          ...headers,
        },
      });
      let continued = false;
      req.on("continue", () => {
        continued = true;
        req.end(body);
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, continued, connection: res.headers.connection });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.flushHeaders();
    },
  );
}

/** A POST through `agent`, with whether it went over a kept-alive socket. */
function post(url: string, body: string, agent: Agent) {
  return new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: { ...MCP_HEADERS, ...auth } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("HTTP floods", () => {
  it("bounds open connections: trickling sockets are closed oldest first, never an authenticated client's", async () => {
    const served = await started(["--max-connections", "4"]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const first = await post(served.url, INITIALIZE, agent);
    expect(first).toEqual({ status: 200, reused: false });

    const flood = await trickle(served.url, 12);
    // Four connections at most: the client's kept-alive socket and the three newest trickles.
    await until(() => flood.closed >= 9);
    const again = await post(served.url, INITIALIZE, agent);
    expect(again).toEqual({ status: 200, reused: true });
    // stderr is its own pipe, read after the HTTP answers: the line is waited for there.
    await served.waitForStderr("http: 4 connections are open (--max-connections");
  });

  it("answers a new connection 503 when every connection is serving a request", async () => {
    const served = await started(["--max-connections", "2"]);
    const calls = [1, 2].map((id) =>
      raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: call(id, `a/${id}`) }),
    );
    await until(() => held.length >= 2);
    const { hostname, port } = new URL(served.url);
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    await once(socket, "close");
    expect(Buffer.concat(chunks).toString()).toMatch(
      /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*Retry-After: 1/,
    );
    release();
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200]);
    // Served again once the calls are done.
    expect((await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE })).status).toBe(
      200,
    );
  });

  it("counts a request sent with Expect: 100-continue as serving: its connection is not closed for another", async () => {
    const served = await started(["--max-connections", "2"]);
    // node hands such a request to 'checkContinue', not 'request' (curl sends the header for large bodies).
    const headers = { ...MCP_HEADERS, ...auth, expect: "100-continue" };
    const calls = [1, 2].map((id) => raw(served.url, { headers, body: call(id, `a/${id}`) }));
    await until(() => held.length >= 2);
    const { hostname, port } = new URL(served.url);
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    await once(socket, "close");
    // Before: a serving connection was closed for it (its call reset), and the new one was kept open.
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    release();
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200]);
  });

  it("answers 503 to clients still sending their request past --max-connections, and serves none of it", async () => {
    const served = await started(["--max-connections", "2"]);
    const calls = [1, 2].map((id) =>
      raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: call(id, `b/${id}`) }),
    );
    await until(() => held.length >= 2);
    // The 503 was written and the socket destroyed at once: a client still writing its body got a reset, not the
    // answer (node's http client: ECONNRESET; fetch: "fetch failed").
    const body = JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping", pad: "x".repeat(4 * 1024 * 1024) });
    for (const chunked of [false, true]) {
      const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body, chunked });
      expect(res.status).toBe(503);
      expect(res.headers["retry-after"]).toBe("1");
      expect(res.body).toBe("too many connections are serving requests now");
    }
    const fetched = await fetch(served.url, { method: "POST", headers: { ...MCP_HEADERS, ...auth }, body });
    expect(fetched.status).toBe(503);
    await fetched.text();
    // A raw socket sending a whole request: one answer (the 503), the request not served, the server's end.
    const { hostname, port } = new URL(served.url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {});
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    const ended = once(socket, "end");
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${Buffer.byteLength(INITIALIZE)}\r\n\r\n${INITIALIZE}`,
    );
    await ended;
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toEqual(["HTTP/1.1 503 "]);
    socket.destroy();
    release();
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200]);
  });

  it("bounds authenticated requests in progress: 503 with Retry-After beyond --max-requests", async () => {
    const served = await started(["--max-requests", "2"]);
    const calls = [1, 2].map((id) =>
      raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: call(id, `b/${id}`) }),
    );
    await until(() => held.length >= 2);
    const busy = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: call(3, "b/3") });
    expect(busy.status).toBe(503);
    expect(busy.headers["retry-after"]).toBe("1");
    expect(JSON.parse(busy.body).error.message).toMatch(/2 requests are being served; retry shortly/);
    expect(held).toHaveLength(2);
    // Authentication still answers first.
    expect((await raw(served.url, { headers: MCP_HEADERS, body: INITIALIZE })).status).toBe(401);
    release();
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200]);
    const fourth = raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: call(4, "b/4") });
    await until(() => held.length >= 1);
    release();
    expect((await fourth).status).toBe(200);
    await served.waitForStderr("http: 2 requests are being served (--max-requests");
  });

  it("bounds one caller's requests in progress: 429 with Retry-After beyond --max-requests-per-caller, others served", async () => {
    // With the static key, a caller is a client address: 127.0.0.1 and 127.0.0.2 are two callers.
    const served = await started(["--max-requests", "8", "--max-requests-per-caller", "2"]);
    const post = (body: string, localAddress = "127.0.0.1") =>
      raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body, localAddress });
    const calls = [1, 2].map((id) => post(call(id, `p/${id}`)));
    await until(() => held.length >= 2);
    const third = await post(call(3, "p/3"));
    expect(third.status, third.body).toBe(429);
    expect(third.headers["retry-after"]).toBe("1");
    expect(JSON.parse(third.body).error.message).toBe(
      "Too Many Requests: 2 requests of this caller are being served; retry once one has been answered",
    );
    // A batch counts each of its requests against the caller's bound too.
    const batch = await post(`[${call(4, "p/4")},${call(5, "p/5")},${call(6, "p/6")}]`, "127.0.0.2");
    expect(batch.status).toBe(429);
    expect(JSON.parse(batch.body).error.message).toMatch(
      /a batch of 3 requests is more than the 2 served at once for one caller/,
    );
    // Another caller still has its places under --max-requests.
    const other = post(call(7, "p/7"), "127.0.0.2");
    await until(() => held.length >= 3);
    release();
    expect((await Promise.all([...calls, other])).map((r) => r.status)).toEqual([200, 200, 200]);
    // An answered request gives its place back.
    const again = post(call(8, "p/8"));
    await until(() => held.length >= 1);
    release();
    expect((await again).status).toBe(200);
    await served.waitForStderr("http: a caller has 2 requests being served (--max-requests-per-caller");
  });

  it("counts each request of a JSON-RPC batch against --max-requests", async () => {
    const served = await started(["--max-requests", "4"]);
    const batch = (ids: number[]) => `[${ids.map((id) => call(id, `c/${id}`)).join(",")}]`;
    const post = (body: string) => raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body });
    // Five calls in one POST would run five at once.
    const five = await post(batch([1, 2, 3, 4, 5]));
    expect(five.status).toBe(503);
    expect(JSON.parse(five.body).error.message).toMatch(
      /a batch of 5 requests is more than the 4 served at once/,
    );
    expect(held).toHaveLength(0);
    // Two in flight leave room for two: a batch of three waits its turn, a batch of two runs.
    const two = post(batch([6, 7]));
    await until(() => held.length >= 2);
    const three = await post(batch([8, 9, 10]));
    expect(three.status).toBe(503);
    expect(JSON.parse(three.body).error.message).toMatch(/4 requests are being served; retry shortly/);
    expect(held).toHaveLength(2);
    release();
    expect((await two).status).toBe(200);
    const again = post(batch([11, 12, 13]));
    await until(() => held.length >= 3);
    release();
    const answered = await again;
    expect(answered.status).toBe(200);
    expect(answered.body.match(/"id":1[123]\b/g)).toHaveLength(3);
  });

  it("refuses a JSON-RPC batch that uses one request id twice, before any of it runs", async () => {
    const served = await started([]);
    const post = (body: string) => raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body });
    const requests = (...items: string[]) => `[${items.join(",")}]`;
    const named = (id: unknown, path: string) =>
      JSON.stringify({
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name: "scaivault_read_secret", arguments: { path } },
      });
    // Two calls under one id: both would run, and their answers could not be told apart.
    for (const body of [
      requests(call(1, "d/1"), call(1, "d/2")),
      requests(named("x", "d/3"), call(2, "d/4"), named("x", "d/5")),
      // A duplicate among other methods counts too (a tools/list and a call under one id).
      requests(JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list" }), call(7, "d/6")),
    ]) {
      const refused = await post(body);
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body).error.message).toMatch(
        /^Invalid Request: request id (1|"x"|7) appears more than once in this batch; none of it was run/,
      );
    }
    expect(held).toHaveLength(0);
    // 1 and "1" are different ids, and notifications carry none: this batch runs.
    const distinct = post(
      requests(
        call(1, "d/7"),
        named("1", "d/8"),
        JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      ),
    );
    await until(() => held.length >= 2);
    release();
    const answered = await distinct;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatch(/"id":1\b/);
    expect(answered.body).toMatch(/"id":"1"/);
  });

  it("reads at most 1 MiB of an unauthenticated upload: 401, then the connection closes", async () => {
    const served = await started([]);
    const { hostname, port } = new URL(served.url);
    const socket = connect(Number(port), hostname);
    socket.on("error", () => {});
    await once(socket, "connect");
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // Declares 64 MiB: node would read and drop all of it (for up to the request timeout).
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`,
    );
    // 16 MiB of it: more than socket buffers hold, so the last write completes only if the server reads it all.
    // (The server's reset arrives while this side still writes: ECONNRESET, awaited as the close it is.)
    const outcome = await new Promise<string>((resolve) => {
      socket.once("close", () => resolve("closed"));
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 255; i++) socket.write(chunk);
      socket.write(chunk, (error) => {
        if (!error) resolve("all 16 MiB read");
      });
    });
    expect(outcome).toBe("closed");
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 401 /);
  });

  it("invites a body with 100 Continue only once the request is admitted", async () => {
    const served = await started(["--max-requests", "1"]);
    const { host } = new URL(served.url);
    // node answered 100 Continue at once, before the Host and credentials were checked: any client was invited to
    // send its upload (up to 16 MiB were declared acceptable) before hearing 401 or 403.
    const refusals = [
      { headers: {}, status: 401 },
      { headers: { ...auth, host: `rebind.example:${new URL(served.url).port}` }, status: 403 },
      { headers: { ...auth, "content-length": String(17 * 1024 * 1024) }, status: 413 },
    ];
    for (const { headers, status } of refusals) {
      // Refused without the body: the connection closes (the client may still be about to send it).
      expect(await expectContinue(served.url, headers, INITIALIZE)).toEqual({
        status,
        continued: false,
        connection: "close",
      });
    }
    // At the bound on requests at once: 503 before any body is invited.
    const first = post(served.url, call(1, "held/one"), new Agent());
    await until(() => held.length === 1);
    expect(await expectContinue(served.url, auth, INITIALIZE)).toMatchObject({
      status: 503,
      continued: false,
    });
    release();
    expect((await first).status).toBe(200);
    expect(await expectContinue(served.url, { ...auth, host }, INITIALIZE)).toMatchObject({
      status: 200,
      continued: true,
    });
  });

  it("drains a small unauthenticated body and keeps the connection", async () => {
    const served = await started([]);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const refused = await new Promise<number>((resolve, reject) => {
      const req = request(served.url, { method: "POST", agent, headers: MCP_HEADERS }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(" ".repeat(256 * 1024) + INITIALIZE);
    });
    expect(refused).toBe(401);
    expect(await post(served.url, INITIALIZE, agent)).toEqual({ status: 200, reused: true });
  });
});
