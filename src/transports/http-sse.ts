import type { IncomingMessage, ServerResponse } from "node:http";
import { inexactRequestId, parseClientJson } from "../executors/json-text.js";
import type { ServerFactory } from "../mcp/server.js";
import { describeError, logLine } from "../telemetry/log.js";
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
  boundUnreadBody,
  inexactIdError,
  jsonRpcError,
  refuseUnreadableBody,
  sendJson,
  unreadableBody,
  unreadableText,
} from "./http-node.js";
import { shownId } from "./shown-id.js";

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
 * take every stream from the others. Callers of the static key are not told apart: they share the whole budget.
 */
export const DEFAULT_MAX_SSE_SESSIONS_PER_CALLER = 10;
/**
 * What a stream may hold unsent before its next message (its client reads nothing): beyond it the stream is closed.
 * Each POST is answered 202 at once and its answer written to the stream, so a client that posted and never read
 * made this process buffer every answer, without bound. One message larger than this still goes out whole.
 */
export const SSE_UNSENT_LIMIT = 16 * 1024 * 1024;

interface Session {
  transport: SseTransport;
  /** Who opened the stream: only they may post to it. */
  caller: string;
  /**
   * Requests posted to it that are not answered yet (nor cancelled), by id, each with the release of its place
   * among the requests this process serves at once (`--max-requests`, shared with `/mcp` and every stream).
   */
  pending: Map<string | number, () => void>;
  close(): void;
}

/** The part of the SDK's SSEServerTransport used here. */
interface SseTransport {
  readonly sessionId: string;
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

  /** Open streams by caller (only callers told apart: JWT principals). */
  private readonly perCaller = new Map<string, number>();

  get size(): number {
    return this.sessions.size;
  }

  /** Serves `/sse` and `/messages` (after the Host/Origin checks): authentication first, as on `/mcp`. */
  async serve(endpoint: McpEndpoint, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const decision = await endpoint.authenticate(req.headers.authorization);
    if (!decision.ok) {
      boundUnreadBody(req);
      return refuseUnauthenticated(res, decision, endpoint.metadataUrl());
    }
    endpoint.connections?.trust(req);
    if (path === SSE_PATH) {
      if (req.method !== "GET") return methodNotAllowed(res, "GET", "open the event stream with GET /sse");
      return this.open(req, res, decision.principal);
    }
    if (req.method !== "POST") return methodNotAllowed(res, "POST", "POST messages to the stream's endpoint");
    return this.post(endpoint, req, res, decision.principal);
  }

  private async open(req: IncomingMessage, res: ServerResponse, principal: Principal): Promise<void> {
    if (this.sessions.size >= this.max) {
      return sendJson(res, 503, jsonRpcError(`too many open SSE streams (${this.max})`), {
        "retry-after": "5",
      });
    }
    const caller = principalKey(principal);
    const counted = principal.kind === "jwt";
    if (counted && (this.perCaller.get(caller) ?? 0) >= this.maxPerCaller) {
      return sendJson(
        res,
        429,
        jsonRpcError(
          `too many open SSE streams for this caller (${this.maxPerCaller}): close one before opening another`,
        ),
        { "retry-after": "5" },
      );
    }
    const { SSEServerTransport } = await import("@modelcontextprotocol/sdk/server/sse.js");
    const transport = new SSEServerTransport(MESSAGES_PATH, res);
    const server = this.factory({ era: "legacy" });
    const ping = setInterval(() => res.write(": ping\n\n"), KEEP_ALIVE_MS);
    ping.unref();
    let closed = false;
    const pending = new Map<string | number, () => void>();
    const settle = (id: string | number) => {
      pending.get(id)?.();
      pending.delete(id);
    };
    // An answer on the stream ends its request's turn.
    const send = transport.send.bind(transport);
    transport.send = async (message, ...rest) => {
      try {
        if (res.writableLength > SSE_UNSENT_LIMIT) return dropUnread(session, res);
        await send(message, ...rest);
      } finally {
        const id = (message as { id?: unknown }).id;
        if (("result" in message || "error" in message) && (typeof id === "string" || typeof id === "number"))
          settle(id);
      }
    };
    const session: Session = {
      transport,
      caller,
      pending,
      close: () => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        for (const id of [...pending.keys()]) settle(id);
        this.sessions.delete(transport.sessionId);
        if (counted) this.releaseCaller(caller);
        server.close().catch(() => {});
        if (!res.writableEnded) res.end();
      },
    };
    this.sessions.set(transport.sessionId, session);
    if (counted) this.perCaller.set(caller, (this.perCaller.get(caller) ?? 0) + 1);
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

  /** Gives back one of `caller`'s streams (a counted caller: a JWT principal). */
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
    if (unreadable !== undefined) return refuseUnreadableBody(req, res, unreadable);
    const body = await readBoundedBody(req, res, endpoint.settings.maxBodyBytes);
    if (body === undefined) return;
    const notText = unreadableText(body, req);
    if (notText !== undefined) return refuseNotUtf8(res, notText);
    let parsed: unknown;
    try {
      parsed = parseClientJson(body.toString("utf8"));
    } catch {
      return sendJson(res, 400, jsonRpcError("Parse error: the body is not JSON"));
    }
    const inexact = inexactRequestId(parsed, body);
    if (inexact !== undefined) return sendJson(res, 400, inexactIdError(inexact));
    const refused = admit(session.pending, parsed, endpoint, callerKey(principal, req));
    if (refused) return sendJson(res, refused.status, jsonRpcError(refused.message), refused.headers);
    // What handlers learn about the caller, as on /mcp (never the credential itself).
    (req as IncomingMessage & { auth?: unknown }).auth = authInfoOf(principal);
    await session.transport.handlePostMessage(req, res, parsed);
    // A message the transport refused (400) never runs: its id is free again.
    const posted = (parsed as { id?: unknown } | null)?.id;
    if (res.statusCode >= 400 && (typeof posted === "string" || typeof posted === "number")) {
      session.pending.get(posted)?.();
      session.pending.delete(posted);
    }
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
 * stream: 100 streams do not make 100 times `--max-requests`. A cancellation ends its request's turn.
 */
function admit(
  pending: Map<string | number, () => void>,
  parsed: unknown,
  { settings, requests }: Pick<McpEndpoint, "settings" | "requests">,
  caller: string,
): { status: number; message: string; headers?: Record<string, string> } | undefined {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const m = parsed as { method?: unknown; id?: unknown; params?: { requestId?: unknown } };
  if (m.method === "notifications/cancelled") {
    const cancelled = m.params?.requestId;
    if (typeof cancelled === "string" || typeof cancelled === "number") {
      pending.get(cancelled)?.();
      pending.delete(cancelled);
    }
    return undefined;
  }
  if (typeof m.method !== "string" || (typeof m.id !== "string" && typeof m.id !== "number"))
    return undefined;
  if (pending.has(m.id))
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
  pending.set(m.id, requests.hold(caller));
  return undefined;
}

/** A stream whose client reads nothing ends, its unsent messages dropped (its client reconnects). */
function dropUnread(session: Session, res: ServerResponse): void {
  if (res.destroyed) return;
  logLine(
    `http: an SSE stream left over ${SSE_UNSENT_LIMIT / 1024 / 1024} MiB of messages unread; it was closed`,
  );
  session.close();
  res.destroy();
}

function methodNotAllowed(res: ServerResponse, allow: string, hint: string): void {
  sendJson(res, 405, jsonRpcError(`Method Not Allowed: ${hint}`), { allow });
}
