import { isExactNumber, setOwn } from "../catalog.js";
/** The marker and the masking of a whole value (its keys stay, every non-null leaf becomes the marker). */

export const MASK = "••••••";

export interface MaskResult {
  data: unknown;
  /** How many leaves were replaced. */
  count: number;
}

export function maskAll(value: unknown): MaskResult {
  // A scalar (the usual masked field) without the walk.
  if (value === null || value === undefined) return { data: value, count: 0 };
  if (typeof value !== "object" || isExactNumber(value)) return { data: MASK, count: 1 };
  let count = 0;
  const visit = (v: unknown, depth: number): unknown => {
    if (v === null || v === undefined) return v;
    if (typeof v !== "object" || isExactNumber(v)) {
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
    for (const [key, item] of Object.entries(v as Record<string, unknown>))
      setOwn(out, key, visit(item, depth + 1));
    return out;
  };
  const data = visit(value, 0);
  return { data, count };
}
