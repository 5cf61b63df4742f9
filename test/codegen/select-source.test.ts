import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";

/**
 * A `select` (or `exclude`) entry that names only its source means every operation (or root field) of that source,
 * as `{ source, all: true }` does; an entry that names nothing at all is a located warning. Before, `{ source: api }`
 * selected nothing and said nothing.
 */

const OPENAPI = (prefix: string) => `openapi: 3.1.0
info: { title: ${prefix}, version: "1" }
servers: [{ url: https://${prefix}.example.com }]
paths:
  /${prefix}/a: { get: { operationId: ${prefix}A, responses: { "200": { description: ok } } } }
  /${prefix}/b: { delete: { operationId: ${prefix}B, responses: { "204": { description: gone } } } }
`;

const SDL = `type Query { shelf: String, books(first: Int): [String] }\ntype Mutation { addBook(title: String!): String }\n`;

async function toolsOf(select: string) {
  const dir = writeTree("select-source", {
    "one.yaml": OPENAPI("one"),
    "two.yaml": OPENAPI("two"),
    "schema.graphql": SDL,
    "tools.yaml": `catalog: pick
sources:
  one: { openapi: ./one.yaml }
  two: { openapi: ./two.yaml }
  lib: { graphql: ./schema.graphql, base_url: { default: https://lib.example/graphql }, mutations: listed }
${select}`,
  });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  const doc = cat ? (JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument) : undefined;
  return { tools: doc?.tools.map((t) => t.name) ?? [], diags: diags.items };
}

describe("select by source", () => {
  it("{ source } selects every operation of that source, OpenAPI or GraphQL", async () => {
    expect((await toolsOf("select:\n  - { source: one }\n")).tools).toEqual(["one_a", "one_b"]);
    // As `all: true` does, with the source's mutation setting (`listed`: only mutations the manifest lists).
    expect((await toolsOf("select:\n  - { source: lib }\n")).tools.sort()).toEqual(["books", "shelf"]);
    expect((await toolsOf("select:\n  - { source: two }\n  - { source: one, tag: none }\n")).tools).toEqual([
      "two_a",
      "two_b",
    ]);
  });

  it("{ source } in exclude leaves out every operation of that source", async () => {
    const { tools } = await toolsOf(
      "select:\n  - { all: true }\nexclude:\n  - { source: two }\n  - { source: lib }\n",
    );
    expect(tools).toEqual(["one_a", "one_b"]);
  });

  it("an entry that names nothing is a located warning", async () => {
    const { diags } = await toolsOf("select:\n  - { source: one }\n  - {}\n");
    expect(diags.filter((d) => d.code === "TW113")).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringContaining("select entry names nothing"),
        source: expect.objectContaining({ pointer: "#/select/1", line: 8 }),
      }),
    ]);
  });
});
