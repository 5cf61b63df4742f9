import { mayAccess, patternMatches } from "../access.js";
import { created, type Handler, ok } from "../context.js";
import { unprocessable } from "../errors.js";
import type { SecretRec, TenantState } from "../state.js";
import { compact, durationSeconds, iso, newId, paginate, underPrefix } from "../util.js";
import { nameTaken } from "./policies.js";

// ---- rotation policies -------------------------------------------------------------------------------------

export const listRotationPolicies: Handler = (ctx) =>
  ok(paginate([...ctx.tenant.rotationPolicies.values()], ctx.query));

export const createRotationPolicy: Handler = (ctx) => {
  const b = ctx.body;
  nameTaken(ctx.tenant.rotationPolicies.values(), b.name);
  if (b.secret_policy_id && !ctx.tenant.secretPolicies.has(b.secret_policy_id)) {
    throw unprocessable("unknown_reference", `secret_policy_id '${b.secret_policy_id}' does not exist.`);
  }
  if (b.strategy === "generate" && !b.secret_policy_id && !ctx.tenant.defaultSecretPolicyId) {
    throw unprocessable("no_secret_policy", "strategy 'generate' needs a secret_policy_id.");
  }
  const at = iso(ctx.now);
  const policy = compact({
    id: newId("rpol"),
    name: b.name,
    description: b.description,
    paths: b.paths,
    interval: b.interval,
    strategy: b.strategy,
    secret_policy_id: b.secret_policy_id,
    notify_before: b.notify_before,
    enabled: b.enabled,
    created_at: at,
    updated_at: at,
  });
  ctx.tenant.rotationPolicies.set(policy.id, policy);
  ctx.audit.resource = policy.id;
  return created(policy);
};

/** The enabled rotation policy that governs a secret: the one it names, else the first whose paths match. */
function governing(tenant: TenantState, rec: SecretRec): Record<string, any> | undefined {
  const named = rec.rotation_policy_id ? tenant.rotationPolicies.get(rec.rotation_policy_id) : undefined;
  if (named) return named.enabled ? named : undefined;
  return [...tenant.rotationPolicies.values()].find(
    (p) => p.enabled && (p.paths as string[]).some((pattern) => patternMatches(pattern, rec.path)),
  );
}

export const getSecretsDueRotation: Handler = (ctx) => {
  const horizon = ctx.now + durationSeconds(ctx.query.within) * 1000;
  const items = [...ctx.tenant.secrets.values()]
    .filter((rec) => underPrefix(rec.path, ctx.query.prefix))
    .filter(
      (rec) =>
        mayAccess(ctx.tenant, ctx.principal, rec.path, "list") ||
        mayAccess(ctx.tenant, ctx.principal, rec.path, "read"),
    )
    .flatMap((rec) => {
      const policy = governing(ctx.tenant, rec);
      if (!policy) return [];
      const last = rec.last_rotated_at ?? rec.created_at;
      const due = Date.parse(last) + durationSeconds(policy.interval) * 1000;
      if (due > horizon) return [];
      return [
        {
          path: rec.path,
          rotation_policy_id: policy.id,
          rotation_policy_name: policy.name,
          strategy: policy.strategy,
          last_rotated_at: last,
          due_at: iso(due),
          overdue: due <= ctx.now,
        },
      ];
    })
    .sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at));
  return ok({ as_of: iso(ctx.now), within: ctx.query.within, ...paginate(items, ctx.query) });
};
