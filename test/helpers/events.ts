import type { EventEmitter } from "node:events";

/**
 * Waiting in tests without wall-clock deadlines: a busy machine (seven other engineers, four vitest workers on
 * two cores) makes any "within N ms" flaky. These wait for what the test is about: output arriving, a process
 * exiting, a request reaching an upstream. The test's own timeout (vitest.config.ts) is the only failure bound,
 * and it is generous.
 */

/**
 * Resolves with the first truthy value of `check()`, re-checked each time one of `sources` emits one of
 * `events`. Rejects when a source closes (or exits) first, with `describe()` in the message, so a server that
 * died does not look like a slow one. Without sources, `check` is polled (for state no event announces).
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
      }
    };
    const onData = () => {
      const value = check();
      if (!value) return;
      off();
      resolve(value);
    };
    const onEnd = () => {
      // The last data may arrive with the end: look once more before giving up.
      const value = check();
      off();
      if (value) resolve(value);
      else
        reject(new Error(`ended before the awaited condition held${describe() ? `:\n${describe()}` : ""}`));
    };
    for (const source of sources) {
      for (const event of DATA) source.on(event, onData);
      for (const event of ENDS) source.on(event, onEnd);
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
