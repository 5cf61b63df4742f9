import { beforeAll, describe, expect, it } from "vitest";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { type BuiltSpec, both, buildSpec, output, takes } from "../helpers/built-spec.js";

/**
 * Polymorphism by inheritance: a base schema declares a `discriminator` and no `oneOf`/`anyOf`; its subtypes are
 * other components that extend it (`allOf: [{$ref: Base}, {...}]`, a 3.1 `$ref` beside properties), named by
 * `discriminator.mapping`, by their component name, or by AutoRest's `x-ms-discriminator-value`. An input naming
 * the base takes any subtype (base fields and its own, the discriminator pinned to its values); an output keeps the
 * base, open, so a subtype the spec does not list yet is no drift. Before, an input naming the base took the
 * base's fields alone: every subtype's own fields were refused, the subtypes unsendable.
 */

const ref = (name: string) => `{ $ref: "#/components/schemas/${name}" }`;
const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;

const OAS30 = `openapi: 3.0.3
info: { title: Zoo, version: "1" }
servers: [{ url: "https://zoo.example.com" }]
paths:
  /pets:
    post:
      operationId: addPet
      requestBody: { required: true, ${json(ref("Pet"))} }
      responses: { "200": { description: ok, ${json(ref("Pet"))} } }
  /cats:
    post:
      operationId: addCat
      requestBody: { required: true, ${json(ref("Cat"))} }
      responses: { "204": { description: ok } }
  /dogs:
    post:
      operationId: addDog
      requestBody: { required: true, ${json(ref("Dog"))} }
      responses: { "204": { description: ok } }
  /owners:
    post:
      operationId: addOwner
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [owner, pets]
              properties:
                owner: { type: string }
                pets: { type: array, items: ${ref("Pet")} }
      responses: { "204": { description: ok } }
  /shapes:
    post:
      operationId: addShape
      requestBody: { required: true, ${json(ref("Shape"))} }
      responses: { "204": { description: ok } }
  /nodes:
    post:
      operationId: addNode
      requestBody: { required: true, ${json(ref("Node"))} }
      responses: { "200": { description: ok, ${json(ref("Node"))} } }
components:
  schemas:
    Pet:
      type: object
      required: [petType, name]
      discriminator: { propertyName: petType }
      properties:
        petType: { type: string }
        name: { type: string }
    Cat:
      allOf:
        - ${ref("Pet")}
        - type: object
          required: [huntingSkill]
          properties: { huntingSkill: { type: string, enum: [lazy, aggressive] } }
    Kitten:
      description: A cat under a year, a subtype of a subtype.
      allOf:
        - ${ref("Cat")}
        - type: object
          required: [ageWeeks]
          properties: { ageWeeks: { type: integer, minimum: 0 } }
    Dog:
      allOf:
        - ${ref("Pet")}
        - type: object
          properties: { packSize: { type: integer, minimum: 0 } }
    Shape:
      type: object
      required: [kind]
      discriminator:
        propertyName: kind
        mapping: { circle: "#/components/schemas/Circle", sq: Square, square: Square }
      properties: { kind: { type: string } }
    Circle:
      allOf: [${ref("Shape")}, { type: object, required: [radius], properties: { radius: { type: number } } }]
    Square:
      allOf: [${ref("Shape")}, { type: object, required: [side], properties: { side: { type: number } } }]
    Node:
      type: object
      required: [type]
      discriminator: { propertyName: type }
      properties:
        type: { type: string, enum: [Leaf, Branch] }
        children: { type: array, items: ${ref("Node")} }
    Leaf:
      allOf: [${ref("Node")}, { type: object, required: [value], properties: { value: { type: string } } }]
    Branch:
      allOf: [${ref("Node")}, { type: object, properties: { parent: ${ref("Node")}, label: { type: string } } }]
`;

/** Swagger 2.0 in AutoRest's style: `discriminator: kind`, values in `x-ms-discriminator-value`, a concrete base. */
const SWAGGER2 = `swagger: "2.0"
info: { title: Arm, version: "1" }
host: arm.example.com
schemes: [https]
paths:
  /rules:
    put:
      operationId: putRule
      consumes: [application/json]
      produces: [application/json]
      parameters:
        - { name: rule, in: body, required: true, schema: { $ref: "#/definitions/Rule" } }
      responses: { "200": { description: ok, schema: { $ref: "#/definitions/Rule" } } }
definitions:
  Rule:
    type: object
    required: [odata.type]
    discriminator: odata.type
    x-ms-discriminator-value: Microsoft.Rule
    properties:
      odata.type: { type: string }
      name: { type: string }
  ThresholdRule:
    x-ms-discriminator-value: Microsoft.Azure.Management.Insights.Models.ThresholdRuleCondition
    allOf: [{ $ref: "#/definitions/Rule" }]
    required: [threshold]
    properties: { threshold: { type: number } }
  LocationRule:
    x-ms-discriminator-value: Microsoft.LocationRule
    allOf: [{ $ref: "#/definitions/ThresholdRule" }]
    properties: { regions: { type: array, items: { type: string } } }
`;

/** OpenAPI 3.1: a subtype written as a \`$ref\` beside properties of its own (JSON Schema 2020-12). */
const OAS31 = `openapi: 3.1.0
info: { title: Events, version: "1" }
servers: [{ url: "https://events.example.com" }]
paths:
  /events:
    post:
      operationId: sendEvent
      requestBody: { required: true, ${json(ref("Event"))} }
      responses: { "204": { description: ok } }
components:
  schemas:
    Event:
      type: object
      required: [type]
      discriminator: { propertyName: type, mapping: { "user.created": UserCreated } }
      properties: { type: { type: string }, at: { type: string, format: date-time } }
    UserCreated:
      $ref: "#/components/schemas/Event"
      required: [user]
      properties: { user: { type: string } }
    Ping:
      allOf: [${ref("Event")}]
`;

/** A base with many subtypes, each with many fields: the published union must stay within the input budget. */
function manySubtypes(count: number): string {
  const subtypes = Array.from({ length: count }, (_, i) => {
    const props = Array.from(
      { length: 12 },
      (_, j) =>
        `field${j}: { type: string, description: "Field ${j} of variant ${i}, described at some length." }`,
    ).join(", ");
    return `    Variant${i}:\n      allOf: [${ref("Thing")}, { type: object, properties: { ${props} } }]`;
  }).join("\n");
  return `openapi: 3.0.3
info: { title: Many, version: "1" }
servers: [{ url: "https://many.example.com" }]
paths:
  /things:
    post:
      operationId: addThing
      requestBody: { required: true, ${json(ref("Thing"))} }
      responses: { "204": { description: ok } }
components:
  schemas:
    Thing:
      type: object
      required: [kind]
      discriminator: { propertyName: kind }
      properties: { kind: { type: string } }
${subtypes}
`;
}

type Built = BuiltSpec;

const build = (name: string, spec: string, file = "openapi.yaml"): Promise<Built> =>
  buildSpec(`poly-${name}`, name, { [file]: spec }, file);

describe("a discriminated base without oneOf, used as a request body (OpenAPI 3.0)", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("zoo", OAS30);
  });

  it("takes each subtype whole, its discriminator pinned to the subtype's name (implicit mapping)", () => {
    const cat = { petType: "Cat", name: "Tom", huntingSkill: "lazy" };
    expect(takes(b, "add_pet", { body: cat })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "Dog", name: "Rex", packSize: 3 } })).toEqual(both(true));
    // A subtype of a subtype is one of the base's too, with its own fields and its parent's.
    const kitten = { petType: "Kitten", name: "Bit", huntingSkill: "aggressive", ageWeeks: 9 };
    expect(takes(b, "add_pet", { body: kitten })).toEqual(both(true));
    // The base by its own name (the implicit mapping names every schema, the base among them).
    expect(takes(b, "add_pet", { body: { petType: "Pet", name: "Any" } })).toEqual(both(true));
  });

  it("refuses a value no subtype is selected by, and a subtype without its own required fields", () => {
    expect(takes(b, "add_pet", { body: { petType: "Cow", name: "Daisy" } })).toEqual(both(false));
    expect(takes(b, "add_pet", { body: { petType: "Cat", name: "Tom" } })).toEqual(both(false));
    expect(takes(b, "add_pet", { body: { petType: "Kitten", name: "Bit", huntingSkill: "lazy" } })).toEqual(
      both(false),
    );
    expect(takes(b, "add_pet", { body: { petType: "Cat", name: "Tom", huntingSkill: "sleepy" } })).toEqual(
      both(false),
    );
  });

  it("a subtype named directly takes itself and its own subtypes; a leaf stays itself", () => {
    expect(takes(b, "add_cat", { body: { petType: "Cat", name: "Tom", huntingSkill: "lazy" } })).toEqual(
      both(true),
    );
    const kitten = { petType: "Kitten", name: "Bit", huntingSkill: "lazy", ageWeeks: 9 };
    expect(takes(b, "add_cat", { body: kitten })).toEqual(both(true));
    expect(takes(b, "add_cat", { body: { petType: "Dog", name: "Rex", huntingSkill: "lazy" } })).toEqual(
      both(false),
    );
    // Dog has no subtypes: its fields are the tool's arguments, as before.
    expect(takes(b, "add_dog", { petType: "Dog", name: "Rex", packSize: 2 })).toEqual(both(true));
  });

  it("a base named inside a body (an array's items) takes its subtypes there", () => {
    const pets = [
      { petType: "Cat", name: "Tom", huntingSkill: "lazy" },
      { petType: "Dog", name: "Rex" },
    ];
    expect(takes(b, "add_owner", { owner: "Ann", pets })).toEqual(both(true));
    expect(takes(b, "add_owner", { owner: "Ann", pets: [{ petType: "Cow", name: "D" }] })).toEqual(
      both(false),
    );
  });

  it("an explicit mapping selects by its values, several to one schema", () => {
    expect(takes(b, "add_shape", { body: { kind: "circle", radius: 2 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "sq", side: 2 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "square", side: 2 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Circle", radius: 2 } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "Shape" } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "circle", side: 2 } })).toEqual(both(false));
  });

  it("a cycle through the base (its own property, a subtype's) takes subtypes at every level", () => {
    const tree = {
      type: "Branch",
      label: "root",
      children: [
        { type: "Leaf", value: "a" },
        { type: "Branch", children: [{ type: "Leaf", value: "b" }] },
      ],
      parent: { type: "Leaf", value: "up" },
    };
    expect(takes(b, "add_node", { body: tree })).toEqual(both(true));
    // Where the schema recurses, the published schema describes the value instead of constraining it (the
    // projection's rule); the server's own check refuses it.
    expect(takes(b, "add_node", { body: { type: "Branch", children: [{ type: "Leaf" }] } }).zod).toBe(false);
    expect(takes(b, "add_node", { body: { type: "Branch", children: [{ type: "Node" }] } }).zod).toBe(false);
    // The base's property lists its subtypes' values only: it is abstract.
    expect(takes(b, "add_node", { body: { type: "Node" } })).toEqual(both(false));
  });

  it("an output naming the base stays the base, open: a subtype the spec does not list is no drift", () => {
    expect(output(b, "add_pet", { petType: "Cat", name: "Tom", huntingSkill: "lazy" })).toBe(true);
    expect(output(b, "add_pet", { petType: "Parrot", name: "Polly", words: 40 })).toBe(true);
    expect(output(b, "add_pet", { petType: "Parrot" })).toBe(false);
    expect(
      output(b, "add_node", { type: "Leaf", children: [{ type: "Branch", value: 1, extra: true }] }),
    ).toBe(true);
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    const r = await disagreements(b.dir);
    expect(r.checked).toBeGreaterThan(50);
    expect(r.examples).toEqual([]);
  });
});

describe("Swagger 2.0 with x-ms-discriminator-value (AutoRest)", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("arm", SWAGGER2, "swagger.yaml");
  });

  it("takes each subtype by its x-ms-discriminator-value, and the base by its own", () => {
    const threshold = {
      "odata.type": "Microsoft.Azure.Management.Insights.Models.ThresholdRuleCondition",
      name: "high",
      threshold: 0.9,
    };
    expect(takes(b, "put_rule", { body: threshold })).toEqual(both(true));
    const location = { "odata.type": "Microsoft.LocationRule", threshold: 1, regions: ["westeurope"] };
    expect(takes(b, "put_rule", { body: location })).toEqual(both(true));
    expect(takes(b, "put_rule", { body: { "odata.type": "Microsoft.Rule", name: "plain" } })).toEqual(
      both(true),
    );
    expect(takes(b, "put_rule", { body: { "odata.type": "ThresholdRule", threshold: 1 } })).toEqual(
      both(false),
    );
    expect(takes(b, "put_rule", { body: { "odata.type": "Microsoft.LocationRule", regions: [] } })).toEqual(
      both(false),
    );
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    const r = await disagreements(b.dir);
    expect(r.examples).toEqual([]);
  });
});

describe("OpenAPI 3.1: a subtype as a $ref beside its own properties", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("events", OAS31);
  });

  it("takes the subtype by its mapped value, and one extending by allOf by its name", () => {
    expect(takes(b, "send_event", { body: { type: "user.created", user: "u1" } })).toEqual(both(true));
    expect(takes(b, "send_event", { body: { type: "user.created" } })).toEqual(both(false));
    expect(takes(b, "send_event", { body: { type: "Ping" } })).toEqual(both(true));
    expect(takes(b, "send_event", { body: { type: "UserCreated", user: "u1" } })).toEqual(both(false));
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    const r = await disagreements(b.dir);
    expect(r.examples).toEqual([]);
  });
});

describe("a base with many subtypes", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("many", manySubtypes(150));
  });

  it("over the input budget, publishes the union open with a description saying what chooses; the server checks", () => {
    const tool = b.doc.tools.find((t) => t.name === "add_thing");
    if (!tool) throw new Error("no tool");
    const published = createPublisher(b.doc).input(tool);
    expect(Buffer.byteLength(JSON.stringify(published))).toBeLessThan(8 * 1024);
    const body = (published.properties as Record<string, { description?: string }>).body;
    expect(body?.description).toMatch(/^One of Thing's 151 kinds, chosen by "kind"/);
    expect(takes(b, "add_thing", { body: { kind: "Variant149", field3: "x" } })).toEqual(both(true));
    expect(takes(b, "add_thing", { body: { kind: "Variant7", field1: 5 } }).zod).toBe(false);
    expect(takes(b, "add_thing", { body: { kind: "Variant150" } }).zod).toBe(false);
  });

  it("within the budget, publishes every subtype", async () => {
    const few = await build("few", manySubtypes(4));
    const tool = few.doc.tools.find((t) => t.name === "add_thing");
    if (!tool) throw new Error("no tool");
    const text = JSON.stringify(createPublisher(few.doc).input(tool));
    for (let i = 0; i < 4; i++) expect(text).toContain(`"const":"Variant${i}"`);
    expect(takes(few, "add_thing", { body: { kind: "Variant4" } })).toEqual(both(false));
  });
});
