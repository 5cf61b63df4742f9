import type { Databases, MigrationFile } from "./database.js";
import { HttpError } from "./errors.js";
import type { AppRec, LogLevel, LogSource } from "./model.js";
import type { SessionClaims, SessionTokens } from "./session.js";
import { Bucket, checkKey } from "./storage.js";
import type { Store } from "./store.js";

export interface DataPlaneRequest {
  method: string;
  /** Raw (undecoded) path, so an object key's `%2F` and `/` can both be honoured. */
  rawPath: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DataPlaneResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface DataPlaneDeps {
  store: Store;
  databases: Databases;
  tokens: SessionTokens;
}

const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];
const SOURCES: LogSource[] = ["app", "build", "deploy", "job", "router"];

function decode(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", `Malformed percent-encoding in ${what}`);
  }
}

function json(req: DataPlaneRequest): Record<string, unknown> {
  if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
    throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "Send Content-Type: application/json");
  }
  try {
    const body = JSON.parse(req.body.toString("utf8"));
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new HttpError(400, "BAD_REQUEST", "The body must be a JSON object");
}

function int(value: string | null, name: string, min: number, max: number, fallback: number): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HttpError(400, "BAD_REQUEST", `${name} must be an integer ${min}-${max}`, { parameter: name });
  }
  return n;
}

function sqlBody(body: Record<string, unknown>) {
  if (typeof body.sql !== "string" || body.sql.trim() === "") {
    throw new HttpError(400, "BAD_REQUEST", "sql must be a non-empty string", { field: "sql" });
  }
  if (body.params !== undefined && !Array.isArray(body.params)) {
    throw new HttpError(400, "BAD_REQUEST", "params must be an array", { field: "params" });
  }
  return { sql: body.sql, params: body.params as unknown[] | undefined };
}

function migrationFiles(body: Record<string, unknown>): MigrationFile[] {
  const files = body.migrations;
  const ok =
    Array.isArray(files) &&
    files.every(
      (f) =>
        f &&
        typeof f.name === "string" &&
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(f.name) &&
        typeof f.sql === "string" &&
        f.sql.length > 0,
    );
  if (!ok) {
    throw new HttpError(
      400,
      "BAD_REQUEST",
      "migrations must be a list of { name, sql } (name like 0001_init.sql)",
      {
        field: "migrations",
      },
    );
  }
  return (files as MigrationFile[]).map(({ name, sql }) => ({ name, sql }));
}

/** `15m`, `2h`, `7d`, `30s` back from now, or an ISO date-time. */
function timeParam(value: string | null, name: string, now: number): number | null {
  if (value === null) return null;
  const relative = /^(\d+)([smhd])$/.exec(value);
  if (relative) {
    const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[relative[2] as "s" | "m" | "h" | "d"];
    return now - Number(relative[1]) * unit;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new HttpError(
      400,
      "BAD_REQUEST",
      `${name} must be an ISO date-time or a duration like 15m, 2h, 7d`,
      {
        parameter: name,
      },
    );
  }
  return ms;
}

async function upload(req: DataPlaneRequest): Promise<{ bytes: Buffer; contentType: string }> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    const body = json(req);
    if (typeof body.content !== "string") throw new HttpError(400, "BAD_REQUEST", "content must be a string");
    const encoding = body.encoding ?? "utf8";
    if (encoding !== "utf8" && encoding !== "base64") {
      throw new HttpError(400, "BAD_REQUEST", "encoding must be utf8 or base64");
    }
    return {
      bytes: Buffer.from(body.content, encoding),
      contentType: typeof body.contentType === "string" ? body.contentType : "application/octet-stream",
    };
  }
  if (type.startsWith("application/octet-stream")) {
    return {
      bytes: req.body,
      contentType: req.headers["x-scaly-content-type"] ?? "application/octet-stream",
    };
  }
  if (type.startsWith("multipart/form-data")) {
    // The platform's own multipart parser (undici) rather than a hand-rolled one.
    const form = await new Request("http://upload.invalid/", {
      method: "POST",
      headers: { "content-type": req.headers["content-type"] ?? "" },
      body: req.body,
    })
      .formData()
      .catch(() => {
        throw new HttpError(400, "BAD_REQUEST", "Malformed multipart body");
      });
    const file = form.get("file");
    if (!file || typeof file === "string")
      throw new HttpError(400, "BAD_REQUEST", "multipart body needs a file part");
    const declared = form.get("contentType");
    return {
      bytes: Buffer.from(await file.arrayBuffer()),
      contentType: typeof declared === "string" ? declared : file.type || "application/octet-stream",
    };
  }
  throw new HttpError(
    415,
    "UNSUPPORTED_MEDIA_TYPE",
    "Upload as application/json, application/octet-stream or multipart/form-data",
  );
}

function methodNotAllowed(allow: string[]): never {
  throw new HttpError(405, "METHOD_NOT_ALLOWED", `Use ${allow.join(" or ")}`, { allow });
}

/** Routes `/v1/apps/{appId}/...`: session token first, then the app, then the operation. */
export async function handleDataPlane(
  deps: DataPlaneDeps,
  req: DataPlaneRequest,
): Promise<DataPlaneResponse> {
  const { store, databases, tokens } = deps;
  const claims = tokens.verify(req.headers.authorization);
  if (req.rawPath === "/v1/session") {
    if (req.method !== "GET") methodNotAllowed(["GET"]);
    return { status: 200, body: sessionInfo(claims) };
  }
  const match = /^\/v1\/apps\/([^/]+)\/(.+)$/.exec(req.rawPath);
  if (!match) throw new HttpError(404, "NOT_FOUND", `No route for ${req.method} ${req.rawPath}`);
  const appId = decode(match[1] as string, "appId");
  const rest = match[2] as string;
  const app = store.apps.get(appId);
  if (!app) throw new HttpError(404, "APP_NOT_FOUND", `App ${appId} not found`, { appId });

  const database = (a: AppRec) => {
    const addon = store.linkedAddon(a.id, "DATABASE");
    if (!addon) {
      throw new HttpError(
        409,
        "NO_DATABASE",
        `App ${a.name} has no linked database; create one with createDatabase`,
      );
    }
    return addon.id;
  };
  const bucket = (a: AppRec) => {
    const addon = store.linkedAddon(a.id, "STORAGE");
    if (!addon) throw new HttpError(409, "NO_STORAGE", `App ${a.name} has no linked storage bucket`);
    let objects = store.buckets.get(addon.id);
    if (!objects) {
      objects = new Map();
      store.buckets.set(addon.id, objects);
    }
    return new Bucket(objects);
  };
  const m = req.method;

  switch (rest) {
    case "db/query": {
      if (m !== "POST") methodNotAllowed(["POST"]);
      const body = json(req);
      const { sql, params } = sqlBody(body);
      const maxRows = body.maxRows === undefined ? 1000 : Number(body.maxRows);
      if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > 10_000) {
        throw new HttpError(400, "BAD_REQUEST", "maxRows must be 1-10000", { field: "maxRows" });
      }
      return { status: 200, body: await databases.query(database(app), sql, params ?? [], maxRows) };
    }
    case "db/execute": {
      if (m !== "POST") methodNotAllowed(["POST"]);
      const { sql, params } = sqlBody(json(req));
      return { status: 200, body: await databases.execute(database(app), sql, params) };
    }
    case "db/migrations/plan": {
      if (m !== "POST") methodNotAllowed(["POST"]);
      return { status: 200, body: await databases.planMigrations(database(app), migrationFiles(json(req))) };
    }
    case "db/migrations": {
      if (m === "GET") return { status: 200, body: await databases.listMigrations(database(app)) };
      if (m !== "POST") methodNotAllowed(["GET", "POST"]);
      return { status: 200, body: await databases.applyMigrations(database(app), migrationFiles(json(req))) };
    }
    case "db/schema": {
      if (m !== "GET") methodNotAllowed(["GET"]);
      const addonId = database(app);
      const dump = await databases.dumpSchema(addonId, req.query.get("table") ?? undefined);
      return { status: 200, body: { addonId, ...dump } };
    }
    case "storage/objects": {
      if (m !== "GET") methodNotAllowed(["GET"]);
      const limit = int(req.query.get("limit"), "limit", 1, 1000, 100);
      const listing = bucket(app).list(
        req.query.get("prefix") ?? "",
        limit,
        req.query.get("cursor") ?? undefined,
      );
      return { status: 200, body: listing };
    }
    case "logs": {
      if (m !== "GET") methodNotAllowed(["GET"]);
      return { status: 200, body: logs(store, app, req.query) };
    }
  }
  if (rest.startsWith("storage/objects/")) {
    // Everything after `/objects/` is the key: `a/b.txt` and `a%2Fb.txt` name the same object.
    const key = checkKey(decode(rest.slice("storage/objects/".length), "key"));
    const b = bucket(app);
    if (m === "GET") return { status: 200, body: b.get(key) };
    if (m === "PUT") {
      const { bytes, contentType } = await upload(req);
      return { status: 200, body: b.put(key, bytes, contentType) };
    }
    if (m === "DELETE") return { status: 200, body: b.delete(key) };
    methodNotAllowed(["GET", "PUT", "DELETE"]);
  }
  throw new HttpError(404, "NOT_FOUND", `No route for ${m} ${req.rawPath}`);
}

function sessionInfo(claims: SessionClaims) {
  return {
    subject: claims.sub,
    workspaceId: claims.ws,
    scope: claims.scope.split(" "),
    issuedAt: new Date(claims.iat * 1000).toISOString(),
    expiresAt: new Date(claims.exp * 1000).toISOString(),
    expiresInSec: Math.max(0, claims.exp - Math.floor(Date.now() / 1000)),
  };
}

function logs(store: Store, app: AppRec, query: URLSearchParams) {
  const now = Date.now();
  const deploymentId = query.get("deploymentId");
  // A deployment's lines are wanted whole, however old; otherwise default to the last hour.
  const since = timeParam(query.get("since"), "since", now) ?? (deploymentId ? 0 : now - 3_600_000);
  const until = timeParam(query.get("until"), "until", now) ?? Number.POSITIVE_INFINITY;
  const level = query.get("level");
  if (level !== null && !LEVELS.includes(level as LogLevel)) {
    throw new HttpError(400, "BAD_REQUEST", `level must be one of ${LEVELS.join(", ")}`, {
      parameter: "level",
    });
  }
  const source = query.get("source");
  if (source !== null && !SOURCES.includes(source as LogSource)) {
    throw new HttpError(400, "BAD_REQUEST", `source must be one of ${SOURCES.join(", ")}`, {
      parameter: "source",
    });
  }
  const limit = int(query.get("limit"), "limit", 1, 1000, 200);
  const minRank = level ? LEVELS.indexOf(level as LogLevel) : 0;
  const matched = store.logs
    .filter(
      (l) =>
        l.appId === app.id &&
        l.timestamp >= since &&
        l.timestamp <= until &&
        LEVELS.indexOf(l.level) >= minRank &&
        (!source || l.source === source) &&
        (!deploymentId || l.deploymentId === deploymentId),
    )
    .sort((a, b) => b.timestamp - a.timestamp || (a.id < b.id ? 1 : -1));
  return {
    entries: matched.slice(0, limit).map(({ appId: _appId, timestamp, ...entry }) => ({
      ...entry,
      timestamp: new Date(timestamp).toISOString(),
    })),
    truncated: matched.length > limit,
  };
}
