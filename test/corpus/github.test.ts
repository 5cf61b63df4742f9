import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { verifyCatalogs } from "../../codegen/verify.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

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
  }, 240_000);
});
