// A manifest reference to an operation or tag that matches none says what was near it, in the form it was written:
// `METHOD /path` for a method and path, the operationId otherwise, a tag in another case or misspelt. Before, a
// select entry said only "it selects nothing", and a `from:` written as a method and path was compared with
// operationIds only (so `GET /thing/{id}` suggested nothing).
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { genManifest, writeTree } from "../helpers/generate.js";

const SPEC = `openapi: 3.1.0
info: { title: Shop, version: "1.0" }
servers: [{ url: https://shop.example.com }]
paths:
  /things/{id}:
    get:
      operationId: getThing
      tags: [Things]
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "200": { description: ok } }
    delete:
      operationId: deleteThing
      tags: [Things]
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses: { "204": { description: gone } }
  /orders:
    get:
      tags: [orders]
      responses: { "200": { description: ok } }
`;

const BASE = `catalog: shop
sources:
  api:
    openapi: ./openapi.yaml
`;

async function said(manifest: string, code = "TW113") {
  const dir = writeTree("select-near", { "openapi.yaml": SPEC, "tools.yaml": `${BASE}${manifest}` });
  const { diags } = await genManifest(`${dir}/tools.yaml`);
  return diags.items
    .filter((d) => d.code === code)
    .map((d) => formatDiagnostic(d).replace(/^.*tools\.yaml/, "tools.yaml"));
}

describe("references that match no operation say what was near", () => {
  it.each([
    [
      "a select entry's method and path",
      'select:\n  - { operation: "GET /thngs/{id}" }\n',
      'select entry "GET /thngs/{id}" matches no operation: it selects nothing\n  fix: did you mean "GET /things/{id}"?',
    ],
    [
      "a method in another case and a misspelt path",
      'select:\n  - { operation: "delete /thing/{id}" }\n',
      'select entry "delete /thing/{id}" matches no operation: it selects nothing\n  fix: did you mean "DELETE /things/{id}"?',
    ],
    [
      "a select entry's operationId",
      "select:\n  - { operation: getThng }\n",
      'select entry "getThng" matches no operation: it selects nothing\n  fix: did you mean "getThing"?',
    ],
    [
      "an operation without an operationId, by method and path",
      'select:\n  - { operation: "GET /order" }\n',
      'select entry "GET /order" matches no operation: it selects nothing\n  fix: did you mean "GET /orders"?',
    ],
    [
      "a tag in another case",
      "select:\n  - { tag: things }\n",
      'select entry tag "things" matches no operation: it selects nothing\n  fix: did you mean "Things"?',
    ],
    [
      "a misspelt tag",
      "select:\n  - { tag: ordrs }\n",
      'select entry tag "ordrs" matches no operation: it selects nothing\n  fix: did you mean "orders"?',
    ],
  ])("%s", async (_name, manifest, expected) => {
    const [line] = await said(manifest);
    expect(line?.replace(/^tools\.yaml:\d+:\d+ \([^)]*\) warning TW113: /, "")).toBe(expected);
  });

  it("a tool's from: written as a method and path is compared with methods and paths", async () => {
    const lines = await said('tools:\n  get_one:\n    from: "GET /thing/{id}"\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^tools\.yaml:7:11 \(#\/tools\/get_one\/from\) error TW113: "GET \/thing\/\{id\}" matches no operation\n {2}fix: did you mean "GET \/things\/\{id\}"\?$/,
    );
  });

  it("nothing near: the generic fix, no guess", async () => {
    const [line] = await said('select:\n  - { operation: "PATCH /zzzzzzzzzzzz" }\n');
    expect(line).toMatch(/it selects nothing\n {2}fix: Use an operationId, `METHOD \/path`/);
  });
});
