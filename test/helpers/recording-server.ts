import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What an upstream received, as received: raw path and body bytes, lower-case headers. */
export interface Received {
  method: string;
  /** Path and query exactly as sent (not decoded). */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Header names and values as received, in order (a header named `__proto__` is no key of `headers`). */
  rawHeaders: string[];
  body: Buffer;
}

export type Route = (req: Received, res: ServerResponse) => unknown;

export interface RecordingServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** A real HTTP server on 127.0.0.1 that records every request before answering it with `route`. */
export async function startRecordingServer(route: Route): Promise<RecordingServer> {
  const received: Received[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const entry: Received = {
      method: req.method ?? "",
      url: req.url ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks),
    };
    received.push(entry);
    try {
      await route(entry, res);
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { message: (e as Error).message });
    }
    if (!res.writableEnded) sendJson(res, 404, { message: `no route for ${entry.method} ${entry.path}` });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
