import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { register } from "node:module";
import { basename, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { CatalogDocument, CatalogModule } from "../catalog.js";
import { checkCatalog, checkDocumentShape } from "./check.js";

/**
 * Finding and loading a generated catalog folder: `catalog.json` (data) and `catalog.gen.ts` (schemas and
 * handlers), which must come from the same generation.
 */

export interface LoadedCatalog {
  /** Absolute path of the generated folder. */
  dir: string;
  doc: CatalogDocument;
  module: CatalogModule;
}

/** A problem with the catalog itself (not the environment); the message says what to do. */
export class CatalogLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogLoadError";
  }
}

/** toolwright's own folder (the one holding package.json). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../..", import.meta.url));

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
 * `generated/<name>/catalog.gen.ts` would otherwise run as code with the user's credentials in its env.
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

const hookedDirs = new Set<string>();

/**
 * Lets generated code outside this package import `zod` and `toolwright/*` from toolwright's own install, and
 * load as ESM wherever it sits. One registration per catalog folder (hooks chain, each scoped to its folder).
 */
function registerResolveHooks(dir: string): void {
  const catalogDir = pathToFileURL(join(dir, "/")).href;
  if (hookedDirs.has(catalogDir)) return;
  hookedDirs.add(catalogDir);
  register(new URL("./hooks.mjs", import.meta.url), {
    parentURL: import.meta.url,
    data: { anchor: pathToFileURL(join(PACKAGE_ROOT, "package.json")).href, catalogDir },
  });
}

export async function loadCatalog(ref: string, cwd?: string): Promise<LoadedCatalog> {
  const dir = findCatalogDir(ref, cwd);
  const doc = await readCatalogDocument(dir);

  const js = join(dir, "catalog.gen.js");
  const ts = join(dir, "catalog.gen.ts");
  const codeFile = existsSync(js) ? js : ts;
  if (!existsSync(codeFile)) throw new CatalogLoadError(`${dir} has catalog.json but no catalog.gen.ts`);
  registerResolveHooks(dir);
  let imported: { default?: CatalogModule };
  try {
    imported = (await import(pathToFileURL(codeFile).href)) as { default?: CatalogModule };
  } catch (error) {
    throw new CatalogLoadError(`${codeFile}: cannot load it (${(error as Error).message})`);
  }
  const module = imported.default;
  if (!module || typeof module !== "object" || typeof module.tools !== "object") {
    throw new CatalogLoadError(`${codeFile}: its default export is not a catalog module`);
  }
  if (module.inputHash !== doc.inputHash) {
    throw new CatalogLoadError(
      `${basename(codeFile)} (inputHash ${module.inputHash}) and catalog.json (inputHash ${doc.inputHash}) in ${dir} come from different generations; regenerate the catalog`,
    );
  }
  module.handlers ??= {};
  const problems = checkCatalog(doc, module, dir);
  if (problems.length > 0) {
    throw new CatalogLoadError(`${dir} is inconsistent:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  return { dir, doc, module };
}
