import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createMcpHandler } from "@modelcontextprotocol/server";
import type { ServerFactory } from "../mcp/server.js";
import { describeError, logLine, logRepeated } from "../telemetry/log.js";
import { withIncomingContext } from "../telemetry/tracing.js";
import { createAuthenticator } from "./http-auth/authenticate.js";
import { metadataUrlFor, protectedResourceMetadata } from "./http-auth/metadata.js";
import { BodyBudget } from "./http-body-budget.js";
import { answerClientErrors } from "./http-client-error.js";
import { ConnectionBudget } from "./http-connections.js";
import {
  checkHost,
  checkOrigin,
  checkProbeHost,
  foreignTransferCoding,
  malformedHost,
  repeatedHeader,
  requestTarget,
} from "./http-guard.js";
import { InflightCalls } from "./http-inflight.js";
import { type McpEndpoint, serveMcp } from "./http-mcp.js";
import {
  ClientGoneError,
  closeInStages,
  jsonRpcError,
  passedOver,
  sendJson,
  shownValue,
} from "./http-node.js";
import { PROBE_PATHS, serveProbe } from "./http-observe.js";
import { type HttpSettings, urlHost } from "./http-settings.js";
import { ActiveRequests, drainAndClose } from "./http-shutdown.js";
import { MESSAGES_PATH, SSE_PATH, SseSessions } from "./http-sse.js";

/**
 * Streamable HTTP on `node:http`, stateless: every POST to `/mcp` is served by a fresh server instance from the
 * catalog's factory (the SDK's `createMcpHandler`, which answers 2026-07-28 requests and, through its
 * stateless legacy leg, `initialize`-era clients). Nothing is kept between requests, so replicas behind a load
 * balancer need no shared memory.
 *
 * Every request passes, in order: Host and Origin checks (403), authentication (401/403 with an RFC 9728
 * challenge; the well-known metadata documents are public), the body bound (413), then the MCP handler under
 * a per-request timeout (`http-mcp.ts`). SIGTERM stops accepting, lets in-flight requests finish (up to a grace
 * period), then resolves (`http-shutdown.ts`).
 *
 * The one thing kept between requests is the list of calls in flight on this process (`InflightCalls` in
 * `http-inflight.ts`), so that a 2025-era client's `notifications/cancelled`, which arrives as a POST of its
 * own, can stop the call it names.
 */

export const MCP_PATH = "/mcp";
const METADATA_PREFIX = "/.well-known/oauth-protected-resource";
/** A request (headers and body) must have arrived within this long. */
const RECEIVE_TIMEOUT_MS = 60_000;
/** How often node looks for connections past the headers or request timeout. */
const CHECK_INTERVAL_MS = 5_000;

export interface HttpServerHandle {
  /** The local MCP endpoint, e.g. `http://127.0.0.1:8765/mcp`. */
  readonly url: string;
  /** The legacy HTTP+SSE endpoint (`.../sse`), when served. */
  readonly sseUrl?: string;
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
  /** `/metrics` (default on). */
  metrics?: boolean;
  /** Whether the state store answers (for `/readyz`). */
  state?: () => Promise<boolean>;
}

/** What the server says about itself: its resource identifier, known for sure once the listener is up. */
interface ResourceIdentity {
  resource: URL;
  metadataUrl: string;
  /** The well-known paths that serve the protected resource metadata. */
  metadataPaths: Set<string>;
}

export async function startHttpServer(
  factory: ServerFactory,
  settings: HttpSettings,
  info: HttpServerInfo,
): Promise<HttpServerHandle> {
  const handler = createMcpHandler(factory, {
    legacy: "stateless",
    maxRequestBodySize: settings.maxBodyBytes,
    onerror: sayRefused,
  });
  const resource = settings.publicUrl ?? new URL("http://127.0.0.1/mcp");
  const identity: ResourceIdentity = {
    resource,
    metadataUrl: metadataUrlFor(resource),
    metadataPaths: new Set([METADATA_PREFIX, `${METADATA_PREFIX}${MCP_PATH}`]),
  };
  const requests = new ActiveRequests();
  const connections = new ConnectionBudget(settings.maxConnections);
  const endpoint: McpEndpoint = {
    handler,
    authenticate: createAuthenticator({
      ...(settings.bearer !== undefined ? { bearer: settings.bearer } : {}),
      authorizationServers: settings.authorizationServers,
      resource: () => identity.resource.href,
      requiredScopes: settings.requiredScopes,
    }),
    settings,
    requests,
    calls: new InflightCalls(),
    bodies: new BodyBudget(settings.maxBodyBytesInFlight, settings.maxBodyBytes),
    connections,
    metadataUrl: () => identity.metadataUrl,
    requestUrl: () => `${identity.resource.origin}${MCP_PATH}`,
  };

  const sse = settings.sse ? new SseSessions(factory) : undefined;
  const server = createNodeServer(
    // node checks the headers and request timeouts this often (30 s by default: a trickle outlived its timeout
    // by up to that long).
    { connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, settings.headersTimeoutMs) },
    (req, res) => routeRequest(req, res, { endpoint, identity, info, sse }),
  );
  // Slow clients cannot hold sockets open forever while sending headers or a body; idle keep-alive sockets stay
  // open longer than the proxies and load balancers in front keep theirs, so none is reused after we closed it.
  // However many sockets are opened, at most maxConnections stay open (http-connections.ts).
  connections.attach(server);
  // Closed after an answer, or after what node cannot parse (answered), a connection closes in stages.
  server.on("connection", closeInStages);
  answerClientErrors(server);
  // `Expect: 100-continue` is routed like any request, and 100 Continue is sent only when its body is about to be
  // read (readBody): node sent it at once, before the Host and credentials were checked, inviting anyone's upload.
  server.on("checkContinue", (req, res) => routeRequest(req, res, { endpoint, identity, info, sse }));
  // node hands a CONNECT to the `connect` listener alone, and without one destroys the socket with no answer.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => refuseConnect(socket));
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = Math.max(RECEIVE_TIMEOUT_MS, settings.headersTimeoutMs);
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  const port = await listen(server, settings);
  settleIdentity(identity, settings, port);

  let shutdown: Promise<void> | undefined;
  return {
    url: `${localOrigin(settings, port)}${MCP_PATH}`,
    get resource() {
      return identity.resource;
    },
    inflight: () => requests.size,
    ...(sse ? { sseUrl: `${localOrigin(settings, port)}${SSE_PATH}` } : {}),
    shutdown() {
      // Streams end at once (their clients reconnect elsewhere); requests to /mcp get the grace period.
      sse?.closeAll();
      shutdown ??= drainAndClose(server, handler, requests, settings.shutdownGraceMs);
      return shutdown;
    },
  };
}

/**
 * Where OAuth clients look for an authorization server at the resource's origin (RFC 8414 and OpenID discovery,
 * with or without the resource's path) and the default endpoints they fall back to (2025-03-26 MCP authorization).
 */
function isOAuthPath(path: string): boolean {
  return (
    path === "/register" ||
    path === "/authorize" ||
    path === "/token" ||
    path.startsWith("/.well-known/oauth-authorization-server") ||
    path.startsWith("/.well-known/openid-configuration")
  );
}

/** A request the SDK's handler refused (malformed, not acceptable): said in full up to a bound, then counted. */
function sayRefused(error: unknown): void {
  logRepeated("http: requests the MCP handler refused", `http: ${describeError(error)}`);
}

/** The local listener's origin, as clients on this machine reach it. */
function localOrigin(settings: HttpSettings, port: number): string {
  const host = settings.host === "0.0.0.0" ? "127.0.0.1" : settings.host === "::" ? "::1" : settings.host;
  return `http://${urlHost(host)}:${port}`;
}

interface Routes {
  endpoint: McpEndpoint;
  identity: ResourceIdentity;
  info: HttpServerInfo;
  /** The legacy HTTP+SSE transport, when served. */
  sse: SseSessions | undefined;
}

/** Host and Origin checks, refusal while draining, then the metadata documents or the MCP endpoint. */
function routeRequest(req: IncomingMessage, res: ServerResponse, { endpoint, identity, info, sse }: Routes) {
  const { settings } = endpoint;
  // A request pipelined after an answer that closes its connection is not served (RFC 9112 9.6).
  if (passedOver(req)) return;
  const target = requestTarget(req.url ?? "/", req.headers.host);
  if (!target.ok) return sendJson(res, 400, jsonRpcError(`Bad Request: ${target.reason}`));
  const { path } = target;
  if (!guarded(req, res, settings, PROBE_PATHS.has(path))) return;
  if (PROBE_PATHS.has(path)) {
    const probes = {
      metrics: info.metrics !== false,
      draining: () => endpoint.requests.draining,
      ...(info.state ? { state: info.state } : {}),
    };
    serveProbe(path, req, res, probes).catch(() => {
      if (!res.headersSent) sendJson(res, 500, jsonRpcError("internal error"));
    });
    return;
  }
  if (endpoint.requests.draining) {
    return sendJson(res, 503, jsonRpcError("the server is shutting down"), {
      connection: "close",
      "retry-after": "1",
    });
  }
  if (identity.metadataPaths.has(path)) return serveMetadata(req, res, identity.resource, settings, info);
  if (sse && (path === SSE_PATH || path === MESSAGES_PATH)) {
    sse.serve(endpoint, path, req, res).catch((error) => {
      if (error instanceof ClientGoneError || req.destroyed) return;
      logLine(`http: internal error on ${path}: ${describeError(error)}`);
      if (!res.headersSent) sendJson(res, 500, jsonRpcError("internal error"));
    });
    return;
  }
  if (path !== MCP_PATH && settings.authorizationServers.length === 0 && isOAuthPath(path)) {
    // A client refused without credentials tries OAuth (its authorization server metadata, then registering a
    // client at this origin); say what this server takes instead, for the host to show (Claude Code shows the body:
    // "Dynamic Client Registration rejected (HTTP 404): ...").
    return sendJson(
      res,
      404,
      jsonRpcError(
        "Not Found: this server does no OAuth (no authorization server, no client registration); it takes the client key its operator set, sent in the Authorization header as a bearer token",
      ),
    );
  }
  if (path !== MCP_PATH) {
    const where = sse ? `is /mcp (Streamable HTTP) or ${SSE_PATH} (HTTP+SSE)` : "is /mcp";
    return sendJson(res, 404, jsonRpcError(`Not Found: the MCP endpoint ${where}`));
  }
  withIncomingContext(req.headers, () => serveMcp(endpoint, req, res)).catch((error) => {
    if (error instanceof ClientGoneError || req.destroyed) return; // nobody left to answer
    logLine(`http: internal error: ${describeError(error)}`);
    sendJson(res, 500, jsonRpcError("internal error"));
  });
}

/**
 * Whether a request passes the checks every path has: Host, Origin and credentials sent once (else 400), no
 * transfer coding but chunked (else 501), a Host that is `host[:port]` (else 400), a Host allowed (a probe's may be any IP address) and an Origin allowed when
 * one is sent (else 403). Answers otherwise.
 */
function guarded(req: IncomingMessage, res: ServerResponse, settings: HttpSettings, probe: boolean): boolean {
  const repeated = repeatedHeader(req.rawHeaders);
  if (repeated) {
    sendJson(res, 400, jsonRpcError(`Bad Request: more than one ${repeated} header`));
    return false;
  }
  const coding = foreignTransferCoding(req.headers["transfer-encoding"]);
  if (coding !== undefined) {
    const message = `Not Implemented: the request body is sent with Transfer-Encoding ${shownValue(coding)}, and no transfer coding but chunked is read; send it unencoded (chunked, or with a Content-Length)`;
    sendJson(res, 501, jsonRpcError(message));
    return false;
  }
  const sent = req.headers.host ?? "";
  const malformed = sent === "" ? undefined : malformedHost(sent);
  if (malformed !== undefined) {
    sendJson(res, 400, jsonRpcError(`Bad Request: the Host header ${shownValue(sent)} ${malformed}`));
    return false;
  }
  const host = (probe ? checkProbeHost : checkHost)(req.headers.host, settings.allowedHosts);
  const addressed = {
    host: req.headers.host,
    ...(settings.publicUrl ? { publicOrigin: settings.publicUrl.origin } : {}),
  };
  const origin = host.ok ? checkOrigin(req.headers.origin, settings.allowedHosts, addressed) : host;
  if (origin.ok) return true;
  sendJson(res, 403, jsonRpcError(`Forbidden: ${origin.reason}`));
  return false;
}

function serveMetadata(
  req: IncomingMessage,
  res: ServerResponse,
  resource: URL,
  settings: HttpSettings,
  info: HttpServerInfo,
): void {
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

const CONNECT_REFUSED = (() => {
  const body = JSON.stringify(
    jsonRpcError("Method Not Allowed: the MCP endpoint takes POST, not CONNECT (this server is no proxy)"),
  );
  const head = [
    "HTTP/1.1 405 Method Not Allowed",
    "Allow: POST",
    "Connection: close",
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
})();

/**
 * A CONNECT (a proxy's request for a tunnel) is answered 405, as any method the endpoint does not take is, and its
 * connection closed in stages: what the client sent after it (its tunnel's first bytes) is read and dropped, never
 * served, up to `LINGER_READ_LIMIT` (then reading stops). The socket is no longer node's to answer or time out.
 */
function refuseConnect(socket: Socket): void {
  socket.on("error", () => {});
  socket.resume();
  socket.write(CONNECT_REFUSED);
  socket.destroySoon();
}

/** Binds the listener; resolves with the port it got. */
async function listen(server: ReturnType<typeof createNodeServer>, settings: HttpSettings): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Fixes the resource identifier once the port is known, and the metadata URL and path derived from it. */
function settleIdentity(identity: ResourceIdentity, settings: HttpSettings, port: number): void {
  if (!settings.publicUrl) {
    // Without a public URL the resource is this listener; on a wildcard bind, as the first allowed host names it.
    const wildcard = settings.host === "0.0.0.0" || settings.host === "::";
    const first = settings.allowedHosts[0]!;
    const named = wildcard
      ? first.includes(":") && !first.endsWith("]")
        ? first
        : `${first}:${port}`
      : undefined;
    identity.resource = new URL(`http://${named ?? `${urlHost(settings.host)}:${port}`}${MCP_PATH}`);
  }
  identity.metadataUrl = metadataUrlFor(identity.resource);
  identity.metadataPaths.add(`${METADATA_PREFIX}${identity.resource.pathname}`);
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
