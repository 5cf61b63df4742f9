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

/** Lines of one kind said in full in one interval before the rest of that interval's are only counted. */
export const SAID_IN_FULL = 10;
/** The interval: counted lines of one kind are summed up once it has passed (and once more when the process exits). */
export const SUMMARY_INTERVAL_MS = 60_000;

interface Kind {
  said: number;
  counted: number;
  /** When this kind's interval began: its first line said in full. */
  since: number;
}

const kinds = new Map<string, Kind>();
let exitHooked = false;

/**
 * A line a client's request can cause (a request refused as malformed, a line that is no JSON-RPC message), said at
 * a bounded rate: in each interval of `SUMMARY_INTERVAL_MS` the first `SAID_IN_FULL` lines of its `kind` are said as
 * they are and later ones only counted; the first line after the interval says the count (`N more in the last S s`)
 * and begins the next interval in full, so a long-lived server still shows what its later bad requests were. The
 * counts left are said when the process exits. A client sending 100,000 bad requests wrote 100,000 lines to stderr
 * (a disk, a CI log); now 10 a minute and a count.
 */
export function logRepeated(kind: string, message: string, now = Date.now()): void {
  let seen = kinds.get(kind);
  if (!seen) {
    seen = { said: 0, counted: 0, since: now };
    kinds.set(kind, seen);
  } else if (now - seen.since >= SUMMARY_INTERVAL_MS) {
    sayCount(kind, seen, now);
    seen.said = 0;
    seen.since = now;
  }
  if (seen.said < SAID_IN_FULL) {
    seen.said += 1;
    logLine(
      seen.said === SAID_IN_FULL ? `${message} (${SAID_IN_FULL} said; more of these are counted)` : message,
    );
    return;
  }
  seen.counted += 1;
  if (!exitHooked) {
    exitHooked = true;
    process.once("exit", sayCounts);
  }
}

function sayCount(kind: string, seen: Kind, now: number): void {
  if (seen.counted === 0) return;
  const seconds = Math.max(1, Math.round((now - seen.since) / 1000));
  logLine(`${kind}: ${seen.counted} more in the last ${seconds} s (counted, not said)`);
  seen.counted = 0;
}

/** Says every count still unsaid (the process is exiting; stderr writes to a pipe or file are synchronous). */
export function sayCounts(): void {
  const now = Date.now();
  for (const [kind, seen] of kinds) {
    sayCount(kind, seen, now);
    seen.since = now;
  }
}
