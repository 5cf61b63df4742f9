import { join } from "node:path";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import type { JsonSchema } from "../../src/catalog.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { inlineReferences } from "../../src/publish/inline.js";
import { createPublisher, dialectMatters } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";

// The `inline` schema profile: input schemas as the default profile publishes them, every `#/$defs/` reference
// replaced by the schema it names (recursion kept), accepting exactly what the faithful schema accepts.

const ajv = () => new Ajv2020({ strict: false, validateFormats: false });

/** Same verdict from the faithful and the inlined schema for every value. */
function sameVerdicts(schema: JsonSchema, values: unknown[]) {
  const inlined = inlineReferences(schema);
  const faithful = ajv().compile(schema);
  const inline = ajv().compile(inlined);
  for (const value of values) expect(inline(value), JSON.stringify(value)).toBe(faithful(value));
  return inlined;
}

const Tag = { type: "string", pattern: "^[a-z]+$", description: "A tag.", examples: ["crm"] };

describe("inlineReferences", () => {
  it("a reference with annotations beside it: the named schema, their annotations over its own", () => {
    const schema = {
      type: "object",
      properties: { tag: { $ref: "#/$defs/Tag", description: "Only these.", default: "crm" } },
      additionalProperties: false,
      $defs: { Tag },
    };
    const inlined = sameVerdicts(schema, [{ tag: "crm" }, { tag: "CRM" }, { tag: 1 }, {}, { other: 1 }]);
    expect(inlined).toEqual({
      type: "object",
      properties: {
        tag: {
          type: "string",
          pattern: "^[a-z]+$",
          description: "Only these.",
          examples: ["crm"],
          default: "crm",
        },
      },
      additionalProperties: false,
    });
  });

  it("a reference with constraints beside it: allOf, both applied", () => {
    const schema = {
      type: "object",
      properties: {
        tag: { $ref: "#/$defs/Tag", maxLength: 3 },
        both: { $ref: "#/$defs/Tag", allOf: [{ minLength: 2 }] },
      },
      $defs: { Tag },
    };
    const inlined = sameVerdicts(schema, [{ tag: "crm" }, { tag: "crmx" }, { both: "a" }, { both: "ab" }]);
    expect((inlined.properties as JsonSchema).tag).toEqual({ maxLength: 3, allOf: [Tag] });
    expect((inlined.properties as JsonSchema).both).toEqual({ allOf: [Tag, { minLength: 2 }] });
  });

  it("references inside named schemas, unions and arrays; data and property names left alone", () => {
    const schema = {
      type: "object",
      properties: {
        filter: { $ref: "#/$defs/Filter" },
        $ref: { type: "string" },
        pick: { anyOf: [{ $ref: "#/$defs/Tag" }, { type: "integer" }] },
        many: { type: "array", items: { $ref: "#/$defs/Tag" } },
        raw: { type: "object", default: { $ref: "#/$defs/Tag" }, examples: [{ $ref: "x" }] },
      },
      $defs: {
        Filter: { type: "object", properties: { tags: { type: "array", items: { $ref: "#/$defs/Tag" } } } },
        Tag,
      },
    };
    const inlined = sameVerdicts(schema, [
      { filter: { tags: ["a", "B"] } },
      { filter: { tags: ["a"] } },
      { $ref: 1 },
      { $ref: "x" },
      { pick: 2 },
      { pick: "Q" },
      { many: ["a", "b"] },
      { many: ["a", 1] },
    ]);
    expect(JSON.stringify(inlined.properties)).not.toContain('"$ref":"#/$defs/Filter"');
    expect(inlined).not.toHaveProperty("$defs");
    const properties = inlined.properties as Record<string, JsonSchema>;
    expect(properties.$ref).toEqual({ type: "string" });
    expect(properties.raw).toEqual(schema.properties.raw);
  });

  it("recursion ends where it recurses: the type and a description there, every faithful value still accepted", () => {
    const Node = {
      type: "object",
      properties: {
        name: { $ref: "#/$defs/Tag" },
        children: { type: "array", items: { $ref: "#/$defs/Node" } },
      },
      required: ["name"],
    };
    const schema = { type: "object", properties: { tree: { $ref: "#/$defs/Node" } }, $defs: { Node, Tag } };
    const inlined = inlineReferences(schema);
    expect(inlined).not.toHaveProperty("$defs");
    expect(JSON.stringify(inlined)).not.toContain('"$ref"');
    const tree = (inlined.properties as Record<string, JsonSchema>).tree!;
    expect((tree.properties as Record<string, JsonSchema>).children).toEqual({
      type: "array",
      items: {
        type: "object",
        description: "A Node, as in the schema that contains this one (it recurses here).",
      },
    });
    const faithful = ajv().compile(schema);
    const inline = ajv().compile(inlined);
    const valid = [{ tree: { name: "a", children: [{ name: "b", children: [{ name: "c" }] }] } }, {}];
    for (const value of valid) expect([faithful(value), inline(value)]).toEqual([true, true]);
    // Below the recursion the value is described, not constrained: the server's faithful check refuses it.
    const deep = { tree: { name: "a", children: [{ name: "B" }] } };
    expect([faithful(deep), inline(deep)]).toEqual([false, true]);
    expect(inline({ tree: { children: [] } })).toBe(false);
  });

  it("a schema without $defs is returned as it is", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(inlineReferences(schema)).toBe(schema);
  });
});

describe("the inline profile on the reference catalogs", () => {
  const catalogs: Record<string, LoadedCatalog> = {};
  beforeAll(async () => {
    for (const name of ["scaivault", "scaly"])
      catalogs[name] = await loadCatalog(join(ROOT, "generated", name));
  });

  it("no input schema keeps $defs or a reference; output schemas are the default profile's", () => {
    for (const [name, catalog] of Object.entries(catalogs)) {
      const inline = createPublisher(catalog.doc, { profile: "inline" });
      const faithful = createPublisher(catalog.doc, { profile: "default" });
      let before = 0;
      let after = 0;
      for (const tool of catalog.doc.tools) {
        const schema = inline.input(tool);
        expect(JSON.stringify(schema), `${name} ${tool.name}`).not.toContain('"$ref"');
        expect(schema, tool.name).not.toHaveProperty("$defs");
        expect(inline.output(tool), tool.name).toEqual(faithful.output(tool));
        before += JSON.stringify(faithful.input(tool)).length;
        after += JSON.stringify(schema).length;
      }
      console.log(`${name}: input schemas ${before} bytes with $defs, ${after} inlined`);
    }
  });

  it("an input schema states $schema only where the dialect still matters: draft-07 validators compile each", () => {
    // Genkit 1.42 (@genkit-ai/mcp) validates a tool's arguments with a default (draft-07) `new Ajv()` plus
    // ajv-formats before it calls the tool: a 2020-12 `$schema` made it throw "no schema with key or ref" on the
    // first call of every such tool. Inlined, nothing in the schema reads differently in draft-07.
    for (const [name, catalog] of Object.entries(catalogs)) {
      const inline = createPublisher(catalog.doc, { profile: "inline" });
      const faithful = createPublisher(catalog.doc, { profile: "default" });
      const draft07 = new Ajv();
      addFormats.default(draft07);
      let stated = 0;
      for (const tool of catalog.doc.tools) {
        const schema = inline.input(tool);
        const { $schema, ...rest } = schema;
        expect($schema !== undefined, `${name} ${tool.name}`).toBe(dialectMatters(rest));
        if (faithful.input(tool).$schema !== undefined) stated++;
        expect(() => draft07.compile(schema), `${name} ${tool.name}`).not.toThrow();
      }
      // The default profile keeps stating it where its $defs and references are.
      expect(stated, name).toBeGreaterThan(0);
    }
  });
});
