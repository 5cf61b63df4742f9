// codegen/write.ts
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { compareStrings } from "./chunk-EXAFZZY7.js";

function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir)) {
    const abs = join(dir, entry);
    if (statSync(abs).isDirectory()) out.push(...listFiles(abs, base));
    else out.push(relative(base, abs).split("\\").join("/"));
  }
  return out.sort(compareStrings);
}
function diffCatalog(root, cat) {
  const abs = resolve(root, cat.dir);
  const existing = new Set(listFiles(abs));
  const changed = [];
  const added = [];
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
function isClean(d) {
  return d.changed.length + d.added.length + d.removed.length === 0;
}
function refuseTarget(root, cat) {
  const target = resolve(root, cat.dir);
  const rel = relative(target, resolve(root));
  if (rel === "" || !rel.startsWith("..")) {
    return `${cat.dir} is the working folder or contains it`;
  }
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return void 0;
  }
  if (stat.isSymbolicLink()) return `${cat.dir} is a symbolic link`;
  if (!stat.isDirectory()) return `${cat.dir} exists and is not a folder`;
  if (readdirSync(target).length === 0) return void 0;
  const why = notOwned(target);
  return why === void 0 ? void 0 : `${cat.dir} is not a catalog folder toolwright may replace: ${why}`;
}
var GENERATED_FILE = /^(CATALOG\.md|[A-Za-z0-9][A-Za-z0-9_.-]*\.gen\.(ts|mjs))$/;
var INPUT_HASH = /^sha256:[0-9a-f]{64}$/;
function notOwned(dir) {
  let doc;
  try {
    const stat = lstatSync(join(dir, "catalog.json"));
    if (!stat.isFile()) return "its catalog.json is not a regular file";
    doc = JSON.parse(readFileSync(join(dir, "catalog.json"), "utf8"));
  } catch {
    return "it holds no readable catalog.json";
  }
  const hash = catalogHash(doc);
  if (hash === void 0) return "its catalog.json is not one toolwright generated";
  const assets = assetMatchers(doc);
  for (const entry of walk(dir)) {
    if (entry.kind !== "file") return `${entry.path} is ${entry.kind}`;
    const path = entry.path;
    if (path === "catalog.json") continue;
    if (path.startsWith("assets/")) {
      if (!assets.some((m) => m(path))) return `${path} is not an asset its catalog.json names`;
      continue;
    }
    if (!GENERATED_FILE.test(path)) return `${path} is not a file toolwright writes`;
    if (path.endsWith(".md")) continue;
    const head = readFileSync(join(dir, path), "utf8").slice(0, 600);
    if (!head.includes(`// Input hash: ${hash}`))
      return `${path} is not from the same generation as catalog.json`;
  }
  return void 0;
}
function catalogHash(doc) {
  const generator = doc.generator;
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
  return shaped ? doc.inputHash : void 0;
}
function assetMatchers(doc) {
  const out = [];
  const visit = (value) => {
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
function walk(dir, base = dir) {
  const out = [];
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
function writeCatalog(root, cat) {
  const refused = refuseTarget(root, cat);
  if (refused) throw new Error(`will not write catalog "${cat.name}": ${refused}`);
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

export { diffCatalog, isClean, refuseTarget, writeCatalog };
