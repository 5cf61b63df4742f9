import { describe, expect, it } from "vitest";
import { polymorphicFixture } from "../helpers/served-fixture.js";

/**
 * A spec split over files, served over stdio to the MCP SDK client in front of a real upstream on 127.0.0.1: the
 * request body names a discriminated base (`Pet`, in base.yaml, named by a root component); its subtypes live in
 * other files (models/cat.yaml, named by the base's mapping; models/dog.yaml, reached only through a root
 * component). A subtype's body from another file reaches the upstream whole, its own fields included (before, the
 * tool took Pet's fields alone and refused every subtype's); each is pinned to its discriminator value, so a
 * subtype's field of the wrong type under its value is refused before any request, and the server keeps serving.
 */
const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /pets:
    post:
      operationId: addPet
      requestBody: { required: true, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } } }
components:
  schemas:
    Pet: { $ref: "./base.yaml#/Pet" }
    Dog: { $ref: "./models/dog.yaml" }
`;

// The upstream's reply is the body received, so the output check sees each subtype too.
const fx = polymorphicFixture(
  "polymorphic-files",
  {
    "openapi.yaml": SPEC,
    "base.yaml": `Pet:
  type: object
  required: [petType, name]
  discriminator: { propertyName: petType, mapping: { cat: ./models/cat.yaml } }
  properties: { petType: { type: string }, name: { type: string } }
`,
    "models/cat.yaml": `allOf:
  - $ref: ../base.yaml#/Pet
  - type: object
    required: [huntingSkill]
    properties: { huntingSkill: { type: string, enum: [lazy, keen] } }
`,
    "models/dog.yaml": `allOf:
  - $ref: ../base.yaml#/Pet
  - type: object
    properties: { packSize: { type: integer } }
`,
  },
  "  add_pet: { from: addPet, safety: read }",
);

describe("a subtype from another file through a served tool whose body is the discriminated base", () => {
  it("lists the body as the union of the subtypes of every file", async () => {
    const { tools } = await fx.served().client.listTools();
    const text = JSON.stringify(tools.find((t) => t.name === "add_pet")?.inputSchema);
    for (const value of ['"const":"cat"', '"const":"Dog"', '"const":"Pet"']) expect(text).toContain(value);
    expect(text).toContain("huntingSkill");
    expect(text).toContain("packSize");
  });

  it.each([
    ["a subtype the mapping names by its file", { petType: "cat", name: "Tom", huntingSkill: "keen" }],
    ["a subtype a root component names", { petType: "Dog", name: "Rex", packSize: 3 }],
  ])("%s reaches the upstream whole", async (_, body) => {
    await fx.sentWhole("add_pet", body);
  });

  it("is pinned: a subtype's field wrong under its value is refused before any request; the server keeps serving", async () => {
    const refused = await fx.call("add_pet", {
      body: { petType: "cat", name: "Tom", huntingSkill: "asleep" },
    });
    expect(refused.result.isError).toBe(true);
    expect(JSON.stringify(refused.result.content)).toContain("huntingSkill");
    expect(refused.sent).toEqual([]);
    const unknown = await fx.call("add_pet", { body: { petType: "Cow", name: "Daisy" } });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.sent).toEqual([]);
    const again = await fx.call("add_pet", { body: { petType: "Dog", name: "Rex" } });
    expect(again.result.isError ?? false).toBe(false);
    expect(again.sent).toHaveLength(1);
  });
});
