import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

/**
 * Packages the generator requires on first use, which `npm run build` also compiles into one CommonJS file each
 * (`dist/chunks/vendor/<file>`, scripts/build.mjs VENDORED): as a package each is tens of module files (yaml 72),
 * every one resolved, read and compiled by Node's loader in every process that uses it; as one file it is read and
 * compiled once. Keys are the specifiers required; values the built file's name.
 */
export const VENDORED = {
  yaml: "yaml.cjs",
} as const;

/**
 * The package `specifier` names: the build's one-file copy when it is beside this module (a compiled build), else
 * (running from source) the package itself. The caller keeps what it returns, so each loads once per process.
 */
export function requireVendored<T>(specifier: keyof typeof VENDORED): T {
  const built = new URL(`./vendor/${VENDORED[specifier]}`, import.meta.url);
  return require(existsSync(built) ? fileURLToPath(built) : specifier) as T;
}
