import { isExactNumber, setOwn } from "../catalog.js";
/**
 * Result field paths as the manifest writes them (`value`, `data.*`, `items.path`): dot-separated keys, `*`
 * for every key of an object or every element of an array. Arrays met on the way are looked through, so
 * `items.value` reaches the `value` of every element of `items`.
 */

export function splitPath(path: string): string[] {
  return path === "" ? [] : path.split(".");
}

/**
 * A copy of `root` in which every value at `path` is replaced by `fn(value)`. Untouched branches are shared,
 * not copied; missing keys stay missing (a path never adds a field). With `scalarsOnTheWay`, a scalar met
 * before the end of the path (`"data": "x"` for `data.*`) is passed to `fn` too, as is a value nested deeper
 * than the walk reads: masking must not let a secret through because it sits higher than the path says.
 */
export function mapAtPath(
  root: unknown,
  path: readonly string[],
  fn: (value: unknown) => unknown,
  scalarsOnTheWay = false,
): unknown {
  return walk(root, path, 0, fn, scalarsOnTheWay);
}

function walk(
  value: unknown,
  path: readonly string[],
  depth: number,
  fn: (value: unknown) => unknown,
  onTheWay: boolean,
): unknown {
  if (path.length === 0) return fn(value);
  if (value === null || value === undefined) return value;
  // Deeper than any real result; stops a hostile self-similar body from costing stack.
  if (depth > 64 || typeof value !== "object" || isExactNumber(value)) return onTheWay ? fn(value) : value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    const next = head === "*" ? rest : path;
    return value.map((item) => walk(item, next, depth + 1, fn, onTheWay));
  }
  const object = value as Record<string, unknown>;
  if (head === "*") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object))
      setOwn(out, key, walk(item, rest, depth + 1, fn, onTheWay));
    return out;
  }
  if (!Object.hasOwn(object, head)) return value;
  return { ...object, [head]: walk(object[head], rest, depth + 1, fn, onTheWay) };
}

/**
 * Whether `data` is JSON that result field paths can address: an object or an array. A string (a text body, or
 * JSON the executor could not parse) and the executor's stand-in for a body of another media type
 * (`{ content (base64), contentType, size }`) are not: a path finds nothing in them, so a policy that masks or
 * filters by path would pass them through untouched. Policies treat such data as unreadable and fail closed.
 */
export function addressable(data: unknown): boolean {
  if (data === null || typeof data !== "object" || isExactNumber(data)) return false;
  if (Array.isArray(data)) return true;
  return !isUndecodedBody(data as Record<string, unknown>);
}

/** The executor's stand-in for a body of another media type: `{ content (base64), contentType, size }`. */
export function isUndecodedBody(object: Record<string, unknown>): boolean {
  const keys = Object.keys(object);
  return (
    keys.length === 3 &&
    typeof object.content === "string" &&
    typeof object.contentType === "string" &&
    typeof object.size === "number"
  );
}

/**
 * An error outcome whose data did not match the tool's output schema: the data is JSON, but not the shape the
 * manifest's paths were written for, so a secret may sit where no path points.
 */
export function offSchema(outcome: { error?: { code?: string }; drift?: readonly string[] }): boolean {
  return outcome.error?.code === "output_mismatch" || outcome.drift !== undefined;
}
