import type { JsonSchema } from "../catalog.js";
import type { SchemaTransform } from "./profiles.js";

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
 * - `type` is always one name: a value of several kinds (`null` among them) is an `anyOf` of single-type
 *   branches, the spelling every client and model provider reads (a `type` array is legal 2020-12 but clients
 *   that map schemas onto one-type dialects, e.g. Gemini's, reject it; the MCP Inspector's --strict flags it);
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

/**
 * The transform every server applies to output schemas (the chain checks drifted results against exactly these),
 * so what `generate` measures is what a client receives.
 */
export const tolerateDrift: SchemaTransform = (schema, { side }) =>
  side === "output" ? driftTolerant(schema) : schema;

export function driftTolerant(schema: JsonSchema): JsonSchema {
  // MCP wants an object schema at the root, not "object or null".
  const root = schema.type !== undefined ? { ...schema, type: "object" } : schema;
  const out = tolerate(root, false) as Node;
  if (Array.isArray(out.anyOf)) {
    out.anyOf = (out.anyOf as unknown[]).filter((branch) => !isNullOnly(branch));
  }
  return out as JsonSchema;
}

function tolerate(schema: unknown, nullable: boolean): unknown {
  if (schema === true || schema === false) return schema !== false;
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const node = schema as Node;
  const out: Node = {};
  // Own keys by `for...in`, not `Object.entries` (an array per node of every published output schema).
  for (const key in node) {
    if (!Object.hasOwn(node, key) || DROPPED.has(key) || key === "type") continue;
    const value = node[key];
    if ((key === "additionalProperties" || key === "unevaluatedProperties") && value === false) continue;
    if (ONE.has(key)) out[key] = tolerate(value, true);
    else if (LIST.has(key))
      out[key === "oneOf" ? "anyOf" : key] = (value as unknown[]).map((s) => tolerate(s, true));
    else if (MAP.has(key)) {
      const map = value as Node;
      const nullable = key !== "$defs" && key !== "definitions";
      const tolerated: Node = {};
      for (const name in map) {
        if (!Object.hasOwn(map, name)) continue;
        const schema = tolerate(map[name], nullable);
        // A property named `__proto__` stays an own member (an assignment would set the prototype).
        if (name === "__proto__")
          Object.defineProperty(tolerated, name, {
            value: schema,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else tolerated[name] = schema;
      }
      out[key] = tolerated;
    } else out[key] = value;
  }
  // Merge oneOf (now anyOf) into an existing anyOf rather than dropping one of them.
  if (node.oneOf !== undefined && node.anyOf !== undefined) {
    out.allOf = [
      ...((out.allOf as unknown[]) ?? []),
      { anyOf: (node.oneOf as unknown[]).map((s) => tolerate(s, true)) },
    ];
    out.anyOf = (node.anyOf as unknown[]).map((s) => tolerate(s, true));
  }
  if (Array.isArray(out.anyOf)) out.anyOf = flatUnion(out.anyOf as unknown[]);
  const types = kindsOf(node);
  if (types.length > 0) return typed(out, nullable && !types.includes("null") ? [...types, "null"] : types);
  return nullable ? allowNull(out) : out;
}

/** The kinds a node declares (its `type`, or those of its `enum`/`const` values), `integer` widened to `number`. */
function kindsOf(node: Node): string[] {
  let kinds: unknown[] = [];
  if (node.type !== undefined) kinds = Array.isArray(node.type) ? node.type : [node.type];
  else if (node.enum !== undefined || node.const !== undefined) {
    kinds = (node.enum !== undefined ? (node.enum as unknown[]) : [node.const]).map(kindOf);
  }
  return [...new Set(kinds.map((t) => (t === "integer" ? "number" : t)))].filter(
    (t): t is string => typeof t === "string",
  );
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** The node with its kinds: one `type` name, or an `anyOf` with one branch per kind. */
function typed(node: Node, types: readonly string[]): Node {
  if (types.length === 1) {
    const { $schema, ...rest } = node;
    return { ...($schema !== undefined ? { $schema } : {}), type: types[0], ...rest };
  }
  const { description, title, ...rest } = node;
  return {
    ...(description !== undefined ? { description } : {}),
    ...(title !== undefined ? { title } : {}),
    anyOf: types.map((type) => (type === "null" ? { type } : { type, ...rest })),
  };
}

/**
 * A union's branches one level deep: a branch that is itself a bare `anyOf` (a nullable branch relaxed into
 * `anyOf [kind, null]`) gives its branches to the union, and `null` is one branch, last. Without it a nullable
 * union published `anyOf [anyOf [string, null], null]`. `isNull` says which branches are that one `null`: here
 * `isNullOnly` (a described null too); the generator's emitter (codegen/emit/json-schema.ts) merges only a bare
 * `{type: "null"}` and keeps a described one where it stands.
 */
export function flatUnion<T>(branches: readonly T[], isNull: (branch: T) => boolean = isNullOnly): T[] {
  const flat: T[] = [];
  let withNull = false;
  const add = (branch: T) => {
    if (isNull(branch)) withNull = true;
    else if (isBareUnion(branch)) for (const inner of branch.anyOf) add(inner as T);
    else flat.push(branch);
  };
  for (const branch of branches) add(branch);
  return withNull ? [...flat, { type: "null" } as T] : flat;
}

/** `{anyOf: [...]}` with no keyword of its own beside it. */
function isBareUnion(schema: unknown): schema is { anyOf: unknown[] } {
  if (typeof schema !== "object" || schema === null) return false;
  const keys = Object.keys(schema);
  return keys.length === 1 && keys[0] === "anyOf" && Array.isArray((schema as Node).anyOf);
}

/** A node without a type of its own, accepting `null` too. */
function allowNull(node: Node): Node {
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
