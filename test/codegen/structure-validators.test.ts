import { createRequire } from "node:module";
import { join } from "node:path";
import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import type { OpenApiVersion } from "../../codegen/load/document-set.js";
import { compileStructureValidator } from "../../codegen/load/openapi-schemas.js";
import { precompiledStructureFile } from "../../codegen/load/openapi-structure.js";
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
