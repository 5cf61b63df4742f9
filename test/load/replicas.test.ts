import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type TestRedis } from "../helpers/redis.js";
import {
  type RecordedRequest,
  type ScaivaultUpstream,
  startScaivaultUpstream,
} from "../upstreams/scaivault/index.js";
import {
  body,
  connect,
  pool,
  type Replica,
  replicaEnv,
  startBalancer,
  startReplica,
  text,
} from "./cluster.js";

// Three `toolwright serve scaivault` processes over Streamable HTTP share one real Redis (redis-server on a free
// loopback port) in front of one reference upstream. Clients reach them through a round-robin balancer (each
// request to the next replica, so a session's calls land on all three) or one replica directly. Everything is
// awaited on events (responses, log lines, the upstream hearing a request); nothing waits for time to pass, and
// nothing asserts a duration. The counts are bounded for 2 busy cores (docs/testing.md, load project).

/** Sessions open at once, and calls across them (LOAD_CALLS=10000 for the full count; see docs/testing.md). */
const SESSIONS = Number(process.env.LOAD_SESSIONS ?? 200);
const CALLS = Number(process.env.LOAD_CALLS ?? 600);
/** A failure bound only (the machine is shared and busy); nothing asserts a duration. */
const BOUND_MS = 240_000;
/** Calls in flight at once: the upstream shares this process with every client, so its queue stays short. */
const IN_FLIGHT = 48;
/** The one rate-limited tool (per tool, across replicas); the hour window makes a window boundary rare. */
const LIMITED = "scaivault_list_secrets";
const LIMIT = 40;
const WINDOW_S = 3600;

let redis: TestRedis;
let upstream: ScaivaultUpstream;
let env: Record<string, string>;
const replicas: Replica[] = [];
let balancer: Awaited<ReturnType<typeof startBalancer>>;
/** Clients connected to each replica directly (index as `replicas`). */
const direct: Client[] = [];
const opened: Client[] = [];
/** A client of the balancer (each of its requests goes to the next replica). */
let balanced: Client;

async function open(url: string): Promise<Client> {
  const client = await connect(url);
  opened.push(client);
  return client;
}

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis(), startScaivaultUpstream()]);
  env = replicaEnv(upstream, redis.url, { SCAIVAULT_TOOL_RATE_LIMIT: `${LIMITED}=${LIMIT}/1h` });
  replicas.push(...(await Promise.all([0, 1, 2].map(() => startReplica(env)))));
  for (const replica of replicas) expect(replica.served.stderr()).toContain("shared state: redis at");
  balancer = await startBalancer(replicas.map((r) => r.served.url));
  direct.push(...(await Promise.all(replicas.map((r) => open(r.served.url)))));
  balanced = await open(balancer.url);
}, BOUND_MS);

afterAll(async () => {
  await Promise.allSettled(opened.map((c) => c.close()));
  await balancer?.close();
  await Promise.allSettled(replicas.map((r) => r.served.stop()));
  await Promise.allSettled([redis?.close(), upstream?.close()]);
});

const requestsFor = (operationId: string) => upstream.requests.filter((r) => r.operationId === operationId);

async function write(client: Client, path: string, value: string) {
  return client.callTool({ name: "scaivault_write_secret", arguments: { path, value } });
}

async function preview(client: Client, path: string): Promise<string> {
  const result = await client.callTool({ name: "scaivault_delete_secret", arguments: { path } });
  const answer = body(result);
  expect(answer?.confirmation_required, text(result)).toBe(true);
  return answer.confirmation_token as string;
}

const redeem = (client: Client, path: string, token: string) =>
  client.callTool({ name: "scaivault_delete_secret", arguments: { path, confirmation_token: token } });

describe("three replicas, one Redis", () => {
  it(
    `${SESSIONS} concurrent sessions make ${CALLS} calls through the balancer: none lost, none mismatched`,
    async () => {
      const clients = await Promise.all(Array.from({ length: SESSIONS }, () => open(balancer.url)));
      const perSession = Math.ceil(CALLS / SESSIONS);
      const slots = semaphore(IN_FLIGHT);
      const mismatched: string[] = [];
      let answered = 0;
      // Each session writes its own secret now and then and reads it back in between: every read must return the
      // value that session wrote last, whichever replica served the write and the read.
      await Promise.all(
        clients.map(async (client, session) => {
          const path = `load/session-${session}`;
          let last = "";
          for (let call = 0; call < perSession && session * perSession + call < CALLS; call++) {
            await slots.acquire();
            try {
              if (call % 10 === 0) {
                last = `value-${session}-${call}`;
                const result = await write(client, path, last);
                if (result.isError || body(result)?.path !== path)
                  mismatched.push(`${path} write: ${text(result)}`);
              } else {
                const result = await client.callTool({ name: "scaivault_read_secret", arguments: { path } });
                const answer = body(result);
                if (result.isError || answer?.path !== path || answer?.value !== last) {
                  mismatched.push(
                    `${path} read ${call}: expected ${last}, got ${text(result).slice(0, 200)}`,
                  );
                }
              }
            } finally {
              slots.release();
            }
            answered++;
          }
        }),
      );
      expect(mismatched.slice(0, 5)).toEqual([]);
      expect(answered).toBe(CALLS);
      // The upstream heard each call once (none lost, none repeated), and every replica served its share.
      expect(requestsFor("readSecret").length + requestsFor("writeSecret").length).toBe(CALLS);
      for (const replica of replicas) {
        const host = new URL(replica.served.url).host;
        expect(balancer.hits.filter((hit) => hit === host).length).toBeGreaterThan(CALLS / 4);
      }
      expect(upstream.violations).toEqual([]);
    },
    BOUND_MS,
  );

  it(
    "a token issued by one replica and replayed at all three at once is spent exactly once",
    async () => {
      const paths = Array.from({ length: 20 }, (_, i) => `load/delete-${i}`);
      await Promise.all(paths.map((path) => write(direct[0]!, path, "to be deleted")));
      const tokens = await Promise.all(paths.map((path) => preview(direct[0]!, path)));
      const before = requestsFor("deleteSecret").length;
      const results = await Promise.all(
        paths.flatMap((path, i) =>
          direct.map(async (client) => ({ path, result: await redeem(client, path, tokens[i]!) })),
        ),
      );
      for (const path of paths) {
        const mine = results.filter((r) => r.path === path);
        expect(mine.filter((r) => !r.result.isError).map((r) => text(r.result))).toHaveLength(1);
        for (const refused of mine.filter((r) => r.result.isError)) {
          expect(text(refused.result)).toContain("was already used");
        }
      }
      expect(deletedPaths(before).sort()).toEqual([...paths].sort());
    },
    BOUND_MS,
  );

  it(
    `a per-tool rate limit (${LIMIT}/1h) holds across the three; refusals say when to retry and reach nobody`,
    async () => {
      const before = requestsFor("listSecrets").length;
      const windowAtStart = Math.floor(Date.now() / 1000 / WINDOW_S);
      const results = await pool(LIMIT * 3, IN_FLIGHT, (i) =>
        direct[i % 3]!.callTool({ name: LIMITED, arguments: { prefix: "integrations/" } }),
      );
      // Fixed windows aligned to the clock: a run that crosses a window boundary may accept a second window's share.
      const windows = Math.floor(Date.now() / 1000 / WINDOW_S) - windowAtStart + 1;
      const accepted = results.filter((r) => !r.isError);
      expect(accepted.length).toBeGreaterThanOrEqual(LIMIT);
      expect(accepted.length).toBeLessThanOrEqual(LIMIT * windows);
      for (const result of results.filter((r) => r.isError)) {
        expect(text(result)).toContain(`rate limited: at most ${LIMIT} calls per 1 h for ${LIMITED}`);
        const wait = Number(/Retry after (\d+) s/.exec(text(result))?.[1]);
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(WINDOW_S);
      }
      expect(requestsFor("listSecrets").length - before).toBe(accepted.length);
      // Another tool is not held back by it.
      const other = await direct[1]!.callTool({
        name: "scaivault_get_secret_versions",
        arguments: { path: SMTP },
      });
      expect(other.isError, text(other)).toBeFalsy();
    },
    BOUND_MS,
  );

  it(
    "upstream 429/503 with Retry-After: a read is retried (at most 3 times), a write is not; the error names the wait",
    async () => {
      const reads = () => requestsFor("readSecret").length;
      // Two refusals, then an answer: the read succeeds on the third request.
      let before = reads();
      upstream.injectFault({
        operationId: "readSecret",
        status: 429,
        headers: { "retry-after": "0" },
        times: 1,
      });
      upstream.injectFault({
        operationId: "readSecret",
        status: 503,
        headers: { "retry-after": "0" },
        times: 1,
      });
      const read = await balanced.callTool({ name: "scaivault_read_secret", arguments: { path: SMTP } });
      expect(read.isError, text(read)).toBeFalsy();
      expect(
        requestsFor("readSecret")
          .slice(before)
          .map((r) => r.status),
      ).toEqual([429, 503, 200]);

      // Refused four times: one request and three retries, then the error with the upstream's wait.
      before = reads();
      upstream.injectFault({
        operationId: "readSecret",
        status: 429,
        headers: { "retry-after": "0" },
        times: 4,
      });
      const exhausted = await balanced.callTool({ name: "scaivault_read_secret", arguments: { path: SMTP } });
      expect(exhausted.isError).toBe(true);
      expect(text(exhausted)).toContain("HTTP 429");
      expect(reads() - before).toBe(4);

      // A wait past the call's timeout is not waited for: one request, the error carries the retry time.
      before = reads();
      upstream.injectFault({ operationId: "readSecret", status: 503, headers: { "retry-after": "3600" } });
      const tooLong = await balanced.callTool({ name: "scaivault_read_secret", arguments: { path: SMTP } });
      expect(tooLong.isError).toBe(true);
      expect(text(tooLong)).toContain("retry after 3600 s");
      expect(reads() - before).toBe(1);

      // A write is not safe to repeat: one request, even with Retry-After: 0.
      const writes = requestsFor("writeSecret").length;
      upstream.injectFault({ operationId: "writeSecret", status: 429, headers: { "retry-after": "7" } });
      const written = await write(balanced, "load/not-repeated", "once");
      expect(written.isError).toBe(true);
      expect(text(written)).toContain("retry after 7 s");
      expect(requestsFor("writeSecret").length - writes).toBe(1);
    },
    BOUND_MS,
  );

  it(
    "a replica killed with a call in flight: that call fails with an error, the others serve, a retry succeeds; restarted, it keeps the spent tokens",
    async () => {
      // A token spent before the kill, to replay at the restarted replica.
      const spentPath = "load/spent-before-restart";
      await write(direct[0]!, spentPath, "x");
      const spent = await preview(direct[0]!, spentPath);
      expect((await redeem(direct[2]!, spentPath, spent)).isError).toBeFalsy();

      let release!: () => void;
      const heard = new Promise<RecordedRequest>((resolve) =>
        upstream.injectFault({
          operationId: "getSecretVersions",
          hold: new Promise<void>((r) => {
            release = r;
          }),
          held: resolve,
        }),
      );
      const victim = replicas[2]!;
      const inFlight = direct[2]!
        .callTool({ name: "scaivault_get_secret_versions", arguments: { path: SMTP } })
        .then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
      await heard;
      victim.served.proc.kill("SIGKILL");
      await victim.served.exited;
      const outcome = await inFlight;
      expect("error" in outcome ? String(outcome.error) : text(outcome.result)).toMatch(
        /fetch failed|terminated|closed|ECONNRESET|socket hang up/i,
      );
      release();

      // The two others keep serving while the third is down, and the failed call succeeds when retried there.
      const served = await Promise.all(
        [0, 1, 0, 1].map((i) =>
          direct[i]!.callTool({ name: "scaivault_read_secret", arguments: { path: SMTP } }),
        ),
      );
      expect(served.filter((r) => r.isError)).toEqual([]);
      const retried = await direct[0]!.callTool({
        name: "scaivault_get_secret_versions",
        arguments: { path: SMTP },
      });
      expect(retried.isError, text(retried)).toBeFalsy();

      // Restarted (same Redis): the token spent before stays spent, and nothing reaches the upstream.
      const restarted = await startReplica(env);
      replicas[2] = restarted;
      direct[2] = await open(restarted.served.url);
      const deletes = requestsFor("deleteSecret").length;
      const replay = await redeem(direct[2]!, spentPath, spent);
      expect(replay.isError).toBe(true);
      expect(text(replay)).toContain("was already used");
      expect(requestsFor("deleteSecret").length).toBe(deletes);
    },
    BOUND_MS,
  );

  it(
    "Redis going away: confirmations and rate-limited calls fail closed with a clear error, others serve; all recovers",
    async () => {
      const path = "load/during-outage";
      await write(direct[0]!, path, "x");
      const token = await preview(direct[0]!, path);
      const down = Promise.all(replicas.map((r) => r.logs(/state store is unreachable/)));
      await redis.stop();
      await down;
      const deletes = requestsFor("deleteSecret").length;
      const lists = requestsFor("listSecrets").length;

      const [redeemed, limited, read] = await Promise.all([
        redeem(direct[1]!, path, token),
        direct[2]!.callTool({ name: LIMITED, arguments: { prefix: "apps/" } }),
        direct[0]!.callTool({ name: "scaivault_read_secret", arguments: { path: SMTP } }),
      ]);
      expect(redeemed.isError).toBe(true);
      expect(text(redeemed)).toContain("refused by confirmation");
      expect(text(redeemed)).toContain("nothing was changed and it is not spent");
      expect(limited.isError).toBe(true);
      expect(text(limited)).toContain("the shared state store is unavailable");
      expect(read.isError, text(read)).toBeFalsy();
      expect(requestsFor("deleteSecret").length).toBe(deletes);
      expect(requestsFor("listSecrets").length).toBe(lists);

      const up = Promise.all(replicas.map((r) => r.logs(/state store is reachable again/)));
      await redis.start();
      await up;
      // This Redis kept nothing (no persistence): a token issued before it came back is refused, never replayable.
      const stale = await redeem(direct[1]!, path, token);
      expect(stale.isError).toBe(true);
      expect(text(stale)).toContain("state store last lost its memory");
      expect(requestsFor("deleteSecret").length).toBe(deletes);
      // A new confirmation works once, and the rate-limited tool answers again.
      const fresh = await preview(direct[2]!, path);
      expect((await redeem(direct[0]!, path, fresh)).isError).toBeFalsy();
      expect((await redeem(direct[1]!, path, fresh)).isError).toBe(true);
      expect(deletedPaths(deletes)).toEqual([path]);
      const listed = await direct[2]!.callTool({ name: LIMITED, arguments: { prefix: "apps/" } });
      expect(listed.isError, text(listed)).toBeFalsy();
    },
    BOUND_MS,
  );
});

const SMTP = "apps/billing/smtp-password";

function deletedPaths(from: number): string[] {
  return requestsFor("deleteSecret")
    .slice(from)
    .map((r) => decodeURIComponent(r.path.replace(/^\/v1\/secrets\//, "")));
}

/** At most `width` holders at once; the others wait in order. */
function semaphore(width: number) {
  let free = width;
  const waiting: (() => void)[] = [];
  return {
    acquire: () =>
      free > 0
        ? Promise.resolve(void free--)
        : new Promise<void>((resolve) => {
            waiting.push(resolve);
          }),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
