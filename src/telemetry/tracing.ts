import type { Span } from "@opentelemetry/api";

/**
 * Traces through `@opentelemetry/api`: a span per tool call and a child span per upstream request, with the W3C
 * trace context sent upstream. Attributes carry names the catalog declares, decisions, codes and statuses: never
 * an argument value, a URL with values in it, or a credential.
 *
 * Tracing is off unless `otel.ts` registers a provider (an exporter is configured), and then hands the API over
 * with `useTracingApi`; until then every span is a local no-op, nothing is propagated, and the API is not even
 * loaded (start-up pays nothing for tracing that is off).
 */

type Api = typeof import("@opentelemetry/api");
let api: Api | undefined;

/** Called by `otel.ts` once a tracer provider is registered. */
export function useTracingApi(loaded: Api): void {
  api = loaded;
}

/** Whether spans are recorded (a tracer provider is registered). */
export function tracing(): boolean {
  return api !== undefined;
}

/** The span work is given while tracing is off: every method does nothing. */
export const NO_SPAN = {
  setAttributes() {
    return NO_SPAN;
  },
  setStatus() {
    return NO_SPAN;
  },
  end() {},
} as unknown as Span;

export type SpanAttributes = Record<string, string | number | boolean | undefined>;

function clean(attributes: SpanAttributes): Record<string, string | number | boolean> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | number | boolean
  >;
}

/**
 * Runs `fn` inside an active span (children started within attach to it); the span ends when `fn` settles. With
 * tracing off it is `fn` itself: no promise of its own around `fn`'s (two microtask turns per call, twice per
 * tool call on the served path).
 */
export function inSpan<T>(
  name: string,
  kind: "internal" | "client",
  attributes: SpanAttributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (!api) return fn(NO_SPAN);
  const { SpanKind, SpanStatusCode, trace } = api;
  return trace
    .getTracer("toolwright")
    .startActiveSpan(
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
  if (!api) return;
  span.setAttributes(clean(attributes));
  if (failed) span.setStatus({ code: api.SpanStatusCode.ERROR });
}

/** `traceparent` (and `tracestate`) for the current span, as request headers; none when tracing is off. */
export function traceHeaders(): Array<[string, string]> {
  if (!api) return [];
  const carrier: Record<string, string> = {};
  api.propagation.inject(api.context.active(), carrier);
  return Object.entries(carrier).map(([name, value]) => [name.toLowerCase(), value]);
}

/** Runs `fn` in the trace context a request's headers carry (`traceparent`), when tracing is on. */
export function withIncomingContext<T>(
  headers: Record<string, string | string[] | undefined>,
  fn: () => T,
): T {
  if (!api) return fn();
  const { context, propagation } = api;
  return context.with(propagation.extract(context.active(), headers), fn);
}
