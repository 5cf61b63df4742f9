import { createRequire } from "node:module";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import type { z } from "zod";
import { type MemberCount, memberCountOf } from "../load/member-count.js";
import { refinementOf } from "../load/refinements.js";

/**
 * A compiled pre-check for the output check (`result.ts`, `validateOutput`): the tool's own zod output schema
 * written as a JSON Schema for ajv, which runs as one compiled function. zod's parse of a result is cold code
 * between calls in a served process: the output check of a ScaiVault read took 39-88 us there, 21-45 us with
 * the pre-check. When it accepts, the result is served as it came; when it refuses, zod checks the value as
 * before, so every refusal, drift path and message is zod's.
 *
 * That is safe only if the pre-check never accepts a value zod refuses. So the JSON Schema is read off the zod
 * schema the runtime checks with (not off the catalog's JSON Schema, which a different emitter writes), node by
 * node, and only from a short list of zod kinds and checks whose ajv spelling accepts no more than zod does:
 * objects (loose, strict, with a catch-all), records of string keys, arrays, strings with length bounds and
 * patterns, numbers with bounds and zod's `.int()` (a safe integer: ajv's `integer` plus the safe range, so
 * `1e20` is refused as zod refuses it), booleans, null, enums and literals of JSON scalars, nullable and
 * optional, unions (any branch; a discriminated union's discriminator values are unique, so the branch ajv
 * found is the one zod picks) and lazy (recursive) schemas. A spec pattern is tested by the very matcher zod
 * tests it with (re2js, a bounded or a proven-linear RegExp), through an ajv keyword; the generator's member
 * count refinements (`minProperties`, `maxProperties`, made by `rt.members`) are read as ajv's keywords. Any other
 * part (another refinement: `uniqueItems`, the closed parts of an intersection; an exclusive union, `oneOf`; an
 * intersection, a tuple, `multipleOf`, a string format, an exact-number form `rt.integer`/`rt.decimal`, a
 * default or a transform) is checked where it stands by that part of the zod schema itself, through another
 * ajv keyword, so it answers as zod does; a schema that is such a part whole gets no pre-check. Where ajv is
 * stricter than zod (a required member whose schema takes `undefined`, an own `__proto__` member zod skips), it
 * refuses and zod decides.
 *
 * The caller reads a value through it only when zod reads the same value as it came (`readableAsIs`: plain
 * parsed JSON without exact numbers, no name of the schema on `Object.prototype`); ajv is set to look at own
 * members only besides.
 */
export type Precheck = ((data: unknown) => boolean) & {
  /** How many parts of the schema zod checks where they stand (a fact for tests). */
  readonly zodParts: number;
};

/**
 * Pre-checks built by one ajv of their own (a runtime has one: the matchers and schema parts its keywords run are
 * its own, kept as long as it is). Each returns the pre-check for `schema`, or null when the schema is a part left
 * to zod whole, is too large, or ajv cannot compile it.
 */
export function precheckCompiler(): (schema: z.ZodType) => Precheck | null {
  let ajv: Ajv2020 | undefined;
  const tables: Tables = { patterns: table(), parts: table(), multiples: table() };
  return (schema) => {
    let json: JsonNode;
    const translator = new Translator(tables);
    try {
      json = translator.node(schema as unknown as ZodNode, 0);
    } catch (error) {
      if (error instanceof TooLarge) return null;
      throw error;
    }
    // Left to zod whole: the pre-check would only add to zod's own parse.
    if (ZOD_KEYWORD in json) return null;
    const root: JsonNode =
      Object.keys(translator.defs).length > 0 ? { allOf: [json], $defs: translator.defs } : json;
    let validate: ValidateFunction;
    try {
      ajv ??= createAjv(tables);
      validate = ajv.compile(root);
    } catch {
      return null;
    }
    return Object.assign((data: unknown) => validate(data) === true, { zodParts: translator.delegated });
  };
}

type JsonNode = Record<string, unknown>;

/** The parts of a zod 4 schema instance the translation reads. */
interface ZodNode {
  _zod: { def: ZodDef; traits: Set<string> };
}
interface ZodDef {
  type: string;
  checks?: ZodNode[];
  coerce?: boolean;
  innerType?: ZodNode;
  element?: ZodNode;
  shape?: Record<string, ZodNode>;
  catchall?: ZodNode;
  keyType?: ZodNode;
  valueType?: ZodNode;
  options?: ZodNode[];
  discriminator?: string;
  inclusive?: boolean;
  entries?: Record<string, unknown>;
  values?: unknown[];
  getter?: () => ZodNode;
  // checks
  check?: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: unknown;
  when?: unknown;
}

class Ineligible extends Error {}
class TooLarge extends Error {}
const no = (): never => {
  throw new Ineligible();
};

/** A schema larger than this (distinct nodes) is left to zod: the translation is per tool, once, but bounded. */
const MAX_NODES = 5_000;
const MAX_DEPTH = 200;

class Translator {
  constructor(private readonly tables: Tables) {}
  readonly defs: Record<string, JsonNode> = {};
  readonly #seen = new Map<ZodNode, { json?: JsonNode; ref?: string; open: boolean }>();
  #count = 0;
  #refs = 0;
  /** How many parts are left to zod. */
  delegated = 0;

  node(schema: ZodNode, depth: number): JsonNode {
    if (depth > MAX_DEPTH || ++this.#count > MAX_NODES) throw new TooLarge();
    const seen = this.#seen.get(schema);
    if (seen) {
      // A schema met again inside itself (recursion through a getter or z.lazy) becomes a $ref to its $defs entry.
      if (seen.open) seen.ref ??= `s${this.#refs++}`;
      if (seen.ref) return { $ref: `#/$defs/${seen.ref}` };
      return seen.json as JsonNode;
    }
    const entry: { json?: JsonNode; ref?: string; open: boolean } = { open: true };
    this.#seen.set(schema, entry);
    let json: JsonNode;
    try {
      json = this.#translate(schema, depth);
    } catch (error) {
      if (!(error instanceof Ineligible)) throw error;
      // Not on the list: this part (and all below it) is checked by zod itself, the rest by ajv.
      json = { [ZOD_KEYWORD]: tableIndex(this.tables.parts, schema) };
      this.delegated++;
    }
    entry.open = false;
    if (entry.ref) {
      this.defs[entry.ref] = json;
      return { $ref: `#/$defs/${entry.ref}` };
    }
    entry.json = json;
    return json;
  }

  #translate(schema: ZodNode, depth: number): JsonNode {
    const zod = schema?._zod;
    if (!zod?.def || !(zod.traits instanceof Set)) return no();
    const def = zod.def;
    // A schema that is its own check (zod's format schemas: z.int(), z.int32(), z.email(), z.uuid(), z.iso.*) has
    // the type of its base (`number`, `string`) with the check in its own definition, not in `checks`.
    if (def.coerce || def.check !== undefined || def.format !== undefined) no();
    const checks = def.checks ?? [];
    switch (def.type) {
      case "unknown":
      case "any":
        return checks.length === 0 ? {} : no();
      case "never":
        return checks.length === 0 ? { not: {} } : no();
      case "null":
        return checks.length === 0 ? { type: "null" } : no();
      case "boolean":
        return checks.length === 0 ? { type: "boolean" } : no();
      case "string":
        return withChecks({ type: "string" }, checks.map(checkDef), (check) =>
          stringCheck(check, this.tables.patterns),
        );
      case "number":
        return withChecks({ type: "number" }, checks.map(checkDef), (check) =>
          numberCheck(check, this.tables.multiples),
        );
      case "enum": {
        if (checks.length > 0 || !def.entries) return no();
        // z.enum([...]) of strings: each entry its own name. Native TypeScript enums (number reverse maps) are not read.
        const values = Object.entries(def.entries).map(([key, value]) => (value === key ? value : no()));
        return values.length > 0 ? { enum: values } : no();
      }
      case "literal": {
        if (checks.length > 0 || !Array.isArray(def.values) || def.values.length === 0) return no();
        for (const value of def.values) if (!jsonScalar(value)) no();
        return { enum: [...def.values] };
      }
      case "nullable":
        if (checks.length > 0 || !def.innerType) return no();
        return { anyOf: [{ type: "null" }, this.node(def.innerType, depth + 1)] };
      case "optional":
        // Outside an object's members `undefined` is no JSON value: the inner schema alone (no looser).
        if (checks.length > 0 || !def.innerType) return no();
        return this.node(def.innerType, depth + 1);
      case "lazy":
        if (checks.length > 0 || typeof def.getter !== "function") return no();
        return this.node(def.getter(), depth + 1);
      case "array": {
        if (!def.element) return no();
        const items = this.node(def.element, depth + 1);
        return withChecks({ type: "array", items }, checks.map(checkDef), lengthCheck("Items"));
      }
      case "object":
        return this.#countedObject(def, checks, depth);
      case "record": {
        if (checks.length > 0 || !def.keyType || !def.valueType) return no();
        const key = def.keyType._zod?.def;
        // Only z.record(z.string(), V): every key is a string zod accepts, so each value is checked against V.
        if (key?.type !== "string" || (key.checks?.length ?? 0) > 0 || key.coerce) return no();
        return { type: "object", additionalProperties: this.node(def.valueType, depth + 1) };
      }
      case "union":
        return checks.length === 0 ? this.#union(schema, depth) : no();
      default:
        return no();
    }
  }

  /**
   * An object with the generator's recorded refinements: member counts (`rt.members`), `propertyNames` and
   * `dependentRequired` (`rt.propertyNames`, `rt.dependentRequired`); any other refinement is zod's. Each runs on
   * zod's parsed output, which holds no key the input lacks only when no member fills one in (`fillsAbsent`).
   */
  #countedObject(def: ZodDef, checks: readonly ZodNode[], depth: number): JsonNode {
    const json = this.#object(def, depth);
    if (checks.length > 0 && Object.values(def.shape ?? {}).some((member) => fillsAbsent(member)))
      return no();
    return withChecks(json, checks, (check) => {
      const keywords = this.#objectCheck(def, check, depth);
      // zod counts the members of what it parsed: every member kept only when none are stripped (a closed
      // object, a loose one or one with a catch-all), and never an own `__proto__` (refused here).
      if ("minProperties" in keywords && def.catchall === undefined) return no();
      return keywords;
    });
  }

  #objectCheck(def: ZodDef, check: ZodNode, depth: number): JsonNode {
    const fn = customCheck(check);
    const counted = memberCountOf(fn);
    if (counted) return propertyCount(counted);
    const refinement = refinementOf(fn);
    if (refinement?.keyword === "propertyNames") {
      // zod tests the keys of its output, which are among the input's own keys (ajv tests every one of those,
      // `__proto__` too): the key schema translated as any string schema, so never looser than zod on a key.
      return { propertyNames: this.node(refinement.schema as unknown as ZodNode, depth + 1) };
    }
    if (refinement?.keyword === "dependentRequired") {
      // A key zod finds is in the input; a name it finds present must be too, and is kept in its output only when
      // nothing is stripped or the name is a member (never `__proto__`, which zod does not copy).
      const kept = (name: string) =>
        name !== "__proto__" && (def.catchall !== undefined || Object.hasOwn(def.shape ?? {}, name));
      if (!refinement.entries.every(([, names]) => names.every(kept))) return no();
      return { dependentRequired: Object.fromEntries(refinement.entries) };
    }
    return no();
  }

  /** Any branch; a discriminated union's values are unique, so the branch ajv found is the one zod picks. */
  #union(schema: ZodNode, depth: number): JsonNode {
    const { def, traits } = schema._zod;
    if (!Array.isArray(def.options) || def.options.length === 0) return no();
    const discriminated = traits.has("$ZodDiscriminatedUnion");
    // An exclusive union (z.xor, `oneOf`) needs exactly one branch: a stricter branch could hide a second.
    if (!discriminated && (def.inclusive === false || traits.has("$ZodXor"))) return no();
    if (discriminated && typeof def.discriminator !== "string") return no();
    return { anyOf: def.options.map((option) => this.node(option, depth + 1)) };
  }

  #object(def: ZodDef, depth: number): JsonNode {
    if (!def.shape) return no();
    const properties: Record<string, JsonNode> = {};
    const required: string[] = [];
    for (const [name, member] of Object.entries(def.shape)) {
      const optional = member?._zod?.def?.type === "optional";
      // Defined, not assigned: a member named `__proto__` stays a member.
      Object.defineProperty(properties, name, {
        value: this.node(member, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (!optional) required.push(name);
    }
    const out: JsonNode = { type: "object", properties };
    if (required.length > 0) out.required = required;
    const rest = def.catchall?._zod?.def;
    if (def.catchall === undefined || rest?.type === "unknown" || rest?.type === "any") {
      // Unknown members pass (zod strips them or keeps them; the check passes either way).
      if (rest && (rest.checks?.length ?? 0) > 0) return no();
    } else if (rest?.type === "never" && (rest.checks?.length ?? 0) === 0) {
      out.additionalProperties = false;
    } else {
      out.additionalProperties = this.node(def.catchall, depth + 1);
    }
    return out;
  }
}

function jsonScalar(value: unknown): boolean {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value))
  );
}

/** `base` with each check's keywords, in an `allOf` of its own when a keyword is already there. */
function withChecks<T>(base: JsonNode, checks: readonly T[], read: (check: T) => JsonNode): JsonNode {
  const more: JsonNode[] = [];
  for (const check of checks) {
    const keywords = read(check);
    if (Object.keys(keywords).some((key) => key in base)) more.push(keywords);
    else Object.assign(base, keywords);
  }
  return more.length > 0 ? { ...base, allOf: more } : base;
}

/** A zod check's definition (each check is a zod instance too). */
function checkDef(check: ZodNode): ZodDef {
  const def = check?._zod?.def;
  return def && typeof def.check === "string" ? def : no();
}

/** The function of a zod refinement (`.refine(fn)`, run whatever earlier checks found); never from its source. */
function customCheck(check: ZodNode): unknown {
  const def = checkDef(check) as ZodDef & { fn?: unknown };
  if (def.check !== "custom" || def.when !== undefined) return no();
  return def.fn;
}

/**
 * The generator's refinements of an object's member count (JSON Schema `maxProperties`/`minProperties`), made by
 * `rt.members` (src/load/member-count.ts), which records each function's bound: read as that data, never from the
 * function's source, so any other refinement (or one a changed template spells otherwise) is not read. zod counts
 * the keys of its parsed output, which holds no key the input lacks (`fillsAbsent` excludes the members that would
 * add one) and, for `minProperties`, every key of the input only when nothing is stripped; ajv counts the input's
 * own keys, and refuses an own `__proto__` (which zod never copies) where it would count it towards a minimum.
 */
function propertyCount(bound: MemberCount): JsonNode {
  return bound.relation === "<="
    ? { maxProperties: bound.count }
    : { minProperties: bound.count, not: { required: ["__proto__"] } };
}

/**
 * Whether a member may appear in zod's output when the input lacks it: a default, a catch, a transform or a
 * pipe makes a value from nothing, also under optional, nullable or a union. Kinds not named are taken to.
 */
function fillsAbsent(member: ZodNode | undefined, depth = 0): boolean {
  const def = member?._zod?.def;
  if (!def || depth > 20) return true;
  switch (def.type) {
    case "optional":
    case "nullable":
      return fillsAbsent(def.innerType, depth + 1);
    case "union":
      return (def.options ?? []).some((option) => fillsAbsent(option, depth + 1));
    case "lazy":
      return typeof def.getter !== "function" || fillsAbsent(def.getter(), depth + 1);
    case "string":
    case "number":
    case "boolean":
    case "null":
    case "enum":
    case "literal":
    case "unknown":
    case "any":
    case "never":
    case "object":
    case "array":
    case "record":
    case "intersection":
    case "tuple":
      return false;
    default:
      return true;
  }
}

function lengthCheck(kind: "Length" | "Items"): (def: ZodDef) => JsonNode {
  return (def) => {
    const bound = (n: unknown): number =>
      Number.isSafeInteger(n) && (n as number) >= 0 ? (n as number) : no();
    switch (def.check) {
      case "min_length":
        return { [`min${kind}`]: bound(def.minimum) };
      case "max_length":
        return { [`max${kind}`]: bound(def.maximum) };
      case "length_equals":
        return { [`min${kind}`]: bound(def.length), [`max${kind}`]: bound(def.length) };
      default:
        return no();
    }
  };
}

const stringLength = lengthCheck("Length");

/** zod's string checks: lengths in code points (as ajv counts), and `.regex()` by zod's own matcher. */
function stringCheck(def: ZodDef, patterns: Table<RegExp>): JsonNode {
  if (def.check === "string_format") {
    if (def.format !== "regex" || !(def.pattern instanceof RegExp)) return no();
    return { [PATTERN_KEYWORD]: tableIndex(patterns, def.pattern) };
  }
  return stringLength(def);
}

/**
 * zod's number checks: `.int()` is a safe integer, bounds inclusive or not; zod's own `.multipleOf` is not read, the
 * generator's exact one (`rt.multipleOf`, recorded) runs its very function through an ajv keyword.
 */
function numberCheck(def: ZodDef, multiples: Table<(n: number) => boolean>): JsonNode {
  switch (def.check) {
    case "custom": {
      const fn = (def as ZodDef & { fn?: unknown }).fn;
      if (def.when !== undefined || refinementOf(fn)?.keyword !== "multipleOf") return no();
      return { [MULTIPLE_KEYWORD]: tableIndex(multiples, fn as (n: number) => boolean) };
    }
    case "number_format":
      if (def.format !== "safeint") return no();
      return { type: "integer", minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER };
    case "greater_than":
      if (typeof def.value !== "number" || !Number.isFinite(def.value)) return no();
      return def.inclusive === true ? { minimum: def.value } : { exclusiveMinimum: def.value };
    case "less_than":
      if (typeof def.value !== "number" || !Number.isFinite(def.value)) return no();
      return def.inclusive === true ? { maximum: def.value } : { exclusiveMaximum: def.value };
    default:
      return no();
  }
}

/** The ajv keyword that tests a string with the matcher zod's `.regex()` holds (by its index in PATTERNS). */
const PATTERN_KEYWORD = "x-toolwright-pattern";
/** The ajv keyword that runs the generator's exact `multipleOf` function (by its index in MULTIPLES). */
const MULTIPLE_KEYWORD = "x-toolwright-multiple-of";
/** The ajv keyword that checks a value with a part of the zod schema itself (by its index in ZOD_PARTS). */
const ZOD_KEYWORD = "x-toolwright-zod";

interface Table<T> {
  items: T[];
  index: Map<T, number>;
}
interface Tables {
  patterns: Table<RegExp>;
  parts: Table<ZodNode>;
  multiples: Table<(n: number) => boolean>;
}
const table = <T>(): Table<T> => ({ items: [], index: new Map() });

/** Keywords name the matchers and schema parts they run by index: a schema's values must be JSON. */
function tableIndex<T>(table: Table<T>, item: T): number {
  let index = table.index.get(item);
  if (index === undefined) {
    index = table.items.length;
    table.items.push(item);
    table.index.set(item, index);
  }
  return index;
}

/** An ajv of the pre-checks' own (the drift check's keeps its options): own members only, lengths in code points. */
function createAjv(tables: Tables): Ajv2020 {
  const loaded = createRequire(import.meta.url)("ajv/dist/2020.js") as typeof import("ajv/dist/2020.js");
  const instance = new loaded.Ajv2020({
    strict: false,
    validateFormats: false,
    allErrors: false,
    validateSchema: false,
    ownProperties: true,
    messages: false,
  });
  instance.addKeyword({
    keyword: PATTERN_KEYWORD,
    type: "string",
    schemaType: "number",
    errors: false,
    compile(index: number) {
      const pattern = tables.patterns.items[index];
      if (!pattern) throw new Error(`no pattern ${index}`);
      // As zod's regex check: from the start of the string, whatever the matcher's flags.
      return (data: string) => {
        pattern.lastIndex = 0;
        return pattern.test(data);
      };
    },
  });
  instance.addKeyword({
    keyword: MULTIPLE_KEYWORD,
    type: "number",
    schemaType: "number",
    errors: false,
    compile(index: number) {
      const check = tables.multiples.items[index];
      if (!check) throw new Error(`no multipleOf check ${index}`);
      // The very function zod's refinement runs, on the same number.
      return (data: number) => check(data);
    },
  });
  instance.addKeyword({
    keyword: ZOD_KEYWORD,
    schemaType: "number",
    errors: false,
    compile(index: number) {
      const part = tables.parts.items[index] as unknown as z.ZodType | undefined;
      if (!part) throw new Error(`no schema part ${index}`);
      // zod reads the value at this place as the whole schema's parse does: the same instance, the same input.
      return (data: unknown) => part.safeParse(data).success;
    },
  });
  return instance;
}
