import type { IncomingMessage, ServerResponse } from "node:http";
import { metricsRegistry } from "../telemetry/metrics.js";
import { settleUnreadBody } from "./http-node.js";

/**
 * What a load balancer, an orchestrator and Prometheus read, outside `/mcp`: answered without authentication, to a
 * Host that is an allowed host or any IP address (probes and scrapers address a replica by its own IP; a name not
 * allowed is refused, `checkProbeHost`), and carrying nothing about calls or callers.
 *
 *   /healthz  200 while the process serves (liveness).
 *   /readyz   200 while it accepts calls, 503 once draining; the body says whether the state store answers. The
 *             store's absence does not make a replica unready: calls that need no store are still served.
 *   /metrics  Prometheus text format (prom-client), when on (the default in HTTP mode).
 */

export const PROBE_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

export interface ProbeOptions {
  metrics: boolean;
  draining(): boolean;
  /** Whether the state store answers now; undefined when the server uses none. */
  state?: () => Promise<boolean>;
}

export async function serveProbe(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  options: ProbeOptions,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    settleUnreadBody(req, res);
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  if (path === "/healthz") return send(res, 200, "application/json", JSON.stringify({ status: "ok" }));
  if (path === "/readyz") {
    const draining = options.draining();
    const state = options.state ? ((await options.state()) ? "reachable" : "unreachable") : "none";
    const body = JSON.stringify({ status: draining ? "draining" : "ready", state });
    return send(res, draining ? 503 : 200, "application/json", body);
  }
  const registry = options.metrics ? metricsRegistry() : undefined;
  if (!registry) return send(res, 404, "application/json", JSON.stringify({ error: "metrics are off" }));
  return send(res, 200, registry.contentType, await registry.metrics());
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  settleUnreadBody(res.req, res);
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(body);
}
