import type { JSONRPCMessage } from "@modelcontextprotocol/server";

/** A handler of the messages the SDK's stdio transport reads. */
export type OnMessage = (message: JSONRPCMessage, extra?: unknown) => void;

/**
 * Wraps the message handler the SDK sets on `transport`: each handler set from now on is replaced by `wrap(next)`.
 * Composes with a wrapper already defined on it (its accessor is kept, so the earlier wrapper sees each message
 * first); the drain's count, the exact arguments and the direct tool calls are defined in that order.
 */
export function wrapOnMessage(
  transport: { onmessage?: OnMessage | undefined },
  wrap: (next: OnMessage) => OnMessage,
): void {
  const previous = Object.getOwnPropertyDescriptor(transport, "onmessage");
  let own: OnMessage | undefined;
  Object.defineProperty(transport, "onmessage", {
    configurable: true,
    get: () => (previous?.get ? previous.get.call(transport) : own),
    set: (next: OnMessage | undefined) => {
      const wrapped = next && wrap(next);
      if (previous?.set) previous.set.call(transport, wrapped);
      else own = wrapped;
    },
  });
}
