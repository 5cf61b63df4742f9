import { CLIENT_MESSAGE_BYTES, tooLargeForClients } from "../publish/client-limit.js";
import { formatBytes } from "../telemetry/bytes.js";
import { logRepeated } from "../telemetry/log.js";

/**
 * The longest line written to stdout: the SDK clients' stdio reader (v1 and v2, `ReadBuffer`) drops its whole buffer
 * when a chunk would take it past `CLIENT_MESSAGE_BYTES`, so a line must fit with what else one pipe read (up to
 * 64 KiB) may bring after it. A tool result's JSON is in it twice (its text block and `structuredContent`), so a
 * 6 MB upstream body already crosses it.
 */
export const MAX_LINE_BYTES = CLIENT_MESSAGE_BYTES - 64 * 1024;

/**
 * `line` (one JSON-RPC message and its line feed) as written, or, past `MAX_LINE_BYTES`, the answer clients can
 * read in its place: a tool call's result becomes an error result saying its size (the model reads it and can ask
 * for less), any other response a JSON-RPC error under the same id. A line within the bound costs one comparison
 * (a UTF-16 unit is at most 3 UTF-8 bytes); one past it is parsed once, to find its id.
 */
export function withinClientLimit(line: string, limit = MAX_LINE_BYTES): string {
  if (line.length * 3 <= limit) return line;
  const bytes = Buffer.byteLength(line);
  if (bytes <= limit) return line;
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return line;
  }
  const answer = answerInstead(message, bytes, limit);
  if (answer === undefined) return line;
  logRepeated(
    "stdio: answers over the client's limit",
    `stdio: an answer of ${bytes} bytes (request id ${JSON.stringify(answer.id)}) was not sent: ${tooLarge(bytes, limit)}`,
  );
  return `${JSON.stringify(answer)}\n`;
}

function tooLarge(bytes: number, limit: number): string {
  return tooLargeForClients(
    `the answer is ${formatBytes(bytes)} of JSON`,
    formatBytes(limit),
    "stdio clients",
  );
}

/** A response's smaller stand-in; undefined for anything else (a notification or request is left as it is). */
function answerInstead(message: unknown, bytes: number, limit: number): { id: unknown } | undefined {
  if (message === null || typeof message !== "object" || !("id" in message)) return undefined;
  const { id } = message as { id: unknown };
  const result = (message as { result?: unknown }).result;
  const why = tooLarge(bytes, limit);
  if (
    result !== null &&
    typeof result === "object" &&
    Array.isArray((result as { content?: unknown }).content)
  ) {
    const text = `${why}; it was not sent. Ask for less: a smaller page, fewer fields, or a narrower filter.`;
    return { jsonrpc: "2.0", id, result: { content: [{ type: "text", text }], isError: true } } as {
      id: unknown;
    };
  }
  if (!("result" in message) && !("error" in message)) return undefined;
  return { jsonrpc: "2.0", id, error: { code: -32603, message: `${why}; it was not sent` } } as {
    id: unknown;
  };
}
