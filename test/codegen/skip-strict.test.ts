import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { genManifest, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * A problem confined to one operation, or to a schema some operations use, costs only those operations: they are
 * left out with a located warning (TW139) and listed in CATALOG.md. `--strict` (or `strict: true`) makes them
 * errors; a manifest that excludes the operations never hears of them; a problem every operation shares (the
 * document's shape) stays an error.
 */
const SPEC = `openapi: 3.0.3
info: { title: Skips, version: "1" }
servers: [{ url: https://skips.example.com }]
paths:
  /good:
    get:
      operationId: getGood
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Good" } } } } }
  /bad-param:
    get:
      operationId: badParam
      parameters: [{ name: q, in: query, schema: { type: string, pattern: 0 } }]
      responses: { "200": { description: ok } }
  /bad-schema:
    get:
      operationId: badSchema
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Wrapper" } } } } }
  /missing-ref:
    get:
      operationId: missingRef
      responses: { "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Nowhere" } } } } }
  /things/{id}:
    get:
      operationId: badTemplate
      parameters: [{ name: id, in: query, schema: { type: string } }, { name: id, in: header, schema: { type: string } }]
      responses: { "200": { description: ok } }
  /collide:
    get:
      operationId: collide
      parameters: [{ name: tag, in: query, schema: { type: string } }, { name: "tag[]", in: query, schema: { type: string } }]
      responses: { "200": { description: ok } }
components:
  schemas:
    Good: { type: object, properties: { name: { type: string } } }
    Wrapper: { type: object, properties: { inner: { $ref: "#/components/schemas/Bad" } } }
    Bad: { type: object, properties: { code: { type: string, pattern: 0 } } }
`;

async function bare(strict: boolean) {
  const dir = writeTree("skips", { "openapi.yaml": SPEC });
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: join(dir, "openapi.yaml"), name: "skips" },
    { root: ROOT, out: "test/.tmp/skips-out", ...(strict ? { strict } : {}) },
    diags,
  );
  return { cat, diags, dir };
}

const LEFT_OUT = [
  "GET /bad-param",
  "GET /bad-schema",
  "GET /missing-ref",
  "GET /things/{id}",
  "GET /collide",
];

describe("problems confined to operations: skipped, or errors in strict mode", () => {
  it("leaves out exactly the operations with problems, each with a located warning, listed in CATALOG.md", async () => {
    const { cat, diags } = await bare(false);
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}");
    expect(doc.tools.map((t: { name: string }) => t.name)).toEqual(["get_good"]);
    const skips = diags.items.filter((d) => d.code === "TW139");
    expect(skips.map((d) => d.message.split(" is left out")[0])).toEqual(LEFT_OUT);
    for (const d of skips) {
      expect(d.source?.file).toMatch(/openapi\.yaml$/);
      expect(d.source?.line ?? d.source?.pointer).toBeTruthy();
    }
    expect(skips[1]?.message).toContain("/components/schemas/Bad/properties/code/pattern: must be string");
    expect(skips[2]?.message).toContain('"#/components/schemas/Nowhere" points at nothing');
    expect(skips[3]?.message).toContain("{id} has no path parameter");
    expect(skips[4]?.message).toContain('would both be argument "tag"');
    expect(cat?.stats.skipped).toBe(5);
    const md = cat?.files.get("CATALOG.md") ?? "";
    expect(md).toContain("## Operations left out");
    for (const op of LEFT_OUT) expect(md).toContain(`| \`${op}\``);
  });

  it("strict mode makes each problem an error and generates nothing", async () => {
    const { cat, diags } = await bare(true);
    expect(cat).toBeUndefined();
    const errors = diags.items.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const e of errors) expect(e.source?.line ?? e.source?.pointer, e.message).toBeTruthy();
  });

  it("a manifest that excludes the operations generates cleanly; strict: true keeps them errors otherwise", async () => {
    const dir = writeTree("skips-manifest", {
      "openapi.yaml": SPEC,
      "tools.yaml": `catalog: skips
strict: true
sources: { api: { openapi: ./openapi.yaml } }
select: [{ all: true }]
exclude:
  - { operation: badParam }
  - { operation: badSchema }
  - { operation: missingRef }
  - { operation: badTemplate }
  - { operation: collide }
`,
    });
    const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
    expect(diags.items.filter((d) => d.severity !== "info")).toEqual([]);
    expect(cat?.stats.tools).toBe(1);
  });

  it("a key the OpenAPI schema does not know, at the document's root too, is ignored with a warning (strict too)", async () => {
    const dir = writeTree("skips-root-key", {
      "openapi.yaml": SPEC.slice(0, SPEC.indexOf("  /bad-param:"))
        .replace("servers: [", "source: { url: {} }\nservers: [")
        .concat("components:\n  schemas:\n    Good: { type: object }\n"),
    });
    for (const strict of [false, true]) {
      const diags = new Diagnostics();
      const cat = await generateCatalog(
        { kind: "spec", spec: join(dir, "openapi.yaml"), name: "skips" },
        { root: ROOT, out: "test/.tmp/skips-out", ...(strict ? { strict } : {}) },
        diags,
      );
      const rootKey = diags.items.filter((d) => d.code === "TW133" && /unknown key "source"/.test(d.message));
      expect(
        rootKey.map((d) => [d.severity, d.source?.line]),
        `strict ${strict}`,
      ).toEqual([["warning", 3]]);
      expect(cat?.stats.tools, `strict ${strict}`).toBe(1);
    }
  });

  it("a problem in the document's own shape is still an error", async () => {
    const dir = writeTree("skips-global", {
      "openapi.yaml": SPEC.replace("servers: [{ url: https://skips.example.com }]", "servers: 7"),
    });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: join(dir, "openapi.yaml"), name: "skips" },
      { root: ROOT, out: "test/.tmp/skips-out" },
      diags,
    );
    expect(cat).toBeUndefined();
    expect(diags.items.some((d) => d.severity === "error" && d.code === "TW133")).toBe(true);
  });
});
