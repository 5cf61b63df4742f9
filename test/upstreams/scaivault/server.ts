import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { recordAudit } from "./audit.js";
import { authenticate, requireScope, resolveTenant } from "./auth.js";
import type { Ctx } from "./context.js";
import { ApiError, type ErrorDetail } from "./errors.js";
import { HANDLERS } from "./handlers/index.js";
import { route } from "./router.js";
import type { OperationSpec } from "./spec.js";
import type { Principal, Store, TenantState } from "./state.js";
import { compact, requestId } from "./util.js";
import { validateRequest, validateResponse } from "./validate.js";

/** A request as received: method, raw (undecoded) path, parsed query, lower-case headers, body. */
export interface RecordedRequest {
  requestId: string;
  time: string;
  method: string;
  /** The path exactly as received, without the query string, not percent-decoded. */
  path: string;
  /** The request target exactly as received. */
  url: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: { raw: string; json?: unknown };
  operationId?: string;
  status?: number;
}

/** A request that does not match openapi.yaml (`route`, `request`), or an answer of ours that does not (`response`). */
export interface Violation {
  kind: "route" | "request" | "response";
  requestId: string;
  method: string;
  path: string;
  operationId?: string;
  messages: string[];
  details?: ErrorDetail[];
}

/** A canned answer for matching requests, for tests of how clients handle hostile or broken upstreams. */
export interface Fault {
  operationId?: string;
  /** Without a status, a held request is then served as usual. */
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** How many requests it answers; default 1. */
  times?: number;
  /** Holds each matching request until this settles (requests in flight, for fault tests); `held` hears each. */
  hold?: Promise<unknown>;
  held?: (request: RecordedRequest) => void;
}

export interface ServerState {
  ops: OperationSpec[];
  store: Store;
  requests: RecordedRequest[];
  violations: Violation[];
  faults: Fault[];
}

const MAX_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new ApiError(413, "payload_too_large", "The request body is too large."));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  rid: string,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "content-type": "application/json" } : {}),
    "x-request-id": rid,
    ...headers,
  });
  res.end(text);
}

function errorBody(e: ApiError, rid: string) {
  return { error: compact({ code: e.code, message: e.message, request_id: rid, ...e.extra }) };
}

export function createUpstreamServer(s: ServerState): Server {
  // Keep-alive longer than any client's idle reuse (Node's 5 s default races a busy client's next request).
  return createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(s, req, res).catch((err) => {
      if (!res.headersSent)
        send(
          res,
          500,
          { error: { code: "internal_error", message: String(err), request_id: requestId() } },
          "",
        );
    });
  });
}

async function handle(s: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rid = requestId();
  const now = Date.now();
  const method = (req.method ?? "GET").toUpperCase();
  const url = req.url ?? "/";
  const qAt = url.indexOf("?");
  const rawPath = qAt < 0 ? url : url.slice(0, qAt);
  const query = new URLSearchParams(qAt < 0 ? "" : url.slice(qAt + 1));
  const headers = lowerHeaders(req);
  let rawBody = "";
  try {
    rawBody = await readBody(req);
  } catch (e) {
    if (e instanceof ApiError) return send(res, e.status, errorBody(e, rid), rid);
    throw e;
  }

  const recorded: RecordedRequest = {
    requestId: rid,
    time: new Date(now).toISOString(),
    method,
    path: rawPath,
    url,
    query: queryRecord(query),
    headers,
  };
  if (rawBody.length > 0) {
    recorded.body = { raw: rawBody };
    try {
      recorded.body.json = JSON.parse(rawBody);
    } catch {
      // Not JSON: the raw string is all there is.
    }
  }
  s.requests.push(recorded);
  const reply = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    recorded.status = status;
    send(res, status, body, rid, extra);
  };
  const violation = (v: Omit<Violation, "requestId" | "method" | "path">) =>
    s.violations.push({ requestId: rid, method, path: rawPath, ...v });

  const routed = route(s.ops, method, rawPath);
  if (routed.kind !== "match") {
    const message =
      routed.kind === "no_route"
        ? `No operation matches ${method} ${rawPath}.`
        : `${method} is not allowed on ${rawPath}.`;
    violation({ kind: "route", messages: [message] });
    const e = new ApiError(
      routed.kind === "no_route" ? 404 : 405,
      routed.kind === "no_route" ? "not_found" : "method_not_allowed",
      message,
    );
    return reply(
      e.status,
      errorBody(e, rid),
      routed.kind === "method_not_allowed" ? { allow: routed.allowed.join(", ") } : {},
    );
  }
  const op = routed.op;
  recorded.operationId = op.operationId;
  const v = validateRequest(op, {
    pathParams: routed.pathParams,
    query,
    headers,
    rawBody,
    contentType: headers["content-type"],
  });
  const problems = [...routed.problems, ...v.problems];
  if (problems.length > 0) {
    violation({
      kind: "request",
      operationId: op.operationId,
      messages: problems.map((p) => p.message),
      details: problems,
    });
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    const e = new ApiError(400, "invalid_request", `${problems[0]!.message}${more}`, { details: problems });
    return reply(400, errorBody(e, rid));
  }

  const fault = s.faults.find((f) => f.operationId === undefined || f.operationId === op.operationId);
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) s.faults.splice(s.faults.indexOf(fault), 1);
    if (fault.hold) {
      fault.held?.(recorded);
      await fault.hold.catch(() => {});
    }
    if (fault.status !== undefined) {
      recorded.status = fault.status;
      res.writeHead(fault.status, { "x-request-id": rid, ...fault.headers });
      return void res.end(fault.body ?? "");
    }
  }

  let principal: Principal;
  try {
    principal = authenticate(s.store, headers.authorization, now);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return reply(e.status, errorBody(e, rid), e.headers);
  }

  const note: Ctx["audit"] = {};
  const pathParam = routed.pathParams.path;
  if (pathParam !== undefined && op.operationId !== "proxyRead") note.path = pathParam;
  let tenant: TenantState | undefined;
  let status = 500;
  let body: unknown;
  let error: ApiError | undefined;
  try {
    tenant = resolveTenant(
      s.store,
      principal,
      v.headers["X-ScaiVault-Tenant"],
      v.headers["X-ScaiVault-Partner"],
    );
    requireScope(principal, op.requiredScope);
    const handler = HANDLERS[op.operationId]!;
    const out = await handler({
      op,
      params: routed.pathParams,
      query: v.query,
      body: v.body,
      principal,
      tenant,
      store: s.store,
      now,
      requestId: rid,
      audit: note,
    });
    status = out.status;
    body = out.body;
  } catch (e) {
    if (!(e instanceof ApiError)) {
      violation({
        kind: "response",
        operationId: op.operationId,
        messages: [`handler crashed: ${String(e)}`],
      });
      error = new ApiError(500, "internal_error", "The reference upstream failed; see its violations.");
    } else {
      error = e;
    }
    status = error.status;
    body = errorBody(error, rid);
  }

  const mismatches = validateResponse(op, status, body);
  if (mismatches.length > 0)
    violation({ kind: "response", operationId: op.operationId, messages: mismatches });

  // A refused tenant switch is audited in the tenant that was targeted, so its owners see the attempt.
  const auditTenant =
    tenant ??
    s.store.tenants.get(v.headers["X-ScaiVault-Tenant"] ?? "") ??
    s.store.tenants.get(principal.homeTenant ?? "");
  if (auditTenant) {
    recordAudit(auditTenant, {
      operationId: op.operationId,
      principal,
      note,
      status,
      reason: error?.code,
      requiredScope: error?.extra.required_scope,
      requestId: rid,
      sourceIp: req.socket.remoteAddress,
      time: now,
    });
  }
  return reply(status, body, error?.headers ?? {});
}
