import { createHash } from "node:crypto";

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Levenshtein distance: single-character insertions, deletions and substitutions. */
export function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min(
        (dp[j] as number) + 1,
        (dp[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

/**
 * The names of `known` nearest to `typed` (a misspelt key, value or flag), closest first: at most `max`, each within
 * two edits (one for names of up to four characters) and sharing its first character or differing by one edit.
 */
export function nearest(typed: string, known: Iterable<string>, max = 2): string[] {
  const lower = typed.toLowerCase();
  const room = lower.length <= 4 ? 1 : 2;
  const found: { name: string; d: number }[] = [];
  for (const name of known) {
    const other = name.toLowerCase();
    const edits = distance(lower, other);
    // Two neighbouring letters swapped (`nmae`) counts as one edit.
    const swapped = edits === 2 && [...lower].sort().join("") === [...other].sort().join("");
    const d = swapped ? 1 : edits;
    if (d <= room || (d <= 3 && lower.length >= 8)) found.push({ name, d });
  }
  return found
    .sort((a, b) => a.d - b.d || compareStrings(a.name, b.name))
    .slice(0, max)
    .map((f) => f.name);
}

/**
 * `did you mean "a" or "b"?` for the names `nearest` (or a caller's own measure) found, each shown as `show` writes
 * it (JSON's quotes by default); undefined when there is none, so a caller can say what else may be written.
 */
export function didYouMean(
  near: readonly string[],
  show: (name: string) => string = (name) => JSON.stringify(name),
): string | undefined {
  return near.length > 0 ? `did you mean ${near.map(show).join(" or ")}?` : undefined;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * `1,223 operations`, `1 tool`: a count with its digits grouped by threes as `toLocaleString("en-US")` groups them,
 * without asking ICU (its first use loads the locale's data: ~20 ms of every generate, for a progress label).
 */
export function count(n: number, what: string): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",")} ${what}${n === 1 ? "" : "s"}`;
}

/** Stable JSON for generated files: two-space indent and a trailing newline. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * JSON or JavaScript text with every non-ASCII character written as a `\uXXXX` escape (the same value). A file
 * the runtime reads at start stays one-byte text: a single non-ASCII character anywhere makes `node` decode the
 * whole file into a two-byte string, which made reading and parsing GitHub's 7.5 MB catalog.json (48 such
 * characters) twice as slow.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Characters a code file shows other than they are: controls, format characters (bidi, zero-width, tags), separators.
 * Line feed and tab are the code's own, left out of the class: every module holds them, and matching them sent each
 * whole module (GitHub REST's schemas.gen.ts: 23,000 lines) through the replace, one callback per line.
 */
const HIDDEN_IN_CODE = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const HIDDEN_IN_CODE_ALL = new RegExp(HIDDEN_IN_CODE.source, "gu");

/**
 * Generated TypeScript or JavaScript with every control (but line feed and tab), format character (bidi overrides
 * and isolates, zero-width characters, tags), line and paragraph separator written as the `\uXXXX` escapes of its
 * UTF-16 code units. Spec text reaches these files only inside string literals and comments (and, valid names only,
 * identifiers), where the escape is the same text; an editor or a code review shows it instead of acting on it: a
 * bidi override in an enum value or a description reordered the rest of its line (Trojan Source), so a reviewer
 * read other code than the compiler did.
 */
export function codeText(text: string): string {
  if (!HIDDEN_IN_CODE.test(text)) return text;
  return text.replace(HIDDEN_IN_CODE_ALL, (char) => {
    let out = "";
    for (let i = 0; i < char.length; i++) out += `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return out;
  });
}

const HEX = "0123456789abcdef";

/** A buffer of at least `need` bytes holding `out`'s first `used` (`out` itself when it is large enough). */
function grown(out: Buffer, used: number, need: number): Buffer {
  if (need <= out.length) return out;
  const bigger = Buffer.allocUnsafe(Math.max(need, out.length * 2));
  out.copy(bigger, 0, 0, used);
  return bigger;
}

/** Writes `\uXXXX` (lower-case hex, as `asciiOnly` writes it) for one UTF-16 code unit at `o`; returns the end. */
function writeEscape(out: Buffer, o: number, unit: number): number {
  out[o] = 92;
  out[o + 1] = 117;
  for (let k = 0; k < 4; k++) out[o + 2 + k] = HEX.charCodeAt((unit >> (12 - 4 * k)) & 15);
  return o + 6;
}

/**
 * Copies the UTF-8 bytes `src[i, end)` (a JSON string with its quotes) to `out` at `o`, each non-ASCII character
 * written as the `\uXXXX` escapes of its UTF-16 code units (an astral character as its surrogate pair); returns
 * the end in `out`. At most 3 bytes are written per byte read (a 2-byte character becomes one 6-byte escape, a
 * 4-byte one two).
 */
function escapedString(src: Uint8Array, i: number, end: number, out: Buffer, o: number): number {
  while (i < end) {
    const b = src[i] as number;
    if (b < 0x80) {
      out[o++] = b;
      i++;
      continue;
    }
    const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    let cp = b & (len === 4 ? 0x07 : len === 3 ? 0x0f : 0x1f);
    for (let k = 1; k < len; k++) cp = (cp << 6) | ((src[i + k] as number) & 0x3f);
    i += len;
    if (cp < 0x10000) o = writeEscape(out, o, cp);
    else {
      const high = 0xd800 + ((cp - 0x10000) >> 10);
      o = writeEscape(out, writeEscape(out, o, high), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    }
  }
  return o;
}

/**
 * `asciiOnly(jsonFile(value))`, the same text with less work on a large document (GitHub's 7.6 MB catalog.json):
 * `JSON.stringify` with an indent takes V8's slow path and the escaping regular expression scans the whole
 * result, so this takes the compact JSON's UTF-8 bytes and writes them out in one pass, adding the whitespace
 * `JSON.stringify(value, null, 2)` adds outside strings (a break and indent after `{`, `[` and `,` and before
 * `}` and `]`, none inside `{}` and `[]`, a space after `:`) and escaping non-ASCII characters, which occur only
 * inside strings, as `\uXXXX`.
 */
export function asciiJsonFile(value: unknown): string {
  return asciiJsonBytes(value).toString("latin1");
}

/**
 * `asciiJsonFile`'s text as the bytes it was laid out in (ASCII: one byte per character), for a caller that also
 * needs the bytes (catalog.index.json's record digests), so the text is not encoded again.
 *
 * The compact JSON is laid out piece by piece as `jsonPieces` serialised it (a catalog's tools and named schemas one
 * by one: a short function V8 optimises after a few calls, where one pass over 4.6 MB ran mostly before it was),
 * the depth carried from one piece to the next. A string is found whole (its closing quote is the first `"` not
 * escaped by a `\`) and copied as a run, escaped only when it holds a non-ASCII byte; the output's room is checked
 * once per string or structural character, not per byte.
 */
export function asciiJsonBytes(value: unknown): Buffer {
  const pieces = compactJsonPieces(value);
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const at: LayoutState = { out: Buffer.allocUnsafe(2 * total + 64), o: 0, depth: 0 };
  for (const piece of pieces) layOut(piece, at);
  let { out, o } = at;
  out = grown(out, o, o + 1);
  out[o++] = 10;
  return out.subarray(0, o);
}

/** Where the indented text is being written: the buffer, the end written so far, the depth there. */
interface LayoutState {
  out: Buffer;
  o: number;
  depth: number;
}

/**
 * Writes one piece of compact JSON (whole tokens: a piece never ends inside a string, between a key and its `:`, or
 * between the `{` and `}` of an empty object) indented as `JSON.stringify(value, null, 2)` indents it, non-ASCII
 * characters escaped, at `at`, which it advances.
 */
function layOut(src: Buffer, at: LayoutState): void {
  const n = src.length;
  let { out, o, depth } = at;
  let i = 0;
  while (i < n) {
    const c = src[i] as number;
    if (c === 34 /* " */) {
      let end = i + 1;
      let nonAscii = false;
      for (;;) {
        const d = src[end] as number;
        if (d === 34) break;
        if (d === 92 /* \ */) end += 2;
        else {
          if (d >= 0x80) nonAscii = true;
          end++;
        }
      }
      end++;
      const room = (nonAscii ? 3 : 1) * (end - i) + 2;
      out = grown(out, o, o + room);
      if (nonAscii) o = escapedString(src, i, end, out, o);
      else if (end - i > 24) o += src.copy(out, o, i, end);
      else while (i < end) out[o++] = src[i++] as number;
      i = end;
      if (src[i] === 58 /* : */) {
        out[o++] = 58;
        out[o++] = 32;
        i++;
      }
      continue;
    }
    out = grown(out, o, o + 4 + 2 * depth);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      out[o++] = c;
      if (src[i + 1] === c + 2 /* } or ] */) {
        out[o++] = c + 2;
        i += 2;
        continue;
      }
      o = lineBreak(out, o, ++depth);
    } else if (c === 44 /* , */) {
      out[o++] = c;
      o = lineBreak(out, o, depth);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      o = lineBreak(out, o, --depth);
      out[o++] = c;
    } else {
      // A number, true, false or null (a key's `:` follows its string, above; this one is a bare value's).
      out[o++] = c;
    }
    i++;
  }
  at.out = out;
  at.o = o;
  at.depth = depth;
}

/** Whether `JSON.stringify` writes `value` as its members alone: a plain object or an array, without `toJSON`. */
function splittable(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== "object") return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `JSON.stringify(value)` of a member under `key`: a `toJSON` method is called with the member's key, as
 * `JSON.stringify` of its container calls it (the member written inside a one-member object, then cut out).
 */
function memberJson(key: string, value: unknown): string | undefined {
  if (value === null || value === undefined || typeof (value as { toJSON?: unknown }).toJSON !== "function")
    return JSON.stringify(value);
  const wrapped = JSON.stringify({ [key]: value });
  return wrapped.length === 2 ? undefined : wrapped.slice(JSON.stringify(key).length + 2, -1);
}

/**
 * Pushes `JSON.stringify(value)` (under `key` in its container) to `out` as pieces: the members of plain objects
 * and arrays down to `depth` levels are serialised one by one. Returns false (nothing pushed) where
 * `JSON.stringify` writes nothing (undefined, a function, a symbol).
 */
function jsonPieces(key: string, value: unknown, depth: number, out: string[]): boolean {
  if (depth <= 0 || !splittable(value)) {
    const json = memberJson(key, value);
    if (json === undefined) return false;
    out.push(json);
    return true;
  }
  if (Array.isArray(value)) {
    // An empty container is one piece, `[]` or `{}` (the layout writes it on one line, as JSON.stringify does).
    if (value.length === 0) {
      out.push("[]");
      return true;
    }
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(",");
      // What an array holds and JSON cannot say is written `null`, as `JSON.stringify` writes it.
      if (!jsonPieces(String(i), value[i], depth - 1, out)) out.push("null");
    }
    out.push("]");
    return true;
  }
  const open = out.length;
  out.push("{");
  let first = true;
  for (const name of Object.keys(value)) {
    const at = out.length;
    out.push(first ? "" : ",", `${JSON.stringify(name)}:`);
    if (jsonPieces(name, value[name], depth - 1, out)) first = false;
    else out.length = at;
  }
  if (first) out[open] = "{}";
  else out.push("}");
  return true;
}

/**
 * `JSON.stringify(value)` as UTF-8 bytes, serialised member by member down to the second level (a catalog's
 * tools, one by one, and its named schemas), each piece encoded on its own. The same bytes, for half the time on
 * a large document: V8 serialises one 4.6 MB text (GitHub REST's catalog) at about half the speed of its
 * members one by one, and a single non-ASCII character anywhere (GitHub's catalog has 48) makes all of it a
 * two-byte string, which costs again to serialise and to encode (fresh process, as generate calls it: ~125-155
 * against ~55-65 ms of CPU).
 */
export function compactJsonBytes(value: unknown): Buffer {
  return Buffer.concat(compactJsonPieces(value));
}

/** `compactJsonBytes` as the pieces it is serialised in, each encoded on its own. */
function compactJsonPieces(value: unknown): Buffer[] {
  if (!splittable(value)) return [Buffer.from(JSON.stringify(value), "utf8")];
  const out: string[] = [];
  jsonPieces("", value, 2, out);
  return out.map((piece) => Buffer.from(piece, "utf8"));
}

/** A line break and the indent of `depth` at `o` (room checked by the caller); returns the end. */
function lineBreak(out: Buffer, o: number, depth: number): number {
  out[o++] = 10;
  const end = o + 2 * depth;
  while (o < end) out[o++] = 32;
  return end;
}

/**
 * The status a response key stands for, as OpenAPI writes it: three digits, a range in capitals (`2XX`) or
 * `default`. Keys written loosely are read as what they plainly mean (`2xx` as `2XX`, `"200 "` as 200, a YAML
 * number 200 is the key "200" already), and the structure check says so (TW133, `looseResponseKey`); anything else
 * is no status (undefined). Before, `"200 "` was no success status (the operation published no output schema) while
 * the check called `2xx`, which was read, a key toolwright ignores.
 */
export function responseStatus(key: string): string | undefined {
  const k = key.trim();
  if (/^[1-5]\d\d$/.test(k)) return k;
  if (/^[1-5]xx$/i.test(k)) return `${k[0]}XX`;
  return k.toLowerCase() === "default" ? "default" : undefined;
}
