/**
 * Where `mark` (`#` or `?`) first stands in a path key outside a `{template expression}`, or -1: inside braces it
 * is part of a parameter's name (`/p/{a#b}` names the parameter `a#b`, `/items/{item?no}?op=count` has the fixed
 * query `op=count`), not the start of a fragment or a query. The generator reads path keys with it and the runtime
 * splits a binding's fixed query off with it, so both agree on where the path ends.
 */
export function outsideBraces(path: string, mark: "#" | "?"): number {
  let depth = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "{") depth++;
    else if (c === "}") depth = Math.max(0, depth - 1);
    else if (c === mark && depth === 0) return i;
  }
  return -1;
}
