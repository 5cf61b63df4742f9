#!/usr/bin/env node
// `npm run build` (also run by `npm install` in a clone, as `prepare`): compiles toolwright for running with
// plain `node`, no loader.
//   dist/            the toolwright package: dist/toolwright.js (the bin; `serve` and the generator verbs load
//                    as chunks on demand), dist/catalog.js + catalog.d.ts (`toolwright/catalog`)
//   build/runtime/   the toolwright-runtime package (the runtime alone, what `toolwright pack` packages depend
//                    on), with a package.json whose dependencies are exactly the packages the runtime imports
// esbuild bundles our TypeScript, and the MCP SDK's server and zod (BUNDLED: what every start loads), into chunks;
// every other package stays an import. tsc writes the declarations. docs/choices.md says why.
//   node scripts/build.mjs            everything
//   node scripts/build.mjs --js-only  dist/ without declarations (what tests and bin/toolwright.mjs run)
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { restoreManifest } from "./pack-manifest.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
// A pack stopped halfway left the clone's package.json aside (scripts/pack-manifest.mjs): put it back first.
restoreManifest();
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const jsOnly = process.argv.includes("--js-only");

/**
 * Packages compiled into toolwright's chunks instead of imported: what every stdio start loads (the SDK's server, its
 * core, zod). As ~100 module files each is resolved, read, compiled and linked by Node's loader at every start;
 * compiled into the chunks they cost what the rest of the runtime costs (GitHub REST's start to a complete
 * tools/list: ~530 -> ~375 ms of CPU, interleaved, docs/benchmarks.md). Every other package stays an import (and
 * must be a dependency in package.json, `importedPackages`), including the SDK v1 package the SSE transport loads.
 */
const BUNDLED = new Set(["@modelcontextprotocol/server", "@modelcontextprotocol/core", "zod"]);

/**
 * Packages the generator requires on first use (codegen/vendored.ts, whose VENDORED names the same files), each
 * compiled into one CommonJS file under dist/chunks/vendor/: Node's loader then reads and compiles one file instead
 * of the package's tens of modules (yaml: 72). The packages stay dependencies: running from source requires them.
 */
const VENDORED = { yaml: "yaml.cjs" };

/** Bare imports stay imports, but for the BUNDLED packages' (esbuild's `packages: "external"` with exceptions). */
const externalPackages = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:") || BUNDLED.has(packageName(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  plugins: [externalPackages],
  chunkNames: "chunks/[name]-[hash]",
  metafile: true,
  legalComments: "inline",
  charset: "utf8",
  logLevel: "warning",
};

/** `@scope/name/sub` -> `@scope/name`; `name/sub` -> `name`. (A function declaration: COMMON's plugin uses it.) */
function packageName(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/**
 * Packages the runtime loads with `createRequire` on first use (synchronously, so not as an import esbuild
 * records): src/patterns/linear.ts loads re2js when a pattern is first compiled, src/runtime/result.ts ajv when
 * an output schema is first compiled.
 */
const REQUIRED_LATER = ["re2js", "ajv"];

/**
 * Packages a generated catalog's compiled handlers may import from the runtime's own folder (src/load/resolve-hooks.ts
 * lends them), though the runtime's chunks hold their own copy (BUNDLED): zod.
 */
const FOR_HANDLERS = ["zod"];

/** Every package the build's output imports (or requires later), each with the range package.json gives it. */
function importedPackages(metafile, what) {
  const names = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !imported.path.startsWith("node:")) names.add(packageName(imported.path));
    }
  }
  for (const name of [...REQUIRED_LATER, ...FOR_HANDLERS]) names.add(name);
  const deps = {};
  for (const name of [...names].sort()) {
    const range = pkg.dependencies?.[name];
    if (!range) throw new Error(`${what} imports ${name}, which is not in package.json's dependencies`);
    deps[name] = range;
  }
  return deps;
}

/**
 * The packages the build compiled into its chunks (BUNDLED) and into VENDORED's one-file copies, read from
 * esbuild's records of their inputs: each with its version, license and license text (and NOTICE, where the package
 * has one), since their licenses (MIT, ISC, Apache-2.0) ask that a copy of the code carries them. Written as `THIRD-PARTY-NOTICES.md` beside the chunks.
 */
function thirdPartyNotices(metafile, vendored = []) {
  const folders = new Set();
  for (const input of [metafile, ...vendored].flatMap((m) => Object.keys(m.inputs))) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) folders.add(m[1]);
  }
  const parts = [
    "# Third-party notices",
    "",
    "These packages are compiled into this package's JavaScript (scripts/build.mjs, BUNDLED and VENDORED).",
  ];
  for (const name of [...folders].sort()) {
    const dir = join(ROOT, "node_modules", name);
    const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    const texts = readdirSync(dir)
      .filter((f) => /^(licen[cs]e|notice)(\.(md|txt))?$/i.test(f))
      .sort();
    if (!texts.some((f) => /^licen/i.test(f)))
      throw new Error(`${name}: compiled in, but it has no LICENSE file`);
    parts.push("", `## ${name} ${meta.version} (${meta.license})`);
    for (const file of texts) parts.push("", "```", readFileSync(join(dir, file), "utf8").trimEnd(), "```");
  }
  return `${parts.join("\n")}\n`;
}

/** Declarations of the contract (`toolwright/catalog`), from tsc. */
async function contractDeclarations() {
  const ts = (await import("typescript")).default;
  const options = {
    declaration: true,
    emitDeclarationOnly: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    types: [],
  };
  const program = ts.createProgram([join(ROOT, "src/catalog.ts")], options);
  let text;
  const result = program.emit(undefined, (file, data) => {
    if (file.endsWith("catalog.d.ts")) text = data;
  });
  const problems = ts.getPreEmitDiagnostics(program).concat(result.diagnostics);
  if (problems.length > 0 || text === undefined) {
    const lines = problems.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    throw new Error(`declarations of src/catalog.ts:\n${lines.join("\n")}`);
  }
  return text;
}

/**
 * Declarations of toolwright-runtime's entry points (`.`: runPackedCatalog, `./compile-cache`), each from its one
 * source file alone (`transpileDeclaration`: its exports carry their types, so nothing else is read).
 */
async function entryDeclarations() {
  const ts = (await import("typescript")).default;
  const out = {};
  for (const [name, source] of [
    ["index", "src/cli/packed.ts"],
    ["compile-cache", "src/cli/compile-cache.ts"],
  ]) {
    const { outputText, diagnostics = [] } = ts.transpileDeclaration(
      readFileSync(join(ROOT, source), "utf8"),
      {
        fileName: join(ROOT, source),
        compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true },
        reportDiagnostics: true,
      },
    );
    if (diagnostics.length > 0) {
      const lines = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      throw new Error(`declarations of ${source}:\n${lines.join("\n")}`);
    }
    out[name] = outputText;
  }
  return out;
}

/** Builds into a fresh folder beside `target`, then swaps it in, so a reader never sees half a build. */
async function replaceFolder(target, fill) {
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await fill(tmp);
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
}

async function buildToolwright(out, declarations) {
  const result = await build({
    ...COMMON,
    entryPoints: { toolwright: "bin/cli.ts", catalog: "src/catalog.ts" },
    outdir: out,
  });
  const bin = join(out, "toolwright.js");
  writeFileSync(bin, `#!/usr/bin/env node\n${readFileSync(bin, "utf8")}`);
  chmodSync(bin, 0o755);
  if (declarations) writeFileSync(join(out, "catalog.d.ts"), declarations);
  await writeStructureValidators(join(out, "chunks"));
  const vendored = await writeVendored(join(out, "chunks/vendor"));
  importedPackages(result.metafile, "toolwright");
  writeFileSync(join(out, "THIRD-PARTY-NOTICES.md"), thirdPartyNotices(result.metafile, vendored));
}

/** Each VENDORED package compiled into one file; returns esbuild's records of their inputs (for the notices). */
async function writeVendored(dir) {
  const metafiles = [];
  for (const [specifier, file] of Object.entries(VENDORED)) {
    const result = await build({
      absWorkingDir: ROOT,
      stdin: { contents: `module.exports = require(${JSON.stringify(specifier)});`, resolveDir: ROOT },
      bundle: true,
      format: "cjs",
      platform: "node",
      target: "node22",
      outfile: join(dir, file),
      metafile: true,
      legalComments: "inline",
      charset: "utf8",
      logLevel: "warning",
    });
    metafiles.push(result.metafile);
  }
  return metafiles;
}

/**
 * The OpenAPI structure check's validators, compiled now instead of at every generate (ajv's standalone code,
 * next to the chunk that loads them): codegen/load/openapi-schemas-standalone.ts writes
 * them, bundled on the fly since this script runs without a TypeScript loader.
 */
async function writeStructureValidators(dir) {
  const tmp = join(ROOT, `dist.tmp-validators-${process.pid}.mjs`);
  try {
    await build({
      ...COMMON,
      splitting: false,
      metafile: false,
      entryPoints: ["codegen/load/openapi-schemas-standalone.ts"],
      outfile: tmp,
    });
    const { standaloneStructureValidators } = await import(pathToFileURL(tmp).href);
    for (const [file, code] of standaloneStructureValidators()) writeFileSync(join(dir, file), code);
  } finally {
    rmSync(tmp, { force: true });
  }
}

const RUNTIME_README = `# toolwright-runtime

The [toolwright](https://www.npmjs.com/package/toolwright) runtime on its own: it serves a catalog that
\`toolwright generate\` compiled, with the policy middleware, over stdio or Streamable HTTP. Packages made by
\`toolwright pack\` depend on it (and on nothing of the generator); you do not install it yourself.
`;

async function buildRuntime(out, declarations, entries) {
  const result = await build({
    ...COMMON,
    entryPoints: {
      index: "src/cli/packed.ts",
      catalog: "src/catalog.ts",
      "compile-cache": "src/cli/compile-cache.ts",
    },
    outdir: join(out, "dist"),
  });
  if (declarations) writeFileSync(join(out, "dist/catalog.d.ts"), declarations);
  for (const [name, text] of Object.entries(entries)) writeFileSync(join(out, `dist/${name}.d.ts`), text);
  writeFileSync(join(out, "dist/THIRD-PARTY-NOTICES.md"), thirdPartyNotices(result.metafile));
  const manifest = {
    name: "toolwright-runtime",
    version: pkg.version,
    description:
      "The toolwright runtime alone: serves a generated MCP catalog (what `toolwright pack` packages depend on).",
    license: pkg.license,
    type: "module",
    engines: pkg.engines,
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./catalog": { types: "./dist/catalog.d.ts", default: "./dist/catalog.js" },
      "./compile-cache": { types: "./dist/compile-cache.d.ts", default: "./dist/compile-cache.js" },
      "./package.json": "./package.json",
    },
    files: ["dist/"],
    dependencies: importedPackages(result.metafile, "the runtime"),
  };
  writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(out, "README.md"), RUNTIME_README);
  cpSync(join(ROOT, "LICENSE"), join(out, "LICENSE"));
}

const started = new Date();
const declarations = jsOnly ? undefined : await contractDeclarations();
await replaceFolder(join(ROOT, "dist"), (out) => buildToolwright(out, declarations));
if (!jsOnly) {
  const entries = await entryDeclarations();
  await replaceFolder(join(ROOT, "build/runtime"), (out) => buildRuntime(out, declarations, entries));
}
// bin/toolwright.mjs runs dist/ only while no source is newer than the build's start.
const stamp = join(ROOT, "dist/.built");
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
