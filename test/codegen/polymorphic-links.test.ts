import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { type BuiltSpec, both, buildSpec, takes } from "../helpers/built-spec.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

/**
 * Files that only name another schema (a link: `$ref`, a title or description at most beside it), alone or in
 * chains (`a.yaml` -> `b.yaml#/X` -> `c.yaml`). Before, each link was a schema of its own: a root component naming
 * a link file (`Circle: {$ref: ./circle.yaml}`, circle.yaml a description and `$ref: ./impl/circle.yaml`) gave
 * Circle = Circle2 = circle, and the subtype's discriminator value was the implementation file's name (`circle`,
 * not `Circle`); a chain gave three symbols (A = X = C), and a recursion through it was published as "over the
 * schema budget"; a chain back to itself was read as any value. Now a chain is one schema under its outermost
 * name, a link's description is kept, and a cycle of links is a located error that leaves its operations out.
 */

const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;

function exported(b: BuiltSpec): string[] {
  const ts = readFileSync(join(b.dir, "schemas.gen.ts"), "utf8");
  return [...ts.matchAll(/^export const (\w+) = /gm)].map((m) => m[1] as string).filter((n) => n !== "tools");
}

function published(b: BuiltSpec, tool: string): string {
  const t = b.doc.tools.find((x) => x.name === tool);
  if (!t) throw new Error(`no tool ${tool}`);
  return JSON.stringify(createPublisher(b.doc).input(t)).replace(/\\"/g, '"');
}

const warnings = (b: BuiltSpec) =>
  b.diags.items.filter((d) => d.severity === "warning").map((d) => `${d.code} ${d.message}`);

const head = (paths: string, components = "") => `openapi: 3.0.3
info: { title: Links, version: "1" }
servers: [{ url: "https://links.example.com" }]
paths:
${paths}${components}`;

const op = (path: string, id: string, schema: string) => `  ${path}:
    post:
      operationId: ${id}
      requestBody: { required: true, ${json(schema)} }
      responses: { "200": { description: ok } }
`;

describe("a root component naming a file that links to another (the root entry alias)", () => {
  const SPEC = {
    "openapi.yaml": head(
      op("/shapes", "addShape", '{ $ref: "./models/shape.yaml" }') +
        op("/circles", "addCircle", '{ $ref: "#/components/schemas/Circle" }'),
      `components:
  schemas:
    Circle: { $ref: "./models/circle.yaml" }
    Sq: { $ref: "./models/sq.yaml" }
`,
    ),
    "models/shape.yaml": `type: object
required: [kind]
discriminator: { propertyName: kind }
properties: { kind: { type: string } }
`,
    "models/circle.yaml": "description: A round shape\n$ref: ./impl/circle.yaml\n",
    "models/sq.yaml": "$ref: ./impl/square.yaml\n",
    "models/impl/circle.yaml":
      "allOf: [{ $ref: ../shape.yaml }, { type: object, properties: { radius: { type: number } } }]\n",
    "models/impl/square.yaml":
      "allOf: [{ $ref: ../shape.yaml }, { type: object, properties: { side: { type: number } } }]\n",
  };

  it("is one schema under the component's name, its discriminator value that name, the link's description kept", async () => {
    const b = await buildSpec("poly47-root-link", "rootlink", SPEC, "openapi.yaml");
    expect(exported(b)).toEqual(["Shape", "Sq", "Circle", "ShapeSubtypes"]);
    expect(published(b, "add_shape")).toContain('chosen by "kind": "shape", "Circle", "Sq".');
    expect(b.doc.schemas?.Circle).toMatchObject({ description: "A round shape" });
    expect(takes(b, "add_shape", { body: { kind: "Circle", radius: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Sq", side: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Sq", side: "wide" } })).toEqual(both(false));
    expect(takes(b, "add_shape", { body: { kind: "circle", radius: 1 } })).toEqual(both(false));
    expect(warnings(b)).toEqual([]);
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

describe("a file that links to another, used directly, and a chain of links across files", () => {
  const SPEC = {
    "openapi.yaml": head(
      op("/pets", "addPet", '{ $ref: "./models/pet.yaml" }') +
        op("/nodes", "addNode", '{ $ref: "./a.yaml" }'),
    ),
    "models/pet.yaml": "description: A pet, as the shop keeps it\n$ref: ./impl/animal.yaml\n",
    "models/impl/animal.yaml": "type: object\nrequired: [name]\nproperties: { name: { type: string } }\n",
    "a.yaml": "$ref: ./b.yaml#/X\n",
    "b.yaml": "X: { $ref: ./c.yaml }\n",
    "c.yaml": "type: object\nproperties: { n: { type: string }, next: { $ref: ./a.yaml } }\n",
  };

  it("each is one schema under its own name; a recursion through the chain is said so", async () => {
    const b = await buildSpec("poly47-chain", "chain", SPEC, "openapi.yaml");
    // pet.yaml is animal.yaml (one schema, used once: inline); the chain is one schema under the name of the one
    // it names (a link does not rename it: its discriminator value would change), not A = X = C.
    expect(exported(b)).toEqual(["C"]);
    expect(Object.keys(b.doc.schemas ?? {})).toEqual(["c"]);
    const node = published(b, "add_node");
    expect(node).toContain("The same shape as c, the schema that contains this one (it recurses here).");
    expect(node).not.toContain("over the schema budget");
    expect(takes(b, "add_node", { n: "x", next: { n: "y", next: { n: "z" } } })).toEqual(both(true));
    expect(takes(b, "add_node", { n: "x", next: { n: 1 } })).toEqual(both(false));
    expect(takes(b, "add_pet", { name: "Rex" })).toEqual(both(true));
    expect(takes(b, "add_pet", {})).toEqual(both(false));
    expect(warnings(b)).toEqual([]);
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});

describe("a chain of links back to itself", () => {
  it.each([
    [
      "across files",
      {
        "a.yaml": "$ref: ./b.yaml#/X\n",
        "b.yaml": "X: { $ref: ./c.yaml }\n",
        "c.yaml": "description: loops\n$ref: ./a.yaml\n",
      },
      '{ $ref: "./a.yaml" }',
      "",
      "a.yaml -> b.yaml#/X -> c.yaml -> a.yaml",
      ["/a.yaml", 1, "#"],
    ],
    [
      "through a root component",
      { "a.yaml": "$ref: ./openapi.yaml#/components/schemas/L\n" },
      '{ $ref: "#/components/schemas/L" }',
      "components:\n  schemas:\n    L: { $ref: ./a.yaml }\n",
      "#/components/schemas/L -> a.yaml -> #/components/schemas/L",
      ["/openapi.yaml", 17, "#/components/schemas/L"],
    ],
    [
      "from a property",
      { "a.yaml": "$ref: ./b.yaml\n", "b.yaml": "title: B\n$ref: ./a.yaml\n" },
      '{ type: object, properties: { x: { $ref: "./a.yaml" } } }',
      "",
      "a.yaml -> b.yaml -> a.yaml",
      ["/a.yaml", 1, "#"],
    ],
  ])(
    "%s: one located error leaves its operation out (it was read as any value; then also said as TW138's cycle)",
    async (_, files, schema, components, chain, where) => {
      const src = writeTree("poly47-cycle", {
        "openapi.yaml": head(
          op("/loops", "addLoop", schema) + op("/oks", "addOk", "{ type: object }"),
          components,
        ),
        ...files,
      });
      const { cat, diags } = await genSpec(join(src, "openapi.yaml"), "cycle", "test/.tmp/poly47-cycle-out");
      expect(errorsOf(diags)).toEqual([]);
      const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as { tools?: { name: string }[] };
      expect(doc.tools?.map((t) => t.name)).toEqual(["add_ok"]);
      const said = diags.items.filter((d) => d.code === "TW139");
      expect(said).toHaveLength(1);
      // Said once: the cycle is not followed, so TW138 does not say it again (it did, at the same place).
      expect(diags.items.map((d) => d.code)).toEqual(["TW139"]);
      expect(said[0]?.message).toContain(
        `POST /loops is left out: $ref cycle: ${chain}: each only refers to the next`,
      );
      const [file, line, pointer] = where;
      expect(said[0]?.source?.file?.endsWith(file as string)).toBe(true);
      expect([said[0]?.source?.line, said[0]?.source?.pointer]).toEqual([line, pointer]);
    },
  );
});

describe("a discriminator mapping's bare name", () => {
  const SPEC = {
    "openapi.yaml": head(
      op("/shapes", "addShape", '{ $ref: "./models/shape.yaml" }') +
        op("/squares", "addSq", '{ $ref: "./models/sq-file.yaml" }') +
        op("/triangles", "addTri", '{ $ref: "./models/triangle.yaml" }'),
      `components:
  schemas:
    Square: { $ref: "./models/sq-file.yaml" }
`,
    ),
    "models/shape.yaml": `type: object
required: [kind]
discriminator:
  propertyName: kind
  mapping: { sq: Square, file: sq-file, tri: triangle, low: square, up: Triangle }
properties: { kind: { type: string } }
`,
    "models/sq-file.yaml":
      "allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { side: { type: number } } }]\n",
    "models/triangle.yaml":
      "allOf: [{ $ref: ./shape.yaml }, { type: object, properties: { c: { type: number } } }]\n",
  };

  it("names a file's schema by its name or its file's; one differing in case only is refused with a hint naming the file", async () => {
    const b = await buildSpec("poly47-mapping", "mapping", SPEC, "openapi.yaml");
    expect(takes(b, "add_shape", { body: { kind: "sq", side: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "file", side: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "tri", c: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "low", side: 1 } })).toEqual(both(false));
    const w = b.diags.items.filter((d) => d.severity === "warning");
    expect(w.map((d) => [d.code, d.source?.pointer, d.source?.line])).toEqual([
      ["TW131", "#/discriminator/mapping/low", 5],
      ["TW131", "#/discriminator/mapping/up", 5],
    ]);
    expect(w[0]?.message).toContain(
      'names "square", no schema of the spec\'s files; did you mean "Square" (models/sq-file.yaml)? (a mapping\'s name is matched letter for letter)',
    );
    expect(w[1]?.message).toContain(
      'names "Triangle", no schema of the spec\'s files; did you mean "triangle" (models/triangle.yaml)?',
    );
    expect((await disagreements(b.dir)).examples).toEqual([]);
  });
});
