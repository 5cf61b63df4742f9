import type { IncomingMessage, ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { RequestTimeout } from "../catalog.js";
import { inexactRequestId, parseClientJson } from "../executors/json-text.js";
import type { ServerFactory } from "../mcp/server.js";
import { describeError, logLine, logRepeated } from "../telemetry/log.js";
import type { Principal } from "./http-auth/authenticate.js";
import { callerKey, principalKey } from "./http-inflight.js";
import {
  authInfoOf,
  callerBusy,
  type McpEndpoint,
  readBoundedBody,
  refuseNotUtf8,
  refuseUnauthenticated,
} from "./http-mcp.js";
import {
  inexactIdError,
  jsonRpcError,
  refuseUnreadableBody,
  sendJson,
  unreadableBody,
  unreadableText,
} from "./http-node.js";
import { logRequestTimeout, REQUEST_TIMEOUT_CODE, requestTimeoutMessage } from "./http-overtime.js";
import { SLICE_BYTES, stallWatch } from "./http-pace.js";
import { shownId } from "./shown-id.js";
import { initializeOnceFirst } from "./stdio-initialize.js";

/**
 * The deprecated HTTP+SSE transport (protocol 2024-11-05), for clients that speak only it: `GET /sse` opens an
 * event stream whose first event names the URL to POST messages to (`/messages?sessionId=...`); answers arrive on
 * the stream. It is served only when asked (`--sse`, or a catalog transport value such as `MCP_TRANSPORT=sse`),
 * next to Streamable HTTP at `/mcp`, behind the same Host/Origin checks (`http.ts` routes here after them) and the
 * same authentication; every call runs through the same catalog server, so every policy applies.
 *
 * The transport itself is the MCP SDK's (`SSEServerTransport` of `@modelcontextprotocol/sdk`, loaded only when SSE
 * is on); the v2 server instance from the catalog's factory is connected to it, pinned to the legacy era for the
 * life of the stream. Unlike `/mcp`, a session lives in this process: a load balancer must send a client's POSTs
 * to the replica holding its stream (sticky sessions).
 */

export const SSE_PATH = "/sse";
export const MESSAGES_PATH = "/messages";
/** Comment lines keep idle streams open through proxies that close silent connections. */
const KEEP_ALIVE_MS = 15_000;
export const DEFAULT_MAX_SSE_SESSIONS = 100;
/**
 * Streams one token holder (a JWT's issuer, subject and client) may hold open at once, so that one caller cannot
 * take every stream from the others. Callers of the static key are told apart by their network (`callerKey`), as
 * for `--max-requests-per-caller`; one such network may hold half of every stream (`staticKeyShare`), since behind a
 * proxy every static-key client has the proxy's address.
 */
export const DEFAULT_MAX_SSE_SESSIONS_PER_CALLER = 10;
/**
 * What a stream may hold unsent before its next message (its client reads nothing): beyond it the stream is closed.
 * Each POST is answered 202 at once and its answer written to the stream, so a client that posted and never read
 * made this process buffer every answer, without bound. One message larger than this still goes out whole.
 */
export const SSE_UNSENT_LIMIT = 16 * 1024 * 1024;

/**
 * Streams one client network of the static key may hold: half of them (a proxy's address may carry many clients),
 * never fewer than a token holder's share.
 */
export function staticKeyShare(max: number, perCaller: number): number {
  return Math.max(perCaller, Math.floor(max / 2));
}

/** A request posted to a stream and not answered yet (nor cancelled). */
interface Call {
  /** Gives back its place among the requests this process serves at once (`--max-requests`, shared with `/mcp`). */
  release(): void;
  /** The call's own request (`CallContext.request`): aborted with a `RequestTimeout` when its time is up. */
  request: AbortController;
  /** The server's request timeout (`--request-timeout`) for this call. */
  timer: NodeJS.Timeout;
}

interface Session {
  transport: SseTransport;
  /** Who opened the stream: only they may post to it. */
  caller: string;
  /** The server's request timeout, in ms: each call's, and how long a client may take nothing of its backlog. */
  requestTimeoutMs: number;
  /** Requests posted to it in flight, by id. */
  pending: Map<string | number, Call>;
  /** Ends the turn of the request `id`: its place given back, its timer stopped. */
  settle(id: string | number): void;
  /** Ends the request `id` at the server's request timeout: aborted, answered the timeout's error. */
  expire(id: string | number): void;
  close(): void;
}

/** The part of the SDK's SSEServerTransport used here. */
interface SseTransport {
  readonly sessionId: string;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  send(message: JSONRPCMessage): Promise<void>;
  handlePostMessage(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<void>;
  close(): Promise<void>;
}

export class SseSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly factory: ServerFactory,
    private readonly max: number = DEFAULT_MAX_SSE_SESSIONS,
    private readonly maxPerCaller: number = DEFAULT_MAX_SSE_SESSIONS_PER_CALLER,
  ) {}

  /** Open streams by caller (`callerKey`: a JWT's holder, or the static key's client network). */
  private readonly perCaller = new Map<string, number>();

  get size(): number {
    return this.sessions.size;
  }

  /** Serves `/sse` and `/messages` (after the Host/Origin checks): authentication first, as on `/mcp`. */
  async serve(endpoint: McpEndpoint, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const decision = await endpoint.authenticate(req.headers.authorization);
    if (!decision.ok) {
      return refuseUnauthenticated(res, decision, endpoint.metadataUrl());
    }
    endpoint.connections?.trust(req);
    if (path === SSE_PATH) {
      if (req.method !== "GET") return methodNotAllowed(res, "GET", "open the event stream with GET /sse");
      return this.open(req, res, decision.principal, endpoint.settings.requestTimeoutMs);
    }
    if (req.method !== "POST") return methodNotAllowed(res, "POST", "POST messages to the stream's endpoint");
    return this.post(endpoint, req, res, decision.principal);
  }

  private async open(
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal,
    requestTimeoutMs: number,
  ): Promise<void> {
    if (this.sessions.size >= this.max) {
      return sendJson(res, 503, jsonRpcError(`too many open SSE streams (${this.max})`), {
        "retry-after": "5",
      });
    }
    const caller = principalKey(principal);
    // Counted by network for the static key, whose holders are not told apart: one client on it held every stream
    // (the whole budget), so every other client, an OAuth token's holder too, was refused 503.
    const counter = callerKey(principal, req);
    const share = principal.kind === "jwt" ? this.maxPerCaller : staticKeyShare(this.max, this.maxPerCaller);
    if ((this.perCaller.get(counter) ?? 0) >= share) {
      return sendJson(
        res,
        429,
        jsonRpcError(
          `too many open SSE streams for this caller (${share}): close one before opening another`,
        ),
        { "retry-after": "5" },
      );
    }
    const { SSEServerTransport } = await import("@modelcontextprotocol/sdk/server/sse.js");
    const transport = new SSEServerTransport(MESSAGES_PATH, res);
    const pending = new Map<string | number, Call>();
    const server = this.factory({ era: "legacy", requestOf: (id) => pending.get(id)?.request.signal });
    const { writer, watch } = pacedStream(res, requestTimeoutMs);
    const ping = setInterval(() => writer.write(Buffer.from(": ping\n\n")), KEEP_ALIVE_MS);
    ping.unref();
    let closed = false;
    const settle = (id: string | number) => {
      const call = pending.get(id);
      if (!call) return;
      pending.delete(id);
      clearTimeout(call.timer);
      call.release();
    };
    const session: Session = {
      transport,
      caller,
      requestTimeoutMs,
      pending,
      settle,
      expire: (id) => expire(session, id),
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        watch.stop();
        for (const id of [...pending.keys()]) settle(id);
        this.sessions.delete(transport.sessionId);
        this.releaseCaller(counter);
        server.close().catch(() => {});
        if (!res.writableEnded) res.end();
      },
    };
    sendAtPace(session, res, writer);
    keepLifecycle(transport);
    watch.signal.addEventListener("abort", () => dropStalled(session, res), { once: true });
    this.sessions.set(transport.sessionId, session);
    this.perCaller.set(counter, (this.perCaller.get(counter) ?? 0) + 1);
    res.once("close", session.close);
    req.socket.setTimeout(0);
    try {
      // The SDK's Transport types differ between its v1 and v2 packages; the shapes the server uses agree.
      await server.connect(transport as unknown as Parameters<typeof server.connect>[0]);
    } catch (error) {
      logLine(`http: cannot open an SSE stream: ${describeError(error)}`);
      session.close();
    }
  }

  /** Gives back one of `caller`'s streams (`callerKey`). */
  private releaseCaller(caller: string): void {
    const left = (this.perCaller.get(caller) ?? 1) - 1;
    if (left > 0) this.perCaller.set(caller, left);
    else this.perCaller.delete(caller);
  }

  private async post(
    endpoint: McpEndpoint,
    req: IncomingMessage,
    res: ServerResponse,
    principal: Principal,
  ): Promise<void> {
    const id = new URL(req.url ?? "/", "http://localhost").searchParams.get("sessionId") ?? "";
    const session = this.sessions.get(id);
    // Another caller's session reads as unknown: a session id is no credential.
    if (!session || session.caller !== principalKey(principal)) {
      return sendJson(res, 404, jsonRpcError("unknown SSE session: open a new stream with GET /sse"));
    }
    const unreadable = unreadableBody(req);
    if (unreadable !== undefined) return refuseUnreadableBody(res, unreadable);
    const lease = endpoint.bodies?.lease(callerKey(principal, req));
    let body: Buffer | undefined;
    try {
      body = await readBoundedBody(req, res, endpoint.settings.maxBodyBytes, endpoint.bodies, lease);
    } finally {
      // Held while it is read: parsed, it is handed to the stream's server and this request answered 202.
      lease?.release();
    }
    if (body === undefined) return;
    const notText = unreadableText(body, req);
    if (notText !== undefined) return refuseNotUtf8(res, notText);
    let parsed: unknown;
    try {
      parsed = parseClientJson(body.toString("utf8"));
    } catch {
      return refuseNotUtf8(res, "the body is not JSON");
    }
    const inexact = inexactRequestId(parsed, body);
    if (inexact !== undefined) return sendJson(res, 400, inexactIdError(inexact));
    const refused = admit(session, parsed, endpoint, callerKey(principal, req));
    if (refused) return sendJson(res, refused.status, jsonRpcError(refused.message), refused.headers);
    // What handlers learn about the caller, as on /mcp (never the credential itself).
    (req as IncomingMessage & { auth?: unknown }).auth = authInfoOf(principal);
    await session.transport.handlePostMessage(req, res, parsed);
    // A message the transport refused (400) never runs: its id is free again.
    const posted = (parsed as { id?: unknown } | null)?.id;
    if (res.statusCode >= 400 && (typeof posted === "string" || typeof posted === "number"))
      session.settle(posted);
  }

  /** Ends every stream (shutdown): clients see the stream close and reconnect. */
  closeAll(): void {
    for (const session of [...this.sessions.values()]) session.close();
  }
}

/**
 * Whether a message posted to a session may go on: a request reusing the id of one of the session's requests
 * still in flight is refused (400; the SDK would run both and answer both under one id, as over stdio), and one
 * beyond `--max-requests` in flight is answered 503 (each POST is answered 202 at once, so without a bound one
 * stream could run any number of calls together). The bound is the process's, shared with `/mcp` and every other
 * stream: 100 streams do not make 100 times `--max-requests`. A cancellation ends its request's turn. A request
 * admitted runs for at most the server's request timeout, as on `/mcp`.
 */
function admit(
  session: Session,
  parsed: unknown,
  { settings, requests }: Pick<McpEndpoint, "settings" | "requests">,
  caller: string,
): { status: number; message: string; headers?: Record<string, string> } | undefined {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const m = parsed as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
  if (m.method === "notifications/cancelled") {
    const cancelled = m.params?.requestId;
    if (typeof cancelled === "string" || typeof cancelled === "number") session.settle(cancelled);
    return undefined;
  }
  if (typeof m.method !== "string" || (typeof m.id !== "string" && typeof m.id !== "number"))
    return undefined;
  if (session.pending.has(m.id))
    return {
      status: 400,
      message: `Invalid Request: request id ${shownId(m.id)} is already in use by a request still in flight on this stream; the duplicate was not run (use a new id for each request)`,
    };
  if (requests.size >= settings.maxRequests)
    return {
      status: 503,
      message: `Service Unavailable: ${settings.maxRequests} requests are being served; retry shortly`,
      headers: { "retry-after": "1" },
    };
  // One caller's calls on its streams count against --max-requests-per-caller with its /mcp requests.
  if (requests.heldBy(caller) >= settings.maxRequestsPerCaller)
    return { status: 429, message: callerBusy(settings), headers: { "retry-after": "1" } };
  const id = m.id;
  session.pending.set(id, {
    release: requests.hold(caller),
    request: new AbortController(),
    timer: setTimeout(() => session.expire(id), settings.requestTimeoutMs),
  });
  return undefined;
}

/**
 * The server's request timeout ending a call posted to a stream, as on `/mcp` (`http-overtime.ts`): its request is
 * aborted with a `RequestTimeout` (so the call stops saying timeout, and its audit record says `request_timeout`),
 * the SDK stops its handler as a client's cancellation would (it then answers nothing for it), and the client is
 * sent the timeout's JSON-RPC error on the stream, which ends the request's turn.
 */
function expire(session: Session, id: string | number): void {
  const call = session.pending.get(id);
  if (!call) return;
  const { transport, requestTimeoutMs } = session;
  call.request.abort(new RequestTimeout(requestTimeoutMs));
  transport.onmessage?.({
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: id, reason: "the server's request timeout" },
  });
  logRequestTimeout(requestTimeoutMs);
  const error = { code: REQUEST_TIMEOUT_CODE, message: requestTimeoutMessage(requestTimeoutMs) };
  transport.send({ jsonrpc: "2.0", id, error }).catch(() => session.settle(id));
}

/**
 * A stream's writer: what it is given goes to the socket one slice (64 KiB) at a time, the next once the kernel took
 * the one before, so that each slice taken is a sign the client reads (`taken`). Written at once, a backlog goes out
 * as one write that completes only once all of it was sent: a client reading it slowly would look like one reading
 * nothing. `writing` is true while a slice waits for the client.
 */
class SliceWriter {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  writing = false;
  taken: () => void = () => {};

  constructor(private readonly res: ServerResponse) {}

  /** Bytes given and not yet taken by the kernel. */
  get unsent(): number {
    return this.queued + this.res.writableLength;
  }

  write(frame: Buffer): void {
    for (let at = 0; at < frame.length; at += SLICE_BYTES) {
      const slice = frame.length <= SLICE_BYTES ? frame : frame.subarray(at, at + SLICE_BYTES);
      this.queue.push(slice);
      this.queued += slice.length;
    }
    if (!this.writing) this.next();
  }

  private next(): void {
    const slice = this.queue.shift();
    this.writing = slice !== undefined && !this.res.destroyed;
    if (!this.writing || slice === undefined) return;
    this.queued -= slice.length;
    this.res.write(slice, (error) => {
      this.writing = false;
      if (error) return;
      this.taken();
      this.next();
    });
  }
}

/** A stream's writer, and the watch on its client: from the start, one that takes nothing of what waits for it for a whole period loses its stream. */
function pacedStream(res: ServerResponse, periodMs: number) {
  const writer = new SliceWriter(res);
  const watch = stallWatch(res, { after: AbortSignal.abort(), periodMs, waiting: () => writer.writing });
  writer.taken = watch.taken;
  return { writer, watch };
}

/**
 * Writes the stream's messages (in place of the SDK's own write) through its `SliceWriter`. An answer is its
 * request's turn's end; past `SSE_UNSENT_LIMIT` unsent, the stream is closed instead.
 */
function sendAtPace(session: Session, res: ServerResponse, writer: SliceWriter): void {
  const { transport } = session;
  transport.send = async (message) => {
    try {
      if (writer.unsent > SSE_UNSENT_LIMIT) return dropUnread(session, res);
      if (res.writableEnded || res.destroyed) throw new Error("Not connected");
      writer.write(Buffer.from(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
    } finally {
      const id = (message as { id?: unknown }).id;
      if (("result" in message || "error" in message) && (typeof id === "string" || typeof id === "number"))
        session.settle(id);
    }
  };
}

/** A stream whose client took nothing of what waits for it for a whole request timeout ends (it reconnects). */
function dropStalled(session: Session, res: ServerResponse): void {
  if (res.destroyed) return;
  logRepeated(
    "http: stalled SSE streams closed",
    `http: an SSE stream's client had taken nothing of what waited for it for ${session.requestTimeoutMs} ms; it was closed`,
  );
  session.close();
  res.destroy();
}

/** A stream whose client reads nothing ends, its unsent messages dropped (its client reconnects). */
function dropUnread(session: Session, res: ServerResponse): void {
  if (res.destroyed) return;
  logRepeated(
    "http: unread SSE streams closed",
    `http: an SSE stream left over ${SSE_UNSENT_LIMIT / 1024 / 1024} MiB of messages unread; it was closed`,
  );
  session.close();
  res.destroy();
}

/**
 * A stream's lifecycle as over stdio: a request before initialize (but ping) and a second initialize are answered
 * -32600 on the stream, nothing of them run (the answer also ends the request's turn). The SDK's server ran them.
 */
function keepLifecycle(transport: SseTransport): void {
  initializeOnceFirst(
    // The v1 SDK's transport types `onmessage`'s second argument; the wrapper passes it on as it came.
    transport as unknown as Parameters<typeof initializeOnceFirst>[0],
    (error) => logLine(`http: SSE stream: ${describeError(error)}`),
    logRefusedEarly,
  );
}

function logRefusedEarly(method: string): void {
  logRepeated(
    "http: SSE requests before initialize",
    `http: an SSE stream's ${method.slice(0, 40)} request before initialize was answered with -32600 Invalid Request`,
  );
}

function methodNotAllowed(res: ServerResponse, allow: string, hint: string): void {
  sendJson(res, 405, jsonRpcError(`Method Not Allowed: ${hint}`), { allow });
}
