import type { ToolOutcome, ToolPolicy } from "../catalog.js";
import { type CallContext, type NamedMiddleware, onRedirect, type RedirectCheck } from "../chain.js";
import { checkBoundPaths } from "./bound-paths.js";
import { noteApplied, refuse } from "./decision.js";
import { addressable, mapAtPath, offSchema, splitPath } from "./field-paths.js";
import { withoutQuoted } from "./mask.js";
import {
  checkListing,
  checkPath,
  formatPrefix,
  type Parsed,
  parsePath,
  parsePrefix,
  type Scope,
  type Segments,
  type Verdict,
} from "./path-match.js";
import { type ScopedArg, scopedRedirectCheck } from "./path-redirect.js";
import { checkScopedValues, type Lookup, type ValueChecks } from "./scope-values.js";
import type { PolicySettings } from "./settings.js";

/**
 * Path scopes. For a tool with a scoped path argument, the value must be plain segments (see path-match.ts) and
 * fall inside the allow list and outside the deny list; always checked, lists or not, so traversal never
 * reaches the executor. For a listing tool, the prefix argument is checked the same way, and the items of the
 * result outside the scope are dropped whatever the upstream sent.
 *
 * A listing without a prefix while an allow list is set: with exactly one allowed prefix the prefix is filled
 * with it (the upstream then pages through exactly what may be seen); with several, the listing runs unscoped
 * and is filtered, so a page may come back shorter than asked (its cursor still leads on). Further lists of
 * paths in a result (`scopedItems`, e.g. an audit summary's top paths) are filtered the same way.
 */
export function pathScopeStep(
  settings: PolicySettings,
  lookup?: Lookup,
  envText: (name: string) => string | undefined = () => undefined,
): NamedMiddleware {
  const { scope } = settings;
  const scoped = scope.allow !== undefined || scope.deny !== undefined;
  const valueChecks: ValueChecks = {
    scoped,
    scope,
    verdictRefusal: (ctx, arg, verdict) => scopeRefusal(ctx, settings, arg, verdict),
    malformed,
    ...(lookup ? { lookup } : {}),
  };
  return {
    name: "paths",
    idle: (tool) => !scoped && !checksArguments(tool.policy),
    async run(ctx, next) {
      // Values relative to a base may look the base up (a nested call): only then is there anything to await.
      const refused =
        checkScopedPath(ctx, settings) ??
        checkListingPrefix(ctx, settings) ??
        (scoped ? checkBoundPaths(ctx, settings, envText) : undefined) ??
        ((ctx.tool.policy.scopedValues?.length ?? 0) > 0
          ? await checkScopedValues(ctx, valueChecks)
          : undefined);
      if (refused) return refused;
      if (scoped) onRedirect(ctx, redirectCheck(ctx, settings));
      const lists = scopedLists(ctx.tool.policy);
      if (!scoped) return next();
      let outcome = await next();
      if (touchesPaths(ctx.tool.policy) && quotesOutside(outcome, scope))
        outcome = withoutQuoted(outcome, "while the path scope is set: it names a path outside it");
      if (lists.length === 0 || outcome.data === null || outcome.data === undefined) return outcome;
      return filterListing(ctx, outcome, lists, scope, settings);
    },
  };
}

/** Whether a tool's arguments are checked as paths whether or not a scope is set (traversal is always refused). */
function checksArguments(policy: ToolPolicy): boolean {
  return (
    policy.scopedPath !== undefined ||
    policy.scopedList !== undefined ||
    (policy.scopedValues?.length ?? 0) > 0
  );
}

/** Whether a tool's arguments or results are path-scoped (a scoped path, listing, values or items). */
function touchesPaths(policy: ToolPolicy): boolean {
  return (
    policy.scopedPath !== undefined ||
    policy.scopedList !== undefined ||
    (policy.scopedValues?.length ?? 0) > 0 ||
    (policy.scopedItems?.length ?? 0) > 0
  );
}

/** Text with a `/` in it, between spaces, quotes and brackets: what may be a path. */
const PATH_LIKE = /[^\s"'`<>()[\]{},;]*\/[^\s"'`<>()[\]{},;]*/g;

/**
 * Whether an error quotes the upstream's words (`QuotedError`) and they hold path-like text the scope does not
 * show: a path outside it, or text it cannot read as a path (a URL, a `..`), failing closed. The scope hides
 * those paths in listings and refuses reads there; an error must not name them ("the nearest is infra/db/root").
 */
function quotesOutside(outcome: ToolOutcome, scope: Scope): boolean {
  const pieces = outcome.error?.quoted?.pieces ?? [];
  for (let i = 1; i < pieces.length; i += 2) {
    for (const match of pieces[i]!.matchAll(PATH_LIKE)) {
      const text = match[0].replace(/[.:!?]+$/, "");
      const parsed = parsePath(text);
      if (!parsed.ok || !checkPath(parsed.segments, scope).ok) return true;
    }
  }
  return false;
}

/** The tool's scoped path argument, when given: plain segments inside the scope, or the refusal. */
function checkScopedPath(ctx: CallContext, settings: PolicySettings): ToolOutcome | undefined {
  const arg = ctx.tool.policy.scopedPath;
  if (arg === undefined) return undefined;
  const value = ctx.args[arg];
  if (value === undefined || value === null) return undefined;
  return checkValueAs(AS_PATH, ctx, settings, arg, value);
}

/** How a value is read and judged: as one path, or as a listing's prefix (inside, or listed and filtered). */
interface ValueReading {
  parse(value: string): Parsed;
  verdict(segments: Segments, scope: Scope): Verdict;
}

const AS_PATH: ValueReading = { parse: (value) => parsePath(value), verdict: checkPath };
const AS_PREFIX: ValueReading = {
  parse: (value) => parsePrefix(value),
  verdict(segments, scope) {
    const listing = checkListing(segments, scope);
    return listing.mode === "refused" ? listing.verdict : { ok: true };
  },
};

/** One path value or listing prefix: plain segments the scope allows, or the refusal. */
function checkValueAs(
  reading: ValueReading,
  ctx: CallContext,
  settings: PolicySettings,
  arg: string,
  value: unknown,
): ToolOutcome | undefined {
  if (typeof value !== "string") return malformed(ctx, arg, "is not a string");
  const parsed = reading.parse(value);
  if (!parsed.ok) return malformed(ctx, arg, parsed.problem);
  const verdict = reading.verdict(parsed.segments, settings.scope);
  return verdict.ok ? undefined : scopeRefusal(ctx, settings, arg, verdict);
}

/**
 * The listing's prefix argument: filled with the one allowed prefix when absent, else plain segments whose
 * listing the scope allows (run as is, or run and filtered), or the refusal.
 */
function checkListingPrefix(ctx: CallContext, settings: PolicySettings): ToolOutcome | undefined {
  const arg = ctx.tool.policy.scopedList?.prefixArg;
  if (arg === undefined) return undefined;
  const { scope } = settings;
  const value = ctx.args[arg];
  if (value === undefined || value === null || value === "") {
    if (scope.allow?.length === 1) {
      ctx.args[arg] = formatPrefix(scope.allow[0]!);
      noteApplied(ctx, "paths:prefix-filled");
    }
    return undefined;
  }
  return checkValueAs(AS_PREFIX, ctx, settings, arg, value);
}

/**
 * The call's redirect check. Its checks are built on the first redirect, as few calls meet one, unless the tool
 * has values relative to a base: those are compared with the arguments as they are now, so they are built now.
 */
function redirectCheck(ctx: CallContext, settings: PolicySettings): RedirectCheck {
  if ((ctx.tool.policy.scopedValues?.length ?? 0) > 0)
    return scopedRedirectCheck(ctx, redirectChecks(ctx, settings));
  let check: RedirectCheck | undefined;
  return (target, first) => {
    check ??= scopedRedirectCheck(ctx, redirectChecks(ctx, settings));
    return check(target, first);
  };
}

/** The scoped values a redirect of this call may carry, checked as the arguments were. */
function redirectChecks(ctx: CallContext, settings: PolicySettings): ScopedArg[] {
  const { scopedPath, scopedList } = ctx.tool.policy;
  const checks: ScopedArg[] = [];
  if (scopedPath !== undefined) {
    checks.push({
      arg: scopedPath,
      check: (value) => checkValueAs(AS_PATH, ctx, settings, scopedPath, value),
    });
  }
  if (scopedList !== undefined) {
    const arg = scopedList.prefixArg;
    checks.push({ arg, check: (value) => checkValueAs(AS_PREFIX, ctx, settings, arg, value) });
  }
  // Values relative to a base were checked with it: a redirect may not change them, nor the base.
  for (const fact of ctx.tool.policy.scopedValues ?? []) {
    const args = [fact.arg, ...(fact.base && "arg" in fact.base ? [fact.base.arg] : [])];
    if (fact.base && "lookup" in fact.base) args.push(...Object.values(fact.base.lookup.args));
    for (const arg of args) {
      const given = ctx.args[arg];
      const same = new Set(Array.isArray(given) ? given.map(String) : given == null ? [] : [String(given)]);
      checks.push({
        arg,
        check: (value) =>
          same.has(value)
            ? undefined
            : malformed(ctx, arg, "is changed by the upstream's redirect, which the path scope cannot check"),
      });
    }
  }
  return checks;
}

/** The refusal of a value outside the scope, naming the list (and the setting) that refused it. */
function scopeRefusal(
  ctx: CallContext,
  settings: PolicySettings,
  arg: string,
  verdict: Exclude<Verdict, { ok: true }>,
): ToolOutcome {
  if (verdict.by === "case") {
    const env = settings.denyEnv ?? "the denied paths";
    return refuse(
      ctx,
      { policy: "paths", rule: env, reason: "ambiguous letter case" },
      `refused by ${env}: '${arg}' holds a letter whose upper and lower case do not map one to one (such as ß, İ or ı); servers fold those differently, so while ${env} is set such paths are refused`,
    );
  }
  if (verdict.by === "alias") {
    const env = settings.denyEnv ?? "the denied paths";
    return refuse(
      ctx,
      { policy: "paths", rule: env, reason: "windows alias" },
      `refused by ${env}: '${arg}' has a segment Windows reads as another name (an 8.3 short name such as 'INFRA~1', or a stream with no name before it such as ':x'); while ${env} is set such paths are refused`,
    );
  }
  if (verdict.by === "deny") {
    const env = settings.denyEnv ?? "the denied paths";
    return refuse(
      ctx,
      { policy: "paths", rule: env, reason: "under a denied prefix" },
      `refused by ${env}: '${arg}' is under the denied prefix ${formatPrefix(verdict.prefix)}; remove that prefix from ${env} to allow it`,
    );
  }
  const env = settings.allowEnv ?? "the allowed paths";
  const allowText = settings.scope.allow?.map(formatPrefix).join(",") ?? "";
  return refuse(
    ctx,
    { policy: "paths", rule: env, reason: "outside allowed prefixes" },
    `refused by ${env}=${allowText}: '${arg}' is outside the allowed prefixes; add its prefix to ${env} to allow it`,
  );
}

/** The refusal of a value that is no plain path (traversal, escapes, invisible characters ...). */
function malformed(ctx: CallContext, arg: string, problem: string): ToolOutcome {
  return refuse(
    ctx,
    { policy: "paths", reason: "ambiguous path value" },
    `refused by the path policy: '${arg}' ${problem}; give the path as plain segments separated by single '/'`,
  );
}

/** A list in a result whose items carry paths: the dot path of the array, and the field holding each path. */
export interface PathList {
  itemsPath: string;
  itemPathField: string;
}

/** Every list of a tool's result that the path scope filters: the scoped listing's, then any further ones. */
export function scopedLists(policy: ToolPolicy): PathList[] {
  const lists: PathList[] = [];
  if (policy.scopedList) {
    lists.push({ itemsPath: policy.scopedList.itemsPath, itemPathField: policy.scopedList.itemPathField });
  }
  for (const list of policy.scopedItems ?? []) lists.push(list);
  return lists;
}

/**
 * Drops listed items whose path is missing, malformed or outside the scope (fails closed). A result the filter
 * cannot read (not JSON, JSON off the output schema, or a list position holding something other than an array)
 * is refused as a whole rather than passed through unfiltered; an error keeps its message and loses its data.
 */
export function filterListing(
  ctx: CallContext,
  outcome: ToolOutcome,
  lists: readonly PathList[],
  scope: Scope,
  settings?: Pick<PolicySettings, "allowEnv" | "denyEnv">,
): ToolOutcome {
  let dropped = 0;
  let unreadable: string | undefined = !addressable(outcome.data)
    ? typeof outcome.data === "string"
      ? "it is text"
      : "it is a body of another media type"
    : offSchema(outcome)
      ? "it does not match the output schema"
      : undefined;
  const keep =
    (field: string) =>
    (item: unknown): boolean => {
      const path =
        item !== null && typeof item === "object" ? (item as Record<string, unknown>)[field] : undefined;
      if (typeof path !== "string") return false;
      const parsed = parsePath(path);
      return parsed.ok && checkPath(parsed.segments, scope).ok;
    };
  let data = outcome.data;
  if (unreadable === undefined) {
    for (const { itemsPath, itemPathField } of lists) {
      data = mapAtPath(data, splitPath(itemsPath), (items) => {
        if (items === null || items === undefined) return items;
        if (!Array.isArray(items)) {
          unreadable = `'${itemsPath}' is not a list`;
          return items;
        }
        const kept = items.filter(keep(itemPathField));
        dropped += items.length - kept.length;
        return kept;
      });
    }
  }
  if (unreadable !== undefined) {
    const why = `the path scope cannot check the upstream's listing (${unreadable})`;
    if (outcome.error) {
      noteApplied(ctx, "paths:withheld");
      return {
        ...outcome,
        data: null,
        error: { ...outcome.error, message: `${outcome.error.message}; ${why}, so it is withheld` },
      };
    }
    const rule = [settings?.allowEnv, settings?.denyEnv].filter(Boolean).join(", ") || undefined;
    return refuse(
      ctx,
      { policy: "paths", ...(rule ? { rule } : {}), reason: "unreadable listing" },
      `refused by the path policy: ${why}, so none of it is shown`,
    );
  }
  if (dropped === 0) return outcome;
  noteApplied(ctx, `paths:filtered(${dropped})`);
  return { ...outcome, data };
}
