import type { CustomHandler } from "toolwright/catalog";
import type { ToolTypes } from "../../../generated/scaly/catalog.gen.js";
import { sleep } from "./lib/sleep.js";

/**
 * scaly_wait_operation: polls scaly_get_operation (through the catalog, so policy and audit apply to every poll)
 * until the operation is terminal or the timeout passes. Polls start fast and back off, so short operations
 * finish quickly and long ones cost few requests. Progress notifications follow the operation's own progress;
 * MCP wants them increasing, so a poll that shows no progress sends none.
 */

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;
/** Under the 60 s request timeout many MCP clients apply: a long wait comes back, and the agent waits again. */
const DEFAULT_TIMEOUT_S = 50;

type Args = ToolTypes["scaly_wait_operation"]["input"];
type Operation = ToolTypes["scaly_get_operation"]["output"];

function summary(op: Operation) {
  return {
    id: op.id,
    kind: op.kind,
    status: op.status,
    progress: op.progress,
    message: op.message ?? null,
    targetId: op.targetId,
    error: op.error ?? null,
    finishedAt: op.finishedAt ?? null,
  };
}

function nextStep(op: Operation): string {
  if (op.status === "SUCCEEDED") return "The operation succeeded.";
  if (op.status === "FAILED") {
    return op.kind === "DEPLOY_APP"
      ? `The deployment failed: run scaly_diagnose_app with its app (scaly_get_deployment ${op.id} names it), fix the cause, then scaly_retry_deployment.`
      : "The operation failed: read its error, and scaly_get_operation_events for each step.";
  }
  return "The operation was cancelled.";
}

const waitOperation: CustomHandler<Args, ToolTypes> = async (args, ctx) => {
  const started = Date.now();
  const timeoutMs = (args.timeout_seconds ?? DEFAULT_TIMEOUT_S) * 1000;
  let delay = FIRST_DELAY_MS;
  let polls = 0;
  let sent = -1;
  for (;;) {
    if (ctx.signal.aborted) return cancelled();
    const read = await ctx.call("scaly_get_operation", { id: args.operation_id });
    polls += 1;
    if (!read.ok) {
      if (ctx.signal.aborted) return cancelled();
      return { data: null, error: read.error ?? { message: "reading the operation failed", code: "error" } };
    }
    const op = read.data;
    const done = TERMINAL.has(op.status);
    const progress = done ? 100 : op.progress;
    if (progress > sent) {
      sent = progress;
      await ctx.progress(progress, 100, `${op.kind} ${op.status}${op.message ? `: ${op.message}` : ""}`);
    }
    const waited = Date.now() - started;
    if (done) {
      return { data: { operation: summary(op), done: true, polls, waited_ms: waited, next: nextStep(op) } };
    }
    const remaining = timeoutMs - waited;
    if (remaining <= 0) {
      const seconds = Math.round(timeoutMs / 100) / 10;
      return {
        data: {
          operation: summary(op),
          done: false,
          polls,
          waited_ms: waited,
          next: "Call scaly_wait_operation again to keep waiting; the operation goes on meanwhile.",
        },
        error: {
          message: `operation ${op.id} is still ${op.status} after ${seconds} s (it goes on; wait again or check it later)`,
          code: "wait_timeout",
        },
      };
    }
    if (!(await sleep(Math.min(delay, remaining), ctx.signal))) return cancelled();
    delay = Math.min(Math.round(delay * 1.5), MAX_DELAY_MS);
  }
};

function cancelled() {
  return {
    data: null,
    error: { message: "the wait was cancelled (the operation goes on)", code: "cancelled" },
  };
}

export default waitOperation;
