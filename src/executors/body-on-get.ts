import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";

/**
 * `fetch` refuses a body on GET and HEAD (the Fetch standard forbids one), yet some APIs define one
 * (Elasticsearch-style searches). Those requests go out through node:http(s) instead, and the answer comes back
 * as a standard `Response`, so reading, limits and redirects stay the executor's one code path. Everything else
 * goes through `fetch`.
 */
export const fetchAllowingBody: typeof fetch = async (input, init) => {
  const method = (init?.method ?? "GET").toUpperCase();
  if (init?.body == null || (method !== "GET" && method !== "HEAD")) return fetch(input, init);
  return requestWithBody(String(input), method, init);
};

async function requestWithBody(url: string, method: string, init: RequestInit): Promise<Response> {
  // A Response serialises any body type fetch accepts (string, bytes, FormData with its boundary).
  const encoded = new Response(init.body);
  const body = Buffer.from(await encoded.arrayBuffer());
  const headers = new Headers(init.headers);
  const type = encoded.headers.get("content-type");
  if (!headers.has("content-type") && type !== null) headers.set("content-type", type);
  headers.set("content-length", String(body.length));
  const target = new URL(url);
  // node:http(s) load for the first such request only, not at start-up.
  const send =
    target.protocol === "https:" ? (await import("node:https")).request : (await import("node:http")).request;
  return new Promise<Response>((resolve, reject) => {
    const req = send(
      target,
      { method, headers: Object.fromEntries(headers), ...(init.signal ? { signal: init.signal } : {}) },
      (res) => resolve(toResponse(res, method)),
    );
    req.once("error", reject);
    req.end(body);
  });
}

function toResponse(res: IncomingMessage, method: string): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  }
  const status = res.statusCode ?? 502;
  const bodiless = method === "HEAD" || status === 204 || status === 304 || status < 200;
  if (bodiless) res.resume();
  const body = bodiless ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  return new Response(body, {
    status: status < 200 ? 502 : status,
    statusText: res.statusMessage ?? "",
    headers,
  });
}
