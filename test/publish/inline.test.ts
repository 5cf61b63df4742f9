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

// The `inline` schema profile (the default): input schemas as the refs profile publishes them, every `#/$defs/`
// reference replaced by the schema it names (recursion described) within the byte budget, accepting every value
// the faithful schema accepts.

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
        description: "The same shape as Node, the schema that contains this one (it recurses here).",
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

  it("a recursion's end with a description beside its reference keeps both: the first sentence, then the note", () => {
    const long = `The parent folder. ${"More words about it. ".repeat(40)}`;
    const Folder = {
      type: "object",
      properties: {
        parent: { $ref: "#/$defs/Folder", description: long },
        children: {
          type: "array",
          items: { $ref: "#/$defs/Folder", description: "A child folder", title: "Kid" },
        },
        other: { $ref: "#/$defs/Folder", description: "" },
      },
    };
    const schema = { type: "object", properties: { root: { $ref: "#/$defs/Folder" } }, $defs: { Folder } };
    const inlined = sameVerdicts(schema, [
      { root: { parent: { parent: {} } } },
      { root: { children: [1] } },
      {},
    ]);
    const props = ((inlined.properties as Record<string, JsonSchema>).root!.properties ?? {}) as Record<
      string,
      JsonSchema
    >;
    const note = "The same shape as Folder, the schema that contains this one (it recurses here).";
    expect(props.parent).toEqual({ type: "object", description: `The parent folder. ${note}` });
    expect(props.children!.items as JsonSchema).toEqual({
      type: "object",
      title: "Kid",
      description: `A child folder. ${note}`,
    });
    expect(props.other).toEqual({ type: "object", description: note });
  });

  it("a oneOf over a recursion's end becomes anyOf: the open end may match a branch the faithful schema refuses", () => {
    // `{kids: [1]}`: the first branch refuses it (1 is no Node), the second takes it; with the recursion's end
    // open, both would take it and oneOf would refuse what the server accepts.
    const Node = {
      oneOf: [
        {
          type: "object",
          properties: { kids: { type: "array", items: { $ref: "#/$defs/Node" } } },
          required: ["kids"],
        },
        {
          type: "object",
          properties: { kids: { type: "array", items: { type: "integer" } } },
          required: ["kids"],
        },
      ],
    };
    const schema = { type: "object", properties: { tree: { $ref: "#/$defs/Node" } }, $defs: { Node } };
    const inlined = inlineReferences(schema);
    const tree = (inlined.properties as Record<string, JsonSchema>).tree!;
    expect(tree.oneOf).toBeUndefined();
    expect(tree.anyOf).toHaveLength(2);
    // The end has the type every variant shares (a schema of no keyword at all would take any value).
    const first = (tree.anyOf as JsonSchema[])[0]!;
    expect((first.properties as Record<string, JsonSchema>).kids?.items).toEqual({
      type: "object",
      description: "The same shape as Node, the schema that contains this one (it recurses here).",
    });
    const [faithful, inline] = [ajv().compile(schema), ajv().compile(inlined)];
    for (const value of [
      { tree: { kids: [1] } },
      { tree: { kids: [{ kids: [2] }] } },
      { tree: { kids: [] } },
    ])
      expect([faithful(value), inline(value)], JSON.stringify(value)).toEqual([faithful(value), true]);
    expect(faithful({ tree: { kids: [1] } })).toBe(true);
  });

  it("property names of Object.prototype's stay own properties (`__proto__` included)", () => {
    const Pair = JSON.parse(
      '{"type":"object","properties":{"__proto__":{"type":"string"},"constructor":{"type":"integer"}}}',
    );
    const schema = { type: "object", properties: { pair: { $ref: "#/$defs/Pair" } }, $defs: { Pair } };
    const inlined = inlineReferences(schema, 8192);
    const pair = (inlined.properties as Record<string, JsonSchema>).pair!;
    expect(Object.keys(pair.properties as object)).toEqual(["__proto__", "constructor"]);
    expect(Object.hasOwn(pair.properties as object, "__proto__")).toBe(true);
    sameVerdicts(schema, [
      { pair: JSON.parse('{"__proto__":"x"}') },
      { pair: JSON.parse('{"__proto__":1}') },
    ]);
  });

  it("a schema without $defs is returned as it is", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(inlineReferences(schema)).toBe(schema);
  });
});

describe("inlineReferences within a byte budget", () => {
  const text = (n: number) => `${"A long explanation of this field. ".repeat(n)}`.trim();
  /** Term (about 1 KB) reached from 12 places: 3 sets of 4 references each, the sets referred to by the root. */
  const Term = {
    type: "object",
    title: "Term",
    description: "A term of the store. It has labels.",
    properties: {
      id: { type: "string", description: text(10) },
      label: { type: "string", description: text(10) },
      kind: { type: "string", enum: ["a", "b"] },
    },
    required: ["id"],
  };
  const TermSet = {
    type: "object",
    properties: Object.fromEntries(
      ["first", "second", "third", "fourth"].map((k) => [k, { $ref: "#/$defs/Term" }]),
    ),
  };
  const schema = {
    type: "object",
    properties: {
      one: { $ref: "#/$defs/TermSet" },
      two: { $ref: "#/$defs/TermSet" },
      three: { $ref: "#/$defs/TermSet" },
    },
    required: ["one"],
    $defs: { Term, TermSet },
  };
  const length = (value: unknown) => JSON.stringify(value).length;
  const whole = length(inlineReferences(schema));

  it("within the budget, every reference is inlined", () => {
    expect(whole).toBeGreaterThan(3 * length(schema));
    expect(inlineReferences(schema, whole)).toEqual(inlineReferences(schema));
  });

  it("over it, references are inlined nearest first while they fit; the rest are open, written short after the first", () => {
    const budget = 4096;
    const inlined = inlineReferences(schema, budget);
    expect(length(schema)).toBeLessThan(budget);
    expect(length(inlined)).toBeLessThanOrEqual(budget);
    expect(JSON.stringify(inlined)).not.toContain('"$ref"');
    expect(inlined).not.toHaveProperty("$defs");
    const sets = inlined.properties as Record<string, JsonSchema>;
    // Breadth-first: the three sets (one hop) are written out, then Terms in the order they appear while they fit.
    const terms = Object.values(sets).flatMap((set) =>
      Object.values(set.properties as Record<string, JsonSchema>),
    );
    expect(terms).toHaveLength(12);
    const expanded = terms.filter((term) => term.properties !== undefined);
    expect(expanded.length).toBeGreaterThan(0);
    expect(expanded.length).toBeLessThan(12);
    expect(terms.slice(0, expanded.length)).toEqual(expanded);
    // Term is written out above them: each open one is its type and title.
    for (const term of terms.slice(expanded.length)) expect(term).toEqual({ type: "object", title: "Term" });
    // Never narrower: what the faithful schema accepts, the inlined one does.
    const [faithful, inline] = [ajv().compile(schema), ajv().compile(inlined)];
    const term = { id: "t", label: "l", kind: "a" };
    const set = { first: term, second: term, third: term, fourth: term };
    for (const value of [
      { one: set, two: set, three: set },
      { one: {} },
      { one: set, three: { fourth: term } },
    ]) {
      expect(faithful(value), JSON.stringify(value)).toBe(true);
      expect(inline(value), JSON.stringify(value)).toBe(true);
    }
  });

  it("the schema with $defs sets the size when it is over the budget on its own; a name never written out says why at its first place", () => {
    const inlined = inlineReferences(schema, 100);
    expect(length(inlined)).toBeLessThanOrEqual(length(schema));
    expect(length(inlined)).toBeGreaterThan(100);
    const sets = inlined.properties as Record<string, JsonSchema>;
    const terms = Object.values(sets).flatMap((set) =>
      Object.values(set.properties as Record<string, JsonSchema>),
    );
    expect(terms[0]).toEqual({
      type: "object",
      title: "Term",
      description: "A term of the store. (Not expanded: over the schema budget.)",
    });
    for (const term of terms.slice(1)) expect(term).toEqual({ type: "object", title: "Term" });
  });

  it("a oneOf with a branch left open becomes anyOf", () => {
    const pick = {
      type: "object",
      properties: {
        a: { $ref: "#/$defs/Term" },
        pick: { oneOf: [{ $ref: "#/$defs/Term" }, { type: "string" }] },
      },
      $defs: { Term },
    };
    const inlined = inlineReferences(pick, 0);
    const props = inlined.properties as Record<string, JsonSchema>;
    expect(props.a?.properties).toBeDefined();
    expect(props.pick).toEqual({ anyOf: [{ type: "object", title: "Term" }, { type: "string" }] });
    // With the budget for both, the oneOf stays.
    expect((inlineReferences(pick).properties as Record<string, JsonSchema>).pick?.oneOf).toHaveLength(2);
  });

  it("names that double at each level are bounded by the budget, not by the tree they would make", () => {
    // D0 refers to D1 twice, D1 to D2 twice, ...: every reference inlined would be 2^40 copies of D39.
    const defs: Record<string, JsonSchema> = { D40: { type: "string", description: text(3) } };
    for (let i = 39; i >= 0; i--)
      defs[`D${i}`] = {
        type: "object",
        properties: { a: { $ref: `#/$defs/D${i + 1}` }, b: { $ref: `#/$defs/D${i + 1}` } },
      };
    const chain = { type: "object", properties: { root: { $ref: "#/$defs/D0" } }, $defs: defs };
    const inlined = inlineReferences(chain, 8192);
    expect(length(inlined)).toBeLessThanOrEqual(8192);
    expect(JSON.stringify(inlined)).not.toContain('"$ref"');
    const value = { root: { a: { a: { b: {} } }, b: {} } };
    expect(ajv().compile(chain)(value)).toBe(true);
    expect(ajv().compile(inlined)(value)).toBe(true);
  });
});

describe("the inline profile on the reference catalogs", () => {
  const catalogs: Record<string, LoadedCatalog> = {};
  beforeAll(async () => {
    for (const name of ["scaivault", "scaly"])
      catalogs[name] = await loadCatalog(join(ROOT, "generated", name));
  });

  it("is the default; no input schema keeps $defs or a reference; output schemas are the refs profile's", () => {
    for (const [name, catalog] of Object.entries(catalogs)) {
      const inline = createPublisher(catalog.doc);
      const faithful = createPublisher(catalog.doc, { profile: "refs" });
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
      const faithful = createPublisher(catalog.doc, { profile: "refs" });
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
      // The refs profile keeps stating it where its $defs and references are.
      expect(stated, name).toBeGreaterThan(0);
    }
  });
});
