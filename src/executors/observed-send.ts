import type { Span } from "@opentelemetry/api";
import { metrics } from "../telemetry/metrics.js";
import { inSpan, markSpan, NO_SPAN, traceHeaders, tracing } from "../telemetry/tracing.js";
import type { SendUpstream, UpstreamRequest, UpstreamResponse } from "./upstream.js";

/**
 * One upstream request as the operator sees it: a client span (`HTTP GET`, with the source, the binding's path
 * template and the status; never the URL, which holds argument values), the W3C trace context in the request's
 * headers, and the metrics `toolwright_upstream_responses_total` / `_request_duration_seconds`.
 */
export function observedSend(
  send: SendUpstream,
  request: UpstreamRequest,
  what: { source: string; template: string },
): Promise<UpstreamResponse> {
  // Without tracing, the metrics only: no span, its attributes or trace headers to make per request.
  if (!tracing()) return measuredSend(send, request, what.source, NO_SPAN);
  const attributes = {
    "http.request.method": request.method,
    "url.template": what.template,
    "toolwright.source": what.source,
  };
  return inSpan(`HTTP ${request.method}`, "client", attributes, (span) =>
    measuredSend(send, request, what.source, span),
  );
}

async function measuredSend(
  send: SendUpstream,
  request: UpstreamRequest,
  source: string,
  span: Span,
): Promise<UpstreamResponse> {
  const started = performance.now();
  let status = "network";
  try {
    const trace = traceHeaders();
    const response = await send(
      trace.length === 0 ? request : { ...request, headers: [...request.headers, ...trace] },
    );
    status = String(response.status);
    markSpan(span, { "http.response.status_code": response.status }, response.status >= 500);
    return response;
  } catch (error) {
    status =
      (error as Error)?.name === "AbortError" || (error as Error)?.name === "TimeoutError"
        ? "aborted"
        : "network";
    markSpan(span, { "error.type": status }, true);
    throw error;
  } finally {
    metrics.upstreamResponses.inc({ source, status });
    metrics.upstreamDuration.observe({ source }, (performance.now() - started) / 1000);
  }
}
