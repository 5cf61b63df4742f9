import { createRemoteJWKSet, customFetch, type FetchImplementation, type JWTVerifyGetKey } from "jose";
import { formatBytes, ResponseTooLargeError, readLimited } from "../../executors/response.js";
import { isLoopback } from "../http-settings.js";

/**
 * The authorization servers whose tokens this resource accepts. Each issuer's signing keys are found the
 * standard way: its RFC 8414 metadata (or OpenID Connect discovery) names a `jwks_uri`, which jose fetches and
 * caches (refetching on an unknown `kid`, so key rotation needs no restart). Discovery runs on the first token
 * from an issuer; a failure is not cached, so the next request tries again.
 */

export class IssuerUnavailableError extends Error {
  constructor(message: string) {
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
  const discovery: Discovery = { doFetch, timeoutMs, jwksFetch: boundedFetch(doFetch) };
  const cache = new Map<string, Promise<IssuerKeys>>();

  return {
    /** The configured issuer a token's `iss` names, if any. */
    match(iss: string): string | undefined {
      return issuers.find((issuer) => sameIssuer(issuer, iss));
    },
    keysFor(issuer: string): Promise<IssuerKeys> {
      let entry = cache.get(issuer);
      if (!entry) {
        entry = discover(issuer, discovery);
        cache.set(issuer, entry);
        entry.catch(() => cache.delete(issuer));
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
  jwksFetch: FetchImplementation;
}

interface MetadataDocument {
  issuer?: unknown;
  jwks_uri?: unknown;
}

/** jose's JWKS fetch, through the same fetch and under the same size bound as the metadata. */
function boundedFetch(doFetch: typeof fetch): FetchImplementation {
  return async (url, init) => {
    const response = await doFetch(url, init);
    const bytes = await readLimited(response, DOCUMENT_LIMIT);
    return new Response(bytes.byteLength > 0 ? bytes : null, {
      status: response.status,
      headers: response.headers,
    });
  };
}

/** The issuer's signing keys, from the first of its metadata locations that answers with a document. */
async function discover(issuer: string, discovery: Discovery): Promise<IssuerKeys> {
  let lastProblem = "no metadata document found";
  for (const url of metadataUrls(issuer)) {
    const found = await fetchMetadata(url, discovery);
    if ("problem" in found) {
      lastProblem = found.problem;
      continue;
    }
    const trusted = trustedKeySet(found.doc, url, issuer);
    return {
      issuer: trusted.issuer,
      keys: createRemoteJWKSet(trusted.jwks, {
        timeoutDuration: discovery.timeoutMs,
        cooldownDuration: 30_000,
        [customFetch]: discovery.jwksFetch,
      }),
    };
  }
  throw new IssuerUnavailableError(`authorization server ${issuer}: ${lastProblem}`);
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
