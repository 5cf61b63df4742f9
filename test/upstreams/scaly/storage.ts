import { createHash } from "node:crypto";
import { HttpError } from "./errors.js";
import type { StoredObject } from "./model.js";

export const MAX_OBJECT_BYTES = 8 * 1024 * 1024;

function describe(key: string, o: StoredObject) {
  return {
    key,
    size: o.bytes.length,
    contentType: o.contentType,
    etag: o.etag,
    lastModified: new Date(o.lastModified).toISOString(),
  };
}

/** Keys are opaque strings, but `.`/`..`/empty segments are refused so no client can mistake a key for a path. */
export function checkKey(key: string): string {
  if (key.length === 0 || key.length > 1024)
    throw new HttpError(400, "INVALID_KEY", "Object keys are 1-1024 characters");
  if (key.split("/").some((segment) => segment === "." || segment === "..") || key.includes("\0")) {
    throw new HttpError(400, "INVALID_KEY", "Object keys may not contain '.' or '..' segments or NUL");
  }
  return key;
}

/** One app's view of its linked bucket (an in-memory map shared by every app linked to the same add-on). */
export class Bucket {
  constructor(private readonly objects: Map<string, StoredObject>) {}

  list(prefix: string, limit: number, cursor: string | undefined) {
    let after = "";
    if (cursor) {
      after = Buffer.from(cursor, "base64url").toString();
      if (!after) throw new HttpError(400, "INVALID_CURSOR", "Invalid cursor; pass nextCursor unchanged");
    }
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && (!after || k > after)).sort();
    const page = keys.slice(0, limit);
    const last = page.at(-1);
    return {
      objects: page.map((k) => describe(k, this.objects.get(k) as StoredObject)),
      nextCursor: keys.length > limit && last ? Buffer.from(last).toString("base64url") : null,
    };
  }

  get(key: string) {
    const o = this.objects.get(key);
    if (!o) throw new HttpError(404, "OBJECT_NOT_FOUND", `No object with key ${key}`, { key });
    if (o.bytes.length > MAX_OBJECT_BYTES)
      throw new HttpError(413, "OBJECT_TOO_LARGE", "Object is over 8 MiB");
    return { ...describe(key, o), encoding: "base64" as const, content: o.bytes.toString("base64") };
  }

  put(key: string, bytes: Buffer, contentType: string) {
    if (bytes.length > MAX_OBJECT_BYTES)
      throw new HttpError(413, "OBJECT_TOO_LARGE", "Objects are limited to 8 MiB");
    const o: StoredObject = {
      bytes,
      contentType,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: Date.now(),
    };
    this.objects.set(key, o);
    return describe(key, o);
  }

  delete(key: string) {
    if (!this.objects.delete(key))
      throw new HttpError(404, "OBJECT_NOT_FOUND", `No object with key ${key}`, { key });
    return { key, deleted: true as const };
  }
}
