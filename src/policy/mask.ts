import type { ToolOutcome } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { noteApplied } from "./decision.js";
import { addressable, mapAtPath, offSchema, splitPath } from "./field-paths.js";

/**
 * Masking: result fields a tool marks `masked` come back as the marker, so an agent can see that a secret
 * exists (and its metadata) without seeing it.
 *
 * Every non-null leaf at or under a masked path becomes the marker: strings, and numbers and booleans too (a
 * numeric PIN is as secret as a string one). `null` stays: absence is not a secret. Object keys stay, they are
 * structure. The published output schema is widened to match (mask-schema.ts), so clients that validate
 * `structuredContent` accept a masked result.
 *
 * The marker also replaces those fields in error results that carry data (an upstream answer that does not
 * match the output schema), masking on or off: an error must not be the way a secret gets out.
 *
 * Paths only find what sits where the manifest says. A body that is not JSON the paths address (served as
 * text/plain or application/x-json, truncated JSON) is masked whole, and JSON that does not match the output
 * schema has every value masked: masking fails closed, never open.
 */

export const MASK = "••••••";

export interface MaskResult {
  data: unknown;
  /** How many leaves were replaced. */
  count: number;
}

export function maskAll(value: unknown): MaskResult {
  let count = 0;
  const visit = (v: unknown, depth: number): unknown => {
    if (v === null || v === undefined) return v;
    if (typeof v !== "object") {
      count += 1;
      return MASK;
    }
    // Below this depth everything is replaced wholesale rather than walked.
    if (depth > 64) {
      count += 1;
      return MASK;
    }
    if (Array.isArray(v)) return v.map((item) => visit(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v as Record<string, unknown>)) out[key] = visit(item, depth + 1);
    return out;
  };
  const data = visit(value, 0);
  return { data, count };
}

/** Masks every field at each of `paths` (manifest dot paths). */
export function maskFields(data: unknown, paths: readonly string[]): MaskResult {
  let count = 0;
  let out = data;
  for (const path of paths) {
    out = mapAtPath(out, splitPath(path), (value) => {
      const masked = maskAll(value);
      count += masked.count;
      return masked.data;
    });
  }
  return { data: out, count };
}

/**
 * The data of a masked tool's outcome, masked. Fails closed when the paths cannot be trusted to find the
 * secrets: data that is not addressable JSON (a text body, unparsable JSON, an undecoded body) becomes the
 * marker as a whole; JSON that did not match the output schema keeps its keys and loses every value.
 */
export function maskOutcomeData(outcome: ToolOutcome, paths: readonly string[]): MaskResult {
  if (!addressable(outcome.data)) return { data: MASK, count: 1 };
  if (offSchema(outcome)) return maskAll(outcome.data);
  return maskFields(outcome.data, paths);
}

export function maskStep(enabled: boolean): NamedMiddleware {
  return {
    name: "mask",
    async run(ctx, next) {
      const outcome = await next();
      const paths = ctx.tool.policy.masked;
      if (!paths || paths.length === 0 || outcome.data === null || outcome.data === undefined) return outcome;
      if (!enabled && !outcome.error) return outcome;
      const masked = maskOutcomeData(outcome, paths);
      if (masked.count === 0) return outcome;
      if (!outcome.error) noteApplied(ctx, "mask");
      return { ...outcome, data: masked.data };
    },
  };
}
