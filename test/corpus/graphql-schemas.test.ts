import { join } from "node:path";
import type { GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import { graphqlJs, loadGraphql } from "../../codegen/load/graphql.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import type { CatalogDocument, GraphqlBinding } from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";

/**
 * (graphql-js comes through the generator's `graphqlJs`, so the schema and documents share one copy of it.)
 * Real GraphQL schemas from npm packages, generated bare (`generate --graphql FILE`, no manifest) as a new user
 * would: each must generate without errors, every derived document must validate against the schema (checked
 * here with graphql-js, independently of the generator), and the generated TypeScript must type-check.
 * - Dialogporten (@digdir/dialogporten-schema): Hot Chocolate SDL with a byte-order mark, `schema { query: Queries }`,
 *   `@specifiedBy` scalars (DateTime, URL, UUID).
 * - Nautical / Traide (@nautical-commerce/graphql-schema): 660 KB Graphene SDL without a `schema {}` block, with
 *   Decimal, BigInt, JSON, JSONString, GenericScalar and scalars of its own.
 * - GitHub as introspection JSON (@octokit/graphql-schema's schema.json; the SDL is tested in github-graphql).
 */

const node = (path: string) => join(ROOT, "node_modules", path);

const SCHEMAS = [
  {
    name: "dialogporten",
    file: node("@digdir/dialogporten-schema/schema.verified.graphql"),
    typecheck: true,
  },
  {
    name: "nautical",
    file: node("@nautical-commerce/graphql-schema/nautical/schema.graphql"),
    typecheck: true,
  },
  { name: "github-introspection", file: node("@octokit/graphql-schema/schema.json"), typecheck: false },
];

async function generateBare(
  name: string,
  file: string,
): Promise<{ cat?: GeneratedCatalog; diags: Diagnostics }> {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: file, name, graphql: [file] },
    { root: ROOT, out: `test/.tmp/corpus-graphql-${name}` },
    diags,
  );
  return { ...(cat ? { cat } : {}), diags };
}

describe("corpus: real GraphQL schemas from npm packages, bare", () => {
  it.each(SCHEMAS)(
    "$name generates bare and its documents validate (and its types compile, where typecheck is set)",
    async ({ name, file, typecheck }) => {
      const { cat, diags } = await generateBare(name, file);
      expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
      const schema = loadGraphql(file, ROOT, new Diagnostics())?.schema as GraphQLSchema;
      const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
      const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((t) =>
        Object.values(t?.getFields() ?? {}),
      );
      expect(doc.tools.length).toBe(roots.length);
      const invalid = doc.tools.flatMap((t) =>
        graphqlJs
          .validate(schema, graphqlJs.parse((t.binding as GraphqlBinding).document))
          .map((e) => `${t.name}: ${e.message}`),
      );
      expect(invalid).toEqual([]);
      expect(doc.env.map((e) => e.name)).toEqual([`${name.toUpperCase().replace(/-/g, "_")}_URL`]);
      const problems = typecheck && cat ? verifyCatalogs(ROOT, [cat]) : [];
      expect(problems.slice(0, 5)).toEqual([]);
    },
    240_000,
  );
});
