import { createServer as createNodeServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type AuthInfo, createMcpHandler } from "@modelcontextprotocol/server";
import { type Authenticator, createAuthenticator, type Principal } from "../http-auth/authenticate.js";
import { challengeBody, wwwAuthenticate } from "../http-auth/challenge.js";
import { metadataUrlFor, protectedResourceMetadata } from "../http-auth/metadata.js";
import { describeError, logLine } from "../log.js";
import type { ServerFactory } from "../server.js";
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

    const controller = new AbortController();
    active.add(controller);
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), settings.requestTimeoutMs);
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    try {
      let body: Buffer | undefined;
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
      }
      const request = toWebRequest(req, `${resource.origin}${MCP_PATH}`, body, controller.signal);
      const aborted = new Promise<undefined>((resolve) =>
        controller.signal.addEventListener("abort", () => resolve(undefined), { once: true }),
      );
      const response = await Promise.race([
        handler.fetch(request, { authInfo: authInfoOf(decision.principal) }),
        aborted,
      ]);
      if (!response) {
        if (controller.signal.reason instanceof RequestTimeout) {
          logLine(`http: a request ran over ${settings.requestTimeoutMs} ms and was aborted`);
          return sendJson(res, 503, jsonRpcError("the request timed out"));
        }
        return; // client gone
      }
      await sendWebResponse(res, response, draining ? { connection: "close" } : {});
    } finally {
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
