/**
 * The in-memory state of the reference upstream. Records are kept in the API's own shape (snake_case) so
 * handlers return them with little mapping; what the API never returns (keys, passwords, credentials) sits
 * beside the public view.
 */
import type { webcrypto } from "node:crypto";

export type Scope = string;

export interface Principal {
  subject: string;
  actorType: "user" | "service_account" | "partner";
  /** Undefined for partner tokens, which must name a tenant. */
  homeTenant?: string;
  partner?: string;
  scopes: Set<Scope>;
  /** Tenant admins and partners are not subject to access policies. */
  bypassPolicies: boolean;
}

export interface SecretVersionRec {
  version: number;
  value: string;
  data?: Record<string, string>;
  created_at: string;
  created_by: string;
  expires_at?: string;
  rotation: boolean;
}

export interface SecretRec {
  path: string;
  description?: string;
  tags: string[];
  content_type?: string;
  secret_policy_id?: string;
  rotation_policy_id?: string;
  last_rotated_at?: string;
  created_at: string;
  created_by: string;
  versions: SecretVersionRec[];
}

export interface CaRec {
  view: Record<string, any>;
  privateKey: webcrypto.CryptoKey;
  signingAlgorithm: Record<string, unknown>;
  pem: string;
}

export interface CertRec {
  view: Record<string, any>;
}

export interface ApiKeyRec {
  view: Record<string, any>;
  key: string;
}

export interface EngineRec {
  view: Record<string, any>;
  password: string;
}

export interface LeaseRec {
  lease_id: string;
  engine: string;
  role: string;
  username: string;
  issued_at: number;
  expires_at: number;
  max_expires_at: number;
  renewal_count: number;
}

export interface BackendRec {
  view: Record<string, any>;
  credentials: Record<string, string>;
  /** The external store's content, by its own paths. */
  remote: Map<string, { value?: string; data?: Record<string, string>; version: string }>;
  reachable: boolean;
}

export interface SubscriptionRec {
  view: Record<string, any>;
  signingSecret?: string;
}

export interface AuditEventRec {
  id: string;
  time: string;
  tenant: string;
  actor: string;
  actor_type: "user" | "service_account" | "partner" | "system" | "anonymous";
  action: string;
  resource_type: string;
  resource?: string;
  path?: string;
  outcome: "success" | "denied" | "error";
  status_code: number;
  reason?: string;
  required_scope?: string;
  request_id: string;
  source_ip?: string;
}

export interface TenantState {
  id: string;
  defaultSecretPolicyId?: string;
  secrets: Map<string, SecretRec>;
  secretPolicies: Map<string, Record<string, any>>;
  accessPolicies: Map<string, Record<string, any>>;
  rotationPolicies: Map<string, Record<string, any>>;
  serviceAccounts: Map<string, Record<string, any>>;
  apiKeys: Map<string, ApiKeyRec>;
  cas: Map<string, CaRec>;
  certificates: Map<string, CertRec>;
  acmeAccounts: Map<string, Record<string, any>>;
  acmeOrders: Map<string, Record<string, any>>;
  engines: Map<string, EngineRec>;
  /** Keyed `engine/role`. */
  roles: Map<string, Record<string, any>>;
  leases: Map<string, LeaseRec>;
  backends: Map<string, BackendRec>;
  subscriptions: Map<string, SubscriptionRec>;
  audit: AuditEventRec[];
}

export interface Store {
  tenants: Map<string, TenantState>;
  /** Partner id -> the tenants it manages. */
  partners: Map<string, string[]>;
  /** Static bearer tokens (API keys are looked up in their tenant). */
  tokens: Map<string, Principal>;
  /** The (hidden) CA that signs ACME certificates, standing in for a public ACME CA. */
  acmeIssuer: CaRec;
}

export function emptyTenant(id: string): TenantState {
  return {
    id,
    secrets: new Map(),
    secretPolicies: new Map(),
    accessPolicies: new Map(),
    rotationPolicies: new Map(),
    serviceAccounts: new Map(),
    apiKeys: new Map(),
    cas: new Map(),
    certificates: new Map(),
    acmeAccounts: new Map(),
    acmeOrders: new Map(),
    engines: new Map(),
    roles: new Map(),
    leases: new Map(),
    backends: new Map(),
    subscriptions: new Map(),
    audit: [],
  };
}

export const ALL_SCOPES: Scope[] = [
  "secrets:read",
  "secrets:write",
  "secrets:delete",
  "policies:read",
  "policies:write",
  "service-accounts:read",
  "service-accounts:write",
  "pki:read",
  "pki:write",
  "acme:read",
  "acme:write",
  "dynamic:read",
  "dynamic:write",
  "federation:read",
  "federation:write",
  "events:read",
  "events:write",
  "audit:read",
];

export const READ_SCOPES: Scope[] = ALL_SCOPES.filter((s) => s.endsWith(":read"));
