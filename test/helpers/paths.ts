import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: generated paths are relative to it. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** A fresh folder under test/.tmp (inside the repo, so generated code resolves zod and toolwright). */
export function tmpDir(name: string): string {
  const dir = join(ROOT, "test/.tmp", `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}
