import type { ChildProcess } from "node:child_process";
import type { EventEmitter } from "node:events";

/**
 * Waiting in tests without wall-clock deadlines: a busy machine (seven other engineers, four vitest workers on
 * two cores) makes any "within N ms" flaky. These wait for what the test is about: output arriving, a process
 * exiting, a request reaching an upstream. The test's own timeout (vitest.config.ts) is the only failure bound,
 * and it is generous.
 */

/**
 * Resolves with the first truthy value of `check()`, re-checked each time one of `sources` emits one of
 * `events`. Rejects when a source closes (or exits) first, or emits 'error' (a child that could not be spawned, a
 * stream that failed), with `describe()` in the message, so a server that died does not look like a slow one.
 * Without sources, `check` is polled (for state no event announces).
 */
export function until<T>(
  check: () => T | undefined | null | false,
  sources: readonly EventEmitter[] = [],
  describe: () => string = () => "",
): Promise<T> {
  const first = check();
  if (first) return Promise.resolve(first);
  if (sources.length === 0) return poll(check);
  return new Promise<T>((resolve, reject) => {
    const off = () => {
      for (const source of sources) {
        for (const event of DATA) source.off(event, onData);
        for (const event of ENDS) source.off(event, onEnd);
        source.off("error", onError);
      }
    };
    // A check that throws (output that does not parse) rejects: thrown in an event listener, it would be an
    // uncaught exception and this promise would never settle.
    const look = (): T | undefined | null | false => {
      try {
        return check();
      } catch (error) {
        off();
        reject(error);
        return undefined;
      }
    };
    const onData = () => {
      const value = look();
      if (!value) return;
      off();
      resolve(value);
    };
    const onEnd = () => {
      // The last data may arrive with the end: look once more before giving up.
      const value = look();
      off();
      if (value) resolve(value);
      else
        reject(new Error(`ended before the awaited condition held${describe() ? `:\n${describe()}` : ""}`));
    };
    const onError = (error: Error) => {
      off();
      reject(
        new Error(
          `${error.message} before the awaited condition held${describe() ? `:\n${describe()}` : ""}`,
          {
            cause: error,
          },
        ),
      );
    };
    for (const source of sources) {
      for (const event of DATA) source.on(event, onData);
      for (const event of ENDS) source.on(event, onEnd);
      source.on("error", onError);
    }
  });
}

const DATA = ["data", "message", "request"];
const ENDS = ["close", "exit"];

async function poll<T>(check: () => T | undefined | null | false): Promise<T> {
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const value = check();
    if (value) return value;
  }
}

/**
 * A child process's end, once its output has been read: resolves with the exit code and signal on 'close' (after
 * 'exit', once its stdout and stderr have ended, so nothing the child wrote is still unread), and rejects on
 * 'error' (it could not be spawned), so the wait settles on every path. Call it right after spawning: a child
 * that already closed is not seen.
 */
export function closed(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      child.off("error", reject);
      resolve([code, signal]);
    });
  });
}

/** What an output wait looks for: a text the output contains, or a pattern it matches. */
export type Wanted = string | RegExp;

/** How often `wanted` occurs in `text` (non-overlapping). */
export function occurrences(text: string, wanted: Wanted): number {
  if (typeof wanted === "string") return wanted === "" ? 1 : text.split(wanted).length - 1;
  const flags = wanted.flags.includes("g") ? wanted.flags : `${wanted.flags}g`;
  return [...text.matchAll(new RegExp(wanted.source, flags))].length;
}

/**
 * Resolves with a live child's output (`read()`, e.g. its stderr so far) once it holds `wanted` at least `count`
 * times, re-checked on each chunk `stream` emits. A child's stderr is its own pipe: a line it wrote before it
 * answered on stdout (or over HTTP) may be read after that answer, so a test that asserts on stderr after awaiting
 * another source must wait for the line on stderr itself. Rejects, with the output, if the stream ends first.
 */
export function untilOutput(
  read: () => string,
  wanted: Wanted,
  stream: EventEmitter | null | undefined,
  count = 1,
): Promise<string> {
  if (!stream) return Promise.reject(new Error("no output stream to wait on (stderr not piped?)"));
  const check = () => {
    const text = read();
    return occurrences(text, wanted) >= count ? text : undefined;
  };
  const describe = () => `waiting for ${count} x ${String(wanted)} in:\n${read()}`;
  // A stream that has already ended emits nothing more: what it said has all been read.
  const ended = stream as { readableEnded?: boolean; destroyed?: boolean };
  if (!check() && (ended.readableEnded || ended.destroyed))
    return Promise.reject(new Error(`ended before the awaited condition held:\n${describe()}`));
  return until(check, [stream], describe);
}

/**
 * Resolves once `stream` (a child's stderr, as the test reads it) has ended: everything the child wrote on it has
 * been read. A check that something was NOT written needs this (or a later line, `untilOutput`): read before the
 * end, it may look at output that has not arrived yet and pass for that reason alone.
 */
export function outputEnded(stream: EventEmitter | null | undefined): Promise<void> {
  if (!stream) return Promise.reject(new Error("no output stream to wait on (stderr not piped?)"));
  const ended = stream as { readableEnded?: boolean; destroyed?: boolean };
  if (ended.readableEnded || ended.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off("end", done);
      stream.off("close", done);
      stream.off("error", reject);
      resolve();
    };
    stream.once("end", done);
    stream.once("close", done);
    stream.once("error", reject);
  });
}
