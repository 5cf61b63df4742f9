import { setOwn } from "../catalog.js";
import { MASK, type MaskResult } from "./mask-all.js";
import {
  base64End,
  ENTITY,
  HIDING_ENTITY,
  latin1,
  mayBeBase64Text,
  percentDecoded,
  readable,
  unescaped,
} from "./mask-decoding.js";

/**
 * A masked field inside a JSON document an upstream sends as a string: a declared string field (a webhook's
 * `payload`, a queue message's `body`, an audit event's `details`) holding `{"ssn": "..."}`, or a document inside
 * a string inside that one. Masked paths and names address the data's own keys, so such a value reached the client
 * whole. A string that is a JSON object or array (after leading whitespace), or a JSON string of one (encoded twice),
 * with a key the mask names, at any depth and inside the JSON strings it holds, becomes the marker as a whole; so does
 * one that starts like a document but cannot be parsed (cut short, Python's repr) and names such a key (`namesKey`),
 * and one that carries such a document one decoding away: base64 (a queue message's `data`, a file's `content`;
 * gzip or zlib inside it inflated), a `data:` URL, a JWT's claims, percent-encoding (a query string's value)
 * (`encodedTexts`). Other strings are left alone, and unchanged data is returned as it was.
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
  const reading = newReading();
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") {
      if (!embedsNamedWords(value, words, reading, 0)) return value;
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

/**
 * What one reading (a result, a text and its words) may still inflate: the compressed documents it holds share
 * `MAX_INFLATED_PER_READING` bytes, so many small streams that each inflate to the per-document bound (8 KB of gzip
 * is 8 MiB of text), or streams nested in what others inflate to, cannot make one result cost gigabytes of work.
 */
export interface Reading {
  inflateLeft: number;
  /**
   * The work spent reading, in units (a character scanned is one, each text read `READ_COST` more): all of this
   * reading's texts together, and what the text being read (a top-level string) has left of its budget.
   */
  work: number;
  workLeft: number;
  /** How many compressed documents were inflated, or tried (`inflated`). */
  inflations: number;
  /** Words read before that named no word (`wordNames`), for `knownFor`, by embedding. */
  known: Map<string, number>[] | undefined;
  knownFor: ReadonlySet<string> | undefined;
}

export function newReading(): Reading {
  // Every field from the start: one shape for every reading, whether or not it remembers words.
  return {
    inflateLeft: MAX_INFLATED_PER_READING,
    work: 0,
    workLeft: 0,
    inflations: 0,
    known: undefined,
    knownFor: undefined,
  };
}

/**
 * What reading a string may cost, in work units per character of it (and `WORK_BASE` more, for short strings),
 * what it inflates counted as characters too. Each text is read in a few passes, and each word worth reading, its
 * parts and what it decodes to are read again, to `MAX_EMBEDDING` levels: a string of short percent-encoded words
 * (`a%41b a%41b ...`), or of words encoded eight times over (`%252525...`), cost 40-130 units per character
 * (100-200 ns of CPU: a second or two for a 10 MB upstream body, one call). Ordinary text full of encoded words
 * spends up to ~28 (a JSON array of objects holding percent-encoded URLs); prose, weekday names and identifiers,
 * whose long words start as base64 does but decode to no text, 3-11. Past the budget the string is masked whole, unread (fail closed, as for a
 * compressed document too large to read); text whose words are not worth reading spends a few units per character.
 */
export const WORK_PER_CHAR = 32;
export const WORK_BASE = 64 * 1024;
/** What reading a text costs above its characters (each read is some regular expressions and calls). */
const READ_COST = 64;

/** What percent-decoding a word costs per character of it. */
const DECODE_COST = 4;

/** Spends reading `length` characters; true when the string's budget is spent (it is then masked whole). */
function spent(reading: Reading, length: number): boolean {
  const units = length + READ_COST;
  reading.work += units;
  reading.workLeft -= units;
  return reading.workLeft < 0;
}

/**
 * Whether HTML-escaped text names a word: a document or a pair an upstream escaped for HTML (Go's html/template
 * writes `"` as `&#34;`, a `data-` attribute holds `{&quot;ssn&quot;: ...}`, a letter written `&#115;`) is read
 * unescaped, as one more decoding. Text with no entity that stands for a quote, a bracket, `=`, `:` or a letter
 * (`Tom &amp; Jerry`) is not decoded.
 */
function htmlEscapedNames(
  text: string,
  words: ReadonlySet<string>,
  embedding: number,
  reading: Reading,
): boolean {
  if (!text.includes("&") || !HIDING_ENTITY.test(text)) return false;
  if (embedding >= MAX_EMBEDDING || spent(reading, DECODE_COST * text.length)) return true;
  return embedsNamedWords(text.replace(ENTITY, unescaped), words, reading, embedding + 1);
}

/** What ends a word of a text: white space, quotes, parentheses and angle brackets. */
const WORD_END = /[\s"'`<>()]/g;
/** Where a word holds other words: `data=eyJ...&id=7`, `[eyJ...]`, `ids=1,eyJ...`, `key:eyJ...`. */
const WORD_PARTS = /[=&,;:|[\]{}]+/;
/** A percent-encoded byte (`%3D`, `%7B`): a word holding one is read decoded too. */
const PERCENT_BYTE = /%[0-9a-f]{2}/i;
/**
 * Where a word worth reading is: a word or part (after a word's or a part's end) that starts as base64 of a
 * document or a URL does (`ENCODED_START`, at least 8 characters: `{a:1}` is 8) or as hex of one does (at least
 * 10), a `data:` URL, or a percent-encoded byte; or any other run of 8 base64 characters, read only when it decodes
 * to readable text (`bareRun`). Other words decode to nothing masking reads, so they are passed over in the one pass
 * that finds these (a log line, prose, an identifier).
 */
const WORTH_READING =
  /(?:^|[\s"'`<>()=&,;:|[\]{}])(?:(?:[7CDHINQRSTUVWZe]|JT|\/\/[45]|\/v8A|aHR0c)[\w+/=.-]{7}|(?:efbbbf|EFBBBF)?(?:[02][09aAdD])*(?:7[bB]|5[bB]|22|68747470)[0-9a-fA-F]{8}|[dD][aA][tT][aA]:|([\w+/-]{8}))|%[0-9a-fA-F]{2}/g;

/**
 * Whether a text is or holds a document naming a word a decoding away: the text as a whole, then each word worth
 * reading (`WORTH_READING`; sentence punctuation taken off its end), each part of it between `=`, `&`, `,`, `;`,
 * `:`, `|`, brackets and braces (`cb?data=eyJ...`), and it percent-decoded (`eyJ...%3D%3D`, `cb%3Fdata%3DeyJ...`).
 * What a decoding gives is read the same way (base64 of a URL whose query holds base64). Words are read one at a
 * time, never gathered.
 */
export function embedsNamedWords(
  text: string,
  words: ReadonlySet<string>,
  reading: Reading = newReading(),
  embedding = 0,
): boolean {
  // Too short to hold a document naming a word (`{"k"` is 4), so not read: a document of many tiny strings (`["a",
  // "b", ...]`) costs no read per string.
  if (words.size === 0 || text.length < 4) return false;
  if (embedding === 0) reading.workLeft = WORK_PER_CHAR * text.length + WORK_BASE;
  if (spent(reading, text.length)) return true;
  if (embedsNamed(text, words, embedding, reading) || namesPair(text, words)) return true;
  if (htmlEscapedNames(text, words, embedding, reading)) return true;
  for (let from = 0; from < text.length; ) {
    // Both patterns are shared: reading a word reads what it decodes to with them, so each search sets its start.
    WORTH_READING.lastIndex = from;
    const found = WORTH_READING.exec(text);
    if (found === null) return false;
    let start = found.index + 1;
    while (start > 0 && !isWordEnd(text.charCodeAt(start - 1))) start--;
    WORD_END.lastIndex = found.index + 1;
    const end = WORD_END.exec(text)?.index ?? text.length;
    // Base64 that starts like no document (`found[1]`) is read only when it decodes to readable text: most such
    // runs are words and paths (`everything`, `acme/infra/db`), passed over at the cost of a decoding. A run that
    // is the whole text was read with it.
    const at = found.index + found[0].length - 8;
    const runEnd = found[1] === undefined ? at : base64End(text, at);
    const whole = at === 0 && runEnd === text.length;
    const bare = found[1] === undefined ? "text" : whole ? "none" : bareRun(text, at, runEnd, reading);
    if (bare === "spent") return true;
    from = bare === "none" ? runEnd : end;
    if (bare !== "none" && wordNames(text.slice(start, end), text, words, embedding, reading)) return true;
  }
  return false;
}

/**
 * What a run of base64 that starts like no document decodes to: readable text (`text`, read as a word), none, or
 * nothing more may be read (`spent`: the string's budget is spent, and it is masked whole). Its decoding is charged.
 */
function bareRun(text: string, at: number, end: number, reading: Reading): "text" | "none" | "spent" {
  reading.work += end - at;
  reading.workLeft -= end - at;
  if (reading.workLeft < 0) return "spent";
  if (!mayBeBase64Text(text, at, end)) return "none";
  return readable(Buffer.from(text.slice(at, end), "base64")) === undefined ? "none" : "text";
}

/** What `WORD_END` matches: `\s` (white space and line ends, as JavaScript reads them), quotes, parentheses, `<`, `>`. */
function isWordEnd(code: number): boolean {
  if (code < 0x80)
    return code <= 0x20 ? code === 0x20 || (code >= 0x09 && code <= 0x0d) : WORD_END_ASCII.has(code);
  if (code < 0x2000) return code === 0xa0 || code === 0x1680;
  return (
    code <= 0x200a ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const WORD_END_ASCII = new Set([..."\"'`<>()"].map((c) => c.charCodeAt(0)));

/** How many words a reading remembers at each embedding (`wordNames`). */
const MAX_KNOWN = 4096;

/**
 * Whether a word of `text` names a word (`wordNamesRead`), remembered: a word that named no word is not read again
 * in the same reading (prose and lists repeat their words: `Thursday`, a path), and the work its reading spent is
 * charged again, so the budget masks what it masked. What reading a word does depends only on the word, the words,
 * its embedding and whether its charges leave the budget: a word whose charge would now spend the budget, and one
 * whose reading inflated a document (or tried to: `inflateLeft` is shared by the reading) are read again.
 */
function wordNames(
  found: string,
  text: string,
  words: ReadonlySet<string>,
  embedding: number,
  reading: Reading,
): boolean {
  if (found.length === text.length) return wordNamesRead(found, text, words, embedding, reading);
  const known = knownWords(reading, words, embedding);
  const cost = known.get(found);
  if (cost !== undefined && reading.workLeft - cost >= 0) {
    reading.work += cost;
    reading.workLeft -= cost;
    return false;
  }
  const work = reading.work;
  const inflations = reading.inflations;
  if (wordNamesRead(found, text, words, embedding, reading)) return true;
  if (reading.inflations === inflations && known.size < MAX_KNOWN) known.set(found, reading.work - work);
  return false;
}

/** The words a reading remembers at an embedding, for a set of words (another set starts afresh). */
function knownWords(reading: Reading, words: ReadonlySet<string>, embedding: number): Map<string, number> {
  if (reading.known === undefined || reading.knownFor !== words) {
    reading.known = [];
    reading.knownFor = words;
  }
  let known = reading.known[embedding];
  if (known === undefined) {
    known = new Map();
    reading.known[embedding] = known;
  }
  return known;
}

/** Whether a word of `text` names a word: as a whole, by its parts, percent-decoded. */
function wordNamesRead(
  found: string,
  text: string,
  words: ReadonlySet<string>,
  embedding: number,
  reading: Reading,
): boolean {
  const word = found.replace(/[.,;:!?]+$/, "");
  if (word === "") return false;
  // A word is read once as a whole (`embedsNamed` charges it); one with parts or escapes is read again, in its
  // parts and decoded, and that is charged as a read of its own. Most words (`Saturday`) have neither.
  if (word !== text && embedsNamed(word, words, embedding, reading)) return true;
  const parted = WORD_PARTS.test(word);
  const escaped = PERCENT_BYTE.test(word);
  if (!parted && !escaped) return false;
  if (spent(reading, found.length)) return true;
  if (parted && wordPartsName(word, words, embedding, reading)) return true;
  if (!escaped || embedding >= MAX_EMBEDDING) return false;
  // Decoding costs more per character than a pass of a regular expression.
  if (spent(reading, DECODE_COST * word.length)) return true;
  const decoded = percentDecoded(word);
  return decoded !== word && embedsNamedWords(decoded, words, reading, embedding + 1);
}

/** Whether a part of a word (between `=`, `&`, brackets, ...) names a word; base64's own padding makes no part. */
function wordPartsName(
  word: string,
  words: ReadonlySet<string>,
  embedding: number,
  reading: Reading,
): boolean {
  const parts = word.split(WORD_PARTS);
  if (parts.length < 2) return false;
  return parts.some(
    (part) =>
      part !== "" &&
      !(word.startsWith(part) && /^=+$/.test(word.slice(part.length))) &&
      embedsNamed(part, words, embedding, reading),
  );
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
function embedsNamed(text: string, words: ReadonlySet<string>, embedding: number, reading: Reading): boolean {
  if (spent(reading, text.length)) return true;
  const start = jsonStart(text);
  if (start === undefined) {
    // A document one decoding away: base64 (gzip or zlib inside it too), a data URL, a JWT's parts, percent-encoding.
    const decoded = encodedTexts(text, reading);
    if (decoded === undefined) return embedsAfterText(text, words, embedding, reading);
    if (decoded === OPAQUE || embedding >= MAX_EMBEDDING) return true;
    return decoded.some((part) => embedsNamedWords(part, words, reading, embedding + 1));
  }
  if (embedding >= MAX_EMBEDDING) return true;
  // Text that only starts with a quote is not JSON; a document cut short or written in another language's
  // notation (Python's repr `{'ssn': ...}`, a JavaScript or YAML flow `{ssn: ...}`, Ruby's `{:ssn=>...}`) that
  // names a masked key fails closed. Text that cannot be JSON (a log line `[2024-01-01] INFO ...`) is not parsed:
  // the exception costs ~20 us.
  const doc = mayBeJson(text) ? parsed(text) : NOT_JSON;
  if (doc === NOT_JSON) return start === "document" && namesKey(text, words);
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === "string") {
      if (embedsNamedWords(value, words, reading, embedding + 1)) return true;
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

const NOT_JSON = Symbol("not JSON");

function parsed(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch {
    return NOT_JSON;
  }
}

/**
 * A document after other text, not encoded (`payload={"ssn": ...}`, a URL or log line quoting one): read from its
 * first `{` or `[` to the end, as the percent-encoded one is (`percentTexts`); what follows it need not parse.
 */
function embedsAfterText(
  text: string,
  words: ReadonlySet<string>,
  embedding: number,
  reading: Reading,
): boolean {
  const brace = text.indexOf("{");
  const bracket = text.indexOf("[");
  const at = brace < 0 ? bracket : bracket < 0 ? brace : Math.min(brace, bracket);
  if (at <= 0 || !DOCUMENT_OPENING.test(text.slice(at, at + 16))) return false;
  return embedsNamed(text.slice(at), words, embedding, reading);
}

/**
 * How a document may open: `{` before a key (quoted, bare, Ruby's `:key`) or its end, `[` before a value other than
 * a bare word. Prose in brackets or braces (`see [draft]`, `{name}`) is passed over without parsing it.
 */
const DOCUMENT_OPENING = /^(?:\{\s*(?:["'}:]|[A-Za-z_$][\w$-]*\s*(?:[:=]|$))|\[\s*(?:["'{[\]\d-]|$))/;

/**
 * Whether text that is not JSON names a masked key: quoted as JSON writes keys (escaped or not, also cut short
 * right after it), in single quotes, or bare before `:` or `=` (after `{`, `,`, `:`, a quote or white space).
 */
function namesKey(text: string, words: ReadonlySet<string>): boolean {
  const pattern = keyPattern(words);
  // One pass proves most text names no word (a backslash may stand between its letters); the second finds a key.
  if (!pattern.anyWord.test(text)) return false;
  return pattern.key.test(text.replace(/\\/g, "").toLowerCase());
}

/**
 * Whether a text (as it is, or as a decoding gave it) holds a masked word as a key with a value in the notations
 * of text that is no document: a `key=value` pair (a query string, a form body, a logfmt line, a properties file:
 * after the text's start, white space, `?`, `&`, `;`, `,`, `.`, `/`, a bracket, a brace or a quote) or a
 * `key: value` line (YAML, a header: at a line's start, a space after the colon), or an XML element with content
 * (`<ssn>...`, `<ns:ssn type="x">...`: a SOAP body, an XML payload). The word as a value
 * (`q=ssn`), a pair without a value (`ssn=&`), another key ending in it (`customer_ssn=`) and a label in a
 * sentence (`the ssn field: ...`) are not.
 */
function namesPair(text: string, words: ReadonlySet<string>): boolean {
  if (!text.includes("=") && !text.includes(":") && !text.includes("<")) return false;
  // Every pair holds a word as it is written (the same flags): one pass of the words alone proves most text holds
  // none, cheaper than trying the pair's openings at each white space and punctuation mark.
  const pattern = keyPattern(words);
  return pattern.anyExact.test(text) && pattern.pair.test(text);
}

interface KeyPattern {
  /** Any word, case-insensitively, with backslashes between its letters (what `namesKey` reads without them). */
  anyWord: RegExp;
  /** A word as a key: quoted (`"ssn"`, `'ssn'`), or after `{`, `,`, `:`, a quote or white space, before `:` or `=`. */
  key: RegExp;
  /** A word as the key of a pair, a line or an XML element with a value (`namesPair`), case-insensitively. */
  pair: RegExp;
  /** Any word as it is written, case-insensitively as `pair` reads it (what every pair holds). */
  anyExact: RegExp;
}

const keyPatterns = new WeakMap<ReadonlySet<string>, KeyPattern>();

/** The patterns of a set of words, made once per set (a catalog's words are one set for its life). */
function keyPattern(words: ReadonlySet<string>): KeyPattern {
  let pattern = keyPatterns.get(words);
  if (pattern === undefined) {
    const quote = (s: string) => s.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
    // Words are read as the text is, without backslashes: `namesKey` drops the text's, and a backslash left in a
    // word would put two `\\*` around it (`x\\*\\\\*y`), quantifiers trading the same backslashes of the
    // upstream's text (quadratic per start). Without them, each `\\*` sits between characters it cannot match.
    const bare = [...words].map((w) => w.replace(/\\/g, "")).filter((w) => w !== "");
    const loose = bare.length > 0 ? bare.map((w) => [...w].map(quote).join("\\\\*")).join("|") : "(?!)";
    const exact = bare.length > 0 ? bare.map(quote).join("|") : "(?!)";
    pattern = {
      anyWord: new RegExp(loose, "iu"),
      key: new RegExp(`["'](?:${exact})["']|[{,:\\s'"[](?:${exact})\\s{0,63}[:=]`),
      pair: new RegExp(
        `(?:^|[\\s?&;,./[{(|"'])(?:${exact})[ \\t]{0,63}=[ \\t]{0,63}[^\\s&;,]|(?:^|[\\r\\n])[ \\t-]{0,63}(?:${exact})[ \\t]{0,63}:[ \\t]+\\S|<(?:[\\w.-]{1,63}:)?(?:${exact})(?:\\s[^<>]{0,256})?>\\s{0,63}[^<\\s]`,
        "i",
      ),
      anyExact: new RegExp(exact, "i"),
    };
    keyPatterns.set(words, pattern);
  }
  return pattern;
}

/**
 * Whether text that starts like a document (`{`, `[` or `"` after white space) may be JSON: it ends as it opened,
 * and a `{` opens a key or its end, a `[` a value (a number only before `,` or `]`). Text that fails is no JSON, so
 * JSON.parse would throw; what passes is parsed.
 */
function mayBeJson(text: string): boolean {
  let first = 0;
  while (first < text.length && (isJsonSpace(text.charCodeAt(first)) || text.charCodeAt(first) === 0xfeff))
    first++;
  let last = text.length - 1;
  while (last > first && isJsonSpace(text.charCodeAt(last))) last--;
  const open = text[first];
  const close = text[last];
  if (last <= first) return false;
  if (open === '"') return close === '"';
  const opening = open === "{" ? OBJECT_OPENING : ARRAY_OPENING;
  if (close !== (open === "{" ? "}" : "]")) return false;
  opening.lastIndex = first + 1;
  return opening.test(text);
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** What may follow a JSON object's `{`: a key or its end. */
const OBJECT_OPENING = /[\t\n\r ]*["}]/y;

/** What may follow a JSON array's `[`: its end, a value that is no number, or a number before `,` or `]`. */
const ARRAY_OPENING = /[\t\n\r ]*(?:[\]{["tfn]|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?[\t\n\r ]*[,\]])/y;

/**
 * How base64 of a document starts: `{`, `[`, `"`, white space or a byte order mark encoded (`e W I C D 7`), a
 * percent-encoded one (`%7B`, `%5B`, `%22`, `%25`: `JT`), UTF-16 after its byte order mark (little-endian `//4`,
 * `//5`; big-endian `/v8A`), and base64 of such base64 (or of a data URL) again, as often as it is encoded: a cheap
 * test that passes over most text (a path such as `/v1/items` too).
 */
const ENCODED_START = /^(?:[7CDHINQRSTUVWZe]|JT|\/\/[45]|\/v8A|aHR0c)/;
/**
 * Hex of a document (`7b2273736e22...`: `{`, `[` or `"`, after white space or a UTF-8 byte order mark) or of a URL
 * (`68747470`: `http`), in either case: read as the bytes it spells.
 */
const HEX_DOCUMENT = /^(?:efbbbf)?(?:20|09|0a|0d)*(?:7b|5b|22|68747470)(?:[0-9a-f]{2})*$/i;
const ENCODED_CHARS = /^[A-Za-z0-9+/_=.\r\n-]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const DATA_URL = /^\s*data:([^,]{0,256}),/i;

/**
 * The texts a string carries one decoding away, or undefined when it is no such encoding: base64 (either alphabet,
 * padded or not, MIME line breaks; gzip or zlib inside it inflated), a `data:` URL (base64 or percent-encoded), a JWT's
 * dot-separated base64url parts, or percent-encoding holding a document (`percentTexts`); `OPAQUE` for a compressed
 * document too large to read. Bytes are read as Latin-1, which never fails and keeps every ASCII key whatever the text's real encoding.
 */
function encodedTexts(text: string, reading: Reading): string[] | typeof OPAQUE | undefined {
  const url = DATA_URL.exec(text);
  if (url) {
    const rest = text.slice(url[0].length).trim();
    if (/;base64$/i.test(url[1]!)) return fromBase64(rest.replace(/\s+/g, ""), reading);
    return [percentDecoded(rest)];
  }
  if (text.includes("%") && PERCENT_DOCUMENT.test(text)) return percentTexts(text);
  // trim() copies nothing (V8 answers a slice of a flat string: no cost measured on a 10 MB body); most text then
  // fails on its first letter or its first space.
  const trimmed = text.trim();
  if (HEX_DOCUMENT.test(trimmed)) return [latin1(Buffer.from(trimmed, "hex"))];
  if (!ENCODED_START.test(trimmed)) return bareText(trimmed, reading);
  if (!ENCODED_CHARS.test(trimmed)) return undefined;
  const parts = trimmed.replace(/\r?\n/g, "").split(".");
  if (parts.length > 5) return undefined;
  const texts: string[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const decoded = fromBase64(part, reading);
    if (decoded === OPAQUE) return OPAQUE;
    if (!decoded) return undefined;
    texts.push(...decoded);
  }
  return texts.length > 0 ? texts : undefined;
}

/**
 * What base64 decodes to, to be read: gzip or zlib inflated; readable text (`readable`: a document, a pair, either
 * after words), or bytes that are no text but may hold something masking finds after a binary header (`MAY_NAME`).
 */
function fromBase64(text: string, reading: Reading): string[] | typeof OPAQUE | undefined {
  const data = text.replace(/=+$/, "");
  if (!BASE64.test(text) || data.length < 2 || data.length % 4 === 1) return undefined;
  const bytes = Buffer.from(data, "base64");
  if (compressed(bytes)) return inflated(bytes, reading);
  // Most words that start as base64 does (`Saturday`, `TransactionManager`) decode to bytes that are no text: they
  // are decoded, and nothing is read in them.
  reading.work += bytes.length;
  reading.workLeft -= bytes.length;
  const decoded = readable(bytes);
  if (decoded !== undefined) return [decoded];
  const binary = latin1(bytes);
  return MAY_NAME.test(binary) ? [binary] : [];
}

/**
 * Base64 of 8 characters or more that starts like no document (`a {"ssn": ...}`, `id=7&ssn=...` encoded; MIME line
 * breaks too): read when it decodes to readable text. Most such strings are words, paths and identifiers, which decode to no text.
 */
function bareText(text: string, reading: Reading): string[] | undefined {
  // MIME line breaks are left out, as for base64 that starts like a document.
  const flat = text.includes("\n") ? text.replace(/\r?\n/g, "") : text;
  if (flat.length < 8 || base64End(flat, 0) !== flat.length) return undefined;
  reading.work += flat.length;
  reading.workLeft -= flat.length;
  if (!mayBeBase64Text(flat)) return undefined;
  const decoded = readable(Buffer.from(flat, "base64"));
  return decoded === undefined ? undefined : [decoded];
}

/**
 * What any text that names a word a decoding away holds (`embedsNamedWords`): a document's `{`, `[` or a JSON
 * string's `"` (at its start or after other text, a binary header too), a percent-encoded byte's `%`, or a run of 8
 * characters of base64 or hex (another encoding, a JWT, a `data:` URL's). Decoded text without any is not read.
 */
const MAY_NAME = /["%[{]|[\w+/=-]{8}/;

/**
 * A string that is or holds a JSON document percent-encoded (a callback URL's `payload={"ssn":...}`, a form value):
 * `{`, `[` or `"` encoded (once or more: `%257B`), as encodeURIComponent, URLSearchParams and encodeURI write them.
 */
const PERCENT_DOCUMENT = /%(?:25)*(?:7b|5b|22)/i;

/**
 * The percent-decoded text: a document in it after other text (a URL or query before it) is read from its `{` or `[`
 * (`embedsAfterText`), and may be followed by more of the query, so it need not parse (`namesKey` then reads it).
 */
function percentTexts(text: string): string[] {
  return [percentDecoded(text)];
}

/**
 * A compressed document inside base64 is read as the document it holds, up to `MAX_INFLATED` bytes (a stream cut
 * short, as far as it goes); one larger than that is masked whole (fail closed: what it holds cannot be known).
 * Bytes that only start like a stream and do not inflate (a word such as `eNotice` decodes to zlib's first two
 * bytes) are no compressed document and are left alone.
 */
const MAX_INFLATED = 8 * 1024 * 1024;
/** What all the compressed documents of one reading may inflate to together (`Reading`); past it they are masked. */
const MAX_INFLATED_PER_READING = 32 * 1024 * 1024;
/** A value that is masked without reading it. */
const OPAQUE = Symbol("opaque");

/** gzip (1f 8b) or zlib (78 01, 78 5e, 78 9c, 78 da). */
function compressed(bytes: Buffer): boolean {
  if (bytes.length < 2) return false;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return true;
  return (
    bytes[0] === 0x78 && (bytes[1] === 0x01 || bytes[1] === 0x5e || bytes[1] === 0x9c || bytes[1] === 0xda)
  );
}

function inflated(bytes: Buffer, reading: Reading): string[] | typeof OPAQUE | undefined {
  reading.inflations += 1;
  if (reading.inflateLeft <= 0) return OPAQUE;
  const zlib = process.getBuiltinModule("node:zlib");
  const maxOutputLength = Math.min(MAX_INFLATED, reading.inflateLeft);
  const options = { maxOutputLength, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  try {
    const out = bytes[0] === 0x1f ? zlib.gunzipSync(bytes, options) : zlib.inflateSync(bytes, options);
    reading.inflateLeft -= out.length;
    // What it inflates to is read as the string's own characters are.
    reading.workLeft += WORK_PER_CHAR * out.length;
    return [latin1(out)];
  } catch (error) {
    return (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? OPAQUE : undefined;
  }
}
