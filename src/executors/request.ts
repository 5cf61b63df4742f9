import type { HttpBinding, HttpParam } from "../catalog.js";
import { buildBody } from "./body.js";
import { ArgumentError } from "./errors.js";
import { outsideBraces } from "./path-key.js";
import {
  encodeStrict,
  formPieces,
  hasDotSegment,
  isMethodOverrideName,
  mayHoldDotSegment,
  type NamedPiece,
  NameOwners,
  nameKeys,
  serializeCookieParam,
  serializeHeaderParam,
  serializePathParam,
} from "./serialize.js";
import type { AuthPlacement } from "./upstream-auth.js";

/**
 * Builds the upstream request from the binding alone. Scheme, host and port come from the configured base URL;
 * arguments only ever fill the slots the binding declares, each encoded for its location.
 */

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body?: string | Uint8Array;
}

/**
 * Headers no argument may set: credentials and routing (`Authorization`, `Cookie`, `Host`), hop-by-hop headers,
 * framing (`Content-Length`, `Transfer-Encoding`, `Content-Type` belongs to the body), forwarding headers an
 * upstream may trust for client identity, and headers frameworks and proxies read as the request's real method
 * or URL: with them a tool would do what its binding does not (a GET classed `read`, or a POST that needs no
 * confirmation, executed as a DELETE: Express's method-override, ASP.NET, Symfony, Google's APIs; a path scope
 * checked on one URL while IIS or Symfony routes `X-Original-URL`).
 */
const RESERVED_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "content-length",
  "content-type",
  "expect",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-forwarded-scheme",
  "x-forwarded-ssl",
  "x-forwarded-server",
  "x-forwarded-prefix",
  "x-forwarded-path",
  "x-forwarded-uri",
  "x-forwarded-client-cert",
  "x-real-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "x-originating-ip",
  "x-remote-ip",
  "x-remote-addr",
  "true-client-ip",
  "cf-connecting-ip",
  "fastly-client-ip",
  "client-ip",
  "x-host",
  "x-original-host",
  "via",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
  "x-original-method",
  "x-original-url",
  "x-original-uri",
  "x-rewrite-url",
]);

export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith("proxy-");
}

export interface RequestInput {
  binding: HttpBinding;
  args: Record<string, unknown>;
  /** From configuration only. */
  baseUrl: string;
  auth: AuthPlacement;
  userAgent?: string;
  /** The longest request URL sent, in bytes (default `DEFAULT_MAX_URL_BYTES`). */
  maxUrlBytes?: number;
}

/**
 * The longest request URL sent upstream, in bytes, scheme to query (16 KiB): past what nearly every server takes
 * (Node's whole header block, Cloudflare's and AWS load balancers' request line 16 KiB), so no call an upstream would
 * take is refused; one that takes less (nginx's default 8 KiB line, Apache's `LimitRequestLine` 8190) answers 414
 * itself. A longer one is refused before it is sent, naming the arguments that made it long.
 */
export const DEFAULT_MAX_URL_BYTES = 16 * 1024;

/**
 * What every call of a binding against one base URL shares, computed on its first call and kept: the base URL
 * parsed (origin, path, query and its names), the path template split at its variables, the `Accept` header.
 * A call then only encodes its values.
 */
export interface PreparedBinding {
  origin: string;
  basePath: string;
  baseQuery: string[];
  baseQueryNames: string[];
  /** The path template: literal text and the parameter each `{name}` stands for. */
  template: Array<string | HttpParam>;
  accept: string;
  /** Per parameter, in the binding's order: what its name is compared as (see `slotOf`). */
  slots: ParamSlot[];
  /** `baseQueryNames` as `NameOwners` compares them (`nameKeys`), in the same order. */
  baseQueryKeys: string[][];
  /** The parser reads `origin` followed by a path as this origin (see `parserKeeps`). */
  originKept: boolean;
}

/** A parameter's name as each check reads it, made once per binding instead of on every call. */
interface ParamSlot {
  param: HttpParam;
  /** Query and cookie: the name's readings, `nameKeys` (who owns it). */
  keys: string[];
  /** Header: the name in lower case, as sent and as compared with a credential's header. */
  lowerName: string;
  /** Header: no argument may set it (`isReservedHeader`). */
  reservedHeader: boolean;
}

function slotOf(param: HttpParam): ParamSlot {
  const lowerName = param.name.toLowerCase();
  return {
    param,
    keys: param.in === "query" || param.in === "cookie" ? nameKeys(param.name) : [],
    lowerName,
    reservedHeader: param.in === "header" && isReservedHeader(lowerName),
  };
}

/** Base URLs remembered per binding (a source's base URL is normally one; a bound keeps odd configurations small). */
const MAX_BASES_PER_BINDING = 8;
const preparedBindings = new WeakMap<HttpBinding, Map<string, PreparedBinding>>();

/** The binding's per-tool request parts for this base URL, built on first use and then reused. */
export function preparedBinding(binding: HttpBinding, baseUrl: string): PreparedBinding {
  let byBase = preparedBindings.get(binding);
  const known = byBase?.get(baseUrl);
  if (known) return known;
  const base = new URL(baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new Error("the base URL must be http(s)");
  }
  const pathParams = new Map(binding.params.filter((p) => p.in === "path").map((p) => [p.name, p]));
  // A path written with a fixed query (`/search?op=count`, AutoRest's x-ms-paths): the query is sent as written,
  // after the base URL's own, and like it no argument may set its names. It starts at the first `?` outside braces
  // (`/items/{item?no}?op=count`: inside, a `?` is part of a parameter's name), as the generator reads path keys.
  // One with a variable (or a `#`) stays part of the path, which the URL check then refuses: a value is never
  // placed in a query by a template.
  const question = outsideBraces(binding.path, "?");
  const mark = question !== -1 && !/[{}#]/.test(binding.path.slice(question)) ? question : -1;
  const pathTemplate = mark === -1 ? binding.path : binding.path.slice(0, mark);
  const fixed = mark === -1 ? "" : binding.path.slice(mark + 1);
  const fixedNames = fixed === "" ? [] : [...new URLSearchParams(fixed).keys()];
  const template: Array<string | HttpParam> = [];
  let last = 0;
  for (const match of pathTemplate.matchAll(/\{([^}]+)\}/g)) {
    const param = pathParams.get(match[1] as string);
    if (!param) throw new Error(`path template variable {${match[1]}} has no parameter`);
    template.push(pathTemplate.slice(last, match.index), param);
    last = match.index + match[0].length;
  }
  template.push(pathTemplate.slice(last));
  const baseQueryNames = [...base.searchParams.keys(), ...fixedNames];
  const prepared: PreparedBinding = {
    origin: base.origin,
    basePath: base.pathname.replace(/\/+$/, ""),
    baseQuery: [...(base.search.length > 1 ? [base.search.slice(1)] : []), ...(fixed === "" ? [] : [fixed])],
    baseQueryNames,
    template,
    accept: acceptFor(binding),
    slots: binding.params.map(slotOf),
    baseQueryKeys: baseQueryNames.map(nameKeys),
    originKept: new URL(`${base.origin}/`).origin === base.origin,
  };
  if (!byBase || byBase.size >= MAX_BASES_PER_BINDING) {
    byBase = new Map();
    preparedBindings.set(binding, byBase);
  }
  byBase.set(baseUrl, prepared);
  return prepared;
}

/** One parameter's contribution, in the binding's order; a value that cannot be serialised keeps its error. */
type PlacedParam =
  | { in: "query"; arg: string; name: string; pieces: NamedPiece[] }
  | { in: "header"; arg: string; name: string; lowerName: string; text: string | undefined }
  | { in: "cookie"; arg: string; name: string; pieces: string[] }
  | { in: "failed"; error: unknown };

/**
 * A call's arguments encoded for their slots, before any credential: `assembleRequest` checks who owns each
 * name and joins the request, once without credentials (refusing bad arguments before any credential lookup)
 * and once with them, from the same encoded values.
 */
export interface PlacedArguments {
  binding: HttpBinding;
  prepared: PreparedBinding;
  args: Record<string, unknown>;
  path: string;
  params: PlacedParam[];
  body: { ok: true; value: ReturnType<typeof buildBody> | undefined } | { ok: false; error: unknown };
  userAgent: string | undefined;
  maxUrlBytes: number;
  /** The last URL `assembleRequest` checked, so a signing that leaves it unchanged does not parse it again. */
  checkedUrl?: string;
  /**
   * The names the arguments claimed, once checked against a placement without query or cookie credentials: a
   * signing that adds only headers claims exactly these again, so only its headers are checked against them.
   */
  claims?: Readonly<Claims>;
}

/** The query pieces, headers and cookies the arguments fill, in the binding's order. */
interface Claims {
  query: string[];
  headers: Array<[string, string]>;
  cookies: string[];
}

/** Encodes the arguments into the binding's slots (errors of one slot are raised in order by `assembleRequest`). */
export function placeArguments(input: Omit<RequestInput, "auth">): PlacedArguments {
  const { binding, args } = input;
  const prepared = preparedBinding(binding, input.baseUrl);
  const path = expandPath(prepared, args);
  const params: PlacedParam[] = [];
  for (const { param, lowerName, reservedHeader } of prepared.slots) {
    const value = args[param.arg];
    // An absent value places nothing anywhere (no query piece, header or cookie); its name stays reserved.
    if (value === undefined || value === null) continue;
    try {
      switch (param.in) {
        case "query": {
          const pieces = formPieces(param, value);
          // Declared so, or made by an exploded object; compared as PHP reads names (`_method`, `.method`, `_METHOD`).
          const override = isMethodOverrideName(param.name)
            ? pieces[0]
            : pieces.find((piece) => piece.name !== param.name && isMethodOverrideName(piece.name));
          if (override) {
            throw new ArgumentError(
              `argument '${param.arg}' cannot set the query parameter ${JSON.stringify(override.name)}, which frameworks read as the request's method`,
            );
          }
          params.push({ in: "query", arg: param.arg, name: param.name, pieces });
          break;
        }
        case "header":
          if (reservedHeader) {
            throw new ArgumentError(`argument '${param.arg}' cannot set the ${param.name} header`);
          }
          params.push({
            in: "header",
            arg: param.arg,
            name: param.name,
            lowerName,
            text: serializeHeaderParam(param, value),
          });
          break;
        case "cookie":
          // Cookie names never come from a value (serializeCookieParam refuses exploded objects).
          params.push({
            in: "cookie",
            arg: param.arg,
            name: param.name,
            pieces: serializeCookieParam(param, value),
          });
          break;
      }
    } catch (error) {
      params.push({ in: "failed", error });
    }
  }
  let body: PlacedArguments["body"];
  try {
    body = { ok: true, value: binding.body ? buildBody(binding.body, args) : undefined };
  } catch (error) {
    body = { ok: false, error };
  }
  const maxUrlBytes = input.maxUrlBytes ?? DEFAULT_MAX_URL_BYTES;
  return { binding, prepared, args, path, params, body, userAgent: input.userAgent, maxUrlBytes };
}

/** No credentials: what the arguments alone put on the request line. */
const NO_AUTH: AuthPlacement = { headers: [], query: [], cookies: [] };

/** Arguments named in a refusal of a long URL: the ones that take most of it. */
const MAX_URL_ARGS_SHOWN = 3;

/**
 * Why a URL of `bytes` is refused: its size, the bound, and the arguments whose encoded values take most of it
 * (path and query values, by their encoded size), so a model can send less of them.
 */
function urlTooLong(placed: PlacedArguments, bytes: number): string {
  const shares = new Map<string, number>();
  const add = (arg: string, size: number) => shares.set(arg, (shares.get(arg) ?? 0) + size);
  for (const piece of placed.prepared.template) {
    if (typeof piece !== "string") add(piece.arg, serializePathParam(piece, placed.args[piece.arg]).length);
  }
  for (const param of placed.params) {
    if (param.in === "query") for (const piece of param.pieces) add(param.arg, piece.text.length + 1);
  }
  // The largest first, as many as it takes to cover the excess: without them the URL would fit.
  const largest = [...shares].filter(([, size]) => size > 0).sort((a, b) => b[1] - a[1]);
  const named: Array<[string, number]> = [];
  let covered = 0;
  for (const share of largest) {
    if (covered >= bytes - placed.maxUrlBytes || named.length === MAX_URL_ARGS_SHOWN) break;
    named.push(share);
    covered += share[1];
  }
  const shown = named.map(([arg, size]) => `${arg} (${size.toLocaleString("en-US")} bytes encoded)`);
  const limit = placed.maxUrlBytes.toLocaleString("en-US");
  const why =
    shown.length === 0
      ? "no argument adds to it"
      : `made long by argument${named.length === 1 ? "" : "s"} ${shown.join(", ")}`;
  return `the request URL would be ${bytes.toLocaleString("en-US")} bytes, more than the ${limit} sent upstream (servers refuse longer ones, 414 or 431); nothing was sent; ${why}. Send shorter or fewer values`;
}

/**
 * The request line a call's arguments make, as it is sent (`DELETE /items/a%2Fb?cascade=true`): the path with
 * each value encoded as the executor encodes it, the template's fixed query and the arguments' query pieces (no
 * base URL, no credentials). `undefined` when the arguments would be refused: then nothing is sent.
 */
export function requestLine(binding: HttpBinding, args: Record<string, unknown>): string | undefined {
  try {
    const placed = placeArguments({ binding, args, baseUrl: "http://request-line.invalid/" });
    const { query } = claimParams(placed, NO_AUTH);
    const all = [...placed.prepared.baseQuery, ...query];
    const path = placed.path.startsWith("/") ? placed.path : `/${placed.path}`;
    return `${binding.method} ${path}${all.length > 0 ? `?${all.join("&")}` : ""}`;
  } catch {
    return undefined;
  }
}

export function buildHttpRequest(input: RequestInput): BuiltRequest {
  return assembleRequest(placeArguments(input), input.auth);
}

/**
 * The request from encoded arguments and a credential placement: every query and cookie name owned by one
 * source (base URL, credential, one argument), no argument setting a credential's header, the URL as the
 * parser reads it. Scheme, host and port come from the configured base URL alone.
 */
export function assembleRequest(placed: PlacedArguments, auth: AuthPlacement): BuiltRequest {
  const { binding, prepared } = placed;
  const { query, headers, cookies } = claimsWith(placed, auth);

  for (const [name, value] of auth.query) query.push(`${encodeStrict(name)}=${encodeStrict(value)}`);
  for (const [name, value] of auth.cookies) cookies.push(`${name}=${encodeStrict(value)}`);
  headers.push(...auth.headers);
  if (cookies.length > 0) headers.push(["cookie", cookies.join("; ")]);

  if (!placed.body.ok) throw placed.body.error;
  const body = placed.body.value;
  if (body?.contentType !== undefined) headers.push(["content-type", body.contentType]);
  if (!headers.some(([name]) => name === "accept")) headers.push(["accept", prepared.accept]);
  if (placed.userAgent) headers.push(["user-agent", placed.userAgent]);

  const url = requestUrl(placed, query);
  const request: BuiltRequest = { method: binding.method, url, headers };
  if (body !== undefined) request.body = body.body;
  return request;
}

/** The path template with every `{name}` replaced by its parameter's encoded value; the template's own text is trusted. */
function expandPath(prepared: PreparedBinding, args: Record<string, unknown>): string {
  let path = "";
  for (const piece of prepared.template) {
    path += typeof piece === "string" ? piece : serializePathParam(piece, args[piece.arg]);
  }
  // Catches what the per-value checks cannot, e.g. a label-style value `.` forming a `..` segment (a path with
  // neither `.` nor `%` has no segment that is or decodes to one).
  if (mayHoldDotSegment(path) && path.split("/").some((segment) => hasDotSegment(segment))) {
    throw new ArgumentError("the path arguments would form a '.' or '..' segment");
  }
  return path;
}

/**
 * The arguments' claims under this placement (fresh arrays, the caller adds to them). Query and cookie names are
 * checked only where the placement brings names of its own: a placement of headers alone (a bearer token, an API
 * key header) reuses the claims checked without credentials and only checks that no argument sets its headers.
 */
function claimsWith(placed: PlacedArguments, auth: AuthPlacement): Claims {
  const headersOnly = auth.query.length === 0 && auth.cookies.length === 0;
  const known = headersOnly ? placed.claims : undefined;
  if (known !== undefined) {
    if (auth.headers.length > 0) refuseCredentialHeaders(placed.params, auth);
    return { query: [...known.query], headers: [...known.headers], cookies: [...known.cookies] };
  }
  const claims = claimParams(placed, auth);
  if (headersOnly) {
    placed.claims = { query: [...claims.query], headers: [...claims.headers], cookies: [...claims.cookies] };
  }
  return claims;
}

/** No argument sets a header the credential sets (checked in the binding's order, as `claimParams` does). */
function refuseCredentialHeaders(params: readonly PlacedParam[], auth: AuthPlacement): void {
  const authHeaderNames = new Set(auth.headers.map(([name]) => name.toLowerCase()));
  for (const param of params) {
    if (param.in === "header" && authHeaderNames.has(param.lowerName)) {
      throw new ArgumentError(`argument '${param.arg}' cannot set the ${param.name} header`);
    }
  }
}

/** The query pieces, headers and cookies the arguments fill, each name owned by one source only. */
function claimParams({ prepared, args, params }: PlacedArguments, auth: AuthPlacement): Claims {
  const authHeaderNames = new Set(auth.headers.map(([name]) => name.toLowerCase()));
  // Every query and cookie name comes from one source: the base URL, the credential or one argument.
  const queryNames = new NameOwners("query parameter");
  const cookieNames = new NameOwners("cookie");
  prepared.baseQueryNames.forEach((name, i) => {
    for (const key of prepared.baseQueryKeys[i]!) queryNames.claimKey(key, name, { baseUrl: true });
  });
  for (const [name] of auth.query) queryNames.claim(name, { credential: true });
  for (const [name] of auth.cookies) cookieNames.claim(name, { credential: true });
  // A declared name whose argument is absent stays that argument's: no other argument may fill it in.
  for (const { param, keys } of prepared.slots) {
    if (args[param.arg] !== undefined && args[param.arg] !== null) continue;
    const names = param.in === "query" ? queryNames : param.in === "cookie" ? cookieNames : undefined;
    for (const key of keys) names?.reserveKey(key, param.arg);
  }

  const query: string[] = [];
  const headers: Array<[string, string]> = [];
  const cookies: string[] = [];
  for (const param of params) {
    switch (param.in) {
      case "failed":
        throw param.error;
      case "query": {
        const owner = { arg: param.arg };
        for (const piece of param.pieces) {
          queryNames.claim(piece.name, owner, piece.name === param.name && piece.fromValue === undefined);
          query.push(piece.text);
        }
        break;
      }
      case "header":
        if (authHeaderNames.has(param.lowerName)) {
          throw new ArgumentError(`argument '${param.arg}' cannot set the ${param.name} header`);
        }
        if (param.text !== undefined) headers.push([param.lowerName, param.text]);
        break;
      case "cookie":
        if (param.pieces.length > 0) cookieNames.claim(param.name, { arg: param.arg }, true);
        cookies.push(...param.pieces);
        break;
    }
  }
  return { query, headers, cookies };
}

/** The base URL joined with the expanded path and the query, refused if the parser would read it otherwise. */
function requestUrl(placed: PlacedArguments, query: readonly string[]): string {
  const { prepared, path } = placed;
  const allQuery = [...prepared.baseQuery, ...query];
  const pathname = `${prepared.basePath}${path.startsWith("/") ? path : `/${path}`}`;
  const search = allQuery.join("&");
  const url = `${prepared.origin}${pathname}${allQuery.length > 0 ? `?${search}` : ""}`;
  if (url === placed.checkedUrl) return url;
  // Encoded text is ASCII: its length is its bytes.
  if (url.length > placed.maxUrlBytes) throw new ArgumentError(urlTooLong(placed, url.length));

  // The URL parser must not reinterpret anything we built (dot segments, a stray `#`); if it would, refuse. Text
  // it certainly reads as written (the usual request) needs no parse to know it.
  if (prepared.originKept && parserKeeps(pathname, search)) {
    placed.checkedUrl = url;
    return url;
  }
  const parsed = new URL(url);
  if (parsed.origin !== prepared.origin || parsed.pathname !== pathname || parsed.hash !== "") {
    throw new ArgumentError("the arguments would change the request URL's structure");
  }
  placed.checkedUrl = url;
  return url;
}

/**
 * Characters the WHATWG URL parser keeps as they are in the path of an http(s) URL (none is stripped, percent-encoded
 * or ends the path: RFC 3986 unreserved and sub-delims, `:`, `@`, `/`, `%`), and in its query (`'` left out: the
 * parser encodes it there).
 */
const PATH_AS_WRITTEN = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const QUERY_AS_WRITTEN = /^[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*$/;
/** Path segments the parser takes for `.` or `..` (compared in lower case). */
const DOT_SEGMENTS = new Set([".", "%2e", "..", ".%2e", "%2e.", "%2e%2e"]);

/**
 * True when the URL parser is certain to read this pathname and query as written (the same pathname, no fragment);
 * false says only that the parser must be asked.
 */
export function parserKeeps(pathname: string, search: string): boolean {
  if (!PATH_AS_WRITTEN.test(pathname) || !QUERY_AS_WRITTEN.test(search)) return false;
  if (!mayHoldDotSegment(pathname)) return true;
  return !pathname.split("/").some((segment) => DOT_SEGMENTS.has(segment.toLowerCase()));
}

function acceptFor(binding: HttpBinding): string {
  const type = binding.success.mediaType;
  if (type === undefined || type === "*/*") return "application/json, */*;q=0.5";
  return `${type}, */*;q=0.5`;
}
