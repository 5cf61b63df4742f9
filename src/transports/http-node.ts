import { isAscii, isUtf8 } from "node:buffer";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ExactNumber } from "../catalog.js";
import { ASCII_LABELS } from "../executors/json-text.js";
import { shownValue as withheld } from "../telemetry/redact.js";
import { BodyBudgetError, type BodyLease } from "./http-body-budget.js";
import { type AnswerWatch, stallWatch, writeAtPace } from "./http-pace.js";

/**
 * The bridge between `node:http` and the SDK's web-standard handler (`Request` in, `Response` out), with the
 * body read here under a hard size bound, and response bodies (SSE streams included) written chunk by chunk.
 */

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

export class ClientGoneError extends Error {
  constructor() {
    super("the client closed the connection");
    this.name = "ClientGoneError";
  }
}

/**
 * Reads the whole body, refusing as soon as it (or its declared length) passes `limit`. What the client still
 * sends after a refusal is the answer's to settle (`settleUnreadBody`, through `sendJson`). A client waiting for
 * `100 Continue` (node leaves it to the server: see the checkContinue listener) is sent it here, once the request
 * was admitted and its declared length fits: one refused before (401, 403, 413, 503) never sends its body.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  res?: ServerResponse,
  lease?: BodyLease,
): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  const sized = Number.isFinite(declared);
  if (sized && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  // A declared length is counted against the bytes in flight before any of it is read (or invited).
  const refusal = sized ? lease?.grow(declared) : undefined;
  if (refusal !== undefined) return Promise.reject(new BodyBudgetError(refusal));
  if (res && expectsContinue(req)) res.writeContinue();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      // A body of no declared length (chunked) is counted as it arrives, and cut where it would cross.
      const refusal = size > limit || sized ? undefined : lease?.grow(chunk.length);
      if (size > limit || refusal !== undefined) {
        over = true;
        chunks.length = 0;
        reject(refusal !== undefined ? new BodyBudgetError(refusal) : new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.once("error", reject);
    // A client that goes away mid-body: settle instead of waiting for an end that never comes.
    req.once("close", () => {
      if (!req.complete) reject(new ClientGoneError());
    });
  });
}

/** Whether node handed this request to the checkContinue listener (HTTP/1.1 with `Expect: 100-continue`). */
function expectsContinue(req: IncomingMessage): boolean {
  return req.httpVersion === "1.1" && /(?:^|\W)100-continue(?:$|\W)/i.test(req.headers.expect ?? "");
}

/**
 * A value a client sent (a header, a request target), shown in an answer: JSON-quoted, cut at `max` characters, with
 * any credential in it withheld (`[redacted]`: a URL's userinfo, a query parameter named like a credential, an
 * Authorization value, a JWT), as in every text toolwright shows. A request target `http://user:pass@host/mcp`, a
 * Host `user:pass@host` and an Origin with either were answered with the credential in the error message.
 */
export function shownValue(value: string, max = 40): string {
  // Credentials withheld before the cut (a userinfo, an `access_token=`), so that no cut leaves half of one shown.
  const safe = withheld(value);
  return JSON.stringify(safe.length > max ? `${safe.slice(0, max)}...` : safe);
}

/**
 * Why a POST body cannot be read as the JSON text it is taken for, by its headers (answered 415 before it is
 * read), else undefined. The body is read as UTF-8 bytes, as JSON text is (RFC 8259 8.1): a body its headers say
 * is compressed (`Content-Encoding: gzip`, `br`, ...) or in another charset (`charset=utf-16`) was parsed as its
 * raw bytes, so a gzipped one failed as "Invalid JSON" and one declared `br` but sent plain was run, while a proxy
 * or filter in front, reading the body as its headers describe it, saw something else.
 */
export function unreadableBody(req: IncomingMessage): string | undefined {
  const coding = req.headers["content-encoding"];
  if (coding !== undefined) {
    const codings = coding
      .split(",")
      .map((c) => c.trim().toLowerCase())
      .filter((c) => c !== "" && c !== "identity");
    if (codings.length > 0)
      return `the request body is encoded (Content-Encoding ${shownValue(coding)}); send it unencoded`;
  }
  const named = declaredCharset(req);
  if (named !== undefined && !/^utf-?8$/i.test(named) && !ASCII_LABELS.has(named.toLowerCase()))
    return `the request body is read as UTF-8, as JSON text is (RFC 8259), not as charset ${shownValue(named)}`;
  return undefined;
}

function declaredCharset(req: IncomingMessage): string | undefined {
  const charset = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(req.headers["content-type"] ?? "");
  return charset ? (charset[1] ?? charset[2] ?? "") : undefined;
}

/** Answers a body `unreadableBody` found unreadable: 415, before it is read (a bounded amount is drained). */
export function refuseUnreadableBody(res: ServerResponse, why: string): void {
  sendJson(res, 415, jsonRpcError(`Unsupported Media Type: ${why}`), { "accept-encoding": "identity" });
}

/**
 * Why a body read is not the text it is taken for, else undefined: UTF-8 (JSON's only encoding: bytes that are not
 * were decoded as U+FFFD before), or, declared US-ASCII (a subset of UTF-8, served since corpus17: it was refused
 * 415), ASCII: a byte past 0x7f is not what the header says, which a proxy or filter in front reads otherwise.
 */
export function unreadableText(body: Buffer, req: IncomingMessage): string | undefined {
  const named = declaredCharset(req);
  if (named !== undefined && ASCII_LABELS.has(named.toLowerCase()))
    return isAscii(body)
      ? undefined
      : `the request body is not US-ASCII text, as its Content-Type says (charset ${shownValue(named)})`;
  return isUtf8(body) ? undefined : "the request body is not UTF-8 text (JSON text is UTF-8, RFC 8259)";
}

/**
 * Headers the gate consumed that go no further: the SDK hands request headers to handlers (`requestInfo`), and
 * the client's credential must not travel past the check that accepted it (handlers learn who called through
 * `authInfo`, which holds no token).
 */
const GATE_ONLY_HEADERS = new Set(["authorization", "proxy-authorization"]);

/** How much of a body still coming when its request is answered is read (and dropped). */
export const UNREAD_BODY_LIMIT = 1024 * 1024;

/**
 * How long a connection closed after an answer is kept once the answer is written, for its client to read it:
 * Apache's lingering close waits 2 s for each read, Go's server 0.5 s before it closes a connection it did not read
 * to the end; nginx waits up to 5 s between reads.
 */
export const LINGER_MS = 2_000;

/**
 * How much a connection closing in stages (`closeInStages`) still reads once its answer is written before it stops
 * reading, as much as `settleUnreadBody` drops of a body's rest. Before, what a client kept sending in the linger was
 * read without a bound: the tunnel bytes after a refused CONNECT (some 840 MB in the 2 s, on loopback), or request
 * after pipelined request, none of them served.
 */
export const LINGER_READ_LIMIT = UNREAD_BODY_LIMIT;

/** Requests whose unread body is settled (once each). */
const settled = new WeakSet<IncomingMessage>();

/** Connections whose last answer says `Connection: close` for a body left unread: no request after it is served. */
const closing = new WeakSet<Socket>();

/** Connections closing in stages: their answer written, their sending side ended, their reads counted. */
const lingering = new WeakSet<Socket>();

/** Whether the request has a body (a declared length above 0, or chunked) that has not all arrived yet. */
function bodyStillComing(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && Number(length) !== 0);
}

/**
 * Called before an answer is written: a request answered while its body has not all arrived (refused before it is
 * read: 401, 403, 404, 415, 503, 429; or cut part-way: 413, or the bytes in flight). node would read and drop the
 * rest of the body, however large, for up to the request timeout; closing the socket instead while the client still
 * sends resets the connection, and a client still writing its body can see the reset and never the answer (the
 * revert of 93d394e: `write ECONNRESET` instead of the 413). So: a rest of declared length within
 * `UNREAD_BODY_LIMIT` is read and dropped and the connection kept; any other answer says `Connection: close`, at
 * most `UNREAD_BODY_LIMIT` more is read and dropped, then reading stops (the client's sending stalls; nothing is
 * reset), and the connection is closed in stages (`closeInStages`).
 */
export function settleUnreadBody(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent || settled.has(req) || !bodyStillComing(req)) return;
  settled.add(req);
  const declared = Number(req.headers["content-length"]);
  if (!(Number.isFinite(declared) && declared <= UNREAD_BODY_LIMIT && !req.readableDidRead)) {
    res.setHeader("connection", "close");
    closing.add(req.socket);
  }
  dropUnread(req);
}

/** Reads and drops at most `UNREAD_BODY_LIMIT` more of the request's body, then stops reading it. */
function dropUnread(req: IncomingMessage): void {
  let dropped = 0;
  const drop = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped <= UNREAD_BODY_LIMIT) return;
    // No more is read: node's parser stops reading the socket once the request's buffer is full.
    req.off("data", drop);
    req.pause();
  };
  req.on("data", drop);
}

/**
 * Passes over a request that came on a connection being closed after an answer that said so (pipelined after it,
 * or sent on a connection answered 503 at `--max-connections`), and returns true; false for any other request. It
 * is not served and not answered (RFC 9112 9.6): its body is read as `settleUnreadBody` reads one, and the
 * connection goes as `closeInStages` closes it. Destroying the socket here instead reset a client still sending,
 * which then lost the answer before (the 503 of a connection over the bound: `write EPIPE`).
 */
export function passedOver(req: IncomingMessage): boolean {
  if (!closing.has(req.socket)) return false;
  dropUnread(req);
  return true;
}

/**
 * A connection the server closes after an answer (one saying `Connection: close`, which node ends with the socket's
 * `destroySoon`: the answer flushed, then the socket destroyed at once) is closed in stages instead, as RFC 9112
 * 9.6 asks and nginx's lingering close does: its sending side is ended once the answer is flushed (the client reads
 * the answer and then the end), what the client still sends is read as `settleUnreadBody` allows, and the socket is
 * destroyed when the client has closed its side or `LINGER_MS` after the answer, whichever comes first; past
 * `LINGER_READ_LIMIT` read meanwhile, reading stops (the client's sending stalls). Destroying it at once, with the
 * client's body still arriving, reset the connection (a socket closed with unread data sends a reset, and drops what
 * it had not yet sent, the answer with it): so is a client cut off at the bound, which then lost its answer too.
 */
export function closeInStages(socket: Socket): void {
  socket.destroySoon = () => {
    closing.add(socket);
    if (socket.destroyed || lingering.has(socket)) return;
    lingering.add(socket);
    if (!socket.writableEnded) socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
    capReads(socket);
  };
}

/** Connections whose reads are counted against `LINGER_READ_LIMIT`, with the listener counting them. */
const capped = new WeakMap<Socket, (chunk: Buffer) => void>();

/**
 * Stops reading the socket once it has read `LINGER_READ_LIMIT` more (counted from the first call on). Counted as
 * read: a listener of 'data' takes the socket back from node's parser, which still parses what comes through its own
 * listener (requests passed over, `passedOver`), and a socket paused (a body's rest no longer read) is not read at
 * all. Paused again past the bound, however often node resumes it (a request's body dumped once it is answered).
 */
export function capReads(socket: Socket): void {
  if (capped.has(socket)) return;
  let read = 0;
  const count = (chunk: Buffer) => {
    read += chunk.length;
    if (read > LINGER_READ_LIMIT) socket.pause();
  };
  capped.set(socket, count);
  socket.on("data", count);
}

/**
 * Hands no more of the connection to node's parser (after an error it would report the same one for each chunk):
 * what comes next is dropped, and no more read past `LINGER_READ_LIMIT`. The parser's listener of 'data' goes (it
 * reads through it), and `capReads` takes the socket back where the parser read it directly.
 */
export function stopParsing(socket: Socket): void {
  const count = capped.get(socket);
  for (const listener of socket.listeners("data")) {
    if (listener !== count) socket.off("data", listener as (chunk: Buffer) => void);
  }
  capReads(socket);
}

export function toWebRequest(
  req: IncomingMessage,
  url: string,
  body: Buffer | undefined,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || GATE_ONLY_HEADERS.has(name.toLowerCase())) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = req.method ?? "GET";
  return new Request(url, {
    method,
    headers,
    signal,
    ...(body !== undefined && method !== "GET" && method !== "HEAD" ? { body: new Uint8Array(body) } : {}),
  });
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding"]);

/** What ends a relayed answer: `seen` is handed each chunk relayed, and `last()`'s bytes (if any) follow the last. */
export interface StreamEnd {
  seen(chunk: Uint8Array): void;
  last(): Uint8Array | undefined;
}

/**
 * Writes a web Response to `res`, at the pace its client reads; resolves when the body ended or the client went
 * away. Once `watch.after` is aborted (the request timeout), a client that has taken none of its answer for a whole
 * `watch.periodMs` while the answer waits for it has its connection closed, and true is returned: waiting on for its
 * reads held the request's place among those served at once (`--max-requests`) for as long as the client kept its
 * socket open, so clients that posted and never read took every place from the others. A client still taking its
 * answer, however slowly, is sent it whole (see `stallWatch` for what counts as taking).
 */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  extraHeaders: Record<string, string> = {},
  watch?: AnswerWatch,
  end?: StreamEnd,
): Promise<boolean> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    // Connection management is node's: it then announces `Keep-Alive: timeout=<s>`, by which clients (undici)
    // drop idle sockets before the server closes them.
    if (name === "set-cookie" || HOP_BY_HOP.has(name)) return;
    headers[name] = value;
  });
  settleUnreadBody(res.req, res);
  res.writeHead(response.status, { ...headers, ...extraHeaders });
  if (!response.body) {
    res.end();
    return false;
  }
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => {});
  res.once("close", gone);
  const stalled = watch && stallWatch(res, watch);
  try {
    if (!(await relay(reader, res, stalled?.signal, end))) {
      res.destroy();
      return true;
    }
  } finally {
    stalled?.stop();
    res.off("close", gone);
    if (!res.writableEnded && !res.destroyed) res.end();
  }
  return false;
}

/** Writes the stream's chunks, then `end`'s last bytes; false when `stalled` aborted while a write waited. */
async function relay(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  res: ServerResponse,
  stalled: AbortSignal | undefined,
  end: StreamEnd | undefined,
): Promise<boolean> {
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      end?.seen(value);
      if (!(await writeAtPace(res, value, stalled))) return false;
    }
  } catch {
    // The stream was cancelled (client gone, request aborted): nothing more of it to write.
  }
  const last = end?.last();
  return last === undefined || res.destroyed || writeAtPace(res, last, stalled);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const text = JSON.stringify(body);
  settleUnreadBody(res.req, res);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...headers,
  });
  res.end(text);
}

/**
 * The answer to a request whose id is a number a double does not hold as written (`inexactRequestId`: an integer
 * beyond ±2^53, or a decimal with more digits than a double keeps): -32600 under the id as the client wrote it (the
 * SDK would answer under the rounded one, which names another request), nothing run.
 */
export function inexactIdError(id: ExactNumber) {
  return {
    jsonrpc: "2.0",
    error: {
      code: -32600,
      message: `Invalid Request: request id ${id.rawJSON.length > 80 ? `${id.rawJSON.slice(0, 80)}…` : id.rawJSON} is a number a double does not hold as written (an integer beyond ±2^53 = 9007199254740991, or more digits than a double keeps), which a JSON-RPC reader rounds, so no answer could name it exactly; nothing was run (use a string id, or an integer within ±9007199254740991)`,
    },
    id,
  };
}

/** A JSON-RPC error body for answers given outside the MCP handler (no request id is known). */
export function jsonRpcError(message: string) {
  return { jsonrpc: "2.0", error: { code: -32000, message }, id: null };
}
