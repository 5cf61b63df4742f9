import type { ScopeBase, ScopedValue, ToolOutcome } from "../catalog.js";
import type { CallContext } from "../chain.js";
import { refuse } from "./decision.js";
import {
  checkArea,
  checkPath,
  isGlobSegment,
  parsePath,
  parsePrefix,
  type Segments,
  type Verdict,
} from "./path-match.js";

/**
 * `scoped_values`: arguments holding paths, prefixes or path patterns, each checked against the scope.
 *
 * - `path`: the vault path is the base + the value; checked like `scoped_path`.
 * - `prefix`: the tool acts on everything below base + value (a sync target, a subscription's prefix); that whole
 *   area must lie under an allowed prefix and must neither lie under nor contain a denied one. Absent, null or
 *   empty means everything below the base, item by item (`rules.*.prefix`: a rule without one covers it all).
 * - `pattern`: a glob (any segment holding `*`, `?`, `[`, `{`, or ScaiVault's `+`) may match anything below its
 *   literal leading segments, so that area is checked as a `prefix` (fail closed: `infra/+/primary` is checked
 *   as all of `infra/`); a pattern without a glob is a `path`, unless empty or ending in `/` (then a `prefix`).
 *
 * A `base` is another argument's value (a prefix) or a field of another tool's result (a mount), looked up
 * through the chain only while a list is set; a base that cannot be read refuses the call. Every string at
 * `arg` is checked (`*` steps into every item, arrays of strings are checked item by item).
 */

export type Lookup = (
  parent: CallContext,
  tool: string,
  args: Record<string, unknown>,
) => Promise<ToolOutcome>;

/** What the checks need: the scope, whether a list is set, how to refuse, and how to look a base up. */
export interface ValueChecks {
  scoped: boolean;
  verdictRefusal(ctx: CallContext, arg: string, verdict: Exclude<Verdict, { ok: true }>): ToolOutcome;
  malformed(ctx: CallContext, arg: string, problem: string): ToolOutcome;
  scope: Parameters<typeof checkPath>[1];
  lookup?: Lookup;
}

export async function checkScopedValues(
  ctx: CallContext,
  checks: ValueChecks,
): Promise<ToolOutcome | undefined> {
  for (const fact of ctx.tool.policy.scopedValues ?? []) {
    const refused = await checkValue(ctx, fact, checks);
    if (refused) return refused;
  }
  return undefined;
}

async function checkValue(
  ctx: CallContext,
  fact: ScopedValue,
  checks: ValueChecks,
): Promise<ToolOutcome | undefined> {
  const found = valuesAt(ctx.args, fact.arg.split("."));
  // A prefix left out is everything below the base, also where other items of the same list give one.
  const values = fact.kind === "prefix" ? (found.length === 0 ? [""] : found.map((v) => v ?? "")) : found;
  const present = values.filter((v) => v !== undefined && v !== null);
  if (present.length === 0) return undefined;
  let base: Segments = [];
  if (fact.base && checks.scoped) {
    const resolved = await resolveBase(ctx, fact.base, checks);
    if (!Array.isArray(resolved)) return resolved as ToolOutcome;
    base = resolved;
  }
  for (const value of present) {
    if (typeof value !== "string") return checks.malformed(ctx, fact.arg, "is not a string");
    const parsed = fact.kind === "path" ? parsePath(value) : parsePrefix(value);
    if (!parsed.ok) return checks.malformed(ctx, fact.arg, parsed.problem);
    if (!checks.scoped) continue;
    const area = areaOf(fact.kind, value, parsed.segments);
    const verdict =
      area === undefined
        ? checkPath([...base, ...parsed.segments], checks.scope)
        : checkArea([...base, ...area], checks.scope);
    if (!verdict.ok) return checks.verdictRefusal(ctx, fact.arg, verdict);
  }
  return undefined;
}

/**
 * The segments of the area a value covers (everything at or below them), or undefined when it names one path.
 * A pattern covers what lies below its segments before the first glob; without a glob it is one path, unless it
 * is empty or ends in '/' (matchers read `infra/` as the folder and all below it, as gitignore does).
 */
function areaOf(kind: ScopedValue["kind"], value: string, segments: Segments): Segments | undefined {
  if (kind === "path") return undefined;
  if (kind === "prefix") return segments;
  const glob = segments.findIndex(isGlobSegment);
  if (glob !== -1) return segments.slice(0, glob);
  return segments.length === 0 || value.endsWith("/") ? segments : undefined;
}

/** Every value at a dot path (`*`: every item of an array or value of an object); arrays of values flattened. */
function valuesAt(root: unknown, path: readonly string[]): unknown[] {
  if (path.length === 0) return Array.isArray(root) ? root : [root];
  if (root === null || typeof root !== "object") return [undefined];
  const [head, ...rest] = path;
  if (head === "*") {
    const items = Array.isArray(root) ? root : Object.values(root);
    return items.flatMap((item) => valuesAt(item, rest));
  }
  if (!Object.hasOwn(root, head!)) return [undefined];
  return valuesAt((root as Record<string, unknown>)[head!], rest);
}

async function resolveBase(
  ctx: CallContext,
  base: ScopeBase,
  checks: ValueChecks,
): Promise<Segments | ToolOutcome> {
  let text: unknown;
  let what: string;
  if ("arg" in base) {
    text = ctx.args[base.arg];
    what = `'${base.arg}'`;
  } else {
    const { tool, args, field } = base.lookup;
    what = `${tool}'s ${field}`;
    const lookupArgs: Record<string, unknown> = {};
    for (const [name, from] of Object.entries(args)) lookupArgs[name] = ctx.args[from];
    const outcome = checks.lookup ? await checks.lookup(ctx, tool, lookupArgs) : undefined;
    if (outcome === undefined || outcome.error) {
      return unreadableBase(
        ctx,
        what,
        outcome?.error ? `it failed: ${outcome.error.message}` : "no lookup is available",
      );
    }
    text = valuesAt(outcome.data, field.split("."))[0];
  }
  if (typeof text !== "string") return unreadableBase(ctx, what, "it is not a string");
  const parsed = parsePrefix(text);
  if (!parsed.ok) return unreadableBase(ctx, what, `it ${parsed.problem}`);
  return parsed.segments;
}

function unreadableBase(ctx: CallContext, what: string, why: string): ToolOutcome {
  return refuse(
    ctx,
    { policy: "paths", reason: "unreadable path base" },
    `refused by the path policy: the path this call acts on starts with ${what}, which cannot be read (${why}), so the path scope cannot check it`,
  );
}
