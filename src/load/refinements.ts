import type { z } from "zod";

/**
 * JSON Schema `propertyNames`, `dependentRequired` and `multipleOf` as generated schemas check them (`rt.propertyNames`,
 * `rt.dependentRequired`, `rt.multipleOf`): zod refinements with the generator's messages, each function recorded
 * with what it checks, so the output check's compiled pre-check (runtime/output-precheck.ts) reads that as data
 * instead of recognising the function by its source text (as src/load/member-count.ts does for member counts).
 * The TypeScript twin (schemas.gen.ts) spells the same checks out in its own helpers (codegen/emit/module-parts.ts).
 */

export type Refinement =
  | { keyword: "propertyNames"; schema: z.ZodType }
  | { keyword: "dependentRequired"; entries: [string, string[]][] }
  | { keyword: "multipleOf"; step: number };

const recorded = new WeakMap<object, Refinement>();

/** `propertyNames`: every own key of the parsed object is a string `schema` takes. */
export function propertyNamesCheck(schema: z.ZodType): [check: (object: object) => boolean, message: string] {
  const check = (object: object) => Object.keys(object).every((key) => schema.safeParse(key).success);
  recorded.set(check, { keyword: "propertyNames", schema });
  return [check, "has a property name propertyNames does not allow"];
}

/** `dependentRequired`: with each key present (own), so are the names listed for it. */
export function dependentRequiredCheck(
  entries: [string, string[]][],
): [check: (object: object) => boolean, message: string] {
  const copy = entries.map(([key, names]): [string, string[]] => [key, [...names]]);
  const check = (object: object) =>
    copy.every(
      ([key, names]) => !Object.hasOwn(object, key) || names.every((name) => Object.hasOwn(object, name)),
    );
  recorded.set(check, { keyword: "dependentRequired", entries: copy });
  return [
    check,
    `needs, with each key, the properties dependentRequired lists for it: ${JSON.stringify(entries)}`,
  ];
}

/** A finite number as the decimal JSON writes it (its shortest form): [coefficient, exponent of ten]. */
function decimal(n: number): [bigint, number] | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(String(n));
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  return [BigInt(`${m[1]}${m[2]}${fraction}`), Number(m[4] ?? 0) - fraction.length];
}

const multiples = new Map<number, [check: (n: number) => boolean, message: string]>();

/**
 * `multipleOf`, exact: the value as JSON writes it (what the upstream receives) over the step as the spec writes it
 * is an integer (zod's own `.multipleOf` divides doubles within a tolerance, ajv's without one). One per step.
 */
export function multipleOfCheck(step: number): [check: (n: number) => boolean, message: string] {
  let found = multiples.get(step);
  if (!found) {
    const s = decimal(step);
    // A whole step: a safe integer's remainder is exact in doubles (its decimal is the double), and a number with a
    // fraction is a multiple of none; the decimals below give the same answers, about 20 times slower.
    const whole = Number.isSafeInteger(step) && step > 0;
    const check = (n: number) => {
      if (whole && Number.isSafeInteger(n)) return n % step === 0;
      if (whole && Number.isFinite(n) && !Number.isInteger(n)) return false;
      const v = decimal(n);
      if (!v || !s) return false;
      const e = Math.min(v[1], s[1]);
      return (v[0] * 10n ** BigInt(v[1] - e)) % (s[0] * 10n ** BigInt(s[1] - e)) === 0n;
    };
    recorded.set(check, { keyword: "multipleOf", step });
    found = [check, `must be a multiple of ${step}`];
    multiples.set(step, found);
  }
  return [found[0], found[1]];
}

/** What a refinement function made here checks; undefined for any other function. */
export function refinementOf(fn: unknown): Refinement | undefined {
  return typeof fn === "function" ? recorded.get(fn) : undefined;
}
