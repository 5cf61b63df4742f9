import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AuthInfo, createMcpHandler } from "@modelcontextprotocol/server";
import type { ServerFactory } from "../mcp/server.js";
import { describeError, logLine } from "../telemetry/log.js";
import { type Authenticator, createAuthenticator, type Principal } from "./http-auth/authenticate.js";
import { challengeBody, wwwAuthenticate } from "./http-auth/challenge.js";
import { metadataUrlFor, protectedResourceMetadata } from "./http-auth/metadata.js";
import { checkHost, checkOrigin } from "./http-guard.js";
import {
  BodyTooLargeError,
  ClientGoneError,
  readBody,
  sendJson,
  sendWebResponse,
  toWebRequest,
} from "./http-node.js";
import { type HttpSettings, urlHost } from "./http-settings.js";

/**
 * Streamable HTTP on `node:http`, stateless: every POST to `/mcp` is served by a fresh server instance from the
 * catalog's factory (the SDK's `createMcpHandler`, which answers 2026-07-28 requests and, through its
 * stateless legacy leg, `initialize`-era clients). Nothing is kept between requests, so replicas behind a load
 * balancer need no shared memory.
 *
 * Every request passes, in order: Host and Origin checks (403), authentication (401/403 with an RFC 9728
 * challenge; the well-known metadata documents are public), the body bound (413), then the MCP handler under
 * a per-request timeout. SIGTERM stops accepting, lets in-flight requests finish (up to a grace period), then
 * resolves.
 *
 * The one thing kept between requests is the list of calls in flight on this process (`InflightCalls`), so that a
 * 2025-era client's `notifications/cancelled`, which arrives as a POST of its own, can stop the call it names.
 */

export const MCP_PATH = "/mcp";
const METADATA_PREFIX = "/.well-known/oauth-protected-resource";

export interface HttpServerHandle {
  /** The local MCP endpoint, e.g. `http://127.0.0.1:8765/mcp`. */
  readonly url: string;
  /** The resource identifier advertised in the metadata (and required as JWT `aud`). */
  readonly resource: URL;
  /** Requests being served right now. */
  inflight(): number;
  /** Graceful stop: no new requests, in-flight ones finish (aborted after the grace period). */
  shutdown(): Promise<void>;
}

export interface HttpServerInfo {
  /** Advertised as `resource_name`. */
  name: string;
}

function jsonRpcError(message: string) {
  return { jsonrpc: "2.0", error: { code: -32000, message }, id: null };
}

class RequestTimeout extends Error {
  constructor() {
    super("request timed out");
    this.name = "RequestTimeout";
  }
}

class CancelledByClient extends Error {
  constructor() {
    super("the client cancelled the request");
    this.name = "CancelledByClient";
  }
}

type RequestId = string | number;

function isRequestId(value: unknown): value is RequestId {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/**
 * Whose JSON-RPC ids these are: the static key (every client holding it shares one id space), or a JWT's issuer,
 * subject and client id. Identifiers only, never the credential.
 */
function principalKey(principal: Principal): string {
  return principal.kind === "jwt"
    ? JSON.stringify(["jwt", principal.issuer, principal.subject ?? null, principal.clientId ?? null])
    : "static-key";
}

/**
 * Requests in flight on this process, by principal and JSON-RPC id. In stateless serving a 2025-era client's
 * `notifications/cancelled` is a POST of its own, served by a fresh server instance that knows nothing of the
 * call; this is how it still reaches the POST carrying the call (whose abort stops the handler and its upstream
 * request). A cancellation only ever reaches its own principal's calls. When two of them share the id (two
 * clients on one static key), it is ambiguous and is ignored rather than stopping the wrong call.
 */
class InflightCalls {
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
      logLine(
        `http: a cancellation names request id ${JSON.stringify(id).slice(0, 40)}, which ${set.size} calls in flight from the same client identity share; none was cancelled`,
      );
      return;
    }
    for (const controller of set) controller.abort(new CancelledByClient());
  }
}

/** The body as JSON-RPC, when it is JSON; the SDK answers (and reports) anything else as it always does. */
function parseJsonRpc(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The id of a body that is one JSON-RPC request (batches are not tracked: one cancel must not stop the rest). */
function requestIdOf(message: unknown): RequestId | undefined {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return undefined;
  const { method, id } = message as { method?: unknown; id?: unknown };
  return typeof method === "string" && isRequestId(id) ? id : undefined;
}

/** The request ids a body's `notifications/cancelled` messages name. */
function cancelledIds(parsed: unknown): RequestId[] {
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
 * What handlers learn about the caller: identifiers for the audit log. The SDK's `token` field stays empty: the
 * credential never travels past the gate that checked it.
 */
function authInfoOf(principal: Principal): AuthInfo {
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

export async function startHttpServer(
  factory: ServerFactory,
  settings: HttpSettings,
  info: HttpServerInfo,
): Promise<HttpServerHandle> {
  const handler = createMcpHandler(factory, {
    legacy: "stateless",
    maxRequestBodySize: settings.maxBodyBytes,
    onerror: (error) => logLine(`http: ${describeError(error)}`),
  });

  let resource: URL = settings.publicUrl ?? new URL("http://127.0.0.1/mcp");
  let metadataUrl = metadataUrlFor(resource);
  const authenticate: Authenticator = createAuthenticator({
    ...(settings.bearer !== undefined ? { bearer: settings.bearer } : {}),
    authorizationServers: settings.authorizationServers,
    resource: () => resource.href,
    requiredScopes: settings.requiredScopes,
  });
  const metadataPaths = new Set([METADATA_PREFIX, `${METADATA_PREFIX}${MCP_PATH}`]);

  const active = new Set<AbortController>();
  const calls = new InflightCalls();
  let draining = false;
  let drained: (() => void) | undefined;
  const settle = () => {
    if (draining && active.size === 0) drained?.();
  };

  async function serveMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const decision = await authenticate(req.headers.authorization);
    if (!decision.ok) {
      if ("unavailable" in decision) {
        logLine(`http: cannot verify an access token: ${decision.unavailable}`);
        return sendJson(res, 503, {
          error: "temporarily_unavailable",
          error_description: "the access token cannot be verified right now",
        });
      }
      const { challenge } = decision;
      res.setHeader("www-authenticate", wwwAuthenticate(challenge, metadataUrl));
      // node reads and drops the unread body after the response (bounded by the request timeout).
      return sendJson(res, challenge.status, challengeBody(challenge));
    }

    const principal = principalKey(decision.principal);
    const controller = new AbortController();
    active.add(controller);
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), settings.requestTimeoutMs);
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    let untrack: (() => void) | undefined;
    try {
      let body: Buffer | undefined;
      let parsed: unknown;
      if (req.method === "POST") {
        try {
          body = await readBody(req, settings.maxBodyBytes);
        } catch (error) {
          if (error instanceof BodyTooLargeError) {
            return sendJson(
              res,
              413,
              jsonRpcError(`Payload Too Large: the request body is over ${settings.maxBodyBytes} bytes`),
            );
          }
          throw error;
        }
        parsed = parseJsonRpc(body);
        for (const id of cancelledIds(parsed)) calls.cancel(principal, id);
        const id = requestIdOf(parsed);
        if (id !== undefined) untrack = calls.add(principal, id, controller);
      }
      const request = toWebRequest(req, `${resource.origin}${MCP_PATH}`, body, controller.signal);
      const aborted = new Promise<undefined>((resolve) =>
        controller.signal.addEventListener("abort", () => resolve(undefined), { once: true }),
      );
      const response = await Promise.race([
        handler.fetch(request, {
          authInfo: authInfoOf(decision.principal),
          // Parsed once, here; the handler does not parse it again.
          ...(parsed !== undefined ? { parsedBody: parsed } : {}),
        }),
        aborted,
      ]);
      if (!response) {
        if (controller.signal.reason instanceof RequestTimeout) {
          logLine(`http: a request ran over ${settings.requestTimeoutMs} ms and was aborted`);
          return sendJson(res, 503, jsonRpcError("the request timed out"));
        }
        if (controller.signal.reason instanceof CancelledByClient) return endWithoutResponse(res);
        return; // client gone
      }
      // A cancelled call's stream ends here too: aborting the request tears its server instance down.
      await sendWebResponse(res, response, draining ? { connection: "close" } : {});
    } finally {
      untrack?.();
      clearTimeout(timer);
      active.delete(controller);
      settle();
    }
  }

  function serveMetadata(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
      return;
    }
    sendJson(
      res,
      200,
      protectedResourceMetadata({
        resource,
        authorizationServers: settings.authorizationServers,
        scopes: settings.requiredScopes,
        name: info.name,
      }),
      { "cache-control": "max-age=300" },
    );
  }

  const server = createNodeServer((req, res) => {
    const host = checkHost(req.headers.host, settings.allowedHosts);
    const origin = host.ok ? checkOrigin(req.headers.origin, settings.allowedHosts) : host;
    if (!origin.ok) return sendJson(res, 403, jsonRpcError(`Forbidden: ${origin.reason}`));
    if (draining) {
      return sendJson(res, 503, jsonRpcError("the server is shutting down"), {
        connection: "close",
        "retry-after": "1",
      });
    }
    const path = (req.url ?? "/").split("?")[0]!;
    if (metadataPaths.has(path)) return serveMetadata(req, res);
    if (path !== MCP_PATH) return sendJson(res, 404, jsonRpcError("Not Found: the MCP endpoint is /mcp"));
    serveMcp(req, res).catch((error) => {
      if (error instanceof ClientGoneError || req.destroyed) return; // nobody left to answer
      logLine(`http: internal error: ${describeError(error)}`);
      sendJson(res, 500, jsonRpcError("internal error"));
    });
  });
  // Slow clients cannot hold sockets open forever while sending headers or a body.
  server.headersTimeout = 15_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  if (!settings.publicUrl) {
    // Without a public URL the resource is this listener; on a wildcard bind, as the first allowed host names it.
    const wildcard = settings.host === "0.0.0.0" || settings.host === "::";
    const first = settings.allowedHosts[0]!;
    const named = wildcard
      ? first.includes(":") && !first.endsWith("]")
        ? first
        : `${first}:${port}`
      : undefined;
    resource = new URL(`http://${named ?? `${urlHost(settings.host)}:${port}`}${MCP_PATH}`);
  }
  metadataUrl = metadataUrlFor(resource);
  metadataPaths.add(`${METADATA_PREFIX}${resource.pathname}`);

  let shutdown: Promise<void> | undefined;
  return {
    url: `http://${urlHost(settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host === "::" ? "::1" : settings.host)}:${port}${MCP_PATH}`,
    get resource() {
      return resource;
    },
    inflight: () => active.size,
    shutdown() {
      shutdown ??= (async () => {
        draining = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const finished = new Promise<void>((resolve) => {
          drained = resolve;
          settle();
        });
        let timer: NodeJS.Timeout | undefined;
        const grace = new Promise<"timeout">((resolve) => {
          timer = setTimeout(() => resolve("timeout"), settings.shutdownGraceMs);
        });
        if ((await Promise.race([finished, grace])) === "timeout") {
          logLine(
            `http: ${active.size} request(s) still running after ${settings.shutdownGraceMs} ms; aborting them`,
          );
          for (const controller of active) controller.abort();
        }
        clearTimeout(timer);
        await handler.close().catch(() => {});
        server.closeAllConnections();
        await closed;
      })();
      return shutdown;
    },
  };
}

/**
 * `toolwright serve` over HTTP: starts, reports where, and resolves once SIGTERM or SIGINT has drained the
 * server (a second signal aborts what is still running).
 */
export async function serveOverHttp(
  factory: ServerFactory,
  settings: HttpSettings,
  info: HttpServerInfo & { announce: (handle: HttpServerHandle) => void },
): Promise<void> {
  const handle = await startHttpServer(factory, settings, info);
  info.announce(handle);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const stop = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        logLine(`http: ${signal} again; exiting now`);
        process.exit(1);
      }
      logLine(`http: ${signal}: not accepting new requests; waiting for ${handle.inflight()} in flight`);
      handle.shutdown().then(resolve, resolve);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
