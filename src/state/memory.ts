import type { Claim, ClaimResult, Counter, StateStore } from "./store.js";

/**
 * One process's memory: what a single short-lived process needs (tests, `--state memory`). Nothing survives a
 * restart, so a token issued before this store began is `forgotten` (refused), never accepted again.
 */
export function createMemoryStore(now: () => number = Date.now): StateStore {
  const since = now();
  const claims = new Map<string, number>();
  const counters = new Map<string, { value: number; expiresAt: number }>();
  let operations = 0;

  function prune(at: number): void {
    if (++operations % 1000 !== 0) return;
    for (const [key, expiresAt] of claims) if (expiresAt <= at) claims.delete(key);
    for (const [key, counter] of counters) if (counter.expiresAt <= at) counters.delete(key);
  }

  return {
    kind: "memory",
    location: "this process's memory",
    async claim({ key, issuedAt, expiresAt }: Claim): Promise<ClaimResult> {
      const at = now();
      prune(at);
      if (issuedAt < since) return "forgotten";
      const held = claims.get(key);
      if (held !== undefined && held > at) return "taken";
      claims.set(key, expiresAt);
      return "claimed";
    },
    async add(list: readonly Counter[]): Promise<number[]> {
      const at = now();
      prune(at);
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
