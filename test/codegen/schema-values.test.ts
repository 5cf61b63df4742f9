import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import { probes } from "../helpers/probes.js";
import { emit, zodOf } from "../helpers/schema-emit.js";

/**
 * Values a schema writes in a way its author did not mean literally: a labelled number in a numeric enum
 * (`"0 (User)"`), an example or default the schema's own limits refuse, null as the only value of a non-null type.
 * Each is read one way, said where it is (`spec#/pointer`), and the generated zod and the published JSON Schema agree
 * on every probe.
 */
const SUBJECT = "#/components/schemas/Subject";
const said = (out: ReturnType<typeof emit>) =>
  out.diags.filter((d) => d.severity !== "info").map((d) => `${d.code} ${d.source?.pointer} ${d.message}`);

type Row = [string, unknown, unknown, string[], OpenApiVersion?];

const rows: Row[] = [
  [
    "labelled numbers: N (Label)",
    { type: "integer", format: "int32", enum: ["0 (User)", "1 (Organization)"], description: "Owner." },
    { type: "integer", enum: [0, 1], description: "Owner.\n\nValues: 0 = User, 1 = Organization." },
    [
      `TW134 ${SUBJECT}/enum enum values "0 (User)", "1 (Organization)" are not of the schema's type (integer): read as 0, 1, the numbers they start with, the labels kept in the description`,
    ],
    "3.0",
  ],
  [
    "labelled numbers: each separator, a negative number",
    { type: "integer", enum: ["0 - None", "1: One", "2 = Two", "-1 (Unknown)"] },
    {
      type: "integer",
      enum: [0, 1, 2, -1],
      description: "Values: 0 = None, 1 = One, 2 = Two, -1 = Unknown.",
    },
    [
      `TW134 ${SUBJECT}/enum enum values "0 - None", "1: One", "2 = Two", "-1 (Unknown)" are not of the schema's type (integer): read as 0, 1, 2, -1, the numbers they start with, the labels kept in the description`,
    ],
  ],
  [
    "labelled numbers beside plain ones; a label's default is its number",
    { type: "integer", enum: [0, "1 (One)"], default: "1 (One)" },
    { type: "integer", enum: [0, 1], default: 1, description: "Values: 1 = One." },
    [
      `TW134 ${SUBJECT}/enum enum value "1 (One)" is not of the schema's type (integer): read as 1, the number it starts with, the label kept in the description`,
    ],
  ],
  [
    "no guess: a leading zero, a range, no separator, a fraction under integer, no number, a label without a letter",
    { type: "integer", enum: ["01 (User)", "1-2", "5 apples", "1.5 (Half)", "x (y)", "3 (4)"] },
    { not: {} },
    [
      `TW134 ${SUBJECT}/enum enum values "01 (User)", "1-2", "5 apples", "1.5 (Half)", "x (y)", "3 (4)" are not of the schema's type (integer): no value is both, so none is accepted here (published as \`not: {}\`)`,
    ],
  ],
  [
    "two labels on one number: neither is taken",
    { type: "integer", enum: ["1 (A)", "1 (B)", "2 (C)"] },
    { const: 2, description: "Values: 2 = C." },
    [
      `TW134 ${SUBJECT}/enum enum values "1 (A)", "1 (B)" start with the same number under different labels: none of them is accepted here`,
      `TW134 ${SUBJECT}/enum enum value "2 (C)" is not of the schema's type (integer): read as 2, the number it starts with, the label kept in the description`,
    ],
  ],
  ["a string enum's labelled text is a string", { type: "string", enum: ["1 (A)"] }, { const: "1 (A)" }, []],
  [
    "an example above maximum, a default below minimum",
    { type: "integer", minimum: 1, maximum: 23, example: 32, default: 0 },
    { type: "integer", minimum: 1, maximum: 23 },
    [
      `TW197 ${SUBJECT}/example example 32 is above maximum 23: the schema refuses it, so it is left out of the published schema`,
      `TW197 ${SUBJECT}/default default 0 is below minimum 1: the schema refuses it, so it is left out of the published schema`,
    ],
    "3.0",
  ],
  [
    "exclusive bounds (3.1)",
    { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, examples: [0, 0.5, 1] },
    { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1, examples: [0.5] },
    [
      `TW197 ${SUBJECT}/examples examples 0 is not above exclusiveMinimum 0; 1 is not below exclusiveMaximum 1: the schema refuses them, so they are left out of the published schema`,
    ],
  ],
  [
    "an example longer than maxLength (a date-time under maxLength 10)",
    { type: "string", maxLength: 10, minLength: 10, example: "2025-10-15T13:51:04.997Z" },
    { type: "string", minLength: 10, maxLength: 10 },
    [
      `TW197 ${SUBJECT}/example example "2025-10-15T13:51:04.997Z" is longer than maxLength 10: the schema refuses it, so it is left out of the published schema`,
    ],
    "3.0",
  ],
  [
    "a length counted both ways: one emoji is 2 UTF-16 units",
    { type: "string", maxLength: 1, examples: ["😀", "a"] },
    { type: "string", maxLength: 1, examples: ["a"] },
    [
      `TW197 ${SUBJECT}/examples examples "😀" is longer than maxLength 1: the schema refuses it, so it is left out of the published schema`,
    ],
  ],
  [
    "examples and default not matching the pattern: only the bad ones dropped",
    { type: "string", pattern: "^[a-z]+$", examples: ["abc", "ABC", "x"], default: "A1" },
    { type: "string", pattern: "^[a-z]+$", examples: ["abc", "x"] },
    [
      `TW197 ${SUBJECT}/examples examples "ABC" does not match pattern "^[a-z]+$": the schema refuses it, so it is left out of the published schema`,
      `TW197 ${SUBJECT}/default default "A1" does not match pattern "^[a-z]+$": the schema refuses it, so it is left out of the published schema`,
    ],
  ],
  [
    "values within the limits are kept, unsaid",
    { type: "string", minLength: 1, maxLength: 3, pattern: "^a", example: "ab", default: "a" },
    { type: "string", minLength: 1, maxLength: 3, pattern: "^a", default: "a", examples: ["ab"] },
    [],
    "3.0",
  ],
  [
    "const null under type string (3.1)",
    { type: "string", const: null },
    { type: "null" },
    [
      `TW134 ${SUBJECT}/const null is the only value listed, and the schema's type (string) does not take it: read as null alone, no string accepted`,
    ],
  ],
  [
    "enum [null] under type integer (3.0, no nullable)",
    { type: "integer", enum: [null] },
    { type: "null" },
    [
      `TW134 ${SUBJECT}/enum null is the only value listed, and the schema's type (integer) does not take it: read as null alone, no integer accepted`,
    ],
    "3.0",
  ],
  [
    "enum [null] beside nullable: true is said by nothing",
    { type: "string", nullable: true, enum: [null] },
    { type: "null" },
    [],
    "3.0",
  ],
  [
    "enum of a value and null: or null, unsaid",
    { type: "string", enum: ["a", null] },
    { anyOf: [{ const: "a" }, { type: "null" }] },
    [],
  ],
];

describe("values a schema writes that its author did not mean literally", () => {
  it.each(rows)("%s", (_, schema, published, diagnostics, version) => {
    const out = emit(schema, version);
    expect(out.json).toEqual(published);
    expect(said(out)).toEqual(diagnostics);
  });

  it("a limit refusing values in many places warns once, then informs (each still said where it is)", () => {
    const bad = { type: "string", pattern: "^[A-F]+$", example: "abc" };
    const out = emit({
      type: "object",
      properties: { a: bad, b: bad, c: { ...bad, maxLength: 1, example: "AB" } },
    });
    expect(out.diags.map((d) => `${d.severity} ${d.source?.pointer}`)).toEqual([
      `warning ${SUBJECT}/properties/a/example`,
      `info ${SUBJECT}/properties/b/example`,
      `warning ${SUBJECT}/properties/c/example`,
    ]);
    expect(JSON.stringify(out.json)).not.toContain("example");
  });

  it("zod and ajv agree on the published schemas, and neither takes a dropped example or default", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const failures: string[] = [];
    for (const [name, schema, , , version] of rows) {
      const out = emit(schema, version);
      const parse = zodOf(out.zod);
      const check = ajv.compile(out.json as object);
      const written = schema as {
        example?: unknown;
        examples?: unknown[];
        default?: unknown;
        enum?: unknown[];
      };
      const extra = [
        ...(written.examples ?? []),
        ...("example" in written ? [written.example] : []),
        ...("default" in written ? [written.default] : []),
        ...(written.enum ?? []),
        0,
        1,
        2,
        -1,
        "0",
        null,
      ];
      for (const value of [...probes(out.json as object), ...extra]) {
        const a = check(value) === true;
        if (a !== parse.safeParse(value).success)
          failures.push(`${name}: ajv=${a} on ${JSON.stringify(value)}`);
      }
      const kept = out.json as { examples?: unknown[]; default?: unknown };
      for (const value of [...(kept.examples ?? []), ...("default" in kept ? [kept.default] : [])])
        if (!check(value)) failures.push(`${name}: published ${JSON.stringify(value)} the schema refuses`);
    }
    expect(failures).toEqual([]);
  });
});
