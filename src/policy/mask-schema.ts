import type { JsonSchema } from "../catalog.js";
import { isJsonObject } from "../catalog.js";
import { linearPattern } from "../patterns/matcher.js";
import { MASK } from "./mask.js";

/**
 * The output schema a masked result is published with. Masking puts the marker where the spec may promise a
 * PEM (`pattern`), a URI (`format`), a number or an enum; clients that validate `structuredContent` would then
 * reject the whole result. So every schema at or under a masked path becomes `anyOf: [original, {const:
 * "••••••"}]`, with `$ref`s on the way inlined (a shared definition used elsewhere stays strict). Only ever
 * wider: anything the original accepted is still accepted.
 */

type Node = JsonSchema | boolean;

const COMBINATORS = ["allOf", "anyOf", "oneOf"] as const;
const MAX_DEPTH = 32;

/** Follows local `$ref`s (`#/$defs/Name`), keeping the referring node's own keywords (description, ...). */
function inline(node: JsonSchema, defs: Record<string, Node>): JsonSchema {
  let current = node;
  for (let hops = 0; hops < 16 && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith("#/$defs/")) break;
    const name = ref.slice("#/$defs/".length).replace(/~1/g, "/").replace(/~0/g, "~");
    const target = defs[name];
    if (target === undefined) break;
    const { $ref: _ref, ...siblings } = current;
    current = typeof target === "boolean" ? { ...siblings } : { ...target, ...siblings };
  }
  return current;
}

function widenBranches(node: JsonSchema, out: JsonSchema, each: (branch: Node) => Node): void {
  for (const key of COMBINATORS) {
    const branches = node[key];
    if (Array.isArray(branches)) out[key] = branches.map((b) => each(b as Node));
  }
}

/** Widens every schema at `path` (manifest dot path, already split). */
function widenAt(node: Node, path: readonly string[], defs: Record<string, Node>, depth: number): Node {
  if (path.length === 0) return widenAll(node, defs, depth);
  if (!isJsonObject(node) || depth > MAX_DEPTH) return node;
  const n = inline(node, defs);
  const out: JsonSchema = { ...n };
  widenBranches(n, out, (b) => widenAt(b, path, defs, depth + 1));
  const [head, ...rest] = path as [string, ...string[]];

  const properties = isJsonObject(n.properties) ? (n.properties as Record<string, Node>) : undefined;
  if (properties) {
    const widened: Record<string, Node> = {};
    for (const [key, schema] of Object.entries(properties)) {
      widened[key] = head === "*" || key === head ? widenAt(schema, rest, defs, depth + 1) : schema;
    }
    out.properties = widened;
  }
  const named = properties !== undefined && head !== "*" && Object.hasOwn(properties, head);
  if (isJsonObject(n.additionalProperties) && !named) {
    out.additionalProperties = widenAt(n.additionalProperties, rest, defs, depth + 1);
  }
  if (isJsonObject(n.patternProperties)) {
    const widened: Record<string, Node> = {};
    for (const [pattern, schema] of Object.entries(n.patternProperties as Record<string, Node>)) {
      widened[pattern] =
        head === "*" || safeTest(pattern, head) ? widenAt(schema, rest, defs, depth + 1) : schema;
    }
    out.patternProperties = widened;
  }
  // Arrays are looked through, as the data walk does: `*` takes each element, a key applies inside each one.
  const inner = head === "*" ? rest : path;
  if (isJsonObject(n.items)) out.items = widenAt(n.items, inner, defs, depth + 1);
  if (Array.isArray(n.prefixItems)) {
    out.prefixItems = (n.prefixItems as Node[]).map((s) => widenAt(s, inner, defs, depth + 1));
  }
  return out;
}

/** The subtree is masked wholesale: every schema in it also accepts the marker. */
function widenAll(node: Node, defs: Record<string, Node>, depth: number): Node {
  if (!isJsonObject(node)) return node;
  if (depth > MAX_DEPTH) return {};
  const n = inline(node, defs);
  const out: JsonSchema = { ...n };
  // Keywords that could reject a result made of markers: equal markers are not unique, and a negation or a
  // conditional could exclude them. Inside a masked subtree they are dropped.
  delete out.uniqueItems;
  delete out.not;
  delete out.if;
  delete out.then;
  delete out.else;
  widenBranches(n, out, (b) => widenAll(b, defs, depth + 1));
  if (isJsonObject(n.properties)) {
    const widened: Record<string, Node> = {};
    for (const [key, schema] of Object.entries(n.properties as Record<string, Node>)) {
      widened[key] = widenAll(schema, defs, depth + 1);
    }
    out.properties = widened;
  }
  if (isJsonObject(n.additionalProperties))
    out.additionalProperties = widenAll(n.additionalProperties, defs, depth + 1);
  if (isJsonObject(n.patternProperties)) {
    const widened: Record<string, Node> = {};
    for (const [pattern, schema] of Object.entries(n.patternProperties as Record<string, Node>)) {
      widened[pattern] = widenAll(schema, defs, depth + 1);
    }
    out.patternProperties = widened;
  }
  if (isJsonObject(n.items)) out.items = widenAll(n.items, defs, depth + 1);
  if (Array.isArray(n.prefixItems)) {
    out.prefixItems = (n.prefixItems as Node[]).map((s) => widenAll(s, defs, depth + 1));
  }
  return { anyOf: [out, { const: MASK }] };
}

/** On RE2 (src/patterns/matcher.ts); a pattern that is not valid, or RE2 cannot express, is widened too: wider is always safe here. */
function safeTest(pattern: string, key: string): boolean {
  return linearPattern(pattern)?.test(key) ?? true;
}

/**
 * `schema` widened at every path. `wrapped` tools publish `{ result: <data> }`, while masked paths are written
 * against the data, so they are prefixed with `result` here.
 */
export function widenForMask(schema: JsonSchema, paths: readonly string[], wrapped = false): JsonSchema {
  const defs = (isJsonObject(schema.$defs) ? schema.$defs : {}) as Record<string, Node>;
  let out: Node = schema;
  for (const path of paths) {
    const split = path === "" ? [] : path.split(".");
    out = widenAt(out, wrapped ? ["result", ...split] : split, defs, 0);
  }
  return out as JsonSchema;
}
