import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { SEED_TOOLS } from "../upstreams/scaivault/seed-tools.js";
import { x509 } from "../upstreams/scaivault/x509.js";
import { connect, OPERATION_OF, type Session, textOf } from "./scaivault/harness.js";

// The generated ScaiVault server (`toolwright serve scaivault`, a child process over stdio, driven by the v2
// SDK client) in front of the reference upstream. Every one of the 67 tools is called with valid arguments;
// each call is checked twice: the tool result, and what the upstream received and did (its recorded requests,
// its store, and follow-up tool calls). The sections follow the seed's tool groups and share one upstream
// and one server process, so state carries from one step to the next as it would for an agent.

const SEED_FILE = resolve(ROOT, "../shared/seeds/004_eb9c5af51c4bbffb.txt");

/** The tool names of the seed's "Tool catalog" section, in order. */
function seedToolNames(text: string): string[] {
  const start = text.indexOf("Tool catalog");
  const end = text.indexOf("(67 tools total.)");
  expect(start, "the seed's Tool catalog section").toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return [...text.slice(start, end).matchAll(/\bscaivault_[a-z_]+\b/g)].map((m) => m[0]);
}

let up: ScaivaultUpstream;
/** `user:admin@acme.example`: every scope. */
let admin: Session;
/** `sa:report-runner` (its API key): `secrets:read`, may read integrations/* only. */
let runner: Session;

const acme = () => up.store.tenants.get("acme")!;
const ids = (items: Array<Record<string, any>>, key = "id") => items.map((item) => item[key]);
/** The seed's story: sa:report-runner is denied reads of this path (no policy covers it). */
const DENIED_PATH = "infra/db/primary/credentials";
const PEM = /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/;

beforeAll(async () => {
  up = await startScaivaultUpstream();
  [admin, runner] = await Promise.all([
    connect({ upstream: up, token: up.tokens.admin, label: "admin" }),
    connect({ upstream: up, token: up.tokens.reportRunner, label: "report-runner" }),
  ]);
});

afterAll(async () => {
  await Promise.all([admin?.close(), runner?.close()]);
  await up?.close();
});

describe("the catalog", () => {
  it("lists exactly the seed's 67 tools, in the seed's order", async () => {
    const { tools } = await admin.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toHaveLength(67);
    expect(new Set(names).size).toBe(67);
    expect(names).toEqual(SEED_TOOLS);
    for (const tool of tools) {
      expect(tool.name, "prefixed, within a 64-character client budget").toMatch(/^scaivault_[a-z_]{1,54}$/);
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe("object");
    }
    const destructive = tools.filter((t) => t.annotations?.destructiveHint).map((t) => t.name);
    expect(destructive.sort()).toEqual([
      "scaivault_delete_api_key",
      "scaivault_delete_secret",
      "scaivault_delete_service_account",
      "scaivault_delete_subscription",
      "scaivault_revoke_certificate",
      "scaivault_revoke_lease",
    ]);
  });

  it.skipIf(!existsSync(SEED_FILE))("the seed file names the same 67 tools", () => {
    // SEED_TOOLS is the literal copy the repository carries; this ties it to the seed itself where present.
    expect(seedToolNames(readFileSync(SEED_FILE, "utf8"))).toEqual(SEED_TOOLS);
  });
});

describe("secrets", () => {
  const path = "apps/e2e/db-password";

  it("seed interaction 1: listing under integrations/ returns paths and metadata, never values", async () => {
    const result = await runner.call("scaivault_list_secrets", { prefix: "integrations/" });
    const items = result.structuredContent!.items as Array<Record<string, any>>;
    expect(ids(items, "path")).toEqual(["integrations/salesforce/oauth", "integrations/stripe/api-key"]);
    expect(items[0]).toMatchObject({ version: 3, tenant: "acme", tags: ["crm", "oauth"] });
    expect(items[1]).toMatchObject({ version: 1 });
    expect(items[1]!.expires_at).toBeTypeOf("string");
    for (const item of items) {
      expect(item).not.toHaveProperty("value");
      expect(item).not.toHaveProperty("data");
    }
    expect(result.request?.query).toEqual({ prefix: "integrations/" });
    expect(textOf(result)).not.toMatch(/sf-secret|sf-refresh/);
  });

  it("reads a secret by its multi-segment path, in a named tenant", async () => {
    const result = await admin.call("scaivault_read_secret", {
      path: "integrations/salesforce/oauth",
      tenant: "acme",
    });
    expect(result.structuredContent).toMatchObject({ path: "integrations/salesforce/oauth", version: 3 });
    expect(result.structuredContent!.data.client_id).toBe("3MVG9seedClientId");
    // The path's slashes stay path separators; the tenant goes in its header.
    expect(result.request?.path).toBe("/v1/secrets/integrations/salesforce/oauth");
    expect(result.request?.headers["x-scaivault-tenant"]).toBe("acme");
    expect(result.request?.headers.authorization).toBe(`Bearer ${up.tokens.admin}`);
  });

  it("a written secret reads back, and a second write makes a new version", async () => {
    const first = await admin.ok("scaivault_write_secret", {
      path,
      value: "e2e-first-value-1",
      tags: ["e2e"],
      description: "written by the e2e test",
      ttl: "30d",
      cas: 0,
    });
    expect(first).toMatchObject({ path, version: 1, tags: ["e2e"], created_by: "user:admin@acme.example" });
    expect(first).not.toHaveProperty("value");
    const put = up.requests.at(-1)!;
    expect(put).toMatchObject({ method: "PUT", path: `/v1/secrets/${path}`, status: 201 });
    expect(put.body?.json).toEqual({
      value: "e2e-first-value-1",
      tags: ["e2e"],
      description: "written by the e2e test",
      ttl: "30d",
      cas: 0,
    });

    const second = await admin.ok("scaivault_write_secret", { path, value: "e2e-second-value-2", cas: 1 });
    expect(second.version).toBe(2);
    expect(
      acme()
        .secrets.get(path)
        ?.versions.map((v) => v.value),
    ).toEqual(["e2e-first-value-1", "e2e-second-value-2"]);

    const latest = await admin.ok("scaivault_read_secret", { path });
    expect(latest).toMatchObject({ path, version: 2, value: "e2e-second-value-2", tags: ["e2e"] });
    const older = await admin.ok("scaivault_read_secret", { path, version: 1 });
    expect(older).toMatchObject({ version: 1, value: "e2e-first-value-1" });
    expect(up.requests.at(-1)?.query).toEqual({ version: "1" });
  });

  it("a stale check-and-set write is refused by the upstream and changes nothing", async () => {
    const result = await admin.call("scaivault_write_secret", { path, value: "lost-update", cas: 1 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/409/);
    expect(acme().secrets.get(path)?.versions).toHaveLength(2);
  });

  it("lists the version history, newest first", async () => {
    const history = await admin.ok("scaivault_get_secret_versions", { path });
    expect(history).toMatchObject({ path, current_version: 2 });
    expect(history.items.map((v: any) => [v.version, v.state])).toEqual([
      [2, "current"],
      [1, "previous"],
    ]);
  });

  it("finds secrets expiring within a window, expired ones included", async () => {
    const result = await admin.ok("scaivault_check_expiration", { within: "30d" });
    const byPath = new Map(result.items.map((item: any) => [item.path, item]));
    expect(byPath.get("infra/ssh/deploy-key")).toMatchObject({ expired: true });
    expect(byPath.get("integrations/stripe/api-key")).toMatchObject({ expired: false, version: 1 });
    expect(byPath.get("apps/billing/smtp-password")).toMatchObject({ expired: false });
    // Expiry is per version: the second write gave no ttl, so the current version never expires.
    expect(byPath.has(path)).toBe(false);
    expect(byPath.has("integrations/salesforce/oauth")).toBe(false);
  });

  it("a rotated secret has a new version with a new value", async () => {
    const target = "integrations/stripe/api-key";
    const before = await admin.ok("scaivault_read_secret", { path: target });
    const rotated = await admin.ok("scaivault_rotate_secret", { path: target, reason: "e2e rotation" });
    expect(rotated).toMatchObject({
      path: target,
      previous_version: before.version,
      version: before.version + 1,
      generated: true,
      reason: "e2e rotation",
    });
    expect(up.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/v1/secret-rotations/${target}`,
      body: { json: { reason: "e2e rotation" } },
    });
    const after = await admin.ok("scaivault_read_secret", { path: target });
    expect(after.version).toBe(before.version + 1);
    expect(after.value).not.toBe(before.value);
    expect(acme().secrets.get(target)?.versions.at(-1)?.rotation).toBe(true);
  });

  it("a deleted secret is gone, with all its versions", async () => {
    const deleted = await admin.callConfirmed("scaivault_delete_secret", { path });
    expect(deleted).toMatchObject({ path, deleted: true, versions_deleted: 2 });
    expect(acme().secrets.has(path)).toBe(false);
    const read = await admin.call("scaivault_read_secret", { path });
    expect(read.isError).toBe(true);
    expect(textOf(read)).toMatch(/404/);
    const listed = await admin.ok("scaivault_list_secrets", { prefix: "apps/e2e/" });
    expect(listed.items).toEqual([]);
  });
});

describe("secret policies", () => {
  let policyId = "";

  it("lists the policy types with their parameters", async () => {
    const result = await admin.ok("scaivault_get_policy_types");
    expect(ids(result.items, "type")).toEqual(
      expect.arrayContaining(["password", "passphrase", "api_key", "hex", "base64", "uuid"]),
    );
    const password = result.items.find((t: any) => t.type === "password");
    expect(ids(password.parameters, "name")).toContain("length");
  });

  it("creates a secret policy and reads it back, by id and in the list", async () => {
    const args = { name: "e2e-hex-token", type: "hex", rules: { length: 16 }, description: "e2e" };
    const created = await admin.ok("scaivault_create_secret_policy", args);
    expect(created).toMatchObject({ ...args });
    expect(created.id).toMatch(/^spol_/);
    policyId = created.id;
    expect(up.requests.at(-1)?.body?.json).toEqual(args);

    expect(await admin.ok("scaivault_get_secret_policy", { policy_id: policyId })).toMatchObject({
      id: policyId,
      name: "e2e-hex-token",
    });
    const listed = await admin.ok("scaivault_list_secret_policies", { limit: 50 });
    expect(ids(listed.items)).toEqual(
      expect.arrayContaining(["spol_strong_password", "spol_api_token", "spol_passphrase", policyId]),
    );
  });

  it("previews a generated value from the new policy without storing anything", async () => {
    const secretsBefore = acme().secrets.size;
    const preview = await admin.ok("scaivault_generate_secret_preview", { policy_id: policyId });
    expect(preview).toMatchObject({ policy_id: policyId, type: "hex" });
    expect(preview.value).toMatch(/^[0-9a-f]+$/);
    expect(preview.length).toBe(preview.value.length);
    expect(preview.entropy_bits).toBeGreaterThan(0);
    expect(acme().secrets.size).toBe(secretsBefore);
  });
});

describe("access policies", () => {
  it("lists the policies naming a subject and gets one", async () => {
    const listed = await admin.ok("scaivault_list_policies", { subject: "sa:report-runner" });
    expect(ids(listed.items)).toContain("pol_integrations_readers");
    for (const policy of listed.items) expect(policy.subjects).toContain("sa:report-runner");
    expect(up.requests.at(-1)?.query).toEqual({ subject: "sa:report-runner" });

    const policy = await admin.ok("scaivault_get_policy", { policy_id: "pol_integrations_readers" });
    expect(policy).toMatchObject({ id: "pol_integrations_readers" });
    expect(policy.rules.length).toBeGreaterThan(0);
  });

  it("a new policy changes what a real principal may read, and the policy test explains it", async () => {
    const target = "apps/billing/smtp-password";
    const denied = await runner.call("scaivault_read_secret", { path: target });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/403/);

    const before = await admin.ok("scaivault_test_policy", {
      subject: "sa:report-runner",
      path: target,
      action: "read",
    });
    expect(before).toMatchObject({ allowed: false, decision: "deny" });

    const created = await admin.ok("scaivault_create_policy", {
      name: "e2e-billing-readers",
      subjects: ["sa:report-runner"],
      rules: [{ paths: ["apps/billing/*"], actions: ["read", "list"], effect: "allow" }],
    });
    expect(created.id).toMatch(/^pol_/);
    expect(created.created_by).toBe("user:admin@acme.example");

    const after = await admin.ok("scaivault_test_policy", {
      subject: "sa:report-runner",
      path: target,
      action: "read",
    });
    expect(after).toMatchObject({ allowed: true, decision: "allow" });
    expect(JSON.stringify(after.matched_rules)).toContain(created.id);

    const read = await runner.ok("scaivault_read_secret", { path: target });
    expect(read).toMatchObject({ path: target });
    expect(read.value).toBeTypeOf("string");
  });
});

describe("rotation", () => {
  it("lists rotation policies and the secrets due", async () => {
    const policies = await admin.ok("scaivault_list_rotation_policies");
    expect(ids(policies.items)).toEqual(
      expect.arrayContaining(["rpol_quarterly_integrations", "rpol_db_monthly"]),
    );
    const due = await admin.ok("scaivault_get_secrets_due_rotation", { within: "7d" });
    const byPath = new Map(due.items.map((item: any) => [item.path, item]));
    expect(byPath.get("infra/db/primary/credentials")).toMatchObject({
      overdue: true,
      rotation_policy_id: "rpol_db_monthly",
    });
    expect(byPath.get("integrations/salesforce/oauth")).toMatchObject({
      overdue: false,
      rotation_policy_id: "rpol_quarterly_integrations",
    });
  });

  it("a new rotation policy puts its paths on the schedule", async () => {
    const before = await admin.ok("scaivault_get_secrets_due_rotation", {
      within: "1d",
      prefix: "apps/billing/",
    });
    const created = await admin.ok("scaivault_create_rotation_policy", {
      name: "e2e-billing-daily",
      paths: ["apps/billing/*"],
      interval: "1d",
      strategy: "generate",
      secret_policy_id: "spol_strong_password",
    });
    expect(created).toMatchObject({ paths: ["apps/billing/*"], interval: "1d" });
    const after = await admin.ok("scaivault_get_secrets_due_rotation", {
      within: "1d",
      prefix: "apps/billing/",
    });
    const governed = after.items.filter((item: any) => item.rotation_policy_id === created.id);
    expect(governed.length).toBeGreaterThan(0);
    // No seeded rotation policy covers apps/billing/.
    expect(before.items).toEqual([]);
    for (const item of after.items) expect(item.path.startsWith("apps/billing/")).toBe(true);
  });
});

describe("service accounts and API keys", () => {
  let accountId = "";
  let keyId = "";
  let key = "";
  const fetchWith = (token: string) =>
    fetch(`${up.url}/v1/secrets?prefix=apps/`, { headers: { authorization: `Bearer ${token}` } });

  it("lists and gets service accounts", async () => {
    const listed = await admin.ok("scaivault_list_service_accounts");
    expect(ids(listed.items)).toEqual(["sa_report_runner", "sa_ci_deployer", "sa_backup_agent"]);
    expect(listed.items.find((sa: any) => sa.id === "sa_backup_agent").disabled).toBe(true);
    const account = await admin.ok("scaivault_get_service_account", { account_id: "sa_report_runner" });
    expect(account).toMatchObject({ subject: "sa:report-runner", scopes: ["secrets:read"] });
  });

  it("create an account, create a key that works as a bearer token, list it", async () => {
    const account = await admin.ok("scaivault_create_service_account", {
      name: "e2e-deployer",
      description: "e2e",
      scopes: ["secrets:read", "secrets:write"],
    });
    expect(account).toMatchObject({ subject: "sa:e2e-deployer", disabled: false, api_key_count: 0 });
    accountId = account.id;

    const created = await admin.ok("scaivault_create_api_key", {
      account_id: accountId,
      name: "e2e-ci",
      scopes: ["secrets:read"],
      ttl: "30d",
    });
    expect(created).toMatchObject({
      service_account_id: accountId,
      name: "e2e-ci",
      scopes: ["secrets:read"],
    });
    expect(created.key).toMatch(/^scai_live_/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    keyId = created.id;
    key = created.key;
    expect((await fetchWith(key)).status).toBe(200);

    const keys = await admin.ok("scaivault_list_api_keys", { account_id: accountId });
    expect(ids(keys.items)).toEqual([keyId]);
    expect(keys.items[0]).not.toHaveProperty("key");
  });

  it("disabling the account stops its keys", async () => {
    const updated = await admin.ok("scaivault_update_service_account", {
      account_id: accountId,
      description: "disabled by e2e",
      disabled: true,
    });
    expect(updated).toMatchObject({ disabled: true, description: "disabled by e2e", api_key_count: 1 });
    expect(up.requests.at(-1)).toMatchObject({ method: "PATCH", path: `/v1/service-accounts/${accountId}` });
    expect((await admin.ok("scaivault_get_service_account", { account_id: accountId })).disabled).toBe(true);
    expect((await fetchWith(key)).status).toBe(401);
  });

  it("a deleted API key no longer lists; a deleted account is gone", async () => {
    const deletedKey = await admin.callConfirmed("scaivault_delete_api_key", {
      account_id: accountId,
      key_id: keyId,
    });
    expect(deletedKey).toMatchObject({ id: keyId, deleted: true });
    expect((await admin.ok("scaivault_list_api_keys", { account_id: accountId })).items).toEqual([]);

    const deleted = await admin.callConfirmed("scaivault_delete_service_account", { account_id: accountId });
    expect(deleted).toMatchObject({ id: accountId, deleted: true });
    const gone = await admin.call("scaivault_get_service_account", { account_id: accountId });
    expect(gone.isError).toBe(true);
    expect(textOf(gone)).toMatch(/404/);
    expect(acme().serviceAccounts.has(accountId)).toBe(false);
  });
});

describe("PKI", () => {
  let caId = "";
  let caPem = "";
  let certId = "";
  let certPem = "";

  it("lists the CAs and gets the root's certificate", async () => {
    const listed = await admin.ok("scaivault_list_cas");
    expect(ids(listed.items)).toContain("ca_acme_root");
    const ca = await admin.ok("scaivault_get_ca", { ca_id: "ca_acme_root" });
    expect(ca.certificate).toMatch(PEM);
    expect(new x509.X509Certificate(ca.certificate).subject).toContain("Acme Internal Root CA");
  });

  it("creates a root CA whose certificate is self-signed", async () => {
    const ca = await admin.ok("scaivault_create_root_ca", {
      common_name: "E2E Root CA",
      organization: "Acme",
      country: "NL",
      key_algorithm: "ec-p256",
      ttl: "365d",
    });
    expect(ca.id).toMatch(/^ca_/);
    caId = ca.id;
    caPem = ca.certificate;
    const cert = new x509.X509Certificate(caPem);
    expect(cert.subject).toBe(cert.issuer);
    expect(await cert.verify({ signatureOnly: true })).toBe(true);
  });

  it("an issued certificate is real X.509 signed by its CA, and validates", async () => {
    const issued = await admin.ok("scaivault_issue_certificate", {
      ca_id: caId,
      common_name: "svc.e2e.acme.example",
      alt_names: ["svc.e2e.acme.example", "alt.e2e.acme.example"],
      ip_sans: ["10.1.2.3"],
      ttl: "30d",
    });
    expect(issued).toMatchObject({ ca_id: caId, common_name: "svc.e2e.acme.example", status: "valid" });
    expect(issued.private_key).toMatch(/-----BEGIN PRIVATE KEY-----/);
    expect(issued.chain).toEqual([caPem]);
    certId = issued.id;
    certPem = issued.certificate;
    const cert = new x509.X509Certificate(certPem);
    const ca = new x509.X509Certificate(caPem);
    expect(await cert.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.names.items.map((n) => n.value)).toEqual(
      expect.arrayContaining(["svc.e2e.acme.example", "alt.e2e.acme.example", "10.1.2.3"]),
    );

    expect(await admin.ok("scaivault_get_certificate", { certificate_id: certId })).toMatchObject({
      id: certId,
      status: "valid",
      certificate: certPem,
    });
    const listed = await admin.ok("scaivault_list_certificates", { ca_id: caId });
    expect(ids(listed.items)).toEqual([certId]);

    const validation = await admin.ok("scaivault_validate_certificate", { certificate: certPem });
    expect(validation).toMatchObject({ valid: true, certificate_id: certId, ca_id: caId, errors: [] });
  });

  it("lists certificates expiring soon", async () => {
    const expiring = await admin.ok("scaivault_check_expiring_certs", { within: "30d" });
    expect(ids(expiring.items)).toEqual(expect.arrayContaining(["cert_grafana_internal", certId]));
    expect(ids(expiring.items)).not.toContain("cert_api_internal");
  });

  it("a revoked certificate no longer validates", async () => {
    const revoked = await admin.callConfirmed("scaivault_revoke_certificate", {
      certificate_id: certId,
      reason: "key_compromise",
    });
    expect(revoked).toMatchObject({ id: certId, status: "revoked", revocation_reason: "key_compromise" });
    const validation = await admin.ok("scaivault_validate_certificate", { certificate_id: certId });
    expect(validation.valid).toBe(false);
    expect(validation.checks).toMatchObject({ signature: true, time_valid: true, not_revoked: false });
    const expiring = await admin.ok("scaivault_check_expiring_certs", { within: "30d", ca_id: caId });
    expect(expiring.items).toEqual([]);
  });
});

describe("ACME", () => {
  it("account, order, challenge, certificate", async () => {
    const accounts = await admin.ok("scaivault_list_acme_accounts");
    expect(ids(accounts.items)).toContain("acct_letsencrypt_ops");

    const account = await admin.ok("scaivault_create_acme_account", {
      contact: ["pki-team@acme.example"],
      terms_of_service_agreed: true,
    });
    expect(account).toMatchObject({ status: "valid", contact: ["pki-team@acme.example"] });

    const order = await admin.ok("scaivault_create_acme_order", {
      account_id: account.id,
      identifiers: ["www.e2e.acme.example"],
      challenge_type: "dns-01",
    });
    expect(order.status).toBe("pending");
    const challenge = order.authorizations[0].challenges[0];
    expect(challenge).toMatchObject({ type: "dns-01", record_name: "_acme-challenge.www.e2e.acme.example" });

    const pending = await admin.ok("scaivault_list_acme_orders", { account_id: account.id });
    expect(pending.items.map((o: any) => [o.id, o.status])).toEqual([[order.id, "pending"]]);

    const ready = await admin.ok("scaivault_complete_acme_challenge", {
      order_id: order.id,
      challenge_id: challenge.id,
    });
    expect(ready.status).toBe("ready");
    expect(up.requests.at(-1)?.path).toBe(`/v1/acme/orders/${order.id}/challenges/${challenge.id}/complete`);

    const issued = await admin.ok("scaivault_request_certificate", { order_id: order.id });
    expect(issued).toMatchObject({
      order_id: order.id,
      status: "valid",
      identifiers: ["www.e2e.acme.example"],
    });
    const cert = new x509.X509Certificate(issued.certificate);
    const issuer = new x509.X509Certificate(issued.chain[0]);
    expect(await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true })).toBe(true);
    expect(issued.private_key).toMatch(/PRIVATE KEY/);

    const valid = await admin.ok("scaivault_list_acme_orders", { account_id: account.id, status: "valid" });
    expect(valid.items.map((o: any) => o.certificate_serial)).toEqual([issued.serial]);
  });
});

describe("dynamic secrets", () => {
  it("seed interaction 3: Postgres read-only credentials for 1h, a lease that can be revoked", async () => {
    const started = Date.now();
    const lease = await admin.ok("scaivault_generate_credentials", {
      engine: "postgres-prod",
      role: "readonly",
      ttl: "1h",
    });
    expect(lease).toMatchObject({ engine: "postgres-prod", role: "readonly", ttl_seconds: 3600 });
    expect(lease.lease_id).toMatch(/^lease_/);
    const expiresIn = Date.parse(lease.expires_at) - started;
    expect(expiresIn).toBeGreaterThan(3_590_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000 + 60_000);
    expect(lease.data.username).toMatch(/^v_readonly_/);
    expect(lease.data.connection_url).toMatch(/^postgresql:\/\/v_readonly_[a-z0-9]+:[^@]+@[^/]+:5432\//);
    expect(up.requests.at(-1)).toMatchObject({
      method: "POST",
      path: "/v1/dynamic/engines/postgres-prod/roles/readonly/credentials",
      body: { json: { ttl: "1h" } },
    });

    const active = await admin.ok("scaivault_list_leases", { engine: "postgres-prod" });
    expect(ids(active.items, "lease_id")).toContain(lease.lease_id);

    const revoked = await admin.callConfirmed("scaivault_revoke_lease", { lease_id: lease.lease_id });
    expect(revoked).toMatchObject({ lease_id: lease.lease_id, revoked: true });
    const after = await admin.ok("scaivault_list_leases", { engine: "postgres-prod" });
    expect(ids(after.items, "lease_id")).not.toContain(lease.lease_id);
    expect(acme().leases.has(lease.lease_id)).toBe(false);
    const renew = await admin.call("scaivault_renew_lease", { lease_id: lease.lease_id });
    expect(renew.isError).toBe(true);
    expect(textOf(renew)).toMatch(/404/);
  });

  it("lists engines and roles", async () => {
    const engines = await admin.ok("scaivault_list_dynamic_engines");
    expect(ids(engines.items, "name")).toEqual(["postgres-prod", "mysql-analytics"]);
    for (const engine of engines.items) expect(engine.connection).not.toHaveProperty("password");
    const engine = await admin.ok("scaivault_get_dynamic_engine", { engine: "postgres-prod" });
    expect(engine).toMatchObject({ name: "postgres-prod", type: "postgres", role_count: 2 });
    const roles = await admin.ok("scaivault_list_dynamic_roles", { engine: "postgres-prod" });
    expect(ids(roles.items, "name").sort()).toEqual(["readonly", "readwrite"]);
  });

  it("a new engine and role issue credentials on that database; leases renew and expire", async () => {
    const engine = await admin.ok("scaivault_create_dynamic_engine", {
      name: "e2e-analytics",
      type: "postgres",
      connection: {
        host: "analytics.db.e2e.example",
        port: 6432,
        database: "warehouse",
        username: "vault_admin",
        password: "e2e-engine-admin-password",
      },
      default_ttl: "30m",
      max_ttl: "4h",
    });
    expect(engine).toMatchObject({ name: "e2e-analytics", default_ttl: "30m", max_ttl: "4h", role_count: 0 });
    expect(engine.connection).not.toHaveProperty("password");
    expect(acme().engines.get("e2e-analytics")?.password).toBe("e2e-engine-admin-password");

    const role = await admin.ok("scaivault_create_dynamic_role", {
      engine: "e2e-analytics",
      name: "analyst",
      creation_statements: [
        "CREATE ROLE \"{{name}}\" LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
      ],
      default_ttl: "15m",
    });
    expect(role).toMatchObject({
      engine: "e2e-analytics",
      name: "analyst",
      default_ttl: "15m",
      max_ttl: "4h",
    });
    const roles = await admin.ok("scaivault_list_dynamic_roles", { engine: "e2e-analytics" });
    expect(ids(roles.items, "name")).toEqual(["analyst"]);

    const lease = await admin.ok("scaivault_generate_credentials", {
      engine: "e2e-analytics",
      role: "analyst",
    });
    expect(lease.ttl_seconds).toBe(900);
    expect(lease.data.connection_url).toMatch(
      /^postgresql:\/\/v_analyst_[^@]+@analytics\.db\.e2e\.example:6432\/warehouse$/,
    );

    const renewed = await admin.ok("scaivault_renew_lease", { lease_id: lease.lease_id, increment: "1h" });
    expect(renewed).toMatchObject({ lease_id: lease.lease_id, renewal_count: 1 });
    expect(renewed.ttl_seconds).toBeGreaterThan(3500);
    expect(up.requests.at(-1)?.body?.json).toEqual({ increment: "1h" });

    // The seed's lease has 20 minutes left; the renewed one about an hour.
    const expiring = await admin.ok("scaivault_check_expiring_leases", { within: "30m" });
    expect(ids(expiring.items, "lease_id")).toContain("lease_seed_readonly_expiring");
    expect(ids(expiring.items, "lease_id")).not.toContain(lease.lease_id);
  });
});

describe("federation", () => {
  it("lists, gets and tests backends; an unreachable one reports it", async () => {
    const listed = await admin.ok("scaivault_list_federation_backends");
    expect(ids(listed.items)).toEqual(["fed_aws_prod", "fed_legacy_vault", "fed_gcp_staging"]);
    const aws = await admin.ok("scaivault_get_federation_backend", { backend_id: "fed_aws_prod" });
    expect(aws).toMatchObject({ type: "aws-secrets-manager", mode: "proxy" });
    expect(aws).not.toHaveProperty("credentials");

    expect(await admin.ok("scaivault_test_federation_backend", { backend_id: "fed_aws_prod" })).toMatchObject(
      {
        ok: true,
      },
    );
    const down = await admin.ok("scaivault_test_federation_backend", { backend_id: "fed_gcp_staging" });
    expect(down).toMatchObject({ ok: false });
    expect(down.message).toBeTypeOf("string");
    const after = await admin.ok("scaivault_get_federation_backend", { backend_id: "fed_gcp_staging" });
    expect(after.status).toBe("unreachable");
  });

  it("reads through a proxy backend without copying into the vault", async () => {
    const secretsBefore = acme().secrets.size;
    const read = await admin.ok("scaivault_proxy_read", {
      backend_id: "fed_aws_prod",
      path: "payments/adyen/api-key",
    });
    expect(read).toMatchObject({ backend_id: "fed_aws_prod", path: "payments/adyen/api-key" });
    expect(read.value).toBeTypeOf("string");
    expect(up.requests.at(-1)?.path).toBe("/v1/federation/proxy/fed_aws_prod/payments/adyen/api-key");
    expect(acme().secrets.size).toBe(secretsBefore);
  });

  it("a dry-run sync changes nothing; a sync copies the backend's secrets into the vault", async () => {
    const dry = await admin.ok("scaivault_sync_federation_backend", {
      backend_id: "fed_legacy_vault",
      dry_run: true,
    });
    expect(dry.dry_run).toBe(true);
    expect(dry.created).toBeGreaterThan(0);
    for (const path of dry.paths) expect(acme().secrets.has(path)).toBe(false);

    const real = await admin.ok("scaivault_sync_federation_backend", { backend_id: "fed_legacy_vault" });
    expect(real).toMatchObject({ dry_run: false, created: dry.created, paths: dry.paths });
    const copied = await admin.ok("scaivault_read_secret", { path: real.paths[0] });
    expect(copied).toMatchObject({ path: real.paths[0], version: 1 });
    expect(copied.tags).toContain("federated");
  });

  it("registers a backend; its credentials are stored and never returned", async () => {
    const created = await admin.ok("scaivault_create_federation_backend", {
      name: "e2e-vault",
      type: "hashicorp-vault",
      mode: "sync",
      config: { address: "https://vault.e2e.acme.example", mount: "secret" },
      credentials: { token: "hvs.e2e-federation-token" },
    });
    expect(created).toMatchObject({ name: "e2e-vault", mode: "sync", mount_prefix: "federated/e2e-vault/" });
    expect(created).not.toHaveProperty("credentials");
    expect(acme().backends.get(created.id)?.credentials).toEqual({ token: "hvs.e2e-federation-token" });
    expect(admin.traffic.at(-1)).not.toContain("hvs.e2e-federation-token");
  });
});

describe("subscriptions and events", () => {
  it("lists the event types and the subscriptions", async () => {
    const types = await admin.ok("scaivault_list_event_types");
    expect(types.items).toHaveLength(16);
    expect(ids(types.items, "type")).toEqual(expect.arrayContaining(["secret.rotated", "lease.revoked"]));
    const subs = await admin.ok("scaivault_list_subscriptions");
    expect(ids(subs.items)).toEqual(["sub_secops_webhook", "sub_rotation_email"]);
    const webhook = await admin.ok("scaivault_get_subscription", { subscription_id: "sub_secops_webhook" });
    expect(webhook.destination.type).toBe("webhook");
    expect(webhook.destination).not.toHaveProperty("signing_secret");
  });

  it("a created subscription lists; once deleted it no longer does", async () => {
    const created = await admin.ok("scaivault_create_subscription", {
      name: "e2e-rotations",
      event_types: ["secret.rotated", "lease.revoked"],
      path_prefix: "integrations/",
      destination: {
        type: "webhook",
        url: "https://hooks.e2e.acme.example/vault",
        signing_secret: "e2e-signing-secret-0123456789",
      },
    });
    expect(created).toMatchObject({ active: true, destination: { type: "webhook" } });
    expect(created.destination).not.toHaveProperty("signing_secret");
    const fetched = await admin.ok("scaivault_get_subscription", { subscription_id: created.id });
    expect(fetched).toMatchObject({ id: created.id, event_types: ["secret.rotated", "lease.revoked"] });
    expect(ids((await admin.ok("scaivault_list_subscriptions")).items)).toContain(created.id);

    const deleted = await admin.callConfirmed("scaivault_delete_subscription", {
      subscription_id: created.id,
    });
    expect(deleted).toMatchObject({ id: created.id, deleted: true });
    expect(ids((await admin.ok("scaivault_list_subscriptions")).items)).not.toContain(created.id);
    const gone = await admin.call("scaivault_get_subscription", { subscription_id: created.id });
    expect(gone.isError).toBe(true);
    expect(acme().subscriptions.has(created.id)).toBe(false);
  });
});

/**
 * A window start later than every audit event so far (times have millisecond resolution, and the previous
 * test's last event may share the current millisecond): spins for at most a millisecond.
 */
function afterLastAuditEvent(): string {
  const last = Math.max(0, ...acme().audit.map((e) => Date.parse(e.time)));
  while (Date.now() <= last) {
    // Busy-wait: well under the resolution of any timer.
  }
  return new Date().toISOString();
}

describe("audit", () => {
  const target = DENIED_PATH;
  /** Just before the denied reads below: the window holds them and the audit queries, nothing else. */
  let since = "";

  it("seed interaction 2: the failed reads a principal just made are found in the time window", async () => {
    since = afterLastAuditEvent();
    for (let attempt = 0; attempt < 3; attempt++) {
      const denied = await runner.call("scaivault_read_secret", { path: target });
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toMatch(/403/);
      expect(up.requests.at(-1)).toMatchObject({ operationId: "readSecret", status: 403 });
    }
    const until = new Date(Date.now() + 1).toISOString();

    const events = await admin.ok("scaivault_query_audit", {
      since,
      until,
      actor: "sa:report-runner",
      outcome: "denied",
      path_prefix: "infra/",
      order: "asc",
    });
    expect(events.items).toHaveLength(3);
    for (const event of events.items) {
      expect(event).toMatchObject({ actor: "sa:report-runner", action: "secret.read", path: target });
      expect(event.reason).toBe("access_denied");
      expect(Date.parse(event.time)).toBeGreaterThanOrEqual(Date.parse(since));
    }
    expect(up.requests.at(-1)?.query).toMatchObject({ since, until, outcome: "denied" });

    const findings = await admin.ok("scaivault_find_unauthorized_access", { since, path_prefix: "infra/" });
    expect(findings.total_denied).toBe(3);
    expect(findings.items).toEqual([
      expect.objectContaining({
        actor: "sa:report-runner",
        path: target,
        attempts: 3,
        reasons: ["access_denied"],
      }),
    ]);

    // Over the default 24 hours the seed's three denied reads of two hours ago join ours.
    const day = await admin.ok("scaivault_find_unauthorized_access", {
      actor: "sa:report-runner",
      path_prefix: "infra/",
    });
    expect(day.items[0]).toMatchObject({ path: target, attempts: 6 });
  });

  it("summarises the window and gives one secret's trail", async () => {
    const summary = await admin.ok("scaivault_audit_summary", { since, top: 2 });
    // The three denied reads, then the admin's three audit queries of the test above.
    expect(summary).toMatchObject({ total: 6, by_outcome: { success: 3, denied: 3, error: 0 } });
    expect(summary.top_paths).toEqual([{ key: target, total: 3, denied: 3 }]);
    expect(summary.top_actors).toEqual([
      { key: "sa:report-runner", total: 3, denied: 3 },
      { key: "user:admin@acme.example", total: 3, denied: 0 },
    ]);
    expect(summary.by_action).toEqual(expect.arrayContaining([{ key: "secret.read", total: 3, denied: 3 }]));

    const trail = await admin.ok("scaivault_secret_audit_trail", { path: target });
    const denied = trail.items.filter((e: any) => e.outcome === "denied");
    expect(denied).toHaveLength(6);
    expect(trail.items.every((e: any) => e.path === target)).toBe(true);
    expect(up.requests.at(-1)?.path).toBe(`/v1/audit/trail/${target}`);
  });

  it("earlier tool calls of this run are in the log", async () => {
    const log = await admin.ok("scaivault_query_audit", {
      actor: "user:admin@acme.example",
      path_prefix: "apps/e2e/",
      order: "asc",
    });
    // The secrets section's writes, reads, refused stale write, history, deletion and the read after it.
    expect(log.items.map((e: any) => `${e.action} ${e.outcome}`)).toEqual([
      "secret.write success",
      "secret.write success",
      "secret.read success",
      "secret.read success",
      "secret.write error",
      "secret.versions.list success",
      "secret.delete success",
      "secret.read error",
    ]);
  });
});

describe("resources and prompts", () => {
  it("lists both resource templates", async () => {
    const { resourceTemplates } = await admin.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "scaivault://secrets/{tenant}/{path}",
      "scaivault://policies/{id}",
    ]);
  });

  it("reads a secret through scaivault://secrets/<tenant>/<multi-segment path>", async () => {
    const uri = "scaivault://secrets/acme/integrations/salesforce/oauth";
    const { contents } = await admin.client.readResource({ uri });
    expect(contents).toHaveLength(1);
    expect(contents[0]).toMatchObject({ uri, mimeType: "application/json" });
    const secret = JSON.parse((contents[0] as { text: string }).text);
    expect(secret).toMatchObject({ path: "integrations/salesforce/oauth", tenant: "acme", version: 3 });
    expect(up.requests.at(-1)).toMatchObject({
      operationId: "readSecret",
      path: "/v1/secrets/integrations/salesforce/oauth",
      headers: expect.objectContaining({ "x-scaivault-tenant": "acme" }),
    });
  });

  it("reads an access policy through scaivault://policies/<id>; an unknown secret is not found", async () => {
    const { contents } = await admin.client.readResource({ uri: "scaivault://policies/pol_ci_deploy" });
    expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({ id: "pol_ci_deploy" });
    await expect(
      admin.client.readResource({ uri: "scaivault://secrets/acme/no/such/secret" }),
    ).rejects.toThrow(/not found/i);
  });

  it("lists the three prompts with their arguments and renders each", async () => {
    const { prompts } = await admin.client.listPrompts();
    expect(
      prompts.map((p) => [p.name, (p.arguments ?? []).map((a) => `${a.name}${a.required ? "!" : "?"}`)]),
    ).toEqual([
      ["audit-investigation", ["path!", "window?"]],
      ["rotate-credential", ["path!"]],
      ["migrate-from-env", ["env_file!", "prefix?"]],
    ]);

    const text = async (name: string, args: Record<string, string>) => {
      const { messages } = await admin.client.getPrompt({ name, arguments: args });
      expect(messages).toHaveLength(1);
      return (messages[0]!.content as { text: string }).text;
    };
    const audit = await text("audit-investigation", { path: DENIED_PATH, window: "7d" });
    expect(audit).toContain("`infra/db/primary/credentials` over the last 7d");
    expect(audit).toContain("scaivault_find_unauthorized_access");
    expect(await text("audit-investigation", { path: DENIED_PATH })).toContain("over the last 24 hours");
    const rotate = await text("rotate-credential", { path: "integrations/stripe/api-key" });
    expect(rotate).toContain("Rotate the ScaiVault secret `integrations/stripe/api-key`");
    const migrate = await text("migrate-from-env", {
      env_file: "STRIPE_API_KEY=sk_test_x",
      prefix: "apps/shop/",
    });
    expect(migrate).toContain("under `apps/shop/`");
    expect(migrate).toContain("STRIPE_API_KEY=sk_test_x");
    await expect(admin.client.getPrompt({ name: "rotate-credential", arguments: {} })).rejects.toThrow(
      /path/,
    );
  });
});

describe("the whole run", () => {
  it("called every one of the 67 tools, and the upstream saw no spec violation", () => {
    const called = new Set([...admin.called, ...runner.called]);
    expect([...OPERATION_OF.keys()].filter((name) => !called.has(name))).toEqual([]);
    expect(called.size).toBe(67);
    expect(up.violations).toEqual([]);
  });

  it("the upstream token never reached MCP traffic or the server's stderr", async () => {
    // The start line is written before the first answer, but on stderr, its own pipe: waited for there.
    await admin.waitForStderr("serving scaivault (67 tools)");
    const everything = [...admin.traffic, ...runner.traffic, ...admin.stderr, ...runner.stderr].join("\n");
    expect(everything).not.toContain(up.tokens.admin);
    expect(everything).not.toContain(up.tokens.reportRunner);
  });
});
