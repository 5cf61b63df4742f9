import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { Diagnostics, formatDiagnostic } from "../diagnostics.js";
import { type CatalogJob, type GeneratedCatalog, generateCatalog } from "../index.js";
import { catalogNameFromFile } from "../synthesize.js";
import { compareStrings } from "../util.js";

export interface JobOptions {
  root: string;
  specs: string;
  out: string;
  catalogs: string[];
  openapi?: string;
  name?: string;
  verbose: boolean;
}

export function usageError(message: string): number {
  process.stderr.write(`toolwright: ${message}\nRun with --help for usage.\n`);
  return 2;
}

/** Every `specs/<catalog>/tools.yaml`, in name order (or only the named catalogs). */
export function discoverJobs(opts: JobOptions): CatalogJob[] | string {
  if (opts.openapi) {
    const spec = resolve(opts.root, opts.openapi);
    const name = opts.name ?? catalogNameFromFile(spec);
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      return `--name "${name}" must be lower-case letters, digits and dashes`;
    return [{ kind: "spec", spec, name }];
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
    const slow = setTimeout(
      () =>
        process.stderr.write(
          `  … still working on ${job.kind === "spec" ? job.name : relative(opts.root, job.manifest)}\n`,
        ),
      3000,
    );
    const cat = await generateCatalog(
      job,
      {
        root: opts.root,
        out: job.kind === "spec" ? opts.out : opts.out,
        ...(opts.verbose ? { onStage: (c, s) => process.stderr.write(`  ${c}: ${s}…\n`) } : {}),
      },
      diags,
    ).catch((e: Error) => {
      diags.error("TW170", `generator crashed: ${e.stack ?? e.message}`);
      return undefined;
    });
    clearTimeout(slow);
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
