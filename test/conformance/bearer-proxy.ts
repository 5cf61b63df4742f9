import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The conformance runner cannot send credentials in server mode, and `toolwright serve` over HTTP refuses
 * unauthenticated requests (by design). This loopback proxy stands where an operator's auth layer would: it
 * adds `Authorization: Bearer <key>` and passes everything else through untouched, in both directions and
 * streaming (SSE), including the `Host` and `Origin` headers the DNS-rebinding scenario forges.
 */
export async function startBearerProxy(
  target: string,
  key: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, authorization: `Bearer ${key}` },
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
    res.on("close", () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
