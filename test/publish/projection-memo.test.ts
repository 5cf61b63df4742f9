import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import { tolerateDrift } from "../../src/publish/drift.js";
import { EntryTexts, measureCatalog, modelTokensOf } from "../../src/publish/measure.js";
import type { SchemaTransform } from "../../src/publish/profiles.js";
import { ProjectionMemo, project } from "../../src/publish/project.js";
import { createPublisher, publishedSchemasMade } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";

/**
 * The projection memo (structural, not timed): tools whose roots are the same JSON share one projection, a root
 * projected with full and with concise descriptions is fitted and chosen once, and what is published is exactly
 * what each tool projected alone publishes.
 */

const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const long =
  "A pet of the shelter. See [the guide](https://docs.example/pets) for more.\n\nA second paragraph.";
const TABLE: Record<string, JsonSchema> = {
  Pet: {
    type: "object",
    description: long,
    properties: { id: { type: "string", description: "The pet id." }, owner: ref("Owner") },
  },
  Owner: { type: "object", description: long, properties: { name: { type: "string", description: long } } },
};

/**
 * `n` tools that return the same entity (each root its own object, the same JSON) from one argument (without a
 * description of its own, so concise mode states no shared argument in the instructions: the same root).
 */
function catalog(n: number): CatalogDocument {
  const tools = Array.from({ length: n }, (_, i) => ({
    name: `get_pet_${i}`,
    title: `Get pet ${i}`,
    description: long,
    aliases: [],
    annotations: { readOnlyHint: true },
    inputSchema: {
      type: "object",
      properties: { id: { type: "string", minLength: 1 } },
      required: ["id"],
    },
    outputSchema: { type: "object", properties: { pet: ref("Pet") } },
  }));
  return {
    publish: { depth: 1, bytes: 8192, outputBytes: 1024, output: "compact", descriptions: "full" },
    tools,
    schemas: TABLE,
  } as unknown as CatalogDocument;
}

const withDescriptions = (doc: CatalogDocument, descriptions: "full" | "concise"): CatalogDocument => ({
  ...doc,
  publish: { ...doc.publish, descriptions },
});

describe("projection memo", () => {
  it("N tools reaching the same schema are projected once, and the concise pass fits and chooses nothing again", () => {
    const doc = catalog(25);
    const memo = new ProjectionMemo(doc.schemas);
    const full = createPublisher(doc, { transforms: [tolerateDrift], memo });
    for (const tool of doc.tools) full.entry(tool);
    // One input root and one output root, each fitted and chosen once for the 25 tools.
    expect(memo.computed).toMatchObject({ layouts: 2, renders: 2 });
    const concise = createPublisher(withDescriptions(doc, "concise"), { transforms: [tolerateDrift], memo });
    for (const tool of doc.tools) concise.entry(tool);
    // Compact outputs are concise in both passes (found); the input is rendered concise from the same layout.
    expect(memo.computed).toMatchObject({ layouts: 2, renders: 3 });
  });

  it("each root's JSON is made once for every publisher sharing the memo, common arguments' descriptions taken out once", () => {
    // 25 tools with one described argument in common (so each root loses its description: a new object) and
    // their own output root.
    const doc = catalog(25);
    const described = {
      ...doc,
      tools: doc.tools.map((tool) => ({
        ...tool,
        policy: {},
        inputSchema: {
          ...tool.inputSchema,
          properties: { owner: { type: "string", description: "The account owner of the pet." } },
        },
      })),
    } as CatalogDocument;
    const memo = new ProjectionMemo(described.schemas);
    const full = createPublisher(described, { transforms: [tolerateDrift], memo });
    expect(full.instructions()).toContain("The account owner of the pet.");
    for (const tool of described.tools) full.entry(tool);
    expect(memo.computed.keys).toBe(50);
    // As generate switches to concise descriptions: the same document, its publish settings replaced.
    described.publish = { ...described.publish, descriptions: "concise" };
    const concise = createPublisher(described, { transforms: [tolerateDrift], memo });
    for (const tool of described.tools) concise.entry(tool);
    // The same 25 input roots (without the common description) and 25 output roots: no key made again.
    expect(memo.computed.keys).toBe(50);
    for (const tool of described.tools) {
      const alone = createPublisher(withDescriptions(described, "concise"), { transforms: [tolerateDrift] });
      expect(concise.entry(tool)).toEqual(alone.entry(tool));
    }
  });

  it("publishes what each tool projected alone publishes", () => {
    const doc = catalog(3);
    for (const mode of ["full", "concise"] as const) {
      const memo = new ProjectionMemo(doc.schemas);
      const shared = createPublisher(withDescriptions(doc, mode), { transforms: [tolerateDrift], memo });
      const alone = createPublisher(withDescriptions(doc, mode), { transforms: [tolerateDrift] });
      for (const tool of doc.tools) expect(shared.entry(tool)).toEqual(alone.entry(tool));
    }
  });

  it("a memo serves only the table it was made for", () => {
    const doc = catalog(1);
    const memo = new ProjectionMemo({ ...TABLE });
    expect(() => createPublisher(doc, { memo }).input(doc.tools[0] as CatalogTool)).toThrow(/schema table/);
  });

  it("on a generated catalog: the same sizes and schemas with and without the memo", () => {
    const doc = JSON.parse(
      readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
    ) as CatalogDocument;
    const limits = { entries: 100, bytes: 1 << 20 };
    const memo = new ProjectionMemo(doc.schemas);
    for (const mode of ["full", "concise"] as const) {
      const d = withDescriptions(doc, mode);
      const shared = createPublisher(d, { transforms: [tolerateDrift], memo });
      const alone = createPublisher(d, { transforms: [tolerateDrift] });
      expect(measureCatalog(d, shared, limits)).toEqual(measureCatalog(d, alone, limits));
      for (const tool of d.tools) {
        expect(shared.input(tool)).toEqual(alone.input(tool));
        expect(shared.output(tool)).toEqual(alone.output(tool));
      }
    }
  });

  it("project() alone is unchanged by the split into layout and text", () => {
    const root = { type: "object", properties: { pet: ref("Pet") } };
    const bounds = { depth: 1, bytes: 200, keepLevel: 1, concise: true };
    const memo = new ProjectionMemo(TABLE);
    expect(memo.project(root, bounds)).toEqual(project(root, TABLE, bounds));
  });
});

describe("one published schema per projection (perSchema), one text per published schema (EntryTexts)", () => {
  /** tolerateDrift, counting the schemas it is given. */
  function counted(): { transform: SchemaTransform; runs: number } {
    const counter = {
      runs: 0,
      transform: ((schema, context) => {
        counter.runs++;
        return tolerateDrift(schema, context);
      }) as SchemaTransform,
    };
    return counter;
  }

  it("25 tools with one projection per side get one schema object per side, transformed once", () => {
    const doc = catalog(25);
    for (const mode of ["full", "concise"] as const) {
      const d = withDescriptions(doc, mode);
      const count = counted();
      const before = publishedSchemasMade();
      const shared = createPublisher(d, {
        transforms: [count.transform],
        memo: new ProjectionMemo(d.schemas),
        perSchema: true,
      });
      const alone = createPublisher(d, { transforms: [tolerateDrift] });
      const entries = d.tools.map((tool) => shared.entry(tool));
      expect(publishedSchemasMade() - before).toBe(2);
      expect(count.runs).toBe(2);
      expect(new Set(entries.map((e) => e.inputSchema)).size).toBe(1);
      expect(new Set(entries.map((e) => e.outputSchema)).size).toBe(1);
      for (const [i, tool] of d.tools.entries()) expect(entries[i]).toEqual(alone.entry(tool));
    }
    // Without it (or without a memo) every tool's schemas are made and transformed on their own.
    const count = counted();
    const own = createPublisher(doc, {
      transforms: [count.transform],
      memo: new ProjectionMemo(doc.schemas),
    });
    for (const tool of doc.tools) own.entry(tool);
    expect(count.runs).toBe(50);
  });

  it("entry texts: each shared schema serialised once, and the sizes and texts the entries' own JSON gives", () => {
    const doc = catalog(25);
    // Text outside ASCII counts in bytes (UTF-8), not characters; a tool without an output schema has none.
    const first = doc.tools[0] as CatalogTool;
    doc.tools[0] = { ...first, title: "Café ☃", description: `Naïve — ${long}` };
    delete (doc.tools[1] as { outputSchema?: unknown }).outputSchema;
    const limits = { entries: 10, bytes: 4096 };
    for (const mode of ["full", "concise"] as const) {
      const d = withDescriptions(doc, mode);
      const publisher = createPublisher(d, {
        transforms: [tolerateDrift],
        memo: new ProjectionMemo(d.schemas),
        perSchema: true,
      });
      const texts = new EntryTexts(publisher);
      expect(measureCatalog(d, publisher, limits, texts)).toEqual(measureCatalog(d, publisher, limits));
      expect(texts.schemasSerialised).toBe(2);
      expect(modelTokensOf(d, publisher, new EntryTexts(publisher))).toBe(modelTokensOf(d, publisher));
      for (const tool of d.tools) {
        expect(texts.entry(tool).json).toBe(JSON.stringify(publisher.entry(tool)));
      }
    }
    const other = createPublisher(doc, {});
    expect(() => measureCatalog(doc, other, limits, new EntryTexts(createPublisher(doc, {})))).toThrow(
      /publisher/,
    );
  });

  it("on the generated catalogs (Scaly's aliases among them): the same sizes, texts and schemas", () => {
    const limits = { entries: 100, bytes: 1 << 20 };
    for (const name of ["scaivault", "scaly"]) {
      const doc = JSON.parse(
        readFileSync(join(ROOT, `generated/${name}/catalog.json`), "utf8"),
      ) as CatalogDocument;
      const memo = new ProjectionMemo(doc.schemas);
      for (const mode of ["full", "concise"] as const) {
        const d = withDescriptions(doc, mode);
        const shared = createPublisher(d, { transforms: [tolerateDrift], memo, perSchema: true });
        const alone = createPublisher(d, { transforms: [tolerateDrift] });
        const texts = new EntryTexts(shared);
        expect(measureCatalog(d, shared, limits, texts)).toEqual(measureCatalog(d, alone, limits));
        expect(modelTokensOf(d, shared, new EntryTexts(shared))).toBe(modelTokensOf(d, alone));
        for (const tool of d.tools) {
          expect(texts.entry(tool).json).toBe(JSON.stringify(alone.entry(tool)));
        }
      }
    }
  });
});
