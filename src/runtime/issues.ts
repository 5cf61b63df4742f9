import type { z } from "zod";

/** zod issues as `path: message` lines a model can act on. */

export interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  keys?: string[];
  /** invalid_union: each variant's issues, in the schema's order (empty when there is no list to give). */
  errors?: ReadonlyArray<readonly IssueLike[]>;
  /** invalid_union of an exclusive union (`oneOf`, z.xor): false, with the variants that all matched. */
  inclusive?: boolean;
  matches?: readonly number[];
}

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? shownKey(String(key)) : `.${shownKey(String(key))}`;
  }
  return out === "" ? "(root)" : out;
}

/** Keys of the client's arguments named in a refusal: at most this many, each cut at MAX_KEY_SHOWN characters. */
const MAX_KEYS_SHOWN = 10;
const MAX_KEY_SHOWN = 100;

/**
 * A key of the client's arguments as a refusal names it: control characters as `?`, and cut at MAX_KEY_SHOWN
 * characters (a key of a megabyte came back whole, into the model's context).
 */
export function shownKey(key: string): string {
  const clean = key.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > MAX_KEY_SHOWN ? `${clean.slice(0, MAX_KEY_SHOWN)}…` : clean;
}

export function formatIssues(issues: readonly IssueLike[], max = 10): string {
  const lines = issues.slice(0, max).map((issue) => `${issuePath(issue.path)}: ${messageOf(issue, 0)}`);
  if (issues.length > max) lines.push(`(${issues.length - max} more)`);
  return lines.join("; ");
}

/** Variants of a union, and issues of one variant, named in its message; the rest are counted. */
const MAX_VARIANTS = 4;
const MAX_VARIANT_ISSUES = 2;

function messageOf(issue: IssueLike, depth: number): string {
  if (issue.code === "unrecognized_keys" && issue.keys) {
    const named = issue.keys.slice(0, MAX_KEYS_SHOWN).map((k) => JSON.stringify(shownKey(k)));
    if (issue.keys.length > MAX_KEYS_SHOWN) named.push(`and ${issue.keys.length - MAX_KEYS_SHOWN} more`);
    return `unknown propert${issue.keys.length === 1 ? "y" : "ies"} ${named.join(", ")}`;
  }
  if (issue.code !== "invalid_union") return issue.message;
  if (issue.inclusive === false && issue.matches && issue.matches.length > 1)
    return `matches more than one of its variants (${issue.matches.map((i) => i + 1).join(", ")}), and exactly one may`;
  const variants = issue.errors ?? [];
  if (variants.length === 0) return issue.message;
  if (depth > 0) return `matches none of its ${variants.length} variants`;
  return `matches none of its ${variants.length} variants (${unionVariants(variants).join(" | ")})`;
}

/** Why each variant of a union refused the value, short: `2: name: missing, unknown property "id"`. */
function unionVariants(variants: ReadonlyArray<readonly IssueLike[]>): string[] {
  const shown = variants.slice(0, MAX_VARIANTS).map((issues, i) => {
    const why = issues.slice(0, MAX_VARIANT_ISSUES).map((issue) => {
      const message = messageOf(issue, 1)
        .replace(/^Invalid input: /, "")
        .replace(/^expected .+, received undefined$/, "missing");
      return issue.path.length > 0 ? `${issuePath(issue.path)}: ${message}` : message;
    });
    if (issues.length > MAX_VARIANT_ISSUES) why.push(`${issues.length - MAX_VARIANT_ISSUES} more`);
    return `${i + 1}: ${why.join(", ")}`;
  });
  if (variants.length > MAX_VARIANTS) shown.push(`${variants.length - MAX_VARIANTS} more`);
  return shown;
}

/**
 * Argument issues for a model to act on: as `formatIssues`, and an unknown property also names the properties
 * that are valid there, so a model can correct itself in one step.
 */
export function describeArgumentIssues(schema: z.ZodType, issues: readonly IssueLike[]): string {
  const text = formatIssues(issues);
  const unknown = issues.find((issue) => issue.code === "unrecognized_keys");
  if (!unknown) return text;
  const keys = propertiesAt(schema, unknown.path);
  if (keys === undefined) return text;
  const what =
    unknown.path.length === 0 ? "valid arguments" : `valid properties of ${issuePath(unknown.path)}`;
  return `${text}; ${what}: ${keys.length > 0 ? keys.join(", ") : "none"}`;
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  getter?: () => z.ZodType;
  options?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
}

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The property names of the object schema(s) at `path` of a zod schema (union branches merged). */
export function propertiesAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] | undefined {
  const keys = new Set<string>();
  let found = false;
  const visit = (node: z.ZodType | undefined, at: number, depth: number) => {
    if (!node || depth > 64) return;
    const def = (node as unknown as { _zod?: { def?: SchemaDef } })._zod?.def;
    if (!def) return;
    if (def.type && WRAPPERS.has(def.type)) return visit(def.innerType, at, depth + 1);
    if (def.type === "lazy") return visit(def.getter?.(), at, depth + 1);
    if (def.type === "pipe") return visit(def.in, at, depth + 1);
    if (def.type === "union") {
      for (const option of def.options ?? []) visit(option, at, depth + 1);
      return;
    }
    if (def.type === "intersection") {
      visit(def.left, at, depth + 1);
      visit(def.right, at, depth + 1);
      return;
    }
    if (at === path.length) {
      if (def.type === "object" && def.shape) {
        found = true;
        for (const key of Object.keys(def.shape)) keys.add(key);
      }
      return;
    }
    const key = path[at];
    if (def.type === "object" && typeof key === "string") return visit(def.shape?.[key], at + 1, depth + 1);
    if (def.type === "array" && typeof key === "number") return visit(def.element, at + 1, depth + 1);
    if (def.type === "record") return visit(def.valueType, at + 1, depth + 1);
  };
  visit(schema, 0, 0);
  return found ? [...keys] : undefined;
}
