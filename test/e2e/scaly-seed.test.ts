import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";
import { serveHttp, serveRefusal } from "../transport/serve-http.js";
import { type ScalyUpstream, startScalyUpstream } from "../upstreams/scaly/index.js";
import {
  BIN,
  connect,
  SEED_ALIASES,
  SEED_TOOLS,
  type Session,
  serverEnv,
  type Workspace,
  workspace,
} from "./scaly/harness.js";

/**
 * The seed's contract for the Scaly server, checked on the generated catalog as a host sees it: the tool and alias
 * names, the resources, the env variables and stages, start-up refusals, and the Streamable HTTP mode.
 */

let up: ScalyUpstream;
let ws: Workspace;
let s: Session;

beforeAll(async () => {
  // Postgres (PGlite) starts here, under the hook's failure bound: started by the first data-plane call it had only
  // the catalog's 60 s upstream timeout, which a loaded 2-core machine exceeded (the call failed as timed out).
  up = await startScalyUpstream({ timeScale: 0.2, preloadDatabase: true });
  ws = workspace("seed");
  s = await connect({ upstream: up, ws, label: "seed" });
});

afterAll(async () => {
  await s?.close();
  await up?.close();
  ws?.cleanup();
});

describe("names", () => {
  it("tools/list is exactly the seed's tools, each alias listed as a second name of the same tool", async () => {
    const { tools } = await s.client.listTools();
    const names = tools.map((t) => t.name);
    expect([...names].sort()).toEqual([...SEED_TOOLS, ...Object.keys(SEED_ALIASES)].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const [alias, tool] of Object.entries(SEED_ALIASES)) {
      const a = tools.find((t) => t.name === alias)!;
      const t = tools.find((x) => x.name === tool)!;
      expect(a.inputSchema).toEqual(t.inputSchema);
      expect(a.outputSchema).toEqual(t.outputSchema);
      expect(a.description).toBe(t.description);
    }
    // Deliberately absent (the seed: no add-on update/resize/delete, no unlink).
    expect(names.filter((n) => /addon/.test(n))).toEqual([
      "scaly_list_addons",
      "scaly_get_addon",
      "scaly_link_addon",
    ]);
  });

  it("annotations follow what each tool does; destructive ones ask for confirmation", async () => {
    const { tools } = await s.client.listTools();
    const of = (name: string) => tools.find((t) => t.name === name)!;
    // Hints that say nothing are left out: no destructiveHint on reads, no readOnlyHint: false on writes.
    for (const read of [
      "scaly_status",
      "scaly_db_query",
      "scaly_db_migration_plan",
      "scaly_plan",
      "scaly_wait_operation",
    ])
      expect(of(read).annotations, read).toMatchObject({ readOnlyHint: true });
    for (const read of ["scaly_status", "scaly_plan"])
      expect(of(read).annotations, read).not.toHaveProperty("destructiveHint");
    for (const write of [
      "scaly_apply",
      "scaly_pull",
      "scaly_set_env",
      "scaly_create_stack",
      "scaly_db_execute",
    ])
      expect(of(write).annotations, write).toMatchObject({ destructiveHint: false });
    for (const write of ["scaly_apply", "scaly_pull"])
      expect(of(write).annotations, write).not.toHaveProperty("readOnlyHint");
    for (const destructive of [
      "scaly_delete_stack",
      "scaly_delete_user_group",
      "scaly_storage_delete_object",
    ])
      expect(of(destructive).annotations, destructive).toMatchObject({ destructiveHint: true });
    // The seed: "delete requires confirm" for stacks only; a boolean confirm, no token argument.
    expect(of("scaly_delete_stack").inputSchema.properties?.confirm).toMatchObject({
      type: "boolean",
      default: false,
    });
    for (const tool of tools) {
      const args = Object.keys(tool.inputSchema.properties ?? {});
      expect(args, tool.name).not.toContain("confirmation_token");
      if (tool.name !== "scaly_delete_stack") expect(args, tool.name).not.toContain("confirm");
    }
    for (const name of ["scaly_delete_user_group", "scaly_storage_delete_object"])
      expect(of(name).description, name).toContain("no confirmation step");
    // Create/update preview through the API's dry run, which defaults to true.
    expect(of("scaly_create_stack").inputSchema.properties?.dry_run).toMatchObject({ default: true });
    expect(of("scaly_update_stack").inputSchema.properties?.dry_run).toMatchObject({ default: true });
  });

  it("handler-only helpers are neither listed nor callable by clients", async () => {
    for (const internal of ["scaly_project_state", "scaly_get_session"]) {
      await expect(s.client.callTool({ name: internal, arguments: {} })).rejects.toThrow(/Unknown tool/);
    }
    expect(up.requests).toEqual([]);
  });

  it("resources and templates are the seed's", async () => {
    const { resources } = await s.client.listResources();
    // The static resources, then the apps of scaly://apps/{id} (listed from the API: see below).
    expect(
      resources.filter((r) => !r.uri.startsWith("scaly://apps/")).map((r) => [r.uri, r.mimeType]),
    ).toEqual([
      ["scaly://capabilities", "application/yaml"],
      ["scaly://guides/start", "text/markdown"],
      ["scaly://resources-schema", "application/schema+json"],
      ["scaly://guides/platform", "text/markdown"],
      ["scaly://guides/golden-paths", "text/markdown"],
      ["scaly://guides/build-plan", "text/markdown"],
      ["scaly://guides/data/database", "text/markdown"],
      ["scaly://guides/data/storage", "text/markdown"],
    ]);
    const { resourceTemplates } = await s.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "scaly://guides/frameworks/{name}",
      "scaly://guides/patterns/{name}",
      "scaly://apps/{id}",
    ]);
    const frameworks = await s.client.complete({
      ref: { type: "ref/resource", uri: "scaly://guides/frameworks/{name}" },
      argument: { name: "name", value: "" },
    });
    expect(frameworks.completion.values.sort()).toEqual(["django", "express", "fastapi", "nextjs"]);
  });

  it("scaly://apps/{id} is browsable: resources/list pages through scaly_list_apps (GraphQL pageInfo), {id} completes", async () => {
    const paged = await connect({ upstream: up, ws, label: "paged", env: { TOOLWRIGHT_PAGE_SIZE: "2" } });
    try {
      const before = up.requests.length;
      const apps: Array<{ uri: string; name: string }> = [];
      let cursor: string | undefined;
      do {
        const page = await paged.client.request({
          method: "resources/list",
          params: cursor ? { cursor } : {},
        });
        apps.push(...page.resources.filter((r) => r.uri.startsWith("scaly://apps/")));
        cursor = page.nextCursor;
      } while (cursor);
      const live = [...up.store.apps.values()].map((a) => [`scaly://apps/${a.id}`, a.name]);
      expect(apps.map((a) => [a.uri, a.name]).sort()).toEqual(live.sort());
      // One GraphQL query per page, two apps each, the next one from pageInfo.endCursor.
      const listings = up.requests.slice(before).filter((r) => r.path === "/graphql");
      expect(listings.length).toBe(Math.ceil(live.length / 2));
      expect(listings.map((r) => r.variables?.first)).toEqual(listings.map(() => 2));
      expect(listings[0]!.variables?.after ?? null).toBeNull();
      expect(listings[1]!.variables?.after).toBeTypeOf("string");
      const { contents } = await paged.client.readResource({ uri: apps[0]!.uri });
      expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({
        id: apps[0]!.uri.slice(13),
      });
      const { completion } = await paged.client.complete({
        ref: { type: "ref/resource", uri: "scaly://apps/{id}" },
        argument: { name: "id", value: "app_s" },
      });
      expect(completion.values).toEqual(["app_storefront"]);
    } finally {
      await paged.close();
    }
  });
});

describe("environment", () => {
  it("declares the seed's variables (and the HTTP transport's)", () => {
    const help = spawnSync(process.execPath, [BIN, "serve", "scaly", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    const declared = [...help.stdout.matchAll(/^ {2}(SCALY_[A-Z_]+)$/gm)].map((m) => m[1]);
    expect(declared).toEqual(
      expect.arrayContaining([
        "SCALY_API_KEY",
        "SCALY_APPSYNC_KEY",
        "SCALY_OIDC_TOKEN",
        "SCALY_AUTH_STORE_PATH",
        "SCALY_MCP_AUDIT",
        "SCALY_MCP_AUDIT_FILE",
        "SCALY_STAGE",
        "SCALY_API_URL",
        "SCALY_MCP_TRANSPORT",
        "SCALY_MCP_HTTP_HOST",
        "SCALY_MCP_HTTP_PORT",
        "SCALY_MCP_ALLOWED_HOSTS",
        "SCALY_MCP_PUBLIC_URL",
        "SCALY_MCP_AUTHORIZATION_SERVERS",
      ]),
    );
    expect(help.stdout).toMatch(
      /SCALY_AUTH_STORE_PATH\n.*\n\s+\[path; default "~\/\.config\/scaly\/auth\.json"\]/,
    );
    expect(help.stdout).toMatch(
      /SCALY_STAGE\n.*\n\s+\[enum; one of prod\|dev\|qa; aliases staging=qa; default "prod"\]/,
    );
    expect(help.stdout).toMatch(/SCALY_MCP_AUDIT\n.*\n\s+\[boolean; default "true"\]/);
  });

  it("without SCALY_API_KEY the server refuses to start and says why", async () => {
    const env = serverEnv(up, ws);
    const { SCALY_API_KEY: _key, ...rest } = env;
    const { code, stderr } = await serveRefusal("scaly", rest);
    expect(code).toBe(2);
    expect(stderr).toContain("SCALY_API_KEY: required but not set");
    expect(stderr).not.toContain(up.keys.appsyncKey);
  });

  it("SCALY_MCP_AUDIT=false turns the audit log off (it is on by default)", async () => {
    const quiet = workspace("quiet");
    const off = await connect({ upstream: up, ws: quiet, env: { SCALY_MCP_AUDIT: "false" }, label: "quiet" });
    try {
      await off.ok("scaly_status");
      expect(quiet.audit()).toBe("");
    } finally {
      await off.close();
      quiet.cleanup();
    }
    await s.ok("scaly_status");
    expect(JSON.parse(ws.audit().trim().split("\n").at(-1)!)).toMatchObject({
      tool: "scaly_status",
      decision: "allowed",
    });
  });

  it("an unknown SCALY_STAGE is refused at start, naming the accepted values", async () => {
    const { code, stderr } = await serveRefusal("scaly", serverEnv(up, ws, { SCALY_STAGE: "production" }));
    expect(code).toBe(2);
    expect(stderr).toContain("SCALY_STAGE: expected one of prod, dev, qa, staging");
  });

  it("the seed's minimal configuration (API key + stage) stops at start naming SCALY_APPSYNC_KEY and where it comes from", async () => {
    // What the seed's Claude Desktop block sets, and nothing else.
    const minimal = {
      PATH: process.env.PATH ?? "",
      HOME: ws.home,
      SCALY_API_KEY: up.keys.apiKey,
      SCALY_STAGE: "prod",
    };
    const { code, stderr } = await serveRefusal("scaly", minimal);
    expect(code).toBe(2);
    expect(stderr).toContain("SCALY_APPSYNC_KEY: required but not set");
    expect(stderr).toContain("Settings -> Integrations -> AI Assistants");
    expect(stderr).not.toContain(up.keys.apiKey);
    // No text claims a key is shipped or published: there are no placeholder defaults to claim it of.
    const help = spawnSync(process.execPath, [BIN, "serve", "scaly", "--help"], { encoding: "utf8" });
    const texts = [
      help.stdout,
      readFileSync(join(ROOT, "generated/scaly/CATALOG.md"), "utf8"),
      readFileSync(join(ROOT, "generated/scaly/catalog.json"), "utf8"),
    ];
    for (const text of texts) {
      expect(text).not.toMatch(/(publish|ship)\w*[^.]{0,40}\bkeys?\b|\bkeys?\b[^.]{0,40}publish/i);
      expect(text).not.toMatch(/da2-/);
    }
  });

  it("SCALY_APPSYNC_KEY is what the control plane gets; a wrong one is refused by the API with a hint", async () => {
    const qaKey = "da2-qa-key-from-the-dashboard";
    const qa = await startScalyUpstream({ appsyncKey: qaKey });
    const good = await connect({ upstream: qa, ws, env: { SCALY_STAGE: "staging" }, label: "qa" });
    const wrong = await connect({
      upstream: qa,
      ws,
      env: { SCALY_APPSYNC_KEY: "da2-not-this-stage" },
      label: "wrong",
    });
    try {
      const ok = await good.call("scaly_status");
      expect(ok.env.success).toBe(true);
      expect(ok.requests[0]!.headers["x-api-key"]).toBe(qaKey);
      const refused = await wrong.call("scaly_status");
      expect(refused.env.success).toBe(false);
      expect(refused.env.error).toMatchObject({ code: "graphql_unauthorized" });
      expect(refused.env.error!.message).toContain("SCALY_APPSYNC_KEY");
    } finally {
      await good.close();
      await wrong.close();
      await qa.close();
    }
  });

  // The upstream's Postgres was started in beforeAll (initdb and start: tens of seconds on a busy machine); the
  // bound is a failure bound only.
  it("SCALY_API_URL may be the GraphQL endpoint a user copies (.../graphql): both planes still work", {
    timeout: 240_000,
  }, async () => {
    ws.writeToken(up.issueSessionToken());
    const pasted = await connect({
      upstream: up,
      ws,
      env: { SCALY_API_URL: `${up.url}/graphql/` },
      label: "pasted",
    });
    try {
      const status = await pasted.call("scaly_status");
      expect(status.env.success).toBe(true);
      expect(status.requests.map((r) => r.path)).toEqual(["/graphql"]);
      const query = await pasted.call("scaly_db_query", { app_id: "app_storefront", sql: "select 1 as one" });
      expect(query.env.success, JSON.stringify(query.env.error)).toBe(true);
      expect(query.requests.map((r) => r.path)).toEqual(["/v1/apps/app_storefront/db/query"]);
    } finally {
      await pasted.close();
    }
  });
});

describe("the auth store scaly auth login writes", () => {
  it("the stage's OIDC token set (per-stage, camelCase or flat) is read at each call; another stage's is not", async () => {
    const token = up.issueSessionToken();
    const write = (store: unknown) => writeFileSync(ws.authStore, JSON.stringify(store));
    const layouts = [
      { stages: { prod: { id_token: token, refresh_token: "r-1", token_type: "Bearer", expires_at: 1 } } },
      { prod: { accessToken: token, refreshToken: "r-2" } },
      { access_token: token, stage: "prod" },
      { session_token: token },
    ];
    for (const layout of layouts) {
      write(layout);
      const query = await s.call("scaly_db_query", { app_id: "app_storefront", sql: "select 1 as one" });
      expect(query.env.success, JSON.stringify(layout)).toBe(true);
      expect(query.requests[0]!.headers.authorization).toBe(`Bearer ${token}`);
      const status = await s.ok("scaly_auth_status", { verify: false });
      expect(status).toMatchObject({ present: true, source: "file", auth_store: "ok" });
    }
    // A login for another stage only: the prod server finds no token, says how to get one, and sends nothing.
    write({ stages: { dev: { id_token: token } } });
    const refused = await s.fails("scaly_db_query", { app_id: "app_storefront", sql: "select 1" });
    expect(refused.error.code).toBe("missing_credentials");
    expect(refused.requests).toEqual([]);
    const status = await s.ok("scaly_auth_status", { verify: false });
    expect(status).toMatchObject({ present: false, auth_store: "no_token" });
    expect(status.problem).toContain("holds no token for stage prod");
    ws.removeToken();
  });
});

describe("Streamable HTTP mode", () => {
  it("serves /mcp on loopback to clients presenting SCALY_API_KEY as a bearer, with RFC 9728 metadata", async () => {
    const served = await serveHttp(
      "scaly",
      serverEnv(up, ws, { SCALY_MCP_TRANSPORT: "http", SCALY_MCP_HTTP_PORT: "0" }),
    );
    try {
      expect(served.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const anonymous = await fetch(served.url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toContain(
        `resource_metadata="${served.origin}/.well-known/oauth-protected-resource/mcp"`,
      );
      const metadata = await fetch(`${served.origin}/.well-known/oauth-protected-resource/mcp`);
      expect(await metadata.json()).toMatchObject({ resource: served.url });

      const client = new Client({ name: "scaly-http", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(served.url), {
          requestInit: { headers: { authorization: `Bearer ${up.keys.apiKey}` } },
        }),
      );
      try {
        expect((await client.listTools()).tools).toHaveLength(SEED_TOOLS.length + 3);
        const status = await client.callTool({ name: "scaly_status", arguments: {} });
        expect(status.isError).toBeFalsy();
        expect(JSON.parse((status.content as { text: string }[])[0]!.text).data.workspace.slug).toBe("acme");
      } finally {
        await client.close();
      }
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it("refuses a non-loopback bind without SCALY_MCP_ALLOWED_HOSTS", async () => {
    const { code, stderr } = await serveRefusal(
      "scaly",
      serverEnv(up, ws, {
        SCALY_MCP_TRANSPORT: "http",
        SCALY_MCP_HTTP_PORT: "0",
        SCALY_MCP_HTTP_HOST: "0.0.0.0",
      }),
    );
    expect(code).toBe(2);
    expect(stderr).toContain("SCALY_MCP_ALLOWED_HOSTS");
  });
});
