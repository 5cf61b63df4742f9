import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";

/**
 * Offset pagination over precomputed, immutable lists. The cursor is opaque to clients (base64url of the list
 * kind and offset); a cursor from another list or a tampered one is refused with -32602.
 *
 * A page ends after `entries` items, or earlier when its items' JSON would pass `bytes` (a page always holds at
 * least one item): clients refuse messages over a size (the v1 SDK client: 10 MiB), and a client that follows
 * cursors then still gets every item. Item sizes are measured once per item.
 */

export interface PageLimits {
  entries: number;
  bytes?: number;
}

const sizes = new WeakMap<object, number>();

function sizeOf(item: unknown): number {
  if (item === null || typeof item !== "object") return JSON.stringify(item)?.length ?? 0;
  let size = sizes.get(item);
  if (size === undefined) {
    size = Buffer.byteLength(JSON.stringify(item));
    sizes.set(item, size);
  }
  return size;
}

/**
 * `entryOf` turns a listed item into what the page carries (built on first use; measured and sent); `measure`
 * gives an item's size in bytes instead of serialising its entry (for lists whose entries are written as text).
 */
export function paginate<T, E = T>(
  items: readonly T[],
  cursor: string | undefined,
  limits: number | PageLimits,
  kind: string,
  entryOf: (item: T) => E = (item) => item as unknown as E,
  measure: (item: T) => number = (item) => sizeOf(entryOf(item)),
): { items: E[]; nextCursor?: string } {
  let offset = 0;
  if (cursor !== undefined) {
    const decoded = /^([a-z]+):(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!decoded || decoded[1] !== kind || Number(decoded[2]) > items.length) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, "invalid cursor");
    }
    offset = Number(decoded[2]);
  }
  const { entries, bytes } = typeof limits === "number" ? { entries: limits, bytes: undefined } : limits;
  let end = Math.min(items.length, offset + Math.max(1, entries));
  if (bytes !== undefined) {
    let total = 0;
    for (let at = offset; at < end; at++) {
      total += measure(items[at] as T) + 1;
      if (total > bytes && at > offset) {
        end = at;
        break;
      }
    }
  }
  const page = items.slice(offset, end).map(entryOf);
  if (end >= items.length) return { items: page };
  return { items: page, nextCursor: Buffer.from(`${kind}:${end}`, "utf8").toString("base64url") };
}
