import { logLine } from "../telemetry/log.js";
import { metrics } from "../telemetry/metrics.js";

/**
 * The state replicas must share for safety: spent confirmation tokens and rate-limit counters. One small
 * interface, three implementations: `sqlite.ts` (embedded default, one file, survives a restart on one machine),
 * `redis.ts` (any number of replicas) and `memory.ts` (one process, nothing survives; tests and throwaway runs).
 *
 * Every operation either answers or throws `StoreUnavailableError`; callers that need the store fail closed on
 * it (a confirmation is refused, a rate-limited call is refused) and everything else carries on.
 */

/** `claimed`: first use. `taken`: used before. `forgotten`: the store's memory began after `issuedAt`. */
export type ClaimResult = "claimed" | "taken" | "forgotten";

export interface Claim {
  /** Namespaced key, e.g. `scaivault:spent:<nonce>`. */
  key: string;
  /** Epoch ms the thing being claimed came into being (a token's issue time). */
  issuedAt: number;
  /** Epoch ms after which the claim may be forgotten (the token's expiry). */
  expiresAt: number;
}

export interface Counter {
  key: string;
  /** Epoch ms at which the counter disappears (its window's end). */
  expiresAt: number;
  amount?: number;
}

export type StoreKind = "sqlite" | "redis" | "memory";

export interface StateStore {
  readonly kind: StoreKind;
  /** Where it lives, for the operator (never a credential): `/var/lib/toolwright/state.sqlite`, `redis://host:6379/0`. */
  readonly location: string;
  /**
   * Marks `key` used, atomically across every process sharing the store. A store that lost its memory (a
   * Redis restarted without persistence, a deleted file) answers `forgotten` for anything issued before, so a
   * token spent before the loss can never be spent again.
   */
  claim(claim: Claim): Promise<ClaimResult>;
  /**
   * The clock counters' windows and `expiresAt` are read on, in epoch milliseconds. Absent: wall time (Date.now),
   * which a store shared between processes (Redis, SQLite) needs so they agree. The memory store, which nothing
   * outside its process reads, has a monotonic one, so a wall-clock step neither resets nor stretches a window.
   */
  readonly clock?: () => number;
  /** Adds to each counter (each created at 0, gone after its `expiresAt`) and returns the new values. */
  add(counters: readonly Counter[]): Promise<number[]>;
  /** Resolves when the store answers now; rejects with `StoreUnavailableError` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StoreUnavailableError extends Error {
  constructor(
    readonly kind: StoreKind,
    readonly reason: string,
  ) {
    super(`the ${kind} state store is unavailable (${reason})`);
    this.name = "StoreUnavailableError";
  }
}

/**
 * What a Redis error reply's code means for the operator. Only the code is shown, never the reply's text (which a
 * server or a proxy in front of it words as it likes).
 */
const REPLY_CODES: Record<string, string> = {
  WRONGPASS: "Redis refused the user or password of the redis:// URL",
  NOAUTH: "Redis wants a password: redis://:<password>@host",
  NOPERM: "the Redis user may not run EVAL, GET, SET, INCRBY, PEXPIREAT or TIME",
  READONLY: "a read-only replica: point the URL at the primary",
  OOM: "Redis is out of memory (maxmemory) and refuses writes",
  MISCONF: "Redis cannot save its data and refuses writes",
  LOADING: "Redis is still loading its data",
  MASTERDOWN: "the replica lost its primary",
  CROSSSLOT: "a Redis Cluster: use one Redis (or a primary with replicas), not a cluster",
  MOVED: "a Redis Cluster: use one Redis (or a primary with replicas), not a cluster",
  CLUSTERDOWN: "a Redis Cluster: use one Redis (or a primary with replicas), not a cluster",
};

/** A reason for an error that names no host, path or credential: a code when there is one. */
export function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  // A Redis error reply ("WRONGPASS invalid username-password pair ..."): its code, and what it means.
  if (error instanceof Error && error.name === "ReplyError") {
    const reply = /^(?:ERR Error running script[^:]*: @user_script:\d+: )?([A-Z][A-Z_]{1,19})\b/.exec(
      error.message,
    )?.[1];
    if (reply && reply !== "ERR") return REPLY_CODES[reply] ? `${reply}: ${REPLY_CODES[reply]}` : reply;
  }
  if (error instanceof Error && /timed? ?out/i.test(error.message)) return "timeout";
  if (error instanceof Error && /closed|writeable|offline|connect/i.test(error.message))
    return "not connected";
  return "error";
}

/** The error a failed operation becomes, counted (`toolwright_state_store_errors_total`). */
export function storeFailure(kind: StoreKind, operation: string, error: unknown): StoreUnavailableError {
  metrics.storeErrors.inc({ store: kind, operation });
  return error instanceof StoreUnavailableError ? error : new StoreUnavailableError(kind, reasonOf(error));
}

/**
 * Whether the store answers, as last seen: one log line per change (not one per failed call) and the
 * `toolwright_state_store_up` gauge.
 */
export class Reachability {
  private up: boolean | undefined;

  constructor(private readonly kind: StoreKind) {}

  get reachable(): boolean {
    return this.up === true;
  }

  set(up: boolean, reason?: string): void {
    metrics.storeUp.set({ store: this.kind }, up ? 1 : 0);
    if (up === this.up) return;
    const first = this.up === undefined;
    this.up = up;
    if (up && !first) logLine(`state: the ${this.kind} state store is reachable again`);
    if (!up) {
      logLine(
        `state: the ${this.kind} state store is unreachable (${reason ?? "error"}); confirmations and rate-limited calls are refused until it is back`,
      );
    }
  }
}
