import { describe, expect, it } from "vitest";
import { exactNumber, isExactNumber } from "../../src/catalog.js";
import { roundedInteger } from "../../src/runtime/args.js";
import { random } from "../helpers/random.js";

/**
 * `roundedInteger` names the first integer beyond ±2^53 in a call's arguments. It walks without building a path
 * per value; this checks it names the same value at the same path as the walk it replaced (a stack of values and
 * their paths, the last key popped first), over generated arguments holding none, one or several such integers.
 */

const STRING_FORM =
  "Send it as a string of digits where the tool's schema accepts one (a 64-bit integer argument does)";

function byStack(args: object): string | undefined {
  const stack: Array<[value: unknown, path: string]> = [[args, ""]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      return `invalid arguments: ${path} is ${value}, an integer beyond ±2^53 (9007199254740991): a JSON number that large may already have been rounded when the request was read, so it is refused rather than sent upstream changed. ${STRING_FORM}`;
    }
    if (value === null || typeof value !== "object" || isExactNumber(value)) continue;
    for (const [key, item] of Object.entries(value)) {
      const at = Array.isArray(value) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
      stack.push([item, at]);
    }
  }
  return undefined;
}

const UNSAFE = [2 ** 53, -(2 ** 53), 2 ** 60, 1e21, -1e300];
const SCALARS: unknown[] = [0, 1.5, -7, 2 ** 53 - 1, "x", "", true, false, null, Number.NaN];

function value(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 0 && r < 0.25) {
    return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth - 1));
  }
  if (depth > 0 && r < 0.5) return object(next, depth - 1);
  if (r < 0.58) return UNSAFE[Math.floor(next() * UNSAFE.length)];
  if (r < 0.62) return exactNumber("12345678901234567890123");
  return SCALARS[Math.floor(next() * SCALARS.length)];
}

function object(next: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = ["a", "b", "0", "10", "x y", "c.d"];
  for (let i = Math.floor(next() * 5); i > 0; i--) {
    out[names[Math.floor(next() * names.length)] as string] = value(next, depth);
  }
  return out;
}

describe("roundedInteger", () => {
  it("names the same integer at the same path as a walk by stack, over 3,000 generated argument objects", () => {
    let named = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const args = object(random(seed), 5);
      const expected = byStack(args);
      expect(roundedInteger(args), `seed ${seed}`).toBe(expected);
      if (expected !== undefined) named++;
    }
    // Both kinds are covered: argument objects with and without such an integer.
    expect(named).toBeGreaterThan(300);
    expect(named).toBeLessThan(2700);
  });

  it("reads an exact number (the transport kept its digits) as no integer to refuse, at any depth", () => {
    expect(roundedInteger({ id: exactNumber("9007199254740993") })).toBeUndefined();
    expect(roundedInteger({ a: [{ b: exactNumber("1e400") }] })).toBeUndefined();
    expect(roundedInteger({ a: [{ b: 2 ** 53 }] })).toContain(
      "invalid arguments: a[0].b is 9007199254740992,",
    );
  });
});
