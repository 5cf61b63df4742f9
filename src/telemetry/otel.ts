import { useTracingApi } from "./tracing.js";

/**
 * Tracing is off unless an exporter is configured with the standard OpenTelemetry env:
 * `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (OTLP over HTTP, JSON), or
 * `OTEL_TRACES_EXPORTER=otlp`; `OTEL_TRACES_EXPORTER=none` keeps it off. Then a tracer provider exports spans
 * in batches, with `service.name` from `OTEL_SERVICE_NAME` (default `toolwright-<catalog>`), and the W3C trace
 * context propagator. stdout is never used (it carries JSON-RPC on stdio). The OpenTelemetry packages load only
 * then: a server without tracing does not pay for them at start-up.
 */

export interface Tracing {
  /** Flushes and stops the exporter. */
  shutdown(): Promise<void>;
}

export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === "none") return false;
  return (
    exporter === "otlp" ||
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) ||
    Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())
  );
}

export async function startTracing(
  catalog: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing | undefined> {
  if (!tracingConfigured(env)) return undefined;
  const [api, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, otlp, resources, sdk] =
    await Promise.all([
      import("@opentelemetry/api"),
      import("@opentelemetry/context-async-hooks"),
      import("@opentelemetry/core"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
      import("@opentelemetry/sdk-trace"),
    ]);
  const { context, propagation, trace } = api;
  const { resourceFromAttributes } = resources;
  const { BatchSpanProcessor, TracerProvider } = sdk;
  const { OTLPTraceExporter } = otlp;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": env.OTEL_SERVICE_NAME?.trim() || `toolwright-${catalog}`,
    }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  useTracingApi(api);
  return { shutdown: () => provider.shutdown() };
}
