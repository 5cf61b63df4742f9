import type { JsonSchema } from "../catalog.js";
import { isExactNumber, isJsonObject, setOwn } from "../catalog.js";
import { linearPattern } from "../patterns/matcher.js";
import { MASK, type MaskResult, maskAll } from "./mask-all.js";

/**
 * Masking as an allow list: a result keeps only what its output schema declares. Walked beside the schema
 * (local `$ref`s into the catalog's table followed, `allOf`/`anyOf`/`oneOf` branches read together):
 *
 * - a property no branch declares (by `properties`, a matching `patternProperties`, or an `additionalProperties`
 *   schema) is **dropped**, whatever it holds: an upstream that adds `secret` or `previous_value` next year, an
 *   array or a map in an undeclared place;
 * - a scalar is kept only where the schema says it is a scalar (a scalar `type`, `enum` or `const`); met where
 *   the schema says nothing (`{}`) or promises an object or an array, it becomes the marker;
 * - an object or array the schema leaves open (no properties, no items: `{}`, `type: object` alone) keeps its
 *   keys and has every value masked, as does anything nested deeper than the walk reads;
 * - an object or array where the schema promises another kind (a string, say) becomes one marker, keys and all.
 *
 * Masked paths (mask.ts) then replace the declared value fields. Everything dropped or masked is counted.
 */

type Node = JsonSchema | boolean;

const MAX_DEPTH = 64;
const SCALARS = new Set(["string", "number", "integer", "boolean", "null"]);

/**
 * `spread` of one schema node, cached per table and node: a result's walk meets the same few nodes on every call,
 * and the schemas are read-only, so each is spread once per process.
 */
const spreadCache = new WeakMap<object, WeakMap<object, readonly JsonSchema[]>>();
const TRUE_SPREAD: readonly JsonSchema[] = Object.freeze([Object.freeze({})]);
const FALSE_SPREAD: readonly JsonSchema[] = Object.freeze([]);

function spreadOne(node: Node, table: Record<string, Node>): readonly JsonSchema[] {
  if (node === false) return FALSE_SPREAD;
  if (node === true) return TRUE_SPREAD;
  let byNode = spreadCache.get(table);
  if (!byNode) {
    byNode = new WeakMap();
    spreadCache.set(table, byNode);
  }
  const cached = byNode.get(node);
  if (cached) return cached;
  const spreadNode = spread([node], table);
  byNode.set(node, spreadNode);
  return spreadNode;
}

/** The schemas of `nodes` spread; a single node (the common case) from the cache. */
function spreadAll(nodes: readonly Node[], table: Record<string, Node>): readonly JsonSchema[] {
  return nodes.length === 1 ? spreadOne(nodes[0] as Node, table) : spread(nodes, table);
}

/** The schemas that describe one value: `$ref`s followed and combinator branches spread, `true` as `{}`. */
function spread(nodes: readonly Node[], table: Record<string, Node>): JsonSchema[] {
  const out: JsonSchema[] = [];
  // Each named schema is read once per value: a cycle of references (`A: allOf: [A]`) ends here.
  const seen = new Set<string>();
  const visit = (node: Node, hops: number) => {
    if (node === false || hops > 32) return;
    if (node === true) return void out.push({});
    let n = node;
    if (typeof n.$ref === "string") {
      const ref = n.$ref;
      const name = ref.startsWith("#/$defs/") ? ref.slice("#/$defs/".length) : undefined;
      const key = name?.replace(/~1/g, "/").replace(/~0/g, "~");
      const target = key !== undefined && !seen.has(key) ? table[key] : undefined;
      const { $ref: _ref, ...siblings } = n;
      if (key !== undefined) seen.add(key);
      if (target !== undefined) visit(target, hops + 1);
      n = siblings;
    }
    let combined = false;
    for (const key of ["allOf", "anyOf", "oneOf"] as const) {
      const branches = n[key];
      if (!Array.isArray(branches)) continue;
      combined = true;
      for (const branch of branches) visit(branch as Node, hops + 1);
    }
    // What a `$ref` or a combinator stands beside (a description) says nothing of its own: only the targets count.
    if (describes(n) || (!combined && n === node)) out.push(n);
  };
  for (const node of nodes) visit(node, 0);
  return out;
}

/** Whether a schema says anything about the kind or the parts of a value. */
function describes(n: JsonSchema): boolean {
  return DESCRIBING_KEYS.some((key) => n[key] !== undefined);
}

const DESCRIBING_KEYS = [
  "type",
  "enum",
  "const",
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
] as const;

function typesOf(n: JsonSchema): string[] {
  if (typeof n.type === "string") return [n.type];
  if (Array.isArray(n.type)) return n.type.filter((t): t is string => typeof t === "string");
  return [];
}

/** Whether a schema allows a value of `kind` (an untyped schema allows any). */
function allowsKind(n: JsonSchema, kind: "object" | "array"): boolean {
  const types = typesOf(n);
  if (types.length > 0) return types.includes(kind);
  if (n.const !== undefined || n.enum !== undefined) return false;
  const parts =
    kind === "object"
      ? ["properties", "patternProperties", "additionalProperties"]
      : ["items", "prefixItems"];
  const other =
    kind === "object"
      ? ["items", "prefixItems"]
      : ["properties", "patternProperties", "additionalProperties"];
  return parts.some((k) => n[k] !== undefined) || !other.some((k) => n[k] !== undefined);
}

function declaresScalar(n: JsonSchema): boolean {
  if (n.const !== undefined && (n.const === null || typeof n.const !== "object")) return true;
  if (Array.isArray(n.enum) && n.enum.some((v) => v === null || typeof v !== "object")) return true;
  return typesOf(n).some((t) => SCALARS.has(t));
}

/**
 * Whether `key` matches a `patternProperties` key, on RE2 (src/patterns/matcher.ts): the key is the upstream's,
 * the pattern the catalog's, and neither may block the event loop. A pattern that is not valid, or that RE2
 * cannot express, matches nothing: a key only it would declare is dropped.
 */
function safeTest(pattern: string, key: string): boolean {
  return linearPattern(pattern)?.test(key) === true;
}

/** The schemas a property `key` of an object described by `nodes` is declared with (none: undeclared). */
function propertySchemas(nodes: readonly JsonSchema[], key: string): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    const properties = isJsonObject(n.properties) ? (n.properties as Record<string, Node>) : undefined;
    const named = properties !== undefined && Object.hasOwn(properties, key);
    if (named) out.push(properties[key] as Node);
    if (isJsonObject(n.patternProperties)) {
      for (const [pattern, schema] of Object.entries(n.patternProperties as Record<string, Node>)) {
        if (safeTest(pattern, key)) out.push(schema);
      }
    }
    if (!named && isJsonObject(n.additionalProperties)) out.push(n.additionalProperties as JsonSchema);
  }
  return out;
}

function itemSchemas(nodes: readonly JsonSchema[], index: number): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    const prefix = Array.isArray(n.prefixItems) ? (n.prefixItems as Node[]) : [];
    if (index < prefix.length) out.push(prefix[index] as Node);
    else if (isJsonObject(n.items) || typeof n.items === "boolean") out.push(n.items as Node);
  }
  return out;
}

/**
 * What the walk asks of one spread set of schemas, answered once per set: a single schema's set is cached (see
 * `spreadOne`), so a result's walk meets the same plans on every call. The property schemas of a key some schema
 * names are remembered too (bounded by the schemas); any other key (a map's, an undeclared one) is looked up as
 * it comes.
 */
interface Plan {
  scalar: boolean;
  object: boolean;
  array: boolean;
  itemsDescribed: boolean;
  propertiesDescribed: boolean;
  named: Map<string, Node[]>;
}

const plans = new WeakMap<readonly JsonSchema[], Plan>();
let plansBuilt = 0;

/** How many walk plans this process has built (each spread set of schemas once, whatever the number of calls). */
export function allowListPlans(): number {
  return plansBuilt;
}

/** The plan of a cached spread set (a single schema's), built on first use; a set spread for one value only gets one of its own. */
function planOf(nodes: readonly JsonSchema[], cached: boolean): Plan {
  let plan = cached ? plans.get(nodes) : undefined;
  if (!plan) {
    plan = {
      scalar: nodes.some(declaresScalar),
      object: nodes.some((n) => allowsKind(n, "object")),
      array: nodes.some((n) => allowsKind(n, "array")),
      itemsDescribed: nodes.some((n) => n.items !== undefined || n.prefixItems !== undefined),
      propertiesDescribed: nodes.some(
        (n) =>
          n.properties !== undefined ||
          n.patternProperties !== undefined ||
          isJsonObject(n.additionalProperties),
      ),
      named: new Map(),
    };
    if (cached) {
      plansBuilt += 1;
      plans.set(nodes, plan);
    }
  }
  return plan;
}

/** Whether some schema of `nodes` names `key` in its `properties`. */
function names(nodes: readonly JsonSchema[], key: string): boolean {
  return nodes.some((n) => isJsonObject(n.properties) && Object.hasOwn(n.properties, key));
}

function propertySchemasOf(plan: Plan, nodes: readonly JsonSchema[], key: string): Node[] {
  const known = plan.named.get(key);
  if (known) return known;
  const inner = propertySchemas(nodes, key);
  if (names(nodes, key)) plan.named.set(key, inner);
  return inner;
}

/** `data` reduced to what `schema` declares (see above); `table` is where `#/$defs/Name` points. */
export function declaredOnly(data: unknown, schema: JsonSchema, table: Record<string, Node>): MaskResult {
  let count = 0;
  const masked = (value: unknown) => {
    const all = maskAll(value);
    count += all.count;
    return all.data;
  };
  const visit = (value: unknown, schemas: readonly Node[], depth: number): unknown => {
    if (value === null || value === undefined) return value;
    const nodes = spreadAll(schemas, table);
    if (depth > MAX_DEPTH) return masked(value);
    const plan = planOf(nodes, schemas.length === 1);
    if (typeof value !== "object" || isExactNumber(value)) {
      if (plan.scalar) return value;
      count += 1;
      return MASK;
    }
    // An object or array where the schema promises another kind: nothing in it is described, not even its keys.
    if (!(Array.isArray(value) ? plan.array : plan.object)) {
      count += 1;
      return MASK;
    }
    if (Array.isArray(value)) {
      if (!plan.itemsDescribed) return masked(value);
      return value.map((item, index) => {
        const inner = itemSchemas(nodes, index);
        return inner.length > 0 ? visit(item, inner, depth + 1) : masked(item);
      });
    }
    if (!plan.propertiesDescribed) return masked(value);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const inner = propertySchemasOf(plan, nodes, key);
      if (inner.length === 0) {
        count += 1;
        continue;
      }
      setOwn(out, key, visit((value as Record<string, unknown>)[key], inner, depth + 1));
    }
    return out;
  };
  const out = visit(data, [schema], 0);
  return { data: out, count };
}
