import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * Start-up loads only what the catalog uses. A stdio server start, up to a complete tools/list, loads nothing from
 * node_modules: the MCP SDK's server and zod (what a hand-written SDK server loads, as ~100 module files) are
 * compiled into toolwright's chunks (scripts/build.mjs, BUNDLED), and the HTTP transport, JWT verification, prompt
 * templates, the Redis client, metrics, tracing, output validation and the pattern engine load when used. A static
 * import of any of them in the serve path fails here (structural, not timed).
 */

const BIN = join(ROOT, "dist/toolwright.js");
const HOOK = join(ROOT, "test/cli/fixtures/record-loads.mjs");
/** The packages a stdio start loads from node_modules: none (the SDK's server and zod are in the chunks). */
const SDK_SERVER: string[] = [];
/** At most this many module files: toolwright's entry, its chunks and the catalog's module (~12 for ScaiVault). */
const MODULE_FILES = 20;

const MESSAGES = [
  {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "1" } },
  },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 2, method: "tools/list" },
];

/** The packages and Node built-ins a `serve` start loaded, answering tools/list; its HOME. */
function loadsOf(
  args: string[],
  env: Record<string, string>,
  more: object[] = [],
): { packages: string[]; builtins: string[]; listed: number; home: string; urls: string[] } {
  const dir = tmpDir("loads");
  const record = join(dir, "loads.txt");
  const run = spawnSync(process.execPath, ["--import", HOOK, BIN, "serve", ...args], {
    cwd: ROOT,
    input: `${[...MESSAGES, ...more].map((m) => JSON.stringify(m)).join("\n")}\n`,
    env: { PATH: process.env.PATH ?? "", HOME: dir, RECORD_LOADS: record, ...env },
    encoding: "utf8",
    timeout: 240_000, // a failure bound for a hung child, not a speed target
  });
  if (run.status !== 0) throw new Error(`serve exited ${run.status}: ${run.stderr}`);
  const list = run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .find((m) => m.id === 2);
  const urls = readFileSync(record, "utf8").trim().split("\n");
  const packages = new Set<string>();
  for (const url of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (m) packages.add(m[1] as string);
  }
  const builtins = urls.filter((url) => url.startsWith("node:")).sort();
  return {
    packages: [...packages].sort(),
    builtins,
    listed: list?.result?.tools?.length ?? 0,
    home: dir,
    urls,
  };
}

describe("start-up loads only what a catalog uses", () => {
  beforeAll(() => {
    // The compiled build is what users run (vitest's global setup has just built it).
    readFileSync(BIN);
  });

  it("ScaiVault over stdio: no package from node_modules, a few module files (no SDK or zod files, HTTP, JWT, templates, Redis, metrics, tracing, ajv, re2js)", () => {
    const { packages, listed, urls } = loadsOf(["scaivault"], {
      SCAIVAULT_URL: "http://127.0.0.1:9",
      SCAIVAULT_TOKEN: "t",
    });
    expect(listed).toBeGreaterThan(60);
    expect(packages).toEqual(SDK_SERVER);
    const files = new Set(urls.filter((url) => url.startsWith("file:")));
    expect(files.size).toBeLessThanOrEqual(MODULE_FILES);
  });

  it("ScaiVault's confirmation store (node:sqlite, the default file) and keys (node:crypto) wait for the first call that needs them", () => {
    const { builtins, listed, home } = loadsOf(["scaivault"], {
      SCAIVAULT_URL: "http://127.0.0.1:9",
      SCAIVAULT_TOKEN: "t",
    });
    expect(listed).toBeGreaterThan(60);
    expect(builtins).toContain("node:path"); // built-ins are recorded at all
    expect(builtins).not.toContain("node:sqlite");
    // Nor node:crypto: confirmation and audit keys are derived on first use.
    expect(builtins).not.toContain("node:crypto");
    // Its folder is checked (created 0700) at start; the file is created on the first claim.
    const folder = join(home, ".local/state/toolwright");
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(existsSync(join(folder, "state.sqlite"))).toBe(false);
  });

  it("ScaiVault's generated zod module (schemas.gen.mjs) loads on the first tool call, never for a listing", () => {
    const env = { SCAIVAULT_URL: "http://127.0.0.1:9", SCAIVAULT_TOKEN: "t" };
    const zodModule = (urls: string[]) => urls.filter((url) => url.endsWith("/schemas.gen.mjs"));
    const listing = loadsOf(["scaivault"], env);
    expect(listing.listed).toBeGreaterThan(60);
    expect(listing.urls.some((url) => url.endsWith("/catalog.gen.mjs"))).toBe(true);
    expect(zodModule(listing.urls)).toEqual([]);
    const call = { name: "scaivault_read_secret", arguments: { path: "a/b" } };
    const calling = loadsOf(["scaivault"], env, [
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: call },
    ]);
    expect(zodModule(calling.urls)).toHaveLength(1);
  });

  it("Scaly over stdio: plus only the packages its compiled handlers import", () => {
    const { packages, listed } = loadsOf(["scaly"], { SCALY_API_KEY: "k", SCALY_APPSYNC_KEY: "a" });
    expect(listed).toBeGreaterThan(40);
    expect(packages).toEqual(
      [
        ...SDK_SERVER,
        "ajv",
        "ajv-formats",
        "fast-deep-equal",
        "fast-uri",
        "json-schema-traverse",
        "yaml",
      ].sort(),
    );
  });
});
