import type { ToolOutcome } from "../catalog.js";
import { setOwn } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import type { KeyPattern } from "../patterns/matcher.js";
import { noteApplied, refuse } from "./decision.js";
import { MASK } from "./mask.js";

/**
 * Secret-like keys, for key/value writes such as setting an app's env vars: keys matching the catalog's
 * pattern (case-insensitive; `API_KEY`, `DB_PASSWORD`, `STRIPE_SECRET`) are refused, so credentials go into a
 * secrets manager rather than into plain config; the values are never echoed: the refusal names keys only, and
 * any value the upstream sends back (in a result or an error) is replaced by the marker.
 *
 * The keys argument may be an object (`{KEY: value}`), or a list of `{key|name, value}` objects or of bare
 * names (e.g. keys to unset). A separate values argument, when the tool has one, only feeds the echo filter.
 */

export interface KeyValues {
  keys: string[];
  values: string[];
}

function pushValue(out: string[], value: unknown): void {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number" || typeof value === "boolean") out.push(String(value));
  else if (value !== null && typeof value === "object") {
    for (const inner of Array.isArray(value) ? value : Object.values(value)) pushValue(out, inner);
  }
}

export function collectKeyValues(keysArg: unknown, valuesArg?: unknown): KeyValues {
  const keys: string[] = [];
  const values: string[] = [];
  if (Array.isArray(keysArg)) {
    for (const item of keysArg) {
      if (typeof item === "string") keys.push(item);
      else if (item !== null && typeof item === "object") {
        const entry = item as Record<string, unknown>;
        const key = entry.key ?? entry.name;
        if (typeof key === "string") keys.push(key);
        pushValue(values, entry.value);
      }
    }
  } else if (keysArg !== null && typeof keysArg === "object") {
    for (const [key, value] of Object.entries(keysArg)) {
      keys.push(key);
      pushValue(values, value);
    }
  } else if (typeof keysArg === "string") {
    keys.push(keysArg);
  }
  if (valuesArg !== undefined) pushValue(values, valuesArg);
  return { keys, values };
}

function printable(key: string): string {
  const clean = key.replace(/[^\w.-]/g, "?");
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/** Replaces every occurrence of the values in strings of `data` (short values are left: they match words). */
export function scrubValues(data: unknown, values: readonly string[]): { data: unknown; count: number } {
  const needles = [...new Set(values.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length);
  let count = 0;
  if (needles.length === 0) return { data, count };
  const scrubText = (text: string): string => {
    let out = text;
    for (const needle of needles) {
      if (out.includes(needle)) {
        count += 1;
        out = out.split(needle).join(MASK);
      }
    }
    return out;
  };
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return scrubText(value);
    if (value === null || typeof value !== "object" || depth > 64) return value;
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, scrubText(key), visit(item, depth + 1));
    return out;
  };
  return { data: visit(data, 0), count };
}

export function secretKeysStep(pattern: KeyPattern): NamedMiddleware {
  return {
    name: "secret-keys",
    idle: (tool) => !tool.policy.secretKeys,
    async run(ctx, next) {
      const spec = ctx.tool.policy.secretKeys;
      if (!spec) return next();
      const { keys, values } = collectKeyValues(
        ctx.args[spec.keysArg],
        spec.valuesArg ? ctx.args[spec.valuesArg] : undefined,
      );
      const flagged = keys.filter((key) => pattern.test(key));
      if (flagged.length > 0) {
        const unique = [...new Set(flagged)];
        // Ten names at most: a caller writing 10,000 such keys got every one of them back.
        const names = unique.slice(0, 10).map(printable);
        if (unique.length > 10) names.push(`and ${unique.length - 10} more`);
        return refuse(
          ctx,
          { policy: "secret-keys", rule: "manifest policy.secret_key_pattern", reason: "secret-like key" },
          `refused by the secret-like key policy: ${names.join(", ")} ${flagged.length === 1 ? "looks" : "look"} like a credential; keep credentials in a secrets manager, or rename the key if it is not one (the pattern is the manifest's policy.secret_key_pattern)`,
        );
      }
      const outcome = await next();
      return scrubOutcome(ctx, outcome, values);
    },
  };

  function scrubOutcome(ctx: Parameters<NamedMiddleware["run"]>[0], outcome: ToolOutcome, values: string[]) {
    const data = scrubValues(outcome.data, values);
    let result = data.count > 0 ? { ...outcome, data: data.data } : outcome;
    if (outcome.error) {
      const message = scrubValues(outcome.error.message, values);
      if (message.count > 0)
        result = { ...result, error: { ...outcome.error, message: message.data as string } };
    }
    if (data.count > 0) noteApplied(ctx, "secret-keys:values-scrubbed");
    return result;
  }
}
