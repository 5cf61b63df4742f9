import type { HttpBinding, ToolOutcome } from "../catalog.js";
import type { CallContext, RedirectCheck } from "../chain.js";
import { linearPattern } from "../patterns/matcher.js";
import { refuse } from "./decision.js";

/**
 * Same-origin redirects of a path-scoped call, re-checked before the executor follows them: the target must be
 * the same endpoint of the same base URL (the binding's path template), and every scoped value it carries (in the
 * path or the query) passes the same checks as the arguments did. Anything the scope cannot read that way (a
 * redirect to another endpoint, an undecodable segment) is refused: the upstream cannot point a checked call at
 * a path the lists forbid.
 */

/** A scoped argument as the redirect check sees it: its value in the target goes through `check`. */
export interface ScopedArg {
  arg: string;
  check: (value: string) => ToolOutcome | undefined;
}

export function scopedRedirectCheck(
  ctx: CallContext,
  scoped: readonly ScopedArg[],
  /** The refusal of a target the checks cannot read (another endpoint, an undecodable value): the path policy's. */
  refuseRedirect: (ctx: CallContext, what: string) => ToolOutcome = refusePathRedirect,
): RedirectCheck {
  const binding = ctx.tool.binding;
  if (binding.kind !== "http") return () => undefined;
  const template = templatePatternOf(binding);
  return (target, first) => {
    const to = template.pattern?.exec(target.pathname);
    const from = template.pattern?.exec(first.pathname);
    if (!to || !from || to[1] !== from[1]) {
      return refuseRedirect(ctx, "the upstream redirected the call to another endpoint");
    }
    for (const { arg, check } of scoped) {
      const param = binding.params.find((p) => p.arg === arg);
      if (param === undefined) continue;
      let values: string[];
      if (param.in === "query") values = target.searchParams.getAll(param.name);
      else if (param.in === "path") {
        const value = decodePathValue(to[template.groups.get(param.name)!]!, param.multiSegment === true);
        if (value === undefined) return refuseRedirect(ctx, `the redirect's '${arg}' cannot be decoded`);
        values = [value];
      } else continue;
      for (const value of values) {
        const refused = check(value);
        if (refused) return refused;
      }
    }
    return undefined;
  };
}

/**
 * The pattern runs on RE2 (src/patterns/matcher.ts): the target path is the upstream's, and on a backtracking
 * engine `^(.*?)/a/(.+)/b/(.+)/c$` (two multi-segment variables) takes cubic time in it. Made from escaped
 * literals and fixed groups, it is always one RE2 expresses; null (no pattern) refuses every redirect.
 */
type TemplatePattern = { pattern: RegExp | null; groups: Map<string, number> };

/** Each binding's pattern, compiled on its first scoped call and kept as long as the binding. */
const patterns = new WeakMap<HttpBinding, TemplatePattern>();

function templatePatternOf(binding: HttpBinding): TemplatePattern {
  const cached = patterns.get(binding);
  if (cached) return cached;
  const template = templatePattern(binding);
  patterns.set(binding, template);
  return template;
}

/** `^(base)/v1/secrets/(.+)$`: group 1 is the base URL's path, then one group per template variable. */
function templatePattern(binding: HttpBinding): TemplatePattern {
  const groups = new Map<string, number>();
  const multi = new Set(binding.params.filter((p) => p.in === "path" && p.multiSegment).map((p) => p.name));
  let source = "";
  let last = 0;
  for (const match of binding.path.matchAll(/\{([^}]+)\}/g)) {
    source += escapeRegex(binding.path.slice(last, match.index));
    groups.set(match[1]!, groups.size + 2);
    source += multi.has(match[1]!) ? "(.+)" : "([^/]+)";
    last = match.index + match[0].length;
  }
  source += escapeRegex(binding.path.slice(last));
  return { pattern: linearPattern(`^(.*?)${source}$`), groups };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A path variable as the upstream reads it: each segment decoded on its own; a decoded `/` is refused. */
function decodePathValue(raw: string, multiSegment: boolean): string | undefined {
  const segments = multiSegment ? raw.split("/") : [raw];
  const decoded: string[] = [];
  for (const segment of segments) {
    let text: string;
    try {
      text = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (text.includes("/")) return undefined;
    decoded.push(text);
  }
  return decoded.join("/");
}

function refusePathRedirect(ctx: CallContext, what: string): ToolOutcome {
  return refuse(
    ctx,
    { policy: "paths", reason: "redirect outside the scope's reach" },
    `refused by the path policy: ${what}, where the path scope cannot check it; not followed`,
  );
}
