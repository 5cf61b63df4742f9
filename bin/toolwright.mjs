#!/usr/bin/env node
// toolwright inside a clone. It runs the compiled build (dist/, `npm run build`; `npm install` makes one) while no
// source is newer than that build, and otherwise the TypeScript sources through tsx, so an edit is live at once
// and a stale build never runs. The package's own bin is dist/toolwright.js, which needs no loader.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SOURCES = ["src", "codegen", "bin/cli.ts", "package.json"];

/** The latest modification time under `path` (files and folders, so a deleted file counts too). */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

function buildIsFresh() {
  const stamp = join(root, "dist/.built");
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.every((source) => newest(join(root, source)) <= built);
}

if (buildIsFresh()) {
  await import("../dist/toolwright.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./cli.ts");
}
