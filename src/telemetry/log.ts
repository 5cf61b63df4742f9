import { redact } from "./redact.js";
import { terminalSafe } from "./terminal.js";

/**
 * The runtime's only log sink. stdout belongs to JSON-RPC in stdio mode, so every line goes to stderr, and every
 * line is redacted because it may quote an exception or an upstream message.
 */
export type LogSink = (line: string) => void;

let sink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/** Tests capture log lines by swapping the sink. */
export function setLogSink(next: LogSink): LogSink {
  const previous = sink;
  sink = next;
  return previous;
}

export function logLine(message: string): void {
  sink(`toolwright: ${terminalSafe(redact(message))}`);
}

/**
 * Errors the layer that met them first has already dealt with (logged, or answered to the client): a layer told of
 * the same error later (the SDK hands a transport's error to the server's `onerror` too) stays quiet.
 */
const handled = new WeakSet<object>();

export function markHandled(error: object): void {
  handled.add(error);
}

export function wasHandled(error: unknown): boolean {
  return typeof error === "object" && error !== null && handled.has(error);
}

/** One line for an exception: its class and redacted message, never a stack (frames name internal paths). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return typeof error === "string" ? error : "non-error value thrown";
}
