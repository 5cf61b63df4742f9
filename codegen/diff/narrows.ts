import type { JsonSchema } from "../../src/catalog.js";
import { isJsonObject } from "../../src/catalog.js";
import { refName } from "../../src/publish/project.js";

/**
 * Whether a changed argument schema accepts only values the old one accepted: `diff` calls a change that is not
 * proven so a widening, because a release gate (`--fail-on-widening`) must not pass a loosened constraint (an
 * enum that gained `admin`, a `pattern` or `maxLength` dropped, a type widened, an object that now takes any
 * property) as a harmless edit. The proof is structural and conservative: every keyword of the old schema must be
 * matched by the same or a tighter one in the new schema; anything it cannot compare (a `not`, an `if`, a
 * different `oneOf`) counts as not proven, so a doubtful change is shown as widening, never hidden.
 *
 * One rule goes beyond JSON Schema's: a property the new schema describes and the old one did not is new surface
 * (not narrower), even inside an object that let any property through, as a new optional argument is at the top
 * level: what a model is told it may send has grown. Annotations (descriptions, titles, examples, defaults, `x-`
 * extensions) constrain nothing and are ignored.
 */

/** Both catalogs' tables of named schemas: `$ref`s on each side resolve in that side's table. */
export interface SchemaTables {
  before: Record<string, JsonSchema>;
  after: Record<string, JsonSchema>;
}

/** Keywords that describe and constrain nothing (with `x-` extensions): ignored by the proof and by `diff`'s details. */
export const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$anchor",
  "$comment",
  "$defs",
  "title",
  "description",
  "default",
  "examples",
  "example",
  "deprecated",
  "readOnly",
  "writeOnly",
  "contentEncoding",
  "contentMediaType",
  "contentSchema",
  "discriminator",
  "externalDocs",
  "xml",
]);

/** Keywords this proof compares; any other assertion in the old schema must appear unchanged in the new one. */
const UNDERSTOOD = new Set([
  "$ref",
  "type",
  "enum",
  "const",
  "allOf",
  "anyOf",
  "oneOf",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "properties",
  "required",
  "additionalProperties",
  "minProperties",
  "maxProperties",
]);

type Schema = Record<string, unknown> | boolean;

const MAX_DEPTH = 64;
const ALL_TYPES = ["array", "boolean", "integer", "null", "number", "object", "string"];

/** A schema without its annotations (top level only); `true` for one that constrains nothing, undefined for no schema. */
function assertions(schema: unknown): Schema | undefined {
  if (typeof schema === "boolean") return schema;
  if (!isJsonObject(schema)) return undefined;
  const out: Record<string, unknown> = {};
  let any = false;
  for (const key in schema) {
    if (!Object.hasOwn(schema, key) || ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    Object.defineProperty(out, key, {
      value: schema[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
    any = true;
  }
  return any ? out : true;
}

/** Canonical JSON of a value (keys sorted), for comparing enum members and keywords compared whole. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    isJsonObject(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The types a schema allows by its `type` keyword alone (all, when it has none). */
function typesOf(s: Record<string, unknown>): Set<string> {
  const t = s.type;
  if (typeof t === "string") return new Set(t === "number" ? ["number", "integer"] : [t]);
  if (Array.isArray(t)) {
    const out = new Set<string>();
    for (const x of t) {
      if (typeof x !== "string") continue;
      out.add(x);
      if (x === "number") out.add("integer");
    }
    return out;
  }
  return new Set(ALL_TYPES);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/**
 * Comparisons one proof may make (the reverse proofs of `oneOf` alternatives included): nested alternatives compare
 * pair by pair both ways, so a hostile catalog could make the work exponential; past the budget a change is not
 * proven (shown as widening), never waited on.
 */
export const PROOF_STEPS = 200_000;

class Proof {
  private readonly assumed = new Set<string>();
  constructor(
    private readonly tables: SchemaTables,
    private readonly steps: { left: number } = { left: PROOF_STEPS },
  ) {}

  /** `schema` with a bare `$ref` replaced by its target (chains followed); `name` is the last name followed. */
  private resolve(
    schema: unknown,
    side: keyof SchemaTables,
    name?: string,
  ): { s: Schema; name?: string } | undefined {
    let s = assertions(schema);
    if (s === undefined) return undefined;
    let seen = 0;
    while (typeof s === "object" && Object.keys(s).length === 1 && "$ref" in s) {
      const target = refName(s.$ref);
      const table = this.tables[side];
      if (target === undefined || !Object.hasOwn(table, target) || ++seen > MAX_DEPTH) return undefined;
      name = target;
      s = assertions(table[target]);
      if (s === undefined) return undefined;
    }
    return { s, name };
  }

  /** Whether every value `now` (after) accepts, `was` (before) accepted too. */
  narrower(now: unknown, was: unknown, depth = 0): boolean {
    if (depth > MAX_DEPTH || --this.steps.left < 0) return false;
    const a = this.resolve(now, "after");
    const b = this.resolve(was, "before");
    if (a === undefined || b === undefined) return false;
    if (a.name !== undefined && b.name !== undefined) {
      // A pair of named schemas already being compared is assumed to hold (recursive types).
      const key = `${a.name}\u0000${b.name}`;
      if (this.assumed.has(key)) return true;
      this.assumed.add(key);
      try {
        return this.schemas(a.s, b.s, depth);
      } finally {
        this.assumed.delete(key);
      }
    }
    return this.schemas(a.s, b.s, depth);
  }

  private schemas(a: Schema, b: Schema, depth: number): boolean {
    if (b === true || a === false) return true;
    if (b === false || a === true) return false;
    const next = depth + 1;
    // A `$ref` beside other assertions applies both: the new side needs only one part inside the old; the old
    // side's parts each hold.
    if ("$ref" in a) {
      const { $ref, ...rest } = a;
      return this.narrower({ $ref }, b, next) || this.narrower(rest, b, next);
    }
    if ("$ref" in b) {
      const { $ref, ...rest } = b;
      return this.narrower(a, { $ref }, next) && this.narrower(a, rest, next);
    }
    // A finite set of values: each must have been accepted.
    if (Array.isArray(a.enum) || "const" in a) {
      const values = "const" in a ? [a.const] : (a.enum as unknown[]);
      if (values.every((v) => this.accepts(b, v, next))) return true;
    }
    // The same "exactly one" alternatives on both sides (each equivalent to its counterpart): the rest decides.
    if (Array.isArray(a.oneOf) && Array.isArray(b.oneOf) && this.sameAlternatives(a.oneOf, b.oneOf, next)) {
      const { oneOf: _a, ...restA } = a;
      const { oneOf: _b, ...restB } = b;
      return this.narrower(restA, restB, next);
    }
    // The new side's alternatives each inside the old schema, or its other keywords alone are.
    for (const key of ["anyOf", "oneOf"] as const) {
      if (!Array.isArray(a[key])) continue;
      const { [key]: branches, ...rest } = a;
      return (
        (branches as unknown[]).every((branch) => this.narrower(branch, b, next)) ||
        (Object.keys(rest).length > 0 && this.narrower(rest, b, next))
      );
    }
    // One part of an `allOf` inside the old schema is enough; else the new side's own keywords (its `allOf` only
    // narrows it further). Parts that hold only together are not combined: not proven.
    if (Array.isArray(a.allOf) && (a.allOf as unknown[]).some((part) => this.narrower(part, b, next)))
      return true;
    return this.keywords(a, b, next);
  }

  /** Every keyword of the old schema `b` matched by the new schema `a` (which has no `anyOf`/`oneOf`/`$ref`). */
  private keywords(a: Record<string, unknown>, b: Record<string, unknown>, next: number): boolean {
    if (Array.isArray(b.allOf) && !(b.allOf as unknown[]).every((part) => this.narrower(a, part, next)))
      return false;
    if (Array.isArray(b.anyOf) && !(b.anyOf as unknown[]).some((branch) => this.narrower(a, branch, next)))
      return false;
    // "Exactly one" cannot be proven branch by branch: the same alternatives, compared whole, or not proven.
    if (Array.isArray(b.oneOf) && !(Array.isArray(a.oneOf) && this.sameAlternatives(a.oneOf, b.oneOf, next)))
      return false;
    for (const key in b) {
      if (!Object.hasOwn(b, key) || UNDERSTOOD.has(key)) continue;
      if (!Object.hasOwn(a, key) || canonical(a[key]) !== canonical(b[key])) return false;
    }
    const typesA = typesOf(a);
    const typesB = typesOf(b);
    for (const t of typesA) if (!typesB.has(t)) return false;
    if (Array.isArray(b.enum) || "const" in b) {
      const allowed = new Set(("const" in b ? [b.const] : (b.enum as unknown[])).map(canonical));
      const values = "const" in a ? [a.const] : Array.isArray(a.enum) ? (a.enum as unknown[]) : undefined;
      if (values === undefined || !values.every((v) => allowed.has(canonical(v)))) return false;
    }
    const has = (...types: string[]) => types.some((t) => typesA.has(t));
    if (has("number", "integer") && !this.numbers(a, b, typesA)) return false;
    if (has("string") && !this.strings(a, b)) return false;
    if (has("array") && !this.arrays(a, b, next)) return false;
    if (has("object") && !this.objects(a, b, next)) return false;
    return true;
  }

  /**
   * Whether two lists of alternatives are the same, pair by pair, each accepting exactly what its counterpart
   * does. Inclusion pair by pair is not enough for `oneOf`: a value that matched two old alternatives (and so was
   * refused) may match only one new one.
   */
  private sameAlternatives(now: unknown[], was: unknown[], next: number): boolean {
    if (now.length !== was.length) return false;
    const back = new Proof({ before: this.tables.after, after: this.tables.before }, this.steps);
    return now.every((x, i) => this.narrower(x, was[i], next) && back.narrower(was[i], x, next));
  }

  private numbers(a: Record<string, unknown>, b: Record<string, unknown>, typesA: Set<string>): boolean {
    const num = (s: Record<string, unknown>, k: string) =>
      typeof s[k] === "number" ? (s[k] as number) : undefined;
    const lowA = num(a, "minimum");
    const lowXA = num(a, "exclusiveMinimum");
    const highA = num(a, "maximum");
    const highXA = num(a, "exclusiveMaximum");
    const minB = num(b, "minimum");
    if (
      minB !== undefined &&
      !((lowA !== undefined && lowA >= minB) || (lowXA !== undefined && lowXA >= minB))
    )
      return false;
    const xminB = num(b, "exclusiveMinimum");
    if (
      xminB !== undefined &&
      !((lowA !== undefined && lowA > xminB) || (lowXA !== undefined && lowXA >= xminB))
    )
      return false;
    const maxB = num(b, "maximum");
    if (
      maxB !== undefined &&
      !((highA !== undefined && highA <= maxB) || (highXA !== undefined && highXA <= maxB))
    )
      return false;
    const xmaxB = num(b, "exclusiveMaximum");
    if (
      xmaxB !== undefined &&
      !((highA !== undefined && highA < xmaxB) || (highXA !== undefined && highXA <= xmaxB))
    )
      return false;
    const stepB = num(b, "multipleOf");
    if (stepB !== undefined) {
      const stepA = num(a, "multipleOf");
      const onlyIntegers = !typesA.has("number");
      const fits = (stepA !== undefined && Number.isInteger(stepA / stepB)) || (stepB === 1 && onlyIntegers);
      if (!fits) return false;
    }
    return true;
  }

  private strings(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
    if (!atLeast(a.minLength, b.minLength) || !atMost(a.maxLength, b.maxLength)) return false;
    if (b.pattern !== undefined && a.pattern !== b.pattern) return false;
    if (b.format !== undefined && a.format !== b.format) return false;
    return true;
  }

  private arrays(a: Record<string, unknown>, b: Record<string, unknown>, next: number): boolean {
    if (!atLeast(a.minItems, b.minItems) || !atMost(a.maxItems, b.maxItems)) return false;
    if (b.uniqueItems === true && a.uniqueItems !== true) return false;
    if (b.items !== undefined && !this.narrower(a.items ?? true, b.items, next)) return false;
    return true;
  }

  private objects(a: Record<string, unknown>, b: Record<string, unknown>, next: number): boolean {
    if (!atLeast(a.minProperties, b.minProperties) || !atMost(a.maxProperties, b.maxProperties)) return false;
    const requiredA = new Set(Array.isArray(a.required) ? (a.required as string[]) : []);
    if (Array.isArray(b.required) && !(b.required as string[]).every((p) => requiredA.has(p))) return false;
    const propsA = isJsonObject(a.properties) ? a.properties : {};
    const propsB = isJsonObject(b.properties) ? b.properties : {};
    // Names matching the new schema's `patternProperties` take those schemas, whatever its additionalProperties.
    const patterned = isJsonObject(a.patternProperties) && Object.keys(a.patternProperties).length > 0;
    const extraA = patterned ? true : (a.additionalProperties ?? true);
    const extraB = b.additionalProperties ?? true;
    // What the new schema accepts under each name the old one described.
    for (const name in propsB) {
      if (!Object.hasOwn(propsB, name)) continue;
      const now = Object.hasOwn(propsA, name) ? propsA[name] : extraA;
      if (!this.narrower(now, propsB[name], next)) return false;
    }
    // A name only the new schema describes is new surface, even where the old schema let any name through: the
    // model is now told it may send it (GitHub's `security_and_analysis` gaining `secret_scanning_delegated_bypass`),
    // as a new optional argument is at the top level.
    for (const name in propsA) if (Object.hasOwn(propsA, name) && !Object.hasOwn(propsB, name)) return false;
    return this.narrower(extraA, extraB, next);
  }

  /** Whether a value is accepted by a schema, for the keywords a value check needs; unknown ones: not proven. */
  accepts(schema: unknown, value: unknown, depth: number): boolean {
    if (depth > MAX_DEPTH || --this.steps.left < 0) return false;
    const r = this.resolve(schema, "before");
    if (r === undefined) return false;
    const s = r.s;
    if (s === true) return true;
    if (s === false) return false;
    for (const key in s) {
      if (!Object.hasOwn(s, key)) continue;
      if (
        ![
          "type",
          "enum",
          "const",
          "minLength",
          "maxLength",
          "pattern",
          "minimum",
          "maximum",
          "allOf",
          "anyOf",
        ].includes(key)
      )
        return false;
    }
    const t = jsonType(value);
    const types = typesOf(s);
    if (!types.has(t) && !(t === "integer" && types.has("number"))) return false;
    if (Array.isArray(s.enum) && !(s.enum as unknown[]).some((v) => canonical(v) === canonical(value)))
      return false;
    if ("const" in s && canonical(s.const) !== canonical(value)) return false;
    if (typeof value === "string") {
      const length = [...value].length;
      if (typeof s.minLength === "number" && length < s.minLength) return false;
      if (typeof s.maxLength === "number" && length > s.maxLength) return false;
      if (typeof s.pattern === "string") {
        try {
          if (!new RegExp(s.pattern, "u").test(value)) return false;
        } catch {
          return false;
        }
      }
    }
    if (typeof value === "number") {
      if (typeof s.minimum === "number" && value < s.minimum) return false;
      if (typeof s.maximum === "number" && value > s.maximum) return false;
    }
    if (Array.isArray(s.allOf) && !(s.allOf as unknown[]).every((p) => this.accepts(p, value, depth + 1)))
      return false;
    if (Array.isArray(s.anyOf) && !(s.anyOf as unknown[]).some((p) => this.accepts(p, value, depth + 1)))
      return false;
    return true;
  }
}

function atLeast(now: unknown, was: unknown): boolean {
  return typeof was !== "number" || (typeof now === "number" && now >= was);
}

function atMost(now: unknown, was: unknown): boolean {
  return typeof was !== "number" || (typeof now === "number" && now <= was);
}

/** Whether every value `after` accepts was accepted by `before` (each resolving `$ref`s in its own table). */
export function acceptsNoMore(after: unknown, before: unknown, tables: SchemaTables): boolean {
  // The same text without references (which resolve in different tables) accepts the same values.
  const text = canonical(after);
  if (!text.includes('"$ref"') && text === canonical(before)) return true;
  return new Proof(tables).narrower(after, before);
}
