import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordedRequest, type ScalyUpstream, startScalyUpstream } from "../upstreams/scaly/index.js";

/**
 * A generated catalog over the Scaly control-plane schema (test/graphql/fixture/tools.yaml), served by
 * `toolwright serve` over stdio in front of the Scaly reference upstream, driven by the SDK client. The upstream
 * records every request, so the test asserts what it received: the operation, the variables, the credentials.
 */

const BIN = join(ROOT, "bin/toolwright.mjs");
const SESSION_TOKEN_ENV = "SCALY_OIDC_TOKEN";

let up: ScalyUpstream;
let catalogDir: string;
let sessionToken: string;
let home: string;

interface CallResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

interface Envelope {
  success: boolean;
  data?: any;
  error?: { message: string; code: string; details?: any };
  meta: { tool: string; correlation_id: string; upstream_status?: number; duration_ms: number };
}

function envelopeOf(result: CallResult): Envelope {
  expect(result.content).toHaveLength(1);
  return JSON.parse(result.content?.[0]?.text ?? "") as Envelope;
}

async function connect(extraEnv: Record<string, string> = {}) {
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "serve", catalogDir],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      SCALY_GRAPHQL_URL: up.graphqlUrl,
      SCALY_API_URL: up.dataUrl,
      SCALY_API_KEY: up.keys.apiKey,
      SCALY_APPSYNC_KEY: up.keys.appsyncKey,
      [SESSION_TOKEN_ENV]: sessionToken,
      ...extraEnv,
    },
    cwd: ROOT,
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
  const client = new Client({ name: "graphql-e2e", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr };
}

const graphqlRequests = () => up.requests.filter((r) => r.path === "/graphql");

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tw-graphql-home-"));
  up = await startScalyUpstream({ timeScale: 0.2 });
  sessionToken = up.issueSessionToken();
  const { dir } = await genToDisk(join(ROOT, "test/graphql/fixture/tools.yaml"), tmpDir("graphql-e2e"));
  catalogDir = dir;
});

afterAll(async () => {
  await up?.close();
});

describe("GraphQL catalog over stdio against the Scaly reference upstream", () => {
  let client: Client;
  let stderr: string[];
  const traffic: string[] = [];
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<CallResult> => {
    const result = (await client.callTool({ name, arguments: args })) as CallResult;
    traffic.push(JSON.stringify(result));
    return result;
  };

  beforeAll(async () => {
    ({ client, stderr } = await connect());
  });
  afterAll(async () => {
    await client?.close();
    const everything = `${traffic.join("\n")}\n${stderr.join("")}`;
    for (const secret of [up.keys.apiKey, up.keys.appsyncKey, sessionToken]) {
      expect(everything, "a credential reached MCP traffic or stderr").not.toContain(secret);
    }
  });
  beforeEach(() => {
    up.requests.length = 0;
  });

  it("lists the manifest's tools, then the bulk-selected queries (mutations only where listed)", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names.slice(0, 7)).toEqual([
      "scaly_list_apps",
      "scaly_get_app",
      "scaly_stack_usage",
      "scaly_create_stack",
      "scaly_configure_auth",
      "scaly_delete_user_group",
      "scaly_session",
    ]);
    expect(names).toContain("scaly_node");
    expect(names).toContain("scaly_operation_events");
    expect(names).not.toContain("scaly_app_users"); // excluded
    expect(names).not.toContain("scaly_stack"); // mapped by scaly_stack_usage
    expect(names).not.toContain("scaly_deploy_app"); // mutations: listed
    const list = tools.find((t) => t.name === "scaly_list_apps");
    expect(list?.annotations).toMatchObject({ readOnlyHint: true });
    expect(list?.annotations).not.toHaveProperty("destructiveHint");
    expect(Object.keys(list?.inputSchema.properties ?? {})).toEqual(["first", "after", "filter", "orderBy"]);
    expect(list?.inputSchema.properties?.first).toMatchObject({
      default: 20,
      description: "Page size, 1-100.",
    });
    const remove = tools.find((t) => t.name === "scaly_delete_user_group");
    expect(remove?.annotations).toMatchObject({ destructiveHint: true });
    expect(remove?.annotations).not.toHaveProperty("readOnlyHint");
  });

  it("pages a connection with first/after through a derived selection, with the API keys and nothing else", async () => {
    const first = await call("scaly_list_apps", { first: 2 });
    expect(first.isError).toBeFalsy();
    const page1 = envelopeOf(first);
    expect(page1.success).toBe(true);
    expect(page1.meta).toMatchObject({ tool: "scaly_list_apps", upstream_status: 200 });
    expect(page1.meta.correlation_id).toMatch(/^[0-9a-f]{12}$/);
    expect(first.structuredContent).toEqual(page1.data);
    expect(page1.data.totalCount).toBe(3);
    expect(page1.data.pageInfo.hasNextPage).toBe(true);
    expect(page1.data.nodes.map((a: { name: string }) => a.name)).toEqual(["admin", "ml-api"]);
    // Derived depth 2: the app's stack is expanded, interface lists carry __typename and per-type fragments.
    const mlApi = page1.data.nodes[1];
    expect(mlApi.stack).toMatchObject({ id: "stk_ml", status: "ACTIVE" });
    expect(mlApi.addons[0]).toMatchObject({ __typename: "DatabaseAddon", engine: "POSTGRES" });
    expect(mlApi.envVars.every((v: Record<string, unknown>) => !("value" in v))).toBe(true);

    const second = envelopeOf(
      await call("scaly_list_apps", { first: 2, after: page1.data.pageInfo.endCursor }),
    );
    expect(second.data.nodes.map((a: { name: string }) => a.name)).toEqual(["storefront"]);
    expect(second.data.pageInfo.hasNextPage).toBe(false);

    const sent = graphqlRequests();
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.operationName)).toEqual(["ScalyListApps", "ScalyListApps"]);
    expect(sent[0]?.variables).toEqual({ first: 2 });
    expect(sent[1]?.variables).toEqual({ first: 2, after: page1.data.pageInfo.endCursor });
    for (const r of sent) {
      expect(r.method).toBe("POST");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(r.headers["x-api-key"]).toBe(up.keys.appsyncKey);
      expect(r.headers.authorization).toBe(up.keys.apiKey);
      expect(JSON.stringify(r.headers)).not.toContain(sessionToken);
      expect((r.body.parsed as { query: string }).query).toContain("pageInfo {");
    }
  });

  it("selects an interface with per-type fragments and aliases for fields whose types differ", async () => {
    const result = await call("scaly_node", { id: "usr_ana" });
    const env = envelopeOf(result);
    expect(env.success, JSON.stringify(env.error)).toBe(true);
    expect(env.data).toMatchObject({ __typename: "AppUser", id: "usr_ana", appUserStatus: "ACTIVE" });
    const query = (graphqlRequests()[0]?.body.parsed as { query: string } | undefined)?.query;
    expect(query).toContain("appUserStatus: status");
    expect(query).toContain("... on Stack {");
  });

  it("a nullable object that comes back null is a not_found error", async () => {
    const env = envelopeOf(await call("scaly_get_app", { id: "app_nope" }));
    expect(env).toMatchObject({
      success: false,
      error: { code: "not_found" },
      meta: { upstream_status: 200 },
    });
    expect(env.error?.message).toContain("app returned null");
    const ok = await call("scaly_get_app", { id: "app_storefront" });
    expect(ok.structuredContent).toMatchObject({
      id: "app_storefront",
      name: "storefront",
      stack: { id: "stk_production" },
    });
  });

  it("GraphQL errors with partial data keep the data and the error paths", async () => {
    const result = await call("scaly_stack_usage", { id: "stk_ml" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const env = envelopeOf(result);
    expect(env.success).toBe(false);
    expect(env.error?.code).toBe("graphql_partial_data");
    expect(env.error?.message).toContain("at stack.usage");
    expect(env.error?.details).toEqual({
      partial: true,
      errors: [
        {
          message: "Usage metrics for stack ml are still being backfilled; retry later",
          path: ["stack", "usage"],
          code: "UNAVAILABLE",
        },
      ],
    });
    expect(env.data).toEqual({ id: "stk_ml", name: "ml", status: "ACTIVE", usage: null });
    // The document's own default applied: the variable was left out, not sent as null.
    expect(graphqlRequests()[0]?.variables).toEqual({ id: "stk_ml" });
    expect(graphqlRequests()[0]?.operationName).toBe("StackUsage");

    const fine = envelopeOf(await call("scaly_stack_usage", { id: "stk_production", window: "HOUR" }));
    expect(fine.success).toBe(true);
    expect(fine.data.usage).toMatchObject({ window: "HOUR" });
  });

  it("runs a mutation with an input object and the upstream state changes", async () => {
    const input = {
      name: "e2e-graphql",
      instanceSize: "MEDIUM",
      tags: [{ key: "team", value: "qa" }],
    };
    const env = envelopeOf(await call("scaly_create_stack", { input }));
    expect(env.success, JSON.stringify(env.error)).toBe(true);
    expect(env.data).toMatchObject({
      dryRun: false,
      stack: { name: "e2e-graphql", instanceSize: "MEDIUM", tags: [{ key: "team", value: "qa" }] },
      operation: { kind: "CREATE_STACK" },
    });
    const created = [...up.store.stacks.values()].find((s) => s.name === "e2e-graphql");
    expect(created?.instanceSize).toBe("MEDIUM");
    const [sent] = graphqlRequests();
    expect(sent?.operationName).toBe("ScalyCreateStack");
    expect(sent?.variables).toEqual({ input });
    expect((sent?.body.parsed as { query: string } | undefined)?.query).toMatch(
      /^mutation ScalyCreateStack\(\$input: CreateStackInput!\)/,
    );
  });

  it("sends recursive @oneOf inputs, and refuses an invalid one before any request", async () => {
    const rule = { allOf: [{ group: "grp_admins" }, { emailDomain: "acme.example" }] };
    const env = envelopeOf(
      await call("scaly_configure_auth", {
        input: { appId: "app_admin", visibility: "PRIVATE", allowedGroupIds: ["grp_admins"], rule },
      }),
    );
    expect(env.success, JSON.stringify(env.error)).toBe(true);
    expect(env.data.auth).toMatchObject({ visibility: "PRIVATE", allowedGroups: [{ id: "grp_admins" }] });
    expect(JSON.parse(env.data.auth.rule)).toEqual(rule);
    expect(graphqlRequests()[0]?.variables).toEqual({
      input: { appId: "app_admin", visibility: "PRIVATE", allowedGroupIds: ["grp_admins"], rule },
    });

    up.requests.length = 0;
    const bad = envelopeOf(
      await call("scaly_configure_auth", {
        input: {
          appId: "app_admin",
          visibility: "PRIVATE",
          rule: { group: "grp_admins", email: "a@b.example" },
        },
      }),
    );
    expect(bad.success).toBe(false);
    // Which variants of the @oneOf were tried, and why each refused it.
    expect(bad.error?.message).toBe(
      'invalid arguments: input.rule: matches none of its 6 variants (1: unknown property "email" | 2: unknown property "group" | 3: emailDomain: missing, unknown properties "group", "email" | 4: allOf: missing, unknown properties "group", "email" | 2 more)',
    );
    expect(up.requests).toHaveLength(0);
  });

  it("errors without data come back as a failure with the GraphQL code", async () => {
    const env = envelopeOf(await call("scaly_delete_user_group", { input: { id: "grp_nope" } }));
    expect(env.success).toBe(false);
    expect(env.error?.code).toBe("graphql_not_found");
    expect(env.data).toBeUndefined();
    expect(env.error?.details.errors[0]).toMatchObject({ path: ["deleteUserGroup"], code: "NOT_FOUND" });
  });

  it("the data-plane source gets its session token, never the control-plane keys", async () => {
    const env = envelopeOf(await call("scaly_session"));
    expect(env.success, JSON.stringify(env.error)).toBe(true);
    const [sent] = up.requests as RecordedRequest[];
    expect(sent?.path).toBe("/v1/session");
    expect(sent?.headers.authorization).toBe(`Bearer ${sessionToken}`);
    expect(sent?.headers["x-api-key"]).toBeUndefined();
    expect(JSON.stringify(sent?.headers)).not.toContain(up.keys.apiKey);
  });
});

describe("policy refusals in the success-data envelope", () => {
  it("a read-only refusal is a JSON envelope like any other failure, and nothing reaches the upstream", async () => {
    const { client } = await connect({ SCALY_READ_ONLY: "true" });
    try {
      up.requests.length = 0;
      const result = (await client.callTool({
        name: "scaly_create_stack",
        arguments: { input: { name: "never-made" } },
      })) as CallResult;
      expect(result.isError).toBe(true);
      const env = envelopeOf(result);
      expect(env.success).toBe(false);
      expect(env.error?.message).toContain("SCALY_READ_ONLY");
      expect(env.meta.tool).toBe("scaly_create_stack");
      expect(up.requests).toHaveLength(0);
      const read = envelopeOf(
        (await client.callTool({ name: "scaly_workspace", arguments: {} })) as CallResult,
      );
      expect(read.success).toBe(true);
      expect(read.data).toMatchObject({ id: "ws_acme" });
    } finally {
      await client.close();
    }
  });
});
