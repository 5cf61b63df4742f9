import type { Registry } from "prom-client";

type PromClient = typeof import("prom-client");

/**
 * The server's Prometheus metrics (prom-client), kept in one registry per process. Labels carry names the
 * catalog declares (tools, sources), outcomes and status codes: never an argument, a principal or a credential,
 * so the label space stays bounded and the endpoint safe to scrape.
 *
 * prom-client loads only when metrics are served: until `enableMetrics()` runs (before the metrics endpoint
 * starts), every instrument is a no-op, which counts nothing that anyone could read, at no start-up cost.
 */

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function createInstruments(prom: PromClient, registry: Registry) {
  return {
    toolCalls: new prom.Counter({
      name: "toolwright_tool_calls_total",
      help: "Tool calls by tool and outcome (ok, error, refused, rate_limited, cancelled).",
      labelNames: ["tool", "outcome"] as const,
      registers: [registry],
    }),
    toolDuration: new prom.Histogram({
      name: "toolwright_tool_call_duration_seconds",
      help: "Tool call latency, from the chain's start to its outcome.",
      labelNames: ["tool", "outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    upstreamResponses: new prom.Counter({
      name: "toolwright_upstream_responses_total",
      help: "Upstream requests by source and status (an HTTP status, or network, timeout, cancelled).",
      labelNames: ["source", "status"] as const,
      registers: [registry],
    }),
    upstreamDuration: new prom.Histogram({
      name: "toolwright_upstream_request_duration_seconds",
      help: "Upstream request latency by source, up to the response headers.",
      labelNames: ["source"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    upstreamRetries: new prom.Counter({
      name: "toolwright_upstream_retries_total",
      help: "Upstream requests repeated after a 429 or 503 with Retry-After, or after a connection closed unanswered (status connection_closed), by source and status.",
      labelNames: ["source", "status"] as const,
      registers: [registry],
    }),
    rateLimited: new prom.Counter({
      name: "toolwright_rate_limit_refusals_total",
      help: "Calls refused by a rate or concurrency limit, by the limit's scope and the tool.",
      labelNames: ["scope", "tool"] as const,
      registers: [registry],
    }),
    storeErrors: new prom.Counter({
      name: "toolwright_state_store_errors_total",
      help: "State store operations that failed (the call that needed them was refused).",
      labelNames: ["store", "operation"] as const,
      registers: [registry],
    }),
    storeUp: new prom.Gauge({
      name: "toolwright_state_store_up",
      help: "1 while the state store answers, 0 while it does not.",
      labelNames: ["store"] as const,
      registers: [registry],
    }),
  };
}

type Instruments = ReturnType<typeof createInstruments>;

const noop = { inc() {}, observe() {}, set() {} };

/**
 * The instruments the runtime records into: no-ops until `enableMetrics()` replaces them with prom-client's. A
 * plain object whose members are swapped in place (not a Proxy: a trap on every access of the served path).
 */
export const metrics = {
  toolCalls: noop,
  toolDuration: noop,
  upstreamResponses: noop,
  upstreamDuration: noop,
  upstreamRetries: noop,
  rateLimited: noop,
  storeErrors: noop,
  storeUp: noop,
} satisfies Record<keyof Instruments, typeof noop> as unknown as Instruments;

let registry: Registry | undefined;

/** The registry the metrics endpoint serves, once `enableMetrics()` has run. */
export function metricsRegistry(): Registry | undefined {
  return registry;
}

/**
 * Loads prom-client and makes every instrument real, labelling every series with the catalog and adding Node's
 * process metrics. Call it before serving metrics (once; later calls return the same registry).
 */
export async function enableMetrics(catalog: string): Promise<Registry> {
  if (registry) return registry;
  const prom = await import("prom-client");
  const created = new prom.Registry();
  Object.assign(metrics, createInstruments(prom, created));
  created.setDefaultLabels({ catalog });
  prom.collectDefaultMetrics({ register: created, prefix: "toolwright_" });
  registry = created;
  return created;
}
