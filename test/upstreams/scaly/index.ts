import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Databases } from "./database.js";
import { handleDataPlane } from "./dataplane.js";
import { HttpError } from "./errors.js";
import { buildControlPlaneSchema, formatError, type GraphqlContext, unauthorizedBody } from "./graphql.js";
import { graphqlHttp, graphqlJs } from "./graphql-lib.js";
import {
  BodyTooLarge,
  flatHeaders,
  parseBody,
  queryObject,
  type RecordedRequest,
  readBody,
  sendJson,
} from "./http.js";
import { SEED, SEED_MIGRATIONS, SEED_ROWS, seedStore } from "./seed.js";
import { SessionTokens } from "./session.js";
import { Store } from "./store.js";

export type { RecordedRequest } from "./http.js";
export { SEED } from "./seed.js";

export interface ScalyUpstreamOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Multiplies the time each operation step takes (250 ms at 1). Tests use ~0.2. */
  timeScale?: number;
  apiKey?: string;
  appsyncKey?: string;
  /** Start Postgres at once instead of on the first database request (the demo CLI does). */
  preloadDatabase?: boolean;
}

export interface ScalyUpstream {
  /** Base URL, e.g. `http://127.0.0.1:4650`; the data plane lives under `/v1/` of it. */
  url: string;
  graphqlUrl: string;
  dataUrl: string;
  port: number;
  /** Every request received, in order. Live: clear with `requests.length = 0`. */
  requests: RecordedRequest[];
  keys: { apiKey: string; appsyncKey: string };
  issueSessionToken(opts?: { expiresInSec?: number }): string;
  /** Starts Postgres now, if it has not started yet; resolves once it answers (the demo starts it in the background). */
  startDatabase(): Promise<void>;
  /** The live state, for asserting effects. */
  store: Store;
  seed: typeof SEED;
  close(): Promise<void>;
}

export const DEFAULT_API_KEY = "sk_test_scaly_reference_2b7e151628aed2a6";
export const DEFAULT_APPSYNC_KEY = "da2-scalyreference4f3c9a1e7b2d";
export const STEP_MS = 250;

function graphqlMeta(method: string, body: unknown, query: URLSearchParams) {
  const params =
    method === "GET"
      ? {
          query: query.get("query"),
          operationName: query.get("operationName"),
          variables: query.get("variables"),
        }
      : ((body ?? {}) as { query?: unknown; operationName?: unknown; variables?: unknown });
  let variables = params.variables ?? null;
  if (typeof variables === "string") {
    try {
      variables = JSON.parse(variables);
    } catch {
      variables = null;
    }
  }
  let operationName = typeof params.operationName === "string" ? params.operationName : null;
  if (!operationName && typeof params.query === "string") {
    try {
      operationName = graphqlJs.getOperationAST(graphqlJs.parse(params.query))?.name?.value ?? null;
    } catch {
      operationName = null;
    }
  }
  return { operationName, variables: variables as Record<string, unknown> | null };
}

/** AppSync-style: the AppSync key in `x-api-key` and the raw Scaly API key in `authorization`. */
function graphqlAuthError(headers: Record<string, string>, keys: ScalyUpstream["keys"]): string | null {
  const appsync = headers["x-api-key"];
  if (!appsync) return "Missing x-api-key header (the MCP access key, SCALY_APPSYNC_KEY)";
  if (appsync !== keys.appsyncKey) return "Invalid x-api-key (SCALY_APPSYNC_KEY) for this stage";
  const auth = headers.authorization;
  if (!auth) return "Missing authorization header (the Scaly API key, SCALY_API_KEY)";
  if (/^bearer\s/i.test(auth)) return "Send the Scaly API key in authorization as is, without 'Bearer '";
  if (auth !== keys.apiKey) return "Invalid Scaly API key (SCALY_API_KEY)";
  return null;
}

export async function startScalyUpstream(options: ScalyUpstreamOptions = {}): Promise<ScalyUpstream> {
  const store = new Store(Math.max(1, Math.round(STEP_MS * (options.timeScale ?? 1))));
  seedStore(store);
  const tokens = new SessionTokens(store.workspace.id);
  const databases = new Databases(SEED_MIGRATIONS, SEED_ROWS);
  if (options.preloadDatabase) await databases.preload();
  const keys = {
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    appsyncKey: options.appsyncKey ?? DEFAULT_APPSYNC_KEY,
  };
  const graphql = graphqlHttp.createHandler<IncomingMessage, undefined, GraphqlContext>({
    schema: buildControlPlaneSchema(),
    context: () => ({ store }),
    formatError,
  });
  const requests: RecordedRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    const target = new URL(req.url ?? "/", "http://upstream.invalid");
    const rawPath = (req.url ?? "/").split("?")[0] as string;
    const headers = flatHeaders(req);
    const method = req.method ?? "GET";
    const requestId = `req_${randomBytes(6).toString("hex")}`;
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendJson(res, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: error.message, requestId } });
        return;
      }
      throw error;
    }
    const parsed = parseBody(body, headers["content-type"]);
    const record: RecordedRequest = {
      method,
      path: rawPath,
      query: queryObject(target.searchParams),
      headers,
      body: { raw: body.toString("utf8"), parsed },
      time,
    };
    requests.push(record);
    store.tick(time);

    if (rawPath === "/graphql") {
      Object.assign(record, graphqlMeta(method, parsed, target.searchParams));
      const denied = graphqlAuthError(headers, keys);
      if (denied) {
        sendJson(res, 401, unauthorizedBody(denied), { "x-request-id": requestId });
        return;
      }
      const [text, init] = await graphql({
        method,
        url: req.url ?? "/graphql",
        headers,
        body: body.length > 0 ? body.toString("utf8") : null,
        raw: req,
        context: undefined,
      });
      res.writeHead(init.status, init.statusText, { ...init.headers, "x-request-id": requestId });
      res.end(text);
      return;
    }

    if (rawPath.startsWith("/v1/")) {
      try {
        const out = await handleDataPlane(
          { store, databases, tokens },
          { method, rawPath, query: target.searchParams, headers, body },
        );
        sendJson(res, out.status, out.body, { "x-request-id": requestId, ...out.headers });
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        const extra: Record<string, string> = { "x-request-id": requestId };
        if (error.status === 401) {
          extra["www-authenticate"] =
            `Bearer realm="scaly", error="invalid_token", error_description="${error.code}"`;
        }
        if (error.status === 405 && Array.isArray(error.details?.allow)) {
          extra.allow = (error.details.allow as string[]).join(", ");
        }
        const payload = { code: error.code, message: error.message, details: error.details, requestId };
        sendJson(res, error.status, { error: payload }, extra);
      }
      return;
    }

    if (rawPath === "/" || rawPath === "/healthz") {
      sendJson(res, 200, {
        service: "scaly-reference-upstream",
        graphql: "/graphql",
        dataPlane: "/v1/apps/{appId}/...",
      });
      return;
    }
    sendJson(res, 404, {
      error: { code: "NOT_FOUND", message: `No route for ${method} ${rawPath}`, requestId },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug in the upstream must be visible to the test that hit it, not swallowed.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendJson(res, 500, { error: { code: "INTERNAL", message } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    dataUrl: url,
    port,
    requests,
    keys,
    issueSessionToken: (opts) => tokens.issue(opts),
    startDatabase: async () => {
      await databases.preload();
    },
    store,
    seed: SEED,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await databases.close();
    },
  };
}
