import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, GraphqlBinding } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { genManifest, writeTree } from "../helpers/generate.js";

/**
 * GraphQL schemas shaped as large or loosely written servers publish them (gql15): long chains of input types,
 * a type's fields given again by an extension or twice in one definition.
 */

type Outcome = Awaited<ReturnType<typeof genManifest>>;

const docOf = (o: Outcome) => JSON.parse(o.cat?.files.get("catalog.json") as string) as CatalogDocument;
const tool = (o: Outcome, name: string) => docOf(o).tools.find((t) => t.name === name) as CatalogTool;
const located = (o: Outcome, severity: "error" | "warning") =>
  o.diags.items
    .filter((d) => d.severity === severity)
    .map((d) => `${d.source?.file.replace(/^.*\//, "")}:${d.source?.line}:${d.source?.column} ${d.message}`);

function manifest(graphql: string): string {
  return `catalog: shapes
sources:
  api:
    graphql: ${graphql}
    base_url: { default: "https://api.example/graphql" }
select: [{ all: true }]
`;
}

describe("input types that refer to one another in long chains", () => {
  it("a chain 2,000 input types deep (filters through relations) generates: no stack overflow", async () => {
    const depth = 2000;
    const lines = Array.from(
      { length: depth },
      (_, i) => `input C${i} { x: Int next: C${i + 1} back: [C${i}!] }`,
    );
    const sdl = `${lines.join("\n")}\ninput C${depth} { x: Int }\ntype Query { q(where: C0): Int r(where: C${depth - 1}!): Int }\n`;
    const dir = writeTree("gql-input-chain", {
      "schema.graphql": sdl,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    // Each type's fields were converted while converting the field that refers to it: RangeError (TW170).
    expect(located(o, "error")).toEqual([]);
    const doc = docOf(o);
    const publisher = createPublisher(doc);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const q = publisher.input(tool(o, "q"));
    expect(
      ajv.validate(q, { where: { x: 1, next: { x: 2, next: { back: [{ x: 3 }] } } } }),
      ajv.errorsText(),
    ).toBe(true);
    expect(ajv.validate(q, { where: { next: { y: 1 } } })).toBe(false);
    const r = publisher.input(tool(o, "r"));
    expect(ajv.validate(r, { where: { next: { x: 1 } } }), ajv.errorsText()).toBe(true);
    expect(ajv.validate(r, { where: { next: { next: {} } } })).toBe(false);
    expect((tool(o, "r").binding as GraphqlBinding).document).toContain(`$where: C${depth - 1}!`);
  });
});

describe("a member given twice (by an extension, a second definition, or twice in one definition)", () => {
  it("keeps its first form wherever the repeat stands, with a warning located at the later one", async () => {
    const sdl = [
      "extend type Query { early(x: Int): String }",
      "type Query { early(x: String): String late(x: String): String thing: Thing role(r: Role): Role }",
      "extend type Query { late(x: Int): String }",
      "type Thing { id: ID! id: String label: String }",
      "extend type Thing { label: Int more: Int }",
      "enum Role { A B A }",
      "extend enum Role { B C }",
      "",
    ].join("\n");
    const dir = writeTree("gql-repeats", {
      "schema.graphql": sdl,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(located(o, "error")).toEqual([]);
    // graphql-js kept an extension's form over the definition's wherever each stood (late: Int, Thing.label:
    // Int), and the last of a field given twice in one definition (Thing.id: String).
    expect(located(o, "warning")).toEqual([
      "schema.graphql:2:14 Query.early is defined again as (x: String): String, first as (x: Int): String: the first definition is kept (a type's definitions are merged)",
      "schema.graphql:3:21 Query.late is defined again as (x: Int): String, first as (x: String): String: the first definition is kept (a type's definitions are merged)",
      "schema.graphql:4:22 Thing.id is defined again as String, first as ID!: the first definition is kept (a type's definitions are merged)",
      "schema.graphql:5:21 Thing.label is defined again as Int, first as String: the first definition is kept (a type's definitions are merged)",
      "schema.graphql:6:17 Role.A is defined twice in one definition: the first is kept",
    ]);
    const document = (name: string) => (tool(o, name).binding as GraphqlBinding).document;
    expect(document("early")).toContain("$x: Int");
    expect(document("late")).toContain("$x: String");
    const publisher = createPublisher(docOf(o));
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const thing = publisher.output(tool(o, "thing")) as object;
    expect(ajv.validate(thing, { id: "1", label: "x", more: 2 }), ajv.errorsText()).toBe(true);
    expect(ajv.validate(thing, { id: "1", label: 3, more: 2 })).toBe(false);
    expect(ajv.validate(publisher.input(tool(o, "role")), { r: "C" }), ajv.errorsText()).toBe(true);
  });
});

describe("custom scalars of unknown names that say what they are (@specifiedBy)", () => {
  const SDL = `scalar Stamp @specifiedBy(url: "https://scalars.graphql.org/andimarek/date-time.html")
scalar Day @specifiedBy(url: "https://scalars.graphql.org/andimarek/local-date")
scalar Ident @specifiedBy(url: "https://datatracker.ietf.org/doc/html/rfc4122")
scalar Link @specifiedBy(url: "https://tools.ietf.org/html/rfc3986")
scalar Blob @specifiedBy(url: "http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf")
scalar When @specifiedBy(url: "https://www.rfc-editor.org/rfc/rfc3339")
scalar Odd @specifiedBy(url: "https://example.com/odd-scalar")
"A 64-bit integer."
scalar Long @specifiedBy(url: "https://example.com/long")
type Query { f(stamp: Stamp!, day: Day, ident: Ident, link: Link, blob: Blob, when: When, odd: Odd, long: Long): Stamp }
`;

  it("are typed by the specification their URL names, from SDL and from introspection alike", async () => {
    const { buildSchema, introspectionFromSchema } = await import("graphql");
    const introspection = JSON.stringify(introspectionFromSchema(buildSchema(SDL)));
    const dir = writeTree("gql-specified-by", {
      "schema.graphql": SDL,
      "schema.json": introspection,
      // The spelling before the October 2021 spec (graphql-js 15, graphql-java before 17): `specifiedByUrl`.
      "schema-2020.json": introspection.replaceAll('"specifiedByURL"', '"specifiedByUrl"'),
      "tools.yaml": manifest("./schema.graphql"),
      "from-json.yaml": manifest("./schema.json"),
      "from-2020.yaml": manifest("./schema-2020.json"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(located(o, "error")).toEqual([]);
    const input = createPublisher(docOf(o)).input(tool(o, "f")) as { properties: Record<string, any> };
    const p = input.properties;
    // Each was "any JSON primitive" (string, number or boolean), a warning apiece.
    expect(p.stamp).toEqual({ type: "string", format: "date-time" });
    expect(JSON.stringify(p.day)).toContain('"format":"date"');
    expect(JSON.stringify(p.ident)).toContain('"format":"uuid"');
    expect(JSON.stringify(p.link)).toContain('"format":"uri"');
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    expect(
      ajv.validate(input, { stamp: "2024-01-02T03:04:05Z", blob: { a: [1, null] } }),
      ajv.errorsText(),
    ).toBe(true);
    // RFC 3339 writes dates, times and both: a string, no format a date alone would fail.
    expect(p.when.anyOf[0]).toMatchObject({ type: "string" });
    expect(p.when.anyOf[0].format).toBeUndefined();
    expect(ajv.validate(input, { stamp: "2024-01-02T03:04:05Z", when: "2024-01-02" })).toBe(true);
    // A URL nobody knows: still any primitive, and the description names it; a known name keeps its mapping.
    expect(JSON.stringify(p.odd)).toContain("Specified by https://example.com/odd-scalar.");
    expect(JSON.stringify(p.long)).toContain('"format":"int64"');
    expect(located(o, "warning").map((w) => w.replace(/^\S+ /, ""))).toEqual([
      expect.stringContaining("scalar Odd"),
    ]);
    const fromJson = await genManifest(join(dir, "from-json.yaml"), "test/.tmp/gen-json");
    expect(located(fromJson, "error")).toEqual([]);
    expect(tool(fromJson, "f").inputSchema).toEqual(tool(o, "f").inputSchema);
    expect(tool(fromJson, "f").outputSchema).toEqual(tool(o, "f").outputSchema);
    // Before: the 2020 spelling was not read, so every scalar here was unmapped (any primitive), with 8 warnings.
    const from2020 = await genManifest(join(dir, "from-2020.yaml"), "test/.tmp/gen-json-2020");
    expect(located(from2020, "warning").map((w) => w.replace(/^\S+ /, ""))).toEqual([
      expect.stringContaining("scalar Odd"),
    ]);
    expect(tool(from2020, "f").inputSchema).toEqual(tool(o, "f").inputSchema);
    expect(tool(from2020, "f").outputSchema).toEqual(tool(o, "f").outputSchema);
  });
});

describe("an argument named twice in one field", () => {
  it("keeps its first form, as every other repeat does, with a warning at the second", async () => {
    const sdl = "type Query {\n  f(a: Int, b: String, a: String): String\n  g(a: Int): String\n}\n";
    const dir = writeTree("gql-repeated-args", {
      "schema.graphql": sdl,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(located(o, "error")).toEqual([]);
    // graphql-js kept the last (a: String), saying "the last definition wins".
    expect(located(o, "warning")).toEqual([
      "schema.graphql:2:24 Query.f(a:) is defined twice, as Int and String: the first is kept",
    ]);
    expect((tool(o, "f").binding as GraphqlBinding).document).toContain("$a: Int");
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const f = createPublisher(docOf(o)).input(tool(o, "f"));
    expect(ajv.validate(f, { a: 1, b: "x" }), ajv.errorsText()).toBe(true);
    expect(ajv.validate(f, { a: "x" })).toBe(false);
  });
});
