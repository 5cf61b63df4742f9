import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import type { JsonSchema } from "../../src/catalog.js";
import { portableInput } from "../../src/publish/portable.js";
import { genSpec, writeTree } from "../helpers/generate.js";
import { probes } from "../helpers/probes.js";
import { emit, zodOf } from "../helpers/schema-emit.js";

/**
 * JSON Schema 2020-12 (OpenAPI 3.1) and OpenAPI 3.0 keywords real specs use, each through the generator: the zod
 * schema must accept exactly what ajv 2020 accepts under the published schema (on the row's values and the probes),
 * must accept every value the spec's own schema accepts (ajv 2020 on it, for 3.1), and may accept a value the spec
 * refuses only where a keyword is not enforced and a diagnostic names it (`widened`).
 */
interface Row {
  name: string;
  schema: unknown;
  values: unknown[];
  version?: OpenApiVersion;
  components?: Record<string, unknown>;
  /** Keywords not enforced: a diagnostic must name each, and only values the spec refuses through them pass. */
  widened?: string[];
}

const OBJ = { type: "object" } as const;

const rows: Row[] = [
  {
    name: "then and else typing one property two ways: either type is taken",
    schema: {
      ...OBJ,
      properties: { kind: { type: "string" } },
      if: { properties: { kind: { const: "a" } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { properties: { v: { type: "integer" } } },
      else: { properties: { v: { type: "string" } } },
    },
    values: [{ kind: "a", v: 1 }, { kind: "b", v: "s" }, { kind: "b", v: 1 }, { kind: "a", v: true }, {}],
    widened: ["if", "then", "else"],
  },
  {
    name: "a property only then declares is any value where the condition fails",
    schema: {
      ...OBJ,
      additionalProperties: false,
      properties: { kind: { type: "string" } },
      if: { properties: { kind: { const: "a" } } },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { properties: { v: { type: "integer", description: "The count." } }, required: ["v"] },
    },
    values: [{ kind: "a", v: 1 }, { kind: "b", v: "s" }, { kind: "a" }, { kind: "b" }, { w: 1 }],
    widened: ["if", "then"],
  },
  {
    name: "a property a dependent schema declares is any value without the key that brings it in",
    schema: {
      ...OBJ,
      properties: { card: { type: "string" } },
      dependentSchemas: { card: { required: ["billing"], properties: { billing: { type: "string" } } } },
    },
    values: [{}, { card: "1" }, { card: "1", billing: "2" }, { card: "1", billing: 2 }, { billing: 3 }],
    widened: ["dependentSchemas"],
  },
  {
    name: "a $ref to a plain-name fragment is the schema with that $anchor",
    schema: { type: "array", items: { $ref: "#count" } },
    components: { N: { $anchor: "count", type: "integer", minimum: 0 } },
    values: [[], [1], [-1], ["x"], [1, 2]],
  },
  {
    name: "a $dynamicRef whose $dynamicAnchor one schema declares is a reference to it (a recursive tree)",
    schema: { $ref: "#/components/schemas/Tree" },
    components: {
      Tree: {
        $dynamicAnchor: "node",
        type: "object",
        required: ["v"],
        properties: { v: { type: "integer" }, children: { type: "array", items: { $dynamicRef: "#node" } } },
      },
    },
    values: [
      { v: 1 },
      { v: "x" },
      { v: 1, children: [{ v: 2 }] },
      { v: 1, children: [{ v: "y" }] },
      { v: 1, children: [{}] },
    ],
  },
  {
    name: "prefixItems with items: false",
    schema: { type: "array", prefixItems: [{ type: "integer" }, { type: "string" }], items: false },
    values: [[], [1], [1, "a"], [1, "a", 2], ["a"], [1, 2]],
  },
  {
    name: "const of an object",
    schema: { const: { a: 1, b: [true] } },
    values: [
      { a: 1, b: [true] },
      { b: [true], a: 1 },
      { a: 1 },
      { a: 1, b: [true], c: 1 },
      { a: 1, b: [false] },
    ],
  },
  {
    name: "numeric exclusiveMinimum (3.1)",
    schema: { type: "number", exclusiveMinimum: 0, maximum: 10 },
    values: [0, 0.001, 10, 10.1, -1],
  },
  {
    name: "a type list with null",
    schema: { type: ["null", "string"], minLength: 2 },
    values: [null, "ab", "a", 1],
  },
  {
    name: "$ref or null (3.1)",
    schema: { anyOf: [{ $ref: "#/components/schemas/N" }, { type: "null" }] },
    components: { N: { type: "integer" } },
    values: [null, 1, "x"],
  },
  {
    name: "dependentRequired",
    schema: {
      ...OBJ,
      properties: { card: { type: "string" }, billing: { type: "string" } },
      dependentRequired: { card: ["billing"] },
    },
    values: [{}, { card: "1" }, { card: "1", billing: "2" }, { billing: "x" }, { card: "1", billing: 2 }],
  },
  {
    name: "dependentRequired naming a property no schema declares, __proto__ among the keys",
    schema: { ...OBJ, dependentRequired: { __proto__: ["a", "b"], a: [], c: ["d"] } },
    values: [
      {},
      JSON.parse('{"__proto__": 1}'),
      JSON.parse('{"__proto__": 1, "a": 1, "b": 2}'),
      { c: 1 },
      { c: 1, d: null },
      { a: 1 },
    ],
  },
  {
    name: "contains, minContains, maxContains",
    schema: { type: "array", contains: { type: "string" }, minContains: 2, maxContains: 3 },
    values: [[], ["a"], ["a", "b"], ["a", "b", "c", "d"], [1, "a", "b"]],
    widened: ["contains"],
  },
  {
    name: "propertyNames",
    schema: { ...OBJ, additionalProperties: { type: "integer" }, propertyNames: { enum: ["a", "b"] } },
    values: [{}, { a: 1 }, { c: 1 }, { a: "x" }, { a: 1, b: 2 }],
  },
  {
    name: "propertyNames with a pattern and a length (Vercel's)",
    schema: {
      ...OBJ,
      additionalProperties: { type: "string" },
      propertyNames: { maxLength: 8, pattern: "^[\\w-]+$", type: "string" },
    },
    values: [{}, { "a-b_1": "x" }, { "a b": "x" }, { abcdefghi: "x" }, { "": "x" }, { ok: 1 }],
  },
  {
    name: "propertyNames false: only the empty object",
    schema: { ...OBJ, propertyNames: false },
    values: [{}, { a: 1 }],
  },
  {
    name: "propertyNames on a nullable object (3.0)",
    schema: { ...OBJ, nullable: true, propertyNames: { enum: ["a"] } },
    values: [null, {}, { a: 1 }, { b: 1 }],
    version: "3.0",
  },
  {
    name: "propertyNames with a format is not enforced (formats are annotations)",
    schema: { ...OBJ, propertyNames: { format: "email" } },
    values: [{}, { "a@b.c": 1 }, { x: 1 }],
    widened: ["propertyNames"],
  },
  {
    name: "not: a range an integer may not take (HERE positioning's)",
    schema: { type: "integer", minimum: 0, maximum: 999, not: { maximum: 899, minimum: 800 } },
    values: [0, 799, 800, 850, 899, 900, 999, 1000, "850"],
  },
  {
    name: "not: anything but null, beside a type list",
    schema: { type: ["string", "null"], not: { type: "null" } },
    values: ["a", null, 1],
  },
  {
    name: "not: an object without a property",
    schema: { ...OBJ, properties: { a: { type: "string" } }, not: { required: ["a"] } },
    values: [{}, { a: "x" }, { b: 1 }],
  },
  {
    name: "not: values of an enum and a pattern",
    schema: { type: "string", not: { anyOf: [{ enum: ["root", "admin"] }, { pattern: "^sys" }] } },
    values: ["user", "root", "admin", "system", "a-sys"],
  },
  // A bound of one type (exclusiveMinimum, minItems, uniqueItems, maxProperties) is read only on a typed node: with
  // no type for it, a not's schema read as any value refused every value.
  {
    name: "not: an exclusive bound with no type is not enforced (never a refusal of every value)",
    schema: { type: "number", not: { exclusiveMinimum: 5 } },
    values: [1, 5, 5.5],
    widened: ["not"],
  },
  {
    name: "not: array and object bounds with no type are not enforced",
    schema: {
      ...OBJ,
      properties: {
        tags: { type: "array", not: { minItems: 2 } },
        ids: { type: "array", not: { uniqueItems: true } },
      },
      not: { maxProperties: 0 },
    },
    values: [{ tags: [] }, { tags: [1] }, { tags: [1, 2] }, { ids: [1, 1] }, { ids: [1, 2] }, {}],
    widened: ["not"],
  },
  {
    name: "not: a bound with no type inside a property or a branch is not enforced",
    schema: {
      ...OBJ,
      properties: { n: { type: "number", not: { anyOf: [{ exclusiveMinimum: 5 }, { maximum: 0 }] } } },
      not: { required: ["a"], properties: { a: { exclusiveMaximum: 3 } } },
    },
    values: [{ a: 1 }, { a: 5 }, {}, { n: -1 }, { n: 3 }, { n: 6 }],
    widened: ["not"],
  },
  {
    name: "not: an exclusive bound beside one the type is read from is enforced",
    schema: { type: "number", not: { minimum: 1, exclusiveMaximum: 3 } },
    values: [0, 1, 2, 3, 4],
  },
  {
    name: "not: a schema read wider than the spec's (a format) is not enforced",
    schema: { type: "string", not: { format: "email" } },
    values: ["a@b.c", "x"],
    widened: ["not"],
  },
  {
    name: "not: a schema naming another is not enforced",
    schema: { type: "integer", not: { $ref: "#/components/schemas/N" } },
    components: { N: { type: "integer", minimum: 5 } },
    values: [1, 5, 6],
    widened: ["not"],
  },
  {
    name: "not: nullable under not (3.1 ignores it, the generator reads it as or null) is not enforced",
    schema: { type: ["string", "null"], not: { type: "string", nullable: true } },
    values: [null, "a"],
    widened: ["not"],
  },
  // A 64-bit integer's or a decimal's input form (a number, its digits as a string, an exact number past 2^53) is
  // why `not` beside one is not enforced (said): the same whether the type is named alone or in a type list
  // (before, the list's union took the check, without a word, in a form the one type refuses to judge).
  {
    name: "not: beside a type list holding a 64-bit integer is not enforced, as beside the one type",
    schema: { type: ["integer", "string"], format: "int64", not: { const: 5 } },
    values: [5, 6, "5", "x"],
    widened: ["not"],
  },
  {
    name: "not: beside a type list holding a decimal is not enforced, as beside the one type",
    schema: {
      ...OBJ,
      properties: { d: { type: ["number", "boolean"], format: "decimal", not: { const: 1.5 } } },
    },
    values: [{ d: 1.5 }, { d: true }, { d: 2 }, {}],
    widened: ["not"],
  },
  // The same with the 64-bit integer or decimal named by a `$ref` (a component, as most specs write an id): the
  // `not` was published, refusing the digits the input form takes.
  {
    name: "not: beside anyOf of a $ref to a 64-bit integer is not enforced, as beside the integer inline",
    schema: { anyOf: [{ $ref: "#/components/schemas/Id" }, { type: "boolean" }], not: { type: "string" } },
    components: { Id: { type: "integer", format: "int64" } },
    values: [5, "9007199254740993", true, "x"],
    widened: ["not"],
  },
  {
    name: "not: beside allOf of a $ref to a decimal is not enforced",
    schema: { allOf: [{ $ref: "#/components/schemas/Amount" }], not: { const: 1.5 } },
    components: { Amount: { type: "number", format: "decimal" } },
    values: [1.5, 2, "2.25"],
    widened: ["not"],
  },
  {
    name: "not: any value beside it is not enforced",
    schema: { not: { type: "null" } },
    values: [1, null],
    widened: ["not"],
  },
  {
    name: "patternProperties beside additionalProperties: false",
    schema: {
      ...OBJ,
      properties: { id: { type: "integer" } },
      patternProperties: { "^x-": { type: "string" } },
      additionalProperties: false,
    },
    values: [{}, { id: 1 }, { "x-a": "s" }, { "x-a": 1 }, { other: 1 }, { id: "1" }],
    widened: ["patternProperties"],
  },
  // zod passes a closed object's unknown key up through a union's one branch left standing as the union's own
  // refusal, which an intersection drops when another part takes the key: each such part is checked on its own.
  {
    name: "anyOf of closed objects beside properties (Vercel's create_record): an unknown key is refused",
    schema: {
      properties: { type: { type: "string", enum: ["A", "MX"] } },
      required: ["type"],
      anyOf: [
        {
          ...OBJ,
          additionalProperties: false,
          properties: { type: { enum: ["A"] }, value: { type: "string" } },
          required: ["type", "value"],
        },
        {
          ...OBJ,
          additionalProperties: false,
          properties: { type: { enum: ["MX"] }, value: { type: "string" }, priority: { type: "number" } },
          required: ["type", "priority"],
        },
      ],
    },
    values: [
      { type: "A", value: "192.0.2.1" },
      { type: "A", value: "192.0.2.1", unexpected: 1 },
      { type: "MX", priority: 1 },
      { type: "MX", priority: 1, value: "m", other: true },
      { type: "A", priority: 1 },
    ],
  },
  {
    name: "allOf: an open object and a oneOf of closed refs with a discriminator, an unknown key is refused",
    schema: {
      allOf: [
        { ...OBJ, properties: { kind: { type: "string" } } },
        {
          oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }],
          discriminator: { propertyName: "kind", mapping: { cat: "Cat", dog: "Dog" } },
        },
      ],
    },
    components: {
      Cat: {
        ...OBJ,
        additionalProperties: false,
        properties: { kind: { const: "cat" }, purrs: { type: "boolean" } },
      },
      Dog: {
        ...OBJ,
        additionalProperties: false,
        properties: { kind: { const: "dog" }, barks: { type: "boolean" } },
      },
    },
    values: [
      { kind: "cat" },
      { kind: "cat", purrs: true },
      { kind: "cat", barks: true },
      { kind: "dog", x: 1 },
    ],
  },
  {
    name: "allOf: an open object beside a nested allOf with a closed part, an unknown key is refused",
    schema: {
      allOf: [
        { ...OBJ, properties: { a: { type: "string" } } },
        {
          allOf: [
            { ...OBJ, additionalProperties: false, properties: { a: {}, b: { type: "string" } } },
            { ...OBJ },
          ],
        },
      ],
    },
    values: [{ a: "x" }, { a: "x", b: "y" }, { a: "x", c: 1 }, { c: 1 }],
  },
  {
    name: "an open object beside a nullable anyOf of closed objects (3.0), an unknown key is refused",
    version: "3.0",
    schema: {
      ...OBJ,
      properties: { id: { type: "integer" } },
      allOf: [
        {
          ...OBJ,
          nullable: true,
          anyOf: [
            {
              ...OBJ,
              additionalProperties: false,
              properties: { id: { type: "integer" }, n: { type: "string" } },
            },
          ],
        },
      ],
    },
    values: [{ id: 1 }, { id: 1, n: "a" }, { id: 1, z: 1 }],
  },
  {
    name: "contentMediaType and contentSchema annotate",
    schema: { type: "string", contentMediaType: "application/json", contentSchema: { type: "object" } },
    values: ["x", "{}", 1],
  },
  {
    name: "minProperties in an allOf part counts the members of the merged object (it was dropped)",
    schema: {
      ...OBJ,
      properties: { note: { type: "string" }, size: { type: "integer" } },
      allOf: [{ minProperties: 1 }],
    },
    values: [{}, { note: "n" }, { other: 1 }, { note: 1 }],
  },
  {
    name: "an untyped minProperties beside a $ref to an object counts its members (it was read as any value)",
    schema: { allOf: [{ $ref: "#/components/schemas/Base" }, { minProperties: 1, maxProperties: 2 }] },
    components: { Base: { ...OBJ, properties: { id: { type: "string" } } } },
    values: [{}, { id: "x" }, { id: "x", a: 1 }, { id: "x", a: 1, b: 2 }, { id: 1 }],
  },
  {
    name: "an untyped minItems beside a $ref to an array counts its items (it was read as any value)",
    schema: { allOf: [{ $ref: "#/components/schemas/List" }, { minItems: 1, maxItems: 2 }] },
    components: { List: { type: "array", items: { type: "integer" } } },
    values: [[], [1], [1, 2], [1, 2, 3], ["x"]],
  },
  {
    name: "the parts' counts bound one object: the highest minProperties, the lowest maxProperties",
    schema: {
      allOf: [
        { ...OBJ, properties: { a: { type: "string" } }, minProperties: 1, maxProperties: 3 },
        { ...OBJ, properties: { b: { type: "string" } }, minProperties: 2, maxProperties: 2 },
      ],
    },
    values: [{}, { a: "x" }, { a: "x", b: "y" }, { a: "x", b: "y", c: 1 }, { c: 1, d: 2 }],
    version: "3.0",
  },
];

/** The spec's own schema as ajv 2020 reads it, its components as `$defs`. */
function specCheck(row: Row) {
  const text = JSON.stringify({ ...(row.schema as object), $defs: row.components ?? {} });
  const schema = JSON.parse(text.replaceAll("#/components/schemas/", "#/$defs/"));
  return new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
}

describe("JSON Schema 2020-12 keywords: the zod check, the published schema and the spec", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", (_, row) => {
    const out = emit(row.schema, row.version ?? "3.1", row.components);
    expect(out.diags.filter((d) => d.severity === "error")).toEqual([]);
    const published = { ...(out.json as object), $defs: out.defs };
    const pub = new Ajv2020({ strict: false, validateFormats: false }).compile(published);
    const zod = zodOf(out.zod, out.decls);
    const spec = specCheck(row);
    const problems: string[] = [];
    for (const value of [...row.values, ...probes(published)]) {
      const z = zod.safeParse(value).success;
      if (pub(value) !== z) problems.push(`published ${pub(value)}, zod ${z}: ${JSON.stringify(value)}`);
    }
    const said = out.diags.map((d) => d.message).join("\n");
    for (const keyword of row.widened ?? []) expect(said).toContain(`"${keyword}" is not enforced`);
    for (const value of row.values) {
      const z = zod.safeParse(value).success;
      if (spec(value) && !z) problems.push(`a value the spec accepts is refused: ${JSON.stringify(value)}`);
      if (!spec(value) && z && (row.widened ?? []).length === 0)
        problems.push(`a value the spec refuses is accepted, and nothing says why: ${JSON.stringify(value)}`);
    }
    expect(problems).toEqual([]);
  });

  it("properties then and else declare keep their words and required names", () => {
    const out = emit(rows[1]?.schema);
    expect(out.json).toMatchObject({ properties: { v: { description: "The count." } } });
    const both = emit({
      ...OBJ,
      required: ["v"],
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { properties: { v: { type: "integer" } } },
    });
    expect(both.json).toEqual({ type: "object", required: ["v"] });
    expect(both.zod).toBe("z.looseObject({\n  v: z.unknown(),\n})");
  });

  it("a $dynamicRef whose $dynamicAnchor several schemas declare is any value, said where it is", () => {
    const out = emit({ $ref: "#/components/schemas/List" }, "3.1", {
      List: {
        $id: "https://example.com/list",
        $dynamicAnchor: "item",
        type: "array",
        items: { $dynamicRef: "#item" },
      },
      Names: { $id: "https://example.com/names", $dynamicAnchor: "item", type: "string" },
    });
    const warning = out.diags.find((d) => d.message.includes("$dynamicRef"));
    expect(warning?.severity).toBe("info");
    expect(warning?.message).toContain('2 schemas declare $dynamicAnchor "item"');
    expect(warning?.source?.pointer).toBe("#/components/schemas/List/items/$dynamicRef");
    expect(zodOf(out.zod, out.decls).safeParse([1, "x", {}]).success).toBe(true);
  });

  it("a plain-name fragment no schema (or several in one resource) declares still points at nothing", () => {
    expect(emit({ $ref: "#nowhere" }).diags.map((d) => d.code)).toEqual(["TW131"]);
  });
});

describe("OpenAPI 3.0: nullable beside a $ref", () => {
  it.each([
    ["nullable", { $ref: "#/components/schemas/N", nullable: true }],
    ["x-nullable", { $ref: "#/components/schemas/N", "x-nullable": true }],
  ])("%s: true beside a $ref takes null, said once where first seen", (key, schema) => {
    const out = emit({ type: "object", properties: { a: schema, b: schema } }, "3.0", {
      N: { type: "integer" },
    });
    const zod = zodOf(out.zod, out.decls);
    const pub = new Ajv2020({ strict: false }).compile({ ...(out.json as object), $defs: out.defs });
    for (const [value, ok] of [
      [{ a: null, b: null }, true],
      [{ a: 1 }, true],
      [{ a: "x" }, false],
    ] as const) {
      expect(zod.safeParse(value).success, JSON.stringify(value)).toBe(ok);
      expect(pub(value), JSON.stringify(value)).toBe(ok);
    }
    const notes = out.diags.filter((d) => d.message.includes("beside a $ref"));
    expect(notes.map((d) => [d.severity, d.source?.pointer])).toEqual([
      ["info", `#/components/schemas/Subject/properties/a/${key}`],
    ]);
  });
});

describe("multipleOf: exact on the decimals JSON writes", () => {
  // [step, value, whether the value is a multiple of the step as JSON writes both (what the upstream reads)]
  const table: [number, number, boolean][] = [
    [0.01, 0.07, true],
    [0.01, 1.13, true],
    [0.01, 19.99, true],
    [0.01, 4.35, true],
    [0.01, -0.29, true],
    [0.01, 123456.78, true],
    [0.01, 0, true],
    [0.01, 0.015, false],
    [0.01, 1e-7, false],
    [0.01, 0.07000000000000002, false],
    [0.1, 0.3, true],
    [0.1, 3.3, true],
    [0.1, 0.15, false],
    [0.1, 1e-20, false],
    [0.1, 0.30000000000000004, false],
    [0.0001, 1.2345, true],
    [0.0001, 0.00015, false],
    [2.5, 7.5, true],
    [2.5, 6, false],
    [8, 16, true],
    [8, 12, false],
    [8, 8.000000000000002, false],
    [8, 1e300, true],
    [3, 1e300, false],
    [1e-9, 3e-9, true],
  ];

  it.each(table)("multipleOf %s: %s is %s", (step, value, expected) => {
    for (const type of ["number", "integer"] as const) {
      if (type === "integer" && !Number.isSafeInteger(value)) continue;
      const out = emit({ type, multipleOf: step }, "3.1");
      expect(out.json).toEqual({ type, multipleOf: step });
      expect(zodOf(out.zod, out.decls).safeParse(value).success, `${type} ${value}`).toBe(expected);
    }
  });

  it("ajv 2020 divides doubles: it refuses decimal multiples the runtime takes, never the reverse on this table", () => {
    const refusedByAjv: string[] = [];
    for (const [step, value, expected] of table) {
      const ajv = new Ajv2020({ strict: false }).compile({ type: "number", multipleOf: step });
      if (ajv(value) && !expected) refusedByAjv.push(`ajv accepts ${value} of ${step}`);
      if (!ajv(value) && expected) refusedByAjv.push(`${value} of ${step}`);
    }
    // What docs/known-limits.md says: a client validating the published schema with ajv's defaults refuses these.
    expect(refusedByAjv).toEqual([
      "0.07 of 0.01",
      "1.13 of 0.01",
      "19.99 of 0.01",
      "4.35 of 0.01",
      "-0.29 of 0.01",
      "0.3 of 0.1",
      "3.3 of 0.1",
      "1.2345 of 0.0001",
      "1e+300 of 8",
    ]);
  });
});

describe("not, propertyNames and dependentRequired beyond one schema", () => {
  it("on a request body whose fields are the tool's arguments, they are said not to be enforced there", async () => {
    const spec = {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/orders": {
          post: {
            operationId: "createOrder",
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { card: { type: "string" }, billing: { type: "string" } },
                    dependentRequired: { card: ["billing"] },
                    propertyNames: { maxLength: 10 },
                  },
                },
              },
            },
            responses: { "204": { description: "done" } },
          },
        },
      },
    };
    const dir = writeTree("schema24-body", { "spec.json": JSON.stringify(spec) });
    const { cat, diags } = await genSpec(join(dir, "spec.json"), "t", join(dir, "out"));
    expect(cat).toBeDefined();
    const said = diags.items.filter((d) => d.code === "TW134").map((d) => [d.severity, d.message]);
    expect(said).toEqual([
      [
        "info",
        "POST /orders: the request body's propertyNames, dependentRequired are not enforced: the body's fields are the tool's arguments, so the upstream checks them",
      ],
    ]);
  });

  it("a count of the body's members (minProperties, maxProperties) is said not to be enforced there too", async () => {
    const body = (extra: Record<string, unknown>) => ({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      paths: {
        "/orders/{id}": {
          patch: {
            operationId: "updateOrder",
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: { note: { type: "string" }, size: { type: "integer" } },
                    ...extra,
                  },
                },
              },
            },
            responses: { "204": { description: "done" } },
          },
        },
      },
    });
    const said = async (extra: Record<string, unknown>) => {
      const dir = writeTree("schema40-body-count", { "spec.json": JSON.stringify(body(extra)) });
      const { cat, diags } = await genSpec(join(dir, "spec.json"), "t", join(dir, "out"));
      expect(cat).toBeDefined();
      return diags.items.filter((d) => d.code === "TW134").map((d) => [d.severity, d.message]);
    };
    expect(await said({ minProperties: 1, maxProperties: 2 })).toEqual([
      [
        "info",
        "PATCH /orders/{id}: the request body's minProperties, maxProperties are not enforced: the body's fields are the tool's arguments, so the upstream checks them",
      ],
    ]);
    expect(await said({ allOf: [{ minProperties: 1 }] })).toEqual([
      [
        "info",
        "PATCH /orders/{id}: the request body's minProperties is not enforced: the body's fields are the tool's arguments, so the upstream checks it",
      ],
    ]);
    // minProperties: 0 bounds nothing.
    expect(await said({ minProperties: 0 })).toEqual([]);
  });

  it("the portable profile leaves them out: its schema is wider than the runtime's, never narrower", () => {
    const out = emit({
      ...OBJ,
      properties: { port: { type: "integer", not: { minimum: 6000, maximum: 6063 } } },
      propertyNames: { pattern: "^[a-z]+$" },
      dependentRequired: { port: ["host"] },
    });
    const published = out.json as JsonSchema;
    expect(published).toMatchObject({ propertyNames: {}, dependentRequired: { port: ["host"] } });
    const text = JSON.stringify(portableInput(published).schema);
    for (const keyword of ["not", "propertyNames", "dependentRequired"])
      expect(text).not.toContain(`"${keyword}"`);
  });
});
