import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import { probes } from "../helpers/probes.js";
import { emit, zodOf } from "../helpers/schema-emit.js";

/**
 * TW197 on every limit a check enforces: an example or default `multipleOf`, an enum or const, a 64-bit format's
 * range, an array's `minItems`/`maxItems`/`uniqueItems` and items, an object's `minProperties`/`maxProperties`,
 * required, closed and dependent properties refuse is left out of the published schema, with a located warning, as
 * one beside a `$ref` (the referenced schema's limits) and one nested in an array or object default. A value
 * either check refuses (the runtime's zod, ajv on the published schema) is left out; what is kept both take.
 */
const SUBJECT = "#/components/schemas/Subject";
const said = (out: ReturnType<typeof emit>) =>
  out.diags.filter((d) => d.severity !== "info").map((d) => `${d.code} ${d.source?.pointer} ${d.message}`);
const LEFT = "the schema refuses it, so it is left out of the published schema";

const COMPONENTS = {
  Small: { type: "integer", maximum: 10 },
  Color: { type: "string", enum: ["red", "blue"] },
};

type Row = [string, unknown, unknown, string[], OpenApiVersion?];

const rows: Row[] = [
  [
    "multipleOf: a step's exact multiple kept, others left out",
    { type: "number", multipleOf: 0.5, default: 1.5, examples: [2, 0.75] },
    { type: "number", multipleOf: 0.5, default: 1.5, examples: [2] },
    [
      `TW197 ${SUBJECT}/examples examples 0.75 is not a multiple of multipleOf 0.5: the schema refuses it, so it is left out of the published schema`,
    ],
  ],
  [
    "multipleOf 0.01: 0.07 is a decimal multiple, but dividing doubles (ajv) refuses it",
    { type: "number", multipleOf: 0.01, default: 0.07, examples: [0.5, 0.075] },
    { type: "number", multipleOf: 0.01, examples: [0.5] },
    [
      `TW197 ${SUBJECT}/examples examples 0.075 is not a multiple of multipleOf 0.01: ${LEFT.replace("it,", "it,")}`,
      `TW197 ${SUBJECT}/default default 0.07 is not a multiple of multipleOf 0.01 as JSON Schema validators dividing doubles count it (0.07 / 0.01 is 7.000000000000001): ${LEFT}`,
    ],
  ],
  [
    // A spec's 9223372036854775807 is read as the double nearest it, 2 ** 63.
    "uint64 below 0; int64's largest, as a double reads it, is kept",
    {
      type: "object",
      properties: {
        u: { type: "integer", format: "uint64", default: -1 },
        i: { type: "integer", format: "int64", default: 2 ** 63 },
      },
    },
    {
      type: "object",
      properties: {
        u: { type: "integer", format: "uint64" },
        i: { type: "integer", format: "int64", default: 2 ** 63 },
      },
    },
    [`TW197 ${SUBJECT}/properties/u/default default -1 is below 0, the least uint64: ${LEFT}`],
  ],
  [
    "an array's item count, repeats (keys in any order) and items",
    {
      type: "array",
      items: { type: "object", properties: { a: { type: "integer", maximum: 3 }, b: { type: "string" } } },
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
      default: [],
      examples: [
        [
          { a: 1, b: "x" },
          { b: "x", a: 1 },
        ],
        [{ a: 5 }],
        [{ a: "1" }],
        [{}, {}, {}],
        [{ a: 2 }],
      ],
    },
    {
      type: "array",
      items: { type: "object", properties: { a: { type: "integer", maximum: 3 }, b: { type: "string" } } },
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
      examples: [[{ a: 2 }]],
    },
    [
      `TW197 ${SUBJECT}/examples examples [{"a":1,"b":"x"},{"b":"x","a":1}] repeats the item {"b":"x","a":1}, beside uniqueItems; [{"a":5}] at [0].a is above maximum 3; [{"a":"1"}] at [0].a is not of the schema's type (integer); [{},{},{}] has 3 items, more than maxItems 2: the schema refuses them, so they are left out of the published schema`,
      `TW197 ${SUBJECT}/default default [] has 0 items, fewer than minItems 1: ${LEFT}`,
    ],
  ],
  [
    "an object's counts, required, additional and dependent properties, and nested enum values",
    {
      type: "object",
      properties: {
        id: { type: "string" },
        kind: { type: "string", enum: ["a", "b"] },
        card: { type: "string" },
        billing: { type: "string" },
      },
      required: ["id"],
      additionalProperties: { type: "integer" },
      maxProperties: 3,
      dependentRequired: { card: ["billing"] },
      examples: [
        { id: "1", kind: "c" },
        { id: "1", card: "4111" },
        { kind: "a" },
        { id: "1", other: "1" },
        { id: "1", kind: "a", card: "4", b: 1 },
        { id: "1", kind: "a" },
      ],
    },
    {
      type: "object",
      properties: {
        id: { type: "string" },
        kind: { type: "string", enum: ["a", "b"] },
        card: { type: "string" },
        billing: { type: "string" },
      },
      required: ["id"],
      additionalProperties: { type: "integer" },
      maxProperties: 3,
      dependentRequired: { card: ["billing"] },
      examples: [{ id: "1", kind: "a" }],
    },
    [
      `TW197 ${SUBJECT}/examples examples {"id":"1","kind":"c"} at .kind is not one of the schema's values; {"id":"1","card":"4111"} has "card" without "billing", beside dependentRequired; {"kind":"a"} has no "id", which is required; {"id":"1","other":"1"} at .other is not of the schema's type (integer); {"id":"1","kind":"a","card":"4","b":1} has 4 properties, more than maxProperties 3: the schema refuses them, so they are left out of the published schema`,
    ],
  ],
  [
    "a closed object's unknown property",
    { type: "object", properties: { a: { type: "string" } }, additionalProperties: false, example: { b: 1 } },
    { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
    [`TW197 ${SUBJECT}/example example {"b":1} has "b", a property the schema does not allow: ${LEFT}`],
  ],
  [
    "minProperties: a default of no property",
    { type: "object", minProperties: 1, default: {} },
    { type: "object", minProperties: 1 },
    [`TW197 ${SUBJECT}/default default {} has 0 properties, fewer than minProperties 1: ${LEFT}`],
  ],
  [
    "a default beside a $ref (3.0 writes them anyway): the referenced schema's limits",
    { $ref: "#/components/schemas/Small", default: 50 },
    { $ref: "#/$defs/Small" },
    [`TW197 ${SUBJECT}/default default 50 is above maximum 10: ${LEFT}`],
    "3.0",
  ],
  [
    "an enum's default and example beside a $ref, in a property (3.1)",
    {
      type: "object",
      properties: { c: { $ref: "#/components/schemas/Color", default: "green", examples: ["red", 5] } },
    },
    { type: "object", properties: { c: { $ref: "#/$defs/Color", examples: ["red"] } } },
    [
      `TW197 ${SUBJECT}/properties/c/examples examples 5 is not one of the schema's values: ${LEFT.replace("it,", "it,")}`,
      `TW197 ${SUBJECT}/properties/c/default default "green" is not one of the schema's values: ${LEFT}`,
    ],
  ],
  [
    "keywords beside a $ref (3.1) apply with it",
    { $ref: "#/components/schemas/Small", maximum: 5, default: 7, examples: [3] },
    { allOf: [{ $ref: "#/$defs/Small" }, { type: "number", maximum: 5 }], examples: [3] },
    [`TW197 ${SUBJECT}/default default 7 is above maximum 5: ${LEFT}`],
  ],
  [
    "a nullable $ref's null default is kept",
    { $ref: "#/components/schemas/Small", nullable: true, default: null },
    { anyOf: [{ $ref: "#/$defs/Small" }, { type: "null" }], default: null },
    [],
    "3.0",
  ],
  [
    "an array item's default and a nested property's default",
    {
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string", maxLength: 2, default: "long" } },
        n: { type: "object", properties: { m: { type: "integer", multipleOf: 3, default: 4 } } },
      },
    },
    {
      type: "object",
      properties: {
        tags: { type: "array", items: { type: "string", maxLength: 2 } },
        n: { type: "object", properties: { m: { type: "integer", multipleOf: 3 } } },
      },
    },
    [
      `TW197 ${SUBJECT}/properties/tags/items/default default "long" is longer than maxLength 2: ${LEFT}`,
      `TW197 ${SUBJECT}/properties/n/properties/m/default default 4 is not a multiple of multipleOf 3: ${LEFT}`,
    ],
  ],
];

describe("examples and defaults against every limit", () => {
  it.each(rows)("%s", (_, schema, published, diagnostics, version) => {
    const out = emit(schema, version, COMPONENTS);
    expect(said(out)).toEqual(diagnostics);
    expect(out.json).toEqual(published);
  });

  it("what is kept both zod and ajv take; each value left out one of them refuses; they agree on probes", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const failures: string[] = [];
    for (const [name, schema, , , version] of rows) {
      const out = emit(schema, version, COMPONENTS);
      const parse = zodOf(out.zod, out.decls);
      const check = ajv.compile({ ...(out.json as object), $defs: out.defs });
      const both = (v: unknown) => check(v) === true && parse.safeParse(v).success;
      for (const value of probes(out.json as object))
        if ((check(value) === true) !== parse.safeParse(value).success)
          failures.push(`${name}: ajv=${check(value)} on ${JSON.stringify(value)}`);
      const written = schema as { examples?: unknown[]; default?: unknown };
      const kept = out.json as { examples?: unknown[]; default?: unknown };
      for (const v of [...(kept.examples ?? []), ...("default" in kept ? [kept.default] : [])])
        if (!both(v)) failures.push(`${name}: published ${JSON.stringify(v)} one check refuses`);
      const keptText = new Set([...(kept.examples ?? []), kept.default].map((v) => JSON.stringify(v)));
      for (const v of [...(written.examples ?? []), ...("default" in written ? [written.default] : [])])
        if (!keptText.has(JSON.stringify(v)) && both(v))
          failures.push(`${name}: left out ${JSON.stringify(v)} both checks take`);
    }
    expect(failures).toEqual([]);
  });
});
