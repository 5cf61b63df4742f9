import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { newCorrelationId } from "../runtime/runtime.js";
import { describeError, logLine } from "../telemetry/log.js";

/** Exception text reaches the client verbatim, so only our own protocol errors pass; the rest is logged. */
export function safeProtocolError(error: unknown, what: string): Error {
  if (error instanceof ProtocolError) return error;
  const correlationId = newCorrelationId();
  logLine(`internal error (correlation id ${correlationId}) in ${what}: ${describeError(error)}`);
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    `internal error (correlation id ${correlationId})`,
  );
}

/** Echoes a client-sent name in an error without letting it carry control characters or bulk. */
export function printable(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
