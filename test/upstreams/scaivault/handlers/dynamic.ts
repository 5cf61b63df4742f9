import { type Ctx, created, type Handler, ok } from "../context.js";
import { conflict, notFound, unprocessable } from "../errors.js";
import type { EngineRec, LeaseRec, TenantState } from "../state.js";
import { compact, durationSeconds, iso, newId, paginate, randomString } from "../util.js";

const URL_SCHEMES: Record<string, string> = {
  postgres: "postgresql",
  mysql: "mysql",
  mssql: "sqlserver",
  mongodb: "mongodb",
  redis: "redis",
};

export function leaseView(lease: LeaseRec, now: number) {
  return {
    lease_id: lease.lease_id,
    engine: lease.engine,
    role: lease.role,
    username: lease.username,
    ttl_seconds: Math.max(0, Math.floor((lease.expires_at - now) / 1000)),
    issued_at: iso(lease.issued_at),
    expires_at: iso(lease.expires_at),
    max_expires_at: iso(lease.max_expires_at),
    renewable: lease.expires_at < lease.max_expires_at,
    renewal_count: lease.renewal_count,
  };
}

/** Leases past their expiry are gone, as the database users they held are. */
export function activeLeases(tenant: TenantState, now: number): LeaseRec[] {
  for (const [id, lease] of tenant.leases) if (lease.expires_at <= now) tenant.leases.delete(id);
  return [...tenant.leases.values()].sort((a, b) => a.expires_at - b.expires_at);
}

function engineOf(ctx: Ctx): EngineRec {
  const name = ctx.params.engine!;
  ctx.audit.resource = name;
  const engine = ctx.tenant.engines.get(name);
  if (!engine) throw notFound(`Dynamic secret engine '${name}'`);
  return engine;
}

function engineView(tenant: TenantState, rec: EngineRec) {
  const roles = [...tenant.roles.values()].filter((r) => r.engine === rec.view.name).length;
  return { ...rec.view, role_count: roles };
}

function leaseOf(ctx: Ctx): LeaseRec {
  const id = ctx.params.lease_id!;
  ctx.audit.resource = id;
  const lease = activeLeases(ctx.tenant, ctx.now).find((l) => l.lease_id === id);
  if (!lease) throw notFound(`Lease '${id}'`);
  return lease;
}

function checkTtls(defaultTtl: string, maxTtl: string, ceiling?: string): void {
  if (durationSeconds(defaultTtl) > durationSeconds(maxTtl)) {
    throw unprocessable("invalid_ttl", `default_ttl ${defaultTtl} is longer than max_ttl ${maxTtl}.`);
  }
  if (ceiling && durationSeconds(maxTtl) > durationSeconds(ceiling)) {
    throw unprocessable("invalid_ttl", `max_ttl ${maxTtl} is longer than the engine's max_ttl ${ceiling}.`);
  }
}

export const listDynamicEngines: Handler = (ctx) =>
  ok(
    paginate(
      [...ctx.tenant.engines.values()].map((e) => engineView(ctx.tenant, e)),
      ctx.query,
    ),
  );

export const getDynamicEngine: Handler = (ctx) => ok(engineView(ctx.tenant, engineOf(ctx)));

export const createDynamicEngine: Handler = (ctx) => {
  const b = ctx.body;
  if (ctx.tenant.engines.has(b.name)) throw conflict("already_exists", `An engine named '${b.name}' exists.`);
  const defaultTtl = b.default_ttl ?? "1h";
  const maxTtl = b.max_ttl ?? "24h";
  checkTtls(defaultTtl, maxTtl);
  const { password, ...connection } = b.connection;
  const view = compact({
    name: b.name,
    type: b.type,
    description: b.description,
    connection: { tls: true, ...connection },
    default_ttl: defaultTtl,
    max_ttl: maxTtl,
    status: "connected",
    created_at: iso(ctx.now),
  });
  ctx.tenant.engines.set(b.name, { view, password });
  ctx.audit.resource = b.name;
  return created(engineView(ctx.tenant, { view, password }));
};

export const listDynamicRoles: Handler = (ctx) => {
  const engine = engineOf(ctx);
  const items = [...ctx.tenant.roles.values()].filter((r) => r.engine === engine.view.name);
  return ok(paginate(items, ctx.query));
};

export const createDynamicRole: Handler = (ctx) => {
  const engine = engineOf(ctx);
  const b = ctx.body;
  const key = `${engine.view.name}/${b.name}`;
  if (ctx.tenant.roles.has(key))
    throw conflict("already_exists", `Engine '${engine.view.name}' has a role '${b.name}'.`);
  const defaultTtl = b.default_ttl ?? engine.view.default_ttl;
  const maxTtl = b.max_ttl ?? engine.view.max_ttl;
  checkTtls(defaultTtl, maxTtl, engine.view.max_ttl);
  const role = compact({
    name: b.name,
    engine: engine.view.name,
    description: b.description,
    creation_statements: b.creation_statements,
    revocation_statements: b.revocation_statements,
    default_ttl: defaultTtl,
    max_ttl: maxTtl,
    created_at: iso(ctx.now),
  });
  ctx.tenant.roles.set(key, role);
  ctx.audit.resource = key;
  return created(role);
};

export const generateCredentials: Handler = (ctx) => {
  const engine = engineOf(ctx);
  const role = ctx.tenant.roles.get(`${engine.view.name}/${ctx.params.role}`);
  ctx.audit.resource = `${engine.view.name}/${ctx.params.role}`;
  if (!role) throw notFound(`Role '${ctx.params.role}' of engine '${engine.view.name}'`);
  const ttl: string = ctx.body?.ttl ?? role.default_ttl;
  if (durationSeconds(ttl) > durationSeconds(role.max_ttl)) {
    throw unprocessable("ttl_exceeds_max", `ttl ${ttl} is longer than the role's max_ttl ${role.max_ttl}.`);
  }
  const username = `v_${role.name.replace(/-/g, "_")}_${randomString(8, "abcdefghijklmnopqrstuvwxyz0123456789")}`;
  const password = randomString(28);
  const lease: LeaseRec = {
    lease_id: newId("lease"),
    engine: engine.view.name,
    role: role.name,
    username,
    issued_at: ctx.now,
    expires_at: ctx.now + durationSeconds(ttl) * 1000,
    max_expires_at: ctx.now + durationSeconds(role.max_ttl) * 1000,
    renewal_count: 0,
  };
  ctx.tenant.leases.set(lease.lease_id, lease);
  ctx.audit.resource = lease.lease_id;
  const c = engine.view.connection;
  const scheme = URL_SCHEMES[engine.view.type] ?? engine.view.type;
  const db = c.database ? `/${encodeURIComponent(c.database)}` : "";
  return created({
    ...leaseView(lease, ctx.now),
    data: {
      username,
      password,
      connection_url: `${scheme}://${username}:${encodeURIComponent(password)}@${c.host}:${c.port}${db}`,
    },
  });
};

export const listLeases: Handler = (ctx) => {
  const items = activeLeases(ctx.tenant, ctx.now)
    .filter(
      (l) =>
        (ctx.query.engine === undefined || l.engine === ctx.query.engine) &&
        (ctx.query.role === undefined || l.role === ctx.query.role),
    )
    .map((l) => leaseView(l, ctx.now));
  return ok(paginate(items, ctx.query));
};

export const renewLease: Handler = (ctx) => {
  const lease = leaseOf(ctx);
  if (lease.expires_at >= lease.max_expires_at) {
    throw conflict(
      "lease_at_max_ttl",
      `Lease '${lease.lease_id}' is at its maximum TTL; generate new credentials.`,
    );
  }
  const role = ctx.tenant.roles.get(`${lease.engine}/${lease.role}`);
  const increment: string = ctx.body?.increment ?? role?.default_ttl ?? "1h";
  lease.expires_at = Math.min(ctx.now + durationSeconds(increment) * 1000, lease.max_expires_at);
  lease.renewal_count += 1;
  return ok(leaseView(lease, ctx.now));
};

export const revokeLease: Handler = (ctx) => {
  const lease = leaseOf(ctx);
  ctx.tenant.leases.delete(lease.lease_id);
  return ok({ lease_id: lease.lease_id, revoked: true, revoked_at: iso(ctx.now) });
};

export const checkExpiringLeases: Handler = (ctx) => {
  const horizon = ctx.now + durationSeconds(ctx.query.within) * 1000;
  const items = activeLeases(ctx.tenant, ctx.now)
    .filter((l) => l.expires_at <= horizon)
    .map((l) => leaseView(l, ctx.now));
  return ok({ as_of: iso(ctx.now), within: ctx.query.within, ...paginate(items, ctx.query) });
};
