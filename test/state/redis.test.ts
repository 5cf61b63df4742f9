import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStateStore, type StateStore, StoreUnavailableError } from "../../src/state/index.js";
import { openRedisStore } from "../../src/state/redis.js";
import { redact } from "../../src/telemetry/redact.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";
import { storeContract } from "./contract.js";

// A real redis-server (Debian's) on a free loopback port, persistence off. Spawns a process: e2e project.

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

const open = () => openStateStore({ kind: "redis", url: new URL(redis.url) });

describe("Redis store", () => storeContract(open));

/** Resolves once the store answers again (it reconnects on its own; this only watches). */
async function answering(store: StateStore): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      return await store.ping();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error("the store did not come back");
}

it("fails closed while Redis is down, quickly and with a clear error, and recovers when it is back", async () => {
  const store = await open();
  try {
    const before = { key: "t:spent:before", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 };
    expect(await store.claim(before)).toBe("claimed");
    await redis.stop();
    const started = Date.now();
    const failed = await store.claim({ ...before, key: "t:spent:during" }).catch((error) => error);
    expect(failed).toBeInstanceOf(StoreUnavailableError);
    expect(String(failed.message)).toMatch(/the redis state store is unavailable/);
    await expect(store.add([{ key: "t:rate", expiresAt: Date.now() + 1000 }])).rejects.toThrow(
      StoreUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(10_000);

    await redis.start();
    await answering(store);
    // The restarted Redis lost its data: the token claimed before the outage is refused, never claimable again.
    expect(await store.claim(before)).toBe("forgotten");
    const after = { key: "t:spent:after", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 };
    expect(await store.claim(after)).toBe("claimed");
    expect(await store.claim(after)).toBe("taken");
  } finally {
    await store.close();
  }
});

it("never keeps a key past its expiry (Redis expires what the store wrote)", async () => {
  const store = await open();
  try {
    await store.claim({ key: "t:spent:ttl", issuedAt: Date.now(), expiresAt: Date.now() + 30_000 });
    const ttl = Number(redis.cli("PTTL", "toolwright:t:spent:ttl").trim());
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  } finally {
    await store.close();
  }
});

it("a password given in the URL's query (?password=, which ioredis reads as the userinfo's) is withheld from log lines as the userinfo's is", async () => {
  const secret = `q${Math.random().toString(36).slice(2)}word`;
  expect(redact(`auth failed for ${secret}`)).toContain(secret);
  const store = await openRedisStore(new URL(`${redis.url}?password=${secret}`), { connectWaitMs: 0 });
  try {
    expect(redact(`auth failed for ${secret}`)).not.toContain(secret);
  } finally {
    await store.close();
  }
});
