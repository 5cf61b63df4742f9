import { createServer, type Socket } from "node:net";
import { expect, it } from "vitest";
import { raw } from "./raw-http.js";

// The raw client the transport tests poll with must settle when a server resets a connection before answering
// (as a shutting-down server does to a socket it has just accepted); a hang here hung CI's lifecycle test.
it("rejects with ECONNRESET when the connection is reset before any response", async () => {
  const server = createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  try {
    await expect(raw(`http://127.0.0.1:${port}/mcp`, { body: "{}" })).rejects.toMatchObject({
      code: "ECONNRESET",
    });
  } finally {
    server.close();
  }
});

// An expect.poll callback that sends a request must be bounded per attempt: poll's timeout does not bound a
// callback that never settles. With idleTimeoutMs, a server that accepts and never answers fails the attempt.
it("rejects with ETIMEDOUT when a server never answers and idleTimeoutMs is set", async () => {
  const held: Socket[] = [];
  const server = createServer((socket) => {
    held.push(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  try {
    await expect(
      raw(`http://127.0.0.1:${port}/mcp`, { body: "{}", idleTimeoutMs: 200 }),
    ).rejects.toMatchObject({ code: "ETIMEDOUT" });
  } finally {
    for (const socket of held) socket.destroy();
    server.close();
  }
});
