import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { JsonSchemaEmitter } from "../../codegen/emit/json-schema.js";
import { ZodEmitter } from "../../codegen/emit/zod.js";
import { SymbolTable } from "../../codegen/ir/symbols.js";
import type { LoadedDocument } from "../../codegen/load/document.js";
import { DocumentSet, type OpenApiVersion } from "../../codegen/load/openapi.js";
import { SchemaConverter } from "../../codegen/normalize/openapi/schema.js";
import { planSymbols } from "../../codegen/plan/symbols.js";

/** One schema, in a document of its own, through normalize -> IR -> both emitters. */
function emit(schema: unknown, version: OpenApiVersion = "3.1", components: Record<string, unknown> = {}) {
  const data = {
    openapi: version === "3.1" ? "3.1.0" : "3.0.3",
    components: { schemas: { ...components, Subject: schema } },
  };
  const doc: LoadedDocument = {
    abs: "/virtual/spec.yaml",
    file: "spec.yaml",
    text: "",
    data,
    ref: (pointer) => ({ file: "spec.yaml", pointer }),
    cheapRef: (pointer) => ({ file: "spec.yaml", pointer }),
  };
  const diags = new Diagnostics();
  const symbols = new SymbolTable();
  const converter = new SchemaConverter(
    "t",
    version,
    new DocumentSet(doc, "/virtual", diags),
    symbols,
    diags,
  );
  const node = converter.convert(schema, { doc, pointer: "#/components/schemas/Subject" });
  const plan = planSymbols([node], symbols);
  return {
    zod: new ZodEmitter(symbols, plan).expr(node),
    json: new JsonSchemaEmitter(symbols).node(node),
    diags: diags.items,
  };
}

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
      "z.number().lt(10).multipleOf(0.5)",
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
      "tuple (prefixItems)",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }], items: false },
      "z.tuple([z.number(), z.string()])",
      { type: "array", prefixItems: [{ type: "number" }, { type: "string" }], items: false, minItems: 2 },
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
      "z.intersection(z.strictObject({\n  a: z.string().optional(),\n}), z.looseObject({\n  b: z.string().optional(),\n}))",
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
  ];
  for (const [name, schema, zod, json, version] of rows) {
    it(name, () => {
      const out = emit(schema, version);
      expect(out.zod).toBe(zod);
      expect(out.json).toEqual(json);
    });
  }

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

  it("unsupported keywords are reported once and make the schema looser, not wrong", () => {
    const out = emit({ type: "string", not: { const: "x" } });
    expect(out.zod).toBe("z.string()");
    expect(out.diags.map((d) => d.code)).toEqual(["TW134"]);
  });

  it("a pattern JavaScript cannot compile is dropped with a warning", () => {
    const out = emit({ type: "string", pattern: "(?i)abc" });
    expect(out.zod).toBe("z.string()");
    expect(out.diags.map((d) => d.code)).toEqual(["TW135"]);
  });
});
