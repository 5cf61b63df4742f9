import { type Readable, Writable } from "node:stream";
import type { Server } from "@modelcontextprotocol/server";
import { StdioServerTransport, serveStdio } from "@modelcontextprotocol/server/stdio";
import { rawMessageText } from "../mcp/raw-list.js";
import { directToolCallOf, type ServerFactory } from "../mcp/server.js";
import { describeError, logLine, logRepeated } from "../telemetry/log.js";
import { withinClientLimit } from "./stdio-bound.js";
import { flushed, StdioDrain, type StdioInput } from "./stdio-drain.js";
import { ExactArguments } from "./stdio-exact.js";
import { initializeOnceFirst } from "./stdio-initialize.js";
import { DEFAULT_MAX_MESSAGE_BYTES, LineLimiter, type WireId } from "./stdio-lines.js";
import { answerMalformed } from "./stdio-malformed.js";
import { StdioToolCalls } from "./stdio-tool-calls.js";

export interface StdioOptions {
  /** The largest message (one line of JSON-RPC) read from stdin, in bytes. */
  maxMessageBytes?: number;
}

/**
 * stdio serving. stdout carries JSON-RPC and nothing else: the transport gets a private handle on the real
 * stdout, and everything else that writes to stdout (console.log in a handler, a chatty dependency) is sent
 * to stderr instead. Resolves when the client has closed stdin and every request it sent is answered and
 * written out; the caller then exits.
 */
export function serveOverStdio(factory: ServerFactory, options: StdioOptions = {}): Promise<void> {
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const realWrite = process.stdout.write.bind(process.stdout) as (
    chunk: Uint8Array | string,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ) => boolean;
  const wire = new Writable({
    // Strings go to stdout as they are (no Buffer made per message); one no client could read is answered instead.
    decodeStrings: false,
    write(chunk: Buffer | string, encoding, callback) {
      realWrite(typeof chunk === "string" ? withinClientLimit(chunk) : chunk, encoding, callback);
    },
  });
  // Errors on the real stdout (client gone) must reach the transport, which then closes.
  process.stdout.on("error", (error) => wire.destroy(error));
  process.stdout.write = ((chunk: Uint8Array | string, ...rest: unknown[]) =>
    (process.stderr.write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;

  return new Promise((resolve) => {
    // Numbers in tools/call arguments that a double does not hold are kept exactly (stdio-exact.ts).
    const exact = new ExactArguments();
    const drain = readingStdin(maxBytes, wire, exact);
    const transport = new StdioServerTransport(drain.input as unknown as Readable, wire, {
      maxBufferSize: maxBytes + 1,
    });
    writesRawLists(transport, wire);
    drain.watch(transport);
    exact.wrap(transport);
    initializeOnceFirst(transport, (error) => logLine(`stdio: ${describeError(error)}`));
    const { toolCalls, serverOf } = directToolCalls(factory);
    toolCalls.wrap(transport);
    // A line that is JSON but no JSON-RPC message is answered with an error (stdio-malformed.ts).
    const malformed = answerMalformed(drain.input, (message) => {
      const id = "id" in message ? ` (request id ${JSON.stringify(message.id)})` : " (no request id to name)";
      logRepeated(
        "stdio: lines that are no JSON-RPC message",
        `stdio: a line that is not a JSON-RPC message was answered with -32600 Invalid Request${id}`,
      );
      wire.write(`${JSON.stringify(message)}\n`);
    });
    const handle = serveStdio(serverOf, {
      transport,
      // Any other error is reported here; the connection stays up.
      onerror: (error) => {
        if (!malformed.answered(error)) logRepeated("stdio: errors", `stdio: ${describeError(error)}`);
      },
    });
    malformed.readerListening();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      toolCalls.abortAll();
      handle.close().catch(() => {});
      flushed(wire).then(resolve);
    };
    drain.input.once("end", finish);
    wire.once("error", finish);
  });
}

/**
 * stdin read into the drain's input, line by line within the limit. stdin is paused while stdout holds too much
 * unread, or the requests in flight hold too much. Requests read before the end of input are still answered: the
 * transport's input ends only then.
 */
function readingStdin(maxBytes: number, wire: Writable, exact: ExactArguments): StdioDrain {
  const holds = new StdinHolds(process.stdin);
  const drain: StdioDrain = new StdioDrain(process.stdin, maxBytes, () =>
    boundInFlight(drain, holds, maxBytes),
  );
  const lines = lineLimiter(maxBytes, wire, exact, drain.input);
  process.stdin.on("data", holdingWhileUnread(holds, wire, lines));
  // stdin's end (or a close without one) reaches the drain after every line it held was handed on.
  const ended = () => {
    lines.end();
    drain.endOfInput();
  };
  process.stdin.once("end", ended);
  process.stdin.once("close", ended);
  return drain;
}

/**
 * What stdout may hold that its client has not read before no more requests are read from stdin. A host that
 * stops reading stdout while it keeps writing requests made this process hold every answer, without bound (the
 * pipe takes 64 KiB; the rest waited in memory): past this, stdin is paused until the client has read all of it.
 */
export const STDOUT_UNREAD_LIMIT = 16 * 1024 * 1024;

/**
 * Why stdin is paused: it is read again only once every reason is gone (stdout drained and the requests in flight
 * within their bound). `hold` and `release` say whether the reason was new (was there) to log it once.
 */
class StdinHolds {
  private readonly reasons = new Set<string>();

  constructor(private readonly input: { pause(): unknown; resume(): unknown }) {}

  hold(reason: string): boolean {
    if (this.reasons.has(reason)) return false;
    if (this.reasons.size === 0) this.input.pause();
    this.reasons.add(reason);
    return true;
  }

  release(reason: string): boolean {
    if (!this.reasons.delete(reason)) return false;
    if (this.reasons.size === 0) this.input.resume();
    return true;
  }
}

/**
 * `input`'s data listener: hands each chunk to `lines`, then, while `wire` holds over the limit unread, holds stdin
 * (requests wait in the pipe, the client's side of backpressure) until `wire` drains. Answers of requests already
 * read still go to `wire`: what it holds is the limit plus those.
 */
function holdingWhileUnread(
  holds: StdinHolds,
  wire: Writable,
  lines: { write(chunk: Buffer): unknown },
): (chunk: Buffer) => void {
  let holding = false;
  return (chunk) => {
    lines.write(chunk);
    if (holding || wire.writableLength <= STDOUT_UNREAD_LIMIT) return;
    holding = true;
    logLine(
      `stdio: stdout holds over ${STDOUT_UNREAD_LIMIT / 1024 / 1024} MiB the client has not read; no more requests are read until it reads them`,
    );
    holds.hold("stdout");
    wire.once("drain", () => {
      holding = false;
      logLine("stdio: the client read what stdout held; reading requests again");
      holds.release("stdout");
    });
  };
}

/**
 * The bound on what requests in flight hold. A client that wrote many large requests before any was answered (40
 * lines of 4 MB) made the server read and hold them all, every call's arguments in memory at once: the message size
 * limit bounds each line, not their sum. Past `--max-message-bytes` of requests in flight, stdin waits (requests
 * stay in the pipe, the client's writes block) until answers bring them back within it; the request that crossed it
 * runs, so a valid line is never refused. While a call waits for the client's answer (an elicitation), stdin is read
 * on and a request past the bound is refused instead (`StdioDrain`).
 */
function boundInFlight(drain: StdioDrain, holds: StdinHolds, bound: number): void {
  if (!drain.mustWait()) {
    if (holds.release("in-flight"))
      logLine("stdio: requests in flight are within the bound again; reading requests again");
    return;
  }
  if (!holds.hold("in-flight")) return;
  const { bytes, requests } = drain.inFlight();
  logLine(
    `stdio: ${requests} requests in flight hold ${bytes} bytes, over the ${bound}-byte bound (serve --max-message-bytes); no more requests are read until some are answered`,
  );
}

/**
 * Plain tools/call requests of an initialized 2025-era connection run without the SDK's dispatch
 * (stdio-tool-calls.ts; its wrapper is the innermost). The factory serveStdio calls, which also writes tools/list
 * pages given as text (raw-list.ts), remembers the connection's server for it.
 */
function directToolCalls(factory: ServerFactory) {
  let server: Server | undefined;
  const toolCalls = new StdioToolCalls(
    () => (server ? directToolCallOf(server) : undefined),
    (error) => logLine(`stdio: ${describeError(error)}`),
  );
  const serverOf = (context: { era: "legacy" | "modern" }) => {
    server = factory({ ...context, rawLists: true });
    return server;
  };
  return { toolCalls, serverOf };
}

/**
 * stdin's lines as the SDK reads them. A line over the limit is answered here (the request's id when its top
 * level has one) and skipped; the SDK's own reader only ever sees whole lines within the limit, so it never
 * closes the connection over one. Every line within it is shown to `exact` first, then handed to `input`.
 */
function lineLimiter(
  maxBytes: number,
  wire: Writable,
  exact: ExactArguments,
  input: StdioInput,
): LineLimiter {
  return new LineLimiter(
    maxBytes,
    (id, bytes) => {
      logRepeated(
        "stdio: messages over the limit",
        `stdio: refused a message of ${bytes} bytes (over the ${maxBytes}-byte limit)`,
      );
      wire.write(`${JSON.stringify(oversized(id, bytes, maxBytes))}\n`);
    },
    () => logLine(`stdio: skipping a message over the ${maxBytes}-byte limit until its end of line`),
    (line, withNewline) => {
      exact.see(line);
      input.line(withNewline);
      exact.lineRead();
    },
  );
}

/**
 * A response carrying a list page as text is written here, as one line, the way the SDK's transport writes any
 * other message (resolved once the wire took it or drained); every other message goes to the SDK's `send`.
 */
function writesRawLists(transport: StdioServerTransport, wire: Writable): void {
  const send = transport.send.bind(transport);
  transport.send = (message, ...rest) => {
    const text = rawMessageText(message);
    if (text === undefined) return send(message, ...rest);
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => {
        wire.off("drain", onDrain);
        reject(error);
      };
      const onDrain = () => {
        wire.off("error", onError);
        resolve();
      };
      wire.once("error", onError);
      if (wire.write(`${text}\n`)) {
        wire.off("error", onError);
        resolve();
      } else wire.once("drain", onDrain);
    });
  };
}

/** The JSON-RPC error answering an oversized line (without `id` when the line's top level names none). */
function oversized(id: WireId | null, bytes: number, maxBytes: number) {
  return {
    jsonrpc: "2.0",
    ...(id !== null ? { id } : {}),
    error: {
      code: -32600,
      message: `Invalid Request: the message is ${bytes} bytes, over this server's limit of ${maxBytes} bytes (serve --max-message-bytes, TOOLWRIGHT_MAX_MESSAGE_BYTES); it was not read`,
    },
  };
}
