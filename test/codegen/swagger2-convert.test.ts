import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Diagnostic, formatDiagnostic } from "../../codegen/diagnostics.js";
import { keepNullTypes } from "../../codegen/load/swagger2-inline.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { both, buildSpec, takes } from "../helpers/built-spec.js";
import { genSpec } from "../helpers/generate.js";
import { tmpDir } from "../helpers/paths.js";

/**
 * A Swagger 2.0 operation or path item the structure check confined a problem to is left out, located, and the
 * rest of the spec generates: swagger2openapi, which converts 2.0 to 3.0, throws on some malformed operations
 * (`operationId: 42` beside a body parameter), which refused the whole spec with an unlocated TW133 and printed
 * the converter's stack trace on stderr.
 */

/**
 * Generates the 2.0 spec `paths` (YAML under HEAD's `paths:`, with /b's getB appended) and checks what every case
 * shares: no error, and get_b the only tool. Returns the diagnostics.
 */
async function generatedWithB(name: string, paths: string): Promise<Diagnostic[]> {
  const file = join(tmpDir(`swagger2-convert-${name}`), "swagger.yaml");
  writeFileSync(file, `${HEAD}${paths}${B}`);
  const { cat, diags } = await genSpec(file, "conv", `test/.tmp/swagger2-convert/${name}`);
  const shown = diags.items.map(formatDiagnostic).join("\n");
  expect(
    diags.items.filter((d) => d.severity === "error"),
    shown,
  ).toEqual([]);
  const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
  expect((doc.tools ?? []).map((t) => t.name)).toEqual(["get_b"]);
  return diags.items;
}

const HEAD = `swagger: "2.0"
info: { title: Conv, version: "1" }
host: conv.example.com
paths:
`;
const B = `  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
`;

afterEach(() => vi.restoreAllMocks());

describe("Swagger 2.0 operations the structure check refused, before the conversion", () => {
  it("an operation whose operationId is not a string is left out at its line; the others generate", async () => {
    const warn = vi.spyOn(console, "warn");
    const items = await generatedWithB(
      "opid",
      `  /a:
    post:
      operationId: 42
      parameters:
        - { in: body, name: b, schema: { type: object } }
      responses: { "200": { description: ok } }
`,
    );
    const left = items.find((d) => d.code === "TW139");
    expect(left?.message).toMatch(/POST \/a is left out: .*operationId: must be string/);
    expect(left?.source).toMatchObject({ line: 7, column: 20 });
    expect(warn.mock.calls.filter((c) => c[0] instanceof Error)).toEqual([]);
  });

  it("a path item whose own parameters are refused leaves out each of its operations, located", async () => {
    const items = await generatedWithB(
      "item",
      `  /a/{id}:
    parameters:
      - { in: path, name: id, required: true, type: string, collectionFormat: 7 }
    get:
      operationId: 99
      responses: { "200": { description: ok } }
    post:
      operationId: postA
      parameters:
        - { in: body, name: b, schema: { type: object } }
      responses: { "200": { description: ok } }
`,
    );
    const left = items.filter((d) => d.code === "TW139").map((d) => d.message.split(" is left out")[0]);
    expect(left.sort()).toEqual(["GET /a/{id}", "POST /a/{id}"]);
  });
});

describe("Swagger 2.0 schemas typed null (draft 4's type, as @fastify/swagger writes Type.Null())", () => {
  // swagger2openapi turned `type: "null"` into `nullable: true` with no type, which 3.0 reads as any value: the
  // published `anyOf: [string, {}]` took a number or an object. Null alone is null alone, as in a 3.x document.
  it("is null alone wherever a schema stands (zod and the published schema agree); examples and defaults holding the words are data", async () => {
    const built = await buildSpec(
      "swagger2-null",
      "nulls",
      {
        "swagger.yaml": `${HEAD}  /things:
    post:
      operationId: makeThing
      parameters:
        - in: body
          name: body
          required: true
          schema:
            type: object
            required: [name]
            properties:
              name: { anyOf: [{ type: string }, { type: "null" }] }
              gone: { type: "null", description: always null }
              ref: { $ref: "#/definitions/Nothing" }
              list: { type: array, items: { type: "null" } }
              shape: { type: object, example: { type: "null" }, default: { type: "null" } }
      responses: { "200": { description: ok } }
definitions:
  Nothing: { type: "null" }
`,
      },
      "swagger.yaml",
    );
    const call = (args: Record<string, unknown>) => takes(built, "make_thing", args);
    expect(call({ name: "x" })).toEqual(both(true));
    expect(call({ name: null })).toEqual(both(true));
    expect(call({ name: 5 })).toEqual(both(false));
    expect(call({ name: { a: 1 } })).toEqual(both(false));
    expect(call({ name: null, gone: null, ref: null, list: [null, null] })).toEqual(both(true));
    expect(call({ name: null, gone: "x" })).toEqual(both(false));
    expect(call({ name: null, ref: 1 })).toEqual(both(false));
    expect(call({ name: null, list: [1] })).toEqual(both(false));
    // Data is not a schema: the example and default keep the words they hold.
    const text = JSON.stringify(built.doc);
    expect(text).toContain('"default":{"type":"null"},"examples":[{"type":"null"}]');
  });

  it("a property or definition named default, example, enum or x-... is a schema; a value nested in data is not", async () => {
    // The walk skipped every key so named, at any depth: a property called `default` typed null stayed
    // `nullable: true` with no type, which took anything.
    const built = await buildSpec(
      "swagger2-null-names",
      "nullnames",
      {
        "swagger.yaml": `${HEAD}  /things:
    post:
      operationId: makeThing
      parameters:
        - in: body
          name: body
          required: true
          schema:
            type: object
            properties:
              default: { type: "null" }
              example: { anyOf: [{ type: integer }, { type: "null" }] }
              enum: { type: array, items: { type: "null" } }
              x-kind: { type: "null" }
              ref: { $ref: "#/definitions/default" }
              shape:
                type: object
                enum: [{ type: "null" }, { properties: { a: { type: "null" } } }]
                example: { nested: { deeper: [{ type: "null" }] } }
                default: { properties: { default: { type: "null" } } }
      responses: { "200": { description: ok } }
definitions:
  default: { type: "null" }
`,
      },
      "swagger.yaml",
    );
    const call = (args: Record<string, unknown>) => takes(built, "make_thing", args);
    expect(call({})).toEqual(both(true));
    expect(call({ default: null, example: null, enum: [null], "x-kind": null, ref: null })).toEqual(
      both(true),
    );
    expect(call({ example: 3 })).toEqual(both(true));
    for (const [name, value] of [
      ["default", "x"],
      ["example", "x"],
      ["enum", [1]],
      ["x-kind", { a: 1 }],
      ["ref", 5],
    ] as const)
      expect(call({ [name]: value }), name).toEqual(both(false));
    // Data is not a schema, however deep: the enum, example and default keep the words they hold.
    const text = JSON.stringify(built.doc);
    expect(text).toContain('"properties":{"a":{"type":"object","properties":{"type":{"const":"null"}}');
    expect(text).toContain('"default":{"properties":{"default":{"type":"null"}}}');
    expect(text).toContain('"examples":[{"nested":{"deeper":[{"type":"null"}]}}]');
  });

  it("leaves every value written about a schema as written (x-example, x-examples, example, default, enum, const)", () => {
    // The catalog drops a parameter's x-example, so the walk itself is checked: only schema positions change.
    const data = () => ({ type: "null", properties: { a: { type: "null" } } });
    const swagger = {
      swagger: "2.0",
      "x-root": data(),
      paths: {
        "/p": {
          "x-item": data(),
          get: {
            parameters: [
              {
                in: "query",
                name: "q",
                type: "string",
                "x-example": data(),
                default: data(),
                enum: [data()],
              },
              { in: "body", name: "b", schema: { $ref: "#/definitions/D" }, "x-examples": { a: data() } },
            ],
            responses: {
              "200": {
                description: "ok",
                examples: { "application/json": data() },
                schema: { type: "null" },
              },
            },
          },
        },
      },
      definitions: {
        D: {
          type: "object",
          example: data(),
          "x-example": data(),
          const: data(),
          properties: { default: { type: "null" }, "x-id": { type: "null" } },
        },
      },
    };
    keepNullTypes(swagger);
    const schemas = swagger.definitions.D.properties;
    expect([schemas.default, schemas["x-id"], swagger.paths["/p"].get.responses["200"].schema]).toEqual([
      { enum: [null] },
      { enum: [null] },
      { enum: [null] },
    ]);
    const op = swagger.paths["/p"].get;
    for (const value of [
      swagger["x-root"],
      swagger.paths["/p"]["x-item"],
      op.parameters[0]!["x-example"],
      op.parameters[0]!.default,
      op.parameters[0]!.enum![0],
      op.parameters[1]!["x-examples"]!.a,
      op.responses["200"].examples["application/json"],
      swagger.definitions.D.example,
      swagger.definitions.D["x-example"],
      swagger.definitions.D.const,
    ])
      expect(value).toEqual(data());
  });
});

describe("a later version's keyword on a schema is said as read, not as ignored", () => {
  // @fastify/swagger's 2.0 output writes TypeBox unions and literals as anyOf/oneOf/const, which the converter reads;
  // the warning said "ignored: toolwright does not read it". A key nothing reads still says so.
  it("Swagger 2.0's anyOf, oneOf and const, and OpenAPI 3.0's const; an unknown key stays ignored", async () => {
    const dir = tmpDir("later-keywords");
    writeFileSync(
      join(dir, "swagger.yaml"),
      `${HEAD}  /a:
    post:
      operationId: makeA
      parameters:
        - in: body
          name: body
          schema:
            type: object
            properties:
              u: { anyOf: [{ type: string }, { type: integer }] }
              o: { type: array, items: { oneOf: [{ type: string }, { type: boolean }] } }
              k: { type: string, const: fixed }
              x: { type: string, colour: blue }
              n: { type: string, not: { enum: [none] } }
              t: { type: array, prefixItems: [{ type: string }], items: { type: integer } }
              w: { type: object, properties: { p: { type: string }, q: { type: string } }, dependentRequired: { q: [p] } }
              c: { type: object, properties: { p: { type: string } }, if: { required: [p] } }
      responses: { "200": { description: ok } }
`,
    );
    writeFileSync(
      join(dir, "openapi.yaml"),
      `openapi: 3.0.3
info: { title: Later, version: "1" }
servers: [{ url: "https://later.example.com" }]
paths:
  /k:
    post:
      operationId: makeK
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                k: { type: string, const: fixed }
                t: { type: array, prefixItems: [{ type: string }] }
                w: { type: object, properties: { p: { type: string } }, dependentRequired: { p: [q] } }
                c: { type: object, properties: { p: { type: string } }, unevaluatedProperties: false }
      responses: { "200": { description: ok } }
`,
    );
    const published: Record<string, unknown> = {};
    const said = async (file: string, name: string) => {
      const { cat, diags } = await genSpec(join(dir, file), name, `test/.tmp/later-keywords/${name}`);
      const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
      published[name] = doc.tools?.[0]?.inputSchema.properties;
      return diags.items.filter((d) => d.code === "TW133").map(formatDiagnostic);
    };
    const two = await said("swagger.yaml", "two");
    for (const [key, reads] of [
      ["u/anyOf", "OpenAPI 3"],
      ["o/items/oneOf", "OpenAPI 3"],
      ["n/not", "OpenAPI 3"],
      ["k/const", "OpenAPI 3.1"],
      ["t/prefixItems", "OpenAPI 3.1"],
      ["w/dependentRequired", "OpenAPI 3.1"],
    ]) {
      const line = two.find((l) => l.includes(`/properties/${key})`));
      expect(line, two.join("\n")).toContain(
        `is not Swagger 2.0's (${reads} and JSON Schema have it); read as ${reads} reads it`,
      );
      expect(line).not.toMatch(/ignored/);
    }
    // What no version's reading gives the catalog stays said as ignored.
    for (const key of ["x/colour", "c/if"])
      expect(two.find((l) => l.includes(`/properties/${key})`))).toMatch(
        /ignored: toolwright does not read it/,
      );
    const three = await said("openapi.yaml", "three");
    for (const key of ["k: const", "t: prefixItems", "w: dependentRequired"])
      expect(three.join("\n")).toMatch(
        new RegExp(`${key} is not OpenAPI 3\\.0's .*read as OpenAPI 3\\.1 reads it`),
      );
    expect(three.find((l) => l.includes("/properties/c/unevaluatedProperties)"))).toMatch(
      /ignored: toolwright does not read it/,
    );
    // Each keyword said as read is read: published as written (and checked).
    expect(published.two).toMatchObject({
      n: { type: "string", not: { const: "none" } },
      t: { type: "array", prefixItems: [{ type: "string" }], items: { type: "integer" } },
      w: { dependentRequired: { q: ["p"] } },
    });
    expect(published.two).not.toHaveProperty(["c", "if"]);
    expect(published.three).toMatchObject({
      t: { prefixItems: [{ type: "string" }] },
      w: { dependentRequired: { p: ["q"] } },
    });
  });
});
