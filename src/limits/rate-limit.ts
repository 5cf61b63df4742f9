import type { CatalogTool, ToolOutcome } from "../catalog.js";
import type { CallContext, NamedMiddleware } from "../chain.js";
import { STATE_UNAVAILABLE } from "../policy/confirm.js";
import { callerDigest } from "../policy/confirm-token.js";
import { refuse } from "../policy/decision.js";
import type { Lock } from "../policy/settings.js";
import type { StateStore } from "../state/index.js";
import { metrics } from "../telemetry/metrics.js";
import type { LimitRule, LimitSettings } from "./settings.js";

/**
 * Rate limits as fixed windows counted in the state store (one atomic increment per limit, so every replica
 * sharing the store counts the same calls): at most `calls` calls in each `perSeconds`-second window, the
 * windows aligned to the clock. A call is counted against every limit that applies to it (its caller's, its
 * tool's, its source's); the first one over its bound refuses it, with the seconds until its window ends.
 *
 * The caller's limit counts the calls a client makes (not those a handler makes on its behalf); tool and source
 * limits count every call of the tool or to the source. Calls are counted before confirmation, so a refusal
 * never spends a confirmation token. The store unavailable, a call that has a limit is refused (fail closed).
 */

export const RATE_LIMITED = "rate_limited";

const crypto = () => process.getBuiltinModule("node:crypto");

interface Applied {
  rule: LimitRule;
  /** Counter key without the window. */
  key: string;
  /** Named in the message. */
  what: string;
}

/** The source a tool's calls reach, when its binding has one. */
export function sourceOf(tool: CatalogTool): string | undefined {
  return tool.binding.kind === "custom" ? undefined : tool.binding.source;
}

/** Whether a tool's calls count against a limit of its own or of its source (a caller's limit aside). */
function anyLimitOf(tool: CatalogTool, settings: LimitSettings): boolean {
  const source = sourceOf(tool);
  return (
    (settings.tools.get(tool.name) ?? settings.anyTool) !== undefined ||
    (source !== undefined && settings.sources.get(source) !== undefined)
  );
}

function applicable(ctx: CallContext, settings: LimitSettings, namespace: string): Applied[] {
  const out: Applied[] = [];
  if (settings.principal && ctx.depth === 0) {
    const who = callerDigest(ctx.client.principal).slice(0, 22);
    out.push({ rule: settings.principal, key: `${namespace}:rate:principal:${who}`, what: "per caller" });
  }
  const tool = settings.tools.get(ctx.tool.name) ?? settings.anyTool;
  if (tool) {
    out.push({ rule: tool, key: `${namespace}:rate:tool:${ctx.tool.name}`, what: `for ${ctx.tool.name}` });
  }
  const source = sourceOf(ctx.tool);
  const sourceRule = source === undefined ? undefined : settings.sources.get(source);
  if (source !== undefined && sourceRule) {
    out.push({
      rule: sourceRule,
      key: `${namespace}:rate:source:${source}`,
      what: `for the ${source} upstream`,
    });
  }
  return out;
}

/**
 * The counters' namespace in the store: the catalog's name, and when the server is locked to a tenant or a partner,
 * a digest of the lock (deployments of one catalog for two tenants sharing a Redis count apart; the value, which may
 * hold any character, never becomes part of a key). Without a lock it is the catalog's name alone, as before.
 */
export function counterNamespace(catalog: string, locks: { tenant?: Lock; partner?: Lock } = {}): string {
  if (!locks.tenant && !locks.partner) return catalog;
  const digest = crypto()
    .createHash("sha256")
    .update(
      `toolwright limits v1\u0000${JSON.stringify([locks.tenant?.value ?? null, locks.partner?.value ?? null])}`,
    )
    .digest("base64url")
    .slice(0, 22);
  return `${catalog}:lock:${digest}`;
}

function windowOf(rate: LimitRule["rate"], now: number): { start: number; end: number } {
  const length = rate.perSeconds * 1000;
  const start = Math.floor(now / length) * length;
  return { start, end: start + length };
}

function describeRate({ calls, perSeconds }: LimitRule["rate"]): string {
  const window =
    perSeconds % 3600 === 0
      ? `${perSeconds / 3600} h`
      : perSeconds % 60 === 0
        ? `${perSeconds / 60} min`
        : `${perSeconds} s`;
  return `${calls} calls per ${window}`;
}

export function rateLimitStep(
  settings: LimitSettings,
  store: StateStore,
  namespace: string,
  now: () => number = store.clock ?? Date.now,
): NamedMiddleware {
  return {
    name: "rate-limit",
    idle: (tool) => !settings.principal && !anyLimitOf(tool, settings),
    async run(ctx, next) {
      const limits = applicable(ctx, settings, namespace);
      if (limits.length === 0) return next();
      const at = now();
      const windows = limits.map((limit) => windowOf(limit.rule.rate, at));
      let counts: number[];
      try {
        counts = await store.add(
          limits.map((limit, i) => ({
            key: `${limit.key}:${windows[i]!.start}`,
            expiresAt: windows[i]!.end,
          })),
        );
      } catch {
        metrics.rateLimited.inc({ scope: "store", tool: ctx.tool.name });
        return refuse(
          ctx,
          { policy: "rate-limit", reason: "state store unavailable" },
          `refused by rate limiting: the limits of ${ctx.calledAs} cannot be counted right now (the shared state store is unavailable); nothing was sent upstream. Retry in a few seconds.`,
          STATE_UNAVAILABLE,
          { retry_after_seconds: 1 },
        );
      }
      const over = limits.findIndex((limit, i) => counts[i]! > limit.rule.rate.calls);
      if (over === -1) return next();
      return refuseOver(ctx, limits[over]!, windows[over]!.end - at);
    },
  };
}

function refuseOver(ctx: CallContext, limit: Applied, waitMs: number): ToolOutcome {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  metrics.rateLimited.inc({ scope: limit.rule.scope, tool: ctx.tool.name });
  return refuse(
    ctx,
    { policy: "rate-limit", rule: limit.rule.rule, reason: `over the ${limit.rule.scope} limit` },
    `rate limited: at most ${describeRate(limit.rule.rate)} ${limit.what} (${limit.rule.rule}); nothing was sent upstream. Retry after ${seconds} s.`,
    RATE_LIMITED,
    { retry_after_seconds: seconds, limit: limit.rule.scope },
  );
}
