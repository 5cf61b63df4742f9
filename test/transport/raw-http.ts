import { request } from "node:http";

/**
 * Raw HTTP for the transport rules: `fetch` will not send a forged `Host`, a body larger than its declared
 * length, or a chunked body without a length, and those are exactly what the rules are about.
 */

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path?: string;
  /** A list sends the header once per value, in order. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Send the body in chunks without a Content-Length. */
  chunked?: boolean;
  /**
   * A failure bound: the request is destroyed, and rejects with ETIMEDOUT, when its socket has been idle this
   * long (nothing sent or received). For requests an `expect.poll` callback makes: poll's own timeout does not
   * bound a callback that never settles, so without this one stuck attempt would stop the poll forever.
   */
  idleTimeoutMs?: number;
  /** The address the request is sent from (another loopback address is another client address). */
  localAddress?: string;
}

/**
 * The headers as node:http takes them: an object, or (when a header repeats) the flat list of names and values,
 * which must name the Host itself (node:http adds none to a list).
 */
function headerList(
  headers: Record<string, string | string[]>,
  host: string,
): Record<string, string> | string[] {
  const entries = Object.entries(headers);
  if (entries.every(([, v]) => typeof v === "string")) return headers as Record<string, string>;
  if (!entries.some(([name]) => name.toLowerCase() === "host")) entries.unshift(["host", host]);
  return entries.flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).flatMap((value) => [name, value]));
}

export function raw(url: string, init: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ""),
        port: target.port,
        method: init.method ?? "POST",
        path: init.path ?? target.pathname,
        ...(init.localAddress !== undefined ? { localAddress: init.localAddress } : {}),
        headers: headerList(
          {
            ...(init.body !== undefined && !init.chunked
              ? { "content-length": String(Buffer.byteLength(init.body)) }
              : {}),
            ...init.headers,
          },
          target.host,
        ),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    // The server may answer (413, 401) and close before the whole body is sent: that is a response, not an error.
    // A connection reset before any response (e.g. a server closing its sockets as it shuts down) is an error: the
    // request settles once its socket has closed, never hangs.
    let answered = false;
    let reset: NodeJS.ErrnoException | undefined;
    req.on("response", () => {
      answered = true;
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
      else reset ??= error;
    });
    if (init.idleTimeoutMs !== undefined)
      req.setTimeout(init.idleTimeoutMs, () =>
        req.destroy(
          Object.assign(new Error(`no answer within ${init.idleTimeoutMs} ms of silence`), {
            code: "ETIMEDOUT",
          }),
        ),
      );
    req.on("close", () => {
      if (!answered)
        reject(reset ?? Object.assign(new Error("closed without a response"), { code: "ECONNRESET" }));
    });
    if (init.body !== undefined) {
      if (init.chunked) {
        const body = Buffer.from(init.body);
        const step = 256 * 1024;
        for (let at = 0; at < body.length; at += step) req.write(body.subarray(at, at + step));
      } else {
        req.write(init.body);
      }
    }
    req.end();
  });
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};
