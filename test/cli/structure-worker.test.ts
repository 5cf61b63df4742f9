import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { OFF_THREAD_MIN_CHARS } from "../../codegen/load/openapi-structure.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * A large OpenAPI document's structure check runs on a worker thread while the compiled generate goes on (structural:
 * which thread loads the validator, not how long anything takes), and what it finds is reported exactly as the
 * sources' in-order check reports it (`generateCatalog` from the sources has no built validator, so it checks on
 * the main thread, first): the same located diagnostics, a global problem leaves the output folder as it was, a
 * problem confined to one operation leaves out that operation and the files are byte for byte the same.
 */
const BIN = join(ROOT, "dist/toolwright.js");
const HOOK = join(ROOT, "test/cli/fixtures/record-loads.mjs");
const VALIDATOR = "/dist/chunks/openapi-structure-3.0.cjs";

/** The Pets 3.0 fixture, changed by `edit`, padded past the off-thread size with an extension nobody reads. */
function largeSpec(dir: string, edit: (spec: Record<string, any>) => void): string {
  const spec = JSON.parse(readFileSync(join(ROOT, "test/fixtures/openapi30/openapi.json"), "utf8"));
  edit(spec);
  spec["x-padding"] = "x".repeat(OFF_THREAD_MIN_CHARS);
  const file = join(dir, "pets.json");
  writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}

function compiledGenerate(spec: string, out: string) {
  const record = join(out, "..", "loads.txt");
  rmSync(record, { force: true });
  const run = spawnSync(
    process.execPath,
    ["--import", HOOK, BIN, "generate", "--openapi", spec, "--name", "pets", "--out", out],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: join(out, "..", "home"), RECORD_LOADS: record },
      encoding: "utf8",
      timeout: 120_000, // a failure bound for a hung child, not a speed target
    },
  );
  const loads = readFileSync(record, "utf8").trim().split("\n");
  return { status: run.status, stderr: run.stderr, loads };
}

/** The same job from the sources, in process: the structure check on this thread, before anything else. */
async function inOrder(spec: string, out: string) {
  const diags = new Diagnostics();
  const cat = await generateCatalog({ kind: "spec", spec, name: "pets" }, { root: ROOT, out }, diags);
  return { cat, shown: diags.items.filter((d) => d.severity !== "info").map(formatDiagnostic) };
}

function filesOf(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path.slice(dir.length + 1), readFileSync(path, "utf8"));
    }
  }
  return files;
}

function expectCheckedOffThread(loads: string[]): void {
  expect(loads.some((u) => u.startsWith("worker ") && u.endsWith(VALIDATOR))).toBe(true);
  expect(loads.some((u) => !u.startsWith("worker ") && u.endsWith(VALIDATOR))).toBe(false);
}

describe("the structure check of a large spec runs on a worker thread", () => {
  it("a valid spec: checked off the main thread, the same files as the in-order check's", async () => {
    const dir = tmpDir("structure-worker");
    const spec = largeSpec(dir, () => {});
    const out = join(dir, "out");
    const run = compiledGenerate(spec, out);
    expect(run.status, run.stderr).toBe(0);
    expectCheckedOffThread(run.loads);
    const { cat } = await inOrder(spec, "test/.tmp/unused");
    expect(filesOf(out)).toEqual(cat?.files);
  });

  it("a problem in the whole spec: the same located errors, and the folder of the last run left as it was", async () => {
    const dir = tmpDir("structure-worker");
    const out = join(dir, "out");
    expect(
      compiledGenerate(
        largeSpec(dir, () => {}),
        out,
      ).status,
    ).toBe(0);
    const before = filesOf(out);
    const spec = largeSpec(dir, (s) => {
      s.servers = { url: "https://pets.example.com" }; // an object where the schema wants an array
    });
    const run = compiledGenerate(spec, out);
    expect(run.status).not.toBe(0);
    expectCheckedOffThread(run.loads);
    const { cat, shown } = await inOrder(spec, "test/.tmp/unused");
    expect(cat).toBeUndefined();
    const located = shown.filter((d) => d.includes("TW133"));
    expect(located.length).toBeGreaterThan(0);
    expect(located[0]).toMatch(/pets\.json:\d+:\d+ .*error TW133: \/servers/);
    for (const d of shown) expect(run.stderr).toContain(d);
    expect(filesOf(out)).toEqual(before);
  });

  it("a problem confined to one operation: that operation left out, the same warnings and files", async () => {
    const dir = tmpDir("structure-worker");
    const spec = largeSpec(dir, (s) => {
      delete s.paths["/pets"].get.responses;
    });
    const out = join(dir, "out");
    const run = compiledGenerate(spec, out);
    expect(run.status, run.stderr).toBe(0);
    expectCheckedOffThread(run.loads);
    const { cat, shown } = await inOrder(spec, "test/.tmp/unused");
    expect(shown.some((d) => d.includes("TW139") && d.includes('missing "responses"'))).toBe(true);
    for (const d of shown) expect(run.stderr).toContain(d);
    expect(filesOf(out)).toEqual(cat?.files);
    expect(readFileSync(join(out, "catalog.json"), "utf8")).not.toContain('"list_pets"');
  });
});
