import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { isExactNumber } from "../catalog.js";
import { exactArgumentsOf, mayHoldLongNumber } from "../executors/json-text.js";
import { type OnMessage, wrapOnMessage } from "./stdio-wrap.js";

/**
 * Exact numbers in `tools/call` arguments over stdio. The SDK's stdio transport parses each line with
 * `JSON.parse`, which rounds an integer beyond 2^53 or a decimal with more digits than a double keeps before
 * toolwright sees it. Each line is looked at first (`see`, from the line limiter; only a `tools/call` line with
 * a number token of 16+ digits or an exponent, found on its bytes, is decoded and parsed again): its arguments,
 * read with source text access, are held by request id and put in place of the SDK's when that request is
 * handed on, so the call is refused naming the number (runtime/args.ts) instead of sending it upstream rounded.
 * They are put in place only of the very arguments they were read from (the same text once rounded as the SDK
 * rounds it): a line the SDK refuses (`"jsonrpc": "1.0"`) leaves its arguments held, and a later call that
 * reuses the id must not receive them. Nothing is held past its line (`lineRead`): the SDK reads each line it is
 * handed and hands its message on before the handing returns, so what is left then was never handed on. Before,
 * up to 256 such lines' arguments stayed held (a client writing refused lines of 16 MiB held 4 GiB).
 */

/** Lines held for requests the SDK has not handed on yet: a line it rejects leaves one behind, so at most this many. */
const MAX_HELD = 256;

const TOOLS_CALL = Buffer.from('"tools/call"');

interface Wrappable {
  onmessage?: OnMessage | undefined;
}

interface Held {
  /** The arguments with their exact numbers. */
  exact: unknown;
  /** The same arguments as the SDK's `JSON.parse` gives them (each exact number rounded), as JSON text. */
  rounded: string;
}

/** JSON text of `value` with each exact number rounded to a double, as `JSON.parse` reads its digits. */
const roundedText = (value: unknown): string =>
  JSON.stringify(value, (_key, v) => (isExactNumber(v) ? Number(v.rawJSON) : v)) ?? "";

export class ExactArguments {
  private readonly held = new Map<string, Held[]>();

  /**
   * A line as read (within the size limit), before the SDK parses it. Asked of every line, so a line without a
   * number token JSON could round is let go on its bytes, without a search for "tools/call" or a decode to text
   * (in the served process, stdin to the tool call: 0.4-13 us less per call, 4 paired runs at load 16-19).
   */
  see(line: Buffer): void {
    if (!mayHoldLongNumber(line) || !line.includes(TOOLS_CALL)) return;
    const found = exactArgumentsOf(line.toString("utf8"));
    if (!found) return;
    // The id as the SDK reads it (an id beyond 2^53 rounded alike), the key the request is handed on under.
    const key = roundedText(found.id);
    if (!this.held.has(key) && this.held.size >= MAX_HELD) {
      this.held.delete(this.held.keys().next().value as string);
    }
    const queue = this.held.get(key) ?? [];
    queue.push({ exact: found.arguments, rounded: roundedText(found.arguments) });
    this.held.set(key, queue);
  }

  /** The line last seen has been handed to the SDK, which has handed its message on (or refused it): let it go. */
  lineRead(): void {
    if (this.held.size > 0) this.held.clear();
  }

  /** How many requests' arguments are held (for tests: at most the line being read). */
  get holding(): number {
    return this.held.size;
  }

  /** Wraps the transport's message handler (composing with any wrapper already defined on it). */
  wrap(transport: Wrappable): void {
    wrapOnMessage(transport, (next) => (message, extra) => next(this.exact(message), extra));
  }

  private exact(message: JSONRPCMessage): JSONRPCMessage {
    if (this.held.size === 0 || !("method" in message) || message.method !== "tools/call") return message;
    const key = JSON.stringify((message as { id?: unknown }).id) ?? "";
    const queue = this.held.get(key);
    if (!queue) return message;
    const params = (message as { params?: Record<string, unknown> }).params;
    const text = JSON.stringify(params?.arguments) ?? "";
    // Held arguments of lines the SDK never handed on (refused) come first under a reused id: passed over.
    const at = queue.findIndex((held) => held.rounded === text);
    const found = at < 0 ? undefined : queue[at];
    queue.splice(0, at + 1);
    if (queue.length === 0) this.held.delete(key);
    if (params && found) params.arguments = found.exact;
    return message;
  }
}
