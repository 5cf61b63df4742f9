import type { AuthScheme, Source } from "../catalog.js";
import type { Config } from "../config/config.js";
import {
  AuthError,
  type AuthPlacement,
  headerSafe,
  placeStaticCredential,
  type ResolvedCredential,
  resolveCredential,
  type StaticCredential,
} from "./upstream-credentials.js";
import { type ApplyOptions, type AuthOptions, createOAuthTokens } from "./upstream-oauth2.js";

/**
 * Credentials for one source, applied per the binding's `security` alternatives. Credentials come from the
 * catalog's value sources only (env, files); tool arguments never reach this module. The per-scheme providers
 * live in `upstream-credentials.ts`, OAuth2 tokens (client credentials, renewal of user tokens) in
 * `upstream-oauth2.ts`.
 */

export { AuthError, type AuthPlacement } from "./upstream-credentials.js";
export type { ApplyOptions, AuthOptions } from "./upstream-oauth2.js";

/** A credential that is a token from (or renewed by) an OAuth2 server. */
type TokenCredential = Extract<ResolvedCredential, { kind: "oauth2" | "userToken" }>;

export interface Authenticator {
  apply(security: readonly string[][], options: ApplyOptions): Promise<AuthPlacement>;
  /**
   * `apply`'s placement, made at once when the alternative it picks holds static credentials only, a promise when it
   * needs a token. Throws what `apply` rejects with, synchronously.
   */
  place(security: readonly string[][], options: ApplyOptions): AuthPlacement | Promise<AuthPlacement>;
  /**
   * The upstream answered 401: forgets cached OAuth2 tokens and marks provided ones as refused. True when a new
   * token can be obtained (a refresh token or client credentials), so the request is worth repeating once.
   */
  invalidate(): boolean;
}

export function createAuthenticator(
  source: Source,
  config: Config,
  options: AuthOptions = {},
): Authenticator {
  const schemes = new Map(source.auth.map((scheme) => [scheme.scheme, scheme]));
  const tokens = createOAuthTokens(options);

  async function placeToken(resolved: TokenCredential, into: AuthPlacement, apply: ApplyOptions) {
    const token =
      resolved.kind === "oauth2"
        ? await tokens.clientCredentials(resolved, apply)
        : await tokens.userToken(resolved, apply);
    into.headers.push(["authorization", `Bearer ${headerSafe(token)}`]);
  }

  async function placeAll(chosen: ResolvedCredential[], into: AuthPlacement, apply: ApplyOptions) {
    // Static credentials are placed without an async step; only a token may need a request.
    for (const item of chosen) {
      if (item.kind === "oauth2" || item.kind === "userToken") await placeToken(item, into, apply);
      else placeStaticCredential(item, into);
    }
    return into;
  }

  // Whether an alternative's schemes clash depends on the catalog alone: found once per alternative, not per call.
  const clashes = new WeakMap<readonly string[], string | null>();
  const clashOf = (alternative: readonly string[]) => {
    let found = clashes.get(alternative);
    if (found === undefined) {
      found = slotClash(alternative, schemes) ?? null;
      clashes.set(alternative, found);
    }
    return found ?? undefined;
  };

  function place(security: readonly string[][], applyOptions: ApplyOptions) {
    const placement: AuthPlacement = { headers: [], query: [], cookies: [] };
    const chosen = chooseAlternative(security, schemes, config, clashOf);
    for (const item of chosen)
      if (item.kind === "oauth2" || item.kind === "userToken")
        return placeAll(chosen, placement, applyOptions);
    for (const item of chosen) placeStaticCredential(item as StaticCredential, placement);
    return placement;
  }

  return {
    async apply(security, applyOptions) {
      return place(security, applyOptions);
    },
    place,
    invalidate() {
      return tokens.rejected();
    },
  };
}

/**
 * The credentials of the first alternative of `security` whose schemes are all set (none for no alternative), or
 * the error naming what is missing from each.
 */
function chooseAlternative(
  security: readonly string[][],
  schemes: ReadonlyMap<string, AuthScheme>,
  config: Config,
  clashOf: (alternative: readonly string[]) => string | undefined,
): ResolvedCredential[] {
  if (security.length === 0) return [];
  const missingPerAlternative: string[] = [];
  const unsendable: string[] = [];
  const hints = new Set<string>();
  for (const alternative of security) {
    const clash = clashOf(alternative);
    if (clash) {
      unsendable.push(clash);
      continue;
    }
    const outcome = resolveAlternative(alternative, schemes, config, hints);
    if (outcome.missing.length === 0) return outcome.resolved;
    missingPerAlternative.push(`${outcome.missing.join(" and ")} (${alternative.join(" + ")})`);
  }
  throw missingCredentialsError(missingPerAlternative, hints, unsendable);
}

/** Where a scheme's credential goes: a header, query parameter or cookie holds one credential. */
function slotOf(scheme: AuthScheme): string {
  if (scheme.kind !== "apiKey") return "the Authorization header";
  if (scheme.in === "header")
    return scheme.name.toLowerCase() === "authorization"
      ? "the Authorization header"
      : `the header ${scheme.name.toLowerCase()}`;
  return `the ${scheme.in} ${JSON.stringify(scheme.name)}`;
}

/**
 * An alternative two of whose schemes need one slot (basic and a bearer token both as `Authorization`, two API keys
 * under one header name): one request cannot carry both, and two `Authorization` headers are read as either or
 * refused, so the alternative is skipped (the next may do), never sent half. Its reason, or undefined.
 */
export function slotClash(
  alternative: readonly string[],
  schemes: ReadonlyMap<string, AuthScheme>,
): string | undefined {
  const taken = new Map<string, string>();
  for (const name of alternative) {
    const scheme = schemes.get(name);
    if (!scheme) continue;
    const slot = slotOf(scheme);
    const other = taken.get(slot);
    if (other !== undefined)
      return `${alternative.join(" + ")} (${other} and ${name} both need ${slot}, which one request carries once)`;
    taken.set(slot, name);
  }
  return undefined;
}

/** The schemes whose credential is a token sent as `Authorization: Bearer <token>`. */
function bearerLike(scheme: AuthScheme | undefined): boolean {
  return scheme?.kind === "bearer" || scheme?.kind === "oauth2" || scheme?.kind === "oauth2ClientCredentials";
}

/** Whether a scheme obtains tokens itself (client credentials, or a refresh token or client secret to renew one). */
function renews(scheme: AuthScheme): boolean {
  if (scheme.kind === "oauth2ClientCredentials") return true;
  return scheme.kind === "oauth2" && (scheme.refreshToken !== undefined || scheme.clientSecret !== undefined);
}

/** Where a relative reference resolves: any origin but this one is named by the reference itself. */
const RELATIVE_BASE = "https://relative.invalid";

/**
 * The origin an authorization server's URL names: an absolute http(s) URL's own; a relative reference with no host
 * of its own (`/o/token`, resolved against the source's base URL, as every one of its schemes' is) the base URL's,
 * `(base URL)`. Undefined for anything else, which no other URL is known to share (text the URL parser refuses,
 * `http://[auth`; a reference naming its own host without a scheme, `//other.example/o`; another scheme, `urn:`,
 * whose origins are all "null"): compared as written, two such texts were one server, and their tokens one.
 */
function originOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = URL.canParse(url) ? new URL(url) : new URL(url, `${RELATIVE_BASE}/`);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined;
  if (parsed.origin !== RELATIVE_BASE) return parsed.origin;
  return URL.canParse(url) || /^[\\/]{2}/.test(url) ? undefined : "(base URL)";
}

/**
 * One credential shared by several schemes of a requirement: `kept` is asked for and sent, `merged` are not. `key`:
 * the slot of API keys that all name it (absent: a bearer token).
 */
export interface SharedToken {
  kept: string;
  merged: string[];
  key?: string;
}

/**
 * Schemes of one requirement (AND) that all send a bearer token in `Authorization` (http bearer, OAuth2 of any flow,
 * OpenID Connect, client credentials) from one authorization server are satisfied by one token sent once: Google's
 * specs AND an implicit-flow and an authorization-code-flow scheme of the same server in every requirement. The
 * requirement keeps one of them (the first that obtains tokens itself, else the first) and the others are dropped.
 * `endpoints` adds what the spec says of a scheme beyond the catalog (its authorization URLs). Schemes whose token,
 * discovery or authorization URLs name different origins are different servers, whose tokens differ: they stay,
 * and `slotClash` refuses the requirement, as for basic beside bearer or an API key named Authorization. So are API
 * keys of the very same slot (`sameKeys`): one key, the first scheme's, sent once.
 */
export function sharedToken(
  alternative: readonly string[],
  schemes: ReadonlyMap<string, AuthScheme>,
  endpoints: (scheme: string) => readonly string[] = () => [],
): { alternative: string[]; shared: SharedToken[] } {
  const token = oneBearer(alternative, schemes, endpoints);
  const shared = [...(token ? [token] : []), ...sameKeys(alternative, schemes)];
  if (shared.length === 0) return { alternative: [...alternative], shared };
  const merged = new Set(shared.flatMap((s) => s.merged));
  return { alternative: alternative.filter((name) => !merged.has(name)), shared };
}

/** The bearer-token schemes of an alternative that share one token (`sharedToken`), or undefined. */
function oneBearer(
  alternative: readonly string[],
  schemes: ReadonlyMap<string, AuthScheme>,
  endpoints: (scheme: string) => readonly string[],
): SharedToken | undefined {
  const tokens = alternative.filter((name) => bearerLike(schemes.get(name)));
  if (tokens.length < 2) return undefined;
  const origins = new Set<string>();
  for (const name of tokens) {
    const scheme = schemes.get(name) as AuthScheme;
    const urls = [...endpoints(name)];
    if (scheme.kind === "oauth2")
      urls.push(...[scheme.tokenUrl, scheme.discoveryUrl].filter((u) => u !== undefined));
    if (scheme.kind === "oauth2ClientCredentials") urls.push(scheme.tokenUrl);
    for (const url of urls) {
      const origin = originOf(url);
      if (origin === undefined) return undefined;
      origins.add(origin);
    }
  }
  if (origins.size > 1) return undefined;
  const kept = tokens.find((name) => renews(schemes.get(name) as AuthScheme)) ?? (tokens[0] as string);
  return { kept, merged: tokens.filter((name) => name !== kept) };
}

/**
 * API keys of one alternative that name the very same slot (one `in`; one name, exact for a query parameter or
 * cookie, case-insensitive for a header, as HTTP header names are): a request carries that slot once, so a spec
 * requiring both means one key (fec.gov ANDs `ApiKeyQueryAuth` and `apiKey`, each the query `api_key`). The first is
 * kept. Keys of different slots are each sent; an API key named Authorization beside a token still clashes.
 */
function sameKeys(alternative: readonly string[], schemes: ReadonlyMap<string, AuthScheme>): SharedToken[] {
  const bySlot = new Map<string, string[]>();
  for (const name of alternative) {
    const scheme = schemes.get(name);
    if (scheme?.kind !== "apiKey") continue;
    const slot = slotOf(scheme);
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), name]);
  }
  return [...bySlot]
    .filter(([, names]) => names.length > 1)
    .map(([slot, [kept, ...merged]]) => ({ kept: kept as string, merged, key: slot }));
}

/** What the schemes of a `SharedToken` share, for the TW142 info that says they are one credential. */
export function sharedWhat(shared: SharedToken): string {
  const kept = JSON.stringify(shared.kept);
  if (shared.key !== undefined)
    return `share one key: each sends an API key as ${shared.key}, which one request carries once, so the catalog asks for and sends ${kept}'s key once`;
  return `share one token: each sends it as "Authorization: Bearer", from one authorization server, so the catalog asks for and sends ${kept}'s token once`;
}

/**
 * Resolves every scheme of one alternative (all are needed together), synchronously. The hints of schemes left
 * empty are added to `hints`.
 */
function resolveAlternative(
  alternative: readonly string[],
  schemes: ReadonlyMap<string, AuthScheme>,
  config: Config,
  hints: Set<string>,
): { resolved: ResolvedCredential[]; missing: string[] } {
  const resolved: ResolvedCredential[] = [];
  const missing: string[] = [];
  for (const name of alternative) {
    const scheme = schemes.get(name);
    if (!scheme) throw new AuthError(`security scheme '${name}' is not defined`, "missing_credentials");
    const result = resolveCredential(scheme, config);
    if ("missing" in result) {
      missing.push(...result.missing);
      if (scheme.hint) hints.add(scheme.hint);
    } else resolved.push(result);
  }
  return { resolved, missing };
}

function missingCredentialsError(
  missingPerAlternative: string[],
  hints: Set<string>,
  unsendable: string[],
): AuthError {
  // The manifest's hints say how to obtain what is missing (e.g. the login command of the API's CLI).
  const how = hints.size > 0 ? `. ${[...hints].join(" ")}` : "";
  const set = missingPerAlternative.length > 0 ? `set ${missingPerAlternative.join(", or ")}${how}` : "";
  const cannot = unsendable.length > 0 ? `cannot send ${unsendable.join(", nor ")}` : "";
  return new AuthError(
    `missing credentials: ${[set, cannot].filter((s) => s !== "").join("; ")}`,
    "missing_credentials",
  );
}
