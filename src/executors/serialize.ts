import { type HttpParam, isDotSegment, isExactNumber } from "../catalog.js";
import { ArgumentError } from "./errors.js";

/**
 * Parameter serialisation per OpenAPI `style`/`explode` (the 3.1 "Style Examples" table). Every value is
 * percent-encoded before delimiters are added, so a value can never contribute a delimiter of its own:
 * `x&admin=true` stays one query value, `a/b` stays one path segment.
 */

type Shape =
  | { kind: "absent" }
  | { kind: "primitive"; value: string }
  | { kind: "array"; items: string[] }
  | { kind: "object"; entries: Array<[string, string]> };

function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  // A number beyond a double (a 64-bit id given as digits): the digits themselves.
  if (isExactNumber(value)) return value.rawJSON;
  // Nested structures have no style of their own; JSON is the least surprising rendering.
  return JSON.stringify(value) ?? "";
}

function shapeOf(param: Pick<HttpParam, "contentType">, value: unknown): Shape {
  if (value === undefined || value === null) return { kind: "absent" };
  if (param.contentType !== undefined) {
    const json = /[/+]json\b/i.test(param.contentType);
    return { kind: "primitive", value: json ? JSON.stringify(value) : scalarText(value) };
  }
  if (Array.isArray(value)) return { kind: "array", items: value.map(scalarText) };
  if (typeof value === "object" && !isExactNumber(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]): [string, string] => [k, scalarText(v)]);
    return { kind: "object", entries };
  }
  return { kind: "primitive", value: scalarText(value) };
}

const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 unreserved characters only; `encodeURIComponent` leaves `!'()*` alone, this does not. */
export function encodeStrict(text: string): string {
  // Unreserved characters only (the usual name, id or path segment): nothing to encode.
  if (UNRESERVED_ONLY.test(text)) return text;
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `allowReserved`: reserved characters pass unencoded, except `&`, `=`, `#` and `+`, which would end the value,
 * start another parameter, cut the URL or turn into a space. Safety wins over literalness there.
 */
const RESERVED_PASS: Record<string, string> = {
  "%3A": ":",
  "%2F": "/",
  "%3F": "?",
  "%40": "@",
  "%21": "!",
  "%24": "$",
  "%27": "'",
  "%28": "(",
  "%29": ")",
  "%2A": "*",
  "%2C": ",",
  "%3B": ";",
  "%5B": "[",
  "%5D": "]",
};
export function encodeAllowReserved(text: string): string {
  return encodeStrict(text).replace(
    /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B|5B|5D)/g,
    (m) => RESERVED_PASS[m] ?? m,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Query (and form bodies, which use the same `name=value&...` form)
// ---------------------------------------------------------------------------------------------------------------

/**
 * One `name=value` of a query string or a form body: `text` is the encoded piece, `name` the name it sets as
 * the server will decode it. Names matter on their own: an exploded object (`form` style) or a `deepObject`
 * takes names from the value's keys, so the request builder checks that no name comes from two places.
 */
export interface NamedPiece {
  name: string;
  text: string;
  /** The name came from the value (an exploded object's key), not from the parameter's declared name. */
  fromValue?: true;
}

/** How a form-like value is serialised: a query parameter, or a field of a form body (its `encoding`). */
export type FormStyle = Pick<HttpParam, "name" | "style" | "explode" | "allowReserved" | "contentType">;

/** Encoded `name=value` pieces with the names they set. An absent value yields none. */
export function formPieces(param: FormStyle, value: unknown): NamedPiece[] {
  const enc = param.allowReserved ? encodeAllowReserved : encodeStrict;
  const raw = param.name;
  const name = encodeStrict(raw);
  if (
    param.style === "deepObject" &&
    param.contentType === undefined &&
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    !isExactNumber(value)
  ) {
    return deepObject(raw, name, value as Record<string, unknown>, enc, 0);
  }
  if (param.style === "deepObject" && param.contentType === undefined && Array.isArray(value))
    return deepArray(raw, name, value, enc, 0);
  const shape = shapeOf(param, value);
  const one = (text: string): NamedPiece[] => [{ name: raw, text }];
  switch (shape.kind) {
    case "absent":
      return [];
    case "primitive":
      return one(`${name}=${enc(shape.value)}`);
    case "array": {
      if (shape.items.length === 0) return [];
      if (param.explode) return shape.items.map((item) => ({ name: raw, text: `${name}=${enc(item)}` }));
      refuseEncodedDelimiter(param, shape.items);
      return one(`${name}=${shape.items.map(enc).join(delimiter(param))}`);
    }
    case "object": {
      if (shape.entries.length === 0) return [];
      if (param.explode && param.style === "form")
        return explodedObject(value as Record<string, unknown>, enc);
      refuseEncodedDelimiter(param, shape.entries.flat());
      return one(`${name}=${shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(delimiter(param))}`);
    }
  }
}

/**
 * An object sent form-style, exploded: each property its own `name=value`, and a property holding an array its
 * name once per item, as an exploded array is sent (`page=0&size=20&sort=email,asc&sort=id,desc`: Spring's
 * `Pageable`, which springdoc publishes as one object query parameter). An array was sent as its JSON text
 * (`sort=%5B%22email%2Casc%22...`), which no framework reads as a list. Nested objects stay JSON.
 */
function explodedObject(value: Record<string, unknown>, enc: (text: string) => string): NamedPiece[] {
  const out: NamedPiece[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    const items = Array.isArray(v) ? v : [v];
    for (const item of items)
      out.push({ name: k, text: `${enc(k)}=${enc(scalarText(item))}`, fromValue: true });
  }
  return out;
}

/** A source of names: an argument, the credential, or the configured base URL. */
export type NameOwner = { arg: string } | { credential: true } | { baseUrl: true };

/**
 * Who set each name of one query string, cookie header or form body: every name must come from exactly one
 * source. Otherwise an exploded object could add `api_key=attacker` before the credential's own `api_key`, or a
 * second `tenant` before the locked one, and many servers take the first value they see. Names are compared as
 * loosely as servers read them (`nameKey`, `unclosedKey`): a bracketed name (`page[size]`) is a path, and two
 * names clash when one's path is the other's or leads to it (`page` and `page[size]`: PHP and Rack make `page` an
 * array of the one or a string of the other), not when they only share a root (`page[size]` and `page[number]`
 * are two members of one array, JSON:API's pagination and filters).
 */
export class NameOwners {
  private readonly owners = new Map<string, NameOwner>();
  /** The sources that claimed a name under each path prefix (`page` of `page[size]`); empty without brackets. */
  private readonly under = new Map<string, NameOwner[]>();
  /** Names the binding declares, by the arguments declaring them: theirs whether or not the call gives them. */
  private readonly declared = new Map<string, Set<string>>();
  /** The arguments declaring a name under each path prefix. */
  private readonly declaredUnder = new Map<string, Set<string>>();
  constructor(private readonly where: string) {}

  /**
   * Reserves a declared name for its absent argument: a policy reads the scoped path, listing prefix or
   * tenant from its own argument, so an exploded object that adds `path=infra/db` while `path` is absent would
   * reach the upstream unchecked. A name PHP reads otherwise (`api[key` is its `api_key`) is reserved under that
   * reading too.
   */
  reserve(name: string, arg: string): void {
    for (const key of nameKeys(name)) this.reserveKey(key, arg);
  }

  /** `reserve` with a reading of the name (`nameKeys`) already made (a declared name's, made once per binding). */
  reserveKey(key: string, arg: string): void {
    addTo(this.declared, key, arg);
    for (const prefix of prefixesOf(key)) addTo(this.declaredUnder, prefix, arg);
  }

  /**
   * `own`: the name is the one the spec declares for this argument, sent as declared (a scalar or a list, not a
   * name an object made up).
   */
  claim(name: string, owner: NameOwner, own = false): void {
    // A name PHP reads otherwise (`api[key` is its `api_key`) is claimed under that reading too.
    for (const key of nameKeys(name)) this.claimKey(key, name, owner, own);
  }

  /** `claim` with a reading of the name (`nameKeys`) already made. */
  claimKey(key: string, name: string, owner: NameOwner, own = false): void {
    const prefixes = prefixesOf(key);
    if ("arg" in owner) {
      // Another parameter declaring a name servers read as this one (`a[b` and `a_b`, `a.c` and `a_c`: one name to
      // PHP, two to the spec) does not make an argument sending its own declared name unsendable: each was refused
      // even when given alone. Both in one call still clash, as two owners of one name; their words are the same,
      // so every policy reads them alike (a tenant lock by their folded name, a path scope by their words).
      if (!own) this.refuseDeclared(this.declared.get(key), name, owner.arg);
      // A name reserved below this one (`limit[subcategories]` under `limit`) is not filled in by it: a value
      // for `limit` gives `limit[subcategories]` none. So an argument sending its own declared name is not
      // refused for one: App Store Connect declares `limit` beside `limit[<relationship>]` in 49 of its 296
      // operations, and every call giving `limit` was refused. A name an object made up (an exploded `opts`
      // adding `limit`) still is; and the other way round (`limit[x]` while `limit` is reserved) reads as a
      // value of `limit` (PHP and Rack make it an array), so it is refused, as before.
      if (!own) this.refuseDeclared(this.declaredUnder.get(key), name, owner.arg);
      for (const prefix of prefixes) this.refuseDeclared(this.declared.get(prefix), name, owner.arg);
    }
    for (const prefix of prefixes) {
      const above = this.owners.get(prefix);
      if (above !== undefined) this.refuseClash(above, owner, name);
    }
    for (const below of this.under.get(key) ?? []) this.refuseClash(below, owner, name);
    const current = this.owners.get(key);
    if (current === undefined) this.owners.set(key, owner);
    else this.refuseClash(current, owner, name);
    for (const prefix of prefixes) {
      const sources = this.under.get(prefix);
      if (sources === undefined) this.under.set(prefix, [owner]);
      else if (!sources.some((source) => sameOwner(source, owner))) sources.push(owner);
    }
  }

  private refuseDeclared(declaredBy: Set<string> | undefined, name: string, arg: string): void {
    if (declaredBy === undefined) return;
    const others = [...declaredBy].filter((other) => other !== arg);
    if (others.length === 0) return;
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    const by = others.filter((other) => !other.startsWith("$env:"));
    throw new ArgumentError(
      `argument '${arg}' would set the ${this.where} name ${shown}, which ${by.length > 0 ? `belongs to argument '${by[0]}'` : "the server's configuration sets"}; set it through that argument only`,
    );
  }

  private refuseClash(current: NameOwner, owner: NameOwner, name: string): void {
    if (sameOwner(current, owner)) return;
    const [arg, other] = "arg" in owner ? [owner, current] : [current, owner];
    if (!("arg" in arg)) throw new Error(`the ${this.where} name ${name} has two fixed sources`);
    const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
    if ("credential" in other) {
      throw new ArgumentError(
        `argument '${arg.arg}' would set the ${this.where} name ${shown}, which carries a credential: it would override a credential and is refused`,
      );
    }
    if ("baseUrl" in other) {
      throw new ArgumentError(
        `argument '${arg.arg}' would set the ${this.where} name ${shown}, which the configured base URL sets, and is refused`,
      );
    }
    throw new ArgumentError(
      `arguments '${other.arg}' and '${arg.arg}' would both set the ${this.where} name ${shown}; each name may come from one argument only`,
    );
  }
}

function addTo(map: Map<string, Set<string>>, key: string, arg: string): void {
  const args = map.get(key);
  if (args === undefined) map.set(key, new Set([arg]));
  else args.add(arg);
}

/** The path separator of a `nameKey` (`page[size]` is `page` + SEP + `size`): a NUL ends every name read. */
const SEP = "\0";

/** A key's proper prefixes (`a`, `a SEP b` of `a SEP b SEP c`); none for a name without brackets. */
function prefixesOf(key: string): string[] {
  const out: string[] = [];
  for (let at = key.indexOf(SEP); at !== -1; at = key.indexOf(SEP, at + 1)) out.push(key.slice(0, at));
  return out;
}

function sameOwner(a: NameOwner, b: NameOwner): boolean {
  if ("arg" in a) return "arg" in b && a.arg === b.arg;
  return ("credential" in a && "credential" in b) || ("baseUrl" in a && "baseUrl" in b);
}

/**
 * A query, form or cookie name as the loosest server reads it: case-insensitively, up to a NUL byte, without
 * leading whitespace, with `.` and spaces as `_` in its root, and each closed, non-empty `[index]` after the root
 * as a step of its path (`page[size]` is `page` then `size`), as PHP, Rack and qs read it. PHP
 * (php_register_variable_ex, for the query, form and multipart bodies and cookies alike) drops a name's leading
 * spaces, ends it at a NUL byte (a C string) and turns `.` and spaces into `_`: `%20api_key`, `api_key%00x` and
 * `api.key` all set `api_key` there. The path stops at an empty index (`ids[]` appends to `ids`, whatever its
 * members are named) and at an index never closed (`a[b`, see `unclosedKey`), so it is the part of the name every
 * reading shares; names clash when one path is the other's or leads to it (`NameOwners`).
 */
export function nameKey(name: string): string {
  const text = name.includes("\0") ? name.split("\0")[0]! : name;
  const root = readKey(text, true);
  let at = text.indexOf("[");
  if (at === -1) return root;
  let key = root;
  while (text[at] === "[") {
    const close = text.indexOf("]", at + 1);
    if (close === -1 || close === at + 1) break;
    key += `${SEP}${text.slice(at + 1, close).toLowerCase()}`;
    at = close + 1;
  }
  return key;
}

/** Every reading of a name that `NameOwners` compares: its `nameKey`, and its `unclosedKey` when it has one. */
export function nameKeys(name: string): string[] {
  const php = unclosedKey(name);
  return php === undefined ? [nameKey(name)] : [nameKey(name), php];
}

/**
 * How PHP reads a name whose first `[` has no `]` after it, which is then no index: as a plain name with that `[`
 * (and every `[`, `.` and space after it) as `_`, so `api[key` sets `api_key` (php_register_variable_ex).
 * `undefined` for every other name, which `nameKey` reads as PHP does.
 */
export function unclosedKey(name: string): string | undefined {
  const head = name.split("\0")[0]!.replace(/^\s+/, "");
  const open = head.indexOf("[");
  if (open <= 0 || head.includes("]", open)) return undefined;
  return head.toLowerCase().replace(/[.\s[]/g, "_");
}

/** `nameKey`, or with leading whitespace kept (as `_`) when `dropLeading` is false. */
function readKey(name: string, dropLeading: boolean): string {
  const head = name.split(/[[\0]/)[0]!;
  return (dropLeading ? head.replace(/^\s+/, "") : head).toLowerCase().replace(/[.\s]/g, "_");
}

/**
 * Query and form field names frameworks read as the request's real method (Symfony and Laravel's `_method`, Rails',
 * Express's method-override), compared as `nameKey` reads them (`_METHOD`, `.method`, `_method[]`): with one, a
 * tool would do what its binding does not (a POST that needs no confirmation executed as a DELETE).
 */
const METHOD_OVERRIDES = new Set(["_method", "x-http-method-override", "x-http-method", "x-method-override"]);

/** Whether a query or form field name (as `nameKey` gives it) is a method override (`METHOD_OVERRIDES`). */
export function isMethodOverrideKey(key: string): boolean {
  return METHOD_OVERRIDES.has(key);
}

/**
 * Whether a query or form field name, as it goes on the wire (decoded), is read as a method override by some
 * framework: as `nameKey` reads it, which drops leading spaces as PHP does (` _method` is Laravel's and Symfony's
 * `_method`) and Rack does after a separator (`a=1& _method=DELETE` is Rails' `_method`) and ends it at a NUL as
 * PHP does (`_method%00x`), or with a leading space read as `_` (` method`). (An unclosed `[`, `unclosedKey`,
 * makes none of these names: PHP reads no name that starts with one.)
 */
export function isMethodOverrideName(name: string): boolean {
  return isMethodOverrideKey(readKey(name, true)) || isMethodOverrideKey(readKey(name, false));
}

/**
 * The field names of an encoded form (`a=1&b=2`) as the parsers of upstreams read them: split at `&`, and at `;`
 * too, as Go's net/url before 1.17 and Python's parse_qsl before 3.9.2 did (`a=1;_method=DELETE` set `_method`
 * for gorilla/handlers' method override). Names are decoded as URLSearchParams decodes them.
 */
export function encodedFormNames(form: string): string[] {
  return [
    ...new Set([
      ...new URLSearchParams(form).keys(),
      ...new URLSearchParams(form.replaceAll(";", "&")).keys(),
    ]),
  ];
}

/** Encoded `name=value` pieces, to be joined with `&`. An absent value yields none. */
export function serializeQueryParam(param: HttpParam, value: unknown): string[] {
  return formPieces(param, value).map((piece) => piece.text);
}

/**
 * `spaceDelimited` and `tabDelimited` join members with a space or a tab percent-encoded (`%20`, `%09`), which is
 * also how a space or tab inside a member is encoded: `["a b", "c"]` would be sent as `a%20b%20c`, three items to
 * any reader. A member holding the delimiter is refused. (A `,` or `|` inside a member is encoded, `%2C`, `%7C`,
 * unlike the delimiter itself, as RFC 6570 and OpenAPI's style examples send it.)
 */
function refuseEncodedDelimiter(param: FormStyle, members: readonly string[]): void {
  const raw = param.style === "spaceDelimited" ? " " : param.style === "tabDelimited" ? "\t" : undefined;
  if (raw === undefined) return;
  const at = members.findIndex((member) => member.includes(raw));
  if (at !== -1)
    throw memberRefused(
      `argument for '${param.name}'`,
      `member ${at + 1}`,
      raw,
      `its members (${param.style})`,
    );
}

function delimiter(param: FormStyle): string {
  if (param.style === "spaceDelimited") return "%20";
  if (param.style === "pipeDelimited") return "|";
  if (param.style === "tabDelimited") return "%09";
  return ",";
}

/** `color[R]=100&color[G]=200`; nested objects nest brackets, arrays repeat the key. */
function deepObject(
  rawPrefix: string,
  prefix: string,
  value: Record<string, unknown>,
  enc: (s: string) => string,
  depth: number,
): NamedPiece[] {
  if (depth > 32) throw new ArgumentError(`argument for '${rawPrefix}' is nested too deeply`);
  const out: NamedPiece[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    const raw = `${rawPrefix}[${key}]`;
    const path = `${prefix}[${enc(key)}]`;
    if (Array.isArray(item)) {
      out.push(...deepArray(raw, path, item, enc, depth + 1));
    } else if (typeof item === "object" && !isExactNumber(item)) {
      out.push(...deepObject(raw, path, item as Record<string, unknown>, enc, depth + 1));
    } else {
      out.push({ name: raw, text: `${path}=${enc(scalarText(item))}` });
    }
  }
  return out;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !isExactNumber(value);

/**
 * An array under deepObject, at the top or inside an object: a scalar item is sent with empty brackets
 * (`expand[]=customer&expand[]=invoice`), an object item with its index
 * (`line_items[0][price]=p&line_items[0][quantity]=2`), as Stripe documents its arrays and Rack, qs and PHP read
 * them. A repeated bare key (`expand=a&expand=b`) is read by Rack and PHP as its last value alone, and an object
 * item was sent as its JSON text (`line_items={"price":...}`), which none decodes.
 */
function deepArray(
  rawPrefix: string,
  prefix: string,
  items: unknown[],
  enc: (s: string) => string,
  depth: number,
): NamedPiece[] {
  return items.flatMap((element, i) =>
    isPlainObject(element)
      ? deepObject(`${rawPrefix}[${i}]`, `${prefix}[${i}]`, element, enc, depth + 1)
      : [{ name: `${rawPrefix}[]`, text: `${prefix}[]=${enc(scalarText(element))}` }],
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Path
// ---------------------------------------------------------------------------------------------------------------

/** Decodes `%XX` repeatedly (to a fixed point), so double-encoded traversal is seen for what it is. */
export function decodeFully(text: string): string {
  let current = text;
  for (let i = 0; i < 5; i++) {
    const next = current.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Whether the text may hold a `.` or `..` segment at all: without a `%` nothing decodes, without a `.` no segment
 * is `.` or `..`, and without a character beyond ASCII none reads as a dot or a slash (below), so the usual value
 * needs no closer look.
 */
export function mayHoldDotSegment(text: string): boolean {
  return text.includes(".") || text.includes("%") || BEYOND_ASCII.test(text);
}

const BEYOND_ASCII = /[^\x00-\x7f]/;

/**
 * Characters an upstream may read as a dot or a slash: what Unicode's compatibility normalisation (NFKC) makes
 * them (fullwidth `．` `／` `＼`, the one- and two-dot leaders `․` `‥`, the small full stop `﹒`), which some
 * frameworks apply to paths, and the division slash and set minus (`∕` `∖`) that Windows' best-fit code page
 * conversion turns into `/` and `\` as it does the fullwidth forms (the "WorstFit" attacks).
 */
function asUpstreamMayRead(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\u2215/g, "/")
    .replace(/\u2216/g, "\\");
}

/**
 * `%XX` sequences decoded as UTF-8 (repeatedly, as `decodeFully`), each run of them on its own and leniently (bytes
 * that form no character become U+FFFD, as a lenient upstream reads them): one bad sequence elsewhere in the value
 * (`%EF%BC%8E%EF%BC%8E/%E0`) must not leave the rest undecoded, which whole-text `decodeURIComponent` did.
 */
function decodeUtf8Fully(text: string): string {
  let current = text;
  for (let i = 0; i < 5 && current.includes("%"); i++) {
    const next = current.replace(PERCENT_RUN, (run) =>
      Buffer.from(run.replace(/%/g, ""), "hex").toString("utf8"),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}

const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;

/** Whether a segment (split at `/` and `\\`) is `.` or `..`, or what Windows reads as them (`isDotSegment`). */
function holdsDotSegment(text: string): boolean {
  return text.split(/[/\\]/).some(isDotSegment);
}

/**
 * True when the value, decoded, holds a `.` or `..` segment (`..`, `%2e%2e`, `.%2e`, `a/../b`, `..\\x`), also once
 * compatibility characters are read as the dots and slashes they look like (`．．`, `‥`, `%EF%BC%8E%EF%BC%8E`,
 * `a／．．／b`).
 */
export function hasDotSegment(text: string): boolean {
  if (!mayHoldDotSegment(text)) return false;
  if (holdsDotSegment(decodeFully(text))) return true;
  const utf8 = decodeUtf8Fully(text);
  return BEYOND_ASCII.test(utf8) && holdsDotSegment(asUpstreamMayRead(utf8));
}

function pathScalar(param: HttpParam, text: string): string {
  if (text === "") throw new ArgumentError(`path argument '${param.arg}' must not be empty`);
  if (hasDotSegment(text)) {
    throw new ArgumentError(
      `path argument '${param.arg}' must not be or contain a '.' or '..' segment (percent-encoded, followed by dots, spaces or a ':' stream a Windows server drops, or written with characters an upstream may read as dots and slashes, such as '．' or '‥', included)`,
    );
  }
  return encodeStrict(text);
}

function multiSegment(param: HttpParam, text: string): string {
  return text
    .split("/")
    .map((segment) => {
      if (segment === "")
        throw new ArgumentError(`path argument '${param.arg}' must not contain empty segments`);
      if (segment.includes("\\"))
        throw new ArgumentError(`path argument '${param.arg}' must not contain backslashes`);
      if (hasDotSegment(segment)) {
        throw new ArgumentError(`path argument '${param.arg}' must not contain '.' or '..' segments`);
      }
      return encodeStrict(segment);
    })
    .join("/");
}

/**
 * Exploded label style separates members with `.` (`.a.b`, `.k=v.k2=v2`), which RFC 6570 and percent-encoding
 * leave as it is inside a value (it is unreserved; `%2E` is the same character to a URL normaliser): an item `1.2`
 * would be read as two. A member holding a `.` is refused.
 */
function refuseLabelDots(
  param: HttpParam,
  shape: { kind: "array"; items: string[] } | { kind: "object"; entries: Array<[string, string]> },
): void {
  const members = shape.kind === "array" ? shape.items : shape.entries.flat();
  const at = members.findIndex((member) => member.includes("."));
  if (at !== -1)
    throw memberRefused(
      `path argument '${param.arg}'`,
      `member ${at + 1}`,
      ".",
      "its members (label, exploded)",
    );
}

/** The encoded text that replaces `{name}` in the path template. */
export function serializePathParam(param: HttpParam, value: unknown): string {
  const shape = shapeOf(param, value);
  if (shape.kind === "absent") throw new ArgumentError(`path argument '${param.arg}' is required`);
  if (param.multiSegment && shape.kind === "primitive") return multiSegment(param, shape.value);
  const enc = (text: string) => pathScalar(param, text);
  const name = encodeStrict(param.name);
  const explode = param.explode;
  switch (param.style) {
    case "label": {
      if (shape.kind === "primitive") return shape.value === "" ? "." : `.${enc(shape.value)}`;
      if (explode) refuseLabelDots(param, shape);
      if (shape.kind === "array") return `.${shape.items.map(enc).join(explode ? "." : ",")}`;
      return explode
        ? `.${shape.entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join(".")}`
        : `.${shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(",")}`;
    }
    case "matrix": {
      if (shape.kind === "primitive") return shape.value === "" ? `;${name}` : `;${name}=${enc(shape.value)}`;
      if (shape.kind === "array") {
        return explode
          ? shape.items.map((item) => `;${name}=${enc(item)}`).join("")
          : `;${name}=${shape.items.map(enc).join(",")}`;
      }
      return explode
        ? shape.entries.map(([k, v]) => `;${enc(k)}=${enc(v)}`).join("")
        : `;${name}=${shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(",")}`;
    }
    default: {
      if (shape.kind === "primitive") return enc(shape.value);
      if (shape.kind === "array") {
        if (shape.items.length === 0)
          throw new ArgumentError(`path argument '${param.arg}' must not be empty`);
        return shape.items.map(enc).join(delimiter(param));
      }
      if (shape.entries.length === 0)
        throw new ArgumentError(`path argument '${param.arg}' must not be empty`);
      return explode
        ? shape.entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join(",")
        : shape.entries.flatMap(([k, v]) => [enc(k), enc(v)]).join(",");
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Header and cookie
// ---------------------------------------------------------------------------------------------------------------

/** Swagger 2.0's `ssv`, `pipes` and `tsv` header arrays (OpenAPI 3 has only simple style, `a,b`, for headers). */
const HEADER_DELIMITERS = new Map<HttpParam["style"], string>([
  ["spaceDelimited", " "],
  ["pipeDelimited", "|"],
  ["tabDelimited", "\t"],
]);

/**
 * Simple style (a Swagger 2.0 delimited array joined by its delimiter); `undefined` when absent. CR/LF (header
 * splitting) and other control characters are refused, and so is a member holding the character that separates
 * members (`headerMembers`).
 */
export function serializeHeaderParam(param: HttpParam, value: unknown): string | undefined {
  const shape = shapeOf(param, value);
  let text: string;
  switch (shape.kind) {
    case "absent":
      return undefined;
    case "primitive":
      text = shape.value;
      break;
    case "array":
    case "object":
      text = headerMembers(param, shape);
      break;
  }
  // Printable ASCII and tabs only (the usual value) pass at once; anything else is told apart below.
  if (!/[^\t\u0020-\u007e]/.test(text)) return text;
  if (/[\r\n]/.test(text))
    throw new ArgumentError(`header argument '${param.arg}' must not contain CR or LF`);
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(text)) {
    throw new ArgumentError(`header argument '${param.arg}' must not contain control characters`);
  }
  if (/[^\u0000-\u007f]/.test(text)) {
    throw new ArgumentError(`header argument '${param.arg}' must be ASCII`);
  }
  return text;
}

/**
 * An array or object header value joined as its style joins it: items by `,` (or a Swagger 2.0 array's space, `|` or
 * tab), an object's keys and values by `,`, exploded as `key=value` pairs. A header value is not percent-decoded
 * (OpenAPI's simple style for headers sends values as they are), so a member holding its separator cannot be
 * encoded: it is refused. Sent, `["a,b"]` would reach the upstream as two items, and `{ role: "user,admin=true" }`
 * exploded as `role=user,admin=true`, a member the arguments never had.
 */
function headerMembers(
  param: HttpParam,
  shape: { kind: "array"; items: string[] } | { kind: "object"; entries: Array<[string, string]> },
): string {
  const where = `header argument '${param.arg}'`;
  if (shape.kind === "array") {
    const delimiter = HEADER_DELIMITERS.get(param.style) ?? ",";
    const at = shape.items.findIndex((item) => item.includes(delimiter));
    if (at !== -1) throw memberRefused(where, `item ${at + 1}`, delimiter, "its items");
    return shape.items.join(delimiter);
  }
  for (const [key, value] of shape.entries) {
    const shown = JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
    if (key.includes(",")) throw memberRefused(where, `the key ${shown}`, ",", "its members");
    if (param.explode && key.includes("="))
      throw memberRefused(where, `the key ${shown}`, "=", "a key from its value");
    if (value.includes(",")) throw memberRefused(where, `the value of ${shown}`, ",", "its members");
  }
  return param.explode
    ? shape.entries.map(([k, v]) => `${k}=${v}`).join(",")
    : shape.entries.flat().join(",");
}

/**
 * A member (array item, object key or value) holding the character its style separates members with, where no
 * encoding tells the two apart: a header value is sent as it is, and a space or tab is percent-encoded exactly as
 * the delimiter of `spaceDelimited` and `tabDelimited` is, a `.` not at all (label style).
 */
function memberRefused(where: string, member: string, delimiter: string, separates: string): ArgumentError {
  const shown = delimiter === "\t" ? "a tab" : delimiter === " " ? "a space" : `'${delimiter}'`;
  return new ArgumentError(
    `${where}: ${member} holds ${shown}, which separates ${separates} as this parameter is sent; nothing would tell the two apart, so it is refused`,
  );
}

/**
 * Form style `name=value` pieces for the Cookie header, values percent-encoded so `;` cannot add a cookie. An
 * object value is never exploded into cookies of its own: its keys would become cookie names, chosen by whoever
 * wrote the arguments (a `session` key next to the credential's `session` cookie). It is refused instead.
 */
export function serializeCookieParam(param: HttpParam, value: unknown): string[] {
  const shape = shapeOf(param, value);
  const name = param.name;
  if (shape.kind === "object" && param.explode && shape.entries.length > 0) {
    throw new ArgumentError(
      `cookie argument '${param.arg}' is an object: exploded, its keys would become cookie names, which arguments never choose`,
    );
  }
  switch (shape.kind) {
    case "absent":
      return [];
    case "primitive":
      return [`${name}=${encodeStrict(shape.value)}`];
    case "array":
      return param.explode
        ? shape.items.map((item) => `${name}=${encodeStrict(item)}`)
        : [`${name}=${shape.items.map(encodeStrict).join(",")}`];
    case "object":
      // Exploded: only an empty object gets here (refused above otherwise), and it sets nothing.
      return param.explode
        ? []
        : [`${name}=${shape.entries.flatMap(([k, v]) => [encodeStrict(k), encodeStrict(v)]).join(",")}`];
  }
}
