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
 * not copied; missing keys stay missing (a path never adds a field).
 */
export function mapAtPath(root: unknown, path: readonly string[], fn: (value: unknown) => unknown): unknown {
  return walk(root, path, 0, fn);
}

function walk(
  value: unknown,
  path: readonly string[],
  depth: number,
  fn: (value: unknown) => unknown,
): unknown {
  if (path.length === 0) return fn(value);
  // Deeper than any real result; stops a hostile self-similar body from costing stack.
  if (depth > 64 || value === null || typeof value !== "object") return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    const next = head === "*" ? rest : path;
    return value.map((item) => walk(item, next, depth + 1, fn));
  }
  const object = value as Record<string, unknown>;
  if (head === "*") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object)) out[key] = walk(item, rest, depth + 1, fn);
    return out;
  }
  if (!Object.hasOwn(object, head)) return value;
  return { ...object, [head]: walk(object[head], rest, depth + 1, fn) };
}

/** Every value at `path` (arrays looked through, `*` expanded). */
export function valuesAtPath(root: unknown, path: readonly string[]): unknown[] {
  const found: unknown[] = [];
  mapAtPath(root, path, (value) => {
    found.push(value);
    return value;
  });
  return found;
}
