import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { buildSchema, introspectionFromSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import type { CatalogDocument, CatalogTool, GraphqlBinding } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { APPSYNC } from "./appsync-schema.js";

/**
 * GraphQL schemas as users bring them: split over several files and folders, without a `schema {}` block, only
 * extending `Query` (a federated subgraph), old introspection results, custom scalars of the common server
 * libraries, and a bare `generate --graphql` without a manifest. Broken ones fail located in the file at fault.
 */

type Outcome = Awaited<ReturnType<typeof genManifest>>;

const docOf = (o: Outcome) =>
  o.cat ? (JSON.parse(o.cat.files.get("catalog.json") as string) as CatalogDocument) : undefined;
const names = (o: Outcome) => docOf(o)?.tools.map((t) => t.name) ?? [];
const tool = (o: Outcome, name: string) => docOf(o)?.tools.find((t) => t.name === name) as CatalogTool;
const errors = (o: Outcome) =>
  o.diags.items
    .filter((d) => d.severity === "error")
    .map(
      (d) =>
        `${d.source?.file.replace(/^.*\.tmp\/[^/]+\//, "")}:${d.source?.line}:${d.source?.column} ${d.code}`,
    );

function manifest(graphql: string, extra = ""): string {
  return `catalog: wild
sources:
  api:
    graphql: ${graphql}
    base_url: { default: "https://api.example/graphql" }
${extra}select: [{ all: true }]
`;
}

const SPLIT = {
  "schema/query.graphql": "type Query {\n  user(id: ID!): User\n}\n",
  "schema/types/user.graphqls":
    "type User {\n  id: ID!\n  name: String\n  joined: DateTime\n}\nscalar DateTime\n",
  "schema/more.gql": "extend type Query {\n  users(first: Int): [User!]!\n}\n",
  "schema/README.md": "not a schema file",
  "mutations.graphql": "type Mutation {\n  renameUser(id: ID!, name: String!): User\n}\n",
};

describe("SDL split over several files and folders", () => {
  it("a list of files and folders is one schema: types, extensions and roots from any of them", async () => {
    const dir = writeTree("gql-split", {
      ...SPLIT,
      "tools.yaml": manifest("[./schema, ./mutations.graphql]"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(names(o)).toEqual(["user", "users", "rename_user"]);
    expect(tool(o, "user").outputSchema).toBeDefined();
    const md = o.cat?.files.get("CATALOG.md") ?? "";
    expect(md).toMatch(
      /schema\/more\.gql, .*schema\/query\.graphql, .*schema\/types\/user\.graphqls, .*mutations\.graphql/,
    );
    // Every file is an input: editing one in the folder changes the hash.
    const hash = docOf(o)?.inputHash;
    writeFileSync(
      join(dir, "schema/types/user.graphqls"),
      `${SPLIT["schema/types/user.graphqls"]}# edited\n`,
    );
    expect(docOf(await genManifest(join(dir, "tools.yaml")))?.inputHash).not.toBe(hash);
  });

  it("a problem is located in the file it is in", async () => {
    const broken = writeTree("gql-split-broken", {
      ...SPLIT,
      "schema/types/user.graphqls": "type User {\n  id: ID!\n  team: Team\n}\n",
      "tools.yaml": manifest("[./schema, ./mutations.graphql]"),
    });
    expect(errors(await genManifest(join(broken, "tools.yaml")))).toEqual([
      "schema/types/user.graphqls:3:9 TW150",
    ]);
    const syntax = writeTree("gql-split-syntax", {
      ...SPLIT,
      "mutations.graphql": "type Mutation {\n  renameUser(id: ID!: User\n}\n",
      "tools.yaml": manifest("[./schema, ./mutations.graphql]"),
    });
    expect(errors(await genManifest(join(syntax, "tools.yaml")))).toEqual(["mutations.graphql:2:21 TW101"]);
    const empty = writeTree("gql-split-empty", {
      "schema/README.md": "x",
      "tools.yaml": manifest("./schema"),
    });
    expect(errors(await genManifest(join(empty, "tools.yaml")))).toEqual(["tools.yaml:4:14 TW100"]);
  });
});

describe("a modular schema: each file defines its own part of a type (NestJS schema-first, graphql-modules, Vendure)", () => {
  const MODULES = {
    "src/users/users.graphql": `"A person."
type User { id: ID! name: String }
type Query { user(id: ID!): User users: [User!]! }
type Mutation { renameUser(id: ID!, name: String!): User }
enum Role { ADMIN }
scalar DateTime
union Owner = User
`,
    "src/posts/posts.graphql": `type Post { id: ID! title: String! author: User published: DateTime }
type User { id: ID! posts: [Post!]! role: Role }
type Query { posts(first: Int = 10): [Post!]! post(id: ID!): Post }
type Mutation { createPost(input: CreatePostInput!): Post deletePost(id: ID!): Boolean }
input CreatePostInput { title: String! }
enum Role { ADMIN AUTHOR }
scalar DateTime
`,
    "src/teams/teams.graphql": `type Team { id: ID! }
type Query { team(id: ID!): Team user(id: Int!): User }
input CreatePostInput { teamId: ID }
union Owner = Team | User
`,
  };

  it("types defined again are merged as the server merges them: every module's root fields are tools", async () => {
    const dir = writeTree("gql-modules", { ...MODULES, "tools.yaml": manifest("./src") });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    // graphql-js kept the last `type Query` only: `team` and `user` (and the last Mutation's two), with a
    // warning per repeat.
    expect(names(o).sort()).toEqual(
      ["create_post", "delete_post", "post", "posts", "rename_user", "team", "user", "users"].sort(),
    );
    // User's fields from both modules, the enum's values from both, the union's members from both.
    const user = tool(o, "user");
    const document = (user.binding as GraphqlBinding).document;
    expect(document).toMatch(/name/);
    expect(document).toMatch(/posts \{/);
    expect(document).toMatch(/role/);
    const doc = docOf(o) as CatalogDocument;
    expect(JSON.stringify(doc.schemas)).toMatch(/"ADMIN","AUTHOR"/);
    expect(tool(o, "create_post").inputSchema).toBeDefined();
    expect(JSON.stringify(doc.schemas)).toMatch(/teamId/);
    // One conflict, located at the later definition (files are read in path order: teams before users); the
    // first is kept.
    expect(
      o.diags.items
        .filter((d) => d.severity === "warning")
        .map(
          (d) =>
            `${d.source?.file.replace(/^.*\.tmp\/[^/]+\//, "")}:${d.source?.line}:${d.source?.column} ${d.message}`,
        ),
    ).toEqual([
      "src/users/users.graphql:3:14 Query.user is defined again as (id: ID!): User, first as (id: Int!): User: the first definition is kept (a type's definitions are merged)",
    ]);
  });
});

describe('an enum the server fills when it starts (Vendure\'s `enum Permission`, "Populated at run-time")', () => {
  it("takes any name, in arguments and results, said in its description; other enums keep their values", async () => {
    const dir = writeTree("gql-open-enum", {
      "schema.graphql": `# Populated at run-time
enum Permission
enum Scope { READ WRITE }
type Me { id: ID! permissions: [Permission!]! scope: Scope }
type Query { me: Me! can(permission: Permission!, scope: Scope): Boolean }
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    const doc = docOf(o) as CatalogDocument;
    const publisher = createPublisher(doc);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const me = publisher.output(tool(o, "me")) as object;
    // `enum: []` refused every value: each result holding one failed its output schema at the client.
    expect(ajv.validate(me, { id: "1", permissions: ["ReadCatalog", "SuperAdmin"], scope: "READ" })).toBe(
      true,
    );
    expect(ajv.validate(me, { id: "1", permissions: ["ReadCatalog"], scope: "ADMIN" })).toBe(false);
    const can = publisher.input(tool(o, "can"));
    expect(ajv.validate(can, { permission: "UpdateOrder" }), ajv.errorsText()).toBe(true);
    expect(ajv.validate(can, { permission: "UpdateOrder", scope: "ALL" })).toBe(false);
    expect(JSON.stringify(can)).toContain("the values are the server's own (the schema lists none)");
  });
});

describe("SDL without a schema block", () => {
  it("roots by their conventional names; a schema that only extends Query (a federated subgraph) still has them", async () => {
    const dir = writeTree("gql-subgraph", {
      "schema.graphql": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Product @key(fields: "id") { id: ID! name: String }
extend type Query { product(id: ID!): Product topProducts(first: Int = 5): [Product!]! }
extend type Mutation { deleteProduct(id: ID!): Boolean }
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(names(o)).toEqual(["product", "top_products", "delete_product"]);
    // Federation's directives, which a subgraph uses without defining, are one note, not a warning per use.
    expect(o.diags.items.filter((d) => d.severity === "warning")).toEqual([]);
    expect(o.diags.items.filter((d) => d.code === "TW150").map((d) => d.message)).toEqual([
      "Apollo Federation's directives @link, @key are used without definitions, as a subgraph's schema is written; they do not change the documents tools send",
    ]);
  });

  it("a subgraph with no Query of its own (only entities) is refused, saying what to generate from instead", async () => {
    const dir = writeTree("gql-entity-subgraph", {
      "schema.graphql": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type User @key(fields: "email") { email: ID! name: String @shareable }
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(o.cat).toBeUndefined();
    expect(o.diags.items.filter((d) => d.severity !== "info").map((d) => d.message)).toEqual([
      expect.stringMatching(
        /defines no query type \(a type Query, or schema \{ query: \.\.\. \} naming one\): it is an Apollo Federation subgraph \(it uses @key\).*generate from the router's schema/,
      ),
    ]);
  });

  it("a schema with no query type at all is an error that says what is missing", async () => {
    const dir = writeTree("gql-noquery", {
      "schema.graphql": "type Thing { id: ID }\n",
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    const error = o.diags.items.find((d) => d.severity === "error")?.message;
    expect(error).toMatch(/defines no query type \(a type Query/);
    expect(error).not.toMatch(/build step|subgraph/);
  });

  // @aws-amplify/graphql-schema-test-library's schemas (`type Todo @model { ... }`, @hasMany, @index, AppSync
  // scalars) are the transformer's input: the queries and mutations exist only in what it writes.
  it("an Amplify @model schema (no Query: the transformer writes it) is refused, saying what to generate from", async () => {
    const dir = writeTree("gql-amplify-input", {
      "schema.graphql": `type Blog @model { id: ID! name: String! posts: [Post] @hasMany }
type Post @model { id: ID! title: String! createdAt: AWSDateTime }
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(o.cat).toBeUndefined();
    expect(o.diags.items.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      expect.stringMatching(
        /defines no query type .*: it uses @model, so it is a build step's input: AWS Amplify's GraphQL transformer .*generate from the schema that step writes \(amplify's build\/schema\.graphql, or the deployed API's introspection\)/,
      ),
    ]);
  });
});

const SMALL = `
"""A node."""
interface Node { id: ID! }
interface Named implements Node { id: ID! name: String }
type User implements Node & Named { id: ID! name: String tags: [String!]! }
union Result = User
enum Role { ADMIN MEMBER }
input UserFilter { role: Role name: String }
directive @cached(ttl: Int) on FIELD
type Query { user(id: ID!): User users(filter: UserFilter): [User!]! search(q: String!): [Result!]! }
`;

/** An introspection result as a 2015-2017 server wrote it: directive flags, lists that are empty left out. */
function oldIntrospection(): unknown {
  const modern = introspectionFromSchema(buildSchema(SMALL)) as unknown as {
    __schema: {
      types: Record<string, unknown>[];
      directives: Record<string, unknown>[];
      [k: string]: unknown;
    };
  };
  const schema = modern.__schema;
  delete schema.description;
  delete schema.subscriptionType;
  for (const t of schema.types) {
    delete t.specifiedByURL;
    delete t.isOneOf;
    if (t.kind === "INTERFACE") delete t.interfaces;
    if (Array.isArray(t.interfaces) && t.interfaces.length === 0) delete t.interfaces;
    for (const f of (t.fields as Record<string, unknown>[] | null) ?? [])
      if (Array.isArray(f.args) && f.args.length === 0) delete f.args;
  }
  schema.directives = schema.directives.map(({ locations, isRepeatable: _r, ...d }) => ({
    ...d,
    onOperation: (locations as string[]).includes("QUERY"),
    onFragment: (locations as string[]).includes("FRAGMENT_SPREAD"),
    onField: (locations as string[]).includes("FIELD"),
  }));
  return { data: modern };
}

describe("introspection results of any age", () => {
  it("an old result (directive flags, omitted empty lists) builds the same tools as the SDL", async () => {
    const dir = writeTree("gql-old-introspection", {
      "schema.graphql": SMALL,
      "schema.json": JSON.stringify(oldIntrospection(), null, 2),
      "tools.yaml": manifest("./schema.json"),
      "sdl.yaml": manifest("./schema.graphql"),
    });
    const old = await genManifest(join(dir, "tools.yaml"));
    expect(errors(old)).toEqual([]);
    const sdl = await genManifest(join(dir, "sdl.yaml"));
    expect(names(old)).toEqual(["user", "users", "search"]);
    const binding = (o: Outcome, n: string) => (tool(o, n).binding as GraphqlBinding).document;
    for (const n of names(sdl)) expect(binding(old, n)).toBe(binding(sdl, n));
    expect(tool(old, "users").inputSchema).toEqual(tool(sdl, "users").inputSchema);
  });

  it("a result that cannot be built is located at the type it names; an error response says so", async () => {
    const broken = oldIntrospection() as {
      data: { __schema: { types: { name: string; fields?: unknown }[] } };
    };
    const user = broken.data.__schema.types.find((t) => t.name === "User") as { fields: { type: unknown }[] };
    (user.fields[1] as { type: unknown }).type = { kind: "OBJECT", name: "Team", ofType: null };
    const text = JSON.stringify(broken, null, 2);
    const dir = writeTree("gql-bad-introspection", {
      "schema.json": text,
      "failed.json": JSON.stringify({ data: null, errors: [{ message: "introspection is disabled" }] }),
      "tools.yaml": manifest("./schema.json"),
      "failed.yaml": manifest("./failed.json"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"name": "Team"'));
    const column = (lines[line] ?? "").indexOf('"name"') + 1;
    expect(errors(o)).toEqual([`schema.json:${line + 1}:${column} TW150`]);
    expect(o.diags.items[0]?.message).toContain("unknown type: Team");
    const failed = await genManifest(join(dir, "failed.yaml"));
    expect(failed.diags.items.find((d) => d.severity === "error")?.message).toContain(
      "introspection is disabled",
    );
  });
});

/**
 * What urql's minifyIntrospectionQuery (gql.tada's `minifyIntrospection`, @aave/graphql@3.0.1 ships one) makes of
 * a result: built-in and other scalars, enums and input objects left out, every reference to them (arguments
 * included) a made-up scalar `Any`, descriptions dropped.
 */
function minifiedIntrospection(): unknown {
  const full = introspectionFromSchema(buildSchema(SMALL)) as unknown as {
    __schema: { types: { kind: string; name: string; fields?: unknown[] | null }[]; [k: string]: unknown };
  };
  const kept = new Set(["OBJECT", "INTERFACE", "UNION"]);
  const any = (t: any): unknown =>
    t.kind === "NON_NULL" || t.kind === "LIST"
      ? { kind: t.kind, ofType: any(t.ofType) }
      : kept.has(t.kind)
        ? { kind: t.kind, name: t.name }
        : { kind: "SCALAR", name: "Any" };
  const types = full.__schema.types
    .filter((t) => kept.has(t.kind) && !t.name.startsWith("__"))
    .map((t) => ({
      ...t,
      description: undefined,
      fields: (t.fields as any[] | null)?.map((f) => ({
        name: f.name,
        type: any(f.type),
        args: f.args.map((a: any) => ({ name: a.name, type: any(a.type) })),
      })),
    }));
  return {
    __schema: {
      queryType: { name: "Query" },
      types: [...types, { kind: "SCALAR", name: "Any" }],
      directives: [],
    },
  };
}

describe("a minified introspection", () => {
  it("is refused, located, saying why: its argument types are made up (documents from it fail at the server)", async () => {
    const text = JSON.stringify(minifiedIntrospection(), null, 2);
    const dir = writeTree("gql-minified", { "schema.json": text, "tools.yaml": manifest("./schema.json") });
    const o = await genManifest(join(dir, "tools.yaml"));
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes('"name": "Any"'));
    expect(errors(o)).toEqual([`schema.json:${line + 1}:${(lines[line] ?? "").indexOf('"name"') + 1} TW150`]);
    expect(o.diags.items.find((d) => d.severity === "error")?.message).toMatch(
      /is a minified introspection \(no String or Boolean type: .* made-up scalar Any\).*give the full introspection result or the schema's SDL/,
    );
    expect(o.cat).toBeUndefined();
  });
});

const SCALARS = `
scalar DateTime
scalar ISO8601DateTime
scalar Datetime
scalar Decimal
scalar BigInt
scalar Long
scalar JSON
scalar JSONString
scalar URL
scalar Money
type Query {
  report(at: DateTime, since: ISO8601DateTime, until: Datetime, amount: Decimal, big: BigInt, long: Long,
         meta: JSON, metaText: JSONString, link: URL, price: Money): Int
}
`;

/** A Hasura-generated schema's shape: Postgres column types as lower-case scalars, `_bool_exp` filters, `*_root`. */
const HASURA = `
scalar uuid
scalar timestamptz
scalar jsonb
scalar numeric
scalar bigint
scalar citext
input jsonb_comparison_exp { _contains: jsonb _has_key: String _eq: jsonb }
input uuid_comparison_exp { _eq: uuid _in: [uuid!] }
input things_bool_exp { _and: [things_bool_exp!] id: uuid_comparison_exp metadata: jsonb_comparison_exp }
input things_insert_input { id: uuid slug: citext metadata: jsonb price: numeric views: bigint created_at: timestamptz }
type things { id: uuid! slug: citext! metadata(path: String): jsonb price: numeric! views: bigint! created_at: timestamptz! }
type query_root { things(where: things_bool_exp, limit: Int): [things!]! things_by_pk(id: uuid!): things }
type mutation_root { insert_things_one(object: things_insert_input!): things delete_things_by_pk(id: uuid!): things }
schema { query: query_root mutation: mutation_root }
`;

describe("custom scalars", () => {
  it("common scalars of the server libraries are mapped; the manifest overrides any of them", async () => {
    const dir = writeTree("gql-scalars", {
      "schema.graphql": SCALARS,
      "tools.yaml": manifest("./schema.graphql"),
      "override.yaml": manifest(
        "./schema.graphql",
        "    scalars:\n      Decimal: { type: string, pattern: '^-?[0-9]+(\\\\.[0-9]+)?$' }\n      Money: { type: integer }\n",
      ),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    const props = tool(o, "report").inputSchema.properties as Record<string, Record<string, unknown>>;
    const nonNull = (p: Record<string, unknown>) =>
      (p.anyOf as Record<string, unknown>[] | undefined)?.find((v) => v.type !== "null") ?? p;
    expect(nonNull(props.at ?? {})).toMatchObject({ type: "string", format: "date-time" });
    expect(nonNull(props.since ?? {})).toMatchObject({ type: "string", format: "date-time" });
    expect(nonNull(props.until ?? {})).toMatchObject({ type: "string", format: "date-time" });
    expect(JSON.stringify(props.amount)).toMatch(/"type":"string".*"type":"number"/);
    expect(JSON.stringify(props.big)).toMatch(/"type":"string".*"type":"integer"/);
    // Long is a 64-bit integer argument: a JSON integer or its digits, sent as a JSON number (exact-values e2e).
    // Nullable, it is one union of the three (not a union of the two nested in another with null).
    expect(props.long).toMatchObject({
      anyOf: [
        { type: "integer", format: "int64" },
        { type: "string", pattern: "^-?[0-9]+$" },
        { type: "null" },
      ],
    });
    expect(JSON.stringify(props.metaText)).toContain('"contentMediaType":"application/json"');
    expect(nonNull(props.link ?? {})).toMatchObject({ type: "string", format: "uri" });
    // Only the scalar nobody defines is warned about.
    const unmapped = o.diags.items.filter((d) => /has no JSON Schema mapping/.test(d.message));
    expect(unmapped.map((d) => d.message.match(/scalar (\w+)/)?.[1])).toEqual(["Money"]);
    const over = await genManifest(join(dir, "override.yaml"));
    expect(errors(over)).toEqual([]);
    const p2 = tool(over, "report").inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(p2.amount)).toContain('"pattern"');
    expect(JSON.stringify(p2.amount)).not.toContain('"number"');
    expect(nonNull(p2.price ?? {})).toMatchObject({ type: "integer" });
  });
  it("Hasura's Postgres scalars are mapped: a jsonb column or filter takes a JSON object, ids are uuids", async () => {
    const dir = writeTree("gql-hasura", {
      "schema.graphql": HASURA,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(o.diags.items.filter((d) => /has no JSON Schema mapping/.test(d.message))).toEqual([]);
    expect(names(o)).toEqual(["things", "things_by_pk", "insert_things_one", "delete_things_by_pk"]);
    const ajv = new Ajv2020({ strict: false });
    // Each input with the catalog's named schemas it refers to.
    const $defs = docOf(o)?.schemas;
    const insert = ajv.compile({ ...tool(o, "insert_things_one").inputSchema, $defs });
    const row = {
      id: "0b7e3c1e-6a1f-4d7c-9a51-2f1b2c3d4e5f",
      slug: "Widget",
      metadata: { color: "red", sizes: [1, 2], nested: { ok: true } },
      price: "12.50",
      views: "9007199254740993",
      created_at: "2026-12-05T04:00:00Z",
    };
    expect(insert({ object: row }), JSON.stringify(insert.errors)).toBe(true);
    expect(insert({ object: { ...row, metadata: [1, "two"] } })).toBe(true);
    expect(insert({ object: { ...row, price: 12.5, views: 42 } })).toBe(true);
    const filter = ajv.compile({ ...tool(o, "things").inputSchema, $defs });
    expect(
      filter({ where: { metadata: { _contains: { color: "red" } } } }),
      JSON.stringify(filter.errors),
    ).toBe(true);
    const byPk = tool(o, "things_by_pk").inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(byPk.id).toMatchObject({ type: "string", format: "uuid" });
  });
});

describe("what servers define themselves (AppSync, Apollo Federation)", () => {
  it("an AppSync schema generates: its scalars defined as AppSync defines them, its directives one note", async () => {
    const dir = writeTree("gql-appsync", {
      "schema.graphql": APPSYNC,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(o.diags.items.filter((d) => d.severity === "warning")).toEqual([]);
    expect(names(o)).toEqual(["get_todo", "list_todos", "create_todo", "delete_todo"]);
    expect(tool(o, "delete_todo").safety).toBe("destructive");
    const notes = o.diags.items.filter((d) => d.code === "TW150").map((d) => [d.message, d.source?.line]);
    expect(notes).toEqual([
      [
        "AWS AppSync's directives @aws_iam (3 uses), @aws_cognito_user_pools (4 uses), @aws_api_key, @aws_subscribe are used without definitions, as AppSync schemas are written; they do not change the documents tools send",
        undefined,
      ],
      [
        "AWS AppSync's scalars AWSDate, AWSDateTime, AWSEmail, AWSJSON are used without definitions, as AppSync schemas are written; they are defined as AppSync defines them",
        4,
      ],
      [
        'source "api": subscription Subscription.onCreateTodo is not a tool: a subscription streams events over a connection it keeps open (WebSocket, SSE), and a tool call is answered once; a query of the same data can be',
        26,
      ],
    ]);
    const nonNull = (p: Record<string, unknown>) =>
      (p.anyOf as Record<string, unknown>[] | undefined)?.find((v) => v.type !== "null") ?? p;
    const create = tool(o, "create_todo").inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(JSON.stringify(create.meta)).toContain('"contentMediaType":"application/json"');
    expect(nonNull(create.due ?? {})).toMatchObject({ type: "string", format: "date" });
    const list = tool(o, "list_todos").inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(nonNull(list.since ?? {})).toMatchObject({ type: "string", format: "date-time" });
    // The document sent carries no directive: AppSync's are the schema's, not the request's.
    expect((tool(o, "get_todo").binding as GraphqlBinding).document).not.toContain("@");
  });

  it("an AppSync scalar the schema defines itself is its own; another undefined type is still an error, located", async () => {
    const dir = writeTree("gql-appsync-own", {
      "schema.graphql": `scalar AWSDateTime\ntype Query { at(when: AWSDateTime): String }\n`,
      "bad.graphql": "type Query { at(when: AWSDateTimes): String }\n",
      "tools.yaml": manifest("./schema.graphql"),
      "bad.yaml": manifest("./bad.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(o.diags.items.filter((d) => d.code === "TW150")).toEqual([]);
    const bad = await genManifest(join(dir, "bad.yaml"));
    expect(errors(bad)).toEqual(["bad.graphql:1:23 TW150"]);
  });

  it("a directive no one defines is one warning, counted and located at its first use; it changes nothing", async () => {
    const dir = writeTree("gql-unknown-directive", {
      "schema.graphql": `type Query {
  a: String @cacheControl(maxAge: 30)
  b: String @cacheControl(maxAge: 60)
  c(id: ID! @constraint(minLength: 1)): String
}
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(names(o)).toEqual(["a", "b", "c"]);
    const warned = o.diags.items
      .filter((d) => d.severity === "warning")
      .map((d) => `${d.source?.line}:${d.source?.column} ${d.message}`);
    expect(warned).toEqual([
      "2:13 directive @cacheControl is used 2 times (first here) and defined nowhere; its uses are ignored (a schema's directives do not change the documents tools send)",
      "4:13 directive @constraint is used once (first here) and defined nowhere; its uses are ignored (a schema's directives do not change the documents tools send)",
    ]);
    // Outside a subgraph, Federation's names are nobody's: @key is warned about as any other.
    const plain = writeTree("gql-key-no-subgraph", {
      "schema.graphql": 'type Query { a: String @tag(name: "x") }\n',
      "tools.yaml": manifest("./schema.graphql"),
    });
    const p = await genManifest(join(plain, "tools.yaml"));
    expect(p.diags.items.filter((d) => d.severity === "warning").map((d) => d.message)).toEqual([
      expect.stringMatching(/^directive @tag is used once/),
    ]);
  });

  it("a subgraph's @inaccessible fields, arguments and enum values are left out: the router's API lacks them", async () => {
    const dir = writeTree("gql-inaccessible", {
      "schema.graphql": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])
enum Unit { KG LB @inaccessible }
type Dimension { size: String unit: Unit internalCode: String @inaccessible }
type Product @key(fields: "id") { id: ID! dims: Dimension }
type Query { product(id: ID!, debug: Boolean @inaccessible): Product }
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    const product = tool(o, "product");
    expect(Object.keys(product.inputSchema.properties ?? {})).toEqual(["id"]);
    const document = (product.binding as GraphqlBinding).document;
    expect(document).toContain("unit");
    expect(document).not.toContain("internalCode");
    expect(JSON.stringify(product.outputSchema)).not.toContain('"LB"');
    expect(o.diags.items.map((d) => d.message)).toContain(
      "3 members marked @inaccessible (LB, internalCode, debug) left out: the router's API does not have them",
    );
  });

  it("a supergraph (the router's composed schema): its @inaccessible fields are left out, documents valid on its API", async () => {
    // The shape @apollo/composition 2.14 writes (products + inventory of Apollo's compatibility subgraphs, cut down).
    const supergraph = `schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{
  query: Query
}

directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet
enum join__Graph {
  INVENTORY @join__graph(name: "inventory", url: "http://inventory:4001")
  PRODUCTS @join__graph(name: "products", url: "http://products:4001")
}
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }

type Product implements Node @join__type(graph: INVENTORY, key: "id") @join__type(graph: PRODUCTS, key: "id") {
  id: ID!
  dimensions: ProductDimension @join__field(graph: INVENTORY, external: true) @join__field(graph: PRODUCTS)
  sku: String @join__field(graph: PRODUCTS)
}

type ProductDimension @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  size: String
  weight: Float
  unit: String @inaccessible @join__field(graph: PRODUCTS)
}

interface Node @join__type(graph: PRODUCTS) {
  id: ID!
}

type Audit implements Node @join__type(graph: PRODUCTS) @inaccessible {
  id: ID!
  code: String
}

union SearchResult @join__type(graph: PRODUCTS) @join__unionMember(graph: PRODUCTS, member: "Product") @join__unionMember(graph: PRODUCTS, member: "Audit") = Product | Audit

type Query @join__type(graph: INVENTORY) @join__type(graph: PRODUCTS) {
  product(id: ID!): Product @join__field(graph: PRODUCTS)
  node(id: ID!): Node @join__field(graph: PRODUCTS)
  search(q: String!): [SearchResult!]! @join__field(graph: PRODUCTS)
}
`;
    const dir = writeTree("gql-supergraph", {
      "supergraph.graphql": supergraph,
      "tools.yaml": manifest("./supergraph.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(o.diags.items.filter((d) => d.severity === "warning")).toEqual([]);
    expect(names(o)).toEqual(["product", "node", "search"]);
    expect((tool(o, "product").binding as GraphqlBinding).document).toContain("weight");
    expect(JSON.stringify(docOf(o)?.tools.map((t) => (t.binding as GraphqlBinding).document))).not.toContain(
      "Audit",
    );
    // The router serves the API schema: the supergraph without what is @inaccessible (the field, the type, the
    // type as a union member).
    const api = buildSchema(
      supergraph
        .replace(/\n {2}unit: String @inaccessible.*\n/, "\n")
        .replace(/\ntype Audit [^}]*\}\n/, "\n")
        .replace(" | Audit", "")
        .replace(' @join__unionMember(graph: PRODUCTS, member: "Audit")', ""),
    );
    const invalid = docOf(o)?.tools.flatMap((t) =>
      validate(api, parse((t.binding as GraphqlBinding).document)).map((e) => `${t.name}: ${e.message}`),
    );
    expect(invalid).toEqual([]);
    expect(o.diags.items.map((d) => d.message)).toContain(
      "2 members marked @inaccessible (Audit, unit) left out: the router's API does not have them",
    );
  });

  it("a subgraph's introspection: Federation's _entities and _service are not tools unless named", async () => {
    // What @apollo/subgraph's buildSubgraphSchema serves: the subgraph's own fields and the router's two.
    const subgraph = buildSchema(`scalar _Any
type _Service { sdl: String }
union _Entity = Product
type Product { id: ID! name: String }
type Query {
  product(id: ID!): Product
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
`);
    const onlyRouter = buildSchema(`scalar _Any
type _Service { sdl: String }
type User { email: ID! }
union _Entity = User
type Query { _entities(representations: [_Any!]!): [_Entity]! _service: _Service! }
`);
    const dir = writeTree("gql-subgraph-introspection", {
      "products.json": JSON.stringify({ data: introspectionFromSchema(subgraph) }),
      "users.json": JSON.stringify({ data: introspectionFromSchema(onlyRouter) }),
      "tools.yaml": manifest("./products.json"),
      "named.yaml": manifest("./products.json").replace(
        "select: [{ all: true }]",
        "select: [{ all: true }, { operation: Query._entities }]",
      ),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(names(o)).toEqual(["product"]);
    expect(o.diags.items.filter((d) => d.severity !== "info")).toEqual([]);
    expect(o.diags.items.filter((d) => d.code === "TW150").map((d) => d.message)).toEqual([
      'source "api": Query._entities and Query._service, Apollo Federation\'s fields for the router, are not tools unless named (a tool entry, or select: [{ operation: Query._entities }])',
    ]);
    const named = await genManifest(join(dir, "named.yaml"));
    expect(errors(named)).toEqual([]);
    expect(names(named)).toEqual(["product", "entities"]);
    // Bare, a subgraph with nothing but the router's fields gives no tool: refused, saying why.
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "users.json"), name: "users", graphql: [join(dir, "users.json")] },
      { root: ROOT, out: "test/.tmp/gql-subgraph-users-out" },
      diags,
    );
    expect(cat).toBeUndefined();
    expect(diags.items.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([
      "TW147 the schema gives no tool: of its 2 root fields (Query._entities, Query._service), none is a Query or Mutation field a bare catalog takes (subscriptions and Apollo Federation's fields for the router are not)",
    ]);
  });
});

describe("a bare GraphQL schema (generate --graphql FILE...)", () => {
  it("every Query and Mutation field, the endpoint from <NAME>_URL, no manifest", async () => {
    const dir = writeTree("gql-bare", SPLIT);
    const diags = new Diagnostics();
    const files = [join(dir, "schema"), join(dir, "mutations.graphql")];
    const cat = await generateCatalog(
      { kind: "spec", spec: files[0] as string, name: "people", graphql: files },
      { root: ROOT, out: "test/.tmp/gql-bare-out" },
      diags,
    );
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["user", "users", "rename_user"]);
    expect(doc.tools.map((t) => t.annotations?.readOnlyHint)).toEqual([true, true, false]);
    expect(doc.env).toEqual([
      expect.objectContaining({ name: "PEOPLE_URL", type: "url", required: true }),
      expect.objectContaining({ name: "PEOPLE_TOKEN", secret: true, required: false }),
      expect.objectContaining({ name: "PEOPLE_TOKEN_FILE", type: "path", required: false }),
    ]);
    // A schema declares no credentials: the token when one is set, else none (a public endpoint).
    expect(doc.sources[0]).toMatchObject({
      kind: "graphql",
      baseUrl: { env: "PEOPLE_URL" },
      auth: [{ kind: "bearer", scheme: "token", token: { env: "PEOPLE_TOKEN" } }],
      security: [["token"], []],
    });
  });
});

describe("subscriptions", () => {
  it("are not tools, said once per source in a note located at the first (a tool call is answered once)", async () => {
    const dir = writeTree("gql-subscriptions", {
      "schema.graphql": `schema { query: Q subscription: S }
type Q { post(id: ID!): Post }
type Post { id: ID! title: String }
type S {
  postAdded: Post
  postEdited(id: ID!): Post
}
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(names(o)).toEqual(["post"]);
    expect(
      o.diags.items
        .filter((d) => d.severity === "info" && /subscription/.test(d.message))
        .map((d) => `${d.source?.line}:${d.source?.column} ${d.message}`),
    ).toEqual([
      '5:3 source "api": 2 subscriptions S.postAdded, S.postEdited are not tools: a subscription streams events over a connection it keeps open (WebSocket, SSE), and a tool call is answered once; a query of the same data can be',
    ]);
  });
});

describe("an Upload scalar (graphql-upload, Apollo: a file in a multipart request)", () => {
  it("is warned about as what it is, without suggesting a scalars: entry that would not make a file", async () => {
    const dir = writeTree("gql-upload", {
      "schema.graphql": `scalar Upload
scalar Cents
type Query { ok: Boolean }
type Mutation { uploadAvatar(file: Upload!, price: Cents): Boolean }
`,
      "tools.yaml": manifest("./schema.graphql"),
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    expect(errors(o)).toEqual([]);
    expect(
      o.diags.items
        .filter((d) => d.severity === "warning")
        .map((d) => `${d.source?.line}:${d.source?.column} ${d.message} | ${d.fix}`),
    ).toEqual([
      '2:1 source "api": scalar Cents has no JSON Schema mapping; its arguments take any JSON primitive and its results any JSON value | Map it under sources.api.scalars (e.g. Cents: { type: string }).',
      '1:1 source "api": scalar Upload is a file sent as a multipart request (the GraphQL multipart request spec), which tool calls do not send: its arguments take only null (what the JSON part of a multipart request holds), so a call that needs a file fails upstream | Leave the mutations that take a file out (exclude:), or write a handler that sends the multipart request; a scalars: entry does not make a file.',
    ]);
  });
});

describe("a query and a mutation of one name (Linear's initiativeUpdate and projectUpdate)", () => {
  it("both are tools: the later one named with its operation type, then a counter, each with a located TW124", async () => {
    const dir = writeTree("gql-same-name", {
      "schema.graphql": `type Query {
  projectUpdate(id: ID!): ProjectUpdate
  mutationProjectUpdate: String
}
type Mutation {
  projectUpdate(id: ID!, body: String!): ProjectUpdate
}
type ProjectUpdate {
  id: ID!
  body: String
}
`,
    });
    const file = join(dir, "schema.graphql");
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: file, name: "linear", graphql: [file] },
      { root: ROOT, out: "test/.tmp/gql-same-name-out" },
      diags,
    );
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const byName = doc.tools.map((t) => {
      const b = t.binding as GraphqlBinding;
      return `${t.name} ${b.operationType} ${b.field}`;
    });
    expect(byName).toEqual([
      "project_update query projectUpdate",
      "mutation_project_update query mutationProjectUpdate",
      "mutation_project_update_2 mutation projectUpdate",
    ]);
    const renamed = diags.items.filter((d) => d.code === "TW124");
    expect(renamed.map((d) => `${d.severity} ${d.message} ${d.source?.line}`)).toEqual([
      'warning Mutation.projectUpdate: "project_update" is taken, so it is named "mutation_project_update_2" 6',
    ]);
    expect(renamed[0]?.source?.file).toMatch(/schema\.graphql$/);
  });
});

describe("source security alternatives", () => {
  const auth = `    auth:
      token: { type: bearer, token: { env: WILD_TOKEN } }
      key: { type: apiKey, in: header, name: x-api-key, value: { env: WILD_KEY } }
`;
  const env =
    "env:\n  WILD_TOKEN: { description: t, secret: true }\n  WILD_KEY: { description: k, secret: true }\n";
  it("a GraphQL source's alternatives reach the catalog; a scheme it does not define is a located error", async () => {
    const dir = writeTree("gql-security", {
      "schema.graphql": "type Query { a: Int }\n",
      "tools.yaml": env + manifest("./schema.graphql", `${auth}    security: [[key], [token], []]\n`),
      "bad.yaml": env + manifest("./schema.graphql", `${auth}    security: [[token], [tokn]]\n`),
    });
    const ok = await genManifest(join(dir, "tools.yaml"));
    expect(errors(ok)).toEqual([]);
    expect(docOf(ok)?.sources[0]?.security).toEqual([["key"], ["token"], []]);
    const bad = await genManifest(join(dir, "bad.yaml"));
    const found = bad.diags.items.filter((d) => d.severity === "error");
    expect(found.map((d) => d.message)).toEqual([
      'security names "tokn", which is not a scheme under sources.api.auth',
    ]);
    expect(found[0]?.source).toMatchObject({ file: expect.stringMatching(/bad\.yaml$/), line: 12 });
    expect(bad.cat).toBeUndefined();
  });

  it("an OpenAPI source refuses security (its operations' security is the spec's)", async () => {
    const dir = writeTree("oas-security", {
      "api.yaml":
        "openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses: { '200': { description: ok } }\n",
      "tools.yaml":
        "catalog: oas\nsources:\n  api:\n    openapi: ./api.yaml\n    base_url: { default: 'https://x.example' }\n    security: [[]]\nselect: [{ all: true }]\n",
    });
    const o = await genManifest(join(dir, "tools.yaml"));
    const found = o.diags.items.filter((d) => d.severity === "error");
    expect(found.map((d) => d.message)).toEqual([expect.stringContaining("security is for GraphQL sources")]);
    expect(found[0]?.source).toMatchObject({ file: expect.stringMatching(/tools\.yaml$/), line: 6 });
  });
});
