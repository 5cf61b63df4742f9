/**
 * Where `mark` (`#` or `?`) first stands in a path key outside a `{template expression}`, or -1: inside braces it
 * is part of a parameter's name (`/p/{a#b}` names the parameter `a#b`), not the start of a fragment or a query.
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
