import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import _addFormats from "ajv-formats";
import type { ErrorDetail } from "./errors.js";
import type { JsonSchema, OperationSpec, ParamSpec } from "./spec.js";

// ajv-formats is CommonJS with a `default` property; under NodeNext the default import is the module object.
const addFormats = ((_addFormats as any).default ?? _addFormats) as (ajv: Ajv2020) => void;

// `strict: false` because OpenAPI schemas carry keywords JSON Schema does not know (discriminator, example).
function makeAjv(useDefaults: boolean): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, useDefaults, validateFormats: true });
  addFormats(ajv);
  return ajv;
}
const plain = makeAjv(false);
const withDefaults = makeAjv(true);
const caches = new Map<Ajv2020, WeakMap<object, ValidateFunction>>([
  [plain, new WeakMap()],
  [withDefaults, new WeakMap()],
]);

// Compiled lazily: most test runs touch a handful of the 67 operations.
function compile(ajv: Ajv2020, schema: JsonSchema): ValidateFunction {
  const cache = caches.get(ajv)!;
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

function describe(errors: ErrorObject[] | null | undefined): { pointer: string; message: string }[] {
  return (errors ?? [])
    .filter((e) => e.keyword !== "if")
    .map((e) => {
      const extra = e.keyword === "additionalProperties" ? ` '${e.params.additionalProperty}'` : "";
      return { pointer: e.instancePath || "", message: `${e.message ?? "is invalid"}${extra}` };
    });
}

/** Query and header values arrive as strings; the schema's type says what they mean. */
function coerce(raw: string, schema: JsonSchema): unknown {
  const type = schema.type;
  if (type === "integer" && /^-?\d+$/.test(raw)) return Number(raw);
  if (type === "number" && raw.trim() !== "" && !Number.isNaN(Number(raw))) return Number(raw);
  if (type === "boolean" && (raw === "true" || raw === "false")) return raw === "true";
  return raw;
}

export interface ValidatedRequest {
  problems: ErrorDetail[];
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
}

export interface RawRequest {
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string>;
  rawBody: string;
  contentType: string | undefined;
}

function checkValue(p: ParamSpec, value: unknown, problems: ErrorDetail[]): void {
  const fn = compile(plain, p.schema);
  if (!fn(value)) {
    for (const d of describe(fn.errors))
      problems.push({ in: p.in, name: p.name, message: `${p.in} parameter '${p.name}' ${d.message}` });
  }
}

/** Checks a request against its operation; returns the problems and the typed query, headers and body. */
export function validateRequest(op: OperationSpec, req: RawRequest): ValidatedRequest {
  const problems: ErrorDetail[] = [];
  const query: Record<string, unknown> = {};
  const headers: Record<string, string> = {};

  for (const p of op.params.filter((x) => x.in === "path")) {
    const value = req.pathParams[p.name];
    if (value !== undefined) checkValue(p, value, problems);
  }

  const known = new Set(op.params.filter((p) => p.in === "query").map((p) => p.name));
  for (const name of new Set(req.query.keys())) {
    if (!known.has(name)) problems.push({ in: "query", name, message: `unknown query parameter '${name}'` });
  }
  for (const p of op.params.filter((x) => x.in === "query")) {
    const values = req.query.getAll(p.name);
    if (values.length === 0) {
      if (p.required)
        problems.push({ in: "query", name: p.name, message: `missing required query parameter '${p.name}'` });
      else if (p.schema.default !== undefined) query[p.name] = p.schema.default;
      continue;
    }
    if (values.length > 1) {
      problems.push({
        in: "query",
        name: p.name,
        message: `query parameter '${p.name}' given ${values.length} times`,
      });
      continue;
    }
    const value = coerce(values[0]!, p.schema);
    checkValue(p, value, problems);
    query[p.name] = value;
  }

  for (const p of op.params.filter((x) => x.in === "header")) {
    const value = req.headers[p.name.toLowerCase()];
    if (value === undefined) {
      if (p.required)
        problems.push({ in: "header", name: p.name, message: `missing required header '${p.name}'` });
      continue;
    }
    checkValue(p, value, problems);
    headers[p.name] = value;
  }

  const body = validateBody(op, req, problems);
  return { problems, query, headers, body };
}

function validateBody(op: OperationSpec, req: RawRequest, problems: ErrorDetail[]): unknown {
  const hasBody = req.rawBody.length > 0;
  if (!op.body) {
    if (hasBody) problems.push({ in: "body", message: "this operation takes no request body" });
    return undefined;
  }
  if (!hasBody) {
    if (op.body.required) problems.push({ in: "body", message: "missing required JSON request body" });
    return undefined;
  }
  const mediaType = req.contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    problems.push({
      in: "body",
      name: "Content-Type",
      message: `content type must be application/json, got '${req.contentType ?? "none"}'`,
    });
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.rawBody);
  } catch {
    problems.push({ in: "body", message: "request body is not valid JSON" });
    return undefined;
  }
  const fn = compile(withDefaults, op.body.schema);
  if (!fn(parsed)) {
    for (const d of describe(fn.errors))
      problems.push({ in: "body", pointer: d.pointer || "/", message: `body${d.pointer} ${d.message}` });
  }
  return parsed;
}

/** Checks a response body against the spec; a mismatch is a bug of this upstream, reported as a violation. */
export function validateResponse(op: OperationSpec, status: number, body: unknown): string[] {
  const key = String(status);
  if (!op.responses.has(key)) return [`status ${status} is not declared for ${op.operationId}`];
  const schema = op.responses.get(key);
  if (!schema) return body === undefined ? [] : [`status ${status} of ${op.operationId} declares no body`];
  const fn = compile(plain, schema);
  if (fn(body)) return [];
  return describe(fn.errors).map(
    (d) => `response ${status} ${op.operationId}: ${d.pointer || "/"} ${d.message}`,
  );
}
