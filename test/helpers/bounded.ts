import { Worker } from "node:worker_threads";
import type { Diagnostic } from "../../codegen/diagnostics.js";
import type { GeneratedCatalog } from "../../codegen/index.js";
import { ROOT } from "./paths.js";

export interface BoundedJob {
  /** Absolute path of a bare spec (with `graphql`, the first GraphQL file, naming the catalog). */
  spec: string;
  /** A bare GraphQL schema's files (`generate --graphql`); without it `spec` is an OpenAPI spec. */
  graphql?: string[];
  name: string;
  /** Output folder, relative to the repository root. */
  out: string;
}

export interface BoundedOutcome {
  cat: GeneratedCatalog | undefined;
  diagnostics: Diagnostic[];
}

/** The worker's program: loads the generator through tsx once, then generates the bare specs one by one. */
const PROGRAM = `
const { register } = await import("tsx/esm/api");
register();
const { workerData, parentPort } = await import("node:worker_threads");
const { Diagnostics, generateCatalog } = await import(workerData.generator);
parentPort.postMessage("ready");
for (const job of workerData.jobs) {
  const diags = new Diagnostics();
  const cat = await generateCatalog(
    { kind: "spec", spec: job.spec, name: job.name, graphql: job.graphql },
    { root: workerData.root, out: job.out },
    diags,
  ).catch((e) => { diags.error("TW170", "generator crashed: " + (e.stack ?? e.message)); return undefined; });
  // Files whose text is made on first read (catalog.json: GeneratedFiles) are made here: a message carries a plain Map.
  if (cat) for (const _ of cat.files.values());
  parentPort.postMessage({ cat, diagnostics: diags.items });
}
`;

/**
 * Generates bare specs one after the other in a worker thread, each bounded by `timeoutMs`: a generator that never
 * finishes (a synchronous loop no test timeout can interrupt) fails the test naming the spec instead of hanging
 * the run. The bound is a failure bound, not a speed assertion: keep it generous.
 */
export function generateBounded(jobs: BoundedJob[], timeoutMs = 60_000): Promise<BoundedOutcome[]> {
  const generator = new URL("../../codegen/index.ts", import.meta.url).href;
  const worker = new Worker(PROGRAM, { eval: true, workerData: { generator, jobs, root: ROOT } });
  const outcomes: BoundedOutcome[] = [];
  return new Promise<BoundedOutcome[]>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      void worker.terminate();
      if (error) reject(error);
      else resolve(outcomes);
    };
    const arm = () => {
      clearTimeout(timer);
      const job = jobs[outcomes.length] as BoundedJob;
      timer = setTimeout(
        () => finish(new Error(`generating ${job.name} (${job.spec}) did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
    };
    worker.on("message", (message: "ready" | BoundedOutcome) => {
      if (message !== "ready") outcomes.push(message);
      if (outcomes.length === jobs.length) finish();
      else arm();
    });
    worker.once("error", (error) => finish(error));
  });
}
