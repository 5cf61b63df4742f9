import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { until } from "../helpers/events.js";
import { heldUpstream } from "../helpers/held-upstream.js";
import { MCP_HEADERS, type RawResponse, raw } from "./raw-http.js";
import { type Served, serveHttp } from "./serve-http.js";

/**
 * The bytes of request bodies read and held by calls in flight are bounded (`--max-body-bytes-in-flight`, one
 * caller half of it), not only each body (`--max-message-bytes`): before, `--max-requests` bodies of the largest
 * size could be held at once. With 64 KiB messages the budget is 256 KiB (the default, 4 x), 128 KiB per caller;
 * each call here is a 60 KiB body (a tools/call padded with JSON whitespace) that the upstream holds until the test
 * answers it, so its bytes stay in flight. Another loopback address is another caller (static key).
 */

const KEY = "body-budget-client-key-7c2e9a";
const auth = { authorization: `Bearer ${KEY}` };
const BODY = 60 * 1024;
const upstream = heldUpstream();
const held = upstream.held;

async function started(args: string[] = []): Promise<Served> {
  const served = await serveHttp(
    "scaivault",
    {
      MCP_TRANSPORT: "http",
      PORT: "0",
      SCAIVAULT_MCP_TOKEN: KEY,
      SCAIVAULT_URL: upstream.url,
      SCAIVAULT_TOKEN: "tok_abcdefghijkl",
      SCAIVAULT_AUDIT: "false",
    },
    { args: ["--max-message-bytes", String(64 * 1024), ...args] },
  );
  onTestFinished(async () => {
    for (const res of held.splice(0)) res.destroy();
    expect(await served.stop()).toBe(0);
  });
  return served;
}

/** A tools/call of `size` bytes: the call, then JSON whitespace. */
function call(id: number, size = BODY): string {
  const text = JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "scaivault_read_secret", arguments: { path: `b/${id}` } },
  });
  return text + " ".repeat(size - text.length);
}

const release = () => {
  for (const res of held.splice(0)) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "no such secret" }));
  }
};

const from = (n: number) => `127.0.0.${n}`;

function post(url: string, body: string, localAddress: string, chunked = false) {
  return raw(url, { headers: { ...MCP_HEADERS, ...auth }, body, localAddress, chunked });
}

/** Sends every request at once; `answered` fills as they are answered. */
function flood(requests: (() => Promise<RawResponse>)[]) {
  const answered: RawResponse[] = [];
  const all = requests.map((send) =>
    send().then((r) => {
      answered.push(r);
      return r;
    }),
  );
  return { answered, all };
}

describe("HTTP request bodies in flight", () => {
  it("refuses bodies past the server's budget 503 with Retry-After before the upstream sees them, then serves again", async () => {
    const served = await started();
    // Twelve callers at once, 60 KiB each: 4 fit in 256 KiB.
    const { answered, all } = flood(
      Array.from({ length: 12 }, (_, i) => () => post(served.url, call(i + 1), from(i + 1))),
    );
    await until(() => answered.length >= 8 && held.length >= 4);
    expect(held).toHaveLength(4);
    for (const refused of answered) {
      expect(refused.status, refused.body).toBe(503);
      expect(refused.headers["retry-after"]).toBe("1");
      expect(JSON.parse(refused.body).error.message).toBe(
        "Service Unavailable: request bodies being read or held would pass 262144 bytes; retry shortly",
      );
    }
    release();
    expect((await Promise.all(all)).filter((r) => r.status === 200)).toHaveLength(4);
    // Answered calls give their bytes back: four more fit again.
    const again = flood(
      Array.from({ length: 4 }, (_, i) => () => post(served.url, call(20 + i), from(20 + i))),
    );
    await until(() => held.length >= 4);
    release();
    expect((await Promise.all(again.all)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await served.waitForStderr(
      "http: request bodies being read or held reached 262144 bytes (--max-body-bytes-in-flight, TOOLWRIGHT_MAX_BODY_BYTES_IN_FLIGHT; 131072 for one caller)",
    );
  });

  it("gives one caller half the budget: 429 with Retry-After past it, while another caller is served", async () => {
    const served = await started();
    const { answered, all } = flood(
      Array.from({ length: 5 }, (_, i) => () => post(served.url, call(i + 1), from(1))),
    );
    await until(() => answered.length >= 3 && held.length >= 2);
    expect(held).toHaveLength(2);
    for (const refused of answered) {
      expect(refused.status, refused.body).toBe(429);
      expect(refused.headers["retry-after"]).toBe("1");
      expect(JSON.parse(refused.body).error.message).toBe(
        "Too Many Requests: this caller's request bodies being read or held would pass 131072 bytes; retry once one has been answered",
      );
    }
    const other = post(served.url, call(9), from(2));
    await until(() => held.length >= 3);
    release();
    expect((await Promise.all([...all, other])).filter((r) => r.status === 200)).toHaveLength(3);
  });

  it("counts a chunked body as it arrives and cuts it at the budget", async () => {
    const served = await started(["--max-body-bytes-in-flight", String(160 * 1024)]);
    // 120 KiB held by two callers: a 60 KiB chunked body from a third crosses 160 KiB and is refused.
    const calls = [1, 2].map((n) => post(served.url, call(n), from(n)));
    await until(() => held.length >= 2);
    const cut = await post(served.url, call(3), from(3), true);
    expect(cut.status, cut.body).toBe(503);
    expect(cut.headers["retry-after"]).toBe("1");
    expect(JSON.parse(cut.body).error.message).toMatch(/would pass 163840 bytes/);
    // A chunked body that fits is served.
    const fits = post(served.url, call(4, 20 * 1024), from(4), true);
    await until(() => held.length >= 3);
    expect(held).toHaveLength(3);
    release();
    expect((await Promise.all([...calls, fits])).map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it("releases the bytes of a body whose client goes away mid-upload", async () => {
    const served = await started();
    const { hostname, port } = new URL(served.url);
    const sockets: Socket[] = [];
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
    });
    // Four callers declare 60 KiB bodies and send a part: the whole budget is counted before they are read.
    for (let n = 1; n <= 4; n++) {
      const socket = connect({ port: Number(port), host: hostname, localAddress: from(n) });
      socket.on("error", () => {});
      await once(socket, "connect");
      socket.write(
        `POST /mcp HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: ${BODY}\r\n\r\n{"jsonrpc":`,
      );
      sockets.push(socket);
    }
    const list = (id: number, size: number) => {
      const text = JSON.stringify({ jsonrpc: "2.0", id, method: "tools/list" });
      return text + " ".repeat(size - text.length);
    };
    await expect.poll(async () => (await post(served.url, list(5, 20 * 1024), from(5))).status).toBe(503);
    for (const socket of sockets) socket.destroy();
    // Their bytes come back once the server has seen the connections close.
    await expect.poll(async () => (await post(served.url, list(6, BODY), from(6))).status).toBe(200);
  });
});
