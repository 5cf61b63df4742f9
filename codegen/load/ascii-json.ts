import { isAscii } from "node:buffer";

/**
 * A JSON file's text as a one-byte string. A file with a single character beyond ASCII decodes to a two-byte string
 * (GitHub REST's 13 MB spec, 140 such bytes: 26 MB of text), slower to decode, to parse and to search, and kept as
 * long as the document is. Here each run of non-ASCII bytes is written as the `\uXXXX` escapes of its UTF-16 code
 * units, in place (the runs are found with `isAscii` over halves, so an ASCII stretch costs one call), and the
 * text is the bytes read as Latin-1. `JSON.parse` gives the same value: every such run is inside a string, or the
 * file is not JSON either way (a character beyond ASCII is never JSON's syntax or whitespace). The file's own
 * text is made again from the rewritten bytes only when something asks for it (a diagnostic's line and column).
 */
export interface AsciiJson {
  /** The text `JSON.parse` reads: the file's, each non-ASCII character written as an escape. */
  text: string;
  /** The file's own text (its UTF-8 decoding, as `Buffer.toString("utf8")` gives it), made when first asked. */
  original: () => string;
  /**
   * Whether the file's own text matches `pattern` (global, ASCII only, starting with a backslash): a match at an
   * escape written here is not one of the file's.
   */
  matchesOwn: (pattern: RegExp) => boolean;
}

/**
 * Spare room `readInputBytes` leaves after a JSON file for the escapes (64 KiB and a 64th of the file; each
 * non-ASCII byte takes at most 5 more): a file needing more is decoded the ordinary way.
 */
export function escapeRoom(size: number): number {
  return 64 * 1024 + (size >> 6);
}

/** Files read as one-byte escaped text, and own texts made again from them (structural facts for tests). */
export const asciiJsonCounts = { escaped: 0, own: 0 };

/** Bisection stops at stretches this short and reads their bytes. */
const STRETCH = 512;

/** Where the non-ASCII runs of `bytes` start and end ([start, end) pairs, in order, runs that touch joined). */
function nonAsciiRuns(bytes: Buffer): number[] {
  const runs: number[] = [];
  const find = (lo: number, hi: number): void => {
    if (isAscii(bytes.subarray(lo, hi))) return;
    if (hi - lo > STRETCH) {
      const mid = (lo + hi) >>> 1;
      find(lo, mid);
      find(mid, hi);
      return;
    }
    for (let i = lo; i < hi; i++) {
      if ((bytes[i] as number) < 0x80) continue;
      let j = i + 1;
      while (j < hi && (bytes[j] as number) >= 0x80) j++;
      if (runs.length > 0 && runs[runs.length - 1] === i) runs[runs.length - 1] = j;
      else runs.push(i, j);
      i = j;
    }
  };
  find(0, bytes.length);
  return runs;
}

const HEX = "0123456789abcdef";

function escapes(chars: string): string {
  let out = "";
  for (let k = 0; k < chars.length; k++) {
    const c = chars.charCodeAt(k);
    out += `\\u${HEX[c >> 12]}${HEX[(c >> 8) & 15]}${HEX[(c >> 4) & 15]}${HEX[c & 15]}`;
  }
  return out;
}

/** JSON's whitespace, as `/^\s*[{[]/` skips it before the first `{` or `[`. */
function startsJson(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x7b || b === 0x5b) return true;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d) return false;
  }
  return false;
}

/**
 * The one-byte text of the JSON file whose valid UTF-8 bytes (no byte order mark) are the first `length` bytes of
 * `room`, rewritten in place; or undefined, with the bytes untouched, where the ordinary decoding must be used:
 * a text that does not start (after ASCII whitespace) with `{` or `[`, a non-ASCII run right after a backslash
 * (`"\é"` is not JSON, `"\\u00e9"` would be), or too little room.
 */
export function asciiJson(room: Buffer, length: number): AsciiJson | undefined {
  const bytes = room.subarray(0, length);
  if (!startsJson(bytes)) return undefined;
  const runs = nonAsciiRuns(bytes);
  if (runs.length === 0) {
    asciiJsonCounts.escaped++;
    const text = bytes.toString("latin1");
    return { text, original: () => text, matchesOwn: (pattern) => matches(pattern, text, new Set()) };
  }
  const chars: string[] = [];
  const written: string[] = [];
  let total = length;
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r] as number;
    const end = runs[r + 1] as number;
    if (start > 0 && bytes[start - 1] === 0x5c) return undefined;
    const own = bytes.toString("utf8", start, end);
    chars.push(own);
    written.push(escapes(own));
    total += (written[written.length - 1] as string).length - (end - start);
  }
  if (total > room.length) return undefined;
  // From the last run back, each ASCII stretch moved to its place and the run's escapes written before it.
  let from = length;
  let to = total;
  const at: number[] = new Array(chars.length);
  for (let k = chars.length - 1; k >= 0; k--) {
    const start = runs[2 * k] as number;
    const end = runs[2 * k + 1] as number;
    const stretch = from - end;
    room.copyWithin(to - stretch, end, from);
    to -= stretch;
    const escaped = written[k] as string;
    to -= escaped.length;
    room.write(escaped, to, "latin1");
    at[k] = to;
    from = start;
  }
  const text = room.toString("latin1", 0, total);
  asciiJsonCounts.escaped++;
  const starts = new Set<number>();
  for (let k = 0; k < chars.length; k++)
    for (let u = 0; u < (chars[k] as string).length; u++) starts.add((at[k] as number) + 6 * u);
  return {
    text,
    original: ownText(text, at, written, chars),
    matchesOwn: (pattern) => matches(pattern, text, starts),
  };
}

/**
 * The file's text from the escaped one: each run of escapes replaced by the characters it stands for. It reads the
 * escaped text, not the rewritten bytes, so the buffer can be freed: the escaped text lives as long as the parsed
 * value anyway (`JSON.parse` makes its strings as slices of the text it reads).
 */
function ownText(escaped: string, at: number[], written: string[], chars: string[]): () => string {
  let text: string | undefined;
  return () => {
    if (text === undefined) {
      asciiJsonCounts.own++;
      const parts: string[] = [];
      let from = 0;
      for (let k = 0; k < chars.length; k++) {
        parts.push(escaped.slice(from, at[k]), chars[k] as string);
        from = (at[k] as number) + (written[k] as string).length;
      }
      parts.push(escaped.slice(from));
      text = parts.join("");
    }
    return text;
  };
}

function matches(pattern: RegExp, text: string, written: Set<number>): boolean {
  const re = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) if (!written.has(m.index)) return true;
  return false;
}
