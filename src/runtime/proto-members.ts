import type { z } from "zod";
import type { IssueLike } from "./issues.js";

/**
 * Members named `__proto__` inside object arguments, which zod (4.6) skips wherever it copies members (a declared
 * property, a catch-all's or a loose object's extra member, a record's entry): its parse neither checks nor keeps
 * them. Each one the arguments hold and the parse left out is judged here against the schema of the object that
 * holds it: a declared property by its own schema, an extra member by the catch-all's (any value for a loose
 * object), a record's entry by the key and value schemas; then it is put back, as parsed, into the parse's output.
 * An object whose members a refinement judges (`propertyNames`, `dependentRequired`, `minProperties`/
 * `maxProperties`, `not`, `uniqueItems`: on it or on any value around it, which all ran on an output lacking the
 * member), or one reached through a union or an intersection (which branch took the value is not known here),
 * cannot be judged so: the call is refused, naming the member, rather than sent unchecked. A closed object's
 * parse already refuses such a member (an unknown property).
 */

type ZodNode = z.ZodType;
interface Def {
  type?: string;
  checks?: ReadonlyArray<{ _zod?: { def?: { check?: string } } }>;
  innerType?: ZodNode;
  getter?: () => ZodNode;
  shape?: Record<string, ZodNode>;
  catchall?: ZodNode;
  element?: ZodNode;
  items?: ZodNode[];
  rest?: ZodNode | null;
  keyType?: ZodNode;
  valueType?: ZodNode;
  options?: ZodNode[];
  left?: ZodNode;
  right?: ZodNode;
}

export type ProtoResult = { ok: true; data: unknown } | { ok: false; issues: readonly IssueLike[] };
type Parse = (
  schema: z.ZodType,
  value: unknown,
) => { success: true; data: unknown } | { success: false; issues: readonly IssueLike[] };

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "nonoptional"]);
const UNCHECKABLE =
  'a member named "__proto__" cannot be checked against the tool\'s schema (its validator skips that name), so it is refused rather than sent unchecked';

const defOf = (node: ZodNode | undefined): Def | undefined =>
  (node as unknown as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** Whether the node carries a refinement (a check of zod's `custom` kind), which ran without the member. */
const refined = (def: Def): boolean =>
  (def.checks ?? []).some((check) => check._zod?.def?.check === "custom");

/**
 * The node under wrappers and lazy getters, or undefined when one of them, or the node, carries a refinement (it
 * judged a value lacking the member) or the chain is too deep.
 */
function unwrapped(node: ZodNode | undefined): Def | undefined {
  let def = defOf(node);
  for (let depth = 0; def && depth < 64; depth++) {
    if (refined(def)) return undefined;
    if (def.type === "lazy") def = defOf(def.getter?.());
    else if (def.type !== undefined && WRAPPERS.has(def.type)) def = defOf(def.innerType);
    else return def;
  }
  return undefined;
}

/** The schema of the value at `key` of a value of the (unwrapped) node; undefined where it cannot be told. */
function childSchema(def: Def, key: PropertyKey): ZodNode | "any" | undefined {
  switch (def.type) {
    case "object": {
      if (typeof key !== "string") return undefined;
      if (def.shape && Object.hasOwn(def.shape, key)) return def.shape[key];
      if (def.catchall === undefined) return undefined;
      const rest = defOf(def.catchall)?.type;
      return rest === "unknown" || rest === "any" ? "any" : def.catchall;
    }
    case "record":
      return typeof key === "string" ? def.valueType : undefined;
    case "array":
      return typeof key === "number" ? def.element : undefined;
    case "tuple":
      return typeof key === "number" ? (def.items?.[key] ?? def.rest ?? undefined) : undefined;
    default:
      return undefined;
  }
}

/** The schema the `__proto__` member at `path` is judged by, or undefined when it cannot be judged. */
function memberSchema(root: ZodNode, path: readonly PropertyKey[]): ZodNode | "any" | undefined {
  let node: ZodNode | "any" | undefined = root;
  for (const key of path.slice(0, -1)) {
    if (node === "any" || node === undefined) return node;
    const def = unwrapped(node);
    if (!def) return undefined;
    node = childSchema(def, key);
  }
  if (node === "any" || node === undefined) return node;
  const holder = unwrapped(node);
  if (!holder || (holder.type !== "object" && holder.type !== "record")) return undefined;
  // A record's key schema decides whether the name is one of its keys.
  if (holder.type === "record" && !holder.keyType?.safeParse("__proto__").success) return undefined;
  return childSchema(holder, "__proto__");
}

/**
 * Every path of a `__proto__` member the arguments (`input`) hold and zod's output (`parsed`) lacks. A value zod
 * passes through whole (a free-form value: the output is the input) keeps its own members and is not walked.
 * Iterative, as `withoutPrototypes`. Arguments without a `__proto__` member anywhere (nearly every call) are
 * answered by one walk of the arguments alone; the walk that builds paths runs only when one is there.
 */
export function droppedProtoPaths(parsed: unknown, input: unknown): PropertyKey[][] {
  const found: PropertyKey[][] = [];
  if (!holdsProtoMember(input)) return found;
  const stack: Array<[input: unknown, parsed: unknown, path: PropertyKey[]]> = [[input, parsed, []]];
  while (stack.length > 0) {
    const [from, to, path] = stack.pop()!;
    if (from === null || typeof from !== "object" || to === null || typeof to !== "object") continue;
    if (Array.isArray(from) !== Array.isArray(to) || from === to) continue;
    if (!Array.isArray(to) && Object.hasOwn(from, "__proto__") && !Object.hasOwn(to, "__proto__"))
      found.push([...path, "__proto__"]);
    for (const key of Object.keys(to)) {
      if (Object.hasOwn(from, key))
        stack.push([
          (from as Record<string, unknown>)[key],
          (to as Record<string, unknown>)[key],
          [...path, Array.isArray(to) ? Number(key) : key],
        ]);
    }
  }
  return found;
}

/** Whether an object in `value` (itself or one it holds, at any depth) has an own member named `__proto__`. */
function holdsProtoMember(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const stack: object[] = [value];
  while (stack.length > 0) {
    const from = stack.pop() as Record<string, unknown>;
    if (Object.hasOwn(from, "__proto__")) return true;
    for (const key of Object.keys(from)) {
      const item = from[key];
      if (item !== null && typeof item === "object") stack.push(item);
    }
  }
  return false;
}

const at = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown> | undefined)?.[key], root);

/**
 * zod's output with each `__proto__` member it left out judged and put back (see the module's comment), or the
 * issues that refuse the call, located at the member. `parse` is the caller's parse (null read as absent), used on
 * the member's value, whose own `__proto__` members are judged the same way.
 */
export function keepProtoMembers(
  schema: ZodNode,
  parsed: unknown,
  input: unknown,
  parse: Parse,
  depth = 0,
): ProtoResult {
  for (const path of droppedProtoPaths(parsed, input)) {
    const judge = depth < 32 ? memberSchema(schema, path) : undefined;
    if (judge === undefined) return { ok: false, issues: [{ code: "custom", path, message: UNCHECKABLE }] };
    const value = at(input, path);
    let kept = value;
    if (judge !== "any") {
      const result = parse(judge, value);
      if (!result.success)
        return {
          ok: false,
          issues: result.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })),
        };
      const inner = keepProtoMembers(judge, result.data, value, parse, depth + 1);
      if (!inner.ok)
        return {
          ok: false,
          issues: inner.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] })),
        };
      kept = inner.data;
    }
    // Defined, not assigned: a member named `__proto__` stays a member.
    Object.defineProperty(at(parsed, path.slice(0, -1)), "__proto__", {
      value: kept,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { ok: true, data: parsed };
}

/** The node under wrappers and lazy getters, refinements or not (bounded); `optional` whether a wrapper takes none. */
function bare(node: ZodNode | undefined): { def: Def | undefined; optional: boolean } {
  let def = defOf(node);
  let optional = false;
  for (let depth = 0; def && depth < 64; depth++) {
    if (def.type === "optional" || def.type === "default" || def.type === "prefault") optional = true;
    if (def.type === "lazy") def = defOf(def.getter?.());
    else if (def.type !== undefined && WRAPPERS.has(def.type)) def = defOf(def.innerType);
    else return { def, optional };
  }
  return { def: undefined, optional };
}

/** The nodes a node holds (its members' schemas, items, options, parts). */
function heldNodes(def: Def): (ZodNode | undefined)[] {
  return [
    ...Object.values(def.shape ?? {}),
    def.catchall,
    def.element,
    ...(def.items ?? []),
    def.rest ?? undefined,
    def.valueType,
    ...(def.options ?? []),
    def.left,
    def.right,
  ];
}

const requiring = new WeakMap<object, boolean>();
/** The member's name, read as a key. */
const PROTO = "__proto__";

/**
 * Whether an object the schema reads declares a required member named `__proto__` (a spec may: a body property of
 * that name), anywhere in it; walked once per schema, so a call to any other tool pays one WeakMap look-up.
 */
function requiresProto(schema: ZodNode): boolean {
  const known = requiring.get(schema);
  if (known !== undefined) return known;
  const seen = new Set<Def>();
  const stack: (ZodNode | undefined)[] = [schema];
  let found = false;
  while (stack.length > 0 && !found && seen.size < 100_000) {
    const { def } = bare(stack.pop());
    if (!def || seen.has(def)) continue;
    seen.add(def);
    if (def.shape && Object.hasOwn(def.shape, "__proto__") && !bare(def.shape[PROTO]).optional) found = true;
    stack.push(...heldNodes(def));
  }
  requiring.set(schema, found);
  return found;
}

const MISSING = 'required member "__proto__" is missing';

/**
 * The required members named `__proto__` the arguments lack: zod (4.6) skips that name wherever it reads members,
 * so a declared, required `__proto__` was never asked for (a call without it passed, and went upstream without it).
 * Walked along the schema: objects, arrays, tuples, records; a union is met when one of the options that take the
 * value finds nothing missing, an intersection when both parts do. Nothing is walked for a
 * schema that declares no such member (nearly every tool).
 */
export function missingProtoMembers(schema: ZodNode, input: unknown, depth = 0): IssueLike[] {
  if (depth === 0 && !requiresProto(schema)) return [];
  if (depth > 32) return [{ code: "custom", path: [], message: UNCHECKABLE }];
  const issues: IssueLike[] = [];
  const stack: [ZodNode | undefined, unknown, PropertyKey[]][] = [[schema, input, []]];
  while (stack.length > 0) {
    const [node, value, path] = stack.pop()!;
    const { def } = bare(node);
    if (!def || value === null || typeof value !== "object") continue;
    const nested = (n: ZodNode | undefined) =>
      missingProtoMembers(n as ZodNode, value, depth + 1).map((i) => ({ ...i, path: [...path, ...i.path] }));
    if (def.type === "union") {
      // The options that take the value (zod's own judgement, the member aside); all when none does.
      const options = def.options ?? [];
      const taking = options.filter((option) => option.safeParse(value).success);
      const tried = (taking.length > 0 ? taking : options).map(nested);
      if (!tried.some((t) => t.length === 0)) issues.push(...(tried[0] ?? []));
    } else if (def.type === "intersection") issues.push(...nested(def.left), ...nested(def.right));
    else if (Array.isArray(value)) {
      value.forEach((item, i) => {
        stack.push([
          def.type === "tuple" ? (def.items?.[i] ?? def.rest ?? undefined) : def.element,
          item,
          [...path, i],
        ]);
      });
    } else if (def.type === "object" || def.type === "record") {
      const shape = def.shape ?? {};
      if (
        Object.hasOwn(shape, "__proto__") &&
        !bare(shape[PROTO]).optional &&
        !Object.hasOwn(value, "__proto__")
      )
        issues.push({ code: "invalid_type", path: [...path, "__proto__"], message: MISSING });
      for (const key of Object.keys(value)) {
        const child =
          def.type === "record" ? def.valueType : Object.hasOwn(shape, key) ? shape[key] : def.catchall;
        stack.push([child, (value as Record<string, unknown>)[key], [...path, key]]);
      }
    }
  }
  return issues;
}
