import { setOwn } from "../catalog.js";
import { MASK, type MaskResult } from "./mask-all.js";

/**
 * A masked field inside a JSON document an upstream sends as a string: a declared string field (a webhook's
 * `payload`, a queue message's `body`, an audit event's `details`) holding `{"ssn": "..."}`, or a document inside
 * a string inside that one. Masked paths and names address the data's own keys, so such a value reached the client
 * whole. A string that is a JSON object or array (after leading whitespace), or a JSON string of one (encoded twice),
 * with a key the mask names, at any depth and inside the JSON strings it holds, becomes the marker as a whole; so does
 * one that starts like a document but cannot be parsed (cut short, Python's repr) and names such a key (`namesKey`),
 * and one that carries such a document one decoding away: base64 (a queue message's `data`, a file's `content`), a
 * `data:` URL, a JWT's claims (`encodedTexts`). Other strings are left alone, and unchanged data is returned as it was.
 */

const wordsOfPaths = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * The field names masked paths end in, lower case (`card.number`: number; `data.*`: data). Worked out once per list:
 * a tool's masked paths are one list for the life of the catalog, and masking asks on every call.
 */
export function maskedWords(paths: readonly string[]): ReadonlySet<string> {
  let words = wordsOfPaths.get(paths);
  if (words === undefined) {
    words = wordsOf(paths);
    wordsOfPaths.set(paths, words);
  }
  return words;
}

function wordsOf(paths: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const path of paths) {
    const last = path
      .split(".")
      .filter((s) => s !== "*" && s !== "")
      .pop();
    if (last) words.add(last.toLowerCase());
  }
  return words;
}

/** Embedded documents nested deeper than this (a string in a string ...) are masked without reading further. */
const MAX_EMBEDDING = 8;
/** Data nested deeper than this is masked wholesale rather than walked (responses stop at 256 levels anyway). */
const MAX_DEPTH = 512;

export function maskEmbedded(data: unknown, words: ReadonlySet<string>): MaskResult {
  if (words.size === 0) return { data, count: 0 };
  let count = 0;
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") {
      if (!embedsNamed(value, words, 0)) return value;
      count += 1;
      return MASK;
    }
    if (value === null || typeof value !== "object") return value;
    if (depth > MAX_DEPTH) {
      count += 1;
      return MASK;
    }
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = visit(value[i], depth + 1);
        if (item === value[i]) continue;
        out ??= value.slice();
        out[i] = item;
      }
      return out ?? value;
    }
    let out: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const next = visit(item, depth + 1);
      if (next === item) continue;
      if (!out) {
        out = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) setOwn(out, k, v);
      }
      setOwn(out, key, next);
    }
    return out ?? value;
  };
  const out = visit(data, 0);
  return { data: out, count };
}

/** Whether a string is (or carries one decoding away) a JSON document with a key `words` names: what maskEmbedded masks. */
export function embedsNamedText(text: string, words: ReadonlySet<string>): boolean {
  return words.size > 0 && embedsNamed(text, words, 0);
}

/** What a string starts with after white space: `{` or `[` (a document), `"` (one encoded twice), or neither. */
function jsonStart(text: string): "document" | "string" | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) continue;
    if (c === 0x7b || c === 0x5b) return "document"; // { [
    return c === 0x22 ? "string" : undefined; // "
  }
  return undefined;
}

/** Whether a string holds a JSON document with a named key (at any depth, in the JSON strings it holds too). */
function embedsNamed(text: string, words: ReadonlySet<string>, embedding: number): boolean {
  const start = jsonStart(text);
  if (start === undefined) {
    // A document one decoding away: base64, a data URL, a JWT's parts.
    const decoded = encodedTexts(text);
    if (decoded === undefined) return false;
    if (embedding >= MAX_EMBEDDING) return true;
    return decoded.some((part) => embedsNamed(part, words, embedding + 1));
  }
  if (embedding >= MAX_EMBEDDING) return true;
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    // Text that only starts with a quote is not JSON; a document cut short or written in another language's
    // notation (Python's repr `{'ssn': ...}`, a JavaScript or YAML flow `{ssn: ...}`, Ruby's `{:ssn=>...}`) that
    // names a masked key fails closed.
    return start === "document" && namesKey(text, words);
  }
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (embedsNamed(value, words, embedding + 1)) return true;
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (words.has(key.toLowerCase()) && item !== null) return true;
      stack.push(item);
    }
  }
  return false;
}

/**
 * Whether text that is not JSON names a masked key: quoted as JSON writes keys (escaped or not, also cut short
 * right after it), in single quotes, or bare before `:` or `=` (after `{`, `,`, `:`, a quote or white space).
 */
function namesKey(text: string, words: ReadonlySet<string>): boolean {
  const flat = text.replace(/\\/g, "").toLowerCase();
  for (const word of words) {
    if (flat.includes(`"${word}"`) || flat.includes(`'${word}'`)) return true;
    for (let at = flat.indexOf(word); at >= 0; at = flat.indexOf(word, at + 1)) {
      if (!/[{,:\s'"[]/.test(flat[at - 1] ?? "")) continue;
      if (/^\s*[:=]/.test(flat.slice(at + word.length, at + word.length + 64))) return true;
    }
  }
  return false;
}

/**
 * How base64 of a document starts: `{`, `[`, `"`, white space or a byte order mark encoded (`e W I C D 7`), and
 * base64 of such base64 (or of a data URL) again, as often as it is encoded: a cheap test that passes over most text.
 */
const ENCODED_START = /^[7CDINQRSTUVWZe]/;
const ENCODED_CHARS = /^[A-Za-z0-9+/_=.\r\n-]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DATA_URL = /^\s*data:([^,]{0,256}),/i;

/**
 * The texts a string carries one decoding away, or undefined when it is no such encoding: base64 (either alphabet,
 * padded or not, MIME line breaks), a `data:` URL (base64 or percent-encoded), or a JWT's dot-separated base64url
 * parts. Bytes are read as Latin-1, which never fails and keeps every ASCII key whatever the text's real encoding.
 */
function encodedTexts(text: string): string[] | undefined {
  const url = DATA_URL.exec(text);
  if (url) {
    const rest = text.slice(url[0].length).trim();
    if (/;base64$/i.test(url[1]!)) return fromBase64(rest.replace(/\s+/g, ""));
    try {
      return [decodeURIComponent(rest)];
    } catch {
      return undefined;
    }
  }
  const trimmed = text.trim();
  // Checked before anything is copied: most text fails on its first letter or its first space.
  if (!ENCODED_START.test(trimmed) || !ENCODED_CHARS.test(trimmed)) return undefined;
  const parts = trimmed.replace(/\r?\n/g, "").split(".");
  if (parts.length > 5) return undefined;
  const texts: string[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const decoded = fromBase64(part);
    if (!decoded) return undefined;
    texts.push(...decoded);
  }
  return texts.length > 0 ? texts : undefined;
}

function fromBase64(text: string): string[] | undefined {
  const data = text.replace(/=+$/, "");
  if (!BASE64.test(text) || data.length < 2 || data.length % 4 === 1) return undefined;
  return [Buffer.from(data, "base64").toString("latin1")];
}
