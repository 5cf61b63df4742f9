import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import { emit, zodOf } from "../helpers/schema-emit.js";

/**
 * A schema no value satisfies as written is said with a located TW134 warning (before: nothing said, and the tool
 * refused every argument there). What is generated stays as the spec says: zod and the published schema refuse the
 * same values the spec's own validator does.
 */
interface Row {
  name: string;
  schema: unknown;
  components?: Record<string, unknown>;
  version?: OpenApiVersion;
  /** The warning's reason, and where it is. */
  why: string;
  pointer: string;
  values: unknown[];
  /** Read as the author meant (accepting values the spec refuses), the reason says how. */
  widened?: true;
}

const AT = "#/components/schemas/Subject";
const PET = { type: "object", properties: { name: { type: "string" } } };

const rows: Row[] = [
  {
    name: "a $ref to an object with a sibling type: string (3.1)",
    schema: { $ref: "#/components/schemas/Pet", type: "string" },
    components: { Pet: PET },
    why: "its parts take object and string, never both",
    pointer: AT,
    values: [{ name: "x" }, "x", 1],
  },
  {
    name: "an allOf of an integer and a string",
    schema: { type: "object", properties: { n: { allOf: [{ type: "integer" }, { type: "string" }] } } },
    why: "its parts take integer and string, never both",
    pointer: `${AT}/properties/n`,
    values: [{}, { n: 1 }, { n: "1" }],
  },
  {
    name: "minimum above maximum",
    schema: { type: "object", properties: { n: { type: "number", minimum: 10, maximum: 1 } } },
    why: "minimum 10 is not below maximum 1",
    pointer: `${AT}/properties/n`,
    values: [{}, { n: 5 }, { n: 10 }, { n: 1 }],
  },
  {
    name: "3.0's exclusive bounds meeting",
    schema: { type: "integer", minimum: 5, maximum: 5, exclusiveMinimum: true },
    version: "3.0",
    why: "minimum 5 is not below maximum 5",
    pointer: AT,
    values: [4, 5, 6],
  },
  {
    name: "minLength above maxLength",
    schema: { type: "string", minLength: 5, maxLength: 2 },
    why: "minLength 5 is above maxLength 2",
    pointer: AT,
    values: ["ab", "abcde", "abc"],
  },
  {
    name: "a required property additionalProperties: false forbids",
    schema: {
      type: "object",
      properties: { a: { type: "string" } },
      required: ["b"],
      additionalProperties: false,
    },
    why: 'it requires "b", a property additionalProperties: false forbids (not under properties); read as declaring it, of any value',
    widened: true,
    pointer: `${AT}/required`,
    values: [{}, { a: "x" }, { b: 1 }, { a: "x", b: 1 }],
  },
  // A `not` naming types only that cover the schema's type, and a required property whose own schema takes no
  // value: nothing was said (the tool refused every argument there, without a word).
  {
    name: "a not taking every value of the type",
    schema: { type: "string", not: { type: "string" } },
    why: "its not takes every string value, all that its type allows",
    pointer: AT,
    values: ["a", "", 1, null],
  },
  {
    name: "a not of number beside an integer, with an annotation",
    schema: {
      type: "object",
      properties: { n: { type: "integer", not: { type: "number", description: "d" } } },
    },
    why: "its not takes every integer value, all that its type allows",
    pointer: `${AT}/properties/n`,
    values: [{}, { n: 1 }, { n: 1.5 }, { n: "1" }],
  },
  {
    name: "not: true beside a type",
    schema: { type: "boolean", not: true },
    why: "its not takes every boolean value, all that its type allows",
    pointer: AT,
    values: [true, false, 1],
  },
  {
    name: "a required property whose schema is false",
    schema: { type: "object", properties: { x: false, y: { type: "string" } }, required: ["x"] },
    why: 'it requires "x", a property whose own schema takes no value',
    pointer: AT,
    values: [{}, { x: 1 }, { y: "a" }, { x: null, y: "a" }],
  },
];

function specCheck(row: Row) {
  const text = JSON.stringify({ ...(row.schema as object), $defs: row.components ?? {} });
  const schema = JSON.parse(text.replaceAll("#/components/schemas/", "#/$defs/"));
  return new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
}

describe("a schema no value satisfies", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s: warned where it is, kept as written", (_, row) => {
    const out = emit(row.schema, row.version ?? "3.1", row.components);
    const said = out.diags.filter((d) => d.message.startsWith("no value satisfies"));
    expect(said.map((d) => [d.code, d.severity, d.message, d.source?.pointer])).toEqual([
      [
        "TW134",
        "warning",
        `no value satisfies this schema: ${row.why}${row.widened ? "" : "; kept as written, so every value is refused here"}`,
        row.pointer,
      ],
    ]);
    const zod = zodOf(out.zod, out.decls);
    const pub = new Ajv2020({ strict: false, validateFormats: false }).compile({
      ...(out.json as object),
      $defs: out.defs,
    });
    const spec = row.version === "3.0" ? undefined : specCheck(row);
    for (const value of row.values) {
      const z = zod.safeParse(value).success;
      expect(pub(value), JSON.stringify(value)).toBe(z);
      if (spec && !row.widened) expect(spec(value), JSON.stringify(value)).toBe(z);
    }
  });

  it.each([
    [
      "a $ref to an object with a sibling description",
      { $ref: "#/components/schemas/Pet", description: "d" },
    ],
    ["a $ref to an object with a sibling type: object", { $ref: "#/components/schemas/Pet", type: "object" }],
    ["an allOf of a number and an integer", { allOf: [{ type: "number" }, { type: "integer", minimum: 1 }] }],
    ["an enum with one value of the type", { type: "string", enum: [1, "a"] }],
    ["an enum none of whose values is of the type (read as the enum)", { type: "object", enum: ["A", "B"] }],
    ["a nullable enum holding only null (3.0)", { type: "string", nullable: true, enum: [null] }],
    ["bounds that meet", { type: "integer", minimum: 3, maximum: 3, minLength: 2, maxLength: 2 }],
    [
      "a required name patternProperties matches",
      { type: "object", required: ["x-a"], patternProperties: { "^x-": {} }, additionalProperties: false },
    ],
    ["a recursive $ref", { $ref: "#/components/schemas/Tree", type: "object" }],
    ["a not of the type beside null (3.1)", { type: ["string", "null"], not: { type: "string" } }],
    ["a not of integers beside a number", { type: "number", not: { type: "integer" } }],
    ["a not with a bound beside its type", { type: "string", not: { type: "string", minLength: 3 } }],
    ["not: {} naming no type (a forbidden value on purpose)", { not: {} }],
    // `not` beside any value is not carried (said as not enforced): the property takes any value, no contradiction.
    [
      "a required property of not: {} alone",
      { type: "object", properties: { z: { not: {} } }, required: ["z"] },
    ],
    [
      "a property forbidden on purpose, not required",
      { type: "object", properties: { legacy: { not: {} }, a: { type: "string" } }, required: ["a"] },
    ],
  ])("%s: nothing said", (_, schema) => {
    const out = emit(schema, "3.1", {
      Pet: PET,
      Tree: {
        type: "object",
        properties: { kids: { type: "array", items: { $ref: "#/components/schemas/Tree" } } },
      },
    });
    expect(out.diags.filter((d) => d.message.startsWith("no value satisfies"))).toEqual([]);
  });
});

describe("a not covering a 64-bit integer's type", () => {
  it("is said, and that the tool takes what the type allows (its not is not carried beside the digits form)", () => {
    const out = emit({ type: "integer", format: "int64", not: { type: "integer" } });
    const said = out.diags.filter((d) => d.message.startsWith("no value satisfies"));
    expect(said.map((d) => [d.code, d.severity, d.message, d.source?.pointer])).toEqual([
      [
        "TW134",
        "warning",
        "no value satisfies this schema: its not takes every integer value, all that its type allows; its not is not enforced here, so the tool takes what the type allows",
        AT,
      ],
    ]);
    expect(out.json).toEqual({ type: "integer", format: "int64" });
  });
});

describe("an enum none of whose values is of the schema's type", () => {
  it("is read as its values (Okta's type: object string enums), said as information at the enum", () => {
    const out = emit({ type: "object", properties: { s: { type: "object", enum: ["PUSH", "DONT_PUSH"] } } });
    expect(out.diags.map((d) => [d.code, d.severity, d.message, d.source?.pointer])).toEqual([
      [
        "TW134",
        "info",
        "none of the enum's values is of the schema's type (object): read as the enum's values, the type not enforced",
        `${AT}/properties/s/enum`,
      ],
    ]);
    const zod = zodOf(out.zod, out.decls);
    expect(zod.safeParse({ s: "PUSH" }).success).toBe(true);
    expect(zod.safeParse({ s: {} }).success).toBe(false);
  });
});
