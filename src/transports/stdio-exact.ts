import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { exactArgumentsOf } from "../executors/json-text.js";

/**
 * Exact numbers in `tools/call` arguments over stdio. The SDK's stdio transport parses each line with
 * `JSON.parse`, which rounds an integer beyond 2^53 or a decimal with more digits than a double keeps before
 * toolwright sees it. Each line is looked at first (`see`, from the line limiter; only a `tools/call` line with
 * a number token of 16+ digits or an exponent is parsed again): its arguments, read with source text access,
 * are held by request id and put in place of the SDK's when that request is handed on, so the call is refused
 * naming the number (runtime/args.ts) instead of sending it upstream rounded.
 */

/** Lines held for requests the SDK has not handed on yet: a line it rejects leaves one behind, so at most this many. */
const MAX_HELD = 256;

const TOOLS_CALL = Buffer.from('"tools/call"');

interface Wrappable {
  onmessage?: ((message: JSONRPCMessage, extra?: unknown) => void) | undefined;
}

export class ExactArguments {
  private readonly held = new Map<string, unknown[]>();

  /** A line as read (within the size limit), before the SDK parses it. */
  see(line: Buffer): void {
    if (!line.includes(TOOLS_CALL)) return;
    const found = exactArgumentsOf(line.toString("utf8"));
    if (!found) return;
    const key = JSON.stringify(found.id) ?? "";
    if (!this.held.has(key) && this.held.size >= MAX_HELD) {
      this.held.delete(this.held.keys().next().value as string);
    }
    const queue = this.held.get(key) ?? [];
    queue.push(found.arguments);
    this.held.set(key, queue);
  }

  /** Wraps the transport's message handler (composing with any wrapper already defined on it). */
  wrap(transport: Wrappable): void {
    const previous = Object.getOwnPropertyDescriptor(transport, "onmessage");
    let own: Wrappable["onmessage"];
    Object.defineProperty(transport, "onmessage", {
      configurable: true,
      get: () => (previous?.get ? previous.get.call(transport) : own),
      set: (next: Wrappable["onmessage"]) => {
        const wrapped =
          next && ((message: JSONRPCMessage, extra?: unknown) => next(this.exact(message), extra));
        if (previous?.set) previous.set.call(transport, wrapped);
        else own = wrapped;
      },
    });
  }

  private exact(message: JSONRPCMessage): JSONRPCMessage {
    if (this.held.size === 0 || !("method" in message) || message.method !== "tools/call") return message;
    const key = JSON.stringify((message as { id?: unknown }).id) ?? "";
    const queue = this.held.get(key);
    if (!queue) return message;
    const args = queue.shift();
    if (queue.length === 0) this.held.delete(key);
    const params = (message as { params?: Record<string, unknown> }).params;
    if (params) params.arguments = args;
    return message;
  }
}
