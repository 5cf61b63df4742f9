import type { IncomingMessage } from "node:http";

/**
 * JSON-RPC batches over Streamable HTTP. Revision 2025-03-26 let a POST carry an array of messages; 2025-06-18
 * removed batching, and no later revision has it. Stateless serving negotiates per POST: a client names its revision
 * in the `Mcp-Protocol-Version` header on every request after `initialize` (none means 2025-03-26, as the spec says a
 * server assumes). The SDK's handler answered a batch under any revision, each message in it, so a client that had
 * negotiated 2025-06-18 or later got answers to a form its revision does not have. Such a batch is refused here as
 * one message: one -32600 Invalid Request (id null: a batch has no single id), nothing of it run. A batch holding
 * `initialize` is refused under every revision (2025-03-26: it "MUST NOT be part of a JSON-RPC batch").
 */

/** The first revision without batches; every dated revision after it has none either. */
const FIRST_WITHOUT_BATCHES = "2025-06-18";

/** Why `parsed` (a POST's body) is refused as a batch, or undefined when it is no batch or one its revision has. */
export function refusedBatch(parsed: unknown, req: IncomingMessage): string | undefined {
  if (!Array.isArray(parsed)) return undefined;
  const header = req.headers["mcp-protocol-version"];
  const version = typeof header === "string" ? header.trim() : undefined;
  if (version !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= FIRST_WITHOUT_BATCHES) {
    return `Invalid Request: a JSON-RPC batch (an array of messages), which protocol revision ${version} (Mcp-Protocol-Version) does not have: batching ended with 2025-03-26; none of it was run (send each message in a POST of its own)`;
  }
  const initialize = parsed.find(
    (message) =>
      message !== null &&
      typeof message === "object" &&
      (message as { method?: unknown }).method === "initialize",
  );
  if (initialize !== undefined) {
    return "Invalid Request: initialize in a JSON-RPC batch; it is sent alone, as the connection's first request; none of the batch was run";
  }
  return undefined;
}
