import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BodyTooLargeError, readBody, UNREAD_BODY_LIMIT } from "../../src/transports/http-node.js";

/**
 * A body refused part-way (a chunked body cut at the bound) or before it was read (a declared length over the
 * bound) is not read to its end: after a bounded drain the server closes the connection, so a client streaming a
 * huge body stops being read, reads its 413, and the server keeps serving others.
 */
const LIMIT = 64 * 1024;
/** Where the client stops sending (and ends its side) if the server never closes: what it read is then counted. */
const CAP = 64 * 1024 * 1024;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function started(): Promise<{ port: number; read: () => number }> {
  const sockets: Socket[] = [];
  server = createServer((req, res) => {
    readBody(req, LIMIT).then(
      (body) => res.writeHead(200, { "content-type": "text/plain" }).end(`read ${body.length}`),
      (error) => {
        if (!(error instanceof BodyTooLargeError)) return;
        res.writeHead(413, { "content-type": "text/plain" }).end("too large");
      },
    );
  });
  server.on("connection", (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { port: address.port, read: () => sockets.reduce((n, s) => n + s.bytesRead, 0) };
}

/**
 * Streams a body of 16 KiB chunks until the server closes the connection, once the 413 has arrived (before it,
 * sending stops at twice the bound, so the refusal is read before the server can close anything).
 */
function streamUntilClosed(
  port: number,
  head: string,
  chunked: boolean,
): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const piece = Buffer.alloc(16 * 1024, 0x61);
    const frame = chunked ? Buffer.concat([Buffer.from("4000\r\n"), piece, Buffer.from("\r\n")]) : piece;
    let answer = "";
    let sent = 0;
    let answered = false;
    let closed = false;
    const pump = () => {
      while (!closed && sent < CAP && (answered || sent < 2 * LIMIT)) {
        sent += piece.length;
        if (!socket.write(frame)) return void socket.once("drain", pump);
      }
      if (sent >= CAP) socket.end();
    };
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      if (!answered && answer.includes("too large")) {
        answered = true;
        pump();
      }
    });
    socket.on("error", () => {});
    socket.once("close", () => {
      closed = true;
      resolve({ answer, sent });
    });
    socket.write(head);
    pump();
  });
}

describe("readBody: a body refused part-way", () => {
  for (const chunked of [true, false]) {
    it(`closes the connection after a bounded drain (${chunked ? "chunked, cut at the bound" : "declared over the bound"})`, async () => {
      const { port, read } = await started();
      // The body is sent until the server closes the connection: before, it was read to its end (or the timeout).
      const framing = chunked ? "transfer-encoding: chunked" : `content-length: ${64 * 1024 * 1024}`;
      const head = `POST / HTTP/1.1\r\nhost: 127.0.0.1\r\n${framing}\r\n\r\n`;
      const { answer } = await streamUntilClosed(port, head, chunked);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      // The bound, the drain after it, and what was in flight in the socket buffers: a few MiB at most.
      expect(read()).toBeLessThan(2 * LIMIT + UNREAD_BODY_LIMIT + 8 * 1024 * 1024);
      // The server keeps serving.
      const after = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "ok" });
      expect(await after.text()).toBe("read 2");
    });
  }
});
