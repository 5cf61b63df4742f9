import { describe, expect, it } from "vitest";
import { RequestTimeout } from "../../src/catalog.js";
import { type CallContext, stoppedCall } from "../../src/chain.js";
import { callFailure } from "../../src/executors/response.js";
import { outcomeOf } from "../../src/runtime/observe.js";

/** The members of a call's context these read: its signal and its transport request's. */
function stopped(reason: unknown): CallContext {
  const call = new AbortController();
  const request = new AbortController();
  request.abort(reason);
  call.abort(new Error("Connection closed"));
  return { signal: call.signal, request: request.signal, notes: new Map() } as unknown as CallContext;
}

describe("a call its transport stopped", () => {
  it("is a timeout when the server's request timeout ended its request, not a cancellation", () => {
    const ctx = stopped(new RequestTimeout(2_000));
    const outcome = callFailure(new Error("aborted"), ctx, false, 30_000);
    expect(outcome.error).toEqual({
      message: "the server's request timeout (2 s, --request-timeout) ended the call",
      code: "request_timeout",
    });
    expect(stoppedCall(ctx)).toEqual(outcome);
    expect(outcomeOf(ctx, outcome)).toBe("error");
  });

  it("is a cancellation when anything else stopped it (the client, its connection, the shutdown)", () => {
    for (const ctx of [stopped(new Error("the client cancelled the request")), stopped(undefined)]) {
      const outcome = callFailure(new Error("aborted"), ctx, false, 30_000);
      expect(outcome.error).toEqual({ message: "the call was cancelled", code: "cancelled" });
      expect(outcomeOf(ctx, outcome)).toBe("cancelled");
    }
    const { request: _, ...noRequest } = stopped(new RequestTimeout(2_000));
    expect(stoppedCall(noRequest as CallContext).error?.code).toBe("cancelled");
  });
});
