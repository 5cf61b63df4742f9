import type { JsonSchema } from "../catalog.js";
import { setOwn } from "../catalog.js";
import { ANNOTATION_KEYWORDS, refName } from "./project.js";

/**
 * The `portable` profile: a tool's published input schema rewritten into the subset that OpenAI strict function
 * calling, Gemini function declarations (`parametersJsonSchema` and the older OpenAPI-style `parameters`) and
 * Anthropic tool input schemas all accept (docs/providers.md lists the rules and their sources):
 *
 * - no `$schema`, `$ref` or `$defs`: references are inlined; a reference back into a schema being inlined
 *   (recursion), nesting deeper than 10 levels or more than 5,000 properties end the expansion there;
 * - only `type` (one name), `description`, `properties`, `required`, `items`, `anyOf`, string `enum` and
 *   `format: date-time`; `oneOf` becomes `anyOf`, `allOf` is merged, a `null` type becomes a `{type: "null"}`
 *   branch (a value that can only be null is JSON text), `const` a one-value enum; an optional property accepts
 *   null (which the server reads as absent), and inside `anyOf` every object property is listed in `required`;
 * - value constraints (lengths, ranges, patterns, other formats, number enums, defaults) move into the
 *   description, where a model still reads them;
 * - what none of the providers can describe (free-form maps, values of any type, tuples, the end of a recursion)
 *   becomes a string holding JSON text, which the server parses back before validating (`decodeArguments`).
 *
 * The arguments are still validated by the tool's faithful zod schema: the portable schema only changes what a
 * model is asked to send. Output schemas are kept within Gemini's subset by `portable-output.ts`.
 */

/** A step of a path into the arguments: a property name, or any item of an array. */
export type PathStep = { property: string } | "items";

/** A place in the arguments where the portable schema asks for JSON text instead of the value itself. */
export interface Encoding {
  path: readonly PathStep[];
  /** `any`: any JSON value (a bare `5` or `"x"` too); `container`: an object or an array. */
  kind: "any" | "container";
}

export interface PortableSchema {
  schema: JsonSchema;
  encodings: Encoding[];
}

/** OpenAI's documented limits (structured outputs), the tightest of the three providers. */
export const PORTABLE_LIMITS = { levels: 10, properties: 5000, enumValues: 1000, chars: 120_000 };
/** The only format all three providers accept (Gemini's developer API rejects the others). */
const FORMATS = new Set(["date-time"]);

type Node = Record<string, unknown>;

interface Walk {
  defs: Record<string, unknown>;
  /** Names being inlined, outermost first (a reference to one of them is a recursion). */
  stack: readonly string[];
  /** Data levels (objects and arrays) above this node. */
  level: number;
  path: readonly PathStep[];
  /** Inside an `anyOf` branch: every object property must be required. */
  inUnion: boolean;
}

interface Totals {
  properties: number;
  enumValues: number;
  chars: number;
  encodings: Map<string, Encoding>;
}

export function portableInput(schema: JsonSchema): PortableSchema {
  const { $defs, $schema: _dialect, ...root } = schema;
  const totals: Totals = { properties: 0, enumValues: 0, chars: 0, encodings: new Map() };
  const walk: Walk = { defs: ($defs ?? {}) as Node, stack: [], level: 0, path: [], inUnion: false };
  const converted = convert(root, walk, totals);
  const out: Node =
    converted && converted.type === "object" && converted.properties
      ? converted
      : // A root with no properties left (no arguments, or none a provider can describe): closed and empty.
        {
          type: "object",
          ...(converted?.description ? { description: converted.description } : {}),
          properties: {},
        };
  if (Object.keys(out.properties as Node).length === 0) out.additionalProperties = false;
  // The root itself is never JSON text: a root that had to be closed asks for nothing.
  const encodings = [...totals.encodings.values()].filter((encoding) => encoding.path.length > 0);
  return { schema: out, encodings };
}

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The portable form of a schema; undefined for one that accepts nothing (`false`). */
function convert(schema: unknown, walk: Walk, totals: Totals): Node | undefined {
  if (schema === false) return undefined;
  if (!isNode(schema)) return encoded({}, walk, totals, "any");
  if (typeof schema.$ref === "string") return viaReference(schema, walk, totals);
  if (Array.isArray(schema.allOf)) return convert(mergedAllOf(schema, walk), walk, totals);
  const union = [
    ...(Array.isArray(schema.anyOf) ? schema.anyOf : []),
    ...(Array.isArray(schema.oneOf) ? schema.oneOf : []),
  ];
  if (union.length > 0) return viaUnion(schema, union, walk, totals);
  return typed(schema, walk, totals);
}

function viaReference(schema: Node, walk: Walk, totals: Totals): Node | undefined {
  const { $ref, ...siblings } = schema;
  const name = refName($ref);
  const target = name === undefined ? undefined : walk.defs[name];
  if (name === undefined || target === undefined) return encoded(siblings, walk, totals, "any");
  if (walk.stack.includes(name)) {
    // Recursion ends here: the nested value comes as JSON text (the faithful schema checks it in full).
    const about = described(siblings) ?? described(target);
    const shape = isNode(target) ? typesOf(target) : [];
    const kind = shape.includes("object") || shape.includes("array") ? "container" : "any";
    return encoded({ type: shape, description: `${about ? `${about} ` : ""}(${name})` }, walk, totals, kind);
  }
  const inner: Walk = { ...walk, stack: [...walk.stack, name] };
  const structural = Object.keys(siblings).some((key) => !ANNOTATION_KEYWORDS.has(key));
  if (structural) return convert({ allOf: [target, siblings] }, inner, totals);
  const resolved = convert(target, inner, totals);
  const about = described(siblings);
  return resolved && about ? withText(resolved, about) : resolved;
}

function described(schema: unknown): string | undefined {
  if (!isNode(schema)) return undefined;
  if (typeof schema.description === "string" && schema.description.trim()) return schema.description.trim();
  return typeof schema.title === "string" && schema.title.trim() ? schema.title.trim() : undefined;
}

/** A reference's target (followed while the chain lasts and does not loop back into the walk). */
function resolvedTop(schema: unknown, walk: Walk): unknown {
  let at = schema;
  const seen = new Set(walk.stack);
  while (isNode(at) && typeof at.$ref === "string") {
    const name = refName(at.$ref);
    if (name === undefined || seen.has(name) || walk.defs[name] === undefined) return at;
    seen.add(name);
    const { $ref: _ref, ...siblings } = at;
    at = { ...(walk.defs[name] as Node), ...siblings };
  }
  return at;
}

/**
 * `allOf` as one schema: properties and `required` united, other keywords taken from the first branch that
 * has them (the faithful schema still checks every branch).
 */
function mergedAllOf(schema: Node, walk: Walk): Node {
  const { allOf, ...rest } = schema;
  const branches = [rest, ...(allOf as unknown[]).map((branch) => resolvedTop(branch, walk))];
  const merged: Node = {};
  const properties: Node = {};
  const required = new Set<string>();
  for (const branch of branches) {
    if (!isNode(branch)) continue;
    const flat = Array.isArray(branch.allOf) ? mergedAllOf(branch, walk) : branch;
    for (const [key, value] of Object.entries(flat)) {
      // Property names are any text: `__proto__` stays a member (Object.assign would set the prototype).
      if (key === "properties" && isNode(value))
        for (const name of Object.keys(value)) setOwn(properties, name, value[name]);
      else if (key === "required" && Array.isArray(value))
        for (const name of value) required.add(String(name));
      else if (!(key in merged)) merged[key] = value;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  if (merged.type === undefined && merged.properties !== undefined) merged.type = "object";
  return merged;
}

function viaUnion(schema: Node, union: unknown[], walk: Walk, totals: Totals): Node | undefined {
  const { anyOf: _any, oneOf: _one, ...base } = schema;
  const structural = Object.keys(base).some((key) => !ANNOTATION_KEYWORDS.has(key));
  const branchOnly = union.every((branch) => isNode(branch) && !hasShape(branch));
  // `{type: object, properties, anyOf: [{required: [a]}, {required: [b]}]}`: the branches only constrain.
  if (branchOnly) return typed(base, walk, totals);
  const inner: Walk = { ...walk, inUnion: true };
  const branches: Node[] = [];
  let nullable = false;
  for (const branch of union) {
    // A null branch makes the union nullable (converted alone, a null-only value is asked for as JSON text).
    if (onlyNull(branch)) {
      nullable = true;
      continue;
    }
    const whole = structural ? { allOf: [branch, stripped(base)] } : branch;
    const converted = convert(whole, inner, totals);
    if (!converted) continue;
    for (const part of Array.isArray(converted.anyOf) ? (converted.anyOf as Node[]) : [converted]) {
      if (part.type === "null") nullable = true;
      else if (!branches.some((known) => JSON.stringify(known) === JSON.stringify(part))) branches.push(part);
    }
  }
  const about = described(schema);
  if (branches.length === 0)
    return nullable ? encoded({ type: "null", description: about }, walk, totals, "any") : undefined;
  const one: Node = branches.length === 1 ? (branches[0] as Node) : { anyOf: branches };
  const described_ = about ? withText(one, about) : one;
  return nullable ? withNull(described_) : described_;
}

/** A schema accepting null and nothing else (`type: "null"`, `enum: [null]`, `const: null`). */
function onlyNull(schema: unknown): boolean {
  if (!isNode(schema) || ["$ref", "allOf", "anyOf", "oneOf"].some((key) => key in schema)) return false;
  const types = typesOf(schema);
  return types.length > 0 && types.every((type) => type === "null");
}

function hasShape(schema: Node): boolean {
  return ["type", "properties", "items", "$ref", "enum", "const", "anyOf", "oneOf", "allOf"].some(
    (key) => key in schema,
  );
}

function stripped(schema: Node): Node {
  const { description: _d, title: _t, ...rest } = schema;
  return rest;
}

function typesOf(schema: Node): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  const values =
    schema.enum !== undefined ? (schema.enum as unknown[]) : "const" in schema ? [schema.const] : [];
  const kinds = new Set(values.map(kindOf));
  if (kinds.size > 0) return [...kinds];
  if (isNode(schema.properties) || schema.additionalProperties !== undefined) return ["object"];
  if (schema.items !== undefined || schema.prefixItems !== undefined) return ["array"];
  return [];
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typed(schema: Node, walk: Walk, totals: Totals): Node | undefined {
  const types = typesOf(schema);
  const nonNull = types.filter((type) => type !== "null");
  const nullable = types.includes("null");
  // A value that can only be null: the Google GenAI SDK refuses a `{type: "null"}` of its own in `parameters`
  // ("type: null can not be the only possible type for the field", failing the whole request), so it is JSON text.
  if (nonNull.length === 0) return encoded(schema, walk, totals, "any");
  if (nonNull.length > 1) {
    const about = described(schema);
    const { description: _d, title: _t, ...rest } = schema;
    const union = nonNull.map((type) => ({ ...rest, type }));
    return viaUnion(
      about ? { description: about } : {},
      nullable ? [...union, { type: "null" }] : union,
      walk,
      totals,
    );
  }
  const type = nonNull[0] as string;
  const out =
    type === "object"
      ? objectOf(schema, walk, totals)
      : type === "array"
        ? arrayOf(schema, walk, totals)
        : scalarOf(schema, type, totals);
  return nullable && out ? withNull(out) : out;
}

function scalarOf(schema: Node, type: string, totals: Totals): Node {
  const out: Node = { type: ["string", "number", "integer", "boolean"].includes(type) ? type : "string" };
  const notes = constraintNotes(schema);
  const values =
    schema.enum !== undefined ? (schema.enum as unknown[]) : "const" in schema ? [schema.const] : undefined;
  const listed = values?.filter((value) => value !== null);
  if (listed && listed.length > 0) {
    const chars = listed.reduce<number>((n, value) => n + String(value).length, 0);
    const fits =
      totals.enumValues + listed.length <= PORTABLE_LIMITS.enumValues &&
      totals.chars + chars <= PORTABLE_LIMITS.chars;
    if (type === "string" && fits && listed.every((value) => typeof value === "string")) {
      out.enum = listed;
      totals.enumValues += listed.length;
      totals.chars += chars;
    } else {
      notes.unshift(`one of ${listed.map((value) => JSON.stringify(value)).join(", ")}`);
    }
  }
  if (typeof schema.format === "string") {
    if (type === "string" && FORMATS.has(schema.format)) out.format = schema.format;
    else notes.push(`format ${schema.format}`);
  }
  return withText(out, described(schema), notes);
}

/** Value constraints no provider of the three accepts everywhere, in words. */
function constraintNotes(schema: Node): string[] {
  const notes: string[] = [];
  const say = (key: string, words: string) => {
    if (typeof schema[key] === "number" || typeof schema[key] === "string")
      notes.push(`${words} ${schema[key]}`);
  };
  say("minLength", "at least characters:");
  say("maxLength", "at most characters:");
  say("minimum", "minimum");
  say("maximum", "maximum");
  say("exclusiveMinimum", "greater than");
  say("exclusiveMaximum", "less than");
  say("multipleOf", "a multiple of");
  say("minItems", "at least items:");
  say("maxItems", "at most items:");
  say("minProperties", "at least properties:");
  say("maxProperties", "at most properties:");
  if (typeof schema.pattern === "string") notes.push(`matching ${schema.pattern}`);
  if (schema.uniqueItems === true) notes.push("items unique");
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.deprecated === true) notes.push("deprecated");
  return notes;
}

function arrayOf(schema: Node, walk: Walk, totals: Totals): Node | undefined {
  if (
    Array.isArray(schema.items) ||
    schema.prefixItems !== undefined ||
    walk.level >= PORTABLE_LIMITS.levels
  ) {
    return encoded(schema, walk, totals, "container");
  }
  const inner: Walk = { ...walk, level: walk.level + 1, path: [...walk.path, "items"] };
  const items = convert(schema.items ?? true, inner, totals);
  if (!items) return encoded(schema, walk, totals, "container");
  return withText({ type: "array", items }, described(schema), constraintNotes(schema));
}

function objectOf(schema: Node, walk: Walk, totals: Totals): Node | undefined {
  const declared = isNode(schema.properties) ? { ...schema.properties } : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  // Own names only: a required `constructor` no property declares is declared here, not found on the prototype.
  for (const name of required) if (!Object.hasOwn(declared, name)) setOwn(declared, name, true);
  const names = Object.keys(declared);
  const chars = names.reduce((n, name) => n + name.length, 0);
  const overBudget =
    walk.level >= PORTABLE_LIMITS.levels ||
    totals.properties + names.length > PORTABLE_LIMITS.properties ||
    totals.chars + chars > PORTABLE_LIMITS.chars;
  if (names.length === 0 || overBudget) return encoded(schema, walk, totals, "container");
  totals.properties += names.length;
  totals.chars += chars;
  const properties: Node = {};
  const listed: string[] = [];
  for (const name of names) {
    const inner: Walk = { ...walk, level: walk.level + 1, path: [...walk.path, { property: name }] };
    const converted = convert(declared[name], inner, totals);
    if (!converted) continue;
    // OpenAI strict mode has no optional property: every property is required, an optional one accepts null
    // (which the server reads as absent). Its converters list every property in `required` themselves but refuse
    // one that does not accept null (`openai`'s toStrictJsonSchema: "uses .optional() without .nullable()"), so an
    // optional property accepts null here. Inside an `anyOf` branch, where the Agents SDK's converter cannot add
    // it, it is also listed in `required`; elsewhere it stays optional, so other providers' models may leave it out.
    setOwn<unknown>(properties, name, required.has(name) ? converted : withNull(converted));
    if (walk.inUnion || required.has(name)) listed.push(name);
  }
  if (Object.keys(properties).length === 0) return encoded(schema, walk, totals, "container");
  const out: Node = { type: "object", properties };
  if (listed.length > 0) out.required = listed;
  return withText(out, described(schema), constraintNotes(schema));
}

/** The value asked for as a string of JSON text; the place is recorded so the server can parse it back. */
function encoded(schema: Node, walk: Walk, totals: Totals, kind: Encoding["kind"]): Node {
  const key = JSON.stringify(walk.path);
  const known = totals.encodings.get(key);
  // One place may be asked for in several union branches: `any` wins (parse any JSON there).
  if (!known || kind === "any") totals.encodings.set(key, { path: walk.path, kind });
  const what =
    kind === "container"
      ? typesOf(schema).includes("array")
        ? "a JSON array"
        : "a JSON object"
      : onlyNull(schema)
        ? "null"
        : "any JSON value";
  return withText({ type: "string" }, described(schema), [`${what}, written as JSON text`]);
}

/** The node with `about` before its own description and the notes after it. */
function withText(node: Node, about: string | undefined, notes: readonly string[] = []): Node {
  const extra = notes.length > 0 ? `(${notes.join("; ")})` : "";
  const own =
    typeof node.description === "string" && node.description !== about ? node.description : undefined;
  const text = [about, own, extra].filter(Boolean).join(" ");
  if (!text) return node;
  const { description: _d, ...rest } = node;
  return Array.isArray(rest.anyOf) ? { description: text, ...rest } : { ...rest, description: text };
}

/**
 * The schema, also accepting `null` (a branch of its own: `type` stays one name). A union of one value and null
 * keeps its description on the value's branch: the Google GenAI SDK turns `parameters`' two-branch `anyOf` with a
 * null branch into the other branch with `nullable: true`, dropping the union's own keywords.
 */
function withNull(node: Node): Node {
  if (node.type === "null") return node;
  if (!Array.isArray(node.anyOf)) return { anyOf: [node, { type: "null" }] };
  const branches = node.anyOf as Node[];
  return descriptionOnValue(
    branches.some((branch) => branch.type === "null")
      ? node
      : { ...node, anyOf: [...branches, { type: "null" }] },
  );
}

/** A two-branch union of a value and null with its description moved onto the value's branch. */
function descriptionOnValue(node: Node): Node {
  const branches = node.anyOf as Node[];
  const nullAt = branches.findIndex((branch) => branch.type === "null");
  const { description, ...rest } = node;
  if (branches.length !== 2 || nullAt === -1 || typeof description !== "string") return node;
  const value = branches[1 - nullAt] as Node;
  const own = typeof value.description === "string" ? value.description : undefined;
  const moved = {
    ...value,
    description: own === undefined || own === description ? description : `${description} ${own}`,
  };
  return { ...rest, anyOf: nullAt === 0 ? [branches[0], moved] : [moved, branches[1]] };
}

/**
 * The arguments with the JSON text the portable schema asked for parsed back, in place (`args` is the caller's
 * own copy). A string is parsed only where the schema asked for JSON text and only when it is JSON (`container`
 * places: an object or an array); anything else stays for the faithful schema to judge. Returns whether anything
 * changed. `adopt` turns a parsed value into the caller's representation (prototype-free objects).
 */
export function decodeArguments(
  args: unknown,
  encodings: readonly Encoding[],
  adopt: (value: unknown) => unknown = (value) => value,
  parse: (text: string) => unknown = JSON.parse,
): boolean {
  let changed = false;
  for (const { path, kind } of encodings) {
    const visit = (holder: Node | unknown[], key: string | number, rest: readonly PathStep[]) => {
      const value = (holder as Record<string | number, unknown>)[key];
      if (rest.length === 0) {
        const parsed = typeof value === "string" ? parsedJson(value, kind, parse) : NOT_JSON;
        if (parsed !== NOT_JSON) {
          (holder as Record<string | number, unknown>)[key] = adopt(parsed);
          changed = true;
        }
        return;
      }
      const [step, ...tail] = rest;
      if (step === "items") {
        if (Array.isArray(value))
          for (let index = 0; index < value.length; index++) visit(value, index, tail);
      } else if (isNode(value) && step !== undefined && Object.hasOwn(value, step.property)) {
        visit(value, step.property, tail);
      }
    };
    visit({ root: args }, "root", path);
  }
  return changed;
}

const NOT_JSON = Symbol("not JSON");

function parsedJson(text: string, kind: Encoding["kind"], parse: (text: string) => unknown): unknown {
  const start = text.trimStart()[0];
  if (kind === "container" && start !== "{" && start !== "[") return NOT_JSON;
  try {
    return parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** As profiles.ts's `ArgumentDecoder` (which imports this file). */
type ArgumentDecoderFn = (
  args: unknown,
  adopt: (value: unknown) => unknown,
  parse?: (text: string) => unknown,
) => boolean;

/** Places of JSON text in the portable input schemas built so far (keyed by the published schema object). */
const ENCODINGS = new WeakMap<JsonSchema, readonly Encoding[]>();

/** The profile's transform (registered in `profiles.ts`) of input schemas; outputs: `portable-output.ts`. */
export function portableSchema(schema: JsonSchema, side: "input" | "output"): JsonSchema {
  if (side === "output") return schema;
  const { schema: published, encodings } = portableInput(schema);
  if (encodings.length > 0) ENCODINGS.set(published, encodings);
  return published;
}

/** How arguments sent for a published portable input schema are read back; none when it asks for no JSON text. */
export function portableDecoder(published: JsonSchema): ArgumentDecoderFn | undefined {
  const encodings = ENCODINGS.get(published);
  return encodings ? (args, adopt, parse) => decodeArguments(args, encodings, adopt, parse) : undefined;
}
