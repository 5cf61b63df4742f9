import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Diagnostic, formatDiagnostic } from "../../codegen/diagnostics.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { genSpec } from "../helpers/generate.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * A Swagger 2.0 operation or path item the structure check confined a problem to is left out, located, and the
 * rest of the spec generates: swagger2openapi, which converts 2.0 to 3.0, throws on some malformed operations
 * (`operationId: 42` beside a body parameter), which refused the whole spec with an unlocated TW133 and printed
 * the converter's stack trace on stderr.
 */

/**
 * Generates the 2.0 spec `paths` (YAML under HEAD's `paths:`, with /b's getB appended) and checks what every case
 * shares: no error, and get_b the only tool. Returns the diagnostics.
 */
async function generatedWithB(name: string, paths: string): Promise<Diagnostic[]> {
  const file = join(tmpDir(`swagger2-convert-${name}`), "swagger.yaml");
  writeFileSync(file, `${HEAD}${paths}${B}`);
  const { cat, diags } = await genSpec(file, "conv", `test/.tmp/swagger2-convert/${name}`);
  const shown = diags.items.map(formatDiagnostic).join("\n");
  expect(
    diags.items.filter((d) => d.severity === "error"),
    shown,
  ).toEqual([]);
  const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
  expect((doc.tools ?? []).map((t) => t.name)).toEqual(["get_b"]);
  return diags.items;
}

const HEAD = `swagger: "2.0"
info: { title: Conv, version: "1" }
host: conv.example.com
paths:
`;
const B = `  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
`;

afterEach(() => vi.restoreAllMocks());

describe("Swagger 2.0 operations the structure check refused, before the conversion", () => {
  it("an operation whose operationId is not a string is left out at its line; the others generate", async () => {
    const warn = vi.spyOn(console, "warn");
    const items = await generatedWithB(
      "opid",
      `  /a:
    post:
      operationId: 42
      parameters:
        - { in: body, name: b, schema: { type: object } }
      responses: { "200": { description: ok } }
`,
    );
    const left = items.find((d) => d.code === "TW139");
    expect(left?.message).toMatch(/POST \/a is left out: .*operationId: must be string/);
    expect(left?.source).toMatchObject({ line: 7, column: 20 });
    expect(warn.mock.calls.filter((c) => c[0] instanceof Error)).toEqual([]);
  });

  it("a path item whose own parameters are refused leaves out each of its operations, located", async () => {
    const items = await generatedWithB(
      "item",
      `  /a/{id}:
    parameters:
      - { in: path, name: id, required: true, type: string, collectionFormat: 7 }
    get:
      operationId: 99
      responses: { "200": { description: ok } }
    post:
      operationId: postA
      parameters:
        - { in: body, name: b, schema: { type: object } }
      responses: { "200": { description: ok } }
`,
    );
    const left = items.filter((d) => d.code === "TW139").map((d) => d.message.split(" is left out")[0]);
    expect(left.sort()).toEqual(["GET /a/{id}", "POST /a/{id}"]);
  });
});
