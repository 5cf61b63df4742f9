import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

/**
 * YAML as hand-written specs use it: merge keys (`<<: *base`, YAML 1.1, applied by the YAML readers of most OpenAPI
 * tools) to share responses and schema parts, in a file with a byte order mark and CRLF line ends, with explicit
 * tags and JSON written inside. Without merge keys `<<` was a key like any other: an operation merging its
 * responses was left out ("missing responses") and a schema merging its base lost the base's properties in silence.
 */
const SPEC = `openapi: 3.0.3
info: { title: Merged, version: !!str 1.0 }
servers: [{ url: https://merged.example.com }]
x-ok: &ok
  responses:
    "200":
      description: ok
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Pet" }
x-id: &id { name: id, in: path, required: true, schema: { type: string } }
paths:
  /pets/{id}:
    get:
      <<: *ok
      operationId: getPet
      parameters: [*id]
    put:
      <<: [*ok]
      operationId: putPet
      parameters: [*id]
      requestBody:
        content:
          application/json:
            schema: {"$ref": "#/components/schemas/Pet"}
components:
  schemas:
    Named: &named
      type: object
      required: [name]
      properties:
        name: { type: string, maxLength: 40 }
    Pet:
      <<: *named
      properties:
        name: { type: string, maxLength: 40 }
        legs: { type: integer }
`;

describe("YAML merge keys", () => {
  it("are applied (in a file with a byte order mark and CRLF): every operation a tool, with what it merges", async () => {
    const text = `\uFEFF${SPEC.replace(/\n/g, "\r\n")}`;
    const dir = writeTree("yaml-merge", { "openapi.yaml": text });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "merged", "test/.tmp/yaml-merge-out");
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.items.filter((d) => d.severity === "warning")).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument & {
      schemas: Record<string, unknown>;
    };
    expect(
      doc.tools.map((t) => `${t.name} ${t.binding.kind === "http" && t.binding.success.status}`),
    ).toEqual(["get_pet 200", "put_pet 200"]);
    expect(doc.tools[0]?.source).toMatchObject({ line: 15 });
    // The merged schema keeps its base's type and required list beside its own properties.
    expect(doc.schemas.Pet).toEqual({
      type: "object",
      required: ["name"],
      properties: { name: { type: "string", maxLength: 40 }, legs: { type: "integer" } },
    });
    expect(Object.keys((doc.tools[1]?.inputSchema.properties ?? {}) as object)).toEqual([
      "id",
      "name",
      "legs",
    ]);
  });
});

describe("a YAML file of several documents", () => {
  it("is refused at the second document's start, saying what to do (not the YAML library's own advice)", async () => {
    const dir = writeTree("yaml-multi", { "openapi.yaml": `${SPEC}---\nopenapi: 3.0.3\n` });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "merged", "test/.tmp/yaml-multi-out");
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.code} ${d.source?.line}:${d.source?.column} ${d.message}`)).toEqual([
      `TW101 ${SPEC.split("\n").length}:1 a second YAML document starts here (after \`---\`): a spec or manifest is one document; split the file or remove the separator`,
    ]);
  });
});

/**
 * Swagger 2.0 YAML sharing parts by alias (`- *page`, `<<: *base`, a response used twice): the converter
 * (swagger2openapi) refused every such spec, "YAML anchor or merge key at #/paths/~1search/get/parameters/0", with no
 * line, since an alias is one object in two places; it is now told to copy them. 3.x specs never went through it.
 */
const SWAGGER = `swagger: "2.0"
info: { title: Shared, version: "1" }
host: shared.example.com
schemes: [https]
x-page: &page { name: page, in: query, type: integer, minimum: 1 }
x-list: &list
  200:
    description: ok
    schema: { type: array, items: { $ref: "#/definitions/Item" } }
parameters:
  Limit:
    <<: *page
    name: limit
    maximum: 100
paths:
  /items:
    get:
      operationId: listItems
      parameters: [*page, { $ref: "#/parameters/Limit" }]
      responses: *list
  /archived:
    get:
      operationId: listArchived
      parameters: [*page]
      responses: *list
definitions:
  Item: { type: object, properties: { id: { type: integer } } }
`;

describe("Swagger 2.0 YAML sharing parts by alias", () => {
  it.each([
    ["LF", SWAGGER],
    ["a byte order mark and CRLF", `\uFEFF${SWAGGER.replace(/\n/g, "\r\n")}`],
  ])("converts (%s): each operation gets its own copy of what the aliases share", async (_, text) => {
    const dir = writeTree("yaml-swagger-alias", { "swagger.yaml": text });
    const { cat, diags } = await genSpec(
      join(dir, "swagger.yaml"),
      "shared",
      "test/.tmp/yaml-swagger-alias-out",
    );
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["list_items", "list_archived"]);
    expect(doc.tools[0]?.inputSchema.properties).toEqual({
      page: { type: "integer", minimum: 1 },
      limit: { type: "integer", minimum: 1, maximum: 100 },
    });
    expect(doc.tools[1]?.inputSchema.properties).toEqual({ page: { type: "integer", minimum: 1 } });
    for (const t of doc.tools) expect(t.outputSchema).toMatchObject({ type: "object" });
  });
});

/**
 * Values of a string schema that YAML reads as numbers or booleans: `enum: [1.0, 2.10]` (API versions),
 * `default: 0o12`, `example: true`. Before, the enum was published as [1, 2.1] with its type dropped (a model sent
 * 2.1 and the upstream got `2.1` for `2.10`); a string default or example written as a number was changed or left
 * out. They are the strings written; a quoted value, and a schema that also takes numbers, are as YAML reads them.
 */
const WRITTEN = `openapi: 3.1.0
info: { title: Written, version: "1" }
servers: [{ url: "https://written.example.com" }]
paths:
  /reports/{version}:
    get:
      operationId: getReport
      parameters:
        - { name: version, in: path, required: true, schema: { type: string, enum: [1.0, 2.10, "3", 0o12] } }
        - { name: code, in: query, schema: { type: [string, "null"], default: 007, examples: [1e3, true] } }
        - { name: flag, in: query, schema: { type: string, enum: [true, false] } }
        - { name: level, in: query, schema: { type: [string, integer], enum: [1.0, "a"] } }
        - { name: page, in: query, schema: { type: integer, default: 0o12 } }
      responses: { "200": { description: ok } }
`;

describe("YAML numbers and booleans written as a string schema's values", () => {
  it("are the strings written: enum, default and examples keep their text, and the type", async () => {
    const dir = writeTree("yaml-written", { "openapi.yaml": WRITTEN });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "written", "test/.tmp/yaml-written-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const props = doc.tools[0]?.inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.version).toEqual({ type: "string", enum: ["1.0", "2.10", "3", "0o12"] });
    expect(props.code).toMatchObject({ default: "007", examples: ["1e3", "true"] });
    expect(props.flag).toEqual({ type: "string", enum: ["true", "false"] });
    // A schema that takes numbers too reads them as numbers; an integer's YAML octal is its value.
    expect(JSON.stringify(props.level)).toContain('"enum":[1,"a"]');
    expect(props.page).toMatchObject({ type: "integer", default: 10 });
  });
});

/**
 * The same values given by an alias (`enum: *versions`, `default: *code`, `enum: [*one, .5]`): before, the alias was
 * not read through, so the enum was published as numbers ([1, 2.1, 31]) with its type dropped and an aliased default
 * as the number's text ("123" for `0123`). An anchor a number schema also uses stays a number there.
 */
const ALIASED = `openapi: 3.0.3
info: { title: Aliased, version: "1" }
servers: [{ url: "https://aliased.example.com" }]
x-shared:
  versions: &versions [1.0, 2.10, 0x1F]
  code: &code 0123
  t: &t string
paths:
  /x:
    get:
      operationId: getX
      parameters:
        - { name: a, in: query, schema: { type: string, enum: *versions } }
        - { name: d, in: query, schema: { type: string, default: *code } }
        - { name: e, in: query, schema: { type: *t, enum: [*code, .5, 1e3, yes] } }
        - { name: n, in: query, schema: { type: integer, default: *code, enum: [*code, 7] } }
        - { name: m, in: query, schema: { type: number, enum: *versions } }
        - { name: s, in: query, schema: { type: string, default: &own 0o17 } }
        - { name: i, in: query, schema: { type: integer, default: *own } }
        - { name: v, in: query, schema: { type: string, enum: &vs [1.0, 2.10] } }
        - { name: w, in: query, schema: { type: number, enum: *vs } }
        - { name: y, in: query, schema: { type: string, enum: *vs } }
      responses: { "200": { description: ok } }
`;

describe("YAML aliases in a string schema's values", () => {
  it("are read through: the strings written, the anchor left a number where a number schema uses it", async () => {
    const dir = writeTree("yaml-aliased", { "openapi.yaml": ALIASED });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "aliased", "test/.tmp/yaml-aliased-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    const props = doc.tools[0]?.inputSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.a).toEqual({ type: "string", enum: ["1.0", "2.10", "0x1F"] });
    expect(props.d).toEqual({ type: "string", default: "0123" });
    expect(props.e).toEqual({ type: "string", enum: ["0123", ".5", "1e3", "yes"] });
    expect(props.n).toMatchObject({ default: 123, enum: [123, 7] });
    expect(props.m).toEqual({ enum: [1, 2.1, 31] });
    expect(props.s).toEqual({ type: "string", default: "0o17" });
    expect(props.i).toEqual({ type: "integer", default: 15 });
    expect(props.v).toEqual({ type: "string", enum: ["1.0", "2.10"] });
    expect(props.w).toEqual({ enum: [1, 2.1] });
    expect(props.y).toEqual({ type: "string", enum: ["1.0", "2.10"] });
  });
});
