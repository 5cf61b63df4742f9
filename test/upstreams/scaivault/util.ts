import { createHash, randomBytes, randomInt } from "node:crypto";
import { ApiError } from "./errors.js";

export const iso = (ms: number) => new Date(ms).toISOString();

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90d` -> seconds. The spec's Duration pattern has already been checked. */
export function durationSeconds(value: string): number {
  const unit = UNIT_SECONDS[value.slice(-1)];
  if (!unit) throw new ApiError(400, "invalid_request", `'${value}' is not a duration`);
  return Number(value.slice(0, -1)) * unit;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

export function requestId(): string {
  return `req_${randomBytes(8).toString("hex")}`;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomString(length: number, alphabet = ALNUM): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Segment-aligned prefix match: `a/b` and `a/b/` cover `a/b/c` (and `a/b` itself), never `a/bc`. */
export function underPrefix(path: string, prefix: string | undefined): boolean {
  if (!prefix) return true;
  const p = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  return path === p || path.startsWith(`${p}/`);
}

export interface Page<T> {
  items: T[];
  next_cursor?: string;
}

/**
 * Offset pagination behind an opaque cursor. The cursor carries a fingerprint of the query that produced it,
 * so replaying it with other filters is refused rather than silently returning a wrong page.
 */
export function paginate<T>(items: T[], query: Record<string, unknown>): Page<T> {
  const limit = typeof query.limit === "number" ? query.limit : 50;
  const filters = Object.entries(query)
    .filter(([k]) => k !== "limit" && k !== "cursor")
    .sort(([a], [b]) => a.localeCompare(b));
  const fingerprint = sha256Hex(JSON.stringify(filters)).slice(0, 12);
  let offset = 0;
  if (typeof query.cursor === "string") {
    try {
      const decoded = JSON.parse(Buffer.from(query.cursor, "base64url").toString("utf8"));
      if (decoded.f !== fingerprint || !Number.isInteger(decoded.o) || decoded.o < 0)
        throw new Error("mismatch");
      offset = decoded.o;
    } catch {
      throw new ApiError(400, "invalid_cursor", "The cursor is not valid for this query.");
    }
  }
  const page: Page<T> = { items: items.slice(offset, offset + limit) };
  if (offset + limit < items.length) {
    page.next_cursor = Buffer.from(JSON.stringify({ o: offset + limit, f: fingerprint })).toString(
      "base64url",
    );
  }
  return page;
}

/** Drops keys whose value is undefined, so optional fields are absent rather than null. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
