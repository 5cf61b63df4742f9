import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "./scaivault/index.js";
import { loadOperations } from "./scaivault/spec.js";

let up: ScaivaultUpstream;

beforeAll(async () => {
  up = await startScaivaultUpstream();
});

afterAll(async () => {
  await up?.close();
});

interface Answer {
  status: number;
  json: any;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  o: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  const token = o.token === undefined ? up.tokens.admin : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | undefined = o.rawBody;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${up.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const get = (path: string, token?: string | null) => call("GET", path, { token });

describe("every operation", () => {
  it("answers each of the 67 operations with a success and no spec violation", async () => {
    await up.reset();
    const s = up.seed;
    const ids: Record<string, string> = {};
    const steps: [string, () => Promise<Answer>][] = [
      ["listSecrets", () => get("/v1/secrets?prefix=integrations/")],
      ["readSecret", () => get(`/v1/secrets/${s.secrets.salesforce}`)],
      [
        "writeSecret",
        () =>
          call("PUT", "/v1/secrets/apps/e2e/token", { body: { value: "first", tags: ["e2e"], ttl: "2d" } }),
      ],
      ["getSecretVersions", () => get("/v1/secret-versions/apps/e2e/token")],
      ["rotateSecret", () => call("POST", "/v1/secret-rotations/apps/e2e/token")],
      ["checkExpiration", () => get("/v1/secret-expirations?within=30d")],
      ["deleteSecret", () => call("DELETE", "/v1/secrets/apps/e2e/token")],
      ["listSecretPolicies", () => get("/v1/secret-policies")],
      ["getSecretPolicy", () => get(`/v1/secret-policies/${s.secretPolicies.strongPassword}`)],
      [
        "createSecretPolicy",
        () =>
          call("POST", "/v1/secret-policies", {
            body: { name: "e2e-hex", type: "hex", rules: { length: 16 } },
          }),
      ],
      [
        "generateSecretPreview",
        () => call("POST", `/v1/secret-policies/${s.secretPolicies.passphrase}/preview`),
      ],
      ["getPolicyTypes", () => get("/v1/secret-policy-types")],
      ["listPolicies", () => get("/v1/policies?subject=sa:report-runner")],
      ["getPolicy", () => get(`/v1/policies/${s.accessPolicies.integrationsReaders}`)],
      [
        "createPolicy",
        () =>
          call("POST", "/v1/policies", {
            body: {
              name: "e2e-readers",
              subjects: ["sa:e2e-bot"],
              rules: [{ paths: ["apps/+/token"], actions: ["read"], effect: "allow" }],
            },
          }),
      ],
      [
        "testPolicy",
        () =>
          call("POST", "/v1/policy-tests", {
            body: { subject: "sa:report-runner", path: s.secrets.primaryDb, action: "read" },
          }),
      ],
      ["listRotationPolicies", () => get("/v1/rotation-policies")],
      [
        "createRotationPolicy",
        () =>
          call("POST", "/v1/rotation-policies", {
            body: {
              name: "e2e-rotation",
              paths: ["apps/*"],
              interval: "30d",
              secret_policy_id: s.secretPolicies.strongPassword,
            },
          }),
      ],
      ["getSecretsDueRotation", () => get("/v1/rotation-schedule?within=7d")],
      ["listServiceAccounts", () => get("/v1/service-accounts")],
      ["getServiceAccount", () => get(`/v1/service-accounts/${s.serviceAccounts.reportRunner}`)],
      [
        "createServiceAccount",
        () => call("POST", "/v1/service-accounts", { body: { name: "e2e-bot", scopes: ["secrets:read"] } }),
      ],
      [
        "updateServiceAccount",
        () => call("PATCH", `/v1/service-accounts/${ids.sa}`, { body: { description: "changed" } }),
      ],
      [
        "createApiKey",
        () =>
          call("POST", `/v1/service-accounts/${ids.sa}/api-keys`, { body: { name: "e2e-key", ttl: "1d" } }),
      ],
      ["listApiKeys", () => get(`/v1/service-accounts/${ids.sa}/api-keys`)],
      ["deleteApiKey", () => call("DELETE", `/v1/service-accounts/${ids.sa}/api-keys/${ids.key}`)],
      ["deleteServiceAccount", () => call("DELETE", `/v1/service-accounts/${ids.sa}`)],
      ["listCas", () => get("/v1/pki/cas")],
      ["getCa", () => get(`/v1/pki/cas/${s.ca}`)],
      [
        "createRootCa",
        () =>
          call("POST", "/v1/pki/cas", {
            body: { common_name: "E2E Root", organization: "Acme", country: "NL" },
          }),
      ],
      ["listCertificates", () => get(`/v1/pki/certificates?ca_id=${s.ca}&status=valid`)],
      ["getCertificate", () => get(`/v1/pki/certificates/${s.certificates.api}`)],
      [
        "issueCertificate",
        () =>
          call("POST", "/v1/pki/certificates", {
            body: { ca_id: s.ca, common_name: "e2e.internal.acme.example", ttl: "7d" },
          }),
      ],
      [
        "revokeCertificate",
        () => call("POST", `/v1/pki/certificates/${ids.cert}/revoke`, { body: { reason: "superseded" } }),
      ],
      [
        "validateCertificate",
        () => call("POST", "/v1/pki/validations", { body: { certificate_id: s.certificates.api } }),
      ],
      ["checkExpiringCerts", () => get("/v1/pki/expiring-certificates?within=30d")],
      ["listAcmeAccounts", () => get("/v1/acme/accounts")],
      [
        "createAcmeAccount",
        () =>
          call("POST", "/v1/acme/accounts", {
            body: { contact: ["e2e@acme.example"], terms_of_service_agreed: true },
          }),
      ],
      ["listAcmeOrders", () => get("/v1/acme/orders?status=pending")],
      [
        "createAcmeOrder",
        () =>
          call("POST", "/v1/acme/orders", {
            body: { account_id: s.acme.account, identifiers: ["e2e.acme.example"] },
          }),
      ],
      [
        "completeAcmeChallenge",
        () => call("POST", `/v1/acme/orders/${ids.order}/challenges/${ids.challenge}/complete`),
      ],
      ["requestCertificate", () => call("POST", `/v1/acme/orders/${ids.order}/finalize`)],
      ["listDynamicEngines", () => get("/v1/dynamic/engines")],
      ["getDynamicEngine", () => get(`/v1/dynamic/engines/${s.engines.postgres}`)],
      [
        "createDynamicEngine",
        () =>
          call("POST", "/v1/dynamic/engines", {
            body: {
              name: "e2e-db",
              type: "postgres",
              connection: {
                host: "e2e.internal",
                port: 5432,
                database: "app",
                username: "admin",
                password: "pw",
              },
            },
          }),
      ],
      ["listDynamicRoles", () => get(`/v1/dynamic/engines/${s.engines.postgres}/roles`)],
      [
        "createDynamicRole",
        () =>
          call("POST", "/v1/dynamic/engines/e2e-db/roles", {
            body: { name: "ro", creation_statements: ["CREATE ROLE x;"] },
          }),
      ],
      [
        "generateCredentials",
        () =>
          call("POST", `/v1/dynamic/engines/${s.engines.postgres}/roles/${s.roles.readonly}/credentials`, {
            body: { ttl: "1h" },
          }),
      ],
      ["listLeases", () => get(`/v1/dynamic/leases?engine=${s.engines.postgres}`)],
      [
        "renewLease",
        () => call("POST", `/v1/dynamic/leases/${ids.lease}/renew`, { body: { increment: "2h" } }),
      ],
      ["revokeLease", () => call("DELETE", `/v1/dynamic/leases/${ids.lease}`)],
      ["checkExpiringLeases", () => get("/v1/dynamic/expiring-leases?within=1h")],
      ["listFederationBackends", () => get("/v1/federation/backends")],
      ["getFederationBackend", () => get(`/v1/federation/backends/${s.backends.aws}`)],
      [
        "createFederationBackend",
        () =>
          call("POST", "/v1/federation/backends", {
            body: {
              name: "e2e-azure",
              type: "azure-key-vault",
              config: { vault_url: "https://e2e.vault.azure.net" },
              credentials: { client_secret: "x" },
            },
          }),
      ],
      ["testFederationBackend", () => call("POST", `/v1/federation/backends/${s.backends.aws}/test`)],
      [
        "syncFederationBackend",
        () =>
          call("POST", `/v1/federation/backends/${s.backends.legacyVault}/sync`, {
            body: { dry_run: false },
          }),
      ],
      ["proxyRead", () => get(`/v1/federation/proxy/${s.backends.aws}/${s.federatedPaths.adyen}`)],
      ["listSubscriptions", () => get("/v1/events/subscriptions")],
      ["getSubscription", () => get(`/v1/events/subscriptions/${s.subscriptions.webhook}`)],
      [
        "createSubscription",
        () =>
          call("POST", "/v1/events/subscriptions", {
            body: {
              name: "e2e-sub",
              event_types: ["secret.rotated"],
              destination: {
                type: "webhook",
                url: "https://hooks.example/e2e",
                signing_secret: "0123456789abcdef",
              },
            },
          }),
      ],
      ["deleteSubscription", () => call("DELETE", `/v1/events/subscriptions/${ids.sub}`)],
      ["listEventTypes", () => get("/v1/events/types")],
      ["queryAudit", () => get("/v1/audit/events?outcome=denied&order=asc")],
      ["auditSummary", () => get("/v1/audit/summary?top=5")],
      ["secretAuditTrail", () => get(`/v1/audit/trail/${s.secrets.salesforce}`)],
      ["findUnauthorizedAccess", () => get("/v1/audit/unauthorized?min_attempts=2")],
    ];
    const capture: Record<string, (json: any) => void> = {
      createServiceAccount: (j) => (ids.sa = j.id),
      createApiKey: (j) => (ids.key = j.id),
      issueCertificate: (j) => (ids.cert = j.id),
      createAcmeOrder: (j) => {
        ids.order = j.id;
        ids.challenge = j.authorizations[0].challenges[0].id;
      },
      generateCredentials: (j) => (ids.lease = j.lease_id),
      createSubscription: (j) => (ids.sub = j.id),
    };
    for (const [operationId, step] of steps) {
      const answer = await step();
      expect(answer.status, `${operationId}: ${JSON.stringify(answer.json)}`).toBeLessThan(300);
      capture[operationId]?.(answer.json);
    }
    const ops = await loadOperations();
    expect(steps.map(([id]) => id).sort()).toEqual(ops.map((op) => op.operationId).sort());
    expect(up.requests.map((r) => r.operationId)).toEqual(steps.map(([id]) => id));
    expect(up.violations).toEqual([]);
  });
});
