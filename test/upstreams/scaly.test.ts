import { readFileSync } from "node:fs";
import {
  buildSchema,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScalyUpstream, startScalyUpstream } from "./scaly/index.js";
import { SEED_TOOLS } from "./scaly/seed-tools.js";

let up: ScalyUpstream;
let token: string;

beforeAll(async () => {
  up = await startScalyUpstream({ timeScale: 0.2 });
  token = up.issueSessionToken();
});

afterAll(async () => {
  await up?.close();
});

interface GqlResult {
  status: number;
  body: { data?: any; errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string } }> };
}

async function gql(
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = { "x-api-key": up.keys.appsyncKey, authorization: up.keys.apiKey },
  target: ScalyUpstream = up,
): Promise<GqlResult> {
  const res = await fetch(target.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GqlResult["body"] };
}

/** Data of a query that must succeed. */
async function ok(query: string, variables?: Record<string, unknown>): Promise<any> {
  const { status, body } = await gql(query, variables);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  return body.data;
}

async function dp(
  method: string,
  path: string,
  body?: unknown,
  opts: { token?: string | null; headers?: Record<string, string>; raw?: RequestInit["body"] } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...opts.headers };
  const bearer = opts.token === undefined ? token : opts.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${up.dataUrl}${path}`, {
    method,
    headers,
    body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: res.status, body: await res.json() };
}

async function waitForOperation(id: string): Promise<{ seen: string[]; op: any }> {
  const seen: string[] = [];
  for (let i = 0; i < 200; i++) {
    const { operation } = await ok(
      "query Op($id: ID!) { operation(id: $id) { id status progress message error { code message } } }",
      { id },
    );
    if (seen.at(-1) !== operation.status) seen.push(operation.status);
    if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(operation.status)) return { seen, op: operation };
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`operation ${id} never finished`);
}

describe("control plane auth", () => {
  it.each([
    ["no headers", {}],
    [
      "wrong appsync key",
      { "x-api-key": "da2-wrong", authorization: "sk_test_scaly_reference_2b7e151628aed2a6" },
    ],
    ["Bearer-prefixed api key", { "x-api-key": "da2-scalyreference4f3c9a1e7b2d", authorization: "Bearer x" }],
    ["wrong api key", { "x-api-key": "da2-scalyreference4f3c9a1e7b2d", authorization: "sk_live_nope" }],
  ])("refuses %s with 401 UNAUTHORIZED", async (_name, headers) => {
    const { status, body } = await gql("{ workspace { id } }", undefined, headers as Record<string, string>);
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED");
  });

  it("records operation name, variables and headers", async () => {
    up.requests.length = 0;
    await ok("query OneApp($id: ID!) { app(id: $id) { name } }", { id: up.seed.apps.mlApi });
    const rec = up.requests.at(-1);
    expect(rec?.operationName).toBe("OneApp");
    expect(rec?.variables).toEqual({ id: up.seed.apps.mlApi });
    expect(rec?.headers["x-api-key"]).toBe(up.keys.appsyncKey);
    expect(rec?.path).toBe("/graphql");
  });
});

/**
 * A selection of every field reachable without required arguments, `depth` levels deep (roughly what a generator
 * derives). Inside fragments on abstract types every field is aliased by type: `status` is `StackStatus!` on Stack
 * but `AppStatus!` on App, and unaliased they would not merge.
 */
function selection(type: GraphQLNamedType, depth: number, schema: GraphQLSchema, prefix = ""): string {
  if (isAbstractType(type)) {
    const parts = schema
      .getPossibleTypes(type)
      .map((t) => `... on ${t.name} ${selection(t, depth, schema, `${t.name.toLowerCase()}_`)}`);
    return `{ __typename ${parts.join(" ")} }`;
  }
  if (!isObjectType(type)) return "";
  const fields = Object.values(type.getFields()).filter(
    (f) => !f.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined),
  );
  const picked = fields.flatMap((f) => {
    const named = getNamedType(f.type);
    const name = prefix ? `${prefix}${f.name}: ${f.name}` : f.name;
    if (isLeafType(named)) return [name];
    if (depth <= 1) return [];
    const sub = selection(named, depth - 1, schema);
    return sub && sub !== "{  }" ? [`${name} ${sub}`] : [];
  });
  return `{ ${picked.join(" ")} }`;
}

describe("control plane queries and mutations", () => {
  it("resolves every Query root field, three levels deep, without errors", async () => {
    const schema = buildSchema(
      readFileSync(new URL("../../specs/scaly/schema.graphql", import.meta.url), "utf8"),
    );
    const ids: Record<string, string> = {
      app: 'id: "app_admin"',
      stack: 'id: "stk_production"',
      addon: 'id: "add_assets"',
      job: 'id: "job_nightly_report"',
      jobRun: 'id: "run_nightly_report_01"',
      deployment: 'id: "dep_admin_02"',
      operation: 'id: "dep_admin_02"',
      operationEvents: 'operationId: "dep_admin_02"',
      envVars: 'appId: "app_admin"',
      userGroup: 'id: "grp_admins"',
      node: 'id: "app_storefront"',
    };
    const fields = Object.values(schema.getQueryType()?.getFields() ?? {});
    expect(fields.length).toBe(20);
    for (const field of fields) {
      const args = ids[field.name] ? `(${ids[field.name]})` : "";
      const query = `{ ${field.name}${args} ${selection(getNamedType(field.type), 3, schema)} }`;
      const { status, body } = await gql(query);
      expect(body.errors, `${field.name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
      expect(status).toBe(200);
      expect(body.data?.[field.name], field.name).not.toBeNull();
    }
  });

  it("pages apps as a Relay connection", async () => {
    const q =
      "query($after: String) { apps(first: 2, after: $after) { totalCount nodes { name } pageInfo { hasNextPage endCursor } } }";
    const first = (await ok(q)).apps;
    expect(first.totalCount).toBe(3);
    expect(first.nodes.map((n: any) => n.name)).toEqual(["admin", "ml-api"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await ok(q, { after: first.pageInfo.endCursor })).apps;
    expect(second.nodes.map((n: any) => n.name)).toEqual(["storefront"]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it("filters with the recursive AppFilter and enforces @oneOf", async () => {
    const q = "query($f: AppFilter) { apps(filter: $f) { nodes { name } } }";
    const data = await ok(q, { f: { or: [{ name: { eq: "ml-api" } }, { framework: "DJANGO" }] } });
    expect(data.apps.nodes.map((n: any) => n.name).sort()).toEqual(["admin", "ml-api"]);
    const bad = await gql(q, { f: { name: { eq: "a", contains: "b" } } });
    expect(bad.body.errors?.[0]?.message).toMatch(/exactly one key/i);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("returns partial data with a located error when one stack's usage is unavailable", async () => {
    const { body } = await gql("{ stacks { nodes { name usage(window: DAY) { cpuPercent } } } }");
    const byName = Object.fromEntries(body.data.stacks.nodes.map((s: any) => [s.name, s.usage]));
    expect(byName.ml).toBeNull();
    expect(byName.production.cpuPercent).toBeGreaterThan(0);
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAVAILABLE");
    expect(body.errors?.[0]?.path).toEqual(["stacks", "nodes", 1, "usage"]);
  });

  it("sets env vars returning names only, and never exposes a value", async () => {
    const secret = "value-that-must-never-come-back";
    const { status, body } = await gql(
      `mutation($input: SetEnvVarsInput!) { setEnvVars(input: $input) { names setNames unsetNames } }`,
      {
        input: {
          appId: up.seed.apps.mlApi,
          variables: [{ name: "FEATURE_FLAG", value: secret }],
          unset: ["LOG_LEVEL"],
        },
      },
    );
    expect(status).toBe(200);
    expect(body.data.setEnvVars.setNames).toEqual(["FEATURE_FLAG"]);
    expect(body.data.setEnvVars.unsetNames).toEqual(["LOG_LEVEL"]);
    expect(JSON.stringify(body)).not.toContain(secret);
    const { envVars } = await ok("query($id: ID!) { envVars(appId: $id) { name source } }", {
      id: up.seed.apps.mlApi,
    });
    const names = envVars.map((v: any) => v.name);
    expect(names).toContain("FEATURE_FLAG");
    expect(names).not.toContain("LOG_LEVEL");
    expect(envVars.find((v: any) => v.name === "DATABASE_URL")?.source).toBe("ADDON");
    const { app } = await ok(
      `{ app(id: "app_ml_api") { addonLinks { addon { id } envPrefix envVarNames } } }`,
    );
    expect(app.addonLinks).toContainEqual({
      addon: { id: "add_assets" },
      envPrefix: "MODELS",
      envVarNames: [
        "MODELS_STORAGE_BUCKET",
        "MODELS_STORAGE_ENDPOINT",
        "MODELS_STORAGE_ACCESS_KEY_ID",
        "MODELS_STORAGE_SECRET_ACCESS_KEY",
      ],
    });
    const managed = await gql(
      `mutation { setEnvVars(input: { appId: "app_ml_api", unset: ["DATABASE_URL"] }) { names } }`,
    );
    expect(managed.body.errors?.[0]?.extensions?.code).toBe("FAILED_PRECONDITION");
  });

  it("creates a stack that lists, bumps the revision, and previews deletes without effect", async () => {
    const before = (await ok("{ workspace { revision } }")).workspace.revision;
    const dry = await ok(
      `mutation { createStack(input: { name: "preview-only", dryRun: true }) { stack { id } dryRun changes { field to } } }`,
    );
    expect(dry.createStack.stack).toBeNull();
    expect(dry.createStack.changes.find((c: any) => c.field === "instanceSize").to).toBe('"SMALL"');
    const created = await ok(
      `mutation { createStack(input: { name: "batch", instanceSize: LARGE, tags: [{ key: "team", value: "data" }] }) { stack { id status } operation { id kind } } }`,
    );
    expect(created.createStack.stack.status).toBe("PROVISIONING");
    const { op } = await waitForOperation(created.createStack.operation.id);
    expect(op.status).toBe("SUCCEEDED");
    const stacks = (await ok("{ stacks { nodes { name status } } workspace { revision } }")) as any;
    expect(stacks.stacks.nodes).toContainEqual({ name: "batch", status: "ACTIVE" });
    expect(stacks.workspace.revision).toBe(before + 1);
    const blocked = await gql(`mutation { deleteStack(input: { id: "stk_production" }) { deletedStackId } }`);
    expect(blocked.body.errors?.[0]?.extensions?.code).toBe("FAILED_PRECONDITION");
    const preview = await ok(
      `mutation { deleteStack(input: { id: "stk_staging", dryRun: true }) { dryRun stack { status } } }`,
    );
    expect(preview.deleteStack.stack.status).toBe("ACTIVE");
    expect((await ok(`{ stack(id: "stk_staging") { status } }`)).stack.status).toBe("ACTIVE");
  });

  it("deletes a user group so it no longer lists, and manages members", async () => {
    const created = await ok(
      `mutation { createUserGroup(input: { name: "qa-team" }) { group { id memberCount } } }`,
    );
    const id = created.createUserGroup.group.id;
    const invited = await ok(
      `mutation($id: ID!) { inviteUserGroupUsers(input: { groupId: $id, emails: ["new@acme.example", "ana@acme.example"] }) { invited { email status } existing { id } group { memberCount } } }`,
      { id },
    );
    expect(invited.inviteUserGroupUsers.invited).toEqual([{ email: "new@acme.example", status: "INVITED" }]);
    expect(invited.inviteUserGroupUsers.group.memberCount).toBe(2);
    const unknown = await gql(
      `mutation($id: ID!) { addUsersToGroup(input: { groupId: $id, users: [{ email: "ghost@x.example" }] }) { group { id } } }`,
      { id },
    );
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const removed = await ok(
      `mutation($id: ID!) { removeUsersFromGroup(input: { groupId: $id, users: [{ id: "usr_ana" }] }) { group { memberCount } } }`,
      { id },
    );
    expect(removed.removeUsersFromGroup.group.memberCount).toBe(1);
    await ok(`mutation($id: ID!) { deleteUserGroup(input: { id: $id }) { deletedUserGroupId } }`, { id });
    const groups = await ok("{ userGroups { nodes { id } } }");
    expect(groups.userGroups.nodes.map((g: any) => g.id)).not.toContain(id);
  });
});

describe("operations over time", () => {
  it("moves a deployment PENDING -> RUNNING -> SUCCEEDED with events as it is polled", async () => {
    const data = await ok(
      `mutation { restartStackServices(input: { stackId: "stk_ml", appIds: ["app_ml_api"] }) { deployments { id status operationId operation { id status } } } }`,
    );
    const [deployment] = data.restartStackServices.deployments;
    const { operation } = deployment;
    expect(operation.id).toBe(deployment.id);
    expect(deployment.operationId).toBe(deployment.id);
    expect(operation.status).toBe("PENDING");
    const { seen, op } = await waitForOperation(operation.id);
    // Polls may skip a short state under load, but never go backwards.
    const order = ["PENDING", "RUNNING", "SUCCEEDED"];
    expect(seen.map((st) => order.indexOf(st))).toEqual([...seen.map((st) => order.indexOf(st))].sort());
    expect(op).toMatchObject({ status: "SUCCEEDED", progress: 100 });
    const events = await ok(
      `query($id: ID!) { operationEvents(operationId: $id) { nodes { status progress message } } }`,
      { id: op.id },
    );
    const statuses = events.operationEvents.nodes.map((e: any) => e.status);
    expect(statuses).toEqual(["PENDING", "RUNNING", "RUNNING", "RUNNING", "SUCCEEDED"]);
    const progress = events.operationEvents.nodes.map((e: any) => e.progress);
    expect(progress).toEqual([...progress].sort((a: number, b: number) => a - b));
    expect((await ok(`{ app(id: "app_ml_api") { status } }`)).app.status).toBe("RUNNING");
  });

  it("shows a poller RUNNING with partial progress at real (unscaled) step timing", async () => {
    const slow = await startScalyUpstream();
    try {
      const auth = { "x-api-key": slow.keys.appsyncKey, authorization: slow.keys.apiKey };
      const started = await gql(
        `mutation { runJob(input: { jobId: "job_retrain_model" }) { operation { id } } }`,
        undefined,
        auth,
        slow,
      );
      const id = started.body.data.runJob.operation.id;
      const polls: Array<{ status: string; progress: number }> = [];
      for (let i = 0; i < 100; i++) {
        const { body } = await gql(
          "query($id: ID!) { operation(id: $id) { status progress } }",
          { id },
          auth,
          slow,
        );
        polls.push(body.data.operation);
        if (body.data.operation.status === "SUCCEEDED") break;
        await new Promise((r) => setTimeout(r, 40));
      }
      expect(polls.some((p) => p.status === "RUNNING" && p.progress > 0 && p.progress < 100)).toBe(true);
      expect(polls.at(-1)).toEqual({ status: "SUCCEEDED", progress: 100 });
    } finally {
      await slow.close();
    }
  });

  it("fails the seeded admin deploy until its missing env var is set, then a retry succeeds", async () => {
    const seeded = await ok(`{ deployment(id: "dep_admin_02") { status failure { code hint } } }`);
    expect(seeded.deployment.status).toBe("FAILED");
    expect(seeded.deployment.failure.hint).toContain("DJANGO_SETTINGS_MODULE");
    const again = await ok(
      `mutation { restartStackServices(input: { stackId: "stk_production", appIds: ["app_admin"] }) { deployments { id } } }`,
    );
    const failed = await waitForOperation(again.restartStackServices.deployments[0].id);
    expect(failed.op.status).toBe("FAILED");
    expect(failed.op.error.code).toBe("HEALTH_CHECK_FAILED");
    await ok(
      `mutation { setEnvVars(input: { appId: "app_admin", variables: [{ name: "DJANGO_SETTINGS_MODULE", value: "admin.settings" }] }) { names } }`,
    );
    const retry = await ok(
      `mutation($id: ID!) { retryDeployment(input: { deploymentId: $id }) { deployment { id retryOf { id } } } }`,
      {
        id: failed.op.id,
      },
    );
    expect(retry.retryDeployment.deployment.retryOf.id).toBe(failed.op.id);
    expect((await waitForOperation(retry.retryDeployment.deployment.id)).op.status).toBe("SUCCEEDED");
  });
});

describe("data plane", () => {
  const ml = "/v1/apps/app_ml_api";

  it("refuses missing, expired and wrong-kind tokens with 401", async () => {
    const missing = await dp("GET", `${ml}/logs`, undefined, { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe("SESSION_TOKEN_MISSING");
    const expired = await dp("GET", `${ml}/logs`, undefined, {
      token: up.issueSessionToken({ expiresInSec: -5 }),
    });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("SESSION_TOKEN_EXPIRED");
    expect(expired.body.error.message).toMatch(/expired.*scaly auth login/);
    const session = await dp("GET", "/v1/session");
    expect(session.body).toMatchObject({ workspaceId: "ws_acme", scope: ["db", "storage", "logs"] });
    expect(session.body.expiresInSec).toBeGreaterThan(3000);
    const apiKey = await dp("GET", `${ml}/logs`, undefined, { token: up.keys.apiKey });
    expect(apiKey.body.error.code).toBe("SESSION_TOKEN_INVALID");
  });

  it("round-trips execute then query against real Postgres", async () => {
    const created = await dp("POST", `${ml}/db/execute`, {
      sql: "create table notes (id serial primary key, body text not null); insert into notes (body) values ('a'), ('b')",
    });
    expect(created.status).toBe(200);
    expect(created.body.results.map((r: any) => [r.command, r.rowCount])).toEqual([
      ["CREATE", 0],
      ["INSERT", 2],
    ]);
    const inserted = await dp("POST", `${ml}/db/execute`, {
      sql: "insert into notes (body) values ($1) returning id, body",
      params: ["c"],
    });
    expect(inserted.body.results[0].rows).toEqual([{ id: 3, body: "c" }]);
    const read = await dp("POST", `${ml}/db/query`, {
      sql: "select id, body from notes where id >= $1 order by id",
      params: [2],
    });
    expect(read.status).toBe(200);
    expect(read.body.rows).toEqual([
      { id: 2, body: "b" },
      { id: 3, body: "c" },
    ]);
    expect(read.body.columns).toEqual([
      { name: "id", type: "int4" },
      { name: "body", type: "text" },
    ]);
  });

  it("refuses writes in a read-only query and keeps the data unchanged", async () => {
    const write = await dp("POST", `${ml}/db/query`, { sql: "delete from notes" });
    expect(write.status).toBe(422);
    expect(write.body.error.code).toBe("READ_ONLY_VIOLATION");
    const txn = await dp("POST", `${ml}/db/execute`, { sql: "commit; delete from notes" });
    expect(txn.body.error.code).toBe("STATEMENT_NOT_ALLOWED");
    const count = await dp("POST", `${ml}/db/query`, { sql: "select count(*)::int as n from notes" });
    expect(count.body.rows).toEqual([{ n: 3 }]);
  });

  it("plans and applies migrations, then refuses an edited one", async () => {
    const files = [
      {
        name: "0001_tags.sql",
        sql: "create table tags (id serial primary key, label text unique not null);",
      },
      { name: "0002_tag_index.sql", sql: "create index tags_label_idx on tags (lower(label));" },
    ];
    const plan = await dp("POST", `${ml}/db/migrations/plan`, { migrations: files });
    expect(plan.body.pending.map((p: any) => p.name)).toEqual(["0001_tags.sql", "0002_tag_index.sql"]);
    const applied = await dp("POST", `${ml}/db/migrations`, { migrations: files });
    expect(applied.status).toBe(200);
    expect(applied.body.applied.map((a: any) => a.name)).toEqual(["0001_tags.sql", "0002_tag_index.sql"]);
    const again = await dp("POST", `${ml}/db/migrations/plan`, { migrations: files });
    expect(again.body).toMatchObject({ applied: ["0001_tags.sql", "0002_tag_index.sql"], pending: [] });
    const edited = [{ ...files[0], sql: "create table tags (id int);" }];
    const refused = await dp("POST", `${ml}/db/migrations`, { migrations: edited });
    expect(refused.status).toBe(409);
    const broken = await dp("POST", `${ml}/db/migrations`, {
      migrations: [...files, { name: "0003_bad.sql", sql: "alter table nope add column x int;" }],
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error.details.migration).toBe("0003_bad.sql");
  });

  it("dumps the seeded schema of storefront's database", async () => {
    const dump = await dp("GET", "/v1/apps/app_storefront/db/schema");
    expect(dump.status).toBe(200);
    const products = dump.body.tables.find((t: any) => t.name === "products");
    expect(products.primaryKey).toEqual(["id"]);
    expect(products.columns.find((c: any) => c.name === "sku")).toMatchObject({
      type: "text",
      nullable: false,
    });
    expect(products.rowEstimate).toBe(3);
    expect(dump.body.ddl).toContain("CREATE TABLE orders");
    expect(dump.body.ddl).toContain("REFERENCES products(id)");
    expect(dump.body.tables.map((t: any) => t.name)).not.toContain("_scaly_migrations");
  });

  it("uploads, lists, downloads and deletes objects, keys with slashes included", async () => {
    const base = `${ml}/storage/objects`;
    const json = await dp("PUT", `${base}/${encodeURIComponent("tmp/a.txt")}`, {
      content: "hello",
      contentType: "text/plain",
    });
    expect(json.body).toMatchObject({ key: "tmp/a.txt", size: 5, contentType: "text/plain" });
    const octet = await dp("PUT", `${base}/tmp/bin/b.bin`, undefined, {
      raw: new Uint8Array([0, 1, 2, 255]),
      headers: { "content-type": "application/octet-stream", "x-scaly-content-type": "application/x-demo" },
    });
    expect(octet.body).toMatchObject({ key: "tmp/bin/b.bin", size: 4, contentType: "application/x-demo" });
    const form = new FormData();
    form.append("file", new Blob(["a,b\n1,2\n"], { type: "text/csv" }), "c.csv");
    const multipart = await dp("PUT", `${base}/tmp/c.csv`, undefined, { raw: form });
    expect(multipart.body).toMatchObject({ key: "tmp/c.csv", contentType: "text/csv", size: 8 });

    const page1 = await dp("GET", `${base}?prefix=tmp/&limit=2`);
    expect(page1.body.objects.map((o: any) => o.key)).toEqual(["tmp/a.txt", "tmp/bin/b.bin"]);
    const page2 = await dp("GET", `${base}?prefix=tmp/&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ objects: [{ key: "tmp/c.csv" }], nextCursor: null });

    const down = await dp("GET", `${base}/tmp%2Fbin%2Fb.bin`);
    expect(down.body.encoding).toBe("base64");
    expect([...Buffer.from(down.body.content, "base64")]).toEqual([0, 1, 2, 255]);
    expect((await dp("DELETE", `${base}/tmp/a.txt`)).body).toEqual({ key: "tmp/a.txt", deleted: true });
    expect((await dp("GET", `${base}/tmp/a.txt`)).status).toBe(404);
    expect((await dp("GET", `${base}/tmp%2F..%2Fsecret`)).status).toBe(400);
    expect((await dp("GET", "/v1/apps/app_admin/storage/objects")).body.error.code).toBe("NO_STORAGE");
  });

  it("serves unified logs that explain the seeded failed deployment", async () => {
    const logs = await dp("GET", "/v1/apps/app_admin/logs?deploymentId=dep_admin_02&level=error");
    expect(logs.status).toBe(200);
    const text = logs.body.entries.map((e: any) => e.message).join("\n");
    expect(text).toContain("DJANGO_SETTINGS_MODULE");
    expect(logs.body.entries.every((e: any) => e.level === "error")).toBe(true);
    const bad = await dp("GET", "/v1/apps/app_admin/logs?since=yesterday");
    expect(bad.status).toBe(400);
  });
});

describe("Scaly specs", () => {
  const spec = (path: string) => new URL(`../../specs/scaly/${path}`, import.meta.url);

  it("has a valid data-plane OpenAPI document with every operation the tools need", async () => {
    const { validate } = await import("@readme/openapi-parser");
    const result = await validate(spec("dataplane.yaml").pathname);
    expect(result.valid, JSON.stringify(result)).toBe(true);
    const doc = (await import("yaml")).parse(readFileSync(spec("dataplane.yaml"), "utf8"));
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(
      (item) =>
        Object.values(item).flatMap((op) =>
          op && typeof op === "object" && op.operationId ? [op.operationId] : [],
        ),
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        "queryDatabase",
        "executeDatabase",
        "planDatabaseMigrations",
        "applyDatabaseMigrations",
        "getDatabaseSchema",
        "listStorageObjects",
        "downloadStorageObject",
        "uploadStorageObject",
        "deleteStorageObject",
        "getAppLogs",
      ]),
    );
  });

  it("lists every seed tool and alias in capabilities, and every guide it names exists", async () => {
    const caps = (await import("yaml")).parse(readFileSync(spec("capabilities.yaml"), "utf8"));
    const groups = Object.values(caps.tools) as Array<Record<string, unknown>>;
    const listed = groups.flatMap((g) =>
      ["read", "write", "destructive"].flatMap((k) => (g[k] as string[]) ?? []),
    );
    expect([...listed].sort()).toEqual([...SEED_TOOLS].sort());
    const aliases = groups.flatMap((g) => Object.keys((g.aliases as object) ?? {}));
    expect(aliases.sort()).toEqual([
      "scaly_get_deployment_status",
      "scaly_list_compute",
      "scaly_set_env_var",
    ]);
    for (const uri of Object.keys(caps.resources.fixed).filter((u) => u.startsWith("scaly://guides/"))) {
      expect(() => readFileSync(spec(`${uri.slice("scaly://".length)}.md`))).not.toThrow();
    }
    for (const name of ["nextjs", "fastapi", "express", "django"])
      readFileSync(spec(`guides/frameworks/${name}.md`));
    for (const name of ["background-jobs", "private-app-auth", "database-migrations"]) {
      readFileSync(spec(`guides/patterns/${name}.md`));
    }
  });

  it("accepts the build-plan guide's example config and rejects a private app nobody can sign in to", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const formats: any = await import("ajv-formats");
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    // ajv-formats is CommonJS: under NodeNext its default import is the module object, the plugin one level down.
    const addFormats = (formats.default?.default ?? formats.default) as (
      ajv: InstanceType<typeof Ajv2020>,
    ) => void;
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(spec("resources-schema.json"), "utf8")));
    const guide = readFileSync(spec("guides/build-plan.md"), "utf8");
    const example = (await import("yaml")).parse(/```yaml\n([\s\S]*?)```/.exec(guide)?.[1] ?? "");
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    const locked = {
      version: 1,
      apps: { web: { stack: "prod", framework: "NEXTJS", auth: { visibility: "PRIVATE" } } },
    };
    expect(validate(locked)).toBe(false);
  });
});
