import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import type { PublishSpec } from "../../codegen/manifest/types.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { AUTO_CONCISE_TOKENS } from "../../src/publish/settings.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

// `publish.descriptions: auto` (the default, also for a bare spec): full descriptions unless a model would see more
// than AUTO_CONCISE_TOKENS with them, then concise; the choice is in catalog.json and in what generate reports.
// An explicit `full` or `concise` is kept whatever the size.

/** An OpenAPI spec of `operations` GETs, each with a summary and a long second paragraph (cut at 2 KB). */
function spec(operations: number): string {
  const paths: Record<string, unknown> = {};
  const long = "This paragraph explains the operation at length for people reading the reference. ".repeat(
    40,
  );
  for (let i = 0; i < operations; i++) {
    paths[`/things${i}/{thing_id}`] = {
      get: {
        operationId: `getThing${i}`,
        summary: `Get thing ${i}`,
        description: `Get thing ${i}.\n\n${long}`,
        parameters: [{ name: "thing_id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok" } },
      },
    };
  }
  return JSON.stringify({
    openapi: "3.0.3",
    info: { title: "Things", version: "1" },
    servers: [{ url: "https://things.example.com" }],
    paths,
  });
}

async function generate(operations: number, publish?: PublishSpec) {
  const dir = writeTree(`auto-descriptions-${operations}-${publish?.descriptions ?? "default"}`, {
    "openapi.json": spec(operations),
  });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.json"), name: "things", ...(publish ? { publish } : {}) },
    { root: ROOT, out: `test/.tmp/auto-descriptions-out` },
    diags,
  );
  expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
  if (!cat) throw new Error("did not generate");
  const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
  return { cat, doc };
}

describe("descriptions: auto", () => {
  it("keeps full descriptions for a catalog a model can read whole", async () => {
    const { cat, doc } = await generate(5);
    expect(doc.publish.descriptions).toBe("full");
    expect(cat.descriptions.mode).toBe("full");
    expect(cat.descriptions.auto?.fullTokens).toBe(cat.size.modelTokens);
    expect(cat.size.modelTokens).toBeLessThan(AUTO_CONCISE_TOKENS);
  });

  it("publishes concise ones above the threshold, and says what full ones would have cost", async () => {
    const { cat, doc } = await generate(150);
    expect(doc.publish.descriptions).toBe("concise");
    expect(cat.descriptions.mode).toBe("concise");
    const full = cat.descriptions.auto?.fullTokens ?? 0;
    expect(full).toBeGreaterThan(AUTO_CONCISE_TOKENS);
    // The measured figures are the concise ones: the first paragraph of each description.
    expect(cat.size.modelTokens).toBeLessThan(full / 10);
    // published.gen.txt holds what the server will publish with the catalog's (resolved) settings.
    expect(cat.files.get("published.gen.txt")).toContain('"concise"');
  });

  it("an explicit choice is kept whatever the size", async () => {
    const full = await generate(150, { descriptions: "full" });
    expect(full.doc.publish.descriptions).toBe("full");
    expect(full.cat.descriptions).toEqual({ mode: "full" });
    expect(full.cat.size.modelTokens).toBeGreaterThan(AUTO_CONCISE_TOKENS);
    const concise = await generate(5, { descriptions: "concise" });
    expect(concise.doc.publish.descriptions).toBe("concise");
    expect(concise.cat.descriptions).toEqual({ mode: "concise" });
  });
});
