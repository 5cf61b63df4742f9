import { decodePointer, encodePointer } from "./document.js";

type Json = Record<string, unknown>;

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch"]);

function objectAt(node: unknown, key: string | number): Json | undefined {
  if (!node || typeof node !== "object") return undefined;
  const value = (node as Record<string | number, unknown>)[key];
  return value && typeof value === "object" ? (value as Json) : undefined;
}

/** A parameter entry with a local `$ref` followed (one that leads nowhere stays the entry). */
function resolved(source: Json, entry: unknown): Json | undefined {
  const ref = (entry as Json | undefined)?.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return entry as Json | undefined;
  return decodePointer(ref).reduce<Json | undefined>((node, key) => objectAt(node, key), source);
}

/** What the conversion moves out of `parameters` into the request body. */
const inBody = (param: Json | undefined) => param?.in === "body" || param?.in === "formData";

/**
 * A 3.0 parameter's inner pointer where the 2.0 parameter writes it: 2.0 keeps a non-body parameter's `type`,
 * `items`, `pattern`... on the parameter itself (3.0 moves them under `schema`), and `collectionFormat` is 3.0's
 * `style` and `explode`.
 */
function parameterRest(rest: string[]): string[] {
  if (rest[0] === "schema") return rest.slice(1);
  if (rest[0] === "style" || rest[0] === "explode") return ["collectionFormat"];
  return rest;
}

/**
 * A 3.0 operation's (or path item's) parameter index where the 2.0 list has it: the conversion takes the `body`
 * and `formData` parameters out of the list (into `requestBody`), so every index after them moves.
 */
function parameterIn20(source: Json, list: unknown, at: string[], rest: string[]): string[] {
  const entries = Array.isArray(list) ? list : [];
  const wanted = Number(rest[0]);
  let seen = -1;
  for (let i = 0; i < entries.length; i++) {
    if (inBody(resolved(source, entries[i]))) continue;
    seen++;
    if (seen === wanted) return [...at, "parameters", String(i), ...parameterRest(rest.slice(1))];
  }
  return [...at, "parameters"];
}

/**
 * Where a 3.0 request body (`rest` below `requestBody`) is written in 2.0: the `body` parameter's schema (followed
 * to a shared parameter it refers to), or the `formData` parameter a property of the form names (the first one for
 * the form as a whole), in the operation's list or its path item's.
 */
function requestBodyIn20(source: Json, lists: [unknown, string[]][], rest: string[]): string[] {
  const schemaRest = rest[0] === "content" && rest[2] === "schema" ? rest.slice(3) : undefined;
  const field = schemaRest?.[0] === "properties" ? schemaRest[1] : undefined;
  for (const [list, at] of lists) {
    const entries = Array.isArray(list) ? list : [];
    for (let i = 0; i < entries.length; i++) {
      const param = resolved(source, entries[i]);
      const ref = (entries[i] as Json | undefined)?.$ref;
      const here =
        typeof ref === "string" && ref.startsWith("#/")
          ? decodePointer(ref)
          : [...at, "parameters", String(i)];
      if (param?.in === "body") return schemaRest ? [...here, "schema", ...schemaRest] : here;
      if (param?.in === "formData" && (field === undefined || param.name === field))
        return field === undefined ? here : [...here, ...(schemaRest ?? []).slice(2)];
    }
  }
  return [...(lists[0]?.[1] ?? []), "parameters"];
}

/** A 3.0 response's inner pointer in 2.0: one schema (no `content` by media type), headers without `schema`. */
function responseRest(rest: string[]): string[] {
  if (rest[0] === "content") {
    if (rest[2] === "schema") return ["schema", ...rest.slice(3)];
    if (rest[2] === "example" && rest[1] !== undefined) return ["examples", rest[1], ...rest.slice(3)];
    return [];
  }
  if (rest[0] === "headers" && rest[2] === "schema") return [...rest.slice(0, 2), ...rest.slice(3)];
  return rest;
}

/** A 3.0 security scheme's inner pointer in 2.0: one flow, its URLs and scopes on the scheme itself. */
function securityRest(rest: string[]): string[] {
  if (rest[0] === "flows") {
    const field = rest[2];
    if (field === "authorizationUrl" || field === "tokenUrl" || field === "scopes")
      return [field, ...rest.slice(3)];
    return ["flow"];
  }
  if (rest[0] === "scheme") return ["type"];
  return rest;
}

/** Whether a parameterized host parameter declares the value its server variable takes by default. */
const hasDefault = (param: Json | undefined) => param?.default !== undefined || Array.isArray(param?.enum);

/**
 * Where a 3.0 `servers` pointer is written in 2.0: AutoRest's `x-ms-parameterized-host` (a server variable is
 * its parameter of that name; the servers as a whole, the first parameter without a default, the variable they
 * warn of), or `host`, `basePath` and `schemes` (the one with a `{variable}`, else the first written).
 */
function serversIn20(source: Json, converted: Json, rest: string[]): string[] {
  const host = objectAt(source, "x-ms-parameterized-host");
  const server = rest[0] === undefined ? undefined : objectAt(converted.servers, Number(rest[0]));
  const template = typeof host?.hostTemplate === "string" ? host.hostTemplate : undefined;
  const named = typeof server?.url === "string" && template !== undefined && server.url.includes(template);
  if (host && (server === undefined || named)) {
    const params = Array.isArray(host.parameters) ? host.parameters : [];
    const variable = rest[1] === "variables" ? rest[2] : undefined;
    const index = params.findIndex((p) => {
      const param = resolved(source, p);
      return variable === undefined
        ? typeof param?.name === "string" && !hasDefault(param)
        : param?.name === variable;
    });
    if (index !== -1) return ["x-ms-parameterized-host", "parameters", String(index)];
    return ["x-ms-parameterized-host", ...(template === undefined ? [] : ["hostTemplate"])];
  }
  const written = ["host", "basePath", "schemes"].filter((k) => source[k] !== undefined);
  const variable = written.find(
    (k) => typeof source[k] === "string" && /\{[^}]*\}/.test(source[k] as string),
  );
  const at = variable ?? written[0];
  return at === undefined ? [] : [at];
}

/** A pointer below `#/paths/<path>` of the 3.0 document, where 2.0 writes it. */
function pathIn20(source: Json, segments: string[]): string[] {
  const [, path, method, ...rest] = segments as [string, string, string | undefined, ...string[]];
  const item = objectAt(source.paths, path);
  const itemAt = ["paths", path];
  if (method === "parameters") return parameterIn20(source, item?.parameters, itemAt, rest);
  if (method === undefined || !METHODS.has(method)) return segments;
  const op = objectAt(item, method);
  const opAt = [...itemAt, method];
  if (rest[0] === "parameters" && rest.length > 1)
    return parameterIn20(source, op?.parameters, opAt, rest.slice(1));
  if (rest[0] === "requestBody")
    return requestBodyIn20(
      source,
      [
        [op?.parameters, opAt],
        [item?.parameters, itemAt],
      ],
      rest.slice(1),
    );
  if (rest[0] === "responses" && rest.length > 1)
    return [...opAt, "responses", rest[1] as string, ...responseRest(rest.slice(2))];
  return segments;
}

/** A pointer below `#/components` of the 3.0 document, where 2.0 writes it. */
function componentIn20(segments: string[]): string[] {
  const [, kind, name, ...rest] = segments as [string, string | undefined, string | undefined, ...string[]];
  if (name === undefined) return [];
  if (kind === "schemas") return ["definitions", name, ...rest];
  if (kind === "parameters") return ["parameters", name, ...parameterRest(rest)];
  if (kind === "requestBodies")
    return [
      "parameters",
      name,
      ...(rest[0] === "content" && rest[2] === "schema" ? ["schema", ...rest.slice(3)] : []),
    ];
  if (kind === "responses") return ["responses", name, ...responseRest(rest)];
  if (kind === "securitySchemes") return ["securityDefinitions", name, ...securityRest(rest)];
  return [];
}

/**
 * Maps a pointer into the 3.0 document swagger2openapi made (`converted`) back to where the same thing is written
 * in the 2.0 original (`source`), so a diagnostic about it is located there, not at an ancestor that happens to
 * exist (the document's first line for `#/servers`) or at a neighbour (a parameter index the conversion moved).
 */
export function pointerIn20(pointer: string, source: Json, converted: Json): string {
  const segments = decodePointer(pointer);
  const [first] = segments;
  if (first === "servers") return encodePointer(serversIn20(source, converted, segments.slice(1)));
  if (first === "components") return encodePointer(componentIn20(segments));
  if (first === "paths" && segments.length > 1) return encodePointer(pathIn20(source, segments));
  return pointer;
}
