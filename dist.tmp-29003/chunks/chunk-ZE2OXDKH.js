// src/load/package.ts
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function packageRootOf(dir) {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "package.json"))) return at;
    if (dirname(at) === at) throw new Error(`no package.json above ${dir}`);
  }
}
var PACKAGE_ROOT = packageRootOf(fileURLToPath(new URL(".", import.meta.url)));
var version;
function packageVersion() {
  version ??= String(JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version);
  return version;
}

export { PACKAGE_ROOT, packageVersion };
