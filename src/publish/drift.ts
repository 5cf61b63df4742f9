import type { JsonSchema } from "../catalog.js";

/**
 * Drift-tolerant output schemas. Real APIs drift from their specs: a property the spec calls required is
 * missing, a string comes back `null`, an enum gains a value, an object gains properties, a number is not the
 * integer or the format promised. Clients validate `structuredContent` against the published output schema (the
 * v1 SDK client with ajv and ajv-formats), so a faithful schema turns every such response into a client error
 * and the data is lost. The published output schema keeps the *kinds* (object, array, string, number, boolean)
 * and the structure (properties, items, unions) and drops what drifts:
 *
 * - `required`, `additionalProperties: false`, `unevaluatedProperties: false`: missing and extra properties pass;
 * - `enum`, `const`: new values pass (the type they imply stays);
 * - every value may be `null`; `integer` widens to `number`;
 * - value constraints (`format`, `pattern`, lengths, ranges, item counts, `uniqueItems`, ...) and conditionals
 *   (`not`, `if`/`then`/`else`, `dependent*`) go; `oneOf` becomes `anyOf` (relaxed branches overlap).
 *
 * A response of the wrong kind entirely (a string or an HTML page where an object is described) still fails.
 * The root keeps `type: "object"` exactly, as MCP requires of an output schema.
 */

const DROPPED = new Set([
  "required",
  "enum",
  "const",
  "format",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minContains",
  "maxContains",
  "minProperties",
  "maxProperties",
  "propertyNames",
  "dependentRequired",
  "dependentSchemas",
  "dependencies",
  "not",
  "if",
  "then",
  "else",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
]);

/** Keywords whose value is one schema. */
const ONE = new Set(["items", "additionalProperties", "unevaluatedProperties", "unevaluatedItems"]);
/** Keywords whose value is a list of schemas. */
const LIST = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const MAP = new Set(["properties", "patternProperties", "$defs", "definitions"]);

type Node = Record<string, unknown>;

export function driftTolerant(schema: JsonSchema): JsonSchema {
  const out = tolerate(schema, false) as Node;
  // MCP wants an object schema at the root, not "object or null".
  if (out.type !== undefined) out.type = "object";
  if (Array.isArray(out.anyOf)) {
    out.anyOf = (out.anyOf as unknown[]).filter((branch) => !isNullOnly(branch));
  }
  return out as JsonSchema;
}

function tolerate(schema: unknown, nullable: boolean): unknown {
  if (schema === true || schema === false) return schema === false ? false : true;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const node = schema as Node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    if ((key === "additionalProperties" || key === "unevaluatedProperties") && value === false) continue;
    if (key === "type") out.type = widenType(value);
    else if (ONE.has(key)) out[key] = tolerate(value, true);
    else if (LIST.has(key))
      out[key === "oneOf" ? "anyOf" : key] = (value as unknown[]).map((s) => tolerate(s, true));
    else if (MAP.has(key))
      out[key] = Object.fromEntries(
        Object.entries(value as Node).map(([k, s]) => [
          k,
          tolerate(s, key !== "$defs" && key !== "definitions"),
        ]),
      );
    else out[key] = value;
  }
  if (out.type === undefined && (node.enum !== undefined || node.const !== undefined)) {
    const values = node.enum !== undefined ? (node.enum as unknown[]) : [node.const];
    const kinds = [...new Set(values.map(kindOf))];
    if (kinds.length > 0) out.type = widenType(kinds.length === 1 ? kinds[0] : kinds);
  }
  // Merge oneOf (now anyOf) into an existing anyOf rather than dropping one of them.
  if (node.oneOf !== undefined && node.anyOf !== undefined) {
    out.allOf = [
      ...((out.allOf as unknown[]) ?? []),
      { anyOf: (node.oneOf as unknown[]).map((s) => tolerate(s, true)) },
    ];
    out.anyOf = (node.anyOf as unknown[]).map((s) => tolerate(s, true));
  }
  return nullable ? allowNull(out) : out;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function widenType(type: unknown): unknown {
  const types = (Array.isArray(type) ? type : [type]).map((t) => (t === "integer" ? "number" : t));
  const unique = [...new Set(types)];
  return unique.length === 1 ? unique[0] : unique;
}

/** The schema, accepting `null` too. */
function allowNull(node: Node): Node {
  if (node.type !== undefined) {
    const types = Array.isArray(node.type) ? (node.type as unknown[]) : [node.type];
    if (!types.includes("null")) node.type = [...types, "null"];
    return node;
  }
  if (Array.isArray(node.anyOf)) {
    if (!(node.anyOf as unknown[]).some(isNullOnly))
      node.anyOf = [...(node.anyOf as unknown[]), { type: "null" }];
    return node;
  }
  if (typeof node.$ref === "string" || Array.isArray(node.allOf)) {
    // A reference (or an intersection) and its siblings stay together as one branch.
    const { description, title, ...rest } = node;
    return {
      ...(description !== undefined ? { description } : {}),
      ...(title !== undefined ? { title } : {}),
      anyOf: [rest, { type: "null" }],
    };
  }
  // No type at all: already accepts null.
  return node;
}

function isNullOnly(schema: unknown): boolean {
  return (
    schema !== null &&
    typeof schema === "object" &&
    (schema as Node).type === "null" &&
    Object.keys(schema as Node).every((key) => key === "type" || key === "description")
  );
}
