import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { GeneratedCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

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
        } else {
          const errors = diags.items.filter((d) => d.severity === "error");
          expect(errors.length, `${version}/${file}`).toBeGreaterThan(0);
          for (const e of errors) expect(e.source?.file, `${version}/${file}: ${e.message}`).toBeTruthy();
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
    expect(generated.length).toBeGreaterThan(40);
    expect(generated.reduce((n, c) => n + c.stats.tools, 0)).toBeGreaterThan(300);
  });
});
