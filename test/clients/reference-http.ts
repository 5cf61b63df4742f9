import { type Served, serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { startScalyUpstream } from "../upstreams/scaly/index.js";

/** Both reference catalogs served over Streamable HTTP as an operator runs them, each before its own upstream. */
export interface ReferenceHttp {
  vault: ScaivaultUpstream;
  scalyUp: Awaited<ReturnType<typeof startScalyUpstream>>;
  vaultServed: Served;
  scalyServed: Served;
}

/**
 * Starts the ScaiVault and Scaly upstreams and serves both catalogs over HTTP (a child process each, env only),
 * filling `ref` as each starts (so stopReferenceHttp stops what a failed start left running); `key` is the bearer
 * key clients send to both and Scaly's upstream API key; `env` is added to both (a page size).
 */
export async function serveReferenceHttp(
  ref: Partial<ReferenceHttp>,
  key: string,
  env: Record<string, string> = {},
): Promise<void> {
  [ref.vault, ref.scalyUp] = await Promise.all([
    startScaivaultUpstream(),
    startScalyUpstream({ apiKey: key }),
  ]);
  [ref.vaultServed, ref.scalyServed] = await Promise.all([
    serveHttp("scaivault", {
      SCAIVAULT_URL: ref.vault.url,
      SCAIVAULT_TOKEN: ref.vault.tokens.admin,
      MCP_TRANSPORT: "http",
      PORT: "0",
      SCAIVAULT_MCP_TOKEN: key,
      ...env,
    }),
    serveHttp("scaly", {
      SCALY_API_URL: ref.scalyUp.url,
      SCALY_API_KEY: key,
      SCALY_APPSYNC_KEY: ref.scalyUp.keys.appsyncKey,
      SCALY_MCP_TRANSPORT: "http",
      SCALY_MCP_HTTP_PORT: "0",
      ...env,
    }),
  ]);
}

/** Stops what serveReferenceHttp started. */
export async function stopReferenceHttp(ref: Partial<ReferenceHttp>): Promise<void> {
  await Promise.all([ref.vaultServed?.stop(), ref.scalyServed?.stop()]);
  await Promise.all([ref.vault?.close(), ref.scalyUp?.close()]);
}
