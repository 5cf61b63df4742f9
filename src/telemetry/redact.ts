/**
 * Text that may reach a client or a log line passes through here first. Upstream error bodies, exception
 * messages and file errors are written by others, so anything that looks like a URL, a host, a credential or a
 * known secret value is replaced before the text leaves the process.
 */

/**
 * Values that must never be shown, in two sets. Fixed ones (secret env values, remembered once at start) are
 * kept for the process's life; their number is the catalog's secret variables. Rotating ones (credentials
 * re-read from files on every use, fetched OAuth tokens) are kept most recent first up to a bound: a token
 * file that rotates every few minutes must not grow the set, and with it the cost of every `redact()`, for as
 * long as the server runs. A rotated-out credential past the bound no longer works upstream, and token-shaped
 * strings are still caught by the patterns below.
 */
const fixedSecrets = new Set<string>();
const rotatingSecrets = new Set<string>();
export const MAX_ROTATING_SECRETS = 64;

/**
 * The credential the last change to the remembered sets remembered (`rememberCredential`), and whether as rotating;
 * any other change clears it.
 */
let lastRemembered: { value: string; rotating: boolean } | undefined;

/**
 * Remembers a value redaction replaces verbatim wherever it appears; short values are skipped since they would
 * mangle ordinary words. `rotating`: a value that changes over the process's life (see above).
 */
export function rememberSecret(value: string | undefined, options: { rotating?: boolean } = {}): void {
  if (value === undefined || value.length < 4) return;
  lastRemembered = undefined;
  if (!options.rotating) {
    if (!fixedSecrets.has(value)) knownList = undefined;
    fixedSecrets.add(value);
    rotatingSecrets.delete(value);
    return;
  }
  if (fixedSecrets.has(value)) return;
  if (!rotatingSecrets.has(value)) knownList = undefined;
  // Re-adding moves the value to the newest end; the oldest is dropped past the bound.
  rotatingSecrets.delete(value);
  rotatingSecrets.add(value);
  if (rotatingSecrets.size > MAX_ROTATING_SECRETS) {
    rotatingSecrets.delete(rotatingSecrets.values().next().value as string);
  }
}

/**
 * Credentials the server sends upstream (bearer tokens, API keys, passwords and the Basic pair they make, OAuth
 * tokens and client secrets), in the forms a response may echo them in (as sent, percent-encoded, form-encoded,
 * JSON-escaped, and one encoding away: hex, inside base64), most recently used first up to a bound. Unlike every remembered secret, these never belong in a tool's result: an upstream
 * that echoes its request (a debug endpoint, an error page quoting the Authorization header) must not hand the
 * server's credential to the model. Identifiers (user names, client ids) are not credentials: a result naming
 * the caller's own login is ordinary data.
 */
const credentials = new Map<string, readonly string[]>();
/**
 * How many credentials are remembered, each with all its spellings (the bound counts credentials, not spellings,
 * so a credential's spellings are kept or dropped together and adding spellings never shortens the memory).
 */
export const MAX_CREDENTIALS = 64;

/** Remembers a credential sent upstream (and, as any secret, for redaction); see `credentials`. */
export function rememberCredential(value: string | undefined, options: { rotating?: boolean } = {}): void {
  if (value === undefined || value.length < 4) return;
  // The same credential as the last change to these sets (a static token sent on every call): its forms are
  // already the newest, so remembering it again would change nothing.
  const rotating = options.rotating === true;
  if (lastRemembered !== undefined && lastRemembered.value === value && lastRemembered.rotating === rotating)
    return;
  rememberSecret(value, options);
  const forms = credentials.get(value);
  // Re-adding moves the credential to the newest end; the oldest is dropped past the bound.
  credentials.delete(value);
  credentials.set(value, forms ?? spellings(value));
  while (credentials.size > MAX_CREDENTIALS) credentials.delete(credentials.keys().next().value as string);
  // Only a new value changes what is looked for (the order does not matter to a lookup).
  if (!forms) listCredentials();
  lastRemembered = { value, rotating };
}

/**
 * A credential as sent, percent-encoded (as a query value is sent and as other clients encode it, with upper or
 * lower case hex digits), echoed, and one common encoding away (`encodedForms`).
 */
function spellings(value: string): string[] {
  const encoded = encodeURIComponent(value);
  // RFC 3986 unreserved only, `serialize.ts` encodeStrict.
  const strict = encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const percent = [encoded, strict, ...echoedForms(value)];
  const lower = percent.map((form) => form.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  return [
    ...new Set([
      value,
      ...percent,
      ...lower,
      ...jsonEscapes(value),
      ...encodedForms(value),
      ...jwtSignature(value),
      ...wideForms(value),
    ]),
  ];
}

/**
 * The credential as UTF-16 text read as if it were UTF-8 or Latin-1: each character followed (little-endian) or
 * preceded (big-endian) by a NUL, which is what a body an upstream wrote in UTF-16 without saying so (a Windows
 * service's error page or log, a `text/plain` or a `application/json` with no charset and no byte-order mark)
 * decodes to; either order holds the characters joined by NULs. Only a credential of Latin-1 characters has one
 * (beyond it, UTF-16's bytes are no UTF-8 and decode to U+FFFD); a binary body's UTF-16 is found by
 * `credentialBytes`' own UTF-16 needles.
 */
function wideForms(value: string): string[] {
  if (!/^[\x01-\xff]+$/.test(value)) return [];
  return [[...value].join("\u0000")];
}

/** A JWS in compact form (a JWT): three base64url parts, the signature's of 16 characters or more. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.([A-Za-z0-9_-]{16,})$/;

/**
 * A JWT's signature alone, in either base64 alphabet (and the standard one percent-encoded): an upstream that
 * decodes the token (a token-debug endpoint, an introspection answer, an error page) shows its header and payload
 * as JSON beside the signature, or lists the three parts, and anyone holding the header and payload (which are not
 * secret) puts the token back together with it. The header and payload stay.
 */
function jwtSignature(value: string): string[] {
  const signature = COMPACT_JWS.exec(value)?.[1];
  if (signature === undefined) return [];
  const standard = signature.replaceAll("-", "+").replaceAll("_", "/");
  const percent = encodeURIComponent(standard);
  return [signature, standard, percent, percent.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())];
}

/**
 * A credential shorter than this gets no base64 or hex spelling: its base64 would be a few letters and its hex
 * an ordinary number, found in data that never held it.
 */
const MIN_ENCODED = 8;

/**
 * The credential's UTF-8 bytes in hex (either case) and in base64 (either alphabet) as they appear inside the base64
 * of any text holding them (a Basic pair, a token in a base64 JSON error, a queue message): for each of the three
 * offsets a credential can start at within a 3-byte group, the characters its bytes alone decide (the first and
 * last, shared with the bytes around it, are left out, and with them any padding). A base64 body holding the
 * credential anywhere holds one of these.
 */
function encodedForms(value: string): string[] {
  if (value.length < MIN_ENCODED) return [];
  const hex = Buffer.from(value, "utf8").toString("hex");
  return [hex, hex.toUpperCase(), ...base64Cores(value)];
}

/** The base64 spellings of `encodedForms`: at each of the three offsets, in either alphabet. */
function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    const core = text.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    forms.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

/** Base64 characters (either alphabet), by char code. */
const BASE64_CHAR = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
  BASE64_CHAR[c.charCodeAt(0)] = 1;
const isBase64 = (code: number) => code < 128 && BASE64_CHAR[code] === 1;

/** Spaces and tabs, which indent a line of base64 (XML, YAML, an indented PEM) or trail it. */
const isBlank = (code: number) => code === 32 || code === 9;

/** `>` (an email's quote), `#`, `*` and `;` (comments): none of them a base64 character. */
const isQuoteMark = (code: number) => code === 62 || code === 35 || code === 42 || code === 59;

/**
 * Where a line's text starts after what quotes or comments it: blanks, email quote marks (`> `, `>> `, `> > `) and
 * comment prefixes (`# `, `// `, ` * `, `; `), any number of each, in any order. `//` counts only followed by a
 * blank (or the line's end): `/` is a base64 character, and a line of base64 may start with two. Each character is
 * read once.
 */
function prefixEnd(text: string, from: number, to: number): number {
  let at = from;
  for (;;) {
    while (at < to && isBlank(text.charCodeAt(at))) at++;
    if (at < to && isQuoteMark(text.charCodeAt(at))) at++;
    else if (
      at + 1 < to &&
      text.charCodeAt(at) === 47 &&
      text.charCodeAt(at + 1) === 47 &&
      (at + 2 === to || isBlank(text.charCodeAt(at + 2)))
    )
      at += 2;
    else return at;
  }
}

/**
 * Where `text` holds base64 broken into lines, as MIME (76 columns, CRLF: email bodies and attachments) and PEM
 * (64, LF) write it, indented or not (an XML element's text, a YAML block, spaces or tabs before or after a line's
 * base64), quoted or commented (an email reply's `> `, a code comment's `# `, `// ` or ` * `: `prefixEnd`): from a
 * line's base64 end of at least 16 characters, through the lines that are base64 whole after their prefix (at
 * least 16 long, `=` padding allowed), to the base64 start of the line after them. A credential's base64 spelling
 * crossing a line break is found in such a run with its breaks (and the prefixes and blanks around them) taken out.
 * One pass over the lines (no regular expression: one repeating over a 10 MB body's 130,000 lines ran out of stack).
 */
function wrappedRuns(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let runStart = -1;
  let previousEnd = 0;
  for (let lineStart = 0; ; ) {
    const nl = text.indexOf("\n", lineStart);
    const lineEnd = nl === -1 ? text.length : nl > lineStart && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const first = prefixEnd(text, lineStart, lineEnd);
    let head = first;
    while (head < lineEnd && isBase64(text.charCodeAt(head))) head++;
    for (let pad = 0; pad < 2 && head < lineEnd && text.charCodeAt(head) === 61; pad++) head++;
    let after = head;
    while (after < lineEnd && isBlank(text.charCodeAt(after))) after++;
    const whole = after === lineEnd && head - first >= 16;
    if (runStart !== -1 && (!whole || nl === -1)) {
      // It ends with this line's base64 start, or with the line before when this one has none.
      runs.push([runStart, head > first ? head : previousEnd]);
      runStart = -1;
    }
    if (runStart === -1 && nl !== -1) {
      // Back over the blanks after the line's last base64 (none before `first`: a blank line is passed once).
      let last = lineEnd;
      while (last > first && isBlank(text.charCodeAt(last - 1))) last--;
      let tail = last;
      while (tail > first && last - tail < 2 && text.charCodeAt(tail - 1) === 61) tail--;
      while (tail > first && isBase64(text.charCodeAt(tail - 1))) tail--;
      if (last - tail >= 16) runStart = tail;
    }
    if (nl === -1) return runs;
    previousEnd = lineEnd;
    lineStart = nl + 1;
  }
}

/** A line of a run: where its base64 starts (after its prefix: `prefixEnd`) and ends (before trailing blanks). */
function lineSpan(line: string): [lead: number, trail: number] {
  const lead = prefixEnd(line, 0, line.length);
  let trail = line.length;
  while (trail > lead && isBlank(line.charCodeAt(trail - 1))) trail--;
  return [lead, trail];
}

/** A run of `wrappedRuns` as the one base64 text it is: its line breaks, prefixes and blanks taken out. */
function joinedRun(run: string): string {
  let joined = "";
  for (const line of run.split(/\r?\n/)) {
    const [lead, trail] = lineSpan(line);
    joined += line.slice(lead, trail);
  }
  return joined;
}

/** The base64 spellings of every remembered credential long enough to have one (`listCredentials`). */
let wrappedNeedles: string[] = [];

/** The first of `needles` that `text` holds, or undefined. */
function firstHeld(text: string, needles: readonly string[]): string | undefined {
  for (const needle of needles) if (text.includes(needle)) return needle;
  return undefined;
}

/** Whether a line-broken base64 run of `text` holds a credential's base64 spelling across its line breaks. */
function holdsWrapped(text: string): boolean {
  if (wrappedNeedles.length === 0 || !text.includes("\n")) return false;
  for (const [from, to] of wrappedRuns(text))
    if (firstHeld(joinedRun(text.slice(from, to)), wrappedNeedles) !== undefined) return true;
  return false;
}

/**
 * `text` with each line-broken base64 run that holds a credential's base64 spelling across its breaks rewritten:
 * the spelling replaced by `[redacted]` in the run with its breaks taken out, and the run broken again at its first
 * line's width with its own line break. Other runs are left as they are.
 */
function withoutWrapped(text: string): string {
  if (wrappedNeedles.length === 0 || !text.includes("\n")) return text;
  let out = "";
  let done = 0;
  for (const [from, to] of wrappedRuns(text)) {
    const run = text.slice(from, to);
    const joined = joinedRun(run);
    if (firstHeld(joined, wrappedNeedles) === undefined) continue;
    out += text.slice(done, from) + rewrapped(run, joined);
    done = to;
  }
  return done === 0 ? text : out + text.slice(done);
}

/**
 * `run` with the credential spellings `joined` (`run` without its line breaks) holds withheld: each replaced by
 * `[redacted]` where it starts, its other characters left out, every line break kept where it was.
 */
function rewrapped(run: string, joined: string): string {
  const hits: Array<[number, number]> = [];
  for (const needle of wrappedNeedles)
    for (let at = joined.indexOf(needle); at !== -1; at = joined.indexOf(needle, at + needle.length))
      hits.push([at, at + needle.length]);
  hits.sort((a, b) => a[0] - b[0]);
  const lines: string[] = [];
  let pos = 0;
  let k = 0;
  for (const line of run.split(/\r?\n/)) {
    // A line's prefix and blanks around its base64 are kept as they are; `joined` has none.
    const [lead, trail] = lineSpan(line);
    const end = pos + trail - lead;
    let kept = "";
    for (let at = pos; at < end; ) {
      while (k < hits.length && hits[k]![1] <= at) k++;
      const hit = hits[k];
      if (hit === undefined || hit[0] >= end) {
        kept += joined.slice(at, end);
        break;
      }
      if (hit[0] > at) kept += joined.slice(at, hit[0]);
      if (hit[0] >= pos) kept += "[redacted]";
      // Overlapping spellings (another alphabet, another offset) are one withheld span.
      let stop = hit[1];
      while (k + 1 < hits.length && hits[k + 1]![0] < stop) stop = Math.max(stop, hits[++k]![1]);
      at = Math.min(end, stop);
    }
    if (kept !== "" || trail === lead) lines.push(line.slice(0, lead) + kept + line.slice(trail));
    pos = end;
  }
  return lines.join(run.includes("\r\n") ? "\r\n" : "\n");
}

/**
 * The credential JSON-escaped as other serializers write it: `<`, `>`, `&`, U+2028 and U+2029 as `\u003c` ... (Go's
 * encoding/json, Rails), every non-ASCII character as `\uXXXX` (Python's json.dumps, PHP's json_encode, which also
 * writes `/` as `\/`), with lower or upper case hex digits. Only a credential holding such characters has them.
 */
function jsonEscapes(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const unicode = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const htmlSafe = json.replace(/[<>&\u2028\u2029]/g, unicode);
  const ascii = json.replace(/[^\x00-\x7f]/g, unicode);
  const forms = [htmlSafe, ascii, ascii.replaceAll("/", "\\/")];
  return [
    ...forms,
    ...forms.map((form) => form.replace(/\\u[0-9a-f]{4}/g, (u) => `\\u${u.slice(2).toUpperCase()}`)),
  ];
}

/**
 * The other spellings a credential takes on its way back: form-encoded (application/x-www-form-urlencoded, as
 * URLSearchParams writes a token request's body or rebuilds a query: a space is `+`, `~` is `%7E`, `*` stays), and
 * JSON-escaped inside a string (`"` and `\` escaped, and `/` as `\/`, as PHP's json_encode writes it), so an
 * upstream echoing a next-page link or a quoted request hands none of them to the model.
 */
function echoedForms(value: string): string[] {
  const form = new URLSearchParams([["", value]]).toString().slice(1);
  const json = JSON.stringify(value).slice(1, -1);
  return [form, json, json.replaceAll("/", "\\/")];
}

/**
 * `credentials` as an array, longest first (the order replacements are made in: a credential holding another is
 * replaced whole), their UTF-8 bytes in the same order, and the shortest length: remade when the set changes, not on
 * every result string or body that reads them.
 */
let credentialList: string[] = [];
const REDACTED_BYTES = Buffer.from("[redacted]");
const REDACTED_UTF16LE = Buffer.from("[redacted]", "utf16le");
const REDACTED_UTF16BE = Buffer.from("[redacted]", "utf16le").swap16();
/**
 * What a binary body is searched for, longest first: each spelling's UTF-8 bytes (replaced by `[redacted]`), and
 * each credential's UTF-16 bytes in either order (replaced by `[redacted]` in the same UTF-16, so the text around
 * it keeps its alignment).
 */
let credentialBytes: Array<{ needle: Buffer; replacement: Buffer }> = [];
let shortestCredential = Number.POSITIVE_INFINITY;

function listCredentials(): void {
  knownList = undefined;
  lastReferenced = undefined;
  referenceStart = undefined;
  credentialList = [...new Set([...credentials.values()].flat())].sort((a, b) => b.length - a.length);
  credentialBytes = [
    ...credentialList.map((c) => ({ needle: Buffer.from(c, "utf8"), replacement: REDACTED_BYTES })),
    ...[...credentials.keys()].flatMap((c) => [
      { needle: Buffer.from(c, "utf16le"), replacement: REDACTED_UTF16LE },
      { needle: Buffer.from(c, "utf16le").swap16(), replacement: REDACTED_UTF16BE },
    ]),
  ].sort((a, b) => b.needle.byteLength - a.needle.byteLength);
  shortestCredential = Math.min(...credentialList.map((c) => c.length));
  wrappedNeedles = [...credentials.keys()]
    .filter((value) => value.length >= MIN_ENCODED)
    .flatMap(base64Cores)
    .sort((a, b) => b.length - a.length);
}

/** Whether any credential is remembered (a result needs no walk before the first). */
export function anyCredential(): boolean {
  return credentialList.length > 0;
}

/** Whether `text` holds a credential the server sends upstream. */
export function holdsCredential(text: string): boolean {
  if (text.length < shortestCredential) return false;
  for (let i = 0; i < credentialList.length; i++) if (text.includes(credentialList[i]!)) return true;
  return holdsWrapped(text) || holdsReferenced(text);
}

/**
 * `text` with every credential the server sends upstream replaced by `[redacted]` (longest first), its base64
 * spelling across MIME or PEM line breaks too (`withoutWrapped`).
 */
export function withoutCredentials(text: string): string {
  if (!holdsCredential(text)) return text;
  let out = withoutWrapped(text);
  for (const credential of credentialList) {
    if (out.includes(credential)) out = out.split(credential).join("[redacted]");
  }
  return withoutReferenced(out);
}

/**
 * The names HTML gives the characters a credential may hold (HTML5's `&sol;`, `&equals;`, `&plus;`... besides the
 * five every escaper writes), which an HTML escaper that names every character but letters and digits writes.
 */
const NAMED: Record<string, string> = {
  "&": "amp",
  "<": "lt",
  ">": "gt",
  '"': "quot",
  "'": "apos",
  "/": "sol",
  "=": "equals",
  "+": "plus",
  ":": "colon",
  ".": "period",
  _: "lowbar",
  "%": "percnt",
  "#": "num",
  "!": "excl",
  "?": "quest",
  ",": "comma",
  ";": "semi",
  "@": "commat",
  "(": "lpar",
  ")": "rpar",
  "*": "ast",
  $: "dollar",
  "[": "lsqb",
  "]": "rsqb",
  "{": "lcub",
  "}": "rcub",
  "|": "vert",
  "\\": "bsol",
  "^": "Hat",
  "`": "grave",
};

/**
 * One character of a credential as HTML text may write it: itself, a decimal or hex character reference (any case,
 * leading zeros, the `;` optional as HTML's parser takes it) or its name (`NAMED`).
 */
function referencePattern(char: string): string {
  const code = char.codePointAt(0)!;
  const hex = code
    .toString(16)
    .split("")
    .map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d))
    .join("");
  const named = Object.hasOwn(NAMED, char) ? `|&${NAMED[char]};` : "";
  return `(?:${char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")}|&#0*${code};?|&#[xX]0*${hex};?${named})`;
}

/** A character's name in `NAMED`, back to the character. */
const BY_NAME = new Map(Object.entries(NAMED).map(([char, name]) => [name, char]));

const ASCII = Array.from({ length: 128 }, (_, code) => String.fromCharCode(code));
const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isHexCode = (c: number) => isDigitCode(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isLetterCode = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * `text` with its character references decoded as HTML's parser takes them (`&#116;`, `&#x2D;`, the `;` optional
 * after a number, and the names in `NAMED`); other names stay as written. One pass over the `&`s, no regular
 * expression: an HTML page of 10 MB may hold a million references.
 */
function dereferenced(text: string): string {
  const parts: string[] = [];
  let from = 0;
  for (let at = text.indexOf("&"); at !== -1; at = text.indexOf("&", at + 1)) {
    let end = at + 1;
    let char: string | undefined;
    if (text.charCodeAt(end) === 35) {
      // #: decimal, or x/X and hex.
      const hex = (text.charCodeAt(end + 1) | 0x20) === 120;
      end += hex ? 2 : 1;
      const start = end;
      while (end - start < 7 && (hex ? isHexCode : isDigitCode)(text.charCodeAt(end))) end++;
      if (end === start) continue;
      let code = 0;
      for (let i = start; i < end; i++) {
        const d = text.charCodeAt(i);
        code = code * (hex ? 16 : 10) + (d <= 57 ? d - 48 : (d | 0x20) - 87);
      }
      if (code <= 0 || code > 0x10ffff) continue;
      char = code < 128 ? ASCII[code] : String.fromCodePoint(code);
      if (text.charCodeAt(end) === 59) end++;
    } else {
      while (end - at <= 8 && isLetterCode(text.charCodeAt(end))) end++;
      if (text.charCodeAt(end) !== 59) continue;
      char = BY_NAME.get(text.slice(at + 1, end));
      if (char === undefined) continue;
      end++;
    }
    parts.push(text.slice(from, at), char!);
    from = end;
    at = end - 1;
  }
  if (from === 0) return text;
  parts.push(text.slice(from));
  return parts.join("");
}

/**
 * The credentials `text` holds once its HTML character references are read (an error page whose escaper writes `-`
 * as `&#x2d;`, as OWASP's encoders do, or every character as `&#116;`): one linear pass to decode and a search per
 * credential. Only text holding a reference that could spell a credential's character is read (`referenceStartOf`).
 */
function referencedCredentials(text: string): string[] {
  if (credentials.size === 0 || !text.includes("&")) return [];
  if (lastReferenced?.text === text) return lastReferenced.found;
  referenceStart ??= referenceStartOf([...credentials.keys()]);
  if (!referenceStart.test(text)) return [];
  const decoded = dereferenced(text);
  const found = decoded === text ? [] : [...credentials.keys()].filter((value) => decoded.includes(value));
  lastReferenced = { text, found };
  return found;
}

/**
 * What a text holds where a reference could spell a character of one of `values`: `&#` (a number spells any), or
 * the name of one of their characters (`&sol;` for a `/`). A text with neither (plain text with its `&`s, a page
 * whose only references are `&amp;` and `&lt;` when no credential holds a `&` or a `<`) is not decoded.
 */
function referenceStartOf(values: readonly string[]): RegExp {
  const names = new Set<string>();
  for (const value of values)
    for (const char of value) if (Object.hasOwn(NAMED, char)) names.add(NAMED[char]!);
  return new RegExp(`&(?:#${names.size === 0 ? "" : `|(?:${[...names].join("|")});`})`);
}

/** `referenceStartOf` the credentials remembered, made when first asked after a change. */
let referenceStart: RegExp | undefined;

/** The last text `referencedCredentials` read and its answer (`withoutCredentials` asks twice of the same text). */
let lastReferenced: { text: string; found: string[] } | undefined;

function holdsReferenced(text: string): boolean {
  return referencedCredentials(text).length > 0;
}

/** `text` with each credential it holds through character references (`referencedCredentials`) replaced. */
function withoutReferenced(text: string): string {
  const found = referencedCredentials(text);
  if (found.length === 0) return text;
  const pattern = found
    .sort((a, b) => b.length - a.length)
    .map((value) => Array.from(value, referencePattern).join(""))
    .join("|");
  return text.replace(new RegExp(pattern, "g"), "[redacted]");
}

/**
 * `bytes` with every credential the server sends upstream (as UTF-8) replaced by `[redacted]`: a binary body is
 * shown as base64, where no text search would find one. The same bytes when none is there (no copy).
 */
export function withoutCredentialBytes(bytes: Uint8Array): Uint8Array {
  if (credentialList.length === 0 || bytes.byteLength < shortestCredential) return bytes;
  let out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const { needle, replacement } of credentialBytes) {
    if (out.indexOf(needle) === -1) continue;
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = out.indexOf(needle); at !== -1; at = out.indexOf(needle, from)) {
      parts.push(out.subarray(from, at), replacement);
      from = at + needle.byteLength;
    }
    parts.push(out.subarray(from));
    out = Buffer.concat(parts);
  }
  return out.buffer === bytes.buffer && out.byteLength === bytes.byteLength ? bytes : out;
}

/** Forgets every remembered credential (tests). */
export function forgetCredentials(): void {
  credentials.clear();
  lastRemembered = undefined;
  listCredentials();
}

/** How many values redaction currently replaces verbatim (tests). */
export function rememberedSecretCount(): { fixed: number; rotating: number } {
  return { fixed: fixedSecrets.size, rotating: rotatingSecrets.size };
}

/**
 * A value next to a credential-named key is taken for a credential unless it is a short plain word: prose such as
 * "'infra/db/credentials': No access policy grants" must stay readable.
 */
function credentialValue(match: string, key: string, sep: string, value: string): string {
  return /^[A-Za-z]{1,11}$/.test(value) ? match : `${key}${sep}[redacted]`;
}

/**
 * The value after an authorization scheme word. A lowercase word of up to 12 letters is prose, not a credential
 * (credentials are mixed case, carry digits or symbols, or are longer); remembered secrets are replaced verbatim
 * before the patterns run, whatever their shape.
 */
function authorizationValue(match: string, scheme: string): string {
  const value = match.slice(scheme.length).trimStart();
  return /^[a-z]{1,12}$/.test(value) ? match : `${scheme} [redacted]`;
}

type Rule = [RegExp, string | ((match: string, ...groups: string[]) => string)];

// A PEM private key, whole: from its BEGIN line to its END line, or to the end of a text cut before it. Its lines
// were caught one by one below, but a short last line (or one of letters only) was left in clear.
const PEM_KEY: Rule = [
  /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$)/g,
  "[redacted]",
];
// AWS access key ids (long-term AKIA, temporary ASIA, ...): 20 characters, too short for the opaque-string rule.
const AWS_KEY_ID: Rule = [
  /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{16}\b/g,
  "[redacted]",
];
// Authorization-style values; a lowercase word after one is prose ("digest mismatch", "token expired").
const AUTHORIZATION: Rule = [/\b(bearer|basic|token|digest)\s+[A-Za-z0-9._~+/=-]{6,}/gi, authorizationValue];
// key=value or key: value pairs whose key names a credential.
const CREDENTIAL_PAIR: Rule = [
  /\b((?:[a-z0-9]+[_-])?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth(?:orization)?|credentials?|session|cookie)(?:[_-][a-z0-9]+)?)(["']?\s*[:=]\s*["']?)([^\s"',;&}]+)/gi,
  credentialValue,
];
// JWTs.
const JWT: Rule = [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, "[redacted]"];

/**
 * An IPv6 address written without brackets: eight groups, or fewer around one `::` (`fe80::1%eth0`, `::1`). A clock
 * time (`12:15:37`) has neither; `std::string` is no match (its `::` is inside a word), nor `::` alone.
 */
const IPV6 =
  /(?<![\w:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){7}|[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6}::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})?|::[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,6})(?:%[\w.-]+)?(?![\w:.])/gi;

/** A dotted name's last label that makes it a file name, not a host (`catalog.index.json`, `tools.yaml:12:5`). */
const FILE_EXTENSION = "json|jsonl|mjs|cjs|js|ts|mts|cts|txt|yaml|yml|map|lock|log|gz|tgz";
const FILE_NAME = new RegExp(`\\.(?:${FILE_EXTENSION})$`, "i");

/**
 * `name:digits` is a host and port unless the name cannot be a host: one without a letter (`12:15` of a clock time,
 * `3:10` of a ratio), the date and hour of an ISO timestamp before its minutes (`2026-12-07T12:15`, `T12:15`), or a
 * file name before its line (`tools.yaml:12`). Any other name is taken for a host (`localhost:8080`, `redis:6379`).
 */
function hostPort(match: string): string {
  const name = match.slice(0, match.lastIndexOf(":"));
  if (!/[a-z]/i.test(name)) return match;
  if (/(?:^|\d{4}-\d{2}-\d{2})t\d{1,2}$/i.test(name)) return match;
  if (FILE_NAME.test(name)) return match;
  return "[host]";
}

const RULES: Rule[] = [
  PEM_KEY,
  AWS_KEY_ID,
  // URLs of any scheme, including ones with credentials in them.
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi, "[url]"],
  AUTHORIZATION,
  CREDENTIAL_PAIR,
  JWT,
  // E-mail addresses carry internal host names as often as not.
  [/\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b/gi, "[email]"],
  // IPv4 and bracketed IPv6, with optional port; IPv6 unbracketed, in full (eight groups) or compressed (`::`).
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, "[host]"],
  [/\[[0-9a-f:]{2,}\](?::\d{1,5})?/gi, "[host]"],
  [IPV6, "[host]"],
  // host:port (a name with a letter in it: a clock time or a ratio is none) and dotted host names (two or more
  // dots, or an internal-looking suffix).
  [/\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*:\d{2,5}\b/gi, hostPort],
  // A last label that is a file extension and no top-level domain makes it a file name (`catalog.index.json`).
  [new RegExp(`\\b(?:[a-z0-9-]+\\.){2,}(?!(?:${FILE_EXTENSION})\\b)[a-z]{2,}\\b`, "gi"), "[host]"],
  [
    /\b(?:[a-z0-9-]+\.)+(?:internal|local|localdomain|corp|lan|intra|intranet|svc|cluster|private|home)\b/gi,
    "[host]",
  ],
  // Long opaque strings mixing letters and digits (API keys, session ids, hashes).
  [/\b(?=[A-Za-z0-9_+/=-]*[0-9])(?=[A-Za-z0-9_+/=-]*[A-Za-z])[A-Za-z0-9_+/=-]{24,}/g, "[redacted]"],
  // Absolute file system paths (stack frames, config locations).
  [/(?:^|(?<=[\s"'(=]))(?:\/[\w.@-]+){2,}\/?/g, "[path]"],
];

/**
 * Inputs are cut before the patterns run: the patterns backtrack, and an upstream can send a long body. The
 * cut falls on whitespace, so it never leaves the unrecognisable first half of a token behind. A remembered
 * secret across the cut is kept whole to be replaced whole, and the cut on whitespace is made after the
 * replacement: a secret with spaces in it (a passphrase) halved there was no longer the value looked for, and its
 * first words went out in clear.
 */
const MAX_INPUT = 2000;

/** Where the cut falls: `MAX_INPUT`, or past it to the end of a remembered secret that begins before it. */
function cutAt(text: string): number {
  let end = MAX_INPUT;
  for (const values of known()) {
    for (const secret of values) {
      // Only where it could begin before the cut and end after it (not a walk of the whole long text).
      const at = text
        .slice(0, MAX_INPUT + secret.length - 1)
        .indexOf(secret, Math.max(0, MAX_INPUT - secret.length + 1));
      if (at !== -1 && at < MAX_INPUT) end = Math.max(end, at + secret.length);
    }
  }
  return end;
}

/**
 * Every remembered value redaction replaces (secrets, and credentials in each of their spellings), longest first,
 * so a secret holding another is replaced whole, never leaving its tail after the shorter one's `[redacted]`;
 * remade after a value is added, not when one only moves.
 */
let knownList: string[] | undefined;
const known = (): string[][] => {
  knownList ??= [...new Set([...fixedSecrets, ...rotatingSecrets, ...credentialList])].sort(
    (a, b) => b.length - a.length,
  );
  return [knownList];
};

/** Removes secrets, URLs, hosts and token-like strings from `text`; collapses it to one line. */
export function redact(text: string): string {
  const long = text.length > MAX_INPUT;
  let out = withoutWrapped(long ? text.slice(0, cutAt(text)) : text);
  for (const values of known()) {
    for (const secret of values) {
      if (out.includes(secret)) out = out.split(secret).join("[redacted]");
    }
  }
  if (long) {
    const space = out.search(/\s\S*$/);
    out = `${space > 0 ? out.slice(0, space) : ""} …`;
  }
  for (const [pattern, replacement] of RULES) out = applied(out, pattern, replacement);
  return out
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** `redact`, then cut to `max` characters on a word boundary where one is near. */
export function redactAndTruncate(text: string, max = 200): string {
  const clean = redact(text);
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

function applied(text: string, pattern: RegExp, replacement: Rule[1]): string {
  return text.replace(pattern, replacement as (m: string, ...g: string[]) => string);
}

/**
 * The words a query or fragment parameter's name ends in when it holds a credential (`api_key`, `access_token`,
 * `sig`, `X-Amz-Signature`, `password`, `key` alone): its value is withheld whatever it looks like. The name is read
 * as words (`splitWords`: camelCase, snake_case, kebab-case, dots), and its last word decides, as the head of an
 * English compound does: `password_policy`, `key_id`, `token_type` and `signature_method` name something about a
 * credential, not one; `author`, `keyword` and `tokenizer` are other words. A name written as one word is compared
 * whole (`apikey`, `accesstoken`, `sessionid`).
 *
 * This rule reads a URL's own text, a value someone wrote beside the name (a server URL, a base URL default, a Redis
 * URL, text shown to a person), so `key` and `token` alone count. Deciding whether an operation's parameter may be
 * a model argument (codegen/bind/credential-params.ts) is another question with its own lists: there `key` is a map
 * key or a resource's unless the spec says it is an API key, and withholding an argument the tool needs breaks it.
 */
const CREDENTIAL_WORDS = new Set([
  "key",
  "apikey",
  "token",
  "secret",
  "password",
  "passwd",
  "passphrase",
  "pass",
  "pwd",
  "auth",
  "authorization",
  "credential",
  "credentials",
  "creds",
  "signature",
  "sig",
  "session",
  "sessionid",
  "sessid",
  "phpsessid",
  "jsessionid",
  "sid",
  "cookie",
  "jwt",
  "bearer",
  // One-word spellings of two-word credentials (the last word alone is another word or the name is one word).
  "accesstoken",
  "accesskey",
  "authtoken",
  "authkey",
  "apitoken",
  "apisecret",
  "appkey",
  "appsecret",
  "apptoken",
  "clientsecret",
  "consumersecret",
  "secretkey",
  "privatekey",
  "refreshtoken",
  "idtoken",
  "oauthtoken",
  "sessiontoken",
  "securitytoken",
  "subscriptionkey",
  "usertoken",
]);
/**
 * Words before `key` or `token` that make it a pointer or a label, not a credential: a page or a cursor
 * (`pageToken`, `next_token`), an idempotency or a cache key, a public key.
 */
const NOT_CREDENTIAL_QUALIFIER = new Set([
  "page",
  "next",
  "continuation",
  "continue",
  "cursor",
  "sync",
  "pagination",
  "idempotency",
  "cache",
  "sort",
  "partition",
  "public",
]);
/** `session_id` is a session's credential: `id` after `session` names the credential itself. */
const SESSION_ID = /^(?:session|sess)$/;

/** A name's words, lower case: split at `-`, `_`, `.`, spaces and camelCase (`XApiKey`: x, api, key). */
export function splitWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
}

/** Whether a name read as words (`splitWords`) names a credential (see `CREDENTIAL_WORDS`). */
export function credentialName(name: string): boolean {
  const words = splitWords(name);
  // A version or a number after the name is not a new word (`X-Hub-Signature-256`, `key2`).
  while (words.length > 0 && /^\d+$/.test(words[words.length - 1] as string)) words.pop();
  const last = (words[words.length - 1] ?? "").replace(/\d+$/, "");
  const before = words[words.length - 2];
  if (last === "id" && before !== undefined && SESSION_ID.test(before)) return true;
  if (!CREDENTIAL_WORDS.has(last)) return false;
  return !(
    (last === "key" || last === "token") &&
    before !== undefined &&
    NOT_CREDENTIAL_QUALIFIER.has(before)
  );
}

/**
 * Values written in a known secret's format, each with what it is (never the value): a vendor's key or token prefix
 * followed by enough opaque characters that the text is no word, an AWS access key id, a JWT. A value so shaped where
 * a URL's host or path or a server variable's value stands is a credential whatever its name.
 */
const SECRET_FORMATS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?:^|[^A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{10,}/, "a Stripe secret key"],
  [/(?:^|[^A-Za-z0-9])sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/, "an OpenAI or Anthropic API key"],
  [/(?:^|[^A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/, "a GitHub token"],
  [/(?:^|[^A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/, "a GitLab token"],
  [/(?:^|[^A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/, "a Slack token"],
  [/(?:^|[^A-Za-z0-9])AIza[A-Za-z0-9_-]{35}/, "a Google API key"],
  [/(?:^|[^A-Za-z0-9])SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, "a SendGrid API key"],
  [/(?:^|[^A-Za-z0-9])npm_[A-Za-z0-9]{36}/, "an npm token"],
  [/(?:^|[^A-Za-z0-9])hf_[A-Za-z0-9]{30,}/, "a Hugging Face token"],
  [/(?:^|[^A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/, "an AWS access key id"],
  // Also where Telegram's URLs put it, after `bot` (`https://api.telegram.org/bot<token>/getMe`).
  [/(?:^|[^A-Za-z0-9]|(?<=bot))\d{6,12}:AA[A-Za-z0-9_-]{30,}/, "a Telegram bot token"],
  [/(?:^|[^A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/, "a JWT"],
];

/** Which known secret format `value` holds (`SECRET_FORMATS`: "a Stripe secret key"), or undefined. */
export function secretFormat(value: string): string | undefined {
  let text = value;
  try {
    text = decodeURIComponent(value);
  } catch {
    // Not well-formed percent-encoding: read as written.
  }
  return SECRET_FORMATS.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * The values in `text` written in a known secret's format (`SECRET_FORMATS`), as written, each with what it is
 * ("a Stripe secret key").
 */
export function secretFormatValues(text: string): Array<{ value: string; what: string }> {
  const out: Array<{ value: string; what: string }> = [];
  for (const [pattern, what] of SECRET_FORMATS)
    for (const m of text.matchAll(new RegExp(pattern.source, "g"))) {
      // The pattern's first character is the one before the value where the value does not start the text.
      const value = /^[^A-Za-z0-9]/.test(m[0]) ? m[0].slice(1) : m[0];
      out.push({ value, what });
    }
  return out;
}

/**
 * `text` with every value in it written in a known secret's format replaced by `[redacted]`, and what each was
 * ("a Stripe secret key"), never the value: prose (a description) or a shown value quoting a live key.
 */
export function withoutSecretFormats(text: string): { text: string; found: string[] } {
  const found: string[] = [];
  let out = text;
  for (const { value, what } of secretFormatValues(text)) {
    if (!found.includes(what)) found.push(what);
    out = out.split(value).join("[redacted]");
  }
  return { text: out, found };
}

/**
 * Remembers, as credentials redaction withholds everywhere (logs, errors, audit records, tool results), what a
 * configured URL (a base URL set in the environment) holds that is one: its password, the value of a query or
 * fragment parameter named as a credential, a value in a known secret's format in its host or path (Telegram's
 * `https://api.telegram.org/bot<token>/`). The URL is sent upstream with them, and an upstream's error that quotes
 * the request's URL reached the MCP client as written.
 */
export function rememberUrlCredentials(text: string): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return;
  }
  const decoded = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      return v;
    }
  };
  if (url.password) {
    rememberCredential(url.password);
    rememberCredential(decoded(url.password));
  }
  for (const part of [url.search.slice(1), url.hash.slice(1)])
    for (const pair of part.split("&")) {
      const eq = pair.indexOf("=");
      if (eq <= 0 || eq === pair.length - 1) continue;
      const value = pair.slice(eq + 1);
      if (credentialParameter(pair.slice(0, eq)) || secretFormat(value) !== undefined) {
        rememberCredential(value);
        rememberCredential(decoded(value.replace(/\+/g, " ")));
      }
    }
  for (const { value } of secretFormatValues(`${url.username}/${url.host}${url.pathname}`)) {
    rememberCredential(value);
    rememberCredential(decoded(value));
  }
}

/** The name of a query parameter as a server reads it (percent-decoded where that is well-formed). */
function parameterName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Whether a query or fragment parameter's name (as written, percent-encoded or not) says it holds a credential. */
export function credentialParameter(name: string): boolean {
  return credentialName(parameterName(name));
}

/**
 * A value a catalog, manifest or spec holds (an env variable's default, a base URL, a server URL) or a person
 * configured, as it is shown to a person: in `serve --help`, `diff`, `audit`, CATALOG.md, a packed README and a
 * configuration error. Its credentials are withheld and the rest is kept, so a reader still sees which host it
 * names: a URL's userinfo (`https://user:pass@host`, and `user:pass@host` without a scheme) up to its last `@`
 * before the path (and with it whatever else precedes an `@`: an e-mail's local part), the value of a query or fragment parameter named like a credential (`?api_key=`,
 * `#access_token=`), and what `redact` withholds in any text (a `key=value` pair naming a credential, an
 * Authorization value, a JWT, an AWS key id, a PEM private key), and a value in a known secret's format wherever it
 * stands (`secretFormat`: a Telegram bot token in a path). Each becomes `[redacted]`. A secret variable's value
 * is never shown at all: its callers say it has one.
 */
export function shownValue(value: string): string {
  let out = value
    // What precedes an `@` up to a space or a path, query or fragment delimiter, whatever the scheme or its slashes
    // (`https:user:pass@host` and `https:\\user:pass@host` reach the same host as `https://`).
    .replace(/[^\s\\/?#]*@/g, "[redacted]@")
    .replace(/([?&;#])([^=&;#\s]+)=([^&;#\s]*)/g, (match, sep: string, name: string, v: string) =>
      v !== "" && credentialParameter(name) ? `${sep}${name}=[redacted]` : match,
    );
  // A value is no prose: what follows a scheme word or a key naming a credential is withheld whatever it looks like.
  const scheme: Rule = [AUTHORIZATION[0], (_, word: string) => `${word} [redacted]`];
  const pair: Rule = [CREDENTIAL_PAIR[0], (_, key: string, sep: string) => `${key}${sep}[redacted]`];
  for (const [pattern, replacement] of [PEM_KEY, AWS_KEY_ID, scheme, pair, JWT])
    out = applied(out, pattern, replacement);
  // A value in a known secret's format, wherever it stands (a Telegram bot token in a base URL's path).
  return withoutSecretFormats(out).text;
}
