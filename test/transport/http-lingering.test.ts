import { once } from "node:events";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LINGER_READ_LIMIT } from "../../src/transports/http-node.js";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

/**
 * A request answered while its body is still coming (refused before it is read, or cut at the bound) is not read
 * to its end: the answer says `Connection: close`, at most 1 MiB more of the body is read and dropped, then reading
 * stops, and the connection is closed in stages (the server's side ended after the answer, the socket closed when
 * the client closes its own or 2 s later). Before, node read and dropped the rest of any body, however large, for up
 * to the request timeout; and closing the socket at once instead (93d394e, reverted) reset connections whose client
 * was still writing, which then saw ECONNRESET instead of the answer. Real clients must read the answer: node's
 * http client, fetch, the SDK's client transport, and a raw socket that stops sending when answered.
 */

const LIMIT = 64 * 1024;
const auth = { authorization: `Bearer ${FIXTURE_KEY}` };
/** Where a client that is never stopped stops on its own: the server read this much of a refused body. */
const CAP = 64 * 1024 * 1024;

let served: Served;
let port: number;
beforeAll(async () => {
  served = await serveHttp(await fixtureCatalog(), fixtureEnv(), {
    args: ["--max-message-bytes", String(LIMIT)],
  });
  port = Number(new URL(served.url).port);
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

interface Streamed {
  /** What the server sent, as received. */
  answer: string;
  /** "closed" when the server closed the connection, "all read" when it took every byte up to CAP. */
  outcome: "closed" | "all read";
  /** The bytes written after `head` (those the server read, and those both kernels' buffers held). */
  sent: number;
}

/** A body's piece of 16 KiB, as one chunk of a chunked body or as it is. */
function bodyPiece(chunked: boolean): Buffer {
  const piece = Buffer.alloc(16 * 1024, 0x20);
  return chunked ? Buffer.concat([Buffer.from("4000\r\n"), piece, Buffer.from("\r\n")]) : piece;
}

/** A client that keeps writing once it has read the answer and the end of the server's side. */
interface Insistent {
  /** Written once the answer's first bytes arrive, and only then the frames (else they follow `head` at once). */
  afterAnswer?: string;
}

/**
 * Sends `head`, then `frame` again and again as fast as the server takes it, until the server closes the connection
 * or has taken CAP bytes (a chunked body is never ended: an endless upload). An `insistent` client goes on writing
 * after the server ended its side (node's client socket ends its own then, and stops).
 */
function streamUntilClosed(head: string, frame: Buffer, insistent?: Insistent): Promise<Streamed> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: insistent !== undefined });
    let answer = "";
    let sent = 0;
    let done = false;
    const finish = (outcome: Streamed["outcome"]) => {
      if (done) return;
      done = true;
      resolve({ answer, outcome, sent });
      socket.destroy();
    };
    const pump = () => {
      while (!done && sent < CAP) {
        sent += frame.length;
        if (!socket.write(frame)) return void socket.once("drain", pump);
      }
      // Every byte was taken: wait for the last write's acceptance before saying so.
      if (!done) socket.write("", () => finish("all read"));
    };
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    // The server's reset (a socket closed with this side's bytes unread) is a close too.
    socket.on("error", () => {});
    socket.once("close", () => finish("closed"));
    socket.write(head);
    const afterAnswer = insistent?.afterAnswer;
    if (afterAnswer === undefined) return pump();
    socket.once("data", () => {
      socket.write(afterAnswer);
      pump();
    });
  });
}

function head(lines: string[], framing: string): string {
  return `${[...lines, framing].join("\r\n")}\r\n\r\n`;
}

const MCP = ["Content-Type: application/json", "Accept: application/json, text/event-stream"];

describe("a body still coming when its request is answered", () => {
  const declared = `Content-Length: ${CAP}`;
  const chunked = "Transfer-Encoding: chunked";
  const cases = [
    {
      name: "413, declared over the bound",
      status: 413,
      lines: ["POST /mcp HTTP/1.1", ...MCP, `Authorization: Bearer ${FIXTURE_KEY}`],
      framing: declared,
    },
    {
      name: "413, chunked and cut at the bound",
      status: 413,
      lines: ["POST /mcp HTTP/1.1", ...MCP, `Authorization: Bearer ${FIXTURE_KEY}`],
      framing: chunked,
    },
    { name: "401, no credentials", status: 401, lines: ["POST /mcp HTTP/1.1", ...MCP], framing: chunked },
    {
      name: "403, a Host not allowed",
      status: 403,
      lines: ["POST /mcp HTTP/1.1", "Host: rebind.example", ...MCP],
      framing: declared,
    },
    {
      name: "404, another path",
      status: 404,
      lines: ["POST /upload HTTP/1.1", `Authorization: Bearer ${FIXTURE_KEY}`],
      framing: declared,
    },
    { name: "405, a probe", status: 405, lines: ["POST /healthz HTTP/1.1"], framing: chunked },
    {
      name: "415, an encoded body",
      status: 415,
      lines: ["POST /mcp HTTP/1.1", ...MCP, `Authorization: Bearer ${FIXTURE_KEY}`, "Content-Encoding: gzip"],
      framing: declared,
    },
  ];
  for (const { name, status, lines, framing } of cases) {
    it(`${name}: answered, then at most a bounded part is read and the connection closes`, async () => {
      const withHost = lines.some((line) => line.startsWith("Host:"))
        ? lines
        : [lines[0]!, `Host: 127.0.0.1:${port}`, ...lines.slice(1)];
      const { answer, outcome } = await streamUntilClosed(
        head(withHost, framing),
        bodyPiece(framing === chunked),
      );
      // Before, the server read all CAP bytes (and would have gone on until the request timeout).
      expect(outcome).toBe("closed");
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    });
  }
});

/**
 * What the client's send buffer and the server's receive buffer can hold at most on this machine (Linux's autotuning
 * maxima): a client writes that much more than the server read before a close reaches it.
 */
function kernelBuffers(): number {
  const most = (name: string) =>
    Number(readFileSync(`/proc/sys/net/ipv4/${name}`, "utf8").trim().split(/\s+/)[2]);
  return most("tcp_wmem") + most("tcp_rmem");
}

describe("bytes a client keeps sending after an answer that closes the connection", () => {
  // What the server read past its answer (then it reads no more, and closes the connection LINGER_MS after the
  // answer), and what the kernels held; node's own write buffer and a frame besides.
  const bound = () => LINGER_READ_LIMIT + kernelBuffers() + 1024 * 1024;

  it("a refused CONNECT's tunnel bytes: read within a bound, then the connection closes", async () => {
    const connectHead = `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
    const { answer, outcome, sent } = await streamUntilClosed(connectHead, Buffer.alloc(64 * 1024, 0x78), {});
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    // Before: read for the whole linger (2 s), some 840 MB on an idle machine, here all CAP bytes.
    expect(outcome).toBe("closed");
    expect(sent).toBeLessThanOrEqual(bound());
  });

  it("requests pipelined after a 401 that closes: passed over within a bound, then the connection closes", async () => {
    const refused = head(
      ["POST /mcp HTTP/1.1", `Host: 127.0.0.1:${port}`, ...MCP],
      "Transfer-Encoding: chunked",
    );
    const padded = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Pad: ${"p".repeat(8000)}\r\n\r\n`;
    // The body ends once the 401 came (so it was answered while still coming), then requests follow it.
    const { answer, outcome, sent } = await streamUntilClosed(refused, Buffer.from(padded.repeat(8)), {
      afterAnswer: "0\r\n\r\n",
    });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    // None of them is answered: they came after an answer that closes the connection.
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(1);
    // Before: each was parsed and passed over for the whole linger (some 290 MB in 2 s), here all CAP bytes.
    expect(outcome).toBe("closed");
    expect(sent).toBeLessThanOrEqual(bound());
  });
});

describe("clients sending a body past the bound read the 413", () => {
  const big = (id: number) =>
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name: "fixture_echo", arguments: { text: "x".repeat(20 * 1024 * 1024) } },
    });

  it("node's http client, declared and chunked", async () => {
    for (const chunked of [false, true]) {
      const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: big(1), chunked });
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe("close");
      expect(JSON.parse(res.body).error.message).toBe(
        `Payload Too Large: the request body is over ${LIMIT} bytes`,
      );
    }
    expect((await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE })).status).toBe(
      200,
    );
  });

  it("fetch, a string body and an endless stream", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(served.url, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...auth },
        body: big(i),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /^Payload Too Large/,
      );
    }
    const piece = new Uint8Array(64 * 1024).fill(0x20);
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(piece) });
    const res = await fetch(served.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...auth },
      body: endless,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^Payload Too Large/,
    );
  });

  it("the SDK's Streamable HTTP client", async () => {
    const client = new Client({ name: "lingering", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(served.url), { requestInit: { headers: auth } }),
    );
    try {
      await expect(
        client.callTool({ name: "fixture_echo", arguments: { text: "x".repeat(20 * 1024 * 1024) } }),
      ).rejects.toThrow(/413|Payload Too Large/);
      // The client goes on: its next call is served.
      const echoed = await client.callTool({ name: "fixture_echo", arguments: { text: "hi" } });
      expect(JSON.stringify(echoed.content)).toContain("hi");
    } finally {
      await client.close();
    }
  });

  it("a raw socket that stops sending once answered: the server ends its side, then the close is clean", async () => {
    const socket = connect(port, "127.0.0.1");
    const errors: Error[] = [];
    socket.on("error", (error) => errors.push(error));
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    const ended = once(socket, "end");
    socket.write(
      head(
        ["POST /mcp HTTP/1.1", `Host: 127.0.0.1:${port}`, ...MCP, `Authorization: Bearer ${FIXTURE_KEY}`],
        `Content-Length: ${CAP}`,
      ),
    );
    // Part of the body (as curl sends until it sees an answer), then nothing more.
    socket.write(Buffer.alloc(4 * LIMIT, 0x20));
    await ended;
    // One answer (a server that kept reading would end the connection at the request timeout, answering 408 too).
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toEqual(["HTTP/1.1 413 "]);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain("Payload Too Large");
    socket.end();
    await once(socket, "close");
    expect(errors).toEqual([]);
  });

  it("serves no request pipelined after an answer that closes the connection", async () => {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    await once(socket, "connect");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    const closed = once(socket, "close");
    const lines = [
      "POST /mcp HTTP/1.1",
      `Host: 127.0.0.1:${port}`,
      ...MCP,
      `Authorization: Bearer ${FIXTURE_KEY}`,
    ];
    // A chunked body cut at the bound and ended, then a request of its own on the same connection.
    const body = Buffer.alloc(2 * LIMIT, 0x20);
    socket.write(head(lines, "Transfer-Encoding: chunked"));
    socket.write(`${body.length.toString(16)}\r\n`);
    socket.write(body);
    socket.write("\r\n0\r\n\r\n");
    socket.write(`${head(lines, `Content-Length: ${Buffer.byteLength(INITIALIZE)}`)}${INITIALIZE}`);
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(1);
  });
});

/** Sends `request` on a new connection; resolves with all the server sent once the connection closed. */
function exchange(request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    socket.once("close", () => resolve(answer));
    socket.write(request);
  });
}

describe("what node cannot parse is answered, then the connection closed in stages", () => {
  const message = (answer: string) =>
    (JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { error: { message: string } }).error
      .message;
  const host = () => `Host: 127.0.0.1:${port}`;

  it("a malformed head whose client is still sending its body reads the 400 and why, not a reset", async () => {
    const lines = ["POST /mcp HTTP/1.1", host(), ...MCP, "X-Secret: client-bytes-9f3a", "Bad Header"];
    const { answer, outcome, sent } = await streamUntilClosed(
      head(lines, `Content-Length: ${CAP}`),
      bodyPiece(false),
    );
    // Before: "" (node wrote its 400, then destroyed the socket with the body unread: a reset, the 400 lost).
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
    expect(message(answer)).toBe(
      "Bad Request: the request is not HTTP/1.1 that can be parsed (Invalid header token)",
    );
    expect(outcome).toBe("closed");
    expect(sent).toBeLessThanOrEqual(CAP);
    // The request's bytes go nowhere but the parser: not to stderr.
    expect(served.stderr()).not.toContain("client-bytes-9f3a");
  });

  it("a head over the header size whose client is still sending reads the 431", async () => {
    const lines = ["GET /healthz HTTP/1.1", host(), `X-Big: ${"b".repeat(20 * 1024)}`];
    const { answer, outcome } = await streamUntilClosed(
      head(lines, "X-More: 1"),
      Buffer.alloc(16 * 1024, 0x62),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(message(answer)).toContain("is over 16384 bytes");
    expect(outcome).toBe("closed");
  });

  it("a chunk that is no chunk, its client still sending, is its request's 400", async () => {
    const lines = ["POST /mcp HTTP/1.1", host(), ...MCP, `Authorization: Bearer ${FIXTURE_KEY}`];
    const { answer } = await streamUntilClosed(
      `${head(lines, "Transfer-Encoding: chunked")}zz\r\n`,
      bodyPiece(false),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(message(answer)).toContain("(Invalid character in chunk size)");
  });

  const served1 = () => [
    "POST /mcp HTTP/1.1",
    host(),
    ...MCP,
    `Authorization: Bearer ${FIXTURE_KEY}`,
    `Content-Length: ${Buffer.byteLength(INITIALIZE)}`,
  ];

  it("a request that said Connection: close gets its answer, and what follows it is ignored", async () => {
    const answer = await exchange(
      `${head(served1(), "Connection: close")}${INITIALIZE}GET /healthz HTTP/1.1\r\n${host()}\r\n\r\n`,
    );
    // Before: "HTTP/1.1 400 Bad Request" alone, for a request that was served (RFC 9112 9.6: ignore what follows).
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toContain('"protocolVersion"');
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(1);
  });

  it("bytes a client keeps sending after a request that said Connection: close are read within a bound", async () => {
    const { answer, outcome, sent } = await streamUntilClosed(
      `${head(served1(), "Connection: close")}${INITIALIZE}`,
      Buffer.alloc(64 * 1024, 0x78),
      { afterAnswer: "" },
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toHaveLength(1);
    expect(outcome).toBe("closed");
    expect(sent).toBeLessThanOrEqual(LINGER_READ_LIMIT + kernelBuffers() + 1024 * 1024);
  });

  it("a request followed by bytes that are no request gets its answer first, then the 400", async () => {
    const answer = await exchange(`${head(served1(), "X-Then: garbage")}${INITIALIZE}GARBAGE\r\n\r\n`);
    // Before: "HTTP/1.1 400 Bad Request" alone, in place of the served request's answer.
    expect(answer.match(/HTTP\/1\.1 \d{3} /g)).toEqual(["HTTP/1.1 200 ", "HTTP/1.1 400 "]);
    expect(answer.indexOf('"protocolVersion"')).toBeLessThan(answer.indexOf("HTTP/1.1 400 "));
    expect(answer).toContain("(Invalid method encountered)");
  });
});

describe("a head that does not arrive within the headers timeout", () => {
  let slow: Served;
  beforeAll(async () => {
    slow = await serveHttp(await fixtureCatalog(), fixtureEnv(), { args: ["--headers-timeout", "1"] });
  });
  afterAll(async () => {
    expect(await slow.stop()).toBe(0);
  });

  it("is answered 408 with why, then the connection closes", async () => {
    const socket = connect(Number(new URL(slow.url).port), "127.0.0.1");
    let answer = "";
    socket.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    socket.on("error", () => {});
    const closed = once(socket, "close");
    // Half a head, then nothing: node's check of the headers timeout answers it.
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: `);
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
    expect(answer).toContain("Request Timeout: the request did not arrive in time");
  });
});
