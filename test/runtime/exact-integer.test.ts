import { describe, expect, it } from "vitest";
import { exactNumber, isExactNumber } from "../../src/catalog.js";
import { fromHandlerValues, toHandlerValues } from "../../src/executors/handler-values.js";
import { decimalArgument, integerArgument } from "../../src/load/exact-integer.js";

// A 64-bit integer argument's input form (`rt.integer`): what it takes, what it hands on, what it refuses and why.

const parse = (bounds: Parameters<typeof integerArgument>[0], value: unknown) => {
  const result = integerArgument(bounds).safeParse(value);
  return result.success
    ? { ok: true as const, json: JSON.stringify(result.data), exact: isExactNumber(result.data) }
    : { ok: false as const, message: result.error.issues.map((i) => i.message).join("; ") };
};

describe("rt.integer: a 64-bit integer argument", () => {
  it.each([
    [7, "7", false],
    ["7", "7", false],
    ["0042", "42", false],
    ["-0", "0", false],
    ["9007199254740991", "9007199254740991", false],
    ["9007199254740993", "9007199254740993", true],
    ["-9223372036854775808", "-9223372036854775808", true],
    ["9223372036854775807", "9223372036854775807", true],
    [exactNumber("1790000000000000001"), "1790000000000000001", true],
    [1790000000000000001n, "1790000000000000001", true],
    [5n, "5", false],
  ])("takes %s and hands on %s (exact number: %s)", (value, json, exact) => {
    expect(parse({ format: "int64" }, value)).toEqual({ ok: true, json, exact });
  });

  it.each([
    [{ format: "int64" }, "9223372036854775808", "outside the int64 range"],
    [{ format: "int64" }, "-9223372036854775809", "outside the int64 range"],
    [{ format: "uint64" }, "-1", "outside the uint64 range"],
    [{ format: "uint64" }, "18446744073709551616", "outside the uint64 range"],
    [{ format: "int64" }, "1e3", "a string of its digits"],
    [{ format: "int64" }, "12.0", "a string of its digits"],
    [{ format: "int64" }, "", "a string of its digits"],
    [{ format: "int64" }, "1".repeat(41), "a string of its digits"],
    [{ format: "int64" }, 1.5, "expected an integer, received 1.5"],
    [{ format: "int64" }, exactNumber("0.1000000000000000055511151231257827"), "not an integer"],
    [{ format: "int64" }, null, "received null"],
    [{ format: "int64" }, true, "received boolean"],
    [{ format: "int64", minimum: 10 }, "9", "less than the minimum 10"],
    [{ format: "int64", maximum: 9007199254740991 }, "9007199254740992", "greater than the maximum"],
    [{ format: "int64", exclusiveMinimum: 0 }, "0", "not greater than 0"],
    [{ format: "int64", exclusiveMaximum: 5 }, "5", "not less than 5"],
    [{ format: "int64", multipleOf: 10 }, "1234567890123456781", "not a multiple of 10"],
  ])("with %j refuses %j: %s", (bounds, value, message) => {
    const result = parse(bounds, value);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toContain(message);
  });

  it("checks bounds on the exact value beyond 2^53 (a double would read both as 2^63)", () => {
    expect(parse({ maximum: 9223372036854775000 }, "9223372036854775807").ok).toBe(false);
    expect(parse({ multipleOf: 10 }, "1234567890123456780")).toMatchObject({ ok: true });
  });
});

describe("rt.decimal: a decimal argument (type: number, format: decimal)", () => {
  const decimal = (bounds: Parameters<typeof decimalArgument>[0], value: unknown) => {
    const result = decimalArgument(bounds).safeParse(value);
    return result.success
      ? { ok: true as const, json: JSON.stringify(result.data), exact: isExactNumber(result.data) }
      : { ok: false as const, message: result.error.issues.map((i) => i.message).join("; ") };
  };

  it.each([
    [12.5, "12.5", false],
    ["12.50", "12.5", false],
    ["007", "7", false],
    ["0.1", "0.1", false],
    ["12345678901234567.89", "12345678901234567.89", true],
    ["0.1000000000000000055511151231257827", "0.1000000000000000055511151231257827", true],
    [exactNumber("1e400"), "1e400", true],
    [10n ** 20n, "100000000000000000000", false],
  ])("takes %s and hands on %s (exact number: %s)", (value, json, exact) => {
    expect(decimal({ format: "decimal" }, value)).toEqual({ ok: true, json, exact });
  });

  it.each([
    [{}, "1e3", "a string of its digits"],
    [{}, ".5", "a string of its digits"],
    [{}, "1.", "a string of its digits"],
    [{}, exactNumber("1e9999"), "out of the range"],
    [{ minimum: 0 }, "-0.000000000000000000001", "less than the minimum 0"],
    [{ maximum: 0.1 }, "0.1000000000000000055511151231257827", "greater than the maximum 0.1"],
    [{ multipleOf: 0.01 }, "12345678901234567.891", "not a multiple of 0.01"],
  ])("with %j refuses %j: %s", (bounds, value, message) => {
    const result = decimal(bounds, value);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toContain(message);
  });

  it("checks multipleOf on the decimal, not on a double (0.3 is a multiple of 0.1)", () => {
    expect(decimal({ multipleOf: 0.1 }, "0.3")).toMatchObject({ ok: true });
    expect(decimal({ multipleOf: 0.01 }, "12345678901234567.89")).toMatchObject({ ok: true, exact: true });
  });
});

describe("handler values: integers beyond 2^53 cross as bigints", () => {
  it("to the handler: exact integers become bigints, other exact numbers stay; unchanged data is the same object", () => {
    const money = exactNumber("0.1000000000000000055511151231257827");
    const data = {
      id: exactNumber("1790000000000000001"),
      list: [1, exactNumber("-9007199254740993")],
      money,
    };
    const out = toHandlerValues(data) as typeof data;
    expect(out.id).toBe(1790000000000000001n);
    expect(out.list).toEqual([1, -9007199254740993n]);
    expect(out.money).toBe(money);
    expect(isExactNumber(data.id)).toBe(true);
    const plain = { a: [1, { b: "x" }] };
    expect(toHandlerValues(plain)).toBe(plain);
  });

  it("from the handler: bigints become numbers, exact beyond 2^53; a __proto__ key stays a member", () => {
    const data = JSON.parse('{"__proto__":{"n":1},"x":[1]}') as Record<string, unknown>;
    data.big = 1790000000000000001n;
    data.small = 5n;
    const out = fromHandlerValues(data) as Record<string, unknown>;
    expect(JSON.stringify(out)).toBe('{"__proto__":{"n":1},"x":[1],"big":1790000000000000001,"small":5}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
