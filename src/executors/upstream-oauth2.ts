import { rememberSecret } from "../telemetry/redact.js";
import { formatBytes, ResponseTooLargeError, readLimited } from "./response.js";
import { AuthError, type ClientCredentials } from "./upstream-credentials.js";

/** OAuth2 client-credentials tokens for one source: requested, cached until near expiry, shared in flight. */

export interface AuthOptions {
  fetch?: typeof fetch;
  /** Resolves a relative OAuth2 `tokenUrl` (OpenAPI 3.1 allows one relative to the server URL). */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface ApplyOptions {
  signal: AbortSignal;
  /** Called before a token request leaves the process (upstream request accounting). */
  onRequest?: () => void;
}

export interface ClientCredentialsTokens {
  /** A valid access token for the credentials, from the cache or a (shared) token request. */
  get(credentials: ClientCredentials, apply: ApplyOptions): Promise<string>;
  /** Forgets every cached token. */
  clear(): void;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const DEFAULT_TOKEN_LIFETIME_S = 300;
/** A token response is a few hundred bytes; a bigger one is refused rather than read into memory. */
const TOKEN_RESPONSE_LIMIT = 64 * 1024;
const EXPIRY_SKEW_MS = 30_000;

export function createClientCredentialsTokens(options: AuthOptions): ClientCredentialsTokens {
  const tokens = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<CachedToken>>();
  const doFetch = options.fetch ?? fetch;

  return {
    async get(credentials, apply) {
      const tokenUrl = new URL(credentials.scheme.tokenUrl, options.baseUrl).toString();
      const key = JSON.stringify([tokenUrl, credentials.id, [...credentials.scheme.scopes].sort()]);
      const cached = tokens.get(key);
      if (cached && Date.now() < cached.expiresAt) return cached.token;
      // Single flight: concurrent calls share one token request instead of stampeding the token endpoint.
      let pending = inflight.get(key);
      if (!pending) {
        // The shared request is bounded by its own timeout only: one caller cancelling must not fail the others.
        apply.onRequest?.();
        const timeoutMs = options.timeoutMs ?? 30_000;
        pending = requestToken(doFetch, tokenUrl, credentials, timeoutMs).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      const fresh = await untilAborted(pending, apply.signal, credentials.scheme.scheme);
      tokens.set(key, fresh);
      return fresh.token;
    },
    clear() {
      tokens.clear();
    },
  };
}

async function requestToken(
  doFetch: typeof fetch,
  tokenUrl: string,
  credentials: ClientCredentials,
  timeoutMs: number,
): Promise<CachedToken> {
  const name = credentials.scheme.scheme;
  const url = new URL(tokenUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AuthError(`OAuth2 scheme '${name}': the token URL must be http(s)`, "token_request_failed");
  }
  const response = await postTokenRequest(doFetch, url, credentials, timeoutMs);
  const fields = await readTokenFields(response, name);
  return tokenFromResponse(response, fields, name);
}

/** POSTs the client-credentials grant, the client authenticated with HTTP Basic. */
async function postTokenRequest(
  doFetch: typeof fetch,
  url: URL,
  credentials: ClientCredentials,
  timeoutMs: number,
): Promise<Response> {
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (credentials.scheme.scopes.length > 0) form.set("scope", credentials.scheme.scopes.join(" "));
  // RFC 6749 2.3.1: the id and secret are form-encoded before they go into the Basic header.
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.id)}:${encodeURIComponent(credentials.secret)}`,
    "utf8",
  ).toString("base64");
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    return await doFetch(url, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: form.toString(),
      redirect: "error",
      signal: timeout,
    });
  } catch {
    throw new AuthError(
      `OAuth2 scheme '${credentials.scheme.scheme}': the token endpoint could not be reached`,
      "token_request_failed",
    );
  }
}

/** The response's JSON fields under the size bound; an unreadable or non-JSON body counts as no fields. */
async function readTokenFields(response: Response, name: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readLimited(response, TOKEN_RESPONSE_LIMIT)));
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      throw new AuthError(
        `OAuth2 scheme '${name}': the token endpoint's answer is larger than ${formatBytes(TOKEN_RESPONSE_LIMIT)}`,
        "token_request_failed",
      );
    }
    body = undefined;
  }
  return (body ?? {}) as Record<string, unknown>;
}

/** The access token and its expiry (less a skew), or an error quoting only the RFC 6749 error code. */
function tokenFromResponse(response: Response, fields: Record<string, unknown>, name: string): CachedToken {
  if (!response.ok) {
    // RFC 6749 5.2 error codes are a fixed vocabulary, so they are safe to quote.
    const code =
      typeof fields.error === "string" && /^[a-z_]{1,40}$/.test(fields.error) ? `: ${fields.error}` : "";
    throw new AuthError(
      `OAuth2 scheme '${name}': the token endpoint answered HTTP ${response.status}${code}`,
      "token_request_failed",
    );
  }
  const token = fields.access_token;
  if (typeof token !== "string" || token === "") {
    throw new AuthError(
      `OAuth2 scheme '${name}': the token response has no access_token`,
      "token_request_failed",
    );
  }
  rememberSecret(token, { rotating: true });
  const lifetime =
    typeof fields.expires_in === "number" && fields.expires_in > 0
      ? fields.expires_in
      : DEFAULT_TOKEN_LIFETIME_S;
  const skew = Math.min(EXPIRY_SKEW_MS, (lifetime * 1000) / 2);
  return { token, expiresAt: Date.now() + lifetime * 1000 - skew };
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, scheme: string): Promise<T> {
  if (signal.aborted)
    return Promise.reject(new AuthError(`OAuth2 scheme '${scheme}': cancelled`, "token_request_failed"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(new AuthError(`OAuth2 scheme '${scheme}': cancelled`, "token_request_failed"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
