import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/paths.js";
import { servedSpec } from "../helpers/served-fixture.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * JSON Schema 2020-12 shapes of OpenAPI 3.1 bodies that toolwright does not enforce as written, which must still
 * take every value the spec allows and send it:
 * - properties declared only in a conditional part (`dependentSchemas`, `then`, `else`) beside
 *   `unevaluatedProperties: false` or among a body's fields: before, refused as unknown properties, so a card
 *   payment whose spec requires a billing address once a card is given could never be sent;
 * - `$ref: "#"` inside a schema with its own `$id` (a recursive tree): before, it named the OpenAPI document and
 *   published `{}` (any value) for the children; now it is the schema itself, recursion and all.
 */
const SPEC = specWith(
  `  /cards:
    post:
      operationId: saveCard
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties: { amount: { type: integer }, card: { type: string } }
              required: [amount]
              unevaluatedProperties: false
              dependentSchemas:
                card:
                  properties: { billing: { type: object, properties: { zip: { type: string } } } }
                  required: [billing]
      responses: { "200": { description: ok } }
  /shapes:
    post:
      operationId: addShape
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                shape:
                  type: object
                  properties: { kind: { type: string, enum: [circle, square] } }
                  required: [kind]
                  additionalProperties: false
                  if: { properties: { kind: { const: circle } } }
                  then: { properties: { radius: { type: number } }, required: [radius] }
                  else: { properties: { side: { type: number } } }
      responses: { "200": { description: ok } }
  /trees:
    post:
      operationId: plantTree
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Tree" }
      responses: { "200": { description: ok } }
`,
  `components:
  schemas:
    Tree:
      $id: https://kw.example.com/schemas/tree
      type: object
      properties:
        name: { type: string }
        children: { type: array, items: { $ref: "#" } }
      required: [name]
`,
  { title: "Kw", url: "https://kw.example.com" },
);

const specFile = join(tmpDir("schema-31-keywords"), "openapi.yaml");
writeFileSync(specFile, SPEC);
const fx = servedSpec(specFile, "kw", "schema-31-keywords-out", (url) => ({ KW_BASE_URL: url }));

const body = (sent: { body: Buffer }[]) => JSON.parse(sent[0]?.body.toString() ?? "null");

describe("OpenAPI 3.1 conditional properties and $ref '#' under $id", () => {
  it("every published schema compiles with ajv 2020 and the tree recurses", async () => {
    const { tools } = await fx.client().listTools();
    const ajv = new Ajv2020({ strict: false });
    for (const t of tools) ajv.compile(t.inputSchema);
    const tree = tools.find((t) => t.name === "plant_tree")?.inputSchema as unknown as {
      properties: { children: { items: { properties?: Record<string, unknown> } } };
    };
    expect(Object.keys(tree.properties.children.items.properties ?? {})).toEqual(["name", "children"]);
  });

  it("a property declared in dependentSchemas is taken and sent", async () => {
    const args = { amount: 5, card: "4242", billing: { zip: "1000" } };
    const { result, sent } = await fx.call("save_card", args);
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(body(sent)).toEqual(args);
  });

  it("properties declared in then and else are taken and sent", async () => {
    for (const shape of [
      { kind: "circle", radius: 2 },
      { kind: "square", side: 3 },
    ]) {
      const { result, sent } = await fx.call("add_shape", { shape });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(body(sent)).toEqual({ shape });
    }
    // A property the spec declares nowhere is still refused.
    const refused = await fx.call("add_shape", {
      shape: { kind: "square", x: 1 },
    });
    expect(refused.result.isError).toBe(true);
    expect(refused.sent).toEqual([]);
  });

  it("a recursive $id schema checks its children: a child without its required name is refused", async () => {
    const tree = { name: "oak", children: [{ name: "branch", children: [{ name: "twig" }] }] };
    const { result, sent } = await fx.call("plant_tree", tree);
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(body(sent)).toEqual(tree);
    const bad = await fx.call("plant_tree", {
      name: "oak",
      children: [{ n: 1 }],
    });
    expect(bad.result.isError).toBe(true);
    expect(bad.sent).toEqual([]);
  });
});
