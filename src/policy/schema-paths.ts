import type { JsonSchema } from "../catalog.js";

/**
 * Result field paths (as the manifest writes them: dot-separated keys, `*` for every key of a map; arrays are
 * looked through) of every property of a published schema whose name passes `match`, following local `$ref`s
 * (`#/$defs/...`) once per path and the `allOf`/`anyOf`/`oneOf` branches. Used to mask fields by name at run
 * time (`serve --mask`) and by `toolwright audit` to find result fields named like credentials.
 */
export function propertyPaths(
  schema: JsonSchema | undefined,
  /** Whether a property is found, by its name (and its schema as written, for callers that judge by kind). */
  match: (key: string, schema: unknown) => boolean,
  /** Where `#/$defs/Name` points: the schema's own `$defs` (a published schema), else a catalog's table. */
  table: Record<string, JsonSchema> = {},
): string[] {
  if (!schema) return [];
  const defs = { ...table, ...((schema.$defs ?? {}) as Record<string, JsonSchema>) };
  const found = new Set<string>();
  const visit = (node: unknown, path: string[], depth: number, seen: ReadonlySet<string>) => {
    if (!node || typeof node !== "object" || depth > 16) return;
    let n = node as JsonSchema;
    if (typeof n.$ref === "string" && n.$ref.startsWith("#/$defs/")) {
      const name = n.$ref.slice("#/$defs/".length);
      if (seen.has(name)) return;
      seen = new Set([...seen, name]);
      n = { ...(defs[name] ?? {}), ...n };
    }
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      if (Array.isArray(n[key]))
        for (const branch of n[key] as unknown[]) visit(branch, path, depth + 1, seen);
    }
    if (n.properties && typeof n.properties === "object") {
      for (const [key, value] of Object.entries(n.properties as Record<string, unknown>)) {
        const next = [...path, key];
        if (match(key, value)) found.add(next.join("."));
        visit(value, next, depth + 1, seen);
      }
    }
    if (n.additionalProperties && typeof n.additionalProperties === "object") {
      visit(n.additionalProperties, [...path, "*"], depth + 1, seen);
    }
    if (n.items && typeof n.items === "object") visit(n.items, path, depth + 1, seen);
  };
  visit(schema, [], 0, new Set());
  return [...found].sort();
}
