import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * The loader's walks over a spec (the reference guard's scan, the `$anchor` index, the `$ref`s a document names, the
 * discriminator mappings) leave out data keywords (`default`, `example`, `enum`, `const`, extensions), but only at a
 * keyword's position: in `properties`, `$defs`, `responses` and the other maps of names, a member called `default`
 * or `example` is a schema, a response or a parameter like any other. They skipped such members by name wherever
 * they stood.
 */

const HEAD = specWith(
  `  /t:
    post:
      operationId: makeT
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
`,
  "",
  { title: "Named", url: "https://named.example.com" },
);
const TAIL = `      responses: { "200": { description: ok } }
`;

async function generated(name: string, files: Record<string, string>) {
  const dir = writeTree(`named-keywords-${name}`, files);
  return genSpec(join(dir, "spec", "spec.yaml"), "named", `test/.tmp/named-keywords/${name}`);
}

describe("a member of a map of names called default, example, enum or x-...", () => {
  it("may carry an $anchor a $ref names (it pointed at nothing, and the operation was left out)", async () => {
    const { cat, diags } = await generated("anchor", {
      "spec/spec.yaml": `${HEAD}                default: { $anchor: dflt, type: integer }
                example: { $anchor: xmpl, type: string }
                "x-kind": { $anchor: kind, type: boolean }
                a: { $ref: "#dflt" }
                b: { $ref: "#xmpl" }
                c: { $ref: "#kind" }
${TAIL}`,
    });
    expect(errorsOf(diags), diags.items.map(formatDiagnostic).join("\n")).toEqual([]);
    expect(diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["make_t"]);
  });

  it("has its $ref to a file outside the spec's folders refused as any other (TW191), a data value's left alone", async () => {
    // Before, the guard's scan skipped it: the operation was left out (TW139) where any other such $ref refuses
    // the spec, located at the reference.
    const outside = { "outside/other.yaml": "Foo: { type: integer }\n" };
    const { diags } = await generated("outside", {
      ...outside,
      "spec/spec.yaml": `${HEAD}                default: { $ref: "../outside/other.yaml#/Foo" }
${TAIL}`,
    });
    const refused = diags.items.filter((d) => d.code === "TW191" && d.severity === "error");
    expect(refused.map((d) => d.source?.pointer)).toEqual([
      "#/paths/~1t/post/requestBody/content/application~1json/schema/properties/default/$ref",
    ]);
    // A `default` value is data: a `$ref` written in it is no reference.
    const data = await generated("outside-data", {
      ...outside,
      "spec/spec.yaml": `${HEAD}                shape: { type: object, default: { $ref: "../outside/other.yaml#/Foo" } }
${TAIL}`,
    });
    expect(errorsOf(data.diags)).toEqual([]);
  });
});
