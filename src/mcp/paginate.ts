import { ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";

/**
 * Offset pagination over precomputed, immutable lists. The cursor is opaque to clients (base64url of the list
 * kind and offset); a cursor from another list or a tampered one is refused with -32602.
 */
export function paginate<T>(
  items: readonly T[],
  cursor: string | undefined,
  pageSize: number,
  kind: string,
): { items: T[]; nextCursor?: string } {
  let offset = 0;
  if (cursor !== undefined) {
    const decoded = /^([a-z]+):(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!decoded || decoded[1] !== kind || Number(decoded[2]) > items.length) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, "invalid cursor");
    }
    offset = Number(decoded[2]);
  }
  const end = offset + Math.max(1, pageSize);
  const page = items.slice(offset, end);
  if (end >= items.length) return { items: page };
  return { items: page, nextCursor: Buffer.from(`${kind}:${end}`, "utf8").toString("base64url") };
}
