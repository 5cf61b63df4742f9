import { createServer } from "node:net";
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
