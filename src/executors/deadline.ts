/**
 * The signal one call's upstream exchange runs under: aborted when the client cancels the call or when the
 * source's timeout passes, whichever comes first. One controller and one listener per call, released by `done()`
 * once the response is read: cheaper than `AbortSignal.any([cancel, AbortSignal.timeout()])`, whose signals are
 * tracked through weak references until they are collected. The timeouts of one length share one timer
 * (`TimeoutQueue`): arming, unreferencing and clearing a timer of its own cost every call three trips into the
 * runtime's timer lists before its request could leave.
 */
export interface CallDeadline {
  readonly signal: AbortSignal;
  /** Whether the timeout (not the client) aborted the exchange. */
  timedOut(): boolean;
  /** Takes the deadline off its queue and the listener off the call's own signal (the exchange is over). */
  done(): void;
}

export function callDeadline(cancel: AbortSignal, timeoutMs: number): CallDeadline {
  const controller = new AbortController();
  const entry: Entry = {
    at: performance.now() + timeoutMs,
    state: "pending",
    expire() {
      controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
    },
  };
  queueFor(timeoutMs).add(entry);
  const onCancel = () => controller.abort(cancel.reason);
  if (cancel.aborted) controller.abort(cancel.reason);
  else cancel.addEventListener("abort", onCancel, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => entry.state === "expired",
    done() {
      if (entry.state === "pending") entry.state = "done";
      cancel.removeEventListener("abort", onCancel);
    },
  };
}

interface Entry {
  /** When it expires, on the process's monotonic clock (`performance.now()` ms). */
  readonly at: number;
  state: "pending" | "done" | "expired";
  expire(): void;
}

/**
 * A timer fires up to a millisecond before `at` as `performance.now()` reads it (timers start from the event loop's
 * cached clock): an entry that close is due.
 */
const EARLY_MS = 1;
/** Entries taken off the front before the array is compacted. */
const COMPACT_AT = 1024;

/**
 * Pending timeouts of one length, in the order they expire (the order they were added), under one timer armed for
 * the earliest. A finished entry is only marked; the front is dropped as it finishes, and an entry still marked
 * when the timer fires is passed over. Like `AbortSignal.timeout`, the timer alone does not keep the process alive.
 */
class TimeoutQueue {
  private entries: Entry[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  add(entry: Entry): void {
    this.dropFinished();
    this.entries.push(entry);
    if (this.timer === undefined) this.arm(entry.at);
  }

  private arm(at: number): void {
    this.timer = setTimeout(this.fire, Math.max(0, at - performance.now()));
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const due: Entry[] = [];
    for (; this.head < this.entries.length; this.head++) {
      const entry = this.entries[this.head]!;
      if (entry.state !== "pending") continue;
      if (entry.at - now >= EARLY_MS) break;
      entry.state = "expired";
      due.push(entry);
    }
    this.dropFinished();
    const next = this.entries[this.head];
    if (next !== undefined) this.arm(next.at);
    // Aborted once the queue is in order again: an abort's listeners may start or finish other exchanges.
    for (const entry of due) entry.expire();
  };

  private dropFinished(): void {
    while (this.head < this.entries.length && this.entries[this.head]!.state !== "pending") this.head++;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}

const queues = new Map<number, TimeoutQueue>();

function queueFor(timeoutMs: number): TimeoutQueue {
  let queue = queues.get(timeoutMs);
  if (queue === undefined) {
    queue = new TimeoutQueue();
    queues.set(timeoutMs, queue);
  }
  return queue;
}
