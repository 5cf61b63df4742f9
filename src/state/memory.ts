import type { Claim, ClaimResult, Counter, StateStore } from "./store.js";

/**
 * One process's memory: what a single short-lived process needs (tests, `--state memory`). Nothing survives a
 * restart, so a token issued before this store began is `forgotten` (refused), never accepted again. Claims are
 * read on `now` (wall time: a token's times are); counters on `now` when given, else on a monotonic clock read as
 * epoch milliseconds (`clock`), since only this process reads them.
 */
export function createMemoryStore(now?: () => number): StateStore {
  const wall = now ?? Date.now;
  const clock = now ?? monotonicNow;
  const since = wall();
  const claims = new Map<string, number>();
  const counters = new Map<string, { value: number; expiresAt: number }>();
  let operations = 0;

  function prune(): void {
    if (++operations % 1000 !== 0) return;
    const [wallAt, clockAt] = [wall(), clock()];
    for (const [key, expiresAt] of claims) if (expiresAt <= wallAt) claims.delete(key);
    for (const [key, counter] of counters) if (counter.expiresAt <= clockAt) counters.delete(key);
  }

  return {
    kind: "memory",
    location: "this process's memory",
    clock,
    async claim({ key, issuedAt, expiresAt }: Claim): Promise<ClaimResult> {
      const at = wall();
      prune();
      if (issuedAt < since) return "forgotten";
      const held = claims.get(key);
      if (held !== undefined && held > at) return "taken";
      claims.set(key, expiresAt);
      return "claimed";
    },
    async add(list: readonly Counter[]): Promise<number[]> {
      const at = clock();
      prune();
      return list.map(({ key, expiresAt, amount = 1 }) => {
        const held = counters.get(key);
        const value = (held && held.expiresAt > at ? held.value : 0) + amount;
        counters.set(key, { value, expiresAt });
        return value;
      });
    },
    async ping() {},
    async close() {},
  };
}

/** Epoch milliseconds that never step: the process's start in wall time plus the monotonic time since. */
export function monotonicNow(): number {
  return performance.timeOrigin + performance.now();
}
