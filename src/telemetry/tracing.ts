import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * Traces through `@opentelemetry/api`: a span per tool call and a child span per upstream request, with the W3C
 * trace context sent upstream. Without a tracer provider (the default: `otel.ts` registers one only when an
 * exporter is configured) every span is a no-op and nothing is propagated. Attributes carry names the catalog
 * declares, decisions, codes and statuses: never an argument value, a URL with values in it, or a credential.
 */

const tracer = () => trace.getTracer("toolwright");

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

function clean(attributes: SpanAttributes): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}

/** Runs `fn` inside an active span (children started within attach to it); the span ends when `fn` settles. */
export async function inSpan<T>(
  name: string,
  kind: "internal" | "client",
  attributes: SpanAttributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: kind === "client" ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: clean(attributes) },
    async (span) => {
      try {
        return await fn(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.name ?? "error" });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

export function markSpan(span: Span, attributes: SpanAttributes, failed: boolean): void {
  span.setAttributes(clean(attributes));
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
}

/** `traceparent` (and `tracestate`) for the current span, as request headers; none when tracing is off. */
export function traceHeaders(): Array<[string, string]> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.entries(carrier).map(([name, value]) => [name.toLowerCase(), value]);
}

/** Runs `fn` in the trace context a request's headers carry (`traceparent`), when tracing is on. */
export function withIncomingContext<T>(
  headers: Record<string, string | string[] | undefined>,
  fn: () => T,
): T {
  return context.with(propagation.extract(context.active(), headers), fn);
}
