import { setTimeout as sleep } from "node:timers/promises";
import type { CatalogTool } from "../catalog.js";
import { metrics } from "../telemetry/metrics.js";
import type { HeaderLookup, UpstreamResponse } from "./upstream.js";

/**
 * Upstream back-pressure. A `429 Too Many Requests` or `503 Service Unavailable` with `Retry-After` is retried
 * after the wait the upstream asked for, when the operation is safe to repeat (`idempotentHint`: GET, HEAD, PUT,
 * DELETE and what the manifest marks `idempotent: true`; a manifest's `idempotent: false` opts out) and the wait
 * ends within the call's timeout; never otherwise. A response that is not retried reaches the client as an error
 * carrying the retry time (`upstreamFailure`). At most `MAX_RETRIES` repeats per request.
 *
 * A request sent on a pooled keep-alive connection the upstream had just closed (its idle timeout won the race
 * with the pool's, e.g. while this process was busy) fails with no answer at all: ECONNRESET (node:http's
 * `socket hang up`, or EPIPE while its body is still being written; undici's `other side closed`, for an injected
 * fetch). An operation safe to repeat is then sent once more at once, on a new connection (the upstream client
 * closes the pool's other idle connections to that upstream, as stale as the one that failed).
 */

export const MAX_RETRIES = 3;
const RETRIED_STATUSES = new Set([429, 503]);
/** Longer than any sane Retry-After; also keeps an absurd date from overflowing a timer. */
const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/** Milliseconds the response asks to wait (`Retry-After` as delta-seconds or an HTTP date); undefined without one. */
export function retryAfterMs(headers: HeaderLookup, now: number = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d{1,10}$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isNaN(date) || !/[a-z]/i.test(value)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/** Whether an upstream answer asks to be retried later (429/503 with a readable Retry-After). */
export function askedToRetry(response: Pick<UpstreamResponse, "status" | "headers">): number | undefined {
  return RETRIED_STATUSES.has(response.status) ? retryAfterMs(response.headers) : undefined;
}

export function safeToRepeat(tool: CatalogTool): boolean {
  return tool.annotations?.idempotentHint === true;
}

export interface RetryOptions {
  tool: CatalogTool;
  source: string;
  /**
   * When the whole call (every attempt and wait) must be done, on the process's monotonic clock
   * (`performance.now()` ms): a wall-clock step (NTP, a VM resumed) neither ends nor stretches it.
   */
  deadline: number;
  signal: AbortSignal;
}

/** Sends, and repeats after the upstream's Retry-After while that is safe and fits before the deadline. */
export async function sendWithRetries(
  send: () => Promise<UpstreamResponse>,
  options: RetryOptions,
): Promise<UpstreamResponse> {
  const safe = safeToRepeat(options.tool);
  let resent = false;
  for (let attempt = 0; ; attempt++) {
    let response: UpstreamResponse;
    try {
      response = await send();
    } catch (error) {
      if (!safe || resent || options.signal.aborted || !closedUnanswered(error)) throw error;
      resent = true;
      metrics.upstreamRetries.inc({ source: options.source, status: "connection_closed" });
      continue;
    }
    const wait = askedToRetry(response);
    if (
      wait === undefined ||
      !safe ||
      attempt >= MAX_RETRIES ||
      performance.now() + wait >= options.deadline
    ) {
      return response;
    }
    metrics.upstreamRetries.inc({ source: options.source, status: String(response.status) });
    await response.cancel();
    await sleep(wait, undefined, { signal: options.signal });
  }
}

/**
 * The upstream closed the connection without answering: a reset, a write into a connection it had closed (EPIPE:
 * a request body still being sent), or undici's `other side closed`.
 */
export function closedUnanswered(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE";
}
