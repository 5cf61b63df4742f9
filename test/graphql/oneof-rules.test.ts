import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Which GraphQL arguments go together is said in the input schema itself, never left to a sentence the runtime
 * does not check (`argumentRules`, as an OpenAPI tool's flattened body needs): an `@oneOf` input object stays one
 * argument whose schema is "exactly one field" (checked at each call: test/graphql/e2e.test.ts), a non-null field of
 * a nullable input object is required inside it, and a document that would spread a `@oneOf`'s fields over separate
 * (nullable) variables does not validate, with a located TW151.
 */
const SCHEMA = `
input Who @oneOf { id: ID email: String }
input Range { from: Int! to: Int }
type User { id: ID! }
type Query {
  user(who: Who!): User
  users(range: Range): [User!]!
}
`;

function manifest(tools: string) {
  return `catalog: gq
sources:
  api:
    graphql: ./schema.graphql
    base_url: { default: "https://api.example/graphql" }
tools:
${tools}`;
}

async function gen(name: string, tools: string) {
  const dir = writeTree(name, { "schema.graphql": SCHEMA, "tools.yaml": manifest(tools) });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  const doc = cat ? (JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument) : undefined;
  return { doc, errors: diags.items.filter((d) => d.severity === "error"), rel: relative(ROOT, dir) };
}

describe("GraphQL arguments that go together", () => {
  it("are said by the argument's own schema: no argument rules", async () => {
    const { doc, errors } = await gen(
      "gql-oneof-rules",
      "  find_user: { from: Query.user, selection: '{ id }' }\n  list_users: { from: Query.users, selection: '{ id }' }\n",
    );
    expect(errors).toEqual([]);
    for (const tool of doc?.tools ?? []) expect(tool.argumentRules).toBeUndefined();
    const who = doc?.schemas.Who as JsonSchema;
    expect(who.oneOf).toEqual([
      expect.objectContaining({ required: ["id"], additionalProperties: false }),
      expect.objectContaining({ required: ["email"], additionalProperties: false }),
    ]);
    expect((doc?.schemas.Range as JsonSchema | undefined)?.required).toEqual(["from"]);
  });

  it("a document spreading an @oneOf's fields over nullable variables is refused where it does", async () => {
    const { doc, errors, rel } = await gen(
      "gql-oneof-spread",
      "  find_user:\n    document: |\n      query F($id: ID, $email: String) {\n        user(who: { id: $id, email: $email }) { id }\n      }\n",
    );
    expect(doc).toBeUndefined();
    expect(errors.map((e) => e.code)).toContain("TW151");
    expect(errors[0]?.message).toMatch(
      /OneOf Input Object "Who" must specify exactly one key|must be non-nullable/,
    );
    // At the literal's opening brace, on the document's second line.
    expect(errors[0]?.source).toMatchObject({ file: `${rel}/tools.yaml`, line: 10, column: 19 });
  });
});
