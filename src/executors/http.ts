import type { HttpBinding, HttpBodyField, HttpParam, Source, ToolOutcome } from "../catalog.js";
import { type CallContext, checkRedirect, countUpstreamRequest, failure } from "../chain.js";
import type { Config } from "../config/config.js";
import { isLoopback } from "../config/loopback.js";
import { outsideEnum } from "../config/server-template.js";
import { normalPath, sameUrl } from "../config/url-value.js";
import { ValueError } from "../config/values.js";
import { callDeadline } from "./deadline.js";
import { ArgumentError } from "./errors.js";
import { observedSend } from "./observed-send.js";
import { assembleRequest, type BuiltRequest, placeArguments } from "./request.js";
import {
  callFailure,
  describeStatus,
  notModified,
  RedirectError,
  readBody,
  readErrorBody,
  upstreamFailure,
} from "./response.js";
import { sendWithRetries } from "./retry.js";
import { createSourceAccess, isAccess, type SourceAccess } from "./source-access.js";
import type { SendUpstream, UpstreamResponse } from "./upstream.js";
import { AuthError, type Authenticator, type AuthPlacement } from "./upstream-auth.js";
import { sendOverHttp, sendWithFetch } from "./upstream-client.js";

export interface HttpExecutorOptions {
  sources: readonly Source[];
  config: Config;
  /** Replaces the network: upstream requests (and token requests) go through it instead of node:http(s). */
  fetch?: typeof fetch;
  /** Upper bound on a response body read into memory. */
  maxResponseBytes?: number;
  /** Upper bound on a request URL sent upstream (default `DEFAULT_MAX_URL_BYTES`, 16 KiB). */
  maxUrlBytes?: number;
  userAgent?: string;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/**
 * Redirects followed per request, as fetch follows them (the Fetch standard's 20): the 21st is an error. It was 5,
 * and counted so that the 5th was refused: an upstream that moves a resource through a few hops (a versioned path,
 * then a trailing slash, then a region) failed where fetch, curl (50) and browsers succeed. Every hop stays within
 * the base URL's origin and path, and the whole chain within the call's timeout.
 */
const MAX_REDIRECTS = 20;
/**
 * The statuses that redirect (the Fetch standard's): another 3xx naming a Location (300 Multiple Choices, 305 Use
 * Proxy, an unassigned one) is the upstream's answer, as fetch returns it, not a redirect to follow as a GET.
 */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type HttpExecutor = (ctx: CallContext, binding: HttpBinding) => Promise<ToolOutcome>;

/** How an executor sends upstream requests: node:http(s), or the injected fetch. */
export function upstreamSender(options: Pick<HttpExecutorOptions, "fetch">): SendUpstream {
  return options.fetch ? sendWithFetch(options.fetch) : sendOverHttp;
}

export function createHttpExecutor(options: HttpExecutorOptions): HttpExecutor {
  const send = upstreamSender(options);
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const access = createSourceAccess({ ...options, fetch: options.fetch ?? fetch, urlName: "base URL" });

  return async (ctx, binding) => {
    const resolved = access(binding.source);
    if (!isAccess(resolved)) return resolved;
    const route = routeOf(binding, resolved.raw);
    if (typeof route !== "string") return failure(route.refused, "configuration");
    const baseUrl = route;
    const downgrade = sentInClear(baseUrl, resolved.raw);
    if (downgrade) return failure(downgrade, "configuration");
    const preparing = prepareCall(ctx, binding, baseUrl, resolved.auth, options);
    const prepared = preparing instanceof Promise ? await preparing : preparing;
    if (!isPrepared(prepared)) return prepared;
    const { source, auth } = resolved;
    const exchangeDeadline = callDeadline(ctx.signal, source.timeoutMs);
    const { signal } = exchangeDeadline;
    const deadline = performance.now() + source.timeoutMs;
    const transmit = (signed: BuiltRequest) =>
      sendWithRetries(() => sendFollowingRedirects(send, ctx, binding, signed, signal, baseUrl), {
        tool: ctx.tool,
        source: source.id,
        deadline,
        signal,
      });
    try {
      const response = await exchange(prepared, auth, transmit);
      if (isOutcome(response)) return response;
      return await responseOutcome(ctx, binding, response, limit, prepared.unsigned.headers);
    } catch (error) {
      if (error instanceof RedirectRefused) return error.outcome;
      return callFailure(error, ctx, exchangeDeadline.timedOut(), source.timeoutMs);
    } finally {
      exchangeDeadline.done();
    }
  };
}

type OwnServer = NonNullable<HttpBinding["server"]>;
/** Why a call is refused before any request, where the base URL names no server the operation's spec allows. */
type Refused = { refused: string };

/** Per operation's own server, per configured base URL: the URL its calls go under, or why they are refused. */
const routes = new WeakMap<OwnServer, Map<string, string | Refused>>();
/** Base URLs remembered per server: one read from a file may change on every call, so the memory is bounded. */
const MAX_ROUTES = 16;

/**
 * The URL a call of `binding` is sent under while its source's base URL is `configured` (`baseUrlOf`), or why it is
 * refused: a base URL other than the spec's that the operation's own server template reads with a value a
 * variable's `enum` does not list (`https://staging.upload.example.com` where `{region}` takes eu or us; a port
 * the spec does not list) names a server the spec says does not exist, as for the source's own servers
 * (`outsideEnum`). Found once per server and base URL (two URL parses and a template read per call before).
 */
function routeOf(binding: HttpBinding, configured: string): string | Refused {
  const own = binding.server;
  if (own === undefined) return configured;
  let known = routes.get(own);
  if (known === undefined) {
    known = new Map();
    routes.set(own, known);
  }
  let route = known.get(configured);
  if (route === undefined) {
    route = ownRoute(binding, own, configured);
    if (known.size >= MAX_ROUTES) known.clear();
    known.set(configured, route);
  }
  return route;
}

function ownRoute(binding: HttpBinding, own: OwnServer, configured: string): string | Refused {
  const url = baseUrlOf(binding, configured);
  if (url === own.url || own.template === undefined) return url;
  const outside = outsideEnum([own.template], url);
  if (outside === undefined) return url;
  return {
    refused: `the base URL for '${binding.source}' is of this operation's own server ${outside.template} with a value {${outside.name}} does not take: the spec allows only ${outside.allowed.slice(0, 20).join(", ")}${outside.allowed.length > 20 ? `, and ${outside.allowed.length - 20} more` : ""}; set the base URL to the spec's server, to a server with one of them, or add the value to the variable's enum (sources.${binding.source}.patch)`,
  };
}

/**
 * The URL a call is sent under: the operation's own server while the source's base URL is the spec's server it
 * stands in for (compared by value, `sameUrl`: `https://API.example.com:443/v1/` is `https://api.example.com/v1`);
 * under another base URL, a server the spec wrote as a relative
 * reference resolved against it (RFC 3986: `/v2` replaces its path, `v2` extends it), as it was against the spec's
 * (before, the configured base URL took the call without the operation's path: a proxy or mock got `/v1/x` for
 * `/v2/x`); else the base URL as configured.
 */
function baseUrlOf(binding: HttpBinding, configured: string): string {
  const own = binding.server;
  if (own === undefined) return configured;
  if (sameUrl(configured, own.instead)) return own.url;
  if (own.relative === undefined) return configured;
  const base = new URL(configured.endsWith("/") ? configured : `${configured}/`);
  const url = new URL(own.relative, base);
  // A reference that names a host (`//other`, `\\other`) is no path on the configured one: never another origin.
  return url.origin === base.origin ? url.href.replace(/\/+$/, "") : configured;
}

/**
 * Why a call to its operation's own server is refused: that server is plain http (off this machine) while the base
 * URL it stands in for is https, so the call's credentials and arguments would cross the network in clear (as
 * for token URLs and issuers: plain http only to a loopback literal, or where the base URL is plain http itself).
 */
function sentInClear(url: string, configured: string): string | undefined {
  if (url === configured) return undefined;
  let target: URL;
  let base: URL;
  try {
    target = new URL(url);
    base = new URL(configured);
  } catch {
    return undefined;
  }
  if (target.protocol !== "http:" || base.protocol !== "https:" || isLoopback(target.hostname))
    return undefined;
  return `the operation's own server ${target.origin} is plain http while the base URL is https: its credentials and arguments would cross the network in clear, so the call is refused with no request (the spec should name an https server; a base URL configured to another URL takes every call)`;
}

/** A redirect a policy refused (see `checkRedirect`): the call ends with the policy's refusal. */
class RedirectRefused extends Error {
  constructor(readonly outcome: ToolOutcome) {
    super("a policy refused the redirect");
  }
}

/** A call's checked and signed request, and how to sign it again after a refused token. */
interface PreparedCall {
  unsigned: BuiltRequest;
  request: BuiltRequest;
  sign: () => Promise<BuiltRequest>;
}

function isPrepared(x: PreparedCall | ToolOutcome): x is PreparedCall {
  return "unsigned" in x && "sign" in x;
}

function isOutcome(x: UpstreamResponse | ToolOutcome): x is ToolOutcome {
  return "data" in x;
}

/**
 * The call's request, built and signed, or the failure building or signing it: at once when the credentials are
 * static, a promise when a token may need a request.
 */
function prepareCall(
  ctx: CallContext,
  binding: HttpBinding,
  baseUrl: string,
  auth: SourceAccess["auth"],
  options: HttpExecutorOptions,
): PreparedCall | ToolOutcome | Promise<PreparedCall | ToolOutcome> {
  let args: Record<string, unknown>;
  try {
    args = withBoundParams(binding, ctx.args, options.config);
  } catch (error) {
    return requestFailure(error);
  }
  try {
    // The whole request, body included, is encoded and checked before credentials are resolved, so a refused
    // value never costs a credential lookup or a token request. Signing places the credentials around the
    // same encoded arguments (the body too: credentials never go in a body), checking again who owns each name.
    const placed = placeArguments({
      binding,
      args,
      baseUrl,
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
      ...(options.maxUrlBytes ? { maxUrlBytes: options.maxUrlBytes } : {}),
    });
    const unsigned = assembleRequest(placed, NO_CREDENTIALS);
    const applyOptions = { signal: ctx.signal, onRequest: () => countUpstreamRequest(ctx) };
    const signed = (placement: AuthPlacement) =>
      hasCredentials(placement) ? assembleRequest(placed, placement) : unsigned;
    const sign = async (): Promise<BuiltRequest> => signed(await auth.apply(binding.security, applyOptions));
    const placing = auth.place(binding.security, applyOptions);
    if (placing instanceof Promise)
      return placing.then(signed).then((request) => ({ unsigned, request, sign }), requestFailure);
    return { unsigned, request: signed(placing), sign };
  } catch (error) {
    return requestFailure(error);
  }
}

/** Sends the signed request; a 401 whose token can be renewed is signed and sent once more. */
async function exchange(
  call: PreparedCall,
  auth: Authenticator,
  transmit: (signed: BuiltRequest) => Promise<UpstreamResponse>,
): Promise<UpstreamResponse | ToolOutcome> {
  let response = await transmit(call.request);
  if (response.status === 401 && auth.invalidate()) {
    // The token was refused and a new one can be obtained (refresh token, client credentials): once more.
    await response.cancel();
    let request: BuiltRequest;
    try {
      request = await call.sign();
    } catch (error) {
      // The call was sent and refused: said first, so the renewal's failure is not read as a call never sent.
      const outcome = requestFailure(error);
      if (outcome.error)
        outcome.error.message = `the upstream refused the token (${describeStatus(401)}) and a new one could not be obtained: ${outcome.error.message}`;
      return outcome;
    }
    response = await transmit(request);
    if (response.status === 401) auth.invalidate();
  }
  return response;
}

/** The upstream's final response as the call's outcome: its error, or its body decoded. */
async function responseOutcome(
  ctx: CallContext,
  binding: HttpBinding,
  response: UpstreamResponse,
  limit: number,
  sent: BuiltRequest["headers"],
): Promise<ToolOutcome> {
  ctx.upstream.lastStatus = response.status;
  if (response.status === 304) return notModified(response, sent, callerHeaders(binding), ctx.tool.policy);
  if (response.status >= 300) return upstreamFailure(response, await readErrorBody(response));
  const bytes = await response.read(limit);
  // An upstream that omits Content-Type is read as the media type its spec promises.
  const contentType = response.headers.get("content-type") ?? binding.success.mediaType ?? null;
  const { data, note, binary } = readBody(bytes, contentType);
  return {
    data,
    status: response.status,
    ...(note === undefined ? {} : { notes: [note] }),
    ...(binary ? { binary } : {}),
  };
}

/**
 * Sends a request, following redirects by hand and only within the base URL's origin: credentials must not
 * travel to a host the configuration did not name, and an upstream must not be able to point us at an internal one.
 */
async function sendFollowingRedirects(
  send: SendUpstream,
  ctx: CallContext,
  binding: HttpBinding,
  first: BuiltRequest,
  signal: AbortSignal,
  baseUrl: string,
): Promise<UpstreamResponse> {
  let current = first;
  for (let hop = 0; ; hop++) {
    countUpstreamRequest(ctx);
    const response = await observedSend(
      send,
      { ...current, signal },
      { source: binding.source, template: binding.path },
    );
    const location = response.headers.get("location");
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await response.cancel();
    current = redirected(response.status, location, current, first, hop, baseUrl);
    const refusal = checkRedirect(ctx, new URL(current.url), new URL(first.url));
    if (refusal) throw new RedirectRefused(refusal);
  }
}

/** The request a redirect asks for, or a `RedirectError` when it leaves the origin or comes once too often. */
function redirected(
  status: number,
  location: string,
  current: BuiltRequest,
  first: BuiltRequest,
  hop: number,
  baseUrl: string,
): BuiltRequest {
  let target: URL;
  try {
    target = new URL(location, current.url);
  } catch {
    // Before, the URL parser's TypeError came back as "the upstream request failed".
    throw new RedirectError(
      `the upstream redirected to a Location that is no URL (${describeStatus(status)}); not followed`,
    );
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    throw new RedirectError(
      `the upstream redirected to a URL that is not http(s) (${describeStatus(status)}); not followed`,
    );
  }
  if (target.username !== "" || target.password !== "") {
    // The request's credentials are the configuration's alone, never a user and password the upstream names.
    throw new RedirectError(
      `the upstream redirected to a URL with credentials in it (${describeStatus(status)}); not followed`,
    );
  }
  if (target.origin !== new URL(first.url).origin) {
    throw new RedirectError(
      `the upstream redirected to another origin (${describeStatus(status)}); not followed`,
    );
  }
  if (!underBasePath(target, baseUrl)) {
    throw new RedirectError(
      `the upstream redirected outside the base URL's path (${describeStatus(status)}); not followed`,
    );
  }
  if (hop >= MAX_REDIRECTS) {
    throw new RedirectError(
      `the upstream redirected more than ${MAX_REDIRECTS} times (${describeStatus(status)}); not followed further`,
    );
  }
  if (!becomesGet(status, current.method)) {
    const next: BuiltRequest = { method: current.method, url: target.toString(), headers: current.headers };
    if (current.body !== undefined) next.body = current.body;
    return next;
  }
  return {
    method: "GET",
    url: target.toString(),
    headers: current.headers.filter(([name]) => !REQUEST_BODY_HEADERS.has(name.toLowerCase())),
  };
}

/**
 * Whether a redirect turns the request into a GET, by the Fetch standard's rules (HTTP-redirect fetch): a 301 or 302
 * only a POST, a 303 every method but GET and HEAD. A PUT, PATCH or DELETE answered 301 or 302 keeps its method and
 * body, as fetch and browsers send it; it was sent as a GET, whose answer then stood for the write's.
 */
function becomesGet(status: number, method: string): boolean {
  const upper = method.toUpperCase();
  if (status === 301 || status === 302) return upper === "POST";
  return status === 303 && upper !== "GET" && upper !== "HEAD";
}

/** The headers that describe a request's body (Fetch's request-body-header names), dropped with the body. */
const REQUEST_BODY_HEADERS = new Set([
  "content-encoding",
  "content-language",
  "content-location",
  "content-type",
]);

/**
 * Whether a redirect target stays under the base URL's path. A base URL with a path (`https://gateway/svc-a`) names
 * one service of a host that may serve others (`/svc-b`, `/admin`, `/oauth/token`), and the request carries the
 * credentials meant for that one: a redirect out of it is not followed, as one to another origin is not. The path is
 * compared by whole segments (`/svc-a` holds `/svc-a/x`, not `/svc-ab`) on the target as it would be sent: the URL
 * parser has already resolved its dot segments (`/svc-a/%2e%2e/svc-b` is `/svc-b`); both paths are read with their
 * percent-encoded unreserved characters decoded (`/%73vc-a` is `/svc-a`, `normalPath`); an encoded slash stays one.
 */
function underBasePath(target: URL, baseUrl: string): boolean {
  let base: string;
  try {
    base = normalPath(new URL(baseUrl).pathname).replace(/\/+$/, "");
  } catch {
    return false;
  }
  if (base === "") return true;
  const path = normalPath(target.pathname);
  return path === base || path.startsWith(`${base}/`);
}

const NO_CREDENTIALS: AuthPlacement = { headers: [], query: [], cookies: [] };

/**
 * The call's arguments plus the parameters sent from env variables (`HttpParam.env`), under keys no input schema
 * has. A required one whose variable is unset fails the call before any request, naming the variable only.
 */
function withBoundParams(
  binding: HttpBinding,
  args: Record<string, unknown>,
  config: Config,
): Record<string, unknown> {
  const bound = boundParamsOf(binding);
  const fields = boundFieldsOf(binding);
  if (bound.length === 0 && fields.length === 0) return args;
  const out = { ...args };
  for (const param of bound) {
    const value = config.get(param.env!);
    if (value !== undefined) out[param.arg] = Array.isArray(value) ? value.join(",") : String(value);
    else if (param.required)
      throw new ValueError(
        `the ${param.in} parameter ${param.name} is sent from ${param.env}, which is not set; set it in the server's environment`,
      );
  }
  // A body field the operator bound (an OAuth exchange's client_secret): unset, the call fails closed, required or
  // not; the request would only carry another identity's (or no) credential.
  for (const field of fields) {
    const value = config.get(field.env!);
    if (value === undefined)
      throw new ValueError(
        `the body field ${field.name} is sent from ${field.env}, which is not set; set it in the server's environment`,
      );
    out[field.arg] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return out;
}

const boundFields = new WeakMap<HttpBinding, readonly HttpBodyField[]>();

/** A binding's body fields sent from env variables, found once per binding (most have none). */
function boundFieldsOf(binding: HttpBinding): readonly HttpBodyField[] {
  let bound = boundFields.get(binding);
  if (bound === undefined) {
    bound = (binding.body?.fields ?? []).filter((f) => f.env !== undefined);
    boundFields.set(binding, bound);
  }
  return bound;
}

/** The header names (lower-case) the caller's arguments fill: a binding's header parameters not sent from env. */
function callerHeaders(binding: HttpBinding): ReadonlySet<string> {
  return new Set(
    binding.params.filter((p) => p.in === "header" && p.env === undefined).map((p) => p.name.toLowerCase()),
  );
}

const boundParams = new WeakMap<HttpBinding, readonly HttpParam[]>();

/** A binding's parameters sent from env variables, found once per binding (most have none). */
function boundParamsOf(binding: HttpBinding): readonly HttpParam[] {
  let bound = boundParams.get(binding);
  if (bound === undefined) {
    bound = binding.params.filter((p) => p.env !== undefined);
    boundParams.set(binding, bound);
  }
  return bound;
}

/** A request that cannot be built or signed, as the tool error it is. */
function requestFailure(error: unknown): ToolOutcome {
  if (error instanceof ArgumentError) return failure(error.message, "invalid_argument");
  if (error instanceof AuthError) return failure(error.message, error.code);
  if (error instanceof ValueError) return failure(error.message, "configuration");
  throw error;
}

function hasCredentials(placement: AuthPlacement): boolean {
  return placement.headers.length + placement.query.length + placement.cookies.length > 0;
}
