import { discoverJobs, generateAll, usageError, VERSION } from "./chunk-EXAFZZY7.js";
import { diffCatalog, isClean, refuseTarget, writeCatalog } from "./chunk-X5N2MBUR.js";
import "./chunk-MTZUHO2O.js";
import { DESCRIPTION_MODES, OUTPUT_MODES } from "./chunk-QIHSY5GF.js";
import "./chunk-BT76AUPC.js";
import "./chunk-YVYBC7VZ.js";
import "./chunk-5LKFIVJH.js";
import "./chunk-ZE2OXDKH.js";
import "./chunk-WSFCRVEQ.js";

// codegen/cli/generate.ts
import { parseArgs } from "node:util";

var HELP = `Usage: toolwright generate [options]
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
  --output-schemas full|compact|none
                    --openapi: output schemas in tools/list (default compact: bounded like inputs)
  --descriptions full|concise
                    --openapi: descriptions as written, or their first paragraph as plain text
  --schema-depth N  --openapi: named-schema references followed per tool (default 2)
  --schema-bytes N  --openapi: bytes of one published input schema (default 8192)
  --output-schema-bytes N
                    --openapi: bytes of one compact output schema (default 1024)
                    (a manifest sets these under publish:)
  --strict          a spec problem confined to one operation is an error (by default the operation is left
                    out with a located warning and listed in CATALOG.md; problems every operation shares
                    are always errors)
  --verify          type-check the generated TypeScript (in memory) before writing anything
  --verbose         stage timings and informational diagnostics
  -h, --help        this help

Exit status: 0 generated, 1 the inputs have errors (see the located diagnostics), 2 usage error.
`;
function safetyLine(s) {
  const extras = [
    s.resources ? `${s.resources} resources` : "",
    s.resourceTemplates ? `${s.resourceTemplates} resource templates` : "",
    s.prompts ? `${s.prompts} prompts` : "",
  ].filter(Boolean);
  const internal = s.internal ? ` + ${s.internal} internal` : "";
  if (s.skipped > 0)
    extras.push(`${s.skipped} operation${s.skipped === 1 ? "" : "s"} left out (see CATALOG.md)`);
  return `${s.tools} tools (${s.read} read, ${s.write} write, ${s.destructive} destructive)${internal}${extras.length ? `, ${extras.join(", ")}` : ""}`;
}
function publishFlags(values) {
  const out = {};
  const output = values["output-schemas"];
  if (output !== void 0) {
    if (!OUTPUT_MODES.includes(output)) return `--output-schemas must be one of ${OUTPUT_MODES.join(", ")}`;
    out.output_schemas = output;
  }
  const descriptions = values.descriptions;
  if (descriptions !== void 0) {
    if (!DESCRIPTION_MODES.includes(descriptions))
      return `--descriptions must be one of ${DESCRIPTION_MODES.join(", ")}`;
    out.descriptions = descriptions;
  }
  const numbers = [
    ["schema-depth", "schema_depth", 0],
    ["schema-bytes", "schema_bytes", 256],
    ["output-schema-bytes", "output_schema_bytes", 128],
  ];
  for (const [flag, key, min] of numbers) {
    const raw = values[flag];
    if (raw === void 0) continue;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < min)
      return `--${flag} must be a whole number, at least ${min}`;
    out[key] = Number(raw);
  }
  return Object.keys(out).length > 0 ? out : void 0;
}
function sizeLine(size) {
  return `~${compact(size.modelTokens)} tokens for the model, tools/list ${bytes(size.listBytes)}`;
}
function compact(n) {
  return n >= 1e4 ? `${Math.round(n / 1e3)}k` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : `${n}`;
}
function bytes(n) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}
async function run(argv) {
  let values;
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        specs: { type: "string", default: "specs" },
        out: { type: "string" },
        catalog: { type: "string", multiple: true, default: [] },
        openapi: { type: "string" },
        name: { type: "string" },
        "output-schemas": { type: "string" },
        descriptions: { type: "string" },
        "schema-depth": { type: "string" },
        "schema-bytes": { type: "string" },
        "output-schema-bytes": { type: "string" },
        verbose: { type: "boolean", default: false },
        verify: { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    });
  }
  try {
    values = parse().values;
  } catch (e) {
    return usageError(e.message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const publish = publishFlags(values);
  if (typeof publish === "string") return usageError(publish);
  if (publish && !values.openapi)
    return usageError(
      "--output-schemas, --descriptions and --schema-* go with --openapi (a manifest sets publish:)",
    );
  const started = performance.now();
  const root = process.cwd();
  const opts = {
    root,
    specs: values.specs,
    out: values.out ?? "generated",
    catalogs: values.catalog,
    verbose: values.verbose,
    strict: values.strict,
    ...(values.openapi ? { openapi: values.openapi } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(publish ? { publish } : {}),
  };
  const jobs = discoverJobs(opts);
  if (typeof jobs === "string") return usageError(jobs);
  if (opts.openapi && !values.out) {
    const job = jobs[0];
    opts.out = `generated/${job?.kind === "spec" ? job.name : "api"}`;
  }
  process.stdout.write(
    `toolwright ${VERSION}: generating ${jobs.length} catalog${jobs.length === 1 ? "" : "s"}
`,
  );
  const catalogs = await generateAll(jobs, opts);
  if (!catalogs) {
    process.stderr.write("toolwright: errors above; nothing was written.\n");
    return 1;
  }
  if (values.verify) {
    const { verifyCatalogs } = await import("./verify-5AIQ5FXM.js");
    const problems = verifyCatalogs(root, catalogs);
    for (const p of problems.slice(0, 20))
      process.stderr.write(`${p.file}${p.line ? `:${p.line}` : ""} error TS: ${p.message}
`);
    if (problems.length > 0) {
      process.stderr.write(
        `toolwright: generated code does not type-check (${problems.length} problems); nothing was written.
`,
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
    process.stderr.write(`${refusals.join("\n")}
toolwright: nothing was written.
`);
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
      `  ${cat.name.padEnd(16)} ${safetyLine(cat.stats)}  ${sizeLine(cat.size)}  ${(total / 1e3).toFixed(1)} s  -> ${cat.dir}/ (${state})
`,
    );
  }
  const secs = ((performance.now() - started) / 1e3).toFixed(1);
  process.stdout.write(
    `done in ${secs} s: ${catalogs.length} catalog${catalogs.length === 1 ? "" : "s"}, ${written} rewritten
`,
  );
  return 0;
}

export { run };
