import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from "node:crypto";
import { request } from "node:http";
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

/** A GET whose path goes on the wire byte for byte (fetch would resolve `..` and `%2e%2e` first). */
function rawGet(path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${up.url}/`,
      { path, headers: { authorization: `Bearer ${up.tokens.admin}` } },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            json: text ? JSON.parse(text) : undefined,
            headers: new Headers(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

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

const lastViolation = () => up.violations[up.violations.length - 1];

describe("secrets", () => {
  it("reads back a written secret as a new version", async () => {
    const path = up.seed.secrets.salesforce;
    const written = await call("PUT", `/v1/secrets/${path}`, {
      body: { data: { client_id: "id", client_secret: "s3cr3t-v4" }, cas: 3 },
    });
    expect(written.status).toBe(200);
    expect(written.json).toMatchObject({ path, version: 4 });
    expect(written.json.value).toBeUndefined();
    const read = await get(`/v1/secrets/${path}`);
    expect(read.json).toMatchObject({ version: 4, data: { client_secret: "s3cr3t-v4" } });
    expect(JSON.parse(read.json.value)).toEqual({ client_id: "id", client_secret: "s3cr3t-v4" });
    const old = await get(`/v1/secrets/${path}?version=3`);
    expect(old.json.version).toBe(3);
    const versions = await get(`/v1/secret-versions/${path}`);
    expect(versions.json.items.map((v: any) => [v.version, v.state])).toEqual([
      [4, "current"],
      [3, "previous"],
      [2, "previous"],
      [1, "previous"],
    ]);
    const empty = await call("PUT", `/v1/secrets/${path}`, { body: { tags: ["crm"] } });
    expect(empty.json.error.code).toBe("missing_value");
    const stale = await call("PUT", `/v1/secrets/${path}`, { body: { value: "x", cas: 3 } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe("version_conflict");
  });

  it("lists paths and metadata under a prefix, never values", async () => {
    const { json } = await get("/v1/secrets?prefix=integrations/");
    expect(json.items.map((i: any) => i.path)).toEqual([up.seed.secrets.salesforce, up.seed.secrets.stripe]);
    for (const item of json.items) {
      expect(Object.keys(item)).toEqual(expect.arrayContaining(["path", "version", "updated_at", "tags"]));
      expect(item).not.toHaveProperty("value");
      expect(item).not.toHaveProperty("data");
    }
    // Segment-aligned: `integ` is not a prefix of `integrations/...`.
    expect((await get("/v1/secrets?prefix=integ")).json.items).toEqual([]);
  });

  it("pages with an opaque cursor bound to its query", async () => {
    const first = await get("/v1/secrets?limit=2");
    expect(first.json.items).toHaveLength(2);
    const second = await get(`/v1/secrets?limit=2&cursor=${first.json.next_cursor}`);
    expect(second.json.items[0].path).not.toBe(first.json.items[1].path);
    const replayed = await get(`/v1/secrets?limit=2&prefix=apps&cursor=${first.json.next_cursor}`);
    expect(replayed.status).toBe(400);
    expect(replayed.json.error.code).toBe("invalid_cursor");
  });

  it("decodes each segment of a multi-segment path and refuses traversal", async () => {
    const put = await call("PUT", "/v1/secrets/apps/caf%C3%A9/key", { body: { value: "v" } });
    // `é` is outside the SecretPath alphabet: decoded per segment, then checked against the schema.
    expect(put.status).toBe(400);
    expect(put.json.error.details[0]).toMatchObject({ in: "path", name: "path" });
    for (const bad of [
      "apps/..%2Fetc/key",
      "apps/%2e%2e/key",
      "apps/../key",
      "apps//key",
      "apps/./key",
      "apps/key/",
    ]) {
      const answer = await rawGet(`/v1/secrets/${bad}`);
      expect(answer.status, bad).toBe(400);
      expect(answer.json.error.code).toBe("invalid_request");
      expect(lastViolation()).toMatchObject({ kind: "request", operationId: "readSecret" });
    }
    expect(up.requests.at(-1)?.path).toBe("/v1/secrets/apps/key/");
  });
});

describe("request validation", () => {
  it("answers 400 naming a parameter of the wrong type", async () => {
    const answer = await get("/v1/secrets?limit=abc");
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ code: "invalid_request" });
    expect(answer.json.error.message).toContain("limit");
    expect(answer.json.error.details).toEqual([expect.objectContaining({ in: "query", name: "limit" })]);
    expect(lastViolation()).toMatchObject({ kind: "request", operationId: "listSecrets" });
  });

  it("answers 400 for a body missing a required field", async () => {
    const answer = await call("POST", "/v1/service-accounts", { body: { name: "no-scopes" } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/required property 'scopes'/);
    expect(up.store.tenants.get("acme")!.serviceAccounts.size).toBe(3);
  });

  it("answers 400 for an unknown query parameter, a bad enum and an unexpected body field", async () => {
    expect((await get("/v1/secrets?prefx=integrations/")).json.error.message).toContain(
      "unknown query parameter 'prefx'",
    );
    expect((await get("/v1/audit/events?outcome=maybe")).status).toBe(400);
    const extra = await call("PUT", "/v1/secrets/apps/x", { body: { value: "v", colour: "blue" } });
    expect(extra.json.error.message).toContain("colour");
  });

  it("answers 400 for a wrong content type, invalid JSON and a body where none is taken", async () => {
    const text = await call("PUT", "/v1/secrets/apps/x", {
      rawBody: "value=v",
      headers: { "content-type": "text/plain" },
    });
    expect(text.json.error.details[0]).toMatchObject({ in: "body", name: "Content-Type" });
    const broken = await call("PUT", "/v1/secrets/apps/x", {
      rawBody: "{",
      headers: { "content-type": "application/json" },
    });
    expect(broken.json.error.message).toContain("not valid JSON");
    const unexpected = await call("POST", `/v1/federation/backends/${up.seed.backends.aws}/test`, {
      body: {},
    });
    expect(unexpected.status).toBe(400);
  });

  it("answers 400 for a header that breaks its schema and 404 for a route the spec lacks", async () => {
    const header = await call("GET", "/v1/secrets", { headers: { "X-ScaiVault-Tenant": "Not A Tenant" } });
    expect(header.json.error.details[0]).toMatchObject({ in: "header", name: "X-ScaiVault-Tenant" });
    const missing = await get("/v1/nothing-here");
    expect(missing.status).toBe(404);
    expect(lastViolation()).toMatchObject({ kind: "route" });
    const method = await call("POST", "/v1/secrets");
    expect(method.status).toBe(405);
  });
});

describe("authentication, scopes, tenants", () => {
  it("answers 401 without a valid bearer token", async () => {
    const none = await get("/v1/secrets", null);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toContain("Bearer");
    const bad = await get("/v1/secrets", "scai_test_nope");
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("invalid_token");
  });

  it("answers 403 naming the missing scope", async () => {
    const answer = await call("PUT", "/v1/secrets/apps/x", {
      token: up.tokens.readOnly,
      body: { value: "v" },
    });
    expect(answer.status).toBe(403);
    expect(answer.json.error).toMatchObject({ code: "insufficient_scope", required_scope: "secrets:write" });
    expect(answer.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_scope", scope="secrets:write"',
    );
    const audit = await get("/v1/audit/events", up.tokens.reportRunner);
    expect(audit.json.error.required_scope).toBe("audit:read");
  });

  it("lets sa:report-runner read integrations/* but not infra/*", async () => {
    const ok = await get(`/v1/secrets/${up.seed.secrets.stripe}`, up.tokens.reportRunner);
    expect(ok.status).toBe(200);
    const denied = await get(`/v1/secrets/${up.seed.secrets.primaryDb}`, up.tokens.reportRunner);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("access_denied");
    const listed = await get("/v1/secrets", up.tokens.reportRunner);
    expect(listed.json.items.every((i: any) => i.path.startsWith("integrations/"))).toBe(true);
  });

  it("keeps tokens in their tenants; partner tokens manage theirs", async () => {
    expect((await get("/v1/secrets", up.tokens.partner)).json.error.code).toBe("tenant_required");
    const globex = await call("GET", `/v1/secrets/${up.seed.secrets.globexNetsuite}`, {
      token: up.tokens.partner,
      headers: { "X-ScaiVault-Tenant": "globex", "X-ScaiVault-Partner": "p-scailabs" },
    });
    expect(globex.json).toMatchObject({ tenant: "globex", version: 1 });
    const crossing = await call("GET", "/v1/secrets", { headers: { "X-ScaiVault-Tenant": "globex" } });
    expect(crossing.json.error.code).toBe("tenant_forbidden");
    const otherPartner = await call("GET", "/v1/secrets", {
      token: up.tokens.partner,
      headers: { "X-ScaiVault-Tenant": "acme", "X-ScaiVault-Partner": "p-other" },
    });
    expect(otherPartner.json.error.code).toBe("partner_forbidden");
    expect((await get(`/v1/secrets/${up.seed.secrets.globexNetsuite}`, up.tokens.globexAdmin)).status).toBe(
      200,
    );
  });

  it("accepts a created API key as a bearer token until it is deleted", async () => {
    const sa = up.seed.serviceAccounts.ciDeployer;
    const created = await call("POST", `/v1/service-accounts/${sa}/api-keys`, {
      body: { name: "temp", scopes: ["secrets:read"] },
    });
    expect(created.json.key).toMatch(/^scai_live_/);
    expect((await get("/v1/secrets?prefix=apps", created.json.key)).status).toBe(200);
    // ci-deployer's policy denies infra/*.
    expect((await get(`/v1/secrets/${up.seed.secrets.primaryDb}`, created.json.key)).json.error.code).toBe(
      "access_denied",
    );
    const tooMuch = await call("POST", `/v1/service-accounts/${sa}/api-keys`, {
      body: { name: "wide", scopes: ["pki:write"] },
    });
    expect(tooMuch.status).toBe(422);
    await call("DELETE", `/v1/service-accounts/${sa}/api-keys/${created.json.id}`);
    expect((await get("/v1/secrets", created.json.key)).status).toBe(401);
  });
});

describe("audit", () => {
  it("finds the denied reads an earlier call made", async () => {
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    const path = up.seed.secrets.primaryDb;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const denied = await get(`/v1/secrets/${path}`, up.tokens.reportRunner);
      expect(denied.status).toBe(403);
      ids.push(denied.json.error.request_id);
    }
    const q = encodeURIComponent(since);
    const events = await get(`/v1/audit/events?since=${q}&actor=sa:report-runner&outcome=denied&order=asc`);
    expect(events.json.items.map((e: any) => e.request_id)).toEqual(ids);
    expect(events.json.items[0]).toMatchObject({
      action: "secret.read",
      path,
      reason: "access_denied",
      resource_type: "secret",
    });

    const findings = await get(`/v1/audit/unauthorized?since=${q}&path_prefix=infra/`);
    expect(findings.json.items).toEqual([
      expect.objectContaining({
        actor: "sa:report-runner",
        target: path,
        attempts: 3,
        reasons: ["access_denied"],
      }),
    ]);
    const trail = await get(`/v1/audit/trail/${path}?since=${q}`);
    expect(trail.json.items.filter((e: any) => e.outcome === "denied")).toHaveLength(3);
    const summary = await get(`/v1/audit/summary?since=${q}`);
    expect(summary.json.by_outcome.denied).toBeGreaterThanOrEqual(3);
    expect(summary.json.top_paths[0]).toMatchObject({ key: path, denied: 3 });
  });

  it("holds the seed's story: three denied reads 31 s apart, about two hours ago", async () => {
    const since = encodeURIComponent(new Date(Date.now() - 3 * 3600_000).toISOString());
    const until = encodeURIComponent(new Date(Date.now() - 3600_000).toISOString());
    const events = await get(
      `/v1/audit/events?since=${since}&until=${until}&outcome=denied&action=secret.read&order=asc`,
    );
    expect(events.json.items.map((e: any) => [e.actor, e.path, e.reason])).toEqual(
      Array(3).fill(["sa:report-runner", up.seed.secrets.primaryDb, "access_denied"]),
    );
    const times = events.json.items.map((e: any) => Date.parse(e.time));
    expect([times[1] - times[0], times[2] - times[1]]).toEqual([31_000, 31_000]);
  });
});

describe("PKI", () => {
  it("issues a real certificate that verifies against its CA, with a matching private key", async () => {
    const issued = await call("POST", "/v1/pki/certificates", {
      body: {
        ca_id: up.seed.ca,
        common_name: "svc.internal.acme.example",
        alt_names: ["svc.internal.acme.example"],
        ip_sans: ["10.1.2.3"],
        ttl: "30d",
      },
    });
    expect(issued.status).toBe(201);
    const cert = new X509Certificate(issued.json.certificate);
    const ca = new X509Certificate((await get(`/v1/pki/cas/${up.seed.ca}`)).json.certificate);
    expect(issued.json.chain[0].trim()).toBe(ca.toString().trim());
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain("DNS:svc.internal.acme.example");
    expect(cert.subjectAltName).toContain("IP Address:10.1.2.3");
    expect(cert.serialNumber.toLowerCase()).toBe(issued.json.serial);
    const key = createPrivateKey(issued.json.private_key);
    const signature = sign("sha256", Buffer.from("hello"), key);
    expect(verify("sha256", Buffer.from("hello"), cert.publicKey, signature)).toBe(true);
    expect(createPublicKey(key).export({ format: "der", type: "spki" })).toEqual(
      cert.publicKey.export({ format: "der", type: "spki" }),
    );
    const stored = await get(`/v1/pki/certificates/${issued.json.id}`);
    expect(stored.json).not.toHaveProperty("private_key");

    const valid = await call("POST", "/v1/pki/validations", {
      body: { certificate: issued.json.certificate },
    });
    expect(valid.json).toMatchObject({ valid: true, ca_id: up.seed.ca, certificate_id: issued.json.id });
    await call("POST", `/v1/pki/certificates/${issued.json.id}/revoke`, {
      body: { reason: "key_compromise" },
    });
    const revoked = await call("POST", "/v1/pki/validations", {
      body: { certificate: issued.json.certificate },
    });
    expect(revoked.json).toMatchObject({ valid: false, checks: { signature: true, not_revoked: false } });
    const again = await call("POST", `/v1/pki/certificates/${issued.json.id}/revoke`);
    expect(again.status).toBe(409);
  });

  it("refuses a certificate from another CA and lists the ones expiring soon", async () => {
    const other = await call("POST", "/v1/pki/cas", {
      body: { common_name: "Other Root", key_algorithm: "ec-p384", ttl: "365d" },
    });
    const foreign = await call("POST", "/v1/pki/certificates", {
      body: { ca_id: other.json.id, common_name: "x.example" },
    });
    const checked = await call("POST", "/v1/pki/validations", {
      body: { certificate: foreign.json.certificate, ca_id: up.seed.ca },
    });
    expect(checked.json.valid).toBe(false);
    const expiring = await get("/v1/pki/expiring-certificates?within=30d");
    const ids = expiring.json.items.map((c: any) => c.id);
    expect(ids).toContain(up.seed.certificates.grafana);
    expect(ids).not.toContain(up.seed.certificates.api);
    expect(ids).not.toContain(up.seed.certificates.vpn);
  });

  it("runs an ACME order from challenge to certificate", async () => {
    const order = await call("POST", "/v1/acme/orders", {
      body: { account_id: up.seed.acme.account, identifiers: ["shop.acme.example", "*.shop.acme.example"] },
    });
    expect(order.json.status).toBe("pending");
    const early = await call("POST", `/v1/acme/orders/${order.json.id}/finalize`);
    expect(early.status).toBe(409);
    let latest = order.json;
    for (const authz of order.json.authorizations) {
      expect(authz.challenges[0].record_name).toMatch(/^_acme-challenge\.shop\.acme\.example$/);
      latest = (
        await call("POST", `/v1/acme/orders/${order.json.id}/challenges/${authz.challenges[0].id}/complete`)
      ).json;
    }
    expect(latest.status).toBe("ready");
    const done = await call("POST", `/v1/acme/orders/${order.json.id}/finalize`);
    const cert = new X509Certificate(done.json.certificate);
    expect(cert.verify(new X509Certificate(done.json.chain[0]).publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain("DNS:*.shop.acme.example");
  });
});

describe("dynamic secrets", () => {
  it("generates Postgres credentials under a lease that renews and revokes", async () => {
    const s = up.seed;
    const lease = await call(
      "POST",
      `/v1/dynamic/engines/${s.engines.postgres}/roles/${s.roles.readonly}/credentials`,
      { body: { ttl: "1h" } },
    );
    expect(lease.status).toBe(201);
    expect(lease.json).toMatchObject({
      ttl_seconds: 3600,
      renewable: true,
      engine: s.engines.postgres,
      role: s.roles.readonly,
    });
    expect(lease.json.lease_id).toMatch(/^lease_/);
    expect(lease.json.data.username).toMatch(/^v_readonly_/);
    expect(lease.json.data.connection_url).toMatch(
      /^postgresql:\/\/v_readonly_[a-z0-9]+:[^@]+@db\.internal:5432\/main$/,
    );
    const listed = await get(`/v1/dynamic/leases?engine=${s.engines.postgres}`);
    const entry = listed.json.items.find((l: any) => l.lease_id === lease.json.lease_id);
    expect(entry).not.toHaveProperty("data");
    const renewed = await call("POST", `/v1/dynamic/leases/${lease.json.lease_id}/renew`, {
      body: { increment: "3h" },
    });
    expect(Date.parse(renewed.json.expires_at)).toBeGreaterThan(Date.parse(lease.json.expires_at));
    expect(renewed.json.renewal_count).toBe(1);
    const revoked = await call("DELETE", `/v1/dynamic/leases/${lease.json.lease_id}`);
    expect(revoked.json).toMatchObject({ lease_id: lease.json.lease_id, revoked: true });
    const after = await get("/v1/dynamic/leases");
    expect(after.json.items.map((l: any) => l.lease_id)).not.toContain(lease.json.lease_id);
    expect((await call("POST", `/v1/dynamic/leases/${lease.json.lease_id}/renew`)).status).toBe(404);
    const tooLong = await call(
      "POST",
      `/v1/dynamic/engines/${s.engines.postgres}/roles/${s.roles.readonly}/credentials`,
      { body: { ttl: "2d" } },
    );
    expect(tooLong.json.error.code).toBe("ttl_exceeds_max");
    const expiring = await get("/v1/dynamic/expiring-leases");
    expect(expiring.json.items.map((l: any) => l.lease_id)).toEqual([s.leases.expiringSoon]);
  });
});

describe("effects across areas", () => {
  it("rotation writes a generated version; expiry and due lists reflect the seed", async () => {
    const path = up.seed.secrets.stripe;
    const before = await get(`/v1/secrets/${path}`);
    const rotated = await call("POST", `/v1/secret-rotations/${path}`, { body: { reason: "test" } });
    expect(rotated.json).toMatchObject({ previous_version: 1, version: 2, generated: true });
    const after = await get(`/v1/secrets/${path}`);
    expect(after.json.value).not.toBe(before.json.value);
    expect(after.json.value).toHaveLength(32);
    const expiring = await get("/v1/secret-expirations?within=30d");
    expect(expiring.json.items.map((i: any) => [i.path, i.expired])).toEqual(
      expect.arrayContaining([
        [up.seed.secrets.deployKey, true],
        [up.seed.secrets.smtp, false],
      ]),
    );
    const due = await get("/v1/rotation-schedule?within=7d");
    expect(due.json.items.find((d: any) => d.path === up.seed.secrets.primaryDb)).toMatchObject({
      overdue: true,
      strategy: "notify",
    });
  });

  it("a deleted subscription no longer lists; a synced backend's secrets read back", async () => {
    const id = up.seed.subscriptions.email;
    expect((await call("DELETE", `/v1/events/subscriptions/${id}`)).json).toMatchObject({
      id,
      deleted: true,
    });
    expect((await get("/v1/events/subscriptions")).json.items.map((s: any) => s.id)).not.toContain(id);
    expect((await get(`/v1/events/subscriptions/${id}`)).status).toBe(404);
    const dry = await call("POST", `/v1/federation/backends/${up.seed.backends.legacyVault}/sync`, {
      body: { dry_run: true },
    });
    const synced = await call("POST", `/v1/federation/backends/${up.seed.backends.legacyVault}/sync`);
    expect(synced.json.paths).toEqual(dry.json.paths);
    for (const path of synced.json.paths) expect((await get(`/v1/secrets/${path}`)).status).toBe(200);
    const unreachable = await get(`/v1/federation/proxy/${up.seed.backends.gcpUnreachable}/any/path`);
    expect(unreachable.status).toBe(502);
    const test = await call("POST", `/v1/federation/backends/${up.seed.backends.gcpUnreachable}/test`);
    expect(test.json).toMatchObject({ ok: false });
  });
});

describe("recording and faults", () => {
  it("records the raw path, parsed query, lower-case headers and the body", async () => {
    await call("PUT", "/v1/secrets/apps/recorded/x%2Dy", {
      body: { value: "v" },
      headers: { "X-ScaiVault-Tenant": "acme" },
    });
    const r = up.requests.at(-1)!;
    expect(r).toMatchObject({
      method: "PUT",
      path: "/v1/secrets/apps/recorded/x%2Dy",
      operationId: "writeSecret",
      status: 201,
    });
    expect(r.headers["x-scaivault-tenant"]).toBe("acme");
    expect(r.body).toEqual({ raw: '{"value":"v"}', json: { value: "v" } });
    expect((await get("/v1/secrets/apps/recorded/x-y")).status).toBe(200);
    await get("/v1/secrets?prefix=apps/&limit=5");
    expect(up.requests.at(-1)!.query).toEqual({ prefix: "apps/", limit: "5" });
  });

  it("answers with an injected fault once", async () => {
    up.injectFault({
      operationId: "listCas",
      status: 500,
      body: "<html>db.internal:5432 token=abc</html>",
      headers: { "content-type": "text/html" },
    });
    const res = await fetch(`${up.url}/v1/pki/cas`, {
      headers: { authorization: `Bearer ${up.tokens.admin}` },
    });
    expect(res.status).toBe(500);
    expect(await res.text()).toContain("db.internal");
    expect((await get("/v1/pki/cas")).status).toBe(200);
  });

  it("never answered outside its own spec", () => {
    expect(up.violations.filter((v) => v.kind === "response")).toEqual([]);
  });
});
