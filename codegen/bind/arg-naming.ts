import type { ArgumentNaming } from "../ir/types.js";
import type { Manifest } from "../manifest/types.js";
import { asciiAny, snakeCase } from "../plan/names.js";

/**
 * Argument naming rules: how the names an API gives its parameters, body fields and GraphQL variables become
 * tool argument names. `as_is` keeps them (the default); `snake_case` and `camelCase` rewrite them, so a catalog can
 * offer one consistent surface (the Scaly seed's `plan_hash`, `operation_id`) over an API that names things its
 * own way. The binding keeps each argument's wire name, and the executors send that name, so a rule changes only
 * what an agent sees. An explicit `args: { <wire>: { rename } }` always wins over the rule.
 */

export const ARGUMENT_NAMINGS = ["as_is", "snake_case", "camelCase"] as const;

/** The rule for tools bound to `sourceId`: the source's own, else the catalog's, else `as_is`. */
export function argumentNamingOf(manifest: Manifest, sourceId: string | undefined): ArgumentNaming {
  const own = sourceId !== undefined ? manifest.sources?.[sourceId]?.naming?.arguments : undefined;
  return own ?? manifest.naming?.arguments ?? "as_is";
}

/** `appId` -> `app_id` (snake_case), `plan_hash` -> `planHash` (camelCase); `as_is` returns the name. */
export function applyArgumentNaming(name: string, rule: ArgumentNaming): string {
  if (rule === "as_is") return name;
  // A name in another script is spelled in ASCII first (`名前` -> `ming_qian`), as safeArgName spells it.
  const snake = snakeCase(asciiAny(name));
  if (snake === "") return name;
  if (rule === "snake_case") return snake;
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Whether a hand-written argument name already follows the rule (handler inputs are named by their author). */
export function followsArgumentNaming(name: string, rule: ArgumentNaming): boolean {
  return applyArgumentNaming(name, rule) === name;
}
