import { join } from "node:path";
import { createMCPClient } from "@ai-sdk/mcp";
import { StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { getAllMcpTools, MCPServerStdio } from "@openai/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { startScalyUpstream } from "../upstreams/scaly/index.js";

// Third-party MCP clients (@ai-sdk/mcp and the OpenAI Agents SDK) in front of the generated Scaly server over
// stdio (GraphQL control plane and REST data plane of the reference upstream): list and convert every tool, call
// a GraphQL query with null optionals (as OpenAI strict clients send them) and read the result.

const BIN = join(ROOT, "bin/toolwright.mjs");
const KEY = "scaly-clients-key-51f0a2";
let up: Awaited<ReturnType<typeof startScalyUpstream>>;
let env: Record<string, string>;

beforeAll(async () => {
  up = await startScalyUpstream({ apiKey: KEY });
  env = {
    ...childEnv(),
    SCALY_API_URL: up.url,
    SCALY_API_KEY: KEY,
    SCALY_APPSYNC_KEY: up.keys.appsyncKey,
  };
}, 120_000);
afterAll(() => up?.close());

describe("Scaly over stdio", () => {
  it("AI SDK: lists and converts every tool, calls a query with null optionals", async () => {
    const client = await createMCPClient({
      transport: new StdioMCPTransport({
        command: process.execPath,
        args: [BIN, "serve", "scaly"],
        env,
        cwd: ROOT,
      }),
    });
    try {
      const tools = await client.tools();
      expect(Object.keys(tools)).toHaveLength(51);
      const listed = (await tools.scaly_list_apps!.execute!(
        { first: null, after: null },
        { toolCallId: "1", messages: [], context: {} },
      )) as { isError?: boolean };
      expect(listed.isError, JSON.stringify(listed)).toBeFalsy();
      expect(JSON.stringify(listed)).toContain("storefront");
    } finally {
      await client.close();
    }
  });

  it("OpenAI Agents SDK: lists and converts every tool, calls with null optionals", async () => {
    const server = new MCPServerStdio({
      command: process.execPath,
      args: [BIN, "serve", "scaly"],
      env,
      cwd: ROOT,
      // The SDK gives up on a request after 5 s by default: a failure bound that holds on a busy machine instead.
      clientSessionTimeoutSeconds: 120,
    });
    await server.connect();
    try {
      const tools = await getAllMcpTools({ mcpServers: [server], convertSchemasToStrict: true });
      expect(tools).toHaveLength(51);
      const got = await server.callTool("scaly_get_app", { id: "app_storefront" });
      expect(JSON.stringify(got)).toContain("storefront");
      const listed = await server.callTool("scaly_list_apps", { first: null, after: null });
      expect(JSON.stringify(listed)).toContain("storefront");
      expect(JSON.stringify(listed)).not.toContain("invalid arguments");
    } finally {
      await server.close();
    }
  });
});
