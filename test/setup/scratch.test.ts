import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tmpDir } from "../helpers/paths.js";
import { removeEnded } from "./scratch.js";

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
