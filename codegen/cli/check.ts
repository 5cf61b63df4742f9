import { diffCatalog, isClean } from "../write.js";
import { parseCliFlags } from "./flags.js";
import { discoverJobs, generateAll, usageError } from "./jobs.js";

const HELP = `Usage: toolwright check [--specs DIR] [--out DIR] [--catalog NAME]...

Regenerates every catalog in memory and compares it with generated/. Exits 1 and lists the files when
generated/ is stale (run \`toolwright generate\` and commit), 0 when it is up to date. Writes nothing.
Run it in CI so a spec or manifest change cannot land without its generated catalog.

Options:
  --specs DIR       folder holding the catalogs (default: specs)
  --out DIR         folder of generated catalogs (default: generated)
  --catalog NAME    only this catalog (repeatable)
  --verbose         stage timings and informational diagnostics
  -h, --help        this help
`;

export async function run(argv: string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseCliFlags({
      args: argv,
      options: {
        specs: { type: "string", default: "specs" },
        out: { type: "string", default: "generated" },
        catalog: { type: "string", multiple: true, default: [] },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const opts = {
    root: process.cwd(),
    specs: values.specs as string,
    out: values.out as string,
    catalogs: values.catalog as string[],
    verbose: values.verbose as boolean,
  };
  const jobs = discoverJobs(opts);
  if (typeof jobs === "string") return usageError(jobs);
  const catalogs = await generateAll(jobs, opts);
  if (!catalogs) return 1;
  let stale = 0;
  for (const cat of catalogs) {
    const diff = diffCatalog(opts.root, cat);
    if (isClean(diff)) continue;
    stale++;
    process.stdout.write(`${cat.dir}/ is stale:\n`);
    for (const f of diff.changed) process.stdout.write(`  changed  ${cat.dir}/${f}\n`);
    for (const f of diff.added) process.stdout.write(`  missing  ${cat.dir}/${f}\n`);
    for (const f of diff.removed) process.stdout.write(`  extra    ${cat.dir}/${f}\n`);
  }
  if (stale > 0) {
    process.stdout.write(
      "error TW160: generated output is stale\n  fix: run `toolwright generate` and commit generated/\n",
    );
    return 1;
  }
  process.stdout.write(`generated/ is up to date (${catalogs.length} catalogs)\n`);
  return 0;
}
