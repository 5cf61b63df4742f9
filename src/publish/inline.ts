import type { JsonSchema } from "../catalog.js";
import { DATA_KEYWORDS, refName, SCHEMA_MAPS } from "./project.js";

/**
 * The `inline` profile: input schemas as the default profile publishes them, with every `#/$defs/` reference
 * replaced by the schema it names, so each input schema stands alone without `$defs`. Hosts that build a tool's
 * parameters from the input schema's `properties` and `required` alone (Continue's CLI `cn` 1.5: `{ type:
 * "object", properties, required }`) drop `$defs` and send the model references to nothing, which model APIs refuse.
 *
 * What the inlined schema accepts is what the faithful one accepts: a reference whose siblings only annotate
 * (`description`, `default`, ...) becomes the named schema with those annotations over its own; one with siblings
 * that constrain becomes `allOf: [named schema]` beside them (2020-12 reads a `$ref` with siblings as both).
 * A reference back into a schema being inlined (recursion) ends there: no finite schema says more, and a `$defs`
 * kept for it would be dropped by the same hosts. The value is then described, not constrained (its type, and
 * a description naming the schema that recurses); the server still validates it against the faithful schema, so
 * a bad value deep in a recursive filter is refused with its path, as any other.
 */
export function inlineReferences(schema: JsonSchema): JsonSchema {
  const defs = schema.$defs;
  if (!isObject(defs)) return schema;
  const stack: string[] = [];

  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: JsonSchema = {};
    for (const key of Object.keys(node)) {
      if (key === "$ref") continue;
      const value = node[key];
      if (DATA_KEYWORDS.has(key) || value === null || typeof value !== "object") out[key] = value;
      else if (SCHEMA_MAPS.has(key) && isObject(value)) {
        const map: JsonSchema = {};
        for (const name of Object.keys(value)) map[name] = walk(value[name]);
        out[key] = map;
      } else out[key] = walk(value);
    }
    const ref = node.$ref;
    if (ref === undefined) return out;
    const name = refName(ref);
    if (name === undefined || !Object.hasOwn(defs, name)) return { $ref: ref, ...out };
    if (stack.includes(name)) return { ...recursion(name, defs[name]), ...out };
    stack.push(name);
    const target = walk(defs[name]);
    stack.pop();
    if (Object.keys(out).every((key) => ANNOTATIONS.has(key)) && isObject(target))
      return { ...target, ...out };
    const rest = Array.isArray(out.allOf) ? (out.allOf as unknown[]) : [];
    return { ...out, allOf: [target, ...rest] };
  };

  const { $defs: _defs, ...root } = schema;
  return walk(root) as JsonSchema;
}

/** Where a named schema recurses: its type (when it has one) and a description that names it. */
function recursion(name: string, target: unknown): JsonSchema {
  const type = isObject(target) && typeof target.type === "string" ? { type: target.type } : {};
  return { ...type, description: `A ${name}, as in the schema that contains this one (it recurses here).` };
}

/** Keywords that only annotate: beside a reference they go over the named schema's own without changing what it accepts. */
const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
]);

function isObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
