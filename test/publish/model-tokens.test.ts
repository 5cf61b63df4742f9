import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { tolerateDrift } from "../../src/publish/drift.js";
import { measureCatalog, modelTokensOf } from "../../src/publish/measure.js";
import { ProjectionMemo } from "../../src/publish/project.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";

/**
 * What `descriptions: auto` decides on (structural, not timed): generate asks for the tokens a model would see with
 * full descriptions (names, descriptions, input schemas), which builds no output schema and no tools/list entry,
 * and is exactly the `modelTokens` of the whole measure.
 */

const limits = { entries: 100, bytes: 1 << 20 };
const withDescriptions = (doc: CatalogDocument, descriptions: "full" | "concise"): CatalogDocument => ({
  ...doc,
  publish: { ...doc.publish, descriptions },
});

describe("modelTokensOf", () => {
  it.each(["scaivault", "scaly"])(
    "equals measureCatalog's modelTokens on generated/%s, full and concise",
    (name) => {
      const doc = JSON.parse(
        readFileSync(join(ROOT, `generated/${name}/catalog.json`), "utf8"),
      ) as CatalogDocument;
      for (const mode of ["full", "concise"] as const) {
        const d = withDescriptions(doc, mode);
        const tokens = modelTokensOf(d, createPublisher(d, { transforms: [tolerateDrift] }));
        expect(tokens).toBe(
          measureCatalog(d, createPublisher(d, { transforms: [tolerateDrift] }), limits).modelTokens,
        );
      }
    },
  );

  it("projects input schemas only: no output schema is built", () => {
    const pet: JsonSchema = {
      type: "object",
      properties: { id: { type: "string" }, name: { type: "string" } },
    };
    const doc = {
      publish: { depth: 2, bytes: 8192, outputBytes: 1024, output: "compact", descriptions: "full" },
      tools: Array.from({ length: 5 }, (_, i) => ({
        name: `get_pet_${i}`,
        title: `Get pet ${i}`,
        description: "Gets a pet.",
        aliases: [],
        annotations: { readOnlyHint: true },
        inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
        outputSchema: { type: "object", properties: { pet: { $ref: "#/$defs/Pet" } } },
      })),
      schemas: { Pet: pet },
    } as unknown as CatalogDocument;
    const memo = new ProjectionMemo(doc.schemas);
    const publisher = createPublisher(doc, { transforms: [tolerateDrift], memo });
    modelTokensOf(doc, publisher);
    expect(memo.computed).toMatchObject({ layouts: 1, renders: 1 }); // the one input root
    measureCatalog(doc, publisher, limits);
    expect(memo.computed).toMatchObject({ layouts: 2, renders: 2 }); // the whole measure adds the output root
  });
});
