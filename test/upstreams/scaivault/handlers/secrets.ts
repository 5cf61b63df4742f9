import { authorizePath, mayAccess } from "../access.js";
import { type Ctx, created, type Handler, ok } from "../context.js";
import { conflict, notFound, unprocessable } from "../errors.js";
import { generate } from "../generate.js";
import type { SecretRec, SecretVersionRec, TenantState } from "../state.js";
import { compact, durationSeconds, iso, paginate, underPrefix } from "../util.js";

export function current(rec: SecretRec): SecretVersionRec {
  return rec.versions[rec.versions.length - 1]!;
}

export function secretMetadata(tenant: TenantState, rec: SecretRec, version = current(rec)) {
  const latest = current(rec);
  return compact({
    path: rec.path,
    tenant: tenant.id,
    version: version.version,
    description: rec.description,
    tags: rec.tags,
    content_type: rec.content_type,
    expires_at: version.expires_at,
    secret_policy_id: rec.secret_policy_id,
    rotation_policy_id: rec.rotation_policy_id,
    last_rotated_at: rec.last_rotated_at,
    created_at: rec.created_at,
    updated_at: latest.created_at,
    created_by: rec.created_by,
    updated_by: latest.created_by,
  });
}

/** The value of a structured secret is the JSON of its data, keys sorted, so it is stable. */
export function storedValue(value: string | undefined, data: Record<string, string> | undefined): string {
  if (value !== undefined) return value;
  const sorted = Object.fromEntries(Object.entries(data ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(sorted);
}

function secretAt(ctx: Ctx, action: string): { path: string; rec: SecretRec } {
  const path = ctx.params.path!;
  ctx.audit.path = path;
  ctx.audit.resource = path;
  authorizePath(ctx.tenant, ctx.principal, path, action);
  const rec = ctx.tenant.secrets.get(path);
  if (!rec) throw notFound(`Secret '${path}'`);
  return { path, rec };
}

const visible = (ctx: Ctx, path: string) =>
  mayAccess(ctx.tenant, ctx.principal, path, "list") || mayAccess(ctx.tenant, ctx.principal, path, "read");

export const readSecret: Handler = (ctx) => {
  const { rec } = secretAt(ctx, "read");
  const version =
    ctx.query.version === undefined
      ? current(rec)
      : rec.versions.find((v) => v.version === ctx.query.version);
  if (!version) throw notFound(`Version ${ctx.query.version} of '${rec.path}'`);
  return ok(
    compact({ ...secretMetadata(ctx.tenant, rec, version), value: version.value, data: version.data }),
  );
};

export const writeSecret: Handler = (ctx) => {
  const path = ctx.params.path!;
  ctx.audit.path = path;
  ctx.audit.resource = path;
  authorizePath(ctx.tenant, ctx.principal, path, "write");
  const b = ctx.body;
  const existing = ctx.tenant.secrets.get(path);
  const currentVersion = existing ? current(existing).version : 0;
  if (b.cas !== undefined && b.cas !== currentVersion) {
    throw conflict("version_conflict", `cas=${b.cas} but the current version is ${currentVersion}.`);
  }
  if (b.value === undefined && b.data === undefined) {
    throw unprocessable("missing_value", "Give the secret's value, its data, or both.");
  }
  if (b.ttl !== undefined && b.expires_at !== undefined) {
    throw unprocessable("conflicting_fields", "Give either ttl or expires_at, not both.");
  }
  if (b.secret_policy_id && !ctx.tenant.secretPolicies.has(b.secret_policy_id)) {
    throw unprocessable("unknown_reference", `secret_policy_id '${b.secret_policy_id}' does not exist.`);
  }
  if (b.rotation_policy_id && !ctx.tenant.rotationPolicies.has(b.rotation_policy_id)) {
    throw unprocessable("unknown_reference", `rotation_policy_id '${b.rotation_policy_id}' does not exist.`);
  }
  const at = iso(ctx.now);
  const rec: SecretRec = existing ?? {
    path,
    tags: [],
    created_at: at,
    created_by: ctx.principal.subject,
    versions: [],
  };
  for (const key of [
    "description",
    "tags",
    "content_type",
    "secret_policy_id",
    "rotation_policy_id",
  ] as const) {
    if (b[key] !== undefined) (rec as any)[key] = b[key];
  }
  rec.versions.push(
    compact({
      version: currentVersion + 1,
      value: storedValue(b.value, b.data),
      data: b.data,
      created_at: at,
      created_by: ctx.principal.subject,
      expires_at: b.ttl ? iso(ctx.now + durationSeconds(b.ttl) * 1000) : b.expires_at,
      rotation: false,
    }),
  );
  ctx.tenant.secrets.set(path, rec);
  const meta = secretMetadata(ctx.tenant, rec);
  return existing ? ok(meta) : created(meta);
};

export const deleteSecret: Handler = (ctx) => {
  const { path, rec } = secretAt(ctx, "delete");
  ctx.tenant.secrets.delete(path);
  return ok({ path, deleted: true, versions_deleted: rec.versions.length, deleted_at: iso(ctx.now) });
};

export const listSecrets: Handler = (ctx) => {
  const items = [...ctx.tenant.secrets.values()]
    .filter((rec) => underPrefix(rec.path, ctx.query.prefix))
    .filter((rec) => ctx.query.tag === undefined || rec.tags.includes(ctx.query.tag))
    .filter((rec) => visible(ctx, rec.path))
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((rec) => secretMetadata(ctx.tenant, rec));
  return ok(paginate(items, ctx.query));
};

export const getSecretVersions: Handler = (ctx) => {
  const { path, rec } = secretAt(ctx, "read");
  const latest = current(rec).version;
  const items = [...rec.versions].reverse().map((v) =>
    compact({
      version: v.version,
      state:
        v.version === latest
          ? "current"
          : v.expires_at && Date.parse(v.expires_at) <= ctx.now
            ? "expired"
            : "previous",
      created_at: v.created_at,
      created_by: v.created_by,
      expires_at: v.expires_at,
      rotation: v.rotation,
    }),
  );
  return ok({ path, current_version: latest, ...paginate(items, ctx.query) });
};

const SECRET_LIKE_KEY = /pass|secret|token|key|credential/i;

export const rotateSecret: Handler = (ctx) => {
  const { path, rec } = secretAt(ctx, "rotate");
  const b = ctx.body ?? {};
  const prev = current(rec);
  let value: string | undefined = b.value;
  let data: Record<string, string> | undefined = b.data;
  const generated = value === undefined && data === undefined;
  const policyId = rec.secret_policy_id ?? ctx.tenant.defaultSecretPolicyId;
  if (generated) {
    const policy = policyId ? ctx.tenant.secretPolicies.get(policyId) : undefined;
    if (!policy)
      throw unprocessable("no_secret_policy", `'${path}' has no secret policy to generate a value with.`);
    if (prev.data) {
      const keys = Object.keys(prev.data).filter((k) => SECRET_LIKE_KEY.test(k));
      if (keys.length === 0) {
        throw unprocessable(
          "cannot_generate",
          `'${path}' has no secret-like keys to regenerate; pass value or data.`,
        );
      }
      data = { ...prev.data };
      for (const k of keys) data[k] = generate(policy.type, policy.rules).value;
    } else {
      value = generate(policy.type, policy.rules).value;
    }
  }
  // A rotated version keeps the lifetime of the version it replaces.
  const lifetime = prev.expires_at ? Date.parse(prev.expires_at) - Date.parse(prev.created_at) : undefined;
  const at = iso(ctx.now);
  rec.versions.push(
    compact({
      version: prev.version + 1,
      value: storedValue(value, data),
      data,
      created_at: at,
      created_by: ctx.principal.subject,
      expires_at: lifetime ? iso(ctx.now + lifetime) : undefined,
      rotation: true,
    }),
  );
  rec.last_rotated_at = at;
  return ok(
    compact({
      path,
      previous_version: prev.version,
      version: prev.version + 1,
      rotated_at: at,
      generated,
      secret_policy_id: generated ? policyId : undefined,
      reason: b.reason,
    }),
  );
};

export const checkExpiration: Handler = (ctx) => {
  const horizon = ctx.now + durationSeconds(ctx.query.within) * 1000;
  const items = [...ctx.tenant.secrets.values()]
    .filter((rec) => underPrefix(rec.path, ctx.query.prefix) && visible(ctx, rec.path))
    .map((rec) => ({ rec, v: current(rec) }))
    .filter(({ v }) => v.expires_at !== undefined && Date.parse(v.expires_at) <= horizon)
    .sort((a, b) => Date.parse(a.v.expires_at!) - Date.parse(b.v.expires_at!))
    .map(({ rec, v }) => {
      const exp = Date.parse(v.expires_at!);
      return {
        path: rec.path,
        version: v.version,
        expires_at: v.expires_at!,
        expires_in_seconds: Math.floor((exp - ctx.now) / 1000),
        expired: exp <= ctx.now,
        tags: rec.tags,
      };
    });
  return ok({ as_of: iso(ctx.now), within: ctx.query.within, ...paginate(items, ctx.query) });
};
