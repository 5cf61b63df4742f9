import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogTool, JsonSchema } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { genManifest, writeTree } from "../helpers/generate.js";

/**
 * GraphQL output shapes stored once: a GraphQL type selected the same way by several tools (or several times in
 * one) is one entry of catalog.json's schema table, named after the type, that each place refers to, with the
 * place's own description beside the reference; a shape used only inside another stored shape is written there
 * once; roots stay inline. What clients receive still validates the results the tools return.
 */

const SCHEMA = `
type Query {
  "One repository."
  repo(id: ID!): Repo
  repoByName(owner: String!, name: String!): Repo
  viewer: User!
  "A user's pinned repositories and their owners."
  pinned(login: String!): [Repo!]!
}
"A code repository."
type Repo {
  id: ID!
  name: String!
  "What the repository is for, in the owner's words."
  description: String
  stars: Int!
  "The owner."
  owner: User!
  "Who maintains it."
  maintainer: User
}
"A person with an account."
type User {
  id: ID!
  "The user's handle."
  login: String!
  "The user's biography, as they wrote it."
  bio: String
  "Where the user lives, if they said."
  location: String
  repos: [Repo!]!
  team: Team
}
type Team {
  id: ID!
  name: String!
  "What the team is for."
  purpose: String
}
`;

const MANIFEST = `catalog: shapes
sources:
  api:
    graphql: ./schema.graphql
    base_url: { default: "https://api.example/graphql" }
tools:
  repo: { from: Query.repo }
  repo_by_name: { from: Query.repoByName }
  viewer: { from: Query.viewer }
  pinned: { from: Query.pinned }
  repo_deep: { from: Query.repo, depth: 3 }
  repo_by_name_deep: { from: Query.repoByName, depth: 3 }
`;

async function generate(): Promise<CatalogDocument> {
  const dir = writeTree("gql-shapes", { "schema.graphql": SCHEMA, "tools.yaml": MANIFEST });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
  return JSON.parse(cat?.files.get("catalog.json") as string) as CatalogDocument;
}

const tool = (doc: CatalogDocument, name: string) => doc.tools.find((t) => t.name === name) as CatalogTool;
const props = (schema: JsonSchema | undefined) => (schema?.properties ?? {}) as Record<string, JsonSchema>;

/** A schema with every `#/$defs/` reference into `table` replaced by its entry (the table is acyclic here). */
function inlined(node: unknown, table: Record<string, JsonSchema>): unknown {
  if (Array.isArray(node)) return node.map((n) => inlined(n, table));
  if (node === null || typeof node !== "object") return node;
  const { $ref, ...rest } = node as JsonSchema;
  const own = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inlined(v, table)]));
  if (typeof $ref !== "string") return own;
  return { ...(inlined(table[$ref.slice("#/$defs/".length)], table) as object), ...own };
}

describe("GraphQL output shapes stored once", () => {
  it("a type selected alike in several places is one named schema; each place refers to it with its own description", async () => {
    const doc = await generate();
    const table = doc.schemas ?? {};
    // User at the second level of a depth-2 selection (owner, maintainer of repo, repo_by_name, pinned's items)
    // is one shape; at the second level of depth 3 (its team expanded) another; Team with its leaves (viewer's
    // team, and User2's) a third; Repo's shapes are roots or used once.
    expect(Object.keys(table).sort()).toEqual(["Team", "User", "User2"]);
    for (const name of ["repo", "repo_by_name"]) {
      const out = props(tool(doc, name).outputSchema);
      expect(out.owner).toEqual({ $ref: "#/$defs/User", description: "The owner." });
      expect(out.maintainer).toEqual({
        anyOf: [{ $ref: "#/$defs/User" }, { type: "null" }],
        description: "Who maintains it.",
      });
      expect(props(tool(doc, `${name}_deep`).outputSchema).owner).toEqual({
        $ref: "#/$defs/User2",
        description: "The owner.",
      });
    }
    // The table's entry is the shape alone: the places' descriptions stay at the places.
    expect(table.User).toMatchObject({ type: "object", additionalProperties: false });
    expect(table.User?.description).toBeUndefined();
    expect(Object.keys(props(table.User))).toEqual(["id", "login", "bio", "location", "repos", "team"]);
    expect(JSON.stringify(props(table.User).team)).not.toContain("purpose");
    expect(props(table.User2).team).toEqual({ anyOf: [{ $ref: "#/$defs/Team" }, { type: "null" }] });
    expect(props(tool(doc, "viewer").outputSchema).team).toEqual(props(table.User2).team);
    // Roots stay inline; pinned's list of repositories is wrapped under `result`, its items inline (used once).
    expect(tool(doc, "viewer").outputSchema).toMatchObject({ type: "object" });
    expect(tool(doc, "viewer").outputSchema?.$ref).toBeUndefined();
    const pinned = props(tool(doc, "pinned").outputSchema).result as JsonSchema;
    expect(props(pinned.items as JsonSchema).owner).toEqual({
      $ref: "#/$defs/User",
      description: "The owner.",
    });
    // Read through the table, the output is the shape the document selects.
    expect(inlined(tool(doc, "repo").outputSchema, table)).toMatchObject({
      properties: {
        owner: { type: "object", description: "The owner.", properties: { login: { type: "string" } } },
      },
    });
  });

  it("what clients receive (compact and full) validates the data the documents select", async () => {
    const doc = await generate();
    const user = { id: "u1", login: "ada", bio: null, location: "London", repos: [{ id: "r2" }], team: null };
    const repo = {
      id: "r1",
      name: "engine",
      description: null,
      stars: 3,
      owner: user,
      maintainer: null,
    };
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const output of ["compact", "full"] as const) {
      const publisher = createPublisher(doc, { overrides: { output } });
      const published = publisher.output(tool(doc, "repo")) as JsonSchema;
      expect(ajv.validate(published, repo), `${output}: ${ajv.errorsText()}`).toBe(true);
      // A result of another shape is still refused where the schema says anything about it.
      if (output === "full") {
        expect(JSON.stringify(published)).toContain('"$defs"');
        expect(ajv.validate(published, { ...repo, owner: { ...user, login: 7 } })).toBe(false);
      }
      const pinned = publisher.output(tool(doc, "pinned")) as JsonSchema;
      expect(ajv.validate(pinned, { result: [repo] }), `${output}: ${ajv.errorsText()}`).toBe(true);
    }
  });
});
