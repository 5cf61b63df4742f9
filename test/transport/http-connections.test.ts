import { once } from "node:events";
import { createServer, request, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach, expect, it, vi } from "vitest";
import { ConnectionBudget } from "../../src/transports/http-connections.js";
import { closeInStages } from "../../src/transports/http-node.js";

/**
 * The connections answered 503 past `--max-connections` linger (closed in stages, so a client still sending reads
 * the 503), and are not among the open ones counted: at most `max` of them linger, the oldest destroyed for a new
 * one. In process, on real sockets, with the linger's timer held (fake setTimeout), so a connection that closes
 * was closed by the bound, not by the 2 s linger.
 */

afterEach(() => {
  vi.useRealTimers();
});

/**
 * A connection the server answers 503, with the close of the server's side of it (this side, half open, does not
 * end when the server does, so that side closes only when the server destroys it): resolves once the 503 and the
 * server's end have arrived.
 */
async function refusedConnection(server: Server, port: number) {
  const accepted = once(server, "connection") as Promise<[Socket]>;
  const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  socket.on("error", () => {});
  const [served] = await accepted;
  const closed = once(served, "close");
  let answer = "";
  socket.on("data", (chunk: Buffer) => {
    answer += chunk.toString("latin1");
  });
  await once(socket, "end");
  return { socket, answer, closed };
}

it("keeps at most --max-connections refused connections lingering, the oldest destroyed first", async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => held.push(res));
  new ConnectionBudget(1).attach(server);
  server.on("connection", closeInStages);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const serving = request({ port, host: "127.0.0.1", path: "/" });
  serving.on("error", () => {});
  serving.end();
  await once(server, "request");
  try {
    const first = await refusedConnection(server, port);
    expect(first.answer).toMatch(/^HTTP\/1\.1 503 /);
    // Another refused: the first (lingering, its timer held) is destroyed for it. Before, it lingered on.
    const second = await refusedConnection(server, port);
    expect(second.answer).toMatch(/^HTTP\/1\.1 503 /);
    await first.closed;
    first.socket.destroy();
    second.socket.destroy();
  } finally {
    for (const res of held) res.destroy();
    serving.destroy();
    server.closeAllConnections();
    server.close();
  }
});
