import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { PUBLISHED_FORMATS, withPublishedFormats } from "../../src/publish/formats.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";

// Formats a spec invents (`repo.nwo` in GitHub REST) are published as words of the description: ajv, in the strict
// mode hosts use by default, refuses to compile a schema with a format it does not know.

/** What an ajv-based host does: ajv in its default (strict) mode with ajv-formats. */
function strictAjv() {
  const ajv = new Ajv2020();
  addFormats.default(ajv);
  return ajv;
}

describe("withPublishedFormats", () => {
  it("moves an unknown format into the description and keeps the known ones", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        repo: { type: "string", format: "repo.nwo", description: "The repository. " },
        bare: { type: "string", format: "phone" },
        when: { type: "string", format: "date-time" },
        id: { type: "integer", format: "int64" },
      },
    };
    expect(withPublishedFormats(schema)).toEqual({
      type: "object",
      properties: {
        repo: { type: "string", description: "The repository. (Format: repo.nwo.)" },
        bare: { type: "string", description: "Format: phone." },
        when: { type: "string", format: "date-time" },
        id: { type: "integer", format: "int64" },
      },
    });
  });

  it("reaches every subschema, and never data or property names", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        // A property named `format` is a schema, not the keyword.
        format: { type: "string", format: "x-custom" },
        list: { type: "array", items: { anyOf: [{ format: "a" }, { type: "null" }] } },
        ["__proto__"]: { type: "string", format: "b" },
      },
      default: { format: "data" },
      examples: [{ format: "data" }],
      enum: [{ format: "data" }],
      $defs: { Named: { type: "string", format: "c" } },
    };
    const out = withPublishedFormats(schema);
    expect(JSON.stringify(out)).toBe(
      JSON.stringify({
        type: "object",
        properties: {
          format: { type: "string", description: "Format: x-custom." },
          list: { type: "array", items: { anyOf: [{ description: "Format: a." }, { type: "null" }] } },
          ["__proto__"]: { type: "string", description: "Format: b." },
        },
        default: { format: "data" },
        examples: [{ format: "data" }],
        enum: [{ format: "data" }],
        $defs: { Named: { type: "string", description: "Format: c." } },
      }),
    );
    const own = Object.getOwnPropertyDescriptor(out.properties, "__proto__")?.value as JsonSchema;
    expect(own).toEqual({ type: "string", description: "Format: b." });
    expect(Object.getPrototypeOf(own)).toBe(Object.prototype);
    expect(Object.hasOwn(out.properties as object, "__proto__")).toBe(true);
    // The input is not changed.
    expect((schema.$defs as Record<string, JsonSchema>).Named?.format).toBe("c");
  });

  it("returns the same object when every format is known", () => {
    const schema: JsonSchema = { type: "object", properties: { a: { type: "string", format: "uuid" } } };
    expect(withPublishedFormats(schema)).toBe(schema);
  });

  it("keeps exactly the formats strict ajv with ajv-formats compiles", () => {
    const ajv = strictAjv();
    for (const format of PUBLISHED_FORMATS)
      expect(() => ajv.compile({ type: "string", format }), format).not.toThrow();
    // And the class it guards against: unknown ones throw there.
    expect(() => strictAjv().compile({ type: "string", format: "repo.nwo" })).toThrow(/unknown format/);
  });
});

describe("published schemas with formats of a spec's own", () => {
  it("compile in strict ajv with ajv-formats, in every profile, inputs and outputs", async () => {
    const { doc } = await loadCatalog(join(ROOT, "generated", "scaivault"));
    // ScaiVault's catalog with a format of its own on every string argument and result field (and in the table).
    const invented = JSON.parse(
      JSON.stringify(doc, (key, value) =>
        key === "type" && value === "string" ? "string\u0000" : value,
      ).replaceAll('"string\\u0000"', '"string","format":"vault.path"'),
    ) as CatalogDocument;
    let formats = 0;
    for (const profile of ["default", "inline", "portable"]) {
      const publisher = createPublisher(invented, { profile });
      const ajv = strictAjv();
      for (const tool of invented.tools) {
        for (const schema of [publisher.input(tool), publisher.output(tool)]) {
          if (schema === undefined) continue;
          const text = JSON.stringify(schema);
          expect(text, `${profile} ${tool.name}`).not.toContain('"format":"vault.path"');
          if (text.includes("Format: vault.path.")) formats++;
          expect(() => ajv.compile(schema), `${profile} ${tool.name}`).not.toThrow();
        }
      }
    }
    expect(formats).toBeGreaterThan(0);
  });
});
