import type { SymbolTable } from "../../ir/symbols.js";
import type { JsonPrimitive, SchemaNode } from "../../ir/types.js";

/**
 * Schemas no value can satisfy, as written: a `$ref` to an object with a sibling `type: string` (3.1 siblings
 * apply), an `allOf` of an integer and a string, an `enum` none of whose values is of the schema's type, a lower
 * bound above its upper bound, a `required` name `additionalProperties: false` forbids. Found so a located warning
 * can say why a tool refuses every argument there; what is generated stays as the spec says (which side the author
 * meant is not written anywhere, so widening to either would be a guess at values the spec refuses). The one
 * exception was already there: a `required` name not under `properties` is read as a declared property of any value
 * (the object the author meant is accepted), and the warning says so (`requiredForbidden`).
 */

type Json = Record<string, unknown>;

/** The JSON kinds of value a node accepts (a number split into integers and the rest); undefined: any. */
type Kinds = Set<string> | undefined;

const NUMBER = ["integer", "fraction"];

function kindOf(v: JsonPrimitive): string {
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "fraction";
  return typeof v;
}

function union(sets: Kinds[]): Kinds {
  const out = new Set<string>();
  for (const s of sets) {
    if (s === undefined) return undefined;
    for (const k of s) out.add(k);
  }
  return out;
}

function intersect(sets: Kinds[]): Kinds {
  let out: Kinds;
  for (const s of sets) {
    if (s === undefined) continue;
    out = out === undefined ? new Set(s) : new Set([...out].filter((k) => s.has(k)));
  }
  return out;
}

/** The kinds `node` accepts; a reference is followed once (a cycle, or one not converted yet, is any value). */
export function valueKinds(node: SchemaNode, symbols: SymbolTable, seen = new Set<string>()): Kinds {
  switch (node.kind) {
    case "any":
      return undefined;
    case "never":
      return new Set();
    case "number":
      return new Set(NUMBER);
    case "tuple":
      return new Set(["array"]);
    case "literal":
      return new Set([kindOf(node.value)]);
    case "enum":
      return new Set(node.values.map(kindOf));
    case "nullable":
      return union([valueKinds(node.inner, symbols, seen), new Set(["null"])]);
    case "union":
      return union(node.variants.map((v) => valueKinds(v, symbols, seen)));
    case "intersection":
      return intersect(node.parts.map((p) => valueKinds(p, symbols, seen)));
    case "ref": {
      if (seen.has(node.target) || !symbols.has(node.target)) return undefined;
      seen.add(node.target);
      const kinds = valueKinds(symbols.get(node.target).schema, symbols, seen);
      seen.delete(node.target);
      return kinds;
    }
    default:
      return new Set([node.kind]);
  }
}

export function shownKinds(kinds: Set<string>): string {
  const names = [...kinds]
    .filter((k) => k !== "fraction")
    .map((k) => (k === "integer" && kinds.has("fraction") ? "number" : k));
  if (kinds.has("fraction") && !kinds.has("integer")) names.push("number");
  return names.join(" or ");
}

/**
 * The kinds `part` takes and those the other parts of its intersection take together, when these are some and none
 * of them is among its own; undefined otherwise (they share one, or some side takes any value).
 */
export function kindsApart(
  part: SchemaNode,
  others: SchemaNode[],
  symbols: SymbolTable,
): { own: Set<string>; rest: Set<string> } | undefined {
  const own = valueKinds(part, symbols);
  const rest = intersect(others.map((o) => valueKinds(o, symbols)));
  if (own === undefined || rest === undefined || own.size === 0 || rest.size === 0) return undefined;
  return [...own].some((k) => rest.has(k)) ? undefined : { own, rest };
}

/**
 * Why an intersection (a `$ref` with siblings, an `allOf`) takes no value: two parts whose kinds of value share none.
 * Undefined when some value may satisfy every part (as far as kinds of value tell).
 */
export function disjointParts(parts: SchemaNode[], symbols: SymbolTable): string | undefined {
  const kinds = parts.map((p) => valueKinds(p, symbols));
  for (let i = 0; i < kinds.length; i++) {
    for (let j = i + 1; j < kinds.length; j++) {
      const a = kinds[i];
      const b = kinds[j];
      if (a === undefined || b === undefined || a.size === 0 || b.size === 0) continue;
      if ([...a].some((k) => b.has(k))) continue;
      return `its parts take ${shownKinds(a)} and ${shownKinds(b)}, never both`;
    }
  }
  return undefined;
}

/** The kinds a schema object's `type` names (with 3.0's `nullable`, Kubernetes' int-or-string); undefined: none named. */
function typeKinds(s: Json): Set<string> | undefined {
  const types = Array.isArray(s.type) ? s.type : typeof s.type === "string" ? [s.type] : undefined;
  if (types === undefined || !types.every((t) => typeof t === "string")) return undefined;
  const kinds = new Set((types as string[]).flatMap((t) => (t === "number" ? NUMBER : [t])));
  if (s.nullable === true || s["x-nullable"] === true) kinds.add("null");
  if (s.format === "int-or-string" || s["x-kubernetes-int-or-string"] === true) kinds.add("integer");
  return kinds;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v !== null && typeof v === "object") return "object";
  return kindOf(v as JsonPrimitive);
}

const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

const BOUNDS: [string, string][] = [
  ["minLength", "maxLength"],
  ["minItems", "maxItems"],
  ["minProperties", "maxProperties"],
];

/** A numeric lower bound above its upper bound (3.1's numeric exclusive bounds included). */
function numericBounds(s: Json): string | undefined {
  const lows: [string, number, boolean][] = [];
  const highs: [string, number, boolean][] = [];
  if (num(s.minimum)) lows.push(["minimum", s.minimum, s.exclusiveMinimum === true]);
  if (num(s.exclusiveMinimum)) lows.push(["exclusiveMinimum", s.exclusiveMinimum, true]);
  if (num(s.maximum)) highs.push(["maximum", s.maximum, s.exclusiveMaximum === true]);
  if (num(s.exclusiveMaximum)) highs.push(["exclusiveMaximum", s.exclusiveMaximum, true]);
  for (const [lk, lv, lx] of lows)
    for (const [hk, hv, hx] of highs)
      if (lv > hv || (lv === hv && (lx || hx))) return `${lk} ${lv} is not below ${hk} ${hv}`;
  return undefined;
}

/**
 * Why one schema object, read alone, takes no value (the first reason found); undefined when some value may:
 * numeric and count bounds.
 */
export function contradiction(s: Json): string | undefined {
  const numeric = numericBounds(s);
  if (numeric) return numeric;
  for (const [low, high] of BOUNDS)
    if (num(s[low]) && num(s[high]) && (s[low] as number) > (s[high] as number))
      return `${low} ${s[low]} is above ${high} ${s[high]}`;
  return undefined;
}

/**
 * A `required` name `additionalProperties: false` forbids (not under `properties`): no object satisfies the schema
 * as written. Read as a declared property of any value (the object the author meant is accepted), the name returned.
 * Only a schema read alone: its parts (allOf, then, else, dependentSchemas) and patternProperties may declare it.
 */
export function requiredForbidden(s: Json): string | undefined {
  const parts = ["allOf", "anyOf", "oneOf", "then", "else", "dependentSchemas", "patternProperties", "$ref"];
  if (s.additionalProperties !== false || !Array.isArray(s.required) || parts.some((k) => k in s))
    return undefined;
  const props = s.properties !== null && typeof s.properties === "object" ? (s.properties as Json) : {};
  return s.required.find((n): n is string => typeof n === "string" && !Object.hasOwn(props, n));
}

export const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** A node as read that takes no value: `false` (never), or one carrying `not: {}` (an empty enum is read so). */
function takesNothing(node: SchemaNode): boolean {
  if (node.kind === "never") return true;
  const not = (node as { not?: SchemaNode }).not;
  return not?.kind === "any";
}

/**
 * Whether `node`, as read, takes no value: `never`, a schema carrying `not: {}`, an object requiring a property that
 * takes none (`requiredNever`), or parts of kinds no value is of all at once. A reference is followed (a cycle, or
 * one not converted yet, takes some value).
 */
export function takesNoValue(node: SchemaNode, symbols: SymbolTable, seen = new Set<string>()): boolean {
  if (node.kind === "ref") {
    if (seen.has(node.target) || !symbols.has(node.target)) return false;
    seen.add(node.target);
    return takesNoValue(symbols.get(node.target).schema, symbols, seen);
  }
  if (takesNothing(node) || requiredNever(node) !== undefined) return true;
  return valueKinds(node, symbols)?.size === 0;
}

/**
 * A required property whose own schema, as read, takes no value (`properties: {x: false}`, `x: {type: string,
 * not: {}}`, `x: {enum: []}`): no object satisfies the schema, whatever else it says (the property must be there,
 * and nothing may be there). Read from the node, so a `not` the node does not carry (beside any value) is no reason.
 */
export function requiredNever(node: SchemaNode): string | undefined {
  const object = node.kind === "nullable" ? node.inner : node;
  if (object.kind !== "object") return undefined;
  const found = object.properties.find((p) => p.required && takesNothing(p.schema));
  return found === undefined
    ? undefined
    : `it requires ${JSON.stringify(found.name)}, a property whose own schema takes no value`;
}

/** Keys of a `not` schema that say nothing about which values it takes but its `type`. */
const TYPE_ONLY = new Set(["type", "nullable", "title", "description", "$comment", "example", "examples"]);

/**
 * A `not` that refuses every value the schema's `type` takes (`type: string, not: {type: string}`; `not: {}` beside
 * a type): read alone, it names types only (or nothing: every value), and they cover the schema's. A schema naming
 * no type is left alone: `not: {}` by itself is how 3.1 specs forbid a property on purpose.
 */
export function notCoversType(s: Json): string | undefined {
  const types = typeKinds(s);
  if (types === undefined || types.size === 0) return undefined;
  const not = s.not;
  let refused: Set<string> | undefined;
  if (not === true) refused = undefined;
  else if (isObject(not) && Object.keys(not).every((k) => TYPE_ONLY.has(k) || k.startsWith("x-")))
    refused = typeKinds(not);
  else return undefined;
  if (refused !== undefined && ![...types].every((k) => refused.has(k))) return undefined;
  return `its not takes every ${shownKinds(types)} value, all that its type allows`;
}

/**
 * The type a schema's `enum` values are none of, when that type is a container's and the values scalars (`type:
 * object, enum: [PUSH, DONT_PUSH]`, Okta): undefined otherwise. The enum is read as written and the type not
 * enforced (the values are what the author listed: no object is `PUSH`), so this is said as information. A scalar
 * type's enum none of whose values is of it (`type: string, enum: [5]`, YAML's unquoted 5) is read as JSON Schema
 * reads it, as a `const` of another type is: no value (`SchemaConverter.enumOfType`).
 */
export function enumOutsideType(s: Json): string | undefined {
  return Array.isArray(s.enum) ? typeMiswritten(s, s.enum) : undefined;
}

/**
 * The type `values` (an enum's, or a const's alone) are none of, when the type is a container's (object, array) and
 * every value a scalar other than null: the type is the mistake there (Okta's `type: object` over strings), so the
 * values are read as written. Undefined otherwise: a value of the type, or a scalar type the values are not of.
 */
export function typeMiswritten(s: Json, values: unknown[]): string | undefined {
  const types = typeKinds(s);
  if (types === undefined || types.size === 0 || values.length === 0) return undefined;
  if (!types.has("object") && !types.has("array")) return undefined;
  if (![...types].every((k) => k === "object" || k === "array" || k === "null")) return undefined;
  if (!values.every((v) => v !== null && typeof v !== "object")) return undefined;
  return shownKinds(types);
}

/**
 * A scalar `v` not of the schema's scalar `type`, read as the value of that type its JSON text names, when it names
 * exactly one: `5` or `true` under `type: string` is the string `"5"`, `"true"` (what YAML's stringsAsWritten reads
 * from an unquoted 5 or true, and what a JSON spec converted from YAML wrote); `"5"` under `integer` is 5, `"1.5"`
 * under `number` 1.5, `"true"` under `boolean` true. Only canonical text reads (`"05"`, `"1.50"`, `"yes"` do not):
 * the value read is the one the text names, nothing lost. Undefined when there is no such reading, or when the
 * schema names no scalar type.
 */
export function readAsType(s: Json, v: unknown): { value: JsonPrimitive } | undefined {
  const types = typeKinds(s);
  if (types === undefined || v === null || typeof v === "object") return undefined;
  if (types.has(jsonKind(v))) return undefined;
  if (types.has("string") && (typeof v === "number" || typeof v === "boolean")) {
    return Number.isFinite(v) || typeof v === "boolean" ? { value: String(v) } : undefined;
  }
  if (typeof v !== "string") return undefined;
  if (types.has("boolean") && (v === "true" || v === "false")) return { value: v === "true" };
  if (!types.has("integer") && !types.has("fraction")) return undefined;
  if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(v)) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || String(n) !== v) return undefined;
  if (Number.isInteger(n) ? !types.has("integer") && !types.has("fraction") : !types.has("fraction"))
    return undefined;
  return Number.isSafeInteger(n) || !Number.isInteger(n) ? { value: n } : undefined;
}

/**
 * Whether `v` is a value of the schema's `type` (null counts: OpenAPI 3.0 lists it among an enum's values beside or
 * without `nullable`, read as "or null"), and the type as said; undefined when the schema names no type.
 */
export function typeFits(s: Json, v: unknown): { fits: boolean; type: string } | undefined {
  const types = typeKinds(s);
  // `type: []` (which JSON Schema refuses) is read as absent (`SchemaConverter.core`).
  if (types === undefined || types.size === 0) return undefined;
  return { fits: v === null || types.has(jsonKind(v)), type: shownKinds(types) };
}

/**
 * A number written with a label (`"0 (User)"`, `"1 - Group"`, `"2: Team"`, `"3 = Other"`: how some generators write a
 * C# enum's value and name), under a numeric `type`: the number at the start, in canonical text of the schema's type
 * (`readAsType`), then a separator (parentheses around the rest, or ` - `, `:`, `=`) and a label with a letter in it.
 * Undefined for anything else (`"01 (User)"`, `"1-2"`, `"5 apples"`, `"1.5 (Half)"` under integer): no guess.
 */
export function labelledNumber(s: Json, v: unknown): { value: number; label: string } | undefined {
  if (typeof v !== "string") return undefined;
  const types = typeKinds(s);
  if (types === undefined || (!types.has("integer") && !types.has("fraction")) || types.has("string"))
    return undefined;
  const m = /^(-?\d+(?:\.\d+)?)(?:\s*\(([^()]+)\)|\s+-\s+(.+)|\s*:\s+(.+)|\s*=\s*(.+))$/.exec(v.trim());
  if (m === null) return undefined;
  const label = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? "").trim();
  if (!/\p{L}/u.test(label)) return undefined;
  const read = readAsType(s, m[1]);
  return read !== undefined && typeof read.value === "number" ? { value: read.value, label } : undefined;
}

/**
 * The type a schema's only allowed value, null, is not of (`type: string, const: null`; `type: string, enum:
 * [null]` without `nullable`): JSON Schema reads it as no value, OpenAPI 3.0's reading of an enum's null (`typeFits`:
 * "or null") as null alone. Undefined when the type takes null, or a value other than null is listed.
 */
export function onlyNullOutsideType(s: Json, values: unknown[]): string | undefined {
  const types = typeKinds(s);
  if (types === undefined || types.size === 0 || types.has("null")) return undefined;
  return values.length > 0 && values.every((v) => v === null) ? shownKinds(types) : undefined;
}
