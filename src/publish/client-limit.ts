/**
 * The largest message MCP clients read: 10 MiB. The SDK clients' stdio reader (v1 and v2, `ReadBuffer`) drops its
 * whole buffer and reports an error when a chunk would take it past this, and the request it was answering then
 * waits for its timeout. Every bound on what the server sends a client in one message derives from it.
 */
export const CLIENT_MESSAGE_BYTES = 10 * 1024 * 1024;

/**
 * The most one part of a message may take, a list page's items or a content block's base64: 1 MiB below
 * `CLIENT_MESSAGE_BYTES`, for the rest of the message around it.
 */
export const CLIENT_PART_BYTES = CLIENT_MESSAGE_BYTES - 1024 * 1024;

/**
 * The words for what clients would not read: `what` says what it is and its size ("the answer is 12 MB of JSON"),
 * `limit` the bound it passed, as written, and `readers` who would not read it.
 */
export function tooLargeForClients(what: string, limit: string, readers = "clients"): string {
  return `${what}, more than ${readers} read in one message (${limit})`;
}
