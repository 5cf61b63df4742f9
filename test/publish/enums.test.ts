import { join } from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { withUniqueEnums } from "../../src/publish/enums.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";

// An enum that repeats a value (Stripe's `post_webhook_endpoints` lists one api_version 98 times) is published with
// each value once: draft-07's meta-schema requires unique enum values, and ajv checks a schema against it before
// compiling, so hosts that validate arguments with a draft-07 ajv (Genkit, BeeAI) could not use the tool.

/** What BeeAI 0.1.30 compiles a tool's input schema with (its createSchemaValidator): draft-07 ajv, these options. */
function beeaiAjv() {
  const ajv = new Ajv({
    coerceTypes: "array",
    useDefaults: true,
    strict: false,
    strictSchema: false,
    strictTuples: true,
    strictNumbers: true,
    strictTypes: true,
    strictRequired: true,
    parseDate: true,
    allowDate: true,
    allowUnionTypes: true,
  });
  addFormats.default(ajv);
  return ajv;
}

/** The enums of a schema whose values repeat, by JSON text. */
function repeatedEnums(schema: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "enum" && Array.isArray(value)) {
        const texts = value.map((v) => JSON.stringify(v));
        if (new Set(texts).size !== texts.length) found.push(JSON.stringify(value));
      } else if (key !== "default" && key !== "examples" && key !== "const") visit(value);
    }
  };
  visit(schema);
  return found;
}

describe("withUniqueEnums", () => {
  it("keeps each value once, the first in order, at every depth; equal objects whatever their member order", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        version: { type: "string", enum: ["2025-10-15", "2024-06-20", "2025-10-15", "2025-10-15"] },
        mixed: { enum: [1, "1", 1, null, null, true] },
        shape: { enum: [{ a: 1, b: [2] }, { b: [2], a: 1 }, { a: 2 }] },
        list: { type: "array", items: { anyOf: [{ enum: ["x", "x"] }, { type: "null" }] } },
      },
      $defs: { Named: { enum: ["p", "q", "p"] } },
      default: { enum: ["data", "data"] },
      examples: [["a", "a"]],
    };
    expect(withUniqueEnums(schema)).toEqual({
      type: "object",
      properties: {
        version: { type: "string", enum: ["2025-10-15", "2024-06-20"] },
        mixed: { enum: [1, "1", null, true] },
        shape: { enum: [{ a: 1, b: [2] }, { a: 2 }] },
        list: { type: "array", items: { anyOf: [{ enum: ["x"] }, { type: "null" }] } },
      },
      $defs: { Named: { enum: ["p", "q"] } },
      // Data, not schemas: left as written.
      default: { enum: ["data", "data"] },
      examples: [["a", "a"]],
    });
    // The input is not changed.
    expect((schema.$defs as Record<string, JsonSchema>).Named?.enum).toEqual(["p", "q", "p"]);
  });

  it("returns the same object when no enum repeats a value", () => {
    const schema: JsonSchema = { type: "object", properties: { s: { enum: ["a", "b", 1, { a: 1 }] } } };
    expect(withUniqueEnums(schema)).toBe(schema);
  });

  it("is the class draft-07 ajv refuses", () => {
    expect(() => beeaiAjv().compile({ enum: ["a", "a"] })).toThrow(/must NOT have duplicate items/);
    expect(() => beeaiAjv().compile({ enum: ["a"] })).not.toThrow();
  });
});

describe("published schemas of a catalog whose enums repeat values", () => {
  it("hold each value once in every profile, inputs and outputs, and compile in BeeAI's draft-07 ajv", async () => {
    const { doc } = await loadCatalog(join(ROOT, "generated", "scaivault"));
    // ScaiVault's catalog with every enum's values written twice (tools and the named-schema table).
    const doubled = JSON.parse(
      JSON.stringify(doc, (key, value) =>
        key === "enum" && Array.isArray(value) ? [...value, ...value] : value,
      ),
    ) as CatalogDocument;
    expect(repeatedEnums(doubled).length).toBeGreaterThan(0);
    let enums = 0;
    for (const profile of ["refs", "inline", "portable"]) {
      const publisher = createPublisher(doubled, { profile });
      const ajv = beeaiAjv();
      for (const tool of doubled.tools) {
        for (const schema of [publisher.input(tool), publisher.output(tool)]) {
          if (schema === undefined) continue;
          expect(repeatedEnums(schema), `${profile} ${tool.name}`).toEqual([]);
          if (JSON.stringify(schema).includes('"enum"')) enums++;
          // refs states the 2020-12 dialect, which a draft-07 ajv does not know (docs/clients.md): the others.
          if (profile !== "refs" && schema === publisher.input(tool))
            expect(() => ajv.compile(schema), `${profile} ${tool.name}`).not.toThrow();
        }
      }
    }
    expect(enums).toBeGreaterThan(0);
  });
});
