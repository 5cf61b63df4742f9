import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { HttpError } from "./errors.js";

export const TOKEN_ISSUER = "https://auth.scalyapps.io/reference";

export interface SessionClaims {
  iss: string;
  sub: string;
  ws: string;
  scope: string;
  iat: number;
  exp: number;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * Session tokens are HS256 JWTs, like the OIDC tokens `scaly auth login` stores: clients may decode `exp` to show
 * the token's status, and only this upstream (which holds the key) can mint or verify them.
 */
export class SessionTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly workspaceId: string) {}

  issue(opts: { expiresInSec?: number; subject?: string } = {}): string {
    const iat = Math.floor(Date.now() / 1000);
    const claims: SessionClaims = {
      iss: TOKEN_ISSUER,
      sub: opts.subject ?? "member_owner",
      ws: this.workspaceId,
      scope: "db storage logs",
      iat,
      exp: iat + (opts.expiresInSec ?? 3600),
    };
    const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** Claims of a valid `Authorization: Bearer` token, or an HttpError(401) that says what to do. */
  verify(authorization: string | undefined): SessionClaims {
    const relogin = "Run `scaly auth login` to get a new session token (or set SCALY_OIDC_TOKEN).";
    if (!authorization) {
      throw unauthorized("SESSION_TOKEN_MISSING", `The session token is missing. ${relogin}`);
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match?.[1];
    if (!token) {
      throw unauthorized(
        "SESSION_TOKEN_MISSING",
        `Expected "Authorization: Bearer <session token>". ${relogin}`,
      );
    }
    if (token.startsWith("sk_")) {
      throw unauthorized(
        "SESSION_TOKEN_INVALID",
        `That is a Scaly API key; the data plane needs a session token. ${relogin}`,
      );
    }
    const [header, payload, signature] = token.split(".");
    if (!header || !payload || !signature || !this.matches(`${header}.${payload}`, signature)) {
      throw unauthorized("SESSION_TOKEN_INVALID", `The session token is not valid. ${relogin}`);
    }
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as SessionClaims;
    if (claims.exp * 1000 <= Date.now()) {
      const at = new Date(claims.exp * 1000).toISOString();
      throw unauthorized("SESSION_TOKEN_EXPIRED", `The session token expired at ${at}. ${relogin}`);
    }
    return claims;
  }

  private sign(data: string): string {
    return createHmac("sha256", this.key).update(data).digest("base64url");
  }

  private matches(data: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(data));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

function unauthorized(code: string, message: string): HttpError {
  return new HttpError(401, code, message);
}
