import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

export interface ServerFigures {
  coldStartMs: number;
  listBytes: number;
  tools: number;
  /** Resident set size in MB (1,000,000 bytes). */
  rssMb: number;
  /** CPU time the server's threads have run (on a shared machine, the figure load blurs least). */
  cpuMs: number;
}

/**
 * Megabytes (1,000,000 bytes: the unit of every size the bench prints and of the issues' targets) in a count of
 * KiB, the unit of /proc's `VmRSS: ... kB` and GNU time's `%M` (1024 bytes each: divided by 1024 they are MiB).
 */
export const kibInMb = (kib: number): number => (kib * 1024) / 1_000_000;

function rssMb(pid: number | null): number {
  if (!pid) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "NaN");
  return kibInMb(kib);
}

/** CPU time every thread of `pid` has spent running, from /proc/<pid>/task/<tid>/schedstat (nanoseconds). */
export function cpuMs(pid: number | null): number {
  if (!pid) return Number.NaN;
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
  }
  return ns / 1e6;
}

/** Spawn -> connected -> every tools/list page received; then the listing's size and the server's RSS. */
export async function coldStart(command: string, args: string[], env: Record<string, string>, cwd: string) {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command,
    args,
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(transport);
  const { tools } = await client.listTools();
  const coldStartMs = performance.now() - t0;
  const figures: ServerFigures = {
    coldStartMs,
    listBytes: Buffer.byteLength(JSON.stringify(tools)),
    tools: tools.length,
    rssMb: rssMb(transport.pid),
    cpuMs: cpuMs(transport.pid),
  };
  return { client, figures, pid: transport.pid, close: () => client.close() };
}

/** Every order of `items` (a handful of call kinds: 3 give 6). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]),
  );
}

/**
 * p50 of each of several call kinds, after a warm-up: every round calls each kind once, so the load of a shared
 * machine falls on all of them alike (sequential blocks of one kind would each meet a different load).
 */
export async function p50s<K extends string>(
  n: number,
  calls: Record<K, () => Promise<unknown>>,
): Promise<Record<K, number>> {
  const kinds = Object.keys(calls) as K[];
  const times = Object.fromEntries(kinds.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < 20; i++) for (const k of kinds) await calls[k]();
  // Rounds go through every order of the kinds in turn: a call measures differently right after one kind than
  // after another (5-45 us on the 2-core machine), so no kind keeps one neighbour or one place.
  const orders = permutations(kinds);
  for (let i = 0; i < n; i++) {
    for (const k of orders[i % orders.length] as K[]) {
      const t0 = performance.now();
      await calls[k]();
      times[k].push(performance.now() - t0);
    }
  }
  return Object.fromEntries(kinds.map((k) => [k, median(times[k])])) as Record<K, number>;
}

/**
 * A client on the v1 SDK (`@modelcontextprotocol/sdk`, which compiles every output schema it receives with ajv)
 * connected to a started server: the time it takes to list every page, and how many tools it got.
 */
export async function v1ListTime(command: string, args: string[], cwd: string) {
  const { Client: ClientV1 } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StdioClientTransport: StdioV1 } = await import("@modelcontextprotocol/sdk/client/stdio.js");
  const transport = new StdioV1({
    command,
    args,
    cwd,
    env: { PATH: process.env.PATH ?? "" },
    stderr: "ignore",
  });
  const client = new ClientV1({ name: "bench-v1", version: "1.0.0" });
  await client.connect(transport);
  try {
    const t0 = performance.now();
    let tools = 0;
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, { timeout: 600_000 });
      tools += page.tools.length;
      cursor = page.nextCursor;
    } while (cursor);
    return { ms: performance.now() - t0, tools };
  } finally {
    await client.close();
  }
}

/**
 * What a server answers to initialize and to a first tools/list, as JSON text (for `replay.mjs`), from a bare
 * exchange over stdio; the listing must be one page (a replay answers every tools/list with it).
 */
export function captureListing(command: string, args: string[], env: Record<string, string>, cwd: string) {
  const init = {
    protocolVersion: "2025-11-25",
    capabilities: {},
    clientInfo: { name: "bench", version: "1" },
  };
  const input = [
    { jsonrpc: "2.0", id: 1, method: "initialize", params: init },
    { jsonrpc: "2.0", method: "notifications/initialized" },
    { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} },
  ];
  const run = spawnSync(command, args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", ...env },
    input: `${input.map((m) => JSON.stringify(m)).join("\n")}\n`,
    maxBuffer: 256 * 1024 * 1024,
    encoding: "utf8",
  });
  const answers = new Map<unknown, { result?: { nextCursor?: string } }>();
  for (const line of run.stdout.split("\n"))
    if (line.trim()) answers.set(JSON.parse(line).id, JSON.parse(line));
  const [initialized, listed] = [answers.get(1)?.result, answers.get(2)?.result];
  if (!initialized || !listed || listed.nextCursor !== undefined) {
    throw new Error(
      `captureListing: no single-page listing from ${args.join(" ")} (${run.stderr.slice(0, 300)})`,
    );
  }
  return `${JSON.stringify(initialized)}\n${JSON.stringify(listed)}\n`;
}
