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

/** Lines of one kind said in full before they are only counted. */
export const SAID_IN_FULL = 10;
/** Counted lines of one kind are summed up at most this often (and once more when the process exits). */
export const SUMMARY_INTERVAL_MS = 60_000;

interface Kind {
  said: number;
  counted: number;
  since: number;
}

const kinds = new Map<string, Kind>();
let exitHooked = false;

/**
 * A line a client's request can cause (a request refused as malformed, a line that is no JSON-RPC message): the
 * first `SAID_IN_FULL` of its `kind` are said as they are, later ones only counted, and the count is said in one
 * line (`N more in the last S s`) when one comes after `SUMMARY_INTERVAL_MS`, and when the process exits. A
 * client sending 100,000 bad requests wrote 100,000 lines to stderr (a disk, a CI log); now 10 and a few counts.
 */
export function logRepeated(kind: string, message: string, now = Date.now()): void {
  let seen = kinds.get(kind);
  if (!seen) {
    seen = { said: 0, counted: 0, since: now };
    kinds.set(kind, seen);
  }
  if (seen.said < SAID_IN_FULL) {
    seen.said += 1;
    logLine(
      seen.said === SAID_IN_FULL ? `${message} (${SAID_IN_FULL} said; more of these are counted)` : message,
    );
    seen.since = now;
    return;
  }
  seen.counted += 1;
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", sayCounts);
  }
  if (now - seen.since >= SUMMARY_INTERVAL_MS) sayCount(kind, seen, now);
}

function sayCount(kind: string, seen: Kind, now: number): void {
  if (seen.counted === 0) return;
  const seconds = Math.max(1, Math.round((now - seen.since) / 1000));
  logLine(`${kind}: ${seen.counted} more in the last ${seconds} s (counted, not said)`);
  seen.counted = 0;
  seen.since = now;
}

/** Says every count still unsaid (the process is exiting; stderr writes to a pipe or file are synchronous). */
export function sayCounts(): void {
  const now = Date.now();
  for (const [kind, seen] of kinds) sayCount(kind, seen, now);
}
