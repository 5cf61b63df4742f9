import { RequestTimeout } from "../catalog.js";
import { logRepeated } from "../telemetry/log.js";
import { type RequestId, requestIdOf } from "./http-inflight.js";
import type { StreamEnd } from "./http-node.js";

/**
 * The server's request timeout (`--request-timeout`) ending a request whose answer is already an event stream: the
 * SDK had answered the POST with `text/event-stream` before its calls finished, and aborting the request tears its
 * server instance down, which sends nothing for the calls still running (it answers nothing once aborted). Each of
 * them is answered here instead, with a JSON-RPC error that names the timeout, as the last events of the stream: the
 * client's request ends now, not when its own timeout passes (60 s in the MCP SDKs) with nothing said why. The
 * request is aborted with a `RequestTimeout` (catalog.ts), so the calls it stops say timeout, not cancelled.
 */

/** The JSON-RPC error code of a request that timed out (the MCP SDKs' `ErrorCode.RequestTimeout`). */
export const REQUEST_TIMEOUT_CODE = -32001;

export function requestTimeoutMessage(requestTimeoutMs: number): string {
  return `Request timed out: the server's request timeout (${requestTimeoutMs / 1000} s, --request-timeout) ended the request before it was answered`;
}

export function logRequestTimeout(requestTimeoutMs: number): void {
  logRepeated(
    "http: requests over the timeout",
    `http: a request ran over ${requestTimeoutMs} ms and was aborted`,
  );
}

/** The ids of the requests in a POST's body (one message or a batch); notifications and responses have none. */
export function requestIdsOf(parsed: unknown): RequestId[] {
  const ids: RequestId[] = [];
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    const id = requestIdOf(message);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/**
 * The end of an event stream answering the requests `ids`: once `signal` was aborted by the request timeout, an
 * error event for each of them the stream has not answered. The chunks are only read then (the stream's events are
 * not parsed as they pass); they are held until the request ends, which the stream's own end soon follows.
 */
export function timeoutEnd(ids: RequestId[], signal: AbortSignal, requestTimeoutMs: number): StreamEnd {
  const chunks: Uint8Array[] = [];
  return {
    seen: (chunk) => void chunks.push(chunk),
    last() {
      if (!(signal.reason instanceof RequestTimeout)) return undefined;
      const answered = answeredIds(Buffer.concat(chunks).toString("utf8"));
      const error = { code: REQUEST_TIMEOUT_CODE, message: requestTimeoutMessage(requestTimeoutMs) };
      let events = "";
      for (const id of ids) {
        if (answered.has(JSON.stringify(id))) continue;
        events += `event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id, error })}\n\n`;
      }
      if (events === "") return undefined; // answered in full before the timeout, however slowly taken
      logRequestTimeout(requestTimeoutMs);
      return Buffer.from(events);
    },
  };
}

/** The ids (as JSON) of the responses among an event stream's events: messages with an id, a result or error, no method. */
function answeredIds(stream: string): Set<string> {
  const ids = new Set<string>();
  for (const event of stream.split(/\r\n\r\n|\n\n|\r\r/)) {
    const data = event
      .split(/\r\n|\n|\r/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5))
      .join("\n");
    if (data === "") continue;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      continue;
    }
    if (message === null || typeof message !== "object" || "method" in message) continue;
    const { id } = message as { id?: unknown };
    if (("result" in message || "error" in message) && (typeof id === "string" || typeof id === "number"))
      ids.add(JSON.stringify(id));
  }
  return ids;
}
