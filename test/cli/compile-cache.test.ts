import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileCacheFolder, privateFolder } from "../../src/cli/compile-cache.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";

/**
 * Node's compile cache (the bytecode of every module a start compiles) is kept in a folder of this user's only:
 * never Node's default `<tmpdir>/node-compile-cache`, which every user of the machine shares (and so could plant
 * bytecode in). A folder that is not private, or none at all, means no cache, never a failed start.
 */

const BIN = join(ROOT, "dist/toolwright.js");

/** Files under `dir`, recursively (0 when it does not exist). */
function fileCount(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
}

function serveHelp(env: Record<string, string>) {
  return spawnSync(process.execPath, [BIN, "serve", "--help"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 240_000, // a failure bound for a hung child, not a speed target
  });
}

describe("the compile cache's folder", () => {
  it("is $XDG_CACHE_HOME/toolwright/compile-cache, made 0700", () => {
    const base = tmpDir("cc-xdg");
    const dir = compileCacheFolder({ XDG_CACHE_HOME: base });
    expect(dir).toBe(join(base, "toolwright", "compile-cache"));
    expect(statSync(dir as string).mode & 0o777).toBe(0o700);
    expect(statSync(join(base, "toolwright")).mode & 0o777).toBe(0o700);
  });

  it("is not a folder others can write, a link, or a file; none of them throws", () => {
    const base = tmpDir("cc-bad");
    const open = join(base, "open");
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(privateFolder(open)).toBe(false);
    const openParent = join(base, "shared", "cache");
    mkdirSync(openParent, { recursive: true, mode: 0o700 });
    chmodSync(join(base, "shared"), 0o777); // not sticky: anyone could swap the folder inside it
    expect(privateFolder(openParent)).toBe(false);
    const groupParent = join(base, "group", "cache");
    mkdirSync(groupParent, { recursive: true, mode: 0o700 });
    chmodSync(join(base, "group"), 0o770); // its group could swap the folder inside it: no cache either
    expect(privateFolder(groupParent)).toBe(false);
    chmodSync(join(base, "group"), 0o1770);
    expect(privateFolder(groupParent)).toBe(true);
    const real = join(base, "real");
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, join(base, "link"));
    expect(privateFolder(join(base, "link"))).toBe(false);
    writeFileSync(join(base, "file"), "");
    expect(privateFolder(join(base, "file"))).toBe(false);
    expect(privateFolder(join(base, "file", "below"))).toBe(false);
    expect(privateFolder(real)).toBe(true);
  });

  it("is not reached through a link into a folder others can change", () => {
    // $XDG_CACHE_HOME (or ~/.cache) a link of one's own into a private folder inside a folder every user may write:
    // whoever writes that folder can swap the private one (and the bytecode in it) while the server runs.
    const base = tmpDir("cc-linked");
    const shared = join(base, "shared");
    mkdirSync(join(shared, "cache"), { recursive: true, mode: 0o700 });
    chmodSync(shared, 0o777); // not sticky
    const mine = join(base, "mine");
    mkdirSync(mine, { mode: 0o700 });
    symlinkSync(join(shared, "cache"), join(mine, "cache"));
    expect(privateFolder(join(mine, "cache", "toolwright", "compile-cache"))).toBe(false);
    expect(compileCacheFolder({ XDG_CACHE_HOME: join(mine, "cache"), TMPDIR: base })).not.toContain(mine);
    // With the sticky bit nobody else can move it: the link leads to a private folder.
    chmodSync(shared, 0o1777);
    expect(privateFolder(join(mine, "cache", "toolwright", "compile-cache"))).toBe(true);
    // A link to a folder of one's own in private folders stays fine.
    const kept = join(base, "kept");
    mkdirSync(join(kept, "cache"), { recursive: true, mode: 0o700 });
    chmodSync(kept, 0o700);
    symlinkSync(join(kept, "cache"), join(mine, "kept"));
    expect(privateFolder(join(mine, "kept", "compile-cache"))).toBe(true);
  });
});

describe("toolwright's start with the compile cache", () => {
  it("writes the bytecode into the user's folder, not Node's shared default", () => {
    const home = tmpDir("cc-home");
    const tmp = tmpDir("cc-tmp");
    const run = serveHelp({ HOME: home, TMPDIR: tmp });
    expect(run.status, run.stderr).toBe(0);
    expect(fileCount(join(home, ".cache/toolwright/compile-cache"))).toBeGreaterThan(0);
    expect(statSync(join(home, ".cache/toolwright/compile-cache")).mode & 0o777).toBe(0o700);
    expect(fileCount(join(tmp, "node-compile-cache"))).toBe(0);
  });

  it("falls back to a private folder in the temporary folder when the cache home is shared", () => {
    const shared = tmpDir("cc-shared");
    chmodSync(shared, 0o777);
    const tmp = tmpDir("cc-tmp");
    const run = serveHelp({ HOME: shared, XDG_CACHE_HOME: shared, TMPDIR: tmp });
    expect(run.status, run.stderr).toBe(0);
    expect(fileCount(join(shared, "toolwright"))).toBe(0);
    const fallback = join(tmp, `toolwright-compile-cache-${process.getuid?.()}`);
    expect(fileCount(fallback)).toBeGreaterThan(0);
    expect(statSync(fallback).mode & 0o777).toBe(0o700);
  });

  it("starts without a cache when no folder can be made, and says nothing about it", () => {
    const base = tmpDir("cc-none");
    writeFileSync(join(base, "file"), "");
    const nowhere = join(base, "file", "below");
    const run = serveHelp({ HOME: nowhere, XDG_CACHE_HOME: nowhere, TMPDIR: nowhere });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("Usage");
    expect(run.stderr).toBe("");
  });
});
