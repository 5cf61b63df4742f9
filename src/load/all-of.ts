import { z } from "zod";
import { isExactNumber } from "../catalog.js";

/**
 * An `allOf` whose parts may hand on another value than they took: a 64-bit integer or a decimal in its input form
 * (`rt.integer`, `rt.decimal`) reads `"5"` as 5 and `"9007199254740993"` as an exact number. zod's intersection
 * merges its parts' outputs and fails there: it throws ("Unmergable intersection", an Error out of `safeParse`, not a
 * refusal) where a part reading `id` as a 64-bit integer sits beside an open object that hands `"5"` on as written,
 * and it merges two parts' exact numbers as plain objects (`{"rawJSON": "9007199254740993"}`, sent upstream so).
 * Here each part checks the value (every part's refusals are this schema's, as an intersection's are) and their
 * outputs are merged with the value as given in mind: a part's reading is preferred over a part that handed the
 * value on unchanged, readings JSON writes alike are one, and parts reading one value two ways are a refusal naming
 * where. Generated schemas call it (`rt.allOf(A, B)`) only for an intersection with such a part.
 */
export function allOfArgument(...parts: z.ZodType[]): z.ZodType {
  return z.unknown().transform((value, ctx) => {
    const outputs: unknown[] = [];
    let failed = false;
    for (const part of parts) {
      const result = part.safeParse(value);
      if (result.success) outputs.push(result.data);
      else {
        failed = true;
        for (const issue of result.error.issues) ctx.issues.push({ ...issue } as Ctx["issues"][number]);
      }
    }
    if (failed) return z.NEVER;
    let out = outputs[0];
    for (const next of outputs.slice(1)) {
      const merged = merge(out, next, value, []);
      if ("conflict" in merged) {
        ctx.issues.push({
          code: "custom",
          message: "the parts of this allOf read this value in different ways",
          path: merged.conflict,
          input: value,
        });
        return z.NEVER;
      }
      out = merged.ok;
    }
    return out;
  });
}

type Ctx = Parameters<Parameters<z.ZodType["transform"]>[0]>[1];

function isRecord(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v) || isExactNumber(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The same value as JSON writes it (an exact number as its digits, a bigint as its digits). */
function sameText(a: unknown, b: unknown): boolean {
  const text = (v: unknown) =>
    typeof v === "bigint" ? v.toString() : isExactNumber(v) ? v.rawJSON : JSON.stringify(v);
  return text(a) === text(b);
}

function merge(
  a: unknown,
  b: unknown,
  input: unknown,
  path: PropertyKey[],
): { ok: unknown } | { conflict: PropertyKey[] } {
  if (a === b || (a !== input && b !== input && isScalar(a) && isScalar(b) && sameText(a, b)))
    return { ok: a };
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, unknown> = { ...a };
    const given = isRecord(input) ? input : {};
    for (const key of Object.keys(b)) {
      if (!Object.hasOwn(a, key)) {
        Object.defineProperty(out, key, {
          value: b[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
        continue;
      }
      const inner = merge(a[key], b[key], Object.hasOwn(given, key) ? given[key] : undefined, [...path, key]);
      if ("conflict" in inner) return inner;
      Object.defineProperty(out, key, {
        value: inner.ok,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { ok: out };
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    const given = Array.isArray(input) ? input : [];
    const out: unknown[] = [];
    for (let i = 0; i < a.length; i++) {
      const inner = merge(a[i], b[i], given[i], [...path, i]);
      if ("conflict" in inner) return inner;
      out.push(inner.ok);
    }
    return { ok: out };
  }
  // One part handed the value on as given, the other read it: the reading.
  if (a === input) return { ok: b };
  if (b === input) return { ok: a };
  return { conflict: path };
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== "object" || isExactNumber(v);
}
