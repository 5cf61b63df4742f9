import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The server's Prometheus metrics (prom-client), kept in one registry per process: counting costs next to
 * nothing, and nothing is served unless the metrics endpoint is on (`src/transports/observe.ts`). Labels carry
 * names the catalog declares (tools, sources), outcomes and status codes: never an argument, a principal or a
 * credential, so the label space stays bounded and the endpoint safe to scrape.
 */

export const registry = new Registry();

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const metrics = {
  toolCalls: new Counter({
    name: "toolwright_tool_calls_total",
    help: "Tool calls by tool and outcome (ok, error, refused, rate_limited, cancelled).",
    labelNames: ["tool", "outcome"] as const,
    registers: [registry],
  }),
  toolDuration: new Histogram({
    name: "toolwright_tool_call_duration_seconds",
    help: "Tool call latency, from the chain's start to its outcome.",
    labelNames: ["tool", "outcome"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  upstreamResponses: new Counter({
    name: "toolwright_upstream_responses_total",
    help: "Upstream requests by source and status (an HTTP status, or network, timeout, cancelled).",
    labelNames: ["source", "status"] as const,
    registers: [registry],
  }),
  upstreamDuration: new Histogram({
    name: "toolwright_upstream_request_duration_seconds",
    help: "Upstream request latency by source, up to the response headers.",
    labelNames: ["source"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  upstreamRetries: new Counter({
    name: "toolwright_upstream_retries_total",
    help: "Upstream requests repeated after a 429 or 503 with Retry-After, by source and status.",
    labelNames: ["source", "status"] as const,
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: "toolwright_rate_limit_refusals_total",
    help: "Calls refused by a rate or concurrency limit, by the limit's scope and the tool.",
    labelNames: ["scope", "tool"] as const,
    registers: [registry],
  }),
  storeErrors: new Counter({
    name: "toolwright_state_store_errors_total",
    help: "State store operations that failed (the call that needed them was refused).",
    labelNames: ["store", "operation"] as const,
    registers: [registry],
  }),
  storeUp: new Gauge({
    name: "toolwright_state_store_up",
    help: "1 while the state store answers, 0 while it does not.",
    labelNames: ["store"] as const,
    registers: [registry],
  }),
};

let processMetrics = false;

/** Labels every series with the catalog, and adds Node's process metrics (once, when the endpoint is served). */
export function enableProcessMetrics(catalog: string): void {
  registry.setDefaultLabels({ catalog });
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, prefix: "toolwright_" });
}
