/**
 * A corpus worker process: generates the bare specs its parent sends (one at a time, over IPC) and writes each
 * catalog, answering with the outcome. The parent bounds every spec with a timeout and kills a worker that hangs.
 */
import { Diagnostics, generateCatalog } from "../../../codegen/index.js";
import { writeCatalog } from "../../../codegen/write.js";
import type { CorpusJob, CorpusResult } from "./pool.js";

const root = process.env.CORPUS_ROOT as string;

process.on("message", async (job: CorpusJob) => {
  const diags = new Diagnostics();
  const started = performance.now();
  const cat = await generateCatalog(
    { kind: "spec", spec: job.file, name: job.name },
    { root, out: job.out },
    diags,
  ).catch((e: Error) => {
    diags.error("TW170", `generator crashed: ${e.stack ?? e.message}`);
    return undefined;
  });
  if (cat) writeCatalog(root, cat);
  const result: CorpusResult = {
    job,
    ms: Math.round(performance.now() - started),
    ...(cat ? { dir: cat.dir, tools: cat.stats.tools } : {}),
    diagnostics: diags.items.filter((d) => d.severity !== "info"),
  };
  process.send?.(result);
});
process.send?.("ready");
