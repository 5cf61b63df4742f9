import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { type OnMessage, wrapOnMessage } from "./stdio-wrap.js";

/**
 * `initialize` is a connection's first request, sent once (MCP lifecycle: it negotiates the revision and both
 * sides' capabilities for the whole connection). The SDK's legacy server answered a second one on the same stdio
 * connection as it did the first, so a client could switch the connection's revision and capabilities midway; the
 * SDK's stateful HTTP transport refuses it ("Server already initialized"), and stateless HTTP serves each POST on a
 * connection of its own (a batch of two is refused by the SDK). Here a later `initialize` is answered -32600 while
 * an earlier one is being answered or was answered with a result; one answered with an error may be sent again.
 */

type Id = string | number;

interface Wrappable {
  onmessage?: OnMessage | undefined;
  send(message: JSONRPCMessage, ...rest: never[]): Promise<void>;
}

export const ALREADY_INITIALIZED =
  "Invalid Request: this connection is already initialized; initialize is sent once, as its first request (open a new connection to negotiate again)";

export function refuseSecondInitialize(transport: Wrappable, onError: (error: Error) => void): void {
  /** The id of the initialize handed on, until it is answered with an error; then none. */
  let first: { id: Id } | undefined;
  const send = transport.send.bind(transport);
  transport.send = (message, ...rest) => {
    const m = message as { id?: unknown; error?: unknown };
    if (first && m.id === first.id && m.error !== undefined) first = undefined;
    return send(message, ...rest);
  };
  wrapOnMessage(transport, (next) => (message, extra) => {
    const m = message as { method?: unknown; id?: unknown };
    if (m.method === "initialize" && (typeof m.id === "string" || typeof m.id === "number")) {
      if (first) {
        send({
          jsonrpc: "2.0",
          id: m.id,
          error: { code: -32600, message: ALREADY_INITIALIZED },
        } as JSONRPCMessage).catch((error) => onError(new Error(`Failed to send response: ${error}`)));
        return;
      }
      first = { id: m.id };
    }
    next(message, extra);
  });
}
