import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScalyUpstream, startScalyUpstream } from "../upstreams/scaly/index.js";
import {
  connect,
  graphqlOps,
  isMutation,
  SEED_ALIASES,
  type Session,
  textOf,
  type Workspace,
  workspace,
} from "./scaly/harness.js";

/**
 * The generated Scaly server (`toolwright serve scaly`) over stdio, driven by the SDK client against the Scaly
 * reference upstream: every tool and alias of the seed, with what the upstream received and what changed in its
 * store. Plan/apply/pull, waiting and the seed contract (names, env, start-up) have files of their own.
 */

let up: ScalyUpstream;
let ws: Workspace;
let s: Session;
let token: string;

beforeAll(async () => {
  // Postgres (PGlite) starts here, under the hook's failure bound: started by the first data-plane call it had only
  // the catalog's 60 s upstream timeout, which a loaded 2-core machine exceeded (the call failed as timed out).
  up = await startScalyUpstream({ timeScale: 0.2, preloadDatabase: true });
  ws = workspace("main");
  token = up.issueSessionToken({ expiresInSec: 3600 });
  ws.writeToken(token, { stage: "prod" });
  s = await connect({ upstream: up, ws, label: "main" });
});

afterAll(async () => {
  await s?.close();
  // Credentials and env values never reach MCP traffic, the server's stderr or the audit log.
  const everything = [...(s?.traffic ?? []), ...(s?.stderr ?? []), ws?.audit() ?? ""].join("\n");
  for (const secret of [up.keys.apiKey, up.keys.appsyncKey, token, "admin.settings.production-4471"]) {
    expect(everything, "a secret left the server").not.toContain(secret);
  }
  expect(everything).not.toContain("sk_test_51Hseededvaluenotreal");
  await up?.close();
  ws?.cleanup();
});

beforeEach(() => {
  up.requests.length = 0;
});

/** Waits through the catalog's own tool, so every test that starts work ends on a terminal state. */
async function waitFor(operationId: string) {
  const data = await s.ok("scaly_wait_operation", { operation_id: operationId, timeout_seconds: 30 });
  expect(data.done).toBe(true);
  return data.operation;
}

describe("core inventory", () => {
  it("scaly_status: one GraphQL request, with the API key raw and the AppSync key, and nothing else", async () => {
    const { env, requests } = await s.call("scaly_status");
    expect(env.success).toBe(true);
    expect(env.meta).toMatchObject({ tool: "scaly_status", upstream_status: 200 });
    expect(env.data.workspace).toMatchObject({ slug: "acme", revision: 42 });
    expect(env.data.counts).toMatchObject({ stacks: 3, apps: 3, failedDeployments24h: 1 });
    const production = env.data.stacks.find((st: any) => st.id === "stk_production");
    expect(production.apps.map((a: any) => [a.name, a.status])).toEqual([
      ["storefront", "RUNNING"],
      ["admin", "FAILED"],
    ]);
    expect(env.data.recentFailedDeployments[0].failure.hint).toContain("DJANGO_SETTINGS_MODULE");
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req!.path).toBe("/graphql");
    expect(req!.headers.authorization).toBe(up.keys.apiKey);
    expect(req!.headers["x-api-key"]).toBe(up.keys.appsyncKey);
    expect(JSON.stringify(req!.headers)).not.toContain(token);
  });

  it("scaly_list_apps pages through the apps in the seed's {apps, count} shape; scaly_get_app shows names, never values", async () => {
    const page1 = await s.ok("scaly_list_apps", { first: 2 });
    expect(page1.count).toBe(3);
    expect(page1.apps.map((a: any) => a.name)).toEqual(["admin", "ml-api"]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await s.ok("scaly_list_apps", { first: 2, after: page1.pageInfo.endCursor });
    expect(page2.apps.map((a: any) => a.name)).toEqual(["storefront"]);
    const filtered = await s.ok("scaly_list_apps", { filter: { status: "FAILED" } });
    expect(filtered.apps.map((a: any) => a.id)).toEqual(["app_admin"]);

    const { result, env } = await s.call("scaly_get_app", { id: "app_storefront" });
    expect(env.data).toMatchObject({
      id: "app_storefront",
      framework: "NEXTJS",
      stack: { name: "production" },
    });
    expect(env.data.envVars.map((v: any) => v.name)).toContain("STRIPE_SECRET_KEY");
    expect(env.data.addonLinks.map((l: any) => l.addon.name).sort()).toEqual(["assets", "main-db"]);
    expect(result.structuredContent).toEqual(env.data);
    expect(textOf(result)).not.toContain("sk_test_51H");
    const missing = await s.fails("scaly_get_app", { id: "app_nope" });
    expect(missing.error.code).toBe("not_found");
  });

  it("scaly_list_stacks and its alias scaly_list_compute are the same tool; scaly_get_stack keeps partial data", async () => {
    const stacks = await s.call("scaly_list_stacks", {});
    const compute = await s.call("scaly_list_compute", {});
    expect(compute.env.data).toEqual(stacks.env.data);
    expect(compute.env.meta).toMatchObject({ tool: "scaly_list_stacks", called_as: "scaly_list_compute" });
    expect(graphqlOps(compute.requests)).toEqual(graphqlOps(stacks.requests));
    expect(stacks.env.data.stacks.map((st: any) => st.name)).toEqual(["production", "ml", "staging"]);

    const production = await s.ok("scaly_get_stack", { id: "stk_production" });
    expect(production.apps.nodes.map((a: any) => a.name).sort()).toEqual(["admin", "storefront"]);
    expect(production.addons.map((a: any) => a.name).sort()).toEqual(["assets", "main-db"]);
    expect(production.usage).toBeUndefined();
    const withUsage = await s.ok("scaly_get_stack", {
      id: "stk_production",
      with_usage: true,
      usage_window: "HOUR",
    });
    expect(withUsage.usage.window).toBe("HOUR");
    // stk_ml's metrics are being backfilled: the stack comes back, with the field's error alongside.
    const partial = await s.fails("scaly_get_stack", { id: "stk_ml", with_usage: true });
    expect(partial.error.code).toBe("graphql_partial_data");
    expect(partial.data).toMatchObject({ id: "stk_ml", usage: null });
  });

  it("scaly_list_addons, scaly_get_addon, scaly_list_jobs", async () => {
    const dbs = await s.ok("scaly_list_addons", { filter: { kind: "DATABASE" } });
    expect(dbs.addons.map((a: any) => [a.name, a.__typename, a.engine])).toEqual([
      ["main-db", "DatabaseAddon", "POSTGRES"],
      ["ml-features", "DatabaseAddon", "POSTGRES"],
    ]);
    const assets = await s.ok("scaly_get_addon", { id: "add_assets" });
    expect(assets).toMatchObject({ kind: "STORAGE", bucketName: "acme-assets-7f3c", publicRead: false });
    expect(assets.objectCount).toBeGreaterThan(0);
    const jobs = await s.ok("scaly_list_jobs", { app_id: "app_storefront" });
    expect(jobs.jobs.map((j: any) => j.name)).toEqual(["nightly-report"]);
    expect(jobs.jobs[0].lastRun).toMatchObject({ status: "SUCCEEDED", exitCode: 0 });
  });
});

describe("deployments and operations", () => {
  it("scaly_list_deployments, scaly_get_deployment and its alias scaly_get_deployment_status", async () => {
    const failed = await s.ok("scaly_list_deployments", {
      filter: { appId: "app_admin", status: ["FAILED"] },
    });
    expect(failed.deployments.map((d: any) => d.id)).toEqual(["dep_admin_02"]);
    const dep = await s.ok("scaly_get_deployment", { id: "dep_admin_02" });
    expect(dep.failure).toMatchObject({ code: "HEALTH_CHECK_FAILED" });
    expect(dep.failure.logExcerpt.join("\n")).toContain("ImproperlyConfigured");
    const viaAlias = await s.call("scaly_get_deployment_status", { id: "dep_admin_02" });
    expect(viaAlias.env.data).toEqual(dep);
    expect(viaAlias.env.meta.called_as).toBe("scaly_get_deployment_status");
  });

  it("scaly_get_operation and scaly_get_operation_events", async () => {
    const op = await s.ok("scaly_get_operation", { id: "dep_admin_02" });
    expect(op).toMatchObject({
      kind: "DEPLOY_APP",
      status: "FAILED",
      error: { code: "HEALTH_CHECK_FAILED" },
    });
    const events = await s.ok("scaly_get_operation_events", { operation_id: "dep_admin_02" });
    expect(events.events[0]).toMatchObject({ status: "PENDING", message: "Queued" });
    expect(events.events.at(-1)).toMatchObject({ status: "FAILED", level: "ERROR" });
  });

  it("scaly_deploy_app restarts the app's service (the seed's \"stack service restart\") and answers the seed's operation_id", async () => {
    const deploy = await s.call("scaly_deploy_app", { app_id: "app_storefront" });
    expect(deploy.env.success).toBe(true);
    const started = deploy.env.data;
    // The seed's example: {"success":true,"data":{"operation_id":"dep_abc123",...}}.
    const id = started.operation_id as string;
    expect(id).toMatch(/^dep_/);
    expect(started).toMatchObject({
      deployment_id: id,
      app_id: "app_storefront",
      stack_id: "stk_production",
      status: "PENDING",
      trigger: "RESTART",
    });
    // One read (which stack) and one restart of that app only; there is no deploy mutation.
    expect(graphqlOps(deploy.requests)).toEqual(["ScalyAppStack", "RestartAppService"]);
    const restart = deploy.requests.find((r) => r.operationName === "RestartAppService")!;
    expect((restart.body.parsed as any).variables).toEqual({
      stack_id: "stk_production",
      app_ids: ["app_storefront"],
    });
    expect(up.store.deployments.get(id)).toMatchObject({ appId: "app_storefront", trigger: "RESTART" });
    expect(started.parent_operation_id).toMatch(/^op_/);
    const progress: number[] = [];
    const { env, requests } = await s.call(
      "scaly_wait_operation",
      { operation_id: id },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(env.data.operation).toMatchObject({ id, status: "SUCCEEDED", progress: 100 });
    expect(env.data.done).toBe(true);
    // (The last notification may be lost to the v2 client: it dispatches notifications a microtask late, so
    // one read together with the response finds its handler gone. The terminal state is in the result.)
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!);
    // Every poll is an ordinary call of scaly_get_operation through the catalog.
    expect(requests.length).toBe(env.data.polls);
    expect(graphqlOps(requests).every((op) => op === "ScalyGetOperation")).toBe(true);
    expect(up.store.apps.get("app_storefront")?.status).toBe("RUNNING");
  });

  it("scaly_restart_stack_services and scaly_run_job start operations that finish", async () => {
    const restart = await s.ok("scaly_restart_stack_services", { stack_id: "stk_ml" });
    expect(restart.deployments.map((d: any) => d.appId)).toEqual(["app_ml_api"]);
    expect((await waitFor(restart.operation.id)).status).toBe("SUCCEEDED");
    const run = await s.ok("scaly_run_job", { job_id: "job_nightly_report", args: ["--date", "2025-03-01"] });
    expect(run.run).toMatchObject({
      jobId: "job_nightly_report",
      args: ["--date", "2025-03-01"],
      trigger: "API",
    });
    expect((await waitFor(run.operation.id)).status).toBe("SUCCEEDED");
    expect(up.store.jobRuns.get(run.run.id)?.exitCode).toBe(0);
  });
});

describe("configuration: env vars", () => {
  it("scaly_set_env refuses secret-like names before anything reaches the upstream, under either name", async () => {
    for (const [tool, name] of [
      ["scaly_set_env", "STRIPE_SECRET_KEY"],
      ["scaly_set_env_var", "SENTRY_DSN"],
      ["scaly_set_env", "GITHUB_TOKEN"],
      ["scaly_set_env_var", "ENCRYPTION_KEY"],
      ["scaly_set_env", "DB_PASSWORD"],
    ] as const) {
      const value = `value-of-${name}-9f2c`;
      const { result, env, requests } = await s.call(tool, {
        app_id: "app_admin",
        variables: [
          { name: "LOG_LEVEL", value: "debug" },
          { name, value },
        ],
      });
      expect(env.success, `${tool} ${name}`).toBe(false);
      expect(env.error?.message).toContain(name);
      expect(textOf(result)).not.toContain(value);
      expect(requests).toEqual([]);
    }
    expect(up.store.apps.get("app_admin")?.env.has("LOG_LEVEL")).toBe(false);
    // Each refusal is audited (SCALY_MCP_AUDIT is on by default), by policy and argument shape, never by value.
    const audited = ws
      .audit()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((r) => r.policy === "secret-keys");
    expect(audited).toHaveLength(5);
    expect(audited[1]).toMatchObject({
      tool: "scaly_set_env",
      called_as: "scaly_set_env_var",
      decision: "refused",
    });
    expect(audited[0].args.shape).toEqual({ app_id: "string", variables: "array(2)" });
  });

  it("scaly_set_env sets values without echoing them; scaly_get_env_vars returns names only", async () => {
    const value = "admin.settings.production-4471";
    const { result, env, requests } = await s.call("scaly_set_env", {
      app_id: "app_admin",
      variables: [{ name: "DJANGO_SETTINGS_MODULE", value }],
    });
    expect(env.data.setNames).toEqual(["DJANGO_SETTINGS_MODULE"]);
    expect(env.data.names).toContain("DJANGO_SETTINGS_MODULE");
    expect(textOf(result)).not.toContain(value);
    expect(requests.map((r) => r.variables)).toEqual([
      { appId: "app_admin", variables: [{ name: "DJANGO_SETTINGS_MODULE", value }] },
    ]);
    expect(up.store.apps.get("app_admin")?.env.get("DJANGO_SETTINGS_MODULE")?.value).toBe(value);

    const viaAlias = await s.ok("scaly_set_env_var", { app_id: "app_admin", unset: ["DJANGO_DEBUG"] });
    expect(viaAlias.unsetNames).toEqual(["DJANGO_DEBUG"]);

    const vars = await s.call("scaly_get_env_vars", { app_id: "app_storefront" });
    expect(vars.env.data.appId).toBe("app_storefront");
    expect(vars.env.data.variables.map((v: any) => v.name)).toContain("STRIPE_SECRET_KEY");
    for (const v of vars.env.data.variables)
      expect(Object.keys(v).sort()).toEqual(["addonId", "name", "source", "updatedAt"]);
    expect(textOf(vars.result)).not.toContain("sk_test_51H");
    expect(textOf(vars.result)).not.toContain("postgres://");
  });
});

describe("logs and diagnostics", () => {
  it("scaly_diagnose_app combines the app, its failures and error logs; the fix then deploys", async () => {
    const { env, requests } = await s.call("scaly_diagnose_app", { app_id: "app_admin" });
    const d = env.data;
    expect(d.healthy).toBe(false);
    expect(d.failure).toMatchObject({ deploymentId: "dep_admin_02", code: "HEALTH_CHECK_FAILED" });
    expect(d.failure.hint).toContain("DJANGO_SETTINGS_MODULE");
    expect(d.failure.logExcerpt.join(" ")).toContain("ImproperlyConfigured");
    expect(d.errorLogs.available).toBe(true);
    expect(d.errorLogs.entries.some((e: any) => e.message.includes("Worker failed to boot"))).toBe(true);
    expect(d.next.join(" ")).toContain("scaly_retry_deployment");
    // Several calls combined: the app, its failed deployments, the latest failure, then error logs (REST).
    expect(requests.map((r) => r.operationName ?? `${r.method} ${r.path}`)).toEqual([
      "ScalyGetApp",
      "ScalyListDeployments",
      "ScalyGetDeployment",
      "GET /v1/apps/app_admin/logs",
    ]);
    expect(requests[3]!.query).toMatchObject({ level: "error", since: "24h" });

    // DJANGO_SETTINGS_MODULE was set above: the retry succeeds.
    const retry = await s.ok("scaly_retry_deployment", { deployment_id: "dep_admin_02" });
    expect(retry.deployment.retryOf).toMatchObject({ id: "dep_admin_02" });
    expect((await waitFor(retry.operation.id)).status).toBe("SUCCEEDED");
    expect(up.store.apps.get("app_admin")?.status).toBe("RUNNING");
  });

  it("scaly_get_logs reads the unified logs with the session token", async () => {
    const { env, requests } = await s.call("scaly_get_logs", {
      app_id: "app_admin",
      source: "deploy",
      deployment_id: "dep_admin_02",
    });
    expect(env.data.entries.length).toBeGreaterThan(0);
    expect(
      env.data.entries.every((e: any) => e.source === "deploy" && e.deploymentId === "dep_admin_02"),
    ).toBe(true);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.query).toEqual({ source: "deploy", deploymentId: "dep_admin_02" });
  });
});

describe("write tools", () => {
  it("scaly_create_stack previews first (the API's dry run), then creates with dry_run: false", async () => {
    const preview = await s.call("scaly_create_stack", {
      name: "batch",
      instance_size: "LARGE",
      tags: [{ key: "team", value: "data" }],
    });
    expect(preview.env.data).toMatchObject({ dryRun: true, stack: null, operation: null });
    expect(preview.env.data.changes.map((c: any) => c.field)).toContain("instanceSize");
    expect([...up.store.stacks.values()].some((st) => st.name === "batch")).toBe(false);
    expect(preview.requests[0]!.variables).toMatchObject({ name: "batch", instanceSize: "LARGE" });

    const created = await s.ok("scaly_create_stack", {
      name: "batch",
      instance_size: "LARGE",
      dry_run: false,
    });
    expect(created).toMatchObject({ dryRun: false, stack: { name: "batch", status: "PROVISIONING" } });
    expect((await waitFor(created.operation.id)).status).toBe("SUCCEEDED");
    expect(up.store.stacks.get(created.stack.id)?.status).toBe("ACTIVE");
  });

  it("scaly_update_stack previews the field changes, then applies them with dry_run: false", async () => {
    const stack = [...up.store.stacks.values()].find((st) => st.name === "batch")!;
    const preview = await s.ok("scaly_update_stack", {
      id: stack.id,
      instance_size: "XLARGE",
      max_instances: 3,
    });
    expect(preview.dryRun).toBe(true);
    expect(preview.changes).toEqual([
      { field: "instanceSize", from: '"LARGE"', to: '"XLARGE"' },
      { field: "maxInstances", from: "1", to: "3" },
    ]);
    expect(stack.instanceSize).toBe("LARGE");
    const applied = await s.ok("scaly_update_stack", {
      id: stack.id,
      instance_size: "XLARGE",
      max_instances: 3,
      dry_run: false,
    });
    expect((await waitFor(applied.operation.id)).status).toBe("SUCCEEDED");
    expect(stack).toMatchObject({ instanceSize: "XLARGE", maxInstances: 3, status: "ACTIVE" });
  });

  it("scaly_delete_stack: the seed's 'preview-first; delete requires confirm' (confirm: true runs it)", async () => {
    const stack = [...up.store.stacks.values()].find((st) => st.name === "batch")!;
    for (const args of [{ id: stack.id }, { id: stack.id, confirm: false }]) {
      const preview = await s.fails("scaly_delete_stack", args);
      expect(preview.error.code).toBe("confirmation_required");
      expect(preview.requests, "a preview never reaches the upstream").toEqual([]);
      expect(preview.error.details).toMatchObject({
        would:
          "mutation DeleteStack($id: ID!) { deleteStack(input: {id: $id}) { deletedStackId dryRun stack { id name status } operation { id kind status } } }",
        arguments: { id: stack.id },
      });
      expect(preview.error.details.next).toContain("confirm: true");
      expect(preview.error.details.confirmation_token).toBeUndefined();
    }
    // A token is not this catalog's way (and no argument of the tool): refused as an unknown property.
    const token = await s.fails("scaly_delete_stack", { id: stack.id, confirmation_token: "tw1.x.y" });
    expect(token.error.code).toBe("invalid_arguments");
    expect(token.requests).toEqual([]);

    const { env, requests } = await s.call("scaly_delete_stack", { id: stack.id, confirm: true });
    expect(env.data).toMatchObject({
      deletedStackId: stack.id,
      dryRun: false,
      stack: { status: "DELETING" },
    });
    // `confirm` is the server's, not the API's: the mutation carries the stack id only.
    expect(requests.map((r) => r.variables)).toEqual([{ id: stack.id }]);
    await waitFor(env.data.operation.id);
    expect(up.store.stacks.has(stack.id)).toBe(false);
    const audited = ws
      .audit()
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line))
      .filter((r) => r.tool === "scaly_delete_stack" && r.decision === "allowed");
    expect(audited.at(-1).applied).toContain("confirmation:argument");

    // The upstream still refuses what it refuses: a stack with apps cannot go.
    const refused = await s.fails("scaly_delete_stack", { id: "stk_production", confirm: true });
    expect(refused.error.code).toBe("graphql_failed_precondition");
    expect(up.store.stacks.has("stk_production")).toBe(true);
  });

  it("scaly_create_app, scaly_create_database, scaly_create_storage, scaly_link_addon, scaly_configure_auth", async () => {
    const app = await s.ok("scaly_create_app", {
      stack_id: "stk_staging",
      name: "worker",
      framework: "EXPRESS",
      repository: { url: "https://github.com/acme/worker" },
      port: 3000,
      health_check_path: "/healthz",
    });
    expect(app.app).toMatchObject({
      name: "worker",
      runtime: "node20",
      status: "CREATED",
      repository: { branch: "main" },
    });
    const appId = app.app.id as string;

    const db = await s.ok("scaly_create_database", {
      stack_id: "stk_staging",
      name: "worker-db",
      storage_gb: 5,
      link_app_ids: [appId],
    });
    expect(db.addon).toMatchObject({
      kind: "DATABASE",
      version: "16",
      storageGb: 5,
      linkedApps: [{ id: appId }],
    });
    const bucket = await s.ok("scaly_create_storage", {
      stack_id: "stk_staging",
      name: "worker-files",
      public_read: false,
    });
    expect(bucket.addon).toMatchObject({ kind: "STORAGE", publicRead: false, linkedApps: [] });
    await waitFor(db.operation.id);
    await waitFor(bucket.operation.id);

    const link = await s.ok("scaly_link_addon", {
      app_id: appId,
      addon_id: bucket.addon.id,
      env_prefix: "FILES",
    });
    expect(link.envVarNames).toEqual([
      "FILES_STORAGE_BUCKET",
      "FILES_STORAGE_ENDPOINT",
      "FILES_STORAGE_ACCESS_KEY_ID",
      "FILES_STORAGE_SECRET_ACCESS_KEY",
    ]);
    expect(
      up.store.links.some(
        (l) => l.appId === appId && l.addonId === bucket.addon.id && l.envPrefix === "FILES",
      ),
    ).toBe(true);

    const rule = { allOf: [{ group: "grp_admins" }, { emailDomain: "acme.example" }] };
    const auth = await s.ok("scaly_configure_auth", {
      app_id: appId,
      visibility: "PRIVATE",
      allowed_group_ids: ["grp_admins"],
      rule,
      session_ttl_minutes: 60,
    });
    expect(auth.auth).toMatchObject({
      visibility: "PRIVATE",
      allowedGroups: [{ id: "grp_admins" }],
      sessionTtlMinutes: 60,
    });
    expect(JSON.parse(auth.auth.rule)).toEqual(rule);
    expect(up.store.apps.get(appId)?.auth).toMatchObject({
      visibility: "PRIVATE",
      allowedGroupIds: ["grp_admins"],
      rule,
    });
  });
});

describe("user groups", () => {
  it("list, create, invite, add, remove, and delete (with confirmation)", async () => {
    const groups = await s.ok("scaly_list_user_groups", {});
    expect(groups.groups.map((g: any) => g.name)).toEqual(["admins", "ml-reviewers", "contractors"]);
    expect(groups.groups[0].members.nodes.map((m: any) => m.id)).toEqual(["usr_ana", "usr_ben"]);

    const created = await s.ok("scaly_create_user_group", { name: "finance", description: "Finance team" });
    const groupId = created.group.id as string;
    const invited = await s.ok("scaly_invite_user_group_users", {
      group_id: groupId,
      emails: ["fay@acme.example", "ana@acme.example"],
      send_email: false,
    });
    expect(invited.invited.map((u: any) => [u.email, u.status])).toEqual([["fay@acme.example", "INVITED"]]);
    expect(invited.existing.map((u: any) => u.id)).toEqual(["usr_ana"]);
    const added = await s.ok("scaly_add_users_to_group", {
      group_id: groupId,
      users: [{ id: "usr_dana" }, { email: "ben@acme.example" }],
    });
    expect(added.group.memberCount).toBe(4);
    const removed = await s.ok("scaly_remove_users_from_group", {
      group_id: groupId,
      users: [{ email: "ana@acme.example" }],
    });
    expect(removed.group.members.nodes.map((m: any) => m.email)).not.toContain("ana@acme.example");
    expect(up.store.groups.get(groupId)?.memberIds).not.toContain("usr_ana");

    // No confirmation step for user groups: the seed asks for confirm on stack deletion only.
    const deleted = await s.ok("scaly_delete_user_group", { id: groupId });
    expect(deleted.deletedUserGroupId).toBe(groupId);
    expect(up.store.groups.has(groupId)).toBe(false);
  });
});

describe("database and storage (session token)", () => {
  it("scaly_db_query (read-only), scaly_db_execute, scaly_db_migration_plan, scaly_db_migrate, scaly_db_schema_dump", async () => {
    const rows = await s.ok("scaly_db_query", {
      app_id: "app_storefront",
      sql: "select sku, price_cents from products where price_cents > $1 order by sku",
      params: [3000],
    });
    expect(rows.rows).toEqual([
      { sku: "RBT-001", price_cents: 12900 },
      { sku: "RBT-003", price_cents: 4900 },
    ]);
    const readOnly = await s.fails("scaly_db_query", { app_id: "app_storefront", sql: "delete from orders" });
    expect(readOnly.error).toMatchObject({
      code: "http_422",
      details: { upstream_code: "READ_ONLY_VIOLATION" },
    });
    expect(readOnly.error.message).toContain("read-only transaction");

    const exec = await s.ok("scaly_db_execute", {
      app_id: "app_storefront",
      sql: "insert into products (sku, name, price_cents) values ($1, $2, $3) returning id",
      params: ["RBT-004", "Gripper", 1900],
    });
    expect(exec.results[0]).toMatchObject({ command: "INSERT", rowCount: 1 });

    const migrations = [
      { name: "0001_create_products.sql", sql: "-- changed" },
      {
        name: "0003_add_discount.sql",
        sql: "alter table products add column discount integer not null default 0;",
      },
    ];
    const plan = await s.ok("scaly_db_migration_plan", {
      app_id: "app_storefront",
      migrations: migrations.slice(1),
    });
    expect(plan.pending.map((m: any) => m.name)).toEqual(["0003_add_discount.sql"]);
    expect(plan.unknown).toEqual(["0001_create_products.sql", "0002_create_orders.sql"]);
    const mismatch = await s.fails("scaly_db_migrate", { app_id: "app_storefront", migrations });
    expect(mismatch.error.details).toEqual({ upstream_code: "MIGRATION_CHECKSUM_MISMATCH" });
    const applied = await s.ok("scaly_db_migrate", {
      app_id: "app_storefront",
      migrations: migrations.slice(1),
    });
    expect(applied.applied.map((m: any) => m.name)).toEqual(["0003_add_discount.sql"]);

    const schema = await s.ok("scaly_db_schema_dump", { app_id: "app_storefront", table: "products" });
    expect(schema.tables[0].columns.map((c: any) => c.name)).toContain("discount");
    expect(schema.ddl).toContain("CREATE TABLE products");
  });

  it("scaly_storage_list_objects, _download_object, _upload_object, _delete_object (confirmed)", async () => {
    const listing = await s.ok("scaly_storage_list_objects", {
      app_id: "app_storefront",
      prefix: "reports/",
    });
    expect(listing.objects.map((o: any) => o.key)).toEqual([
      "reports/2025-01/sales.csv",
      "reports/2025-02/sales.csv",
    ]);
    const download = await s.call("scaly_storage_download_object", {
      app_id: "app_storefront",
      key: "reports/2025-02/sales.csv",
    });
    expect(Buffer.from(download.env.data.content, "base64").toString()).toContain("2410.00");
    // The key is one path segment on the wire, its slashes encoded.
    expect(download.requests[0]!.path).toBe(
      "/v1/apps/app_storefront/storage/objects/reports%2F2025-02%2Fsales.csv",
    );

    const uploaded = await s.ok("scaly_storage_upload_object", {
      app_id: "app_storefront",
      key: "notes/hello.txt",
      content: "hello from MCP",
      content_type: "text/plain",
    });
    expect(uploaded).toMatchObject({ key: "notes/hello.txt", size: 14, contentType: "text/plain" });
    expect(up.store.buckets.get("add_assets")?.get("notes/hello.txt")?.bytes.toString()).toBe(
      "hello from MCP",
    );

    // No confirmation step for objects either (the seed's "delete requires confirm" is about stacks).
    const deleted = await s.ok("scaly_storage_delete_object", {
      app_id: "app_storefront",
      key: "notes/hello.txt",
    });
    expect(deleted).toEqual({ key: "notes/hello.txt", deleted: true });
    expect(up.store.buckets.get("add_assets")?.has("notes/hello.txt")).toBe(false);
  });

  it("each source gets its own credentials: the session token only on /v1, the API keys only on /graphql", async () => {
    await s.ok("scaly_status", {});
    await s.ok("scaly_db_query", { app_id: "app_storefront", sql: "select 1 as one" });
    await s.ok("scaly_auth_status", {});
    const graphql = up.requests.filter((r) => r.path === "/graphql");
    const data = up.requests.filter((r) => r.path.startsWith("/v1/"));
    expect(graphql.length).toBeGreaterThan(0);
    expect(data.map((r) => r.path)).toEqual(["/v1/apps/app_storefront/db/query", "/v1/session"]);
    for (const r of graphql) {
      expect(r.headers.authorization).toBe(up.keys.apiKey);
      expect(r.headers["x-api-key"]).toBe(up.keys.appsyncKey);
      expect(JSON.stringify(r)).not.toContain(token);
    }
    for (const r of data) {
      expect(r.headers.authorization).toBe(`Bearer ${token}`);
      expect(r.headers["x-api-key"]).toBeUndefined();
      const wire = JSON.stringify(r);
      expect(wire).not.toContain(up.keys.apiKey);
      expect(wire).not.toContain(up.keys.appsyncKey);
    }
  });

  it("the session token is read at each call: a rewritten auth store is used without a restart", async () => {
    const fresh = up.issueSessionToken({ expiresInSec: 7200 });
    ws.writeToken(fresh);
    const status = await s.ok("scaly_auth_status", {});
    expect(status).toMatchObject({ present: true, source: "file", verified: true });
    const { requests } = await s.call("scaly_storage_list_objects", { app_id: "app_storefront", limit: 1 });
    expect(requests[0]!.headers.authorization).toBe(`Bearer ${fresh}`);
    expect(JSON.stringify(s.traffic)).not.toContain(fresh);

    // An expired token: the data plane's answer says how to get a new one, and so does scaly_auth_status.
    const expired = up.issueSessionToken({ expiresInSec: -60 });
    ws.writeToken(expired);
    const refused = await s.fails("scaly_db_query", { app_id: "app_storefront", sql: "select 1" });
    expect(refused.error).toMatchObject({
      code: "http_401",
      details: { upstream_code: "SESSION_TOKEN_EXPIRED" },
    });
    expect(refused.error.message).toContain("scaly auth login");
    const expiredStatus = await s.ok("scaly_auth_status", { verify: true });
    expect(expiredStatus).toMatchObject({ present: true, expired: true, verified: null });
    expect(expiredStatus.next).toContain("auth login");
    ws.writeToken(token);
  });

  it("without any session token, data-plane tools answer with how to get one and make no request", async () => {
    ws.removeToken();
    try {
      for (const [tool, args] of [
        ["scaly_db_query", { app_id: "app_storefront", sql: "select 1" }],
        ["scaly_storage_list_objects", { app_id: "app_storefront" }],
        ["scaly_get_logs", { app_id: "app_admin" }],
      ] as const) {
        const { error, requests } = await s.fails(tool, args);
        expect(error.code).toBe("missing_credentials");
        expect(error.message).toContain("scaly auth login");
        expect(error.message).toContain("SCALY_OIDC_TOKEN");
        expect(error.message).not.toMatch(/\n\s+at /);
        expect(requests).toEqual([]);
      }
      const status = await s.ok("scaly_auth_status", {});
      expect(status).toMatchObject({ present: false, source: null, auth_store: "missing", verified: null });
      expect(status.next).toContain("auth login");
      // The control plane does not need the token; diagnosis still works, and says logs need one.
      const d = await s.ok("scaly_diagnose_app", { app_id: "app_storefront" });
      expect(d.errorLogs).toMatchObject({ available: false });
      expect(d.errorLogs.reason).toContain("auth login");
    } finally {
      ws.writeToken(token);
    }
  });
});

describe("resources", () => {
  it("serves the guides, the capabilities YAML, the config schema, and the templates", async () => {
    const { resources } = await s.client.listResources();
    const { resourceTemplates } = await s.client.listResourceTemplates();
    const read = async (uri: string) => {
      const { contents } = await s.client.readResource({ uri });
      return contents[0] as { uri: string; mimeType?: string; text: string };
    };
    // The eight static resources, then the live apps of scaly://apps/{id}.
    expect(resources.filter((r) => !r.uri.startsWith("scaly://apps/")).map((r) => r.uri)).toHaveLength(8);
    const capabilities = await read("scaly://capabilities");
    expect(capabilities.mimeType).toBe("application/yaml");
    expect(capabilities.text).toContain("scaly_list_compute: scaly_list_stacks");
    const schema = await read("scaly://resources-schema");
    expect(JSON.parse(schema.text).$id).toBe("scaly://resources-schema");
    expect((await read("scaly://guides/start")).mimeType).toBe("text/markdown");
    expect((await read("scaly://guides/frameworks/django")).text).toContain("DJANGO");
    expect((await read("scaly://guides/patterns/private-app-auth")).text).toContain("scaly_configure_auth");
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "scaly://guides/frameworks/{name}",
      "scaly://guides/patterns/{name}",
      "scaly://apps/{id}",
    ]);
    const app = await read("scaly://apps/app_ml_api");
    expect(JSON.parse(app.text)).toMatchObject({ id: "app_ml_api", name: "ml-api" });
    expect(up.requests.filter(isMutation)).toEqual([]);
  });
});

describe("coverage", () => {
  it("every tool and alias of tools/list was called in this file, except the config-as-code ones (scaly-plan.test.ts)", async () => {
    const { tools } = await s.client.listTools();
    const elsewhere = new Set(["scaly_plan", "scaly_apply", "scaly_pull"]);
    const missed = tools.map((t) => t.name).filter((n) => !s.called.has(n) && !elsewhere.has(n));
    expect(missed).toEqual([]);
    for (const alias of Object.keys(SEED_ALIASES)) expect(s.called.has(alias)).toBe(true);
  });
});
