import { parseArgs } from "node:util";
import { type CatalogStats, VERSION } from "../index.js";
import { diffCatalog, isClean, refuseTarget, writeCatalog } from "../write.js";
import { discoverJobs, generateAll, usageError } from "./jobs.js";

const HELP = `Usage: toolwright generate [options]
       toolwright generate --openapi FILE [--out DIR] [--name NAME]

Compiles every catalog under specs/ (a folder with a tools.yaml manifest and its specs) into
generated/<catalog>/: catalog.json, CATALOG.md, zod schemas, openapi-typescript types and assets.
Nothing is written unless every catalog generates without errors; unchanged catalogs are not touched.

With --openapi, builds a catalog of every operation of one OpenAPI 2.0/3.0/3.1 file, no manifest needed:
default tool names, base URL from the spec's servers (override with <NAME>_BASE_URL), one env variable
per credential. Serve it with: toolwright serve <out-dir>

Options:
  --specs DIR       folder holding the catalogs (default: specs)
  --out DIR         output folder (default: generated; with --openapi: generated/<name>)
  --catalog NAME    only this catalog (repeatable)
  --openapi FILE    a bare OpenAPI spec (YAML or JSON)
  --name NAME       catalog name for --openapi (default: derived from the file name)
  --verify          type-check the generated TypeScript (in memory) before writing anything
  --verbose         stage timings and informational diagnostics
  -h, --help        this help

Exit status: 0 generated, 1 the inputs have errors (see the located diagnostics), 2 usage error.
`;

function safetyLine(s: CatalogStats): string {
  const extras = [
    s.resources ? `${s.resources} resources` : "",
    s.resourceTemplates ? `${s.resourceTemplates} resource templates` : "",
    s.prompts ? `${s.prompts} prompts` : "",
  ].filter(Boolean);
  const internal = s.internal ? ` + ${s.internal} internal` : "";
  return `${s.tools} tools (${s.read} read, ${s.write} write, ${s.destructive} destructive)${internal}${extras.length ? `, ${extras.join(", ")}` : ""}`;
}

export async function run(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        specs: { type: "string", default: "specs" },
        out: { type: "string" },
        catalog: { type: "string", multiple: true, default: [] },
        openapi: { type: "string" },
        name: { type: "string" },
        verbose: { type: "boolean", default: false },
        verify: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    });
  }
  try {
    values = parse().values;
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const started = performance.now();
  const root = process.cwd();
  const opts = {
    root,
    specs: values.specs as string,
    out: (values.out as string | undefined) ?? "generated",
    catalogs: values.catalog as string[],
    verbose: values.verbose as boolean,
    ...(values.openapi ? { openapi: values.openapi as string } : {}),
    ...(values.name ? { name: values.name as string } : {}),
  };
  const jobs = discoverJobs(opts);
  if (typeof jobs === "string") return usageError(jobs);
  if (opts.openapi && !values.out) {
    const job = jobs[0];
    opts.out = `generated/${job?.kind === "spec" ? job.name : "api"}`;
  }
  process.stdout.write(
    `toolwright ${VERSION}: generating ${jobs.length} catalog${jobs.length === 1 ? "" : "s"}\n`,
  );
  const catalogs = await generateAll(jobs, opts);
  if (!catalogs) {
    process.stderr.write("toolwright: errors above; nothing was written.\n");
    return 1;
  }
  if (values.verify) {
    const { verifyCatalogs } = await import("../verify.js");
    const problems = verifyCatalogs(root, catalogs);
    for (const p of problems.slice(0, 20))
      process.stderr.write(`${p.file}${p.line ? `:${p.line}` : ""} error TS: ${p.message}\n`);
    if (problems.length > 0) {
      process.stderr.write(
        `toolwright: generated code does not type-check (${problems.length} problems); nothing was written.\n`,
      );
      return 1;
    }
    process.stdout.write("  verified: generated TypeScript type-checks\n");
  }
  const refusals = catalogs.flatMap((cat) => {
    const why = refuseTarget(root, cat);
    return why
      ? [`toolwright: will not write catalog "${cat.name}": ${why}. Choose a new or empty folder with --out.`]
      : [];
  });
  if (refusals.length > 0) {
    process.stderr.write(`${refusals.join("\n")}\ntoolwright: nothing was written.\n`);
    return 1;
  }
  let written = 0;
  for (const cat of catalogs) {
    const diff = diffCatalog(root, cat);
    const total = Object.values(cat.timings).reduce((a, b) => a + b, 0);
    const state = isClean(diff)
      ? "unchanged"
      : `${diff.changed.length + diff.added.length + diff.removed.length} files updated`;
    if (!isClean(diff)) {
      writeCatalog(root, cat);
      written++;
    }
    process.stdout.write(
      `  ${cat.name.padEnd(16)} ${safetyLine(cat.stats)}  ${(total / 1000).toFixed(1)} s  -> ${cat.dir}/ (${state})\n`,
    );
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `done in ${secs} s: ${catalogs.length} catalog${catalogs.length === 1 ? "" : "s"}, ${written} rewritten\n`,
  );
  return 0;
}
