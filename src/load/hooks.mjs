// ESM resolve hook, registered by src/load/catalog.ts through module.register, once per catalog folder.
//
// A generated catalog can live anywhere (`toolwright generate --out /tmp/x`), and two things then go wrong:
// - its files sit in no package scope with "type": "module", so Node and tsx would load them as CommonJS;
//   files of the catalog folder are therefore resolved here, as ES modules (`./x.js` -> `./x.ts` as tsc writes);
// - `zod` and `toolwright/*` do not resolve from there; when normal resolution fails for those specifiers only,
//   they are resolved again as if imported from toolwright itself.
// Plain JS on purpose: hook modules load in a separate thread, before any TypeScript loader is guaranteed to apply.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

let anchor;
let catalogDir;

export async function initialize(data) {
  anchor = data?.anchor;
  catalogDir = data?.catalogDir;
}

const BORROWED = /^(?:zod|toolwright)(?:\/|$)/;

/** A relative import between files of the catalog folder, mapped to the TypeScript file it names. */
function catalogFile(specifier, parentURL) {
  if (catalogDir === undefined) return undefined;
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  const base = relative ? parentURL : undefined;
  if (!(relative && base?.startsWith(catalogDir)) && !specifier.startsWith(catalogDir)) return undefined;
  const url = new URL(specifier, base);
  url.search = "";
  url.hash = "";
  const candidates = [url.href];
  if (/\.js$/.test(url.pathname)) candidates.unshift(url.href.replace(/\.js$/, ".ts"));
  if (/\.mjs$/.test(url.pathname)) candidates.unshift(url.href.replace(/\.mjs$/, ".mts"));
  for (const candidate of candidates) {
    if (
      candidate.startsWith(catalogDir) &&
      /\.m?ts$/.test(candidate) &&
      existsSync(fileURLToPath(candidate))
    ) {
      return candidate;
    }
  }
  return undefined;
}

export async function resolve(specifier, context, nextResolve) {
  const own = catalogFile(specifier, context.parentURL);
  if (own !== undefined) return { url: own, format: "module", shortCircuit: true };
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (anchor === undefined || !BORROWED.test(specifier) || error?.code !== "ERR_MODULE_NOT_FOUND")
      throw error;
    return nextResolve(specifier, { ...context, parentURL: anchor });
  }
}
