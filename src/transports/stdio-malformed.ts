import type { EventEmitter } from "node:events";
import { isExactNumber } from "../catalog.js";
import { reproduces } from "../executors/json-text.js";
import { markHandled } from "../telemetry/log.js";
import { inexactIdError } from "./http-node.js";
import { TopLevelIdScanner, type WireId } from "./stdio-lines.js";

/**
 * Answers a line the SDK's stdio reader cannot take as a JSON-RPC message: JSON that is not a request, a
 * notification or a response (a batch, an id that is neither a string nor a number, a method that is not a string,
 * `"jsonrpc": "1.0"`). The reader reports such a line to `onerror` (a ZodError) and skips it, so the client heard
 * nothing, and one waiting on that request waited for its own timeout. Now it gets `-32600 Invalid Request`, with the
 * request's id when it is certain which line failed and its top level carries a usable id (without an id otherwise,
 * as JSON-RPC leaves it when the id cannot be known), and stderr one short line instead of the schema library's
 * dump. The connection goes on. (Text that is not JSON at all the reader skips without a report, as it always has.)
 *
 * Which line: the reader reports it while it reads the chunk that holds it, synchronously, between the `data`
 * listener put before the reader's and the one put after it. The limiter in front hands on one whole line per
 * chunk, so the chunk names the failing line for certain; a chunk of several lines (should one ever come) is
 * answered without an id. A ZodError arriving outside a read is some other error (a message's handling), not a line's.
 */
export function answerMalformed(
  input: EventEmitter,
  answer: (message: { jsonrpc: "2.0"; id?: WireId; error: { code: number; message: string } }) => void,
): { answered(error: Error): boolean; readerListening(): void } {
  let reading: Buffer | undefined;
  input.prependListener("data", (chunk: Buffer) => {
    reading = chunk;
  });
  return {
    answered(error) {
      if (reading === undefined || error.name !== "ZodError") return false;
      const id = singleLine(reading) ? idOf(reading) : null;
      // An id a reader rounds (beyond 2^53, or a decimal past a double's digits) is why the SDK refused the line:
      // the answer says so, under the id as written. One kept as written that a double does hold (1.0, 7.50) is
      // not: the line was refused for something else.
      const why =
        id !== null && isExactNumber(id) && roundedId(id.rawJSON) ? inexactIdError(id).error : INVALID;
      answer({ jsonrpc: "2.0", ...(id !== null ? { id } : {}), error: why });
      markHandled(error);
      return true;
    },
    readerListening() {
      input.on("data", () => {
        reading = undefined;
      });
    },
  };
}

/** A number id a reader rounds: one a double does not write back as its text, or an integer beyond ±2^53 (1e30). */
function roundedId(text: string): boolean {
  const value = Number(text);
  return !reproduces(value, text) || (Number.isInteger(value) && !Number.isSafeInteger(value));
}

export const INVALID = {
  code: -32600,
  message:
    'Invalid Request: not a JSON-RPC 2.0 request, notification or response (one JSON object per line, with "jsonrpc": "2.0", an id that is a string or a number, and a method or a result; batches, which MCP no longer has, are not read over stdio)',
} as const;

function singleLine(chunk: Buffer): boolean {
  const first = chunk.indexOf(0x0a);
  return first === chunk.length - 1;
}

function idOf(line: Buffer): WireId | null {
  const scanner = new TopLevelIdScanner();
  scanner.feed(line);
  return scanner.id();
}
