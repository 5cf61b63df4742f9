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

/**
 * The verdict validator of `version` (`verdictSchema`) as CommonJS source, `verdictOnly`; undefined for a version
 * without one.
 */
export function standaloneVerdictValidator(version: OpenApiVersion): string | undefined {
  const made = verdictAjv(version, { code: { source: true } });
  if (!made) return undefined;
  return verdictOnly(
    standaloneCode(made.ajv as unknown as Parameters<StandaloneCode>[0], made.ajv.compile(made.schema)),
  );
}

/** How ajv's code escapes an object member's name into its JSON pointer (`~` and `/`). */
const POINTER_ESCAPE = '.replace(/~/g, "~0").replace(/\\//g, "~1")';

/**
 * What ajv passes a validator of a member it descends into: the member's JSON pointer, its parent and its name, and
 * the root (`rootData`); with no other option (3.1's `dynamicAnchors`), which such a call keeps.
 */
const MEMBER_CALL =
  /\{instancePath:instancePath\+[^{}]*?,parentData:[A-Za-z0-9_]+,parentDataProperty:[^,{}]+,rootData\}/g;

/**
 * ajv's standalone code without what only its errors read. For every member it descends into, ajv escapes the
 * member's name (two `replace` calls), joins its JSON pointer and makes an options object (GitHub REST's spec:
 * ~16 MB of such strings and objects in one run), for error objects; the verdict validator's errors are never read
 * (checkOpenApiStructure runs the official validator for them). With ajv's options here (no `useDefaults`,
 * `removeAdditional`, `coerceTypes` or `$data`) nothing else reads `instancePath`, `parentData`,
 * `parentDataProperty` or `rootData`, so each such call gets one shared object instead (a callee's `rootData`
 * defaults to its own data): the same verdict on every document, the errors' paths left empty. In process, as
 * generate runs it on GitHub REST's spec: ~12 ms of main-thread CPU less, and fewer scavenges of the parsed spec.
 */
export function verdictOnly(code: string): string {
  const head = '"use strict";';
  if (!code.startsWith(head)) throw new Error('ajv\'s standalone code no longer starts with "use strict";');
  const body = code.slice(head.length).replaceAll(POINTER_ESCAPE, "").replace(MEMBER_CALL, "VERDICT_CALL");
  return `${head}const VERDICT_CALL = Object.freeze({ instancePath: "" });${body}`;
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
