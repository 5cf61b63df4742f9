/**
 * The real GraphQL schemas the corpus suites hold (npm packages: SDL and introspection JSON), generated bare as
 * `generate --graphql FILE` does, for the GraphQL request sweep (`graphql.ts`).
 */
import { join } from "node:path";
import type { GraphQLSchema } from "graphql";
import { Diagnostics, generateCatalog } from "../../../codegen/index.js";
import { loadGraphql } from "../../../codegen/load/graphql.js";
import { writeCatalog } from "../../../codegen/write.js";
import { npmPackageFile } from "../../helpers/npm-pack.js";
import { ROOT } from "../../helpers/paths.js";

const node = (path: string) => join(ROOT, "node_modules", path);
const federation = (path: string) =>
  npmPackageFile("@apollo/federation-subgraph-compatibility-tests", "1.2.1", path);

export const SWEPT_SCHEMAS: { name: string; file: () => string }[] = [
  { name: "dialogporten", file: () => node("@digdir/dialogporten-schema/schema.verified.graphql") },
  { name: "nautical", file: () => node("@nautical-commerce/graphql-schema/nautical/schema.graphql") },
  {
    name: "shopify-storefront",
    file: () => npmPackageFile("@shopify/hydrogen-react", "2026.4.4", "storefront.schema.json"),
  },
  {
    name: "shopify-customer-account",
    file: () => npmPackageFile("@shopify/hydrogen-react", "2026.4.4", "customer-account.schema.json"),
  },
  {
    name: "cardano",
    file: () => npmPackageFile("@cardano-graphql/client-ts", "6.2.0", "api/cardano-db-hasura/schema.graphql"),
  },
  { name: "github", file: () => node("@octokit/graphql-schema/schema.graphql") },
  { name: "github-introspection", file: () => node("@octokit/graphql-schema/schema.json") },
  { name: "federation-products", file: () => federation("products.graphql") },
  { name: "federation-inventory", file: () => federation("dist/subgraphs/inventory/inventory.graphql") },
];

/** Generates `file` bare into test/.tmp; returns the catalog folder (absolute) and the schema as loaded. */
export async function generatedFrom(
  name: string,
  file: string,
): Promise<{ dir: string; schema: GraphQLSchema; errors: string[] }> {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: file, name, graphql: [file] },
    { root: ROOT, out: `test/.tmp/graphql-sweep-${name}` },
    diags,
  );
  const errors = diags.items.filter((d) => d.severity === "error").map((d) => d.message);
  if (cat) writeCatalog(ROOT, cat);
  const schema = loadGraphql(file, ROOT, new Diagnostics())?.schema as GraphQLSchema;
  return { dir: join(ROOT, cat?.dir ?? "missing"), schema, errors };
}
