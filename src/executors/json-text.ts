import { isAscii } from "node:buffer";
import { type ExactNumber, exactNumber, isExactNumber } from "../catalog.js";

/**
 * Upstream text and JSON read without silent changes.
 *
 * Numbers: `JSON.parse` makes every number a double, so an integer beyond 2^53 (a 64-bit id), a decimal with
 * more digits than a double keeps (money), or an exponent out of a double's range (`1e400` becomes Infinity,
 * which `JSON.stringify` writes as `null`; `1e-400` becomes 0) would reach the model as another value, and a
 * model that passes a rounded id back acts on another object. A body whose text holds a number token with 16 or
 * more digits or with an exponent (one regular-expression scan; any other body is parsed as before) is parsed
 * with source text access (the reviver's `context.source`, Node 22+), and each number its double does not
 * reproduce is kept as `JSON.rawJSON` of its own text (`ExactNumber` in catalog.ts): `JSON.stringify` writes
 * it back digit for digit, in the text block and in `structuredContent`'s JSON-RPC message alike.
 *
 * Text: the charset a Content-Type names is honoured (WHATWG labels: `iso-8859-1`, `utf-16`, `shift_jis`...);
 * a byte-order mark is dropped; bytes that are not valid in the charset, or a charset this runtime cannot
 * decode, are read as UTF-8 with U+FFFD in place of what could not be decoded, and the result says so (a note).
 */

/**
 * A number token (after `:`, `,` or `[`) of 16+ digits and points, or with an exponent. Two spellings of the same
 * pattern, for the engine at hand: V8 13 (Node 24+) runs the one that starts at a digit with the structural
 * character behind it (a lookbehind) fastest, a scan of a 2.1 MB GitHub page costing about a fifth of its
 * `JSON.parse` (0.68 against 3.6 ms, against 1.2 ms for the other spelling); V8 12 (Node 22) runs that lookbehind
 * about 5x slower (10.9 ms) and the one that starts at `[:,[]` in 2.3 ms.
 */
const LONG_NUMBER =
  Number(process.versions.v8.split(".")[0]) >= 13
    ? /(?<=[:,[]\s*-?)\d(?:[\d.]{15}|[\d.]*[eE])/
    : /[:,[]\s*-?\d(?:[\d.]{15}|[\d.]*[eE])/;

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= 0x30 && byte <= 0x39;
const isDigitOrPoint = (byte: number | undefined) => byte === 0x2e || isDigit(byte);

/**
 * Whether UTF-8 `bytes` hold a JSON number token LONG_NUMBER finds: after `:`, `,` or `[` and JSON whitespace, an
 * optional `-`, then 16+ digits and points, or digits and points and an exponent. Read on the bytes, without
 * decoding them to text first: every stdio line is asked this before the SDK reads it (`stdio-exact.ts`), and a
 * line whose answer is no, nearly every one, is then done with. A token JSON can round is always found (JSON
 * whitespace is these four bytes); a string that only looks like one (`"a:1234567890123456"`) may be found too,
 * which costs the exact parse, never the answer.
 */
export function mayHoldLongNumber(bytes: Uint8Array): boolean {
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c !== 0x3a && c !== 0x2c && c !== 0x5b) continue;
    let j = i + 1;
    let w = bytes[j];
    while (w === 0x20 || w === 0x09 || w === 0x0a || w === 0x0d) w = bytes[++j];
    if (w === 0x2d) j++;
    if (!isDigit(bytes[j])) continue;
    const start = j;
    while (isDigitOrPoint(bytes[j])) j++;
    if (j - start >= 16 || bytes[j] === 0x65 || bytes[j] === 0x45) return true;
    i = j - 1;
  }
  return false;
}

/** A body that is one number (rare, and short): always read exactly. */
const BARE_NUMBER = /^\s*-?\d/;

function mayRound(text: string): boolean {
  return LONG_NUMBER.test(text) || BARE_NUMBER.test(text);
}

/** `text` parsed as JSON, every number the upstream wrote kept exactly (throws on invalid JSON). */
export function parseJson(text: string): unknown {
  if (!mayRound(text)) return asParsed(JSON.parse(text));
  const made = exactNumbersMade;
  const value = JSON.parse(text, keepExact as (key: string, value: unknown) => unknown);
  return exactNumbersMade === made ? asParsed(value) : value;
}

/**
 * The object or array `parseJson` returned last, when it holds no exact number (or the part of it an executor
 * handed on, `parsedPart`): JSON.parse's own plain objects and arrays, every member an own, enumerable data
 * property (a key `__proto__` included), every number a double. The output check reads such data as it is
 * (runtime/result.ts, `readableAsIs`) and then forgets it; anything else (a handler's value, an executor's own,
 * data with exact numbers, a value built or replaced after the parse) it copies first. One reference, compared by
 * identity: the executor's answer reaches the check in the same turn it was parsed in, and a miss only costs the
 * copy (a WeakSet of every parse cost ~3.5 us per call in the served process).
 */
let parsedPlain: object | undefined;
let exactNumbersMade = 0;

function asParsed(value: unknown): unknown {
  if (value !== null && typeof value === "object") parsedPlain = value;
  return value;
}

/** Whether `value` is what `parseJson` made last (see `parsedPlain`). */
export function isParsedPlain(value: unknown): boolean {
  return value !== null && typeof value === "object" && value === parsedPlain;
}

/** Drops the reference to the last parse (the output check has read it; a large body is not kept alive). */
export function forgetParsed(): void {
  parsedPlain = undefined;
}

/**
 * `part`, a member read from `whole` as parsed, taken for the parsed plain JSON when `whole` is (and `part` is a
 * plain object or an array: a name read off the prototype, `constructor` or `__proto__`, is not a member).
 */
export function parsedPart<T>(whole: unknown, part: T): T {
  if (
    isParsedPlain(whole) &&
    part !== null &&
    typeof part === "object" &&
    (Array.isArray(part) || Object.getPrototypeOf(part) === Object.prototype)
  )
    parsedPlain = part;
  return part;
}

function keepExact(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number") return value;
  const source = context?.source;
  if (source === undefined || reproduces(value, source)) return value;
  exactNumbersMade++;
  return exactNumber(source);
}

/**
 * Whether the double `value` is the number `source` writes: `JSON.stringify(value)` then denotes the same
 * decimal. Up to 15 significant digits without an exponent always do (a double keeps 15 digits); anything
 * longer is compared digit for digit with the double's shortest form (`-0` counts as 0, `1.0` as 1).
 */
export function reproduces(value: number, source: string): boolean {
  if (source.length <= 15 && !/[eE]/.test(source)) return true;
  if (!Number.isFinite(value)) return false;
  return canonical(source) === canonical(String(value));
}

/** A JSON number's decimal value as `<sign><digits without leading or trailing zeros>e<point>`, zero as `0`. */
function canonical(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  const all = m[2]! + (m[3] ?? "");
  const digits = all.replace(/^0+/, "");
  const point = m[2]!.length + Number(m[4] ?? 0) - (all.length - digits.length);
  const significant = digits.replace(/0+$/, "");
  return significant === "" ? "0" : `${m[1]}${significant}e${point}`;
}

/** Whether an exact number's text is an integer (`12345678901234567890`, `1.5e30`, `10.0`). */
export function integerText(text: string): boolean {
  const c = canonical(text);
  if (c === "0") return true;
  const m = /^-?(\d+)e(-?\d+)$/.exec(c);
  return m !== null && Number(m[2]) >= m[1]!.length;
}

export interface DecodedText {
  text: string;
  /** Set when the text is not exactly what the upstream sent: what changed, for the result to say. */
  note?: string;
}

/** A charset named in a note as it is only when it looks like one (the header is the upstream's text). */
const CHARSET_NAME = /^[a-z0-9][a-z0-9._:-]{0,39}$/;

type Decoder = InstanceType<typeof TextDecoder>;

const decoders = new Map<string, Decoder>();

function decoderFor(label: string, fatal: boolean): Decoder | undefined {
  const key = `${fatal ? "!" : ""}${label}`;
  let decoder = decoders.get(key);
  if (!decoder) {
    try {
      decoder = new TextDecoder(label, { fatal });
    } catch {
      return undefined;
    }
    decoders.set(key, decoder);
  }
  return decoder;
}

/** The `charset` parameter of a Content-Type, lower-case and unquoted, or undefined. */
export function charsetOf(contentType: string | null): string | undefined {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? "");
  return m ? m[2]!.toLowerCase() : undefined;
}

/**
 * The charset a leading byte order mark names, which decides over the Content-Type's (WHATWG Encoding's decode,
 * as browsers read a body): `charset=utf-16` with a big-endian mark was read little-endian, every character
 * wrong, and a UTF-8 mark under `charset=iso-8859-1` became `ï»¿` before the text.
 */
function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

/**
 * The names of US-ASCII (IANA's, lower-case). WHATWG's decoders read them as windows-1252, so a byte past 0x7f
 * (UTF-8 sent under the wrong label, most often) became Latin text with no note; it is not ASCII, so it is U+FFFD
 * with the note any invalid byte gets.
 */
export const ASCII_LABELS = new Set([
  "us-ascii",
  "ascii",
  "ansi_x3.4-1968",
  "iso646-us",
  "iso-ir-6",
  "iso_646.irv:1991",
  "us",
  "ibm367",
  "cp367",
  "csascii",
]);

function asciiText(bytes: Uint8Array): DecodedText {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (isAscii(bytes)) return { text };
  return {
    text: text.replace(/[\u0080-\u00ff]/g, "\uFFFD"),
    note: "the upstream's body is not valid us-ascii: the bytes that are not are shown as U+FFFD (\uFFFD), so text there is not what the upstream sent",
  };
}

/**
 * A body's bytes as text in the charset its Content-Type names (UTF-8 when it names none). A leading
 * byte-order mark is dropped (that is what it is for). Invalid bytes, or a charset that cannot be decoded,
 * give UTF-8 text with U+FFFD where bytes were lost, and a note that says so.
 */
export function decodeText(bytes: Uint8Array, contentType: string | null): DecodedText {
  const declared = bomCharset(bytes) ?? charsetOf(contentType);
  if (declared !== undefined && ASCII_LABELS.has(declared)) return asciiText(bytes);
  const exact = decoderFor(declared ?? "utf-8", true);
  if (exact) {
    try {
      return { text: exact.decode(bytes) };
    } catch {
      return {
        text: decoderFor(declared ?? "utf-8", false)!.decode(bytes),
        note: `the upstream's body is not valid ${exact.encoding}: the bytes that are not are shown as U+FFFD (\uFFFD), so text there is not what the upstream sent`,
      };
    }
  }
  return {
    text: decoderFor("utf-8", false)!.decode(bytes),
    note: `the upstream's body declares ${CHARSET_NAME.test(declared!) ? `charset ${declared}` : "a charset"} this server cannot decode; it was read as UTF-8, so its text may not be what the upstream meant`,
  };
}

/**
 * JSON-RPC text from a client, parsed as `JSON.parse` does, except that the `arguments` of each `tools/call`
 * keep the numbers a double does not hold as exact numbers (the call is then refused naming them, where it would
 * otherwise have sent a rounded value upstream). Everything else is what `JSON.parse` gives (a huge request id
 * stays a number, as the SDK expects). Throws on invalid JSON.
 */
export function parseClientJson(text: string): unknown {
  const plain: unknown = JSON.parse(text);
  if (!mayRound(text)) return plain;
  const exact: unknown = JSON.parse(text, keepExact as (key: string, value: unknown) => unknown);
  if (!Array.isArray(plain) || !Array.isArray(exact)) takeArguments(plain, exact);
  else for (let i = 0; i < plain.length; i++) takeArguments(plain[i], exact[i]);
  return plain;
}

/**
 * The id of a client's single JSON-RPC request as its own digits, when a double does not hold it as written (an
 * integer beyond 2^53, `12345678901234567890`): `JSON.parse` rounds it, and an answer under the rounded id names
 * a request the client never sent, and a decimal with more digits than a double keeps (`1.00000000000000000001`,
 * read as 1). Undefined for every other message (looked at only when the parsed id is a number that is not a safe
 * integer, or the text holds a number that long, so an ordinary request costs no second parse).
 */
export function inexactRequestId(parsed: unknown, text: string | Buffer): ExactNumber | undefined {
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
  const { method, id } = parsed as { method?: unknown; id?: unknown };
  if (typeof method !== "string" || typeof id !== "number") return undefined;
  // A safe integer may still be written with more digits than a double keeps (`1.00000000000000000001`, read as 1):
  // looked at again only when the text holds such a long number.
  if (
    Number.isSafeInteger(id) &&
    !(typeof text === "string" ? LONG_NUMBER.test(text) : mayHoldLongNumber(text))
  )
    return undefined;
  let exact: unknown;
  try {
    exact = JSON.parse(
      typeof text === "string" ? text : text.toString("utf8"),
      keepExact as (key: string, value: unknown) => unknown,
    );
  } catch {
    return undefined;
  }
  const exactId = (exact as { id?: unknown } | null)?.id;
  return isExactNumber(exactId) ? exactId : undefined;
}

/** The exact `arguments` of a client's `tools/call` line, when any number in them needs it. */
export function exactArgumentsOf(text: string): { id: unknown; arguments: unknown } | undefined {
  if (!mayRound(text)) return undefined;
  let exact: unknown;
  try {
    exact = JSON.parse(text, keepExact as (key: string, value: unknown) => unknown);
  } catch {
    return undefined;
  }
  const params = callParams(exact);
  if (!params || !holdsExact(params.arguments)) return undefined;
  // Only a request the SDK takes (JSON-RPC 2.0, an id of its kind): it hands on no other, so none is held.
  const { jsonrpc, id } = exact as { jsonrpc?: unknown; id?: unknown };
  if (jsonrpc !== "2.0" || (typeof id !== "string" && typeof id !== "number" && !isExactNumber(id)))
    return undefined;
  return { id, arguments: params.arguments };
}

function callParams(message: unknown): { arguments?: unknown } | undefined {
  if (message === null || typeof message !== "object" || Array.isArray(message)) return undefined;
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (method !== "tools/call" || params === null || typeof params !== "object") return undefined;
  return params as { arguments?: unknown };
}

function takeArguments(plain: unknown, exact: unknown): void {
  const to = callParams(plain);
  const from = callParams(exact);
  if (to && from && Object.hasOwn(from, "arguments") && holdsExact(from.arguments))
    to.arguments = from.arguments;
}

function holdsExact(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (isExactNumber(value)) return true;
  return Object.values(value).some(holdsExact);
}
