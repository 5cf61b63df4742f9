import { createRequire } from "node:module";
import type { OpenApiVersion } from "./document-set.js";
import { STRUCTURE_VERSIONS, structureAjv } from "./openapi-schemas.js";
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

/** File name -> source of every version's validator, for scripts/build.mjs to write beside the generator's chunk. */
export function standaloneStructureValidators(): Map<string, string> {
  return new Map(
    STRUCTURE_VERSIONS.map((v) => [precompiledStructureFile(v), standaloneStructureValidator(v)]),
  );
}
