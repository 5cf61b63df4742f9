import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError } from "@modelcontextprotocol/server";
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
export function printable(text: string, max = 100): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/** Client-sent names listed in an error: the first few, each `printable`, and how many more there were. */
export function printableList(names: readonly string[], max = 10): string {
  const shown = names.slice(0, max).map((name) => printable(name));
  if (names.length > max) shown.push(`and ${names.length - max} more`);
  return shown.join(", ");
}

/**
 * Resource not found, echoing the client's URI as `printable` does (up to 1,000 characters: a URI the server
 * lists fits) in the message and in `data.uri`: a megabyte of URI came back twice over.
 */
export function resourceNotFound(uri: string): ResourceNotFoundError {
  return new ResourceNotFoundError(printable(uri, 1000));
}
