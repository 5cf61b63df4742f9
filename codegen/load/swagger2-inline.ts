import { dirname, relative } from "node:path";
import { setOwn } from "../../src/catalog.js";
import type { LoadedDocument } from "./document.js";
import type { DocumentSet } from "./document-set.js";

type Json = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

/** The operations a 2.0 path item holds (each method of METHODS whose value is an object), in METHODS' order. */
function operationsOf(item: Json): [method: string, op: Json][] {
  return METHODS.flatMap((method) => {
    const op = item[method];
    return op && typeof op === "object" ? [[method, op as Json]] : [];
  });
}

/** Whether `v` is an object, not a list. */
function isObject(v: unknown): v is Json {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/**
 * Each path item of a 2.0 root (`data`) that is an object, of `paths` then `x-ms-paths` (each an object: a list
 * holds no path), with the operations it holds (operationsOf).
 */
function eachPathItem(data: Json, visit: (item: Json, operations: Json[]) => void): void {
  for (const map of [data.paths, data["x-ms-paths"]])
    if (isObject(map))
      for (const item of Object.values(map)) {
        if (!isObject(item)) continue;
        const operations = operationsOf(item).map(([, op]) => op);
        visit(item, operations);
      }
}

function isExternal(ref: unknown): ref is string {
  return typeof ref === "string" && !ref.startsWith("#");
}

function isRemote(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^file:/i.test(ref);
}

/** Rewrites every relative `$ref` inside `value` (which sits in `from`) so it reads the same from `root`. */
function rebase(value: unknown, from: LoadedDocument, root: LoadedDocument): unknown {
  if (Array.isArray(value)) return value.map((v) => rebase(v, from, root));
  if (!value || typeof value !== "object") return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === "$ref" && typeof v === "string" && !isRemote(v) && from !== root) {
      const hash = v.indexOf("#");
      const pointer = hash === -1 ? "" : v.slice(hash);
      const filePart = hash === -1 ? v : v.slice(0, hash);
      const abs = filePart === "" ? from.abs : `${dirname(from.abs)}/${decodeURIComponent(filePart)}`;
      const rel = relative(dirname(root.abs), abs).split("\\").join("/");
      out[k] = rel === relative(dirname(root.abs), root.abs) ? pointer || "#" : `${rel}${pointer}`;
    } else setOwn(out, k, rebase(v, from, root)); // a property may be named `__proto__`
  }
  return out;
}

/**
 * swagger2openapi converts the root document only, so a parameter, response or path item that lives in another
 * file would reach the 3.x reader still in 2.0 shape (`type: integer` beside `in: query`) and lose its type.
 * Those objects are copied into the root first, their own references rebased; schemas stay references, since
 * 2.0 schemas read the same in 3.0.
 */
export function inlineExternalObjects(root: LoadedDocument, docs: DocumentSet): LoadedDocument {
  const data = structuredClone(root.data) as Json;
  const inline = (value: unknown, from: LoadedDocument, at: string): unknown => {
    let current = value;
    let doc = from;
    for (let hops = 0; hops < 20 && isExternal((current as Json | undefined)?.$ref); hops++) {
      const hit = docs.resolve((current as Json).$ref as string, doc, at);
      if (!hit) return value;
      current = hit.value;
      doc = hit.doc;
    }
    return doc === from ? current : rebase(current, doc, root);
  };
  const inlineMap = (map: unknown, at: string) => {
    if (!map || typeof map !== "object") return;
    for (const [k, v] of Object.entries(map as Json)) (map as Json)[k] = inline(v, root, `${at}/${k}`);
  };
  const inlineList = (list: unknown, at: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((v, i) => {
      list[i] = inline(v, root, `${at}/${i}`);
    });
  };
  inlineMap(data.parameters, "#/parameters");
  inlineMap(data.responses, "#/responses");
  const paths = (data.paths ?? {}) as Json;
  for (const [path, raw] of Object.entries(paths)) {
    const at = `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    const item = inline(raw, root, at) as Json;
    paths[path] = item;
    if (!item || typeof item !== "object") continue;
    inlineList(item.parameters, `${at}/parameters`);
    for (const [method, op] of operationsOf(item)) {
      inlineList(op.parameters, `${at}/${method}/parameters`);
      inlineMap(op.responses, `${at}/${method}/responses`);
    }
  }
  return { ...root, data };
}

/** Swagger 2.0's `collectionFormat` of an array form field as the OpenAPI 3 encoding that sends the same. */
const FORM_ARRAY_ENCODINGS: Record<string, { style: string; explode: boolean }> = {
  csv: { style: "form", explode: false },
  ssv: { style: "spaceDelimited", explode: false },
  tsv: { style: "tabDelimited", explode: false },
  pipes: { style: "pipeDelimited", explode: false },
  multi: { style: "form", explode: true },
};

/**
 * An array `in: formData` parameter of a Swagger 2.0 form (`application/x-www-form-urlencoded`) is sent as its
 * `collectionFormat` says, `csv` (`tags=a,b`) when it says nothing. swagger2openapi writes the fields as the
 * properties of a request body and drops the format, and OpenAPI 3's default for a form's array is the name
 * repeated (`tags=a&tags=b`), which a server reading one comma-separated value reads as `b` or `a`. The
 * converted body gets the `encoding` that sends what the 2.0 spec says. `original` is the 2.0 root (external
 * objects inlined), `converted` its 3.0 conversion.
 */
export function formDataEncodings(original: unknown, converted: unknown): void {
  const root = original as Json;
  const local = (p: unknown): Json | undefined => {
    let v = p as Json | undefined;
    for (
      let hops = 0;
      hops < 20 && typeof v?.$ref === "string" && (v.$ref as string).startsWith("#/");
      hops++
    ) {
      let node: unknown = root;
      for (const seg of (v.$ref as string).slice(2).split("/"))
        node = (node as Json | undefined)?.[seg.replace(/~1/g, "/").replace(/~0/g, "~")];
      v = node as Json | undefined;
    }
    return v && typeof v === "object" ? v : undefined;
  };
  const paths = ((converted as Json).paths ?? {}) as Json;
  for (const [path, rawItem] of Object.entries((root.paths ?? {}) as Json)) {
    const item = local(rawItem);
    if (!item) continue;
    for (const [method, op] of operationsOf(item)) {
      const fields = [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : []),
      ]
        .map(local)
        .filter((p): p is Json => p?.in === "formData" && p.type === "array" && typeof p.name === "string");
      if (fields.length === 0) continue;
      const body = local(((paths[path] as Json | undefined)?.[method] as Json | undefined)?.requestBody);
      const media = (body?.content as Json | undefined)?.["application/x-www-form-urlencoded"] as
        | Json
        | undefined;
      if (!media || typeof media !== "object") continue;
      const encoding = (media.encoding ?? Object.create(null)) as Json;
      for (const field of fields) {
        const format = typeof field.collectionFormat === "string" ? field.collectionFormat : "csv";
        const chosen = FORM_ARRAY_ENCODINGS[format];
        if (chosen && !Object.hasOwn(encoding, field.name as string))
          setOwn<unknown>(encoding, field.name as string, { ...chosen });
      }
      media.encoding = encoding;
    }
  }
}

/** The `collectionFormat`s of a Swagger 2.0 array that OpenAPI 3 has a `style` for in the query only. */
const DELIMITED_FORMATS = new Set(["ssv", "pipes", "tsv"]);

/**
 * A path or header array parameter of Swagger 2.0 whose `collectionFormat` is `ssv`, `pipes` or `tsv` is sent
 * joined by a space, `|` or a tab. OpenAPI 3 has no style for those outside the query, so swagger2openapi drops
 * `ssv` and `pipes` there (keeping `tsv` only as `x-collectionFormat`), and the parameter would go
 * comma-separated (csv), which a 2.0 server splitting on its own delimiter reads as one value. Each such
 * parameter of `data` (the 2.0 root, external objects inlined; changed in place) is marked
 * `x-collectionFormat`, which the conversion keeps and the reader maps to the delimited style.
 */
export function markDelimitedFormats(data: unknown): void {
  const mark = (p: unknown) => {
    const param = p as Json | undefined;
    if (!param || typeof param !== "object" || param.type !== "array") return;
    if (param.in !== "path" && param.in !== "header") return;
    const format = param.collectionFormat;
    if (typeof format === "string" && DELIMITED_FORMATS.has(format)) param["x-collectionFormat"] = format;
  };
  eachParameter(data, mark);
}

/**
 * Every parameter object of a 2.0 root (`data`, external objects inlined): the root's `parameters`, then each path
 * item's (of `paths` and `x-ms-paths`) and its operations'. A `$ref` to a root parameter is visited at the root.
 */
function eachParameter(data: unknown, visit: (p: unknown) => void): void {
  const root = data as Json;
  for (const p of Object.values((root.parameters ?? {}) as Json)) visit(p);
  eachPathItem(root, (item, operations) => {
    for (const list of [item.parameters, ...operations.map((op) => op.parameters)])
      if (Array.isArray(list)) list.forEach(visit);
  });
}

/**
 * The operations and path items of a 2.0 document that the structure check confined problems to are left out
 * later, whatever they hold, so the converter is handed a stub in their place (in `data`, a copy): swagger2openapi
 * throws on some malformed operations (`operationId: 42` beside a body parameter: `s.split is not a function`),
 * which refused the whole spec, unlocated, for one operation the check had already located. The stub keeps the
 * operation at its pointer, so it is still left out with its own diagnostic. A security scheme refused so
 * (`authorizationUrl: 5`, `scopes: "x"`) is stubbed too: the reader makes it one nothing can send, located.
 */
export function stubConfined(data: unknown, problems: readonly { scopes: string[] }[]): void {
  const stub = () => ({ responses: { default: { description: "left out" } } });
  for (const scope of new Set(problems.flatMap((p) => p.scopes))) {
    const [where, key, method, ...rest] = scope
      .slice(2)
      .split("/")
      .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
    if (where === "components" && key === "securitySchemes" && method !== undefined && rest.length === 0) {
      const schemes = (data as Json).securityDefinitions as Json | undefined;
      // A stub the converter reads (a refused `authorizationUrl: 5` made it throw); still refused by its pointer.
      if (schemes && typeof schemes === "object" && Object.hasOwn(schemes, method))
        schemes[method] = { type: "basic" };
      continue;
    }
    if (where !== "paths" || key === undefined || rest.length > 0) continue;
    const paths = (data as Json).paths as Json | undefined;
    const item = paths && Object.hasOwn(paths, key) ? (paths[key] as Json | undefined) : undefined;
    if (!item || typeof item !== "object" || Array.isArray(item)) continue;
    if (method === undefined) {
      delete item.parameters;
      for (const m of METHODS) if (Object.hasOwn(item, m)) item[m] = stub();
    } else if (METHODS.includes(method) && Object.hasOwn(item, method)) item[method] = stub();
  }
}

/** A schema's keywords whose value is a schema. */
const SUBSCHEMA_KEYS = [
  "items",
  "additionalProperties",
  "additionalItems",
  "not",
  "if",
  "then",
  "else",
  "contains",
];
/** A schema's keywords whose value is a list of schemas (`items` may be one too). */
const SUBSCHEMA_LISTS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
/** A schema's keywords whose value maps names (which may be `default`, `example` or `enum`) to schemas. */
const SUBSCHEMA_MAPS = ["properties", "patternProperties", "definitions", "$defs", "dependentSchemas"];

/**
 * A schema of the 2.0 root written `type: "null"` (JSON Schema draft 4's, which 2.0's schemas take, and which
 * @fastify/swagger writes for a TypeBox `Type.Null()`, in `anyOf: [X, {type: "null"}]`) is null alone; swagger2openapi
 * turns it into `nullable: true` with no type, which OpenAPI 3.0 reads as any value, so `anyOf: [string, null]` took a
 * number or an object. Each is written `enum: [null]` before the conversion (in `data`, changed in place: the same
 * object at the same pointer), which the conversion leaves alone and the reader reads as null alone, as it reads
 * `type: "null"` in a 3.x document. Only schema positions are walked (definitions, parameters' and responses'
 * schemas, and a schema's subschemas: a property may be named `default`, `example` or `enum`), never a value written
 * about one (an example, a default, an enum, an extension), whatever it holds.
 */
export function keepNullTypes(data: unknown): void {
  const seen = new Set<object>();
  const members = (v: unknown): unknown[] => (isObject(v) ? Object.values(v) : []);
  const schema = (node: unknown): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    if (node.type === "null") {
      delete node.type;
      if (!Object.hasOwn(node, "enum")) node.enum = [null];
    }
    for (const k of SUBSCHEMA_KEYS) if (Object.hasOwn(node, k)) schema(node[k]);
    for (const k of SUBSCHEMA_LISTS) {
      const list = Object.hasOwn(node, k) ? node[k] : undefined;
      if (Array.isArray(list)) list.forEach(schema);
    }
    for (const k of SUBSCHEMA_MAPS) if (Object.hasOwn(node, k)) members(node[k]).forEach(schema);
  };
  // A body parameter's `schema`; any other parameter, like a response's header, is typed as a schema is (its `items`).
  const parameter = (p: unknown): void => {
    if (!isObject(p)) return;
    if (p.in === "body") schema(p.schema);
    else schema(p);
  };
  const response = (r: unknown): void => {
    if (!isObject(r)) return;
    schema(r.schema);
    members(r.headers).forEach(schema);
  };
  if (!isObject(data)) return;
  members(data.definitions).forEach(schema);
  members(data.parameters).forEach(parameter);
  members(data.responses).forEach(response);
  eachPathItem(data, (item, operations) => {
    if (Array.isArray(item.parameters)) item.parameters.forEach(parameter);
    for (const op of operations) {
      if (Array.isArray(op.parameters)) op.parameters.forEach(parameter);
      members(op.responses).forEach(response);
    }
  });
}

/** Keys beside a value an alternative of a parameter's value list may carry without narrowing it. */
const VALUE_NOTES = new Set(["type", "title", "description"]);

/** A value's JSON type, as a Swagger 2.0 parameter's `type` names it. */
function scalarType(v: unknown): "string" | "boolean" | "integer" | "number" | undefined {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  if (typeof v === "number" && Number.isFinite(v)) return Number.isInteger(v) ? "integer" : "number";
  return undefined;
}

/**
 * The values a Swagger 2.0 non-body parameter lists without `enum`, which swagger2openapi does not carry (it moves
 * `type`, `enum` and the other 2.0 parameter keys into the 3.0 schema, and drops `anyOf`, `oneOf` and `const`), so
 * the parameter read as a plain string: @fastify/swagger spreads a querystring property's JSON Schema into its
 * parameter, and writes a TypeBox `Type.Union([Type.Literal("a"), Type.Literal("b")])` as `anyOf: [{type: string,
 * const: a}, {type: string, const: b}]` with no type of its own, a `Type.Literal("a")` as `type: string, const: a`.
 * Each alternative must be a value (`const`, or an `enum` of scalars) of one type, saying nothing else; under
 * `oneOf` a value two alternatives list is no value at all. Undefined for anything else (read as before, said so).
 */
export function parameterValueSet(
  param: unknown,
): { key: "anyOf" | "oneOf" | "const"; type: string; values: unknown[] } | undefined {
  if (!param || typeof param !== "object" || Array.isArray(param)) return undefined;
  const p = param as Json;
  if (p.in === "body" || "enum" in p) return undefined;
  if ("const" in p) {
    if ("anyOf" in p || "oneOf" in p) return undefined;
    const type = scalarType(p.const);
    const declared = p.type === undefined ? type : p.type;
    if (type === undefined || !(declared === type || (declared === "number" && type === "integer")))
      return undefined;
    return { key: "const", type: declared as string, values: [p.const] };
  }
  if (p.type !== undefined) return undefined;
  const key =
    Array.isArray(p.anyOf) && !("oneOf" in p)
      ? "anyOf"
      : Array.isArray(p.oneOf) && !("anyOf" in p)
        ? "oneOf"
        : undefined;
  if (key === undefined) return undefined;
  const counts = new Map<string, { value: unknown; n: number }>();
  const types = new Set<string>();
  for (const alt of p[key] as unknown[]) {
    if (!alt || typeof alt !== "object" || Array.isArray(alt)) return undefined;
    const a = alt as Json;
    if (
      !Object.keys(a).every((k) => k === "const" || k === "enum" || VALUE_NOTES.has(k) || k.startsWith("x-"))
    )
      return undefined;
    if ("const" in a === "enum" in a) return undefined;
    const values = "const" in a ? [a.const] : a.enum;
    if (!Array.isArray(values) || values.length === 0) return undefined;
    // One alternative's enum listing a value twice is still one alternative.
    for (const v of new Set(values)) {
      const type = scalarType(v);
      if (type === undefined) return undefined;
      if (a.type !== undefined && !(a.type === type || (a.type === "number" && type === "integer")))
        return undefined;
      types.add(a.type === "number" ? "number" : type);
      const id = JSON.stringify(v);
      const seen = counts.get(id);
      if (seen) seen.n++;
      else counts.set(id, { value: v, n: 1 });
    }
  }
  const numeric = [...types].every((t) => t === "integer" || t === "number");
  const type = types.size === 1 ? [...types][0] : numeric && types.size > 0 ? "number" : undefined;
  if (type === undefined) return undefined;
  const values = [...counts.values()].filter((c) => key === "anyOf" || c.n === 1).map((c) => c.value);
  return values.length === 0 ? undefined : { key, type, values };
}

/**
 * Each Swagger 2.0 non-body parameter whose values a `const`, or an `anyOf`/`oneOf` of them, lists
 * (`parameterValueSet`) is written `type` and `enum` before the conversion (in `data`, changed in place), which
 * swagger2openapi carries into its schema: it was read as a plain string, any text taken and sent.
 */
export function parameterValueSets(data: unknown): void {
  const rewrite = (p: unknown) => {
    const set = parameterValueSet(p);
    if (!set) return;
    const param = p as Json;
    delete param.anyOf;
    delete param.oneOf;
    delete param.const;
    param.type = set.type;
    param.enum = set.values;
  };
  eachParameter(data, rewrite);
}
