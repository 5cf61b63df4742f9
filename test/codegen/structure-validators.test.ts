import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import {
  compileStructureValidator,
  compileVerdictValidator,
  structureAjv,
  verdictSchema,
} from "../../codegen/load/openapi-schemas.js";
import { precompiledStructureFile, structureRuns } from "../../codegen/load/openapi-structure.js";
import { genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * The OpenAPI structure check runs validators `npm run build` compiled (ajv standalone code, beside the generator's
 * chunk) instead of compiling the official schemas at every generate. They must judge every document exactly as
 * the run-time compiled ones do: same verdict, same errors (the diagnostics are made from them).
 */
const require = createRequire(import.meta.url);
const ok = { description: "ok" };

const DOCS: Record<OpenApiVersion, Record<string, unknown>> = {
  "2.0": {
    swagger: "2.0",
    info: { title: "t", version: "1" },
    paths: {
      "/a": { get: { parameters: [{ name: "q", in: "nowhere", type: "string" }], responses: { 200: ok } } },
      "/b": { post: { responses: {}, "x-ok": 1, bogus: true } },
      "/c": { get: { parameters: [{ name: "b", in: "body" }], responses: { default: ok } } },
    },
    definitions: { D: { type: "object", properties: { n: { type: 7 } } } },
  },
  "3.0": {
    openapi: "3.0.3",
    info: { title: "t" },
    servers: { url: "https://x" },
    paths: {
      "/a/{id}": {
        get: { parameters: [{ name: "id", in: "body", required: true }], responses: { 200: ok } },
      },
      "/b": { put: { requestBody: { content: { "application/json": { schema: { type: ["string"] } } } } } },
    },
    components: { schemas: { S: { type: "object", nullable: "yes", additionalProperties: 3 } }, weird: {} },
  },
  "3.1": {
    openapi: "3.1.0",
    info: { version: "1" },
    paths: {
      "/a": { get: { parameters: [{ name: "q", in: "query", style: "sideways" }], responses: { 200: ok } } },
      "/b": { trace: { responses: { 200: { content: { "application/json": { schema: { type: 3 } } } } } } },
    },
    components: { securitySchemes: { k: { type: "apiKey", in: "nowhere" } } },
  },
  "3.2": {
    openapi: "3.2.0",
    info: { title: "t", version: "1" },
    paths: {
      "/a": {
        query: { parameters: [{ name: "q", in: "querystring", schema: {} }], responses: { 200: ok } },
        additionalOperations: { GET: { responses: { 200: ok } } },
      },
      "/b": {
        get: { responses: { 200: { content: { "text/event-stream": { itemSchema: { type: 3 } } } } } },
      },
    },
    tags: [{ name: "t", kind: 4 }],
  },
};

const VALID: Record<OpenApiVersion, unknown> = {
  "2.0": {
    swagger: "2.0",
    info: { title: "t", version: "1" },
    paths: { "/a": { get: { responses: { 200: ok } } } },
  },
  "3.0": {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    paths: { "/a": { get: { responses: { 200: ok } } } },
  },
  "3.1": {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: { "/a": { get: { responses: { 200: ok } } } },
  },
  "3.2": {
    openapi: "3.2.0",
    $self: "https://example.com/openapi",
    info: { title: "t", version: "1" },
    paths: {
      "/a": {
        query: { responses: { 200: { summary: "a response without a description" } } },
        additionalOperations: { LINK: { responses: { 204: ok } } },
      },
    },
    components: { mediaTypes: { M: { itemSchema: { type: "object" } } } },
    tags: [{ name: "t", parent: "u", kind: "nav" }, { name: "u" }],
  },
};

function verdict(validate: ValidateFunction, doc: unknown) {
  const valid = validate(doc);
  return { valid, errors: validate.errors ?? [] };
}

describe("structure validators compiled at build time", () => {
  for (const version of Object.keys(DOCS) as OpenApiVersion[]) {
    it(`OpenAPI ${version}: the standalone validator reports what the run-time compiled one reports`, () => {
      // What the build wrote beside the generator's chunk (vitest's global setup runs `npm run build --js-only`).
      const file = join(ROOT, "dist/chunks", precompiledStructureFile(version));
      const standalone = (require(file) as { default: ValidateFunction }).default;
      const compiled = compileStructureValidator(version);
      const bad = verdict(compiled, DOCS[version]);
      expect(bad.valid).toBe(false);
      expect(bad.errors.length).toBeGreaterThan(3);
      expect(verdict(standalone, DOCS[version])).toEqual(bad);
      expect(verdict(standalone, VALID[version])).toEqual({ valid: true, errors: [] });
      expect(verdict(compiled, VALID[version])).toEqual({ valid: true, errors: [] });
    });
  }
});

/** 3.0 documents that put each rewritten `oneOf: [X, Reference]` to the test: references, siblings, wrong kinds. */
function verdictCases(): unknown[] {
  const valid = VALID["3.0"] as Record<string, unknown>;
  const withSchema = (schema: unknown) => ({
    ...valid,
    components: { schemas: { S: schema }, parameters: { P: { name: "p", in: "query", schema } } },
  });
  const withOperation = (op: unknown) => ({ ...valid, paths: { "/a": { get: op } } });
  return [
    DOCS["3.0"],
    valid,
    withSchema({ type: "object", properties: { a: { $ref: "#/components/schemas/S" } } }),
    withSchema({ $ref: "#/components/schemas/S", description: "siblings of a $ref are ignored in 3.0" }),
    withSchema({ $ref: "#/components/schemas/S", type: 7 }),
    withSchema({ $ref: 5 }),
    withSchema({ type: "object", properties: { a: "not a schema" } }),
    withSchema({ type: "object", properties: { a: [] } }),
    withSchema({ type: "object", properties: { a: null } }),
    withSchema({ type: "object", properties: { a: { type: "string", "x-ok": 1 } } }),
    withSchema({ type: "object", properties: { a: { type: "string", bogus: 1 } } }),
    withSchema({ allOf: [{ $ref: "#/components/schemas/S" }, { not: { type: "string" } }] }),
    withSchema({ items: { $ref: "#/x" }, additionalProperties: { $ref: "#/y", nullable: true } }),
    withOperation({
      parameters: [{ $ref: "#/components/parameters/P" }],
      responses: { 200: { $ref: "#/r" } },
    }),
    withOperation({ parameters: [{ $ref: 1 }], responses: { 200: { $ref: "#/r", description: 3 } } }),
    withOperation({
      parameters: [{ name: "q" }],
      responses: { 200: { description: "ok", headers: { h: 4 } } },
    }),
    withOperation({
      requestBody: { $ref: "#/b" },
      responses: { 200: { description: "ok", links: { l: { $ref: "#/l" } }, content: {} } },
      callbacks: { c: { $ref: "#/c" } },
    }),
    withOperation({ requestBody: { content: {}, $ref: "#/b" }, responses: { default: ok } }),
    {
      ...valid,
      components: {
        responses: { R: { $ref: "#/r" }, Q: { description: "q", $ref: 1 } },
        requestBodies: { B: { $ref: "#/b" } },
        headers: { H: { schema: { type: "string" } } },
        securitySchemes: { S: { $ref: "#/s" } },
      },
    },
    { ...valid, components: { responses: { R: { description: "r" } }, examples: { E: { $ref: "#/e" } } } },
    { ...valid, components: { responses: { R: {} }, links: { L: { operationId: "a", bogus: 1 } } } },
  ];
}

describe("the 3.0 verdict validator", () => {
  it("rewrites each oneOf of a definition that refuses $ref and Reference, and only for 3.0", () => {
    const official = JSON.stringify(structureAjv("3.0").schema);
    const rewritten = JSON.stringify(verdictSchema(structureAjv("3.0").schema));
    const choices = (text: string) =>
      text.match(/"oneOf":\[[^\]]*"#\/definitions\/Reference"[^\]]*\]/g) ?? [];
    // What stays: SecurityScheme's (a choice of four, not an object schema itself), Callback's (its extra keys are
    // path items, which may hold a $ref), in both orders, and additionalProperties' choice of three.
    expect(choices(rewritten)).toEqual([
      '"oneOf":[{"$ref":"#/definitions/Reference"},{"$ref":"#/definitions/SecurityScheme"}]',
      '"oneOf":[{"$ref":"#/definitions/Reference"},{"$ref":"#/definitions/Callback"}]',
      '"oneOf":[{"$ref":"#/definitions/Schema"},{"$ref":"#/definitions/Reference"},{"type":"boolean"}]',
      '"oneOf":[{"$ref":"#/definitions/Callback"},{"$ref":"#/definitions/Reference"}]',
    ]);
    const ifs = rewritten.split('"if":{"required":["$ref"]}').length - 1;
    expect(ifs).toBe(choices(official).length - 4);
    expect(verdictSchema(structureAjv("2.0").schema)).toBeUndefined();
    expect(verdictSchema(structureAjv("3.1").schema)).toBeUndefined();
  });

  it("accepts exactly the documents the official schema accepts (compiled now, and as the build wrote it)", () => {
    const official = compileStructureValidator("3.0");
    const verdict = compileVerdictValidator("3.0");
    if (!verdict) throw new Error("expected a 3.0 verdict validator");
    const built = (
      require(join(ROOT, "dist/chunks", precompiledStructureFile("3.0", "verdict"))) as {
        default: ValidateFunction;
      }
    ).default;
    const verdicts = verdictCases().map((doc) => official(doc));
    expect(verdicts).toContain(true);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThanOrEqual(8);
    expect(verdictCases().map((doc) => verdict(doc))).toEqual(verdicts);
    expect(verdictCases().map((doc) => built(doc))).toEqual(verdicts);
    expect(compileVerdictValidator("2.0")).toBeUndefined();
  });

  it("as the build wrote it, builds no JSON pointer and no options object per member it descends into", () => {
    // Its errors are never read (the official validator's make the diagnostics): the verdicts above are the same.
    const code = readFileSync(join(ROOT, "dist/chunks", precompiledStructureFile("3.0", "verdict")), "utf8");
    expect(code.split('.replace(/~/g, "~0")').length - 1).toBe(0);
    expect(code.match(/\{instancePath:instancePath\+[^{}]*?,parentData:/g) ?? []).toEqual([]);
    expect(code.split("VERDICT_CALL").length - 1).toBeGreaterThan(40);
    // The official validator, whose errors are read, keeps its paths.
    const official = readFileSync(join(ROOT, "dist/chunks", precompiledStructureFile("3.0")), "utf8");
    expect(official.split('.replace(/~/g, "~0")').length - 1).toBeGreaterThan(100);
  });

  it("generate runs it alone on a valid spec; on an invalid one the official validator's errors are reported", async () => {
    const dir = writeTree("verdict", {
      "ok.json": JSON.stringify({
        ...(VALID["3.0"] as object),
        servers: [{ url: "https://v.example.com" }],
      }),
      "bad.json": JSON.stringify({
        ...(VALID["3.0"] as object),
        servers: [{ url: "https://v.example.com" }],
        paths: {
          "/a": {
            get: {
              operationId: "a",
              parameters: [{ name: "q", in: "query", schema: { type: "string", bogus: 1 } }],
              responses: { 200: ok },
            },
          },
        },
      }),
    });
    const before = { ...structureRuns };
    const good = await genSpec(`${dir}/ok.json`, "verdict", "test/.tmp/verdict-ok");
    expect(good.cat).toBeDefined();
    expect(structureRuns.verdict - before.verdict).toBe(1);
    expect(structureRuns.official - before.official).toBe(0);
    const bad = await genSpec(`${dir}/bad.json`, "verdict", "test/.tmp/verdict-bad");
    expect(structureRuns.verdict - before.verdict).toBe(2);
    expect(structureRuns.official - before.official).toBe(1);
    expect(bad.diags.items.filter((d) => d.code === "TW133").map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /bad\.json.*#\/paths\/~1a\/get\/parameters\/0\/schema\/bogus.* TW133: .*unknown key "bogus"/,
      ),
    ]);
  });
});
