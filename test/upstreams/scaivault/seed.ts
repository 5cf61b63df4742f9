/**
 * Sample data: two tenants (`acme`, the home tenant of most tokens, and `globex`), a partner managing both,
 * and enough of every area that each operation has something to act on. Times are relative to the moment
 * the state is built, so "expiring soon" stays true whenever the tests run.
 */
import { randomBytes } from "node:crypto";
import { makeOrder } from "./handlers/acme.js";
import { makeCaRec, makeCertRec } from "./handlers/pki.js";
import { storedValue } from "./handlers/secrets.js";
import { type CaMaterial, createRootCa, issueLeaf, type Leaf } from "./pki-core.js";
import {
  ALL_SCOPES,
  type AuditEventRec,
  emptyTenant,
  type Principal,
  READ_SCOPES,
  type SecretRec,
  type Store,
  type TenantState,
} from "./state.js";
import { compact, DAY, HOUR, iso, MINUTE } from "./util.js";

/** Bearer tokens of the seeded principals. Fake values, valid only against this upstream. */
export const TOKENS = {
  /** user:admin@acme.example: every scope, not bound by access policies, home tenant acme. */
  admin: "scai_test_admin_acme_Q3m9Xv2Lk8PzR6",
  /** user:auditor@acme.example: every `:read` scope; access policy pol_auditors_read_all lets it read all paths. */
  readOnly: "scai_test_readonly_acme_H7t4Wn1Rb6Yc",
  /** API key key_report_runner_ci of sa:report-runner: `secrets:read` only, may read integrations/* but not infra/*. */
  reportRunner: "scai_test_sa_report_runner_T5j2Md8Fq0Ls",
  /** partner:p-scailabs: every scope in acme and globex; must send X-ScaiVault-Tenant. */
  partner: "scai_test_partner_scailabs_N4g7Ke3Vx9Ua",
  /** user:admin@globex.example: every scope, home tenant globex (and no other). */
  globexAdmin: "scai_test_admin_globex_B2p8Zr5Cw1Hd",
} as const;

/** Ids and names worth knowing in tests. */
export const SEED = {
  tenant: "acme",
  otherTenant: "globex",
  partner: "p-scailabs",
  secrets: {
    salesforce: "integrations/salesforce/oauth",
    stripe: "integrations/stripe/api-key",
    primaryDb: "infra/db/primary/credentials",
    deployKey: "infra/ssh/deploy-key",
    smtp: "apps/billing/smtp-password",
    jwt: "apps/billing/jwt-signing-key",
    globexNetsuite: "integrations/netsuite/token",
  },
  secretPolicies: {
    strongPassword: "spol_strong_password",
    apiToken: "spol_api_token",
    passphrase: "spol_passphrase",
  },
  accessPolicies: {
    integrationsReaders: "pol_integrations_readers",
    auditorsReadAll: "pol_auditors_read_all",
    ciDeploy: "pol_ci_deploy",
  },
  rotationPolicies: { quarterlyIntegrations: "rpol_quarterly_integrations", dbMonthly: "rpol_db_monthly" },
  serviceAccounts: {
    reportRunner: "sa_report_runner",
    ciDeployer: "sa_ci_deployer",
    backupAgent: "sa_backup_agent",
  },
  apiKeys: { reportRunner: "key_report_runner_ci", ciDeployer: "key_ci_deployer_main" },
  ca: "ca_acme_root",
  certificates: { api: "cert_api_internal", grafana: "cert_grafana_internal", vpn: "cert_old_vpn" },
  acme: { account: "acct_letsencrypt_ops", order: "ord_www_acme", challenge: "chl_www_acme_dns" },
  engines: { postgres: "postgres-prod", mysql: "mysql-analytics" },
  roles: { readonly: "readonly", readwrite: "readwrite", reporting: "reporting" },
  leases: { expiringSoon: "lease_seed_readonly_expiring", readwrite: "lease_seed_readwrite" },
  backends: { aws: "fed_aws_prod", legacyVault: "fed_legacy_vault", gcpUnreachable: "fed_gcp_staging" },
  federatedPaths: { adyen: "payments/adyen/api-key", github: "team-a/github/token" },
  subscriptions: { webhook: "sub_secops_webhook", email: "sub_rotation_email" },
} as const;

interface PkiSeed {
  root: CaMaterial;
  leaves: Record<"api" | "grafana" | "vpn", Leaf>;
  acmeIssuer: CaMaterial;
  base: number;
}

let pkiSeed: Promise<PkiSeed> | undefined;

// Key generation is the slow part of seeding; reset() reuses this material.
function pki(): Promise<PkiSeed> {
  pkiSeed ??= (async () => {
    const base = Date.now();
    const root = await createRootCa({
      commonName: "Acme Internal Root CA",
      organization: "Acme",
      country: "NL",
      keyAlgorithm: "ec-p256",
      notBefore: new Date(base - 400 * DAY),
      notAfter: new Date(base + 3250 * DAY),
    });
    const leaf = (cn: string, issuedDaysAgo: number, validDays: number) =>
      issueLeaf(root, {
        commonName: cn,
        altNames: [cn],
        ipSans: [],
        usage: "server",
        keyAlgorithm: "ec-p256",
        notBefore: new Date(base - issuedDaysAgo * DAY),
        notAfter: new Date(base + (validDays - issuedDaysAgo) * DAY),
      });
    const acmeIssuer = await createRootCa({
      commonName: "ScaiVault Simulated ACME Issuer R1",
      organization: "ScaiVault Test",
      keyAlgorithm: "ec-p256",
      notBefore: new Date(base - 30 * DAY),
      notAfter: new Date(base + 1800 * DAY),
    });
    return {
      root,
      leaves: {
        api: await leaf("api.internal.acme.example", 30, 90),
        grafana: await leaf("grafana.internal.acme.example", 85, 90),
        vpn: await leaf("vpn.acme.example", 100, 365),
      },
      acmeIssuer,
      base,
    };
  })();
  return pkiSeed;
}

function secret(
  path: string,
  now: number,
  o: {
    createdDaysAgo: number;
    createdBy: string;
    tags: string[];
    description?: string;
    extra?: Partial<SecretRec>;
  },
  versions: {
    daysAgo: number;
    value?: string;
    data?: Record<string, string>;
    expiresIn?: number;
    rotation?: boolean;
    by?: string;
  }[],
): SecretRec {
  return {
    path,
    tags: o.tags,
    description: o.description,
    created_at: iso(now - o.createdDaysAgo * DAY),
    created_by: o.createdBy,
    ...o.extra,
    versions: versions.map((v, i) =>
      compact({
        version: i + 1,
        value: storedValue(v.value, v.data),
        data: v.data,
        created_at: iso(now - v.daysAgo * DAY),
        created_by: v.by ?? o.createdBy,
        expires_at: v.expiresIn === undefined ? undefined : iso(now + v.expiresIn),
        rotation: v.rotation ?? false,
      }),
    ),
  };
}

const ADMIN = "user:admin@acme.example";
const fake = (label: string) => `${label}-${randomBytes(9).toString("base64url")}`;

function seedSecrets(t: TenantState, now: number): void {
  const s = SEED.secrets;
  const add = (rec: SecretRec) => t.secrets.set(rec.path, rec);
  add(
    secret(
      s.salesforce,
      now,
      {
        createdDaysAgo: 200,
        createdBy: ADMIN,
        tags: ["crm", "oauth"],
        description: "Salesforce connected app used by reporting",
        extra: {
          rotation_policy_id: SEED.rotationPolicies.quarterlyIntegrations,
          last_rotated_at: iso(now - 85 * DAY),
        },
      },
      [1, 2, 3].map((n) => ({
        daysAgo: [200, 170, 85][n - 1]!,
        rotation: n > 1,
        data: {
          client_id: "3MVG9seedClientId",
          client_secret: fake(`sf-secret-v${n}`),
          refresh_token: fake(`sf-refresh-v${n}`),
        },
      })),
    ),
  );
  add(
    secret(
      s.stripe,
      now,
      { createdDaysAgo: 60, createdBy: ADMIN, tags: ["payments"], description: "Stripe restricted key" },
      [{ daysAgo: 60, value: `sk_live_${fake("seed")}`, expiresIn: 10 * DAY }],
    ),
  );
  add(
    secret(
      s.primaryDb,
      now,
      {
        createdDaysAgo: 100,
        createdBy: ADMIN,
        tags: ["database", "production"],
        description: "Primary Postgres superuser",
        extra: { last_rotated_at: iso(now - 40 * DAY) },
      },
      [
        { daysAgo: 100, data: { username: "app_admin", password: fake("db-v1"), host: "db.internal" } },
        {
          daysAgo: 40,
          rotation: true,
          data: { username: "app_admin", password: fake("db-v2"), host: "db.internal" },
        },
      ],
    ),
  );
  add(
    secret(
      s.deployKey,
      now,
      { createdDaysAgo: 400, createdBy: ADMIN, tags: ["ssh"], description: "Legacy deploy key" },
      [{ daysAgo: 400, value: fake("ssh-ed25519"), expiresIn: -2 * DAY }],
    ),
  );
  add(
    secret(s.smtp, now, { createdDaysAgo: 70, createdBy: "sa:ci-deployer", tags: ["email"] }, [
      { daysAgo: 70, value: fake("smtp"), expiresIn: 20 * DAY },
    ]),
  );
  add(
    secret(
      s.jwt,
      now,
      {
        createdDaysAgo: 300,
        createdBy: ADMIN,
        tags: ["signing"],
        extra: { secret_policy_id: SEED.secretPolicies.apiToken },
      },
      [300, 200, 100, 5].map((daysAgo, i) => ({ daysAgo, value: fake(`jwt-v${i + 1}`), rotation: i > 0 })),
    ),
  );
}

function seedPolicies(t: TenantState, now: number): void {
  const at = iso(now - 300 * DAY);
  const sp = (id: string, name: string, type: string, rules: Record<string, unknown>, description: string) =>
    t.secretPolicies.set(id, { id, name, description, type, rules, created_at: at, updated_at: at });
  sp(
    SEED.secretPolicies.strongPassword,
    "strong-password",
    "password",
    { length: 32, min_symbols: 2, exclude_chars: "Il1O0" },
    "Default for generated passwords",
  );
  sp(
    SEED.secretPolicies.apiToken,
    "api-token",
    "api_key",
    { prefix: "sv_", length: 40 },
    "Opaque API tokens",
  );
  sp(
    SEED.secretPolicies.passphrase,
    "passphrase",
    "passphrase",
    { words: 6, separator: "-" },
    "Human-typed passphrases",
  );
  t.defaultSecretPolicyId = SEED.secretPolicies.strongPassword;

  const ap = (id: string, name: string, subjects: string[], rules: unknown[], description: string) =>
    t.accessPolicies.set(id, {
      id,
      name,
      description,
      subjects,
      rules,
      created_at: at,
      updated_at: at,
      created_by: ADMIN,
    });
  ap(
    SEED.accessPolicies.integrationsReaders,
    "integrations-readers",
    ["sa:report-runner"],
    [{ paths: ["integrations/*"], actions: ["read", "list"], effect: "allow" }],
    "Reporting reads third-party integration credentials",
  );
  ap(
    SEED.accessPolicies.auditorsReadAll,
    "auditors-read-all",
    ["user:auditor@acme.example"],
    [{ paths: ["*"], actions: ["read", "list"], effect: "allow" }],
    "Auditors may read every secret",
  );
  ap(
    SEED.accessPolicies.ciDeploy,
    "ci-deploy",
    ["sa:ci-deployer"],
    [
      { paths: ["apps/*"], actions: ["read", "list", "write", "rotate"], effect: "allow" },
      { paths: ["infra/*"], actions: ["read", "list", "write", "delete", "rotate"], effect: "deny" },
    ],
    "CI deploys application secrets, never infrastructure ones",
  );

  const rp = (
    id: string,
    name: string,
    paths: string[],
    interval: string,
    strategy: string,
    extra: Record<string, string>,
  ) =>
    t.rotationPolicies.set(id, {
      id,
      name,
      paths,
      interval,
      strategy,
      ...extra,
      enabled: true,
      created_at: at,
      updated_at: at,
    });
  rp(
    SEED.rotationPolicies.quarterlyIntegrations,
    "quarterly-integrations",
    ["integrations/*"],
    "90d",
    "generate",
    {
      secret_policy_id: SEED.secretPolicies.strongPassword,
    },
  );
  rp(SEED.rotationPolicies.dbMonthly, "db-monthly", ["infra/db/*"], "30d", "notify", { notify_before: "7d" });
}

function seedAccounts(t: TenantState, now: number): void {
  const sa = (id: string, name: string, scopes: string[], description: string, disabled = false) =>
    t.serviceAccounts.set(id, {
      id,
      name,
      subject: `sa:${name}`,
      description,
      scopes,
      disabled,
      created_at: iso(now - 200 * DAY),
      updated_at: iso(now - 20 * DAY),
    });
  sa(SEED.serviceAccounts.reportRunner, "report-runner", ["secrets:read"], "Nightly reporting jobs");
  sa(SEED.serviceAccounts.ciDeployer, "ci-deployer", ["secrets:read", "secrets:write"], "CI pipeline");
  sa(SEED.serviceAccounts.backupAgent, "backup-agent", ["secrets:read"], "Retired backup job", true);
  const key = (id: string, accountId: string, name: string, value: string, scopes: string[]) =>
    t.apiKeys.set(id, {
      key: value,
      view: {
        id,
        service_account_id: accountId,
        name,
        prefix: value.slice(0, 14),
        scopes,
        created_at: iso(now - 150 * DAY),
      },
    });
  key(SEED.apiKeys.reportRunner, SEED.serviceAccounts.reportRunner, "ci", TOKENS.reportRunner, [
    "secrets:read",
  ]);
  key(SEED.apiKeys.ciDeployer, SEED.serviceAccounts.ciDeployer, "main", `scai_live_${fake("ci")}`, [
    "secrets:read",
    "secrets:write",
  ]);
}

function seedPki(t: TenantState, p: PkiSeed): void {
  t.cas.set(
    SEED.ca,
    makeCaRec(SEED.ca, p.root, {
      commonName: "Acme Internal Root CA",
      keyAlgorithm: "ec-p256",
      createdAt: iso(p.base - 400 * DAY),
    }),
  );
  const cert = (id: string, leaf: Leaf, cn: string, issuedDaysAgo: number) => {
    const rec = makeCertRec(id, SEED.ca, leaf, {
      commonName: cn,
      altNames: [cn],
      ipSans: [],
      usage: "server",
      keyAlgorithm: "ec-p256",
      createdAt: iso(p.base - issuedDaysAgo * DAY),
    });
    t.certificates.set(id, rec);
    return rec;
  };
  cert(SEED.certificates.api, p.leaves.api, "api.internal.acme.example", 30);
  cert(SEED.certificates.grafana, p.leaves.grafana, "grafana.internal.acme.example", 85);
  const vpn = cert(SEED.certificates.vpn, p.leaves.vpn, "vpn.acme.example", 100);
  vpn.view.revoked_at = iso(p.base - 10 * DAY);
  vpn.view.revocation_reason = "key_compromise";
}

function seedAcme(t: TenantState, now: number): void {
  t.acmeAccounts.set(SEED.acme.account, {
    id: SEED.acme.account,
    directory_url: "https://acme-v02.api.letsencrypt.org/directory",
    contact: ["ops@acme.example"],
    status: "valid",
    account_url: "https://acme-v02.api.letsencrypt.org/acme/acct/1874512",
    external_account_binding: false,
    created_at: iso(now - 100 * DAY),
  });
  const order = makeOrder(SEED.acme.account, ["www.acme.example"], "dns-01", now - HOUR);
  order.id = SEED.acme.order;
  order.authorizations[0]!.challenges[0]!.id = SEED.acme.challenge;
  t.acmeOrders.set(order.id, order);
}

function seedDynamic(t: TenantState, now: number): void {
  const engine = (
    name: string,
    type: string,
    host: string,
    port: number,
    database: string,
    description: string,
  ) =>
    t.engines.set(name, {
      password: fake("admin"),
      view: {
        name,
        type,
        description,
        connection: { host, port, database, username: "vault_admin", tls: true },
        default_ttl: "1h",
        max_ttl: "24h",
        status: "connected",
        created_at: iso(now - 120 * DAY),
      },
    });
  engine(SEED.engines.postgres, "postgres", "db.internal", 5432, "main", "Production Postgres");
  engine(SEED.engines.mysql, "mysql", "analytics.internal", 3306, "warehouse", "Analytics warehouse");
  const role = (engineName: string, name: string, statements: string[], defaultTtl: string, maxTtl: string) =>
    t.roles.set(`${engineName}/${name}`, {
      name,
      engine: engineName,
      creation_statements: statements,
      revocation_statements: ['DROP ROLE IF EXISTS "{{name}}";'],
      default_ttl: defaultTtl,
      max_ttl: maxTtl,
      created_at: iso(now - 120 * DAY),
    });
  const create = `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`;
  role(
    SEED.engines.postgres,
    SEED.roles.readonly,
    [create, 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{{name}}";'],
    "1h",
    "24h",
  );
  role(
    SEED.engines.postgres,
    SEED.roles.readwrite,
    [create, 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{{name}}";'],
    "30m",
    "8h",
  );
  role(
    SEED.engines.mysql,
    SEED.roles.reporting,
    [
      "CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}';",
      "GRANT SELECT ON warehouse.* TO '{{name}}'@'%';",
    ],
    "1h",
    "12h",
  );
  t.leases.set(SEED.leases.expiringSoon, {
    lease_id: SEED.leases.expiringSoon,
    engine: SEED.engines.postgres,
    role: SEED.roles.readonly,
    username: "v_readonly_seed0001",
    issued_at: now - 40 * MINUTE,
    expires_at: now + 20 * MINUTE,
    max_expires_at: now + 23 * HOUR,
    renewal_count: 0,
  });
  t.leases.set(SEED.leases.readwrite, {
    lease_id: SEED.leases.readwrite,
    engine: SEED.engines.postgres,
    role: SEED.roles.readwrite,
    username: "v_readwrite_seed0002",
    issued_at: now - HOUR,
    expires_at: now + 5 * HOUR,
    max_expires_at: now + 7 * HOUR,
    renewal_count: 2,
  });
}

function seedFederation(t: TenantState, now: number): void {
  const backend = (
    id: string,
    view: Record<string, unknown>,
    reachable: boolean,
    remote: [string, { value?: string; data?: Record<string, string> }][],
  ) =>
    t.backends.set(id, {
      view: { id, ...view, status: reachable ? "healthy" : "unreachable", created_at: iso(now - 90 * DAY) },
      credentials: { token: fake("fed") },
      reachable,
      remote: new Map(remote.map(([p, v], i) => [p, { ...v, version: String(i + 1) }])),
    });
  backend(
    SEED.backends.aws,
    {
      name: "aws-prod",
      type: "aws-secrets-manager",
      mode: "proxy",
      mount_prefix: "federated/aws-prod/",
      config: { region: "eu-west-1" },
    },
    true,
    [
      [SEED.federatedPaths.adyen, { value: fake("adyen") }],
      ["shared/datadog/api-key", { value: fake("dd") }],
    ],
  );
  backend(
    SEED.backends.legacyVault,
    {
      name: "legacy-vault",
      type: "hashicorp-vault",
      mode: "sync",
      mount_prefix: "federated/legacy-vault/",
      config: { address: "https://vault.legacy.acme.example", mount: "secret" },
      sync_interval: "1h",
      last_synced_at: iso(now - 2 * DAY),
    },
    true,
    [
      [SEED.federatedPaths.github, { value: fake("ghp") }],
      ["team-a/npm/token", { data: { token: fake("npm"), registry: "https://registry.npmjs.org" } }],
    ],
  );
  backend(
    SEED.backends.gcpUnreachable,
    {
      name: "gcp-staging",
      type: "gcp-secret-manager",
      mode: "proxy",
      mount_prefix: "federated/gcp-staging/",
      config: { project_id: "acme-staging" },
    },
    false,
    [],
  );
}

function seedSubscriptions(t: TenantState, now: number): void {
  t.subscriptions.set(SEED.subscriptions.webhook, {
    signingSecret: fake("whsec"),
    view: {
      id: SEED.subscriptions.webhook,
      name: "secops-webhook",
      event_types: ["access.denied", "secret.deleted"],
      destination: { type: "webhook", url: "https://hooks.acme.example/scaivault" },
      active: true,
      last_delivery_at: iso(now - 2 * HOUR),
      last_delivery_status: "delivered",
      created_at: iso(now - 60 * DAY),
    },
  });
  t.subscriptions.set(SEED.subscriptions.email, {
    view: {
      id: SEED.subscriptions.email,
      name: "rotation-email",
      event_types: ["secret.rotation_due", "certificate.expiring"],
      path_prefix: "integrations/",
      destination: { type: "email", address: "secops@acme.example" },
      active: true,
      created_at: iso(now - 60 * DAY),
    },
  });
}

function seedAudit(t: TenantState, now: number): void {
  let n = 0;
  const ev = (
    ago: number,
    actor: string,
    action: string,
    resourceType: string,
    outcome: AuditEventRec["outcome"],
    extra: Partial<AuditEventRec> = {},
  ) =>
    t.audit.push({
      id: `evt_seed_${String(++n).padStart(4, "0")}`,
      time: iso(now - ago),
      tenant: t.id,
      actor,
      actor_type: actor.startsWith("sa:") ? "service_account" : "user",
      action,
      resource_type: resourceType,
      outcome,
      status_code: outcome === "success" ? 200 : outcome === "denied" ? 403 : 404,
      request_id: `req_${randomBytes(8).toString("hex")}`,
      source_ip: actor.startsWith("sa:") ? "10.20.3.14" : "192.0.2.10",
      ...extra,
    });
  const s = SEED.secrets;
  ev(30 * HOUR, ADMIN, "secret.write", "secret", "success", { path: s.smtp, resource: s.smtp });
  ev(5 * HOUR, ADMIN, "secret.write", "secret", "success", { path: s.jwt, resource: s.jwt });
  ev(3 * HOUR, "sa:report-runner", "secret.list", "secret", "success");
  ev(3 * HOUR - MINUTE, "sa:report-runner", "secret.read", "secret", "success", {
    path: s.salesforce,
    resource: s.salesforce,
  });
  // The seed's outage story: three denied reads 31 s apart, a missing policy binding.
  for (const offset of [0, 31_000, 62_000]) {
    ev(2 * HOUR - offset, "sa:report-runner", "secret.read", "secret", "denied", {
      path: s.primaryDb,
      resource: s.primaryDb,
      reason: "access_denied",
    });
  }
  ev(90 * MINUTE, "sa:report-runner", "audit.query", "audit", "denied", {
    reason: "insufficient_scope",
    required_scope: "audit:read",
  });
  ev(45 * MINUTE, "user:auditor@acme.example", "secret.read", "secret", "success", {
    path: s.stripe,
    resource: s.stripe,
  });
}

const principal = (p: Omit<Principal, "scopes"> & { scopes: string[] }): Principal => ({
  ...p,
  scopes: new Set(p.scopes),
});

/** A fresh store with the seed data. */
export async function createStore(): Promise<Store> {
  const p = await pki();
  const now = Date.now();
  const acme = emptyTenant(SEED.tenant);
  seedSecrets(acme, now);
  seedPolicies(acme, now);
  seedAccounts(acme, now);
  seedPki(acme, p);
  seedAcme(acme, now);
  seedDynamic(acme, now);
  seedFederation(acme, now);
  seedSubscriptions(acme, now);
  seedAudit(acme, now);

  const globex = emptyTenant(SEED.otherTenant);
  globex.secrets.set(
    SEED.secrets.globexNetsuite,
    secret(
      SEED.secrets.globexNetsuite,
      now,
      { createdDaysAgo: 30, createdBy: "user:admin@globex.example", tags: ["erp"] },
      [{ daysAgo: 30, value: fake("netsuite") }],
    ),
  );
  seedPolicies(globex, now);
  globex.accessPolicies.clear();

  const tokens = new Map<string, Principal>([
    [
      TOKENS.admin,
      principal({
        subject: ADMIN,
        actorType: "user",
        homeTenant: "acme",
        scopes: ALL_SCOPES,
        bypassPolicies: true,
      }),
    ],
    [
      TOKENS.readOnly,
      principal({
        subject: "user:auditor@acme.example",
        actorType: "user",
        homeTenant: "acme",
        scopes: READ_SCOPES,
        bypassPolicies: false,
      }),
    ],
    [
      TOKENS.partner,
      principal({
        subject: `partner:${SEED.partner}`,
        actorType: "partner",
        partner: SEED.partner,
        scopes: ALL_SCOPES,
        bypassPolicies: true,
      }),
    ],
    [
      TOKENS.globexAdmin,
      principal({
        subject: "user:admin@globex.example",
        actorType: "user",
        homeTenant: "globex",
        scopes: ALL_SCOPES,
        bypassPolicies: true,
      }),
    ],
  ]);

  return {
    tenants: new Map([
      [acme.id, acme],
      [globex.id, globex],
    ]),
    partners: new Map([[SEED.partner, [acme.id, globex.id]]]),
    tokens,
    acmeIssuer: makeCaRec("ca_acme_issuer", p.acmeIssuer, {
      commonName: "ScaiVault Simulated ACME Issuer R1",
      keyAlgorithm: "ec-p256",
      createdAt: iso(p.base),
    }),
  };
}
