import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
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
const CALLS = Number(process.env.LOAD_CALLS ?? 10_000);
/** A failure bound only (the machine is shared and busy); nothing asserts a duration. */
const BOUND_MS = 240_000;
/** Calls in flight at once: the upstream shares this process with every client, so its queue stays short. */
const IN_FLIGHT = 48;
/** The one rate-limited tool (per tool, across replicas); the hour window makes a window boundary rare. */
const LIMITED = "scaivault_list_secrets";
const LIMIT = 40;
const WINDOW_S = 3600;
/** Rate-limited too, with a limit the run never reaches: its calls are refused only while Redis is away. */
const VERSIONS = "scaivault_get_secret_versions";

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
  env = replicaEnv(upstream, redis.url, {
    SCAIVAULT_TOOL_RATE_LIMIT: `${LIMITED}=${LIMIT}/1h,${VERSIONS}=1000000/1h`,
  });
  replicas.push(...(await Promise.all([0, 1, 2].map(() => startReplica(env)))));
  // Ordered: serve writes this line before its "over Streamable HTTP at" one, which startReplica read on the same pipe.
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
    `${SESSIONS} concurrent sessions make ${CALLS} calls through the balancer while a replica is killed and Redis stops: every call answered right, errors only of the expected kind, each retried to success`,
    async () => {
      const clients = await Promise.all(Array.from({ length: SESSIONS }, () => open(balancer.url)));
      const run = new BulkRun();
      // A run cut off by the failure bound stops issuing calls and lets those in flight finish before the next
      // test starts, so their requests never land in another test's counts.
      onTestFinished(() => run.stop());
      const victim = replicas[2]!;
      const victimPort = new URL(victim.served.url).port;
      // The faults are driven by how many responses have arrived, never by time: the kill a fifth of the way in,
      // Redis stopped two fifths in (after the victim is back), and started again once the outage has been seen.
      const faults = (async () => {
        await run.reached(Math.floor(CALLS / 5));
        run.enter("killed");
        victim.served.proc.kill("SIGKILL");
        await victim.served.exited;
        // Back on the same port (the balancer's target list is fixed, as a static upstream block is).
        const restarted = await startReplica({ ...env, PORT: victimPort });
        replicas[2] = restarted;
        run.enter("up");
        await run.reached(Math.floor((CALLS * 2) / 5));
        const down = Promise.all(replicas.map((r) => r.logs(/state store is unreachable/)));
        run.enter("outage");
        await redis.stop();
        await down;
        // The outage has been seen by each kind of call: refusals for confirmations and the rate-limited tool,
        // answers for the others.
        await run.outageSeen();
        const up = Promise.all(replicas.map((r) => r.logs(/state store is reachable again/)));
        await redis.start();
        await up;
        run.enter("up");
      })();
      const slots = semaphore(IN_FLIGHT);
      await Promise.all(clients.map((client, session) => run.session(client, session, slots)));
      await faults;

      expect(run.wrong.slice(0, 5)).toEqual([]);
      expect(run.answered).toBe(CALLS);
      // Each fault was felt during the run: calls cut off or refused by the dead replica, confirmations and
      // rate-limited calls refused while Redis was away, while every other kind of call kept being answered.
      expect(run.errors.killed).toBeGreaterThan(0);
      expect(run.errors.outageConfirm).toBeGreaterThan(0);
      expect(run.errors.outageLimited).toBeGreaterThan(0);
      expect(run.servedDuringOutage).toBeGreaterThanOrEqual(OUTAGE_SERVED);
      // The upstream heard each answered call once; a call cut off by the kill may have reached it before the
      // replica died, a call refused during the outage never did.
      for (const [op, count] of Object.entries(run.succeeded)) {
        const heard = requestsFor(op).length;
        expect(heard, op).toBeGreaterThanOrEqual(count);
        expect(heard, op).toBeLessThanOrEqual(count + (run.cutOff[op] ?? 0));
      }
      for (const replica of replicas) {
        const host = new URL(replica.served.url).host;
        expect(balancer.hits.filter((hit) => hit === host).length).toBeGreaterThan(CALLS / 5);
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
      // The call reaches the upstream (and is held there), or fails first: then this fails at once, with why.
      const endedFirst = inFlight.then((outcome) => {
        throw new Error(`the call ended before reaching the upstream: ${JSON.stringify(outcome)}`);
      });
      endedFirst.catch(() => {}); // once the upstream holds it, the call's end is awaited below instead
      await Promise.race([heard, endedFirst]);
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

/** Answers served during the Redis outage (calls that need no shared state) before Redis is started again. */
const OUTAGE_SERVED = 50;
/** What a call that lost its replica says: cut off mid-response, or refused by the balancer (502). */
const CUT_OFF =
  /HTTP 502|Bad Gateway|terminated|fetch failed|ECONNRESET|ECONNREFUSED|socket hang up|other side closed|aborted/i;
const UNAVAILABLE = {
  limited: "the shared state store is unavailable",
  redeem: "the state store that remembers spent tokens is unavailable",
  forgotten: "state store last lost its memory",
};
type Phase = "up" | "killed" | "outage";
type Op = "write" | "read" | "versions" | "preview" | "redeem";
const OPERATION: Record<Op, string | undefined> = {
  write: "writeSecret",
  read: "readSecret",
  versions: "getSecretVersions",
  preview: undefined,
  redeem: "deleteSecret",
};
/**
 * A session's cycles of ten calls on its path: write, reads, a rate-limited read, a delete previewed and redeemed.
 * Even and odd sessions meet the two kinds of state-dependent call in opposite order, so an outage finds both.
 */
const CYCLES: Op[][] = [
  ["write", "read", "read", "read", "read", "versions", "read", "read", "preview", "redeem"],
  ["write", "read", "preview", "redeem", "write", "read", "read", "versions", "read", "read"],
];

/**
 * The bulk run's bookkeeping: each session's calls in order, each retried until answered right, each failure
 * classified by the fault in force when it happened (a failure no fault explains is recorded as wrong).
 */
class BulkRun {
  phase: Phase = "up";
  answered = 0;
  servedDuringOutage = 0;
  readonly wrong: string[] = [];
  readonly errors = { killed: 0, outageConfirm: 0, outageLimited: 0 };
  /** Answers the upstream must have heard, and calls cut off by the kill (which it may have heard), per operation. */
  readonly succeeded: Record<string, number> = {};
  readonly cutOff: Record<string, number> = {};
  private kills = 0;
  private outages = 0;
  private waiting = 0;
  private active = SESSIONS;
  private readonly watchers: (() => void)[] = [];
  private readonly back = deferred();
  private recoveries = 0;
  private stopped = false;

  /** No session starts another call; resolves once every session has returned (calls in flight answered). */
  stop(): Promise<void> {
    this.stopped = true;
    this.back.resolve();
    return this.until(() => this.active === 0);
  }

  /** Marks a fault's start or end for the calls in flight (each compares the counters at its start and end). */
  enter(phase: Phase) {
    if (phase === "killed") this.kills++;
    if (phase === "outage") this.outages++;
    if (this.phase === "outage" && phase === "up") {
      this.recoveries++;
      this.back.resolve();
    }
    this.phase = phase;
    if (process.env.LOAD_TRACE)
      console.error(`[load] enter ${phase} at ${this.answered} ${JSON.stringify(this.errors)}`);
  }

  reached(count: number): Promise<void> {
    return this.until(() => this.answered >= count);
  }

  /** Both kinds of refusal seen, and other calls answered (or every session waiting for Redis). */
  outageSeen(): Promise<void> {
    return this.until(
      () =>
        (this.errors.outageConfirm > 0 &&
          this.errors.outageLimited > 0 &&
          this.servedDuringOutage >= OUTAGE_SERVED) ||
        this.waiting === this.active,
    );
  }

  async session(client: Client, session: number, slots: ReturnType<typeof semaphore>): Promise<void> {
    const path = `load/session-${session}`;
    const calls = Math.min(
      Math.ceil(CALLS / SESSIONS),
      Math.max(0, CALLS - session * Math.ceil(CALLS / SESSIONS)),
    );
    let last = "";
    let token = "";
    let issued = 0;
    try {
      for (let call = 0; call < calls && !this.stopped; call++) {
        const cycle = CYCLES[session % CYCLES.length]!;
        const op = cycle[call % cycle.length]!;
        if (op === "write") last = `value-${session}-${call}`;
        for (let attempt = 0; !this.stopped; attempt++) {
          if (attempt > 50) throw new Error(`${path} ${op}: no success in 50 attempts`);
          if (op === "redeem" && attempt > 0) {
            issued = this.recoveries;
            token = (await this.retrying(client, path, slots)) ?? token;
          }
          const verdict = await this.attempt(
            client,
            path,
            op,
            { last, token, issued, retry: attempt > 0 },
            slots,
          );
          if (verdict.kind === "ok") {
            // The token may have been issued any time during the attempt: count it from the attempt's start, so
            // a recovery that lands while its answer is in flight still explains a later "forgotten" refusal.
            if (op === "preview") [token, issued] = [verdict.token!, verdict.issued!];
            break;
          }
          if (verdict.kind === "wrong") {
            this.wrong.push(verdict.detail);
            break;
          }
          if (verdict.kind === "outage") {
            this.waiting++;
            this.notify();
            await this.back.promise;
            this.waiting--;
          }
        }
        this.answered++;
        if (process.env.LOAD_TRACE && this.answered % 250 === 0)
          console.error(
            `[load] ${this.answered} ${this.phase} ${JSON.stringify(this.errors)} waiting=${this.waiting} served=${this.servedDuringOutage} wrong=${this.wrong.length} ${this.wrong[0] ?? ""}`,
          );
        this.notify();
      }
    } finally {
      // Counted on every exit (a session that throws too), so stop() always settles.
      this.active--;
      this.notify();
    }
  }

  /** A preview taken again for a retried redemption (the first token may be spent or forgotten). */
  private async retrying(client: Client, path: string, slots: ReturnType<typeof semaphore>) {
    while (!this.stopped) {
      const verdict = await this.attempt(
        client,
        path,
        "preview",
        { last: "", token: "", issued: 0, retry: true },
        slots,
      );
      if (verdict.kind === "ok") return verdict.token;
      if (verdict.kind === "wrong") {
        this.wrong.push(verdict.detail);
        return undefined;
      }
    }
  }

  private async attempt(
    client: Client,
    path: string,
    op: Op,
    state: { last: string; token: string; issued: number; retry: boolean },
    slots: ReturnType<typeof semaphore>,
  ): Promise<{ kind: "ok" | "cut" | "outage" | "wrong"; token?: string; issued?: number; detail: string }> {
    await slots.acquire();
    const start = {
      kills: this.kills,
      outages: this.outages,
      phase: this.phase,
      recoveries: this.recoveries,
    };
    let result: Awaited<ReturnType<Client["callTool"]>>;
    try {
      result = await client.callTool(request(op, path, state.last, state.token));
    } catch (error) {
      // The balancer's 502 for a replica that is gone carries its status on the error, not in its message.
      const status = (error as { status?: unknown }).status;
      const message = status === undefined ? String(error) : `${String(error)} (HTTP ${String(status)})`;
      const killed = start.phase === "killed" || this.phase === "killed" || this.kills > start.kills;
      if (killed && CUT_OFF.test(message)) {
        this.errors.killed++;
        const operation = OPERATION[op];
        if (operation) this.cutOff[operation] = (this.cutOff[operation] ?? 0) + 1;
        return { kind: "cut", detail: message };
      }
      return { kind: "wrong", detail: `${path} ${op} (${start.phase} → ${this.phase}): ${message}` };
    } finally {
      slots.release();
    }
    const during = start.phase === "outage" || this.phase === "outage" || this.outages > start.outages;
    const said = text(result);
    if (result.isError && during && op === "versions" && said.includes(UNAVAILABLE.limited)) {
      this.errors.outageLimited++;
      return { kind: "outage", detail: said };
    }
    const refused =
      (during && said.includes(UNAVAILABLE.redeem)) ||
      ((during || state.issued < this.recoveries) && said.includes(UNAVAILABLE.forgotten));
    if (result.isError && op === "redeem" && refused) {
      this.errors.outageConfirm++;
      return { kind: "outage", detail: said };
    }
    const problem = mismatch(op, path, state, result);
    if (problem && process.env.LOAD_TRACE && during) console.error(`[load] outage ${op}: ${problem}`);
    if (problem)
      return { kind: "wrong", detail: `${path} ${op} (${start.phase} → ${this.phase}): ${problem}` };
    const operation = OPERATION[op];
    if (operation) this.succeeded[operation] = (this.succeeded[operation] ?? 0) + 1;
    if (this.phase === "outage" && start.phase === "outage") this.servedDuringOutage++;
    return {
      kind: "ok",
      token: op === "preview" ? body(result).confirmation_token : undefined,
      issued: start.recoveries,
      detail: "",
    };
  }

  private until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return false;
        resolve();
        return true;
      };
      if (check()) return;
      const watcher = () => {
        if (check()) this.watchers.splice(this.watchers.indexOf(watcher), 1);
      };
      this.watchers.push(watcher);
    });
  }

  private notify() {
    for (const watcher of [...this.watchers]) watcher();
  }
}

function request(op: Op, path: string, value: string, token: string) {
  switch (op) {
    case "write":
      return { name: "scaivault_write_secret", arguments: { path, value } };
    case "read":
      return { name: "scaivault_read_secret", arguments: { path } };
    case "versions":
      return { name: VERSIONS, arguments: { path } };
    case "preview":
      return { name: "scaivault_delete_secret", arguments: { path } };
    case "redeem":
      return { name: "scaivault_delete_secret", arguments: { path, confirmation_token: token } };
  }
}

/** Why an answer does not match its request (undefined when it does). */
function mismatch(
  op: Op,
  path: string,
  state: { last: string; retry: boolean },
  result: unknown,
): string | undefined {
  const answer = body(result);
  const said = text(result).slice(0, 200);
  // A preview is answered as an error result carrying the token (the call did not run).
  if (op === "preview") return answer?.confirmation_required === true ? undefined : `no token: ${said}`;
  if ((result as { isError?: boolean }).isError) {
    // A redemption retried after the first was cut off may find the secret already deleted by the first.
    if (op === "redeem" && state.retry && /404|not found/i.test(said)) return undefined;
    return `error: ${said}`;
  }
  if (answer?.path !== path) return `answer for another path: ${said}`;
  if (op === "read" && answer.value !== state.last) return `expected ${state.last}, got ${said}`;
  if (op === "redeem" && answer.deleted !== true) return `not deleted: ${said}`;
  return undefined;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
