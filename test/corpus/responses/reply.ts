/**
 * What an upstream may answer, read from the spec itself: an operation's success responses (its first 2xx with
 * content, else `2XX` or `default`, and every success status declared without content, answered empty), the media
 * type and schema of the one with content, and a body made from them (the spec's own example when it gives one and
 * its schema accepts it, else the value maker's). `specAccepts` judges a body by the spec's schema independently of
 * the catalog: OpenAPI 3.0 and Swagger 2.0 schemas (as draft-07: `nullable`/`x-nullable` admit null) and 3.1's (2020-12).
 */

import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { HttpBinding } from "../../../src/catalog.js";
import { operationsOf, resolve } from "../requests/expected.js";
import { replyValue } from "../requests/values.js";

type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  /** The media type sent; undefined for a response without content. */
  type?: string;
  body: string;
  /** The JSON value sent, when the media type is JSON. */
  value?: unknown;
  /** The spec's schema of the body (a JSON pointer into the spec), when it gives one. */
  pointer?: string;
  /** Whether the body came from the spec's own example. */
  example: boolean;
}

const pointerPart = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

export function isJsonType(type: string): boolean {
  return /^application\/(?:[\w.-]+\+)?json\b|^application\/json|\/[\w.-]*\+json\b|\*\/\*/i.test(type);
}

/** The operation's success keys: its 2xx statuses in order, else `2XX`, else `default`. */
function successKeys(op: Json): string[] {
  const keys = Object.keys((op.responses ?? {}) as Json);
  const exact = keys.filter((k) => /^2\d\d$/.test(k)).sort();
  if (exact.length > 0) return [...exact, ...keys.filter((k) => /^2XX$/i.test(k))];
  return keys.filter((k) => /^2XX$/i.test(k) || k === "default").slice(0, 1);
}

/** The status a success key is answered with (a range or `default` as 200). */
const statusOf = (key: string) => (/^2\d\d$/.test(key) ? Number(key) : 200);

/** Keys that hold no response schema; their objects' `id`s (a link's `"id": "$response.body#/id"`) read as schema ids. */
const NOT_SCHEMAS =
  /^(example|examples|default|links|parameters|requestBody|callbacks|securitySchemes|x-.*)$/;

/**
 * A copy of the spec without what holds no response schema, its schemas converted (unless `v31`) so a draft-07
 * validator reads them as OpenAPI 3.0 and 2.0 mean them: `nullable`/`x-nullable` admit null, a boolean
 * `exclusiveMinimum`/`exclusiveMaximum` (draft-04's) moves its bound.
 */
function validated(node: unknown, v31: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => validated(n, v31));
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) if (!NOT_SCHEMAS.test(k)) out[k] = validated(v, v31);
  if (v31) return out;
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof out[flag] !== "boolean") continue;
    if (out[flag] === true && typeof out[bound] === "number") out[flag] = out[bound];
    else delete out[flag];
    if (typeof out[flag] === "number") delete out[bound];
  }
  if (out.nullable === true || out["x-nullable"] === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.type === undefined) return { anyOf: [{ ...out, nullable: false }, { type: "null" }] };
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

/** A function telling whether the spec's schema at `pointer` accepts a value (undefined when it compiles not). */
export function specValidator(spec: Json): (pointer: string, value: unknown) => boolean | undefined {
  const v31 = typeof spec.openapi === "string" && spec.openapi.startsWith("3.1");
  const options = {
    strict: false,
    validateSchema: false,
    validateFormats: false,
    allowUnionTypes: true,
  } as const;
  const ajv = v31 ? new Ajv2020(options) : new Ajv(options);
  try {
    ajv.addSchema(validated(spec, v31) as Json, "spec");
  } catch {
    return () => undefined;
  }
  return (pointer, value) => {
    try {
      const validate = ajv.getSchema(`spec#${pointer}`);
      return validate ? (validate(value) as boolean) : undefined;
    } catch {
      return undefined;
    }
  };
}

export function exampleOf(media: Json, response: Json, type: string): { value: unknown } | undefined {
  if ("example" in media) return { value: media.example };
  const first = Object.values((media.examples ?? {}) as Json)[0] as Json | undefined;
  if (first && "value" in first) return { value: first.value };
  const swagger = (response.examples as Json | undefined)?.[type];
  if (swagger !== undefined) return { value: swagger };
  return undefined;
}

/** The media type and schema a success response holds (OpenAPI 3's content, Swagger 2.0's produces and schema). */
export function mediaOf(spec: Json, op: Json, response: Json, base: string) {
  if (response.content && typeof response.content === "object") {
    const content = response.content as Json;
    const types = Object.keys(content);
    const type = types.find(isJsonType) ?? types[0];
    if (!type) return undefined;
    const media = (content[type] ?? {}) as Json;
    const pointer = media.schema ? `${base}/content/${pointerPart(type)}/schema` : undefined;
    return { type, media, pointer };
  }
  if (!response.schema) return undefined;
  const produces = ((op.produces ?? spec.produces) as string[] | undefined) ?? ["application/json"];
  const type = produces.find(isJsonType) ?? produces[0] ?? "application/json";
  return { type, media: {} as Json, pointer: `${base}/schema` };
}

/** The pointer of an operation's response object in the spec. */
function responsePointer(spec: Json, op: Json, key: string): string {
  for (const [path, item] of Object.entries((spec.paths ?? {}) as Json)) {
    // A path item may be a `$ref` (3.1's components.pathItems): the operation's place is where it points.
    const ref = (item as Json | undefined)?.$ref;
    const base =
      typeof ref === "string" && ref.startsWith("#/") ? ref.slice(1) : `/paths/${pointerPart(path)}`;
    for (const [method, o] of Object.entries(resolve(spec, item) ?? {}))
      if (o === op) return `${base}/${method}/responses/${pointerPart(key)}`;
  }
  return "";
}

/**
 * The replies of the binding's operation (the first of the spec's operations it may be): its first success with
 * content, as the output schema describes it (the spec's example when its schema accepts it, else the value maker's),
 * and an empty reply for each success status declared without content (204 and 205 always: RFC 9110 says they carry
 * none; every answer to HEAD), with its own status; none when the spec says nothing of its success. A response
 * `$ref` is followed to its own place so the schema pointer stays valid.
 */
export function repliesFor(
  spec: Json,
  b: HttpBinding,
  accepts: (pointer: string, value: unknown) => boolean | undefined,
): Reply[] {
  const found = operationsOf(spec, b)[0];
  if (!found) return [];
  const replies: Reply[] = [];
  let bodied = false;
  for (const key of successKeys(found.op)) {
    const raw = ((found.op.responses ?? {}) as Json)[key] as Json;
    const response = resolve(spec, raw) ?? {};
    const base = typeof raw?.$ref === "string" ? raw.$ref.slice(1) : responsePointer(spec, found.op, key);
    const none = /^20[45]$/.test(key) || b.method === "HEAD";
    const media = none ? undefined : mediaOf(spec, found.op, response, base);
    if (!media) replies.push({ status: statusOf(key), body: "", example: false });
    else if (!bodied) {
      bodied = true;
      replies.push(bodiedReply(spec, statusOf(key), media, response, accepts));
    }
  }
  return replies;
}

/** A reply with content: the spec's own example when its schema accepts it, else a value made from the schema. */
function bodiedReply(
  spec: Json,
  status: number,
  media: NonNullable<ReturnType<typeof mediaOf>>,
  response: Json,
  accepts: (pointer: string, value: unknown) => boolean | undefined,
): Reply {
  const { type, pointer } = media;
  if (!isJsonType(type)) return { status, type, body: "a,b\n1,2\n", pointer, example: false };
  const given = exampleOf(media.media, response, type);
  if (given && pointer && accepts(pointer, given.value) === true)
    return { status, type, body: JSON.stringify(given.value), value: given.value, pointer, example: true };
  const schema = pointer ? resolve(spec, { $ref: `#${pointer}` }) : undefined;
  const value = replyValue(spec, schema ?? {});
  return { status, type, body: JSON.stringify(value ?? null), value: value ?? null, pointer, example: false };
}
