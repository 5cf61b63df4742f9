import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { type BuiltSpec, both, buildSpec, takes } from "../helpers/built-spec.js";

/**
 * Schemas that are whole files (`$ref: ./models/square.yaml`, no pointer). Before, each was declared under its
 * pointer's last segment, `#`, so the catalog's schema table, its TypeScript and CATALOG.md named them `Schema`,
 * `Schema2`, ... (`ShapeSubtypes` was `SchemaSubtypes`); a root component naming one (`Circle: {$ref:
 * ./models/circle.yaml}`) was an alias of a second symbol (`Circle = Schema2`); a oneOf's implicit discriminator
 * value for such a variant was `square.yaml`. Now a whole-file schema is named as its discriminator value is by
 * default: by the root component naming it, else by its file's name.
 */

interface Built extends BuiltSpec {
  warnings: ReturnType<BuiltSpec["diags"]["items"]["filter"]>;
}

async function build(name: string, files: Record<string, string>, root: string): Promise<Built> {
  const b = await buildSpec(`poly46-${name}`, name, files, root);
  return { ...b, warnings: b.diags.items.filter((d) => d.severity === "warning") };
}

/** The names the generated TypeScript exports for the catalog's schemas, in order. */
function exported(b: Built): string[] {
  const ts = readFileSync(join(b.dir, "schemas.gen.ts"), "utf8");
  return [...ts.matchAll(/^export const (\w+) = /gm)].map((m) => m[1] as string).filter((n) => n !== "tools");
}

function kinds(b: Built, tool: string): string {
  const t = b.doc.tools.find((x) => x.name === tool);
  if (!t) throw new Error(`no tool ${tool}`);
  const text = JSON.stringify(createPublisher(b.doc).input(t)).replace(/\\"/g, '"');
  return /One of [^']+'s \d+ kinds, chosen by [^:]+: ((?:"[^"]*"(?:, )?)+)\./.exec(text)?.[1] ?? "(no union)";
}

const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;

// OpenAPI 3.0, YAML: a discriminated base that is a whole file, its subtypes whole files (one named by a root
// component, one referenced directly, one nothing references); files of the same name in two folders, names that
// are no identifiers, one reached through a URL-encoded path, a whole-file schema that is a $ref to another file.
const SHAPES30 = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Shapes, version: "1" }
servers: [{ url: "https://shapes.example.com" }]
paths:
  /shapes:
    post:
      operationId: addShape
      requestBody: { required: true, ${json(`{ $ref: "./models/shape.yaml" }`)} }
      responses: { "200": { description: ok, ${json(`{ $ref: "#/components/schemas/Circle" }`)} } }
  /squares:
    post:
      operationId: addSquare
      requestBody: { required: true, ${json(`{ $ref: "./models/square.yaml" }`)} }
      responses: { "200": { description: ok } }
  /things:
    post:
      operationId: addThings
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                a: { $ref: "./models/a/pet.yaml" }
                b: { $ref: "./models/b/pet.yaml" }
                v2: { $ref: "./models/pet-v2.yaml" }
                tfa: { $ref: "./models/2fa.yaml" }
                u: { $ref: "./models/%C3%BCn%C3%AFcode.yaml" }
                alias: { $ref: "./models/alias.yaml" }
      responses: { "200": { description: ok } }
components:
  schemas:
    Circle: { $ref: "./models/circle.yaml" }
`,
  "models/shape.yaml": `type: object
required: [kind]
discriminator: { propertyName: kind }
properties: { kind: { type: string } }
`,
  "models/circle.yaml": `allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { radius: { type: number } } }]
`,
  "models/square.yaml": `title: A square
allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { side: { type: number } } }]
`,
  "models/hexagon.yaml": `allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { edge: { type: number } } }]
`,
  "models/a/pet.yaml": "type: object\nproperties: { name: { type: string } }\n",
  "models/b/pet.yaml": "type: object\nproperties: { legs: { type: integer } }\n",
  "models/pet-v2.yaml": "type: object\nproperties: { chip: { type: string } }\n",
  "models/2fa.yaml": "type: object\nproperties: { code: { type: string } }\n",
  "models/ünïcode.yaml": "type: object\nproperties: { glyph: { type: string } }\n",
  "models/alias.yaml": "$ref: ./square.yaml\n",
};

describe("OpenAPI 3.0 (YAML): schemas that are whole files", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("shapes30", SHAPES30, "openapi.yaml");
  });

  it("each is named after the root component naming it, else its file; none is Schema<n>", () => {
    expect(exported(b)).toEqual([
      "Pet",
      "Pet2",
      "PetV2",
      "S2fa",
      "Shape",
      "Square",
      "SquarePinned",
      "Unicode",
      "Circle",
      "ShapeSubtypes",
    ]);
    expect(Object.keys(b.doc.schemas ?? {}).sort()).toEqual(
      [
        "2fa",
        "Circle",
        "pet",
        "pet-v2",
        "pet2",
        "shape",
        "shapeSubtypes",
        "square",
        "squarePinned",
        "unicode",
      ].sort(),
    );
  });

  it("CATALOG.md says the same names", () => {
    const md = readFileSync(join(b.dir, "CATALOG.md"), "utf8");
    expect(md).toContain("| `body` | ShapeSubtypes | yes |");
    expect(md).toContain("Returns: Circle");
    expect(md).toContain("| `v2` | PetV2 | no |");
    expect(md).not.toMatch(/\bSchema\d*\b/);
  });

  it("a subtype's default discriminator value is the same name: the component's, else the file's", () => {
    // hexagon.yaml extends the base, but nothing the spec references reaches it: not part of the spec.
    expect(kinds(b, "add_shape")).toBe('"shape", "square", "Circle"');
    expect(takes(b, "add_shape", { body: { kind: "Circle", radius: 2 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Circle", radius: "big" } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "square", side: 2 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "square", side: "big" } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "hexagon", edge: 1 } })).toEqual(both(false));
    expect(takes(b, "add_square", { kind: "square", side: 1 })).toEqual(both(true));
    expect(takes(b, "add_square", { kind: "Circle", side: 1 })).toEqual(both(false));
  });

  it("every file's schema is read, and the one reached through an alias file is it", () => {
    const args = {
      a: { name: "Rex" },
      b: { legs: 4 },
      v2: { chip: "x" },
      tfa: { code: "123" },
      u: { glyph: "ü" },
      alias: { kind: "square", side: 1 },
    };
    expect(takes(b, "add_things", args)).toEqual(both(true));
    expect(takes(b, "add_things", { ...args, b: { legs: "four" } })).toEqual(both(false));
    expect(takes(b, "add_things", { ...args, u: { glyph: 1 } })).toEqual(both(false));
    expect(takes(b, "add_things", { ...args, alias: { kind: "square", side: "big" } })).toEqual(both(false));
  });

  it("no warnings; the zod schemas and the published JSON Schema agree", async () => {
    expect(b.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([]);
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// OpenAPI 3.1, JSON: a oneOf of whole files and a component, discriminated without a mapping; a file named by a
// root component and by the oneOf.
const SHAPES31 = {
  "openapi.json": JSON.stringify({
    openapi: "3.1.0",
    info: { title: "Shapes", version: "1" },
    servers: [{ url: "https://shapes.example.com" }],
    paths: {
      "/shapes": {
        post: {
          operationId: "addShape",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { $ref: "./models/square.json" },
                    { $ref: "./models/circle.json#" },
                    { $ref: "#/components/schemas/Tri" },
                  ],
                  discriminator: { propertyName: "kind" },
                },
              },
            },
          },
          responses: { "200": { description: "ok" } },
        },
      },
    },
    components: {
      schemas: {
        Round: { $ref: "./models/circle.json" },
        Tri: {
          type: "object",
          required: ["kind"],
          properties: { kind: { type: "string" }, corners: { type: "integer" } },
        },
      },
    },
  }),
  "models/square.json": JSON.stringify({
    type: "object",
    required: ["kind"],
    properties: { kind: { type: "string" }, side: { type: "number" } },
  }),
  "models/circle.json": JSON.stringify({
    type: "object",
    required: ["kind"],
    properties: { kind: { type: "string" }, radius: { type: "number" } },
  }),
};

describe("OpenAPI 3.1 (JSON): a oneOf of whole files", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("shapes31", SHAPES31, "openapi.json");
  });

  it("each variant's implicit discriminator value is its schema's name, not its file's (square.json)", () => {
    expect(exported(b)).toEqual(["Round", "Square", "Tri"]);
    expect(takes(b, "add_shape", { body: { kind: "square", side: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Round", radius: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Tri", corners: 3 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "square", side: "big" } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "square.json", side: 1 } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "circle.json#", radius: 1 } })).toEqual(both(false));
  });

  it("no warnings; the zod schemas and the published JSON Schema agree", async () => {
    expect(b.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([]);
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// Swagger 2.0, YAML: a definition naming a whole file, a base that is a whole file (2.0's discriminator).
const SHAPES20 = {
  "swagger.yaml": `swagger: "2.0"
info: { title: Shapes, version: "1" }
host: shapes.example.com
schemes: [https]
consumes: [application/json]
produces: [application/json]
paths:
  /shapes:
    put:
      operationId: putShape
      parameters: [{ name: shape, in: body, required: true, schema: { $ref: "./defs/shape.yaml" } }]
      responses: { "200": { description: ok, schema: { $ref: "#/definitions/Circle" } } }
definitions:
  Circle: { $ref: "./defs/circle.yaml" }
`,
  "defs/shape.yaml": `type: object
required: [kind]
discriminator: kind
properties: { kind: { type: string } }
`,
  "defs/circle.yaml": `allOf: [{ $ref: ./shape.yaml }]
properties: { radius: { type: number } }
`,
};

describe("Swagger 2.0 (YAML): schemas that are whole files", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("shapes20", SHAPES20, "swagger.yaml");
  });

  it("named after the definition naming them, else their file; the subtype's value is the same name", () => {
    expect(exported(b)).toEqual(["Shape", "Circle", "ShapeSubtypes"]);
    expect(kinds(b, "put_shape")).toBe('"shape", "Circle"');
    expect(takes(b, "put_shape", { body: { kind: "Circle", radius: 2 } })).toEqual(both(true));
    expect(takes(b, "put_shape", { body: { kind: "Circle", radius: "big" } })).toEqual(both(false));
  });

  it("no warnings; the zod schemas and the published JSON Schema agree", async () => {
    expect(b.warnings.map((w) => `${w.code} ${w.message}`)).toEqual([]);
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

// A base whose mapping names subtype files nothing references, by a bare name: they are not part of the spec, and
// the warning says so where the mapping is, naming the file and how to have it read.
const UNREAD = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Unread, version: "1" }
servers: [{ url: "https://unread.example.com" }]
paths:
  /shapes:
    post:
      operationId: addShape
      requestBody: { required: true, ${json(`{ $ref: "./models/shape.yaml" }`)} }
      responses: { "200": { description: ok } }
`,
  "models/shape.yaml": `type: object
required: [kind]
discriminator:
  propertyName: kind
  mapping: { sq: Square, hex: ./hexagon.yaml, oct: octagon }
properties: { kind: { type: string } }
`,
  "models/square.yaml": `allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { side: { type: number } } }]
`,
  "models/hexagon.yaml": `allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { edge: { type: number } } }]
`,
};

describe("a mapping naming a subtype file nothing references", () => {
  let b: Built;
  beforeAll(async () => {
    b = await build("unread", UNREAD, "openapi.yaml");
  });

  it("is a located TW131 that names the file and says it is not read; a file mapped by path is read", () => {
    expect(
      b.warnings.map((w) => [w.code, w.source?.file?.endsWith("/models/shape.yaml"), w.source?.pointer]),
    ).toEqual([
      ["TW131", true, "#/discriminator/mapping/sq"],
      ["TW131", true, "#/discriminator/mapping/oct"],
    ]);
    expect(b.warnings.every((w) => w.source?.line === 5)).toBe(true);
    expect(b.warnings[0]?.message).toContain(
      'names "Square", no schema of the spec\'s files: square.yaml is beside it but not read, as no reference of the spec reaches it',
    );
    expect(b.warnings[0]?.message).toContain('map the value to "./square.yaml"');
    expect(b.warnings[1]?.message).toContain('names "octagon", no schema of the spec\'s files:');
    expect(b.warnings[1]?.message).not.toContain("beside it");
    expect(kinds(b, "add_shape")).toBe('"shape", "hex"');
    expect(takes(b, "add_shape", { body: { kind: "hex", edge: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "sq", side: 1 } })).toEqual(both(false));
  });
});
