import { type ExactNumber, exactNumber } from "../catalog.js";
/**
 * Bounds stdio messages. JSON-RPC over stdio is one message per line; the SDK's reader closes the whole
 * connection when a line outgrows its buffer, so one oversized message would stop the server. The limiter sits
 * between stdin and the SDK: each line up to `maxBytes` is handed on whole, with its newline (`onLine`, one call
 * per line), a longer line is dropped as it streams (never held in memory beyond the limit) and reported to
 * `onOversized` with the request's id when its top level carries one, so the caller answers that request with an
 * error and the connection goes on. It is fed stdin's chunks as they are read (`write`) and told when stdin has
 * ended (`end`): a plain function call per chunk, no stream between stdin and the SDK's reader.
 */

/**
 * A request id as the client wrote it: a string, a number, or a number's own digits (`JSON.rawJSON`) when a double
 * does not hold it as written, which `JSON.stringify` writes back unchanged.
 */
export type WireId = string | number | ExactNumber;

export const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const NEWLINE = 0x0a;
const NEWLINE_BYTES = Buffer.from("\n");

export class LineLimiter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Set while an oversized line is being skipped. */
  private skipping: TopLevelIdScanner | undefined;
  private skippedBytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onOversized: (id: WireId | null, bytes: number) => void,
    /** Called once when a line outgrows the limit, before its end arrives (a line may never end). */
    private readonly onSkipping: () => void,
    /** Called with each line within the limit: `line` without its newline, `withNewline` as the SDK reads it. */
    private readonly onLine: (line: Buffer, withNewline: Buffer) => void,
  ) {}

  /** One chunk of stdin, as read. */
  write(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end !== -1 && this.heldBytes === 0 && !this.skipping && end - start <= this.maxBytes) {
        // A whole line within this chunk (the usual case): handed on as a view of the chunk, not copied.
        this.onLine(chunk.subarray(start, end), chunk.subarray(start, end + 1));
        start = end + 1;
        continue;
      }
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      this.hold(piece);
      if (end === -1) break;
      this.endLine();
      start = end + 1;
    }
  }

  /** stdin has ended. A last line without a newline is not a message the SDK would read either; an oversized one is reported. */
  end(): void {
    if (this.skipping) this.endLine();
    this.held = [];
    this.heldBytes = 0;
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.skipping) {
      this.skipping.feed(piece);
      this.skippedBytes += piece.length;
      return;
    }
    if (this.heldBytes + piece.length <= this.maxBytes) {
      // The piece is a view of stdin's chunk, kept until its line ends.
      this.held.push(piece);
      this.heldBytes += piece.length;
      return;
    }
    this.skipping = new TopLevelIdScanner();
    this.onSkipping();
    for (const part of this.held) this.skipping.feed(part);
    this.skipping.feed(piece);
    this.skippedBytes = this.heldBytes + piece.length;
    this.held = [];
    this.heldBytes = 0;
  }

  private endLine(): void {
    if (this.skipping) {
      const id = this.skipping.id();
      const bytes = this.skippedBytes;
      this.skipping = undefined;
      this.skippedBytes = 0;
      this.onOversized(id, bytes);
      return;
    }
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    const line = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
    held.push(NEWLINE_BYTES);
    this.onLine(line, Buffer.concat(held));
  }
}

/**
 * Finds the `id` member of a JSON object's top level while its text streams past, holding no more than the
 * current key and the id's own text: strings and nesting are tracked byte by byte (every structural character of
 * JSON is ASCII, so UTF-8 continuation bytes never look like one). An id that is not a number or a short string
 * counts as none.
 */
export class TopLevelIdScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The text of the string being read at depth 1, while it may be a key (capped). */
  private key: number[] | undefined;
  private lastKey: string | undefined;
  /** After `"id":` at depth 1: the value's bytes until it ends. */
  private value: number[] | undefined;
  private found: WireId | null = null;
  private expectingKey = false;
  private valueEscaped = false;

  feed(bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i++) this.step(bytes[i]!);
  }

  id(): WireId | null {
    if (this.value) this.finishValue();
    return this.found;
  }

  private step(b: number): void {
    if (this.value) {
      if (this.captureValue(b)) return;
    }
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === 0x5c) this.escaped = true;
      else if (b === 0x22) {
        this.inString = false;
        this.lastKey = this.key ? Buffer.from(this.key).toString("latin1") : undefined;
        this.key = undefined;
        return;
      }
      // A key longer than "id" cannot be it: stop collecting it.
      if (this.key) {
        if (this.key.length < 2) this.key.push(b);
        else this.key = undefined;
      }
      return;
    }
    switch (b) {
      case 0x22: // "
        this.inString = true;
        this.key = this.depth === 1 && this.expectingKey ? [] : undefined;
        return;
      case 0x7b: // {
      case 0x5b: // [
        this.depth++;
        this.expectingKey = b === 0x7b && this.depth === 1;
        return;
      case 0x7d: // }
      case 0x5d: // ]
        this.depth--;
        return;
      case 0x2c: // ,
        if (this.depth === 1) this.expectingKey = true;
        return;
      case 0x3a: // :
        if (this.depth === 1) {
          this.expectingKey = false;
          if (this.lastKey === "id" && this.found === null) this.value = [];
          this.lastKey = undefined;
        }
        return;
      default:
        return;
    }
  }

  /** Collects the id's text; returns false when the byte ends it (and must be read as structure). */
  private captureValue(b: number): boolean {
    const value = this.value!;
    if (value.length === 0) {
      if (b === 0x20 || b === 0x09 || b === 0x0d) return true;
      if (b === 0x22) this.valueEscaped = false;
    }
    if (value[0] === 0x22 || (value.length === 0 && b === 0x22)) {
      value.push(b);
      if (value.length === 1) return true;
      if (this.valueEscaped) this.valueEscaped = false;
      else if (b === 0x5c) this.valueEscaped = true;
      else if (b === 0x22) this.finishValue();
      if (this.value && value.length > 256) {
        // Too long for an id: read the rest of the string as the main loop would.
        this.value = undefined;
        this.inString = true;
        this.escaped = this.valueEscaped;
      }
      return true;
    }
    if ((b >= 0x30 && b <= 0x39) || b === 0x2d || b === 0x2e || b === 0x65 || b === 0x45 || b === 0x2b) {
      value.push(b);
      if (value.length > 256) this.value = undefined; // as long as a string id may be
      return true;
    }
    this.finishValue();
    return false;
  }

  private finishValue(): void {
    const text = Buffer.from(this.value ?? []).toString("utf8");
    this.value = undefined;
    if (text === "") return;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === "string") this.found = parsed;
      else if (typeof parsed === "number" && Number.isFinite(parsed)) {
        // A number a double does not hold as written (12345678901234567890, beyond 2^53) is kept as its own
        // digits: the answer must carry the id the client sent, and a rounded one matches no request of its own.
        this.found = JSON.stringify(parsed) === text ? parsed : exactNumber(text);
      }
    } catch {
      // not an id a response could name
    }
  }
}
