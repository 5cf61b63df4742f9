import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { Document, YAMLMap, YAMLSeq } from "yaml";
import type { CatalogDocument, CatalogTool } from "../../src/catalog.js";
import { terminalSafe } from "../../src/telemetry/terminal.js";
import { formatDiagnostic } from "../diagnostics.js";
import { Diagnostics, type GeneratedCatalog, generateCatalog } from "../index.js";
import { yaml } from "../load/document.js";
import { readsAhead } from "../load/files.js";
import { SDL_FILE } from "../load/graphql.js";
import { manifestSchema } from "../manifest/schema.js";
import type { Manifest, SourceSpec } from "../manifest/types.js";
import { envPrefix } from "../synthesize.js";
import { compareStrings } from "../util.js";
import { parseCliFlags } from "./flags.js";
import { usageError } from "./jobs.js";

const HELP = `Usage: toolwright init --openapi FILE [--ref-folder DIR...] [--name NAME] [--out FILE] [--force]
       toolwright init --graphql FILE [--graphql FILE...] [--name NAME] [--out FILE] [--force]
       toolwright init FILE ...

Starts a manifest from a spec: writes a commented tools.yaml (default specs/<name>/tools.yaml, where
\`toolwright generate\` finds it) that selects every operation, grouped by tag (GraphQL: queries, then
mutations), each with its tool name and safety class (and why, when more than the HTTP method or the
operation type decided), the env variables of the base URL and of every credential (GraphQL: the endpoint,
and a commented auth block to fill in, since a schema does not say how its server authenticates), and a
yaml-language-server line pointing at tools.schema.json (written beside it) so editors complete and check it.
Delete the operations you do not want, rename or reclassify tools under tools:, then run
\`toolwright generate\`. As written, it generates the same tools as \`generate --openapi FILE\` (or
\`generate --graphql FILE...\`).

Options:
  --openapi FILE  the OpenAPI 2.0/3.0/3.1/3.2 spec (YAML or JSON); or give it as the argument
  --ref-folder DIR  --openapi: a folder besides the spec's own that its $refs may read, for a spec split
                  over sibling folders (repeatable); the manifest lists it under the source's ref_folders
  --graphql FILE  a GraphQL schema: SDL, or introspection JSON; repeat it (or give a folder) for SDL split
                  over several files; a .graphql/.graphqls/.gql/.sdl file or a folder as the argument is one too
  --name NAME     catalog name (default: from the spec's info.title)
  --out FILE      where to write the manifest (default: specs/<name>/tools.yaml)
  --force         overwrite an existing manifest
  -h, --help      this help

Exit status: 0 written, 1 the spec has errors (located diagnostics) or the file exists, 2 usage error.
`;

export const SCHEMA_FILE = "tools.schema.json";

/** Where a tool goes in the `select:` list: its group (a tag; GraphQL: the operation type), and in what order. */
interface Group {
  label: string;
  /** Groups sort by rank, then by label. */
  rank: number;
}

/** OpenAPI: the first tag groups a tool (untagged tools last); GraphQL: queries, then mutations. */
function groupOf(tool: CatalogTool): Group {
  const b = tool.binding;
  if (b.kind === "graphql")
    return b.operationType === "query" ? { label: "queries", rank: 0 } : { label: "mutations", rank: 1 };
  const tag = tool.tags?.[0];
  return tag === undefined ? { label: "untagged", rank: 1 } : { label: `tag: ${tag}`, rank: 0 };
}

/** The selector that picks the tool: `GET /path`, or the root field (`Query.user`, `Mutation.deleteUser`). */
function selectorOf(tool: CatalogTool): string | undefined {
  const b = tool.binding;
  if (b.kind === "http") return `${b.method} ${b.path}`;
  if (b.kind === "graphql" && b.field !== undefined && b.operationType !== "subscription")
    return `${b.operationType === "query" ? "Query" : "Mutation"}.${b.field}`;
  return undefined;
}

/** `create_refund · destructive (moves money or ownership: "refund" in the operationId ...) · Create a refund` */
function toolComment(tool: CatalogTool): string {
  const basis = tool.safetyBasis;
  const why = basis && basis.proposed !== basis.binding ? ` (${basis.reasons.join("; ")})` : "";
  // The title and reasons are spec text: escape sequences and bidi controls shown as escapes (the file is read in
  // terminals and editors), on one line.
  return terminalSafe(` ${tool.name} · ${tool.safety}${why} · ${tool.title}`.replace(/\s+/g, " ").trimEnd());
}

/** The `select:` list: one selector per tool, in groups (generation keeps the spec's order whatever this one is). */
function selectNode(doc: Document, tools: readonly CatalogTool[]): YAMLSeq {
  const groups = new Map<string, { group: Group; members: CatalogTool[] }>();
  for (const tool of tools) {
    if (tool.internal || selectorOf(tool) === undefined) continue;
    const group = groupOf(tool);
    const entry = groups.get(group.label) ?? { group, members: [] };
    entry.members.push(tool);
    groups.set(group.label, entry);
  }
  const order = [...groups.values()].sort(
    (a, b) => a.group.rank - b.group.rank || compareStrings(a.group.label, b.group.label),
  );
  const seq = doc.createNode([]) as YAMLSeq;
  for (const { group, members } of order) {
    members.forEach((tool, i) => {
      const item = doc.createNode({ operation: selectorOf(tool) }) as YAMLMap;
      item.flow = true;
      item.comment = toolComment(tool);
      if (i === 0) item.commentBefore = terminalSafe(` ── ${group.label} (${members.length}) ──`);
      seq.items.push(item);
    });
  }
  return seq;
}

/** A spec file's path as the manifest at `outAbs` refers to it (relative, `./` first). */
function specPath(specAbs: string, outAbs: string): string {
  const rel = relative(dirname(outAbs), specAbs).split("\\").join("/");
  return rel.startsWith(".") || isAbsolute(rel) ? rel : `./${rel}`;
}

/** The source with its spec files relative to the manifest (a GraphQL schema in one file stays one string). */
function relativeSource(source: SourceSpec, outAbs: string): SourceSpec {
  if (source.openapi !== undefined)
    return {
      ...source,
      openapi: specPath(source.openapi, outAbs),
      ...(source.ref_folders?.length
        ? { ref_folders: source.ref_folders.map((f) => specPath(f, outAbs)) }
        : {}),
    };
  if (source.graphql === undefined) return source;
  const files = (Array.isArray(source.graphql) ? source.graphql : [source.graphql]).map((f) =>
    specPath(f, outAbs),
  );
  return { ...source, graphql: files.length === 1 ? (files[0] as string) : files };
}

/**
 * A GraphQL schema does not say how its server authenticates: the bare catalog sends a bearer token when one is
 * set (`<NAME>_TOKEN`); the manifest shows, commented out, the env variable and auth entry of an API key header.
 */
function graphqlAuthHint(prefix: string): { env: string; auth: string } {
  return {
    env: [
      " A schema does not say how its server authenticates: the bearer token above is sent when it is set.",
      " For an API key header, uncomment this and follow the note under sources:",
      ` ${prefix}_API_KEY: { secret: true, description: API key sent in the X-Api-Key header }`,
    ].join("\n"),
    auth: [
      ` For an API key header: uncomment ${prefix}_API_KEY under env:, add under auth:`,
      `   key: { type: apiKey, in: header, name: X-Api-Key, value: { env: ${prefix}_API_KEY } }`,
      " and make it security: [[token], [key], []] (the first alternative whose credentials are set; [] = none).",
    ].join("\n"),
  };
}

/** The file's header: the schema line editors read, what the file is, and what to do with it. */
function headerComment(catalog: CatalogDocument, spec: string): string {
  const counts = (["read", "write", "destructive"] as const)
    .map((s) => `${catalog.tools.filter((t) => t.safety === s && !t.internal).length} ${s}`)
    .join(", ");
  return [
    ` yaml-language-server: $schema=./${SCHEMA_FILE}`,
    "",
    ` toolwright manifest for ${catalog.server.title ?? catalog.catalog}, started by \`toolwright init\` from ${spec}.`,
    ` ${catalog.tools.length} operations (${counts}). Delete the lines of operations the agent should not have,`,
    " add tools: { <name>: { safety, confirm, masked, title, description, args } } to curate the rest, then run",
    " `toolwright generate` and `toolwright audit`. Reference: docs/manifest.md in toolwright.",
  ].join("\n");
}

/** The manifest the bare spec implies, as a file next to `out`: spec paths relative, every operation listed. */
export function renderInitManifest(manifest: Manifest, catalog: CatalogDocument, outAbs: string): string {
  const sources = Object.fromEntries(
    Object.entries(manifest.sources ?? {}).map(([id, source]) => [id, relativeSource(source, outAbs)]),
  );
  const { select: _all, ...rest } = manifest;
  const { Document, isMap, isSeq } = yaml();
  const doc = new Document({ ...rest, sources, select: [] });
  const first = Object.values(sources)[0];
  const shown = first?.openapi ?? [first?.graphql ?? []].flat().join(", ");
  doc.commentBefore = headerComment(catalog, shown);
  const env = doc.get("env", true) as YAMLMap | undefined;
  if (isMap(env)) {
    for (const pair of env.items) if (isMap(pair.value)) pair.value.flow = true;
    env.commentBefore = " every variable the server reads: the base URL and each credential";
  }
  const graphqlSource = Object.keys(sources).find((id) => sources[id]?.graphql !== undefined);
  if (graphqlSource !== undefined && isMap(env)) {
    const hint = graphqlAuthHint(envPrefix(catalog.catalog));
    env.comment = hint.env;
    const source = doc.getIn(["sources", graphqlSource], true);
    if (isMap(source)) source.comment = hint.auth;
    const security = doc.getIn(["sources", graphqlSource, "security"], true);
    if (isSeq(security)) security.flow = true;
  }
  const seq = selectNode(doc, catalog.tools);
  seq.commentBefore =
    graphqlSource === undefined
      ? " every operation, by tag: tool name · safety class (why, when more than the method decided) · title"
      : " every query and mutation: tool name · safety class (why, when more than the operation type decided) · title";
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

/** What to start from: an OpenAPI spec, or a GraphQL schema (SDL files and folders, or introspection JSON). */
export type InitSpec = { openapi: string } | { graphql: string[] };

/** Generates the bare catalog in memory and renders the manifest that reproduces it (nothing is written). */
export async function initManifest(
  root: string,
  spec: string | InitSpec,
  options: { name?: string; out?: string; refFolders?: string[] },
  diags: Diagnostics,
): Promise<InitResult | undefined> {
  const from = typeof spec === "string" ? { openapi: spec } : spec;
  const files = "graphql" in from ? from.graphql.map((f) => resolve(root, f)) : [resolve(root, from.openapi)];
  const first = files[0] as string;
  const refFolders = (options.refFolders ?? []).map((f) => resolve(root, f));
  const cat = await generateCatalog(
    {
      kind: "spec",
      spec: first,
      ...(options.name ? { name: options.name } : {}),
      ...("graphql" in from ? { graphql: files } : {}),
      ...(refFolders.length > 0 ? { refFolders } : {}),
    },
    { root, out: "generated", keepEmpty: true },
    diags,
  );
  if (!cat) return undefined;
  // The folders the spec's $refs read, kept in the manifest so `generate` reads the spec as init did.
  for (const source of Object.values(cat.manifest.sources ?? {}))
    if (source.openapi !== undefined && refFolders.length > 0) source.ref_folders = refFolders;
  const doc = JSON.parse(cat.files.get("catalog.json") ?? "{}") as CatalogDocument;
  const out = resolve(root, options.out ?? join("specs", cat.name, "tools.yaml"));
  return { catalog: cat, out, text: renderInitManifest(cat.manifest, doc, out) };
}

/** The spec to start from, from the flags and arguments, or what is wrong with them. */
function specOf(openapi: string | undefined, graphql: string[], positionals: string[]): InitSpec | string {
  const given = (openapi ? 1 : 0) + (graphql.length > 0 ? 1 : 0) + (positionals.length > 0 ? 1 : 0);
  if (given !== 1 || (positionals.length > 1 && !positionals.every(isSdlPath)))
    return "init takes one spec: toolwright init --openapi FILE, or --graphql FILE... for a GraphQL schema";
  if (openapi) return { openapi };
  if (graphql.length > 0) return { graphql };
  return positionals.every(isSdlPath) ? { graphql: positionals } : { openapi: positionals[0] as string };
}

/** An SDL file or a folder (of SDL files): a GraphQL schema without saying --graphql. */
function isSdlPath(path: string): boolean {
  if (SDL_FILE.test(path)) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseCliFlags({
      args: argv,
      options: {
        openapi: { type: "string" },
        graphql: { type: "string", multiple: true, default: [] },
        name: { type: "string" },
        out: { type: "string" },
        "ref-folder": { type: "string", multiple: true, default: [] },
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
  const spec = specOf(values.openapi, values.graphql, positionals);
  if (typeof spec === "string") return usageError(spec);
  const refFolders = values["ref-folder"] as string[];
  if (refFolders.length > 0 && !("openapi" in spec))
    return usageError("--ref-folder goes with an OpenAPI spec (a GraphQL schema has no $refs)");
  if (values.name !== undefined && !/^[a-z][a-z0-9-]*$/.test(values.name))
    return usageError(`--name "${values.name}" must be lower-case letters, digits and dashes`);
  const root = process.cwd();
  const diags = new Diagnostics();
  // The spec the bin started reading (`readAheadSpec`) is read by now, or waited for here.
  await readsAhead();
  const result = await initManifest(
    root,
    spec,
    {
      ...(values.name ? { name: values.name } : {}),
      ...(values.out ? { out: values.out } : {}),
      ...(refFolders.length > 0 ? { refFolders } : {}),
    },
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
