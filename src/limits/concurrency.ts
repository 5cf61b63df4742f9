import { type NamedMiddleware, stoppedCall } from "../chain.js";
import { refuse } from "../policy/decision.js";
import { metrics } from "../telemetry/metrics.js";
import { RATE_LIMITED, sourceOf } from "./rate-limit.js";

/**
 * At most N calls to a source in flight at once in this process; the others wait their turn (first come, first
 * served) for as long as the source's timeout, then are refused with a retry hint. Cancelling a waiting call
 * takes it out of the queue. The bound is per process: N replicas allow N times as many.
 */

class Slots {
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {}

  /**
   * Takes a free slot at once, when there is one: no promise and no await, so a call that finds one reaches the
   * upstream without waiting for the microtask queue. While a slot is free nobody waits (`release` hands a slot to
   * the first waiter before it frees one), so taking it here keeps first come, first served.
   */
  take(): boolean {
    if (this.busy >= this.size) return false;
    this.busy += 1;
    return true;
  }

  /**
   * Resolves true with a slot, or false when the signal aborts first. The signal is made only for a call that
   * has to wait (most find a free slot, and need no timer).
   */
  acquire(waitSignal: () => AbortSignal): Promise<boolean> {
    if (this.take()) return Promise.resolve(true);
    const signal = waitSignal();
    return new Promise((resolve) => {
      const granted = () => {
        signal.removeEventListener("abort", gaveUp);
        resolve(true);
      };
      const gaveUp = () => {
        const at = this.waiting.indexOf(granted);
        if (at !== -1) this.waiting.splice(at, 1);
        resolve(false);
      };
      this.waiting.push(granted);
      signal.addEventListener("abort", gaveUp, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy -= 1;
  }
}

export function concurrencyStep(
  limits: ReadonlyMap<string, number>,
  waitMs: (source: string) => number,
): NamedMiddleware {
  const slots = new Map([...limits].map(([source, size]) => [source, new Slots(size)]));
  return {
    name: "concurrency",
    idle: (tool) => {
      const source = sourceOf(tool);
      return source === undefined || !slots.has(source);
    },
    async run(ctx, next) {
      const source = sourceOf(ctx.tool);
      const pool = source === undefined ? undefined : slots.get(source);
      if (source === undefined || !pool) return next();
      const wait = waitMs(source);
      const got =
        pool.take() || (await pool.acquire(() => AbortSignal.any([ctx.signal, AbortSignal.timeout(wait)])));
      if (!got) {
        if (ctx.signal.aborted) return stoppedCall(ctx);
        metrics.rateLimited.inc({ scope: "concurrency", tool: ctx.tool.name });
        return refuse(
          ctx,
          { policy: "concurrency", reason: "no slot for the upstream" },
          `the ${source} upstream is busy: ${pool.size} calls to it are in flight here and this one waited ${Math.round(wait / 1000)} s for a slot; nothing was sent upstream. Retry after 1 s.`,
          RATE_LIMITED,
          { retry_after_seconds: 1, limit: "concurrency" },
        );
      }
      try {
        return await next();
      } finally {
        pool.release();
      }
    },
  };
}
