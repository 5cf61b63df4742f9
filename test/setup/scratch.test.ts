import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/paths.js";
import { ownTmp, removeEnded } from "./scratch.js";

/** A process id no process can have: Linux gives out ids below pid_max. */
const ENDED = Number(readFileSync("/proc/sys/kernel/pid_max", "utf8").trim());

describe("scratch folders of ended processes", () => {
  const keep = process.env.TOOLWRIGHT_KEEP_SCRATCH;
  afterEach(() => {
    if (keep === undefined) delete process.env.TOOLWRIGHT_KEEP_SCRATCH;
    else process.env.TOOLWRIGHT_KEEP_SCRATCH = keep;
  });

  const tree = () => {
    const root = tmpDir("scratch-root");
    const names = [
      `gen-${ENDED}-a1b2c3`,
      `gen-${process.pid}-a1b2c3`,
      "npm-pack",
      "corpus-github",
      `out-${ENDED}`,
    ];
    for (const name of names) mkdirSync(join(root, name, "inner"), { recursive: true });
    return { root, names };
  };

  it("removes a tmpDir folder whose process has ended, and nothing else", () => {
    delete process.env.TOOLWRIGHT_KEEP_SCRATCH;
    const { root, names } = tree();
    removeEnded(root);
    expect(names.filter((name) => existsSync(join(root, name)))).toEqual([
      `gen-${process.pid}-a1b2c3`,
      "npm-pack",
      "corpus-github",
      `out-${ENDED}`,
    ]);
  });

  it("keeps everything when asked to", () => {
    process.env.TOOLWRIGHT_KEEP_SCRATCH = "1";
    const { root, names } = tree();
    removeEnded(root);
    expect(names.filter((name) => existsSync(join(root, name)))).toEqual(names);
  });

  it("is quiet about a scratch root that does not exist", () => {
    expect(() => removeEnded(join(tmpDir("scratch-none"), "absent"))).not.toThrow();
  });
});

describe("the run's own temporary folder", () => {
  const before = process.env.TMPDIR;
  afterEach(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  });

  it("is what os.tmpdir() gives a test, named after a run that is alive", () => {
    const name = basename(tmpdir());
    expect(name).toMatch(/^tw-run-\d+$/);
    expect(() => process.kill(Number(name.slice("tw-run-".length)), 0)).not.toThrow();
  });

  it("replaces those of ended runs and leaves live runs' and other folders alone", () => {
    const base = tmpDir("scratch-tmp");
    for (const name of [`tw-run-${ENDED}`, "tw-run-1", "tw-sec-home-abc", `tw-run-${ENDED}-x`])
      mkdirSync(join(base, name, "inner"), { recursive: true });
    const own = ownTmp(base);
    expect(own).toBe(join(base, `tw-run-${process.pid}`));
    expect(process.env.TMPDIR).toBe(own);
    expect(tmpdir()).toBe(own);
    // Each vitest project runs the global setup again in the same process: the folder is not nested.
    expect(ownTmp(tmpdir())).toBe(own);
    expect(tmpdir()).toBe(own);
    expect(readdirSync(base).sort()).toEqual(
      ["tw-run-1", `tw-run-${ENDED}-x`, `tw-run-${process.pid}`, "tw-sec-home-abc"].sort(),
    );
  });
});
