/**
 * The decodings masking reads text through (`mask-embedded.ts`): HTML entities, base64 (whether a run may be text,
 * where it ends, bytes as the text they are) and percent-encoding.
 */

/** An entity that may hide what masking reads: a quote, a bracket, a brace, `=`, `:`, any character by number. */
export const HIDING_ENTITY = /&(?:quot|apos|lbrace|lcub|lsqb|lbrack|equals|colon|#\d{1,7}|#x[0-9a-f]{1,6});/i;
export const ENTITY =
  /&(?:(quot|apos|lbrace|lcub|rbrace|rcub|lsqb|lbrack|rsqb|rbrack|equals|colon|amp|lt|gt)|#(\d{1,7})|#x([0-9a-f]{1,6}));/gi;
const NAMED: Record<string, string> = {
  quot: '"',
  apos: "'",
  lbrace: "{",
  lcub: "{",
  rbrace: "}",
  rcub: "}",
  lsqb: "[",
  lbrack: "[",
  rsqb: "]",
  rbrack: "]",
  equals: "=",
  colon: ":",
  amp: "&",
  lt: "<",
  gt: ">",
};

export function unescaped(entity: string, name?: string, decimal?: string, hex?: string): string {
  if (name !== undefined) return NAMED[name.toLowerCase()] ?? entity;
  const code = decimal !== undefined ? Number(decimal) : Number.parseInt(hex ?? "", 16);
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
    ? String.fromCodePoint(code)
    : entity;
}

/**
 * Whether base64 (either alphabet, padding after) may decode to readable text: a length base64 can have, and first
 * bytes that may start it (`startsText`, decoded here without a buffer). Most words and paths fail on their first
 * few characters, before any decoding.
 */
export function mayBeBase64Text(run: string, at = 0, end = run.length): boolean {
  let data = end;
  while (data > at && run.charCodeAt(data - 1) === 0x3d) data--; // =
  if ((data - at) % 4 === 1) return false;
  const bytes = FIRST_BYTES;
  let count = 0;
  let bits = 0;
  let acc = 0;
  for (let i = at; i < Math.min(data, at + 12); i++) {
    const code = run.charCodeAt(i);
    const value = code < 128 ? SEXTETS[code]! : -1;
    if (value < 0) return false;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[count++] = (acc >> bits) & 0xff;
    }
  }
  return startsText(bytes, count);
}

const FIRST_BYTES = new Uint8Array(9);

/** The value of each base64 character, either alphabet (-1: none). */
const SEXTETS = (() => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  values[0x2d] = 62; // - (base64url's +)
  values[0x5f] = 63; // _ (base64url's /)
  return values;
})();

/**
 * Whether the first `count` bytes may start readable text (`readable`): UTF-16 as `latin1` reads it, or UTF-8 (a
 * character cut short at the end is let through) without a control character but white space.
 */
function startsText(bytes: Uint8Array, count: number): boolean {
  if (count >= 2 && isUtf16Start(bytes[0]!, bytes[1]!)) return true;
  for (let i = 0; i < count; ) {
    const c = bytes[i]!;
    if (c < 0x80) {
      if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return false;
      i++;
      continue;
    }
    const length = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (length === 0) return false;
    for (let j = 1; j < length && i + j < count; j++) if ((bytes[i + j]! & 0xc0) !== 0x80) return false;
    i += length;
  }
  return true;
}

/** Where the run of base64 characters (either alphabet, then up to two `=`) from `at` ends. */
export function base64End(text: string, at: number): number {
  let i = at;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || SEXTETS[code]! < 0) break;
  }
  for (let pad = 0; pad < 2 && text.charCodeAt(i) === 0x3d; pad++) i++;
  return i;
}

/**
 * Bytes as the text they are (`latin1`), or undefined when they are no text: UTF-8 (ASCII too) or UTF-16 as
 * `latin1` reads it, with no control character but white space. Words that happen to be base64 decode to bytes
 * that are no UTF-8 or hold a control character, nearly always.
 */
export function readable(bytes: Buffer): string | undefined {
  if (!startsText(bytes, Math.min(bytes.length, 9))) return undefined;
  isUtf8 ??= process.getBuiltinModule("node:buffer").isUtf8;
  if (!utf16(bytes) && !isUtf8(bytes)) return undefined;
  const text = latin1(bytes);
  return CONTROL.test(text) ? undefined : text;
}

/** A control character other than white space (tab, line feed, carriage return). */
const CONTROL = /[\0-\x08\x0b\x0c\x0e-\x1f\x7f]/;

/**
 * Bytes read as Latin-1 (never fails, keeps every ASCII key), a UTF-8 byte order mark left out: read as Latin-1 it
 * is three letters (`ï»¿`), not the mark a document may start with, so the document after it was not seen. UTF-16
 * (after either byte order mark, or little-endian ASCII without one: `{` then a zero byte) is read as UTF-16: as
 * Latin-1 every key's letters were apart (`s\0s\0n\0`), so no key was found.
 */
export function latin1(bytes: Buffer): string {
  if (!utf16(bytes))
    return bytes.toString("latin1", bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString("utf16le", 2);
  // Big-endian: a copy of whole code units, swapped (an odd last byte is dropped, as utf16le reading drops it).
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)))
      .swap16()
      .toString("utf16le");
  return bytes.toString("utf16le");
}

/** UTF-16: after either byte order mark, or little-endian ASCII without one (a letter, then a zero byte). */
function utf16(bytes: Buffer): boolean {
  return bytes.length >= 2 && isUtf16Start(bytes[0]!, bytes[1]!);
}

function isUtf16Start(first: number, second: number): boolean {
  if ((first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff)) return true;
  return first !== 0 && second === 0;
}

/**
 * `%XX` decoded as UTF-8, or byte by byte as Latin-1 where that fails (a run of escapes that is no UTF-8, `%FF`),
 * stray `%`s kept: ASCII keys are kept either way. Never by an exception: decodeURIComponent throws on a stray `%`
 * or bytes that are no UTF-8, and a throw costs some 20 us, so a string of such words (`%%41 %%41 ...`) cost
 * seconds; it is asked only of text it cannot throw on (every `%` an escape of an ASCII byte).
 */
export function percentDecoded(text: string): string {
  if (!UNSURE_PERCENT.test(text)) return decodeURIComponent(text);
  return text.replace(PERCENT_RUN, (run) => {
    if (!HIGH_ESCAPE.test(run)) return decodeURIComponent(run);
    const bytes = Buffer.from(run.replace(/%/g, ""), "hex");
    isUtf8 ??= process.getBuiltinModule("node:buffer").isUtf8;
    return isUtf8(bytes) ? bytes.toString("utf8") : bytes.toString("latin1");
  });
}

let isUtf8: ((bytes: Buffer) => boolean) | undefined;

/** A `%` that is no escape, or the escape of a byte beyond ASCII (which may be no UTF-8). */
const UNSURE_PERCENT = /%(?![0-7][0-9a-f])/i;
/** The escape of a byte beyond ASCII. */
const HIGH_ESCAPE = /%[89a-f]/i;
/** A run of escapes: the bytes of one UTF-8 character may be several. */
const PERCENT_RUN = /(?:%[0-9a-f]{2})+/gi;
