import { SdkError, SdkErrorCode, type Server } from "@modelcontextprotocol/server";
import { UNANSWERED } from "../policy/confirm.js";

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

interface RequestOptions {
  timeout?: number;
  maxTotalTimeout?: number;
  [option: string]: unknown;
}

/**
 * Has `server` send its form elicitations in the words of the client's revision (without `mode` to clients of
 * revisions that do not define it), and wait for the answer no longer than `waitSeconds`, the confirmation's
 * lifetime: the SDK's legacy shim waits 600 s by default (and again after each progress notification), while the
 * round's state is a token that expires with the confirmation (`ConfirmationTokens`), so an answer given later
 * could only be refused. At the end of the wait the question is withdrawn (`notifications/cancelled`) and the
 * call goes on with an answer saying so (`UNANSWERED`): the confirmation step refuses it, and the audit log
 * records it; nothing runs.
 */
export function inRevisionWords(server: Server, waitSeconds: number): void {
  const send = server.request.bind(server) as (
    request: Outgoing,
    options?: RequestOptions,
    ...rest: unknown[]
  ) => Promise<unknown>;
  const waitMs = waitSeconds * 1000;
  const request = async (outgoing: Outgoing, options?: RequestOptions, ...rest: unknown[]) => {
    if (outgoing.method !== "elicitation/create") return send(outgoing, options, ...rest);
    const params = outgoing.params;
    const { mode: _mode, ...older } = params ?? {};
    const worded =
      params?.mode !== "form" || readsElicitationMode(server.getNegotiatedProtocolVersion())
        ? outgoing
        : { ...outgoing, params: older };
    const bounded = { ...options, timeout: waitMs, maxTotalTimeout: waitMs };
    try {
      return await send(worded, bounded, ...rest);
    } catch (error) {
      // Unanswered: the call comes back through the chain with this answer, refused and audited there.
      if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout)
        return { action: "cancel", _meta: { [UNANSWERED]: true } };
      throw error;
    }
  };
  (server as unknown as { request: typeof request }).request = request;
}
