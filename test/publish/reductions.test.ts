import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import {
  CONCISE_SCHEMA_CHARS,
  CONFIRMATION_TOKEN_TEXT,
  conciseSchemaText,
  fullText,
  withoutImpliedTypes,
} from "../../src/publish/describe.js";
import { LINK_BASE_MIN, linkBaseOf, relativeLinks, schemaRelativeLinks } from "../../src/publish/links.js";
import { createPublisher } from "../../src/publish/publisher.js";

// What GitHub REST's published bytes were cut by (issue 9): each reduction on its own table.

describe("withoutImpliedTypes (concise inputs)", () => {
  const cases: [string, JsonSchema, JsonSchema][] = [
    ["a string enum", { type: "string", enum: ["open", "closed"] }, { enum: ["open", "closed"] }],
    ["an integer enum", { type: "integer", enum: [1, 2] }, { enum: [1, 2] }],
    ["integers under number", { type: "number", enum: [1, 2.5] }, { enum: [1, 2.5] }],
    ["a const", { type: "boolean", const: true }, { const: true }],
    ["a nullable enum", { type: ["string", "null"], enum: ["a", null] }, { enum: ["a", null] }],
    // Kept: the type narrows what the values allow, or there are no values.
    ["a value of another type", { type: "string", enum: ["a", 1] }, { type: "string", enum: ["a", 1] }],
    ["a fraction under integer", { type: "integer", enum: [1.5] }, { type: "integer", enum: [1.5] }],
    ["an empty enum", { type: "string", enum: [] }, { type: "string", enum: [] }],
    ["no enum", { type: "string", minLength: 1 }, { type: "string", minLength: 1 }],
  ];
  it.each(cases)("%s", (_, node, expected) => {
    const root = { type: "object", properties: { state: node } };
    expect(withoutImpliedTypes(root)).toEqual({ type: "object", properties: { state: expected } });
  });

  it("reaches items, unions and $defs, never data, keeps the root's type and returns unchanged nodes as they are", () => {
    const untouched = { type: "object", properties: { n: { type: "integer" } } };
    const root: JsonSchema = {
      type: "object",
      properties: {
        list: { type: "array", items: { type: "string", enum: ["x"] } },
        either: { anyOf: [{ type: "string", const: "a" }, { $ref: "#/$defs/D" }] },
        plain: untouched,
        example: { type: "object", default: { type: "string", enum: ["data"] } },
      },
      $defs: { D: { type: "integer", enum: [3] } },
    };
    const out = withoutImpliedTypes(root);
    expect(out).toEqual({
      type: "object",
      properties: {
        list: { type: "array", items: { enum: ["x"] } },
        either: { anyOf: [{ const: "a" }, { $ref: "#/$defs/D" }] },
        plain: untouched,
        example: { type: "object", default: { type: "string", enum: ["data"] } },
      },
      $defs: { D: { enum: [3] } },
    });
    expect((out.properties as Record<string, unknown>).plain).toBe(untouched);
    expect(withoutImpliedTypes(untouched)).toBe(untouched);
    expect(withoutImpliedTypes({ type: "object", enum: [{}] })).toEqual({ type: "object", enum: [{}] });
  });

  it("accepts exactly what the schema with the types accepts (ajv 2020)", () => {
    const ajv = new Ajv2020.default({ strict: false });
    const root: JsonSchema = {
      type: "object",
      properties: {
        s: { type: "string", enum: ["a", "b"] },
        i: { type: "integer", enum: [1, 2] },
        c: { type: ["string", "null"], const: null },
      },
      additionalProperties: false,
    };
    const before = ajv.compile(root);
    const after = ajv.compile(withoutImpliedTypes(root));
    const values = [
      {},
      { s: "a" },
      { s: "c" },
      { s: 1 },
      { i: 1 },
      { i: 1.0 },
      { i: "1" },
      { c: null },
      { c: "" },
      { x: 1 },
    ];
    for (const value of values) expect([value, after(value)]).toEqual([value, before(value)]);
  });
});

describe("fullText (full tool descriptions)", () => {
  const cases: [string, string, string, string][] = [
    [
      "the title repeated as the first paragraph",
      "List issues\n\nLists issues.",
      "List issues",
      "Lists issues.",
    ],
    ["with a period and other spacing", "List  issues.\r\n\r\nLists issues.", "List issues", "Lists issues."],
    ["only the title: kept", "List issues", "List issues", "List issues"],
    [
      "a first paragraph that says more: kept",
      "List issues of a repo\n\nMore.",
      "List issues",
      "List issues of a repo\n\nMore.",
    ],
    ["blank runs and trailing blanks", "Does it.  \n\n\n\nThen this.\t", "Other", "Does it.\n\nThen this."],
    ["no title", "A\n\nB", "", "A\n\nB"],
  ];
  it.each(cases)("%s", (_, text, title, expected) => {
    expect(fullText(text, title)).toBe(expected);
  });
});

describe("concise schema text", () => {
  it(`is cut at ${CONCISE_SCHEMA_CHARS} characters, the confirmation texts kept whole`, () => {
    expect(CONCISE_SCHEMA_CHARS).toBe(70);
    const long =
      "The label of the runner to use for code scanning default setup when runner_type is 'labeled'.";
    const cut = conciseSchemaText(long);
    expect(cut.length).toBeLessThanOrEqual(CONCISE_SCHEMA_CHARS);
    expect(cut).toBe("The label of the runner to use for code scanning default setup when…");
    expect(CONFIRMATION_TOKEN_TEXT.length).toBeGreaterThan(CONCISE_SCHEMA_CHARS);
    expect(conciseSchemaText(CONFIRMATION_TOKEN_TEXT)).toBe(CONFIRMATION_TOKEN_TEXT);
  });
});

function tool(name: string, description: string, properties: Record<string, JsonSchema> = {}): CatalogTool {
  return {
    name,
    title: name,
    description,
    aliases: [],
    annotations: {},
    policy: {},
    inputSchema: { type: "object", properties },
  } as unknown as CatalogTool;
}

const DOCS = "https://docs.example.com";

function linked(n: number): CatalogDocument {
  const tools = Array.from({ length: n }, (_, i) =>
    tool(
      `t${i}`,
      `Does ${i}. See [the guide](${DOCS}/guide/${i}#x) and [elsewhere](https://other.example.org/a).`,
      {
        [`a${i}`]: { type: "string", description: `Read [this](${DOCS}/args/${i}).` },
      },
    ),
  );
  return { tools, schemas: {}, publish: { descriptions: "full" } } as unknown as CatalogDocument;
}

describe("links relative to the catalog's link base (full descriptions)", () => {
  it(`takes the most frequent origin of the tool descriptions' links when it has at least ${LINK_BASE_MIN}`, () => {
    expect(linkBaseOf(linked(LINK_BASE_MIN))).toBe(DOCS);
    expect(linkBaseOf(linked(LINK_BASE_MIN - 1))).toBeUndefined();
  });

  it("writes only that origin's markdown links root-relative, in text and in schemas' descriptions", () => {
    expect(relativeLinks(`[a](${DOCS}/x) [b](${DOCS}.evil/x) ${DOCS}/plain`, DOCS)).toBe(
      `[a](/x) [b](${DOCS}.evil/x) ${DOCS}/plain`,
    );
    expect(relativeLinks(`[a](${DOCS}/x)`, undefined)).toBe(`[a](${DOCS}/x)`);
    const schema: JsonSchema = {
      type: "object",
      properties: {
        description: { type: "string", description: `[d](${DOCS}/d)`, default: `[v](${DOCS}/v)` },
      },
    };
    expect(schemaRelativeLinks(schema, DOCS)).toEqual({
      type: "object",
      properties: { description: { type: "string", description: "[d](/d)", default: `[v](${DOCS}/v)` } },
    });
  });

  it("a full publisher states the base once in its instructions; a concise one publishes no links", () => {
    const doc = linked(LINK_BASE_MIN);
    const full = createPublisher(doc);
    const entry = full.entry(doc.tools[2] as CatalogTool);
    expect(entry.description).toBe(
      "Does 2. See [the guide](/guide/2#x) and [elsewhere](https://other.example.org/a).",
    );
    expect(entry.inputSchema.properties).toEqual({
      a2: { type: "string", description: "Read [this](/args/2)." },
    });
    expect(full.instructions()).toBe(
      `Links written from "/" (markdown, as in [text](/path)) are on ${DOCS}.`,
    );
    const concise = createPublisher(doc, { overrides: { descriptions: "concise" } });
    expect(concise.instructions()).toBeUndefined();
    expect(concise.entry(doc.tools[2] as CatalogTool).description).toBe(
      "Does 2. See the guide and elsewhere.",
    );
  });
});
