import { describe, expect, it } from "vitest";
import { textJson } from "../helpers/mcp.js";
import { sendJson } from "../helpers/recording-server.js";
import { itemsManifest, servedFixture } from "../helpers/served-fixture.js";

/**
 * A request body naming a discriminated base without oneOf (`Pet`, `discriminator: petType`; `Cat` and `Dog` extend
 * it with allOf, `Kitten` extends `Cat`), served over stdio to the MCP SDK client in front of a real upstream on
 * 127.0.0.1: a subtype's body reaches the upstream whole, its own fields included (before, the tool took the
 * base's fields alone as arguments and every subtype's were refused); a value no subtype is selected by is a clear
 * error, the server keeps serving; a reply of a subtype the spec does not list passes the output check.
 */
const ref = (name: string) => `{ $ref: "#/components/schemas/${name}" }`;
const SPEC = `openapi: 3.0.3
info: { title: Items, version: "1" }
paths:
  /pets:
    post:
      operationId: addPet
      requestBody: { required: true, content: { application/json: { schema: ${ref("Pet")} } } }
      responses: { "200": { description: ok, content: { application/json: { schema: ${ref("Pet")} } } } }
components:
  schemas:
    Pet:
      type: object
      required: [petType, name]
      discriminator: { propertyName: petType, mapping: { cat: Cat } }
      properties: { petType: { type: string }, name: { type: string }, secret: { type: string } }
    Cat:
      allOf: [${ref("Pet")}, { type: object, required: [huntingSkill], properties: { huntingSkill: { type: string } } }]
    Kitten:
      allOf: [${ref("Cat")}, { type: object, properties: { ageWeeks: { type: integer } } }]
    Dog:
      allOf: [${ref("Pet")}, { type: object, properties: { packSize: { type: integer } } }]
`;

let reply: unknown = {};
const fx = servedFixture(
  "polymorphic-bases",
  {
    "cat/tools.yaml": `${itemsManifest("  add_pet: { from: addPet, safety: read, masked: [secret] }").replace(
      "env:\n",
      'env:\n  ITEMS_MASK: { type: boolean, default: "true", description: Mask values. }\n',
    )}policy: { mask_values: { env: ITEMS_MASK } }\n`,
    "cat/openapi.yaml": SPEC,
  },
  (url) => ({ ITEMS_URL: url }),
  (_req, res) => sendJson(res, 200, reply),
);

describe("a subtype's body through a served tool whose body is the discriminated base", () => {
  it("lists the body as the union of the subtypes", async () => {
    const { tools } = await fx.served().client.listTools();
    const tool = tools.find((t) => t.name === "add_pet");
    const text = JSON.stringify(tool?.inputSchema);
    for (const value of ['"const":"cat"', '"const":"Kitten"', '"const":"Dog"']) expect(text).toContain(value);
    expect(tool?.inputSchema.required).toEqual(["body"]);
  });

  it.each([
    ["a mapped subtype", { petType: "cat", name: "Tom", huntingSkill: "lazy" }],
    ["a subtype of a subtype", { petType: "Kitten", name: "Bit", huntingSkill: "lazy", ageWeeks: 9 }],
    ["a subtype by its name", { petType: "Dog", name: "Rex", packSize: 3 }],
  ])("%s reaches the upstream whole", async (_, body) => {
    reply = body;
    const { result, sent } = await fx.call("add_pet", { body });
    expect(result.isError ?? false).toBe(false);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]?.body.toString("utf8") ?? "null")).toEqual(body);
  });

  it("a value no subtype is selected by is refused before any request, and the server keeps serving", async () => {
    const { result, sent } = await fx.call("add_pet", { body: { petType: "Cow", name: "Daisy" } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain("petType");
    expect(sent).toEqual([]);
    reply = { petType: "Dog", name: "Rex" };
    const again = await fx.call("add_pet", { body: { petType: "Dog", name: "Rex" } });
    expect(again.result.isError ?? false).toBe(false);
  });

  it("a reply of a subtype the spec does not list passes the output check, masking fails closed on it", async () => {
    reply = { petType: "Parrot", name: "Polly", words: 40, secret: "s3cr3t-value" };
    const { result } = await fx.call("add_pet", { body: { petType: "Dog", name: "Rex" } });
    expect(result.isError ?? false).toBe(false);
    const out = (result as { structuredContent?: Record<string, unknown> }).structuredContent ?? {};
    expect(out.petType).toBe("Parrot");
    // Masking keeps only the fields the output schema declares (the base's): a subtype's own field could hold
    // what a masked path names under another name, so it is dropped (fail closed).
    expect(out.words).toBeUndefined();
    expect(JSON.stringify(result)).not.toContain("s3cr3t-value");
    expect(textJson(result).name).toBe("Polly");
  });
});
