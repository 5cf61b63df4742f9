import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** The path of every file under `dir`, at any depth, folder by folder in readdir order. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file under `dir` with its text, keyed by its path relative to `dir` (a snapshot to prove nothing changed). */
export function snapshotOf(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((file) => [relative(dir, file), readFileSync(file, "utf8")]));
}
