import type { JsonSchema } from "../catalog.js";
import { isJsonObject, setOwn } from "../catalog.js";

/** Keywords whose values are data, never schemas. */
export const DATA_KEYWORDS = new Set(["const", "enum", "default", "examples"]);
/** Keywords whose values map names to schemas (a property called `default` is still a schema). */
export const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "dependentSchemas"]);
/**
 * Keywords that only annotate: beside a reference they go over the named schema's own without changing what it
 * accepts (any other keyword there is a constraint of its own, read as an allOf).
 */
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set([
  "description",
  "title",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
]);

/**
 * Rewrites the schema nodes of `root` (the root, every subschema, the members of `properties` and the other name
 * maps; never the values of `const`, `enum`, `default` or `examples`), copying only along the paths to a node that
 * `visit` replaced: `visit` returns a replacement (whose subschemas are then walked) or undefined to keep the node.
 * An unchanged schema comes back as the same object.
 */
export function rewriteSchemaNodes(
  root: JsonSchema,
  visit: (node: JsonSchema, top: boolean) => JsonSchema | undefined,
): JsonSchema {
  const walk = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) {
      let out: unknown[] | undefined;
      node.forEach((item, i) => {
        const next = walk(item, false);
        if (next !== item) {
          out ??= [...node];
          out[i] = next;
        }
      });
      return out ?? node;
    }
    if (!isJsonObject(node)) return node;
    const replaced = visit(node, top);
    const base = replaced ?? node;
    let out: JsonSchema | undefined = replaced;
    for (const key in base) {
      if (!Object.hasOwn(base, key) || DATA_KEYWORDS.has(key)) continue;
      const value = base[key];
      let next: unknown = value;
      if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
        let map: JsonSchema | undefined;
        for (const name in value) {
          if (!Object.hasOwn(value, name)) continue;
          const sub = walk(value[name], false);
          if (sub !== value[name]) {
            map ??= { ...value };
            setOwn(map, name, sub);
          }
        }
        next = map ?? value;
      } else if (value !== null && typeof value === "object") next = walk(value, false);
      if (next !== value) {
        out ??= { ...base };
        setOwn(out, key, next);
      }
    }
    return out ?? node;
  };
  return walk(root, true) as JsonSchema;
}
