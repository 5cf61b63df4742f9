import type { CatalogTool, JsonSchema } from "../catalog.js";

/**
 * Which arguments of a tool touch paths, for any catalog: an argument, wire name or nested input property whose
 * last word (split at `_`, `-`, `.`, spaces and camelCase, acronyms included: `URLPath`; compatibility forms such as
 * fullwidth letters read as their ASCII letters) is path(s), prefix(es), pattern(s), glob(s), mount(s)
 * or folder(s), or whose whole name is `key` or `keys` (object stores and key/value APIs name paths that way).
 * `max_path_length`, `key_id` and `api_key` end in another word and do not count. Each is reported as a dot path
 * into the arguments (`*` for every item: `rules.*.paths`), the syntax `scoped_values` and `not_paths` use.
 *
 * A tool whose path-like arguments are not all covered by a scope fact (`scoped_path`, `scoped_list`,
 * `scoped_values`, a `base` argument) or declared `not_paths` is left out of tools/list and refused while a path
 * list is set (settings.ts), and `toolwright audit` reports it as a finding.
 */

const LAST_WORDS = new Set([
  "path",
  "paths",
  "prefix",
  "prefixes",
  "pattern",
  "patterns",
  "glob",
  "globs",
  "mount",
  "mounts",
  "folder",
  "folders",
]);
const WHOLE_NAMES = new Set(["key", "keys"]);
const MAX_DEPTH = 6;

export function isPathLikeName(name: string): boolean {
  const words = name
    .normalize("NFKC")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== "");
  if (words.length === 0) return false;
  if (words.length === 1 && WHOLE_NAMES.has(words[0]!)) return true;
  return LAST_WORDS.has(words.at(-1)!);
}

/** The tool's path-like arguments (dot paths), found in its input schema and its binding's wire names. */
export function pathLikeArgs(
  tool: CatalogTool,
  schemas: Readonly<Record<string, JsonSchema>> = {},
): string[] {
  const found = new Set<string>();
  const binding = tool.binding;
  if (binding.kind === "http") {
    for (const param of binding.params) {
      if (param.env === undefined && (isPathLikeName(param.name) || isPathLikeName(param.arg)))
        found.add(param.arg);
    }
    for (const field of binding.body?.fields ?? []) {
      if (isPathLikeName(field.name) || isPathLikeName(field.arg)) found.add(field.arg);
    }
  } else if (binding.kind === "graphql") {
    for (const v of binding.variables) if (isPathLikeName(v.name) || isPathLikeName(v.arg)) found.add(v.arg);
  }
  walk(tool.inputSchema, [], schemas, new Set(), found);
  return [...found].sort();
}

function walk(
  schema: JsonSchema | undefined,
  at: string[],
  schemas: Readonly<Record<string, JsonSchema>>,
  seen: Set<string>,
  found: Set<string>,
): void {
  if (schema === undefined || schema === null || typeof schema !== "object" || at.length > MAX_DEPTH) return;
  const s = schema as Record<string, unknown>;
  const ref = typeof s.$ref === "string" ? s.$ref : undefined;
  if (ref !== undefined) {
    const name = /^#\/(?:\$defs|definitions|components\/schemas)\/(.+)$/.exec(ref)?.[1];
    if (name === undefined || seen.has(name)) return;
    walk(schemas[name], at, schemas, new Set([...seen, name]), found);
  }
  for (const key of ["allOf", "anyOf", "oneOf"]) {
    if (Array.isArray(s[key]))
      for (const part of s[key] as JsonSchema[]) walk(part, at, schemas, seen, found);
  }
  const properties = s.properties as Record<string, JsonSchema> | undefined;
  if (properties && typeof properties === "object") {
    for (const [name, sub] of Object.entries(properties)) {
      const path = [...at, name];
      if (isPathLikeName(name)) found.add(path.join("."));
      else walk(sub, path, schemas, seen, found);
    }
  }
  if (at.length > 0) for (const sub of memberSchemas(s)) walk(sub, [...at, "*"], schemas, seen, found);
}

/** The schemas of an array's items or an object's further values (each reached as `*`), tuples included. */
function memberSchemas(s: Record<string, unknown>): JsonSchema[] {
  const members: unknown[] = [
    ...(Array.isArray(s.items) ? s.items : [s.items]),
    ...(Array.isArray(s.prefixItems) ? s.prefixItems : []),
    s.additionalProperties,
    ...(s.patternProperties && typeof s.patternProperties === "object"
      ? Object.values(s.patternProperties)
      : []),
  ];
  return members.filter((m): m is JsonSchema => m !== null && typeof m === "object");
}

/** The arguments a tool's scope facts cover (dot paths): scoped ones, base ones and declared non-paths. */
export function coveredArgs(tool: CatalogTool): string[] {
  const p = tool.policy;
  const covered: string[] = [];
  if (p.scopedPath) covered.push(p.scopedPath);
  if (p.scopedList) covered.push(p.scopedList.prefixArg);
  for (const v of p.scopedValues ?? []) {
    covered.push(v.arg);
    if (v.base && "arg" in v.base) covered.push(v.base.arg);
    if (v.base && "lookup" in v.base) covered.push(...Object.values(v.base.lookup.args));
  }
  covered.push(...(p.notPaths ?? []));
  return covered;
}

/** Path-like arguments no scope fact covers (an argument covers everything nested in it). */
export function unscopedPathArgs(
  tool: CatalogTool,
  schemas?: Readonly<Record<string, JsonSchema>>,
): string[] {
  const covered = coveredArgs(tool);
  return pathLikeArgs(tool, schemas).filter(
    (arg) => !covered.some((c) => arg === c || arg.startsWith(`${c}.`)),
  );
}
