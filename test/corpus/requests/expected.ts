/**
 * What a request must be, read from the spec itself (not from the catalog's binding): the operation's parameters
 * with OpenAPI 3's style/explode rules (Swagger 2.0's collectionFormat read as the style it sends), its request
 * body's media types and properties. `disagreements` compares a recorded request with it; the binding is used
 * only to find which argument carries which spec parameter (the published names mapped back).
 */
import { isDeepStrictEqual } from "node:util";
import type { HttpBinding } from "../../../src/catalog.js";
import { isReservedHeader } from "../../../src/executors/request.js";
import type { Received } from "../../helpers/recording-server.js";

type Json = Record<string, unknown>;

export interface SpecParam {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  style: string;
  explode: boolean;
  /** `content` instead of `schema`: the value is written as that media type (JSON here). */
  content?: string;
  /** The spec's description (the generator reads it to tell a credential `key` or `token` from another). */
  description?: string;
}

/** A spec parameter and the argument the tool publishes for it. */
export interface Carried {
  param: SpecParam;
  arg: string;
}

const SWAGGER2_STYLES: Record<string, string> = {
  ssv: "spaceDelimited",
  pipes: "pipeDelimited",
  tsv: "tabDelimited",
};
const DELIMITERS: Record<string, string> = { spaceDelimited: " ", pipeDelimited: "|", tabDelimited: "\t" };
/** OpenAPI ignores these header parameters (the others no argument may set are the runtime's isReservedHeader). */
const IGNORED_HEADERS = /^(accept|content-type|authorization)$/i;

/** A header parameter the generated tool leaves out on purpose: ignored by OpenAPI, or one no argument may set. */
export function headerLeftOut(name: string): boolean {
  return IGNORED_HEADERS.test(name) || isReservedHeader(name);
}

/** The component schema whose 3.1 `$id` is `ref` (an absolute URI naming a schema), if one is. */
function byId(doc: Json, ref: string): Json | undefined {
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  return Object.values(schemas).find((s) => s && typeof s === "object" && s.$id === ref);
}

export function resolve(doc: Json, node: unknown): Json | undefined {
  let n = node as Json | undefined;
  for (let hops = 0; n && typeof n.$ref === "string" && hops < 20; hops++) {
    const ref = n.$ref as string;
    if (!ref.startsWith("#/")) return byId(doc, ref) ?? n;
    let cur: unknown = doc;
    for (const part of ref.slice(2).split("/"))
      cur = (cur as Json | undefined)?.[decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~")];
    n = cur as Json | undefined;
  }
  return n;
}

/** The spec's operations a binding may be (a path key may carry a fragment or a query, `/ocr#stream`). */
export function operationsOf(spec: Json, b: HttpBinding): { item: Json; op: Json }[] {
  const relative = ((spec.servers as Json[] | undefined)?.[0]?.url as string | undefined) ?? "";
  const prefix = relative.startsWith("/") ? relative.replace(/\/$/, "") : "";
  return Object.keys((spec.paths ?? {}) as Json)
    .filter((k) => {
      const bare = k.split("#")[0]?.split("?")[0] ?? "";
      return bare === b.path || (prefix !== "" && `${prefix}${bare}` === b.path);
    })
    .map((k) => resolve(spec, (spec.paths as Json)[k]) ?? {})
    .map((item) => ({ item, op: item[b.method.toLowerCase()] as Json }))
    .filter((c) => c.op && typeof c.op === "object");
}

function swagger2Param(p: Json): SpecParam {
  const where = p.in as SpecParam["in"];
  const format = typeof p.collectionFormat === "string" ? p.collectionFormat : "csv";
  const style = SWAGGER2_STYLES[format] ?? (where === "query" ? "form" : "simple");
  const description = typeof p.description === "string" ? { description: p.description } : {};
  return { name: p.name as string, in: where, style, explode: format === "multi", ...description };
}

/** The operation's parameters (path-level and operation-level merged), in OpenAPI 3 terms. */
export function specParams(spec: Json, item: Json, op: Json): SpecParam[] {
  const byKey = new Map<string, Json>();
  for (const raw of [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])]) {
    const p = resolve(spec, raw);
    if (p?.name && ["path", "query", "header", "cookie"].includes(p.in as string))
      byKey.set(`${p.in}:${p.name}`, p);
  }
  return [...byKey.values()].map((p) => {
    if (typeof spec.swagger === "string") return swagger2Param(p);
    const where = p.in as SpecParam["in"];
    const style = (p.style as string) ?? (where === "query" || where === "cookie" ? "form" : "simple");
    const content = p.content ? Object.keys(p.content as Json)[0] : undefined;
    return {
      name: p.name as string,
      in: where,
      style,
      explode: typeof p.explode === "boolean" ? p.explode : style === "form",
      ...(content ? { content } : {}),
      ...(typeof p.description === "string" ? { description: p.description } : {}),
    };
  });
}

const text = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);

/** A path or header value (decoded), by style: simple, label, matrix, or a Swagger 2.0 delimiter. */
export function expand(p: SpecParam, v: unknown): string {
  if (p.content) return JSON.stringify(v);
  const lead = p.style === "label" ? "." : p.style === "matrix" ? ";" : "";
  const named = p.style === "matrix" ? `;${p.name}=` : lead;
  if (Array.isArray(v)) {
    if (p.style === "matrix" && p.explode) return v.map((x) => `;${p.name}=${text(x)}`).join("");
    const sep = p.explode && p.style === "label" ? "." : (DELIMITERS[p.style] ?? ",");
    return named + v.map(text).join(sep);
  }
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Json);
    if (!p.explode) return named + entries.flatMap(([k, x]) => [k, text(x)]).join(",");
    return lead + entries.map(([k, x]) => `${k}=${text(x)}`).join(lead || ",");
  }
  return named + text(v);
}

const plain = (x: unknown): x is Json => x !== null && typeof x === "object" && !Array.isArray(x);

/**
 * Query or cookie pairs (decoded); an array inside an object repeats its key, except that under deepObject an
 * object item takes its index (`items[0][price]`) and a scalar item empty brackets (`expand[]`).
 */
export function pairs(p: SpecParam, v: unknown): [string, string][] {
  if (p.content) return [[p.name, JSON.stringify(v)]];
  const deep = p.style === "deepObject";
  const item = (name: string, x: unknown, i: number): [string, string][] =>
    deep && plain(x) ? pairs({ ...p, name: `${name}[${i}]` }, x) : [[deep ? `${name}[]` : name, text(x)]];
  if (Array.isArray(v)) {
    if (p.explode || deep) return v.flatMap((x, i) => item(p.name, x, i));
    return [[p.name, v.map(text).join(DELIMITERS[p.style] ?? ",")]];
  }
  if (!v || typeof v !== "object") return [[p.name, text(v)]];
  const entries = Object.entries(v as Json);
  if (!p.explode && p.style !== "deepObject")
    return [[p.name, entries.flatMap(([k, x]) => [k, text(x)]).join(",")]];
  const key = (k: string) => (p.style === "deepObject" ? `${p.name}[${k}]` : k);
  return entries.flatMap(([k, x]) =>
    Array.isArray(x) ? x.flatMap((y, i) => item(key(k), y, i)) : [[key(k), text(x)] as [string, string]],
  );
}

function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return `<bad escape ${raw}>`;
  }
}

/** The path: each template slot one segment (no unencoded `/ ? #`), decoded equal to its style's expansion. */
function pathDisagreements(
  rawPath: string,
  base: string,
  template: string,
  carried: Carried[],
  args: Json,
): string[] {
  const slots: string[] = [];
  const literalRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = template.replace(/\{([^}]+)\}|([^{]+)/g, (_m, name?: string, literal?: string) => {
    if (literal !== undefined) return literalRe(literal);
    slots.push(name as string);
    return "([^/?#]*)";
  });
  const m = new RegExp(`^${literalRe(base)}${pattern}$`).exec(rawPath);
  if (!m) return [`path ${rawPath} is not ${base}${template}`];
  return slots.flatMap((name, i) => {
    const c = carried.find((x) => x.param.in === "path" && x.param.name === name);
    if (!c || !(c.arg in args)) return [];
    const want = expand(c.param, args[c.arg]);
    const got = decoded(m[i + 1] as string);
    return got === want
      ? []
      : [`path {${name}} (${c.param.style}): sent ${JSON.stringify(got)}, spec ${JSON.stringify(want)}`];
  });
}

function queryDisagreements(
  rawQuery: string,
  carried: Carried[],
  args: Json,
  ignored: Set<string>,
): string[] {
  const sorted = (list: [string, string][]) => list.map((x) => JSON.stringify(x)).sort();
  const got = sorted([...new URLSearchParams(rawQuery)].filter(([k]) => !ignored.has(k)));
  const want = sorted(
    carried
      .filter((c) => c.param.in === "query" && c.arg in args)
      .flatMap((c) => pairs(c.param, args[c.arg])),
  );
  if (isDeepStrictEqual(got, want)) return [];
  return [
    `query: sent, not in the spec: ${got.filter((x) => !want.includes(x))}; in the spec, not sent: ${want.filter((x) => !got.includes(x))}`,
  ];
}

function headerDisagreements(sent: Received, carried: Carried[], args: Json, ignored: Set<string>): string[] {
  const found: string[] = [];
  for (const c of carried.filter((x) => x.param.in === "header")) {
    const h = c.param.name.toLowerCase();
    if (ignored.has(h) || headerLeftOut(h)) continue;
    const got = sent.headers[h];
    const want = c.arg in args ? expand(c.param, args[c.arg]) : undefined;
    if (got !== want)
      found.push(`header ${c.param.name}: sent ${JSON.stringify(got)}, spec ${JSON.stringify(want)}`);
  }
  return found;
}

function cookieDisagreements(sent: Received, carried: Carried[], args: Json): string[] {
  const want = carried
    .filter((c) => c.param.in === "cookie" && c.arg in args)
    .flatMap((c) => pairs(c.param, args[c.arg]));
  if (want.length === 0) return [];
  const names = new Set(want.map(([k]) => k));
  const got = String(sent.headers.cookie ?? "")
    .split(/;\s*/)
    .map((part): [string, string] => [
      part.slice(0, part.indexOf("=")),
      decoded(part.slice(part.indexOf("=") + 1)),
    ])
    .filter(([k]) => names.has(k));
  const sorted = (list: [string, string][]) => list.map((x) => JSON.stringify(x)).sort();
  return isDeepStrictEqual(sorted(got), sorted(want))
    ? []
    : [`cookies: sent ${sorted(got)}, spec ${sorted(want)}`];
}

/** Every way `sent` differs from what the spec says these arguments make (method, path, query, headers, cookies). */
export function paramDisagreements(
  sent: Received,
  method: string,
  base: string,
  template: string,
  carried: Carried[],
  args: Json,
  auth: { query: Set<string>; headers: Set<string> },
): string[] {
  const [rawPath = "", rawQuery = ""] = sent.url.split(/\?(.*)/s);
  return [
    ...(sent.method === method ? [] : [`method ${sent.method}, spec ${method}`]),
    ...pathDisagreements(rawPath, base, template, carried, args),
    ...queryDisagreements(rawQuery, carried, args, auth.query),
    ...headerDisagreements(sent, carried, args, auth.headers),
    ...cookieDisagreements(sent, carried, args),
  ];
}
