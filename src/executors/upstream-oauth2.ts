import { isLoopback } from "../config/loopback.js";
import { checkNamedUrl, type Lookup, systemLookup } from "../config/reach.js";
import { formatBytes } from "../telemetry/bytes.js";
import { rememberCredential } from "../telemetry/redact.js";
import { fetchNamed, UnpinnedFetchError } from "./named-fetch.js";
import { ResponseTooLargeError, readLimited } from "./response.js";
import { AuthError, type ClientCredentials, type UserToken } from "./upstream-credentials.js";

/**
 * OAuth2 tokens for one source. Client-credentials tokens are requested, cached until near expiry and shared in
 * flight. A token the user provides (any flow, OpenID Connect) is sent as is until it has expired (a JWT's `exp`)
 * or the upstream rejected it; then, where a refresh token or client credentials allow it, a new one is requested
 * at the token endpoint (the flow's `tokenUrl`, or the one an OpenID Connect discovery document names).
 */

export interface AuthOptions {
  fetch?: typeof fetch;
  /** Resolves a relative OAuth2 `tokenUrl` (OpenAPI 3.1 allows one relative to the server URL). */
  baseUrl?: string;
  timeoutMs?: number;
  /** How a discovered token endpoint's host name is resolved to check the network it is on (`reach.ts`). */
  lookup?: Lookup;
}

export interface ApplyOptions {
  signal: AbortSignal;
  /** Called before a token request leaves the process (upstream request accounting). */
  onRequest?: () => void;
}

export interface OAuthTokens {
  /** A valid access token for client credentials, from the cache or a (shared) token request. */
  clientCredentials(credentials: ClientCredentials, apply: ApplyOptions): Promise<string>;
  /** The access token to send for a user-provided token: the token itself, or one renewed in its place. */
  userToken(credential: UserToken, apply: ApplyOptions): Promise<string>;
  /**
   * The upstream refused the last tokens (401): forgets cached tokens and marks provided ones as rejected. True
   * when a new token can be obtained, so the request is worth repeating once.
   */
  rejected(): boolean;
}

interface IssuedToken {
  token: string;
  /**
   * On this process's monotonic clock (`performance.now`), from the answer's `expires_in`: the cache is this
   * process's own, so a wall-clock step (NTP, a VM resumed) neither keeps an expired token nor drops a good one.
   */
  expiresAt: number;
  refreshToken?: string;
}

const DEFAULT_TOKEN_LIFETIME_S = 300;
/**
 * How long a failed token request (the endpoint or its discovery document unreachable, an error status, an answer
 * without a token) is answered without asking again: every tool call of every caller used to make one request of
 * its own to an endpoint that is down or refusing this client (an identity provider may lock a client out after
 * repeated failed attempts), as the HTTP transport's issuers hold theirs (`http-auth/issuers.ts`).
 */
export const FAILURE_HOLD_MS = 5_000;
// Holds are this process's own and counted on its monotonic clock (`performance.now`): a wall-clock step neither
// ends a hold early (set forward) nor stretches it to the step's length (set back). A JWT's `exp` (`expired`) is
// another process's wall time and is read against `Date.now`.
/** A token response or discovery document is a few KB at most; a bigger one is refused rather than read. */
const TOKEN_RESPONSE_LIMIT = 64 * 1024;
const EXPIRY_SKEW_MS = 30_000;

export function createOAuthTokens(options: AuthOptions): OAuthTokens {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const cache = createTokenCache();
  const sent = createSentTokens();
  const refused = new Map<string, Set<string>>();
  const renewal: Renewal = {
    cache,
    endpoints: createTokenEndpoints(doFetch, options.baseUrl, timeoutMs, options.lookup ?? systemLookup),
    rotated: new Map(),
    refused,
    doFetch,
    timeoutMs,
    baseUrl: options.baseUrl,
  };

  return {
    async clientCredentials(credentials, apply) {
      const tokenUrl = new URL(credentials.scheme.tokenUrl, options.baseUrl).toString();
      const { scheme } = credentials;
      const key = JSON.stringify([tokenUrl, credentials.id, [...clientScopes(scheme)].sort()]);
      const client = { id: credentials.id, secret: credentials.secret };
      const token =
        cache.valid(key) ??
        (
          await cache.obtain(key, apply, scheme.scheme, () =>
            scopedGrant(scheme, refused, (scopes) =>
              requestToken(
                doFetch,
                {
                  tokenUrl,
                  form: withScopes({ grant_type: "client_credentials" }, scopes),
                  client,
                  scheme: scheme.scheme,
                  baseUrl: options.baseUrl,
                },
                timeoutMs,
              ),
            ),
          )
        ).token;
      sent.record(credentials.scheme.scheme, { token, provided: false, renewable: true });
      return token;
    },
    async userToken(credential, apply) {
      const name = credential.scheme.scheme;
      const provided = credential.token;
      const usable = provided !== undefined && !sent.refused(name, provided) && !(await expired(provided));
      const token = (usable ? provided : await renewUserToken(renewal, credential, apply)) ?? provided;
      if (token === undefined) {
        throw new AuthError(
          `OAuth2 scheme '${name}': no access token and no way to obtain one`,
          "missing_credentials",
        );
      }
      sent.record(name, { token, provided: token === provided, renewable: renewable(credential) });
      return token;
    },
    rejected() {
      cache.clear();
      return sent.rejected();
    },
  };
}

/** A user token can be renewed with a client id and either a refresh token or a client secret. */
function renewable(credential: UserToken): boolean {
  return (
    credential.clientId !== undefined &&
    (credential.refreshToken !== undefined || credential.clientSecret !== undefined)
  );
}

type TokenCache = ReturnType<typeof createTokenCache>;

/** Issued tokens by key, valid until near expiry (monotonic, see `IssuedToken`); one token request per key at a time, shared by concurrent callers. */
function createTokenCache() {
  const issued = new Map<string, IssuedToken>();
  const inflight = new Map<string, Promise<IssuedToken>>();
  /** The last failed token request per key and when it ended: answered again, unasked, for `FAILURE_HOLD_MS`. */
  const failed = new Map<string, { error: AuthError; at: number }>();
  return {
    valid(key: string): string | undefined {
      const cached = issued.get(key);
      return cached && performance.now() < cached.expiresAt ? cached.token : undefined;
    },
    /**
     * Joins the key's token request in flight or starts one; each caller is bounded by its own signal. A request
     * that failed is not made again for `FAILURE_HOLD_MS`: every call in between gets its answer.
     */
    async obtain(
      key: string,
      apply: ApplyOptions,
      scheme: string,
      request: () => Promise<IssuedToken>,
    ): Promise<IssuedToken> {
      let pending = inflight.get(key);
      if (!pending) {
        const held = failed.get(key);
        const left = held === undefined ? 0 : held.at + FAILURE_HOLD_MS - performance.now();
        if (held !== undefined && left > 0) throw heldFailure(held.error, left);
        failed.delete(key);
        apply.onRequest?.();
        pending = request()
          .catch((error: unknown) => {
            const said =
              error instanceof AuthError
                ? error
                : new AuthError(
                    `OAuth2 scheme '${scheme}': the token request failed`,
                    "token_request_failed",
                  );
            failed.set(key, { error: said, at: performance.now() });
            throw error;
          })
          .finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      const fresh = await untilAborted(pending, apply.signal, scheme);
      issued.set(key, fresh);
      return fresh;
    },
    clear(): void {
      issued.clear();
    },
  };
}

/** A failure met less than `FAILURE_HOLD_MS` ago, answered again with when the endpoint is asked next. */
function heldFailure(error: AuthError, leftMs: number): AuthError {
  const seconds = Math.max(1, Math.ceil(leftMs / 1000));
  return new AuthError(`${error.message} (a moment ago; not asked again for ${seconds} s)`, error.code);
}

interface SentToken {
  token: string;
  provided: boolean;
  renewable: boolean;
}

/** What the last calls sent per scheme, so a 401 marks the provided tokens refused and tells whether renewal helps. */
function createSentTokens() {
  /** Provided tokens the upstream answered 401 to, by scheme. */
  const refusedTokens = new Map<string, string>();
  const sent = new Map<string, SentToken>();
  return {
    record(scheme: string, token: SentToken): void {
      sent.set(scheme, token);
    },
    refused(scheme: string, token: string): boolean {
      return refusedTokens.get(scheme) === token;
    },
    /** Marks what was provided as refused; true when any token sent can be renewed. */
    rejected(): boolean {
      let renewable = false;
      for (const [scheme, last] of sent) {
        if (last.provided) refusedTokens.set(scheme, last.token);
        renewable ||= last.renewable;
      }
      sent.clear();
      return renewable;
    },
  };
}

interface Renewal {
  cache: TokenCache;
  endpoints: ReturnType<typeof createTokenEndpoints>;
  /** Refresh tokens the token endpoint rotated: original value -> latest. */
  rotated: Map<string, string>;
  /** Scopes the token endpoint refused to this client, by scheme (see `scopedGrant`). */
  refused: Map<string, Set<string>>;
  doFetch: typeof fetch;
  timeoutMs: number;
  /** The source's base URL (a plain-http one allows a plain-http token endpoint: `inClear`). */
  baseUrl: string | undefined;
}

/** A new token in place of a user-provided one, when the credential carries a client id and a grant to use. */
async function renewUserToken(
  renewal: Renewal,
  credential: UserToken,
  apply: ApplyOptions,
): Promise<string | undefined> {
  const { scheme } = credential;
  const key = JSON.stringify(["user", scheme.scheme, credential.clientId, credential.refreshToken ?? ""]);
  const cached = renewal.cache.valid(key);
  if (cached) return cached;
  if (credential.clientId === undefined) return undefined;
  const client = { id: credential.clientId, secret: credential.clientSecret };
  const grant = renewalGrant(credential, renewal.rotated);
  if (grant === undefined) return undefined;
  const fresh = await renewal.cache.obtain(key, apply, scheme.scheme, async () => {
    const endpoint = await renewal.endpoints.of(scheme.scheme, scheme.tokenUrl, scheme.discoveryUrl);
    const request = (scopes: readonly string[]) =>
      requestToken(
        renewal.doFetch,
        {
          tokenUrl: endpoint.url,
          addresses: endpoint.addresses,
          form: withScopes(grant.form, scopes),
          client,
          scheme: scheme.scheme,
          baseUrl: renewal.baseUrl,
        },
        renewal.timeoutMs,
      );
    // A refresh-token grant asks for the manifest's scopes only; a client-credentials one as a client's own does.
    return grant.scoped ? scopedGrant(scheme, renewal.refused, request) : request(scheme.scopes);
  });
  if (fresh.refreshToken && credential.refreshToken !== undefined) {
    rememberCredential(fresh.refreshToken, { rotating: true });
    renewal.rotated.set(credential.refreshToken, fresh.refreshToken);
  }
  return fresh.token;
}

/**
 * The renewal grant without its scope: the refresh token (its latest rotation), else client credentials where the
 * flow allows them (`scoped`: it asks for the scopes a client-credentials grant does).
 */
function renewalGrant(
  credential: UserToken,
  rotated: Map<string, string>,
): { form: Record<string, string>; scoped: boolean } | undefined {
  const { scheme } = credential;
  if (credential.refreshToken !== undefined) {
    const refreshToken = rotated.get(credential.refreshToken) ?? credential.refreshToken;
    return { form: { grant_type: "refresh_token", refresh_token: refreshToken }, scoped: false };
  }
  if (scheme.flows.includes("clientCredentials") && credential.clientSecret !== undefined) {
    return { form: { grant_type: "client_credentials" }, scoped: true };
  }
  return undefined;
}

/**
 * A client-credentials token for the scheme's scopes, when the token endpoint refuses some of them (RFC 6749 5.2
 * `invalid_scope`: this client may not request them). A manifest's own `scopes` are what the operator asked for:
 * the refusal is the answer, naming the scopes it refused. Scopes the catalog derived from its operations are a
 * guess at what the tools need, and one scope this client may not have must not fail every tool: the scopes the
 * answer's description names are left out (Keycloak "Invalid scopes: a b", Hydra "not allowed to request scope
 * 'a'", Auth0 "Client has not been granted scopes: a"), else the scope parameter is left out and the server's
 * default for the client applies (RFC 6749 3.3); tried once, and remembered for the scheme, so later tokens ask for
 * the rest at once. A tool whose operation needs a refused scope is then refused by its upstream (403), not
 * every tool by the token endpoint.
 */
async function scopedGrant(
  scheme: { scheme: string; scopes: readonly string[]; operationScopes?: readonly string[] },
  refusedBy: Map<string, Set<string>>,
  request: (scopes: readonly string[]) => Promise<IssuedToken>,
): Promise<IssuedToken> {
  const derived = scheme.scopes.length === 0;
  const refused = refusedBy.get(scheme.scheme) ?? new Set<string>();
  const wanted = clientScopes(scheme);
  const asked = derived ? wanted.filter((s) => !refused.has(s)) : wanted;
  // Everything derived was refused before: the server's default for the client.
  const first = derived && refused.size > 0 && asked.length === 0 ? [] : asked;
  try {
    return await request(first);
  } catch (error) {
    if (!(error instanceof ScopeRefused)) throw error;
    if (!derived)
      throw error.explained(
        first,
        "change the manifest's auth.<scheme>.scopes to those this client may request",
      );
    if (first.length === 0) {
      const before =
        refused.size > 0 ? `earlier it refused a request for ${[...refused].join(" ")}` : undefined;
      throw error.explained(first, SET_SCOPES, before);
    }
    const named = error.named(first);
    const rest = named.length > 0 ? first.filter((s) => !named.includes(s)) : [];
    for (const s of named.length > 0 ? named : first) refused.add(s);
    refusedBy.set(scheme.scheme, refused);
    try {
      return await request(rest);
    } catch (again) {
      if (again instanceof ScopeRefused) throw again.explained(rest, SET_SCOPES, error.asked(first));
      throw again;
    }
  }
}

const SET_SCOPES =
  "set auth.<scheme>.scopes in a manifest to the scopes this client may request, or ask the authorization server's administrator to allow them";

/**
 * The token endpoint refused the requested scope (RFC 6749 5.2 `invalid_scope`, or Auth0's 403 `access_denied`
 * naming ungranted scopes). Only the scopes the request named are ever quoted from its description.
 */
class ScopeRefused extends AuthError {
  constructor(
    readonly scheme: string,
    status: number,
    oauthError: string,
    private readonly description: string,
  ) {
    super(
      `OAuth2 scheme '${scheme}': the token endpoint answered HTTP ${status}: ${oauthError}`,
      "token_request_failed",
    );
  }

  /** The requested scopes the description names, as whole words. */
  named(requested: readonly string[]): string[] {
    return requested.filter((scope) => {
      const at = new RegExp(`(^|[\\s,'"\`\\[\\](){}])${escapeRegExp(scope)}($|[\\s,'"\`\\[\\](){};.])`);
      return at.test(this.description);
    });
  }

  /** This refusal of a request for `requested`, after `before` (what an earlier refusal said), with advice. */
  explained(requested: readonly string[], advice: string, before?: string): AuthError {
    const said = [before, this.asked(requested)].filter((part) => part !== undefined).join("; then ");
    return new AuthError(
      `${this.message} (${said}); ${advice.replace("<scheme>", this.scheme)}`,
      "token_request_failed",
    );
  }

  /** What was asked for and which of it this refusal names. */
  asked(requested: readonly string[]): string {
    const named = this.named(requested);
    const what = requested.length > 0 ? `scopes ${requested.join(" ")}` : "no scope";
    return `asked for ${what}: ${named.length > 0 ? `it refuses ${named.join(" ")}` : "it did not say which"}`;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** What a client-credentials grant asks for: the manifest's scopes, else those the catalog's operations name. */
function clientScopes(scheme: {
  scopes: readonly string[];
  operationScopes?: readonly string[];
}): readonly string[] {
  return scheme.scopes.length > 0 ? scheme.scopes : (scheme.operationScopes ?? []);
}

function withScopes(form: Record<string, string>, scopes: readonly string[]): Record<string, string> {
  return scopes.length > 0 ? { ...form, scope: scopes.join(" ") } : form;
}

/**
 * A JWT whose `exp` has passed (or is about to): not worth sending when it can be renewed. Opaque tokens never.
 * jose loads on the first user token, not at start-up.
 */
async function expired(token: string): Promise<boolean> {
  const { decodeJwt } = await import("jose");
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === "number" && exp * 1000 <= Date.now() + EXPIRY_SKEW_MS;
  } catch {
    return false;
  }
}

/**
 * A token endpoint, and for a discovered one named by host name, the addresses its check resolved that name to: the
 * token request connects to those only (`fetchNamed`), not to what the name answers next (DNS rebinding).
 */
interface TokenEndpoint {
  url: string;
  addresses?: readonly string[];
}

/**
 * Token endpoints: the scheme's own URL (relative to the base URL), or the one OpenID Connect discovery names. A
 * discovered one is checked (`checkNamedUrl`) before every token request it is used for, not once: the document is
 * read once, and a name can be pointed elsewhere while the server runs, as a key set's can (issuers.ts).
 */
function createTokenEndpoints(
  doFetch: typeof fetch,
  baseUrl: string | undefined,
  timeoutMs: number,
  lookup: Lookup,
) {
  const discovered = new Map<string, Promise<string>>();
  return {
    async of(
      scheme: string,
      tokenUrl: string | undefined,
      discoveryUrl: string | undefined,
    ): Promise<TokenEndpoint> {
      if (tokenUrl !== undefined) return { url: new URL(tokenUrl, baseUrl).toString() };
      if (discoveryUrl === undefined) {
        throw new AuthError(
          `OAuth2 scheme '${scheme}': no token endpoint to renew tokens at`,
          "token_request_failed",
        );
      }
      const url = new URL(discoveryUrl, baseUrl).toString();
      let pending = discovered.get(url);
      if (!pending) {
        pending = discover(doFetch, url, scheme, timeoutMs, baseUrl);
        discovered.set(url, pending);
        pending.catch(() => discovered.delete(url));
      }
      const endpoint = await pending;
      // The client secret is sent where the document says: not into a network the document's own host is not on.
      const checked = await checkNamedUrl(new URL(endpoint), new URL(url), lookup);
      if (checked.refused !== undefined) {
        throw new AuthError(
          `OAuth2 scheme '${scheme}': the OpenID Connect discovery document names a token_endpoint ${new URL(endpoint).origin} that is refused: ${checked.refused}`,
          "token_request_failed",
        );
      }
      return { url: endpoint, ...(checked.addresses ? { addresses: checked.addresses } : {}) };
    },
  };
}

async function discover(
  doFetch: typeof fetch,
  url: string,
  scheme: string,
  timeoutMs: number,
  baseUrl: string | undefined,
): Promise<string> {
  const failed = (why: string) =>
    new AuthError(
      `OAuth2 scheme '${scheme}': the OpenID Connect discovery document ${why}`,
      "token_request_failed",
    );
  let response: Response;
  try {
    notInClear(new URL(url), scheme, "discovery URL", baseUrl);
    response = await doFetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw failed("could not be read");
  }
  if (!response.ok) throw failed(`answered HTTP ${response.status}`);
  const fields = await readJsonFields(response, scheme, "the OpenID Connect discovery document");
  if (typeof fields.token_endpoint !== "string") throw failed("names no token_endpoint");
  return new URL(fields.token_endpoint, url).toString();
}

interface TokenGrant {
  tokenUrl: string;
  /** The addresses a discovered endpoint's check passed: the request connects to these only. */
  addresses?: readonly string[] | undefined;
  form: Record<string, string>;
  /** A confidential client authenticates with HTTP Basic; a public one (no secret) sends its id in the form. */
  client: { id: string; secret: string | undefined };
  scheme: string;
  /** The source's base URL (see `notInClear`). */
  baseUrl: string | undefined;
}

async function requestToken(
  doFetch: typeof fetch,
  grant: TokenGrant,
  timeoutMs: number,
): Promise<IssuedToken> {
  const url = new URL(grant.tokenUrl);
  notInClear(url, grant.scheme, "token URL", grant.baseUrl);
  const response = await postTokenRequest(doFetch, url, grant, timeoutMs);
  const fields = await readJsonFields(response, grant.scheme);
  return tokenFromResponse(response, fields, grant.scheme, grant.form.scope !== undefined);
}

/**
 * A token endpoint receives the client's secret and refresh tokens and answers with the access token every call
 * sends, and a discovery document names that endpoint: both must use https, as the HTTP transport's issuers must.
 * Plain http is allowed only to this machine (a loopback literal) and for a source whose own base URL is plain
 * http (its calls carry their credentials in clear already: nothing is downgraded). A spec's `http://` token URL
 * in front of an https API sent the client secret in clear across the network, and a discovery document read in
 * clear could be rewritten on the way to name anyone's token endpoint.
 */
function notInClear(url: URL, scheme: string, what: string, baseUrl: string | undefined): void {
  if (url.protocol === "https:") return;
  if (url.protocol !== "http:") {
    throw new AuthError(`OAuth2 scheme '${scheme}': the ${what} must be http(s)`, "token_request_failed");
  }
  if (isLoopback(url.hostname) || baseUrlInClear(baseUrl)) return;
  throw new AuthError(
    `OAuth2 scheme '${scheme}': the ${what} must use https (plain http only to this machine, or for a source whose base URL is plain http): ${url.origin}`,
    "token_request_failed",
  );
}

function baseUrlInClear(baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return false;
  try {
    return new URL(baseUrl).protocol === "http:";
  } catch {
    return false;
  }
}

async function postTokenRequest(
  doFetch: typeof fetch,
  url: URL,
  grant: TokenGrant,
  timeoutMs: number,
): Promise<Response> {
  const form = new URLSearchParams(grant.form);
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  if (grant.client.secret !== undefined) {
    // RFC 6749 2.3.1: the id and secret are form-encoded before they go into the Basic header.
    const basic = Buffer.from(
      `${encodeURIComponent(grant.client.id)}:${encodeURIComponent(grant.client.secret)}`,
      "utf8",
    ).toString("base64");
    headers.authorization = `Basic ${basic}`;
  } else form.set("client_id", grant.client.id);
  try {
    return await fetchNamed(
      doFetch,
      url,
      {
        method: "POST",
        headers,
        body: form.toString(),
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
      },
      grant.addresses,
    );
  } catch (error) {
    // Refused before anything was sent: said as such, not as an unreachable endpoint.
    if (error instanceof UnpinnedFetchError)
      throw new AuthError(`OAuth2 scheme '${grant.scheme}': ${error.message}`, "token_request_failed");
    throw new AuthError(
      `OAuth2 scheme '${grant.scheme}': the token endpoint could not be reached`,
      "token_request_failed",
    );
  }
}

/** The response's JSON fields under the size bound; an unreadable or non-JSON body counts as no fields. */
async function readJsonFields(
  response: Response,
  name: string,
  what = "the token endpoint's answer",
): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(await readLimited(response, TOKEN_RESPONSE_LIMIT)));
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      throw new AuthError(
        `OAuth2 scheme '${name}': ${what} is larger than ${formatBytes(TOKEN_RESPONSE_LIMIT)}`,
        "token_request_failed",
      );
    }
    body = undefined;
  }
  return body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
}

/** The access token and its expiry (less a skew), or an error quoting only the RFC 6749 error code. */
function tokenFromResponse(
  response: Response,
  fields: Record<string, unknown>,
  name: string,
  scoped: boolean,
): IssuedToken {
  if (!response.ok) {
    const description = typeof fields.error_description === "string" ? fields.error_description : "";
    if (
      fields.error === "invalid_scope" ||
      (scoped && fields.error === "access_denied" && /scope/i.test(description))
    ) {
      throw new ScopeRefused(name, response.status, fields.error, description);
    }
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
  rememberCredential(token, { rotating: true });
  const lifetime =
    typeof fields.expires_in === "number" && fields.expires_in > 0
      ? fields.expires_in
      : DEFAULT_TOKEN_LIFETIME_S;
  const skew = Math.min(EXPIRY_SKEW_MS, (lifetime * 1000) / 2);
  const refreshToken =
    typeof fields.refresh_token === "string" && fields.refresh_token !== ""
      ? fields.refresh_token
      : undefined;
  return {
    token,
    expiresAt: performance.now() + lifetime * 1000 - skew,
    ...(refreshToken ? { refreshToken } : {}),
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
