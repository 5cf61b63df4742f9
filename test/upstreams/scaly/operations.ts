import { newId } from "./ids.js";
import type { OperationEventRec, OperationKind, OperationRec, OperationStatus } from "./model.js";
import { TERMINAL } from "./model.js";

export interface Outcome {
  status: Extract<OperationStatus, "SUCCEEDED" | "FAILED">;
  message: string;
  error?: { code: string; message: string };
  data?: unknown;
}

export interface OperationSpec {
  kind: OperationKind;
  targetId: string;
  /** Deployments reuse their own id so that `operation(id: "dep_...")` works, as the real API does. */
  id?: string;
  parentId?: string | null;
  /** One RUNNING step per message, one step apart; the terminal step follows the last one. */
  phases: string[];
  onPhase?: (index: number, at: number) => void;
  /** Runs at the terminal step: applies the effects and says how the operation ended. */
  finish: (at: number) => Outcome;
}

/**
 * Operations advance lazily: each holds its future steps, and `tick(now)` (called at the start of every request)
 * applies the steps whose time has come, in time order. Nothing runs in the background, so closing the upstream
 * leaves no timers behind, and a client that polls sees exactly the states it would see against a live system.
 */
export class OperationEngine {
  readonly operations = new Map<string, OperationRec>();
  private seq = 0;
  /**
   * Set by tests that count what a poller sees: operations then advance only through `step()`, one step per
   * call, whatever the clock says (the test moves them when the client has seen a state, never on a timer).
   */
  manual = false;

  constructor(readonly stepMs: number) {}

  start(spec: OperationSpec, now = Date.now()): OperationRec {
    const op: OperationRec = {
      __typename: "Operation",
      id: spec.id ?? newId("op"),
      kind: spec.kind,
      status: "PENDING",
      progress: 0,
      message: "Queued",
      targetId: spec.targetId,
      parentId: spec.parentId ?? null,
      error: null,
      events: [],
      steps: [],
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
    };
    this.operations.set(op.id, op);
    this.event(op, now, "INFO", "Queued");
    const n = spec.phases.length;
    spec.phases.forEach((message, i) => {
      this.schedule(op, now + (i + 1) * this.stepMs, (o, at) => {
        if (i === 0) {
          o.status = "RUNNING";
          o.startedAt = at;
        }
        o.progress = Math.round(10 + (80 * i) / n);
        o.message = message;
        spec.onPhase?.(i, at);
        this.event(o, at, "INFO", message);
      });
    });
    this.schedule(op, now + (n + 1) * this.stepMs, (o, at) => {
      const outcome = spec.finish(at);
      o.status = outcome.status;
      if (outcome.status === "SUCCEEDED") o.progress = 100;
      o.message = outcome.message;
      o.error = outcome.error ?? null;
      o.finishedAt = at;
      this.event(o, at, outcome.status === "SUCCEEDED" ? "INFO" : "ERROR", outcome.message, outcome.data);
    });
    return op;
  }

  /** A finished operation with a plausible event history, for seeded data. */
  seedFinished(
    spec: Omit<OperationSpec, "finish" | "onPhase"> & { createdAt: number; outcome: Outcome | "CANCELLED" },
  ): OperationRec {
    const op: OperationRec = {
      __typename: "Operation",
      id: spec.id ?? newId("op"),
      kind: spec.kind,
      status: "PENDING",
      progress: 0,
      message: "Queued",
      targetId: spec.targetId,
      parentId: spec.parentId ?? null,
      error: null,
      events: [],
      steps: [],
      createdAt: spec.createdAt,
      startedAt: null,
      finishedAt: null,
      updatedAt: spec.createdAt,
    };
    this.operations.set(op.id, op);
    const gap = 20_000;
    this.event(op, spec.createdAt, "INFO", "Queued");
    if (spec.outcome === "CANCELLED") {
      op.status = "CANCELLED";
      op.finishedAt = spec.createdAt + gap;
      op.message = "Cancelled before it started";
      this.event(op, op.finishedAt, "WARN", op.message);
      return op;
    }
    op.startedAt = spec.createdAt + gap;
    spec.phases.forEach((message, i) => {
      op.status = "RUNNING";
      op.progress = Math.round(10 + (80 * i) / spec.phases.length);
      op.message = message;
      this.event(op, spec.createdAt + (i + 1) * gap, "INFO", message);
    });
    const outcome = spec.outcome;
    op.status = outcome.status;
    if (outcome.status === "SUCCEEDED") op.progress = 100;
    op.message = outcome.message;
    op.error = outcome.error ?? null;
    op.finishedAt = spec.createdAt + (spec.phases.length + 1) * gap;
    this.event(op, op.finishedAt, outcome.status === "SUCCEEDED" ? "INFO" : "ERROR", outcome.message);
    return op;
  }

  /** Applies the earliest pending step of any operation; false when none is left. */
  step(): boolean {
    let next: { op: OperationRec; step: OperationRec["steps"][number] } | undefined;
    for (const op of this.operations.values()) {
      for (const step of op.steps) {
        if (!next || step.at < next.step.at || (step.at === next.step.at && step.seq < next.step.seq)) {
          next = { op, step };
        }
      }
    }
    if (!next) return false;
    const { op, step } = next;
    op.steps = op.steps.filter((s) => s !== step);
    step.run(op, Math.max(step.at, Date.now()));
    return true;
  }

  tick(now = Date.now()): void {
    if (this.manual) return;
    const due: Array<{ op: OperationRec; step: OperationRec["steps"][number] }> = [];
    for (const op of this.operations.values()) {
      for (const step of op.steps) if (step.at <= now) due.push({ op, step });
    }
    if (due.length === 0) return;
    // Children are scheduled before their parent, so at equal times the parent sees their final state.
    due.sort((a, b) => a.step.at - b.step.at || a.step.seq - b.step.seq);
    for (const { op, step } of due) {
      op.steps = op.steps.filter((s) => s !== step);
      step.run(op, step.at);
    }
  }

  get(id: string): OperationRec | undefined {
    return this.operations.get(id);
  }

  isActive(op: OperationRec): boolean {
    return !TERMINAL.has(op.status);
  }

  private schedule(op: OperationRec, at: number, run: OperationRec["steps"][number]["run"]): void {
    op.steps.push({ at, seq: this.seq++, run });
  }

  private event(
    op: OperationRec,
    at: number,
    level: OperationEventRec["level"],
    message: string,
    data?: unknown,
  ): void {
    op.updatedAt = at;
    op.events.push({
      id: `${op.id}.${op.events.length + 1}`,
      operationId: op.id,
      at,
      level,
      status: op.status,
      progress: op.progress,
      message,
      data: data ?? null,
    });
  }
}
