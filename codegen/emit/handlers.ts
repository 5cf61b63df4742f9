import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { BuildFailure, Message, Metafile, Plugin } from "esbuild";
import * as contract from "../../src/catalog.js";
import { manifestFolder, outsideManifestFolder } from "../bind/assets.js";
import type { HandlerRef } from "../bind/handler-tool.js";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import type { LoadedDocument } from "../load/document.js";

/**
 * Hand-written handlers compiled at generate time into one plain JavaScript module of the catalog folder
 * (`handlers.gen.mjs`), so the runtime needs no TypeScript loader. esbuild bundles the handler modules and every
 * local file they import (one bundle: modules shared by two handlers stay one module, with one state); bare
 * package imports stay imports, resolved from the catalog folder at run time like any module's. Export `h<i>` is
 * handler `i` of the list.
 */

export interface CompiledHandlers {
  /** The module's text without a header (deterministic: paths in it are relative to the project root). */
  code: string;
  /** Absolute paths of every local file compiled in (the handler modules and what they import). */
  inputs: string[];
  /**
   * Per handler, by its tool's key: `sha256:` of the local source files its code is compiled from (its module and
   * every local file it imports, by path from the project root and content), so `diff` sees a handler edited.
   */
  codeHashes: Map<string, string>;
}

/**
 * `toolwright/catalog` is compiled in as its values (a few constants; the rest is types), so a compiled handler
 * never has to resolve toolwright, and the output is the same wherever and however toolwright is installed.
 */
function contractSource(): string {
  return Object.entries(contract)
    .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};`)
    .join("\n");
}

const inlineContract: Plugin = {
  name: "toolwright-contract",
  setup(build) {
    build.onResolve({ filter: /^toolwright\/catalog$/ }, () => ({
      path: "toolwright/catalog",
      namespace: "toolwright",
    }));
    build.onLoad({ filter: /.*/, namespace: "toolwright" }, () => ({
      contents: contractSource(),
      loader: "js",
    }));
  },
};

/** An export name as code: an identifier as is, anything else as a string literal (ES2022 module names). */
export function exportRef(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** `export { default as h0 } from "/abs/x.ts";` per handler: the bundle's entry. */
function entrySource(handlers: HandlerRef[]): string {
  return handlers
    .map((h, i) => `export { ${exportRef(h.exportName)} as h${i} } from ${JSON.stringify(h.abs)};`)
    .join("\n");
}

/** Where an esbuild message points: a source line, or (for the entry) the manifest's `handler:` of that tool. */
function locate(
  message: Message,
  handlers: HandlerRef[],
  manifest: LoadedDocument,
  root: string,
): SourceRef | undefined {
  const at = message.location;
  if (!at) return undefined;
  if (at.file === "<stdin>") {
    const handler = handlers[at.line - 1];
    return handler ? manifest.ref(`#/tools/${handler.key}/handler`) : undefined;
  }
  const file = relative(root, resolve(root, at.file)).split("\\").join("/");
  return { file, line: at.line, column: at.column + 1 };
}

/** Modules in the bundle that use `import.meta`: it now means the catalog folder's module, not theirs. */
function importMetaUsers(code: string): string[] {
  const users = new Set<string>();
  let current = "";
  for (const line of code.split("\n")) {
    const marker = /^\/\/ (\S.*)$/.exec(line);
    if (marker) current = marker[1] as string;
    else if (/\bimport\.meta\b/.test(line) && current !== "") users.add(current);
  }
  return [...users].sort();
}

/** esbuild's `__require` shim (a CommonJS handler's `require()` of a package) needs a real `require` in scope. */
function withRequire(code: string): string {
  if (!code.includes("typeof require")) return code;
  return `import { createRequire as __twCreateRequire } from "node:module";\nconst require = __twCreateRequire(import.meta.url);\n${code}`;
}

function isLocal(file: string): boolean {
  return file !== "<stdin>" && !file.startsWith("toolwright:") && !file.includes("node_modules/");
}

/**
 * Each handler's source closure hashed: the local files reachable from its module through the bundle's imports,
 * each as `path NUL sha256(content)`, sorted. Packages (kept external) and the inlined contract are not part of it.
 */
/** The local files (paths from the root, as the metafile writes them) reachable from a handler's module. */
function closureOf(handler: HandlerRef, metafile: Metafile, root: string): Set<string> {
  const start = relative(root, handler.abs).split("\\").join("/");
  const seen = new Set<string>();
  const queue = Object.hasOwn(metafile.inputs, start) ? [start] : [];
  for (let i = 0; i < queue.length; i++) {
    const file = queue[i] as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.inputs[file]?.imports ?? [])
      if (!imported.external && isLocal(imported.path) && Object.hasOwn(metafile.inputs, imported.path))
        queue.push(imported.path);
  }
  return seen;
}

/**
 * Every local file a handler compiles in must lie inside the manifest's folder (real path) and not be hidden: the
 * compiled module is served and packed, so an import of `../../.aws/credentials.json` or of a symlink leading out
 * would publish that file. Each file outside is a TW196 error at the handler's `handler:`.
 */
function checkConfined(
  handlers: HandlerRef[],
  metafile: Metafile,
  root: string,
  manifest: LoadedDocument,
  diags: Diagnostics,
): boolean {
  const folder = manifestFolder(manifest.abs);
  let ok = true;
  for (const handler of handlers) {
    for (const file of [...closureOf(handler, metafile, root)].sort()) {
      const why = outsideManifestFolder(resolve(root, file), folder);
      if (why === undefined) continue;
      ok = false;
      diags.error(
        "TW196",
        `tool "${handler.key}": its handler imports ${file}, which ${why}; handlers are compiled only from inside it`,
        manifest.ref(`#/tools/${handler.key}/handler`),
      );
    }
  }
  return ok;
}

function codeHashes(handlers: HandlerRef[], metafile: Metafile, root: string): Map<string, string> {
  const contentHash = new Map<string, string>();
  const fileHash = (file: string) => {
    let hash = contentHash.get(file);
    if (hash === undefined) {
      hash = createHash("sha256")
        .update(readFileSync(resolve(root, file)))
        .digest("hex");
      contentHash.set(file, hash);
    }
    return hash;
  };
  const out = new Map<string, string>();
  for (const handler of handlers) {
    const seen = closureOf(handler, metafile, root);
    const lines = [...seen].sort().map((file) => `${file}\u0000${fileHash(file)}`);
    out.set(handler.key, `sha256:${createHash("sha256").update(lines.join("\n")).digest("hex")}`);
  }
  return out;
}

function localInputs(metafile: Metafile, root: string): string[] {
  return Object.keys(metafile.inputs)
    .filter(isLocal)
    .map((file) => resolve(root, file))
    .sort();
}

/**
 * Compiles the catalog's handlers, or reports every compile error as a located diagnostic (TW119) and returns
 * undefined. `root` anchors every path the output mentions.
 */
export async function compileHandlers(
  handlers: HandlerRef[],
  root: string,
  manifest: LoadedDocument,
  diags: Diagnostics,
): Promise<CompiledHandlers | undefined> {
  const { build } = await import("esbuild");
  try {
    const result = await build({
      // A JavaScript entry, so a name the manifest picks that the module does not export is an error (from
      // TypeScript, esbuild would take it for a type and export undefined).
      stdin: { contents: entrySource(handlers), resolveDir: root, sourcefile: "<stdin>", loader: "js" },
      absWorkingDir: root,
      outfile: resolve(root, "handlers.gen.mjs"),
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "node",
      target: "node22",
      packages: "external",
      plugins: [inlineContract],
      legalComments: "inline",
      charset: "utf8",
      logLevel: "silent",
    });
    for (const w of result.warnings) {
      diags.warn("TW119", `handler code: ${w.text}`, locate(w, handlers, manifest, root));
    }
    if (!checkConfined(handlers, result.metafile, root, manifest, diags)) return undefined;
    const text = result.outputFiles[0]?.text ?? "";
    for (const file of importMetaUsers(text)) {
      diags.warn(
        "TW119",
        "this module uses import.meta: compiled into the catalog folder, it refers to handlers.gen.mjs there, not to this file",
        { file },
        "Import data files instead (`import data from './x.json' with { type: 'json' }`), so they are compiled in.",
      );
    }
    return {
      code: withRequire(text),
      inputs: localInputs(result.metafile, root),
      codeHashes: codeHashes(handlers, result.metafile, root),
    };
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (!Array.isArray(failure.errors)) throw error;
    for (const e of failure.errors) {
      diags.error("TW119", `handler does not compile: ${e.text}`, locate(e, handlers, manifest, root));
    }
    return undefined;
  }
}
