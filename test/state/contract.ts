import { expect, it } from "vitest";
import type { StateStore } from "../../src/state/index.js";

/** What every store promises, run against memory, SQLite and Redis alike. */
export function storeContract(open: () => Promise<StateStore>): void {
  const unique = () => `t${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;

  it("claims a key once; a second claim, concurrent or later, is refused", async () => {
    const store = await open();
    try {
      const key = `test:spent:${unique()}`;
      const claim = { key, issuedAt: Date.now(), expiresAt: Date.now() + 60_000 };
      const answers = await Promise.all(Array.from({ length: 20 }, () => store.claim(claim)));
      expect(answers.filter((a) => a === "claimed")).toHaveLength(1);
      expect(answers.filter((a) => a === "taken")).toHaveLength(19);
      expect(await store.claim(claim)).toBe("taken");
    } finally {
      await store.close();
    }
  });

  it("forgets what was issued before the store began remembering", async () => {
    const store = await open();
    try {
      const claim = {
        key: `test:spent:${unique()}`,
        issuedAt: Date.now() - 3_600_000,
        expiresAt: Date.now() + 60_000,
      };
      expect(await store.claim(claim)).toBe("forgotten");
    } finally {
      await store.close();
    }
  });

  it("adds to counters atomically and per key, and a counter past its window starts again", async () => {
    const store = await open();
    try {
      const a = `test:rate:${unique()}`;
      const b = `test:rate:${unique()}`;
      const expiresAt = Date.now() + 60_000;
      const results = await Promise.all(
        Array.from({ length: 25 }, () =>
          store.add([
            { key: a, expiresAt },
            { key: b, expiresAt, amount: 2 },
          ]),
        ),
      );
      expect(results.map((r) => r[0]).sort((x, y) => x! - y!)).toEqual(
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
      expect(Math.max(...results.map((r) => r[1]!))).toBe(50);
      const gone = `test:rate:${unique()}`;
      expect(await store.add([{ key: gone, expiresAt: Date.now() - 1 }])).toEqual([1]);
      expect(await store.add([{ key: gone, expiresAt: Date.now() + 60_000 }])).toEqual([1]);
    } finally {
      await store.close();
    }
  });

  it("answers a ping", async () => {
    const store = await open();
    try {
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });
}
