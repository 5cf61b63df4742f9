import { join } from "node:path";
import { noopObserve } from "@mastra/core/tools";
import { MCPClient } from "@mastra/mcp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { type Served, serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { startScalyUpstream } from "../upstreams/scaly/index.js";

// Mastra's MCP client (@mastra/mcp MCPClient, with @mastra/core's tools) in front of the generated ScaiVault
// server over stdio and Streamable HTTP (the HTTP server pages tools/list by 20, so the client follows cursors)
// and Scaly over stdio, in front of the reference upstreams. Mastra turns each MCP tool into a Mastra tool named
// `<server>_<tool>` whose arguments it checks against the published input schema (ajv) before sending; an error
// result becomes a thrown MastraError carrying the result's text, which is what its agent loop gives the model.
// The GitHub REST catalog is driven by Mastra in github.test.ts.

const BIN = join(ROOT, "bin/toolwright.mjs");
const KEY = "mastra-clients-key-3c81e0";
const TOOLS = 67;
/** Policies on, as an operator sets them: values masked, infra/ denied (confirmation is always on). */
const POLICY = { SCAIVAULT_MASK_VALUES: "true", SCAIVAULT_DENIED_PATHS: "infra/" };

let up: ScaivaultUpstream;
let served: Served;
let env: Record<string, string>;

beforeAll(async () => {
  up = await startScaivaultUpstream();
  env = { ...childEnv(), SCAIVAULT_URL: up.url, SCAIVAULT_TOKEN: up.tokens.admin, ...POLICY };
  served = await serveHttp(
    "scaivault",
    { SCAIVAULT_URL: up.url, SCAIVAULT_TOKEN: up.tokens.admin, SCAIVAULT_MCP_TOKEN: KEY, ...POLICY },
    { args: ["--http", "--port", "0", "--page-size", "20"] },
  );
}, 120_000);
afterAll(async () => {
  await served?.stop();
  await up?.close();
});

type MastraTools = Awaited<ReturnType<MCPClient["listTools"]>>;

/** Calls a Mastra tool as its agent loop does: the result, or the MastraError an error result becomes. */
async function run(tools: MastraTools, name: string, args: Record<string, unknown>): Promise<unknown> {
  const tool = tools[name];
  expect(tool, name).toBeDefined();
  try {
    return await tool!.execute!(args, { observe: noopObserve });
  } catch (error) {
    return { thrown: (error as Error).message };
  }
}

/** What a Mastra agent does with ScaiVault's tools, policies on; `server` is the name tools are prefixed with. */
async function drivesScaivault(tools: MastraTools, server: string) {
  const tool = (name: string) => `${server}_scaivault_${name}`;
  expect(Object.keys(tools)).toHaveLength(TOOLS);
  for (const [name, t] of Object.entries(tools)) {
    expect(name.startsWith(`${server}_scaivault_`), name).toBe(true);
    expect(t.inputSchema, name).toBeDefined();
  }
  const since = up.requests.length;
  // A list: the structured result, filtered by the prefix the upstream received.
  const listed = (await run(tools, tool("list_secrets"), { prefix: "integrations" })) as {
    items?: Array<{ path?: string }>;
  };
  expect(listed.items?.length, JSON.stringify(listed).slice(0, 300)).toBeGreaterThan(0);
  expect(listed.items?.every((item) => item.path?.startsWith("integrations/"))).toBe(true);
  // A read: structured, the value masked.
  const read = (await run(tools, tool("read_secret"), { path: up.seed.secrets.stripe })) as Record<
    string,
    unknown
  >;
  expect(read).toMatchObject({ path: up.seed.secrets.stripe, value: "••••••" });
  // Refused by the input schema's pattern in Mastra itself; by policy in toolwright (both in their own words).
  expect(await run(tools, tool("read_secret"), { path: "../etc/passwd" })).toMatchObject({
    error: true,
    message: expect.stringMatching(/path: must match pattern/),
  });
  expect(await run(tools, tool("read_secret"), { path: up.seed.secrets.primaryDb })).toEqual({
    thrown: expect.stringMatching(
      /^refused by SCAIVAULT_DENIED_PATHS: 'path' is under the denied prefix infra\//,
    ),
  });
  // A destructive tool: the preview's token arrives in the thrown message; repeating with it deletes.
  const preview = (await run(tools, tool("delete_secret"), { path: up.seed.secrets.smtp })) as {
    thrown: string;
  };
  const confirmation = JSON.parse(preview.thrown) as {
    confirmation_required: boolean;
    confirmation_token: string;
  };
  expect(confirmation.confirmation_required).toBe(true);
  expect(up.requests.slice(since).some((r) => r.method === "DELETE")).toBe(false);
  const deleted = await run(tools, tool("delete_secret"), {
    path: up.seed.secrets.smtp,
    confirmation_token: confirmation.confirmation_token,
  });
  expect(deleted).not.toHaveProperty("thrown");
  expect(up.requests.slice(since).map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
    "GET /v1/secrets",
    `GET /v1/secrets/${up.seed.secrets.stripe}`,
    `DELETE /v1/secrets/${up.seed.secrets.smtp}`,
  ]);
  // A response that drifts from the spec (a null string, an extra field) arrives as a successful result, which
  // Mastra's output check (ajv against the published output schema) accepts.
  up.injectFault({
    operationId: "readSecret",
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      path: up.seed.secrets.salesforce,
      version: 2,
      value: null,
      rotated_by_agent: true,
    }),
  });
  expect(await run(tools, tool("read_secret"), { path: up.seed.secrets.salesforce })).toMatchObject({
    path: up.seed.secrets.salesforce,
    version: 2,
    value: null,
  });
}

describe("Mastra (@mastra/mcp) in front of ScaiVault", () => {
  it("over stdio: lists and converts every tool, calls; policy refusals and confirmation as thrown errors", async () => {
    const mcp = new MCPClient({
      id: "mastra-stdio",
      servers: { vault: { command: process.execPath, args: [BIN, "serve", "scaivault"], env, cwd: ROOT } },
    });
    try {
      await up.reset();
      await drivesScaivault(await mcp.listTools(), "vault");
    } finally {
      await mcp.disconnect();
    }
  });

  it("over Streamable HTTP: follows tools/list cursors, the same calls; refused without the client key", async () => {
    const mcp = new MCPClient({
      id: "mastra-http",
      servers: {
        // Mastra's connect gives up after 3 s by default; a failure bound on a busy machine, not a time assertion.
        vault: {
          url: new URL(served.url),
          requestInit: { headers: { Authorization: `Bearer ${KEY}` } },
          connectTimeout: 240_000,
        },
      },
    });
    const keyless = new MCPClient({
      id: "mastra-keyless",
      servers: { vault: { url: new URL(served.url), connectTimeout: 240_000 } },
    });
    try {
      await up.reset();
      await drivesScaivault(await mcp.listTools(), "vault");
      const refused = await keyless.listToolsWithErrors();
      expect(Object.keys(refused.tools)).toHaveLength(0);
      expect(refused.errors.vault).toMatch(/requires authorization \(HTTP 401\)/);
    } finally {
      await Promise.all([mcp.disconnect(), keyless.disconnect()]);
    }
  });
});

describe("Mastra (@mastra/mcp) in front of Scaly", () => {
  it("over stdio: lists and converts every tool, calls GraphQL queries with and without arguments", async () => {
    const scalyKey = "scaly-mastra-key-0b7d2e";
    const scaly = await startScalyUpstream({ apiKey: scalyKey });
    const mcp = new MCPClient({
      id: "mastra-scaly",
      servers: {
        scaly: {
          command: process.execPath,
          args: [BIN, "serve", "scaly"],
          env: {
            ...childEnv(),
            SCALY_API_URL: scaly.url,
            SCALY_API_KEY: scalyKey,
            SCALY_APPSYNC_KEY: scaly.keys.appsyncKey,
          },
          cwd: ROOT,
        },
      },
    });
    try {
      const tools = await mcp.listTools();
      expect(Object.keys(tools)).toHaveLength(51);
      expect(JSON.stringify(await run(tools, "scaly_scaly_list_apps", {}))).toContain("storefront");
      expect(JSON.stringify(await run(tools, "scaly_scaly_get_app", { id: "app_storefront" }))).toContain(
        "storefront",
      );
    } finally {
      await mcp.disconnect();
      await scaly.close();
    }
  });
});
