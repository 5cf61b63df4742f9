import ts from "typescript";
import { describe, expect, it } from "vitest";
import { MULTIPLE_OF_JS, MULTIPLE_OF_TS } from "../../codegen/emit/module-parts.js";
import { multipleOfCheck } from "../../src/load/refinements.js";

/**
 * `multipleOf`'s whole-step fast path (a safe integer's remainder in doubles; a number with a fraction a multiple of
 * no whole step) against the exact code alone (the decimals JSON writes), over edge values: the same answer for
 * every pair, in the three copies (the runtime's `rt.multipleOf`, schemas.gen.mjs's and schemas.gen.ts's helper).
 */

/** The exact check as it was before the fast path: decimals only. */
function decimal(n: number): [bigint, number] | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(String(n));
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  return [BigInt(`${m[1]}${m[2]}${fraction}`), Number(m[4] ?? 0) - fraction.length];
}
function exact(step: number, n: number): boolean {
  const v = decimal(n);
  const s = decimal(step);
  if (!v || !s) return false;
  const e = Math.min(v[1], s[1]);
  return (v[0] * 10n ** BigInt(v[1] - e)) % (s[0] * 10n ** BigInt(s[1] - e)) === 0n;
}

type Make = (step: number) => [(n: number) => boolean, string];
const templateJs = new Function(`${MULTIPLE_OF_JS}; return multipleOf;`)() as Make;
const templateTs = new Function(
  `${ts.transpileModule(MULTIPLE_OF_TS, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText}; return multipleOf;`,
)() as Make;

const MAX = Number.MAX_SAFE_INTEGER;
const values = [
  0,
  -0,
  1,
  -1,
  2,
  3,
  7,
  8,
  10,
  100,
  -100,
  1000003,
  0.5,
  -0.5,
  0.1,
  0.01,
  0.07,
  0.3,
  0.30000000000000004,
  19.99,
  1e-7,
  1e-20,
  5e-324,
  -5e-324,
  8.000000000000002,
  MAX,
  -MAX,
  MAX - 1,
  MAX + 1,
  MAX + 3,
  2 ** 53,
  2 ** 60,
  1234567890123456800,
  1e21,
  -1e21,
  1e300,
  1e308,
  -1e308,
  Number.MAX_VALUE,
  1.7976931348623157e308,
  Infinity,
  -Infinity,
  Number.NaN,
  4.35,
  1.5e-7,
  123456789.5,
];
const steps = [
  1,
  2,
  3,
  7,
  8,
  10,
  100,
  1000003,
  MAX,
  2 ** 53,
  1e21,
  0.5,
  0.1,
  0.01,
  0.07,
  1e-7,
  5e-324,
  1e308,
  2.5,
];

describe("multipleOf's whole-step fast path", () => {
  for (const [name, make] of [
    ["runtime rt.multipleOf", multipleOfCheck],
    ["schemas.gen.mjs helper", templateJs],
    ["schemas.gen.ts helper", templateTs],
  ] as const) {
    it(`gives the exact code's answer for every edge value and step (${name})`, () => {
      const differ: string[] = [];
      for (const step of steps) {
        const [check, message] = make(step);
        expect(message).toBe(`must be a multiple of ${step}`);
        for (const n of values) if (check(n) !== exact(step, n)) differ.push(`${n} of ${step}`);
      }
      expect(differ).toEqual([]);
    });
  }

  it("answers as JSON Schema does where doubles would not (decimal steps, integers past 2^53)", () => {
    const [cents] = multipleOfCheck(0.01);
    expect([0.07, 19.99, 4.35].map(cents)).toEqual([true, true, true]);
    const [ten] = multipleOfCheck(10);
    // The double 1234567890123456768 (past 2^53), which JSON writes 1234567890123456800: a multiple of 10 as written.
    expect([1234567890123456800, MAX, 1e21, 5e-324, 0.5].map(ten)).toEqual([true, false, true, false, false]);
    const [one] = multipleOfCheck(1);
    expect([0, -0, -MAX, 1e308, 0.1, Infinity, Number.NaN].map(one)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
