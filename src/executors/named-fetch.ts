import type { IncomingMessage } from "node:http";
import { usesEnvProxy } from "../config/env-proxy.js";
import { pinnedLookup } from "../config/reach.js";

/**
 * A named URL whose connection cannot be pinned to the addresses its check passed: a fetch of the caller's own (an
 * embedder's, a test's) decides where it connects, so the check would not bind it. Refused (fail closed), with nothing
 * sent; the message is safe to show (it names the host, never a credential).
 */
export class UnpinnedFetchError extends Error {
  constructor(url: URL) {
    super(
      `${url.host} is a host name the document named and a fetch of the embedder's own cannot be held to the addresses checked for it (DNS rebinding); only the built-in fetch may fetch it`,
    );
    this.name = "UnpinnedFetchError";
  }
}

/**
 * A request to a URL a document named (an issuer's `jwks_uri`, a discovery document's `token_endpoint`), once
 * `checkNamedUrl` passed it: with the addresses the check resolved its host name to, over node:http(s) with a
 * `lookup` that answers only those (`pinnedLookup`), so the connection goes where the check looked and a name that
 * answers a public address to the check and 127.0.0.1 or 169.254.169.254 to the connection (DNS rebinding) reaches
 * nothing else. TLS is verified against the URL's host name as `fetch` does. Without addresses (an IP literal,
 * `localhost`, the document's own host) `doFetch` makes it. A host name to pin when `doFetch` is a fetch of the
 * caller's own (tests, an embedder's: it decides where it connects, so it cannot be pinned) is refused with an
 * `UnpinnedFetchError`, nothing sent (fail closed). Through the environment's proxy (`NODE_USE_ENV_PROXY`) the
 * built-in fetch makes it: the proxy resolves the name, this process does not. Redirects are not followed.
 */
export function fetchNamed(
  doFetch: typeof fetch,
  url: string | URL,
  init: RequestInit,
  addresses: readonly string[] | undefined,
): Promise<Response> {
  if (addresses === undefined) return doFetch(url, init);
  // Before the proxy's case too: a fetch of the caller's own may not go through the proxy either.
  if (doFetch !== globalThis.fetch) return Promise.reject(new UnpinnedFetchError(new URL(url)));
  if (usesEnvProxy()) return doFetch(url, init);
  return pinnedRequest(new URL(url), init, addresses);
}

function pinnedRequest(url: URL, init: RequestInit, addresses: readonly string[]): Promise<Response> {
  const module = process.getBuiltinModule(url.protocol === "https:" ? "node:https" : "node:http");
  const signal = init.signal ?? undefined;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const request = module.request(url, {
      method: init.method ?? "GET",
      headers: Object.fromEntries(new Headers(init.headers)),
      agent: false,
      lookup: pinnedLookup(addresses) as never,
    });
    // The signal's reason (a TimeoutError from AbortSignal.timeout) is what the caller sees, as with fetch.
    const abort = () => request.destroy(signal?.reason as Error);
    signal?.addEventListener("abort", abort, { once: true });
    request.on("error", (error) => {
      signal?.removeEventListener("abort", abort);
      reject(error);
    });
    request.on("response", (message) => {
      message.on("close", () => signal?.removeEventListener("abort", abort));
      resolve(asResponse(message));
    });
    request.end(init.body === undefined || init.body === null ? undefined : String(init.body));
  });
}

function asResponse(message: IncomingMessage): Response {
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2)
    headers.append(message.rawHeaders[i]!, message.rawHeaders[i + 1]!);
  const status = message.statusCode ?? 502;
  const empty = status === 204 || status === 205 || status === 304;
  if (empty) message.resume();
  const stream = process.getBuiltinModule("node:stream");
  const body = empty ? null : (stream.Readable.toWeb(message) as ReadableStream<Uint8Array>);
  return new Response(body, { status, statusText: message.statusMessage, headers });
}
