import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { getEventListeners } from "node:events";
import { type ClientRequest, createServer, IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer, get as httpsGet } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import {
  brotliCompressSync,
  createBrotliCompress,
  createGzip,
  createZstdCompress,
  deflateRawSync,
  deflateSync,
  gzipSync,
  constants as zlibConstants,
  zstdCompressSync,
} from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CatalogTool, EnvVar, HttpBinding, HttpMethod, Source } from "../../src/catalog.js";
import { type CallContext, whileUpstreamAnswers } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { createHttpExecutor } from "../../src/executors/http.js";
import {
  closeUpstreamConnections,
  sendOverHttp,
  targetOf,
  usesEnvProxy,
} from "../../src/executors/upstream-client.js";
import { loopbackCertificate } from "../helpers/tls.js";

// The executor's own HTTP client (node:http with a keep-alive agent, no fetch) against a real upstream on
// 127.0.0.1: what fetch did for the executor (redirects by hand, the size cap, timeouts and cancellation also while
// the body arrives, decoded bodies, refused ports, error words, keep-alive reuse) still holds.

const vars: EnvVar[] = [
  { name: "BASE", description: "", type: "url", required: true, secret: false },
  { name: "TOKEN", description: "", type: "string", required: false, secret: true },
];
const TIMEOUT_MS = 2000;
const source: Source = {
  id: "api",
  kind: "openapi",
  baseUrl: { env: "BASE" },
  auth: [{ kind: "bearer", scheme: "bearer", token: { env: "TOKEN" } }],
  timeoutMs: TIMEOUT_MS,
};
const binding = (method: HttpMethod = "GET", path = "/things"): HttpBinding => ({
  kind: "http",
  source: "api",
  method,
  path,
  params: [],
  security: [["bearer"]],
  success: { status: "200", mediaType: "application/json" },
});

/** A binding whose whole JSON body is the argument `body`. */
const withBody = (method: HttpMethod, path = "/things"): HttpBinding => ({
  ...binding(method, path),
  body: { mediaType: "application/json", encoding: "json", required: true, mode: "whole", arg: "body" },
});

function call(signal = new AbortController().signal, args: Record<string, unknown> = {}): CallContext {
  return {
    tool: { name: "t", annotations: { idempotentHint: true } } as CatalogTool,
    calledAs: "t",
    entry: "tools/call",
    rawArgs: args,
    args,
    correlationId: "c0ffee",
    client: { capabilities: undefined, era: "legacy" },
    signal,
    upstream: { requests: 0 },
    startedAt: performance.now(),
    depth: 0,
    progress: async () => {},
    notes: new Map(),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A brotli stream flushed after `data` but never ended: whole blocks, without the stream's last one. */
async function brotliFlushed(data: Buffer): Promise<Buffer> {
  const compress = createBrotliCompress();
  const parts: Buffer[] = [];
  compress.on("data", (part: Buffer) => parts.push(part));
  compress.write(data);
  await new Promise<void>((resolve) => compress.flush(zlibConstants.BROTLI_OPERATION_FLUSH, () => resolve()));
  compress.destroy();
  return Buffer.concat(parts);
}

/** A real upstream: records each request's method, path and headers, and the connections it accepted. */
async function upstream(handler: Handler) {
  const seen: Array<{ method: string; url: string; headers: IncomingMessage["headers"]; body: string }> = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const closed: Array<Promise<unknown>> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  server.on("connection", (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    closed.push(new Promise((resolve) => socket.once("close", resolve)));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = (limit?: number, timeoutMs = TIMEOUT_MS) =>
    createHttpExecutor({
      sources: [{ ...source, timeoutMs }],
      config: resolveConfig(vars, { BASE: url, TOKEN: "tok-abc-123456" }),
      ...(limit ? { maxResponseBytes: limit } : {}),
    });
  return {
    url,
    seen,
    run,
    connections: () => connections,
    /** Resolves once every connection the upstream accepted has closed. */
    allClosed: () => Promise.all(closed),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

let servers: Array<{ close(): Promise<void> }> = [];
async function started(handler: Handler) {
  const up = await upstream(handler);
  servers.push(up);
  return up;
}
afterEach(async () => {
  vi.restoreAllMocks();
  closeUpstreamConnections();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("the upstream client", () => {
  it("does not go through fetch, and reuses one kept-alive connection for successive calls", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const run = up.run();
    for (let i = 0; i < 3; i++) {
      const outcome = await run(call(), binding());
      expect(outcome).toEqual({ data: { ok: true }, status: 200 });
      // The agent takes the socket back once the response has ended; the next call finds it free.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(up.seen).toHaveLength(3);
    expect(up.connections()).toBe(1);
    const headers = up.seen[0]!.headers;
    expect(headers.authorization).toBe("Bearer tok-abc-123456");
    expect(headers.host).toBe(new URL(up.url).host);
    expect(headers.connection).toBe("keep-alive");
    expect(headers["accept-encoding"]).toBe("gzip, deflate");
    expect(headers.accept).toBe("application/json, */*;q=0.5");
  });

  it("runs work left for the upstream's wait after the request is written to its connection, before the answer is handled", async () => {
    // What it is for: the audit step leaves its line's start (fingerprint, argument shape) to be made here, while
    // the server would otherwise wait. The request must already be with the kernel when it runs (written, not
    // queued), or the work would delay the request instead of filling the wait.
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const run = up.run();
    const requests: ClientRequest[] = [];
    const onStart = ({ request }: { request: ClientRequest }) => requests.push(request);
    subscribe("http.client.request.start", onStart as (message: unknown) => void);
    try {
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const socketWhenRun: Array<{ written: number; queued: number } | undefined> = [];
        const finish = whileUpstreamAnswers(() => {
          const socket = requests.at(-1)?.socket;
          socketWhenRun.push(
            socket ? { written: socket.bytesWritten, queued: socket.writableLength } : undefined,
          );
          order.push(`work ${i}`);
        });
        const outcome = await run(call(), binding());
        order.push(`answer ${i}`);
        finish();
        expect(outcome).toEqual({ data: { ok: true }, status: 200 });
        expect(socketWhenRun).toHaveLength(1);
        // The first request waits for its connection (queued); the next ones go out on the kept-alive one at once.
        if (i > 0) expect(socketWhenRun[0]).toMatchObject({ queued: 0, written: expect.any(Number) });
        if (i > 0) expect(socketWhenRun[0]!.written).toBeGreaterThan(0);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(order).toEqual(["work 0", "answer 0", "work 1", "answer 1", "work 2", "answer 2"]);
      expect(up.connections()).toBe(1);
    } finally {
      unsubscribe("http.client.request.start", onStart as (message: unknown) => void);
    }
  });

  it("takes a body that arrived whole from the response's buffer, and reads one still arriving as a stream", async () => {
    // 'data' listeners put on the client's responses (a server's requests have no status code).
    const on = vi.spyOn(IncomingMessage.prototype, "on");
    const dataListeners = () =>
      on.mock.contexts.filter(
        (res, i) => on.mock.calls[i]![0] === "data" && (res as IncomingMessage).statusCode !== null,
      ).length;
    let rest: () => void = () => {};
    const up = await started((req, res) => {
      if (req.url === "/whole") return json(res, 200, { whole: true });
      // Half the body now, the other half once the test has the response in hand.
      res.writeHead(200, { "content-type": "application/json", "content-length": 17 });
      res.write('{"half":');
      rest = () => res.end('"second"}');
    });
    const request = (path: string) => ({
      method: "GET",
      url: `${up.url}${path}`,
      headers: [] as Array<[string, string]>,
      signal: new AbortController().signal,
    });
    for (let i = 0; i < 2; i++) {
      const whole = await sendOverHttp(request("/whole"));
      expect(Buffer.from(await whole.read(1000)).toString()).toBe('{"whole":true}');
      expect(dataListeners()).toBe(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The same kept-alive connection served both: the body taken at once still frees it.
    expect(up.connections()).toBe(1);

    const halves = await sendOverHttp(request("/halves"));
    const body = halves.read(1000);
    rest();
    expect(Buffer.from(await body).toString()).toBe('{"half":"second"}');
    expect(dataListeners()).toBe(1);
    // A whole body over the limit is refused as before, by the stream's count.
    const over = await sendOverHttp(request("/whole"));
    await expect(over.read(5)).rejects.toThrow(/larger than/);
  });

  it("follows a same-origin redirect with the credentials, and never one to another origin", async () => {
    const other = await started((_req, res) => json(res, 200, { stolen: true }));
    const up = await started((req, res) => {
      if (req.url === "/things") {
        res.writeHead(302, { location: "/moved", "content-length": "0" });
        res.end();
      } else if (req.url === "/away") {
        res.writeHead(307, { location: `${other.url}/x`, "content-length": "0" });
        res.end();
      } else json(res, 200, { moved: true });
    });
    const run = up.run();
    expect(await run(call(), binding())).toEqual({ data: { moved: true }, status: 200 });
    expect(up.seen.map((s) => s.url)).toEqual(["/things", "/moved"]);
    expect(up.seen[1]!.headers.authorization).toBe("Bearer tok-abc-123456");
    const away = await run(call(), binding("GET", "/away"));
    expect(away.error?.code).toBe("redirect_refused");
    expect(other.seen).toHaveLength(0);
  });

  it("a body over the cap is refused whether it declares its length or not, and its connection is closed", async () => {
    const big = "x".repeat(64 * 1024);
    const up = await started((req, res) => {
      if (req.url === "/declared") {
        res.writeHead(200, { "content-type": "text/plain", "content-length": String(big.length) });
        res.end(big);
      } else {
        // Chunked: no declared length, the client counts as it reads.
        res.writeHead(200, { "content-type": "text/plain" });
        res.write(big.slice(0, 1000));
        setImmediate(() => res.end(big.slice(1000)));
      }
    });
    const run = up.run(10_000);
    for (const path of ["/declared", "/chunked"]) {
      const outcome = await run(call(), binding("GET", path));
      expect(outcome.error?.code).toBe("response_too_large");
      expect(outcome.error?.message).toMatch(/larger than 10 KiB/);
    }
    await up.allClosed();
  });

  it("an upstream that never answers, or stops halfway through its body, ends the call as a timeout", async () => {
    const up = await started((req, res) => {
      if (req.url === "/half") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"a":');
      }
      // "/silent": no answer at all.
    });
    // The upstream never finishes: a short timeout is as good as a long one.
    const run = up.run(undefined, 200);
    for (const path of ["/silent", "/half"]) {
      const outcome = await run(call(), binding("GET", path));
      expect(outcome.error?.code).toBe("timeout");
      expect(outcome.error?.message).toBe("the upstream did not answer within 200 ms");
    }
    await up.allClosed();
  });

  it("a cancelled call stops its request, also while the body is arriving, and closes the connection", async () => {
    const cancel = new AbortController();
    const up = await started((req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"a":');
      // The first bytes of the body are out: the client cancels now.
      if (req.url === "/things") setImmediate(() => cancel.abort());
    });
    const outcome = await up.run()(call(cancel.signal), binding());
    expect(outcome.error?.code).toBe("cancelled");
    await up.allClosed();
  });

  it("an upstream that switches protocols unasked (101) is refused at once, in words, not waited on until the timeout", async () => {
    // Node's client gives no response and no error for a 101 (it only closes the request, or hands the socket to
    // an `upgrade` listener): the call waited for its whole timeout, then blamed the upstream for not answering.
    const up = await started((req, res) => {
      const upgrade = req.url === "/upgrade" ? "Upgrade: websocket\r\nConnection: Upgrade\r\n" : "";
      res.socket?.write(`HTTP/1.1 101 Switching Protocols\r\n${upgrade}\r\n{"a":1}`);
    });
    const run = up.run(undefined, 30_000);
    for (const [method, path] of [
      ["GET", "/upgrade"],
      ["POST", "/upgrade"],
      ["GET", "/bare"],
    ] as const) {
      const outcome = await run(call(), binding(method, path));
      expect(outcome.error).toMatchObject({
        code: "network",
        message:
          "the upstream answered HTTP 101 Switching Protocols, a protocol switch the request did not ask for; nothing was read",
      });
    }
    expect(up.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      "GET /upgrade",
      "POST /upgrade",
      "GET /bare",
    ]);
    await up.allClosed();
  });

  it("an upstream that closes the connection mid-body is a network error, in words", async () => {
    const up = await started((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"a":', () => res.socket?.destroy());
    });
    const outcome = await up.run()(call(), binding("POST"));
    expect(outcome.error).toMatchObject({ code: "network", message: "the upstream closed the connection" });
  });

  it.each([
    ["gzip", "gzip", gzipSync],
    ["deflate", "zlib-wrapped", deflateSync],
    ["deflate", "raw, as some servers send it", deflateRawSync],
    ["br", "brotli, decoded though not asked for", brotliCompressSync],
    ["gzip, br", "two codings, undone last first", (b: Buffer) => brotliCompressSync(gzipSync(b))],
    ["zstd", "zstd, decoded though not asked for, as Node 24's fetch does", zstdCompressSync],
    ["zstd, gzip", "zstd under gzip", (b: Buffer) => gzipSync(zstdCompressSync(b))],
  ] as const)("a %s-encoded body is decoded (%s)", async (coding, _form, encode) => {
    const body = encode(Buffer.from(JSON.stringify({ items: ["a", "b"], n: 1 })));
    const up = await started((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": coding });
      res.end(body);
    });
    expect(await up.run()(call(), binding())).toEqual({ data: { items: ["a", "b"], n: 1 }, status: 200 });
  });

  it.each([
    ["gzip", gzipSync],
    ["br", brotliCompressSync],
    ["zstd", zstdCompressSync],
  ] as const)(
    "the size cap counts decoded bytes (%s), also when the small encoded length is declared",
    async (coding, encode) => {
      const body = encode(Buffer.from("x".repeat(50_000)));
      const up = await started((req, res) => {
        res.writeHead(200, {
          "content-type": "text/plain",
          "content-encoding": coding,
          ...(req.url === "/declared" ? { "content-length": String(body.length) } : {}),
        });
        res.end(body);
      });
      expect(body.length).toBeLessThan(1_000);
      const run = up.run(10_000);
      for (const path of ["/chunked", "/declared"]) {
        const outcome = await run(call(), binding("GET", path));
        expect(outcome.error).toMatchObject({
          code: "response_too_large",
          message: "the upstream response is larger than 10 KiB",
        });
      }
    },
  );

  it.each([
    ["br", () => createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } })],
    ["gzip", () => createGzip({ level: 1 })],
    ["zstd", () => createZstdCompress()],
  ] as const)(
    "an encoded body that never ends (%s) is refused at the cap: the client stops reading and closes the connection",
    async (coding, encoder) => {
      // Zeros compressed as they are sent, without end: a client that read the whole body before counting would
      // never answer. Each 64 KiB is flushed, so a few dozen bytes on the wire already decode past the cap.
      const zeros = Buffer.alloc(64 * 1024);
      const up = await started((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain", "content-encoding": coding });
        const compress = encoder();
        compress.pipe(res);
        res.once("close", () => compress.destroy());
        const pump = () => {
          if (compress.destroyed) return;
          compress.write(zeros);
          compress.flush(() => pump());
        };
        pump();
      });
      const outcome = await up.run(100_000)(call(), binding());
      expect(outcome.error).toMatchObject({
        code: "response_too_large",
        message: "the upstream response is larger than 98 KiB",
      });
      // The client closed the connection: the upstream's endless response ends there.
      await up.allClosed();
      expect(up.connections()).toBe(1);
    },
  );

  it.each([
    ["br", "corrupt", Buffer.from("not brotli at all, not even close to it")],
    ["gzip", "corrupt", Buffer.from("not gzip at all")],
    ["deflate", "corrupt", Buffer.from("\xff not deflate at all")],
    ["zstd", "corrupt", Buffer.from("not zstd at all")],
  ] as const)(
    "a %s body that cannot be decoded (%s) is an error in words; the next call is served",
    async (coding, _how, bad) => {
      const good = brotliCompressSync(Buffer.from('{"ok":true}'));
      const up = await started((req, res) => {
        const broken = req.url === "/things";
        res.writeHead(200, {
          "content-type": "application/json",
          "content-encoding": broken ? coding : "br",
          "content-length": String((broken ? bad : good).length),
        });
        res.end(broken ? bad : good);
      });
      const run = up.run();
      const outcome = await run(call(), binding());
      expect(outcome.error).toMatchObject({
        code: "network",
        message: `the upstream's response body could not be decoded (Content-Encoding ${coding})`,
      });
      expect(await run(call(), binding("GET", "/fine"))).toEqual({ data: { ok: true }, status: 200 });
    },
  );

  it.each([
    ["gzip", "without its trailer", async (b: Buffer) => gzipSync(b).subarray(0, -8)],
    ["br", "without its last block", brotliFlushed],
  ] as const)(
    "a %s body whose stream ends early (%s) yields what was decoded, as fetch decodes it",
    async (coding, _how, encode) => {
      const body = await encode(Buffer.from(JSON.stringify({ items: ["a", "b"], n: 1 })));
      const up = await started((_req, res) => {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-encoding": coding,
          "content-length": String(body.length),
        });
        res.end(body);
      });
      expect(await up.run()(call(), binding())).toEqual({ data: { items: ["a", "b"], n: 1 }, status: 200 });
    },
  );

  it("an upstream that closes the connection in the middle of an encoded body is a closed connection, not a bad body", async () => {
    const body = gzipSync(Buffer.from(JSON.stringify({ items: "x".repeat(10_000) })));
    const up = await started((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "content-length": String(body.length),
      });
      res.write(body.subarray(0, 20), () => res.socket?.destroy());
    });
    const outcome = await up.run()(call(), binding());
    expect(outcome.error).toMatchObject({ code: "network", message: "the upstream closed the connection" });
  });

  it("a refused connection and a WHATWG bad port fail in words, naming no host", async () => {
    const gone = await started(() => {});
    const port = new URL(gone.url).port;
    await gone.close();
    servers = [];
    const cases: Array<[string, string]> = [
      [`http://127.0.0.1:${port}`, "the upstream refused the connection"],
      [
        "http://127.0.0.1:6000",
        "the base URL uses a port HTTP clients refuse to connect to (the Fetch standard's bad ports)",
      ],
    ];
    for (const [base, message] of cases) {
      const run = createHttpExecutor({
        sources: [source],
        config: resolveConfig(vars, { BASE: base, TOKEN: "tok-abc-123456" }),
      });
      const outcome = await run(call(), binding("POST"));
      expect(outcome.error).toMatchObject({ code: "network", message });
    }
    // Configuration refuses a base URL with credentials; the client refuses one too, as fetch did.
    const withCredentials = { method: "GET", url: `http://user:pw@127.0.0.1:${port}/`, headers: [] };
    await expect(sendOverHttp({ ...withCredentials, signal: new AbortController().signal })).rejects.toThrow(
      TypeError,
    );
  });

  it("HTTPS: an upstream whose certificate no trusted CA vouches for is refused before any request, in words", async () => {
    // A CA of the test's own, made here: no system store knows it.
    const { ca, leaf } = await loopbackCertificate("toolwright test CA");
    let requests = 0;
    const server = createTlsServer({ key: leaf.privateKeyPem, cert: leaf.pem }, (_req, res) => {
      requests += 1;
      json(res, 200, { ok: true });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const port = (server.address() as AddressInfo).port;
    const run = createHttpExecutor({
      sources: [source],
      config: resolveConfig(vars, { BASE: `https://127.0.0.1:${port}`, TOKEN: "tok-abc-123456" }),
    });
    const outcome = await run(call(), binding("POST"));
    expect(outcome.error).toMatchObject({
      code: "network",
      message: "the upstream's TLS certificate was not accepted",
    });
    expect(requests).toBe(0);
    // Control: the server answers a client that trusts its CA, so the refusal above is the trust check.
    const status = await new Promise((resolve, reject) =>
      httpsGet({ host: "127.0.0.1", port, path: "/", ca: ca.pem, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on("error", reject),
    );
    expect(status).toBe(200);
    expect(requests).toBe(1);
  });

  it("HEAD and 204 have no body; a GET may carry one", async () => {
    const up = await started((req, res) => {
      if (req.method === "HEAD") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "20" });
        res.end();
      } else if (req.url === "/empty") {
        res.writeHead(204);
        res.end();
      } else json(res, 200, { echoed: up.seen.at(-1)!.body });
    });
    const signal = new AbortController().signal;
    const head = await sendOverHttp({ method: "HEAD", url: `${up.url}/x`, headers: [], signal });
    expect(head.status).toBe(200);
    expect(Buffer.from(await head.read(1000)).length).toBe(0);
    const empty = await sendOverHttp({ method: "DELETE", url: `${up.url}/empty`, headers: [], signal });
    expect(empty.status).toBe(204);
    expect((await empty.read(1000)).byteLength).toBe(0);
    const get = await sendOverHttp({
      method: "GET",
      url: `${up.url}/search`,
      headers: [["content-type", "application/json"]],
      body: '{"q":1}',
      signal,
    });
    expect(JSON.parse(Buffer.from(await get.read(1000)).toString())).toEqual({ echoed: '{"q":1}' });
    expect(up.seen.at(-1)!.headers["content-length"]).toBe("7");
  });

  it("leaves no listener on the signal once the body is read, discarded or refused", async () => {
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const controller = new AbortController();
    const { signal } = controller;
    const request = { method: "GET", url: `${up.url}/x`, headers: [] as Array<[string, string]>, signal };
    const read = await sendOverHttp(request);
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    await read.read(1000);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    const discarded = await sendOverHttp(request);
    await discarded.cancel();
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    const refused = await sendOverHttp(request);
    await expect(refused.read(2)).rejects.toThrow(/larger than 2 bytes/);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    // A header value node:http will not send: refused before any request, no listener left behind.
    const bad = { ...request, headers: [["x-note", "caf\u00e9\u2603"]] as Array<[string, string]> };
    await expect(sendOverHttp(bad)).rejects.toThrow();
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    expect(up.seen).toHaveLength(3);
  });

  it("frames a bodiless request as fetch did: Content-Length 0 on POST, PUT and PATCH only", async () => {
    const up = await started((_req, res) => json(res, 200, {}));
    const signal = new AbortController().signal;
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "GET"]) {
      const response = await sendOverHttp({ method, url: `${up.url}/x`, headers: [], signal });
      await response.read(100);
    }
    expect(
      up.seen.map((s) => [s.method, s.headers["content-length"], s.headers["transfer-encoding"]]),
    ).toEqual([
      ["POST", "0", undefined],
      ["PUT", "0", undefined],
      ["PATCH", "0", undefined],
      ["DELETE", undefined, undefined],
      ["GET", undefined, undefined],
    ]);
  });
});

describe("the upstream client: paths beside the plain exchange", () => {
  const body = { name: "lamp", tags: ["a", "b"] };
  const sent = JSON.stringify(body);

  it("a 307 sends the same method and body again; a 303 after a POST becomes a GET without body or its type", async () => {
    const up = await started((req, res) => {
      if (req.url === "/things") {
        res.writeHead(307, { location: "/things/again", "content-length": "0" });
        res.end();
      } else if (req.url === "/orders") {
        res.writeHead(303, { location: "/orders/1", "content-length": "0" });
        res.end();
      } else json(res, 200, { at: req.url });
    });
    const run = up.run();
    expect(await run(call(undefined, { body }), withBody("POST"))).toEqual({
      data: { at: "/things/again" },
      status: 200,
    });
    expect(await run(call(undefined, { body }), withBody("POST", "/orders"))).toEqual({
      data: { at: "/orders/1" },
      status: 200,
    });
    expect(
      up.seen.map((r) => [
        r.method,
        r.url,
        r.body,
        r.headers["content-type"],
        r.headers["content-length"],
        r.headers.authorization,
      ]),
    ).toEqual([
      ["POST", "/things", sent, "application/json", String(sent.length), "Bearer tok-abc-123456"],
      ["POST", "/things/again", sent, "application/json", String(sent.length), "Bearer tok-abc-123456"],
      ["POST", "/orders", sent, "application/json", String(sent.length), "Bearer tok-abc-123456"],
      ["GET", "/orders/1", "", undefined, undefined, "Bearer tok-abc-123456"],
    ]);
  });

  it("only the redirect statuses (301, 302, 303, 307, 308) are followed; another 3xx with a Location is the answer", async () => {
    // A 300 Multiple Choices, 305 Use Proxy or an unassigned 3xx naming a Location was followed as a 302 is: the
    // POST was sent again as a GET to wherever the upstream pointed, and that GET's body returned as its result.
    const up = await started((req, res) => {
      const status = /^\/status\/(\d{3})$/.exec(req.url ?? "")?.[1];
      if (status === undefined) return json(res, 200, { at: req.url });
      json(res, Number(status), { message: "pick one" }, { location: "/elsewhere" });
    });
    const run = up.run();
    for (const status of [300, 305, 306, 399]) {
      const outcome = await run(call(undefined, { body }), withBody("POST", `/status/${status}`));
      expect(outcome.error).toMatchObject({ code: `http_${status}` });
      expect(outcome.error?.message).toMatch(new RegExp(`^upstream answered HTTP ${status}\\b.*: pick one$`));
    }
    expect(up.seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /status/300",
      "POST /status/305",
      "POST /status/306",
      "POST /status/399",
    ]);
  });

  it("a PUT retried after 503 and Retry-After sends its whole body again", async () => {
    const up = await started((_req, res) => {
      if (up.seen.length === 1) json(res, 503, { message: "busy" }, { "retry-after": "0" });
      else json(res, 200, { stored: true });
    });
    const outcome = await up.run()(call(undefined, { body }), withBody("PUT"));
    expect(outcome).toEqual({ data: { stored: true }, status: 200 });
    expect(up.seen.map((r) => [r.method, r.body, r.headers["content-length"]])).toEqual([
      ["PUT", sent, String(sent.length)],
      ["PUT", sent, String(sent.length)],
    ]);
  });

  it("a 401 to a POST with a body: the token is renewed and the same body sent again with it", async () => {
    let issued = 0;
    const up = await started((req, res) => {
      if (req.url === "/token") return json(res, 200, { access_token: `at-${++issued}`, expires_in: 600 });
      if (req.headers.authorization !== "Bearer at-2") return json(res, 401, { message: "expired" });
      json(res, 200, { created: true });
    });
    const oauthVars: EnvVar[] = [
      { name: "BASE", description: "", type: "url", required: true, secret: false },
      { name: "CLIENT_ID", description: "", type: "string", required: true, secret: false },
      { name: "CLIENT_SECRET", description: "", type: "string", required: true, secret: true },
    ];
    const run = createHttpExecutor({
      sources: [
        {
          ...source,
          auth: [
            {
              kind: "oauth2ClientCredentials",
              scheme: "bearer",
              tokenUrl: `${up.url}/token`,
              scopes: [],
              clientId: { env: "CLIENT_ID" },
              clientSecret: { env: "CLIENT_SECRET" },
            },
          ],
        },
      ],
      config: resolveConfig(oauthVars, { BASE: up.url, CLIENT_ID: "c", CLIENT_SECRET: "s" }),
    });
    const outcome = await run(call(undefined, { body }), withBody("POST"));
    expect(outcome).toEqual({ data: { created: true }, status: 200 });
    expect(up.seen.map((r) => [r.method, r.url, r.headers.authorization ?? "", r.body])).toEqual([
      ["POST", "/token", expect.stringMatching(/^Basic /), "grant_type=client_credentials"],
      ["POST", "/things", "Bearer at-1", sent],
      ["POST", "/token", expect.stringMatching(/^Basic /), "grant_type=client_credentials"],
      ["POST", "/things", "Bearer at-2", sent],
    ]);
  });

  it("a call whose signal is already aborted sends nothing and opens no connection", async () => {
    const up = await started((_req, res) => json(res, 200, {}));
    const controller = new AbortController();
    controller.abort();
    await expect(
      sendOverHttp({
        method: "POST",
        url: `${up.url}/x`,
        headers: [],
        body: "{}",
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect((await up.run()(call(controller.signal), binding("POST"))).error?.code).toBe("cancelled");
    expect(up.connections()).toBe(0);
    expect(up.seen).toEqual([]);
  });

  it("an IPv6 literal base URL is reached, with its Host in brackets", async () => {
    const server = createServer((req, res) => json(res, 200, { host: req.headers.host }));
    await new Promise<void>((resolve) => server.listen(0, "::1", resolve));
    servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const host = `[::1]:${(server.address() as AddressInfo).port}`;
    const run = createHttpExecutor({
      sources: [source],
      config: resolveConfig(vars, { BASE: `http://${host}`, TOKEN: "tok-abc-123456" }),
    });
    expect(await run(call(), binding())).toEqual({ data: { host }, status: 200 });
  });

  it("an idle kept-alive connection is closed by the client itself (after 4 s), not left to the upstream", async () => {
    // An upstream that never closes an idle connection: only the client's own idle timeout can end it.
    const server = createServer((_req, res) => json(res, 200, { ok: true }));
    server.keepAliveTimeout = 0;
    const ended: Array<Promise<void>> = [];
    server.on("connection", (socket: Socket) => {
      // 'end': the client sent its FIN, so the close was the client's.
      ended.push(new Promise((resolve) => socket.once("end", () => resolve())));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push({
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const answer = await sendOverHttp({
      method: "GET",
      url,
      headers: [],
      signal: new AbortController().signal,
    });
    expect(Buffer.from(await answer.read(100)).toString()).toBe('{"ok":true}');
    expect(ended).toHaveLength(1);
    await ended[0];
  });

  it("an upstream announcing Keep-Alive: timeout=1 gets a new connection per call (too short to reuse safely)", async () => {
    const up = await started((req, res) =>
      json(res, 200, {}, req.url === "/short" ? { "keep-alive": "timeout=1" } : {}),
    );
    const run = up.run();
    for (const path of ["/short", "/short"]) {
      expect((await run(call(), binding("GET", path))).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The client closed each after its response; without the hint, one connection serves both (first test).
    await up.allClosed();
    expect(up.connections()).toBe(2);
  });
});

describe("a forward proxy named by the environment", () => {
  /** A forward proxy for plain http: records each absolute-form request line and passes the request on. */
  async function forwardProxy() {
    const lines: string[] = [];
    /** Each request's Proxy-Authorization (undefined without one); not passed on, as a proxy would not. */
    const auth: Array<string | undefined> = [];
    const { request } = await import("node:http");
    const server = createServer((req, res) => {
      lines.push(`${req.method} ${req.url}`);
      const { "proxy-authorization": credentials, ...headers } = req.headers;
      auth.push(credentials);
      const onward = request(new URL(req.url ?? ""), { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      onward.once("error", () => res.destroy());
      req.pipe(onward);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push({
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lines, auth };
  }

  it("is used when the operator asks Node to (NODE_USE_ENV_PROXY=1), as fetch did, and not otherwise", async () => {
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const proxy = await forwardProxy();
    const signal = new AbortController().signal;
    const get = async () => {
      const answer = await sendOverHttp({ method: "GET", url: `${up.url}/things?q=1`, headers: [], signal });
      return { status: answer.status, body: Buffer.from(await answer.read(1024)).toString() };
    };
    try {
      vi.stubEnv("HTTP_PROXY", proxy.url);
      vi.stubEnv("NODE_USE_ENV_PROXY", "");
      closeUpstreamConnections();
      // A proxy variable alone does not redirect upstream traffic (fetch's rule too).
      expect(await get()).toEqual({ status: 200, body: '{"ok":true}' });
      expect(proxy.lines).toEqual([]);

      vi.stubEnv("NODE_USE_ENV_PROXY", "1");
      closeUpstreamConnections();
      expect(await get()).toEqual({ status: 200, body: '{"ok":true}' });
      expect(proxy.lines).toEqual([`GET ${up.url}/things?q=1`]);
      expect(up.seen.map((r) => r.url)).toEqual(["/things?q=1", "/things?q=1"]);
    } finally {
      vi.unstubAllEnvs();
      closeUpstreamConnections();
    }
  });

  it("keeps a repeated header's values in order through it, and is not used for a host NO_PROXY names", async () => {
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const proxy = await forwardProxy();
    const signal = new AbortController().signal;
    const headers: Array<[string, string]> = [
      ["x-seen", "first"],
      ["accept", "application/json"],
      ["X-Seen", "second"],
    ];
    const get = async () => {
      const answer = await sendOverHttp({ method: "GET", url: `${up.url}/things`, headers, signal });
      return { status: answer.status, body: Buffer.from(await answer.read(1024)).toString() };
    };
    try {
      vi.stubEnv("NODE_USE_ENV_PROXY", "1");
      vi.stubEnv("HTTP_PROXY", proxy.url);
      vi.stubEnv("NO_PROXY", "");
      closeUpstreamConnections();
      expect(await get()).toEqual({ status: 200, body: '{"ok":true}' });
      expect(proxy.lines).toEqual([`GET ${up.url}/things`]);

      vi.stubEnv("NO_PROXY", "example.invalid,127.0.0.1");
      closeUpstreamConnections();
      expect(await get()).toEqual({ status: 200, body: '{"ok":true}' });
      expect(proxy.lines).toHaveLength(1);
      // Through the proxy (headers given as an object) and directly (as a flat list), the same values in order.
      expect(up.seen.map((r) => [r.headers["x-seen"], r.headers.accept])).toEqual([
        ["first, second", "application/json"],
        ["first, second", "application/json"],
      ]);
    } finally {
      vi.unstubAllEnvs();
      closeUpstreamConnections();
    }
  });

  it("credentials in the proxy's URL go to the proxy as Proxy-Authorization (http, and the CONNECT for https), not to the upstream", async () => {
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const proxy = await forwardProxy();
    const connects: Array<string | undefined> = [];
    // Records the CONNECT's credentials, then refuses it (no TLS can follow in this process: nothing trusts a CA).
    const tunnels = createServer((_req, res) => res.writeHead(403).end());
    tunnels.on("connect", (req: IncomingMessage, socket: Socket) => {
      connects.push(req.headers["proxy-authorization"]);
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    });
    await new Promise<void>((resolve) => tunnels.listen(0, "127.0.0.1", resolve));
    servers.push({ close: () => new Promise<void>((resolve) => tunnels.close(() => resolve())) });
    const withCredentials = (url: string) => url.replace("http://", "http://proxy%20user:p%40ss@");
    const expected = `Basic ${Buffer.from("proxy user:p@ss").toString("base64")}`;
    const signal = new AbortController().signal;
    try {
      vi.stubEnv("NODE_USE_ENV_PROXY", "1");
      vi.stubEnv("NO_PROXY", "");
      vi.stubEnv("HTTP_PROXY", withCredentials(proxy.url));
      vi.stubEnv(
        "HTTPS_PROXY",
        withCredentials(`http://127.0.0.1:${(tunnels.address() as AddressInfo).port}`),
      );
      closeUpstreamConnections();
      const answer = await sendOverHttp({ method: "GET", url: `${up.url}/things`, headers: [], signal });
      expect(Buffer.from(await answer.read(1024)).toString()).toBe('{"ok":true}');
      expect(proxy.auth).toEqual([expected]);
      expect(up.seen[0]!.headers["proxy-authorization"]).toBeUndefined();
      await expect(
        sendOverHttp({
          method: "GET",
          url: `https://127.0.0.1:${new URL(up.url).port}/`,
          headers: [],
          signal,
        }),
      ).rejects.toThrow();
      expect(connects).toEqual([expected]);
    } finally {
      vi.unstubAllEnvs();
      closeUpstreamConnections();
    }
  });

  it("a proxy that refuses the tunnel, or cannot be reached, is named as the failure, never by its URL", async () => {
    const up = await started((_req, res) => json(res, 200, { ok: true }));
    const target = new URL(up.url);
    // Answers every CONNECT with 407 (and any plain request with 403): the upstream is never reached.
    const refusing = createServer((_req, res) => res.writeHead(403).end());
    refusing.on("connect", (_req: IncomingMessage, socket: Socket) =>
      socket.end("HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n"),
    );
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    servers.push({ close: () => new Promise<void>((resolve) => refusing.close(() => resolve())) });
    const refusingUrl = `http://user:proxy-secret@127.0.0.1:${(refusing.address() as AddressInfo).port}`;
    // A proxy that is gone: a port that was just listened on, now closed.
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const goneUrl = `http://user:proxy-secret@127.0.0.1:${(gone.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => gone.close(() => resolve()));

    const outcome = async (base: string) =>
      createHttpExecutor({
        sources: [source],
        config: resolveConfig(vars, { BASE: base, TOKEN: "tok-abc-123456" }),
      })(call(), binding("POST"));
    try {
      vi.stubEnv("NODE_USE_ENV_PROXY", "1");
      vi.stubEnv("NO_PROXY", "");
      vi.stubEnv("HTTPS_PROXY", refusingUrl);
      closeUpstreamConnections();
      // An https target: no TLS is ever started, the CONNECT is refused first.
      expect((await outcome(`https://127.0.0.1:${target.port}`)).error).toEqual({
        code: "network",
        message:
          "the proxy (HTTPS_PROXY) refused a tunnel to the upstream: HTTP 407 Proxy Authentication Required",
      });

      vi.stubEnv("HTTPS_PROXY", goneUrl);
      vi.stubEnv("HTTP_PROXY", goneUrl);
      closeUpstreamConnections();
      for (const base of [`https://127.0.0.1:${target.port}`, up.url, `http://localhost:${target.port}`]) {
        expect((await outcome(base)).error).toEqual({
          code: "network",
          message: "the proxy (HTTP_PROXY/HTTPS_PROXY) refused the connection; the upstream was not reached",
        });
      }

      // NO_PROXY sends the upstream's own failure in its own words, as before.
      vi.stubEnv("NO_PROXY", "127.0.0.1");
      closeUpstreamConnections();
      const closedPort = new URL(goneUrl).port;
      expect((await outcome(`http://127.0.0.1:${closedPort}`)).error?.message).toBe(
        "the upstream refused the connection",
      );
      expect(up.seen).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
      closeUpstreamConnections();
    }
  });

  it("is asked for by the variable, the flag, or the flag in NODE_OPTIONS", () => {
    expect(usesEnvProxy({ NODE_USE_ENV_PROXY: "1" }, [])).toBe(true);
    expect(usesEnvProxy({}, ["--use-env-proxy"])).toBe(true);
    expect(usesEnvProxy({ NODE_OPTIONS: "--max-old-space-size=512 --use-env-proxy" }, [])).toBe(true);
    expect(usesEnvProxy({ NODE_USE_ENV_PROXY: "0", HTTP_PROXY: "http://p" }, [])).toBe(false);
    expect(usesEnvProxy({ NODE_OPTIONS: "--use-env-proxy-x" }, [])).toBe(false);
  });
});

describe("a request URL read without the parser", () => {
  const origins = [
    "https://api.example.com",
    "http://127.0.0.1:4567",
    "http://[::1]:8080",
    "HTTP://API.example.com",
    "http://h:80",
    "https://h:443",
    "http://user:pw@h",
    "http://ü.example",
    "http://h.",
    "ftp://h",
    "http://h?q=/x",
    "http:/h",
    "http:h",
  ];
  const chars = [...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)), "\u00e9", "😀"];
  const rests = [
    "",
    "/",
    "/v1/secrets/integrations/salesforce/oauth",
    "/v1/x?",
    "/v1/x?q=1&r=%20",
    "/v1/./x",
    "/v1/%2e%2E/x",
    "/v1/x?q=/../y",
    "/v1/x#f",
    "/v1/x?q#f",
    ...chars.flatMap((c) => [`/a${c}b`, `/v1/x?q=a${c}b`, `/${c}`]),
  ];

  it("reads every URL as the WHATWG parser does: host, port, credentials and the request target", () => {
    let compared = 0;
    for (const origin of origins) {
      for (const rest of rests) {
        const text = `${origin}${rest}`;
        let url: URL;
        try {
          url = new URL(text);
        } catch {
          expect(() => targetOf(text), text).toThrow();
          continue;
        }
        const { protocol, username, password, hostname, host, port } = url;
        const expected = {
          protocol,
          username,
          password,
          hostname,
          host,
          port,
          path: `${url.pathname}${url.search}`,
        };
        // Twice: the second reads the origin remembered by the first.
        expect(targetOf(text), text).toEqual(expected);
        expect(targetOf(text), text).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });
});
