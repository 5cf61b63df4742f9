import type { SymbolTable } from "../ir/symbols.js";
import type { JsonPrimitive, PropertyNode, SchemaNode, SymbolId } from "../ir/types.js";
import { resolveRefs } from "../ir/views.js";
import { type SymbolPlan, touches } from "../plan/symbols.js";
import { digitsPattern, withFormatFloor } from "./json-schema.js";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Object keys as code: bare when safe, quoted otherwise; `__proto__` must be computed to stay an own key. */
export function propertyKey(name: string): string {
  if (name === "__proto__") return `["__proto__"]`;
  return IDENT.test(name) ? name : JSON.stringify(name);
}

function literal(v: JsonPrimitive): string {
  return v === null ? "z.null()" : `z.literal(${JSON.stringify(v)})`;
}

interface Scope {
  /** The cycle of the symbol being defined; refs into it inside object properties become getters. */
  cycle?: Set<SymbolId>;
  /** Inside a getter's body: TypeScript infers its type while the cycle's own types are still unknown. */
  getter?: boolean;
  /**
   * The indent of the line the expression starts on: every line break the expression writes (an object's
   * properties, a getter's body) is followed by it, so the text is written where it goes, not indented again by
   * each enclosing object (a replace over the whole nested text per level).
   */
  pad?: string;
}

/**
 * How named schemas are declared and referred to:
 * - `const` (TypeScript, `schemas.gen.ts`): `export const Name = ...;` in dependency order, referred to as `Name`,
 *   so TypeScript infers every type;
 * - `thunk` (JavaScript, `schemas.gen.mjs`, what the runtime loads): `const Name = named(() => ...);`, referred
 *   to as `Name()`, so a named schema is built on first use and start-up pays only for the tools called.
 */
export type NamedStyle = "const" | "thunk";

/** Renders IR schema nodes as zod 4 expressions. Recursion is typed through getters (zod 4's native idiom). */
export class ZodEmitter {
  constructor(
    private readonly symbols: SymbolTable,
    private readonly plan: SymbolPlan,
    private readonly style: NamedStyle = "const",
  ) {}

  /**
   * One named schema: `export const Name = ...;` or, as a thunk, `const Name = named(() => ...);` (`pad`: the indent
   * of the line it starts on).
   */
  declaration(id: SymbolId, pad = ""): string {
    const sym = this.symbols.get(id);
    const expr = this.expr(sym.schema, { cycle: this.plan.cycleOf.get(id), pad });
    if (this.style === "thunk") return `const ${sym.name} = named(() => ${expr});`;
    const annotation = this.plan.lazy.has(id) ? ": z.ZodType<unknown>" : "";
    return `export const ${sym.name}${annotation} = ${expr};`;
  }

  expr(node: SchemaNode, scope: Scope = {}): string {
    const e = this.kindExpr(node, scope);
    // JSON Schema `not` (a schema naming no other, normalize/openapi/schema.ts): the template's `notMatching`.
    return node.not ? this.refined(e, `.refine(...notMatching(${this.expr(node.not, scope)}))`, scope) : e;
  }

  private kindExpr(node: SchemaNode, scope: Scope): string {
    switch (node.kind) {
      case "any":
        return "z.unknown()";
      case "never":
        return "z.never()";
      case "null":
        return "z.null()";
      case "boolean":
        return "z.boolean()";
      case "literal":
        return literal(node.value);
      case "enum":
        return node.values.every((v) => typeof v === "string")
          ? `z.enum([${node.values.map((v) => JSON.stringify(v)).join(", ")}])`
          : `z.union([${node.values.map(literal).join(", ")}])`;
      case "string":
        return stringExpr(node, this.style);
      case "number":
      case "integer":
        return node.digits ? digitsExpr(node, this.style) : numberExpr(node, this.style);
      case "array": {
        let e = `z.array(${this.expr(node.items, scope)})`;
        if (node.minItems !== undefined) e += `.min(${node.minItems})`;
        if (node.maxItems !== undefined) e += `.max(${node.maxItems})`;
        return node.uniqueItems ? this.refined(e, `.refine(uniqueItems, "items must be unique")`, scope) : e;
      }
      case "tuple":
        return this.tupleExpr(node, scope);
      case "object":
        return this.objectExpr(node.properties, node.additional, node, scope);
      case "union":
        return this.unionExpr(node, scope);
      case "intersection": {
        const parts = node.parts.map((p) => this.expr(p, scope));
        // A part handing on another value than it took (a 64-bit integer or decimal in its input form) makes zod's
        // intersection throw where another part hands the value on as given: `rt.allOf` checks each part on its
        // own (closed ones too) and merges their outputs (src/load/all-of.ts). The TypeScript twin's digits do
        // not transform.
        if (this.style === "thunk" && node.parts.some((p) => this.transforms(p)))
          return `rt.allOf(${parts.join(", ")})`;
        const e = parts.reduce((acc, p) => `z.intersection(${acc}, ${p})`);
        const closed = parts.filter((_, i) => this.closed(node.parts[i] as SchemaNode, new Set()));
        return closed.length > 0
          ? this.refined(e, `.superRefine(closedParts(${closed.join(", ")}))`, scope)
          : e;
      }
      case "nullable": {
        const inner = this.expr(node.inner, scope);
        return this.wrapsCycle(node.inner, scope) ? `z.union([${inner}, z.null()])` : `${inner}.nullable()`;
      }
      case "ref": {
        const name = this.symbols.get(node.target).name;
        if (this.style === "thunk") return this.plan.lazy.has(node.target) ? `z.lazy(${name})` : `${name}()`;
        return this.plan.lazy.has(node.target) ? `z.lazy(() => ${name})` : name;
      }
    }
  }

  /**
   * `base` with refinements (`.refine(...)`, `.superRefine(...)`) after it. Inside a getter of the TypeScript
   * twin they go through `refined(base, (s) => s.refine(...))`, typed as `base` itself: TypeScript types a
   * refinement's callback from the receiver's output type, which inside a cycle is the type being inferred, so
   * `get children() { return z.array(Node).refine(...) }` was an error (TS7023, "implicitly has return type
   * 'any'") and the request/response types of every spec with such a cycle (uniqueItems on a recursive array,
   * Keycloak's PolicyRepresentation) did not type-check. A refinement never changes the type, so none is lost.
   */
  private refined(base: string, refinements: string, scope: Scope): string {
    if (refinements === "") return base;
    return this.style === "const" && scope.getter
      ? `refined(${base}, (s) => s${refinements})`
      : base + refinements;
  }

  /**
   * Whether `inner`, inside a getter of the TypeScript twin, refers to the cycle being inferred, so wrapping it
   * in a generic zod type (`X.nullable()`, `X.optional()`, `z.nullable(X)`) is written another way. TypeScript
   * must resolve such a wrapper's type argument while it is still inferring the getter, and fails once the
   * wrapper is itself an argument (`z.array(Node.nullable())`, `z.record(z.string(), Node.nullable())`,
   * `z.tuple([Node.optional()])`: TS7023 "implicitly has return type 'any'", TS2615). A union spells the same
   * type and is inferred lazily: `z.union([Node, z.null()])`, and a tuple's optional items one tuple per length
   * (tupleExpr). GraphQL's `[T]` of a recursive input type is such
   * an array (every Hasura `*_bool_exp`'s `_and`/`_or`), so no Hasura schema's catalog type-checked. The
   * JavaScript the runtime loads keeps `.nullable()`: only types are at stake.
   */
  private wrapsCycle(inner: SchemaNode, scope: Scope): boolean {
    return this.style === "const" && scope.getter === true && !!scope.cycle && touches(inner, scope.cycle);
  }

  /**
   * Whether `node` can refuse a value for a key it does not name: a closed object, or a union, nullable or
   * intersection with one inside (directly or through refs). zod reports such a refusal as the object's own
   * `unrecognized_keys`, which a union passes up from its one branch left standing (Vercel's create_record: an
   * anyOf of closed DNS record bodies beside `properties: {type}`) and an enclosing intersection then drops when
   * another part takes the key; each such part is checked again on its own, as JSON Schema's allOf does.
   */
  private closed(node: SchemaNode, seen: Set<SymbolId>): boolean {
    switch (node.kind) {
      case "object":
        return node.additional === false;
      case "union":
        return node.variants.some((v) => this.closed(v, seen));
      case "intersection":
        return node.parts.some((p) => this.closed(p, seen));
      case "nullable":
        return this.closed(node.inner, seen);
      case "ref":
        if (seen.has(node.target)) return false;
        seen.add(node.target);
        return this.closed(this.symbols.get(node.target).schema, seen);
      default:
        return false;
    }
  }

  /** Symbols whose schema reaches a number in its input form (`digits`), directly or through others; made once. */
  private transforming: Set<SymbolId> | undefined;

  /** Whether `node` may hand on another value than it took: it reaches a `digits` number (`rt.integer`/`rt.decimal`). */
  private transforms(node: SchemaNode): boolean {
    if (!this.transforming) {
      const direct = new Set<SymbolId>();
      const referrers = new Map<SymbolId, SymbolId[]>();
      for (const sym of this.symbols.all()) {
        const refs = new Set<SymbolId>();
        if (reachesDigits(sym.schema, refs)) direct.add(sym.id);
        for (const r of refs) referrers.set(r, [...(referrers.get(r) ?? []), sym.id]);
      }
      const queue = [...direct];
      for (let id = queue.pop(); id !== undefined; id = queue.pop())
        for (const from of referrers.get(id) ?? [])
          if (!direct.has(from)) {
            direct.add(from);
            queue.push(from);
          }
      this.transforming = direct;
    }
    const refs = new Set<SymbolId>();
    if (reachesDigits(node, refs)) return true;
    for (const r of refs) if (this.transforming.has(r)) return true;
    return false;
  }

  private tupleExpr(node: Extract<SchemaNode, { kind: "tuple" }>, scope: Scope): string {
    const required = node.minItems ?? 0;
    const exprs = node.items.map((i) => this.expr(i, scope));
    const rest = node.rest ? this.expr(node.rest, scope) : undefined;
    let e: string;
    if (node.items.some((i, at) => at >= required && this.wrapsCycle(i, scope))) {
      // An optional item referring to the cycle, in a getter of the TypeScript twin (see wrapsCycle): one tuple
      // per length the optional items allow, `[A, B?]` as `[A] | [A, B]` (the rest only after every item).
      const variants: string[] = [];
      for (let n = Math.min(required, exprs.length); n <= exprs.length; n++) {
        const prefix = exprs.slice(0, n).join(", ");
        variants.push(n === exprs.length && rest ? `z.tuple([${prefix}], ${rest})` : `z.tuple([${prefix}])`);
      }
      e = variants.length === 1 ? (variants[0] as string) : `z.union([${variants.join(", ")}])`;
    } else {
      const items = exprs.map((x, at) => (at < required ? x : `${x}.optional()`));
      e = rest ? `z.tuple([${items.join(", ")}], ${rest})` : `z.tuple([${items.join(", ")}])`;
    }
    let refinements = "";
    if (required > node.items.length) {
      refinements += `.refine((a) => a.length >= ${required}, "needs at least ${required} items")`;
    }
    const max = node.maxItems;
    if (max !== undefined && (node.rest !== undefined || max < node.items.length)) {
      refinements += `.refine((a) => a.length <= ${max}, "allows at most ${max} items")`;
    }
    return this.refined(e, refinements, scope);
  }

  private objectExpr(
    properties: PropertyNode[],
    additional: boolean | SchemaNode,
    node: Extract<SchemaNode, { kind: "object" }>,
    scope: Scope,
  ): string {
    // Properties one level in, a getter's body two.
    const pad = scope.pad ?? "";
    const inside = { ...scope, pad: `${pad}  ` };
    const lines = properties.map((p) => {
      if (scope.cycle && touches(p.schema, scope.cycle)) {
        const inGetter = { ...scope, getter: true, pad: `${pad}    ` };
        // The getter's own result may be wrapped as usual (`Node.nullable().optional()`): only a wrapper nested
        // in a call needs the union (wrapsCycle).
        const own =
          p.schema.kind === "nullable"
            ? `${this.expr(p.schema.inner, inGetter)}.nullable()`
            : this.expr(p.schema, inGetter);
        const value = `${own}${p.required ? "" : ".optional()"}`;
        return `get ${propertyKey(p.name)}() {\n${pad}    return ${value};\n${pad}  },`;
      }
      return `${propertyKey(p.name)}: ${this.expr(p.schema, inside)}${p.required ? "" : ".optional()"},`;
    });
    const body = lines.length === 0 ? "{}" : `{\n${pad}  ${lines.join(`\n${pad}  `)}\n${pad}}`;
    if (
      properties.length === 0 &&
      typeof additional === "object" &&
      node.minProperties === undefined &&
      node.maxProperties === undefined &&
      node.propertyNames === undefined &&
      node.dependentRequired === undefined &&
      node.presence === undefined
    ) {
      return `z.record(z.string(), ${this.expr(additional, scope)})`;
    }
    const e =
      additional === true
        ? `z.looseObject(${body})`
        : additional === false
          ? `z.strictObject(${body})`
          : `z.object(${body}).catchall(${this.expr(additional, scope)})`;
    // In the JavaScript the runtime loads, `rt.members` makes the same refinement and records its bound, which the
    // output check's pre-check reads (src/load/member-count.ts); the TypeScript twin spells it out.
    const count = (relation: "<=" | ">=", n: number, message: string) =>
      this.style === "thunk"
        ? `.refine(...rt.members("${relation}", ${n}))`
        : `.refine((o) => Object.keys(o).length ${relation} ${n}, "${message}")`;
    let refinements = "";
    if (node.minProperties !== undefined) {
      refinements += count(">=", node.minProperties, `needs at least ${node.minProperties} properties`);
    }
    if (node.maxProperties !== undefined) {
      refinements += count("<=", node.maxProperties, `allows at most ${node.maxProperties} properties`);
    }
    // The template's helpers; a name schema's pattern runs on the matcher every pattern does (patternExpr). In the
    // JavaScript the runtime loads, `rt` makes them and records what each checks (src/load/refinements.ts).
    const helper = this.style === "thunk" ? "rt." : "";
    if (node.propertyNames)
      refinements += `.refine(...${helper}propertyNames(${this.expr(node.propertyNames, inside)}))`;
    if (node.dependentRequired)
      refinements += `.refine(...${helper}dependentRequired(${JSON.stringify(node.dependentRequired)}))`;
    for (const rule of node.presence ?? []) refinements += presenceRefinement(rule);
    return this.refined(e, refinements, scope);
  }

  private unionExpr(node: Extract<SchemaNode, { kind: "union" }>, scope: Scope): string {
    const variants = node.variants.map((v) => this.expr(v, scope));
    if (node.discriminator && this.discriminable(node.variants, node.discriminator.property)) {
      return `z.discriminatedUnion(${JSON.stringify(node.discriminator.property)}, [${variants.join(", ")}])`;
    }
    return node.exclusive ? `z.xor([${variants.join(", ")}])` : `z.union([${variants.join(", ")}])`;
  }

  /** zod's discriminated union needs every variant to be an object with a constant at the discriminator. */
  private discriminable(variants: SchemaNode[], property: string): boolean {
    const seen = new Set<JsonPrimitive>();
    for (const v of variants) {
      if (v.kind === "ref" && this.plan.lazy.has(v.target)) return false;
      const n = resolveRefs(v, this.symbols);
      if (n.kind !== "object") return false;
      const prop = n.properties.find((p) => p.name === property);
      if (!prop?.required) return false;
      const d = resolveRefs(prop.schema, this.symbols);
      const values = d.kind === "literal" ? [d.value] : d.kind === "enum" ? d.values : undefined;
      if (!values) return false;
      for (const value of values) {
        if (seen.has(value)) return false;
        seen.add(value);
      }
    }
    return true;
  }
}

/**
 * A pattern as the runtime evaluates it. In the JavaScript the runtime loads (`thunk` style), `rt.linear` runs
 * the RE2 spelling on re2js (linear time) and `rt.bounded` runs what RE2 cannot express on JavaScript's engine
 * with an input length bound (the generator let only patterns without super-linear backtracking through), and
 * `rt.safe` runs a pattern whose shape proves JavaScript's engine linear on it there (up to the same bound; the
 * RE2 spelling, when it differs, beyond it). The TypeScript twin, read for types and review only, keeps the
 * plain RegExp.
 */
function patternExpr(node: Extract<SchemaNode, { kind: "string" }>, style: NamedStyle): string {
  const source = JSON.stringify(node.pattern);
  if (style !== "thunk") return `new RegExp(${source}, "u")`;
  if (node.patternRe2 === undefined) return `rt.bounded(${source})`;
  if (node.patternV8) {
    return node.patternRe2 === node.pattern
      ? `rt.safe(${source})`
      : `rt.safe(${source}, ${JSON.stringify(node.patternRe2)})`;
  }
  return node.patternRe2 === node.pattern
    ? `rt.linear(${source})`
    : `rt.linear(${JSON.stringify(node.patternRe2)}, ${source})`;
}

function stringExpr(node: Extract<SchemaNode, { kind: "string" }>, style: NamedStyle): string {
  let e = "z.string()";
  if (node.minLength !== undefined) e += `.min(${node.minLength})`;
  if (node.maxLength !== undefined) e += `.max(${node.maxLength})`;
  if (node.pattern !== undefined) e += `.regex(${patternExpr(node, style)})`;
  return e;
}

/**
 * A 64-bit integer's or a decimal's input form (`digits`): a JSON number, or a string of its digits, or (from a
 * hand-written handler) a bigint, read as a number when a double holds it and as the exact number otherwise
 * (`rt.integer` / `rt.decimal`, src/load/exact-integer.ts, which also check the format's range and the bounds on
 * the exact value). The TypeScript twin types it as what may be given.
 */
/** Whether `node` holds a `digits` number itself (not through a reference); the references it makes go to `refs`. */
function reachesDigits(node: SchemaNode, refs: Set<SymbolId>): boolean {
  switch (node.kind) {
    case "number":
    case "integer":
      return node.digits === true;
    case "ref":
      refs.add(node.target);
      return false;
    case "object":
      return (
        node.properties.some((p) => reachesDigits(p.schema, refs)) ||
        (typeof node.additional === "object" && reachesDigits(node.additional, refs))
      );
    case "array":
      return reachesDigits(node.items, refs);
    case "tuple":
      return (
        node.items.some((i) => reachesDigits(i, refs)) || (!!node.rest && reachesDigits(node.rest, refs))
      );
    case "union":
      return node.variants.some((v) => reachesDigits(v, refs));
    case "intersection":
      return node.parts.some((p) => reachesDigits(p, refs));
    case "nullable":
      return reachesDigits(node.inner, refs);
    default:
      return false;
  }
}

function digitsExpr(node: Extract<SchemaNode, { kind: "number" | "integer" }>, style: NamedStyle): string {
  if (style !== "thunk") {
    const pattern = JSON.stringify(digitsPattern(node.kind, node.format));
    return `z.union([${numberExpr(withFormatFloor(node))}, z.bigint(), z.string().regex(new RegExp(${pattern}, "u"))])`;
  }
  const bounds: string[] = [];
  for (const k of [
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
  ] as const)
    if (node[k] !== undefined) bounds.push(`${k}: ${JSON.stringify(node[k])}`);
  return `rt.${node.kind === "integer" ? "integer" : "decimal"}({ ${bounds.join(", ")} })`;
}

function numberExpr(
  node: Extract<SchemaNode, { kind: "number" | "integer" }>,
  style: NamedStyle = "const",
): string {
  let e = node.kind === "integer" ? "z.number().int()" : "z.number()";
  if (node.minimum !== undefined) e += `.gte(${node.minimum})`;
  if (node.maximum !== undefined) e += `.lte(${node.maximum})`;
  if (node.exclusiveMinimum !== undefined) e += `.gt(${node.exclusiveMinimum})`;
  if (node.exclusiveMaximum !== undefined) e += `.lt(${node.exclusiveMaximum})`;
  // zod's own `.multipleOf` divides doubles within a tolerance (it took 1e-20 as a multiple of 0.1, 8.000000000000002
  // as one of 8): the template's `multipleOf` decides on the decimals JSON writes (what the upstream receives); in
  // the JavaScript the runtime loads, `rt.multipleOf` makes it and records the step (src/load/refinements.ts).
  if (node.multipleOf !== undefined)
    e += `.refine(...${style === "thunk" ? "rt." : ""}multipleOf(${node.multipleOf}))`;
  return e;
}

/**
 * An object's `anyOf`/`oneOf` of required sets as a refinement: how many sets are all present, at least one or
 * exactly one (with `when`, only where one of its names is).
 */
function presenceRefinement(rule: { exclusive: boolean; sets: string[][]; when?: string[] }): string {
  const sets = JSON.stringify(rule.sets);
  const count = `${sets}.filter((set) => set.every((name) => Object.hasOwn(o, name))).length`;
  const said = rule.sets.map((set) => set.join(" and ")).join("; ");
  const unjudged = rule.when
    ? `!${JSON.stringify(rule.when)}.some((name) => Object.hasOwn(o, name)) || `
    : "";
  return rule.exclusive
    ? `.refine((o) => ${unjudged}${count} === 1, ${JSON.stringify(`needs exactly one of: ${said} (oneOf)`)})`
    : `.refine((o) => ${unjudged}${count} >= 1, ${JSON.stringify(`needs at least one of: ${said} (anyOf)`)})`;
}
