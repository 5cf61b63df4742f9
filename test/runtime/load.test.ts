import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CatalogLoadError,
  findCatalogDir,
  loadCatalog,
  PACKAGE_ROOT,
  schemaTablesBuilt,
} from "../../src/load/catalog.js";
import { packageVersion } from "../../src/load/package.js";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { spawnSync } from "../helpers/spawn-sync.js";

const FIXTURE = resolve(import.meta.dirname, "../fixtures/runtime-catalog");
const BIN = join(PACKAGE_ROOT, "bin/toolwright.mjs");

function copyFixture(edit?: (doc: Record<string, unknown>) => void): string {
  const dir = join(mkdtempSync(join(tmpdir(), "tw-load-")), "catalog");
  cpSync(FIXTURE, dir, { recursive: true });
  if (edit) {
    const file = join(dir, "catalog.json");
    const doc = JSON.parse(readFileSync(file, "utf8"));
    edit(doc);
    writeFileSync(file, JSON.stringify(doc));
  }
  return dir;
}

describe("finding a catalog", () => {
  /** A working directory holding `generated/<name>/` whose catalog.gen.mjs writes a file when imported. */
  function plantedCwd(name: string): { cwd: string; marker: string } {
    const cwd = mkdtempSync(join(tmpdir(), "tw-cwd-"));
    const dir = join(cwd, "generated", name);
    mkdirSync(join(cwd, "generated"));
    cpSync(FIXTURE, dir, { recursive: true });
    const marker = join(cwd, "planted-code-ran");
    const code = join(dir, "catalog.gen.mjs");
    writeFileSync(
      code,
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, String(process.env.SCAIVAULT_TOKEN));\n${readFileSync(code, "utf8")}`,
    );
    return { cwd, marker };
  }

  it("a bare name is only ever a bundled catalog, never ./generated/<name> of the working directory", () => {
    const { cwd } = plantedCwd("scaivault");
    expect(findCatalogDir("scaivault", cwd)).toBe(join(PACKAGE_ROOT, "generated", "scaivault"));
    const planted = plantedCwd("shop");
    expect(() => findCatalogDir("shop", planted.cwd)).toThrow(
      /"shop" is not a catalog bundled with toolwright \(scaivault, scaly\); to use a generated catalog folder, pass its path, e.g\. \.\/generated\/shop/,
    );
    // The explicit path still works.
    expect(findCatalogDir("./generated/shop", planted.cwd)).toBe(join(planted.cwd, "generated", "shop"));
  });

  it("serve <name> in a folder with a planted generated/<name> does not run its code", () => {
    const { cwd, marker } = plantedCwd("scaivault");
    const input = `${JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
    })}\n`;
    const run = spawnSync(process.execPath, [BIN, "serve", "scaivault"], {
      cwd,
      input,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: cwd,
        SCAIVAULT_URL: "http://127.0.0.1:9",
        SCAIVAULT_TOKEN: "planted-token-canary",
        SCAIVAULT_AUDIT: "false",
      },
      encoding: "utf8",
      timeout: 240_000, // a failure bound for a hung child; a busy machine is slow, not broken
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split("\n")[0]!).result.serverInfo.name).toMatch(/scaivault/i);
    expect(existsSync(marker), "the planted catalog.gen.mjs ran").toBe(false);
    // serve --help resolves the same way: the bundled catalog, not the planted one.
    const help = spawnSync(process.execPath, [BIN, "serve", "scaivault", "--help"], {
      cwd,
      encoding: "utf8",
    });
    expect(help.stdout).toContain(join(PACKAGE_ROOT, "generated", "scaivault"));
    // audit runs no catalog code (it reads catalog.json only), so a bare name is the working directory's
    // ./generated/<name> first, as its --help says, and stderr names the bundled one it did not read.
    const audit = spawnSync(process.execPath, [BIN, "audit", "scaivault"], { cwd, encoding: "utf8" });
    expect(audit.stdout).toMatch(/^Catalog runtime-fixture /);
    expect(audit.stderr).toContain("reading ./generated/scaivault (the working directory's)");
    expect(existsSync(marker), "audit ran the planted catalog.gen.mjs").toBe(false);
    const unknown = spawnSync(process.execPath, [BIN, "serve", "shop"], { cwd, encoding: "utf8" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/not a catalog bundled with toolwright .*pass its path/);
  });

  it("a path is taken as the folder; a miss says which folder", () => {
    expect(findCatalogDir("test/fixtures/runtime-catalog", PACKAGE_ROOT)).toBe(FIXTURE);
    expect(() => findCatalogDir("./no-such-catalog", tmpdir())).toThrow(
      /catalog folder .*no-such-catalog not found/,
    );
    expect(() => findCatalogDir("./test", PACKAGE_ROOT)).toThrow(/has no catalog.json/);
  });
});

describe("loading", () => {
  it("loads the fixture", async () => {
    const loaded = await loadCatalog(FIXTURE);
    expect(loaded.doc.catalog).toBe("runtime-fixture");
    expect(typeof loaded.module.tools.get_item?.input).toBe("function");
  });

  it("builds the generated schema table on first use, not at load", async () => {
    const before = schemaTablesBuilt();
    const loaded = await loadCatalog(FIXTURE);
    expect(schemaTablesBuilt()).toBe(before);
    expect(typeof loaded.module.tools.get_item?.input).toBe("function");
    expect(schemaTablesBuilt()).toBe(before + 1);
    void loaded.module.tools;
    expect(schemaTablesBuilt()).toBe(before + 1);
  });

  it("a tool without an input schema in catalog.gen fails the table's first use, naming the tool", async () => {
    const dir = copyFixture((doc) => {
      (doc.tools as Array<Record<string, any>>)[1]!.name = "not_in_the_module";
    });
    const loaded = await loadCatalog(dir);
    expect(() => loaded.module.tools).toThrow(CatalogLoadError);
    expect(() => loaded.module.tools).toThrow(/tool not_in_the_module has no input schema in catalog\.gen/);
  });

  it("a schemas.gen.mjs of another generation fails the load, though it is only read on the first call", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tw-load-")), "scaivault");
    cpSync(join(PACKAGE_ROOT, "generated/scaivault"), dir, { recursive: true });
    await expect(loadCatalog(dir)).resolves.toBeDefined();
    const file = join(dir, "schemas.gen.mjs");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(/Input hash: sha256:[0-9a-f]{4}/, "Input hash: sha256:0000"),
    );
    const error = await loadCatalog(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogLoadError);
    expect(error.message).toMatch(
      /schemas\.gen\.mjs \(inputHash sha256:0000[0-9a-f]+\) and catalog\.json .* different generations/,
    );
  });

  it("a catalog whose schemas use a runtime member this runtime lacks fails the load, naming both versions", async () => {
    // What a catalog generated by a newer toolwright (a new `rt` helper) looks like to this runtime.
    const dir = join(mkdtempSync(join(tmpdir(), "tw-load-")), "scaivault");
    cpSync(join(PACKAGE_ROOT, "generated/scaivault"), dir, { recursive: true });
    const file = join(dir, "schemas.gen.mjs");
    const text = readFileSync(file, "utf8");
    expect(text).toMatch(
      /^\/\/ Runtime uses: rt\.bounded, rt\.linear, rt\.members, rt\.propertyNames, rt\.safe$/m,
    );
    writeFileSync(file, text.replace(/^(\/\/ Runtime uses: .*)$/m, "$1, rt.someday, rt.constructor"));
    const index = join(dir, "catalog.index.json");
    writeFileSync(index, readFileSync(index, "utf8").replace(/"version":"0\.1\.0"/, '"version":"9.8.7"'));
    const error = await loadCatalog(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogLoadError);
    expect(error.message).toContain("rt.someday, rt.constructor");
    expect(error.message).toContain("generated by toolwright 9.8.7");
    expect(error.message).toContain(`this runtime (toolwright ${packageVersion()})`);
    expect(schemaTablesBuilt()).toBe(schemaTablesBuilt());
  });

  it("a catalog from before the runtime-uses line (none in its header) still loads and builds its schemas", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tw-load-")), "scaivault");
    cpSync(join(PACKAGE_ROOT, "generated/scaivault"), dir, { recursive: true });
    const file = join(dir, "schemas.gen.mjs");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\/\/ Runtime uses: .*\n/m, ""));
    const loaded = await loadCatalog(dir);
    expect(Object.keys(loaded.module.tools).length).toBe(loaded.doc.tools.length);
  });

  it("the runtime-uses line names the rt members the code calls, not text inside its strings", async () => {
    const src = writeTree("runtime-uses", {
      "cat/openapi.yaml": `openapi: 3.0.3
info: { title: Uses, version: "1" }
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - { name: q, in: query, schema: { type: string, pattern: '^rt.someday\\(x\\)$' } }
        - { name: n, in: query, schema: { type: string, pattern: "^[a-z]+$" } }
      responses: { "200": { description: ok } }
`,
      "cat/tools.yaml": `catalog: uses
sources:
  api: { openapi: ./openapi.yaml, base_url: { default: "http://127.0.0.1:9" } }
select: [{ all: true }]
`,
    });
    const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
    const head = readFileSync(join(dir, "schemas.gen.mjs"), "utf8").split("\n").slice(0, 4);
    expect(head[2]).toMatch(/^\/\/ Runtime uses: rt\.[a-z]+(, rt\.[a-z]+)*$/);
    expect(head[2]).not.toContain("someday");
    const loaded = await loadCatalog(dir);
    expect(Object.keys(loaded.module.tools)).toEqual(["list_things"]);
  });

  it("a schemas.gen.mjs whose header names no input hash fails the load (fail closed)", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "tw-load-")), "scaivault");
    cpSync(join(PACKAGE_ROOT, "generated/scaivault"), dir, { recursive: true });
    const file = join(dir, "schemas.gen.mjs");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^\/\/ Input hash: .*\n/m, ""));
    const error = await loadCatalog(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogLoadError);
    expect(error.message).toMatch(/schemas\.gen\.mjs in .* has no "\/\/ Input hash:" line/);
  });

  it("an inputHash mismatch names both files", async () => {
    const dir = copyFixture((doc) => {
      doc.inputHash = "sha256:other";
    });
    const error = await loadCatalog(dir).catch((e) => e);
    expect(error).toBeInstanceOf(CatalogLoadError);
    expect(error.message).toMatch(
      // The first generated file compared (schemas.gen.mjs's header, before any import) is named with catalog.json.
      /(schemas|catalog)\.gen\.mjs \(inputHash sha256:fixture-runtime-catalog-v1\) and catalog\.json \(inputHash sha256:other\)/,
    );
  });

  it("serves formats 2 to 4; refuses a newer one naming both versions, and says to regenerate a format-1 catalog", async () => {
    // The fixture is format 2 (no server templates): it loads, and so does the same catalog as format 3 and 4.
    for (const format of [2, 3, 4]) {
      const dir = copyFixture((doc) => {
        doc.format = format;
      });
      expect((await loadCatalog(dir)).doc.format).toBe(format);
    }
    // A runtime that cannot read a newer catalog's parts (format 4's list of server templates holds the tenant lock
    // on hosts) refuses it rather than serving it with less than it asks for.
    const newer = copyFixture((doc) => {
      doc.format = 5;
      doc.generator = { name: "toolwright", version: "9.9.9" };
    });
    await expect(loadCatalog(newer)).rejects.toThrow(
      /catalog format 5 is newer than this runtime serves \(this runtime, toolwright \d+\.\d+\.\d+\S*, reads formats 2 to 4\); it was generated by toolwright 9\.9\.9: serve it with a toolwright at least that new/,
    );
    const old = copyFixture((doc) => {
      doc.format = 1;
    });
    await expect(loadCatalog(old)).rejects.toThrow(
      /catalog format 1 is not supported \(this runtime, toolwright \S+, reads formats 2 to 4; format 1 copied every schema into every tool\); regenerate the catalog/,
    );
    const text = copyFixture((doc) => {
      doc.format = "3";
    });
    await expect(loadCatalog(text)).rejects.toThrow(/catalog format "3" is not supported/);
  });

  it("a catalog.json without a format says what it is (a spec, or not a catalog), not 'format undefined'", async () => {
    const none = copyFixture((doc) => {
      delete doc.format;
    });
    const refusal = loadCatalog(none);
    await expect(refusal).rejects.toThrow(
      /catalog\.json: not a toolwright catalog \(no "format" member\); serve the folder toolwright generate wrote/,
    );
    await expect(refusal).rejects.not.toThrow(/undefined/);
    for (const [key, name] of [
      ["openapi", "OpenAPI"],
      ["swagger", "Swagger"],
    ] as const) {
      const spec = copyFixture((doc) => {
        for (const k of Object.keys(doc)) delete doc[k];
        Object.assign(doc, {
          [key]: key === "openapi" ? "3.1.0" : "2.0",
          info: { title: "T", version: "1" },
          paths: {},
        });
      });
      await expect(loadCatalog(spec)).rejects.toThrow(
        new RegExp(
          `catalog\\.json: not a toolwright catalog \\(no "format" member\\); it is an ${name} spec: generate a catalog from it first`,
        ),
      );
    }
  });

  it("refuses a tool schema that refers to a name the schema table does not hold", async () => {
    const dir = copyFixture((doc) => {
      const tools = doc.tools as Array<Record<string, any>>;
      tools[0]!.inputSchema = { type: "object", properties: { x: { $ref: "#/$defs/Nowhere" } } };
    });
    await expect(loadCatalog(dir)).rejects.toThrow(
      /refers to schema Nowhere, which catalog.json's schemas do not hold/,
    );
  });

  it("lists every inconsistency at once", async () => {
    const dir = copyFixture((doc) => {
      const tools = doc.tools as Array<Record<string, any>>;
      tools[0]!.binding.security = [["nope"]];
      tools[1]!.name = "get_item";
      (doc.prompts as Array<Record<string, unknown>>)[0]!.asset = "../../etc/passwd";
      (doc.sources as Array<Record<string, any>>)[0]!.baseUrl = { env: "UNDECLARED_URL" };
      (doc.sources as Array<Record<string, any>>)[0]!.security = [["absent"], []];
      tools[2]!.inputSchema = { type: "string" };
      tools[3]!.argumentRules = "Give a.";
    });
    const error = await loadCatalog(dir).catch((e) => e);
    expect(error.message).toMatch(/security scheme 'nope'/);
    expect(error.message).toMatch(/tool name get_item is used twice/);
    expect(error.message).toMatch(/leaves the catalog folder/);
    expect(error.message).toMatch(/reads env variable UNDECLARED_URL, which the catalog does not declare/);
    expect(error.message).toMatch(/security names scheme 'absent', which it does not define/);
    expect(error.message).toMatch(/tool create_item: inputSchema must have type "object"/);
    expect(error.message).toMatch(
      /tool list_items: argumentRules must be a list of sentences \(non-empty strings\)/,
    );
  });
});

describe("a catalog outside the package", () => {
  // The compiled handlers import `zod`, which does not resolve from a folder in /tmp; the loader's resolve hook
  // borrows toolwright's own. This runs the real bin, as a user would.
  it("serves from a temporary folder", () => {
    const dir = copyFixture();
    const input = [
      {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_item", arguments: { id: 1 } } },
    ]
      .map((m) => JSON.stringify(m))
      .join("\n");
    const run = spawnSync(process.execPath, [BIN, "serve", dir], {
      cwd: tmpdir(),
      input: `${input}\n`,
      env: { PATH: process.env.PATH ?? "", FIXTURE_BASE_URL: "http://127.0.0.1:9/api" },
      encoding: "utf8",
      timeout: 240_000, // a failure bound for a hung child; a busy machine is slow, not broken
    });
    expect(run.status, run.stderr).toBe(0);
    const responses = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // The zod schema ran: a number for a string argument is refused by validation.
    expect(responses.find((r) => r.id === 2)?.result.content[0].text).toMatch(/^invalid arguments: id: /);
  });
});

describe("serve --help", () => {
  it("lists the catalog's env variables with descriptions and defaults, never values", () => {
    const run = spawnSync(process.execPath, [BIN, "serve", FIXTURE, "--help"], {
      env: { PATH: process.env.PATH ?? "", FIXTURE_TOKEN: "help-canary-value" },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: toolwright serve <catalog>/);
    expect(run.stdout).toMatch(/FIXTURE_BASE_URL\n\s+Base URL of the fixture upstream\n\s+\[url; required\]/);
    expect(run.stdout).toMatch(
      /FIXTURE_REGION\n\s+Region\n\s+\[enum; one of eu\|us; aliases europe=eu; default "eu"\]/,
    );
    expect(run.stdout).toMatch(/FIXTURE_TOKEN\n\s+Bearer token\n\s+\[string; secret\]/);
    expect(run.stdout).not.toContain("help-canary-value");
  });

  it("toolwright --help lists every verb", () => {
    const run = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    for (const verb of ["serve", "generate", "check", "audit", "manifest-schema"]) {
      expect(run.stdout).toMatch(new RegExp(`^  ${verb} `, "m"));
    }
    const unknown = spawnSync(process.execPath, [BIN, "frobnicate"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
