import type { ToolOutcome } from "../catalog.js";
import type { CallContext } from "../chain.js";

/**
 * What policies leave on a call for the audit record: which policy refused it (and under which rule), and
 * which ones changed it on the way (a filled tenant, a filtered listing, masked fields).
 */

export interface Refusal {
  /** The policy module that decided, e.g. `read-only`, `paths`, `confirmation`. */
  policy: string;
  /** The setting behind it, e.g. `SCAIVAULT_READ_ONLY=true` or `manifest policy.denied_tools`. */
  rule?: string;
  /** A short fixed phrase (never a value), e.g. `outside allowed prefixes`. */
  reason: string;
}

const REFUSAL = "policy.refusal";
const APPLIED = "policy.applied";

/** Error code of every policy refusal (the message says which policy and how to change it). */
export const REFUSED = "refused";

export function refuse(
  ctx: CallContext,
  refusal: Refusal,
  message: string,
  code: string = REFUSED,
  details?: unknown,
): ToolOutcome {
  ctx.notes.set(REFUSAL, refusal);
  const error: NonNullable<ToolOutcome["error"]> = { message, code };
  if (details !== undefined) error.details = details;
  return { data: null, error };
}

export function refusalOf(ctx: CallContext): Refusal | undefined {
  return ctx.notes.get(REFUSAL) as Refusal | undefined;
}

export function noteApplied(ctx: CallContext, what: string): void {
  const list = (ctx.notes.get(APPLIED) as string[] | undefined) ?? [];
  list.push(what);
  ctx.notes.set(APPLIED, list);
}

export function appliedOf(ctx: CallContext): string[] {
  return (ctx.notes.get(APPLIED) as string[] | undefined) ?? [];
}
