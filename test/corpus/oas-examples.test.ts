import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { GeneratedCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import { disagreements } from "../helpers/agreement.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { profileRates } from "../helpers/providers.js";
import { responseExamples } from "../helpers/spec-examples.js";

const BASE = join(ROOT, "node_modules/@readme/oas-examples");

/**
 * Every spec in @readme/oas-examples (2.0, 3.0, 3.1; edge cases of polymorphism, circular refs, form and
 * multipart bodies, parameter styles...) either generates a catalog that type-checks, or stops with a located
 * diagnostic. Zero crashes either way.
 */
describe("corpus: @readme/oas-examples", () => {
  it("every spec generates and type-checks, or stops with a located diagnostic", async () => {
    const out = tmpDir("corpus-oas");
    const generated: GeneratedCatalog[] = [];
    const stopped: string[] = [];
    const specOf = new Map<string, string>();
    const started = performance.now();
    for (const version of ["2.0", "3.0", "3.1"]) {
      for (const file of readdirSync(join(BASE, version, "yaml")).sort()) {
        const name = `v${version.replace(".", "")}-${file.replace(/\.yaml$/, "")}`.toLowerCase();
        const { cat, diags } = await genSpec(
          join(BASE, version, "yaml", file),
          name,
          relative(ROOT, join(out, name)),
        );
        expect(
          diags.items.filter((d) => d.code === "TW170"),
          `${version}/${file} crashed`,
        ).toEqual([]);
        if (cat) {
          generated.push(cat);
          writeCatalog(ROOT, cat);
          specOf.set(cat.dir, join(BASE, version, "yaml", file));
        } else {
          const errors = diags.items.filter((d) => d.severity === "error");
          expect(errors.length, `${version}/${file}`).toBeGreaterThan(0);
          for (const e of errors) {
            expect(e.source?.file, `${version}/${file}: ${e.message}`).toBeTruthy();
            expect(e.source?.line ?? e.source?.pointer, `${version}/${file}: ${e.message}`).toBeTruthy();
          }
          stopped.push(`${version}/${file}`);
        }
      }
    }
    const genMs = performance.now() - started;
    const problems = verifyCatalogs(ROOT, generated);
    const checkMs = performance.now() - started - genMs;
    console.log(
      `oas-examples: ${generated.length} generated, ${stopped.length} stopped with diagnostics; generate ${Math.round(genMs)} ms, type-check ${Math.round(checkMs)} ms`,
    );
    expect(problems.slice(0, 5)).toEqual([]);

    // The generated zod and the published JSON Schema must agree on probes and on the spec's own response
    // examples (values a person wrote, not derived from the schema).
    let checked = 0;
    let fromSpec = 0;
    const disagree: string[] = [];
    for (const cat of generated) {
      const examples = responseExamples(specOf.get(cat.dir) as string);
      const r = await disagreements(join(ROOT, cat.dir), (tool, side) => {
        const values = side === "output" ? examples(tool) : [];
        fromSpec += values.length;
        return values;
      });
      checked += r.checked;
      disagree.push(...r.examples.map((e) => `${cat.name}: ${e}`));
    }
    console.log(`oas-examples: zod vs ajv on ${checked} values (${fromSpec} from spec examples)`);
    expect(disagree.slice(0, 10)).toEqual([]);

    // Every published input schema against the model providers' checks: all of them in the portable profile.
    const rates = profileRates(generated.map((cat) => JSON.parse(cat.files.get("catalog.json") ?? "{}")));
    console.log(`oas-examples providers: ${rates.summary}`);
    expect(rates.portable.examples).toEqual(rates.empty);
    expect(fromSpec).toBeGreaterThan(15);
    expect(generated.length).toBeGreaterThan(40);
    expect(generated.reduce((n, c) => n + c.stats.tools, 0)).toBeGreaterThan(300);
  }, 240_000);
});
