import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "../../../codegen/diagnostics.js";
import { ROOT } from "../../helpers/paths.js";

export interface CorpusJob {
  id: string;
  /** Absolute path of the spec. */
  file: string;
  /** Catalog name. */
  name: string;
  /** Output folder, relative to the repository root. */
  out: string;
}

export interface CorpusResult {
  job: CorpusJob;
  ms: number;
  /** The written catalog folder (relative to the root), when it generated. */
  dir?: string;
  tools?: number;
  /** Errors and warnings (infos left out). */
  diagnostics: Diagnostic[];
  /** Set by the pool: the worker did not answer within the time limit, or died. */
  failure?: "hang" | "died";
}

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));

/**
 * Generates every job in `workers` child processes at once, each spec bounded by `timeoutMs`: a worker that does
 * not answer in time is killed and the spec recorded as a hang (naming it), and a fresh worker takes the rest.
 */
export async function runCorpus(
  jobs: CorpusJob[],
  options: { workers: number; timeoutMs: number; onResult?: (r: CorpusResult) => void },
): Promise<CorpusResult[]> {
  const queue = [...jobs];
  const results: CorpusResult[] = [];
  const record = (r: CorpusResult) => {
    results.push(r);
    options.onResult?.(r);
  };
  const lane = async () => {
    let child: ChildProcess | undefined;
    while (queue.length > 0) {
      child ??= await startWorker();
      const job = queue.shift() as CorpusJob;
      const result = await runOne(child, job, options.timeoutMs);
      if (result.failure) {
        child.kill("SIGKILL");
        child = undefined;
      }
      record(result);
    }
    child?.kill();
  };
  await Promise.all(Array.from({ length: Math.min(options.workers, jobs.length) }, lane));
  const order = new Map(jobs.map((j, i) => [j.id, i]));
  return results.sort((a, b) => (order.get(a.job.id) ?? 0) - (order.get(b.job.id) ?? 0));
}

function startWorker(): Promise<ChildProcess> {
  const child = fork(WORKER, [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx", "--max-old-space-size=2048"],
    env: { ...process.env, CORPUS_ROOT: ROOT },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  // Ready, or dead first (a worker that crashes while loading never says ready): settles either way.
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(new Error(`a corpus worker exited (${code ?? signal}) before it was ready:\n${stderr}`)),
    );
  });
}

function runOne(child: ChildProcess, job: CorpusJob, timeoutMs: number): Promise<CorpusResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (result: CorpusResult) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(result);
    };
    const failed = (failure: "hang" | "died"): CorpusResult => ({
      job,
      ms: Math.round(performance.now() - started),
      diagnostics: [],
      failure,
    });
    const onMessage = (result: CorpusResult) => done(result);
    const onExit = () => done(failed("died"));
    const timer = setTimeout(() => done(failed("hang")), timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(job);
  });
}
