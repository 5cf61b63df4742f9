import type { JsonSchema } from "../../src/catalog.js";
import { setOwn } from "../../src/catalog.js";
import { flatUnion } from "../../src/publish/drift.js";
import type { SymbolTable } from "../ir/symbols.js";
import type { SchemaMeta, SchemaNode, SymbolId } from "../ir/types.js";
import { compareStrings } from "../util.js";

function isBareAny(n: SchemaNode): boolean {
  return (
    n.kind === "any" &&
    n.description === undefined &&
    n.title === undefined &&
    n.default === undefined &&
    n.examples === undefined
  );
}

/** Examples help a model fill arguments; large ones only cost context. */
const MAX_EXAMPLES_CHARS = 200;

function meta(node: SchemaMeta, out: JsonSchema): JsonSchema {
  if (node.title !== undefined) out.title = node.title;
  if (node.description !== undefined) out.description = node.description;
  if (node.default !== undefined) out.default = node.default;
  if (node.examples !== undefined && JSON.stringify(node.examples).length <= MAX_EXAMPLES_CHARS)
    out.examples = node.examples;
  if (node.deprecated) out.deprecated = true;
  return out;
}

/** `{type: "null"}` and nothing else: a described null branch keeps its words (and its place) in a union. */
const isNull = (s: JsonSchema) => s.type === "null" && Object.keys(s).length === 1;

/**
 * An `anyOf`'s branches one level deep (src/publish/drift.ts flatUnion): `anyOf [anyOf [string, null], null]`
 * says the same as `anyOf [string, null]` twice over and costs every client a level.
 */
const flatAnyOf = (branches: readonly JsonSchema[]): JsonSchema[] => flatUnion(branches, isNull);

/** The schema or `null`, one union deep (see flatAnyOf). */
function orNull(inner: JsonSchema): JsonSchema {
  if (isNull(inner)) return inner;
  return { anyOf: flatAnyOf([inner, { type: "null" }]) };
}

type NodeOf<K extends SchemaNode["kind"]> = Extract<SchemaNode, { kind: K }>;

/** An enum whose values share one JSON type says so (`type` next to `enum`). */
function enumSchema(n: NodeOf<"enum">): JsonSchema {
  const types = new Set(n.values.map((v) => (Number.isInteger(v) ? "integer" : typeof v)));
  const only = types.size === 1 ? [...types][0] : undefined;
  return only === "string" || only === "integer" || only === "number" || only === "boolean"
    ? { type: only, enum: n.values }
    : { enum: n.values };
}

function stringSchema(n: NodeOf<"string">): JsonSchema {
  const s: JsonSchema = { type: "string" };
  if (n.format !== undefined && n.format !== "binary") s.format = n.format;
  if (n.minLength !== undefined) s.minLength = n.minLength;
  if (n.maxLength !== undefined) s.maxLength = n.maxLength;
  if (n.pattern !== undefined) s.pattern = n.pattern;
  if (n.contentEncoding !== undefined) s.contentEncoding = n.contentEncoding;
  if (n.contentMediaType !== undefined) s.contentMediaType = n.contentMediaType;
  return s;
}

/**
 * The node with the lower bound its 64-bit input form's format implies where the spec states none: a `uint64`
 * is never negative. The server's check (`rt.integer`) refuses a negative one by its format; the published schema
 * and the TypeScript twin say the same, so every validator of the argument agrees.
 */
export function withFormatFloor<T extends NodeOf<"number" | "integer">>(n: T): T {
  if (n.kind !== "integer" || !n.digits || n.format !== "uint64") return n;
  if ((n.minimum ?? -1) >= 0 || (n.exclusiveMinimum ?? -1) >= 0) return n;
  return { ...n, minimum: 0 };
}

function numberSchema(node: NodeOf<"number" | "integer">): JsonSchema {
  const n = withFormatFloor(node);
  const s: JsonSchema = { type: n.kind };
  if (n.format !== undefined) s.format = n.format;
  for (const k of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"] as const) {
    if (n[k] !== undefined) s[k] = n[k];
  }
  if (n.digits) return { anyOf: [s, digitsSchema(n.kind, n.format)] };
  return s;
}

/** The digit-string pattern of a 64-bit integer's or a decimal's input form (unsigned: no sign). */
export function digitsPattern(kind: "integer" | "number", format: string | undefined): string {
  if (kind === "number") return "^-?[0-9]+(\\.[0-9]+)?$";
  return format === "uint64" ? "^[0-9]+$" : "^-?[0-9]+$";
}

/**
 * The string branch of a 64-bit integer's or a decimal's input form (`digits`): `anyOf: [integer, string of
 * digits]` (a decimal: `[number, string of digits with a point]`), a form
 * OpenAI strict mode, Gemini (`anyOf`, `pattern`) and Anthropic all take, where a model can write an id beyond
 * 2^53 exactly; the server sends it upstream as the JSON number those digits write.
 */
function digitsSchema(kind: "integer" | "number", format: string | undefined): JsonSchema {
  return {
    type: "string",
    pattern: digitsPattern(kind, format),
    description:
      kind === "integer"
        ? "The integer as digits, exact beyond 2^53."
        : "The number as digits, exact past a double's.",
  };
}

/**
 * What breaks an object's presence rules (`anyOf`/`oneOf` of required sets), published as its `not`: a rule is the
 * root's own (a hand-written tool's input), and the Anthropic API refuses a tool whose `input_schema` has `anyOf`,
 * `oneOf` or `allOf` at its top level ("input_schema does not support oneOf, allOf, or anyOf at the top level"),
 * failing the whole request. So "at least one of: a; b" is `not: {allOf: [{not: {required: [a]}}, {not: {required:
 * [b]}}]}` (no set all present), "exactly one" adds each two sets all present; the validators read it as the
 * `anyOf`/`oneOf` it came from, and the tool's argument rules say it in words.
 */
function presenceBroken(rules: { exclusive: boolean; sets: string[][]; when?: string[] }[]): JsonSchema {
  const broken = rules.map((rule) => {
    const none = rule.sets.map((set) => ({ not: { required: set } }));
    const noneAt: JsonSchema = none.length === 1 ? (none[0] as JsonSchema) : { allOf: none };
    const both: JsonSchema[] = [];
    if (rule.exclusive)
      rule.sets.forEach((a, i) => {
        for (const b of rule.sets.slice(i + 1)) both.push({ required: [...new Set([...a, ...b])] });
      });
    const said: JsonSchema = both.length === 0 ? noneAt : { anyOf: [noneAt, ...both] };
    if (!rule.when) return said;
    // Judged only where one of `when` is present.
    const judged = rule.when.map((name) => ({ required: [name] }));
    return { allOf: [judged.length === 1 ? (judged[0] as JsonSchema) : { anyOf: judged }, said] };
  });
  return broken.length === 1 ? (broken[0] as JsonSchema) : { anyOf: broken };
}

/**
 * IR -> JSON Schema 2020-12 as published in `tools/list` and catalog.json. Nullability is `anyOf [X, null]`
 * rather than a type array, and every schema carries a keyword: both keep strict clients (and the Inspector's
 * `--strict` portability check) happy.
 */
export class JsonSchemaEmitter {
  constructor(private readonly symbols: SymbolTable) {}

  node(n: SchemaNode): JsonSchema {
    const s = meta(n, this.core(n));
    if (n.not) {
      // An object's presence rules are a `not` already (`presenceBroken`): neither may hold.
      const own = this.node(n.not);
      s.not = s.not ? { anyOf: [own, s.not] } : own;
    }
    return s;
  }

  private core(n: SchemaNode): JsonSchema {
    switch (n.kind) {
      case "any":
        return {};
      case "never":
        return { not: {} };
      case "null":
        return { type: "null" };
      case "boolean":
        return { type: "boolean" };
      case "literal":
        return { const: n.value };
      case "enum":
        return enumSchema(n);
      case "string":
        return stringSchema(n);
      case "number":
      case "integer":
        return numberSchema(n);
      case "array":
        return this.array(n);
      case "tuple":
        return this.tuple(n);
      case "object":
        return this.object(n);
      case "union":
        return n.exclusive
          ? { oneOf: n.variants.map((v) => this.node(v)) }
          : { anyOf: flatAnyOf(n.variants.map((v) => this.node(v))) };
      case "intersection":
        return { allOf: n.parts.map((p) => this.node(p)) };
      case "nullable":
        return orNull(this.node(n.inner));
      case "ref":
        return { $ref: `#/$defs/${this.symbols.get(n.target).defName}` };
    }
  }

  private array(n: NodeOf<"array">): JsonSchema {
    // Items that may be anything are left unsaid: `{type: array}` means the same, and strict clients reject
    // a keyword-less `items: {}` as a schema that validates nothing.
    const items = this.node(n.items);
    const s: JsonSchema = Object.keys(items).length === 0 ? { type: "array" } : { type: "array", items };
    if (n.minItems !== undefined) s.minItems = n.minItems;
    if (n.maxItems !== undefined) s.maxItems = n.maxItems;
    if (n.uniqueItems) s.uniqueItems = true;
    return s;
  }

  private tuple(n: NodeOf<"tuple">): JsonSchema {
    // A tuple of no positions (`prefixItems: []`, or the enum value `[]`) says nothing before its rest: JSON
    // Schema 2020-12 refuses an empty `prefixItems`, so none is written (`items: false` alone is the empty array).
    const s: JsonSchema =
      n.items.length === 0
        ? { type: "array" }
        : { type: "array", prefixItems: n.items.map((i) => this.node(i)) };
    // Open rest is JSON Schema's default, so it is left unsaid.
    if (!n.rest) s.items = false;
    else if (!isBareAny(n.rest)) s.items = this.node(n.rest);
    if (n.minItems !== undefined) s.minItems = n.minItems;
    if (n.maxItems !== undefined) s.maxItems = n.maxItems;
    return s;
  }

  private object(n: NodeOf<"object">): JsonSchema {
    const s: JsonSchema = { type: "object" };
    // A property that may hold anything and says nothing about itself is left out of `properties` (a
    // keyword-less `{}` is not portable); `required` still lists it, and open objects accept it anyway.
    const described = n.properties.filter((p) => n.additional === false || !isBareAny(p.schema));
    if (described.length > 0) {
      const props: JsonSchema = {};
      // A property may be named `__proto__`: a member, not the prototype.
      for (const p of described) setOwn(props, p.name, this.node(p.schema));
      s.properties = props;
    }
    const required = n.properties.filter((p) => p.required).map((p) => p.name);
    if (required.length > 0) s.required = required;
    if (n.additional === false) s.additionalProperties = false;
    else if (typeof n.additional === "object") s.additionalProperties = this.node(n.additional);
    if (n.minProperties !== undefined) s.minProperties = n.minProperties;
    if (n.maxProperties !== undefined) s.maxProperties = n.maxProperties;
    if (n.propertyNames) s.propertyNames = this.node(n.propertyNames);
    if (n.dependentRequired) {
      const dependent: JsonSchema = {};
      for (const [name, names] of n.dependentRequired) setOwn(dependent, name, names);
      s.dependentRequired = dependent;
    }
    if (n.presence) s.not = presenceBroken(n.presence);
    return s;
  }

  /**
   * A tool's input or output schema: an object at the root (MCP requires `type: "object"`) whose references
   * point into the catalog's schema table. A root that is a name is written out (its own recursion still
   * refers to the table).
   */
  toolSchema(root: SchemaNode): JsonSchema {
    let top: JsonSchema;
    if (root.kind === "ref") {
      const target = this.symbols.get(root.target).schema;
      top = meta(root, this.node(target));
    } else top = this.node(root);
    return top.type === "object" ? top : { type: "object", ...top };
  }

  /** catalog.json's `schemas`: every given named schema once, by `$defs` name, in name order. */
  table(ids: Iterable<SymbolId>): Record<string, JsonSchema> {
    const named = [...ids].map((id) => this.symbols.get(id));
    named.sort((a, b) => compareStrings(a.defName, b.defName));
    const out: Record<string, JsonSchema> = {};
    for (const sym of named) setOwn(out, sym.defName, this.node(sym.schema));
    return out;
  }
}
