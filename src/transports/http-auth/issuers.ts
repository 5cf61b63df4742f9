import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from "jose";
import { checkNamedUrl, type Lookup, systemLookup } from "../../config/reach.js";
import { fetchNamed, UnpinnedFetchError } from "../../executors/named-fetch.js";
import { ResponseTooLargeError, readLimited } from "../../executors/response.js";
import { formatBytes } from "../../telemetry/bytes.js";
import { isLoopback } from "../http-settings.js";

/**
 * The authorization servers whose tokens this resource accepts. Each issuer's signing keys are found the
 * standard way: its RFC 8414 metadata (or OpenID Connect discovery) names a `jwks_uri`, which jose fetches and
 * caches (refetching on an unknown `kid` at most once per 30 s, so key rotation needs no restart and tokens naming
 * any number of unknown kids make one fetch). Discovery runs on the first token from an issuer.
 *
 * A failure (metadata or key set unreachable, answering an error status, no JSON, no key set) is held for
 * `HOLD_MS`: tokens naming that issuer meanwhile are answered from the failure, without fetching again. Anyone who
 * can reach the port can send a token naming a configured issuer, signed or not, so without the hold every such
 * request during an outage made this server fetch the issuer's documents again (three metadata locations each).
 */

/** How long a failure to fetch an issuer's metadata or keys is answered without asking again. */
export const HOLD_MS = 5_000;

export class IssuerUnavailableError extends Error {
  constructor(
    message: string,
    /** Seconds until the issuer is asked again (the Retry-After of the 503). */
    readonly retryAfter: number = HOLD_MS / 1000,
    /** Answered from a failure already met (and already said), not from a fetch of this request. */
    readonly repeated = false,
  ) {
    super(message);
    this.name = "IssuerUnavailableError";
  }
}

/** Metadata documents and key sets are small; a bigger answer is refused rather than read into memory. */
const DOCUMENT_LIMIT = 256 * 1024;

export interface IssuerKeys {
  /** The issuer exactly as its metadata states it (what `iss` must equal). */
  issuer: string;
  keys: JWTVerifyGetKey;
}

export interface IssuerDirectoryOptions {
  /** Per metadata/JWKS fetch. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * The clock failures are held by (milliseconds; default `performance.now`, monotonic: the holds are this
   * process's own, so a wall-clock step, NTP or a VM resumed, neither ends one early nor stretches it).
   */
  now?: () => number;
  /** How a key set's host name is resolved to check the network it is on (`reach.ts`; default `dns.lookup`). */
  lookup?: Lookup;
}

/** Metadata locations for an issuer, in the order MCP clients try them. */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
  return [...new Set(urls)];
}

/** Issuers compare as strings; one trailing slash of difference is tolerated (configs often disagree on it). */
export function sameIssuer(a: string, b: string): boolean {
  return a === b || a.replace(/\/$/, "") === b.replace(/\/$/, "");
}

export function createIssuerDirectory(issuers: readonly string[], options: IssuerDirectoryOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 5000;
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => performance.now());
  const discovery: Discovery = { doFetch, timeoutMs, now, lookup: options.lookup ?? systemLookup };
  const cache = new Map<string, Promise<IssuerKeys>>();
  const failures = new Map<string, Hold>();

  return {
    /** The configured issuer a token's `iss` names, if any. */
    match(iss: string): string | undefined {
      return issuers.find((issuer) => sameIssuer(issuer, iss));
    },
    keysFor(issuer: string): Promise<IssuerKeys> {
      let entry = cache.get(issuer);
      if (!entry) {
        const held = failures.get(issuer);
        if (held) {
          const error = held.error(now());
          if (error) return Promise.reject(error);
          failures.delete(issuer);
        }
        entry = discover(issuer, discovery).catch((error: unknown) => {
          cache.delete(issuer);
          const unavailable =
            error instanceof IssuerUnavailableError
              ? error
              : new IssuerUnavailableError(`authorization server ${issuer}: ${(error as Error).name}`);
          failures.set(issuer, new Hold(unavailable.message, now()));
          throw unavailable;
        });
        cache.set(issuer, entry);
      }
      return entry;
    },
  };
}

export type IssuerDirectory = ReturnType<typeof createIssuerDirectory>;

interface Discovery {
  doFetch: typeof fetch;
  /** Per metadata/JWKS fetch. */
  timeoutMs: number;
  now: () => number;
  lookup: Lookup;
}

/** A failure met at `since`: answered again, without fetching, until `HOLD_MS` later. */
class Hold {
  constructor(
    private readonly message: string,
    private readonly since: number,
  ) {}

  /** The failure to answer at `now` (the directory's monotonic clock), or undefined once the hold is over. */
  error(now: number): IssuerUnavailableError | undefined {
    const left = this.since + HOLD_MS - now;
    if (left <= 0) return undefined;
    return new IssuerUnavailableError(this.message, Math.ceil(left / 1000), true);
  }
}

interface MetadataDocument {
  issuer?: unknown;
  jwks_uri?: unknown;
}

/**
 * jose's JWKS fetch, through the same fetch and under the same size bound as the metadata. Anything but a 200
 * with a JSON key set is the issuer being unavailable (jose would call an error status or a maintenance page an
 * invalid token: 401, and the client throws a good token away), and is held as discovery failures are.
 */
function keySetFetch(issuer: string, metadata: URL, discovery: Discovery): FetchImplementation {
  const { doFetch, now, lookup } = discovery;
  let held: Hold | undefined;
  return async (url, init) => {
    const repeated = held?.error(now());
    if (repeated) throw repeated;
    try {
      // Checked before every fetch, not once: a name can be pointed elsewhere between key rotations. The fetch
      // connects to the addresses the check passed, not to what the name answers next (DNS rebinding).
      const checked = await checkNamedUrl(new URL(url), metadata, lookup);
      if (checked.refused !== undefined)
        throw new IssuerUnavailableError(
          `the signing keys of ${issuer}: ${url} is refused: ${checked.refused}`,
        );
      const response = await fetchNamed(doFetch, url, init, checked.addresses);
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => {});
        throw new IssuerUnavailableError(`the signing keys of ${issuer}: ${url} answered ${response.status}`);
      }
      const bytes = await readLimited(response, DOCUMENT_LIMIT);
      if (!isKeySet(bytes))
        throw new IssuerUnavailableError(`the signing keys of ${issuer}: ${url} is not a JSON key set`);
      held = undefined;
      return new Response(bytes, { status: 200, headers: response.headers });
    } catch (error) {
      const message =
        error instanceof IssuerUnavailableError
          ? error.message
          : error instanceof UnpinnedFetchError
            ? `the signing keys of ${issuer}: ${url} is refused: ${error.message}`
            : error instanceof ResponseTooLargeError
              ? `the signing keys of ${issuer}: ${url} is larger than ${formatBytes(DOCUMENT_LIMIT)}`
              : `the signing keys of ${issuer} could not be fetched (${(error as Error).name})`;
      held = new Hold(message, now());
      // A timeout stays what it is (jose reads its name); anything else says what went wrong.
      if ((error as Error).name === "TimeoutError") throw error;
      throw error instanceof IssuerUnavailableError ? error : new IssuerUnavailableError(message);
    }
  };
}

function isKeySet(bytes: Uint8Array): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return false;
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  return Array.isArray(keys) && keys.every((key) => key !== null && typeof key === "object");
}

/** The issuer's signing keys, from the first of its metadata locations that answers with a document. */
async function discover(issuer: string, discovery: Discovery): Promise<IssuerKeys> {
  // Every location's answer is said: the one that matters (a 5xx, a timeout) is often not the last (a 404).
  const problems: string[] = [];
  for (const url of metadataUrls(issuer)) {
    const found = await fetchMetadata(url, discovery);
    if ("problem" in found) {
      problems.push(found.problem);
      continue;
    }
    const trusted = trustedKeySet(found.doc, url, issuer);
    return {
      issuer: trusted.issuer,
      keys: createRemoteJWKSet(trusted.jwks, {
        timeoutDuration: discovery.timeoutMs,
        cooldownDuration: 30_000,
        [customFetch]: keySetFetch(issuer, new URL(url), discovery),
      }),
    };
  }
  throw new IssuerUnavailableError(
    `authorization server ${issuer}: ${problems.join("; ") || "no metadata document found"}`,
  );
}

/** One metadata location's JSON object, or why there is none there (the next location is tried). */
async function fetchMetadata(
  url: string,
  { doFetch, timeoutMs }: Discovery,
): Promise<{ doc: MetadataDocument } | { problem: string }> {
  let response: Response;
  try {
    response = await doFetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { problem: `fetching ${url} failed (${(error as Error).name})` };
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    return { problem: `${url} answered ${response.status}` };
  }
  let doc: MetadataDocument;
  try {
    doc = JSON.parse(
      new TextDecoder().decode(await readLimited(response, DOCUMENT_LIMIT)),
    ) as MetadataDocument;
  } catch (error) {
    return {
      problem:
        error instanceof ResponseTooLargeError
          ? `${url} is larger than ${formatBytes(DOCUMENT_LIMIT)}`
          : `${url} is not JSON`,
    };
  }
  if (doc === null || typeof doc !== "object") return { problem: `${url} is not a JSON object` };
  return { doc };
}

/** The issuer and key set URL a metadata document names, once it is known to be about this issuer and safe. */
function trustedKeySet(doc: MetadataDocument, url: string, issuer: string): { issuer: string; jwks: URL } {
  // RFC 8414 section 3.3: the metadata must be about the issuer we asked for, or it is not to be trusted.
  if (typeof doc.issuer !== "string" || !sameIssuer(doc.issuer, issuer)) {
    throw new IssuerUnavailableError(`metadata at ${url} names another issuer`);
  }
  if (typeof doc.jwks_uri !== "string")
    throw new IssuerUnavailableError(`metadata at ${url} has no jwks_uri`);
  let jwks: URL;
  try {
    jwks = new URL(doc.jwks_uri);
  } catch {
    throw new IssuerUnavailableError(`metadata at ${url} has an invalid jwks_uri`);
  }
  // Plain http only to this machine: the same loopback test as the transport's (IP literals, not names
  // that merely start with "127.").
  if (jwks.protocol !== "https:" && !(jwks.protocol === "http:" && isLoopback(jwks.hostname))) {
    throw new IssuerUnavailableError(`the jwks_uri of ${issuer} must use https`);
  }
  return { issuer: doc.issuer, jwks };
}
