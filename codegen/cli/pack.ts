import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { parseArgs } from "node:util";
import semver from "semver";
import validateName from "validate-npm-package-name";
import type { CatalogDocument } from "../../src/catalog.js";
import { CatalogLoadError, findCatalogDir, readCatalogDocument } from "../../src/load/catalog.js";
import { INDEX_FILE } from "../../src/load/catalog-index.js";
import { PACKAGE_ROOT } from "../../src/load/package.js";
import { terminalSafe } from "../../src/telemetry/terminal.js";
import { VERSION } from "../index.js";
import { compareStrings, jsonFile } from "../util.js";
import { parseCliFlags } from "./flags.js";
import { usageError } from "./jobs.js";
import { packageReadme } from "./pack-readme.js";

/**
 * `toolwright pack <catalog>`: one generated catalog as an npm package a host runs directly
 * (`npx -y scaivault-mcp`). The package holds the catalog's runtime files, a bin that serves them, and
 * dependencies on the toolwright runtime alone (toolwright-runtime: no generator, no TypeScript) plus the packages
 * its compiled handlers import.
 */

const HELP = `Usage: toolwright pack <catalog> [options]

Makes an npm package of a generated catalog: a bin that serves it over stdio (or HTTP), the catalog's
compiled files, and dependencies on the toolwright runtime only (toolwright-runtime) plus the packages its
handlers import, at the versions installed where the catalog is. Name and version come from the manifest's
server: (name "<server.name>-mcp", version server.version). Then \`npm pack <out>\` makes a tarball and
\`npm publish <out>\` publishes it; hosts run it with "command": "npx", "args": ["-y", "<name>"].

<catalog> is a generated catalog folder (e.g. ./generated/scaivault).

Options:
  --out DIR        the package folder to write (default: ./<bin>); replaced if toolwright packed it before
  --name NAME      package name (default: <server.name>-mcp)
  --bin NAME       the command it installs (default: the package name without its scope)
  --version VER    package version (default: the manifest's server.version)
  --license SPDX   license field (default: UNLICENSED)
  -h, --help       this help
`;

interface PackOptions {
  name: string;
  bin: string;
  version: string;
  license: string;
}

/** The Node lines a packed catalog runs on: toolwright-runtime's (package.json engines). */
const ENGINES = "^22.15.0 || >=24.0.0";

/** Marks a folder toolwright pack wrote, so `--out` may replace it and nothing else. */
const MARKER = "toolwrightPack";

function defaultName(doc: CatalogDocument): string {
  const base = doc.server.name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-");
  return /-?mcp$/.test(base) ? base : `${base}-mcp`;
}

function packOptions(doc: CatalogDocument, values: Record<string, string | undefined>): PackOptions | string {
  const name = values.name ?? defaultName(doc);
  const valid = validateName(name);
  if (!valid.validForNewPackages) {
    return `package name ${JSON.stringify(name)} is not valid: ${[...(valid.errors ?? []), ...(valid.warnings ?? [])].join("; ")}`;
  }
  const bin = values.bin ?? name.replace(/^@[^/]+\//, "");
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(bin))
    return `--bin ${JSON.stringify(bin)} must be lower-case letters, digits, ., _ and -`;
  const version = values.version ?? doc.server.version;
  if (!semver.valid(version)) {
    return `version ${JSON.stringify(version)} is not a semantic version (set server.version in the manifest, or pass --version)`;
  }
  return { name, bin, version, license: values.license ?? "UNLICENSED" };
}

/**
 * The packages the compiled handlers import (`yaml`, `@scope/x`), from handlers.gen.mjs; Node's own modules are
 * not packages, with or without their `node:` prefix (`import { readFileSync } from "fs"`).
 */
async function handlerPackages(dir: string): Promise<string[]> {
  const file = join(dir, "handlers.gen.mjs");
  if (!existsSync(file)) return [];
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
  });
  const names = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || isBuiltin(imported.path)) continue;
      const parts = imported.path.split("/");
      names.add(imported.path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] as string));
    }
  }
  return [...names].sort(compareStrings);
}

/** An installed package as pack reads it: its version, and whether its package.json says `"private": true`. */
interface Installed {
  version: string | undefined;
  private: boolean;
  /** The package's folder, its real path (a workspace package's own folder, not the node_modules link). */
  dir: string;
}

/**
 * A package as `node` would import it from the catalog folder `dir`: from the folder's real path up (Node
 * resolves a module's imports from where it really is: under pnpm, node_modules/toolwright links to
 * node_modules/.pnpm/toolwright@x/node_modules/toolwright, beside its dependencies), or, under Yarn Plug'n'Play
 * (no node_modules folder), with Plug'n'Play's resolution. Not with `require.resolve` elsewhere: it also searches
 * NODE_PATH, which pnpm's bins set to the packages pnpm hoists out of sight, where an ES module's import never
 * looks (the catalog would not serve where it is, yet a version would be found for the package).
 */
function installedPackage(name: string, dir: string): Installed | undefined {
  const read = (file: string): Installed => {
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: string; private?: unknown };
    return { version: pkg.version, private: pkg.private === true, dir: dirname(realpathSync(file)) };
  };
  for (let at = realpathSync(dir); ; at = dirname(at)) {
    const file = join(at, "node_modules", name, "package.json");
    if (existsSync(file)) return read(file);
    if (dirname(at) === at) break;
  }
  if (process.versions.pnp === undefined) return undefined;
  try {
    return read(createRequire(join(dir, "handlers.gen.mjs")).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** A path as the user would type it from the working folder: relative when inside it, absolute otherwise. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") || resolve(rel) === rel ? path : rel;
}

function dependencies(packages: string[], dir: string): Record<string, string> | string {
  const deps: Record<string, string> = { "toolwright-runtime": `^${VERSION}` };
  const missing: string[] = [];
  const unpublished: string[] = [];
  for (const name of packages) {
    if (name === "toolwright-runtime") continue;
    // The runtime lends its zod to handlers that find none of their own (src/load/resolve-hooks.ts), as a pnpm
    // or Plug'n'Play project that does not depend on zod has: declared at the version it lends.
    const found =
      installedPackage(name, dir) ?? (name === "zod" ? installedPackage(name, PACKAGE_ROOT) : undefined);
    if (found?.version === undefined) missing.push(name);
    else if (found.private) unpublished.push(`${name} (${terminalSafe(shownPath(found.dir))})`);
    else deps[name] = `^${found.version}`;
  }
  if (missing.length > 0) {
    return `the catalog's handlers import ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not installed where the catalog is (${dir}); install ${missing.length === 1 ? "it" : "them"} there first (under pnpm: in the dependencies of the package whose folder holds the catalog)`;
  }
  if (unpublished.length > 0) {
    const one = unpublished.length === 1;
    return `the catalog's handlers import ${unpublished.join(", ")}, ${one ? "a package" : "packages"} whose package.json says "private": true (a workspace package of yours, not on a registry): a host installing the packed catalog could not get ${one ? "it" : "them"}, or would get a package of the same name someone else published. Publish ${one ? "it" : "them"} (and drop "private"), or move the code the handlers use into the manifest's folder, where generate compiles it into handlers.gen.mjs; nothing was written`;
  }
  return Object.fromEntries(Object.entries(deps).sort(([a], [b]) => compareStrings(a, b)));
}

/** Whether `inner` is `outer` or inside it. */
function within(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || !(rel.startsWith("..") || resolve(rel) === rel);
}

/** Why `out` must not be replaced, or undefined when it may (new, empty, or packed by toolwright before). */
function refuseOut(out: string, cwd: string, catalogDir: string): string | undefined {
  if (within(cwd, out)) return `${out} is the working folder or contains it`;
  if (within(catalogDir, out)) return `${out} is the catalog folder or contains it`;
  if (!existsSync(out) || readdirSync(out).length === 0) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as Record<string, unknown>;
    if (pkg[MARKER] !== undefined) return undefined;
  } catch {
    // Missing or unreadable: not ours.
  }
  return `${out} is not empty and is not a package toolwright pack wrote, so it is not replaced`;
}

/**
 * The catalog's files the runtime reads: the document and its index, the generated JavaScript, assets, and
 * CATALOG.md.
 */
function catalogFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter(
      (f) =>
        f === "catalog.json" ||
        f === INDEX_FILE ||
        f === "CATALOG.md" ||
        f === "assets" ||
        f.endsWith(".gen.mjs") ||
        f.endsWith(".gen.txt"),
    )
    .sort(compareStrings);
}

/**
 * The first file among those packed that generate never writes, described, or undefined: a hidden file (`.env`,
 * `.npmrc`, `.git/`) or anything that is not a regular file or folder (a symlink to `~/.ssh`, a FIFO). The
 * assets folder is copied whole, so whatever lands there would be published with the package.
 */
function strayFile(dir: string): string | undefined {
  const visit = (rel: string): string | undefined => {
    const stat = lstatSync(join(dir, rel));
    const name = basename(rel);
    if (name.startsWith(".")) return `${rel} is a hidden file`;
    if (stat.isSymbolicLink()) return `${rel} is a symbolic link`;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(join(dir, rel)).sort(compareStrings)) {
        const found = visit(join(rel, entry));
        if (found) return found;
      }
      return undefined;
    }
    return stat.isFile() ? undefined : `${rel} is not a regular file`;
  };
  for (const file of catalogFiles(dir)) {
    const found = visit(file);
    if (found) return terminalSafe(found);
  }
  return undefined;
}

function binScript(opts: PackOptions, doc: CatalogDocument): string {
  const catalog = doc.catalog.replace(/[^\x20-\x7e]/g, "?");
  return `#!/usr/bin/env node
// Generated by toolwright ${VERSION} pack from catalog ${catalog}: serves ../catalog/ with toolwright-runtime.

// The Node lines engines names (${ENGINES}); on another, one line instead of the stack of a missing API.
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (!((major === 22 && minor >= 15) || major >= 24)) {
  process.stderr.write(${JSON.stringify(`${opts.bin}: needs Node.js 22.15 or later on the 22 line, or 24 and later (package.json engines); this is Node.js `)} + process.version + "\\n");
  process.exit(1);
}
// Node keeps the modules' bytecode in an on-disk cache of this user's, so a start after the first skips compiling them.
const { enableCompileCache } = await import("toolwright-runtime/compile-cache");
enableCompileCache();
const { runPackedCatalog } = await import("toolwright-runtime");
await runPackedCatalog(new URL("../catalog/", import.meta.url), ${JSON.stringify(opts.bin)});
`;
}

function packageJson(opts: PackOptions, doc: CatalogDocument, deps: Record<string, string>): string {
  const description = doc.server.title
    ? `${doc.server.title} MCP server (${doc.catalog} catalog, generated by toolwright)`
    : `MCP server for the ${doc.catalog} catalog, generated by toolwright`;
  return jsonFile({
    name: opts.name,
    version: opts.version,
    description,
    license: opts.license,
    keywords: ["mcp", "mcp-server", "modelcontextprotocol"],
    type: "module",
    bin: { [opts.bin]: `bin/${opts.bin}.mjs` },
    files: ["bin/", "catalog/"],
    engines: { node: ENGINES },
    dependencies: deps,
    [MARKER]: { catalog: doc.catalog, inputHash: doc.inputHash, toolwright: VERSION },
  });
}

function writePackage(
  out: string,
  dir: string,
  doc: CatalogDocument,
  opts: PackOptions,
  deps: Record<string, string>,
) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "bin"), { recursive: true });
  for (const file of catalogFiles(dir))
    cpSync(join(dir, file), join(out, "catalog", file), { recursive: true });
  writeFileSync(join(out, "bin", `${opts.bin}.mjs`), binScript(opts, doc), { mode: 0o755 });
  writeFileSync(join(out, "package.json"), packageJson(opts, doc, deps));
  writeFileSync(join(out, "README.md"), packageReadme(doc, opts));
}

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseCliFlags({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        name: { type: "string" },
        bin: { type: "string" },
        version: { type: "string" },
        license: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return usageError((e as Error).message);
  }
  const values = parsed.values as Record<string, string | undefined> & { help?: boolean };
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) return usageError("pack takes one catalog folder");
  return pack(parsed.positionals[0] as string, values);
}

async function pack(ref: string, values: Record<string, string | undefined>): Promise<number> {
  let dir: string;
  let doc: CatalogDocument;
  try {
    dir = findCatalogDir(ref);
    doc = await readCatalogDocument(dir);
  } catch (error) {
    if (!(error instanceof CatalogLoadError)) throw error;
    process.stderr.write(`toolwright pack: ${error.message}\n`);
    return 1;
  }
  const opts = packOptions(doc, values);
  if (typeof opts === "string") return usageError(opts);
  const deps = dependencies(await handlerPackages(dir), dir);
  if (typeof deps === "string") {
    process.stderr.write(`toolwright pack: ${deps}\n`);
    return 1;
  }
  const stray = strayFile(dir);
  if (stray) {
    process.stderr.write(
      `toolwright pack: ${stray}; generate writes neither, so it is not packed: remove it and pack again (nothing was written)\n`,
    );
    return 1;
  }
  const out = resolve(values.out ?? opts.bin);
  const refused = refuseOut(out, process.cwd(), dir);
  if (refused) {
    process.stderr.write(`toolwright pack: ${refused}; nothing was written\n`);
    return 1;
  }
  writePackage(out, dir, doc, opts, deps);
  const shown = shownPath(out);
  process.stdout.write(
    `packed ${opts.name}@${opts.version} (bin ${opts.bin}) into ${shown}/\n` +
      `  npm pack ${shown}      makes a tarball; npm publish ${shown} publishes it\n` +
      `  hosts run it as: "command": "npx", "args": ["-y", "${opts.name}"]\n`,
  );
  return 0;
}
