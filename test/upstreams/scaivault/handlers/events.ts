import { type Ctx, created, type Handler, ok } from "../context.js";
import { notFound, unprocessable } from "../errors.js";
import type { SubscriptionRec } from "../state.js";
import { compact, iso, newId, paginate } from "../util.js";

export const EVENT_TYPES = [
  { type: "secret.created", category: "secrets", description: "A secret was written for the first time." },
  { type: "secret.updated", category: "secrets", description: "A new version of a secret was written." },
  { type: "secret.deleted", category: "secrets", description: "A secret and its versions were deleted." },
  {
    type: "secret.rotated",
    category: "secrets",
    description: "A secret was rotated (by a policy or on request).",
  },
  {
    type: "secret.rotation_due",
    category: "secrets",
    description: "A secret is due for rotation under its rotation policy.",
  },
  {
    type: "secret.expiring",
    category: "secrets",
    description: "A secret's current version expires within 7 days.",
  },
  { type: "secret.expired", category: "secrets", description: "A secret's current version expired." },
  {
    type: "policy.changed",
    category: "policies",
    description: "An access, secret or rotation policy was created or changed.",
  },
  {
    type: "certificate.issued",
    category: "pki",
    description: "A certificate was issued by a tenant CA or through ACME.",
  },
  { type: "certificate.revoked", category: "pki", description: "A certificate was revoked." },
  { type: "certificate.expiring", category: "pki", description: "A certificate expires within 30 days." },
  {
    type: "lease.created",
    category: "dynamic",
    description: "Dynamic credentials were generated under a new lease.",
  },
  {
    type: "lease.revoked",
    category: "dynamic",
    description: "A lease was revoked or expired; its credentials stopped working.",
  },
  {
    type: "federation.sync_completed",
    category: "federation",
    description: "A federation backend finished synchronising.",
  },
  {
    type: "federation.backend_unreachable",
    category: "federation",
    description: "A federation backend stopped answering.",
  },
  {
    type: "access.denied",
    category: "access",
    description: "A request was denied by scope, access policy or tenant.",
  },
];

const KNOWN = new Set(EVENT_TYPES.map((e) => e.type));

function subscriptionOf(ctx: Ctx): SubscriptionRec {
  const id = ctx.params.subscription_id!;
  ctx.audit.resource = id;
  const sub = ctx.tenant.subscriptions.get(id);
  if (!sub) throw notFound(`Subscription '${id}'`);
  return sub;
}

export const listSubscriptions: Handler = (ctx) =>
  ok(
    paginate(
      [...ctx.tenant.subscriptions.values()].map((s) => s.view),
      ctx.query,
    ),
  );

export const getSubscription: Handler = (ctx) => ok(subscriptionOf(ctx).view);

export const createSubscription: Handler = (ctx) => {
  const b = ctx.body;
  const unknown = (b.event_types as string[]).filter((t) => !KNOWN.has(t));
  if (unknown.length > 0)
    throw unprocessable("unknown_event_type", `Unknown event types: ${unknown.join(", ")}.`);
  const { signing_secret, ...destination } = b.destination;
  const view = compact({
    id: newId("sub"),
    name: b.name,
    event_types: b.event_types,
    path_prefix: b.path_prefix,
    destination,
    active: true,
    created_at: iso(ctx.now),
  });
  ctx.tenant.subscriptions.set(view.id, { view, signingSecret: signing_secret });
  ctx.audit.resource = view.id;
  return created(view);
};

export const deleteSubscription: Handler = (ctx) => {
  const sub = subscriptionOf(ctx);
  ctx.tenant.subscriptions.delete(sub.view.id);
  return ok({ id: sub.view.id, deleted: true, deleted_at: iso(ctx.now) });
};

export const listEventTypes: Handler = () => ok({ items: EVENT_TYPES });
