import { createHash } from "node:crypto";
import type { AppRec, AuthRec, EnvVarRec, LogRec, StackRec } from "./model.js";
import type { Store } from "./store.js";
import { crashFailure, platformVar } from "./store.js";

/** Ids of the seeded sample workspace, for tests and demos. */
export const SEED = {
  workspaceId: "ws_acme",
  stacks: { production: "stk_production", ml: "stk_ml", staging: "stk_staging" },
  apps: { storefront: "app_storefront", mlApi: "app_ml_api", admin: "app_admin" },
  addons: { mainDb: "add_main_db", mlFeatures: "add_ml_features", assets: "add_assets" },
  jobs: {
    nightlyReport: "job_nightly_report",
    retrainModel: "job_retrain_model",
    clearSessions: "job_clear_sessions",
  },
  deployments: {
    storefrontOld: "dep_storefront_01",
    storefront: "dep_storefront_02",
    mlApiCancelled: "dep_ml_api_01",
    mlApi: "dep_ml_api_02",
    adminOk: "dep_admin_01",
    adminFailed: "dep_admin_02",
  },
  groups: { admins: "grp_admins", mlReviewers: "grp_ml_reviewers", contractors: "grp_contractors" },
  users: { ana: "usr_ana", ben: "usr_ben", chen: "usr_chen", dana: "usr_dana" },
  /** `app_admin` fails to deploy until this env var is set. */
  adminMissingEnv: "DJANGO_SETTINGS_MODULE",
} as const;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const ADMIN_CRASH =
  "django.core.exceptions.ImproperlyConfigured: Requested setting DATABASES, but settings are not configured. " +
  "You must either define the environment variable DJANGO_SETTINGS_MODULE or call settings.configure() " +
  "before accessing settings.";

export function seedStore(store: Store, now = Date.now()): void {
  store.workspace = {
    __typename: "Workspace",
    id: SEED.workspaceId,
    name: "Acme Robotics",
    slug: "acme",
    plan: "TEAM",
    region: "eu-west-1",
    revision: 42,
    limits: { maxStacks: 10, maxApps: 25, maxAddons: 20 },
    createdAt: now - 200 * DAY,
  };

  const stack = (s: Omit<StackRec, "__typename" | "status" | "updatedAt">) =>
    store.stacks.set(s.id, { __typename: "Stack", status: "ACTIVE", updatedAt: s.createdAt + DAY, ...s });
  stack({
    id: SEED.stacks.production,
    name: "production",
    description: "Customer-facing services",
    region: "eu-west-1",
    instanceSize: "MEDIUM",
    minInstances: 2,
    maxInstances: 4,
    tags: [{ key: "env", value: "prod" }],
    createdAt: now - 180 * DAY,
  });
  stack({
    id: SEED.stacks.ml,
    name: "ml",
    description: "Model serving",
    region: "eu-west-1",
    instanceSize: "LARGE",
    minInstances: 1,
    maxInstances: 2,
    tags: [
      { key: "env", value: "prod" },
      { key: "team", value: "ml" },
    ],
    metricsUnavailable: true,
    createdAt: now - 90 * DAY,
  });
  stack({
    id: SEED.stacks.staging,
    name: "staging",
    description: "Pre-production (currently empty)",
    region: "eu-west-1",
    instanceSize: "SMALL",
    minInstances: 1,
    maxInstances: 1,
    tags: [{ key: "env", value: "staging" }],
    createdAt: now - 30 * DAY,
  });

  const publicAuth: AuthRec = {
    visibility: "PUBLIC",
    provider: "SCALY_SSO",
    allowedGroupIds: [],
    rule: null,
    sessionTtlMinutes: 720,
    updatedAt: now - 100 * DAY,
  };
  const app = (a: Omit<AppRec, "__typename" | "env" | "updatedAt" | "requiredEnv"> & Partial<AppRec>) =>
    store.apps.set(a.id, {
      __typename: "App",
      env: new Map([["PORT", platformVar("PORT", String(a.port), a.createdAt)]]),
      requiredEnv: [],
      updatedAt: now - 2 * DAY,
      ...a,
    });
  app({
    id: SEED.apps.storefront,
    name: "storefront",
    stackId: SEED.stacks.production,
    framework: "NEXTJS",
    runtime: "node20",
    status: "RUNNING",
    visibility: "PUBLIC",
    url: "https://storefront-acme.scalyapps.io",
    repository: { url: "https://github.com/acme/storefront", branch: "main" },
    buildCommand: "npm ci && npm run build",
    startCommand: "npm start",
    port: 3000,
    healthCheckPath: "/api/health",
    auth: publicAuth,
    createdAt: now - 170 * DAY,
  });
  app({
    id: SEED.apps.mlApi,
    name: "ml-api",
    stackId: SEED.stacks.ml,
    framework: "FASTAPI",
    runtime: "python3.12",
    status: "RUNNING",
    visibility: "PRIVATE",
    url: "https://ml-api-acme.scalyapps.io",
    repository: { url: "https://github.com/acme/ml-api", branch: "main" },
    buildCommand: "pip install -r requirements.txt",
    startCommand: "uvicorn app.main:app --host 0.0.0.0 --port 8000",
    port: 8000,
    healthCheckPath: "/healthz",
    auth: {
      ...publicAuth,
      visibility: "PRIVATE",
      allowedGroupIds: [SEED.groups.mlReviewers],
      updatedAt: now - 20 * DAY,
    },
    createdAt: now - 85 * DAY,
  });
  app({
    id: SEED.apps.admin,
    name: "admin",
    stackId: SEED.stacks.production,
    framework: "DJANGO",
    runtime: "python3.12",
    status: "FAILED",
    visibility: "PRIVATE",
    url: "https://admin-acme.scalyapps.io",
    repository: { url: "https://github.com/acme/admin", branch: "main" },
    buildCommand: "pip install -r requirements.txt && python manage.py collectstatic --noinput",
    startCommand: "gunicorn admin.wsgi --bind 0.0.0.0:8080",
    port: 8080,
    healthCheckPath: "/healthz",
    auth: {
      ...publicAuth,
      visibility: "PRIVATE",
      allowedGroupIds: [SEED.groups.admins],
      rule: { allOf: [{ group: SEED.groups.admins }, { emailDomain: "acme.example" }] },
      updatedAt: now - 60 * DAY,
    },
    requiredEnv: [SEED.adminMissingEnv],
    crashLog: ADMIN_CRASH,
    createdAt: now - 120 * DAY,
  });

  const userEnv = (appId: string, vars: Record<string, string>, at: number) => {
    const target = store.apps.get(appId);
    for (const [name, value] of Object.entries(vars)) {
      target?.env.set(name, {
        name,
        value,
        source: "USER",
        addonId: null,
        updatedAt: at,
      } satisfies EnvVarRec);
    }
  };
  userEnv(
    SEED.apps.storefront,
    {
      NODE_ENV: "production",
      NEXT_PUBLIC_API_URL: "https://ml-api-acme.scalyapps.io",
      STRIPE_SECRET_KEY: "sk_test_51Hseededvaluenotreal",
    },
    now - 10 * DAY,
  );
  userEnv(SEED.apps.mlApi, { MODEL_NAME: "churn-v3", LOG_LEVEL: "info" }, now - 5 * DAY);
  userEnv(
    SEED.apps.admin,
    { DJANGO_DEBUG: "false", ALLOWED_HOSTS: "admin-acme.scalyapps.io" },
    now - 3 * DAY,
  );

  store.addons.set(SEED.addons.mainDb, {
    __typename: "DatabaseAddon",
    id: SEED.addons.mainDb,
    name: "main-db",
    kind: "DATABASE",
    status: "AVAILABLE",
    stackId: SEED.stacks.production,
    createdAt: now - 170 * DAY,
    engine: "POSTGRES",
    version: "16",
    storageGb: 20,
  });
  store.addons.set(SEED.addons.mlFeatures, {
    __typename: "DatabaseAddon",
    id: SEED.addons.mlFeatures,
    name: "ml-features",
    kind: "DATABASE",
    status: "AVAILABLE",
    stackId: SEED.stacks.ml,
    createdAt: now - 85 * DAY,
    engine: "POSTGRES",
    version: "16",
    storageGb: 10,
  });
  store.addons.set(SEED.addons.assets, {
    __typename: "StorageAddon",
    id: SEED.addons.assets,
    name: "assets",
    kind: "STORAGE",
    status: "AVAILABLE",
    stackId: SEED.stacks.production,
    createdAt: now - 160 * DAY,
    bucketName: "acme-assets-7f3c",
    publicRead: false,
  });
  const link = (appId: string, addonId: string, prefix: string | null, at: number) => {
    const a = store.apps.get(appId);
    const addon = store.addons.get(addonId);
    if (a && addon) store.link(a, addon, prefix, at);
  };
  link(SEED.apps.storefront, SEED.addons.mainDb, null, now - 170 * DAY);
  link(SEED.apps.storefront, SEED.addons.assets, null, now - 160 * DAY);
  link(SEED.apps.admin, SEED.addons.mainDb, null, now - 120 * DAY);
  link(SEED.apps.mlApi, SEED.addons.mlFeatures, null, now - 85 * DAY);
  link(SEED.apps.mlApi, SEED.addons.assets, "MODELS", now - 80 * DAY);

  seedDeployments(store, now);
  seedJobs(store, now);
  seedUsers(store, now);
  seedLogs(store, now);
  seedBucket(store, now);
}

function seedDeployments(store: Store, now: number): void {
  const phases = (name: string, stack: string) => [
    `Building ${name}`,
    `Starting instance(s) on stack ${stack}`,
    "Health check",
  ];
  const deployment = (
    id: string,
    appId: string,
    createdAt: number,
    trigger: "MANUAL" | "GIT_PUSH" | "RESTART",
    outcome: "SUCCEEDED" | "FAILED" | "CANCELLED",
    message: string,
  ) => {
    const app = store.apps.get(appId);
    if (!app) return;
    const stack = store.stacks.get(app.stackId);
    const failure = outcome === "FAILED" ? crashFailure(app, app.requiredEnv) : null;
    store.deployments.set(id, {
      __typename: "Deployment",
      id,
      appId,
      stackId: app.stackId,
      trigger,
      commitSha: createHash("sha1").update(id).digest("hex").slice(0, 7),
      message,
      requestedBy: trigger === "GIT_PUSH" ? "git" : "api-key:ci",
      retryOfId: null,
      plannedFailure: failure,
      createdAt,
    });
    store.engine.seedFinished({
      id,
      kind: "DEPLOY_APP",
      targetId: id,
      createdAt,
      phases: phases(app.name, stack?.name ?? app.stackId),
      outcome:
        outcome === "CANCELLED"
          ? "CANCELLED"
          : failure
            ? {
                status: "FAILED",
                message: failure.message,
                error: { code: failure.code, message: failure.message },
              }
            : { status: "SUCCEEDED", message: `Deployment of ${app.name} succeeded` },
    });
  };
  const d = SEED.deployments;
  deployment(
    d.storefrontOld,
    SEED.apps.storefront,
    now - 6 * DAY,
    "GIT_PUSH",
    "SUCCEEDED",
    "Checkout redesign",
  );
  deployment(d.storefront, SEED.apps.storefront, now - 2 * DAY, "GIT_PUSH", "SUCCEEDED", "Fix cart rounding");
  deployment(d.mlApiCancelled, SEED.apps.mlApi, now - 4 * DAY, "MANUAL", "CANCELLED", "Try churn-v3-rc1");
  deployment(d.mlApi, SEED.apps.mlApi, now - 4 * DAY + 10 * MIN, "MANUAL", "SUCCEEDED", "Serve churn-v3");
  deployment(d.adminOk, SEED.apps.admin, now - 3 * DAY, "GIT_PUSH", "SUCCEEDED", "Add refunds page");
  deployment(d.adminFailed, SEED.apps.admin, now - 40 * MIN, "MANUAL", "FAILED", "Tidy env vars");
}

function seedJobs(store: Store, now: number): void {
  const job = (id: string, appId: string, name: string, command: string, schedule: string | null) =>
    store.jobs.set(id, {
      __typename: "Job",
      id,
      name,
      appId,
      command,
      schedule,
      timeoutSeconds: 3600,
      enabled: true,
      createdAt: now - 60 * DAY,
    });
  job(SEED.jobs.nightlyReport, SEED.apps.storefront, "nightly-report", "node scripts/report.js", "0 2 * * *");
  job(SEED.jobs.retrainModel, SEED.apps.mlApi, "retrain-model", "python -m app.retrain", null);
  job(
    SEED.jobs.clearSessions,
    SEED.apps.admin,
    "clear-sessions",
    "python manage.py clearsessions",
    "0 * * * *",
  );

  const runId = "run_nightly_report_01";
  const createdAt = now - 10 * HOUR;
  const op = store.engine.seedFinished({
    id: "op_run_nightly_report_01",
    kind: "RUN_JOB",
    targetId: runId,
    createdAt,
    phases: ["Starting nightly-report: node scripts/report.js", "Running"],
    outcome: { status: "SUCCEEDED", message: "Job nightly-report exited with code 0" },
  });
  store.jobRuns.set(runId, {
    __typename: "JobRun",
    id: runId,
    jobId: SEED.jobs.nightlyReport,
    args: [],
    trigger: "SCHEDULE",
    operationId: op.id,
    exitCode: 0,
    createdAt,
  });
}

function seedUsers(store: Store, now: number): void {
  const user = (id: string, email: string, name: string | null, active: boolean) =>
    store.users.set(id, {
      __typename: "AppUser",
      id,
      email,
      name,
      status: active ? "ACTIVE" : "INVITED",
      invitedAt: now - 50 * DAY,
      lastSignInAt: active ? now - 2 * HOUR : null,
    });
  user(SEED.users.ana, "ana@acme.example", "Ana Ruiz", true);
  user(SEED.users.ben, "ben@acme.example", "Ben Okafor", true);
  user(SEED.users.chen, "chen@partner.example", null, false);
  user(SEED.users.dana, "dana@acme.example", "Dana Levi", true);
  const group = (id: string, name: string, description: string, memberIds: string[]) =>
    store.groups.set(id, {
      __typename: "UserGroup",
      id,
      name,
      description,
      memberIds,
      createdAt: now - 50 * DAY,
    });
  group(SEED.groups.admins, "admins", "Back-office staff", [SEED.users.ana, SEED.users.ben]);
  group(SEED.groups.mlReviewers, "ml-reviewers", "Review model predictions", [
    SEED.users.ana,
    SEED.users.dana,
    SEED.users.chen,
  ]);
  group(SEED.groups.contractors, "contractors", "External contractors (no members yet)", []);
}

function seedLogs(store: Store, now: number): void {
  const log = (
    appId: string,
    ago: number,
    source: LogRec["source"],
    level: LogRec["level"],
    message: string,
    extra?: Partial<LogRec>,
  ) => store.log({ appId, timestamp: now - ago, source, level, message, ...extra });
  const sf = SEED.apps.storefront;
  log(sf, 55 * MIN, "router", "info", "GET / 200 18ms", { instance: "i-sf-1" });
  log(sf, 50 * MIN, "app", "info", "GET /api/products 200 12ms", { instance: "i-sf-1" });
  log(sf, 35 * MIN, "app", "warn", "Slow query (1240 ms): select * from orders where customer_id = $1", {
    instance: "i-sf-2",
  });
  log(sf, 20 * MIN, "app", "info", "POST /api/cart 201 25ms", { instance: "i-sf-2" });
  log(sf, 5 * MIN, "router", "info", "GET /checkout 200 31ms", { instance: "i-sf-1" });

  const ml = SEED.apps.mlApi;
  log(ml, 58 * MIN, "app", "info", "Loaded model churn-v3 from MODELS_STORAGE_BUCKET/models/churn-v3", {
    instance: "i-ml-1",
  });
  log(ml, 30 * MIN, "app", "info", "POST /predict 200 35ms", { instance: "i-ml-1" });
  log(ml, 12 * MIN, "app", "warn", "Input missing field 'tenure'; imputed median", { instance: "i-ml-1" });

  const admin = SEED.apps.admin;
  const dep = SEED.deployments.adminFailed;
  const start = 40 * MIN;
  log(admin, start - 20_000, "build", "info", "Building image with python3.12 buildpack", {
    deploymentId: dep,
  });
  log(admin, start - 40_000, "build", "info", "Image built: registry.scalyapps.io/acme/admin", {
    deploymentId: dep,
  });
  log(admin, start - 41_000, "deploy", "info", "Starting 2 MEDIUM instance(s)", { deploymentId: dep });
  log(admin, start - 60_000, "app", "info", "[INFO] Starting gunicorn 22.0.0", {
    deploymentId: dep,
    instance: "i-adm-1",
  });
  log(admin, start - 61_000, "app", "error", "Traceback (most recent call last):", {
    deploymentId: dep,
    instance: "i-adm-1",
  });
  log(admin, start - 62_000, "app", "error", ADMIN_CRASH, { deploymentId: dep, instance: "i-adm-1" });
  log(admin, start - 63_000, "app", "error", "[ERROR] Worker failed to boot.", {
    deploymentId: dep,
    instance: "i-adm-1",
  });
  log(
    admin,
    start - 80_000,
    "deploy",
    "error",
    "Container exited with code 1 before passing the health check on /healthz",
    { deploymentId: dep },
  );
  log(admin, start - 81_000, "deploy", "warn", "Rolled back: the previous release keeps serving", {
    deploymentId: dep,
  });
  log(
    admin,
    3 * MIN,
    "router",
    "warn",
    "GET /healthz 503 (release dep_admin_01 serving; latest deploy failed)",
  );
  store.logs.sort((a, b) => a.timestamp - b.timestamp);
}

function seedBucket(store: Store, now: number): void {
  const bucket = new Map();
  const put = (key: string, contentType: string, text: string, ago: number) => {
    const bytes = Buffer.from(text);
    bucket.set(key, {
      bytes,
      contentType,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: now - ago,
    });
  };
  put("README.txt", "text/plain", "Shared assets of storefront and ml-api.\n", 150 * DAY);
  put(
    "images/logo.svg",
    "image/svg+xml",
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect width="16" height="16" fill="#0a7"/></svg>\n',
    120 * DAY,
  );
  put("reports/2025-01/sales.csv", "text/csv", "day,orders,revenue\n2025-01-01,41,1830.50\n", 40 * DAY);
  put("reports/2025-02/sales.csv", "text/csv", "day,orders,revenue\n2025-02-01,57,2410.00\n", 10 * DAY);
  put(
    "models/churn-v3/metadata.json",
    "application/json",
    '{"name":"churn-v3","framework":"sklearn","auc":0.91}\n',
    4 * DAY,
  );
  store.buckets.set(SEED.addons.assets, bucket);
}

/** Migrations and rows the seeded databases start with (applied lazily, when the database is first used). */
export const SEED_MIGRATIONS: Record<string, Array<{ name: string; sql: string }>> = {
  [SEED.addons.mainDb]: [
    {
      name: "0001_create_products.sql",
      sql: `create table products (
  id serial primary key,
  sku text not null unique,
  name text not null,
  price_cents integer not null check (price_cents >= 0),
  created_at timestamptz not null default now()
);`,
    },
    {
      name: "0002_create_orders.sql",
      sql: `create table orders (
  id serial primary key,
  product_id integer not null references products(id),
  quantity integer not null default 1,
  customer_email text not null,
  created_at timestamptz not null default now()
);
create index orders_customer_email_idx on orders (customer_email);`,
    },
  ],
};

export const SEED_ROWS: Record<string, string> = {
  [SEED.addons.mainDb]: `insert into products (sku, name, price_cents) values
  ('RBT-001', 'Robot arm kit', 12900), ('RBT-002', 'Servo pack', 2900), ('RBT-003', 'Sensor bundle', 4900);
insert into orders (product_id, quantity, customer_email) values
  (1, 1, 'ana@acme.example'), (2, 4, 'ben@acme.example'), (3, 2, 'ana@acme.example');`,
};
