import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * The compiled bin starts reading `generate --openapi FILE` on the thread pool before it imports the generator
 * (`readAheadSpec`), and the loader takes those bytes: the spec is opened once, by the pool, never again
 * synchronously (structural, not timed). The control: a spec a manifest names is read as before, synchronously.
 * What is generated is the same either way (the corpus and golden tests compare it).
 */
const BIN = join(ROOT, "dist/toolwright.js");
const HOOK = join(ROOT, "test/cli/fixtures/record-opens.mjs");
const SPEC = join(ROOT, "test/fixtures/openapi30/openapi.json");

/** How the compiled generate opened `file` (`sync` or `pool`, in order), and its exit status and stderr. */
function opensOf(args: string[], file: string): { how: string[]; status: number | null; stderr: string } {
  const dir = tmpDir("read-ahead-cli");
  const record = join(dir, "opens.txt");
  const run = spawnSync(
    process.execPath,
    ["--import", HOOK, BIN, "generate", ...args, "--out", join(dir, "out")],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: dir, RECORD_OPENS: record },
      encoding: "utf8",
    },
  );
  const lines = readFileSync(record, "utf8").trim().split("\n");
  const how = lines.flatMap((line) => {
    const [kind, ...path] = line.split(" ");
    return path.join(" ") === file ? [kind as string] : [];
  });
  return { how, status: run.status, stderr: run.stderr };
}

describe("generate --openapi reads the spec ahead", () => {
  it.each([
    ["--openapi FILE", ["--openapi", "test/fixtures/openapi30/openapi.json"]],
    ["--openapi=FILE", ["--openapi=test/fixtures/openapi30/openapi.json"]],
  ])("%s: opened once, on the thread pool", (_, args) => {
    const run = opensOf(args, SPEC);
    expect(run.status, run.stderr).toBe(0);
    expect(run.how).toEqual(["pool"]);
  });

  it("init --openapi FILE: opened once, on the thread pool, and the manifest written", () => {
    const dir = tmpDir("read-ahead-init");
    const record = join(dir, "opens.txt");
    const out = join(dir, "pets", "tools.yaml");
    const run = spawnSync(
      process.execPath,
      ["--import", HOOK, BIN, "init", "--openapi", "test/fixtures/openapi30/openapi.json", "--out", out],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: dir, RECORD_OPENS: record }, encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/openapi: /);
    const how = readFileSync(record, "utf8")
      .trim()
      .split("\n")
      .filter((line) => line.endsWith(` ${SPEC}`))
      .map((line) => line.split(" ")[0]);
    expect(how).toEqual(["pool"]);
  });

  it("the control: a manifest's spec is opened synchronously", () => {
    const run = opensOf(["--specs", "test/fixtures", "--catalog", "openapi30"], SPEC);
    expect(run.status, run.stderr).toBe(0);
    expect(run.how).toEqual(["sync"]);
  });

  it("a missing spec is refused as before, located (TW100), nothing generated", () => {
    const missing = join(ROOT, "test/fixtures/openapi30/missing.json");
    const run = opensOf(["--openapi", "test/fixtures/openapi30/missing.json"], missing);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/TW100: cannot read test\/fixtures\/openapi30\/missing\.json: no such file/);
    // Tried by the pool, then by the loader, which reports it.
    expect(run.how).toEqual(["pool", "sync"]);
  });
});
