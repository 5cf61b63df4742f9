import type { HttpBinding } from "../catalog.js";
import { buildBody } from "./body.js";
import { ArgumentError } from "./errors.js";
import {
  encodeStrict,
  formPieces,
  hasDotSegment,
  NameOwners,
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
  body?: string | Uint8Array | FormData;
}

/**
 * Headers no argument may set: credentials and routing (`Authorization`, `Cookie`, `Host`), hop-by-hop headers,
 * framing (`Content-Length`, `Transfer-Encoding`, `Content-Type` belongs to the body), and forwarding headers
 * an upstream may trust for client identity.
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
  "x-real-ip",
]);

export function isReservedHeader(name: string): boolean {
  return RESERVED_HEADERS.has(name.toLowerCase());
}

export interface RequestInput {
  binding: HttpBinding;
  args: Record<string, unknown>;
  /** From configuration only. */
  baseUrl: string;
  auth: AuthPlacement;
  userAgent?: string;
}

export function buildHttpRequest(input: RequestInput): BuiltRequest {
  const { binding, args, auth } = input;
  const base = new URL(input.baseUrl);
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new Error("the base URL must be http(s)");
  }
  const path = expandPath(binding, args);
  const { query, headers, cookies } = placeParams(binding, args, base, auth);

  for (const [name, value] of auth.query) query.push(`${encodeStrict(name)}=${encodeStrict(value)}`);
  for (const [name, value] of auth.cookies) cookies.push(`${name}=${encodeStrict(value)}`);
  headers.push(...auth.headers);
  if (cookies.length > 0) headers.push(["cookie", cookies.join("; ")]);

  const body = binding.body ? buildBody(binding.body, args) : undefined;
  if (body?.contentType !== undefined) headers.push(["content-type", body.contentType]);
  if (!headers.some(([name]) => name === "accept")) headers.push(["accept", acceptFor(binding)]);
  if (input.userAgent) headers.push(["user-agent", input.userAgent]);

  const url = requestUrl(base, path, query);
  const request: BuiltRequest = { method: binding.method, url, headers };
  if (body !== undefined) request.body = body.body;
  return request;
}

/** The path template with every `{name}` replaced by its parameter's encoded value; the template's own text is trusted. */
function expandPath(binding: HttpBinding, args: Record<string, unknown>): string {
  const pathParams = new Map(binding.params.filter((p) => p.in === "path").map((p) => [p.name, p]));
  const path = binding.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const param = pathParams.get(name);
    if (!param) throw new Error(`path template variable {${name}} has no parameter`);
    return serializePathParam(param, args[param.arg]);
  });
  // Catches what the per-value checks cannot, e.g. a label-style value `.` forming a `..` segment.
  if (path.split("/").some((segment) => hasDotSegment(segment))) {
    throw new ArgumentError("the path arguments would form a '.' or '..' segment");
  }
  return path;
}

/** The query pieces, headers and cookies the arguments fill, each name owned by one source only. */
function placeParams(
  binding: HttpBinding,
  args: Record<string, unknown>,
  base: URL,
  auth: AuthPlacement,
): { query: string[]; headers: Array<[string, string]>; cookies: string[] } {
  const authHeaderNames = new Set(auth.headers.map(([name]) => name.toLowerCase()));
  // Every query and cookie name comes from one source: the base URL, the credential or one argument.
  const queryNames = new NameOwners("query parameter");
  const cookieNames = new NameOwners("cookie");
  for (const name of base.searchParams.keys()) queryNames.claim(name, { baseUrl: true });
  for (const [name] of auth.query) queryNames.claim(name, { credential: true });
  for (const [name] of auth.cookies) cookieNames.claim(name, { credential: true });
  // A declared name whose argument is absent stays that argument's: no other argument may fill it in.
  for (const param of binding.params) {
    if (args[param.arg] !== undefined && args[param.arg] !== null) continue;
    if (param.in === "query") queryNames.reserve(param.name, param.arg);
    else if (param.in === "cookie") cookieNames.reserve(param.name, param.arg);
  }

  const query: string[] = [];
  const headers: Array<[string, string]> = [];
  const cookies: string[] = [];
  for (const param of binding.params) {
    const value = args[param.arg];
    const owner = { arg: param.arg };
    switch (param.in) {
      case "path":
        break;
      case "query":
        for (const piece of formPieces(param, value)) {
          queryNames.claim(piece.name, owner);
          query.push(piece.text);
        }
        break;
      case "header": {
        if (value === undefined || value === null) break;
        if (isReservedHeader(param.name) || authHeaderNames.has(param.name.toLowerCase())) {
          throw new ArgumentError(`argument '${param.arg}' cannot set the ${param.name} header`);
        }
        const text = serializeHeaderParam(param, value);
        if (text !== undefined) headers.push([param.name.toLowerCase(), text]);
        break;
      }
      case "cookie": {
        // Cookie names never come from a value (serializeCookieParam refuses exploded objects).
        const pieces = serializeCookieParam(param, value);
        if (pieces.length > 0) cookieNames.claim(param.name, owner);
        cookies.push(...pieces);
        break;
      }
    }
  }
  return { query, headers, cookies };
}

/** The base URL joined with the expanded path and the query, refused if the parser would read it otherwise. */
function requestUrl(base: URL, path: string, query: readonly string[]): string {
  const basePath = base.pathname.replace(/\/+$/, "");
  const baseQuery = base.search.length > 1 ? [base.search.slice(1)] : [];
  const allQuery = [...baseQuery, ...query];
  const pathname = `${basePath}${path.startsWith("/") ? path : `/${path}`}`;
  const url = `${base.origin}${pathname}${allQuery.length > 0 ? `?${allQuery.join("&")}` : ""}`;

  // The URL parser must not reinterpret anything we built (dot segments, a stray `#`); if it would, refuse.
  const parsed = new URL(url);
  if (parsed.origin !== base.origin || parsed.pathname !== pathname || parsed.hash !== "") {
    throw new ArgumentError("the arguments would change the request URL's structure");
  }
  return url;
}

function acceptFor(binding: HttpBinding): string {
  const type = binding.success.mediaType;
  if (type === undefined || type === "*/*") return "application/json, */*;q=0.5";
  return `${type}, */*;q=0.5`;
}
