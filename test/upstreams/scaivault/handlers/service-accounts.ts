import { type Ctx, created, type Handler, ok } from "../context.js";
import { notFound, unprocessable } from "../errors.js";
import { compact, durationSeconds, iso, newId, paginate, randomString } from "../util.js";
import { nameTaken } from "./policies.js";

function account(ctx: Ctx): Record<string, any> {
  const id = ctx.params.account_id!;
  ctx.audit.resource = id;
  const sa = ctx.tenant.serviceAccounts.get(id);
  if (!sa) throw notFound(`Service account '${id}'`);
  return sa;
}

function withKeyCount(ctx: Ctx, sa: Record<string, any>) {
  const count = [...ctx.tenant.apiKeys.values()].filter((k) => k.view.service_account_id === sa.id).length;
  return { ...sa, api_key_count: count };
}

export const listServiceAccounts: Handler = (ctx) =>
  ok(
    paginate(
      [...ctx.tenant.serviceAccounts.values()].map((sa) => withKeyCount(ctx, sa)),
      ctx.query,
    ),
  );

export const getServiceAccount: Handler = (ctx) => ok(withKeyCount(ctx, account(ctx)));

export const createServiceAccount: Handler = (ctx) => {
  const b = ctx.body;
  nameTaken(ctx.tenant.serviceAccounts.values(), b.name);
  const at = iso(ctx.now);
  const sa = compact({
    id: newId("sa"),
    name: b.name,
    subject: `sa:${b.name}`,
    description: b.description,
    scopes: b.scopes,
    disabled: false,
    created_at: at,
    updated_at: at,
  });
  ctx.tenant.serviceAccounts.set(sa.id, sa);
  ctx.audit.resource = sa.id;
  return created(withKeyCount(ctx, sa));
};

export const updateServiceAccount: Handler = (ctx) => {
  const sa = account(ctx);
  for (const key of ["description", "scopes", "disabled"] as const) {
    if (ctx.body[key] !== undefined) sa[key] = ctx.body[key];
  }
  sa.updated_at = iso(ctx.now);
  return ok(withKeyCount(ctx, sa));
};

export const deleteServiceAccount: Handler = (ctx) => {
  const sa = account(ctx);
  for (const [id, key] of ctx.tenant.apiKeys)
    if (key.view.service_account_id === sa.id) ctx.tenant.apiKeys.delete(id);
  ctx.tenant.serviceAccounts.delete(sa.id);
  return ok({ id: sa.id, deleted: true, deleted_at: iso(ctx.now) });
};

export const createApiKey: Handler = (ctx) => {
  const sa = account(ctx);
  const b = ctx.body;
  const scopes: string[] = b.scopes ?? sa.scopes;
  const extra = scopes.filter((s) => !sa.scopes.includes(s));
  if (extra.length > 0) {
    throw unprocessable("scope_not_granted", `The account does not hold: ${extra.join(", ")}.`);
  }
  const key = `scai_live_${randomString(40)}`;
  const view = compact({
    id: newId("key"),
    service_account_id: sa.id,
    name: b.name,
    prefix: key.slice(0, 14),
    scopes,
    expires_at: b.ttl ? iso(ctx.now + durationSeconds(b.ttl) * 1000) : undefined,
    created_at: iso(ctx.now),
  });
  ctx.tenant.apiKeys.set(view.id, { view, key });
  ctx.audit.resource = view.id;
  return created({ ...view, key });
};

export const listApiKeys: Handler = (ctx) => {
  const sa = account(ctx);
  const items = [...ctx.tenant.apiKeys.values()]
    .filter((k) => k.view.service_account_id === sa.id)
    .map((k) => k.view);
  return ok(paginate(items, ctx.query));
};

export const deleteApiKey: Handler = (ctx) => {
  const sa = account(ctx);
  const id = ctx.params.key_id!;
  ctx.audit.resource = id;
  const key = ctx.tenant.apiKeys.get(id);
  if (!key || key.view.service_account_id !== sa.id) throw notFound(`API key '${id}' of '${sa.id}'`);
  ctx.tenant.apiKeys.delete(id);
  return ok({ id, deleted: true, deleted_at: iso(ctx.now) });
};
