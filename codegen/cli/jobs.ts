import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Diagnostics, formatDiagnostic } from "../diagnostics.js";
import { type CatalogJob, type GeneratedCatalog, generateCatalog } from "../index.js";
import type { PublishSpec } from "../manifest/types.js";
import { catalogNameFromFile } from "../synthesize.js";
import { compareStrings } from "../util.js";

export interface JobOptions {
  root: string;
  specs: string;
  out: string;
  catalogs: string[];
  openapi?: string;
  /** A bare GraphQL schema: SDL files and folders, or one introspection JSON file. */
  graphql?: string[];
  name?: string;
  /** `--openapi` only: JSON Patch files applied to the spec. */
  patches?: string[];
  /** `--openapi` only: publishing settings from the command line. */
  publish?: PublishSpec;
  verbose: boolean;
  strict?: boolean;
}

export function usageError(message: string): number {
  process.stderr.write(`toolwright: ${message}\nRun with --help for usage.\n`);
  return 2;
}

/** Every `specs/<catalog>/tools.yaml`, in name order (or only the named catalogs). */
export function discoverJobs(opts: JobOptions): CatalogJob[] | string {
  if (opts.graphql?.length) {
    const files = opts.graphql.map((f) => resolve(opts.root, f));
    const spec = files[0] as string;
    const name = opts.name ?? catalogNameFromFile(spec);
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      return `--name "${name}" must be lower-case letters, digits and dashes`;
    return [{ kind: "spec", spec, name, graphql: files, ...(opts.publish ? { publish: opts.publish } : {}) }];
  }
  if (opts.openapi) {
    const spec = resolve(opts.root, opts.openapi);
    const name = opts.name ?? catalogNameFromFile(spec);
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      return `--name "${name}" must be lower-case letters, digits and dashes`;
    return [
      {
        kind: "spec",
        spec,
        name,
        ...(opts.publish ? { publish: opts.publish } : {}),
        ...(opts.patches?.length ? { patches: opts.patches.map((p) => resolve(opts.root, p)) } : {}),
      },
    ];
  }
  const specsDir = resolve(opts.root, opts.specs);
  if (!existsSync(specsDir))
    return `no ${relative(opts.root, specsDir) || specsDir}/ folder here (run from the project root or pass --specs)`;
  const all = readdirSync(specsDir)
    .filter((d) => existsSync(join(specsDir, d, "tools.yaml")))
    .sort(compareStrings);
  const unknown = opts.catalogs.filter((c) => !all.includes(c));
  if (unknown.length > 0)
    return `no catalog named ${unknown.join(", ")} under ${opts.specs}/ (have: ${all.join(", ") || "none"})`;
  const chosen = opts.catalogs.length > 0 ? all.filter((d) => opts.catalogs.includes(d)) : all;
  if (chosen.length === 0)
    return `no catalogs under ${opts.specs}/ (a catalog is a folder with a tools.yaml)`;
  return chosen.map((d) => ({ kind: "manifest", manifest: join(specsDir, d, "tools.yaml") }));
}

/** Generates every job in memory; prints diagnostics to stderr. Undefined when any job failed. */
export async function generateAll(
  jobs: CatalogJob[],
  opts: JobOptions,
): Promise<GeneratedCatalog[] | undefined> {
  const out: GeneratedCatalog[] = [];
  let failed = false;
  for (const job of jobs) {
    const diags = new Diagnostics();
    const started = performance.now();
    const progress = stageProgress(
      job.kind === "spec" ? job.name : relative(opts.root, job.manifest),
      opts.verbose,
    );
    const cat = await generateCatalog(
      job,
      { root: opts.root, out: opts.out, onStage: progress.stage, ...(opts.strict ? { strict: true } : {}) },
      diags,
    ).catch((e: Error) => {
      diags.error("TW170", `generator crashed: ${e.stack ?? e.message}`);
      return undefined;
    });
    progress.stop();
    for (const d of diags.items) {
      if (d.severity !== "info" || opts.verbose) process.stderr.write(`${formatDiagnostic(d)}\n`);
    }
    if (!cat) {
      failed = true;
      continue;
    }
    if (opts.verbose) {
      const t = Object.entries(cat.timings)
        .map(([k, v]) => `${k} ${v} ms`)
        .join(", ");
      process.stderr.write(`  ${cat.name}: ${t} (${Math.round(performance.now() - started)} ms)\n`);
    }
    out.push(cat);
  }
  return failed ? undefined : out;
}

/** After this long, a catalog's stages are announced as they start (before, a quick catalog prints nothing). */
const QUIET_MS = 3000;
/** While one stage keeps running, a line this often (when the stage yields; stages start often enough otherwise). */
const HEARTBEAT_MS = 10_000;

/**
 * Progress lines on stderr for one catalog: nothing for a catalog that generates in under 3 s; after that, each
 * stage as it starts (with the time so far) and a heartbeat while a stage runs long. Stages are short, synchronous
 * steps, so a line comes at each boundary even when no timer can fire. `--verbose` announces every stage.
 */
function stageProgress(name: string, verbose: boolean) {
  const started = performance.now();
  let current = "load";
  let announced: string | undefined;
  let lastLine = started;
  const say = (what: string) => {
    lastLine = performance.now();
    process.stderr.write(`  ${name}: ${what} (${((lastLine - started) / 1000).toFixed(1)} s)\n`);
  };
  const tick = setInterval(() => {
    const now = performance.now();
    if (announced !== current && now - started >= QUIET_MS) {
      announced = current;
      say(`${current}…`);
    } else if (announced === current && now - lastLine >= HEARTBEAT_MS) say(`still ${current}…`);
  }, 1000);
  tick.unref();
  return {
    stage(_catalog: string, stage: string) {
      current = stage;
      if (verbose || performance.now() - started >= QUIET_MS) {
        announced = stage;
        say(`${stage}…`);
      }
    },
    stop() {
      clearInterval(tick);
    },
  };
}
