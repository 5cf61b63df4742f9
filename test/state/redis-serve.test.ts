import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tmpDir } from "../helpers/paths.js";
import { startRedis, type TestRedis } from "../helpers/redis.js";
import { connect, replicaEnv, text } from "../load/cluster.js";
import { type Served, serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// `toolwright serve scaivault` processes over Streamable HTTP on one real Redis that wants a password
// (redis-server --requirepass on a free loopback port), driven by real MCP clients: what an operator sees when the
// URL's password is wrong, and that the password never leaves the process.

const PASSWORD = "redis-pass-canary-3b7e:@/%";
/** Rate-limited (so it needs the store) with a limit the tests never reach. */
const LIMITED = "scaivault_list_secrets";

let redis: TestRedis;
let upstream: ScaivaultUpstream;
const started: Served[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  [redis, upstream] = await Promise.all([startRedis({ password: PASSWORD }), startScaivaultUpstream()]);
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.allSettled(started.map((s) => s.stop()));
  await Promise.allSettled([redis?.close(), upstream?.close()]);
});

async function serve(state: string, extra: Record<string, string> = {}) {
  const served = await serveHttp(
    "scaivault",
    replicaEnv(upstream, state, { SCAIVAULT_TOOL_RATE_LIMIT: `${LIMITED}=1000000/1h`, ...extra }),
  );
  started.push(served);
  const client = await connect(served.url);
  clients.push(client);
  return { served, client };
}

const list = (client: Client) => client.callTool({ name: LIMITED, arguments: { prefix: "integrations/" } });
const versions = (client: Client) =>
  client.callTool({
    name: "scaivault_get_secret_versions",
    arguments: { path: "apps/billing/smtp-password" },
  });

it("a wrong Redis password: the log says Redis refused it (WRONGPASS), what needs the store fails closed, the rest serves; the password is never shown", async () => {
  const audit = join(tmpDir("redis-serve-audit"), "audit.jsonl");
  const wrong = `redis://:${encodeURIComponent(`${PASSWORD}-wrong`)}@127.0.0.1:${redis.port}/0`;
  const { served, client } = await serve(wrong, { SCAIVAULT_AUDIT: "true", SCAIVAULT_AUDIT_FILE: audit });
  expect(served.stderr()).toMatch(
    /state: the redis state store is unreachable \(WRONGPASS: Redis refused the user or password of the redis:\/\/ URL\)/,
  );
  expect(served.stderr()).toContain(`shared state: redis at redis://127.0.0.1:${redis.port}/0`);

  const refused = await list(client);
  expect(refused.isError).toBe(true);
  expect(text(refused)).toMatch(/shared state store is unavailable/);
  const served2 = await versions(client);
  expect(served2.isError, text(served2)).toBeFalsy();

  const rendered = [served.stderr(), text(refused), readFileSync(audit, "utf8")].join("\n");
  for (const shown of [PASSWORD, encodeURIComponent(PASSWORD), "redis-pass-canary"]) {
    expect(rendered).not.toContain(shown);
  }
  expect(await served.stop()).toBe(0);
  expect(served.stderr()).not.toContain("redis-pass-canary");
});

it("the right password: rate-limited calls are counted in Redis; nothing shows the password", async () => {
  const { served, client } = await serve(redis.url);
  const answer = await list(client);
  expect(answer.isError, text(answer)).toBeFalsy();
  expect(served.stderr()).not.toMatch(/unreachable/);
  expect(redis.cli("--scan", "--pattern", "toolwright:scaivault:rate:*").trim()).not.toBe("");
  expect(await served.stop()).toBe(0);
  expect(served.stderr()).not.toContain("redis-pass-canary");
  // Stopping closes the connection: not an outage, so no "unreachable" line.
  expect(served.stderr()).not.toMatch(/unreachable/);
  // No maxmemory: nothing is evicted before it expires.
  expect(served.stderr()).not.toMatch(/may evict/);
});

it("two tenants' deployments of one catalog on one Redis count their rate limits apart; replicas of one tenant count together; every key written expires", async () => {
  const TOOL = "scaivault_get_secret_versions";
  const LIMIT = 2;
  const tenant = (id: string) => ({
    SCAIVAULT_TENANT_ID: id,
    SCAIVAULT_TOOL_RATE_LIMIT: `${LIMITED}=1000000/1h,${TOOL}=${LIMIT}/1h`,
  });
  const [a1, a2, other] = await Promise.all([
    serve(redis.url, tenant("acme-corp")),
    serve(redis.url, tenant("acme-corp")),
    serve(redis.url, tenant("globex")),
  ]);
  const limited = (result: Awaited<ReturnType<Client["callTool"]>>) =>
    /rate limited: at most/.test(text(result));
  const hour = () => Math.floor(Date.now() / 3_600_000);
  const start = hour();
  const acme = await Promise.all([a1, a2, a1, a2, a1, a2].map(({ client }) => versions(client)));
  const globex = await Promise.all([other, other, other].map(({ client }) => versions(client)));
  // Fixed windows on the clock: a run that crosses the hour may admit a second window's share.
  const windows = hour() - start + 1;
  for (const [results, label] of [
    [acme, "acme's two replicas"],
    [globex, "globex"],
  ] as const) {
    const admitted = results.filter((r) => !limited(r)).length;
    expect(admitted, `${label}: ${results.map(text).join("\n")}`).toBeGreaterThanOrEqual(LIMIT);
    expect(admitted, `${label}: ${results.map(text).join("\n")}`).toBeLessThanOrEqual(LIMIT * windows);
  }

  const keys = redis.cli("--scan", "--pattern", "*").trim().split("\n").filter(Boolean);
  expect(keys.length).toBeGreaterThan(1);
  for (const key of keys) {
    expect(key).toMatch(/^toolwright:/);
    expect(key).not.toMatch(/acme|globex/);
    // `toolwright:since` (since when this Redis remembers) is the one key kept: it must outlive every token.
    if (key !== "toolwright:since") expect(Number(redis.cli("PTTL", key).trim()), key).toBeGreaterThan(0);
  }
});

it.each(["volatile-lru", "allkeys-lfu"])(
  "a Redis that may evict keys before they expire (maxmemory-policy %s) is named at start: a spent token's key could go",
  async (policy) => {
    const evicting = await startRedis({ args: ["--maxmemory", "64mb", "--maxmemory-policy", policy] });
    try {
      const { served, client } = await serve(evicting.url);
      await served.waitForStderr(
        `state: this Redis may evict keys before they expire (maxmemory-policy ${policy}, with a maxmemory), so a spent confirmation token's key could be evicted and the token used again; set maxmemory-policy noeviction`,
      );
      // A warning, not a refusal: managed services (ElastiCache's default is volatile-lru) are run so.
      const answer = await list(client);
      expect(answer.isError, text(answer)).toBeFalsy();
      expect(await served.stop()).toBe(0);
      expect(served.stderr().match(/may evict/g)).toHaveLength(1);
    } finally {
      await evicting.close();
    }
  },
);
