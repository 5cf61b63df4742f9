import { z } from "zod";
import { type ExactNumber, exactNumber, isExactNumber, type NumberBounds } from "../catalog.js";

const RANGES: Record<string, readonly [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** Digits, at most 40 of them (a 128-bit integer has 39): longer text is no 64-bit integer and is not read. */
const DIGITS = /^-?[0-9]{1,40}$/;
/** A decimal's digits with an optional point, at most 100 characters (no exponent: a model writes the digits). */
const DECIMAL_DIGITS = /^-?[0-9]{1,100}(?:\.[0-9]{1,100})?$/;
/** A JSON number's text (an exact number the transport read), its exponent within ±400. */
const JSON_NUMBER = /^(-?)(0|[1-9][0-9]{0,199})(?:\.([0-9]{1,200}))?(?:[eE]([+-]?[0-9]{1,3}))?$/;

/** An exact decimal: `coefficient` x 10^`exponent`. */
interface Decimal {
  coefficient: bigint;
  exponent: number;
}

function decimalOf(text: string): Decimal | undefined {
  const m = JSON_NUMBER.exec(text.replace(/^(-?)0+(?=[0-9])/, "$1"));
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  const exponent = Number(m[4] ?? 0) - fraction.length;
  if (Math.abs(exponent) > 600) return undefined;
  return { coefficient: BigInt(`${m[1]}${m[2]}${fraction}`), exponent };
}

/** Both at the smaller exponent (exponents are bounded, so the scale is too). */
function aligned(a: Decimal, b: Decimal): [bigint, bigint] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.coefficient * 10n ** BigInt(a.exponent - e), b.coefficient * 10n ** BigInt(b.exponent - e)];
}

function compare(a: Decimal, b: Decimal): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A bound from the spec (a JSON number, so a double): its shortest decimal form, as the spec most likely wrote it. */
function boundOf(bound: number): Decimal {
  return decimalOf(String(bound)) ?? { coefficient: 0n, exponent: 0 };
}

/**
 * The argument schema of a 64-bit integer (`format: int64`/`uint64`, GraphQL `Long`) in its input form: a JSON
 * integer a double holds (a safe integer), a string of its digits (the form a model can write exactly beyond
 * 2^53), the exact number a client that keeps digits sent (`ExactNumber`, read exactly by the transports), or a
 * bigint (a hand-written handler's `ctx.call`). The value handed on is a number when a double holds it exactly
 * and the exact number (`JSON.rawJSON` of its digits) otherwise, so a JSON body, GraphQL variables, a query, a
 * path or a header carry exactly those digits as a JSON number (`"0042"` is 42, `"-0"` is 0). The format's range
 * and the bounds are checked on the exact value. A double beyond 2^53 never gets here (the argument step refuses
 * it first: it may already have been rounded).
 */
export function integerArgument(bounds: NumberBounds): z.ZodType<number | ExactNumber> {
  return exactArgument("an integer", (value) => {
    const exact = integerValue(value);
    if (typeof exact === "string") return exact;
    const range = bounds.format !== undefined ? RANGES[bounds.format] : undefined;
    if (range && (exact < range[0] || exact > range[1]))
      return `${exact} is outside the ${bounds.format} range (${range[0]} to ${range[1]})`;
    const problem = outOfBounds({ coefficient: exact, exponent: 0 }, String(exact), bounds);
    if (problem !== undefined) return problem;
    const number = Number(exact);
    return Number.isSafeInteger(number) ? number : exactNumber(exact.toString());
  });
}

/**
 * The argument schema of a decimal (`type: number, format: decimal`: money, quantities) in its input form: a JSON
 * number, a string of its digits with an optional point (`"12345678901234567.89"`, exact where a double keeps 15
 * to 17 digits), an exact JSON number from a client that keeps digits, or a handler's bigint. Handed on as a
 * number when the double writes the same decimal (`"12.50"` is 12.5), else as the exact number of its digits;
 * bounds are checked on the exact value.
 */
export function decimalArgument(bounds: NumberBounds): z.ZodType<number | ExactNumber> {
  return exactArgument("a number", (value) => {
    const text = decimalText(value);
    if (text.problem !== undefined) return text.problem;
    const exact = decimalOf(text.ok);
    if (!exact) return `${text.ok.slice(0, 80)} is out of the range this argument takes`;
    const problem = outOfBounds(exact, text.ok, bounds);
    if (problem !== undefined) return problem;
    const number = Number(text.ok);
    const same = Number.isFinite(number) && compare(decimalOf(String(number)) ?? exact, exact) === 0;
    return same ? number : exactNumber(text.ok);
  });
}

/** A schema that takes any present value and hands on `read`'s result, or refuses with its message. */
function exactArgument(
  what: string,
  read: (value: unknown) => number | ExactNumber | string,
): z.ZodType<number | ExactNumber> {
  return z
    .custom<unknown>((value) => value !== undefined, {
      message: `expected ${what}: a JSON number, or a string of its digits`,
    })
    .transform((value, ctx) => {
      const out = read(value);
      if (typeof out !== "string") return out;
      ctx.issues.push({ code: "custom", message: out, input: value });
      return z.NEVER;
    });
}

function kindOf(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** The integer `value` stands for, or why it is none (a message). */
function integerValue(value: unknown): bigint | string {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return `expected an integer, received ${value}`;
    return BigInt(value);
  }
  if (typeof value === "string") {
    return DIGITS.test(value)
      ? BigInt(value)
      : `expected an integer: a JSON number, or a string of its digits (such as "9007199254740993"), received ${JSON.stringify(value.slice(0, 42))}`;
  }
  if (isExactNumber(value)) {
    const text = value.rawJSON;
    if (!/^-?\d{1,40}$/.test(text))
      return `${text.slice(0, 80)} is not an integer this argument takes (a number a double does not hold exactly)`;
    return BigInt(text);
  }
  return `expected an integer: a JSON number, or a string of its digits, received ${kindOf(value)}`;
}

/** The JSON number text `value` stands for (leading zeros dropped), or why it is none. */
function decimalText(value: unknown): { ok: string; problem?: undefined } | { problem: string } {
  if (typeof value === "bigint") return { ok: value.toString() };
  if (typeof value === "number") {
    return Number.isFinite(value)
      ? { ok: String(value) }
      : { problem: `expected a number, received ${value}` };
  }
  if (typeof value === "string") {
    return DECIMAL_DIGITS.test(value)
      ? { ok: value.replace(/^(-?)0+(?=[0-9])/, "$1") }
      : {
          problem: `expected a number: a JSON number, or a string of its digits (such as "12345678901234567.89"), received ${JSON.stringify(value.slice(0, 42))}`,
        };
  }
  if (isExactNumber(value)) return { ok: value.rawJSON };
  return {
    problem: `expected a number: a JSON number, or a string of its digits, received ${kindOf(value)}`,
  };
}

/** Why `value` (written `text`) is outside the bounds, compared exactly; undefined when it is inside. */
function outOfBounds(value: Decimal, text: string, bounds: NumberBounds): string | undefined {
  const shown = text.slice(0, 80);
  if (bounds.minimum !== undefined && compare(value, boundOf(bounds.minimum)) < 0)
    return `${shown} is less than the minimum ${bounds.minimum}`;
  if (bounds.exclusiveMinimum !== undefined && compare(value, boundOf(bounds.exclusiveMinimum)) <= 0)
    return `${shown} is not greater than ${bounds.exclusiveMinimum}`;
  if (bounds.maximum !== undefined && compare(value, boundOf(bounds.maximum)) > 0)
    return `${shown} is greater than the maximum ${bounds.maximum}`;
  if (bounds.exclusiveMaximum !== undefined && compare(value, boundOf(bounds.exclusiveMaximum)) >= 0)
    return `${shown} is not less than ${bounds.exclusiveMaximum}`;
  const step = bounds.multipleOf;
  if (step !== undefined && step > 0) {
    const [x, s] = aligned(value, boundOf(step));
    if (s !== 0n && x % s !== 0n) return `${shown} is not a multiple of ${step}`;
  }
  return undefined;
}
