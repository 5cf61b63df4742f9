import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import type { CatalogDocument, CatalogTool, GraphqlBinding } from "../../src/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * GraphQL in the generator, case by case: derived selections, lenient schema loading, validation of every
 * document with located diagnostics, safety, bulk selection. Each case writes a small schema and manifest.
 */

const SCHEMA = `
schema { query: Query mutation: Mutation }
interface Node { id: ID! }
enum Color { RED GREEN }
enum Size { S M L }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type Owner implements Node {
  id: ID!
  name: String!
  pets(first: Int, after: String): PetConnection!
}
type Cat implements Node { id: ID! name: String! color: Color! lives: Int! owner: Owner }
type Dog implements Node { id: ID! name: String color: Size! owner: Owner }
union Pet = Cat | Dog
type PetConnection { nodes: [Pet!]! pageInfo: PageInfo! totalCount: Int! }
type Thing {
  id: ID!
  label: String!
  old: String @deprecated(reason: "gone")
  secret(key: String!): String
  child: Thing
  owner: Owner
}
type Query {
  thing(id: ID!): Thing
  things(first: Int = 5, after: String): PetConnection!
  pet(id: ID!): Pet
  node(id: ID!): Node
  count: Int!
}
type Mutation {
  rename(id: ID!, name: String!): Thing!
  forget(id: ID!): Boolean!
}
type Subscription { ticks: Int! }
`;

function manifest(tools: string, extra = "") {
  return `catalog: gq
sources:
  api:
    graphql: ./schema.graphql
    base_url: { default: "https://api.example/graphql" }
${extra}tools:
${tools}`;
}

async function gen(files: Record<string, string>) {
  const dir = writeTree("gql", { "schema.graphql": SCHEMA, ...files });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  const errors = diags.items.filter((d) => d.severity === "error");
  const warnings = diags.items.filter((d) => d.severity === "warning");
  const doc = cat ? (JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument) : undefined;
  const tool = (name: string) => doc?.tools.find((t) => t.name === name) as CatalogTool;
  const document = (name: string) => (tool(name).binding as GraphqlBinding).document;
  return {
    cat,
    doc,
    tool,
    document,
    errors,
    warnings,
    rel: relative(ROOT, dir),
    text: errors.map(formatDiagnostic).join("\n"),
  };
}

describe("derived selection sets", () => {
  it("selects leaves to the depth, skips deprecated fields and fields with required arguments, expands a type once per path", async () => {
    const r = await gen({
      "tools.yaml": manifest(
        "  t1: { from: Query.thing, depth: 1 }\n  t2: { from: Query.thing }\n  t3: { from: Query.thing, depth: 3 }\n",
      ),
    });
    expect(r.errors).toEqual([]);
    expect(r.document("t1")).toBe(
      [
        "query T1($id: ID!) {",
        "  thing(id: $id) {",
        "    id",
        "    label",
        "    child {",
        "      id",
        "    }",
        "    owner {",
        "      id",
        "    }",
        "  }",
        "}",
      ].join("\n"),
    );
    const t2 = r.document("t2");
    expect(t2).not.toContain("old");
    expect(t2).not.toContain("secret");
    // Thing below Thing is a reference; Owner is expanded; its connection is at the depth limit (no id): left out.
    expect(t2).toContain("child {\n      id\n    }");
    expect(t2).toContain("owner {\n      id\n      name\n    }");
    // One level deeper the nested connection is there, with a bounded page (its `first` has no default).
    expect(r.document("t3")).toContain("pets(first: 10) {");
  });

  it("turns connections into pageInfo + nodes with first/after as arguments", async () => {
    const r = await gen({ "tools.yaml": manifest("  list: { from: Query.things }\n") });
    const list = r.tool("list");
    expect(Object.keys(list.inputSchema.properties as object)).toEqual(["first", "after"]);
    expect((list.inputSchema.properties as Record<string, unknown>).first).toMatchObject({ default: 5 });
    expect(r.document("list")).toContain(
      "totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {",
    );
    // The variable is nullable even though... it feeds a nullable argument; omitting it keeps the default.
    expect(r.document("list")).toMatch(/^query List\(\$first: Int, \$after: String\)/);
  });

  it("unions and interfaces get __typename, one fragment per possible type, and aliases where field types clash", async () => {
    const r = await gen({
      "tools.yaml": manifest("  pet: { from: Query.pet }\n  node: { from: Query.node }\n"),
    });
    expect(r.errors).toEqual([]);
    const pet = r.document("pet");
    expect(pet).toContain("__typename");
    expect(pet).toContain("... on Cat {");
    // Cat.color is Color!, Dog.color is Size!: the second one is aliased; Dog.name (String) vs Cat.name (String!) too.
    expect(pet).toContain("dogColor: color");
    expect(pet).toContain("dogName: name");
    // A nullable union of objects is published unwrapped, like a nullable object (null -> not_found).
    const out = r.tool("pet").outputSchema as { type: string; anyOf?: unknown[] };
    expect(out.type).toBe("object");
    expect(out.anyOf).toHaveLength(2);
    expect(r.tool("pet").outputWrapped).toBeUndefined();
    // The variants are shapes the catalog stores once (`node` selects them too), in its schema table.
    expect(JSON.stringify(out)).toContain('"#/$defs/Dog"');
    expect(JSON.stringify(r.doc?.schemas?.Dog)).toContain('"dogColor"');
    expect(r.document("node")).toContain("... on Owner {");
  });

  it("a manifest selection replaces the derived one and is validated", async () => {
    const ok = await gen({ "tools.yaml": manifest('  t: { from: Query.thing, selection: "id label" }\n') });
    expect(ok.errors).toEqual([]);
    expect(ok.document("t")).toBe("query T($id: ID!) {\n  thing(id: $id) {\n    id\n    label\n  }\n}");
    expect(Object.keys((ok.tool("t").outputSchema as { properties: object }).properties)).toEqual([
      "id",
      "label",
    ]);

    const bad = await gen({
      "tools.yaml": manifest('  t:\n    from: Query.thing\n    selection: "{ id nope }"\n'),
    });
    expect(bad.errors.map((e) => e.code)).toEqual(["TW151"]);
    expect(bad.errors[0]?.message).toContain('Cannot query field "nope" on type "Thing"');
    // Line 9 of tools.yaml, at the column of `nope` inside the quoted selection.
    expect(bad.errors[0]?.source).toMatchObject({ file: `${bad.rel}/tools.yaml`, line: 9, column: 22 });
  });
});

describe("documents", () => {
  it("an invalid inline document is located at its manifest line", async () => {
    const r = await gen({
      "tools.yaml": manifest(
        "  t:\n    document: |\n      query Q($id: ID!) {\n        thing(id: $id) { id wrong }\n      }\n",
      ),
    });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      code: "TW151",
      source: { file: `${r.rel}/tools.yaml`, line: 10, column: 29 },
    });
  });

  it("an invalid .graphql file is located in that file", async () => {
    const r = await gen({
      "ops.graphql": "# ops\nquery A { count }\n\nquery B($id: ID!) {\n  thing(id: $id) { label(x: 1) }\n}\n",
      "tools.yaml": manifest("  t: { document: ./ops.graphql, operation_name: A }\n"),
    });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.message).toContain('Unknown argument "x"');
    expect(r.errors[0]?.source).toMatchObject({ file: `${r.rel}/ops.graphql`, line: 5, column: 26 });
  });

  it("sends only the chosen operation and its fragments; several operations need operation_name", async () => {
    const ops =
      'fragment F on Thing { id }\nfragment G on Thing { label }\nquery A($id: ID!) { thing(id: $id) { ...F } }\nquery B { thing(id: "1") { ...G } }\n';
    const r = await gen({
      "ops.graphql": ops,
      "tools.yaml": manifest("  a: { document: ./ops.graphql, operation_name: A }\n"),
    });
    expect(r.errors).toEqual([]);
    expect(r.document("a")).toBe(
      "query A($id: ID!) {\n  thing(id: $id) {\n    ...F\n  }\n}\n\nfragment F on Thing {\n  id\n}",
    );
    expect((r.tool("a").binding as GraphqlBinding).field).toBe("thing");

    const none = await gen({
      "ops.graphql": ops,
      "tools.yaml": manifest("  a: { document: ./ops.graphql }\n"),
    });
    expect(none.errors[0]?.message).toContain("2 operations; say which one with operation_name");
  });

  it("an anonymous operation is sent under a name derived from the tool", async () => {
    const r = await gen({ "tools.yaml": manifest('  how_many: { document: "{ count }" }\n') });
    expect(r.errors).toEqual([]);
    expect(r.tool("how_many").binding).toMatchObject({ operationName: "HowMany", field: "count" });
    expect(r.tool("how_many").outputWrapped).toBe(true);
  });

  it("refuses subscriptions, from + document, and unknown root fields (with a suggestion)", async () => {
    const sub = await gen({ "tools.yaml": manifest('  s: { document: "subscription S { ticks }" }\n') });
    expect(sub.errors[0]?.message).toMatch(/Subscription|subscription/);
    const both = await gen({ "tools.yaml": manifest('  s: { from: Query.count, document: "{ count }" }\n') });
    expect(both.errors[0]).toMatchObject({ code: "TW110" });
    const typo = await gen({ "tools.yaml": manifest("  s: { from: Query.thingz }\n") });
    expect(typo.errors[0]).toMatchObject({
      code: "TW113",
      fix: 'did you mean "Query.thing" or "Query.things"?',
    });
    // Near by edit distance, not only by holding the name; a one-letter name held by most fields offers none.
    const near = await gen({ "tools.yaml": manifest("  s: { from: Query.cuont }\n") });
    expect(near.errors[0]).toMatchObject({ code: "TW113", fix: 'did you mean "Query.count"?' });
    const short = await gen({ "tools.yaml": manifest("  s: { from: Query.n }\n") });
    expect(short.errors[0]?.code).toBe("TW113");
    expect(short.errors[0]?.fix).toBeUndefined();
  });
});

describe("safety and bulk selection", () => {
  it("query -> read, mutation -> write, overridable; mutations: listed keeps unnamed mutations out", async () => {
    const r = await gen({
      "tools.yaml": manifest(
        "  forget: { from: Mutation.forget, safety: destructive }\n",
        "    mutations: listed\nselect:\n  - { all: true }\n",
      ),
    });
    expect(r.errors).toEqual([]);
    expect(r.doc?.tools.map((t) => `${t.name}:${t.safety}:${t.summary}`)).toEqual([
      "forget:destructive:mutation forget",
      "thing:read:query thing",
      "things:read:query things",
      "pet:read:query pet",
      "node:read:query node",
      "count:read:query count",
    ]);
    expect(r.tool("forget").annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(r.tool("forget").policy.confirm).toBe("required");

    const all = await gen({
      "tools.yaml": `${manifest("  {}\n").replace("tools:\n  {}\n", "")}select:\n  - { all: true }\n`,
    });
    expect(all.doc?.tools.map((t) => `${t.name}:${t.safety}`)).toContain("rename:write");
  });

  it("delete*/revoke*/remove* mutations are destructive with a reason and confirmation; a manifest class below is an audit finding", async () => {
    const schema = `type Query { project(id: ID!): Project }
type Project { id: ID! name: String }
type ApiKey { id: ID! }
type Mutation {
  createProject(name: String!): Project!
  updateProject(id: ID!, name: String!): Project!
  deleteProject(id: ID!): Boolean!
  revokeApiKey(id: ID!): ApiKey!
  removeCollaborator(projectId: ID!, userId: ID!): Project!
  projectDelete(id: ID!): Boolean!
  archiveProject(id: ID!): Project!
}
`;
    const dir = writeTree("gql-classify", {
      "schema.graphql": schema,
      "tools.yaml": `catalog: gq
sources:
  api:
    graphql: ./schema.graphql
    base_url: { default: "https://api.example/graphql" }
select:
  - { all: true }
tools:
  archive_project: { from: Mutation.archiveProject, safety: write }
  drop_project: { from: Mutation.projectDelete, safety: write }
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    const doc = JSON.parse(cat!.files.get("catalog.json") as string) as CatalogDocument;
    // Default names may be snake_case (delete_project): match them without separators.
    const key = (name: string) => name.replace(/[_-]/g, "").toLowerCase();
    const of = (name: string) => doc.tools.find((t) => key(t.name) === key(name))!;
    for (const name of ["deleteProject", "revokeApiKey", "removeCollaborator"]) {
      expect(of(name).safety, name).toBe("destructive");
      expect(of(name).policy.confirm, name).toBe("required");
      expect(of(name).safetyBasis?.reasons.join(" "), name).toMatch(/delete|revoke|remove/i);
    }
    expect(of("createProject").safety).toBe("write");
    expect(of("updateProject").safety).toBe("write");
    expect(of("project").safety).toBe("read");
    const { buildReport } = await import("../../codegen/audit/report.js");
    const findings = buildReport(doc).findings.filter((f) => f.kind === "overrides-classifier");
    expect(findings.map((f) => f.tool)).toEqual(["drop_project"]);
    expect(findings[0]?.message).toMatch(/safety: write overrides the classifier's destructive \(.*delete/i);
  });

  it("a document selecting a destructive root field beside another, or under a condition, is destructive", async () => {
    // Classified by its one root field, a document selecting two (aliases) or one under @include fell back to its
    // operation name: `mutation Sync { a: createProject b: deleteProject }` was a write, with no confirmation.
    const schema = `type Query { project(id: ID!): Project }
type Project { id: ID! name: String }
type Mutation {
  createProject(name: String!): Project!
  deleteProject(id: ID!): Boolean!
}
`;
    const doc = (text: string) => JSON.stringify(text);
    const dir = writeTree("gql-classify-roots", {
      "schema.graphql": schema,
      "tools.yaml": `catalog: gq
sources:
  api:
    graphql: ./schema.graphql
    base_url: { default: "https://api.example/graphql" }
tools:
  sync_aliases:
    document: ${doc("mutation Sync($name: String!, $id: ID!) { made: createProject(name: $name) { id } gone: deleteProject(id: $id) }")}
  sync_fragment:
    document: ${doc("mutation Tidy($name: String!, $id: ID!) { ...Both } fragment Both on Mutation { createProject(name: $name) { id } deleteProject(id: $id) }")}
  sync_condition:
    document: ${doc("mutation Maybe($id: ID!, $really: Boolean!) { deleteProject(id: $id) @include(if: $really) }")}
  make_two:
    document: ${doc("mutation Make($a: String!, $b: String!) { x: createProject(name: $a) { id } y: createProject(name: $b) { id } }")}
  read_two:
    document: ${doc("query Both($a: ID!, $b: ID!) { x: project(id: $a) { id } y: project(id: $b) { id } }")}
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    const catalog = JSON.parse(cat!.files.get("catalog.json") as string) as CatalogDocument;
    const of = (name: string) => catalog.tools.find((t) => t.name === name)!;
    for (const name of ["sync_aliases", "sync_fragment", "sync_condition"]) {
      expect(of(name).safety, name).toBe("destructive");
      expect(of(name).policy.confirm, name).toBe("required");
      expect(of(name).annotations.destructiveHint, name).toBe(true);
      expect(of(name).safetyBasis?.reasons.join(" "), name).toMatch(/deleteProject/);
    }
    expect(of("make_two").safety).toBe("write");
    expect(of("read_two").safety).toBe("read");
  });

  it("a GraphQL source needs base_url, and manifest arguments must name variables", async () => {
    const noUrl = await gen({
      "tools.yaml":
        "catalog: gq\nsources:\n  api: { graphql: ./schema.graphql }\ntools:\n  t: { from: Query.count }\n",
    });
    expect(noUrl.errors[0]).toMatchObject({ code: "TW143" });
    const args = await gen({
      "tools.yaml": manifest("  t: { from: Query.thing, args: { id: { rename: thing_id }, nope: {} } }\n"),
    });
    expect(args.errors[0]?.message).toContain('"nope" is not a variable of the operation');
    const renamed = await gen({
      "tools.yaml": manifest("  t: { from: Query.thing, args: { id: { rename: thing_id } } }\n"),
    });
    expect((renamed.tool("t").binding as GraphqlBinding).variables).toEqual([
      { arg: "thing_id", name: "id" },
    ]);
    expect(renamed.tool("t").inputSchema.required).toEqual(["thing_id"]);
  });
});

describe("schema loading", () => {
  it("a schema strict graphql-js rejects for a duplicate field loads with a located warning", async () => {
    const dup = SCHEMA.replace("type Thing {\n  id: ID!", "type Thing {\n  id: ID!\n  label: String!");
    const r = await gen({ "schema.graphql": dup, "tools.yaml": manifest("  t: { from: Query.count }\n") });
    expect(r.errors).toEqual([]);
    // Located at the second `label` (the one left out): the first is kept.
    const line = dup.split("\n").lastIndexOf("  label: String!") + 1;
    expect(r.warnings.map((w) => `${w.code} ${w.message} ${w.source?.line}`)).toEqual([
      `TW150 Thing.label is defined twice in one definition: the first is kept ${line}`,
    ]);
  });

  it("syntax errors and unknown types are located errors", async () => {
    const syntax = await gen({
      "schema.graphql": "type Query {\n  a: Int\n  b(: Int\n}\n",
      "tools.yaml": manifest("  t: { from: Query.a }\n"),
    });
    expect(syntax.errors[0]).toMatchObject({
      code: "TW101",
      source: { file: `${syntax.rel}/schema.graphql`, line: 3 },
    });
    const unknown = await gen({
      "schema.graphql": "type Query {\n  a: Nope\n}\n",
      "tools.yaml": manifest("  t: { from: Query.a }\n"),
    });
    expect(unknown.errors[0]).toMatchObject({ code: "TW150", source: { line: 2 } });
    expect(unknown.errors[0]?.message).toContain('Unknown type "Nope"');
  });

  // Found by the generate fuzzer: introspection JSON that JSON.parse refused was TW101 on the file alone.
  it("introspection JSON that is not JSON is a TW101 at its character, or at the end of a cut text", async () => {
    for (const [text, line, column] of [
      ['{\n  "data": {\n    "__schema": {"types": [1, 2,, 3]}}}', 3, 33],
      ["data:\n  __schema: {}\n", 1, 1],
      ['{\n  "data": {"__schema": {"queryType": nul', 2, 41],
    ] as const) {
      const r = await gen({
        "schema.json": text,
        "tools.yaml": manifest("  t: { from: Query.a }\n").replace("schema.graphql", "schema.json"),
      });
      expect(r.errors.map((e) => e.code)).toEqual(["TW101"]);
      expect(r.errors[0]?.source, text).toMatchObject({ file: `${r.rel}/schema.json`, line, column });
    }
  });

  it("reads introspection JSON, bare or under data", async () => {
    const { graphqlJs } = await import("../../codegen/load/graphql.js");
    const result = graphqlJs().introspectionFromSchema(graphqlJs().buildSchema(SCHEMA));
    for (const json of [result, { data: result }]) {
      const r = await gen({
        "schema.json": JSON.stringify(json),
        "tools.yaml": manifest("  t: { from: Query.pet }\n").replace("schema.graphql", "schema.json"),
      });
      expect(r.errors).toEqual([]);
      expect(r.document("t")).toContain("dogColor: color");
    }
    const notSchema = await gen({
      "schema.json": '{"hello": 1}',
      "tools.yaml": manifest("  t: { from: Query.a }\n").replace("schema.graphql", "schema.json"),
    });
    expect(notSchema.errors[0]?.message).toContain("neither GraphQL SDL nor introspection JSON");
  });
});
