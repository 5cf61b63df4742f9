/**
 * A recorded request body against the spec: the media type is one the operation accepts (3.x `content`, 2.0
 * `consumes`) and is the one sent; a JSON body is the arguments under the spec's property names; every body field
 * the tool publishes is a property (or a required name) of the spec's schema; a form body carries each scalar.
 */
import { isDeepStrictEqual } from "node:util";
import type { HttpBinding, HttpBody } from "../../../src/catalog.js";
import type { Received } from "../../helpers/recording-server.js";
import { resolve } from "./expected.js";

type Json = Record<string, unknown>;

/** The spec's request body schema for `media`, and the media types the operation accepts. */
function specBody(spec: Json, op: Json, media: string): { accepts: string[]; schema?: Json } {
  if (typeof spec.swagger === "string") {
    const params = ((op.parameters as unknown[]) ?? []).map((p) => resolve(spec, p));
    const body = params.find((p) => p?.in === "body");
    const accepts = (op.consumes ?? spec.consumes ?? ["application/json"]) as string[];
    const schema = body ? resolve(spec, body.schema) : undefined;
    return { accepts, ...(schema ? { schema } : {}) };
  }
  const content = (resolve(spec, op.requestBody)?.content ?? {}) as Json;
  const schema = resolve(spec, (content[media] as Json | undefined)?.schema);
  return { accepts: Object.keys(content), ...(schema ? { schema } : {}) };
}

/** Property names (and required names) of a schema, through allOf/anyOf/oneOf. */
function propertyNames(
  spec: Json,
  schema: Json | undefined,
  out = new Set<string>(),
  depth = 0,
): Set<string> {
  if (!schema || depth > 5) return out;
  for (const k of [
    ...Object.keys((schema.properties as Json) ?? {}),
    ...((schema.required as string[]) ?? []),
  ])
    out.add(k);
  for (const key of ["allOf", "anyOf", "oneOf"])
    for (const part of (schema[key] as unknown[] | undefined) ?? [])
      propertyNames(spec, resolve(spec, part), out, depth + 1);
  // In 3.1 a `$ref` applies beside its siblings (`$ref: Base` with `properties` of its own): both name properties.
  if (typeof schema.$ref === "string")
    propertyNames(spec, resolve(spec, { $ref: schema.$ref }), out, depth + 1);
  return out;
}

function jsonBody(body: HttpBody, args: Json, raw: Buffer): string[] {
  let got: unknown;
  try {
    got = JSON.parse(raw.toString("utf8"));
  } catch {
    return [`the JSON body does not parse: ${raw.toString("utf8").slice(0, 100)}`];
  }
  const want =
    body.mode === "whole"
      ? args[body.arg as string]
      : Object.fromEntries(
          (body.fields ?? []).filter((f) => f.arg in args).map((f) => [f.name, args[f.arg]]),
        );
  return isDeepStrictEqual(got, want)
    ? []
    : [`JSON body ${JSON.stringify(got).slice(0, 200)}, spec ${JSON.stringify(want).slice(0, 200)}`];
}

function formBody(body: HttpBody, args: Json, raw: Buffer): string[] {
  const got = [...new URLSearchParams(raw.toString("utf8"))];
  return (body.fields ?? []).flatMap((f) => {
    const v = args[f.arg];
    if (!["string", "number", "boolean"].includes(typeof v)) return [];
    const sent = got.filter(([k]) => k === f.name).map(([, x]) => x);
    return isDeepStrictEqual(sent, [String(v)])
      ? []
      : [`form field ${f.name}: sent ${JSON.stringify(sent)}, spec ${JSON.stringify(String(v))}`];
  });
}

export function bodyDisagreements(
  spec: Json,
  op: Json,
  b: HttpBinding,
  args: Json,
  sent: Received,
): string[] {
  const body = b.body;
  if (!body)
    return sent.body.length > 0 ? [`a body of ${sent.body.length} bytes for an operation without one`] : [];
  const media = body.mediaType;
  const bare = (t: string) => t.split(";")[0]?.trim().toLowerCase() ?? "";
  const { accepts, schema } = specBody(spec, op, media);
  const found: string[] = [];
  if (!accepts.map(bare).includes(bare(media)))
    found.push(`media type ${media} is none of ${accepts.join(", ")}`);
  if (body.mode === "fields") {
    const names = propertyNames(spec, schema);
    for (const f of body.fields ?? [])
      if (names.size > 0 && !names.has(f.name))
        found.push(`body field ${f.name} is no property of the spec's schema`);
  }
  const given =
    body.mode === "whole" ? (body.arg as string) in args : (body.fields ?? []).some((f) => f.arg in args);
  if (!given) return found;
  const type = bare(String(sent.headers["content-type"] ?? ""));
  if (type !== bare(media) && !media.includes("*")) found.push(`content-type ${type}, spec ${media}`);
  if (body.encoding === "json") found.push(...jsonBody(body, args, sent.body));
  if (body.encoding === "form") found.push(...formBody(body, args, sent.body));
  return found;
}
