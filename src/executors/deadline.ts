/**
 * The signal one call's upstream exchange runs under: aborted when the client cancels the call or when the
 * source's timeout passes, whichever comes first. One controller, one timer and one listener per call, all
 * released by `done()` once the response is read: cheaper than `AbortSignal.any([cancel, AbortSignal.timeout()])`,
 * whose signals are tracked through weak references until they are collected.
 */
export interface CallDeadline {
  readonly signal: AbortSignal;
  /** Whether the timeout (not the client) aborted the exchange. */
  timedOut(): boolean;
  /** Clears the timer and the listener on the call's own signal (call it when the exchange is over). */
  done(): void;
}

export function callDeadline(cancel: AbortSignal, timeoutMs: number): CallDeadline {
  const controller = new AbortController();
  let timedOut = false;
  const onCancel = () => controller.abort(cancel.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
  }, timeoutMs);
  // Like AbortSignal.timeout: a pending exchange's timer alone does not keep the process alive.
  timer.unref();
  if (cancel.aborted) controller.abort(cancel.reason);
  else cancel.addEventListener("abort", onCancel, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      cancel.removeEventListener("abort", onCancel);
    },
  };
}
