// ESM resolve hook (registered by src/load.ts through module.register). A generated catalog outside this package,
// e.g. in /tmp/x, imports `zod` and `toolwright/catalog`, which cannot resolve from there; when normal resolution
// fails for those specifiers only, resolve them again as if imported from toolwright itself. Plain JS on purpose:
// hook modules load in a separate thread, before any TypeScript loader is guaranteed to apply.

let anchor;
let catalogDir;

export async function initialize(data) {
  anchor = data?.anchor;
  catalogDir = data?.catalogDir;
}

const BORROWED = /^(?:zod|toolwright)(?:\/|$)/;

export async function resolve(specifier, context, nextResolve) {
  try {
    const resolved = await nextResolve(specifier, context);
    // Generated code is ESM whatever package scope the folder sits in (a /tmp folder has none, which would
    // make Node and tsx treat .ts files as CommonJS).
    if (catalogDir !== undefined && resolved.url.startsWith(catalogDir) && /\.[cm]?ts$/.test(resolved.url)) {
      return { ...resolved, format: "module" };
    }
    return resolved;
  } catch (error) {
    if (anchor === undefined || !BORROWED.test(specifier) || error?.code !== "ERR_MODULE_NOT_FOUND")
      throw error;
    return nextResolve(specifier, { ...context, parentURL: anchor });
  }
}
