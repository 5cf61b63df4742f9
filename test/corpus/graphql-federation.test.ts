import type { IncomingMessage } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import { loadGraphql } from "../../codegen/load/graphql.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument, GraphqlBinding } from "../../src/catalog.js";
import { serveOverStdio, textJson } from "../helpers/mcp.js";
import { npmPackageFile } from "../helpers/npm-pack.js";
import { ROOT } from "../helpers/paths.js";
import { graphqlHttp, graphqlJs } from "../upstreams/scaly/graphql-lib.js";

/**
 * Apollo Federation subgraphs as Apollo ships them (@apollo/federation-subgraph-compatibility-tests@1.2.1, taken by
 * `npm pack`): SDL that uses Federation's directives (@key, @external, @requires, @provides, @shareable,
 * @inaccessible, @override, @interfaceObject, @link, @composeDirective) without defining them, as every subgraph
 * is written. Each generates bare with no warning (there were one per directive use: 20 for products.graphql), its
 * @inaccessible field (`ProductDimension.unit`) is not selected (the router's API has no such field, so the
 * document would fail there), its documents validate and its types compile; the users subgraph, whose only type
 * is an entity, is refused saying to generate from the router's schema. The products catalog is served over stdio
 * in front of a GraphQL server of that subgraph (graphql-http on 127.0.0.1) and its tools are called.
 */
const PKG = "@apollo/federation-subgraph-compatibility-tests";
const VERSION = "1.2.1";
const file = (path: string) => npmPackageFile(PKG, VERSION, path);

async function bare(name: string, path: string): Promise<{ cat?: GeneratedCatalog; diags: Diagnostics }> {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: path, name, graphql: [path] },
    { root: ROOT, out: `test/.tmp/corpus-federation-${name}` },
    diags,
  );
  return { ...(cat ? { cat } : {}), diags };
}

const notInfo = (d: Diagnostics) => d.items.filter((i) => i.severity !== "info").map((i) => i.message);

describe("corpus: Apollo Federation subgraphs from npm, bare", () => {
  it.each([
    { name: "products", path: "products.graphql", tools: ["product", "deprecated_product"] },
    { name: "inventory", path: "dist/subgraphs/inventory/inventory.graphql", tools: ["inventory"] },
  ])("$name: generates with no warning, documents valid, types compiling", async ({ name, path, tools }) => {
    const { cat, diags } = await bare(name, file(path));
    expect(notInfo(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(tools);
    const schema = loadGraphql(file(path), ROOT, new Diagnostics())?.schema as GraphQLSchema;
    const invalid = doc.tools.flatMap((t) =>
      graphqlJs
        .validate(schema, graphqlJs.parse((t.binding as GraphqlBinding).document))
        .map((e) => `${t.name}: ${e.message}`),
    );
    expect(invalid).toEqual([]);
    expect(doc.tools.every((t) => t.safety === "read")).toBe(true);
    expect(cat ? verifyCatalogs(ROOT, [cat]) : ["no catalog"]).toEqual([]);
  });

  it("the users subgraph (one entity, no Query) is refused, saying to generate from the router's schema", async () => {
    const { cat, diags } = await bare("users", file("dist/subgraphs/users/users.graphql"));
    expect(cat).toBeUndefined();
    expect(notInfo(diags)).toEqual([
      expect.stringMatching(
        /defines no query type .*: it is an Apollo Federation subgraph \(it uses @key\) whose types only the router reaches .*generate from the router's schema/,
      ),
    ]);
  });

  describe("served in front of the subgraph itself", () => {
    let upstream: {
      url: string;
      bodies: { query: string; variables: Record<string, unknown> }[];
      close(): Promise<void>;
    };
    let dir: string;

    beforeAll(async () => {
      const { cat } = await bare("products-served", file("products.graphql"));
      if (!cat) throw new Error("products did not generate");
      writeCatalog(ROOT, cat);
      dir = cat.dir;
      // The subgraph's own schema (its SDL as toolwright reads it), answering from the package's product data.
      const schema = loadGraphql(file("products.graphql"), ROOT, new Diagnostics())?.schema as GraphQLSchema;
      const product = {
        id: "apollo-federation",
        sku: "federation",
        package: "@apollo/federation",
        variation: { id: "OSS" },
        dimensions: { size: "small", weight: 1, unit: "kg" },
        createdBy: { email: "support@apollographql.com", totalProductsCreated: 1337, yearsOfEmployment: 10 },
        notes: null,
        research: [{ outcome: null }],
      };
      const bodies: { query: string; variables: Record<string, unknown> }[] = [];
      const handler = graphqlHttp.createHandler<IncomingMessage>({
        schema,
        rootValue: {
          product: ({ id }: { id: string }) => (id === product.id ? product : null),
          deprecatedProduct: () => null,
        },
      });
      const server = createServer(async (req, res) => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
        bodies.push(body);
        const [result, init] = await handler({
          url: req.url ?? "/",
          method: req.method ?? "POST",
          headers: { get: (k: string) => (req.headers[k.toLowerCase()] as string | undefined) ?? null },
          body: () => Promise.resolve(body),
          raw: req,
          context: undefined,
        });
        res.writeHead(init.status, init.headers as Record<string, string>).end(result);
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      upstream = {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
        bodies,
        close: () => new Promise((r) => server.close(() => r())),
      };
    });
    afterAll(async () => upstream?.close());

    it("product answers with the subgraph's data; the upstream validated and executed the document", async () => {
      const served = await serveOverStdio(
        `${ROOT}/${dir}`,
        { PRODUCTS_SERVED_URL: upstream.url },
        {},
        [],
        300_000,
      );
      try {
        const listed = await served.client.listTools();
        expect(listed.tools.map((t) => t.name)).toEqual(["product", "deprecated_product"]);
        const found = await served.client.callTool({
          name: "product",
          arguments: { id: "apollo-federation" },
        });
        expect(found.isError ?? false).toBe(false);
        expect(textJson(found)).toMatchObject({
          id: "apollo-federation",
          sku: "federation",
          dimensions: { size: "small", weight: 1 },
          createdBy: { email: "support@apollographql.com", totalProductsCreated: 1337 },
        });
        expect(JSON.stringify(textJson(found))).not.toContain("unit");
        const sent = upstream.bodies.at(-1);
        expect(sent?.variables).toEqual({ id: "apollo-federation" });
        expect(sent?.query).toMatch(/^query Product\(\$id: ID!\)/);
        const missing = await served.client.callTool({ name: "product", arguments: { id: "nope" } });
        expect(missing.isError).toBe(true);
      } finally {
        await served.close();
      }
    });
  });
});
