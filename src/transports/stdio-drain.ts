import { EventEmitter } from "node:events";
import type { Writable } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { logRepeated } from "../telemetry/log.js";
import { shownId } from "./shown-id.js";
import { type OnMessage, wrapOnMessage } from "./stdio-wrap.js";

/** The part of the SDK's stdio transport the drain wraps. */
interface WireTransport {
  onmessage?: OnMessage | undefined;
  send(message: JSONRPCMessage, options?: unknown): Promise<void>;
}

type Id = string | number;

const idOf = (message: JSONRPCMessage): Id | undefined => {
  const id = (message as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
};
const isRequest = (message: JSONRPCMessage) => "method" in message && idOf(message) !== undefined;
const isResponse = (message: JSONRPCMessage) =>
  ("result" in message || "error" in message) && idOf(message) !== undefined;
/** A cancelled request gets no response (MCP cancellation): it is no longer waited for. */
const cancelledId = (message: JSONRPCMessage): Id | undefined => {
  if (!("method" in message) || message.method !== "notifications/cancelled") return undefined;
  const id = (message.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
};

/** How long answers may still take once stdin has ended (a client then stops the process anyway). */
export const DRAIN_LIMIT_MS = 30_000;

/**
 * What the SDK's stdio transport reads in place of stdin: each line the limiter hands on (stdio-lines.ts) is one
 * `data` event, and `end` then `close` follow once the drain ends it. Of a Readable the transport uses only these
 * events, `readableEnded`, `destroyed` and, when it closes with no `data` listener left, `pause` (which pauses
 * stdin). Lines are handed over by a plain call: a Transform and a PassThrough between stdin and the SDK cost
 * their bookkeeping on every message.
 */
export class StdioInput extends EventEmitter {
  private ending = false;
  readableEnded = false;
  readonly destroyed = false;
  /** The size of the line being handed on (the SDK reads it and hands its message on within `line`), else 0. */
  reading = 0;

  constructor(private readonly source: { pause(): unknown }) {
    super();
  }

  /** One line within the limit, with its newline; none is read once the input is ending. */
  line(bytes: Buffer): void {
    if (this.ending) return;
    this.reading = bytes.length;
    try {
      this.emit("data", bytes);
    } finally {
      this.reading = 0;
    }
  }

  pause(): this {
    this.source.pause();
    return this;
  }

  /** Ends the input, as a stream's end would: `end`, then `close`, on the next tick. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    process.nextTick(() => {
      this.readableEnded = true;
      this.emit("end");
      this.emit("close");
    });
  }
}

/**
 * End of input is not the end of the conversation. A client that writes its requests and closes stdin
 * (`printf ... | toolwright serve`, a supervisor shutting down) still gets every answer: the SDK transport reads
 * from `input`, which ends only once stdin has ended (`stdinEnded`), every request read so far is answered and the
 * answers are on their way out; the input's `end` follows then.
 */
export class StdioDrain {
  readonly input: StdioInput;
  private readonly pending = new Set<Id>();
  private stdinEnded = false;
  private ended = false;
  /** The line size of each request read and not yet answered (what its running call holds), and their sum. */
  private readonly held = new Map<Id, number>();
  private heldBytes = 0;
  /** Requests this server sent the client and awaits the answer of (an elicitation), by id. */
  private readonly asked = new Set<Id>();

  constructor(
    stdin: { pause(): unknown },
    /** What the requests in flight may hold (their lines' bytes) before no more are read: see `mustWait`. */
    private readonly bound = Number.POSITIVE_INFINITY,
    /** Called after what `mustWait` answers may have changed. */
    private readonly changed: () => void = () => {},
  ) {
    this.input = new StdioInput(stdin);
  }

  /**
   * Whether stdin must wait: the requests in flight hold more than the bound, and none of them waits for an answer
   * from the client (which only stdin can bring: reading on then, a request past the bound is refused instead).
   */
  mustWait(): boolean {
    return this.heldBytes > this.bound && this.asked.size === 0;
  }

  /** What the requests in flight hold, in bytes of their lines, and how many they are. */
  inFlight(): { bytes: number; requests: number } {
    return { bytes: this.heldBytes, requests: this.held.size };
  }

  /** stdin has ended (or closed) and every line it held was handed on: the input ends once nothing is pending. */
  endOfInput(): void {
    if (this.stdinEnded) return;
    this.stdinEnded = true;
    this.endWhenIdle();
    if (!this.ended) setTimeout(() => this.end(), DRAIN_LIMIT_MS).unref();
  }

  /**
   * Counts the requests the transport reads and the responses it sends (call before it starts), and refuses a
   * request whose id is that of a request still in flight: its wrapper is the outermost, so neither the SDK's
   * dispatch nor a direct tool call (stdio-tool-calls.ts) ever sees the duplicate.
   */
  watch(transport: WireTransport): void {
    const send = transport.send.bind(transport);
    wrapOnMessage(transport, (next) => (message, extra) => {
      if (isRequest(message)) {
        const id = idOf(message) as Id;
        if (this.pending.has(id)) return refuseDuplicate(send, id);
        if (this.heldBytes > this.bound && this.asked.size > 0)
          return refuseOverBound(send, id, this.heldBytes, this.bound);
        this.pending.add(id);
        this.hold(id, this.input.reading);
      } else if (isResponse(message) && this.asked.delete(idOf(message) as Id)) this.changed();
      const cancelled = cancelledId(message);
      next(message, extra);
      if (cancelled !== undefined && this.pending.delete(cancelled)) {
        this.release(cancelled);
        this.endWhenIdle();
      }
    });
    transport.send = async (message, options) => {
      // The call's own memory is let go once its answer is handed on (what stdout then holds has its own bound).
      if (isResponse(message)) this.release(idOf(message) as Id);
      else this.sentRequest(message);
      try {
        await send(message, options);
      } finally {
        if (isResponse(message)) {
          this.pending.delete(idOf(message) as Id);
          this.endWhenIdle();
        }
      }
    };
  }

  private hold(id: Id, bytes: number): void {
    this.held.set(id, bytes);
    this.heldBytes += bytes;
    this.changed();
  }

  private release(id: Id): void {
    const bytes = this.held.get(id);
    if (bytes === undefined) return;
    this.held.delete(id);
    this.heldBytes -= bytes;
    this.changed();
  }

  /** A request to the client (`elicitation/create`), or its cancellation: the answer comes on stdin. */
  private sentRequest(message: JSONRPCMessage): void {
    const cancelled = cancelledId(message);
    if (cancelled !== undefined && this.asked.delete(cancelled)) this.changed();
    if (!isRequest(message)) return;
    this.asked.add(idOf(message) as Id);
    this.changed();
  }

  private endWhenIdle(): void {
    if (this.stdinEnded && this.pending.size === 0) this.end();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.input.end();
  }
}

/**
 * A request reusing the id of one still in flight (JSON-RPC ids tell requests apart; MCP never reuses one in a
 * session) is answered `-32600` and not run. The SDK would run both and answer both under the one id (its
 * cancellation then reaching only the second), and the direct path would hand the duplicate to the SDK: a write
 * ran twice, and the client could not tell which answer was whose. The error is sent at once, through the
 * transport's own send (not counted as the first request's answer), so the client, which keeps one entry per id,
 * reads it as the answer to the request it sent last; the first request's answer follows when it is done.
 */
function refuseDuplicate(send: WireTransport["send"], id: Id): void {
  logRepeated(
    "stdio: duplicate request ids",
    `stdio: request id ${shownId(id)} is already in flight; the duplicate was answered -32600 and not run`,
  );
  const error = {
    code: -32600,
    message: `Invalid Request: request id ${shownId(id)} is already in use by a request still in flight on this connection; the duplicate was not run (use a new id for each request)`,
  };
  send({ jsonrpc: "2.0", id, error } as JSONRPCMessage).catch(() => {});
}

/**
 * A request read while the requests in flight hold more than the bound, when stdin is read on for a client's answer
 * to this server (else stdin waits and nothing is refused): answered at once, not run, so what the connection holds
 * stays bounded however many requests the client writes.
 */
function refuseOverBound(send: WireTransport["send"], id: Id, bytes: number, bound: number): void {
  logRepeated(
    "stdio: requests over the in-flight bound",
    `stdio: request id ${shownId(id)} was answered -32000 and not run: requests in flight hold ${bytes} bytes, over the ${bound}-byte bound`,
  );
  const error = {
    code: -32000,
    message: `Server busy: the requests in flight on this connection hold ${bytes} bytes, over this server's bound of ${bound} bytes (serve --max-message-bytes, TOOLWRIGHT_MAX_MESSAGE_BYTES); the request was not run: send it again once some are answered`,
  };
  send({ jsonrpc: "2.0", id, error } as JSONRPCMessage).catch(() => {});
}

/** Resolves once everything written to `wire` has been handed to the operating system. */
export function flushed(wire: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (wire.writableFinished || wire.destroyed) return resolve();
    wire.once("error", () => resolve());
    wire.end(() => resolve());
  });
}
