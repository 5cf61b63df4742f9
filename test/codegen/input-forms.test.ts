import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Forms real specs arrive in that say plainly what they are but not in the form the OpenAPI schemas ask for:
 * version fields YAML reads as numbers (`swagger: 2.0` unquoted is the number 2) or written without the patch
 * number, and files that begin with a byte order mark or are UTF-16. Each generates, with a located warning where
 * the spec itself is off; a version toolwright does not read is refused at its field.
 */

const PATHS_3 = `paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok } }
`;
const PATHS_2 = `paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses: { "200": { description: ok } }
`;

async function generate(file: string, content: string | Buffer) {
  const dir = writeTree("input-forms", {});
  writeFileSync(join(dir, file), content);
  const { cat, diags } = await genSpec(join(dir, file), "forms", "test/.tmp/input-forms-out");
  const doc = cat ? (JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument) : undefined;
  return { doc, diags, dir };
}

describe("version fields", () => {
  it.each([
    ["swagger: 2.0", "swagger", "is the number 2, not a string", "Swagger 2.0", PATHS_2],
    ["swagger: 2", "swagger", "is the number 2, not a string", "Swagger 2.0", PATHS_2],
    ["openapi: 3.0", "openapi", "is the number 3, not a string", "OpenAPI 3.0.0", PATHS_3],
    ["openapi: 3.1", "openapi", "is the number 3.1, not a string", "OpenAPI 3.1.0", PATHS_3],
    ['openapi: "3.0"', "openapi", '"3.0" has no patch number', "OpenAPI 3.0.0", PATHS_3],
    ["openapi: '3.1'", "openapi", '"3.1" has no patch number', "OpenAPI 3.1.0", PATHS_3],
    ["openapi: 3.2", "openapi", "is the number 3.2, not a string", "OpenAPI 3.2.0", PATHS_3],
    ['openapi: "3.2"', "openapi", '"3.2" has no patch number', "OpenAPI 3.2.0", PATHS_3],
  ])("%s is read, with a warning at the field", async (line, field, why, read, paths) => {
    const { doc, diags } = await generate("spec.yaml", `${line}\ninfo: { title: F, version: "1" }\n${paths}`);
    expect(errorsOf(diags)).toEqual([]);
    expect(doc?.tools.map((t) => t.name)).toEqual(["get_thing"]);
    const warning = diags.items.find((d) => d.code === "TW133");
    expect(warning?.severity).toBe("warning");
    expect(warning?.message).toContain(`${field} ${why}`);
    expect(warning?.message).toContain(`read as ${read}`);
    expect(warning?.source).toMatchObject({ pointer: `#/${field}`, line: 1, column: 10 });
  });

  it("a quoted, complete version gets no warning", async () => {
    const { diags } = await generate(
      "spec.yaml",
      `openapi: "3.1.0"\ninfo: { title: F, version: "1" }\n${PATHS_3}`,
    );
    expect(diags.items.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it.each([
    ['openapi: "3.3.0"', "openapi", '"3.3.0"'],
    ["openapi: 4", "openapi", "4"],
    ['swagger: "1.2"', "swagger", '"1.2"'],
  ])("%s is refused at its field, naming the version", async (line, field, shown) => {
    const { doc, diags } = await generate(
      "spec.yaml",
      `${line}\ninfo: { title: F, version: "1" }\n${PATHS_3}`,
    );
    expect(doc).toBeUndefined();
    const error = diags.items.find((d) => d.severity === "error");
    expect(error?.code).toBe("TW132");
    expect(error?.message).toBe(
      `${field} ${shown} is not a version toolwright reads (OpenAPI 2.0, 3.0, 3.1 and 3.2)`,
    );
    expect(error?.source).toMatchObject({ pointer: `#/${field}`, line: 1, column: 10 });
  });
});

describe("an AsyncAPI document", () => {
  it("is refused at its asyncapi field, saying what it is", async () => {
    // slackapi/slack-api-specs keeps its Events API as AsyncAPI beside the Web API's OpenAPI; @scalar/galaxy too.
    const { doc, diags } = await generate(
      "events.yaml",
      `asyncapi: 2.6.0\ninfo: { title: Events, version: "1" }\nchannels:\n  message: { subscribe: { message: { payload: { type: object } } } }\n`,
    );
    expect(doc).toBeUndefined();
    const error = diags.items.find((d) => d.severity === "error");
    expect(error?.code).toBe("TW132");
    expect(error?.message).toMatch(/events\.yaml is an AsyncAPI document .*not OpenAPI/);
    expect(error?.source).toMatchObject({ pointer: "#/asyncapi", line: 1, column: 11 });
  });
});

describe("byte order marks and UTF-16", () => {
  const json = JSON.stringify(
    {
      openapi: "3.0.3",
      info: { title: "F", version: "1" },
      paths: {
        "/things/{id}": {
          get: {
            operationId: "getThing",
            description: "Größe café",
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            responses: { "200": { description: "ok" } },
          },
        },
      },
    },
    null,
    2,
  );
  const yaml = `openapi: 3.0.3\ninfo: { title: F, version: "1" }\n${PATHS_3.replace("operationId: getThing", "operationId: getThing\n      description: Größe café")}`;
  /** The tools as JSON, the spec's folder (in each tool's source) written as DIR. */
  const toolsOf = (r: { doc?: CatalogDocument; dir: string }) =>
    JSON.stringify(r.doc?.tools).split(relative(ROOT, r.dir)).join("DIR");
  const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

  it.each([
    [
      "spec.json",
      "UTF-8 with a byte order mark",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]),
    ],
    [
      "spec.yaml",
      "UTF-8 with a byte order mark",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(yaml)]),
    ],
    [
      "spec.json",
      "UTF-16LE with its mark",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")]),
    ],
    ["spec.yaml", "UTF-16BE with its mark", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(yaml)])],
  ])("%s in %s generates the same tools as plain UTF-8", async (file, _, bytes) => {
    const plain = await generate(file, file.endsWith(".json") ? json : yaml);
    const marked = await generate(file, bytes);
    expect(errorsOf(marked.diags)).toEqual([]);
    expect(toolsOf(marked)).toBe(toolsOf(plain));
    expect(marked.doc?.tools[0]?.description).toContain("Größe café");
  });

  it("an error in a JSON file with a byte order mark is located as in the file without one", async () => {
    const broken = json.replace('"getThing",', '"getThing"');
    const plain = await generate("spec.json", broken);
    const marked = await generate(
      "spec.json",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(broken)]),
    );
    const at = (r: typeof plain) => r.diags.items.find((d) => d.code === "TW101")?.source;
    expect(at(plain)?.line).toBeGreaterThan(1);
    expect(at(marked)).toEqual({ ...at(plain), file: expect.any(String) });
  });
});

describe("schema types written as OpenAPI 3.1 writes them, in a 3.0 spec", () => {
  // @blockfrost/openapi (3.0.3) writes `anyOf: [..., { type: "null" }]`; others write `type: [string, "null"]`.
  const spec = `openapi: 3.0.3
info: { title: N, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      parameters: [{ name: q, in: query, schema: { type: [string, "null"] } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/A" } } } }
  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
components:
  schemas:
    A:
      type: object
      properties:
        meta: { anyOf: [{ type: string }, { type: object }, { type: "null" }] }
        gone: { type: "null" }
`;

  it("are read as 3.1 reads them, each with a warning at the type; the operation is kept", async () => {
    const { doc, diags } = await generate("spec.yaml", spec);
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    const tool = doc?.tools.find((t) => t.name === "get_a");
    expect(tool?.inputSchema.properties).toEqual({ q: { anyOf: [{ type: "string" }, { type: "null" }] } });
    expect(tool?.outputSchema?.properties).toEqual({
      meta: { anyOf: [{ type: "string" }, { type: "object" }, { type: "null" }] },
      gone: { type: "null" },
    });
    const warnings = diags.items.filter((d) => d.code === "TW133");
    expect(warnings.map((d) => [d.severity, d.source?.pointer, d.source?.line])).toEqual([
      ["warning", "#/paths/~1a/get/parameters/0/schema/type", 7],
      ["warning", "#/components/schemas/A/properties/meta/anyOf/2/type", 19],
      ["warning", "#/components/schemas/A/properties/gone/type", 20],
    ]);
    expect(warnings[0]?.message).toContain(
      `type ["string","null"] is OpenAPI 3.1's (3.0 writes nullable: true)`,
    );
  });

  it("a type that is no type name still costs the operations using it", async () => {
    const { doc, diags } = await generate(
      "spec.yaml",
      spec.replace('gone: { type: "null" }', "gone: { type: [string, strung] }"),
    );
    expect(doc?.tools.map((t) => t.name)).toEqual(["get_b"]);
    const skip = diags.items.find((d) => d.code === "TW139");
    expect(skip?.source?.pointer).toBe("#/components/schemas/A/properties/gone/type");
  });
});

describe("a schema written as null", () => {
  it("is read as any value, with the converter's warning alone; the operation is kept", async () => {
    // @directus/specs (15.2.0) writes `schema: null` for the body of POST /items/{collection}.
    const { doc, diags } = await generate(
      "spec.yaml",
      `openapi: 3.0.1
info: { title: Z, version: "1" }
paths:
  /items/{collection}:
    post:
      operationId: createItem
      parameters: [{ name: collection, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          application/json:
            schema: null
      responses: { "200": { description: ok } }
`,
    );
    expect(errorsOf(diags)).toEqual([]);
    expect(doc?.tools[0]?.inputSchema.properties).toEqual({ collection: { type: "string" }, body: {} });
    const warnings = diags.items.filter((d) => d.severity === "warning");
    expect(warnings.map((d) => [d.code, d.message, d.source?.line])).toEqual([
      ["TW134", "schema is not an object; treated as any value", 11],
    ]);
  });
});

describe("a key the OpenAPI schema does not know, inside an operation", () => {
  // 3.0's schema closes objects with additionalProperties: false, 3.1's with unevaluatedProperties: false.
  const spec = (version: string) => `openapi: ${version}
info: { title: U, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      parameters: [{ name: q, in: query, schema: { type: string }, descripton: typo }]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object }, exampel: 1 } }
  /b:
    get:
      operationId: getB
      responses: { "200": { description: ok } }
`;

  it.each(["3.0.3", "3.1.0"])(
    "is ignored with a warning at the key in %s; the operation is kept",
    async (version) => {
      const { doc, diags } = await generate("spec.yaml", spec(`"${version}"`));
      expect(errorsOf(diags)).toEqual([]);
      expect(doc?.tools.map((t) => t.name)).toEqual(["get_a", "get_b"]);
      const warnings = diags.items.filter((d) => d.severity === "warning");
      expect(warnings.map((d) => [d.code, d.message, d.source?.pointer])).toEqual([
        [
          "TW133",
          '/paths/~1a/get/parameters/0: unknown key "descripton" (ignored: toolwright does not read it)',
          "#/paths/~1a/get/parameters/0/descripton",
        ],
        [
          "TW133",
          '/paths/~1a/get/responses/200/content/application~1json: unknown key "exampel" (ignored: toolwright does not read it)',
          "#/paths/~1a/get/responses/200/content/application~1json/exampel",
        ],
      ]);
    },
  );
});

describe("a path parameter without required: true", () => {
  // Every version requires `required: true` of a path parameter; the schemas say so obliquely (3.0: `in` "must be
  // one of "query"", 2.0: "must be one of "body"") and the operation was left out (api-spec-converter's
  // test/input/openapi_3/yaml_with_ref.yml: its one operation, so the spec was refused). A path variable is always
  // sent: the parameter is read as required, with a warning at it.
  const v3 = (version: string) => `openapi: ${version}
info: { title: P, version: "1" }
servers: [{ url: "https://p.example.com" }]
paths:
  /users/{id}:
    get:
      operationId: getUser
      parameters:
        - { name: id, in: path, schema: { type: string } }
      responses: { "200": { description: ok } }
  /teams/{team}:
    parameters: [{ $ref: "#/components/parameters/Team" }]
    get:
      operationId: getTeam
      responses: { "200": { description: ok } }
components:
  parameters:
    Team: { name: team, in: path, required: false, schema: { type: integer } }
`;
  const v2 = `swagger: "2.0"
info: { title: P, version: "1" }
host: p.example.com
schemes: [https]
paths:
  /users/{id}:
    get:
      operationId: getUser
      parameters:
        - { name: id, in: path, type: string }
      responses: { "200": { description: ok } }
  /teams/{team}:
    parameters: [{ $ref: "#/parameters/Team" }]
    get:
      operationId: getTeam
      responses: { "200": { description: ok } }
parameters:
  Team: { name: team, in: path, required: false, type: integer }
`;

  it.each([
    ["3.0.3", v3("3.0.3"), "#/components/parameters/Team", [9, 18]],
    ["3.1.0", v3("3.1.0"), "#/components/parameters/Team", [9, 18]],
    ["2.0", v2, "#/parameters/Team", [10, 18]],
  ])(
    "is read as required in %s, warned at the parameter; the operation is kept",
    async (_v, text, team, lines) => {
      const { doc, diags } = await generate("spec.yaml", text);
      expect(errorsOf(diags)).toEqual([]);
      expect(
        diags.items
          .filter((d) => d.severity === "warning")
          .map((d) => [d.code, d.source?.pointer, d.source?.line]),
      ).toEqual([
        ["TW133", "#/paths/~1users~1{id}/get/parameters/0", lines[0]],
        ["TW133", `${team}/required`, lines[1]],
      ]);
      expect(diags.items.find((d) => d.code === "TW133")?.message).toBe(
        "/paths/~1users~1{id}/get/parameters/0: a path parameter without required: true (OpenAPI requires true: a path variable is always sent); read as required",
      );
      expect(doc?.tools.map((t) => [t.name, t.inputSchema.required])).toEqual([
        ["get_user", ["id"]],
        ["get_team", ["team"]],
      ]);
      expect(doc?.tools[1]?.inputSchema.properties).toEqual({ team: { type: "integer" } });
    },
  );
});

describe("a $ref to a schema's own $id (OpenAPI 3.1)", () => {
  const spec = (ref: string) => `openapi: 3.1.0
info: { title: D, version: "1" }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { $ref: "${ref}" } } }
  /other:
    get:
      operationId: other
      responses: { "200": { description: ok } }
components:
  schemas:
    Page:
      $id: https://example.com/schemas/page
      type: object
      properties:
        total: { type: integer }
        next: { type: string }
`;

  it.each([
    ["https://example.com/schemas/page", true],
    ["https://example.com/schemas/page#/properties/total", false],
  ])("%s is the schema here; nothing is fetched", async (ref, whole) => {
    const { doc, diags } = await generate("spec.yaml", spec(ref));
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    const tool = doc?.tools.find((t) => t.name === "list_things");
    // The whole schema, or the one property the pointer names (published as the tool's result, by reference).
    const text = JSON.stringify(tool?.outputSchema);
    if (whole) expect(text).toContain('"next":{"type":"string"}');
    else expect(tool?.outputSchema?.properties).toEqual({ result: { $ref: "#/$defs/total" } });
  });

  it("an id no schema has is still a remote reference, refused where it is needed", async () => {
    const { doc, diags } = await generate("spec.yaml", spec("https://example.com/schemas/nothing"));
    expect(doc?.tools.map((t) => t.name)).toEqual(["other"]);
    expect(diags.items.find((d) => d.code === "TW139")?.message).toContain(
      'remote $ref "https://example.com/schemas/nothing" is refused',
    );
  });
});

describe("keywords beside a $ref (OpenAPI 3.1's JSON Schema applies them; 3.0 ignores them)", () => {
  const spec = (version: string) => `openapi: ${version}
info: { title: S, version: "1" }
paths:
  /a:
    post:
      operationId: makeA
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Base"
              description: A base with more
              properties: { extra: { type: string } }
              required: [extra]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Base", required: [id], x-note: n, summary: s }
  /b:
    get:
      operationId: getB
      parameters:
        - { name: n, in: query, schema: { $ref: "#/components/schemas/Name", maxLength: 3 } }
      responses: { "204": { description: ok } }
components:
  schemas:
    Base: { type: object, properties: { id: { type: string } } }
    Name: { type: string }
`;

  it("3.1: a property, a required name and a bound beside a $ref are the tool's, in its schemas and its checks", async () => {
    const { doc, diags } = await generate("spec.yaml", spec("3.1.0"));
    expect(errorsOf(diags)).toEqual([]);
    const tools = new Map(doc?.tools.map((t) => [t.name, t]));
    // The body's fields: Base's and the one declared beside the $ref, which is required.
    const a = tools.get("make_a")?.inputSchema;
    expect(a?.properties).toEqual({ id: { type: "string" }, extra: { type: "string" } });
    expect(a?.required).toEqual(["extra"]);
    const out = JSON.stringify(tools.get("make_a")?.outputSchema);
    expect(out).toContain('"required":["id"]');
    const b = JSON.stringify(tools.get("get_b")?.inputSchema);
    expect(b).toContain('"maxLength":3');
  });

  it("3.1: additionalProperties: false alone beside a $ref is read as the $ref, with a located warning", async () => {
    const text = spec("3.1.0").replace(
      'schema: { $ref: "#/components/schemas/Base", required: [id], x-note: n, summary: s }',
      'schema: { type: array, items: { $ref: "#/components/schemas/Base", additionalProperties: false } }',
    );
    const { doc, diags } = await generate("spec.yaml", text);
    expect(errorsOf(diags)).toEqual([]);
    const warned = diags.items.filter((d) => d.code === "TW134");
    expect(warned.map((d) => d.source?.pointer)).toEqual([
      "#/paths/~1a/post/responses/200/content/application~1json/schema/items/additionalProperties",
    ]);
    // Not an object that refuses every property: the items are Base's.
    expect(JSON.stringify(doc?.tools.find((t) => t.name === "make_a")?.outputSchema)).toContain(
      '"items":{"$ref":"#/$defs/Base"}',
    );
  });

  it("3.0: the $ref alone, as 3.0 reads it", async () => {
    const { doc, diags } = await generate("spec.yaml", spec("3.0.3"));
    expect(errorsOf(diags)).toEqual([]);
    const tools = new Map(doc?.tools.map((t) => [t.name, t]));
    expect(tools.get("make_a")?.inputSchema.properties).toEqual({ id: { type: "string" } });
    expect(JSON.stringify(tools.get("get_b")?.inputSchema)).not.toContain("maxLength");
  });
});

describe("warnings about a named schema are located where the spec writes it", () => {
  // A named schema's diagnostics (TW138 here, TW180 too) name it in the spec's own terms: a Swagger 2.0 spec's
  // `#/definitions/...` (not the 3.0 form it is converted to internally), with the line where the file says it.
  it.each([
    [
      "Swagger 2.0",
      `swagger: "2.0"\ninfo: { title: F, version: "1" }\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        "200": { description: ok, schema: { $ref: "#/definitions/Loop" } }\ndefinitions:\n  Loop:\n    $ref: "#/definitions/Loop"\n`,
      "#/definitions/Loop",
    ],
    [
      "OpenAPI 3.0",
      `openapi: 3.0.3\ninfo: { title: F, version: "1" }\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        "200":\n          description: ok\n          content: { application/json: { schema: { $ref: "#/components/schemas/Loop" } } }\ncomponents:\n  schemas:\n    Loop:\n      $ref: "#/components/schemas/Loop"\n`,
      "#/components/schemas/Loop",
    ],
  ])("%s: a schema that refers to itself alone", async (_version, text, pointer) => {
    const { diags } = await generate("spec.yaml", text);
    expect(errorsOf(diags)).toEqual([]);
    const loop = diags.items.filter((d) => d.code === "TW138");
    expect(loop).toHaveLength(1);
    // The schema's value: its own `$ref`, the last one the text writes.
    const line = text.split("\n").findLastIndex((l) => l.includes("$ref")) + 1;
    expect(loop[0]?.source).toMatchObject({ pointer, line });
  });
});
