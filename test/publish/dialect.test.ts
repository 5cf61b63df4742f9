import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import { createPublisher, DIALECT, dialectMatters } from "../../src/publish/publisher.js";

/**
 * `$schema` is published only where the dialect changes a schema's meaning: a client of an MCP revision before
 * 2025-11-25 reads a schema without `$schema` as draft-07, and must then read it as 2020-12 would.
 */

const AGREE: JsonSchema[] = [
  { type: "object", properties: { a: { type: "string", minLength: 2 } }, required: ["a"] },
  { type: "object", properties: { n: { anyOf: [{ type: "integer", minimum: 1 }, { type: "null" }] } } },
  { type: "object", properties: { tags: { type: "array", items: { type: "string" }, maxItems: 2 } } },
  // Names and data that look like dialect keywords are not keywords.
  { type: "object", properties: { $ref: { type: "string" }, prefixItems: { type: "integer" } } },
  { type: "object", properties: { k: { enum: [{ $ref: "#/$defs/X" }, "x"] } } },
  { type: "object", properties: { k: { const: { $defs: {} } } }, additionalProperties: false },
];

const DIFFER: JsonSchema[] = [
  { type: "object", properties: { a: { $ref: "#/$defs/A" } }, $defs: { A: { type: "string" } } },
  { type: "object", properties: { p: { type: "array", prefixItems: [{ type: "string" }] } } },
  { type: "object", properties: { o: { type: "object", unevaluatedProperties: false } } },
  { type: "object", dependentRequired: { a: ["b"] } },
  { type: "object", properties: { l: { type: "array", contains: { type: "string" }, minContains: 2 } } },
  { type: "object", patternProperties: { "^x": { $ref: "#/$defs/X" } }, $defs: { X: {} } },
];

const VALUES: unknown[] = [
  {},
  { a: "x" },
  { a: "xy" },
  { a: 1 },
  { n: null },
  { n: 0 },
  { n: 2 },
  { tags: ["a", "b", "c"] },
  { tags: [1] },
  { $ref: "s" },
  { $ref: 1 },
  { prefixItems: 1.5 },
  { k: "x" },
  { k: { $ref: "#/$defs/X" } },
  { k: { $defs: {} } },
  { extra: true },
];

const draft07 = new Ajv({ strict: false });
const v2020 = new Ajv2020({ strict: false });

describe("the published dialect", () => {
  it("is left out only where draft-07 and 2020-12 accept exactly the same values", () => {
    for (const schema of AGREE) {
      expect(dialectMatters(schema), JSON.stringify(schema)).toBe(false);
      const a = draft07.compile(schema);
      const b = v2020.compile(schema);
      for (const value of VALUES) expect(a(value), JSON.stringify([schema, value])).toBe(b(value));
    }
  });

  it("is stated where a schema uses references, $defs or keywords draft-07 does not have", () => {
    for (const schema of DIFFER) expect(dialectMatters(schema), JSON.stringify(schema)).toBe(true);
    // One of them, read as draft-07, accepts what 2020-12 rejects: the statement carries information.
    const tuple = DIFFER[1] as JsonSchema;
    expect(draft07.compile(tuple)({ p: [1] })).toBe(true);
    expect(v2020.compile(tuple)({ p: [1] })).toBe(false);
  });

  it("follows what the projection publishes, per tool and side", () => {
    const tool = (name: string, input: JsonSchema, output?: JsonSchema): CatalogTool =>
      ({ name, aliases: [], inputSchema: input, outputSchema: output }) as unknown as CatalogTool;
    const flat = { type: "object", properties: { id: { type: "string" } } };
    const nested = { type: "object", properties: { item: { $ref: "#/$defs/Item" } } };
    const doc = {
      schemas: { Item: { type: "object", properties: { id: { type: "string" } } } },
      tools: [],
    } as unknown as CatalogDocument;
    const publisher = createPublisher(doc);
    const mixed = tool("mixed", flat, nested);
    expect(publisher.input(mixed).$schema).toBeUndefined();
    expect(publisher.output(mixed)?.$schema).toBe(DIALECT);
    expect(Object.keys(publisher.output(mixed) ?? {})[0]).toBe("$schema");
    // A reference left open by a zero depth is still a reference (to an open schema under $defs).
    const open = createPublisher(doc, { overrides: { depth: 0 } });
    expect(open.output(mixed)?.$schema).toBe(DIALECT);
  });
});
