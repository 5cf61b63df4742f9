import type { ToolOutcome, ToolPolicy } from "../catalog.js";
import { type CallContext, failure, stoppedCall } from "../chain.js";
import { formatBytes } from "../telemetry/bytes.js";
import { redactAndTruncate, withoutCredentialBytes } from "../telemetry/redact.js";
import { decodeText, parseJson } from "./json-text.js";
import { retryAfterMs } from "./retry.js";
import type { HeaderLookup, UpstreamResponse } from "./upstream.js";

/**
 * Reading upstream responses: bounded (a huge body becomes a clear error, never an out-of-memory crash),
 * typed by media type, and, for failures, reduced to a short message that is safe to show.
 */

export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the upstream response is larger than ${formatBytes(limit)}`);
    this.name = "ResponseTooLargeError";
  }
}

/** Error bodies are only read for a short message and a code: this much is plenty, and more is not worth holding. */
/** A redirect the executor refuses to follow (another origin, too many hops). */
export class RedirectError extends Error {}

/**
 * A call that threw after its request was sent, as the tool error it is, the same for every executor: cancelled
 * by the client, out of time, a response over the size cap, a refused redirect, or a network failure.
 */
export function callFailure(
  error: unknown,
  ctx: CallContext,
  timedOut: boolean,
  timeoutMs: number,
): ToolOutcome {
  if (ctx.signal.aborted) return stoppedCall(ctx);
  if (timedOut) return failure(`the upstream did not answer within ${timeoutMs} ms`, "timeout");
  if (error instanceof ResponseTooLargeError) return failure(error.message, "response_too_large");
  if (error instanceof RedirectError) return failure(error.message, "redirect_refused");
  return failure(describeNetworkError(error), "network");
}

export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A fetch `Response`'s body, at most `limit` bytes (declared or counted). */
export async function readLimited(response: Response, limit: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new ResponseTooLargeError(limit);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export type BodyKind = "json" | "text" | "binary";

const STREAMED_JSON = /^application\/(.+\+)?(jsonl|jsonlines|x-jsonlines|ndjson|x-ndjson|json-seq)$/;

export function kindOf(contentType: string | null): BodyKind {
  const essence = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (essence === "") return "text";
  if (essence === "application/json" || essence.endsWith("+json") || essence === "text/json") return "json";
  if (
    essence.startsWith("text/") ||
    // Streams of JSON values (OpenAPI 3.2's `itemSchema` media types): JSON Lines, NDJSON, RFC 7464 sequences.
    STREAMED_JSON.test(essence) ||
    essence.endsWith("+xml") ||
    essence === "application/xml" ||
    essence === "application/javascript" ||
    essence === "application/x-www-form-urlencoded" ||
    essence === "application/yaml" ||
    essence === "application/x-yaml"
  ) {
    return "text";
  }
  return "binary";
}

/** How a body of a binary media type reaches the client (`binaryBlockOf`). */
export type BinaryBlock = "image" | "audio" | "resource";

/**
 * The image types the model APIs behind MCP hosts take as images (Anthropic, OpenAI and Google all read these
 * four); another image type in an image block can make the host's whole request fail, so it goes as a resource.
 */
const MODEL_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * The MCP content block a binary body becomes: an `image` block for PNG, JPEG, GIF and WebP, an `audio` block for
 * `audio/*`, and an embedded `resource` with a base64 `blob` for anything else (PDF, zip, octet-stream, TIFF).
 */
export function binaryBlockOf(contentType: string | null): BinaryBlock {
  const essence = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (MODEL_IMAGES.has(essence)) return "image";
  if (essence.startsWith("audio/")) return "audio";
  return "resource";
}

/** JSON parsed, text as text, anything else `{ content (base64), contentType, size }`; an empty body is `null`. */
export function decodeBody(bytes: Uint8Array, contentType: string | null): unknown {
  return readBody(bytes, contentType).data;
}

/**
 * A body decoded as `decodeBody` does (JSON numbers kept exactly, the declared charset honoured: json-text.ts),
 * with a note when its text is not exactly what the upstream sent (bytes not valid in its charset).
 */
export function readBody(
  bytes: Uint8Array,
  contentType: string | null,
): { data: unknown; note?: string; binary?: true } {
  if (bytes.byteLength === 0) return { data: null };
  const kind = kindOf(contentType);
  if (kind === "binary") {
    // Shown as base64: a credential the upstream echoed is withheld here, where its bytes can still be found
    // (runtime/credentials.ts withholds it from every string of the result).
    const shown = withoutCredentialBytes(bytes);
    const data = {
      content: Buffer.from(shown.buffer, shown.byteOffset, shown.byteLength).toString("base64"),
      contentType: contentType ?? "application/octet-stream",
      size: shown.byteLength,
    };
    return { data, binary: true };
  }
  const { text, note } = decodeText(bytes, contentType);
  let data: unknown = text;
  if (kind === "json") {
    try {
      data = parseJson(text);
    } catch {
      data = text;
    }
  }
  return note === undefined ? { data } : { data, note };
}

function firstString(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate === "string" && candidate.trim() !== "") return candidate;
  }
  return undefined;
}

/**
 * The human part of an upstream error body, if it has one in a well-known field (`message`, `error.message`,
 * `error_description`, `detail`, `title`, `errors[0].message`). Never the raw body.
 */
export function upstreamErrorMessage(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const b = body as Record<string, any>;
  const detail = Array.isArray(b.detail) ? b.detail[0]?.msg : b.detail;
  const errors = Array.isArray(b.errors) ? b.errors[0] : undefined;
  const found = firstString(
    b.message,
    b.error && typeof b.error === "object" ? b.error.message : undefined,
    b.error_description,
    detail,
    typeof b.error === "string" ? b.error : undefined,
    b.title,
    typeof errors === "string" ? errors : errors?.message,
  );
  return found === undefined ? undefined : redactAndTruncate(found, 200);
}

const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The error code of an error body (`{"error": {"code"}}`, `{"code"}`), when it is a plain identifier. */
export function upstreamErrorCode(body: unknown): string | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const b = body as Record<string, any>;
  const nested = b.error && typeof b.error === "object" ? b.error.code : undefined;
  const code = typeof nested === "string" ? nested : typeof b.code === "string" ? b.code : undefined;
  return code !== undefined && ERROR_CODE.test(code) ? code : undefined;
}

/**
 * Whether a tool's policies shape its data by path (masked fields, names-only, a path-scoped listing): what the
 * upstream sends beside the data those paths address (an error's body, a 304's ETag) is then not shown.
 */
export function shapesByPath(p: ToolPolicy): boolean {
  return (
    (p.masked?.length ?? 0) > 0 ||
    p.namesOnly !== undefined ||
    p.scopedList !== undefined ||
    (p.scopedItems?.length ?? 0) > 0
  );
}

/** The request headers that name the version the caller holds, which a 304 Not Modified answers (RFC 9110 13.1). */
const CONDITIONAL = new Set(["if-none-match", "if-modified-since"]);

/**
 * A 304 Not Modified. To a request the caller made conditional (its arguments set a non-empty `If-None-Match` or
 * `If-Modified-Since`) whose resource has not changed, the copy the caller holds is current: a result without
 * content (RFC 9110 15.4.5: a 304 has none), as for a 204, with a note saying so; not an error, which would invite a
 * retry of a request that did what it asked. The note names the ETag unless the tool's policies shape its data by
 * path (an ETag can encode the data: fail closed). Otherwise the caller holds no copy to be current: the request
 * named no version (a cache or proxy before the upstream answered, or the upstream misbehaves), or only a header the
 * operator set (`param_env`, a credential) did: an error naming it, never an empty result a model would read as the
 * resource's content. `fromCaller` holds the (lower-case) header names the caller's arguments fill.
 */
export async function notModified(
  response: UpstreamResponse,
  sent: ReadonlyArray<readonly [string, string]>,
  fromCaller: ReadonlySet<string>,
  policy: ToolPolicy,
): Promise<ToolOutcome> {
  await response.read(0).catch(() => response.cancel());
  const status = describeStatus(304);
  const conditional = sent.filter(
    ([name, value]) => CONDITIONAL.has(name.toLowerCase()) && value.trim() !== "",
  );
  if (!conditional.some(([name]) => fromCaller.has(name.toLowerCase())))
    return unaskedNotModified(status, conditional);
  const etag = response.headers.get("etag");
  const shown =
    etag !== null && !shapesByPath(policy) && /^(W\/)?"[\x21\x23-\x7e]{0,128}"$/.test(etag)
      ? ` (ETag ${etag})`
      : "";
  return {
    data: null,
    status: 304,
    notes: [
      `the upstream answered ${status}${shown}: the resource has not changed since the version the request named, so the copy the caller holds is current`,
    ],
  };
}

/** A 304 to a request the caller did not make conditional: an error, naming the operator-set header if one did. */
function unaskedNotModified(
  status: string,
  conditional: ReadonlyArray<readonly [string, string]>,
): ToolOutcome {
  const names = [...new Set(conditional.map(([name]) => HEADER_NAMES[name.toLowerCase()] ?? name))];
  const operator =
    names.length === 0
      ? "a cache or proxy before the upstream may have answered it"
      : `the ${names.join(" and ")} header${names.length > 1 ? "s" : ""} the server's configuration sets made the request conditional, not the caller`;
  return failure(
    `the upstream answered ${status} to a request the caller did not make conditional (its arguments set no If-None-Match or If-Modified-Since value): a 304 answers only such a request, so this reply says nothing about the resource (${operator}); nothing was read`,
    "http_304",
    { status: 304 },
  );
}

const HEADER_NAMES: Record<string, string> = {
  "if-none-match": "If-None-Match",
  "if-modified-since": "If-Modified-Since",
};

export function describeStatus(status: number): string {
  // node:http loads on the first error to describe, not at start-up.
  const text = process.getBuiltinModule("node:http").STATUS_CODES[status];
  return text ? `HTTP ${status} ${text}` : `HTTP ${status}`;
}

/** Network failures by Node/undici error code, in words that carry no host names. */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code ?? "";
  // The upstream client refuses the WHATWG Fetch "bad ports" (6000, 6667, ...) before connecting, as fetch does.
  if (cause?.message === "bad port")
    return "the base URL uses a port HTTP clients refuse to connect to (the Fetch standard's bad ports)";
  // The upstream client could not undo the body's Content-Encoding (one of gzip, deflate, br: named by the client).
  const undecodable = /^undecodable body: ([a-z-]+)$/.exec(cause?.message ?? "");
  if (undecodable)
    return `the upstream's response body could not be decoded (Content-Encoding ${undecodable[1]})`;
  // A 101 the request did not ask for (the upstream client never asks for a protocol switch).
  if (cause?.message === "unrequested protocol switch")
    return "the upstream answered HTTP 101 Switching Protocols, a protocol switch the request did not ask for; nothing was read";
  // Through the environment's proxy (NODE_USE_ENV_PROXY): the upstream client says when the proxy failed.
  // More content codings than the upstream client undoes (MAX_CONTENT_CODINGS, as fetch).
  const stacked = /^too many content codings: (\d+)$/.exec(cause?.message ?? "");
  if (stacked)
    return `the upstream's response body is encoded ${stacked[1]} times over (Content-Encoding); at most 5 codings are decoded, so it was not read`;
  const tunnel = /^proxy tunnel refused(?:: (\d{3}))?$/.exec(cause?.message ?? "");
  if (tunnel)
    return `the proxy (HTTPS_PROXY) refused a tunnel to the upstream${tunnel[1] ? `: ${describeStatus(Number(tunnel[1]))}` : ""}`;
  const proxy = /^proxy unreachable: ([A-Z_]+)$/.exec(cause?.message ?? "");
  if (proxy) {
    const what = proxy[1] === "ECONNREFUSED" ? "refused the connection" : "could not be reached";
    return `the proxy (HTTP_PROXY/HTTPS_PROXY) ${what}; the upstream was not reached`;
  }
  // node:http's parser stops at its header limit (16 KiB unless --max-http-header-size): the answer was not read.
  if (code === "HPE_HEADER_OVERFLOW") {
    const limit = process.getBuiltinModule("node:http").maxHeaderSize;
    return `the upstream's response headers are larger than the HTTP client reads (${formatBytes(limit)}); the response was not read`;
  }
  if (typeof code === "string" && code.startsWith("HPE_"))
    return "the upstream's response is not well-formed HTTP; it was not read";
  if (code === "ECONNREFUSED") return "the upstream refused the connection";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the upstream host name could not be resolved";
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET")
    return "the upstream closed the connection";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT")
    return "connecting to the upstream timed out";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return "the upstream host is unreachable";
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code))
    return "the upstream's TLS certificate was not accepted";
  return "the upstream request failed";
}

/** RFC 6749 scope: space-separated tokens of printable ASCII without `"` and `\`. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+(?: [\x21\x23-\x5b\x5d-\x7e]+)*$/;

function scopeText(value: unknown): string | undefined {
  if (typeof value === "string" && value.length <= 200 && SCOPE.test(value)) return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return scopeText(value.join(" "));
  return undefined;
}

/**
 * The scope a 403 says the credential lacks: `error.required_scope` (or `required_scope`) in the body, or the
 * RFC 6750 challenge `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."`. Only text shaped like
 * a scope is taken, so this cannot become a way to echo an upstream body.
 */
export function missingScope(body: unknown, headers: HeaderLookup): string | undefined {
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, any>;
    const fromBody =
      scopeText(b.error && typeof b.error === "object" ? b.error.required_scope : undefined) ??
      scopeText(b.required_scope);
    if (fromBody) return fromBody;
  }
  const challenge = headers.get("www-authenticate") ?? "";
  if (/\berror\s*=\s*"?insufficient_scope"?/i.test(challenge)) {
    const scope = /\bscope\s*=\s*"([^"]*)"/i.exec(challenge)?.[1];
    return scopeText(scope);
  }
  return undefined;
}

/**
 * What the client reads when the upstream answers with an error status: a 403 naming the missing scope says
 * so plainly (policy settings only ever narrow what the token allows, so no setting here can fix it);
 * anything else is the status plus the body's own short, redacted message.
 */
export function upstreamFailureMessage(status: number, body: unknown, headers: HeaderLookup): string {
  return upstreamFailurePieces(status, body, headers).join("");
}

/** `upstreamFailureMessage` in pieces: the upstream's own words (a scope, its message) at the odd indexes. */
function upstreamFailurePieces(status: number, body: unknown, headers: HeaderLookup): string[] {
  if (status === 403) {
    const scope = missingScope(body, headers);
    if (scope) {
      return [
        "refused by the upstream: the token lacks scope ",
        scope,
        " (upstream 403); toolwright's settings can only narrow what the token allows, so this needs a token with that scope",
      ];
    }
  }
  const detail = upstreamErrorMessage(body);
  const head = `upstream answered ${describeStatus(status)}`;
  return detail ? [`${head}: `, detail, ""] : [head];
}

/** An error response's body, decoded by its media type; `undefined` when it cannot be read or is over the cap. */
export async function readErrorBody(response: UpstreamResponse): Promise<unknown> {
  try {
    const bytes = await response.read(MAX_ERROR_BODY_BYTES);
    return decodeBody(bytes, response.headers.get("content-type"));
  } catch {
    return undefined;
  }
}

/**
 * An upstream error status as a tool outcome, the same for every executor: `http_<status>`, the message from
 * `upstreamFailureMessage`, and the API's own machine-readable code (`SESSION_TOKEN_EXPIRED`, `NO_DATABASE`) in
 * `details.upstream_code` when it is a plain identifier, since that is what the API's docs tell agents to look for.
 */
export function upstreamFailure(
  response: Pick<UpstreamResponse, "status" | "headers">,
  body: unknown,
): ToolOutcome {
  const wait =
    response.status === 429 || response.status === 503 ? retryAfterMs(response.headers) : undefined;
  const retry = wait === undefined ? undefined : Math.ceil(wait / 1000);
  const pieces = upstreamFailurePieces(response.status, body, response.headers);
  if (retry !== undefined) pieces[pieces.length - 1] += `; the upstream asks to retry after ${retry} s`;
  const outcome = failure(pieces.join(""), `http_${response.status}`, { status: response.status });
  if (pieces.length > 1 && outcome.error) outcome.error.quoted = { pieces };
  const code = upstreamErrorCode(body);
  const details = {
    ...(code ? { upstream_code: code } : {}),
    ...(retry !== undefined ? { retry_after_seconds: retry } : {}),
  };
  if (Object.keys(details).length > 0 && outcome.error) outcome.error.details = details;
  return outcome;
}
