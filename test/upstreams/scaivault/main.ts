/**
 * Runs the ScaiVault reference upstream until interrupted:
 *   node --import tsx test/upstreams/scaivault/main.ts [--port 8200]
 * The URL and the sample tokens go to stderr; stdout stays empty so the process can sit in a pipeline.
 */
import { startScaivaultUpstream } from "./index.js";

function portArg(argv: string[]): number {
  const i = argv.indexOf("--port");
  const raw = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith("--port="))?.slice("--port=".length);
  const port = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid --port '${raw}'\n`);
    process.exit(2);
  }
  return port;
}

const upstream = await startScaivaultUpstream({ port: portArg(process.argv.slice(2)) });
const lines = [
  `ScaiVault reference upstream listening on ${upstream.url}`,
  "Sample tokens (test-only, valid against this process alone):",
  ...Object.entries(upstream.tokens).map(([name, token]) => `  ${name.padEnd(12)} ${token}`),
  `Home tenant '${upstream.seed.tenant}', other tenant '${upstream.seed.otherTenant}', partner '${upstream.seed.partner}'.`,
];
process.stderr.write(`${lines.join("\n")}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void upstream.close().finally(() => process.exit(0));
  });
}
