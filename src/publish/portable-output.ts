import type { JsonSchema } from "../catalog.js";
import { refName } from "./project.js";

/**
 * The `portable` profile's output schemas. Providers take no output schema from a tool definition, but some host
 * SDKs hand one over all the same: the Google GenAI SDK's `mcpToTool` sends each tool's output schema to Gemini as
 * the function declaration's `responseJsonSchema`, which documents the same keyword subset as
 * `parametersJsonSchema` (docs/clients.md). So the profile keeps an output schema within that subset too, and
 * keeps it honest: whatever the server returns as `structuredContent` still validates, because every step either
 * says the same thing in the subset's words or accepts more than before, never less:
 *
 * - `$schema` goes (every keyword left reads the same in draft-07, or more leniently: a `$ref`'s siblings, which
 *   draft-07 ignores);
 * - `allOf` is merged into its parent: properties united (a property in several branches merged the same way),
 *   `required` united, any other keyword kept where the branches agree and dropped where they differ (a pure
 *   `$ref` branch is read from `$defs` first);
 * - `oneOf` becomes `anyOf` (a value matching exactly one branch matches at least one); with an `anyOf` beside
 *   it, the `oneOf` goes;
 * - `const` of a string or number becomes a one-value `enum`; an `enum` or `const` of other values goes;
 * - `prefixItems` goes together with `items` (draft-07 would read that `items` as every item's schema);
 * - `format` other than `date-time` goes (the only one Gemini's developer API accepts), and so does every keyword
 *   outside the subset: annotations (`examples`, `default`, `deprecated`, ...) and constraints the providers do not
 *   take (`pattern`, lengths, `uniqueItems`, `not`, `if`/`then`/`else`, ...).
 *
 * The schema is walked once and copied where it changes; `$defs` entries are converted the same way.
 */

type Node = Record<string, unknown>;

/** Gemini's documented JSON Schema keywords (`parametersJsonSchema`, `responseJsonSchema`). */
const KEPT = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);
const FORMATS = new Set(["date-time"]);

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function portableOutput(schema: JsonSchema): JsonSchema {
  const defs = isNode(schema.$defs) ? (schema.$defs as Node) : {};
  const { $schema: _dialect, ...root } = schema;
  return convert(root, defs) as JsonSchema;
}

function convert(schema: unknown, defs: Node): unknown {
  if (!isNode(schema)) return schema;
  let node: Node = schema;
  if (Array.isArray(node.allOf)) node = merged(node, defs, []);
  const out: Node = {};
  for (const key in node) {
    if (!Object.hasOwn(node, key) || !KEPT.has(key)) continue;
    const value = node[key];
    if (key === "properties" || key === "$defs") {
      if (!isNode(value)) continue;
      const map: Node = {};
      for (const name in value) {
        if (!Object.hasOwn(value, name)) continue;
        // A property named `__proto__` stays an own member.
        Object.defineProperty(map, name, {
          value: convert(value[name], defs),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      out[key] = map;
    } else if (key === "items" || key === "additionalProperties") out[key] = convert(value, defs);
    else if (key === "anyOf" || key === "oneOf" || key === "prefixItems") {
      if (Array.isArray(value)) out[key] = value.map((branch) => convert(branch, defs));
    } else out[key] = value;
  }
  if (out.oneOf !== undefined) {
    if (out.anyOf === undefined) out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (out.prefixItems !== undefined) {
    delete out.prefixItems;
    delete out.items;
  }
  if (typeof out.format === "string" && !FORMATS.has(out.format)) delete out.format;
  if (Array.isArray(out.enum) && !out.enum.every((v) => typeof v === "string" || typeof v === "number"))
    delete out.enum;
  if (node.const !== undefined && out.enum === undefined) {
    if (typeof node.const === "string" || typeof node.const === "number") out.enum = [node.const];
  }
  return out;
}

/**
 * A node with its `allOf` merged in: what every branch requires, said once (see above). `inlined` names the
 * `$defs` entries being read for branches above, so a cycle of them stays a `$ref`.
 */
function merged(node: Node, defs: Node, inlined: readonly string[]): Node {
  const { allOf, ...rest } = node;
  const branches: Node[] = [rest];
  for (const branch of allOf as unknown[]) {
    if (!isNode(branch)) continue;
    const name = typeof branch.$ref === "string" ? refName(branch.$ref) : undefined;
    const target = name === undefined || inlined.includes(name) ? undefined : defs[name];
    let flat: Node = branch;
    let within = inlined;
    if (isNode(target)) {
      const { $ref: _ref, ...siblings } = branch;
      flat = { allOf: [target, siblings] };
      within = [...inlined, name as string];
    }
    branches.push(Array.isArray(flat.allOf) ? merged(flat, defs, within) : flat);
  }
  return mergeAll(branches, defs);
}

const FIRST_WINS = new Set(["description", "title"]);

function mergeAll(branches: readonly Node[], defs: Node): Node {
  const out: Node = {};
  const dropped = new Set<string>();
  for (const branch of branches) {
    for (const key in branch) {
      if (!Object.hasOwn(branch, key) || dropped.has(key)) continue;
      const value = branch[key];
      if (!(key in out)) {
        out[key] =
          key === "properties" && isNode(value)
            ? { ...value }
            : key === "required" && Array.isArray(value)
              ? [...value]
              : value;
        continue;
      }
      if (FIRST_WINS.has(key)) continue;
      if (key === "properties" && isNode(value) && isNode(out.properties)) {
        const properties = out.properties as Node;
        for (const name in value) {
          if (!Object.hasOwn(value, name)) continue;
          const next = Object.hasOwn(properties, name)
            ? isNode(properties[name]) && isNode(value[name])
              ? mergeAll([properties[name] as Node, value[name] as Node], defs)
              : {}
            : value[name];
          Object.defineProperty(properties, name, {
            value: next,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
      } else if (key === "required" && Array.isArray(value) && Array.isArray(out.required)) {
        const required = out.required as unknown[];
        for (const name of value) if (!required.includes(name)) required.push(name);
      } else if (JSON.stringify(out[key]) !== JSON.stringify(value)) {
        // Branches that say different things here: neither is kept (the merged schema accepts more).
        delete out[key];
        dropped.add(key);
      }
    }
  }
  // A branch's `additionalProperties` speaks of its own properties only: merged, it would refuse the others'.
  delete out.additionalProperties;
  return out;
}
