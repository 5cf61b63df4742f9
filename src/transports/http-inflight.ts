import { ipv6Words, translatedIpv4 } from "../config/reach.js";
import { parseClientJson } from "../executors/json-text.js";
import { logRepeated } from "../telemetry/log.js";
import type { Principal } from "./http-auth/authenticate.js";

/**
 * Cross-request cancellation for stateless Streamable HTTP: which calls are in flight on this process, and the
 * JSON-RPC reading that finds a POST's request id and the ids its `notifications/cancelled` messages name.
 */

export class CancelledByClient extends Error {
  constructor() {
    super("the client cancelled the request");
    this.name = "CancelledByClient";
  }
}

export type RequestId = string | number;

function isRequestId(value: unknown): value is RequestId {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/**
 * Whom a request's place among those served at once is counted for (`--max-requests-per-caller`): a JWT's holder
 * (issuer, subject and client), else (the static key's holders are not told apart) the client's network
 * (`callerNetwork`).
 */
export function callerKey(
  principal: Principal,
  req: { socket: { remoteAddress?: string | undefined } },
): string {
  return principal.kind === "jwt"
    ? principalKey(principal)
    : `address ${callerNetwork(req.socket.remoteAddress ?? "unknown")}`;
}

/**
 * The network a client's address counts as: an IPv4 address itself; an IPv6 address carrying an IPv4 one as that
 * IPv4 address (`carriedIpv4`); any other IPv6 address as its /64, the smallest block a provider hands a subscriber
 * or a cloud machine, whose every address (2^64 of them) is one client's to send from.
 */
export function callerNetwork(address: string): string {
  const words = address.includes(":") ? ipv6Words(address.toLowerCase()) : undefined;
  if (words === undefined) return address;
  return (
    carriedIpv4(address.toLowerCase(), words) ??
    `${words
      .slice(0, 4)
      .map((w) => w.toString(16))
      .join(":")}::/64`
  );
}

/**
 * The IPv4 client an IPv6 address stands for: IPv4-mapped (a dual-stack socket's IPv4 client), NAT64's well-known
 * prefix and SIIT's translated addresses (a translator in front of this server: every IPv4 client behind it shares
 * one /64, so counting the /64 made them one caller), 6to4 (2002::/16: one IPv4 host holds 2^16 /64s, so counting
 * each apart bounded nobody) and Teredo (2001::/32: the client's IPv4 address inverted in the last 32 bits, the /64
 * that of the Teredo server every client of it shares).
 */
function carriedIpv4(address: string, words: readonly number[]): string | undefined {
  const dotted = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
  if (words[0] === 0x2002) return dotted(words[1]!, words[2]!);
  if (words[0] === 0x2001 && words[1] === 0) return dotted(words[6]! ^ 0xffff, words[7]! ^ 0xffff);
  return translatedIpv4(address);
}

/**
 * Whose JSON-RPC ids these are: the static key (every client holding it shares one id space), or a JWT's issuer,
 * subject and client id. Identifiers only, never the credential.
 */
export function principalKey(principal: Principal): string {
  return principal.kind === "jwt"
    ? JSON.stringify(["jwt", principal.issuer, principal.subject ?? null, principal.clientId ?? null])
    : "static-key";
}

/**
 * Requests in flight on this process, by caller (`callerKey`) and JSON-RPC id. In stateless serving a 2025-era client's
 * `notifications/cancelled` is a POST of its own, served by a fresh server instance that knows nothing of the
 * call; this is how it still reaches the POST carrying the call (whose abort stops the handler and its upstream
 * request). A cancellation only ever reaches its own caller's calls (a JWT's holder, or a client network of the static
 * key). When two of them share the id (two clients on one network and key), it is ambiguous and is ignored rather
 * than stopping the wrong call.
 */
export class InflightCalls {
  private readonly calls = new Map<string, Set<AbortController>>();

  private static key(principal: string, id: RequestId): string {
    return `${principal}\n${JSON.stringify(id)}`;
  }

  /** Registers a request; returns its removal. */
  add(principal: string, id: RequestId, controller: AbortController): () => void {
    const key = InflightCalls.key(principal, id);
    const set = this.calls.get(key) ?? new Set<AbortController>();
    this.calls.set(key, set);
    set.add(controller);
    return () => {
      set.delete(controller);
      if (set.size === 0 && this.calls.get(key) === set) this.calls.delete(key);
    };
  }

  cancel(principal: string, id: RequestId): void {
    const set = this.calls.get(InflightCalls.key(principal, id));
    if (!set) return; // finished already, sent to another replica, or never seen: nothing to stop
    if (set.size > 1) {
      logRepeated(
        "http: ambiguous cancellations",
        `http: a cancellation names request id ${JSON.stringify(id).slice(0, 40)}, which ${set.size} calls in flight from the same client identity share; none was cancelled`,
      );
      return;
    }
    for (const controller of set) controller.abort(new CancelledByClient());
  }
}

/** The body as JSON-RPC, when it is JSON; the SDK answers (and reports) anything else as it always does. */
export function parseJsonRpc(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    // A tools/call's arguments keep the numbers a double does not hold (refused then, never sent rounded).
    const text = body.toString("utf8");
    // A byte order mark is allowed before the JSON text (RFC 8259 8.1 lets a parser ignore it), as the SDK reads it.
    return parseClientJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
}

/** The id of a body that is one JSON-RPC request (batches are not tracked: one cancel must not stop the rest). */
export function requestIdOf(message: unknown): RequestId | undefined {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return undefined;
  const { method, id } = message as { method?: unknown; id?: unknown };
  return typeof method === "string" && isRequestId(id) ? id : undefined;
}

/** The request ids a body's `notifications/cancelled` messages name. */
export function cancelledIds(parsed: unknown): RequestId[] {
  const ids: RequestId[] = [];
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    if (message === null || typeof message !== "object") continue;
    const { method, id, params } = message as { method?: unknown; id?: unknown; params?: unknown };
    if (method !== "notifications/cancelled" || id !== undefined) continue;
    const requestId = (params as { requestId?: unknown } | null | undefined)?.requestId;
    if (isRequestId(requestId)) ids.push(requestId);
  }
  return ids;
}

/**
 * The first request id a JSON-RPC batch uses twice (requests only: notifications carry none, and `1` and `"1"`
 * are different ids). The SDK would run both requests and answer both under one id, so the client could not tell
 * which answer is which (a write's and a read's), as over stdio and legacy SSE, where such a request is refused.
 */
export function repeatedRequestId(parsed: unknown): RequestId | undefined {
  if (!Array.isArray(parsed) || parsed.length < 2) return undefined;
  const seen = new Set<string>();
  for (const message of parsed) {
    const id = requestIdOf(message);
    if (id === undefined) continue;
    const key = JSON.stringify(id);
    if (seen.has(key)) return id;
    seen.add(key);
  }
  return undefined;
}
