import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../codegen/diagnostics.js";
import { SymbolTable } from "../../codegen/ir/symbols.js";
import type { LoadedDocument } from "../../codegen/load/document.js";
import { DocumentSet } from "../../codegen/load/document-set.js";
import { SchemaConverter } from "../../codegen/normalize/openapi/schema.js";

/**
 * `components/schemas` entries are declared (named) in the spec's order and converted when first referred to: an
 * entry no operation reaches is never converted on a bare generate (GitHub REST: 371 of 969), unless the request/
 * response types ask for every one (`convertUnreached`).
 */
function converterFor(schemas: Record<string, unknown>) {
  const data = { openapi: "3.0.3", components: { schemas } };
  const doc: LoadedDocument = {
    abs: "/virtual/spec.json",
    file: "spec.json",
    text: "",
    data,
    ref: (pointer) => ({ file: "spec.json", pointer }),
    cheapRef: (pointer) => ({ file: "spec.json", pointer }),
  };
  const diags = new Diagnostics();
  const symbols = new SymbolTable();
  const converter = new SchemaConverter("t", "3.0", new DocumentSet(doc, "/virtual", diags), symbols, diags);
  converter.declareComponents(doc);
  const id = (name: string) => `t:spec.json#/components/schemas/${name}`;
  const reach = (name: string) => converter.symbolFor({ doc, pointer: `#/components/schemas/${name}` });
  return { converter, symbols, diags, id, reach };
}

const SCHEMAS = {
  Used: { type: "object", properties: { tag: { $ref: "#/components/schemas/foo_bar" } } },
  "foo-bar": { type: "string" },
  foo_bar: { type: "string", maxLength: 5 },
  Unused: { type: "string", not: { format: "email" } },
};

describe("components no operation reaches", () => {
  it("are named in the spec's order, whatever order they are reached in", () => {
    const { symbols, id, reach } = converterFor(SCHEMAS);
    reach("Used");
    // foo_bar is reached first (through Used), foo-bar never; both spell FooBar, and the spec lists foo-bar first.
    expect(symbols.get(id("foo-bar")).name).toBe("FooBar");
    expect(symbols.get(id("foo_bar")).name).toBe("FooBar2");
  });

  it("are not converted until something refers to them", () => {
    const { converter, symbols, diags, id, reach } = converterFor(SCHEMAS);
    reach("Used");
    expect(converter.unconvertedCount).toBe(2); // foo-bar and Unused
    expect(symbols.get(id("foo_bar")).schema).toEqual({ kind: "string", maxLength: 5 });
    expect(symbols.get(id("Unused")).schema).toEqual({ kind: "any" });
    // What converting Unused would report (its `not` is not enforced) is not reported.
    expect(diags.items.map((d) => d.code)).toEqual([]);
  });

  it("are converted, with their diagnostics, when every component is asked for", () => {
    const { converter, symbols, diags, id, reach } = converterFor(SCHEMAS);
    reach("Used");
    converter.convertUnreached();
    expect(converter.unconvertedCount).toBe(0);
    expect(symbols.get(id("Unused")).schema).toEqual({ kind: "string" });
    expect(symbols.get(id("foo-bar")).schema).toEqual({ kind: "string" });
    expect(diags.items.map((d) => d.code)).toEqual(["TW134"]);
    // A component referred to after it was converted is converted once.
    reach("Unused");
    expect(converter.unconvertedCount).toBe(0);
  });
});
