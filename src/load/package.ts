import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where this installation of toolwright is: the nearest folder holding a package.json, found the same way from
 * the TypeScript sources, a compiled build (`dist/`) and the runtime package.
 */

export function packageRootOf(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "package.json"))) return at;
    if (dirname(at) === at) throw new Error(`no package.json above ${dir}`);
  }
}

/** The folder holding toolwright's (or the runtime package's) package.json. */
export const PACKAGE_ROOT = packageRootOf(fileURLToPath(new URL(".", import.meta.url)));

let version: string | undefined;

/** The version in that package.json. */
export function packageVersion(): string {
  version ??= String(
    (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version?: unknown }).version,
  );
  return version;
}
