import {
  closeSync,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  type Stats,
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
  // By path: a file emit has the bytes of is compared as those (its text is not made, `GeneratedFiles`).
  for (const path of cat.files.keys()) {
    if (!existing.has(path)) added.push(path);
    else if (!sameContent(join(abs, path), cat.files, path, cat.bytes.get(path))) changed.push(path);
    existing.delete(path);
  }
  return {
    dir: cat.dir,
    changed: changed.sort(compareStrings),
    added: added.sort(compareStrings),
    removed: [...existing].sort(compareStrings),
  };
}

/**
 * Whether the file at `abs` holds `text`, compared as UTF-8 bytes (emit's own `bytes` where it has them), not as the
 * file decoded to text; a file of another size is not read (catalog files run to megabytes).
 */
function sameContent(
  abs: string,
  files: ReadonlyMap<string, string>,
  path: string,
  bytes: Uint8Array | undefined,
): boolean {
  if (bytes) return sameBytes(abs, bytes);
  const text = files.get(path) ?? "";
  const size = Buffer.byteLength(text, "utf8");
  if (statSync(abs).size !== size) return false;
  return sameBytes(abs, encoded(text, size));
}

/**
 * Scratch memory reused by every comparison: a file read whole into a new buffer (and a text encoded into one)
 * touches fresh pages, and on this kind of machine each 4 KB page first touched costs a fault in the kernel
 * (regenerating GitHub REST into its folder compared ~20 MB that way: ~5,000 faults). The files are read a
 * chunk at a time into one buffer instead, and texts are encoded into one that grows to the largest.
 */
const CHUNK_BYTES = 1 << 20;
let chunk: Buffer | undefined;
let scratch: Buffer | undefined;

/** `text` as UTF-8 (`size` bytes), in the shared scratch buffer: valid until the next call. */
function encoded(text: string, size: number): Buffer {
  if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafe(size);
  scratch.write(text, 0, size, "utf8");
  return scratch.subarray(0, size);
}

/**
 * Whether the file at `abs` holds exactly `want`: a file of another size is not read, and the rest is read a chunk
 * at a time into one reused buffer and compared as it is read (stopping at the first difference).
 */
export function sameBytes(abs: string, want: Uint8Array): boolean {
  const fd = openSync(abs, "r");
  try {
    if (fstatSync(fd).size !== want.length) return false;
    chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
    let at = 0;
    while (at < want.length) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, want.length - at), at);
      if (n === 0 || chunk.compare(want, at, at + n, 0, n) !== 0) return false;
      at += n;
    }
    // Nothing past the size checked above (a file that grew meanwhile is not the same).
    return readSync(fd, chunk, 0, 1, at) === 0;
  } finally {
    closeSync(fd);
  }
}

export function isClean(d: CatalogDiff): boolean {
  return d.changed.length + d.added.length + d.removed.length === 0;
}

/**
 * Why `writeCatalog` must not replace `cat.dir`, or undefined when it may. A catalog folder is replaced
 * whole, so only a folder toolwright owns qualifies: new, empty, or a catalog it generated (`notOwned`).
 * `--out .`, `--out ~/project` or a folder that merely holds a catalog.json naming toolwright must fail, not
 * be wiped.
 */
export function refuseTarget(root: string, cat: GeneratedCatalog): string | undefined {
  const target = resolve(root, cat.dir);
  const rel = relative(target, resolve(root));
  if (rel === "" || !rel.startsWith("..")) {
    return `${cat.dir} is the working folder or contains it`;
  }
  let stat: Stats;
  try {
    stat = lstatSync(target);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) return `${cat.dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${cat.dir} exists and is not a folder`;
  if (readdirSync(target).length === 0) return undefined;
  const why = notOwned(target, cat);
  return why === undefined ? undefined : `${cat.dir} is not a catalog folder toolwright may replace: ${why}`;
}

/** Top-level files toolwright writes into a catalog folder (besides `catalog.json` and assets). */
const GENERATED_FILE = /^(CATALOG\.md|catalog\.index\.json|[A-Za-z0-9][A-Za-z0-9_.-]*\.gen\.(ts|mjs|txt))$/;
const INPUT_HASH = /^sha256:[0-9a-f]{64}$/;

/**
 * Why the non-empty folder `dir` is not a catalog toolwright generated, or undefined when it is one: its
 * catalog.json has a catalog's shape, every file in it is one toolwright writes (regular files only: no links,
 * no hidden files, nothing toolwright would not have written, such as `.git` or sources), every asset is one
 * catalog.json names, and every generated module carries catalog.json's input hash.
 */
function notOwned(dir: string, cat: Pick<GeneratedCatalog, "bytes" | "inputHash">): string | undefined {
  const file = join(dir, "catalog.json");
  let doc: Record<string, unknown> | undefined;
  const parsed = () => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  try {
    const stat = lstatSync(file);
    if (!stat.isFile()) return "its catalog.json is not a regular file";
    // The catalog.json this run generated, byte for byte (regenerating into the same folder): it is one, with
    // this input hash, and is neither read whole nor parsed (7.5 MB for GitHub REST) to learn so.
    const mine = cat.bytes.get("catalog.json");
    if (!mine || !sameBytes(file, mine)) doc = parsed();
  } catch {
    return "it holds no readable catalog.json";
  }
  const hash = doc ? catalogHash(doc) : cat.inputHash;
  if (hash === undefined) return "its catalog.json is not one toolwright generated";
  let assets: ((path: string) => boolean)[] | undefined;
  for (const entry of walk(dir)) {
    if (entry.kind !== "file") return `${entry.path} is ${entry.kind}`;
    const path = entry.path;
    if (path === "catalog.json") continue;
    if (path.startsWith("assets/")) {
      try {
        doc ??= parsed();
      } catch {
        return "it holds no readable catalog.json";
      }
      assets ??= assetMatchers(doc);
      if (!assets.some((m) => m(path))) return `${path} is not an asset its catalog.json names`;
      continue;
    }
    if (!GENERATED_FILE.test(path)) return `${path} is not a file toolwright writes`;
    if (path.endsWith(".md")) continue;
    const head = fileHead(join(dir, path), HEAD_CHARS);
    const named = path.endsWith(".json") ? `"inputHash":${JSON.stringify(hash)}` : `// Input hash: ${hash}`;
    if (!head.includes(named)) return `${path} is not from the same generation as catalog.json`;
  }
  return undefined;
}

/** Where a generated module's header (which names its input hash) must be. */
const HEAD_CHARS = 600;

/**
 * The first `chars` UTF-16 units of a file's text, reading only its beginning (a generated module runs to
 * megabytes): 3 bytes of UTF-8 per unit at most, so `3 * chars` bytes always hold them.
 */
function fileHead(abs: string, chars: number): string {
  const fd = openSync(abs, "r");
  try {
    const buf = Buffer.alloc(3 * chars);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("utf8").slice(0, chars);
  } finally {
    closeSync(fd);
  }
}

function catalogHash(doc: Record<string, unknown>): string | undefined {
  const generator = doc.generator as { name?: unknown; version?: unknown } | undefined;
  const shaped =
    typeof doc.format === "number" &&
    generator?.name === "toolwright" &&
    typeof generator.version === "string" &&
    typeof doc.catalog === "string" &&
    typeof doc.server === "object" &&
    doc.server !== null &&
    Array.isArray(doc.tools) &&
    typeof doc.inputHash === "string" &&
    INPUT_HASH.test(doc.inputHash);
  return shaped ? (doc.inputHash as string) : undefined;
}

/** Matchers for the asset paths a catalog.json names (`assets/...`; `{var}` in a template's pattern is one segment). */
function assetMatchers(doc: unknown): ((path: string) => boolean)[] {
  const out: ((path: string) => boolean)[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      if (!value.startsWith("assets/") || value.includes("..")) return;
      if (!value.includes("{")) out.push((path) => path === value);
      else {
        const parts = value.split(/\{[^}/]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
        const pattern = new RegExp(`^${parts.join("[^/]+")}$`);
        out.push((path) => pattern.test(path));
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(doc);
  return out;
}

interface Entry {
  path: string;
  kind: "file" | "a symbolic link" | "a hidden file" | "not a regular file";
}

/** Every entry under `dir` (files, and whatever is not a folder), by lstat: links are reported, never followed. */
function walk(dir: string, base = dir): Entry[] {
  const out: Entry[] = [];
  for (const name of readdirSync(dir).sort(compareStrings)) {
    const abs = join(dir, name);
    const path = relative(base, abs).split("\\").join("/");
    const stat = lstatSync(abs);
    if (name.startsWith(".")) out.push({ path, kind: "a hidden file" });
    else if (stat.isSymbolicLink()) out.push({ path, kind: "a symbolic link" });
    else if (stat.isDirectory()) out.push(...walk(abs, base));
    else out.push({ path, kind: stat.isFile() ? "file" : "not a regular file" });
  }
  return out;
}

/**
 * Replaces a catalog folder as a whole: the new content is written beside it and swapped in by rename, so a
 * crash mid-write never leaves a half-updated catalog.
 */
export function writeCatalog(root: string, cat: GeneratedCatalog): void {
  const refused = refuseTarget(root, cat);
  if (refused) throw new Error(`will not write catalog "${cat.name}": ${refused}`);
  const target = resolve(root, cat.dir);
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const path of cat.files.keys()) {
    const abs = join(tmp, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, cat.bytes.get(path) ?? cat.files.get(path) ?? "");
  }
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
}
