import { exactNumber, isExactNumber, setOwn } from "../catalog.js";

/**
 * Numbers a double does not hold, across the boundary of a hand-written handler. Inside the server such a number
 * is an exact number (`JSON.rawJSON` of its digits: `ExactNumber`), which JSON.stringify writes back digit for
 * digit but which JavaScript code cannot compare, add or even `String()`. A handler author expects a value:
 * - an integer beyond 2^53 (a 64-bit id from the upstream, or a 64-bit integer argument given as digits) reaches
 *   the handler as a **bigint** (`12345678901234567890n`), in its arguments and in what `ctx.call` returns; every
 *   other number stays a number. A decimal with more digits than a double keeps, or an exponent out of range,
 *   stays the exact number (a frozen object, `JSON.isRawJSON(v)`, its text in `v.rawJSON`): JavaScript has no
 *   exact decimal, and a string would change its JSON type.
 * - a bigint the handler returns, or passes to `ctx.call`, is read back as the number it is (a number when a
 *   double holds it, the exact number otherwise), so the model and the upstream get its digits as a JSON number.
 * Both walks copy only along the paths to a value they change; anything else comes back as the same object.
 */
export function toHandlerValues(value: unknown): unknown {
  return rewrite(value, (v) =>
    isExactNumber(v) && /^-?\d+$/.test(v.rawJSON) ? BigInt(v.rawJSON) : NO_CHANGE,
  );
}

/** The handler's bigints as numbers (exact beyond 2^53), for the result and for `ctx.call` (see above). */
export function fromHandlerValues(value: unknown): unknown {
  return rewrite(value, (v) => {
    if (typeof v !== "bigint") return NO_CHANGE;
    const number = Number(v);
    return Number.isSafeInteger(number) ? number : exactNumber(v.toString());
  });
}

const NO_CHANGE = Symbol("no change");

/** Depth bound: results deeper than this are refused later anyway (MAX_RESPONSE_DEPTH is 256). */
const MAX_DEPTH = 300;

function rewrite(value: unknown, leaf: (value: unknown) => unknown): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    const replaced = leaf(v);
    if (replaced !== NO_CHANGE) return replaced;
    if (v === null || typeof v !== "object" || isExactNumber(v) || depth > MAX_DEPTH) return v;
    if (Array.isArray(v)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const next = walk(v[i], depth + 1);
        if (next !== v[i]) {
          out ??= [...v];
          out[i] = next;
        }
      }
      return out ?? v;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(v)) {
      const item = (v as Record<string, unknown>)[key];
      const next = walk(item, depth + 1);
      if (next !== item) {
        if (!out) {
          out = Object.getPrototypeOf(v) === null ? (Object.create(null) as Record<string, unknown>) : {};
          for (const k of Object.keys(v)) setOwn(out, k, (v as Record<string, unknown>)[k]);
        }
        setOwn(out, key, next);
      }
    }
    return out ?? v;
  };
  return walk(value, 0);
}
