import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A round-robin load balancer on loopback: each request goes to the next replica, so consecutive requests of
 * one client (a call and its retry) land on different processes. Requests and responses stream through as
 * they are (SSE included); the Host header is rewritten to the replica's, as a reverse proxy does.
 */
export async function startBalancer(
  targets: string[],
): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const upstreams = targets.map((t) => new URL(t));
  const hits: string[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    const target = upstreams[next++ % upstreams.length]!;
    hits.push(target.host);
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  // Longer than any client's idle reuse, as a production proxy is: a socket is never closed under a request.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
