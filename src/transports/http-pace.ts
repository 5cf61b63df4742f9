import type { ServerResponse } from "node:http";

/**
 * Writing an answer at the pace its client takes it, and telling a client still taking it (however slowly) from one
 * that took nothing for a whole period, once the request's time is up.
 */

/**
 * When an answer's client is looked at: from `after`'s abort (the request timeout) on, a client that has taken none of
 * its answer for a whole `periodMs` while the answer waits for it is cut.
 */
export interface AnswerWatch {
  after: AbortSignal;
  periodMs: number;
  /** Whether something written waits for the client (default: `res` waits for a 'drain'). */
  waiting?: () => boolean;
}

/**
 * The most of an answer handed to the socket before waiting for its client to take it. A large chunk (a JSON answer
 * is one) is written in slices, so that the kernel taking any slice of it is a 'drain' `stallWatch` sees: written
 * whole, it drains only once all of it was sent, and a client reading it slowly would look like one reading nothing.
 */
export const SLICE_BYTES = 64 * 1024;

/**
 * Writes `value` now (SSE frames must leave at once, not when a buffer fills), at the pace the client takes it;
 * false when `stalled` aborts while a slice waits for the client, true when written or the client went away.
 */
export async function writeAtPace(
  res: ServerResponse,
  value: Uint8Array,
  stalled: AbortSignal | undefined,
): Promise<boolean> {
  for (let at = 0; at < value.length; at += SLICE_BYTES) {
    if (res.destroyed) return true;
    const slice = value.length <= SLICE_BYTES ? value : value.subarray(at, at + SLICE_BYTES);
    if (!res.write(slice) && !(await drained(res, stalled))) return false;
  }
  return true;
}

/**
 * A signal aborted when, once `watch.after` has aborted, the answer waits for its client and the client has taken
 * none of it for `watch.periodMs`. Taking is what this process can see: a 'drain' of `res` (the kernel took the
 * slices written, which it does once the client has read enough to free room in the socket's buffers), or no write
 * waiting at a look (the client has everything written so far). Each look is decided after the event loop's next
 * I/O turn, so that a drain the kernel holds for a process that was busy counts before the verdict.
 */
export function stallWatch(
  res: ServerResponse,
  watch: AnswerWatch,
): { signal: AbortSignal; taken(): void; stop(): void } {
  const stalled = new AbortController();
  let takenAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let verdict: NodeJS.Immediate | undefined;
  const taken = () => {
    takenAt = performance.now();
  };
  const decide = () => {
    verdict = undefined;
    if (!(watch.waiting ? watch.waiting() : res.writableNeedDrain)) taken();
    const idle = performance.now() - takenAt;
    if (idle >= watch.periodMs) return stalled.abort();
    timer = setTimeout(look, watch.periodMs - idle);
  };
  const look = () => {
    timer = undefined;
    verdict = setImmediate(decide);
  };
  res.on("drain", taken);
  if (watch.after.aborted) look();
  else watch.after.addEventListener("abort", look, { once: true });
  return {
    signal: stalled.signal,
    /** Marks the client as taking its answer now (a write it took that no 'drain' shows: the caller saw it). */
    taken,
    stop() {
      res.off("drain", taken);
      watch.after.removeEventListener("abort", look);
      clearTimeout(timer);
      clearImmediate(verdict);
    },
  };
}

/** Resolves true once `res` drains or closes, false when `stalled` aborts first (its client takes nothing). */
function drained(res: ServerResponse, stalled: AbortSignal | undefined): Promise<boolean> {
  if (stalled?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const settle = (value: boolean) => () => {
      res.off("drain", ok).off("close", ok);
      stalled?.removeEventListener("abort", late);
      resolve(value);
    };
    const ok = settle(true);
    const late = settle(false);
    res.once("drain", ok).once("close", ok);
    stalled?.addEventListener("abort", late, { once: true });
  });
}
