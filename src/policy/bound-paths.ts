import type { CatalogTool, HttpParam, ToolOutcome } from "../catalog.js";
import type { CallContext } from "../chain.js";
import { refuse } from "./decision.js";
import { isPathLikeName } from "./path-args.js";
import { checkPath, formatPrefix, parsePath } from "./path-match.js";
import type { PolicySettings } from "./settings.js";

/**
 * Path-like parameters the operator binds to an env variable (`args: { path: { env } }`, `param_env`): no client
 * argument, so the path scope never saw them, and while a list was set the bound path was sent whatever it named
 * (a denied prefix, one outside the allowed ones). Named like a path by the rule `pathLikeArgs` uses for arguments
 * (`path`, `prefix`, `folder`, ...; not a bare `key`), each bound value is judged as the client's would be, as one
 * path.
 */

/** `key` and `keys` name paths in object stores, but a bound one is a credential (Google's `?key=`, `param_env`). */
const CREDENTIAL = /^keys?$/i;

const bound = new WeakMap<CatalogTool, readonly HttpParam[]>();

/** A tool's path-like parameters sent from env variables, found on its first call. */
function boundPathParams(tool: CatalogTool): readonly HttpParam[] {
  let found = bound.get(tool);
  if (!found) {
    found =
      tool.binding.kind === "http"
        ? tool.binding.params.filter(
            (p) =>
              p.env !== undefined &&
              !CREDENTIAL.test(p.name) &&
              (isPathLikeName(p.name) || isPathLikeName(p.arg)),
          )
        : [];
    bound.set(tool, found);
  }
  return found;
}

/**
 * While a path list is set: the refusal of a call whose bound path-like parameter holds a path the scope does not
 * allow (or cannot read as plain segments), naming the parameter, its variable and the list, never the value. An
 * unset variable is left to the executor, which names it.
 */
export function checkBoundPaths(
  ctx: CallContext,
  settings: PolicySettings,
  envText: (name: string) => string | undefined,
): ToolOutcome | undefined {
  for (const param of boundPathParams(ctx.tool)) {
    const value = envText(param.env!);
    if (value === undefined) continue;
    const sent = `the ${param.in} parameter ${param.name} is sent from ${param.env}, whose value`;
    const parsed = parsePath(value);
    if (!parsed.ok)
      return refuse(
        ctx,
        { policy: "paths", rule: param.env!, reason: "ambiguous bound path" },
        `refused by the path policy: ${sent} ${parsed.problem}; set ${param.env} to plain segments separated by single '/'`,
      );
    const verdict = checkPath(parsed.segments, settings.scope);
    if (verdict.ok) continue;
    const allow = verdict.by === "allow";
    const rule =
      (allow ? settings.allowEnv : settings.denyEnv) ?? `the ${allow ? "allowed" : "denied"} paths`;
    const why =
      verdict.by === "deny"
        ? `is under the denied prefix ${formatPrefix(verdict.prefix)}`
        : verdict.by === "allow"
          ? "is outside the allowed prefixes"
          : verdict.by === "case"
            ? "holds a letter whose upper and lower case do not map one to one (such as ß, İ or ı)"
            : "has a segment Windows reads as another name";
    return refuse(
      ctx,
      { policy: "paths", rule, reason: `bound path ${allow ? "outside allowed prefixes" : "denied"}` },
      `refused by ${rule}: ${sent} ${why}; set ${param.env} to a path the scope allows, or change ${rule}`,
    );
  }
  return undefined;
}
