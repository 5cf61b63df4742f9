import { type IncomingMessage, maxHeaderSize, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { jsonRpcError, stopParsing } from "./http-node.js";

/**
 * What node:http cannot parse (a `clientError`: bytes that are no HTTP/1.1 request, a head over the header size, a
 * request past the headers or request timeout) is answered here. node's own answer wrote `400 Bad Request` and then
 * destroyed the socket at once: a client still sending (the rest of a body, a request pipelined after) got a reset
 * and, often, never the 400; and a request served on the same connection lost its answer to that 400, written in its
 * place (a valid request with `Connection: close` followed by anything, or a keep-alive request followed by garbage:
 * the client read `400 Bad Request` as the answer to the request that was run). Now:
 *
 * - nothing more of the connection goes to node's parser (it would report the same error for each chunk);
 * - the requests being answered on it are answered first, then the error, and the connection is closed in stages
 *   (`closeInStages`: what still comes is read and dropped, at most `LINGER_READ_LIMIT`); bytes after a request that
 *   said `Connection: close` are ignored, as RFC 9112 9.6 asks (no answer of their own);
 * - an error within a request whose answer has not begun (its body cut by a bad chunk, its head or body too slow) is
 *   that request's answer.
 *
 * The answer names node's reason (a fixed text of its parser, such as "Invalid header value char"), never the bytes
 * received, and nothing is logged: the request's bytes may hold credentials.
 */

/** The requests being answered on each connection (their responses not yet closed). */
type Answering = WeakMap<Socket, Set<ServerResponse>>;

/** Answers the server's client errors as above (call before it listens). */
export function answerClientErrors(server: Server): void {
  const answering: Answering = new WeakMap();
  const track = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    const set = answering.get(socket) ?? new Set<ServerResponse>();
    answering.set(socket, set);
    set.add(res);
    res.once("close", () => set.delete(res));
  };
  server.on("request", track);
  // A request with `Expect: 100-continue` is handed to this listener instead of 'request'.
  server.on("checkContinue", track);
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    onClientError(error, socket, answering.get(socket)),
  );
}

/** Connections whose client error is being answered (node may report another: a timeout, the client's end). */
const handled = new WeakSet<Socket>();

function onClientError(error: NodeJS.ErrnoException, socket: Socket, answering?: Set<ServerResponse>): void {
  const found = answerFor(error);
  if (found === undefined) {
    // A socket error (a reset, a broken pipe): nobody left to answer.
    socket.destroy();
    return;
  }
  if (handled.has(socket) || socket.destroyed) return;
  handled.add(socket);
  stopParsing(socket);
  const answer = error.code === CLOSED ? undefined : found;
  const open = [...(answering ?? [])];
  // The error lies within a request whose answer has not begun: it is that request's answer.
  const own = open.some((res) => !res.req.complete && !res.headersSent);
  if (own || open.length === 0) {
    closeWith(socket, answer);
    return;
  }
  // After requests being answered: they are answered first, then this (nothing after `Connection: close`).
  let left = open.length;
  for (const res of open) {
    res.once("close", () => {
      left -= 1;
      if (left === 0) closeWith(socket, answer);
    });
  }
}

/** node's code for bytes that follow a request that said `Connection: close`. */
const CLOSED = "HPE_CLOSED_CONNECTION";

/** Writes `answer` (unless the server's side is done, or there is none), then closes the connection in stages. */
function closeWith(socket: Socket, answer: Buffer | undefined): void {
  if (socket.destroyed) return;
  if (answer !== undefined && !socket.writableEnded) socket.write(answer);
  socket.destroySoon();
}

/** The answer to a client error, or undefined for an error of the socket itself. */
function answerFor(error: NodeJS.ErrnoException): Buffer | undefined {
  const code = error.code ?? "";
  if (code === "HPE_HEADER_OVERFLOW")
    return response(
      "431 Request Header Fields Too Large",
      `Request Header Fields Too Large: the request's head (its request line and headers) is over ${maxHeaderSize} bytes`,
    );
  if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW")
    return response("413 Payload Too Large", "Payload Too Large: a chunk's extensions are over 16 KiB");
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return response(
      "408 Request Timeout",
      "Request Timeout: the request did not arrive in time (its headers within --headers-timeout, all of it within 60 s or the headers timeout if longer)",
    );
  if (!code.startsWith("HPE_")) return undefined;
  const reason = (error as { reason?: unknown }).reason;
  const said = typeof reason === "string" && /^[\x20-\x7e]{1,100}$/.test(reason) ? ` (${reason})` : "";
  return response("400 Bad Request", `Bad Request: the request is not HTTP/1.1 that can be parsed${said}`);
}

function response(status: string, message: string): Buffer {
  const body = JSON.stringify(jsonRpcError(message));
  const head = [
    `HTTP/1.1 ${status}`,
    "Connection: close",
    "Content-Type: application/json",
    "Cache-Control: no-store",
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
}
