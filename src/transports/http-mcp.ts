import type { IncomingMessage, ServerResponse } from "node:http";
import type { AuthInfo, createMcpHandler } from "@modelcontextprotocol/server";
import { RequestTimeout } from "../catalog.js";
import { inexactRequestId } from "../executors/json-text.js";
import { logLine, logRepeated } from "../telemetry/log.js";
import type { AuthDecision, Authenticator, Principal } from "./http-auth/authenticate.js";
import { challengeBody, wwwAuthenticate } from "./http-auth/challenge.js";
import { refusedBatch } from "./http-batch.js";
import { type BodyBudget, BodyBudgetError, type BodyLease } from "./http-body-budget.js";
import type { ConnectionBudget } from "./http-connections.js";
import {
  CancelledByClient,
  callerKey,
  cancelledIds,
  type InflightCalls,
  parseJsonRpc,
  repeatedRequestId,
  requestIdOf,
} from "./http-inflight.js";
import {
  BodyTooLargeError,
  inexactIdError,
  jsonRpcError,
  readBody,
  refuseUnreadableBody,
  sendJson,
  sendWebResponse,
  toWebRequest,
  unreadableBody,
  unreadableText,
} from "./http-node.js";
import {
  logRequestTimeout,
  REQUEST_TIMEOUT_CODE,
  requestIdsOf,
  requestTimeoutMessage,
  timeoutEnd,
} from "./http-overtime.js";
import type { HttpSettings } from "./http-settings.js";
import type { ActiveRequests } from "./http-shutdown.js";
import { shownId } from "./shown-id.js";

/**
 * One request to the MCP endpoint: authentication (401/403 with an RFC 9728 challenge, 503 when a token cannot
 * be verified), the body bound (413), cancellation tracking, then the SDK's handler under a per-request timeout.
 */

export type McpHandler = ReturnType<typeof createMcpHandler>;

export interface McpEndpoint {
  handler: McpHandler;
  authenticate: Authenticator;
  settings: HttpSettings;
  requests: ActiveRequests;
  calls: InflightCalls;
  /** The bytes of request bodies being read and held (`--max-body-bytes-in-flight`). */
  bodies?: BodyBudget;
  /** The open connections (a request that authenticates marks its own as a client's). */
  connections?: ConnectionBudget;
  /** The metadata document's URL, for challenges (known once the listener is up). */
  metadataUrl(): string;
  /** The URL handed to the SDK as the request's (the resource's origin and the MCP path). */
  requestUrl(): string;
}

export async function serveMcp(
  endpoint: McpEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const decision = await endpoint.authenticate(req.headers.authorization);
  if (!decision.ok) {
    // An unauthenticated upload is not read beyond a bound (sendJson's settleUnreadBody).
    return refuseUnauthenticated(res, decision, endpoint.metadataUrl());
  }
  endpoint.connections?.trust(req);
  if (UNSERVED_METHODS.has(req.method ?? "")) return refuseMethod(res, req.method!);
  if (endpoint.requests.size >= endpoint.settings.maxRequests) return refuseBusy(res, endpoint.settings);
  const caller = callerKey(decision.principal, req);
  if (endpoint.requests.heldBy(caller) >= endpoint.settings.maxRequestsPerCaller)
    return refuseCaller(res, endpoint.settings);
  // The bytes of its body count against the bodies in flight until it is answered or its connection closes.
  const lease = endpoint.bodies?.lease(caller);
  try {
    return await serveAuthenticated(endpoint, req, res, decision.principal, caller, lease);
  } finally {
    lease?.release();
  }
}

/**
 * Methods the SDK's handler is never handed: a web `Request` refuses them (the fetch standard's forbidden methods),
 * and a TRACE, which node parses, was answered 500 `internal error` (and logged as one) where any other method the
 * endpoint does not take is 405.
 */
const UNSERVED_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

function refuseMethod(res: ServerResponse, method: string): void {
  sendJson(res, 405, jsonRpcError(`Method Not Allowed: the MCP endpoint takes POST, not ${method}`), {
    allow: "POST",
  });
}

const saidCallerBusy = new WeakSet<HttpSettings>();

/**
 * At the bound on requests served at once for one caller, another of theirs is answered 429 with Retry-After
 * before its body is read: the other callers keep their places (`--max-requests` is the whole process's).
 */
export function callerBusy(settings: HttpSettings, batch?: number): string {
  if (!saidCallerBusy.has(settings)) {
    saidCallerBusy.add(settings);
    logLine(
      `http: a caller has ${settings.maxRequestsPerCaller} requests being served (--max-requests-per-caller, TOOLWRIGHT_MAX_REQUESTS_PER_CALLER): more of theirs are answered 429 (said once)`,
    );
  }
  return batch !== undefined && batch > settings.maxRequestsPerCaller
    ? `Too Many Requests: a batch of ${batch} requests is more than the ${settings.maxRequestsPerCaller} served at once for one caller; send fewer at a time`
    : `Too Many Requests: ${settings.maxRequestsPerCaller} requests of this caller are being served; retry once one has been answered`;
}

function refuseCaller(res: ServerResponse, settings: HttpSettings, batch?: number): void {
  sendJson(res, 429, jsonRpcError(callerBusy(settings, batch)), { "retry-after": "1" });
}

const saidBusy = new WeakSet<HttpSettings>();

/**
 * At the bound on requests served at once, another is answered 503 with Retry-After before its body is read, so
 * requests in progress keep their memory and the upstream its pace.
 */
function refuseBusy(res: ServerResponse, settings: HttpSettings, batch?: number): void {
  if (!saidBusy.has(settings)) {
    saidBusy.add(settings);
    logLine(
      `http: ${settings.maxRequests} requests are being served (--max-requests, TOOLWRIGHT_MAX_REQUESTS): more are answered 503 (said once)`,
    );
  }
  sendJson(
    res,
    503,
    jsonRpcError(
      batch !== undefined && batch > settings.maxRequests
        ? `Service Unavailable: a batch of ${batch} requests is more than the ${settings.maxRequests} served at once; send fewer at a time`
        : `Service Unavailable: ${settings.maxRequests} requests are being served; retry shortly`,
    ),
    { "retry-after": "1" },
  );
}

export function refuseUnauthenticated(
  res: ServerResponse,
  decision: Exclude<AuthDecision, { ok: true }>,
  metadataUrl: string,
) {
  if ("unavailable" in decision) {
    // Said when met; the requests answered from the held failure meanwhile are not said again.
    if (!decision.repeated) logLine(`http: cannot verify an access token: ${decision.unavailable}`);
    return sendJson(
      res,
      503,
      {
        error: "temporarily_unavailable",
        error_description: "the access token cannot be verified right now",
      },
      { "retry-after": String(decision.retryAfter) },
    );
  }
  const { challenge } = decision;
  res.setHeader("www-authenticate", wwwAuthenticate(challenge, metadataUrl));
  return sendJson(res, challenge.status, challengeBody(challenge));
}

function logUnreadAnswer(requestTimeoutMs: number): void {
  logRepeated(
    "http: unread answers past the timeout",
    `http: past the request timeout, a client had taken nothing of its answer for ${requestTimeoutMs} ms; its connection was closed`,
  );
}

async function serveAuthenticated(
  endpoint: McpEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  principal: Principal,
  counted: string,
  lease: BodyLease | undefined,
): Promise<void> {
  const { settings, requests } = endpoint;
  const controller = new AbortController();
  requests.add(controller, counted);
  const late = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new RequestTimeout(settings.requestTimeoutMs));
    late.abort();
  }, settings.requestTimeoutMs);
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  let untrack: (() => void) | undefined;
  try {
    let body: Buffer | undefined;
    let parsed: unknown;
    if (req.method === "POST") {
      const unreadable = unreadableBody(req);
      if (unreadable !== undefined) return refuseUnreadableBody(res, unreadable);
      body = await readBoundedBody(req, res, settings.maxBodyBytes, endpoint.bodies, lease);
      if (body === undefined) return;
      const notText = unreadableText(body, req);
      if (notText !== undefined) return refuseNotUtf8(res, notText);
      parsed = parseJsonRpc(body);
      if (parsed === undefined && body.length > 0) return refuseNotUtf8(res, "Invalid JSON");
      const inexact = inexactRequestId(parsed, body);
      if (inexact !== undefined) return sendJson(res, 400, inexactIdError(inexact));
      const batch = refusedBatch(parsed, req);
      if (batch !== undefined) return refuseBatch(res, batch);
      const repeated = repeatedRequestId(parsed);
      if (repeated !== undefined) {
        return sendJson(
          res,
          400,
          jsonRpcError(
            `Invalid Request: request id ${shownId(repeated)} appears more than once in this batch; none of it was run (use a new id for each request)`,
          ),
        );
      }
      // A batch runs its requests at once: each counts against the bound, so one POST cannot run thousands.
      if (Array.isArray(parsed) && parsed.length > 1) {
        requests.carries(controller, parsed.length);
        if (requests.size > settings.maxRequests) return refuseBusy(res, settings, parsed.length);
        if (requests.heldBy(counted) > settings.maxRequestsPerCaller)
          return refuseCaller(res, settings, parsed.length);
      }
      untrack = trackCall(endpoint.calls, counted, parsed, controller);
    }
    const request = toWebRequest(req, endpoint.requestUrl(), body, controller.signal);
    const response = await handleUntilAborted(
      endpoint.handler,
      request,
      principal,
      parsed,
      controller.signal,
    );
    if (!response) return answerAborted(res, controller.signal.reason, parsed, settings.requestTimeoutMs);
    // A cancelled call's stream ends here too: aborting the request tears its server instance down.
    const watch = { after: late.signal, periodMs: settings.requestTimeoutMs };
    const end = endOfStream(response, parsed, controller.signal, settings.requestTimeoutMs);
    if (await sendWebResponse(res, response, requests.draining ? { connection: "close" } : {}, watch, end))
      logUnreadAnswer(settings.requestTimeoutMs);
  } finally {
    untrack?.();
    clearTimeout(timer);
    requests.delete(controller);
  }
}

/**
 * Answers a body that is not UTF-8 (JSON text is, RFC 8259), or not JSON: a parse error (-32700), nothing of it run
 * or logged (handed to the SDK, a body not JSON was logged as V8's SyntaxError, quoting the body's text: a slice of
 * an argument's value, a password the masks keep out of every answer and audit record).
 */
export function refuseNotUtf8(res: ServerResponse, why: string): void {
  sendJson(res, 400, {
    jsonrpc: "2.0",
    error: {
      code: -32700,
      message: `Parse error: ${why}`,
    },
    id: null,
  });
}

/** Answers a batch its revision does not have (`http-batch.ts`): one error for the whole body, nothing of it run. */
function refuseBatch(res: ServerResponse, message: string): void {
  logRepeated("http: refused batches", `http: refused a JSON-RPC batch (-32600): ${message.split(";")[0]}`);
  sendJson(res, 400, { jsonrpc: "2.0", error: { code: -32600, message }, id: null });
}

/**
 * The POST body, or undefined once a 413 has been sent for one over the bound, or a 503 (429: the caller's share)
 * for one that would take the bytes of bodies in flight past `budget` (`lease` counts this one's).
 */
export async function readBoundedBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  budget?: BodyBudget,
  lease?: BodyLease,
): Promise<Buffer | undefined> {
  try {
    return await readBody(req, maxBodyBytes, res, lease);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendJson(res, 413, jsonRpcError(`Payload Too Large: the request body is over ${maxBodyBytes} bytes`));
      return undefined;
    }
    if (error instanceof BodyBudgetError && budget !== undefined) {
      refuseOverBudget(res, budget, error);
      return undefined;
    }
    throw error;
  }
}

const saidOverBudget = new WeakSet<BodyBudget>();

/** A body past the bytes in flight: answered as `--max-requests` (503) or its per-caller bound (429) answer. */
function refuseOverBudget(res: ServerResponse, budget: BodyBudget, error: BodyBudgetError): void {
  if (!saidOverBudget.has(budget)) {
    saidOverBudget.add(budget);
    logLine(
      `http: request bodies being read or held reached ${budget.limit} bytes (--max-body-bytes-in-flight, TOOLWRIGHT_MAX_BODY_BYTES_IN_FLIGHT; ${budget.callerShare} for one caller): more are answered 503, or 429 for the caller (said once)`,
    );
  }
  const message =
    error.refusal === "caller"
      ? `Too Many Requests: this caller's request bodies being read or held would pass ${budget.callerShare} bytes; retry once one has been answered`
      : `Service Unavailable: request bodies being read or held would pass ${budget.limit} bytes; retry shortly`;
  sendJson(res, error.refusal === "caller" ? 429 : 503, jsonRpcError(message), { "retry-after": "1" });
}

/**
 * Applies the body's cancellations, then registers its own request id; returns the registration's removal. The
 * caller is `callerKey`'s (a JWT's holder, or the static key's client network), so one holder of the static key
 * cannot cancel another's call by guessing its id.
 */
function trackCall(
  calls: InflightCalls,
  caller: string,
  parsed: unknown,
  controller: AbortController,
): (() => void) | undefined {
  for (const id of cancelledIds(parsed)) calls.cancel(caller, id);
  const id = requestIdOf(parsed);
  return id !== undefined ? calls.add(caller, id, controller) : undefined;
}

/** The handler's response, or undefined once the request is aborted (timeout, cancellation, client gone). */
function handleUntilAborted(
  handler: McpHandler,
  request: Request,
  principal: Principal,
  parsed: unknown,
  signal: AbortSignal,
): Promise<Response | undefined> {
  const aborted = new Promise<undefined>((resolve) =>
    signal.addEventListener("abort", () => resolve(undefined), { once: true }),
  );
  return Promise.race([
    handler.fetch(request, {
      authInfo: authInfoOf(principal),
      // Parsed once, here; the handler does not parse it again.
      ...(parsed !== undefined ? { parsedBody: parsed } : {}),
    }),
    aborted,
  ]);
}

/** An event stream answering requests gets their timeout errors at its end (`http-overtime.ts`). */
function endOfStream(response: Response, parsed: unknown, signal: AbortSignal, requestTimeoutMs: number) {
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) return undefined;
  const ids = requestIdsOf(parsed);
  return ids.length > 0 ? timeoutEnd(ids, signal, requestTimeoutMs) : undefined;
}

function answerAborted(res: ServerResponse, reason: unknown, parsed: unknown, requestTimeoutMs: number) {
  if (reason instanceof RequestTimeout) {
    logRequestTimeout(requestTimeoutMs);
    return sendJson(res, 503, {
      jsonrpc: "2.0",
      error: { code: REQUEST_TIMEOUT_CODE, message: requestTimeoutMessage(requestTimeoutMs) },
      id: requestIdOf(parsed) ?? null,
    });
  }
  if (reason instanceof CancelledByClient) return endWithoutResponse(res);
  return; // client gone
}

/**
 * What handlers learn about the caller: identifiers for the audit log. The SDK's `token` field stays empty: the
 * credential never travels past the gate that checked it.
 */
export function authInfoOf(principal: Principal): AuthInfo {
  const who =
    principal.kind === "jwt"
      ? {
          kind: principal.kind,
          issuer: principal.issuer,
          ...(principal.subject !== undefined ? { subject: principal.subject } : {}),
          ...(principal.clientId !== undefined ? { clientId: principal.clientId } : {}),
        }
      : { kind: principal.kind };
  return {
    token: "",
    clientId: principal.kind === "jwt" ? (principal.clientId ?? principal.subject ?? "") : "static-key",
    scopes: principal.kind === "jwt" ? [...principal.scopes] : [],
    ...(principal.kind === "jwt" ? { expiresAt: principal.expiresAt } : {}),
    extra: { principal: who },
  };
}

/**
 * A cancelled request gets no JSON-RPC response (the client has forgotten its id): an event stream that ends
 * without events, exactly what the client sees when the cancellation lands after the stream has started.
 */
function endWithoutResponse(res: ServerResponse): void {
  if (!res.headersSent) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform" });
  }
  res.end();
}
