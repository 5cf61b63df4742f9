/**
 * Starts the Scaly reference upstream for demos and manual testing:
 *   node --import tsx test/upstreams/scaly/main.ts [--port 8788] [--time-scale 1]
 * Everything is printed to stderr; the keys are the upstream's own test keys, not real credentials.
 */
import { parseArgs } from "node:util";
import { startScalyUpstream } from "./index.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8788" },
    "time-scale": { type: "string", default: "1" },
  },
});

const upstream = await startScalyUpstream({
  port: Number(values.port),
  timeScale: Number(values["time-scale"]),
  preloadDatabase: true,
});
const token = upstream.issueSessionToken({ expiresInSec: 12 * 3600 });
process.stderr.write(
  [
    `Scaly reference upstream on ${upstream.url}`,
    `  GraphQL     ${upstream.graphqlUrl}`,
    `  data plane  ${upstream.dataUrl}/v1/apps/{appId}/...`,
    "",
    `  SCALY_API_URL=${upstream.url}`,
    `  SCALY_API_KEY=${upstream.keys.apiKey}`,
    `  SCALY_APPSYNC_KEY=${upstream.keys.appsyncKey}`,
    `  SCALY_OIDC_TOKEN=${token}   (valid 12 h)`,
    "",
    `  seeded apps: ${Object.values(upstream.seed.apps).join(", ")}`,
    "",
  ].join("\n"),
);

const stop = async () => {
  await upstream.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
