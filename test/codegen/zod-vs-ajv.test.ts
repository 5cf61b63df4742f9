import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { CatalogDocument, CatalogModule } from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";
import { probes } from "../helpers/probes.js";

/**
 * The zod schemas that validate arguments and results, and the JSON Schemas published in tools/list, are
 * emitted separately from the same IR. They must agree on every probe: a value one accepts, the other accepts.
 * Formats are annotations in both (ajv: validateFormats off), as the published schemas say.
 */
async function disagreements(dir: string): Promise<{ count: number; checked: number; examples: string[] }> {
  const doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8")) as CatalogDocument;
  const mod = (await import(pathToFileURL(join(dir, "catalog.gen.ts")).href)).default as CatalogModule;
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  let count = 0;
  let checked = 0;
  const examples: string[] = [];
  for (const tool of doc.tools) {
    const pairs: [Record<string, unknown> | undefined, (() => unknown) | undefined, string][] = [
      [tool.inputSchema, mod.tools[tool.name]?.input, "input"],
      [tool.outputWrapped ? undefined : tool.outputSchema, mod.tools[tool.name]?.output, "output"],
    ];
    for (const [json, zodThunk, side] of pairs) {
      if (!json || !zodThunk) continue;
      const check = ajv.compile(json);
      const zod = zodThunk() as { safeParse(v: unknown): { success: boolean } };
      for (const value of probes(json)) {
        checked++;
        const a = check(value) === true;
        const z = zod.safeParse(value).success;
        if (a !== z) {
          count++;
          if (examples.length < 8)
            examples.push(`${tool.name} ${side}: ajv=${a} zod=${z} on ${JSON.stringify(value)}`);
        }
      }
    }
  }
  return { count, checked, examples };
}

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
    const results = probes(tool?.inputSchema ?? {}).map((v) => ajv.validate(tool?.inputSchema ?? {}, v));
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
      ".multipleOf(",
    ]) {
      expect(text, kind).toContain(kind);
    }
  });
});
