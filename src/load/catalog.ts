import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import type {
  CatalogDocument,
  CatalogModule,
  CatalogTool,
  GeneratedModule,
  SchemaRuntime,
} from "../catalog.js";
import { PRECOMPUTED_FORMAT, type PrecomputedSchemas } from "../publish/precomputed.js";
import { INDEX_FILE, RUNTIME_USES, readIndexedCatalog, readRange } from "./catalog-index.js";
import { checkCatalog, checkDocumentShape, checkToolRecord } from "./check.js";
import { CatalogLoadError } from "./errors.js";
import { PACKAGE_ROOT, packageVersion } from "./package.js";
import { schemaRuntime } from "./patterns.js";
import { borrowPackagesFor } from "./resolve-hooks.js";

/**
 * Finding and loading a generated catalog folder: `catalog.json` (data) and `catalog.gen.mjs` (plain JavaScript:
 * schemas and compiled handlers, imported by `node` with no loader), which must come from the same generation.
 */

export interface LoadedCatalog {
  /** Absolute path of the generated folder. */
  dir: string;
  doc: CatalogDocument;
  module: CatalogModule;
  /** The schemas published at generate time (`published.gen.txt`, or `published.gen.mjs` in catalogs generated before it; older ones have none). */
  published?: PrecomputedSchemas;
}

export { CatalogLoadError, PACKAGE_ROOT };

function looksLikePath(ref: string): boolean {
  return isAbsolute(ref) || ref.startsWith(".") || ref.includes("/") || ref.includes("\\");
}

/** The catalogs that ship with toolwright (folders of its own `generated/` holding a catalog.json). */
export function bundledCatalogs(): string[] {
  const root = join(PACKAGE_ROOT, "generated");
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "catalog.json")))
    .map((entry) => entry.name)
    .sort();
}

/**
 * `ref` is a path to a generated folder (`./generated/x`, `/abs/x`, anything with a slash), or the name of a
 * catalog bundled with toolwright, found only in toolwright's own `generated/`. A bare name never looks in the
 * working directory: hosts start stdio servers inside project folders, and a cloned repository's
 * `generated/<name>/catalog.gen.mjs` would otherwise run as code with the user's credentials in its env.
 * `cwd` only anchors relative paths.
 */
export function findCatalogDir(ref: string, cwd: string = process.cwd()): string {
  if (!looksLikePath(ref)) {
    const dir = join(PACKAGE_ROOT, "generated", ref);
    if (existsSync(join(dir, "catalog.json"))) return dir;
    const bundled = bundledCatalogs();
    throw new CatalogLoadError(
      `${JSON.stringify(ref)} is not a catalog bundled with toolwright (${bundled.length > 0 ? bundled.join(", ") : "none are installed"}); to use a generated catalog folder, pass its path, e.g. ./generated/${ref}`,
    );
  }
  const dir = resolve(cwd, ref);
  if (existsSync(join(dir, "catalog.json"))) return dir;
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    throw new CatalogLoadError(
      `${ref} has no catalog.json; is it a generated catalog folder? (run toolwright generate)`,
    );
  }
  throw new CatalogLoadError(`catalog folder ${dir} not found`);
}

export async function readCatalogDocument(dir: string): Promise<CatalogDocument> {
  const file = join(dir, "catalog.json");
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new CatalogLoadError(`${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  try {
    checkDocumentShape(parsed, file);
  } catch (error) {
    throw new CatalogLoadError((error as Error).message);
  }
  return parsed;
}

/**
 * The package a compiled handler imports that Node found nowhere from the catalog folder (its "Cannot find package
 * 'x' imported from <dir>/handlers.gen.mjs"; its suggestion of a file inside the package would mislead), or
 * undefined for any other failure.
 */
function missingHandlerPackage(error: unknown, dir: string): string | undefined {
  if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") return undefined;
  const found = /^Cannot find package '([^']+)' imported from (.+)$/m.exec((error as Error).message);
  const handlers = join(dir, "handlers.gen.mjs");
  if (found === null || !existsSync(handlers)) return undefined;
  // Node names the importer by its real path (a catalog under pnpm's node_modules is reached through a link).
  return found[2] === handlers || found[2] === realpathSync(handlers) ? found[1] : undefined;
}

/** The generated module's default export, checked enough that a wrong file fails with a clear message. */
async function importGenerated(file: string): Promise<GeneratedModule> {
  let imported: { default?: Partial<GeneratedModule> };
  try {
    imported = (await import(pathToFileURL(file).href)) as { default?: Partial<GeneratedModule> };
  } catch (error) {
    const missing = missingHandlerPackage(error, dirname(file));
    if (missing !== undefined) {
      throw new CatalogLoadError(
        `${file}: cannot load it: the catalog's handlers import ${missing}, which is not installed where the catalog is (${dirname(file)}); install it there (under pnpm: in the dependencies of the package whose folder holds the catalog)`,
      );
    }
    throw new CatalogLoadError(`${file}: cannot load it (${(error as Error).message})`);
  }
  const module = imported.default;
  if (!module || typeof module !== "object" || typeof module.schemas !== "function") {
    throw new CatalogLoadError(`${file}: its default export is not a generated catalog module`);
  }
  return { inputHash: String(module.inputHash), schemas: module.schemas, handlers: module.handlers ?? {} };
}

/**
 * The schemas `generate` published, when the folder has them: `published.gen.txt` (read as one string, each tool's
 * text a slice of it), else `published.gen.mjs` (catalogs generated before the text file); checked to come from
 * the same generation as catalog.json.
 */
async function importPublished(
  dir: string,
  doc: CatalogDocument,
  indexed: { publishedBytes?: number } | undefined,
): Promise<PrecomputedSchemas | undefined> {
  const textFile = join(dir, "published.gen.txt");
  const file = existsSync(textFile) ? textFile : join(dir, "published.gen.mjs");
  if (file !== textFile && !existsSync(file)) return undefined;
  let table: Partial<PrecomputedSchemas> | undefined;
  try {
    if (file === textFile) {
      const text = readFileSync(file, "utf8");
      table = publishedTable(text, file);
      if (indexed && table.format === PRECOMPUTED_FORMAT)
        checkPublishedSize(text, indexed.publishedBytes, dir);
    } else {
      table = ((await import(pathToFileURL(file).href)) as { default?: Partial<PrecomputedSchemas> }).default;
    }
  } catch (error) {
    if (error instanceof CatalogLoadError) throw error;
    throw new CatalogLoadError(`${file}: cannot load it (${(error as Error).message})`);
  }
  if (!table || typeof table.tools !== "object" || table.tools === null || !table.settings) {
    throw new CatalogLoadError(`${file}: it is not a table of published schemas`);
  }
  if (table.inputHash !== doc.inputHash) {
    throw new CatalogLoadError(
      `${basename(file)} (inputHash ${table.inputHash}) and catalog.json (inputHash ${doc.inputHash}) in ${dir} come from different generations; regenerate the catalog`,
    );
  }
  return table as PrecomputedSchemas;
}

/**
 * A table a stdio listing sends as it is (each tool's entry, descriptions included) must be the size the index was
 * generated with: an edit after generation, or a table beside an index that names none, refuses the start.
 */
function checkPublishedSize(text: string, expected: number | undefined, dir: string): void {
  const size = Buffer.byteLength(text);
  if (size === expected) return;
  throw new CatalogLoadError(
    expected === undefined
      ? `published.gen.txt in ${dir} has entries to list but ${INDEX_FILE} names no size for it: the two come from different generations; regenerate the catalog`
      : `published.gen.txt in ${dir} has ${size} bytes, not the ${expected} that ${INDEX_FILE} was generated with: it was edited after generation; regenerate the catalog (toolwright generate)`,
  );
}

/**
 * `published.gen.txt`'s table: after the `//` comment lines, a JSON line (format, input hash, settings, profile),
 * then per tool, in catalog order, its entry's JSON text, name first (`{"name":"x",...}`). The texts are slices of
 * the file's one string, not copies and not parsed; the range they span is kept for pages of the whole catalog. A
 * table of another format is returned without its tools (the runtime does not read it).
 */
function publishedTable(text: string, file: string): Partial<PrecomputedSchemas> {
  let at = 0;
  while (text.startsWith("//", at)) at = text.indexOf("\n", at) + 1 || text.length;
  let end = text.indexOf("\n", at);
  if (end < 0) end = text.length;
  let head: Partial<PrecomputedSchemas>;
  try {
    head = JSON.parse(text.slice(at, end)) as Partial<PrecomputedSchemas>;
  } catch (error) {
    throw new CatalogLoadError(`${file}: its settings line is not JSON (${(error as Error).message})`);
  }
  const tools: Record<string, string> = Object.create(null);
  if (head.format !== PRECOMPUTED_FORMAT) return { ...head, tools };
  let line = text.slice(0, end).split("\n").length;
  const start = end + 1;
  let last = start;
  const lines: string[] = [];
  for (at = start; at < text.length; at = end + 1) {
    line++;
    end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    if (end === at) {
      // Only the file's last newline ends a line with nothing after it.
      if (end + 1 >= text.length) break;
      throw new CatalogLoadError(`${file}:${line}: an empty line among the entries`);
    }
    const name = entryName(text, at, end);
    if (name === undefined || Object.hasOwn(tools, name)) {
      throw new CatalogLoadError(
        `${file}:${line}: not a tools/list entry of a tool of its own ({"name":"...",...} on one line)`,
      );
    }
    const entry = text.slice(at, end);
    tools[name] = entry;
    lines.push(entry);
    last = end;
  }
  return { ...head, tools, lines: { text, start, end: last, lines } };
}

/** The name an entry's line starts with (`{"name":"x",`), if it is a plain JSON string (no escapes) followed by a comma. */
function entryName(text: string, at: number, end: number): string | undefined {
  const HEAD = '{"name":"';
  if (!text.startsWith(HEAD, at)) return undefined;
  const from = at + HEAD.length;
  const quote = text.indexOf('"', from);
  if (quote < 0 || quote + 1 >= end || text.charCodeAt(quote + 1) !== 44 /* , */) return undefined;
  const name = text.slice(from, quote);
  return name.length > 0 && !name.includes("\\") ? name : undefined;
}

/**
 * `schemas.gen.mjs` is loaded on the first tool call, not at start; its header (the first 600 bytes, not the
 * megabytes after it) names the input hash it was generated from, which must be catalog.json's, so a module left
 * from another generation fails the start, not that first call.
 */
function checkSchemasHeader(dir: string, doc: CatalogDocument): void {
  const file = join(dir, "schemas.gen.mjs");
  if (!existsSync(file)) return;
  // The input hash line is within the first 600 bytes (as `check` requires); the runtime-uses line may end later.
  const head = readRange(file, 0, SCHEMAS_HEAD_BYTES).bytes.toString("latin1");
  const named = /^\/\/ Input hash: (\S+)$/m.exec(head)?.[1];
  // Fail closed: a table that does not say which generation it belongs to is not trusted either.
  if (named === undefined) {
    throw new CatalogLoadError(
      `schemas.gen.mjs in ${dir} has no "// Input hash:" line in its header, so it cannot be matched to catalog.json; regenerate the catalog`,
    );
  }
  if (named !== doc.inputHash) {
    throw new CatalogLoadError(
      `schemas.gen.mjs (inputHash ${named}) and catalog.json (inputHash ${doc.inputHash}) in ${dir} come from different generations; regenerate the catalog`,
    );
  }
  checkRuntimeUses(head, dir, doc);
}

/**
 * The version gate between a catalog and this runtime: the members of `rt` its schemas call (the header's
 * `// Runtime uses:` line) must all be this runtime's, or the catalog (generated by a newer toolwright) is refused
 * at load, naming both versions, instead of failing with a TypeError on its first call. A header without the line
 * (a catalog generated before it) is not checked: it uses only members every runtime since has.
 */
function checkRuntimeUses(head: string, dir: string, doc: CatalogDocument): void {
  const at = head.indexOf(`\n${RUNTIME_USES}`);
  if (at < 0) return;
  const end = head.indexOf("\n", at + 1);
  if (end < 0) {
    throw new CatalogLoadError(
      `schemas.gen.mjs in ${dir}: its header's "${RUNTIME_USES.trim()}" line does not end within ${SCHEMAS_HEAD_BYTES} bytes; regenerate the catalog`,
    );
  }
  const line = head.slice(at + 1 + RUNTIME_USES.length, end).trim();
  if (line === "none") return;
  const lacking = line
    .split(",")
    .map((member) => member.trim().replace(/^rt\./, ""))
    .filter(
      (name) =>
        !Object.hasOwn(schemaRuntime, name) ||
        typeof schemaRuntime[name as keyof SchemaRuntime] !== "function",
    );
  if (lacking.length === 0) return;
  throw new CatalogLoadError(
    `${dir}: the catalog was generated by toolwright ${doc.generator?.version ?? "(unknown version)"} and its schemas use ${lacking.map((name) => `rt.${name}`).join(", ")}, which this runtime (toolwright ${packageVersion()}) does not have; serve it with a toolwright at least as new as the one that generated it, or regenerate it with this one (toolwright generate)`,
  );
}

/** How much of schemas.gen.mjs's start is read for its header (input hash, runtime uses). */
const SCHEMAS_HEAD_BYTES = 4096;

/** How many generated schema tables this process has built (a structural fact for tests: start-up builds none). */
let tablesBuilt = 0;
export function schemaTablesBuilt(): number {
  return tablesBuilt;
}

/**
 * Per tool schema thunks, built with this runtime's zod on first use (the first call that checks arguments or a
 * result), not at start: evaluating the generated function costs in proportion to the whole catalog, and a server
 * that is only listed never needs it. Every tool of catalog.json must have its input schema there; a table that
 * lacks one fails that first use with the same message a load would have given.
 */
function lazyToolSchemas(generated: GeneratedModule, file: string, doc: CatalogDocument, dir: string) {
  let tools: CatalogModule["tools"] | undefined;
  return (): CatalogModule["tools"] => {
    if (tools) return tools;
    let built: unknown;
    try {
      built = generated.schemas(z, schemaRuntime);
    } catch (error) {
      throw new CatalogLoadError(`${file}: its schemas cannot be built (${(error as Error).message})`);
    }
    if (!built || typeof built !== "object") {
      throw new CatalogLoadError(`${file}: its schemas function returned no tool table`);
    }
    const table = built as CatalogModule["tools"];
    const missing = doc.tools
      .filter((tool) => typeof table[tool.name]?.input !== "function")
      .map((tool) => `  - tool ${tool.name} has no input schema in catalog.gen`);
    if (missing.length > 0) throw new CatalogLoadError(`${dir} is inconsistent:\n${missing.join("\n")}`);
    tablesBuilt++;
    tools = table;
    return tools;
  };
}

/**
 * The document a server serves: from `catalog.index.json` when the folder has one (catalog.json's tool records and
 * schema table read on first use), else all of catalog.json (catalogs generated before the index, hand-made ones).
 */
function servedDocument(
  dir: string,
  module: () => CatalogModule,
):
  | Promise<{
      doc: CatalogDocument;
      deferred?: ReadonlySet<CatalogTool>;
      indexed?: { publishedBytes?: number };
    }>
  | { doc: CatalogDocument; deferred?: ReadonlySet<CatalogTool>; indexed?: { publishedBytes?: number } } {
  if (!existsSync(join(dir, INDEX_FILE))) return readCatalogDocument(dir).then((doc) => ({ doc }));
  const indexed = readIndexedCatalog(dir, (tool, doc) => checkToolRecord(tool, doc, module()));
  try {
    checkDocumentShape(indexed.doc, join(dir, INDEX_FILE));
  } catch (error) {
    throw new CatalogLoadError((error as Error).message);
  }
  return { doc: indexed.doc, deferred: indexed.deferred, indexed };
}

export async function loadCatalog(ref: string, cwd?: string): Promise<LoadedCatalog> {
  const dir = findCatalogDir(ref, cwd);
  let module: CatalogModule | undefined;
  const { doc, deferred, indexed } = await servedDocument(dir, () => module as CatalogModule);

  const codeFile = join(dir, "catalog.gen.mjs");
  if (!existsSync(codeFile)) {
    throw new CatalogLoadError(`${dir} has catalog.json but no catalog.gen.mjs; regenerate the catalog`);
  }
  // Compiled handlers may import zod: let them find it from a folder outside any node_modules.
  if (existsSync(join(dir, "handlers.gen.mjs"))) borrowPackagesFor(dir, PACKAGE_ROOT);
  checkSchemasHeader(dir, doc);
  const [generated, published] = await Promise.all([
    importGenerated(codeFile),
    importPublished(dir, doc, indexed),
  ]);
  if (generated.inputHash !== doc.inputHash) {
    throw new CatalogLoadError(
      `${basename(codeFile)} (inputHash ${generated.inputHash}) and catalog.json (inputHash ${doc.inputHash}) in ${dir} come from different generations; regenerate the catalog`,
    );
  }
  const tools = lazyToolSchemas(generated, codeFile, doc, dir);
  module = {
    inputHash: generated.inputHash,
    get tools() {
      return tools();
    },
    handlers: generated.handlers,
  };
  const problems = checkCatalog(doc, module, dir, deferred);
  if (problems.length > 0) {
    throw new CatalogLoadError(`${dir} is inconsistent:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return { dir, doc, module, ...(published ? { published } : {}) };
}
