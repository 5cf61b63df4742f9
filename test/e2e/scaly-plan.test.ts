import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type ScalyUpstream, startScalyUpstream } from "../upstreams/scaly/index.js";
import { connect, isMutation, type Session, type Workspace, workspace } from "./scaly/harness.js";

/**
 * Config as code against the reference upstream: scaly_pull writes .scaly/config.yaml in the server's working
 * directory, scaly_plan compares it with live state and returns plan_hash, scaly_apply makes the change only
 * for that exact plan. A stale plan (live state or the file moved) is refused with zero writes, and since apply
 * proves freshness by planning again, a second server process (another replica) applies a plan the first made.
 */

let up: ScalyUpstream;
let ws: Workspace;
let s: Session;

const configPath = () => join(ws.project, ".scaly/config.yaml");
const readConfig = () => parse(readFileSync(configPath(), "utf8"));
const writeConfig = (config: unknown) => writeFileSync(configPath(), stringify(config));
const mutations = () => up.requests.filter(isMutation).map((r) => r.operationName);

beforeAll(async () => {
  up = await startScalyUpstream({ timeScale: 0.2 });
  ws = workspace("plan");
  ws.writeToken(up.issueSessionToken());
  s = await connect({ upstream: up, ws, label: "plan" });
});

afterAll(async () => {
  await s?.close();
  await up?.close();
  ws?.cleanup();
});

beforeEach(() => {
  up.requests.length = 0;
});

describe("scaly_pull and scaly_plan", () => {
  it("plan without a file says how to get one", async () => {
    const { error } = await s.fails("scaly_plan");
    expect(error.code).toBe("config_missing");
    expect(error.message).toContain("scaly_pull");
  });

  it("pull writes the file from live state (names, never values); a plan right after has nothing to do", async () => {
    const pulled = await s.ok("scaly_pull");
    expect(pulled).toMatchObject({
      path: ".scaly/config.yaml",
      written: true,
      replaced: false,
      workspace: "acme",
    });
    const config = readConfig();
    expect(pulled.yaml).toBe(readFileSync(configPath(), "utf8"));
    expect(config.workspace).toBe("acme");
    expect(config.stacks.production).toEqual({
      description: "Customer-facing services",
      region: "eu-west-1",
      instance_size: "MEDIUM",
      min_instances: 2,
      max_instances: 4,
      tags: { env: "prod" },
    });
    expect(config.apps.storefront.addons).toEqual(["main-db", "assets"]);
    expect(config.apps.storefront.env).toEqual(["NEXT_PUBLIC_API_URL", "NODE_ENV", "STRIPE_SECRET_KEY"]);
    expect(config.apps.admin.auth).toEqual({
      visibility: "PRIVATE",
      provider: "SCALY_SSO",
      allowed_groups: ["admins"],
      rule: { all_of: [{ group: "admins" }, { email_domain: "acme.example" }] },
      session_ttl_minutes: 720,
    });
    // Values never go in the file.
    expect(pulled.yaml).not.toContain("sk_test_51H");
    expect(pulled.yaml).not.toContain("production\n    value");
    // The seeded stack "ml" predates the API's 3-character minimum for new names: the file still names it (and
    // what lives on it), so pull covers every live resource.
    expect(config.stacks.ml).toMatchObject({ instance_size: expect.any(String) });
    expect(config.addons["ml-features"]).toMatchObject({ stack: "ml" });
    expect(config.apps["ml-api"]).toMatchObject({ stack: "ml" });
    expect(pulled.warnings).toBeUndefined();
    expect(mutations()).toEqual([]);

    const plan = await s.ok("scaly_plan");
    expect(plan.actions).toEqual([]);
    expect(plan.unsupported).toEqual([]);
    expect(plan.needs_value).toEqual([]);
    expect(plan.unmanaged).toMatchObject({ stacks: [], addons: [], apps: [], user_groups: [] });
    expect(plan.plan_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.workspace).toEqual({ slug: "acme", revision: 42 });

    const again = await s.fails("scaly_pull");
    expect(again.error.code).toBe("config_exists");
    expect((await s.ok("scaly_pull", { overwrite: true })).replaced).toBe(true);
  });

  it("a file that does not match scaly://resources-schema, or names what does not exist, is refused clearly", async () => {
    const good = readConfig();
    writeConfig({ ...good, stacks: { ...good.stacks, Batch: { instance_size: "HUGE" } } });
    const invalid = await s.fails("scaly_plan");
    expect(invalid.error.code).toBe("config_invalid");
    expect(invalid.error.details.problems.join("\n")).toMatch(/stacks/);
    writeConfig({ ...good, apps: { ...good.apps, web: { stack: "nowhere", framework: "NEXTJS" } } });
    const unknown = await s.fails("scaly_plan");
    expect(unknown.error.details.problems).toEqual([
      'apps.web.stack: no stack named "nowhere" in the file or live',
    ]);
    writeConfig({ ...good, workspace: "globex" });
    expect((await s.fails("scaly_plan")).error.message).toContain('belongs to "acme"');
    // Older live names are fine in the file, but a new resource needs a name the API accepts: said before apply.
    writeConfig({ ...good, stacks: { ...good.stacks, ab: { instance_size: "SMALL" } } });
    const short = await s.fails("scaly_plan");
    expect(short.error.details.problems).toEqual([
      '"ab": a new stack needs a name of 3-40 lower-case letters, digits or dashes, starting with a letter (the API\'s rule; existing resources keep older names)',
    ]);
    writeConfig(good);
  });

  it("pull fails loudly, writing nothing, when live state has something the file cannot express", async () => {
    const before = readFileSync(configPath(), "utf8");
    const app = up.store.apps.get("app_storefront")!;
    const saved = app.auth;
    app.auth = { ...saved!, visibility: "PRIVATE", allowedGroupIds: [], rule: null };
    try {
      const { error } = await s.fails("scaly_pull", { overwrite: true });
      expect(error.code).toBe("not_expressible");
      expect(error.message).toContain("was not written");
      expect(error.details.cannot_write).toEqual([
        'app "storefront" cannot be written: it is PRIVATE with no allowed group or rule, which the file format cannot say (give it a group or rule with scaly_configure_auth, or make it PUBLIC)',
      ]);
      expect(readFileSync(configPath(), "utf8")).toBe(before);
    } finally {
      app.auth = saved;
    }
  });
});

describe("scaly_apply", () => {
  let planned: any;

  it("plan lists the changes in apply order, with env names that need values and what it cannot do", async () => {
    const config = readConfig();
    config.user_groups.finance = { description: "Finance team" };
    config.stacks.analytics = { instance_size: "SMALL", tags: { team: "data" } };
    config.stacks.production.max_instances = 6;
    config.addons["analytics-db"] = { kind: "DATABASE", stack: "analytics", storage_gb: 5 };
    config.apps.reports = {
      stack: "analytics",
      framework: "FASTAPI",
      port: 8000,
      health_check_path: "/healthz",
      addons: ["analytics-db", { name: "assets", env_prefix: "FILES" }],
      env: ["REPORT_TITLE", "DATABASE_URL"],
      auth: {
        visibility: "PRIVATE",
        allowed_groups: ["finance"],
        rule: { all_of: [{ group: "finance" }, { email_domain: "acme.example" }] },
      },
    };
    config.apps.admin.port = 9090;
    writeConfig(config);

    planned = await s.ok("scaly_plan");
    expect(planned.actions.map((a: any) => `${a.action} ${a.target}`)).toEqual([
      "create_user_group finance",
      "create_stack analytics",
      "update_stack production",
      "create_database analytics-db",
      "create_app reports",
      "link_addon reports -> analytics-db",
      "link_addon reports -> assets",
      "configure_auth reports",
    ]);
    expect(planned.actions[2].changes).toEqual([{ field: "maxInstances", from: 4, to: 6 }]);
    // DATABASE_URL comes with the link; REPORT_TITLE needs a value (set with scaly_set_env, never in the file).
    expect(planned.needs_value).toEqual([{ app: "reports", names: ["REPORT_TITLE"] }]);
    expect(planned.unsupported).toEqual([
      expect.objectContaining({ resource: "app admin", field: "port", live: 8080, wanted: 9090 }),
    ]);
    expect(planned.summary).toMatchObject({ actions: 8, needs_value: 1, unsupported: 1 });
    expect(mutations(), "planning changes nothing").toEqual([]);
  });

  it("refuses without auto_approve: true, or with another plan_hash, changing nothing", async () => {
    const unapproved = await s.fails("scaly_apply", { plan_hash: planned.plan_hash, auto_approve: false });
    expect(unapproved.error.code).toBe("approval_required");
    const other = await s.fails("scaly_apply", { plan_hash: "0".repeat(64), auto_approve: true });
    expect(other.error.code).toBe("plan_stale");
    expect(mutations()).toEqual([]);
    expect(up.requests.filter((r) => r.path !== "/graphql")).toEqual([]);
  });

  it("a stale plan is refused with zero writes: live state moved, or the file did", async () => {
    // Someone changes live state (an env var elsewhere): the workspace revision moves.
    await s.ok("scaly_set_env", {
      app_id: "app_storefront",
      variables: [{ name: "FEATURE_FLAGS", value: "x" }],
    });
    up.requests.length = 0;
    const liveMoved = await s.fails("scaly_apply", { plan_hash: planned.plan_hash, auto_approve: true });
    expect(liveMoved.error.code).toBe("plan_stale");
    expect(liveMoved.error.message).toContain("revision 43");
    expect(mutations()).toEqual([]);

    // Plan again; then the file changes before apply.
    planned = await s.ok("scaly_plan");
    const config = readConfig();
    writeConfig({ ...config, user_groups: { ...config.user_groups, auditors: {} } });
    up.requests.length = 0;
    const fileMoved = await s.fails("scaly_apply", { plan_hash: planned.plan_hash, auto_approve: true });
    expect(fileMoved.error.code).toBe("plan_stale");
    expect(mutations()).toEqual([]);
    writeConfig(config);
    expect((await s.ok("scaly_plan")).plan_hash).toBe(planned.plan_hash);
  });

  it("applies exactly the approved plan from another server process (no state kept between calls)", async () => {
    const replica = await connect({ upstream: up, ws, label: "replica" });
    try {
      up.requests.length = 0;
      const progress: number[] = [];
      const { env } = await replica.call(
        "scaly_apply",
        { plan_hash: planned.plan_hash, auto_approve: true },
        { onprogress: (p) => progress.push(p.progress) },
      );
      expect(env.success, JSON.stringify(env.error)).toBe(true);
      const applied = env.data;
      expect(applied.applied.map((a: any) => a.action)).toEqual(planned.actions.map((a: any) => a.action));
      // One notification per action (the closing one may be lost to the v2 client's late dispatch).
      expect(progress.slice(0, planned.actions.length)).toEqual(
        planned.actions.map((_: unknown, i: number) => i),
      );
      expect(mutations()).toEqual([
        "CreateUserGroup",
        "CreateStack",
        "UpdateStack",
        "CreateDatabase",
        "CreateApp",
        "LinkAddon",
        "LinkAddon",
        "ConfigureAuth",
      ]);
      expect(applied.needs_value).toEqual([{ app: "reports", names: ["REPORT_TITLE"] }]);
      expect(applied.next).toContain("scaly_deploy_app");
    } finally {
      await replica.close();
    }

    const store = up.store;
    const group = [...store.groups.values()].find((g) => g.name === "finance")!;
    const stack = [...store.stacks.values()].find((st) => st.name === "analytics")!;
    // Stacks are waited for before anything is placed on them.
    expect(stack).toMatchObject({
      status: "ACTIVE",
      instanceSize: "SMALL",
      tags: [{ key: "team", value: "data" }],
    });
    expect(store.stacks.get("stk_production")?.maxInstances).toBe(6);
    const db = [...store.addons.values()].find((a) => a.name === "analytics-db")!;
    expect(db).toMatchObject({ kind: "DATABASE", stackId: stack.id, storageGb: 5 });
    const app = [...store.apps.values()].find((a) => a.name === "reports")!;
    expect(app).toMatchObject({ stackId: stack.id, framework: "FASTAPI", port: 8000 });
    expect(store.links.filter((l) => l.appId === app.id).map((l) => [l.addonId, l.envPrefix])).toEqual([
      [db.id, null],
      ["add_assets", "FILES"],
    ]);
    expect(app.auth).toMatchObject({
      visibility: "PRIVATE",
      allowedGroupIds: [group.id],
      rule: { allOf: [{ group: group.id }, { emailDomain: "acme.example" }] },
    });
    // The admin port stays: apply never makes what the plan reported as unsupported.
    expect(store.apps.get("app_admin")?.port).toBe(8080);

    const after = await s.ok("scaly_plan");
    expect(after.actions).toEqual([]);
    expect(after.needs_value).toEqual([{ app: "reports", names: ["REPORT_TITLE"] }]);
    const nothing = await s.ok("scaly_apply", { plan_hash: after.plan_hash, auto_approve: true });
    expect(nothing.applied).toEqual([]);
  });
});
