import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { ROOT } from "../helpers/paths.js";
import { probes } from "../helpers/probes.js";

describe("generated zod agrees with the published JSON Schema", () => {
  for (const fixture of ["kitchen-sink", "openapi30", "swagger2", "graphql-types", "graphql-introspection"]) {
    it(`${fixture}: zero disagreements`, async () => {
      const r = await disagreements(join(ROOT, "test/fixtures", fixture, "expected"));
      expect(r.checked).toBeGreaterThan(100);
      expect(r.examples).toEqual([]);
    });
  }

  it("the probes include both accepted and rejected values (the test can fail)", async () => {
    const dir = join(ROOT, "test/fixtures/kitchen-sink/expected");
    const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const tool = doc.tools.find((t) => t.name === "sink_create_item");
    const schema = tool ? createPublisher(doc).input(tool) : {};
    const results = probes(schema).map((v) => ajv.validate(schema, v));
    expect(results).toContain(true);
    expect(results).toContain(false);
  });

  it("covers every schema kind the kitchen sink declares", () => {
    const text = readdirSync(join(ROOT, "test/fixtures/kitchen-sink/expected"))
      .filter((f) => f.endsWith(".gen.ts"))
      .map((f) => readFileSync(join(ROOT, "test/fixtures/kitchen-sink/expected", f), "utf8"))
      .join("\n");
    for (const kind of [
      "z.discriminatedUnion(",
      "z.tuple(",
      "z.record(",
      ".nullable()",
      "z.lazy(",
      "get ",
      "z.strictObject(",
      "z.looseObject(",
      ".regex(",
      ".refine(...multipleOf(",
      ".refine(...notMatching(",
      ".refine(...propertyNames(",
      ".refine(...dependentRequired(",
    ]) {
      expect(text, kind).toContain(kind);
    }
  });
});
