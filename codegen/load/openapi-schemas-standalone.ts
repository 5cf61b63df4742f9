import { createRequire } from "node:module";
import type { OpenApiVersion } from "./document-set.js";
import { STRUCTURE_VERSIONS, structureAjv, verdictAjv } from "./openapi-schemas.js";
import { precompiledStructureFile } from "./openapi-structure.js";

type StandaloneCode = typeof import("ajv/dist/standalone/index.js").default;
/** Through `require`: the package is CommonJS with an `exports.default`, which ESM loaders interpret differently. */
const standaloneCode = (createRequire(import.meta.url)("ajv/dist/standalone") as { default: StandaloneCode })
  .default;

/**
 * The structure validator of `version` as CommonJS source (ajv's standalone code): loading it costs milliseconds
 * where compiling the schema costs hundreds. It is the code ajv compiles at run time, so it reports the same errors.
 */
export function standaloneStructureValidator(version: OpenApiVersion): string {
  const { ajv, schema } = structureAjv(version, { code: { source: true } });
  return standaloneCode(ajv as unknown as Parameters<StandaloneCode>[0], ajv.compile(schema));
}

/** The verdict validator of `version` (`verdictSchema`) as CommonJS source; undefined for a version without one. */
export function standaloneVerdictValidator(version: OpenApiVersion): string | undefined {
  const made = verdictAjv(version, { code: { source: true } });
  if (!made) return undefined;
  return standaloneCode(made.ajv as unknown as Parameters<StandaloneCode>[0], made.ajv.compile(made.schema));
}

/**
 * File name -> source of every version's validator (and verdict validator, where a version has one), for
 * scripts/build.mjs to write beside the generator's chunk.
 */
export function standaloneStructureValidators(): Map<string, string> {
  const files = new Map<string, string>();
  for (const v of STRUCTURE_VERSIONS) {
    files.set(precompiledStructureFile(v), standaloneStructureValidator(v));
    const verdict = standaloneVerdictValidator(v);
    if (verdict !== undefined) files.set(precompiledStructureFile(v, "verdict"), verdict);
  }
  return files;
}
