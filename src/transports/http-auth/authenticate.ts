import type { Challenge } from "./challenge.js";
import { createIssuerDirectory } from "./issuers.js";
import { createJwtVerifier, type JwtPrincipal } from "./jwt.js";
import { createStaticKeyCheck } from "./static-key.js";

/**
 * Who may call `/mcp`: a client presenting the static key (when the catalog's bearer env is set), or, when
 * authorization servers are configured, a JWT access token one of them issued for this resource. The presented
 * credential is only ever compared or verified here; it is never logged, echoed or sent anywhere (upstream
 * calls use the catalog's own credentials).
 */

export type Principal = { kind: "static-key" } | ({ kind: "jwt" } & JwtPrincipal);

export type AuthDecision =
  | { ok: true; principal: Principal }
  | { ok: false; challenge: Challenge }
  /** The credential could not be checked (an issuer's metadata or keys are unreachable): 503, not 401. */
  | { ok: false; unavailable: string; retryAfter: number; repeated?: boolean };

export interface AuthenticatorOptions {
  bearer?: string;
  authorizationServers: readonly string[];
  /** The resource identifier JWTs must name in `aud`. */
  resource: () => string;
  requiredScopes: readonly string[];
  issuerTimeoutMs?: number;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function createAuthenticator(options: AuthenticatorOptions) {
  const staticKey = options.bearer !== undefined ? createStaticKeyCheck(options.bearer) : undefined;
  const jwt =
    options.authorizationServers.length > 0
      ? createJwtVerifier({
          issuers: createIssuerDirectory(options.authorizationServers, {
            ...(options.issuerTimeoutMs !== undefined ? { timeoutMs: options.issuerTimeoutMs } : {}),
          }),
          resource: options.resource,
          requiredScopes: options.requiredScopes,
        })
      : undefined;
  const scope = options.requiredScopes.length > 0 ? options.requiredScopes.join(" ") : undefined;

  return async (authorization: string | undefined): Promise<AuthDecision> => {
    const match = authorization === undefined ? null : /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) {
      // No credentials (or another scheme): the bare challenge, so the client starts discovery.
      return { ok: false, challenge: { status: 401, ...(scope ? { scope } : {}) } };
    }
    const token = match[1]!;
    if (staticKey?.(token)) return { ok: true, principal: { kind: "static-key" } };
    if (jwt && JWT_SHAPE.test(token)) {
      const result = await jwt(token);
      if (result.ok) return { ok: true, principal: { kind: "jwt", ...result.principal } };
      return result;
    }
    return {
      ok: false,
      challenge: {
        status: 401,
        error: "invalid_token",
        description: jwt ? "the access token is not valid" : "the client key is not valid",
      },
    };
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
