import { existsSync, readdirSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { type Diagnostic, Diagnostics, formatDiagnostic } from "../diagnostics.js";
import { type CatalogJob, type GeneratedCatalog, generateCatalog } from "../index.js";
import type { PublishSpec } from "../manifest/types.js";
import { catalogNameFromFile } from "../synthesize.js";
import { compareStrings } from "../util.js";
import { progressMode, startProgress } from "./progress.js";

export interface JobOptions {
  root: string;
  specs: string;
  out: string;
  /** Bare specs without --out: the folder their catalog folder (named after the catalog) is made in. */
  outParent?: string;
  catalogs: string[];
  openapi?: string;
  /** A bare GraphQL schema: SDL files and folders, or one introspection JSON file. */
  graphql?: string[];
  name?: string;
  /** `--openapi` only: JSON Patch files applied to the spec. */
  patches?: string[];
  /** `--openapi` only: folders besides the spec's own its `$ref`s may read. */
  refFolders?: string[];
  /** `--openapi` only: publishing settings from the command line. */
  publish?: PublishSpec;
  verbose: boolean;
  strict?: boolean;
  /** Only errors on stderr (no warnings, no progress). */
  quiet?: boolean;
  /** Receives each job's diagnostics (for --json), besides stderr. */
  onDiagnostics?: (items: readonly Diagnostic[]) => void;
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
    const name = opts.name;
    if (name !== undefined && !/^[a-z][a-z0-9-]*$/.test(name))
      return `--name "${name}" must be lower-case letters, digits and dashes`;
    return [
      {
        kind: "spec",
        spec,
        ...(name !== undefined ? { name } : {}),
        ...(opts.publish ? { publish: opts.publish } : {}),
        ...(opts.patches?.length ? { patches: opts.patches.map((p) => resolve(opts.root, p)) } : {}),
        ...(opts.refFolders?.length ? { refFolders: opts.refFolders.map((f) => resolve(opts.root, f)) } : {}),
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
    const progress = startProgress(
      job.kind === "spec" ? (job.name ?? basename(job.spec)) : relative(opts.root, job.manifest),
      progressMode({ quiet: opts.quiet === true, verbose: opts.verbose }),
    );
    const cat = await generateCatalog(
      job,
      {
        root: opts.root,
        out: opts.out,
        ...(opts.outParent ? { outParent: opts.outParent } : {}),
        onStage: progress.stage,
        ...(opts.strict ? { strict: true } : {}),
      },
      diags,
    ).catch((e: Error) => {
      diags.error("TW170", `generator crashed: ${e.stack ?? e.message}`);
      return undefined;
    });
    progress.stop();
    opts.onDiagnostics?.(diags.items);
    for (const d of diags.items) {
      const shown = opts.quiet ? d.severity === "error" : d.severity !== "info" || opts.verbose;
      if (shown) process.stderr.write(`${formatDiagnostic(d)}\n`);
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
