import { evaluate } from "../access.js";
import { created, type Handler, ok } from "../context.js";
import { conflict, notFound } from "../errors.js";
import { checkRules, generate, POLICY_TYPES } from "../generate.js";
import { compact, iso, newId, paginate } from "../util.js";

export function nameTaken(items: Iterable<Record<string, any>>, name: string): void {
  for (const item of items)
    if (item.name === name) throw conflict("already_exists", `The name '${name}' is already in use.`);
}

// ---- secret policies ---------------------------------------------------------------------------------------

export const listSecretPolicies: Handler = (ctx) =>
  ok(paginate([...ctx.tenant.secretPolicies.values()], ctx.query));

export const getSecretPolicy: Handler = (ctx) => {
  ctx.audit.resource = ctx.params.policy_id;
  const policy = ctx.tenant.secretPolicies.get(ctx.params.policy_id!);
  if (!policy) throw notFound(`Secret policy '${ctx.params.policy_id}'`);
  return ok(policy);
};

export const createSecretPolicy: Handler = (ctx) => {
  const b = ctx.body;
  nameTaken(ctx.tenant.secretPolicies.values(), b.name);
  checkRules(b.type, b.rules ?? {});
  const at = iso(ctx.now);
  const policy = compact({
    id: newId("spol"),
    name: b.name,
    description: b.description,
    type: b.type,
    rules: b.rules ?? {},
    max_age: b.max_age,
    created_at: at,
    updated_at: at,
  });
  ctx.tenant.secretPolicies.set(policy.id, policy);
  ctx.audit.resource = policy.id;
  return created(policy);
};

export const generateSecretPreview: Handler = (ctx) => {
  ctx.audit.resource = ctx.params.policy_id;
  const policy = ctx.tenant.secretPolicies.get(ctx.params.policy_id!);
  if (!policy) throw notFound(`Secret policy '${ctx.params.policy_id}'`);
  const { value, entropy_bits } = generate(policy.type, policy.rules);
  return ok({
    policy_id: policy.id,
    type: policy.type,
    value,
    length: value.length,
    entropy_bits,
    generated_at: iso(ctx.now),
  });
};

export const getPolicyTypes: Handler = () =>
  ok({
    items: Object.entries(POLICY_TYPES).map(([type, info]) => ({
      type,
      description: info.description,
      example: info.example,
      parameters: info.parameters,
    })),
  });

// ---- access policies ---------------------------------------------------------------------------------------

export const listPolicies: Handler = (ctx) => {
  const items = [...ctx.tenant.accessPolicies.values()].filter(
    (p) => ctx.query.subject === undefined || p.subjects.includes(ctx.query.subject),
  );
  return ok(paginate(items, ctx.query));
};

export const getPolicy: Handler = (ctx) => {
  ctx.audit.resource = ctx.params.policy_id;
  const policy = ctx.tenant.accessPolicies.get(ctx.params.policy_id!);
  if (!policy) throw notFound(`Access policy '${ctx.params.policy_id}'`);
  return ok(policy);
};

export const createPolicy: Handler = (ctx) => {
  const b = ctx.body;
  nameTaken(ctx.tenant.accessPolicies.values(), b.name);
  const at = iso(ctx.now);
  const policy = compact({
    id: newId("pol"),
    name: b.name,
    description: b.description,
    subjects: b.subjects,
    rules: b.rules,
    created_at: at,
    updated_at: at,
    created_by: ctx.principal.subject,
  });
  ctx.tenant.accessPolicies.set(policy.id, policy);
  ctx.audit.resource = policy.id;
  return created(policy);
};

export const testPolicy: Handler = (ctx) => {
  const { subject, path, action } = ctx.body;
  ctx.audit.resource = `${subject}:${action}:${path}`;
  const decision = evaluate(ctx.tenant, subject, path, action);
  return ok({
    subject,
    path,
    action,
    allowed: decision.allowed,
    decision: decision.allowed ? "allow" : "deny",
    reason: decision.reason,
    matched_rules: decision.matched,
  });
};
