/**
 * The upstream exchange as the executors see it (`upstream-client.ts` implements it over node:http(s), or over an
 * injected `fetch`): send a request, read the status and a few headers, read the body up to a cap, or discard it.
 */

/** A header lookup by lower-case name (repeated headers joined with ", "); `Headers` is one. */
export interface HeaderLookup {
  get(name: string): string | null;
}

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body?: string | Uint8Array;
  /** Aborts the exchange, also while the body is read. */
  signal: AbortSignal;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: HeaderLookup;
  /** The whole body (decoded), or `ResponseTooLargeError` past `limit` bytes (declared or counted). */
  read(limit: number): Promise<Uint8Array>;
  /** Discards the body and closes its connection. */
  cancel(): Promise<void>;
}

export type SendUpstream = (request: UpstreamRequest) => Promise<UpstreamResponse>;
