import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { CatalogDocument, PublishSettings } from "../../src/catalog.js";
import { tolerateDrift } from "../../src/publish/drift.js";
import { type CatalogSize, measureCatalog } from "../../src/publish/measure.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { DEFAULT_PAGE_SIZE, PAGE_BYTES } from "../../src/publish/settings.js";
import { ROOT } from "../helpers/paths.js";
import { kibInMb } from "./measure.js";

/** The peer generator the issue compares with, at the version it names. */
const PEER = "openapi-mcp-generator@4.0.1";

/**
 * The peer installed in the bench's own scratch folder (never a project dependency; through the machine's npm
 * cache once it has it). Returns the command that runs it.
 */
export function installPeer(): string[] {
  const dir = join(ROOT, "test/.tmp/bench-peer");
  const bin = join(dir, "node_modules/openapi-mcp-generator/bin/openapi-mcp-generator.js");
  if (!existsSync(bin)) {
    execFileSync(
      "npm",
      ["install", "--prefix", dir, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", PEER],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  }
  return [process.execPath, bin];
}

export interface RunFigures {
  ms: number;
  /** Peak RSS in MB of 1,000,000 bytes (from GNU time when the machine has it, else NaN). */
  rssMb: number;
}

const GNU_TIME = "/usr/bin/time";

/** Wall time and peak RSS of one run of a command; `mayFail` (the peer) turns a failure into NaN figures. */
export function timeRun(cmd: string[], mayFail = false): RunFigures {
  const timed = existsSync(GNU_TIME) ? [GNU_TIME, "-f", "%M", ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync(timed[0] as string, timed.slice(1), { cwd: ROOT, encoding: "utf8" });
  const ms = performance.now() - t0;
  if (r.status !== 0) {
    const why = `${cmd.join(" ")} exited ${r.status}: ${r.stderr.slice(-500)}`;
    if (!mayFail) throw new Error(why);
    console.error(why);
    return { ms: Number.NaN, rssMb: Number.NaN };
  }
  const kib = Number(r.stderr.trim().split("\n").pop());
  return { ms, rssMb: timed === cmd ? Number.NaN : kibInMb(kib) };
}

/**
 * What a generated catalog publishes with its defaults (the catalog's own settings: `descriptions: auto` may have
 * chosen concise), and with full and with concise descriptions.
 */
export function publishedSizes(dir: string): {
  catalogBytes: number;
  /** The descriptions the catalog publishes by default. */
  defaultsMode: PublishSettings["descriptions"];
  defaults: CatalogSize;
  full: CatalogSize;
  concise: CatalogSize;
} {
  const file = join(dir, "catalog.json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as CatalogDocument;
  const limits = { entries: DEFAULT_PAGE_SIZE, bytes: PAGE_BYTES };
  const measure = (overrides: Partial<PublishSettings>) =>
    measureCatalog(doc, createPublisher(doc, { overrides, transforms: [tolerateDrift] }), limits);
  return {
    catalogBytes: statSync(file).size,
    defaultsMode: doc.publish.descriptions,
    defaults: measure({}),
    full: measure({ descriptions: "full" }),
    concise: measure({ descriptions: "concise" }),
  };
}
