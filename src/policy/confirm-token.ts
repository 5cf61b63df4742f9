import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Principal } from "../chain.js";
import { canonicalJson, withoutToken } from "./canonical.js";

/**
 * Confirmation tokens: signed, not stored. A token is `tw1.<payload>.<signature>` (base64url), the payload
 * binding the tool, a digest of the canonical arguments (the token itself left out), a digest of the caller (the
 * principal the transport authenticated: a JWT's issuer, subject and client id, or the static key; over stdio the
 * one local client), an expiry, a nonce and the kind (`preview`: handed out in a preview, accepted as the `confirmation_token` argument; `elicit`: the
 * request state of an elicitation round, accepted only back as request state). The signature is HMAC-SHA256
 * under a key derived from the catalog's shared secret (every replica verifies what another issued) or, when
 * none is set, from a random per-process key.
 *
 * Single use: a verified nonce is remembered until its expiry, so a token works once per process. (Across
 * replicas without shared state a token could be replayed once per replica within its lifetime; the lifetime
 * is short and the replay repeats the very call that was confirmed.)
 */

export type TokenKind = "preview" | "elicit";

export interface IssuedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type TokenCheck =
  | { ok: true }
  | {
      ok: false;
      reason: "malformed" | "signature" | "kind" | "tool" | "arguments" | "caller" | "expired" | "reused";
    };

interface Payload {
  v: 1;
  k: "p" | "e";
  t: string;
  /** base64url sha256 of the canonical arguments. */
  h: string;
  /** base64url sha256 of the caller (see `callerDigest`). */
  c: string;
  /** Expiry, epoch seconds. */
  x: number;
  n: string;
}

const PREFIX = "tw1.";
const MAX_TOKEN_LENGTH = 1024;

/**
 * A key for one purpose of one catalog, from the shared secret (or any per-process random root). Bound to the
 * catalog name, so two catalogs sharing a secret do not accept each other's tokens.
 */
export function deriveKey(catalog: string, purpose: string, root: string): Buffer {
  return createHash("sha256").update(`toolwright ${purpose} v1\u0000${catalog}\u0000${root}`).digest();
}

export function argumentsDigest(args: Record<string, unknown>): string {
  return createHash("sha256")
    .update(canonicalJson(withoutToken(args)))
    .digest("base64url");
}

/**
 * Who a token is bound to: a digest of the authenticated principal's identifiers (never a credential), or of
 * "local" when the transport authenticated no one (stdio: the one client that started the process). A token
 * issued to one principal is refused for every other, so over HTTP one caller cannot spend another's preview.
 */
export function callerDigest(principal: Principal | undefined): string {
  const who = principal
    ? canonicalJson({
        kind: principal.kind,
        issuer: principal.issuer,
        subject: principal.subject,
        clientId: principal.clientId,
      })
    : "local";
  return createHash("sha256").update(`toolwright caller v1\u0000${who}`).digest("base64url");
}

export interface TokenOptions {
  key: Buffer;
  ttlSeconds: number;
  now?: () => number;
}

export class ConfirmationTokens {
  private readonly spent = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: TokenOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A token for this tool, these arguments and this caller (`callerDigest`). */
  issue(kind: TokenKind, tool: string, args: Record<string, unknown>, caller: string): IssuedToken {
    const expiresAt = (Math.floor(this.now() / 1000) + this.options.ttlSeconds) * 1000;
    const payload: Payload = {
      v: 1,
      k: kind === "preview" ? "p" : "e",
      t: tool,
      h: argumentsDigest(args),
      c: caller,
      x: expiresAt / 1000,
      n: randomBytes(16).toString("base64url"),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return { token: `${PREFIX}${body}.${this.sign(body)}`, expiresAt };
  }

  /** Checks `token` for this tool, these arguments and this caller, and spends it when it is good. */
  verify(
    token: string,
    kind: TokenKind,
    tool: string,
    args: Record<string, unknown>,
    caller: string,
  ): TokenCheck {
    if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX))
      return { ok: false, reason: "malformed" };
    const [body, signature, extra] = token.slice(PREFIX.length).split(".");
    if (!body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: "signature" };
    }
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (payload?.v !== 1 || typeof payload.n !== "string" || typeof payload.x !== "number") {
      return { ok: false, reason: "malformed" };
    }
    if (payload.k !== (kind === "preview" ? "p" : "e")) return { ok: false, reason: "kind" };
    if (payload.t !== tool) return { ok: false, reason: "tool" };
    if (payload.h !== argumentsDigest(args)) return { ok: false, reason: "arguments" };
    if (payload.c !== caller) return { ok: false, reason: "caller" };
    const now = this.now();
    if (payload.x * 1000 <= now) return { ok: false, reason: "expired" };
    this.prune(now);
    if (this.spent.has(payload.n)) return { ok: false, reason: "reused" };
    this.spent.set(payload.n, payload.x * 1000);
    return { ok: true };
  }

  private sign(body: string): string {
    return createHmac("sha256", this.options.key).update(`${PREFIX}${body}`).digest("base64url");
  }

  private prune(now: number): void {
    for (const [nonce, expiresAt] of this.spent) if (expiresAt <= now) this.spent.delete(nonce);
  }
}
