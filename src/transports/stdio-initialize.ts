import { type JSONRPCMessage, PROTOCOL_VERSION_META_KEY } from "@modelcontextprotocol/server";
import { logRepeated } from "../telemetry/log.js";
import { type OnMessage, wrapOnMessage } from "./stdio-wrap.js";

/**
 * `initialize` is a 2025-era connection's first request, sent once (MCP lifecycle: it negotiates the revision and
 * both sides' capabilities for the whole connection).
 *
 * Sent again: the SDK's legacy server answered a second one on the same stdio connection as it did the first, so a
 * client could switch the connection's revision and capabilities midway; the SDK's stateful HTTP transport refuses it
 * ("Server already initialized"), and stateless HTTP serves each POST on a connection of its own (a batch of two is
 * refused). Here a later `initialize` is answered -32600 while an earlier one is being answered or was answered with
 * a result; one answered with an error may be sent again.
 *
 * Not sent yet: the SDK's legacy server answered tools/list and ran tools/call sent before any `initialize`, where its
 * stateful HTTP transport refuses them ("Server not initialized"): a call ran on a connection that had negotiated no
 * revision and no capabilities. Here a request before an `initialize` was handed on (or after the only one was
 * answered with an error) is answered -32600 saying so, except `ping` (the lifecycle lets a client ping before
 * initializing); nothing of it runs, and the client may initialize next. A 2026-07-28 connection has no `initialize`:
 * a request carrying the revision's per-request envelope (`_meta` naming the protocol version) opens it, as the SDK
 * reads it, and nothing is refused here from then on. Notifications are handed on as before (none is answered).
 *
 * The legacy HTTP+SSE transport (`http-sse.ts`) keeps a session on one server instance as stdio does, and the SDK's
 * server behaved there as over stdio: its streams are wrapped the same way.
 */

type Id = string | number;

interface Wrappable {
  onmessage?: OnMessage | undefined;
  send(message: JSONRPCMessage, ...rest: never[]): Promise<void>;
}

export const ALREADY_INITIALIZED =
  "Invalid Request: this connection is already initialized; initialize is sent once, as its first request (open a new connection to negotiate again)";

export const NOT_INITIALIZED =
  "Invalid Request: this connection is not initialized; send initialize first and wait for its result (only ping may come before it), or the 2026-07-28 per-request _meta envelope; nothing of this request was run";

/** Whether a message's params carry the 2026-07-28 envelope claim (`_meta` naming a protocol version), as the SDK reads it. */
function claimsModernEnvelope(params: unknown): boolean {
  if (params === null || typeof params !== "object" || Array.isArray(params)) return false;
  const meta = (params as { _meta?: unknown })._meta;
  return (
    meta !== null && typeof meta === "object" && !Array.isArray(meta) && PROTOCOL_VERSION_META_KEY in meta
  );
}

function logRefusedEarly(method: string): void {
  logRepeated(
    "stdio: requests before initialize",
    `stdio: a ${method.slice(0, 40)} request before initialize was answered with -32600 Invalid Request`,
  );
}

export function initializeOnceFirst(
  transport: Wrappable,
  onError: (error: Error) => void,
  onRefusedEarly: (method: string) => void = logRefusedEarly,
): void {
  /** The id of the initialize handed on, until it is answered with an error; then none. */
  let first: { id: Id } | undefined;
  /** A 2026-07-28 request opened the connection: it has no initialize. */
  let modern = false;
  const send = transport.send.bind(transport);
  transport.send = (message, ...rest) => {
    const m = message as { id?: unknown; error?: unknown };
    if (first && m.id === first.id && m.error !== undefined) first = undefined;
    return send(message, ...rest);
  };
  const refuse = (id: Id, message: string) =>
    send({ jsonrpc: "2.0", id, error: { code: -32600, message } } as JSONRPCMessage).catch((error) =>
      onError(new Error(`Failed to send response: ${error}`)),
    );
  wrapOnMessage(transport, (next) => (message, extra) => {
    const m = message as { method?: unknown; id?: unknown; params?: unknown };
    const request = typeof m.method === "string" && (typeof m.id === "string" || typeof m.id === "number");
    if (request && m.method === "initialize") {
      if (first) {
        refuse(m.id as Id, ALREADY_INITIALIZED);
        return;
      }
      if (!modern) first = { id: m.id as Id };
    } else if (request && !first && !modern) {
      if (claimsModernEnvelope(m.params)) modern = true;
      else if (m.method !== "ping") {
        onRefusedEarly(m.method as string);
        refuse(m.id as Id, NOT_INITIALIZED);
        return;
      }
    }
    next(message, extra);
  });
}
