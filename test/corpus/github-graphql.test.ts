import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildASTSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { verifyCatalogs } from "../../codegen/verify.js";
import type { CatalogDocument, GraphqlBinding } from "../../src/catalog.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * GitHub's GraphQL schema (@octokit/graphql-schema: 1.2 MB of SDL that strict graphql-js rejects for two fields
 * defined twice). A catalog of every Query root field with derived selections must generate, every document must
 * validate against the schema (checked again here, independently of the generator), and the catalog must
 * type-check.
 */
describe("corpus: GitHub GraphQL (@octokit/graphql-schema)", () => {
  it("generates all 31 Query root fields with derived selections that validate and type-check", async () => {
    const sdl = join(ROOT, "node_modules/@octokit/graphql-schema/schema.graphql");
    const dir = writeTree("corpus-github-graphql", {
      "tools.yaml": [
        "catalog: github-graphql",
        "env:",
        "  GITHUB_TOKEN: { description: A GitHub token., secret: true }",
        "sources:",
        "  github:",
        `    graphql: ${JSON.stringify(sdl)}`,
        '    base_url: { default: "https://api.github.com/graphql" }',
        "    mutations: listed",
        "    auth:",
        "      token: { type: bearer, token: { env: GITHUB_TOKEN } }",
        "select:",
        "  - { all: true }",
        "",
      ].join("\n"),
    });
    const t0 = performance.now();
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"), "test/.tmp/corpus-github-graphql-out");
    const genMs = performance.now() - t0;
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    // The duplicate definitions are reported, located, as warnings.
    // (At the second of each, the one left out: the two are alike.)
    const duplicates = diags.items.filter((d) => d.message.includes("is defined twice in one definition"));
    expect(duplicates.map((d) => d.source?.line)).toEqual([15153, 15158]);
    expect(cat?.stats).toMatchObject({ tools: 31, read: 31, write: 0, destructive: 0 });

    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const schema = buildASTSchema(parse(readFileSync(sdl, "utf8")), { assumeValidSDL: true });
    const invalid: string[] = [];
    for (const tool of doc.tools) {
      const binding = tool.binding as GraphqlBinding;
      for (const e of validate(schema, parse(binding.document))) invalid.push(`${tool.name}: ${e.message}`);
    }
    expect(invalid).toEqual([]);
    const fields = doc.tools.map((t) => (t.binding as GraphqlBinding).field).sort();
    expect(fields).toEqual(Object.keys(schema.getQueryType()?.getFields() ?? {}).sort());
    // Connections page with first/after; unions get fragments.
    const search = doc.tools.find((t) => t.name === "search");
    expect(Object.keys(search?.inputSchema.properties as object)).toEqual(
      expect.arrayContaining(["first", "after", "query", "type"]),
    );
    expect((search?.binding as GraphqlBinding | undefined)?.document).toContain("... on Repository {");

    const t1 = performance.now();
    const problems = cat ? verifyCatalogs(ROOT, [cat]) : [];
    const checkMs = performance.now() - t1;
    const bytes = [...(cat?.files.values() ?? [])].reduce((n, text) => n + text.length, 0);
    console.log(
      `github graphql: generate ${Math.round(genMs)} ms (${JSON.stringify(cat?.timings)}), type-check ${Math.round(checkMs)} ms, ${Math.round(bytes / 1024)} KiB generated`,
    );
    expect(problems.slice(0, 5)).toEqual([]);
  }, 240_000);
});
