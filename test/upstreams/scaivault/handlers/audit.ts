import { type Ctx, type Handler, ok } from "../context.js";
import { ApiError } from "../errors.js";
import type { AuditEventRec } from "../state.js";
import { compact, DAY, iso, paginate, underPrefix } from "../util.js";

function windowOf(ctx: Ctx, defaultSpan: number): { since: number; until: number } {
  // The default end is exclusive like any other, so it sits just after now to include this millisecond.
  const until = ctx.query.until ? Date.parse(ctx.query.until) : ctx.now + 1;
  const since = ctx.query.since ? Date.parse(ctx.query.since) : until - defaultSpan;
  if (since >= until) throw new ApiError(422, "invalid_window", "since must be before until.");
  return { since, until };
}

function inWindow(ctx: Ctx, span: number): { since: number; until: number; events: AuditEventRec[] } {
  const w = windowOf(ctx, span);
  const events = ctx.tenant.audit.filter((e) => {
    const t = Date.parse(e.time);
    return t >= w.since && t < w.until;
  });
  return { ...w, events };
}

/** Newest first; events of the same millisecond in reverse order of recording (the log is append-only). */
function newestFirst(events: AuditEventRec[]): AuditEventRec[] {
  return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time)).reverse();
}

export const queryAudit: Handler = (ctx) => {
  const q = ctx.query;
  const { since, until, events } = inWindow(ctx, DAY);
  const items = events
    .filter((e) => q.actor === undefined || e.actor === q.actor)
    .filter((e) => q.action === undefined || e.action === q.action)
    .filter((e) => q.outcome === undefined || e.outcome === q.outcome)
    .filter(
      (e) => q.path_prefix === undefined || (e.path !== undefined && underPrefix(e.path, q.path_prefix)),
    );
  newestFirst(items);
  if (q.order === "asc") items.reverse();
  return ok({ since: iso(since), until: iso(until), ...paginate(items, q) });
};

function counts(events: AuditEventRec[], key: (e: AuditEventRec) => string | undefined, top?: number) {
  const map = new Map<string, { key: string; total: number; denied: number }>();
  for (const e of events) {
    const k = key(e);
    if (k === undefined) continue;
    const c = map.get(k) ?? { key: k, total: 0, denied: 0 };
    c.total++;
    if (e.outcome === "denied") c.denied++;
    map.set(k, c);
  }
  const sorted = [...map.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  return top === undefined ? sorted : sorted.slice(0, top);
}

export const auditSummary: Handler = (ctx) => {
  const { since, until, events } = inWindow(ctx, DAY);
  const by_outcome = { success: 0, denied: 0, error: 0 };
  for (const e of events) by_outcome[e.outcome]++;
  return ok({
    since: iso(since),
    until: iso(until),
    total: events.length,
    by_outcome,
    by_action: counts(events, (e) => e.action),
    top_actors: counts(events, (e) => e.actor, ctx.query.top),
    top_paths: counts(events, (e) => e.path, ctx.query.top),
  });
};

export const secretAuditTrail: Handler = (ctx) => {
  const path = ctx.params.path!;
  ctx.audit.resource = path;
  const { since, until, events } = inWindow(ctx, 30 * DAY);
  const items = newestFirst(events.filter((e) => e.path === path));
  return ok({ path, since: iso(since), until: iso(until), ...paginate(items, ctx.query) });
};

export const findUnauthorizedAccess: Handler = (ctx) => {
  const q = ctx.query;
  const { since, until, events } = inWindow(ctx, DAY);
  const denied = events
    .filter((e) => e.outcome === "denied")
    .filter((e) => q.actor === undefined || e.actor === q.actor)
    .filter(
      (e) => q.path_prefix === undefined || (e.path !== undefined && underPrefix(e.path, q.path_prefix)),
    )
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  const groups = new Map<string, AuditEventRec[]>();
  for (const e of denied) {
    const target = e.path ?? (e.resource ? `${e.resource_type}:${e.resource}` : e.action);
    const key = `${e.actor}\u0000${target}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const items = [...groups.entries()]
    .map(([key, list]) => {
      const first = list[0]!;
      const scopes = [
        ...new Set(list.map((e) => e.required_scope).filter((s): s is string => s !== undefined)),
      ];
      return compact({
        actor: first.actor,
        target: key.split("\u0000")[1]!,
        path: first.path,
        attempts: list.length,
        first_at: first.time,
        last_at: list[list.length - 1]!.time,
        reasons: [...new Set(list.map((e) => e.reason ?? "denied"))],
        required_scopes: scopes.length > 0 ? scopes : undefined,
        event_ids: list.map((e) => e.id),
      });
    })
    .filter((f) => f.attempts >= (q.min_attempts ?? 1))
    .sort((a, b) => b.attempts - a.attempts || Date.parse(b.last_at) - Date.parse(a.last_at));
  return ok({ since: iso(since), until: iso(until), total_denied: denied.length, ...paginate(items, q) });
};
