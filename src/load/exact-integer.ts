import { z } from "zod";
import { type ExactNumber, exactNumber, isExactNumber } from "../catalog.js";

/** A 64-bit integer's format and bounds, as the generated schema passes them to `rt.integer`. */
export interface IntegerBounds {
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

const RANGES: Record<string, readonly [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

/** Digits, at most 40 of them (a 128-bit integer has 39): longer text is no 64-bit integer and is not read. */
const DIGITS = /^-?[0-9]{1,40}$/;

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
export function integerArgument(bounds: IntegerBounds): z.ZodType<number | ExactNumber> {
  return z
    .custom<unknown>((value) => value !== undefined, {
      message: "expected an integer: a JSON number, or a string of its digits",
    })
    .transform((value, ctx) => {
      const exact = exactValue(value);
      if (typeof exact === "string") {
        ctx.issues.push({ code: "custom", message: exact, input: value });
        return z.NEVER;
      }
      const problem = outOfBounds(exact, bounds);
      if (problem !== undefined) {
        ctx.issues.push({ code: "custom", message: problem, input: value });
        return z.NEVER;
      }
      const number = Number(exact);
      return Number.isSafeInteger(number) ? number : exactNumber(exact.toString());
    });
}

/** The integer `value` stands for, or why it is none (a message). */
function exactValue(value: unknown): bigint | string {
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
  return `expected an integer: a JSON number, or a string of its digits, received ${value === null ? "null" : Array.isArray(value) ? "array" : typeof value}`;
}

function outOfBounds(value: bigint, bounds: IntegerBounds): string | undefined {
  const range = bounds.format !== undefined ? RANGES[bounds.format] : undefined;
  if (range && (value < range[0] || value > range[1]))
    return `${value} is outside the ${bounds.format} range (${range[0]} to ${range[1]})`;
  // Bounds are JSON numbers: compared exactly when they are integers, otherwise against the value as a double.
  const below = (bound: number, inclusive: boolean) => {
    if (Number.isInteger(bound)) return inclusive ? value < BigInt(bound) : value <= BigInt(bound);
    return inclusive ? Number(value) < bound : Number(value) <= bound;
  };
  const above = (bound: number, inclusive: boolean) => {
    if (Number.isInteger(bound)) return inclusive ? value > BigInt(bound) : value >= BigInt(bound);
    return inclusive ? Number(value) > bound : Number(value) >= bound;
  };
  if (bounds.minimum !== undefined && below(bounds.minimum, true))
    return `${value} is less than the minimum ${bounds.minimum}`;
  if (bounds.exclusiveMinimum !== undefined && below(bounds.exclusiveMinimum, false))
    return `${value} is not greater than ${bounds.exclusiveMinimum}`;
  if (bounds.maximum !== undefined && above(bounds.maximum, true))
    return `${value} is greater than the maximum ${bounds.maximum}`;
  if (bounds.exclusiveMaximum !== undefined && above(bounds.exclusiveMaximum, false))
    return `${value} is not less than ${bounds.exclusiveMaximum}`;
  const step = bounds.multipleOf;
  if (step !== undefined && step > 0) {
    const multiple = Number.isInteger(step)
      ? value % BigInt(step) === 0n
      : Number.isInteger(Number(value) / step);
    if (!multiple) return `${value} is not a multiple of ${step}`;
  }
  return undefined;
}
