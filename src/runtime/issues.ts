import type { z } from "zod";

/** zod issues as `path: message` lines a model can act on. */

export interface IssueLike {
  path: ReadonlyArray<PropertyKey>;
  message: string;
  code?: string;
  keys?: string[];
}

export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

export function formatIssues(issues: readonly IssueLike[], max = 10): string {
  const lines = issues.slice(0, max).map((issue) => {
    const message =
      issue.code === "unrecognized_keys" && issue.keys
        ? `unknown propert${issue.keys.length === 1 ? "y" : "ies"} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`
        : issue.message;
    return `${issuePath(issue.path)}: ${message}`;
  });
  if (issues.length > max) lines.push(`(${issues.length - max} more)`);
  return lines.join("; ");
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
