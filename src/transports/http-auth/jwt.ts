import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from "jose";
import type { Challenge } from "./challenge.js";
import { type IssuerDirectory, IssuerUnavailableError } from "./issuers.js";

/**
 * OAuth resource-server verification of JWT access tokens: signature (against the issuer's JWKS, asymmetric
 * algorithms only), `iss` (one of the configured authorization servers), `aud` (this resource, exactly),
 * `exp` (required), `nbf`, then the required scopes. Failure messages say which check failed, never the token.
 */

export const ACCEPTED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

export interface JwtPrincipal {
  issuer: string;
  subject?: string;
  clientId?: string;
  scopes: string[];
  /** Seconds since the epoch. */
  expiresAt: number;
}

export type JwtResult =
  | { ok: true; principal: JwtPrincipal }
  | { ok: false; challenge: Challenge }
  | { ok: false; unavailable: string; retryAfter: number; repeated?: boolean };

function invalid(description: string): JwtResult {
  return { ok: false, challenge: { status: 401, error: "invalid_token", description } };
}

/** `scope` (RFC 9068: space-separated) or `scp` (string or array, as some issuers write it). */
export function scopesOf(claims: Record<string, unknown>): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return raw.split(" ").filter((s) => s !== "");
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the access token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "the access token was not issued for this resource (aud)";
    if (error.claim === "iss") return "the access token's issuer is not accepted (iss)";
    if (error.claim === "nbf") return "the access token is not valid yet (nbf)";
    if (error.claim === "exp") return "the access token has no expiry (exp)";
    return `the access token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return "the access token's signing algorithm is not accepted";
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return "the access token's signature does not verify";
  return "the access token is not a valid JWT";
}

/**
 * Explicit typing (RFC 8725 3.11, RFC 9068): a token whose issuer types it must be typed as an access token
 * (`at+jwt`, `application/at+jwt`). The generic `JWT` and no `typ` at all are accepted, since many issuers
 * type nothing; any other type (an ID token, a DPoP proof, a logout or security event token) is refused.
 */
const ACCESS_TOKEN_TYPES = new Set(["at+jwt", "application/at+jwt", "jwt", "application/jwt"]);

function explicitTypeProblem(token: string): string | undefined {
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(token).typ;
  } catch {
    return "the access token is not a valid JWT";
  }
  if (typ === undefined) return undefined;
  if (typeof typ === "string" && ACCESS_TOKEN_TYPES.has(typ.toLowerCase())) return undefined;
  return "the token is not typed as an access token (typ must be at+jwt)";
}

export function createJwtVerifier(options: {
  issuers: IssuerDirectory;
  /** The resource identifier tokens must be issued for (the MCP endpoint URL). */
  resource: () => string;
  requiredScopes: readonly string[];
}) {
  return async (token: string): Promise<JwtResult> => {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return invalid("the access token is not a valid JWT");
    }
    const typeProblem = explicitTypeProblem(token);
    if (typeProblem) return invalid(typeProblem);
    const issuer = typeof iss === "string" ? options.issuers.match(iss) : undefined;
    if (!issuer) return invalid("the access token's issuer is not accepted (iss)");
    let keys: IssuerKeys;
    try {
      keys = await options.issuers.keysFor(issuer);
    } catch (error) {
      if (error instanceof IssuerUnavailableError) return unavailable(error);
      throw error;
    }
    const verified = await verifiedClaims(token, keys, issuer, options.resource());
    if (!verified.ok) return verified.failure;
    const { claims } = verified;
    const scopes = scopesOf(claims);
    const missing = options.requiredScopes.filter((scope) => !scopes.includes(scope));
    if (missing.length > 0) return insufficientScope(missing, options.requiredScopes);
    return { ok: true, principal: principalOf(keys.issuer, claims, scopes) };
  };
}

type IssuerKeys = Awaited<ReturnType<IssuerDirectory["keysFor"]>>;

/**
 * The token's claims once its signature, issuer, audience (this resource), algorithm and expiry verify; a
 * failure says which check failed, or that the issuer's signing keys could not be fetched.
 */
async function verifiedClaims(
  token: string,
  keys: IssuerKeys,
  issuer: string,
  resource: string,
): Promise<{ ok: true; claims: Record<string, unknown> } | { ok: false; failure: JwtResult }> {
  try {
    const verified = await jwtVerify(token, keys.keys, {
      issuer: keys.issuer,
      audience: [resource, `${resource}/`],
      algorithms: ACCEPTED_ALGORITHMS,
      requiredClaims: ["exp"],
      clockTolerance: 30,
    });
    return { ok: true, claims: verified.payload as Record<string, unknown> };
  } catch (error) {
    // The key set fetch's own failures (an error status, no key set, a network failure: see keySetFetch).
    if (error instanceof IssuerUnavailableError) return { ok: false, failure: unavailable(error) };
    if (
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      !(error instanceof errors.JOSEError)
    )
      return {
        ok: false,
        failure: unavailable(
          new IssuerUnavailableError(`the signing keys of ${issuer} could not be fetched`),
        ),
      };
    return { ok: false, failure: invalid(describeFailure(error)) };
  }
}

function unavailable(error: IssuerUnavailableError): JwtResult {
  return {
    ok: false,
    unavailable: error.message,
    retryAfter: error.retryAfter,
    ...(error.repeated ? { repeated: true } : {}),
  };
}

function insufficientScope(missing: string[], required: readonly string[]): JwtResult {
  return {
    ok: false,
    challenge: {
      status: 403,
      error: "insufficient_scope",
      description: `the access token lacks scope ${missing.join(" ")}`,
      scope: required.join(" "),
    },
  };
}

/** Who the verified token speaks for: issuer, subject, client (`client_id` or `azp`), scopes and expiry. */
function principalOf(issuer: string, claims: Record<string, unknown>, scopes: string[]): JwtPrincipal {
  const clientId = claims.client_id ?? claims.azp;
  return {
    issuer,
    ...(typeof claims.sub === "string" ? { subject: claims.sub } : {}),
    ...(typeof clientId === "string" ? { clientId } : {}),
    scopes,
    expiresAt: claims.exp as number,
  };
}
