import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

/**
 * A `$ref` (a parameter's, a request body's, a success response's) to a value that is no object: a string, a
 * number, an array, null, a boolean, written outside components (which the structure check covers) or in another
 * file of a split spec. The parameter, body or response was dropped in silence: the tool took no such argument
 * and its call went without it (a POST without its body).
 */
const spec = (value: string) => `openapi: 3.0.3
info: { title: Odd, version: "1" }
servers: [{ url: https://odd.example.com }]
x-odd:
  v: ${value}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - $ref: "#/x-odd/v"
      responses: { "200": { description: ok } }
  /body:
    post:
      operationId: postBody
      requestBody: { $ref: "#/x-odd/v" }
      responses: { "200": { description: ok } }
  /resp:
    get:
      operationId: getResp
      responses: { "200": { $ref: "#/x-odd/v" } }
  /split:
    post:
      operationId: postSplit
      parameters: [{ $ref: "parts.yaml#/odd" }]
      responses: { "200": { description: ok } }
  /ok:
    get:
      operationId: ok
      responses: { "200": { description: ok } }
`;

describe("a $ref to a value that is no object", () => {
  it.each([
    ["a string", '"some text"'],
    ["a number", "42"],
    ["an array", "[1, 2]"],
    ["null", "null"],
    ["a boolean", "true"],
  ])("(%s) leaves its operation out, located, naming the $ref", async (kind, value) => {
    const dir = writeTree(`odd-ref-${kind.replace(/\W/g, "")}`, {
      "openapi.yaml": spec(value),
      "parts.yaml": `odd: ${value}\n`,
    });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "odd", "test/.tmp/odd-ref-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["ok"]);
    const out = diags.items
      .filter((d) => d.code === "TW139")
      .map(
        (d) =>
          `${d.source?.pointer} ${d.source?.line} ${d.message.replace(/\S*(openapi|parts)\.yaml/g, "$1")}`,
      );
    expect(out).toEqual([
      `#/x-odd/v 5 GET /things/{id} is left out: parameter openapi#/x-odd/v (the $ref at openapi#/paths/~1things~1{id}/get/parameters/1) is ${kind}, not a parameter object`,
      `#/x-odd/v 5 POST /body is left out: request body openapi#/x-odd/v (the $ref at openapi#/paths/~1body/post/requestBody) is ${kind}, not a request body object`,
      `#/x-odd/v 5 GET /resp is left out: response openapi#/x-odd/v (the $ref at openapi#/paths/~1resp/get/responses/200) is ${kind}, not a response object`,
      `#/odd 1 POST /split is left out: parameter parts#/odd (the $ref at openapi#/paths/~1split/post/parameters/0) is ${kind}, not a parameter object`,
    ]);
  });
});
