import { beforeAll, describe, expect, it } from "vitest";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { type BuiltSpec, both, buildSpec, output, takes } from "../helpers/built-spec.js";

/**
 * Polymorphism by inheritance across files (see polymorphic-bases.test.ts for one file): a discriminated base's
 * subtypes may live in any file the spec reaches (`models/cat.yaml` extending `../base.yaml#/Pet`), and its
 * `mapping` may name a schema of another file (`./models/dog.yaml`, `other.json#/components/schemas/Dog`, a bare
 * name of a schema there). Before, only the root's `components/schemas` were read: the base took its own fields
 * alone and every subtype's were refused, with no diagnostic.
 */

interface Built extends BuiltSpec {
  warnings: ReturnType<BuiltSpec["diags"]["items"]["filter"]>;
}

async function build(name: string, files: Record<string, string>, root: string): Promise<Built> {
  const b = await buildSpec(`poly45-${name}`, name, files, root);
  return { ...b, warnings: b.diags.items.filter((d) => d.severity === "warning") };
}

function published(b: Built, tool: string): string {
  const t = b.doc.tools.find((x) => x.name === tool);
  if (!t) throw new Error(`no tool ${tool}`);
  return JSON.stringify(createPublisher(b.doc).input(t));
}

/** The discriminator values the union an input takes lists, in its description ("One of Pet's 3 kinds ..."). */
function kinds(b: Built, tool: string): string {
  const text = published(b, tool).replace(/\\"/g, '"');
  return /One of [^']+'s \d+ kinds, chosen by [^:]+: ((?:"[^"]*"(?:, )?)+)\./.exec(text)?.[1] ?? "(no union)";
}

const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;
const post = (path: string, id: string, schema: string) => `  /${path}:
    post:
      operationId: ${id}
      requestBody: { required: true, ${json(schema)} }
      responses: { "200": { description: ok, ${json(schema)} } }`;

// OpenAPI 3.0, YAML: the base in a file of several schemas, named by a root component; subtypes in a folder, one
// named by a root component, one by the base's mapping only (a file reference), one beside the base in its file,
// one in a nested folder extending one of them, one reached through two names (a root component and the mapping).
const ZOO30 = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Zoo, version: "1" }
servers: [{ url: "https://zoo.example.com" }]
paths:
${post("pets", "addPet", `{ $ref: "#/components/schemas/Pet" }`)}
${post("cats", "addCat", `{ $ref: "#/components/schemas/Cat" }`)}
${post("direct", "addDirect", `{ $ref: "./base.yaml#/Pet" }`)}
components:
  schemas:
    Pet: { $ref: "./base.yaml#/Pet" }
    Cat: { $ref: "./models/cat.yaml" }
    Puppy: { $ref: "./models/deep/puppy.yaml" }
`,
  "base.yaml": `Pet:
  type: object
  required: [petType, name]
  discriminator:
    propertyName: petType
    mapping: { cat: "./models/cat.yaml", dog: "./models/dog.yaml#/Dog", fish: Fish }
  properties: { petType: { type: string }, name: { type: string } }
Fish:
  allOf: [{ $ref: "#/Pet" }, { type: object, properties: { fins: { type: integer } } }]
`,
  "models/cat.yaml": `allOf:
  - $ref: ../base.yaml#/Pet
  - type: object
    properties: { huntingSkill: { type: string } }
`,
  "models/dog.yaml": `Dog:
  allOf:
    - $ref: "../base.yaml#/Pet"
    - type: object
      properties: { packSize: { type: integer } }
`,
  "models/deep/puppy.yaml": `allOf:
  - $ref: ../dog.yaml#/Dog
  - type: object
    properties: { ageWeeks: { type: integer } }
`,
};

describe("OpenAPI 3.0 (YAML): subtypes in other files", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("zoo30", ZOO30, "openapi.yaml");
  });

  it("the base named by a root component is the union of every subtype in the files the spec reaches, each once", () => {
    // cat.yaml is reached by two names (the root's Cat and the mapping's file): one member. Order: the root's
    // components, then the other files' schemas as the references reach them; the base first.
    expect(kinds(b, "add_pet")).toBe('"Pet", "fish", "cat", "Puppy", "dog"');
    expect(takes(b, "add_pet", { body: { petType: "cat", name: "Tom", huntingSkill: "lazy" } })).toEqual(
      both(true),
    );
    expect(takes(b, "add_pet", { body: { petType: "dog", name: "Rex", packSize: 3 } })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "fish", name: "Nemo", fins: 2 } })).toEqual(both(true));
    // Puppy (models/deep/, extending ../dog.yaml#/Dog) by its root component's name, the implicit value.
    expect(takes(b, "add_pet", { body: { petType: "Puppy", name: "Bit", ageWeeks: 9 } })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "Puppy", name: "Bit", ageWeeks: "young" } })).toEqual(
      both(false),
    );
    expect(takes(b, "add_pet", { body: { petType: "Pet", name: "Any" } })).toEqual(both(true));
    // Each member is pinned: a subtype's field under another subtype's value is that subtype's (open) field, but
    // its type still holds where the value selects it.
    expect(takes(b, "add_pet", { body: { petType: "dog", name: "Rex", packSize: "many" } })).toEqual(
      both(false),
    );
    expect(takes(b, "add_pet", { body: { petType: "cow", name: "Daisy" } })).toEqual(both(false));
  });

  it("the base named by its file reference directly is the same union", () => {
    expect(kinds(b, "add_direct")).toBe('"Pet", "fish", "cat", "Puppy", "dog"');
    expect(takes(b, "add_direct", { body: { petType: "fish", name: "Nemo", fins: 1 } })).toEqual(both(true));
  });

  it("a subtype in another file named directly is pinned to its mapped value", () => {
    expect(takes(b, "add_cat", { petType: "cat", name: "Tom" })).toEqual(both(true));
    expect(takes(b, "add_cat", { petType: "dog", name: "Tom" })).toEqual(both(false));
  });

  it("outputs stay open: a subtype no file lists is no drift", () => {
    expect(output(b, "add_pet", { petType: "parrot", name: "Polly", words: 40 })).toBe(true);
  });

  it("no warnings", () => {
    expect(b.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([]);
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// OpenAPI 3.1, JSON: the base in the root; a subtype as a `$ref` to it beside its own properties in another file; a
// mapping into another OpenAPI document's components (by reference and by a bare name only that document has);
// a subtype file with its own discriminated base; a mapping to a file that does not exist.
const PETS31 = {
  "openapi.json": JSON.stringify({
    openapi: "3.1.0",
    info: { title: "Pets", version: "1" },
    servers: [{ url: "https://pets.example.com" }],
    paths: {
      "/pets": {
        post: {
          operationId: "addPet",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Pet" } } },
          },
          responses: { "200": { description: "ok" } },
        },
      },
    },
    components: {
      schemas: {
        Pet: {
          type: "object",
          required: ["petType"],
          discriminator: {
            propertyName: "petType",
            mapping: {
              cat: "./models/cat.json",
              dog: "other.json#/components/schemas/Dog",
              bird: "Bird",
              ghost: "./models/ghost.json",
            },
          },
          properties: { petType: { type: "string" }, name: { type: "string" } },
        },
      },
    },
  }),
  "models/cat.json": JSON.stringify({
    $ref: "../openapi.json#/components/schemas/Pet",
    required: ["lives"],
    properties: { lives: { type: "integer" }, catKind: { type: "string" } },
    discriminator: { propertyName: "catKind" },
  }),
  "models/kitten.json": JSON.stringify({
    allOf: [{ $ref: "./cat.json" }, { type: "object", properties: { ageWeeks: { type: "integer" } } }],
  }),
  "other.json": JSON.stringify({
    openapi: "3.1.0",
    info: { title: "Other", version: "1" },
    paths: {},
    components: {
      schemas: {
        Dog: {
          allOf: [
            { $ref: "openapi.json#/components/schemas/Pet" },
            { properties: { packSize: { type: "integer" } } },
          ],
        },
        Bird: {
          allOf: [
            { $ref: "openapi.json#/components/schemas/Pet" },
            { properties: { wingspan: { type: "number" } } },
          ],
        },
        Nest: { type: "object", properties: { kitten: { $ref: "./models/kitten.json" } } },
      },
    },
  }),
};

describe("OpenAPI 3.1 (JSON): mappings into other files", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("pets31", PETS31, "openapi.json");
  });

  it("each mapping value is read as the loader reads a $ref: a file, another document's component, a bare name", () => {
    expect(kinds(b, "add_pet")).toBe('"Pet", "cat", "dog", "bird", "kitten"');
    expect(takes(b, "add_pet", { body: { petType: "cat", lives: 9 } })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "cat" } })).toEqual(both(false));
    expect(takes(b, "add_pet", { body: { petType: "dog", packSize: 2 } })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "bird", wingspan: 0.5 } })).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "bird", wingspan: "wide" } })).toEqual(both(false));
  });

  it("a subtype with a discriminated base of its own brings its subtypes, pinned by both properties", () => {
    expect(
      takes(b, "add_pet", { body: { petType: "kitten", catKind: "kitten", lives: 9, ageWeeks: 3 } }),
    ).toEqual(both(true));
    expect(takes(b, "add_pet", { body: { petType: "kitten", catKind: "other", lives: 9 } })).toEqual(
      both(false),
    );
  });

  it("a mapping to a file that is not there is a located warning (TW100, as for a $ref); the value is refused", () => {
    expect(b.warnings.map((w) => [w.code, w.source?.file?.endsWith("openapi.json")])).toEqual([
      ["TW100", true],
    ]);
    expect(b.warnings[0]?.message).toContain("ghost.json: no such file: not read as a subtype of Pet");
    expect(takes(b, "add_pet", { body: { petType: "ghost" } })).toEqual(both(false));
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// Swagger 2.0, YAML: subtypes in another file (a file of definitions, its own discriminator written 2.0's way).
const ARM20 = {
  "swagger.yaml": `swagger: "2.0"
info: { title: Arm, version: "1" }
host: arm.example.com
schemes: [https]
consumes: [application/json]
produces: [application/json]
paths:
  /rules:
    put:
      operationId: putRule
      parameters: [{ name: rule, in: body, required: true, schema: { $ref: "#/definitions/Rule" } }]
      responses: { "200": { description: ok } }
  /shapes:
    put:
      operationId: putShape
      parameters: [{ name: shape, in: body, required: true, schema: { $ref: "./defs/shapes.yaml#/definitions/Shape" } }]
      responses: { "200": { description: ok } }
definitions:
  Rule:
    type: object
    required: [odata.type]
    discriminator: odata.type
    properties: { odata.type: { type: string }, name: { type: string } }
  ThresholdRule: { $ref: "./defs/rules.yaml#/definitions/ThresholdRule" }
`,
  "defs/rules.yaml": `definitions:
  ThresholdRule:
    x-ms-discriminator-value: Microsoft.ThresholdRule
    allOf: [{ $ref: "../swagger.yaml#/definitions/Rule" }]
    properties: { threshold: { type: number } }
  LocationRule:
    x-ms-discriminator-value: Microsoft.LocationRule
    allOf: [{ $ref: "#/definitions/ThresholdRule" }]
    properties: { regions: { type: array, items: { type: string } } }
`,
  "defs/shapes.yaml": `definitions:
  Shape:
    type: object
    required: [kind]
    discriminator: kind
    properties: { kind: { type: string } }
  Circle:
    allOf: [{ $ref: "#/definitions/Shape" }]
    properties: { radius: { type: number } }
`,
};

describe("Swagger 2.0 (YAML): subtypes in other files", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("arm20", ARM20, "swagger.yaml");
  });

  it("a root base takes the subtypes of a definitions file, each by its x-ms-discriminator-value", () => {
    expect(kinds(b, "put_rule")).toBe('"Rule", "Microsoft.ThresholdRule", "Microsoft.LocationRule"');
    const rule = { "odata.type": "Microsoft.LocationRule", name: "r", regions: ["eu"] };
    expect(takes(b, "put_rule", { body: rule })).toEqual(both(true));
    expect(takes(b, "put_rule", { body: { ...rule, regions: "eu" } })).toEqual(both(false));
    expect(takes(b, "put_rule", { body: { ...rule, "odata.type": "Microsoft.Other" } })).toEqual(both(false));
  });

  it("a base in another file, its discriminator written 2.0's way, takes its subtypes there", () => {
    expect(kinds(b, "put_shape")).toBe('"Shape", "Circle"');
    expect(takes(b, "put_shape", { body: { kind: "Circle", radius: 2 } })).toEqual(both(true));
    expect(takes(b, "put_shape", { body: { kind: "Circle", radius: "big" } })).toEqual(both(false));
  });

  it("no warnings; the zod schemas and the published JSON Schema agree", async () => {
    expect(b.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([]);
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// Siblings: a cycle of allOf between two files; a mapping to nothing in a base of another file (bare name).
const CYCLE = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Cycle, version: "1" }
servers: [{ url: "https://cycle.example.com" }]
paths:
${post("things", "addThing", `{ $ref: "./a.yaml#/Thing" }`)}
`,
  "a.yaml": `Thing:
  type: object
  required: [kind]
  discriminator: { propertyName: kind, mapping: { b: "./b.yaml#/B", ghost: Ghost } }
  properties: { kind: { type: string } }
A:
  allOf: [{ $ref: "#/Thing" }, { $ref: "./b.yaml#/B" }, { properties: { a: { type: string } } }]
`,
  "b.yaml": `B:
  allOf: [{ $ref: "./a.yaml#/Thing" }, { $ref: "./a.yaml#/A" }, { properties: { b: { type: string } } }]
`,
};

describe("siblings: a cycle between files, a bare mapping name no file has", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("cycle", CYCLE, "openapi.yaml");
  });

  it("generates; each subtype once; the missing name is a TW131 warning located at the mapping", () => {
    expect(b.doc.tools.map((t) => t.name)).toEqual(["add_thing"]);
    const w = b.warnings.filter((x) => x.code === "TW131");
    expect(w).toHaveLength(1);
    expect(w[0]?.source?.file).toMatch(/a\.yaml$/);
    expect(w[0]?.source?.line).toBe(4);
    expect(w[0]?.message).toContain('"Ghost"');
    expect(takes(b, "add_thing", { body: { kind: "ghost" } })).toEqual(both(false));
  });

  it("the zod schemas and the published JSON Schema agree", async () => {
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// A discriminated oneOf written in another file, its mapping naming its variants by bare name: the names are its
// variants' (OpenAPI's component names), not components of that file, which has none.
const ONEOF = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Shapes, version: "1" }
servers: [{ url: "https://shapes.example.com" }]
paths:
${post("shapes", "addShape", `{ $ref: "./shapes.yaml#/Shape" }`)}
`,
  "shapes.yaml": `Shape:
  oneOf: [{ $ref: "#/Circle" }, { $ref: "./square.yaml" }]
  discriminator: { propertyName: kind, mapping: { round: Circle, boxy: square } }
Circle:
  type: object
  required: [kind]
  properties: { kind: { type: string }, radius: { type: number } }
`,
  "square.yaml": `type: object
required: [kind]
properties: { kind: { type: string }, side: { type: number } }
`,
};

describe("a discriminated oneOf in another file, mapped by bare names", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("oneof", ONEOF, "openapi.yaml");
  });

  it("each name selects the variant it names; no operation is lost", () => {
    expect(b.doc.tools.map((t) => t.name)).toEqual(["add_shape"]);
    expect(takes(b, "add_shape", { body: { kind: "round", radius: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "boxy", side: 2 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "round", radius: "big" } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "blob" } })).toEqual(both(false));
    expect(b.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([]);
  });
});
