import type { Agent, ClientRequest, IncomingMessage } from "node:http";
import type { Readable, Transform } from "node:stream";
import { upstreamRequestSent } from "../chain.js";
import { usesEnvProxy } from "../config/env-proxy.js";
import { parserKeeps } from "./request.js";
import { ResponseTooLargeError, readLimited } from "./response.js";
import { closedUnanswered } from "./retry.js";
import type { SendUpstream, UpstreamResponse } from "./upstream.js";

export { usesEnvProxy };

/**
 * The upstream exchange (`upstream.ts`): by default over node:http(s) with one keep-alive agent per protocol
 * (`sendOverHttp`); an injected `fetch` (`HttpExecutorOptions.fetch`) is adapted to the same shape (`sendWithFetch`).
 *
 * Why not `fetch`: the Fetch layer (Request, Headers and Response objects, web streams and their reader) cost
 * about twice the CPU of a plain node:http exchange per call (docs/benchmarks.md, Per-call latency, 2026-12-04
 * 10:30). What fetch did for the executor is kept here: manual redirects (the executor follows them), bodies
 * decoded by Content-Encoding (gzip and deflate asked for, br too over https), WHATWG "bad ports" refused before
 * connecting, URLs with credentials refused, `Accept: *\/*` when none is given, cancellation by an AbortSignal (also
 * while the body is read), keep-alive reuse (idle connections closed after 4 s or before the upstream's announced
 * `Keep-Alive: timeout`, like undici). A GET or HEAD may carry a body here (some APIs define one; fetch refuses it).
 */

/** The same exchange over an injected `fetch` (tests and embedders that replace the network). */
export function sendWithFetch(doFetch: typeof fetch): SendUpstream {
  return async (request) => {
    const init: RequestInit = {
      method: request.method,
      headers: request.headers,
      redirect: "manual",
      signal: request.signal,
    };
    if (request.body !== undefined) init.body = request.body;
    const sending = doFetch(request.url, init);
    upstreamRequestSent();
    const response = await sending;
    return {
      status: response.status,
      headers: response.headers,
      read: (limit) => readLimited(response, limit),
      cancel: async () => {
        await response.body?.cancel().catch(() => {});
      },
    };
  };
}

/** WHATWG Fetch "bad ports": fetch refuses them before connecting, and so does this client. */
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** Idle keep-alive connections are closed after this long (undici's default), or sooner if the upstream says so. */
const IDLE_MS = 4000;
/**
 * What fetch asks for (undici: br only over https); every coding it names is decoded, br over http too, and zstd,
 * which no one asks for here but Node 24's fetch decodes when an upstream sends it anyway.
 */
const ACCEPT_ENCODING = "gzip, deflate";
const ACCEPT_ENCODING_HTTPS = "br, gzip, deflate";
const EMPTY_BODY_LENGTH = new Set(["POST", "PUT", "PATCH"]);

type UpstreamAgent = Agent & { proxied: boolean };
/** A protocol's keep-alive agent and its module's `request`. */
type Sender = { agent: UpstreamAgent; request: typeof import("node:http").request };
let agents: { http?: Sender; https?: Sender } = {};

/** A flat list of header names and values as an object; a repeated name keeps each value, in order. */
function headerObject(flat: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = (flat[i] as string).toLowerCase();
    const value = flat[i + 1] as string;
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

/**
 * The keep-alive agent for a protocol and its `request`; node:http(s) load with the first upstream request, not at
 * start-up, and both are kept from then on (looking the module up on every request cost ~3 us in place).
 */
function agentFor(secure: boolean): Sender {
  if (secure) {
    agents.https ??= sender(process.getBuiltinModule("node:https"));
    return agents.https;
  }
  agents.http ??= sender(process.getBuiltinModule("node:http"));
  return agents.http;
}

function sender(module: typeof import("node:http") | typeof import("node:https")): Sender {
  return { agent: keepAlive(module.Agent), request: module.request as typeof import("node:http").request };
}

/** A keep-alive agent, through the environment's proxy when Node is asked to use one (`proxied` says so). */
function keepAlive(AgentClass: new (options: object) => Agent): UpstreamAgent {
  const proxied = usesEnvProxy();
  const agent = new AgentClass({
    keepAlive: true,
    timeout: IDLE_MS,
    ...(proxied ? { proxyEnv: process.env } : {}),
  });
  return Object.assign(agent, { proxied });
}

/** Closes every pooled connection (tests; a process exiting needs nothing: idle sockets do not hold it open). */
export function closeUpstreamConnections(): void {
  agents.http?.agent.destroy();
  agents.https?.agent.destroy();
  agents = {};
}

/** Like fetch's `TypeError: fetch failed`, with the reason as its cause (`describeNetworkError` reads it). */
function refused(message: string): TypeError {
  return new TypeError("the upstream request failed", { cause: { message } });
}

/** Errors of a connection that was never made (refused, unresolved, unreachable, timed out). */
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Through the environment's proxy, the proxy's failures in its own words: a CONNECT it answered with an error
 * status (Node: ERR_PROXY_TUNNEL), or a connection to the proxy itself that failed (a connect error naming another
 * host or port than the upstream's). Anything else, and a proxy on the upstream's own host and port, as it came.
 * Nothing of the proxy's URL is kept (it may carry credentials).
 */
function proxyFailure(error: Error, url: Target, port: number): unknown {
  const e = error as Error & { code?: string; port?: number; hostname?: string };
  if (e.code === "ERR_PROXY_TUNNEL") {
    const status = / HTTP\/1\.[01] (\d{3})\b/.exec(e.message)?.[1];
    return refused(`proxy tunnel refused${status ? `: ${status}` : ""}`);
  }
  if (e.code === undefined || !CONNECT_CODES.has(e.code)) return error;
  const other =
    (e.port !== undefined && e.port !== port) ||
    (e.hostname !== undefined && e.hostname !== url.hostname.replace(/^\[|\]$/g, ""));
  return other ? refused(`proxy unreachable: ${e.code}`) : error;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** What `sendOverHttp` reads of a request's URL, as the WHATWG URL parser reads it; `path` is pathname + search. */
type Target = Pick<URL, "protocol" | "username" | "password" | "hostname" | "host" | "port"> & {
  path: string;
};

/** Origins as written in request URLs, parsed (null: not written as the parser writes it, or not http(s)). */
const origins = new Map<string, Omit<Target, "path"> | null>();
const MAX_ORIGINS = 64;

/**
 * A request URL as the parser reads it. The executor's usual URL (an origin written as the parser writes it, a path
 * and query it keeps as written: `parserKeeps`) is split as text, its origin parsed once; any other is parsed.
 */
export function targetOf(text: string): Target {
  const slash = text.indexOf("/", text.indexOf("//") + 2);
  if (slash > 0) {
    const written = text.slice(0, slash);
    let origin = origins.get(written);
    if (origin === undefined) {
      origin = keptOrigin(written);
      if (origins.size >= MAX_ORIGINS) origins.clear();
      origins.set(written, origin);
    }
    const rest = text.slice(slash);
    const mark = rest.indexOf("?");
    const pathname = mark === -1 ? rest : rest.slice(0, mark);
    const search = mark === -1 ? "" : rest.slice(mark + 1);
    // A `?` with nothing after it is no search to the parser: parsed below.
    if (origin !== null && (mark === -1 || search !== "") && parserKeeps(pathname, search))
      return { ...origin, path: rest };
  }
  const url = new URL(text);
  const { protocol, username, password, hostname, host, port } = url;
  return { protocol, username, password, hostname, host, port, path: `${url.pathname}${url.search}` };
}

function keptOrigin(written: string): Omit<Target, "path"> | null {
  let url: URL;
  try {
    url = new URL(`${written}/`);
  } catch {
    return null;
  }
  if (url.origin !== written || url.username !== "" || url.password !== "") return null;
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  const { protocol, hostname, host, port } = url;
  return { protocol, username: "", password: "", hostname, host, port };
}

/** Sends one request over node:http(s); redirects are not followed (the executor decides). */
export const sendOverHttp: SendUpstream = async (request) => {
  const url = targetOf(request.url);
  if (url.username !== "" || url.password !== "") throw refused("credentials in the URL");
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") throw refused("not an http(s) URL");
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  if (BAD_PORTS.has(port)) throw refused("bad port");
  const { signal } = request;
  if (signal.aborted) throw abortReason(signal);

  const headers: string[] = ["host", url.host];
  let accept = false;
  let encoding = false;
  for (const [name, value] of request.headers) {
    headers.push(name, value);
    const lower = name.toLowerCase();
    if (lower === "accept") accept = true;
    else if (lower === "accept-encoding") encoding = true;
  }
  if (!accept) headers.push("accept", "*/*");
  if (!encoding) headers.push("accept-encoding", secure ? ACCEPT_ENCODING_HTTPS : ACCEPT_ENCODING);
  const body = typeof request.body === "string" ? Buffer.from(request.body) : request.body;
  // Without a body, framed as fetch framed it: `Content-Length: 0` on POST, PUT and PATCH (node:http would send an
  // empty chunked body), no framing header on the rest.
  if (body !== undefined) headers.push("content-length", String(body.byteLength));
  else if (EMPTY_BODY_LENGTH.has(request.method)) headers.push("content-length", "0");

  const { agent, request: send } = agentFor(secure);
  return new Promise<UpstreamResponse>((resolve, reject) => {
    const exchange = new Exchange(signal, reject);
    try {
      const req = send(
        {
          protocol: url.protocol,
          hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
          port,
          path: url.path,
          method: request.method,
          // Node 22's proxy support reads the target's Host with getHeader, which sees no headers given as a flat
          // list (it would send the request line to the proxy as http://localhost/...): given as an object there.
          headers: agent.proxied ? headerObject(headers) : headers,
          agent,
        },
        (res) => {
          // A 101 without an Upgrade header reaches here as a response; one with it, `refuseUpgrade`'s listener.
          if (res.statusCode === 101) exchange.fail(refused("unrequested protocol switch"));
          else resolve(exchange.answered(res, request.method));
        },
      );
      exchange.sent(req);
      req.on("error", (error) => {
        if (req.reusedSocket && closedUnanswered(error)) dropIdleConnections(agent, req.host, port);
        exchange.fail(agent.proxied ? proxyFailure(error, url, port) : error);
      });
      refuseUpgrade(req, exchange);
      req.end(body);
      upstreamRequestSent();
    } catch (error) {
      // A header node:http refuses (a character it does not send), as fetch refused it: no request.
      exchange.fail(error);
    }
  });
};

/**
 * A 101 Switching Protocols the request did not ask for (it never asks) ends the exchange at once, in words: node:http
 * gives no response and no error for one with an Upgrade header (it hands the socket to an `upgrade` listener, or
 * destroys it and only closes the request), and one without it came as a response (refused where it is answered) whose body never ended, so the
 * call waited for its whole timeout and was then reported as unanswered.
 */
function refuseUpgrade(req: ClientRequest, exchange: Exchange): void {
  req.on("upgrade", (_res, socket: import("node:net").Socket) => {
    socket.destroy();
    exchange.fail(refused("unrequested protocol switch"));
  });
}

/**
 * A kept-alive connection the upstream closed under a request (its idle timeout won the race with the pool's) says
 * the pool's other idle connections to it are as stale: they are closed, so the request's one repeat
 * (`sendWithRetries`) goes out on a new connection instead of meeting the same fate on the next pooled one.
 */
function dropIdleConnections(agent: Agent, host: string, port: number): void {
  // node:http names a pool `host:port:localAddress:family` (https adds its TLS options after these).
  const prefix = `${host}:${port}:`;
  for (const [name, sockets] of Object.entries(agent.freeSockets)) {
    if (name.startsWith(prefix)) for (const socket of [...(sockets ?? [])]) socket.destroy();
  }
}

/**
 * One request's life after it is sent: the abort listener stays on the call's signal until the body is read or
 * discarded, so a cancel or a timeout also stops a body that is still arriving.
 */
class Exchange {
  private req: ClientRequest | undefined;
  private res: IncomingMessage | undefined;
  /** Where a failure goes now: the request's promise, then the body read's. */
  private pending: ((error: unknown) => void) | undefined;
  private state: "open" | "done" | "failed" = "open";
  private failure: unknown;
  private readonly onAbort = () => this.fail(abortReason(this.signal));

  constructor(
    private readonly signal: AbortSignal,
    reject: (error: unknown) => void,
  ) {
    this.pending = reject;
    signal.addEventListener("abort", this.onAbort, { once: true });
  }

  sent(req: ClientRequest): void {
    this.req = req;
  }

  /** Ends the exchange with an error: whatever waits on it (the response, the body) rejects; the socket goes. */
  fail(error: unknown): void {
    if (this.state !== "open") return;
    const pending = this.pending;
    this.finish("failed");
    this.failure = error;
    this.req?.destroy();
    this.res?.destroy();
    pending?.(error);
  }

  /** The exchange is over (read, discarded or failed): the signal's listener goes. */
  private finish(state: "done" | "failed"): void {
    this.state = state;
    this.pending = undefined;
    this.signal.removeEventListener("abort", this.onAbort);
  }

  answered(res: IncomingMessage, method: string): UpstreamResponse {
    this.res = res;
    this.pending = undefined;
    const status = res.statusCode ?? 502;
    if (method === "HEAD" || status === 204 || status === 304) {
      res.resume();
      if (this.state === "open") this.finish("done");
    }
    return {
      status,
      headers: {
        get(name) {
          const value = res.headers[name];
          if (value === undefined) return null;
          return Array.isArray(value) ? value.join(", ") : value;
        },
      },
      read: (limit) => {
        if (this.state === "failed") return Promise.reject(this.failure);
        if (this.state === "done") return Promise.resolve(new Uint8Array());
        return this.read(res, limit);
      },
      cancel: async () => {
        if (this.state !== "open") return;
        this.finish("done");
        res.destroy();
      },
    };
  }

  private read(res: IncomingMessage, limit: number): Promise<Uint8Array> {
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      this.finish("done");
      res.destroy();
      return Promise.reject(new ResponseTooLargeError(limit));
    }
    const whole = completeBody(res, limit);
    if (whole !== undefined) {
      this.finish("done");
      return Promise.resolve(whole);
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending = reject;
      // A body its Content-Encoding cannot undo (corrupt) says so; one encoded more often than fetch decodes is
      // refused before any decoder is made.
      const codings = contentCodings(res.headers["content-encoding"]);
      if (codings.length > MAX_CONTENT_CODINGS) {
        this.fail(refused(`too many content codings: ${codings.length}`));
        return;
      }
      const stream = decoded(res, codings, limit, (error) => this.fail(error));
      const chunks: Buffer[] = [];
      let total = 0;
      stream.on("data", (chunk: Buffer) => {
        total += chunk.byteLength;
        if (total > limit) {
          this.fail(new ResponseTooLargeError(limit));
          stream.destroy();
          return;
        }
        chunks.push(chunk);
      });
      stream.once("end", () => {
        if (this.state !== "open") return;
        this.finish("done");
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
      });
      stream.on("error", (error) => this.fail(error));
      // The connection closed before the body was whole (fetch: "terminated").
      res.once("aborted", () => this.fail(Object.assign(new Error("aborted"), { code: "ECONNRESET" })));
    });
  }
}

/**
 * A body that has already arrived whole, taken from the response's buffer at once, or undefined. Usually the
 * whole answer comes in the read that carried its headers: Node's parser has then buffered the body and marked the
 * message complete before the executor (HTTP or GraphQL) asks for it. Read with `data` and `end` events, the body
 * waited for two rounds of Node's tick queue, in which Node also returned the socket to the agent's pool, before
 * the executor went on; taken here, the call goes on at once and the pool's bookkeeping runs after it is answered
 * (about 40-90 us less added latency per ScaiVault read: docs/benchmarks.md, per-call latency). Only a plain body
 * (no Content-Encoding: those are decoded by streams) within the limit and not yet consumed: anything else, and
 * every body still arriving, is read as a stream (`Exchange.read`), with the same limit and deadline.
 */
function completeBody(res: IncomingMessage, limit: number): Uint8Array | undefined {
  if (!res.complete || res.destroyed || res.readableFlowing !== null) return undefined;
  if (res.headers["content-encoding"] !== undefined || res.readableLength > limit) return undefined;
  const bytes = res.read() as Buffer | null;
  return bytes ?? new Uint8Array();
}

/**
 * The body decoded by its Content-Encoding, as fetch decodes it (gzip, deflate, br, zstd): codings undone last
 * first; an unknown coding leaves the body as it came. zlib loads with the first encoded body. `undecodable` hears of a decoder's own
 * failure (not of one the connection caused, which the pipeline passes on to every decoder).
 */
function decoded(
  res: IncomingMessage,
  codings: readonly string[],
  limit: number,
  failed: (error: unknown) => void,
): Readable {
  if (codings.length === 0) return res;
  const zlib = process.getBuiltinModule("node:zlib");
  // Lenient like fetch, brotli too: a body cut short after a complete block still yields what was decoded.
  const lenient = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  const brLenient = {
    flush: zlib.constants.BROTLI_OPERATION_FLUSH,
    finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
  };
  const steps: Transform[] = [];
  for (const coding of codings) {
    let step: Transform;
    if (coding === "gzip" || coding === "x-gzip") step = zlib.createGunzip(lenient);
    else if (coding === "deflate") step = inflateEither(zlib, lenient);
    else if (coding === "br") step = zlib.createBrotliDecompress(brLenient);
    // Not asked for (fetch does not ask either), decoded as Node 24's fetch decodes it: strictly (a frame cut short
    // is an error there; Node 22's zstd stream ends it silently, with what it could decode).
    else if (coding === "zstd") step = zlib.createZstdDecompress();
    else return res;
    // Heard before the pipeline's own listener: an error the connection caused has already marked res errored.
    step.once("error", (error) => {
      if (error instanceof ResponseTooLargeError) failed(error);
      else if (res.errored === null) failed(refused(`undecodable body: ${coding}`));
    });
    steps.push(step);
  }
  const { pipeline } = process.getBuiltinModule("node:stream");
  // The body as it came and every layer but the last are bounded too (the reader bounds the last): a layer may
  // decode to a flood its next layer turns into next to nothing (empty deflate blocks), which no final count sees.
  const bound = () => {
    const stage = bounded(limit);
    stage.once("error", failed);
    return stage;
  };
  const stages: Transform[] = [bound()];
  for (const step of steps.slice(0, -1)) stages.push(step, bound());
  stages.push(steps[steps.length - 1] as Transform);
  // pipeline destroys every stream on an error, and the last one reports it.
  return pipeline([res, ...stages], () => {}) as unknown as Readable;
}

/**
 * At most this many content codings are undone, as fetch (undici) allows: each is a decoder of its own, and a body
 * gzipped 3,000 times (93 KB, a 15 KB header) took 50 s of CPU and 300 MB to read before this bound.
 */
export const MAX_CONTENT_CODINGS = 5;

/** A Content-Encoding header's codings, the last applied first; `identity` and empty entries left out. */
function contentCodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .toLowerCase()
    .split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "" && c !== "identity")
    .reverse();
}

/** Passes bytes on until more than `limit` have passed; then fails with `ResponseTooLargeError`. */
function bounded(limit: number): Transform {
  const { Transform } = process.getBuiltinModule("node:stream");
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.byteLength;
      if (total > limit) return callback(new ResponseTooLargeError(limit));
      callback(null, chunk);
    },
  });
}

/**
 * "deflate" is zlib-wrapped by the standard, yet some servers send it raw: the first byte tells (a zlib stream's
 * low nibble is 8, deflate), as fetch's decoder does.
 */
function inflateEither(
  zlib: typeof import("node:zlib"),
  options: import("node:zlib").ZlibOptions,
): Transform {
  const { Transform } = process.getBuiltinModule("node:stream");
  let inflate: Transform | undefined;
  const out: Transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!inflate) {
        if (chunk.length === 0) return callback();
        inflate = (chunk[0]! & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
        inflate.on("data", (data: Buffer) => out.push(data));
        inflate.once("error", (error) => out.destroy(error));
      }
      inflate.write(chunk, callback);
    },
    flush(callback) {
      if (!inflate) return callback();
      inflate.once("end", () => callback());
      inflate.end();
    },
  });
  return out;
}
