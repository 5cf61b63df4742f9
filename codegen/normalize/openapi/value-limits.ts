import { program } from "../../../src/patterns/linear.js";
import type { SymbolTable } from "../../ir/symbols.js";
import type { SchemaNode } from "../../ir/types.js";

const NUMERAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Kinds null is no value of (unless nullable); an enum or a const says for itself. */
const TYPED = new Set(["string", "integer", "number", "boolean", "object", "array", "tuple"]);

/** How deep into an example's arrays and objects its values are checked (a spec's examples are small). */
const MAX_DEPTH = 32;

/**
 * Why a node's own limits refuse `value`; undefined when they take it, or say nothing of it (a union, an
 * intersection, a reference the symbols do not hold yet: never a guess). A string's length and pattern, a number's
 * bounds, `multipleOf`, a 64-bit format's range, an array's item count, `uniqueItems` and items, an object's
 * property count, required, closed and dependent properties and each property's value, as the generated check and
 * the published schema's validators decide: a value either refuses is refused. A length is counted both ways a
 * check counts it (code points, as JSON Schema does; UTF-16 units, as zod does). A value inside an array or object
 * must also be of its schema's type (a top-level one is first fitted to it, `fitScalar`).
 */
export function outsideLimits(
  node: SchemaNode,
  value: unknown,
  symbols?: SymbolTable,
  depth = 0,
): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const n = node.kind === "nullable" ? node.inner : node;
  if (node.kind === "nullable" && value === null) return undefined;
  if (n.kind === "string" && typeof value === "string") return stringLimits(n, value);
  if ((n.kind === "number" || n.kind === "integer") && typeof value === "number")
    return numberLimits(n, value);
  if ((n.kind === "array" || n.kind === "tuple") && Array.isArray(value))
    return arrayLimits(n, value, symbols, depth);
  if (n.kind === "object" && isRecord(value)) return objectLimits(n, value, symbols, depth);
  return undefined;
}

type NodeOf<K extends SchemaNode["kind"]> = Extract<SchemaNode, { kind: K }>;

function stringLimits(n: NodeOf<"string">, value: string): string | undefined {
  const points = [...value].length;
  if (n.minLength !== undefined && Math.min(points, value.length) < n.minLength)
    return `is shorter than minLength ${n.minLength}`;
  if (n.maxLength !== undefined && Math.max(points, value.length) > n.maxLength)
    return `is longer than maxLength ${n.maxLength}`;
  if (n.pattern !== undefined) {
    const matches =
      n.patternRe2 !== undefined ? program(n.patternRe2).test(value) : new RegExp(n.pattern, "u").test(value);
    if (!matches) return `does not match pattern ${shown(n.pattern)}`;
  }
  return undefined;
}

function numberLimits(n: NodeOf<"number" | "integer">, value: number): string | undefined {
  if (n.minimum !== undefined && value < n.minimum) return `is below minimum ${n.minimum}`;
  if (n.exclusiveMinimum !== undefined && value <= n.exclusiveMinimum)
    return `is not above exclusiveMinimum ${n.exclusiveMinimum}`;
  if (n.maximum !== undefined && value > n.maximum) return `is above maximum ${n.maximum}`;
  if (n.exclusiveMaximum !== undefined && value >= n.exclusiveMaximum)
    return `is not below exclusiveMaximum ${n.exclusiveMaximum}`;
  if (n.multipleOf !== undefined) {
    const why = notMultiple(value, n.multipleOf);
    if (why !== undefined) return why;
  }
  // The range a 64-bit format's input form checks (src/load/exact-integer.ts), the floor of uint64 published too.
  if (n.kind === "integer" && n.format === "uint64" && value < 0) return "is below 0, the least uint64";
  if (n.kind === "integer" && (n.format === "int64" || n.format === "uint64")) {
    const [least, most] = n.format === "int64" ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    // As doubles: 9223372036854775807 written in the spec reads as 2^63, the double nearest it, and is in range.
    if (value < Number(least) || value > Number(most)) return `is outside the ${n.format} range`;
  }
  return undefined;
}

function arrayLimits(
  n: NodeOf<"array" | "tuple">,
  value: unknown[],
  symbols: SymbolTable | undefined,
  depth: number,
): string | undefined {
  if (n.minItems !== undefined && value.length < n.minItems)
    return `has ${value.length} item${value.length === 1 ? "" : "s"}, fewer than minItems ${n.minItems}`;
  if (n.maxItems !== undefined && value.length > n.maxItems)
    return `has ${value.length} items, more than maxItems ${n.maxItems}`;
  if (n.kind === "array" && n.uniqueItems) {
    // JSON Schema's equality ignores the order of an object's keys (ajv's), the generated check compares JSON
    // texts: keys sorted, a value either finds repeated is.
    const seen = new Set<string>();
    for (const item of value) {
      const key = canonical(item);
      if (seen.has(key)) return `repeats the item ${shown(item)}, beside uniqueItems`;
      seen.add(key);
    }
  }
  for (let i = 0; i < value.length; i++) {
    const schema = n.kind === "array" ? n.items : (n.items[i] ?? n.rest);
    if (schema === undefined) return `has an item ${i}, past its prefixItems`;
    const why = refusedBy(schema, value[i], symbols, depth + 1);
    if (why !== undefined) return within(`[${i}]`, why);
  }
  return undefined;
}

function objectLimits(
  n: NodeOf<"object">,
  value: Record<string, unknown>,
  symbols: SymbolTable | undefined,
  depth: number,
): string | undefined {
  const keys = Object.keys(value);
  if (n.minProperties !== undefined && keys.length < n.minProperties)
    return `has ${keys.length} propert${keys.length === 1 ? "y" : "ies"}, fewer than minProperties ${n.minProperties}`;
  if (n.maxProperties !== undefined && keys.length > n.maxProperties)
    return `has ${keys.length} properties, more than maxProperties ${n.maxProperties}`;
  // A required readOnly (writeOnly) property is left out of the input (output) view: an example without it fits
  // the other view, and one example serves both.
  for (const p of n.properties)
    if (p.required && !p.schema.readOnly && !p.schema.writeOnly && !Object.hasOwn(value, p.name))
      return `has no ${shown(p.name)}, which is required`;
  for (const [member, others] of n.dependentRequired ?? [])
    if (Object.hasOwn(value, member))
      for (const other of others)
        if (!Object.hasOwn(value, other))
          return `has ${shown(member)} without ${shown(other)}, beside dependentRequired`;
  const declared = new Map(n.properties.map((p) => [p.name, p.schema]));
  for (const key of keys) {
    const schema = declared.get(key) ?? (typeof n.additional === "object" ? n.additional : undefined);
    if (schema === undefined) {
      if (n.additional === false) return `has ${shown(key)}, a property the schema does not allow`;
      continue;
    }
    const why = refusedBy(schema, value[key], symbols, depth + 1);
    if (why !== undefined) return within(/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${shown(key)}]`, why);
  }
  return undefined;
}

/**
 * Why `node` refuses `value` as it is (a value inside an array or object, or beside a `$ref`; a reference followed
 * when its schema is converted): of another type, not one of an enum's values, or outside the limits
 * (`outsideLimits`).
 */
export function refusedBy(
  node: SchemaNode,
  value: unknown,
  symbols: SymbolTable | undefined,
  depth = 0,
): string | undefined {
  const n = symbols ? resolveDefined(node, symbols) : node;
  if (n === undefined) return undefined;
  const fitted = fitScalar(n, value);
  if (fitted === undefined || fitted.value !== value) {
    const inner = n.kind === "nullable" ? n.inner : n;
    return inner.kind === "enum" || inner.kind === "literal"
      ? "is not one of the schema's values"
      : `is not of the schema's type (${inner.kind})`;
  }
  return outsideLimits(n, value, symbols, depth);
}

/** A nested value's refusal, its place first: `at [0].name is longer than maxLength 3`. */
function within(segment: string, why: string): string {
  return why.startsWith("at ") ? `at ${segment}${why.slice(3)}` : `at ${segment} ${why}`;
}

/** `node` with its references followed, when each is converted already; undefined when one is not (yet). */
export function resolveDefined(node: SchemaNode, symbols: SymbolTable): SchemaNode | undefined {
  let n = node;
  for (let i = 0; n.kind === "ref"; i++) {
    if (i > 64 || !symbols.isDefined(n.target)) return undefined;
    n = symbols.get(n.target).schema as SchemaNode;
  }
  if (n.kind === "nullable" && n.inner.kind === "ref") {
    const inner = resolveDefined(n.inner, symbols);
    return inner === undefined ? undefined : { kind: "nullable", inner };
  }
  return n;
}

/**
 * Why `value` is no multiple of `step`, as either check decides: the generated one on the decimals JSON writes
 * (`multipleOf` in `emit/module-parts.ts`: 0.07 is a multiple of 0.01) and JSON Schema validators dividing doubles
 * (ajv: 0.07 / 0.01 is 7.000000000000001, no integer, so refused). A value either refuses is refused.
 */
function notMultiple(value: number, step: number): string | undefined {
  if (!exactMultiple(value, step)) return `is not a multiple of multipleOf ${step}`;
  const ratio = value / step;
  if (ratio !== Number.parseInt(String(ratio), 10))
    return `is not a multiple of multipleOf ${step} as JSON Schema validators dividing doubles count it (${value} / ${step} is ${ratio})`;
  return undefined;
}

/** A finite number as the decimal JSON writes it: [coefficient, exponent of ten]. */
function decimal(n: number): [bigint, number] | undefined {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-][0-9]+))?$/.exec(String(n));
  if (!m) return undefined;
  const fraction = m[3] ?? "";
  return [BigInt(`${m[1]}${m[2]}${fraction}`), Number(m[4] ?? 0) - fraction.length];
}

function exactMultiple(value: number, step: number): boolean {
  const v = decimal(value);
  const s = decimal(step);
  if (!v || !s || s[0] === 0n) return false;
  const e = Math.min(v[1], s[1]);
  return (v[0] * 10n ** BigInt(v[1] - e)) % (s[0] * 10n ** BigInt(s[1] - e)) === 0n;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON text with each object's keys sorted. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

/**
 * `value` as a value of `node` (a string, integer, number, boolean, enum, const, object or array, or one of them or
 * null), or
 * undefined when it cannot be one; any other schema (a union, a reference, any value) takes it as it is.
 */
export function fitScalar(node: SchemaNode, value: unknown): { value: unknown } | undefined {
  const n = node.kind === "nullable" ? node.inner : node;
  if (value === null && (node.kind === "nullable" || !TYPED.has(n.kind))) return { value };
  switch (n.kind) {
    case "string":
      if (typeof value === "string") return { value };
      return typeof value === "number" || typeof value === "boolean" ? { value: String(value) } : undefined;
    case "integer":
    case "number": {
      if (typeof value === "string" && NUMERAL.test(value)) {
        const number = Number(value);
        // Digits a double does not hold exactly (an int64 id) stay a string: a 64-bit integer's or a decimal's
        // input takes a string of its digits, and rounding would publish another number.
        const exact = value.replace(/^-|\.|[eE].*$/g, "").replace(/^0+/, "").length <= 15;
        if (!exact || (n.kind === "integer" && !Number.isSafeInteger(number))) return { value };
        return n.kind === "integer" && !Number.isInteger(number) ? undefined : { value: number };
      }
      if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
      return n.kind === "integer" && !Number.isInteger(value) ? undefined : { value };
    }
    case "boolean":
      if (typeof value === "boolean") return { value };
      return value === "true" || value === "false" ? { value: value === "true" } : undefined;
    // An enum's (or a const's) example is one of its values (Asana's `include`, an enum of strings, had an array
    // of them as example), or the string of one (`5` for "5").
    case "enum":
    case "literal": {
      const values: unknown[] = n.kind === "enum" ? n.values : [n.value];
      if (values.includes(value)) return { value };
      const text = typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
      return text !== undefined && values.includes(text) ? { value: text } : undefined;
    }
    // An object's or an array's example of another JSON type (`type: array, example: "a,b"`) is not one.
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value) ? { value } : undefined;
    case "array":
    case "tuple":
      return Array.isArray(value) ? { value } : undefined;
    default:
      return { value };
  }
}

/** A value as a message shows it: its JSON, cut at 40 characters. */
export function shown(v: unknown): string {
  const text = typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
