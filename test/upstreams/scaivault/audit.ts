import type { AuditEventRec, Principal, TenantState } from "./state.js";
import { newId } from "./util.js";

/** operationId -> [audit action, resource type]. */
export const AUDIT_ACTIONS: Record<string, [string, string]> = {
  readSecret: ["secret.read", "secret"],
  writeSecret: ["secret.write", "secret"],
  deleteSecret: ["secret.delete", "secret"],
  listSecrets: ["secret.list", "secret"],
  getSecretVersions: ["secret.versions.list", "secret"],
  rotateSecret: ["secret.rotate", "secret"],
  checkExpiration: ["secret.expiration.check", "secret"],
  listSecretPolicies: ["secret_policy.list", "secret_policy"],
  getSecretPolicy: ["secret_policy.read", "secret_policy"],
  createSecretPolicy: ["secret_policy.create", "secret_policy"],
  generateSecretPreview: ["secret_policy.preview", "secret_policy"],
  getPolicyTypes: ["secret_policy.types.list", "secret_policy"],
  listPolicies: ["access_policy.list", "access_policy"],
  getPolicy: ["access_policy.read", "access_policy"],
  createPolicy: ["access_policy.create", "access_policy"],
  testPolicy: ["access_policy.test", "access_policy"],
  listRotationPolicies: ["rotation_policy.list", "rotation_policy"],
  createRotationPolicy: ["rotation_policy.create", "rotation_policy"],
  getSecretsDueRotation: ["rotation.due.list", "rotation_policy"],
  listServiceAccounts: ["service_account.list", "service_account"],
  getServiceAccount: ["service_account.read", "service_account"],
  createServiceAccount: ["service_account.create", "service_account"],
  updateServiceAccount: ["service_account.update", "service_account"],
  deleteServiceAccount: ["service_account.delete", "service_account"],
  createApiKey: ["api_key.create", "api_key"],
  listApiKeys: ["api_key.list", "api_key"],
  deleteApiKey: ["api_key.delete", "api_key"],
  listCas: ["pki.ca.list", "ca"],
  getCa: ["pki.ca.read", "ca"],
  createRootCa: ["pki.ca.create", "ca"],
  listCertificates: ["pki.certificate.list", "certificate"],
  getCertificate: ["pki.certificate.read", "certificate"],
  issueCertificate: ["pki.certificate.issue", "certificate"],
  revokeCertificate: ["pki.certificate.revoke", "certificate"],
  validateCertificate: ["pki.certificate.validate", "certificate"],
  checkExpiringCerts: ["pki.certificate.expiring", "certificate"],
  listAcmeAccounts: ["acme.account.list", "acme_account"],
  createAcmeAccount: ["acme.account.create", "acme_account"],
  listAcmeOrders: ["acme.order.list", "acme_order"],
  createAcmeOrder: ["acme.order.create", "acme_order"],
  completeAcmeChallenge: ["acme.challenge.complete", "acme_order"],
  requestCertificate: ["acme.order.finalize", "acme_order"],
  listDynamicEngines: ["dynamic.engine.list", "dynamic_engine"],
  getDynamicEngine: ["dynamic.engine.read", "dynamic_engine"],
  createDynamicEngine: ["dynamic.engine.create", "dynamic_engine"],
  listDynamicRoles: ["dynamic.role.list", "dynamic_role"],
  createDynamicRole: ["dynamic.role.create", "dynamic_role"],
  generateCredentials: ["dynamic.credentials.generate", "lease"],
  listLeases: ["dynamic.lease.list", "lease"],
  renewLease: ["dynamic.lease.renew", "lease"],
  revokeLease: ["dynamic.lease.revoke", "lease"],
  checkExpiringLeases: ["dynamic.lease.expiring", "lease"],
  listFederationBackends: ["federation.backend.list", "federation_backend"],
  getFederationBackend: ["federation.backend.read", "federation_backend"],
  createFederationBackend: ["federation.backend.create", "federation_backend"],
  testFederationBackend: ["federation.backend.test", "federation_backend"],
  syncFederationBackend: ["federation.backend.sync", "federation_backend"],
  proxyRead: ["federation.proxy.read", "federation_backend"],
  listSubscriptions: ["events.subscription.list", "subscription"],
  getSubscription: ["events.subscription.read", "subscription"],
  createSubscription: ["events.subscription.create", "subscription"],
  deleteSubscription: ["events.subscription.delete", "subscription"],
  listEventTypes: ["events.type.list", "event_type"],
  queryAudit: ["audit.query", "audit"],
  auditSummary: ["audit.summary", "audit"],
  secretAuditTrail: ["audit.trail", "audit"],
  findUnauthorizedAccess: ["audit.unauthorized", "audit"],
};

/** What a handler (or the pipeline) tells the audit log about the request beyond its operation. */
export interface AuditNote {
  resource?: string;
  path?: string;
}

const ACTOR_TYPES: Record<string, AuditEventRec["actor_type"]> = {
  user: "user",
  sa: "service_account",
  partner: "partner",
};

export function actorType(subject: string): AuditEventRec["actor_type"] {
  return ACTOR_TYPES[subject.split(":")[0] ?? ""] ?? "system";
}

export function recordAudit(
  tenant: TenantState,
  event: {
    operationId: string;
    principal: Principal;
    note: AuditNote;
    status: number;
    reason?: string;
    requiredScope?: string;
    requestId: string;
    sourceIp?: string;
    time: number;
  },
): void {
  const [action, resourceType] = AUDIT_ACTIONS[event.operationId] ?? ["unknown.call", "audit"];
  const outcome = event.status < 400 ? "success" : event.status === 403 ? "denied" : "error";
  const rec: AuditEventRec = {
    id: newId("evt"),
    time: new Date(event.time).toISOString(),
    tenant: tenant.id,
    actor: event.principal.subject,
    actor_type: event.principal.actorType,
    action,
    resource_type: resourceType,
    outcome,
    status_code: event.status,
    request_id: event.requestId,
  };
  if (event.note.resource !== undefined) rec.resource = event.note.resource;
  if (event.note.path !== undefined) rec.path = event.note.path;
  if (event.reason !== undefined && outcome !== "success") rec.reason = event.reason;
  if (event.requiredScope !== undefined) rec.required_scope = event.requiredScope;
  if (event.sourceIp !== undefined) rec.source_ip = event.sourceIp;
  tenant.audit.push(rec);
}
