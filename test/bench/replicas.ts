import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/client";
import { ROOT } from "../helpers/paths.js";
import { redisServerPath, startRedis } from "../helpers/redis.js";
import { connect, replicaEnv, startReplica } from "../load/cluster.js";
import { startBalancer } from "../transport/balancer.js";
import { startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { median } from "./measure.js";

/**
 * Throughput and latency over Streamable HTTP: a ScaiVault read through 1 and through 3 replicas sharing one Redis
 * (each call counted against a per-caller rate limit there, so every call touches the shared store), at 8 and 64
 * concurrent clients, next to the one-tool SDK server over HTTP making the very same upstream request. Every
 * target sits behind the same round-robin balancer, so each pays the same extra hop. On a 2-core machine three
 * replicas share the cores of one: the 3-vs-1 ratio says what sharing state costs more than what it scales.
 */

type Row = (figure: string, value: string, baseline: string, ratio: number) => void;

interface Figures {
  callsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time the serving processes spent per call (user + system): what load cannot blur. */
  cpuMsPerCall: number;
}

export async function replicaThroughput(row: Row, quick: boolean): Promise<void> {
  if (!redisServerPath()) {
    console.log("replicas: skipped (no redis-server on PATH)");
    return;
  }
  const [redis, vault] = await Promise.all([startRedis(), startScaivaultUpstream()]);
  const env = replicaEnv(vault, redis.url, { SCAIVAULT_RATE_LIMIT: "100000000/1m" });
  const replicas = await Promise.all([0, 1, 2].map(() => startReplica(env)));
  const floor = await startFloor(vault.url, vault.tokens.admin);
  const targets = {
    floor: await startBalancer([floor.url]),
    one: await startBalancer([replicas[0]!.served.url]),
    three: await startBalancer(replicas.map((r) => r.served.url)),
  };
  const pids = {
    floor: [floor.pid],
    one: [replicas[0]!.served.proc.pid!],
    three: replicas.map((r) => r.served.proc.pid!),
  };
  const path = vault.seed.secrets.salesforce;
  const calls = {
    floor: (c: Client) => c.callTool({ name: "get_item", arguments: { id: path } }),
    one: (c: Client) => c.callTool({ name: "scaivault_read_secret", arguments: { path } }),
    three: (c: Client) => c.callTool({ name: "scaivault_read_secret", arguments: { path } }),
  };
  const total = quick ? 400 : 2000;
  const rounds = quick ? 1 : 3;
  try {
    for (const width of [8, 64]) {
      const seen: Record<keyof typeof targets, Figures[]> = { floor: [], one: [], three: [] };
      // Rounds take the three in turn, so the load of a shared machine falls on all of them alike.
      for (let round = 0; round < rounds; round++) {
        for (const kind of ["floor", "one", "three"] as const) {
          seen[kind].push(await drive(targets[kind].url, width, total, calls[kind], pids[kind]));
        }
      }
      const mid = (kind: keyof typeof targets): Figures => ({
        callsPerSecond: median(seen[kind].map((f) => f.callsPerSecond)),
        p50: median(seen[kind].map((f) => f.p50)),
        p99: median(seen[kind].map((f) => f.p99)),
        cpuMsPerCall: median(seen[kind].map((f) => f.cpuMsPerCall)),
      });
      const [f, one, three] = [mid("floor"), mid("one"), mid("three")];
      const rate = (v: number) => `${v.toFixed(0)} calls/s`;
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      row(
        `HTTP, ${width} clients: 1 replica`,
        rate(one.callsPerSecond),
        `SDK floor: ${rate(f.callsPerSecond)}`,
        one.callsPerSecond / f.callsPerSecond,
      );
      row(
        `HTTP, ${width} clients: 3 replicas`,
        rate(three.callsPerSecond),
        `1 replica: ${rate(one.callsPerSecond)}`,
        three.callsPerSecond / one.callsPerSecond,
      );
      row(
        `HTTP, ${width} clients: server CPU/call, 1 / 3`,
        `${ms(one.cpuMsPerCall)} / ${ms(three.cpuMsPerCall)}`,
        `SDK floor: ${ms(f.cpuMsPerCall)}`,
        one.cpuMsPerCall / f.cpuMsPerCall,
      );
      row(
        `HTTP, ${width} clients: p50, 1 / 3 replicas`,
        `${ms(one.p50)} / ${ms(three.p50)}`,
        `SDK floor: ${ms(f.p50)}`,
        three.p50 / f.p50,
      );
      row(
        `HTTP, ${width} clients: p99, 1 / 3 replicas`,
        `${ms(one.p99)} / ${ms(three.p99)}`,
        `SDK floor: ${ms(f.p99)}`,
        three.p99 / f.p99,
      );
    }
  } finally {
    await Promise.all(Object.values(targets).map((t) => t.close()));
    floor.stop();
    await Promise.allSettled(replicas.map((r) => r.served.stop()));
    await Promise.allSettled([redis.close(), vault.close()]);
  }
}

/** `width` clients, each calling in turn until `total` calls are done; wall-clock throughput and latencies. */
async function drive(
  url: string,
  width: number,
  total: number,
  call: (c: Client) => Promise<unknown>,
  pids: number[],
): Promise<Figures> {
  const clients = await Promise.all(Array.from({ length: width }, () => connect(url)));
  for (const client of clients) await call(client);
  const times: number[] = [];
  let started = 0;
  const cpu0 = cpuMs(pids);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      while (started < total) {
        started++;
        const t = performance.now();
        const result = (await call(client)) as { isError?: boolean };
        if (result.isError) throw new Error(`a bench call failed: ${JSON.stringify(result)}`);
        times.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - t0;
  const cpu = cpuMs(pids) - cpu0;
  await Promise.all(clients.map((c) => c.close()));
  times.sort((a, b) => a - b);
  return {
    callsPerSecond: (total / wall) * 1000,
    p50: times[Math.floor(times.length * 0.5)]!,
    p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))]!,
    cpuMsPerCall: cpu / total,
  };
}

/** User + system CPU of processes, in ms (Linux: /proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/** The SDK floor over HTTP, making ScaiVault's read request (`GET /v1/secrets/<path>` with the same token). */
async function startFloor(
  upstream: string,
  token: string,
): Promise<{ url: string; pid: number; stop(): void }> {
  const proc = spawn(process.execPath, [join(ROOT, "test/bench/sdk-floor-http.mjs")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      FLOOR_UPSTREAM: upstream,
      FLOOR_PREFIX: "/v1/secrets/",
      FLOOR_HEADERS: JSON.stringify({ authorization: `Bearer ${token}` }),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (chunk) => {
      out += String(chunk);
      const match = /listening (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    proc.once("exit", (code) => reject(new Error(`the HTTP SDK floor exited (${code})`)));
  });
  return { url, pid: proc.pid!, stop: () => proc.kill() };
}
