import type { AuthScheme } from "../catalog.js";
import type { Config } from "../config/config.js";
import { describeSource, valueNow } from "../config/values.js";
import { rememberCredential } from "../telemetry/redact.js";

/**
 * The per-scheme credential providers: each reads what its scheme needs from the catalog's value sources (env,
 * files) and says where a static credential goes. OAuth2 tokens are fetched by `upstream-oauth2.ts`.
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

export type ClientCredentials = {
  kind: "oauth2";
  scheme: Extract<AuthScheme, { kind: "oauth2ClientCredentials" }>;
  id: string;
  secret: string;
};

export type StaticCredential =
  | { kind: "bearer"; token: string }
  | { kind: "apiKey"; in: "header" | "query" | "cookie"; name: string; value: string }
  | { kind: "basic"; username: string; password: string };

/** OAuth2 (any flow) or OpenID Connect: what the user provided to send or renew an access token with. */
export type UserToken = {
  kind: "userToken";
  scheme: Extract<AuthScheme, { kind: "oauth2" }>;
  token?: string;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
};

export type ResolvedCredential = StaticCredential | ClientCredentials | UserToken;

/** The places that were empty, described by name (never by value). */
export interface MissingCredentials {
  missing: string[];
}

type ValueSource = Parameters<typeof valueNow>[0];

/** Every credential the scheme needs, or the names of the places that were empty (read synchronously). */
export function resolveCredential(
  scheme: AuthScheme,
  config: Config,
): ResolvedCredential | MissingCredentials {
  switch (scheme.kind) {
    case "bearer":
      return resolveBearer(scheme, config);
    case "apiKey":
      return resolveApiKey(scheme, config);
    case "basic":
      return resolveBasic(scheme, config);
    case "oauth2ClientCredentials":
      return resolveClientCredentials(scheme, config);
    case "oauth2":
      return resolveUserToken(scheme, config);
  }
}

/**
 * One value from its source. Secrets are remembered for redaction; identifiers (user names, client ids) are
 * not, or every error mentioning a common word like "admin" would be mangled.
 */
function need(source: ValueSource, config: Config, secret = true): string | undefined {
  const value = valueNow(source, config);
  // Rotating: a file-read credential may change on every use (env values are remembered once by config). A
  // credential is also kept out of results (redact.ts `credentials`).
  if (value !== undefined && secret) rememberCredential(value, { rotating: true });
  return value;
}

/** The descriptions of the sources whose value is undefined, in the order given. */
function missingOf(pairs: Array<[string | undefined, ValueSource]>): MissingCredentials {
  const missing: string[] = [];
  for (const [value, source] of pairs) if (value === undefined) missing.push(describeSource(source));
  return { missing };
}

function resolveBearer(
  scheme: Extract<AuthScheme, { kind: "bearer" }>,
  config: Config,
): ResolvedCredential | MissingCredentials {
  const token = need(scheme.token, config);
  return token === undefined ? { missing: [describeSource(scheme.token)] } : { kind: "bearer", token };
}

function resolveApiKey(
  scheme: Extract<AuthScheme, { kind: "apiKey" }>,
  config: Config,
): ResolvedCredential | MissingCredentials {
  const value = need(scheme.value, config);
  return value === undefined
    ? { missing: [describeSource(scheme.value)] }
    : { kind: "apiKey", in: scheme.in, name: scheme.name, value };
}

function resolveBasic(
  scheme: Extract<AuthScheme, { kind: "basic" }>,
  config: Config,
): ResolvedCredential | MissingCredentials {
  const username = need(scheme.username, config, false);
  const password = need(scheme.password, config);
  if (username === undefined || password === undefined) {
    return missingOf([
      [username, scheme.username],
      [password, scheme.password],
    ]);
  }
  return { kind: "basic", username, password };
}

function resolveClientCredentials(
  scheme: Extract<AuthScheme, { kind: "oauth2ClientCredentials" }>,
  config: Config,
): ResolvedCredential | MissingCredentials {
  const id = need(scheme.clientId, config, false);
  const secret = need(scheme.clientSecret, config);
  if (id === undefined || secret === undefined) {
    return missingOf([
      [id, scheme.clientId],
      [secret, scheme.clientSecret],
    ]);
  }
  return { kind: "oauth2", scheme, id, secret };
}

/**
 * An access token, or what renews one: a refresh token (with the client id), or the client's own credentials when
 * the spec has a client credentials flow. Missing all of them names each variable that would do.
 */
function resolveUserToken(
  scheme: Extract<AuthScheme, { kind: "oauth2" }>,
  config: Config,
): ResolvedCredential | MissingCredentials {
  const optional = (source: ValueSource | undefined, secret = true) =>
    source ? need(source, config, secret) : undefined;
  const token = need(scheme.token, config);
  const refreshToken = optional(scheme.refreshToken);
  const clientId = optional(scheme.clientId, false);
  const clientSecret = optional(scheme.clientSecret);
  const canRenew =
    clientId !== undefined &&
    (refreshToken !== undefined ||
      (clientSecret !== undefined && scheme.flows.includes("clientCredentials")));
  if (token === undefined && !canRenew) {
    const ways = [describeSource(scheme.token)];
    if (scheme.refreshToken && scheme.clientId)
      ways.push(`${describeSource(scheme.refreshToken)} with ${describeSource(scheme.clientId)}`);
    if (scheme.clientSecret && scheme.clientId && scheme.flows.includes("clientCredentials"))
      ways.push(`${describeSource(scheme.clientId)} with ${describeSource(scheme.clientSecret)}`);
    return { missing: [ways.join(", or ")] };
  }
  return {
    kind: "userToken",
    scheme,
    ...(token !== undefined ? { token } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    ...(clientId !== undefined ? { clientId } : {}),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
  };
}

/** Puts a credential that needs no request (bearer, basic, API key) where its scheme says. */
export function placeStaticCredential(credential: StaticCredential, into: AuthPlacement): void {
  switch (credential.kind) {
    case "bearer":
      into.headers.push(["authorization", `Bearer ${headerSafe(credential.token)}`]);
      return;
    case "basic": {
      const pair = Buffer.from(`${credential.username}:${credential.password}`, "utf8").toString("base64");
      // The pair is the credential as sent: an upstream echoing the header echoes this.
      rememberCredential(pair, { rotating: true });
      into.headers.push(["authorization", `Basic ${pair}`]);
      return;
    }
    case "apiKey":
      if (credential.in === "header")
        into.headers.push([credential.name.toLowerCase(), headerSafe(credential.value)]);
      else if (credential.in === "query") into.query.push([credential.name, credential.value]);
      else into.cookies.push([credential.name, credential.value]);
      return;
  }
}

/** A credential with a line break would split the header; refuse it rather than send it. */
export function headerSafe(value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new AuthError("a configured credential contains a line break", "missing_credentials");
  }
  return value;
}
