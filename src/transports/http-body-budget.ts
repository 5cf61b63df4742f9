/**
 * The bytes of request bodies being read and held by requests in flight (`--max-body-bytes-in-flight`): each body
 * is bounded by `--max-message-bytes`, but without this their sum was bounded only by `--max-requests` times it.
 * A caller may hold half the budget (never less than one largest message), so one caller cannot take all of it.
 */
export class BodyBudget {
  private held = 0;
  private readonly perCaller = new Map<string, number>();
  readonly callerShare: number;

  constructor(
    readonly limit: number,
    maxBodyBytes: number,
  ) {
    this.callerShare = Math.max(Math.floor(limit / 2), Math.min(limit, maxBodyBytes));
  }

  /** A lease of bytes for one request's body, grown as it is read; released once (idempotent). */
  lease(caller: string): BodyLease {
    let bytes = 0;
    return {
      grow: (n) => {
        const mine = this.perCaller.get(caller) ?? 0;
        if (mine + n > this.callerShare) return "caller";
        if (this.held + n > this.limit) return "server";
        this.held += n;
        this.perCaller.set(caller, mine + n);
        bytes += n;
        return undefined;
      },
      release: () => {
        if (bytes === 0) return;
        this.held -= bytes;
        const left = (this.perCaller.get(caller) ?? 0) - bytes;
        if (left > 0) this.perCaller.set(caller, left);
        else this.perCaller.delete(caller);
        bytes = 0;
      },
    };
  }
}

/** Which bound a body would cross: the caller's share, or the whole server's budget. */
export type BudgetRefusal = "caller" | "server";

export interface BodyLease {
  /** Counts `n` more bytes, or says which bound they would cross (and counts nothing). */
  grow(n: number): BudgetRefusal | undefined;
  release(): void;
}

export class BodyBudgetError extends Error {
  constructor(readonly refusal: BudgetRefusal) {
    super(`request bodies in flight over the ${refusal === "caller" ? "caller's share" : "server's budget"}`);
    this.name = "BodyBudgetError";
  }
}
