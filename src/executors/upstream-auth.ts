import type { AuthScheme, Source } from "../catalog.js";
import type { Config } from "../config/config.js";
import { describeSource, resolveValue } from "../config/values.js";
import { rememberSecret } from "../telemetry/redact.js";
import { formatBytes, ResponseTooLargeError, readLimited } from "./response.js";

/**
 * Credentials for one source, applied per the binding's `security` alternatives. Credentials come from the
 * catalog's value sources only (env, files); tool arguments never reach this module.
 */

export interface AuthPlacement {
  headers: Array<[string, string]>;
  query: Array<[string, string]>;
  cookies: Array<[string, string]>;
}

/** A credential problem whose message is safe to show: it names variables and schemes, never values. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly code: "missing_credentials" | "token_request_failed",
  ) {
    super(message);
    this.name = "AuthError";
  }
}

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

export interface Authenticator {
  apply(security: readonly string[][], options: ApplyOptions): Promise<AuthPlacement>;
  /** Forgets cached OAuth2 tokens after the upstream rejected one (401). */
  invalidate(): void;
}

type Resolved =
  | { kind: "bearer"; token: string }
  | { kind: "apiKey"; in: "header" | "query" | "cookie"; name: string; value: string }
  | { kind: "basic"; username: string; password: string }
  | {
      kind: "oauth2";
      scheme: Extract<AuthScheme, { kind: "oauth2ClientCredentials" }>;
      id: string;
      secret: string;
    };

interface CachedToken {
  token: string;
  expiresAt: number;
}

const DEFAULT_TOKEN_LIFETIME_S = 300;
/** A token response is a few hundred bytes; a bigger one is refused rather than read into memory. */
const TOKEN_RESPONSE_LIMIT = 64 * 1024;
const EXPIRY_SKEW_MS = 30_000;

export function createAuthenticator(
  source: Source,
  config: Config,
  options: AuthOptions = {},
): Authenticator {
  const schemes = new Map(source.auth.map((scheme) => [scheme.scheme, scheme]));
  const tokens = new Map<string, CachedToken>();
  const inflight = new Map<string, Promise<CachedToken>>();
  const doFetch = options.fetch ?? fetch;

  /** Every credential the scheme needs, or the names of the places that were empty. */
  async function resolveScheme(scheme: AuthScheme): Promise<Resolved | { missing: string[] }> {
    // Secrets are remembered for redaction; identifiers (user names, client ids) are not, or every error
    // mentioning a common word like "admin" would be mangled.
    const need = async (source: Parameters<typeof resolveValue>[0], secret = true) => {
      const value = await resolveValue(source, config);
      // Rotating: a file-read credential may change on every use (env values are remembered once by config).
      if (value !== undefined && secret) rememberSecret(value, { rotating: true });
      return value;
    };
    switch (scheme.kind) {
      case "bearer": {
        const token = await need(scheme.token);
        return token === undefined ? { missing: [describeSource(scheme.token)] } : { kind: "bearer", token };
      }
      case "apiKey": {
        const value = await need(scheme.value);
        return value === undefined
          ? { missing: [describeSource(scheme.value)] }
          : { kind: "apiKey", in: scheme.in, name: scheme.name, value };
      }
      case "basic": {
        const username = await need(scheme.username, false);
        const password = await need(scheme.password);
        if (username === undefined || password === undefined) {
          const missing: string[] = [];
          if (username === undefined) missing.push(describeSource(scheme.username));
          if (password === undefined) missing.push(describeSource(scheme.password));
          return { missing };
        }
        return { kind: "basic", username, password };
      }
      case "oauth2ClientCredentials": {
        const id = await need(scheme.clientId, false);
        const secret = await need(scheme.clientSecret);
        if (id === undefined || secret === undefined) {
          const missing: string[] = [];
          if (id === undefined) missing.push(describeSource(scheme.clientId));
          if (secret === undefined) missing.push(describeSource(scheme.clientSecret));
          return { missing };
        }
        return { kind: "oauth2", scheme, id, secret };
      }
    }
  }

  async function place(resolved: Resolved, into: AuthPlacement, apply: ApplyOptions): Promise<void> {
    switch (resolved.kind) {
      case "bearer":
        into.headers.push(["authorization", `Bearer ${headerSafe(resolved.token)}`]);
        return;
      case "basic": {
        const pair = Buffer.from(`${resolved.username}:${resolved.password}`, "utf8").toString("base64");
        into.headers.push(["authorization", `Basic ${pair}`]);
        return;
      }
      case "apiKey":
        if (resolved.in === "header")
          into.headers.push([resolved.name.toLowerCase(), headerSafe(resolved.value)]);
        else if (resolved.in === "query") into.query.push([resolved.name, resolved.value]);
        else into.cookies.push([resolved.name, resolved.value]);
        return;
      case "oauth2": {
        const token = await clientCredentialsToken(resolved, apply);
        into.headers.push(["authorization", `Bearer ${headerSafe(token)}`]);
        return;
      }
    }
  }

  async function clientCredentialsToken(
    resolved: Extract<Resolved, { kind: "oauth2" }>,
    apply: ApplyOptions,
  ) {
    const tokenUrl = new URL(resolved.scheme.tokenUrl, options.baseUrl).toString();
    const key = JSON.stringify([tokenUrl, resolved.id, [...resolved.scheme.scopes].sort()]);
    const cached = tokens.get(key);
    if (cached && Date.now() < cached.expiresAt) return cached.token;
    // Single flight: concurrent calls share one token request instead of stampeding the token endpoint.
    let pending = inflight.get(key);
    if (!pending) {
      // The shared request is bounded by its own timeout only: one caller cancelling must not fail the others.
      apply.onRequest?.();
      pending = requestToken(tokenUrl, resolved).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    const fresh = await untilAborted(pending, apply.signal, resolved.scheme.scheme);
    tokens.set(key, fresh);
    return fresh.token;
  }

  async function requestToken(
    tokenUrl: string,
    resolved: Extract<Resolved, { kind: "oauth2" }>,
  ): Promise<CachedToken> {
    const name = resolved.scheme.scheme;
    const url = new URL(tokenUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new AuthError(`OAuth2 scheme '${name}': the token URL must be http(s)`, "token_request_failed");
    }
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (resolved.scheme.scopes.length > 0) form.set("scope", resolved.scheme.scopes.join(" "));
    // RFC 6749 2.3.1: the id and secret are form-encoded before they go into the Basic header.
    const basic = Buffer.from(
      `${encodeURIComponent(resolved.id)}:${encodeURIComponent(resolved.secret)}`,
      "utf8",
    ).toString("base64");
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await doFetch(url, {
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
        `OAuth2 scheme '${name}': the token endpoint could not be reached`,
        "token_request_failed",
      );
    }
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
    const fields = (body ?? {}) as Record<string, unknown>;
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

  return {
    async apply(security, applyOptions) {
      const placement: AuthPlacement = { headers: [], query: [], cookies: [] };
      if (security.length === 0) return placement;
      const missingPerAlternative: string[] = [];
      const hints = new Set<string>();
      for (const alternative of security) {
        const resolved: Resolved[] = [];
        const missing: string[] = [];
        for (const name of alternative) {
          const scheme = schemes.get(name);
          if (!scheme) throw new AuthError(`security scheme '${name}' is not defined`, "missing_credentials");
          const result = await resolveScheme(scheme);
          if ("missing" in result) {
            missing.push(...result.missing);
            if (scheme.hint) hints.add(scheme.hint);
          } else resolved.push(result);
        }
        if (missing.length === 0) {
          for (const item of resolved) await place(item, placement, applyOptions);
          return placement;
        }
        missingPerAlternative.push(`${missing.join(" and ")} (${alternative.join(" + ")})`);
      }
      // The manifest's hints say how to obtain what is missing (e.g. the login command of the API's CLI).
      const how = hints.size > 0 ? `. ${[...hints].join(" ")}` : "";
      throw new AuthError(
        `missing credentials: set ${missingPerAlternative.join(", or ")}${how}`,
        "missing_credentials",
      );
    },
    invalidate() {
      tokens.clear();
    },
  };
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

/** A credential with a line break would split the header; refuse it rather than send it. */
function headerSafe(value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new AuthError("a configured credential contains a line break", "missing_credentials");
  }
  return value;
}
