import { join } from "node:path";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { coldStart, median, p50, type ServerFigures, timeCommand } from "./measure.js";
import { installPacked } from "./packed.js";

/**
 * `npm run bench`: the figures peers are compared on (REFERENCE.md), each next to a baseline measured in the
 * same run on the same machine, so the ratio means something on a shared, noisy host.
 *   generate: GitHub REST (1,223 operations) vs `node -e 0`
 *   cold start to a complete tools/list, tools/list bytes and RSS: generated catalogs vs a one-tool SDK server
 *     (each the median of rounds that start the floor and every catalog in turn, so load hits all alike); the
 *     packed ScaiVault package (installed from its tarball) vs the same catalog served from the repository
 *   added latency per call: a tool call through the server vs a direct fetch of the same upstream
 */
const node = process.execPath;
const bin = join(ROOT, "bin/toolwright.mjs");
const quick = process.argv.includes("--quick");
const runs = quick ? 1 : 3;

function row(figure: string, value: string, baseline: string, ratio: number) {
  console.log(
    `${figure.padEnd(44)} ${value.padStart(12)}   ${baseline.padEnd(28)} ${`${ratio.toFixed(2)}x`.padStart(8)}`,
  );
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;

async function main() {
  console.log(`toolwright bench (${quick ? "quick" : `median of ${runs}`}), node ${process.version}\n`);
  console.log(
    `${"figure".padEnd(44)} ${"toolwright".padStart(12)}   ${"baseline".padEnd(28)} ${"ratio".padStart(8)}`,
  );

  const nodeStart = timeCommand(node, ["-e", "0"], 5, ROOT);
  const out = tmpDir("bench-github");
  const spec = join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json");
  const gen = timeCommand(
    node,
    [bin, "generate", "--openapi", spec, "--out", out, "--name", "github"],
    runs,
    ROOT,
  );
  row("generate GitHub REST (1,223 ops)", ms(gen), `node -e 0: ${ms(nodeStart)}`, gen / nodeStart);

  const upstream = await startRecordingServer((req, res) => {
    const id = /^\/v1\/items\/([^/]+)$/.exec(req.path)?.[1];
    if (id)
      return sendJson(res, 200, { id, name: "Lamp", price: { amount: 1, currency: "EUR" }, status: "live" });
  });
  upstream.received.length = 0;
  const floor = await coldStart(
    node,
    [join(ROOT, "test/bench/sdk-floor.mjs")],
    { FLOOR_UPSTREAM: upstream.url },
    ROOT,
  );
  const vault = { SCAIVAULT_URL: upstream.url, SCAIVAULT_TOKEN: "t" };
  const servers: [string, string[], Record<string, string>][] = [
    ["SDK floor", [join(ROOT, "test/bench/sdk-floor.mjs")], { FLOOR_UPSTREAM: upstream.url }],
    [
      "kitchen sink (19 tools)",
      [bin, "serve", "test/fixtures/kitchen-sink/expected"],
      { SINK_URL: `${upstream.url}/v1`, SINK_TOKEN: "t" },
    ],
    ["scaivault (67 tools)", [bin, "serve", "scaivault"], vault],
    ["scaivault, packed (npm package)", installPacked("generated/scaivault", "scaivault-mcp"), vault],
    ["GitHub REST (1,223 tools)", [bin, "serve", out], {}],
    ["GitHub REST, --discovery", [bin, "serve", out, "--discovery"], {}],
  ];
  const rounds = quick ? 3 : 7;
  const seen = new Map<string, ServerFigures[]>();
  for (let round = 0; round < rounds; round++) {
    for (const [label, args, env] of servers) {
      const s = await coldStart(node, args, env, ROOT);
      seen.set(label, [...(seen.get(label) ?? []), s.figures]);
      await s.close();
    }
  }
  const mid = (label: string): ServerFigures => {
    const all = seen.get(label) ?? [];
    return {
      coldStartMs: median(all.map((x) => x.coldStartMs)),
      rssMb: median(all.map((x) => x.rssMb)),
      listBytes: all[0]?.listBytes ?? 0,
      tools: all[0]?.tools ?? 0,
    };
  };
  const f = mid("SDK floor");
  for (const [label] of servers.slice(1)) {
    const g = mid(label);
    row(
      `cold start to tools/list: ${label}`,
      ms(g.coldStartMs),
      `SDK floor: ${ms(f.coldStartMs)}`,
      g.coldStartMs / f.coldStartMs,
    );
    row(
      `tools/list bytes: ${label}`,
      `${g.listBytes}`,
      `~${Math.round(g.listBytes / 4)} tokens; floor ${f.listBytes}`,
      g.listBytes / f.listBytes,
    );
    row(
      `RSS after tools/list: ${label}`,
      `${g.rssMb.toFixed(0)} MB`,
      `SDK floor: ${f.rssMb.toFixed(0)} MB`,
      g.rssMb / f.rssMb,
    );
  }
  const packed = mid("scaivault, packed (npm package)").coldStartMs;
  const repo = mid("scaivault (67 tools)").coldStartMs;
  row("cold start: packed scaivault vs repository", ms(packed), `repository: ${ms(repo)}`, packed / repo);

  const n = quick ? 100 : 400;
  const direct = await p50(n, () => fetch(`${upstream.url}/v1/items/it_1`).then((r) => r.json()));
  const sink = await coldStart(
    node,
    [bin, "serve", "test/fixtures/kitchen-sink/expected"],
    { SINK_URL: `${upstream.url}/v1`, SINK_TOKEN: "t" },
    ROOT,
  );
  const tool = await p50(n, () => sink.client.callTool({ name: "sink_get_item", arguments: { id: "it_1" } }));
  const floorCall = await p50(n, () =>
    floor.client.callTool({ name: "get_item", arguments: { id: "it_1" } }),
  );
  row("tool call p50 (validate, call, check result)", ms(tool), `direct fetch: ${ms(direct)}`, tool / direct);
  row(
    "added latency over a direct fetch, p50",
    ms(tool - direct),
    `SDK floor adds ${ms(floorCall - direct)}`,
    (tool - direct) / (floorCall - direct),
  );
  await sink.close();
  await floor.close();
  await upstream.close();
}

await main();
