import { join } from "node:path";
import type { GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import { graphqlJs, loadGraphql } from "../../codegen/load/graphql.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument, GraphqlBinding } from "../../src/catalog.js";
import { npmPackageFile } from "../helpers/npm-pack.js";
import { ROOT } from "../helpers/paths.js";
import { servedSchemaProblems } from "./served-schemas.js";

/**
 * (graphql-js comes through the generator's `graphqlJs`, so the schema and documents share one copy of it.)
 * Real GraphQL schemas from npm packages, generated bare (`generate --graphql FILE`, no manifest) as a new user
 * would: each must generate without errors, every derived document must validate against the schema (checked
 * here with graphql-js, independently of the generator), and the generated TypeScript must type-check.
 * - Dialogporten (@digdir/dialogporten-schema): Hot Chocolate SDL with a byte-order mark, `schema { query: Queries }`,
 *   `@specifiedBy` scalars (DateTime, URL, UUID).
 * - Nautical / Traide (@nautical-commerce/graphql-schema): 660 KB Graphene SDL without a `schema {}` block, with
 *   Decimal, BigInt, JSON, JSONString, GenericScalar and scalars of its own.
 * - Shopify Storefront API (@shopify/hydrogen-react@2026.4.4's storefront.schema.json, taken from its tarball: the
 *   package's peer dependencies are react and vite): introspection JSON with 16 unions, 10 interfaces, 43
 *   deprecated fields, the custom scalars Color, HTML and UnsignedInt64 besides DateTime, Decimal, URL and JSON,
 *   and removal mutations (`cartLinesRemove`, `customerAccessTokenDelete`) that must be classed destructive.
 * - Shopify's Customer Account API (the same tarball's customer-account.schema.json): introspection JSON, 51 tools.
 * - GitHub as introspection JSON (@octokit/graphql-schema's schema.json; the SDL is tested in github-graphql).
 * - Cardano GraphQL (@cardano-graphql/client-ts@6.2.0's api/cardano-db-hasura/schema.graphql): a Hasura schema,
 *   whose every `*_bool_exp` input refers to itself through nullable lists (`_and: [T!]`, `_or: [T]`): its
 *   TypeScript did not type-check (TS7023) until such references were written as unions in the getters.
 * Each catalog is also served over stdio and listed by the MCP client, every published schema compiled by ajv.
 */

/**
 * Mutations named for a removal, verb first or last (`deleteThing`, `revokeToken`, `cartLinesRemove`,
 * `customerAccessTokenDelete`); not a noun inside (`updateEnterpriseMembersCanDeleteRepositoriesSetting`).
 */
const REMOVAL = /^(delete|remove|revoke)|(Delete|Remove|Revoke)$/;

const node = (path: string) => join(ROOT, "node_modules", path);

/**
 * The most catalog.json may take per byte of the schema's SDL (as graphql-js prints it), for every schema here:
 * Cardano's takes 10.5 (38 tools whose deep output shapes are indented on many lines), Nautical's 6.8, GitHub's 3.1.
 */
const CATALOG_PER_SDL = 12;

const SCHEMAS = [
  {
    name: "dialogporten",
    file: () => node("@digdir/dialogporten-schema/schema.verified.graphql"),
    typecheck: true,
  },
  {
    name: "nautical",
    file: () => node("@nautical-commerce/graphql-schema/nautical/schema.graphql"),
    typecheck: true,
  },
  {
    name: "shopify-storefront",
    file: () => npmPackageFile("@shopify/hydrogen-react", "2026.4.4", "storefront.schema.json"),
    typecheck: true,
    removals: [
      "cartLinesRemove",
      "cartMetafieldDelete",
      "customerAccessTokenDelete",
      "customerAddressDelete",
    ],
  },
  {
    // The Customer Account API (hydrogen-react's second schema): payment instruments and addresses removed,
    // subscriptions cancelled.
    name: "shopify-customer-account",
    file: () => npmPackageFile("@shopify/hydrogen-react", "2026.4.4", "customer-account.schema.json"),
    typecheck: true,
    removals: [
      "businessLocationPaymentInstrumentRemove",
      "customerAddressDelete",
      "metafieldsDelete",
      "paymentInstrumentRemove",
    ],
  },
  {
    name: "cardano",
    file: () => npmPackageFile("@cardano-graphql/client-ts", "6.2.0", "api/cardano-db-hasura/schema.graphql"),
    typecheck: true,
  },
  {
    name: "github-introspection",
    file: () => node("@octokit/graphql-schema/schema.json"),
    typecheck: false,
  },
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
    async ({ name, file: fileOf, typecheck, removals: named }) => {
      const file = fileOf();
      const { cat, diags } = await generateBare(name, file);
      expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
      const schema = loadGraphql(file, ROOT, new Diagnostics())?.schema as GraphQLSchema;
      const json = cat?.files.get("catalog.json") ?? "{}";
      const doc = JSON.parse(json) as CatalogDocument;
      // catalog.json grows with the schema, not with tools x the shapes they select (issue 9): each shape several
      // tools select alike is stored once. Nautical's was 22.8 times its printed SDL (15.0 MB) while each tool
      // held its own copies.
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(
        CATALOG_PER_SDL * graphqlJs().printSchema(schema).length,
      );
      const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((t) =>
        Object.values(t?.getFields() ?? {}),
      );
      expect(doc.tools.length).toBe(roots.length);
      const invalid = doc.tools.flatMap((t) =>
        graphqlJs()
          .validate(schema, graphqlJs().parse((t.binding as GraphqlBinding).document))
          .map((e) => `${t.name}: ${e.message}`),
      );
      expect(invalid).toEqual([]);
      const prefix = name.toUpperCase().replace(/-/g, "_");
      expect(doc.env.map((e) => e.name)).toEqual([
        `${prefix}_URL`,
        `${prefix}_TOKEN`,
        `${prefix}_TOKEN_FILE`,
      ]);
      const problems = typecheck && cat ? verifyCatalogs(ROOT, [cat]) : [];
      expect(problems.slice(0, 5)).toEqual([]);
      // Queries are reads; mutations that delete, remove or revoke are destructive (confirmation, destructiveHint).
      const bindings = doc.tools.map((t) => ({ tool: t, b: t.binding as GraphqlBinding }));
      expect(bindings.filter(({ tool, b }) => b.operationType === "query" && tool.safety !== "read")).toEqual(
        [],
      );
      const removals = bindings.filter(
        ({ b }) => b.operationType === "mutation" && REMOVAL.test(b.field ?? ""),
      );
      expect(
        removals.filter(({ tool }) => tool.safety !== "destructive").map(({ tool }) => tool.name),
      ).toEqual([]);
      expect(removals.map(({ b }) => b.field)).toEqual(expect.arrayContaining(named ?? []));
      if (!cat) return;
      writeCatalog(ROOT, cat);
      expect(await servedSchemaProblems(name, cat.dir, doc.tools.length)).toEqual([]);
    },
    900_000,
  );
});
