import { isAbsolute, relative, resolve } from "node:path";
import { PACKAGE_ROOT } from "../../src/load/package.js";
import { AUTO_CONCISE_TOKENS, DESCRIPTION_CHOICES, OUTPUT_MODES } from "../../src/publish/settings.js";
import { formatBytes } from "../../src/telemetry/bytes.js";
import {
  type CatalogSize,
  type CatalogStats,
  type DescriptionChoice,
  type GeneratedCatalog,
  PROVIDER_TOOL_LIMIT,
  VERSION,
} from "../index.js";
import { readsAhead } from "../load/files.js";
import type { PublishSpec } from "../manifest/types.js";
import { diffCatalog, isClean, refuseTarget, writeCatalog } from "../write.js";
import { parseCliFlags } from "./flags.js";
import { discoverJobs, generateAll, type JobOptions, usageError } from "./jobs.js";
import { Summary } from "./summary.js";

const HELP = `Usage: toolwright generate [options]
       toolwright generate --openapi FILE [--out DIR] [--name NAME]
       toolwright generate --graphql FILE... [--out DIR] [--name NAME]

Compiles every catalog under specs/ (a folder with a tools.yaml manifest and its specs) into
generated/<catalog>/: catalog.json, CATALOG.md, zod schemas, assets, and, for a catalog with
hand-written handlers, request/response types (openapi-typescript).
Nothing is written unless every catalog generates without errors; unchanged catalogs are not touched.

With --openapi, builds a catalog of every operation of one OpenAPI 2.0/3.0/3.1/3.2 file, no manifest needed:
named after the spec's info.title (CarCheck API -> carcheck, env CARCHECK_BASE_URL; --name overrides),
default tool names, base URL from the spec's servers (override with <NAME>_BASE_URL), one env variable
per credential, written to ./generated/<name> in the current directory (never into toolwright's own
generated/ folder). Serve it with: toolwright serve ./generated/<name>
To curate it (choose, rename, reclassify tools), start a manifest with: toolwright init --openapi FILE (or --graphql FILE...)

With --graphql, builds a catalog of every Query and Mutation field of a GraphQL schema, no manifest needed:
SDL (one file, or split over several files and folders: repeat --graphql) or introspection JSON (any age).
The endpoint comes from <NAME>_URL; credentials and scalar mappings need a manifest (sources.<id>.auth,
sources.<id>.scalars).

Options:
  --specs DIR       folder holding the catalogs (default: specs)
  --out DIR         output folder (default: generated; with --openapi: ./generated/<name>)
  --catalog NAME    only this catalog (repeatable)
  --openapi FILE    a bare OpenAPI spec (YAML or JSON)
  --graphql FILE    a bare GraphQL schema: SDL or introspection JSON; a folder is every SDL file under it
                    (repeatable: a schema split over several files)
  --name NAME       catalog name for --openapi/--graphql (default: the OpenAPI spec's info.title; the
                    (first) GraphQL file's name)
  --patch FILE      --openapi: a JSON Patch (RFC 6902; YAML or JSON) applied to the spec before it is
                    read (repeatable; a manifest uses sources.<id>.patch)
  --ref-folder DIR  --openapi: a folder besides the spec's own that its $refs may read, for a spec split
                    over sibling folders (repeatable; a manifest uses sources.<id>.ref_folders)
  --output-schemas full|compact|none
                    --openapi: output schemas in tools/list (default compact: bounded like inputs)
  --descriptions auto|full|concise
                    --openapi: descriptions as written (full), or their first paragraph as plain
                    text (concise); auto (default): full unless a model would see more than
                    ~${AUTO_CONCISE_TOKENS / 1000}k tokens with them
  --common-arguments instructions|per-tool
                    --openapi: an argument many tools share described once, in the server's
                    instructions (default), or in every tool's input schema (per-tool)
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
  --quiet           print errors only (no progress, no summary)
  --json            print the summary as one JSON document on stdout (catalogs, counts, files, diagnostics)
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
  if (s.skipped > 0)
    extras.push(`${s.skipped} operation${s.skipped === 1 ? "" : "s"} left out (see CATALOG.md)`);
  if (s.shortened > 0)
    extras.push(
      `${s.shortened} name${s.shortened === 1 ? "" : "s"} shortened to the name budget (see CATALOG.md)`,
    );
  if (s.overProviderLimit)
    extras.push(
      `over the ${PROVIDER_TOOL_LIMIT} tools OpenAI takes per request (serve with --discovery; TW195)`,
    );
  return `${s.tools} tools (${s.read} read, ${s.write} write, ${s.destructive} destructive)${internal}${extras.length ? `, ${extras.join(", ")}` : ""}`;
}

/**
 * Why a bare spec's catalog must not go to `dir`: toolwright's own generated/ holds its reference catalogs (and
 * is what `toolwright check` compares), so a user's catalog never lands there, by default or by --out.
 */
function ownFolder(root: string, dir: string): string | undefined {
  const own = resolve(PACKAGE_ROOT, "generated");
  const rel = relative(own, resolve(root, dir));
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return `${dir} is inside toolwright's own generated/ folder, which holds its reference catalogs (run toolwright from your project's folder)`;
}

/** A folder as `serve` takes it: a path (a bare name would mean a bundled catalog). */
function servePath(dir: string): string {
  return isAbsolute(dir) || dir.startsWith(".") ? dir : `./${dir}`;
}

/** The publishing flags of a bare spec, as a manifest's `publish:` (undefined when none is given). */
function publishFlags(values: Record<string, unknown>): PublishSpec | string | undefined {
  const out: PublishSpec = {};
  const output = values["output-schemas"] as string | undefined;
  if (output !== undefined) {
    if (!(OUTPUT_MODES as readonly string[]).includes(output))
      return `--output-schemas must be one of ${OUTPUT_MODES.join(", ")}`;
    out.output_schemas = output as PublishSpec["output_schemas"];
  }
  const descriptions = values.descriptions as string | undefined;
  if (descriptions !== undefined) {
    if (!(DESCRIPTION_CHOICES as readonly string[]).includes(descriptions))
      return `--descriptions must be one of ${DESCRIPTION_CHOICES.join(", ")}`;
    out.descriptions = descriptions as PublishSpec["descriptions"];
  }
  const common = values["common-arguments"] as string | undefined;
  if (common !== undefined) {
    if (common !== "instructions" && common !== "per-tool")
      return "--common-arguments must be one of instructions, per-tool";
    out.common_arguments = common;
  }
  const numbers: [string, "schema_depth" | "schema_bytes" | "output_schema_bytes", number][] = [
    ["schema-depth", "schema_depth", 0],
    ["schema-bytes", "schema_bytes", 256],
    ["output-schema-bytes", "output_schema_bytes", 128],
  ];
  for (const [flag, key, min] of numbers) {
    const raw = values[flag] as string | undefined;
    if (raw === undefined) continue;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < min)
      return `--${flag} must be a whole number, at least ${min}`;
    out[key] = Number(raw);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * What the catalog costs a client: the estimated tokens a model sees (with which descriptions, and what `auto`
 * compared), and the bytes of tools/list.
 */
function sizeLine(size: CatalogSize, descriptions: DescriptionChoice): string {
  const auto = descriptions.auto;
  const chosen =
    auto && descriptions.mode === "concise"
      ? ` (auto: ~${compact(auto.fullTokens)} with full ones)`
      : auto
        ? " (auto)"
        : "";
  return `~${compact(size.modelTokens)} tokens for the model with ${descriptions.mode} descriptions${chosen}, tools/list ${formatBytes(size.listBytes)}`;
}

function compact(n: number): string {
  return n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : `${n}`;
}

export async function run(argv: string[]): Promise<number> {
  let values: FlagValues;
  try {
    values = parseFlags(argv);
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const graphql = values.graphql as string[];
  if (graphql.length > 0 && values.openapi)
    return usageError("--openapi and --graphql are two kinds of bare spec: give one");
  const bare = Boolean(values.openapi) || graphql.length > 0;
  const publish = publishFlags(values);
  if (typeof publish === "string") return usageError(publish);
  if (publish && !bare)
    return usageError(
      "--output-schemas, --descriptions, --common-arguments and --schema-* go with --openapi or --graphql (a manifest sets publish:)",
    );
  if ((values.patch as string[]).length > 0 && !values.openapi)
    return usageError("--patch goes with --openapi (a manifest patches a spec with sources.<id>.patch)");
  if ((values["ref-folder"] as string[]).length > 0 && !values.openapi)
    return usageError("--ref-folder goes with --openapi (a manifest names them in sources.<id>.ref_folders)");
  const started = performance.now();
  const root = process.cwd();
  const summary = new Summary(values.json === true, values.quiet === true);
  const opts = jobOptions(values, root, summary, graphql, publish);
  const jobs = discoverJobs(opts);
  if (typeof jobs === "string") return usageError(jobs);
  // A bare spec's catalog is named after its title (or file), so its folder is known once it is generated.
  if (bare && !values.out) opts.outParent = "generated";
  summary.say(`toolwright ${VERSION}: generating ${jobs.length} catalog${jobs.length === 1 ? "" : "s"}\n`);
  // The spec the bin started reading (`readAheadSpec`) is read by now, or waited for here.
  await readsAhead();
  const catalogs = await generateAll(jobs, opts);
  if (!catalogs) return summary.fail("errors above; nothing was written");
  if (values.verify) {
    const failed = await verifyGenerated(root, catalogs, summary);
    if (failed !== undefined) return failed;
  }
  const refusals = refusalsOf(root, catalogs, bare);
  if (refusals.length > 0)
    return summary.fail(`${refusals.join("\ntoolwright: ")}\ntoolwright: nothing was written`);
  const written = writeChanged(root, catalogs, summary);
  const bareCatalog = bare ? catalogs[0] : undefined;
  if (bareCatalog)
    summary.say(
      `  serve it: toolwright serve ${servePath(bareCatalog.dir)}   (its env variables: add --help)\n`,
    );
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  summary.say(
    `done in ${secs} s: ${catalogs.length} catalog${catalogs.length === 1 ? "" : "s"}, ${written} rewritten\n`,
  );
  return summary.done(written);
}

function parseFlags(argv: string[]) {
  return parseCliFlags({
    args: argv,
    options: {
      specs: { type: "string", default: "specs" },
      out: { type: "string" },
      catalog: { type: "string", multiple: true, default: [] },
      openapi: { type: "string" },
      graphql: { type: "string", multiple: true, default: [] },
      name: { type: "string" },
      patch: { type: "string", multiple: true, default: [] },
      "ref-folder": { type: "string", multiple: true, default: [] },
      "output-schemas": { type: "string" },
      descriptions: { type: "string" },
      "common-arguments": { type: "string" },
      "schema-depth": { type: "string" },
      "schema-bytes": { type: "string" },
      "output-schema-bytes": { type: "string" },
      verbose: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verify: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: false,
  }).values;
}

type FlagValues = ReturnType<typeof parseFlags>;

/** What every job of this run shares: folders, the catalogs asked for, a bare spec's flags, where diagnostics go. */
function jobOptions(
  values: FlagValues,
  root: string,
  summary: Summary,
  graphql: string[],
  publish: PublishSpec | undefined,
): JobOptions {
  return {
    root,
    specs: values.specs as string,
    out: (values.out as string | undefined) ?? "generated",
    catalogs: values.catalog as string[],
    verbose: values.verbose as boolean,
    strict: values.strict as boolean,
    quiet: values.quiet === true || values.json === true,
    onDiagnostics: (items) => summary.diagnostics(items),
    ...(values.openapi ? { openapi: values.openapi as string } : {}),
    ...(graphql.length > 0 ? { graphql } : {}),
    ...(values.name ? { name: values.name as string } : {}),
    ...(publish ? { publish } : {}),
    patches: values.patch as string[],
    refFolders: values["ref-folder"] as string[],
  };
}

/** `--verify`: type-checks the generated code; the failing exit code (the first 20 problems on stderr), or none. */
async function verifyGenerated(
  root: string,
  catalogs: GeneratedCatalog[],
  summary: Summary,
): Promise<number | undefined> {
  const { verifyCatalogs } = await import("../verify.js");
  const problems = verifyCatalogs(root, catalogs);
  for (const p of problems.slice(0, 20))
    process.stderr.write(`${p.file}${p.line ? `:${p.line}` : ""} error TS: ${p.message}\n`);
  if (problems.length > 0)
    return summary.fail(
      `generated code does not type-check (${problems.length} problems); nothing was written`,
    );
  summary.say("  verified: generated TypeScript type-checks\n");
  return undefined;
}

/** Why a catalog's target folder must not be written (not ours, or a bare spec's folder someone else owns). */
function refusalsOf(root: string, catalogs: GeneratedCatalog[], bare: boolean): string[] {
  return catalogs.flatMap((cat) => {
    const why = (bare ? ownFolder(root, cat.dir) : undefined) ?? refuseTarget(root, cat);
    return why
      ? [`will not write catalog "${cat.name}": ${why}. Choose a new or empty folder with --out.`]
      : [];
  });
}

/** Writes the catalogs whose files changed, a line each; how many were rewritten. */
function writeChanged(root: string, catalogs: GeneratedCatalog[], summary: Summary): number {
  let written = 0;
  for (const cat of catalogs) {
    const diff = diffCatalog(root, cat);
    const total = Object.values(cat.timings).reduce((a, b) => a + b, 0);
    const files = diff.changed.length + diff.added.length + diff.removed.length;
    const state = isClean(diff) ? "unchanged" : `${files} files updated`;
    if (!isClean(diff)) {
      writeCatalog(root, cat);
      written++;
    }
    summary.catalog(cat, files, total);
    summary.say(
      `  ${cat.name.padEnd(16)} ${safetyLine(cat.stats)}  ${sizeLine(cat.size, cat.descriptions)}  ${(total / 1000).toFixed(1)} s  -> ${cat.dir}/ (${state})\n`,
    );
  }
  return written;
}
