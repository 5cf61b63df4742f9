import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import { disagreements } from "../helpers/agreement.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { profileRates } from "../helpers/providers.js";
import { responseExamples } from "../helpers/spec-examples.js";

/** GitHub's REST description: 1,223 operations, no manifest. The catalog must hold them all and type-check. */
describe("corpus: GitHub REST (@octokit/openapi)", () => {
  it("generates a catalog of all 1,223 operations that type-checks", async () => {
    const spec = join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json");
    const t0 = performance.now();
    const { cat, diags } = await genSpec(spec, "github", "test/.tmp/corpus-github");
    const genMs = performance.now() - t0;
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    expect(cat?.stats).toMatchObject({ tools: 1223, read: 639, destructive: 187 });
    expect(cat?.stats.write).toBe(1223 - 639 - 187);
    const names = JSON.parse(cat?.files.get("catalog.json") ?? "{}").tools.map(
      (t: { name: string }) => t.name,
    );
    expect(new Set(names).size).toBe(1223);
    expect(names.every((n: string) => /^[a-z0-9_]{1,64}$/.test(n))).toBe(true);
    const t1 = performance.now();
    const problems = cat ? verifyCatalogs(ROOT, [cat]) : [];
    console.log(
      `github: generate ${Math.round(genMs)} ms, type-check ${Math.round(performance.now() - t1)} ms`,
    );
    expect(problems.slice(0, 5)).toEqual([]);

    // GitHub's spec carries a written example for most responses: real payloads to hold zod and ajv to.
    if (!cat) return;
    writeCatalog(ROOT, cat);
    const t2 = performance.now();
    const examples = responseExamples(spec);
    let fromSpec = 0;
    const r = await disagreements(join(ROOT, cat.dir), (tool, side) => {
      const values = side === "output" ? examples(tool) : [];
      fromSpec += values.length;
      return values;
    });
    console.log(
      `github: zod vs ajv on ${r.checked} values (${fromSpec} from spec examples) in ${Math.round(performance.now() - t2)} ms`,
    );
    expect(r.examples).toEqual([]);
    expect(fromSpec).toBeGreaterThan(500);

    // Every published input schema against the model providers' checks: all of them in the portable profile.
    const rates = profileRates([JSON.parse(cat.files.get("catalog.json") ?? "{}")]);
    console.log(`github providers: ${rates.summary}`);
    expect(rates.portable.examples).toEqual(rates.empty);
    expect(rates.portable.tools).toBe(1223);
  }, 240_000);
});
