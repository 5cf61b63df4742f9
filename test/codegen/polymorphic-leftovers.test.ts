import { beforeAll, describe, expect, it } from "vitest";
import type { Diagnostic } from "../../codegen/diagnostics.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { type BuiltSpec, both, buildSpec, output, takes } from "../helpers/built-spec.js";

/**
 * Polymorphism by inheritance, its leftovers (see polymorphic-bases.test.ts for the union itself): a subtype named
 * directly is pinned to its own discriminator values; an explicit `oneOf` listing a discriminated base and its
 * subtypes lists each once; a subtype whose conversion fails is a located diagnostic, not silently left out.
 */

const ref = (name: string) => `{ $ref: "#/components/schemas/${name}" }`;
const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;
const post = (path: string, id: string, schema: string) => `  /${path}:
    post:
      operationId: ${id}
      requestBody: { required: true, ${json(schema)} }
      responses: { "200": { description: ok, ${json(schema)} } }`;

type Built = BuiltSpec & { warnings: Diagnostic[] };

async function build(name: string, files: Record<string, string>, root = "openapi.yaml"): Promise<Built> {
  const b = await buildSpec(`poly44-${name}`, name, files, root);
  return { ...b, warnings: b.diags.items.filter((d) => d.severity === "warning") };
}

/** The tool's published input schema (tools/list). */
function published(b: Built, tool: string): unknown {
  const t = b.doc.tools.find((x) => x.name === tool);
  if (!t) throw new Error(`no tool ${tool}`);
  return createPublisher(b.doc).input(t);
}

const PETS30 = `openapi: 3.0.3
info: { title: Zoo, version: "1" }
servers: [{ url: "https://zoo.example.com" }]
paths:
${post("dogs", "addDog", ref("Dog"))}
${post("tagged", "addTagged", ref("TaggedDog"))}
${post("either", "addEither", `{ oneOf: [${ref("Pet")}, ${ref("Cat")}], discriminator: { propertyName: petType } }`)}
${post("any", "addAny", `{ anyOf: [${ref("Pet")}, ${ref("Cat")}, ${ref("Dog")}] }`)}
components:
  schemas:
    Pet:
      type: object
      required: [petType, name]
      discriminator: { propertyName: petType }
      properties: { petType: { type: string }, name: { type: string } }
    Cat:
      allOf: [${ref("Pet")}, { type: object, properties: { huntingSkill: { type: string } } }]
    Dog:
      allOf: [${ref("Pet")}, { type: object, properties: { packSize: { type: integer } } }]
    Tagged:
      type: object
      required: [tag]
      discriminator: { propertyName: tag, mapping: { td: TaggedDog } }
      properties: { tag: { type: string } }
    TaggedDog:
      allOf: [${ref("Pet")}, ${ref("Tagged")}, { type: object, properties: { collar: { type: string } } }]
`;

describe("OpenAPI 3.0: a subtype named directly", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("pets30", { "openapi.yaml": PETS30 });
  });

  it("a leaf subtype is pinned to its own value: another subtype's value is refused", () => {
    expect(takes(b, "add_dog", { petType: "Dog", name: "Rex", packSize: 2 })).toEqual(both(true));
    expect(takes(b, "add_dog", { petType: "Cat", name: "Rex" })).toEqual(both(false));
    expect(takes(b, "add_dog", { petType: "Pet", name: "Rex" })).toEqual(both(false));
  });

  it("a subtype of two discriminated bases is pinned to both", () => {
    expect(takes(b, "add_tagged", { petType: "TaggedDog", tag: "td", name: "Rex" })).toEqual(both(true));
    expect(takes(b, "add_tagged", { petType: "Cat", tag: "td", name: "Rex" })).toEqual(both(false));
    expect(takes(b, "add_tagged", { petType: "TaggedDog", tag: "x", name: "Rex" })).toEqual(both(false));
  });

  it("an output naming the subtype stays open", () => {
    expect(output(b, "add_dog", { petType: "Wolf", name: "Rex" })).toBe(true);
  });

  it("an explicit oneOf of a base and its subtype lists each once, pinned", () => {
    expect(takes(b, "add_either", { body: { petType: "Cat", name: "Tom" } })).toEqual(both(true));
    expect(takes(b, "add_either", { body: { petType: "Pet", name: "Tom" } })).toEqual(both(true));
    // Dog extends Pet, but this oneOf's discriminator maps no value to it.
    expect(takes(b, "add_either", { body: { petType: "Dog", name: "Rex" } })).toEqual(both(false));
    const text = JSON.stringify(published(b, "add_either"));
    expect(text).not.toContain("packSize");
    expect(text.match(/huntingSkill/g)).toHaveLength(1);
  });

  it("an anyOf of a base and its subtypes (their discriminator inherited) lists each once", () => {
    expect(takes(b, "add_any", { body: { petType: "Dog", name: "Rex", packSize: 1 } })).toEqual(both(true));
    expect(takes(b, "add_any", { body: { petType: "Cat", name: "Tom" } })).toEqual(both(true));
    expect(takes(b, "add_any", { body: { petType: "Cow", name: "Daisy" } })).toEqual(both(false));
    const text = JSON.stringify(published(b, "add_any"));
    expect(text.match(/huntingSkill/g)).toHaveLength(1);
    expect(text.match(/packSize/g)).toHaveLength(1);
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    const r = await disagreements(b.dir);
    expect(r.examples).toEqual([]);
  });
});

/** Swagger 2.0, AutoRest's style: a subtype of a subtype, each selected by its `x-ms-discriminator-value`. */
const ARM20 = `swagger: "2.0"
info: { title: Arm, version: "1" }
host: arm.example.com
schemes: [https]
consumes: [application/json]
produces: [application/json]
paths:
  /locationRules:
    put:
      operationId: putLocationRule
      parameters: [{ name: rule, in: body, required: true, schema: { $ref: "#/definitions/LocationRule" } }]
      responses: { "200": { description: ok, schema: { $ref: "#/definitions/LocationRule" } } }
definitions:
  Rule:
    type: object
    required: [odata.type]
    discriminator: odata.type
    properties: { odata.type: { type: string }, name: { type: string } }
  ThresholdRule:
    x-ms-discriminator-value: Microsoft.ThresholdRule
    allOf: [{ $ref: "#/definitions/Rule" }]
    properties: { threshold: { type: number } }
  LocationRule:
    x-ms-discriminator-value: Microsoft.LocationRule
    allOf: [{ $ref: "#/definitions/ThresholdRule" }]
    properties: { regions: { type: array, items: { type: string } } }
`;

describe("Swagger 2.0: a nested subtype named directly", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("arm20", { "swagger.yaml": ARM20 }, "swagger.yaml");
  });

  it("is pinned to its own x-ms-discriminator-value; its parent's is refused", () => {
    const rule = { "odata.type": "Microsoft.LocationRule", name: "r", regions: ["eu"] };
    expect(takes(b, "put_location_rule", rule)).toEqual(both(true));
    expect(takes(b, "put_location_rule", { ...rule, "odata.type": "Microsoft.ThresholdRule" })).toEqual(
      both(false),
    );
    expect(output(b, "put_location_rule", { ...rule, "odata.type": "Microsoft.Other" })).toBe(true);
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

/** OpenAPI 3.1: a subtype as a `$ref` beside its own properties, one pinning itself with `const`. */
const EVENTS31 = `openapi: 3.1.0
info: { title: Events, version: "1" }
servers: [{ url: "https://events.example.com" }]
paths:
${post("created", "sendCreated", ref("UserCreated"))}
${post("deleted", "sendDeleted", ref("UserDeleted"))}
components:
  schemas:
    Event:
      type: object
      discriminator: { propertyName: type, mapping: { "user.created": UserCreated } }
      properties: { type: { type: string }, at: { type: string } }
    UserCreated:
      $ref: "#/components/schemas/Event"
      required: [user]
      properties: { user: { type: string } }
    UserDeleted:
      $ref: "#/components/schemas/Event"
      properties: { type: { const: user.deleted }, user: { type: string } }
`;

describe("OpenAPI 3.1: a subtype named directly", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("events31", { "openapi.yaml": EVENTS31 });
  });

  it("is pinned to its mapped value, or its own const; the discriminator is then required", () => {
    expect(takes(b, "send_created", { type: "user.created", user: "u" })).toEqual(both(true));
    expect(takes(b, "send_created", { type: "user.deleted", user: "u" })).toEqual(both(false));
    // The base does not require its discriminator property: an input naming a subtype must still say which it is.
    expect(takes(b, "send_created", { user: "u" })).toEqual(both(false));
    expect(takes(b, "send_deleted", { type: "user.deleted" })).toEqual(both(true));
    expect(takes(b, "send_deleted", { type: "UserDeleted" })).toEqual(both(false));
    expect(takes(b, "send_deleted", {})).toEqual(both(false));
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

/** A subtype whose schema cannot be converted (a `$ref` to nothing inside it). */
const BROKEN30 = `openapi: 3.0.3
info: { title: Zoo, version: "1" }
servers: [{ url: "https://zoo.example.com" }]
paths:
${post("pets", "addPet", ref("Pet"))}
components:
  schemas:
    Pet:
      type: object
      required: [petType]
      discriminator: { propertyName: petType, mapping: { cat: Cat, dog: Dog } }
      properties: { petType: { type: string } }
    Cat:
      allOf: [${ref("Pet")}, { type: object, properties: { toy: ${ref("Toy")} } }]
    Dog:
      allOf: [${ref("Pet")}, { type: object, properties: { packSize: { type: integer } } }]
`;

describe("a subtype whose conversion fails", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("broken30", { "openapi.yaml": BROKEN30 });
  });

  it("is a located warning saying which values the base's union then refuses, with the cause", () => {
    const said = b.warnings.filter((d) => d.code === "TW149");
    expect(said).toHaveLength(1);
    const [w] = said;
    expect(w?.source?.pointer).toBe("#/components/schemas/Cat");
    expect(w?.source?.line).toBe(18);
    expect(w?.message).toContain("subtype Cat is left out of the union an input naming Pet takes");
    expect(w?.message).toContain("TW131");
    expect(w?.message).toContain('"petType" "cat" is refused');
  });

  it("the union refuses the subtype's values and takes the others", () => {
    expect(takes(b, "add_pet", { body: { petType: "dog", packSize: 2 } })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "cat" } })).toEqual(both(false));
  });
});

// A discriminated base's mapping naming a schema the spec lacks was an error raised before any operation was
// converted, so `generate` wrote nothing: every operation lost, unrelated ones too. It costs that mapped value only.
describe("a mapping to a schema the spec lacks", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("missing-mapped", {
      "openapi.yaml": `openapi: 3.0.3
info: { title: Missing mapped, version: "1" }
servers: [{ url: https://pets.example.com }]
paths:
${post("pets", "addPet", ref("Pet"))}
  /other:
    get:
      operationId: getOther
      responses: { "200": { description: ok } }
components:
  schemas:
    Pet:
      type: object
      required: [petType]
      properties: { petType: { type: string }, name: { type: string } }
      discriminator:
        propertyName: petType
        mapping: { cow: "#/components/schemas/Cow", cat: "#/components/schemas/Cat" }
    Cat:
      allOf:
        - ${ref("Pet")}
        - { type: object, properties: { lives: { type: integer } } }
`,
    });
  });

  it("is a located warning; every operation is a tool; the other subtypes are taken and the missing one refused", () => {
    expect(b.doc.tools.map((t) => t.name).sort()).toEqual(["add_pet", "get_other"]);
    expect(b.warnings.map((w) => [w.code, w.source?.pointer, w.message])).toEqual([
      [
        "TW131",
        "#/components/schemas/Pet",
        '$ref "#/components/schemas/Cow" points at nothing: not read as a subtype of Pet or a base of it (a discriminator value mapped to it is refused)',
      ],
    ]);
    expect(takes(b, "add_pet", { body: { petType: "cat", lives: 9 } })).toEqual({
      zod: true,
      published: true,
    });
    expect(takes(b, "add_pet", { body: { petType: "cow" } })).toEqual({ zod: false, published: false });
  });
});
