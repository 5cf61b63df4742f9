import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import {
  CONCISE_SCHEMA_CHARS,
  conciseSchemaText,
  conciseText,
  plainText,
} from "../../src/publish/describe.js";
import { type Bounds, project, UNBOUNDED } from "../../src/publish/project.js";
import { createPublisher } from "../../src/publish/publisher.js";

/**
 * The bounded projection: given a tool's root and the catalog's table, which names are published whole, which
 * are left open, and that the result never rejects what the whole schema accepts.
 */

const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const obj = (properties: Record<string, unknown>, required: string[] = []): JsonSchema => ({
  type: "object",
  properties,
  ...(required.length > 0 ? { required } : {}),
});

const TABLE: Record<string, JsonSchema> = {
  // Recursion: a tree node refers to itself.
  Node: { ...obj({ name: { type: "string" }, children: { type: "array", items: ref("Node") } }, ["name"]) },
  // A chain of four hops: A -> B -> C -> D.
  A: obj({ b: ref("B") }, ["b"]),
  B: obj({ c: ref("C") }, ["c"]),
  C: obj({ d: ref("D") }, ["d"]),
  D: { type: "integer", title: "Dee", description: "The last link.\n\nMore text." },
  // Reached by two paths (directly and through Owner).
  Address: obj({ city: { type: "string" } }, ["city"]),
  Owner: obj({ address: ref("Address") }),
  // Variants of a oneOf, distinguished by their property types.
  Cat: obj({ kind: { const: "cat" }, lives: { type: "integer" } }, ["kind", "lives"]),
  Dog: obj({ kind: { const: "dog" }, good: { type: "boolean" } }, ["kind", "good"]),
  Pet: { oneOf: [ref("Cat"), ref("Dog")] },
  Shelter: obj({ pet: ref("Pet") }, ["pet"]),
};

const ajv = new Ajv2020({ strict: false });
const accepts = (schema: JsonSchema, value: unknown) => ajv.validate(schema, value) === true;
const bounds = (depth: number, bytes = 1 << 20): Bounds => ({ depth, bytes });
const defsOf = (schema: JsonSchema) => Object.keys((schema.$defs ?? {}) as object);

describe("bounded projection", () => {
  it.each([
    ["depth 0 leaves every reference open", 0, [], ["A"]],
    ["depth 1: the root's own names", 1, ["A"], ["B"]],
    ["depth 3: a reference exactly at the bound is expanded", 3, ["A", "B", "C"], ["D"]],
    ["depth 4: the whole chain", 4, ["A", "B", "C", "D"], []],
  ])("%s", (_label, depth, expanded, open) => {
    const { schema, unexpanded } = project(obj({ a: ref("A") }), TABLE, bounds(depth));
    expect(unexpanded).toEqual(open);
    expect(defsOf(schema)).toEqual([...expanded, ...open].sort());
    for (const name of open) {
      const stub = (schema.$defs as Record<string, JsonSchema>)[name] as JsonSchema;
      expect(stub.description).toMatch(/Not expanded: over the schema budget\.\)?$/);
      expect(Object.keys(stub)).not.toContain("properties");
    }
  });

  it("an open name keeps its type, title and the first sentence of its description", () => {
    const { schema } = project(obj({ d: ref("D") }), TABLE, bounds(0));
    expect((schema.$defs as Record<string, JsonSchema>).D).toEqual({
      type: "integer",
      title: "Dee",
      description: "The last link. (Not expanded: over the schema budget.)",
    });
  });

  it.each([
    [
      "a description that repeats the title",
      { title: "Full Repository", description: "Full Repository" },
      "Not expanded: over the schema budget.",
    ],
    [
      "a long, linked one",
      {
        title: "Pet",
        description: `A [pet](https://docs.example/pets) you own. ${"More. ".repeat(40)}\n\nAnother paragraph.`,
      },
      "A pet you own. (Not expanded: over the schema budget.)",
    ],
    ["none", { type: "object" }, "Not expanded: over the schema budget."],
  ])("an open name's text is short: %s", (_label, def, description) => {
    for (const concise of [false, true]) {
      const { schema } = project(
        obj({ x: ref("X") }),
        { X: def as JsonSchema },
        { depth: 0, bytes: 1 << 20, concise },
      );
      expect((schema.$defs as Record<string, JsonSchema>).X?.description).toBe(description);
    }
  });

  it("concise text keeps every open part's note and shortens the rest", () => {
    const table: Record<string, JsonSchema> = {
      Near: {
        type: "object",
        description: "Near thing. See [docs](https://docs.example/near) for more.",
        properties: { far: ref("Far") },
      },
      Far: { type: "object", title: "Far", description: "Far away. With a second sentence. And a third." },
    };
    const root = obj({
      near: ref("Near"),
      inline: obj({ deep: { ...obj({ deeper: { type: "string" } }), description: "Deep part. More." } }, [
        "deep",
      ]),
    });
    (root.properties as Record<string, JsonSchema>).inline!.description = "Inline part. It has details.";
    const { schema } = project(root, table, { depth: 1, bytes: 1 << 20, concise: true });
    const defs = schema.$defs as Record<string, JsonSchema>;
    expect(defs.Near?.description).toBe("Near thing.");
    expect(defs.Far?.description).toBe("Far away. (Not expanded: over the schema budget.)");
    // The table itself is shared by every tool and never modified.
    expect(table.Near?.description).toMatch(/See \[docs\]/);
    expect((root.properties as Record<string, JsonSchema>).inline?.description).toBe(
      "Inline part. It has details.",
    );
    // A root over the byte budget: the inline part left open keeps its note under concise text too.
    const cut = project(root, table, { depth: 1, bytes: 150, keepLevel: 1, concise: true }).schema;
    const inline = (cut.properties as Record<string, JsonSchema>).inline as JsonSchema;
    expect(inline.description).toBe("Inline part.");
    const deep = (inline.properties as Record<string, JsonSchema>).deep;
    expect(deep).toEqual({
      type: "object",
      description: "Deep part. (Not expanded: over the schema budget.)",
    });
    expect(accepts(cut, { near: {}, inline: { deep: { deeper: 1 } } })).toBe(true);
  });

  it("a recursive schema is published once and refers to itself", () => {
    const { schema, unexpanded } = project(obj({ root: ref("Node") }), TABLE, UNBOUNDED);
    expect(unexpanded).toEqual([]);
    expect(defsOf(schema)).toEqual(["Node"]);
    const tree = { root: { name: "a", children: [{ name: "b", children: [{ name: "c" }] }] } };
    expect(accepts(schema, tree)).toBe(true);
    expect(accepts(schema, { root: { name: "a", children: [{ children: [] }] } })).toBe(false);
  });

  it("a schema reachable by two paths is stored once, at its nearest depth", () => {
    const root = obj({ owner: ref("Owner"), billing: ref("Address") });
    const { schema, unexpanded } = project(root, TABLE, bounds(1));
    // Address is one hop away through `billing`, so it is expanded although Owner -> Address is two.
    expect(defsOf(schema)).toEqual(["Address", "Owner"]);
    expect(unexpanded).toEqual([]);
    expect(JSON.stringify(schema).match(/"city":/g)).toHaveLength(1);
  });

  it("a oneOf of references stays a oneOf when its variants are expanded", () => {
    const { schema } = project(obj({ pet: ref("Pet") }), TABLE, UNBOUNDED);
    expect((schema.$defs as Record<string, JsonSchema>).Pet).toEqual(TABLE.Pet);
    expect(accepts(schema, { pet: { kind: "cat", lives: 9 } })).toBe(true);
    expect(accepts(schema, { pet: { kind: "cat", good: "no" } })).toBe(false);
  });

  it("a discriminated oneOf whose variants are beyond the bound becomes an anyOf of open variants", () => {
    const { schema, unexpanded } = project(obj({ shelter: ref("Shelter") }), TABLE, bounds(2));
    expect(unexpanded).toEqual(["Cat", "Dog"]);
    const defs = schema.$defs as Record<string, JsonSchema>;
    expect(defs.Pet).toEqual({ anyOf: [ref("Cat"), ref("Dog")] });
    // Open variants both match any pet: a oneOf would now refuse every real value.
    for (const pet of [
      { kind: "cat", lives: 9 },
      { kind: "dog", good: true },
    ]) {
      expect(
        accepts(project(obj({ shelter: ref("Shelter") }), TABLE, UNBOUNDED).schema, { shelter: { pet } }),
      ).toBe(true);
      expect(accepts(schema, { shelter: { pet } })).toBe(true);
    }
    // The table itself is never changed.
    expect(TABLE.Pet).toEqual({ oneOf: [ref("Cat"), ref("Dog")] });
  });

  it.each([
    ["anyOf written before oneOf", (oneOf: unknown, anyOf: unknown) => ({ anyOf, oneOf })],
    ["anyOf written after oneOf", (oneOf: unknown, anyOf: unknown) => ({ oneOf, anyOf })],
    [
      "anyOf and an allOf of its own",
      (oneOf: unknown, anyOf: unknown) => ({ oneOf, allOf: [{ required: ["kind"] }], anyOf }),
    ],
  ])("a loosened oneOf beside an anyOf of the node's own keeps both in force (%s)", (_label, shape) => {
    // Both keywords must hold: the pet is a cat or a dog (oneOf, loosened), and it has a name or a chip (anyOf).
    const own = [{ required: ["name"] }, { required: ["chip"] }];
    const table = { ...TABLE, NamedPet: shape([ref("Cat"), ref("Dog")], own) as JsonSchema };
    const { schema, unexpanded } = project(obj({ x: ref("NamedPet") }), table, bounds(1));
    expect(unexpanded).toEqual(["Cat", "Dog"]);
    const named = (schema.$defs as Record<string, JsonSchema>).NamedPet as JsonSchema;
    expect(named.oneOf).toBeUndefined();
    expect(named.anyOf).toEqual(own);
    expect(named.allOf).toContainEqual({ anyOf: [ref("Cat"), ref("Dog")] });
    // The anyOf of the node's own still refuses a pet with neither a name nor a chip.
    expect(accepts(schema, { x: { kind: "cat", lives: 9 } })).toBe(false);
    expect(accepts(schema, { x: { kind: "cat", lives: 9, name: "Tom" } })).toBe(true);
    if (Array.isArray((table.NamedPet as JsonSchema).allOf))
      expect(named.allOf).toContainEqual({ required: ["kind"] });
  });

  it("a `not` that reaches an open name is dropped rather than refusing valid values", () => {
    const table = { ...TABLE, NotCat: { not: ref("Cat") } };
    const { schema } = project(obj({ x: ref("NotCat") }), table, bounds(1));
    expect((schema.$defs as Record<string, JsonSchema>).NotCat).toEqual({});
    expect(accepts(schema, { x: { kind: "dog", good: true } })).toBe(true);
  });

  it("the byte budget keeps the nearest names and leaves the rest open", () => {
    const root = obj({ a: ref("A"), shelter: ref("Shelter") });
    const long = "A long description that costs bytes. ".repeat(10);
    const table = {
      ...TABLE,
      Cat: { ...TABLE.Cat, description: long },
      Dog: { ...TABLE.Dog, description: long },
      D: { ...TABLE.D, description: long },
    };
    const whole = project(root, table, UNBOUNDED).schema;
    const size = JSON.stringify(whole).length;
    const budget = Math.floor(size * 0.8);
    const { schema, unexpanded } = project(root, table, { depth: 99, bytes: budget });
    expect(unexpanded.length).toBeGreaterThan(0);
    expect(JSON.stringify(schema).length).toBeLessThanOrEqual(budget);
    // Depth-1 names come first.
    expect(defsOf(schema)).toEqual(expect.arrayContaining(["A", "Shelter"]));
  });

  it("a root larger than the budget keeps its property names and cuts what is nested in them", () => {
    const big = "x".repeat(400);
    const root = obj(
      {
        id: { type: "string", description: "The id." },
        nested: obj({ deep: obj({ deeper: { type: "string", description: big } }) }, ["deep"]),
      },
      ["id"],
    );
    const { schema } = project(root, {}, { depth: 2, bytes: 300, keepLevel: 1 });
    expect(Object.keys(schema.properties as object)).toEqual(["id", "nested"]);
    expect(JSON.stringify(schema)).not.toContain(big);
    expect(accepts(schema, { id: "a", nested: { deep: { deeper: 1 } } })).toBe(true);
    // An output may be cut to an open object.
    const out = project(root, {}, { depth: 2, bytes: 120, keepLevel: -1 }).schema;
    expect(out.type).toBe("object");
    expect(out.properties).toBeUndefined();
  });

  it("values the pruning keeps whole (enums of thousands, defaults, patterns, pages of text) are taken out when still over the budget", () => {
    const values = Array.from({ length: 20_000 }, (_, i) => `value-${i}`);
    const page = "word ".repeat(100_000);
    const root = obj(
      {
        pick: { oneOf: [{ type: "string", enum: values }, { type: "integer" }] },
        size: { type: "integer", enum: [1, 2, 3], default: 2, description: "The size." },
        note: { type: "string", default: page, examples: [page], pattern: `^(${"a|".repeat(5_000)}b)$` },
        text: { type: "string", description: page, title: page },
      },
      ["pick"],
    );
    const { schema } = project(root, {}, { depth: 2, bytes: 8192, keepLevel: 1 });
    // Each value within the budget; two texts cut to it make the schema about twice the budget, not megabytes.
    expect(JSON.stringify(schema).length).toBeLessThanOrEqual(3 * 8192);
    const props = schema.properties as Record<string, JsonSchema>;
    expect(Object.keys(props)).toEqual(["pick", "size", "note", "text"]);
    // Small values stay; a oneOf over a schema that lost its enum is loosened (values may match both).
    expect(props.size).toEqual({ type: "integer", enum: [1, 2, 3], default: 2, description: "The size." });
    // The variant that lost its enum says so, with its first values (the model sees what kind of value is wanted).
    expect(props.pick).toEqual({
      anyOf: [
        {
          type: "string",
          description:
            'One of 20000 values, too many to list here (for example "value-0", "value-1", "value-2", "value-3", "value-4").',
        },
        { type: "integer" },
      ],
    });
    expect(props.note).toEqual({ type: "string" });
    expect(String(props.text?.description).length).toBe(8192 + 3);
    // Never narrower than the whole schema: what it accepts, the projection accepts.
    for (const value of [
      { pick: "value-7" },
      { pick: 3, note: "a" },
      { pick: "value-1", size: 3, text: "t" },
    ]) {
      expect(accepts(root, value)).toBe(true);
      expect(accepts(schema, value)).toBe(true);
    }
    expect(accepts(schema, { pick: "value-7", note: "zzz" })).toBe(true);
  });

  it("an enum taken out keeps a description within the budget: the note first, a long description cut before it", () => {
    const long = Array.from({ length: 3_000 }, (_, i) => `${"k".repeat(60)}-${i}`);
    const root = obj({
      kind: { type: "string", enum: long, description: "The kind. ".repeat(100) },
      bare: { type: "string", enum: long },
    });
    const { schema } = project(root, {}, { depth: 2, bytes: 1024, keepLevel: 1 });
    const props = schema.properties as Record<string, JsonSchema>;
    for (const prop of [props.kind, props.bare]) {
      expect(prop?.enum).toBeUndefined();
      const text = String(prop?.description);
      expect(text.length).toBeLessThanOrEqual(1024 + 3);
      // Each value shown is cut to 40 characters.
      expect(text).toContain(`One of 3000 values, too many to list here (for example "${"k".repeat(39)}...`);
      expect(text.endsWith(")."), text).toBe(true);
    }
    expect(String(props.kind?.description)).toMatch(/^The kind\. The kind\..*\.\.\. One of 3000 values/);
    expect(String(props.bare?.description).startsWith("One of 3000 values")).toBe(true);
    // Still never narrower than the whole schema.
    expect(accepts(schema, { kind: long[7], bare: long[9] })).toBe(true);
  });

  it("a name missing from the table is open and says so", () => {
    const { schema, unexpanded } = project(obj({ m: ref("Missing") }), TABLE, UNBOUNDED);
    expect(unexpanded).toEqual(["Missing"]);
    expect((schema.$defs as Record<string, JsonSchema>).Missing?.description).toMatch(/missing/);
  });

  it("every projection of every depth accepts what the whole schema accepts", () => {
    const root = obj({ a: ref("A"), shelter: ref("Shelter"), tree: ref("Node"), owner: ref("Owner") });
    const value = {
      a: { b: { c: { d: 4 } } },
      shelter: { pet: { kind: "dog", good: true } },
      tree: { name: "r", children: [{ name: "c" }] },
      owner: { address: { city: "Oslo" } },
    };
    expect(accepts(project(root, TABLE, UNBOUNDED).schema, value)).toBe(true);
    for (let depth = 0; depth <= 5; depth++) {
      for (const bytes of [200, 600, 2000, 1 << 20]) {
        const { schema } = project(root, TABLE, { depth, bytes });
        ajv.compile(schema);
        expect(accepts(schema, value), `depth ${depth} bytes ${bytes}`).toBe(true);
      }
    }
  });
});

describe("output schemas' text by mode", () => {
  const LONG = "The item. See [the guide](https://docs.example/items) for the fields.\n\nA second paragraph.";
  const doc = {
    schemas: {
      Item: { type: "object", description: LONG, properties: { id: { type: "string", description: LONG } } },
    },
    tools: [],
  } as unknown as CatalogDocument;
  const tool = {
    name: "get",
    aliases: [],
    description: LONG,
    inputSchema: { type: "object", properties: { id: { type: "string", description: LONG } } },
    outputSchema: { type: "object", properties: { item: { $ref: "#/$defs/Item" } } },
  } as unknown as CatalogTool;
  const item = (schema: JsonSchema | undefined) =>
    (schema?.$defs as Record<string, JsonSchema> | undefined)?.Item as JsonSchema;

  it("compact outputs are concise inside; full outputs and full inputs keep every word", () => {
    const compact = createPublisher(doc);
    expect(item(compact.output(tool)).description).toBe("The item.");
    expect((item(compact.output(tool)).properties as Record<string, JsonSchema>).id?.description).toBe(
      "The item.",
    );
    expect(JSON.stringify(compact.input(tool))).toContain(JSON.stringify(LONG));
    expect(compact.description(tool)).toBe(LONG);
    const full = createPublisher(doc, { overrides: { output: "full" } });
    expect(item(full.output(tool)).description).toBe(LONG);
    // Concise descriptions make every side concise, full outputs included.
    const concise = createPublisher(doc, { overrides: { output: "full", descriptions: "concise" } });
    expect(item(concise.output(tool)).description).toBe("The item.");
    expect(JSON.stringify(concise.input(tool))).not.toContain("docs.example");
  });
});

describe("concise descriptions", () => {
  it.each([
    ["links reduced to their text", "See [the docs](https://x.example/a_(b)) now.", "See the docs now."],
    [
      "HTML reduced to text",
      "Use <code>x</code> or <b>y</b>.<br/>Then &amp; more.",
      "Use x or y. Then & more.",
    ],
    ["first paragraph only", "First.\n\nSecond paragraph.", "First."],
    ["admonitions skipped", "> [!NOTE]\n> careful\n\nThe point.", "The point."],
  ])("%s", (_label, text, want) => {
    expect(conciseText(text, 300)).toBe(want);
  });

  it.each([
    [
      "a trailing pointer",
      'Lists repositories. For more information, see "[Creating a repository](https://docs.example/x)."',
      "Lists repositories.",
    ],
    [
      "a leading pointer",
      "For more details, see [the docs](https://x.example). Lists things.",
      "Lists things.",
    ],
    [
      "a parenthesised one",
      "(For further information, see [x](https://y.example).) Actual text.",
      "Actual text.",
    ],
    ["see also", "Deletes a hook. See also [hooks](https://x.example/h).", "Deletes a hook."],
    ["learn more", "Creates a key. Learn more at https://x.example/keys.", "Creates a key."],
    [
      "nothing but a pointer (kept: it is all there is)",
      "See [the guide](https://x.example).",
      "See the guide.",
    ],
  ])("drops sentences that only point to documentation: %s", (_label, text, want) => {
    expect(conciseText(text, 300)).toBe(want);
    expect(conciseSchemaText(text)).toBe(want);
  });

  it("keeps sentences that mention documentation or other arguments but say something", () => {
    expect(conciseText("See the `owner` argument. Then more.", 300)).toBe(
      "See the `owner` argument. Then more.",
    );
    expect(conciseSchemaText("See the `owner` argument. Then more.")).toBe("See the `owner` argument.");
  });

  it("caps an argument's first sentence at a word boundary", () => {
    const text = `The ${"very ".repeat(40)}long sentence. Another.`;
    const out = conciseSchemaText(text);
    expect(out.length).toBeLessThanOrEqual(CONCISE_SCHEMA_CHARS);
    expect(out).toMatch(/ very…$/);
  });

  it("the confirmation argument's text survives concise mode whole and says how to go ahead", async () => {
    const { readFileSync } = await import("node:fs");
    const catalogs = ["test/fixtures/kitchen-sink/expected/catalog.json", "generated/scaly/catalog.json"];
    const texts = new Set<string>();
    for (const file of catalogs) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(
        /"(?:confirmation_token|confirm)": \{[^}]*?"description": ("(?:[^"\\]|\\.)*")/g,
      ))
        texts.add(JSON.parse(m[1] as string) as string);
    }
    expect(texts.size).toBeGreaterThan(0);
    for (const text of texts) {
      expect(conciseSchemaText(text)).toBe(text);
      expect(text).toMatch(/repeat the identical call|Set true/);
    }
  });

  it("cuts at a word near the limit, with an ellipsis", () => {
    const text = conciseText("word ".repeat(100), 40);
    expect(text.length).toBeLessThanOrEqual(40);
    expect(text.endsWith("word…")).toBe(true);
  });

  it("leaves text it does not recognise alone", () => {
    expect(plainText("a < b and [x] alone")).toBe("a < b and [x] alone");
  });
});
