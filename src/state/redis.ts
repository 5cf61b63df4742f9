import type { Redis } from "ioredis";
import { logLine } from "../telemetry/log.js";
import { credentialParameter, rememberSecret } from "../telemetry/redact.js";
import {
  type Claim,
  type ClaimResult,
  type Counter,
  Reachability,
  reasonOf,
  type StateStore,
  storeFailure,
} from "./store.js";

/**
 * Redis (ioredis), shared by any number of replicas. Commands fail fast while the connection is down (no
 * offline queue, a command timeout), so a call that needs the store is refused at once instead of hanging;
 * the client reconnects every second or so and the store is back as soon as Redis is.
 *
 * A Redis that lost its data (restarted without persistence, flushed) would forget spent tokens. The key
 * `toolwright:since` says since when this Redis remembers: written (if absent) on every connection and by the
 * claim script itself, from Redis's own clock, so a token issued before it is refused as `forgotten`.
 */

const PREFIX = "toolwright:";
const SINCE_KEY = `${PREFIX}since`;
const COMMAND_TIMEOUT_MS = 2000;

// KEYS[1] since, KEYS[2] claim; ARGV[1] issued at (ms), ARGV[2] expires at (ms).
const CLAIM_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = tonumber(redis.call('GET', KEYS[1]))
if not since then
  since = now
  redis.call('SET', KEYS[1], since)
end
if tonumber(ARGV[1]) < since then return 2 end
local ttl = tonumber(ARGV[2]) - now
if ttl < 1 then ttl = 1 end
if redis.call('SET', KEYS[2], '1', 'PX', ttl, 'NX') then return 1 end
return 0
`;

const MARK_SINCE_SCRIPT = `
local t = redis.call('TIME')
return redis.call('SET', KEYS[1], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), 'NX')
`;

/**
 * The eviction policy when this Redis may evict keys before they expire (a `maxmemory` is set and the policy is
 * not `noeviction`), read from `INFO memory` (which managed Redis services answer; `CONFIG GET` they often refuse).
 */
export function evictionOf(info: string): string | undefined {
  const maxmemory = /^maxmemory:(\d+)/m.exec(info)?.[1];
  const policy = /^maxmemory_policy:([a-z-]+)/m.exec(info)?.[1];
  if (!maxmemory || maxmemory === "0" || !policy || policy === "noeviction") return undefined;
  return policy;
}

/** The URL without its credentials, for the operator. */
export function redisLocation(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.port ? `:${url.port}` : ""}${url.pathname.length > 1 ? url.pathname : ""}`;
}

export interface RedisStoreOptions {
  /** How long start-up waits for the first connection before serving anyway (refusing what needs the store). */
  connectWaitMs?: number;
}

export async function openRedisStore(url: URL, options: RedisStoreOptions = {}): Promise<StateStore> {
  if (url.password) rememberSecret(decodeURIComponent(url.password));
  // ioredis also reads any option from the query (`?password=`): a credential-named one is withheld from logs too.
  for (const [name, value] of url.searchParams)
    if (value !== "" && credentialParameter(name)) rememberSecret(value);
  const reach = new Reachability("redis");
  // ioredis loads only for a Redis store, not at every start-up.
  const { Redis } = await import("ioredis");
  const client = new Redis(url.href, {
    enableOfflineQueue: false,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 1000),
    lazyConnect: true,
  });
  // Every (re)connection first marks since when this Redis remembers, then counts as reachable.
  let marked: Promise<void> = Promise.resolve();
  let warned = false;
  client.on("ready", () => {
    marked = client.eval(MARK_SINCE_SCRIPT, 1, SINCE_KEY).then(
      () => reach.set(true),
      (error) => reach.set(false, reasonOf(error)),
    );
    if (!warned) {
      void client.info("memory").then(
        (info) => {
          const evicting = evictionOf(info);
          if (!evicting || warned) return;
          warned = true;
          logLine(
            `state: this Redis may evict keys before they expire (maxmemory-policy ${evicting}, with a maxmemory), so a spent confirmation token's key could be evicted and the token used again; set maxmemory-policy noeviction`,
          );
        },
        // INFO may be refused (an ACL user without it): nothing to say then.
        () => {},
      );
    }
  });
  client.on("error", (error) => reach.set(false, reasonOf(error)));
  client.on("end", () => reach.set(false, "closed"));
  client.on("close", () => {
    if (reach.reachable) reach.set(false, "connection closed");
  });
  const first = client.connect().then(
    () => marked,
    () => {},
  );
  await Promise.race([
    first,
    new Promise((resolve) => setTimeout(resolve, options.connectWaitMs ?? 3000).unref()),
  ]);
  return new RedisStore(client, redisLocation(url), reach);
}

class RedisStore implements StateStore {
  readonly kind = "redis" as const;

  constructor(
    private readonly client: Redis,
    readonly location: string,
    private readonly reach: Reachability,
  ) {}

  async claim({ key, issuedAt, expiresAt }: Claim): Promise<ClaimResult> {
    const answer = await this.run("claim", () =>
      this.client.eval(CLAIM_SCRIPT, 2, SINCE_KEY, `${PREFIX}${key}`, issuedAt, expiresAt),
    );
    return answer === 1 ? "claimed" : answer === 2 ? "forgotten" : "taken";
  }

  async add(counters: readonly Counter[]): Promise<number[]> {
    const results = await this.run("add", () => {
      const multi = this.client.multi();
      for (const { key, expiresAt, amount = 1 } of counters) {
        multi.incrby(`${PREFIX}${key}`, amount).pexpireat(`${PREFIX}${key}`, expiresAt);
      }
      return multi.exec();
    });
    if (!results) throw storeFailure("redis", "add", new Error("transaction aborted"));
    return counters.map((_, i) => {
      const [error, value] = results[i * 2] ?? [new Error("no reply"), null];
      if (error) throw storeFailure("redis", "add", error);
      return Number(value);
    });
  }

  async ping(): Promise<void> {
    await this.run("ping", () => this.client.ping());
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      const answer = await command();
      this.reach.set(true);
      return answer;
    } catch (error) {
      if (reasonOf(error) !== "error") this.reach.set(false, reasonOf(error));
      throw storeFailure("redis", operation, error);
    }
  }
}
