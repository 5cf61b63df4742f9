import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { raw } from "./raw-http.js";
import { type Served, serveHttp } from "./serve-http.js";

// Observability of a replica: /healthz, /readyz and /metrics outside the Host and authentication checks, and
// OpenTelemetry traces exported over OTLP to a collector on loopback: a span per tool call with its decision, a
// child span per upstream request, the W3C trace context carried from the client to the upstream, and never an
// argument value in any of it.

const KEY = "observe-client-key-77c1aa";
const CANARY_PATH = "integrations/stripe/api-key";
const CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
let upstream: ScaivaultUpstream;
let collector: RecordingServer;
let served: Served;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  collector = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  served = await serveHttp("scaivault", {
    MCP_TRANSPORT: "http",
    PORT: "0",
    SCAIVAULT_MCP_TOKEN: KEY,
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: upstream.tokens.admin,
    SCAIVAULT_AUDIT: "false",
    XDG_STATE_HOME: tmpDir("observe-state"),
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_SERVICE_NAME: "vault-gateway",
  });
});
afterAll(async () => {
  await served?.stop();
  await Promise.all([upstream?.close(), collector?.close()]);
});

it("probes answer an IP address or an allowed host, never another name: a rebound page reads no metrics", async () => {
  // DNS rebinding: a page at http://rebind.example:<port> whose name now resolves to 127.0.0.1 sends that name as
  // its Host. /mcp refused it; the probes answered it, so the page read which tools this machine's server ran.
  const { port } = new URL(served.origin);
  for (const path of ["/metrics", "/healthz", "/readyz"]) {
    for (const headers of [
      { host: `rebind.example:${port}` },
      { host: "rebind.example" },
      { host: `127.0.0.1.rebind.example:${port}` },
      { origin: `http://rebind.example:${port}` },
    ] as Record<string, string>[]) {
      const refused = await raw(`${served.origin}${path}`, { method: "GET", headers });
      expect(refused.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(refused.body).not.toContain("toolwright_");
    }
    const repeated = await raw(`${served.origin}${path}`, {
      method: "GET",
      headers: { host: [`127.0.0.1:${port}`, `rebind.example:${port}`] },
    });
    expect(repeated.status).toBe(400);
  }
  // What probes and scrapers send: a replica's own address (any IP, v4 or v6) or an allowed name.
  for (const host of ["10.1.2.3:8765", "[fd00::7]:8765", "192.168.4.4", `localhost:${port}`]) {
    const metrics = await raw(`${served.origin}/metrics`, { method: "GET", headers: { host } });
    expect(metrics.status, host).toBe(200);
    expect(metrics.body).toContain("toolwright_");
  }
});

it("health and readiness answer any Host without a key; metrics count calls, upstream statuses and refusals", async () => {
  const health = await fetch(`${served.origin}/healthz`, { headers: { host: "10.1.2.3:8765" } });
  expect(health.status).toBe(200);
  const ready = await fetch(`${served.origin}/readyz`);
  expect(await ready.json()).toEqual({ status: "ready", state: "reachable" });

  const client = new Client({ name: "observe", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(served.url), {
      requestInit: {
        headers: { authorization: `Bearer ${KEY}`, traceparent: `00-${CLIENT_TRACE}-00f067aa0ba902b7-01` },
      },
    }),
  );
  const read = await client.callTool({ name: "scaivault_read_secret", arguments: { path: CANARY_PATH } });
  expect(read.isError, JSON.stringify(read)).toBeFalsy();
  const preview = await client.callTool({
    name: "scaivault_delete_secret",
    arguments: { path: CANARY_PATH },
  });
  expect(preview.isError).toBe(true);
  await client.close();

  const metrics = await (await fetch(`${served.origin}/metrics`)).text();
  expect(metrics).toMatch(
    /toolwright_tool_calls_total\{tool="scaivault_read_secret",outcome="ok",catalog="scaivault"\} 1/,
  );
  expect(metrics).toMatch(
    /toolwright_tool_calls_total\{tool="scaivault_delete_secret",outcome="refused",catalog="scaivault"\} 1/,
  );
  expect(metrics).toMatch(
    /toolwright_upstream_responses_total\{source="vault",status="200",catalog="scaivault"\} 1/,
  );
  expect(metrics).toMatch(/toolwright_tool_call_duration_seconds_bucket\{[^}]*tool="scaivault_read_secret"/);
  expect(metrics).toContain("toolwright_state_store_up");
  expect(metrics).not.toContain(CANARY_PATH);

  // The upstream got the trace context of the call, in the client's trace.
  const sent = upstream.requests.find((r) => r.path.includes("/v1/secrets/integrations"));
  const traceparent = String((sent as { headers?: Record<string, string> })?.headers?.traceparent ?? "");
  expect(traceparent).toMatch(new RegExp(`^00-${CLIENT_TRACE}-[0-9a-f]{16}-01$`));

  // Spans are flushed when the server stops.
  expect(await served.stop()).toBe(0);
  const exported = collector.received
    .filter((r) => r.path === "/v1/traces")
    .map((r) => r.body.toString("utf8"));
  const all = exported.join("\n");
  expect(all).toContain("tools/call scaivault_read_secret");
  expect(all).toContain("vault-gateway");
  expect(all).toContain("HTTP GET");
  expect(all).toContain("/v1/secrets/{path}");
  expect(all).toContain('"toolwright.decision"');
  expect(all).not.toContain(CANARY_PATH);
  expect(all).not.toContain(upstream.tokens.admin);
  expect(all).not.toContain(KEY);
});
