import { discoverJobs, generateAll, usageError } from "./chunk-EXAFZZY7.js";
import { diffCatalog, isClean } from "./chunk-X5N2MBUR.js";
import "./chunk-MTZUHO2O.js";
import "./chunk-QIHSY5GF.js";
import "./chunk-BT76AUPC.js";
import "./chunk-YVYBC7VZ.js";
import "./chunk-5LKFIVJH.js";
import "./chunk-ZE2OXDKH.js";
import "./chunk-WSFCRVEQ.js";

// codegen/cli/check.ts
import { parseArgs } from "node:util";

var HELP = `Usage: toolwright check [--specs DIR] [--out DIR] [--catalog NAME]...

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
async function run(argv) {
  let values;
  try {
    values = parseArgs({
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
    return usageError(e.message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const opts = {
    root: process.cwd(),
    specs: values.specs,
    out: values.out,
    catalogs: values.catalog,
    verbose: values.verbose,
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
    process.stdout.write(`${cat.dir}/ is stale:
`);
    for (const f of diff.changed)
      process.stdout.write(`  changed  ${cat.dir}/${f}
`);
    for (const f of diff.added)
      process.stdout.write(`  missing  ${cat.dir}/${f}
`);
    for (const f of diff.removed)
      process.stdout.write(`  extra    ${cat.dir}/${f}
`);
  }
  if (stale > 0) {
    process.stdout.write(
      "error TW160: generated output is stale\n  fix: run `toolwright generate` and commit generated/\n",
    );
    return 1;
  }
  process.stdout.write(`generated/ is up to date (${catalogs.length} catalogs)
`);
  return 0;
}

export { run };
