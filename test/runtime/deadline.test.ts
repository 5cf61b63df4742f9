import { once } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callDeadline } from "../../src/executors/deadline.js";

// The upstream exchange's deadline: aborted by the client's cancellation or by the source's timeout, whichever
// comes first; the timeouts of one length share one timer.

afterEach(() => {
  vi.restoreAllMocks();
});

describe("call deadlines", () => {
  it("calls of one timeout length arm one timer between them, not one each", () => {
    const armed = vi.spyOn(globalThis, "setTimeout");
    const cancel = new AbortController().signal;
    // A length no other test uses: its queue starts empty.
    for (let i = 0; i < 50; i++) {
      const deadline = callDeadline(cancel, 987_654);
      expect(deadline.signal.aborted).toBe(false);
      deadline.done();
    }
    const overlapping = Array.from({ length: 20 }, () => callDeadline(cancel, 987_654));
    for (const deadline of overlapping) deadline.done();
    expect(armed.mock.calls.filter(([, ms]) => Number(ms) > 900_000)).toHaveLength(1);
  });

  it("the timeout aborts a pending exchange with a TimeoutError; finished ones are left alone", async () => {
    const cancel = new AbortController().signal;
    const finished = callDeadline(cancel, 30);
    finished.done();
    const pending = callDeadline(cancel, 30);
    const later = callDeadline(cancel, 30);
    await once(pending.signal, "abort");
    expect(pending.timedOut()).toBe(true);
    expect(pending.signal.reason).toBeInstanceOf(DOMException);
    expect((pending.signal.reason as DOMException).name).toBe("TimeoutError");
    expect((pending.signal.reason as DOMException).message).toBe("The operation was aborted due to timeout");
    expect(finished.signal.aborted).toBe(false);
    expect(finished.timedOut()).toBe(false);
    if (!later.signal.aborted) await once(later.signal, "abort");
    expect(later.timedOut()).toBe(true);
    pending.done();
    later.done();
  });

  it("a deadline added after the timer was armed for an earlier one still expires", async () => {
    const cancel = new AbortController().signal;
    const first = callDeadline(cancel, 40);
    first.done();
    // The timer armed for `first` fires before `second` is due: it is armed again for `second`.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const second = callDeadline(cancel, 40);
    await once(second.signal, "abort");
    expect(second.timedOut()).toBe(true);
    second.done();
  });

  it("the client's cancellation aborts with its reason, and is no timeout", async () => {
    const client = new AbortController();
    const deadline = callDeadline(client.signal, 60_000);
    const aborted = once(deadline.signal, "abort");
    client.abort(new Error("cancelled by the client"));
    await aborted;
    expect(deadline.signal.reason).toEqual(new Error("cancelled by the client"));
    expect(deadline.timedOut()).toBe(false);
    deadline.done();
  });

  it("a call already cancelled starts aborted", () => {
    const client = new AbortController();
    client.abort(new Error("gone"));
    const deadline = callDeadline(client.signal, 60_000);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut()).toBe(false);
    deadline.done();
  });

  it("a timer of its own does not keep the process alive", () => {
    const armed = vi.spyOn(globalThis, "setTimeout");
    const deadline = callDeadline(new AbortController().signal, 876_543);
    const timer = armed.mock.results.at(-1)?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    deadline.done();
  });
});
