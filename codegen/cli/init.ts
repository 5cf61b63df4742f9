import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from "yaml";
import type { CatalogDocument, CatalogTool } from "../../src/catalog.js";
import { formatDiagnostic } from "../diagnostics.js";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../index.js";
import { manifestSchema } from "../manifest/schema.js";
import type { Manifest } from "../manifest/types.js";
import { compareStrings } from "../util.js";
import { usageError } from "./jobs.js";

const HELP = `Usage: toolwright init --openapi FILE [--name NAME] [--out FILE] [--force]
       toolwright init FILE ...

Starts a manifest from a spec: writes a commented tools.yaml (default specs/<name>/tools.yaml, where
\`toolwright generate\` finds it) that selects every operation, grouped by tag, each with its tool name and
safety class (and why, when more than the HTTP method decided), the env variables of the base URL and of every
credential, and a yaml-language-server line pointing at tools.schema.json (written beside it) so editors
complete and check it. Delete the operations you do not want, rename or reclassify tools under tools:, then
run \`toolwright generate\`. As written, it generates the same tools as \`generate --openapi FILE\`.

Options:
  --openapi FILE  the OpenAPI 2.0/3.0/3.1 spec (YAML or JSON); or give it as the argument
  --name NAME     catalog name (default: from the spec's info.title)
  --out FILE      where to write the manifest (default: specs/<name>/tools.yaml)
  --force         overwrite an existing manifest
  -h, --help      this help

Exit status: 0 written, 1 the spec has errors (located diagnostics) or the file exists, 2 usage error.
`;

export const SCHEMA_FILE = "tools.schema.json";

/** The first tag of a tool groups it; tools without tags come last. */
function groupOf(tool: CatalogTool): string {
  return tool.tags?.[0] ?? "";
}

function selectorOf(tool: CatalogTool): string | undefined {
  const b = tool.binding;
  return b.kind === "http" ? `${b.method} ${b.path}` : undefined;
}

/** `create_refund · destructive (moves money or ownership: "refund" in the operationId ...) · Create a refund` */
function toolComment(tool: CatalogTool): string {
  const basis = tool.safetyBasis;
  const why = basis && basis.proposed !== basis.binding ? ` (${basis.reasons.join("; ")})` : "";
  return ` ${tool.name} · ${tool.safety}${why} · ${tool.title}`.replace(/\s+/g, " ").trimEnd();
}

/** The `select:` list: one selector per tool, in groups by tag (generation keeps the spec's order). */
function selectNode(doc: Document, tools: readonly CatalogTool[]): YAMLSeq {
  const groups = new Map<string, CatalogTool[]>();
  for (const tool of tools) {
    if (tool.internal || selectorOf(tool) === undefined) continue;
    const list = groups.get(groupOf(tool)) ?? [];
    list.push(tool);
    groups.set(groupOf(tool), list);
  }
  const order = [...groups.keys()].sort((a, b) => (a === "" ? 1 : b === "" ? -1 : compareStrings(a, b)));
  const seq = doc.createNode([]) as YAMLSeq;
  for (const group of order) {
    const members = groups.get(group) ?? [];
    members.forEach((tool, i) => {
      const item = doc.createNode({ operation: selectorOf(tool) }) as YAMLMap;
      item.flow = true;
      item.comment = toolComment(tool);
      if (i === 0) item.commentBefore = ` ── ${group ? `tag: ${group}` : "untagged"} (${members.length}) ──`;
      seq.items.push(item);
    });
  }
  return seq;
}

/** The manifest the bare spec implies, as a file next to `out`: spec path relative, every operation listed. */
export function renderInitManifest(
  manifest: Manifest,
  catalog: CatalogDocument,
  specAbs: string,
  outAbs: string,
): string {
  const rel = relative(dirname(outAbs), specAbs).split("\\").join("/");
  const spec = rel.startsWith(".") || isAbsolute(rel) ? rel : `./${rel}`;
  const sources = Object.fromEntries(
    Object.entries(manifest.sources ?? {}).map(([id, source]) => [id, { ...source, openapi: spec }]),
  );
  const { select: _all, ...rest } = manifest;
  const doc = new Document({ ...rest, sources, select: [] });
  const counts = (["read", "write", "destructive"] as const)
    .map((s) => `${catalog.tools.filter((t) => t.safety === s && !t.internal).length} ${s}`)
    .join(", ");
  doc.commentBefore = [
    ` yaml-language-server: $schema=./${SCHEMA_FILE}`,
    "",
    ` toolwright manifest for ${catalog.server.title ?? catalog.catalog}, started by \`toolwright init\` from ${spec}.`,
    ` ${catalog.tools.length} operations (${counts}). Delete the lines of operations the agent should not have,`,
    " add tools: { <name>: { safety, confirm, masked, title, description, args } } to curate the rest, then run",
    " `toolwright generate` and `toolwright audit`. Reference: docs/manifest.md in toolwright.",
  ].join("\n");
  const env = doc.get("env");
  if (isMap(env))
    for (const pair of env.items) {
      if (isMap(pair.value)) pair.value.flow = true;
    }
  const envNode = doc.get("env", true) as YAMLMap | undefined;
  if (envNode) envNode.commentBefore = " every variable the server reads: the base URL and each credential";
  const seq = selectNode(doc, catalog.tools);
  seq.commentBefore =
    " every operation, by tag: tool name · safety class (why, when more than the method decided) · title";
  doc.set("select", seq);
  const select = doc.get("select", true);
  if (isSeq(select) && select.items.length === 0) doc.set("select", [{ all: true }]);
  return doc.toString({ lineWidth: 0 });
}

export interface InitResult {
  catalog: GeneratedCatalog;
  text: string;
  out: string;
}

/** Generates the bare catalog in memory and renders the manifest that reproduces it (nothing is written). */
export async function initManifest(
  root: string,
  spec: string,
  options: { name?: string; out?: string },
  diags: Diagnostics,
): Promise<InitResult | undefined> {
  const specAbs = resolve(root, spec);
  const cat = await generateCatalog(
    { kind: "spec", spec: specAbs, ...(options.name ? { name: options.name } : {}) },
    { root, out: "generated" },
    diags,
  );
  if (!cat) return undefined;
  const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
  const out = resolve(root, options.out ?? join("specs", cat.name, "tools.yaml"));
  return { catalog: cat, out, text: renderInitManifest(cat.manifest, doc, specAbs, out) };
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        openapi: { type: "string" },
        name: { type: "string" },
        out: { type: "string" },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
    });
  }
  try {
    parsed = parse();
  } catch (e) {
    return usageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const spec = values.openapi ?? positionals[0];
  if (!spec || positionals.length > (values.openapi ? 0 : 1))
    return usageError("init takes one spec: toolwright init --openapi FILE");
  if (values.name !== undefined && !/^[a-z][a-z0-9-]*$/.test(values.name))
    return usageError(`--name "${values.name}" must be lower-case letters, digits and dashes`);
  const root = process.cwd();
  const diags = new Diagnostics();
  const result = await initManifest(
    root,
    spec,
    { ...(values.name ? { name: values.name } : {}), ...(values.out ? { out: values.out } : {}) },
    diags,
  );
  for (const d of diags.items) if (d.severity !== "info") process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (!result) {
    process.stderr.write("toolwright: errors above; nothing was written\n");
    return 1;
  }
  const shown = relative(root, result.out) || result.out;
  if (existsSync(result.out) && !values.force) {
    process.stderr.write(`toolwright: ${shown} exists; nothing was written (--force overwrites it)\n`);
    return 1;
  }
  mkdirSync(dirname(result.out), { recursive: true });
  writeFileSync(result.out, result.text);
  writeFileSync(join(dirname(result.out), SCHEMA_FILE), `${JSON.stringify(manifestSchema, null, 2)}\n`);
  const s = result.catalog.stats;
  process.stdout.write(
    `wrote ${shown} (${s.tools} operations: ${s.read} read, ${s.write} write, ${s.destructive} destructive) and ${SCHEMA_FILE} beside it\nnext: edit it, then toolwright generate${values.out ? ` --specs <the folder holding ${result.catalog.name}/tools.yaml>` : ""}\n`,
  );
  return 0;
}
