/**
 * Where a JSON pointer sits in a (valid) JSON text, for located diagnostics, without a syntax tree: one pass over
 * the text records, for each value in document order, where it starts, where its key starts (members of an
 * object) and how many values its subtree holds, in three typed arrays (12 bytes a value). A pointer is followed
 * by stepping over siblings' subtrees. The YAML parser, which reads JSON too, kept a node object and the decoded
 * string of every scalar: for a 1 MB spec whose strings are full of escapes (digitalocean.com's code samples) that
 * was some 60 MB alive for the rest of the generate, from its first located warning on.
 *
 * What it answers is what the YAML parser's nodes answered: the offset of the value (or of its key, `key`), or of
 * the deepest value the pointer reaches when a segment names nothing there (a missing key or index, a segment
 * past a string), as a 1-based line and a column counted in UTF-16 code units.
 */

/** A 1-based line and column. */
export interface LineCol {
  line: number;
  col: number;
}

const OPEN_OBJECT = 123; // {
const OPEN_ARRAY = 91; // [
const CLOSE_OBJECT = 125; // }
const CLOSE_ARRAY = 93; // ]
const QUOTE = 34;
const BACKSLASH = 92;

/** The values of a JSON text in document order: their starts, their keys' starts (-1: none) and subtree sizes. */
interface JsonIndex {
  start: Int32Array;
  key: Int32Array;
  size: Int32Array;
  count: number;
}

/** The offset just past the string whose opening quote is at `quote`. */
function stringEnd(text: string, quote: number): number {
  let i = quote + 1;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return close + 1;
    i = close + 1;
  }
}

/** The offset of the first character at or after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  let c = text.charCodeAt(i);
  while (c === 32 || c === 10 || c === 13 || c === 9) c = text.charCodeAt(++i);
  return i;
}

/** The offset just past the number or literal starting at `i`. */
function literalEnd(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === CLOSE_ARRAY || c === CLOSE_OBJECT || c === 32 || c === 10 || c === 13 || c === 9)
      break;
  }
  return i;
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

/** One pass over a valid JSON text (JSON.parse accepted it). */
function indexJson(text: string): JsonIndex {
  let capacity = 1024;
  let start = new Int32Array(capacity);
  let key = new Int32Array(capacity);
  let size = new Int32Array(capacity);
  let count = 0;
  const open: number[] = [];
  let pendingKey = -1;
  const add = (at: number): number => {
    if (count === capacity) {
      capacity *= 2;
      start = grow(start);
      key = grow(key);
      size = grow(size);
    }
    start[count] = at;
    key[count] = pendingKey;
    size[count] = 1;
    pendingKey = -1;
    return count++;
  };
  for (let i = skipSpace(text, 0); i < text.length; i = skipSpace(text, i)) {
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      open.push(add(i));
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      const node = open.pop() as number;
      size[node] = count - node;
      i++;
    } else if (c === 44 || c === 58) {
      i++; // `,` and `:`
    } else if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (text.charCodeAt(skipSpace(text, end)) === 58) pendingKey = i;
      else add(i);
      i = end;
    } else {
      add(i); // a number, true, false or null: up to the next delimiter or space
      i = literalEnd(text, i);
    }
  }
  return { start, key, size, count };
}

/** The key whose opening quote is at `quote`, decoded. */
function keyAt(text: string, quote: number): string {
  const raw = text.slice(quote, stringEnd(text, quote));
  return raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
}

/** The child of container `node` that `segment` names, or -1. */
function childNamed(text: string, index: JsonIndex, node: number, segment: string): number {
  const isObject = text.charCodeAt(index.start[node] as number) === OPEN_OBJECT;
  const position = isObject ? -1 : Number(segment);
  const end = node + (index.size[node] as number);
  for (let child = node + 1, n = 0; child < end; child += index.size[child] as number, n++) {
    if (isObject ? keyAt(text, index.key[child] as number) === segment : n === position) return child;
  }
  return -1;
}

/** The offset `segments` lead to (see the module's comment), or undefined for an empty text. */
function offsetOf(
  text: string,
  index: JsonIndex,
  segments: readonly string[],
  key: boolean,
): number | undefined {
  if (index.count === 0) return undefined;
  let node = 0;
  for (let i = 0; i < segments.length; i++) {
    const c = text.charCodeAt(index.start[node] as number);
    if (c !== OPEN_OBJECT && c !== OPEN_ARRAY) break;
    const child = childNamed(text, index, node, segments[i] as string);
    if (child === -1) break;
    if (key && i === segments.length - 1 && (index.key[child] as number) >= 0) return index.key[child];
    node = child;
  }
  return index.start[node];
}

/** The offsets at which lines 2, 3, ... start. */
function lineStarts(text: string): number[] {
  const starts: number[] = [];
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", nl + 1)) starts.push(nl + 1);
  return starts;
}

function lineColAt(starts: readonly number[], offset: number): LineCol {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((starts[mid] as number) <= offset) low = mid + 1;
    else high = mid;
  }
  return { line: low + 1, col: offset - (low === 0 ? 0 : (starts[low - 1] as number)) + 1 };
}

/**
 * A locator for a valid JSON text (one JSON.parse accepted): pointer segments (decoded) to a line and column. The
 * index is made on the first question and kept with the text.
 */
export function jsonPositions(text: string): (segments: string[], key: boolean) => LineCol | undefined {
  let index: JsonIndex | undefined;
  let starts: number[] | undefined;
  return (segments, key) => {
    index ??= indexJson(text);
    starts ??= lineStarts(text);
    const offset = offsetOf(text, index, segments, key);
    return offset === undefined ? undefined : lineColAt(starts, offset);
  };
}
