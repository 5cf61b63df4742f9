import { readFileSync } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import { INDEX_FILE } from "../src/load/catalog-index.js";
import { packageVersion } from "../src/load/package.js";
import { tolerateDrift } from "../src/publish/drift.js";
import { type CatalogSize, EntryTexts, measureCatalog, modelTokensOf } from "../src/publish/measure.js";
import { ProjectionMemo } from "../src/publish/project.js";
import { createPublisher } from "../src/publish/publisher.js";
import { AUTO_CONCISE_TOKENS, DEFAULT_PAGE_SIZE, PAGE_BYTES } from "../src/publish/settings.js";
import { type BoundCatalog, bindCatalog } from "./bind/catalog.js";
import type { HandlerRef } from "./bind/handler-tool.js";
import { Diagnostics } from "./diagnostics.js";
import { catalogIndexJson } from "./emit/catalog-index.js";
import { catalogDocument, type ToolSchemasJson, toolSchemasJson } from "./emit/catalog-json.js";
import { catalogMarkdown } from "./emit/catalog-md.js";
import { type CompiledHandlers, compileHandlers } from "./emit/handlers.js";
import { JsonSchemaEmitter } from "./emit/json-schema.js";
import {
  catalogModule,
  catalogModuleJs,
  generatedHeader,
  type HandlerImport,
  schemasModule,
  schemasModuleJs,
} from "./emit/modules.js";
import { publishedText } from "./emit/published.js";
import { GeneratedFiles } from "./generated-files.js";
import { SymbolTable } from "./ir/symbols.js";
import type { BudgetNode, CatalogIR, SchemaNode } from "./ir/types.js";
import { scanNamedSchemas, scanSchema, scanTool } from "./lint/descriptions.js";
import type { LoadedDocument } from "./load/document.js";
import { loadGraphql } from "./load/graphql.js";
import { loadOpenApi, type OpenApiSpec } from "./load/openapi.js";
import { readPatch, readPatchFiles } from "./load/patch.js";
import { loadManifest } from "./manifest/load.js";
import type { Manifest, PublishSpec, SourceSpec } from "./manifest/types.js";
import type { GraphqlSourceModel } from "./normalize/graphql/model.js";
import { normalizeGraphql } from "./normalize/graphql/source.js";
import type { OpenApiSourceModel } from "./normalize/openapi/model.js";
import { normalizeOpenApi } from "./normalize/openapi/operations.js";
import { planSymbols, type SymbolPlan } from "./plan/symbols.js";
import { cutUnguardedCycles } from "./plan/unguarded.js";
import {
  BARE_SOURCE,
  catalogNameFromFile,
  catalogNameFromTitle,
  synthesizeGraphqlManifest,
  synthesizeManifest,
  virtualManifestDoc,
} from "./synthesize.js";
import { asciiJsonBytes, codeText, count, sha256 } from "./util.js";

export const VERSION: string = packageVersion();

export type CatalogJob =
  /** `specs/<catalog>/tools.yaml` */
  | { kind: "manifest"; manifest: string }
  /** A bare spec, every operation, default names; `publish` as a manifest's (from the command line). */
  | {
      kind: "spec";
      spec: string;
      /** Without one: the OpenAPI spec's `info.title`, or the (first) GraphQL file's name. */
      name?: string;
      publish?: PublishSpec;
      patches?: string[];
      /** Folders besides the spec's own its `$ref`s may read (`--ref-folder`; a manifest's `ref_folders`). */
      refFolders?: string[];
      /** A bare GraphQL schema: its files and folders (`spec` is the first). */
      graphql?: string[];
    };

export interface GenerateOptions {
  /** Project root: every path in the output is relative to it (so output does not depend on the machine). */
  root: string;
  /** Folder of generated catalogs, relative to `root` (default `generated`), or the exact folder for bare specs. */
  out: string;
  /** Bare specs: the folder their catalog folder is made in, named after the catalog (instead of `out`). */
  outParent?: string;
  /** The exact folder of this catalog, relative to `root` (overrides `out`). */
  dir?: string;
  /** Called at the start of each stage, for progress on large specs (`detail`: what it works on, with counts). */
  onStage?: (catalog: string, stage: string, detail?: string) => void;
  /** Problems confined to one operation are errors instead of leaving the operation out. */
  strict?: boolean;
  /** Request/response types (`<source>.openapi.gen.ts`) even for a catalog without hand-written handlers. */
  types?: boolean;
  /**
   * A bare spec whose every operation is left out still gives its catalog of no tools (for `init`, whose manifest
   * is where the user fixes them, e.g. maps a security scheme); `generate` refuses it (TW148).
   */
  keepEmpty?: boolean;
}

export interface CatalogStats {
  /** Tools clients can list and call. */
  tools: number;
  /** Helpers only hand-written handlers can call. */
  internal: number;
  read: number;
  write: number;
  destructive: number;
  resources: number;
  resourceTemplates: number;
  prompts: number;
  /** Operations left out for problems confined to them (listed in CATALOG.md). */
  skipped: number;
  /** Default names shortened to fit the name budget (listed in CATALOG.md). */
  shortened: number;
  /** More tools listed than a widely used provider takes in one request, and no `budget.tools` says it is meant. */
  overProviderLimit: boolean;
}

export interface DescriptionChoice {
  mode: "full" | "concise";
  /** Set when `publish.descriptions` was `auto`: the estimated tokens a model sees with full descriptions. */
  auto?: { fullTokens: number };
}

export interface GeneratedCatalog {
  name: string;
  /** What the catalog publishes: the estimated tokens a model sees and the bytes of tools/list. */
  size: CatalogSize;
  /** The descriptions published, and whether `auto` chose them (with the tokens full ones would have been). */
  descriptions: DescriptionChoice;
  /** Folder the files belong in, relative to the root. */
  dir: string;
  /** Path inside `dir` -> content. */
  files: Map<string, string>;
  /**
   * The UTF-8 bytes of the files whose bytes emit laid out itself (catalog.json, 7.5 MB for GitHub REST), the same
   * content as their text in `files`: written and compared as they are, not encoded again.
   */
  bytes: ReadonlyMap<string, Uint8Array>;
  /** The input hash catalog.json and the generated modules' headers carry. */
  inputHash: string;
  stats: CatalogStats;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  /** The manifest it was generated from (for a bare spec: the one synthesized from it, which `init` writes out). */
  manifest: Manifest;
}

interface Loaded {
  manifest: Manifest;
  doc: LoadedDocument;
  specs: Map<string, OpenApiSpec>;
  models: OpenApiSourceModel[];
  graphql: GraphqlSourceModel[];
}

class Stages {
  readonly timings: Record<string, number> = {};
  constructor(
    private readonly name: string,
    private readonly onStage?: GenerateOptions["onStage"],
  ) {}
  /** Runs a stage; `detail` says what it works on, for progress displays (`1,223 operations`). */
  async run<T>(stage: string, fn: () => T | Promise<T>, detail?: string): Promise<T> {
    this.onStage?.(this.name, stage, detail);
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.timings[stage] = (this.timings[stage] ?? 0) + Math.round(performance.now() - t0);
    }
  }
}

/** A source's settings read for one kind of source only (`path` and `security` say so where they are read). */
const KIND_KEYS = {
  openapi: ["patch", "ref_folders", "param_env"],
  graphql: ["mutations", "scalars"],
} as const;

/**
 * A setting of the other kind of source (a GraphQL source's `param_env`, an OpenAPI source's `scalars`) was read by
 * nothing and said nothing: the manifest's author believed an argument was sent from the environment, or a scalar
 * mapped, and neither was. A located TW110 at the key.
 */
function otherKindsKeys(id: string, source: SourceSpec, doc: LoadedDocument, diags: Diagnostics): void {
  const kind = source.openapi ? "openapi" : "graphql";
  const other = kind === "openapi" ? "graphql" : "openapi";
  for (const key of KIND_KEYS[other])
    if (source[key] !== undefined)
      diags.error(
        "TW110",
        `${key} applies to ${other === "openapi" ? "OpenAPI" : "GraphQL"} sources only; source "${id}" is ${kind === "openapi" ? "an OpenAPI" : "a GraphQL"} source, so it would do nothing`,
        doc.ref(`#/sources/${id}/${key}`, true),
        other === "openapi" && key === "param_env"
          ? "Remove it: a GraphQL source sends no argument from the environment; a credential goes in its auth (sources.<id>.auth)."
          : "Remove it, or move it to the source it was meant for.",
      );
}

async function loadSources(
  manifest: Manifest,
  manifestAbs: string,
  root: string,
  doc: LoadedDocument,
  symbols: SymbolTable,
  diags: Diagnostics,
) {
  const specs = new Map<string, OpenApiSpec>();
  const graphql: GraphqlSourceModel[] = [];
  for (const [id, source] of Object.entries(manifest.sources ?? {})) {
    otherKindsKeys(id, source, doc, diags);
    if (!source.openapi) {
      const at = doc.ref(`#/sources/${id}/graphql`);
      const files = ([] as string[])
        .concat(source.graphql ?? [])
        .map((f) => resolve(dirname(manifestAbs), f));
      const spec = loadGraphql(files, root, diags, at);
      if (spec) graphql.push(normalizeGraphql(id, spec, source, doc, root, symbols, diags));
      continue;
    }
    const patch = source.patch && readPatch(source.patch, doc, `#/sources/${id}/patch`, root, diags);
    if (source.patch && !patch) continue;
    const spec = await loadOpenApi(
      resolve(dirname(manifestAbs), source.openapi),
      root,
      diags,
      doc.ref(`#/sources/${id}/openapi`),
      {
        refFolders: (source.ref_folders ?? []).map((folder) => resolve(dirname(manifestAbs), folder)),
        ...(patch ? { patch } : {}),
      },
    );
    if (spec) specs.set(id, spec);
  }
  const models = [...specs].map(([id, spec]) => normalizeOpenApi(id, spec, symbols, diags));
  return { specs, models, graphql };
}

async function load(
  job: CatalogJob,
  opts: GenerateOptions,
  symbols: SymbolTable,
  diags: Diagnostics,
  stages: Stages,
): Promise<Loaded | undefined> {
  if (job.kind === "manifest") {
    const file = relative(opts.root, job.manifest) || job.manifest;
    const loaded = await stages.run("load", () => loadManifest(job.manifest, file, diags));
    if (!loaded) return undefined;
    const { specs, models, graphql } = await stages.run("normalize", () =>
      loadSources(loaded.manifest, job.manifest, opts.root, loaded.doc, symbols, diags),
    );
    return { manifest: loaded.manifest, doc: loaded.doc, specs, models, graphql };
  }
  if (job.graphql) return loadBareGraphql(job, job.graphql, opts.root, symbols, diags, stages);
  const patch = job.patches?.length ? readPatchFiles(job.patches, opts.root, diags) : undefined;
  if (job.patches?.length && !patch) return undefined;
  const spec = await stages.run("load", () =>
    loadOpenApi(job.spec, opts.root, diags, undefined, {
      refFolders: job.refFolders ?? [],
      refHint: "flag",
      ...(patch ? { patch } : {}),
    }),
  );
  if (!spec) return undefined;
  const model = await stages.run("normalize", () => normalizeOpenApi(BARE_SOURCE, spec, symbols, diags));
  if (model.operations.length === 0 && (model.unreadable ?? []).length === 0) {
    diags.error("TW147", noOperations(spec.root.data), spec.root.cheapRef("#/paths"));
    return undefined;
  }
  const manifest = synthesizeManifest(bareName(job.name, model.title, job.spec, diags), job.spec, model);
  if (job.publish) manifest.publish = job.publish;
  const doc = virtualManifestDoc(manifest, resolve(dirname(job.spec), "tools.yaml"), spec.root.file);
  return { manifest, doc, specs: new Map([[BARE_SOURCE, spec]]), models: [model], graphql: [] };
}

/** A bare GraphQL schema (`generate --graphql FILE...`): every root field, the endpoint from `<NAME>_URL`. */
async function loadBareGraphql(
  job: Extract<CatalogJob, { kind: "spec" }>,
  files: string[],
  root: string,
  symbols: SymbolTable,
  diags: Diagnostics,
  stages: Stages,
): Promise<Loaded | undefined> {
  const spec = await stages.run("load", () => loadGraphql(files, root, diags));
  if (!spec) return undefined;
  const manifest = synthesizeGraphqlManifest(job.name ?? catalogNameFromFile(job.spec), files);
  if (job.publish) manifest.publish = job.publish;
  const doc = virtualManifestDoc(manifest, resolve(dirname(job.spec), "tools.yaml"), spec.file);
  const source = manifest.sources?.[BARE_SOURCE] ?? {};
  const model = await stages.run("normalize", () =>
    normalizeGraphql(BARE_SOURCE, spec, source, doc, root, symbols, diags),
  );
  return { manifest, doc, specs: new Map(), models: [], graphql: [model] };
}

/**
 * Why a bare spec gives no tools: it describes no operation under `paths`. A spec of webhooks only (OpenAPI 3.1, as
 * @octokit/openapi-webhooks publishes GitHub's) describes requests the API sends, which no agent can call.
 */
function noOperations(data: unknown): string {
  const webhooks = (data as { webhooks?: unknown } | null)?.webhooks;
  const count = webhooks && typeof webhooks === "object" ? Object.keys(webhooks).length : 0;
  const why =
    count > 0
      ? `; its ${count} webhook${count === 1 ? "" : "s"} describe${count === 1 ? "s" : ""} requests the API sends to a receiver, not operations a client calls`
      : "";
  return `the spec describes no operations (no path under \`paths\` has a method), so its catalog would have no tools${why}`;
}

/** Why a bare spec whose every operation was left out (each with its TW139 warning) is refused. */
function everyOperationLeftOut(skipped: number): string {
  const which = skipped === 1 ? "its one operation is" : `all ${skipped} of its operations are`;
  return `${which} left out for the problems the warnings above locate, so its catalog would have no tools`;
}

/** A bare spec's catalog name: given, else from its title, else (said, with how to choose one) its file name. */
function bareName(given: string | undefined, title: string, spec: string, diags: Diagnostics): string {
  if (given) return given;
  const fromTitle = catalogNameFromTitle(title);
  if (fromTitle) return fromTitle;
  const fromFile = catalogNameFromFile(spec);
  diags.warn(
    "TW145",
    `the spec's info.title (${JSON.stringify(title)}) gives no catalog name, so it is named "${fromFile}" after its file; pass --name to choose one`,
    { file: relative(process.cwd(), spec) || spec, pointer: "#/info/title" },
  );
  return fromFile;
}

function inputHash(loaded: Loaded, assetInputs: string[], root: string): string {
  const files = new Map<string, string>();
  if (loaded.doc.text !== "") files.set(loaded.doc.file, loaded.doc.sha256 ?? sha256(loaded.doc.text));
  for (const spec of loaded.specs.values()) {
    for (const d of spec.docs.all()) files.set(d.file, d.sha256 ?? sha256(d.text));
    for (const d of spec.patch?.files ?? []) files.set(d.file, sha256(d.text));
  }
  for (const model of loaded.graphql) for (const f of model.spec.files) files.set(f.file, sha256(f.text));
  for (const abs of assetInputs) files.set(relative(root, abs), sha256(readFileSync(abs)));
  const entries = [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `sha256:${sha256(JSON.stringify({ generator: VERSION, files: entries }))}`;
}

/** Components of a source whose recursion never passes through an object (openapi-typescript cannot alias them). */
function untypableComponents(
  sourceId: string,
  spec: OpenApiSpec,
  symbols: SymbolTable,
  cut: Set<string>,
): Set<string> {
  const prefix = `${sourceId}:${spec.root.file}#`;
  const ids = symbols.all().filter((s) => s.id.startsWith(prefix) && !s.id.includes("~"));
  const plan = planSymbols(
    ids.map((s) => ({ kind: "ref", target: s.id }) as SchemaNode),
    symbols,
  );
  return new Set(
    [...plan.lazy, ...cut].filter((id) => id.startsWith(prefix)).map((id) => id.slice(prefix.length - 1)),
  );
}

/** Operations (`GET /a`) and unreadable path items (`* /a`) with problems: their types are left out too. */
function withProblems(model: OpenApiSourceModel | undefined): string[] {
  if (!model) return [];
  return [
    ...model.operations.filter((o) => o.problems !== undefined).map((o) => o.key),
    ...(model.unreadable ?? []).map((u) => `* ${u.path}`),
  ];
}

/** Import specifiers of handler modules, relative to the generated folder (`.js`, as NodeNext resolves them). */
function handlerImports(handlers: HandlerRef[], dir: string): HandlerImport[] {
  return handlers.map((h) => {
    let spec = relative(dir, h.module).split("\\").join("/").replace(/\.ts$/, ".js");
    if (!spec.startsWith(".")) spec = `./${spec}`;
    return { key: h.key, module: spec, exportName: h.exportName };
  });
}

/** The catalog's handlers compiled (nothing to compile: an empty result); undefined after a compile error. */
async function compileAll(
  handlers: HandlerRef[],
  root: string,
  manifest: LoadedDocument,
  diags: Diagnostics,
): Promise<CompiledHandlers | undefined> {
  if (handlers.length === 0) return { code: "", inputs: [], codeHashes: new Map() };
  return compileHandlers(handlers, root, manifest, diags);
}

/** A manifest `budget:` the published catalog exceeds is an error located at the limit. */
/**
 * The most tools a widely used provider takes in one request: OpenAI's API refuses more than 128 (`Invalid
 * 'tools': array too long`), and hosts that pass every listed tool to the model (most do) then fail every request.
 */
export const PROVIDER_TOOL_LIMIT = 128;

function checkBudget(budget: BudgetNode, size: CatalogSize, listed: number, diags: Diagnostics): void {
  const { contextTokens, listBytes, tools } = budget;
  if (tools && listed > tools.limit) {
    diags.error(
      "TW193",
      `the catalog lists ${listed} tools, over budget.tools ${tools.limit}; select fewer tools (select, exclude) or serve it with --discovery`,
      tools.at,
    );
  } else if (!tools && listed > PROVIDER_TOOL_LIMIT) {
    diags.info(
      "TW195",
      `the catalog lists ${listed} tools, more than the ${PROVIDER_TOOL_LIMIT} OpenAI's API takes in one request: a host that hands every listed tool to such a model fails each request ("array too long"); serve it with --discovery, narrow it, or set budget.tools`,
    );
  }
  if (contextTokens && size.modelTokens > contextTokens.limit) {
    diags.error(
      "TW193",
      `what a model sees (names, descriptions, input schemas) is about ${size.modelTokens} tokens, over budget.context_tokens ${contextTokens.limit}; select fewer tools, set publish.descriptions: concise or a smaller publish.schema_bytes`,
      contextTokens.at,
    );
  }
  if (listBytes && size.listBytes > listBytes.limit) {
    diags.error(
      "TW193",
      `tools/list is ${size.listBytes} bytes, over budget.list_bytes ${listBytes.limit}; select fewer tools, set publish.output_schemas: none or compact, or smaller schema budgets`,
      listBytes.at,
    );
  }
}

/** Counts what clients see; handler-only (internal) tools are counted apart. */
function statsOf(ir: CatalogIR): CatalogStats {
  const listed = ir.tools.filter((t) => !t.internal);
  const n = (s: string) => listed.filter((t) => t.safety === s).length;
  return {
    tools: listed.length,
    internal: ir.tools.length - listed.length,
    read: n("read"),
    write: n("write"),
    destructive: n("destructive"),
    resources: ir.resources.length,
    resourceTemplates: ir.resourceTemplates.length,
    prompts: ir.prompts.length,
    skipped: ir.skipped?.length ?? 0,
    shortened: ir.tools.filter((t) => t.shortenedFrom !== undefined).length,
    overProviderLimit: ir.budget.tools === undefined && listed.length > PROVIDER_TOOL_LIMIT,
  };
}

/**
 * Runs the pipeline for one catalog, entirely in memory: load -> normalize -> bind -> plan -> emit. Returns
 * undefined when any error was diagnosed (nothing is written by this function, ever).
 */
export async function generateCatalog(
  job: CatalogJob,
  opts: GenerateOptions,
  diags: Diagnostics,
): Promise<GeneratedCatalog | undefined> {
  const name =
    job.kind === "spec" ? (job.name ?? basename(job.spec)) : relative(opts.root, dirname(job.manifest));
  const stages = new Stages(name, opts.onStage);
  const symbols = new SymbolTable();
  const loaded = await load(job, opts, symbols, diags, stages);
  if (!loaded || diags.hasErrors) return undefined;
  const bound = await bindStage(loaded, opts, symbols, diags, stages);
  if (diags.hasErrors) return undefined;
  // The request/response types type every component of a spec: those no operation reached are converted too.
  if (typesWanted(bound, opts.types)) for (const model of loaded.models) model.convertUnreached();
  const { ir } = bound;
  if (emptyBareCatalog(job, loaded, ir, opts, diags)) return undefined;
  const { plan, cut } = await planStage(ir, symbols, diags, stages);
  ir.symbols = plan.order;
  // The handlers' compiled code carries no hash, so it is compiled first and every file it took in is hashed.
  const compiled = await stages.run(
    "compile",
    () => compileAll(bound.handlers, opts.root, loaded.doc, diags),
    count(bound.handlers.length, "handler"),
  );
  if (!compiled) return undefined;
  for (const tool of ir.tools)
    if (tool.binding.kind === "custom") {
      const code = compiled.codeHashes.get(tool.binding.handler);
      if (code !== undefined) tool.binding.code = code;
    }
  const hash = inputHash(
    loaded,
    [...bound.assets.inputs, ...bound.handlers.map((h) => h.abs), ...compiled.inputs, ...bound.documents],
    opts.root,
  );
  const dir =
    opts.dir ??
    (job.kind === "spec" && !opts.outParent ? opts.out : `${opts.outParent ?? opts.out}/${ir.name}`);
  const header = generatedHeader(VERSION, loaded.doc.file, hash);
  const emitted = await stages.run(
    "emit",
    () => emitFiles({ loaded, bound, plan, compiled, symbols, hash, header, dir }, diags),
    `${count(ir.tools.length, "tool")}, ${count(plan.order.length, "schema")}`,
  );
  const { files, bytes, size, descriptions } = emitted;
  await addTypeFiles(files, { loaded, bound, symbols, cut, header, types: opts.types }, diags, stages);
  if (diags.hasErrors) return undefined;
  return {
    name: ir.name,
    dir,
    files,
    bytes,
    inputHash: hash,
    size,
    descriptions,
    stats: statsOf(ir),
    timings: stages.timings,
    manifest: loaded.manifest,
  };
}

/**
 * A bare spec (no manifest) that gives no tool is refused, saying why: every OpenAPI operation left out (TW148), or
 * no GraphQL root field a bare catalog takes (TW147), unless the caller keeps empty catalogs.
 */
function emptyBareCatalog(
  job: CatalogJob,
  loaded: Loaded,
  ir: BoundCatalog["ir"],
  opts: GenerateOptions,
  diags: Diagnostics,
): boolean {
  const allLeftOut = ir.tools.length === 0 && (ir.skipped?.length ?? 0) > 0;
  if (job.kind === "spec" && !job.graphql && allLeftOut && !opts.keepEmpty) {
    diags.error(
      "TW148",
      everyOperationLeftOut(ir.skipped?.length ?? 0),
      loaded.specs.get(BARE_SOURCE)?.root.cheapRef("#/paths"),
    );
    return true;
  }
  if (job.kind === "spec" && job.graphql && ir.tools.length === 0 && !opts.keepEmpty) {
    const fields = loaded.graphql.flatMap((m) => m.rootFields).map((f) => f.key);
    const named = `${fields.slice(0, 4).join(", ")}${fields.length > 4 ? ", ..." : ""}`;
    diags.error(
      "TW147",
      `the schema gives no tool: of its ${fields.length} root field${fields.length === 1 ? "" : "s"} (${named}), none is a Query or Mutation field a bare catalog takes (subscriptions and Apollo Federation's fields for the router are not)`,
      { file: loaded.graphql[0]?.spec.file ?? job.spec },
      "Point --graphql at a schema with Query or Mutation fields of its own (a federated API: the router's schema), or name the fields in a manifest.",
    );
    return true;
  }
  return false;
}

/** Binds every operation and root field the manifest selects into tools (the catalog IR), with its assets. */
function bindStage(
  loaded: Loaded,
  opts: GenerateOptions,
  symbols: SymbolTable,
  diags: Diagnostics,
  stages: Stages,
): Promise<BoundCatalog> {
  return stages.run(
    "bind",
    () =>
      bindCatalog({
        manifest: loaded.manifest,
        doc: loaded.doc,
        cwd: opts.root,
        sources: loaded.models,
        graphql: loaded.graphql,
        symbols,
        diags,
        ...(opts.strict ? { strict: true } : {}),
      }),
    count(
      loaded.models.reduce((n, m) => n + m.operations.length, 0) +
        loaded.graphql.reduce((n, m) => n + m.rootFields.length, 0),
      "operation",
    ),
  );
}

/** Cuts the schema cycles no object guards (diagnosed), then orders the named schemas the tools reach. */
async function planStage(
  ir: CatalogIR,
  symbols: SymbolTable,
  diags: Diagnostics,
  stages: Stages,
): Promise<{ plan: SymbolPlan; cut: Set<string> }> {
  let cut = new Set<string>();
  const plan = await stages.run(
    "plan",
    () => {
      cut = cutUnguardedCycles(symbols, diags);
      return planSymbols(
        ir.tools.flatMap((t) => [t.input, ...(t.output ? [t.output as SchemaNode] : [])]),
        symbols,
      );
    },
    count(ir.tools.length, "tool"),
  );
  return { plan, cut };
}

interface EmitInput {
  loaded: Loaded;
  bound: BoundCatalog;
  plan: SymbolPlan;
  compiled: CompiledHandlers;
  symbols: SymbolTable;
  hash: string;
  header: string;
  dir: string;
}

/**
 * Every file of the catalog but the request/response types: catalog.json (its published size measured and
 * checked against the budget), CATALOG.md, the TypeScript and JavaScript modules, compiled handlers and assets.
 */
function emitFiles(
  { loaded, bound, plan, compiled, symbols, hash, header, dir }: EmitInput,
  diags: Diagnostics,
): {
  files: GeneratedFiles;
  bytes: Map<string, Buffer>;
  size: CatalogSize;
  descriptions: DescriptionChoice;
} {
  const { ir, assets } = bound;
  const emitter = new JsonSchemaEmitter(symbols);
  const schemas = new Map<string, ToolSchemasJson>(
    ir.tools.map((t) => [t.name, toolSchemasJson(t, emitter)]),
  );
  for (const t of ir.tools) {
    const { input, output } = schemas.get(t.name) as ToolSchemasJson;
    const findings = scanTool({ title: t.title, description: t.description, inputSchema: input });
    // The output schema's own text is published too (a model reads it); named schemas are scanned below.
    if (output)
      findings.push(...scanSchema({ ...output, description: undefined, title: undefined }, "result"));
    for (const f of findings) {
      diags.warn("TW180", `tool ${t.name}: ${f.field} ${f.reason}`, t.declaredAt ?? t.source);
    }
  }
  const out = new GeneratedFiles();
  const table = emitter.table(plan.order.map((sym) => sym.id));
  // Named schemas' text (descriptions of nested fields reached by $ref) once each, at the schema's source.
  const sourceOf = new Map(plan.order.map((sym) => [sym.defName, sym.source]));
  for (const f of scanNamedSchemas(table)) {
    diags.warn("TW180", `schema ${f.schema}: ${f.field} ${f.reason}`, sourceOf.get(f.schema));
  }
  const doc = catalogDocument(ir, schemas, table, hash, VERSION);
  // Measured with the output transform the server applies, so the figures are the bytes a client receives.
  const limits = { entries: DEFAULT_PAGE_SIZE, bytes: PAGE_BYTES };
  // One memo for both publishers below: an input root is fitted once for its full and concise renderings.
  const memo = new ProjectionMemo(doc.schemas);
  // Its transforms read no tool (`perSchema`): tools with the same projection share one published schema.
  let publisher = createPublisher(doc, { transforms: [tolerateDrift], memo, perSchema: true });
  const descriptions: DescriptionChoice = { mode: doc.publish.descriptions };
  // Each entry's text, made once from its schemas' texts (once per shared schema): measured, then written.
  let texts = new EntryTexts(publisher);
  if (ir.autoDescriptions) {
    // Only what a model would see with full descriptions decides; the catalog's size is measured once, below,
    // with the descriptions it publishes (no output schema or tools/list entry is built for the other choice).
    const fullTokens = modelTokensOf(doc, publisher, texts);
    descriptions.auto = { fullTokens };
    if (fullTokens > AUTO_CONCISE_TOKENS) {
      // `auto`: a model would see too much with full descriptions; the catalog publishes concise ones.
      doc.publish = { ...doc.publish, descriptions: "concise" };
      descriptions.mode = "concise";
      publisher = createPublisher(doc, { transforms: [tolerateDrift], memo, perSchema: true });
      texts = new EntryTexts(publisher);
    }
  }
  const size = measureCatalog(doc, publisher, limits, texts);
  checkBudget(ir.budget, size, ir.tools.filter((t) => !t.internal).length, diags);
  const catalogBytes = asciiJsonBytes(doc);
  // Compared and written as these bytes; its text is made only if a caller reads it (`GeneratedFiles`).
  out.setLazy("catalog.json", () => catalogBytes.toString("latin1"));
  // Each tool's entry as a stdio page embeds it (ASCII: the same values, other characters escaped); the index
  // records its size, which the server checks before it lists anything from it.
  const published = publishedText(doc, texts, header);
  out.set(INDEX_FILE, catalogIndexJson(doc, catalogBytes, Buffer.byteLength(published)));
  out.set("CATALOG.md", catalogMarkdown(ir, symbols, loaded.doc.file, VERSION));
  out.set("schemas.gen.ts", codeText(schemasModule(ir, symbols, plan, header)));
  const imports = handlerImports(bound.handlers, dir);
  out.set("catalog.gen.ts", codeText(catalogModule(imports, hash, header)));
  out.set("schemas.gen.mjs", codeText(schemasModuleJs(ir, symbols, plan, header)));
  out.set("catalog.gen.mjs", codeText(catalogModuleJs(imports, hash, header)));
  out.set("published.gen.txt", published);
  if (bound.handlers.length > 0) out.set("handlers.gen.mjs", `${header}\n${compiled.code}`);
  for (const [path, text] of assets.files) out.set(path, text);
  return { files: out, bytes: new Map([["catalog.json", catalogBytes]]), size, descriptions };
}

/** Whether the catalog gets request/response types: it has hand-written handlers, or the `types` option asks. */
function typesWanted(bound: BoundCatalog, types: boolean | undefined): boolean {
  return bound.handlers.length > 0 || types === true;
}

/**
 * Request/response types (`<source>.openapi.gen.ts`) are for hand-written handlers: a catalog without any gets
 * none (openapi-typescript was most of GitHub's generate time), and does not even load openapi-typescript,
 * TypeScript and Redocly (loading them was a fifth of a bare GitHub generate).
 */
async function addTypeFiles(
  files: Map<string, string>,
  input: Pick<EmitInput, "loaded" | "bound" | "symbols" | "header"> & { cut: Set<string>; types?: boolean },
  diags: Diagnostics,
  stages: Stages,
): Promise<void> {
  const { loaded, bound, symbols, cut, header } = input;
  if (!typesWanted(bound, input.types)) return;
  const { openapiTypes } = await import("./emit/openapi-types.js");
  for (const [id, spec] of loaded.specs) {
    const types = await stages.run("types", () =>
      openapiTypes(
        spec,
        header,
        diags,
        untypableComponents(id, spec, symbols, cut),
        withProblems(loaded.models.find((m) => m.id === id)),
      ),
    );
    if (types) files.set(`${id}.openapi.gen.ts`, codeText(types));
  }
}

export type { CatalogSize };
export { Diagnostics };
