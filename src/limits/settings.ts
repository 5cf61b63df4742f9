import { type CatalogDocument, parseRate, type Rate, type RateLimitConfig } from "../catalog.js";
import { type Config, ConfigError } from "../config/config.js";

/**
 * The limits in force: the manifest's, with each env override applied (`100/1m` replaces a rate, `off` lifts it;
 * an integer replaces a concurrency, 0 lifts it). A malformed override stops the server at start.
 */

export interface LimitRule {
  /** What the message names: `per caller`, `for scaivault_read_secret`, `for source vault`. */
  scope: "principal" | "tool" | "source";
  rate: Rate;
  /** Where the rate came from, e.g. `SCAIVAULT_RATE_LIMIT=100/1m` or `manifest limits.tools.*`. */
  rule: string;
}

export interface LimitSettings {
  principal?: LimitRule;
  tools: Map<string, LimitRule>;
  /** For tools without an entry of their own. */
  anyTool?: LimitRule;
  sources: Map<string, LimitRule>;
  concurrency: Map<string, number>;
}

export function resolveLimits(doc: CatalogDocument, config: Config): LimitSettings {
  const limits = doc.limits;
  const settings: LimitSettings = { tools: new Map(), sources: new Map(), concurrency: new Map() };
  if (!limits) return settings;
  const problems: string[] = [];
  const rule = (scope: LimitRule["scope"], spec: RateLimitConfig, where: string): LimitRule | undefined => {
    const override = spec.env === undefined ? undefined : config.get(spec.env);
    if (typeof override === "string" && override.trim() !== "") {
      if (override.trim().toLowerCase() === "off") return undefined;
      const rate = parseRate(override);
      if (rate) return { scope, rate, rule: `${spec.env}=${override.trim()}` };
      problems.push(`${spec.env}: expected <calls>/<window> such as 100/1m, or off`);
      return undefined;
    }
    return spec.rate ? { scope, rate: spec.rate, rule: `manifest ${where}` } : undefined;
  };
  if (limits.principal) {
    const found = rule("principal", limits.principal, "limits.principal");
    if (found) settings.principal = found;
  }
  const anySpec = limits.tools["*"];
  const list = anySpec && perToolOverride(anySpec, config);
  for (const [name, spec] of Object.entries(limits.tools)) {
    // With a list, the "*" entry keeps the manifest's rate unless the list names `*`.
    const found = rule("tool", name === "*" && list ? { rate: spec.rate } : spec, `limits.tools.${name}`);
    if (!found) continue;
    if (name === "*") settings.anyTool = found;
    else settings.tools.set(name, found);
  }
  // Applied last: the list's entries win over the manifest's own per-tool rates.
  if (list) applyPerTool(settings, list, anySpec.env!, doc, problems);
  for (const [id, spec] of Object.entries(limits.sources)) {
    const found = rule("source", spec, `limits.sources.${id}`);
    if (found) settings.sources.set(id, found);
    const override = spec.concurrencyEnv === undefined ? undefined : config.get(spec.concurrencyEnv);
    const concurrency = typeof override === "number" ? override : spec.concurrency;
    if (typeof override === "number" && override < 0) {
      problems.push(`${spec.concurrencyEnv}: expected 0 (no limit) or more`);
    } else if (concurrency !== undefined && concurrency > 0) settings.concurrency.set(id, concurrency);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/**
 * The `"*"` entry's env may also name tools one by one, `tool=rate` pairs separated by commas (`*=rate` for every
 * other tool, `off` to lift one): `APP_TOOL_RATE_LIMIT=app_delete_thing=10/1m,*=300/1m`. An operator limits the
 * costly tools at deployment without a manifest change. The value, when it is such a list.
 */
function perToolOverride(spec: RateLimitConfig, config: Config): string | undefined {
  const value = spec.env === undefined ? undefined : config.get(spec.env);
  return typeof value === "string" && value.includes("=") ? value : undefined;
}

function applyPerTool(
  settings: LimitSettings,
  list: string,
  env: string,
  doc: CatalogDocument,
  problems: string[],
): void {
  const known = new Set(doc.tools?.map((tool) => tool.name) ?? []);
  for (const entry of list.split(",")) {
    if (entry.trim() === "") continue;
    const [rawName = "", rawRate = ""] = entry.split("=", 2);
    const name = rawName.trim();
    const text = rawRate.trim();
    if (name !== "*" && !known.has(name)) {
      problems.push(
        `${env}: no tool named ${JSON.stringify(name)} in this catalog (expected tool=rate, ...)`,
      );
      continue;
    }
    const rate = text.toLowerCase() === "off" ? null : parseRate(text);
    if (rate === undefined) {
      problems.push(`${env}: ${name}: expected <calls>/<window> such as 100/1m, or off`);
      continue;
    }
    const found = rate && { scope: "tool" as const, rate, rule: `${env}: ${name}=${text}` };
    if (name === "*") settings.anyTool = found || undefined;
    else if (found) settings.tools.set(name, found);
    else settings.tools.delete(name);
  }
}

/** Whether any rate limit is in force (and so the state store is needed). */
export function hasRateLimits(settings: LimitSettings): boolean {
  return (
    settings.principal !== undefined ||
    settings.anyTool !== undefined ||
    settings.tools.size > 0 ||
    settings.sources.size > 0
  );
}
