/**
 * RFC 6750 / RFC 9728 challenges. A request without credentials gets a bare challenge naming the metadata
 * document (and the scope when one is required); a bad token gets `error="invalid_token"`; a token without the
 * required scopes gets 403 `error="insufficient_scope"` with the scopes it needs.
 */

export type AuthError = "invalid_request" | "invalid_token" | "insufficient_scope";

export interface Challenge {
  status: 400 | 401 | 403;
  error?: AuthError;
  description?: string;
  /** Space-separated scopes the client should request. */
  scope?: string;
}

/** Quoted-string content: no quotes, backslashes or control characters. */
function quoted(value: string): string {
  return `"${value.replace(/["\\\u0000-\u001f\u007f]/g, "")}"`;
}

export function wwwAuthenticate(challenge: Challenge, resourceMetadataUrl: string): string {
  const params = [`resource_metadata=${quoted(resourceMetadataUrl)}`];
  if (challenge.error) params.push(`error=${quoted(challenge.error)}`);
  if (challenge.description) params.push(`error_description=${quoted(challenge.description)}`);
  if (challenge.scope) params.push(`scope=${quoted(challenge.scope)}`);
  return `Bearer ${params.join(", ")}`;
}

export function challengeBody(challenge: Challenge): { error: string; error_description: string } {
  return {
    error: challenge.error ?? "unauthorized",
    error_description: challenge.description ?? "this endpoint needs an Authorization: Bearer token",
  };
}
