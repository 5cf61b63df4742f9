import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogIndexJson } from "../../codegen/emit/catalog-index.js";
import { asciiJsonBytes, asciiJsonFile, asciiOnly, jsonFile } from "../../codegen/util.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";

/**
 * catalog.json is written by `asciiJsonFile` (compact JSON's bytes laid out and escaped in one pass), which
 * must give exactly the text of `asciiOnly(jsonFile(value))`, V8's own indented JSON, for every value.
 */
const VALUES: [string, unknown][] = [
  ["scalars", [0, -1.5, 1e21, true, false, null, "", "a"]],
  ["empty containers, nested", { a: {}, b: [], c: [{}, []], d: { e: { f: [] } } }],
  ["structural characters inside strings", { "k:{[,]}": 'v "q" {a: [1, 2]}, \\', "\\": "\\\\", '"': '\\"' }],
  ["escapes", { s: 'line\nbreak\ttab\u0000\u001f"end\\', t: "\\\\\\" }],
  ["non-ASCII, a surrogate pair and lone surrogates", { größe: "Café ‘x’ • 日本語 🍜", l: "\ud800x\udfff" }],
  ["undefined, functions and toJSON", { u: undefined, f: () => 1, d: new Date(0), a: [undefined, () => 1] }],
  ["objects whose every value is left out", { a: { u: undefined }, b: [{ f: () => 1 }] }],
  ["deep", JSON.parse(`${"[".repeat(40)}1${"]".repeat(40)}`)],
  ["a bare string", "text"],
  ["a bare number", 42],
];

describe("catalog.json's serialiser writes V8's indented JSON, in ASCII", () => {
  it.each(VALUES)("%s", (_, value) => {
    expect(asciiJsonFile(value)).toBe(asciiOnly(jsonFile(value)));
  });

  it("the generated catalogs' catalog.json, read back and written again: the same bytes", () => {
    for (const name of ["scaivault", "scaly"]) {
      const text = readFileSync(join(ROOT, "generated", name, "catalog.json"), "utf8");
      expect(asciiJsonFile(JSON.parse(text))).toBe(text);
    }
  });

  it.each(VALUES)("%s: the bytes are the text's, one byte per character", (_, value) => {
    const bytes = asciiJsonBytes(value);
    expect(bytes.equals(Buffer.from(asciiJsonFile(value), "latin1"))).toBe(true);
    expect(bytes.length).toBe(asciiJsonFile(value).length);
  });

  it("catalog.index.json from the serialiser's bytes is the one from the text (generated catalogs)", () => {
    for (const name of ["scaivault", "scaly"]) {
      const text = readFileSync(join(ROOT, "generated", name, "catalog.json"), "utf8");
      const doc = JSON.parse(text) as CatalogDocument;
      const index = readFileSync(join(ROOT, "generated", name, "catalog.index.json"), "utf8");
      const published = readFileSync(join(ROOT, "generated", name, "published.gen.txt")).length;
      expect(catalogIndexJson(doc, text, asciiJsonBytes(doc), published)).toBe(index);
      expect(catalogIndexJson(doc, text, undefined, published)).toBe(index);
    }
  });
});
