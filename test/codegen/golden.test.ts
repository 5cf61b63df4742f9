import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { diffCatalog, isClean, writeCatalog } from "../../codegen/write.js";
import { ROOT } from "../helpers/paths.js";

/**
 * Golden fixtures: each input generates exactly the committed `expected/` folder. The kitchen sink's expected
 * folder is also the catalog the end-to-end test serves. `UPDATE_GOLDEN=1 npx vitest run test/codegen/golden`
 * rewrites them after an intended change (review the diff).
 */
const CASES = [
  {
    name: "kitchen-sink",
    job: { kind: "manifest" as const, manifest: join(ROOT, "test/fixtures/kitchen-sink/tools.yaml") },
  },
  {
    name: "openapi30",
    job: { kind: "manifest" as const, manifest: join(ROOT, "test/fixtures/openapi30/tools.yaml") },
  },
  {
    name: "graphql-types",
    job: { kind: "manifest" as const, manifest: join(ROOT, "test/fixtures/graphql-types/tools.yaml") },
  },
  {
    name: "graphql-introspection",
    job: {
      kind: "manifest" as const,
      manifest: join(ROOT, "test/fixtures/graphql-introspection/tools.yaml"),
    },
  },
  {
    name: "swagger2",
    job: {
      kind: "spec" as const,
      spec: join(ROOT, "test/fixtures/swagger2/spec.yaml"),
      name: "legacy-files",
    },
  },
];

describe("golden fixtures", () => {
  for (const c of CASES) {
    it(`${c.name} generates its committed expected/ folder byte for byte`, async () => {
      const dir = `test/fixtures/${c.name}/expected`;
      const diags = new Diagnostics();
      const cat = await generateCatalog(c.job, { root: ROOT, out: dir, dir }, diags);
      expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
      expect(cat).toBeDefined();
      if (!cat) return;
      if (process.env.UPDATE_GOLDEN === "1") writeCatalog(ROOT, cat);
      const diff = diffCatalog(ROOT, cat);
      expect(diff, `${dir} differs; run UPDATE_GOLDEN=1 and review`).toEqual({
        dir,
        changed: [],
        added: [],
        removed: [],
      });
      expect(isClean(diff)).toBe(true);
    });
  }

  it("expected folders hold no absolute paths, no timestamps", () => {
    for (const c of CASES) {
      const catalog = readFileSync(join(ROOT, `test/fixtures/${c.name}/expected/catalog.json`), "utf8");
      expect(catalog).not.toContain(ROOT);
      expect(catalog).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
      expect(existsSync(join(ROOT, `test/fixtures/${c.name}/expected/CATALOG.md`))).toBe(true);
    }
  });
});
