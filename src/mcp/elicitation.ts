import type { Server } from "@modelcontextprotocol/server";

/**
 * `elicitation/create` in the words of the revision the client negotiated. The request came with 2025-06-18
 * (`message`, `requestedSchema`); 2025-11-25 added `mode` ("form" or "url"). The SDK's legacy shim, which turns an
 * `input_required` round into that request for a 2025-era client, writes `mode: "form"` to every one of them; a
 * client of 2025-06-18 is sent the request without it. (Clients of revisions before 2025-06-18 are never asked:
 * `supportsFormElicitation` sends them the preview.)
 */

/** The first revision whose `elicitation/create` has `mode`. */
export const ELICITATION_MODE_SINCE = "2025-11-25";

/** Whether a client of `version` reads `mode` in an elicitation request (unknown: the SDK's default, yes). */
export function readsElicitationMode(version: string | undefined): boolean {
  return version === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(version) || version >= ELICITATION_MODE_SINCE;
}

interface Outgoing {
  method: string;
  params?: Record<string, unknown>;
}

/** Has `server` send its form elicitations without `mode` to clients of revisions that do not define it. */
export function inRevisionWords(server: Server): void {
  const send = server.request.bind(server) as (request: Outgoing, ...rest: unknown[]) => Promise<unknown>;
  const request = (outgoing: Outgoing, ...rest: unknown[]) => {
    const params = outgoing.params;
    if (
      outgoing.method !== "elicitation/create" ||
      params?.mode !== "form" ||
      readsElicitationMode(server.getNegotiatedProtocolVersion())
    ) {
      return send(outgoing, ...rest);
    }
    const { mode: _mode, ...older } = params;
    return send({ ...outgoing, params: older }, ...rest);
  };
  (server as unknown as { request: typeof request }).request = request;
}
