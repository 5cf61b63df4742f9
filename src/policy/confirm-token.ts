import type { Principal } from "../chain.js";
import { createMemoryStore, type StateStore, StoreUnavailableError } from "../state/index.js";
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
 * Single use: a verified nonce is claimed in the state store (`src/state/`) until the token's expiry, so a token
 * works once across every process sharing the store (replicas on Redis) and across restarts (the embedded file).
 * The store unreachable, the token is refused (`unavailable`, not spent: the same call may be retried when it is
 * back); a store that lost its memory since the token was issued refuses it (`forgotten`).
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
      reason:
        | "malformed"
        | "signature"
        | "kind"
        | "tool"
        | "arguments"
        | "caller"
        | "expired"
        | "reused"
        | "forgotten"
        | "unavailable";
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
  /** Issued at, epoch milliseconds (a store that lost its memory after this refuses the token). */
  i: number;
  n: string;
}

const PREFIX = "tw1.";

/**
 * How much longer than the confirmation's lifetime an elicitation round's state lives. The server waits for the
 * user's answer for the lifetime (`inRevisionWords`), from the moment the question is sent, which is after the
 * state was issued; the answer is checked after it arrives. The state must still be valid then, or an answer the
 * server waited for would be refused as expired: these seconds cover the moments between (a server under load).
 */
export const ANSWER_GRACE_SECONDS = 10;

/** node:crypto, loaded when a token is first made or checked (not at start-up). */
const crypto = () => process.getBuiltinModule("node:crypto");
const MAX_TOKEN_LENGTH = 1024;

/**
 * A key for one purpose of one catalog, from the shared secret (or any per-process random root). Bound to the
 * catalog name, so two catalogs sharing a secret do not accept each other's tokens.
 */
export function deriveKey(catalog: string, purpose: string, root: string): Buffer {
  return crypto()
    .createHash("sha256")
    .update(`toolwright ${purpose} v1\u0000${catalog}\u0000${root}`)
    .digest();
}

export function argumentsDigest(args: Record<string, unknown>): string {
  return crypto()
    .createHash("sha256")
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
  return crypto().createHash("sha256").update(`toolwright caller v1\u0000${who}`).digest("base64url");
}

export interface TokenOptions {
  key: Buffer;
  ttlSeconds: number;
  now?: () => number;
  /** Where spent nonces are claimed (default: this process's memory). */
  store?: StateStore;
  /** Namespace of the nonces in the store (the catalog's name). */
  namespace?: string;
  /**
   * Set when the key is random per process (no shared secret): the env that would share it, if the catalog names
   * one. A refused signature then says that a token from another process of the same server is refused too.
   */
  perProcess?: { secretEnv?: string };
}

export class ConfirmationTokens {
  private readonly now: () => number;
  private readonly store: StateStore;
  private remembering = false;

  constructor(private readonly options: TokenOptions) {
    // Wall time, not a monotonic clock: a token's expiry is written into it and checked by whichever process
    // redeems it (another replica with the same key, a restarted server), and its nonce's expiry is kept in the
    // shared store (Redis) for all of them; a clock private to this process means nothing to the others.
    this.now = options.now ?? Date.now;
    this.store = options.store ?? createMemoryStore(this.now);
  }

  /**
   * For the refusal of a signature this process did not make, when its key is its own: another replica, or a
   * bridge that starts a server per request (supergateway's stateless stdio -> Streamable HTTP), issued the token.
   */
  get perProcessNote(): string | undefined {
    const per = this.options.perProcess;
    if (!per) return undefined;
    const fix = per.secretEnv
      ? `set ${per.secretEnv} to the same value (at least 16 characters) for every process of it`
      : "run it as one process";
    return `This server signs tokens with a key of its own process, so a token another process of the same server issued (another replica, or a bridge that starts a server per request) is refused too: its operator can ${fix}.`;
  }

  /**
   * Opens the store before the first token is issued. The embedded file is created on first use and remembers from
   * this process's start; were it created only at the first redemption, by a restarted process, a token issued
   * before the restart would be refused as `forgotten`. A store that does not answer is not an error here: the
   * token is issued and its redemption is refused (`unavailable`, not spent) until the store is back.
   */
  async prepare(): Promise<void> {
    if (this.remembering) return;
    try {
      await this.store.ping();
      this.remembering = true;
    } catch {
      // Refused at redemption, where the caller is told why.
    }
  }

  /** A token for this tool, these arguments and this caller (`callerDigest`). */
  issue(kind: TokenKind, tool: string, args: Record<string, unknown>, caller: string): IssuedToken {
    const now = this.now();
    // A preview says its expiry (at most the lifetime away); a round's state outlives the wait for the answer.
    const expiresAt =
      kind === "preview"
        ? (Math.floor(now / 1000) + this.options.ttlSeconds) * 1000
        : (Math.ceil(now / 1000) + this.options.ttlSeconds + ANSWER_GRACE_SECONDS) * 1000;
    const payload: Payload = {
      v: 1,
      k: kind === "preview" ? "p" : "e",
      t: tool,
      h: argumentsDigest(args),
      c: caller,
      x: expiresAt / 1000,
      i: now,
      n: crypto().randomBytes(16).toString("base64url"),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return { token: `${PREFIX}${body}.${this.sign(body)}`, expiresAt };
  }

  /** Checks `token` for this tool, these arguments and this caller, and spends it when it is good. */
  async verify(
    token: string,
    kind: TokenKind,
    tool: string,
    args: Record<string, unknown>,
    caller: string,
  ): Promise<TokenCheck> {
    if (token.length > MAX_TOKEN_LENGTH || !token.startsWith(PREFIX))
      return { ok: false, reason: "malformed" };
    const [body, signature, extra] = token.slice(PREFIX.length).split(".");
    if (!body || !signature || extra !== undefined) return { ok: false, reason: "malformed" };
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !crypto().timingSafeEqual(given, expected)) {
      return { ok: false, reason: "signature" };
    }
    let payload: Payload;
    try {
      payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Payload;
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (
      payload?.v !== 1 ||
      typeof payload.n !== "string" ||
      typeof payload.x !== "number" ||
      typeof payload.i !== "number"
    ) {
      return { ok: false, reason: "malformed" };
    }
    if (payload.k !== (kind === "preview" ? "p" : "e")) return { ok: false, reason: "kind" };
    if (payload.t !== tool) return { ok: false, reason: "tool" };
    if (payload.h !== argumentsDigest(args)) return { ok: false, reason: "arguments" };
    if (payload.c !== caller) return { ok: false, reason: "caller" };
    const now = this.now();
    if (payload.x * 1000 <= now) return { ok: false, reason: "expired" };
    return this.spend(payload);
  }

  /** Claims the nonce in the store: once, across processes and restarts; refused while the store is unavailable. */
  private async spend(payload: Payload): Promise<TokenCheck> {
    const key = `${this.options.namespace ?? "catalog"}:spent:${payload.n}`;
    try {
      const claimed = await this.store.claim({ key, issuedAt: payload.i, expiresAt: payload.x * 1000 });
      if (claimed === "claimed") return { ok: true };
      return { ok: false, reason: claimed === "taken" ? "reused" : "forgotten" };
    } catch (error) {
      if (error instanceof StoreUnavailableError) return { ok: false, reason: "unavailable" };
      throw error;
    }
  }

  private sign(body: string): string {
    return crypto().createHmac("sha256", this.options.key).update(`${PREFIX}${body}`).digest("base64url");
  }
}
