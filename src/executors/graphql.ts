import type { GraphqlBinding, ToolOutcome } from "../catalog.js";
import { type CallContext, countUpstreamRequest, failure, UPSTREAM_EXTENSIONS_NOTE } from "../chain.js";
import { ValueError } from "../config/values.js";
import { redactAndTruncate } from "../telemetry/redact.js";
import { callDeadline } from "./deadline.js";
import { DEFAULT_MAX_RESPONSE_BYTES, type HttpExecutorOptions, upstreamSender } from "./http.js";
import { parsedPart } from "./json-text.js";
import { observedSend } from "./observed-send.js";
import {
  callFailure,
  describeStatus,
  kindOf,
  notModified,
  readBody,
  readErrorBody,
  upstreamFailure,
} from "./response.js";
import { sendWithRetries } from "./retry.js";
import { encodeStrict } from "./serialize.js";
import { createSourceAccess, isAccess, type SourceAccess } from "./source-access.js";
import type { UpstreamResponse } from "./upstream.js";
import { AuthError, type AuthPlacement } from "./upstream-auth.js";

/**
 * Executes GraphQL bindings: one POST of `{ query, variables, operationName }` to the source's endpoint with the
 * source's credentials (every scheme the manifest declares for it), bounded like the HTTP executor (timeout,
 * cancellation, response size cap). `data` (or `data[field]`) is the result. GraphQL `errors` make the call an
 * error; when `data` came back too, the outcome keeps it next to the errors' messages (redacted), paths and codes.
 */

/** The same knobs as the HTTP executor: sources, config, fetch, body cap, user agent. */
export type GraphqlExecutorOptions = HttpExecutorOptions;
/** Errors listed in an outcome; the rest are counted. */
const MAX_ERRORS = 10;

export type GraphqlExecutor = (ctx: CallContext, binding: GraphqlBinding) => Promise<ToolOutcome>;

/** One GraphQL error as a tool result shows it: a safe message, where it happened, and its code if any. */
export interface GraphqlErrorInfo {
  message: string;
  path?: (string | number)[];
  code?: string;
}

const CODE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function errorInfo(raw: unknown): GraphqlErrorInfo {
  const e = (raw ?? {}) as { message?: unknown; path?: unknown; extensions?: { code?: unknown } };
  const info: GraphqlErrorInfo = {
    message:
      typeof e.message === "string" && e.message.trim() !== ""
        ? redactAndTruncate(e.message, 200)
        : "(no message)",
  };
  if (Array.isArray(e.path)) {
    const path = e.path.filter(
      (p): p is string | number => (typeof p === "string" && p.length <= 100) || Number.isInteger(p),
    );
    if (path.length > 0) info.path = path;
  }
  const code = e.extensions?.code;
  if (typeof code === "string" && CODE.test(code)) info.code = code;
  return info;
}

function pathText(path: (string | number)[] | undefined): string {
  return path
    ? path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`))
        .join("")
        .replace(/^\./, "")
    : "";
}

/**
 * The first three errors, each message and where it happened, in pieces after `head`: the upstream's messages
 * at the odd indexes (masking may withhold them: `QuotedError`).
 */
function summarize(head: string, errors: GraphqlErrorInfo[], total: number): string[] {
  const pieces = [head];
  errors.slice(0, 3).forEach((e, i) => {
    if (i > 0) pieces[pieces.length - 1] += "; ";
    pieces.push(e.message, e.path ? ` (at ${pathText(e.path)})` : "");
  });
  if (total > 3) pieces[pieces.length - 1] += `; and ${total - 3} more`;
  return pieces;
}

/** `graphql_not_found` from `NOT_FOUND`: runtime codes are lower-case and namespaced by where they come from. */
function outcomeCode(errors: GraphqlErrorInfo[]): string {
  const code = errors[0]?.code;
  return code ? `graphql_${code.toLowerCase()}` : "graphql_error";
}

function isGraphqlBody(body: unknown): body is { data?: unknown; errors?: unknown } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  return "data" in body || Array.isArray((body as { errors?: unknown }).errors);
}

export function createGraphqlExecutor(options: GraphqlExecutorOptions): GraphqlExecutor {
  const send = upstreamSender(options);
  const limit = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const access = createSourceAccess({ ...options, fetch: options.fetch ?? fetch, urlName: "endpoint URL" });

  return async (ctx, binding) => {
    const resolved = access(binding.source);
    if (!isAccess(resolved)) return resolved;
    const request = await buildGraphqlRequest(ctx, binding, resolved, options.userAgent);
    if (!isRequest(request)) return request;
    const { source, auth } = resolved;
    const exchangeDeadline = callDeadline(ctx.signal, source.timeoutMs);
    const { signal } = exchangeDeadline;
    try {
      // Redirects are not followed: a GraphQL endpoint has no reason to move a POST, and credentials must not
      // follow it somewhere the configuration did not name.
      const post = () => {
        countUpstreamRequest(ctx);
        const sent = {
          method: "POST",
          url: request.target,
          headers: request.headers,
          body: request.body,
          signal,
        };
        return observedSend(send, sent, {
          source: source.id,
          template: `${binding.operationType} ${binding.operationName}`,
        });
      };
      const response = await sendWithRetries(post, {
        tool: ctx.tool,
        source: source.id,
        deadline: performance.now() + source.timeoutMs,
        signal,
      });
      ctx.upstream.lastStatus = response.status;
      if (response.status === 401) auth.invalidate();
      return await readGraphqlResponse(ctx, binding, response, limit, request.headers);
    } catch (error) {
      return callFailure(error, ctx, exchangeDeadline.timedOut(), source.timeoutMs);
    } finally {
      exchangeDeadline.done();
    }
  };
}

/** The POST a call sends: endpoint URL (with query credentials), headers and the JSON body. */
interface GraphqlRequest {
  target: string;
  headers: Array<[string, string]>;
  body: string;
}

function isRequest(x: GraphqlRequest | ToolOutcome): x is GraphqlRequest {
  return "target" in x && "headers" in x;
}

/** The request for one call, or the failure placing its credentials. */
async function buildGraphqlRequest(
  ctx: CallContext,
  binding: GraphqlBinding,
  { source, url, auth }: SourceAccess,
  userAgent: string | undefined,
): Promise<GraphqlRequest | ToolOutcome> {
  // A source-level path (e.g. `/graphql`) lets one base URL variable serve this endpoint and a REST API.
  if (source.path !== undefined) url.pathname = `${url.pathname.replace(/\/+$/, "")}${source.path}`;
  const variables = graphqlVariables(binding, ctx.args);
  // A GraphQL source has no per-operation security: its alternatives (default: every scheme declared for it,
  // together) apply to every request.
  let placement: AuthPlacement;
  try {
    const all = source.auth.map((a) => a.scheme);
    placement = await auth.apply(source.security ?? (all.length > 0 ? [all] : []), {
      signal: ctx.signal,
      onRequest: () => countUpstreamRequest(ctx),
    });
  } catch (error) {
    if (error instanceof AuthError) return failure(error.message, error.code);
    if (error instanceof ValueError) return failure(error.message, "configuration");
    throw error;
  }
  return {
    target: withQueryCredentials(url, placement).toString(),
    headers: requestHeaders(placement, userAgent),
    body: JSON.stringify({ query: binding.document, variables, operationName: binding.operationName }),
  };
}

/**
 * Variables come from the validated arguments only; an argument the caller left out stays out, so the schema's
 * default applies upstream.
 */
function graphqlVariables(binding: GraphqlBinding, args: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const v of binding.variables) {
    if (Object.hasOwn(args, v.arg) && args[v.arg] !== undefined) variables[v.name] = args[v.arg];
  }
  return variables;
}

function withQueryCredentials(url: URL, placement: AuthPlacement): URL {
  const target = new URL(url);
  for (const [name, value] of placement.query)
    target.search += `${target.search.length > 1 ? "&" : ""}${encodeStrict(name)}=${encodeStrict(value)}`;
  return target;
}

function requestHeaders(placement: AuthPlacement, userAgent: string | undefined): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ["content-type", "application/json"],
    ["accept", "application/graphql-response+json, application/json;q=0.9"],
    ...placement.headers,
  ];
  if (placement.cookies.length > 0)
    headers.push(["cookie", placement.cookies.map(([n, v]) => `${n}=${encodeStrict(v)}`).join("; ")]);
  if (userAgent) headers.push(["user-agent", userAgent]);
  return headers;
}

const NO_HEADERS: ReadonlySet<string> = new Set();

/** The outcome of the endpoint's answer: a GraphQL result (also on a 4xx), else an HTTP or response failure. */
async function readGraphqlResponse(
  ctx: CallContext,
  binding: GraphqlBinding,
  response: UpstreamResponse,
  limit: number,
  sent: GraphqlRequest["headers"],
): Promise<ToolOutcome> {
  // A 304 is no redirect: the same rule as the HTTP executor's (a result only for a request the caller made
  // conditional, which no GraphQL call's arguments can: every header is the server's).
  if (response.status === 304) return notModified(response, sent, NO_HEADERS, ctx.tool.policy);
  if (response.status >= 300 && response.status < 400) {
    await response.cancel();
    return failure(
      `the GraphQL endpoint redirected (${describeStatus(response.status)}); not followed`,
      "redirect_refused",
      {
        status: response.status,
      },
    );
  }
  if (response.status >= 300) {
    // GraphQL-over-HTTP answers request errors with a 4xx and a GraphQL body; anything else is an HTTP
    // failure, mapped (and its body bounded) exactly as the HTTP executor does.
    const body = await readErrorBody(response);
    if (isGraphqlBody(body)) return graphqlOutcome(ctx, binding, body, response.status);
    return upstreamFailure(response, body);
  }
  const bytes = await response.read(limit);
  const contentType = response.headers.get("content-type");
  const read = kindOf(contentType) === "json" ? readBody(bytes, contentType) : undefined;
  const parsed = read?.data;
  if (isGraphqlBody(parsed)) {
    const outcome = graphqlOutcome(ctx, binding, parsed, response.status);
    const notes = [...(read?.note === undefined ? [] : [read.note]), ...(outcome.notes ?? [])];
    return notes.length === 0 ? outcome : { ...outcome, notes };
  }
  return failure(
    `the GraphQL endpoint answered ${describeStatus(response.status)} without a GraphQL result (${contentType ?? "no content type"})`,
    "bad_response",
    { status: response.status },
  );
}

/** A call that threw: cancelled by the caller, timed out, an oversized response, or a network failure. */
function graphqlOutcome(
  ctx: CallContext,
  binding: GraphqlBinding,
  body: { data?: unknown; errors?: unknown; extensions?: unknown },
  status: number,
): ToolOutcome {
  const outcome = graphqlData(ctx, binding, body, status);
  const note = extensionsNote(body.extensions);
  return note === undefined ? outcome : { ...outcome, notes: [...(outcome.notes ?? []), note] };
}

/** The most of a response's `extensions` a note shows as JSON; a larger one (a trace) is named by its keys. */
const MAX_EXTENSIONS_CHARS = 2000;

/**
 * A response's top-level `extensions` as a note next to the result (query cost and rate limits: Shopify's
 * `cost.throttleStatus`, a throttled call's `cost` beside its THROTTLED error), so a caller can pace itself; they
 * were dropped. Bounded: a larger value is named by its keys and size only.
 */
function extensionsNote(extensions: unknown): string | undefined {
  if (extensions === null || typeof extensions !== "object" || Array.isArray(extensions)) return undefined;
  const keys = Object.keys(extensions);
  if (keys.length === 0) return undefined;
  const json = JSON.stringify(extensions);
  if (json.length <= MAX_EXTENSIONS_CHARS) return `${UPSTREAM_EXTENSIONS_NOTE}${json}`;
  const named = keys
    .slice(0, 20)
    .map((k) => JSON.stringify(k.slice(0, 100)))
    .join(", ");
  return `${UPSTREAM_EXTENSIONS_NOTE}(${json.length} characters, not shown; keys ${named}${keys.length > 20 ? ", ..." : ""})`;
}

function graphqlData(
  ctx: CallContext,
  binding: GraphqlBinding,
  body: { data?: unknown; errors?: unknown },
  status: number,
): ToolOutcome {
  const rawErrors = Array.isArray(body.errors) ? body.errors : [];
  const data = parsedPart(body, body.data ?? null);
  const value =
    binding.field !== undefined && data !== null && typeof data === "object"
      ? // Own members only: a root field named like an Object.prototype member (`constructor`, `toString`) that
        // the answer leaves out is missing, not the prototype's function.
        parsedPart(
          data,
          Object.hasOwn(data, binding.field)
            ? ((data as Record<string, unknown>)[binding.field] ?? null)
            : null,
        )
      : data;
  if (rawErrors.length > 0) return errorsOutcome(rawErrors, data, value, status);
  if (data === null)
    return failure("the GraphQL endpoint answered with neither data nor errors", "bad_response", { status });
  if (value === null && binding.field !== undefined && ctx.tool.outputSchema && !ctx.tool.outputWrapped) {
    return failure(`${binding.field} returned null: nothing matches these arguments`, "not_found", {
      status,
    });
  }
  return { data: value, status };
}

/** GraphQL `errors`: the call fails, keeping what did resolve (partial data) next to where and why the rest did not. */
function errorsOutcome(rawErrors: unknown[], data: unknown, value: unknown, status: number): ToolOutcome {
  const errors = rawErrors.slice(0, MAX_ERRORS).map(errorInfo);
  const count = rawErrors.length;
  const more = count > MAX_ERRORS ? { more: count - MAX_ERRORS } : {};
  // The same details without the upstream's messages, for where masking withholds them.
  const unquoted = errors.map((e) => ({ ...e, message: "(withheld)" }));
  if (data === null) {
    const pieces = summarize(`the upstream answered with ${plural(count)}: `, errors, count);
    return {
      data: null,
      status,
      error: {
        message: pieces.join(""),
        code: outcomeCode(errors),
        details: { errors, ...more },
        quoted: { pieces, details: { errors: unquoted, ...more } },
      },
    };
  }
  const pieces = summarize(
    `partial result: ${plural(count)} (the fields named are null or missing): `,
    errors,
    count,
  );
  return {
    data: value,
    status,
    error: {
      message: pieces.join(""),
      code: "graphql_partial_data",
      details: { errors, ...more, partial: true },
      quoted: { pieces, details: { errors: unquoted, ...more, partial: true } },
    },
  };
}

function plural(n: number): string {
  return n === 1 ? "1 GraphQL error" : `${n} GraphQL errors`;
}
