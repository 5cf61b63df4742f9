import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import type { DirectToolCall } from "../mcp/server.js";
import type { ToolCallParams } from "../mcp/tool-call.js";
import { type OnMessage, wrapOnMessage } from "./stdio-wrap.js";

/**
 * tools/call over stdio without the SDK's request dispatch. The SDK's transport has read and checked the line as a
 * JSON-RPC message; for a request it then parses the message again against every message kind, builds the
 * request's context, checks the request against the revision's schema and the handler's result against the result
 * schema, and only then writes the answer. Measured on the ScaiVault read of the bench, that dispatch is most of what
 * a call costs the server above the one-tool SDK server, which pays the same dispatch for a smaller result.
 *
 * A request that is plainly valid, `{"params": {"name": <string>, "arguments": <object>?}}` and nothing else (no
 * `_meta`: no progress token, no request state or answers), for a call the server says may go direct
 * (`DirectToolCall`: an initialized 2025-era connection, a listed tool that never asks the user), is run here and
 * answered on the same transport with `{"result", "jsonrpc", "id"}`, the message the SDK would write. Everything
 * else, invalid requests included, goes to the SDK as before. Kept as the SDK keeps them: a cancelled call
 * (notifications/cancelled) is aborted and gets no answer; an error thrown by the handler is answered as the SDK
 * answers it; a call still running when the connection closes is aborted.
 */

type Id = string | number;

interface Wrappable {
  onmessage?: OnMessage | undefined;
  send(message: JSONRPCMessage): Promise<void>;
}

const PARAM_KEYS = new Set(["name", "arguments"]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** A tools/call request's id and params, when the request is one a direct call may answer. */
function directRequestOf(message: JSONRPCMessage): { id: Id; params: ToolCallParams } | undefined {
  const m = message as { method?: unknown; id?: unknown; params?: unknown };
  if (m.method !== "tools/call" || (typeof m.id !== "string" && typeof m.id !== "number")) return undefined;
  const params = m.params;
  if (!isPlainObject(params) || typeof params.name !== "string") return undefined;
  for (const key in params) if (!PARAM_KEYS.has(key)) return undefined;
  if (params.arguments !== undefined && !isPlainObject(params.arguments)) return undefined;
  return { id: m.id, params: params as unknown as ToolCallParams };
}

function cancelledIdOf(message: JSONRPCMessage): Id | undefined {
  const m = message as { method?: unknown; id?: unknown; params?: unknown };
  if (m.method !== "notifications/cancelled" || m.id !== undefined || !isPlainObject(m.params))
    return undefined;
  const id = m.params.requestId;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** The code the SDK answers a thrown error with (on the 2025 revisions, -32002 is answered as -32602). */
function errorCodeOf(error: unknown): number {
  const code = (error as { code?: unknown } | null)?.code;
  const thrown = typeof code === "number" && Number.isSafeInteger(code) ? code : -32603;
  return thrown === -32002 ? -32602 : thrown;
}

export class StdioToolCalls {
  private readonly running = new Map<Id, AbortController>();

  constructor(
    /** The connection's direct call, once its server exists (undefined: every call goes to the SDK). */
    private readonly direct: () => DirectToolCall | undefined,
    private readonly onError: (error: Error) => void,
  ) {}

  /**
   * Wraps the transport's message handler, innermost: wrappers defined before this one (the drain's count of
   * pending requests, exact arguments) see every message first.
   */
  wrap(transport: Wrappable): void {
    wrapOnMessage(transport, (next) => (message, extra) => {
      if (!this.took(transport, message)) next(message, extra);
    });
  }

  /** Aborts every call still running (the connection is closing). */
  abortAll(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }

  /** Whether the message was handled here (a direct call started); a cancellation is also passed on. */
  private took(transport: Wrappable, message: JSONRPCMessage): boolean {
    const cancelled = cancelledIdOf(message);
    if (cancelled !== undefined) {
      this.running.get(cancelled)?.abort();
      return false;
    }
    const request = directRequestOf(message);
    if (!request || this.running.has(request.id)) return false;
    const call = this.direct();
    if (!call) return false;
    const { id, params } = request;
    const controller = new AbortController();
    const answer = call(params, { id, signal: controller.signal });
    if (!answer) return false;
    this.running.set(id, controller);
    answer
      .then(
        (result) =>
          controller.signal.aborted
            ? undefined
            : transport.send({ result, jsonrpc: "2.0", id } as JSONRPCMessage),
        (error: { message?: unknown; data?: unknown }) => {
          if (controller.signal.aborted) return undefined;
          const message = typeof error?.message === "string" ? error.message : "Internal error";
          const data = error?.data;
          return transport.send({
            jsonrpc: "2.0",
            id,
            error: { code: errorCodeOf(error), message, ...(data !== undefined ? { data } : {}) },
          } as JSONRPCMessage);
        },
      )
      .catch((error) => this.onError(new Error(`Failed to send response: ${error}`)))
      .finally(() => {
        if (this.running.get(id) === controller) this.running.delete(id);
      });
    return true;
  }
}
