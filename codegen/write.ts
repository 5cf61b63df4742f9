import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { GeneratedCatalog } from "./index.js";
import { compareStrings } from "./util.js";

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const abs = join(dir, entry);
    if (statSync(abs).isDirectory()) out.push(...listFiles(abs, base));
    else out.push(relative(base, abs).split("\\").join("/"));
  }
  return out.sort(compareStrings);
}

export interface CatalogDiff {
  dir: string;
  changed: string[];
  added: string[];
  removed: string[];
}

export function diffCatalog(root: string, cat: GeneratedCatalog): CatalogDiff {
  const abs = resolve(root, cat.dir);
  const existing = new Set(listFiles(abs));
  const changed: string[] = [];
  const added: string[] = [];
  for (const [path, text] of cat.files) {
    if (!existing.has(path)) added.push(path);
    else if (readFileSync(join(abs, path), "utf8") !== text) changed.push(path);
    existing.delete(path);
  }
  return {
    dir: cat.dir,
    changed: changed.sort(compareStrings),
    added: added.sort(compareStrings),
    removed: [...existing].sort(compareStrings),
  };
}

export function isClean(d: CatalogDiff): boolean {
  return d.changed.length + d.added.length + d.removed.length === 0;
}

/**
 * Why `writeCatalog` must not replace `cat.dir`, or undefined when it may. A catalog folder is replaced
 * whole, so only a folder toolwright owns qualifies: new, empty, or holding a catalog.json it generated.
 * `--out .` or `--out ~/project` must fail, not wipe the project.
 */
export function refuseTarget(root: string, cat: GeneratedCatalog): string | undefined {
  const target = resolve(root, cat.dir);
  const rel = relative(target, resolve(root));
  if (rel === "" || !rel.startsWith("..")) {
    return `${cat.dir} is the working folder or contains it`;
  }
  if (!existsSync(target)) return undefined;
  if (!statSync(target).isDirectory()) return `${cat.dir} exists and is not a folder`;
  if (readdirSync(target).length === 0) return undefined;
  const marker = join(target, "catalog.json");
  try {
    const doc = JSON.parse(readFileSync(marker, "utf8")) as { generator?: { name?: unknown } };
    if (doc.generator?.name === "toolwright") return undefined;
  } catch {
    // Missing or unreadable: not ours.
  }
  return `${cat.dir} is not empty and holds no toolwright catalog.json, so it is not a catalog folder toolwright may replace`;
}

/**
 * Replaces a catalog folder as a whole: the new content is written beside it and swapped in by rename, so a
 * crash mid-write never leaves a half-updated catalog.
 */
export function writeCatalog(root: string, cat: GeneratedCatalog): void {
  const target = resolve(root, cat.dir);
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [path, text] of cat.files) {
    const abs = join(tmp, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
}
