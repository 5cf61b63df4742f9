import { join } from "node:path";
import { createMCPClient } from "@ai-sdk/mcp";
import { StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { getAllMcpTools, MCPServerStdio } from "@openai/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// Third-party MCP clients (the AI SDK's @ai-sdk/mcp, the OpenAI Agents SDK and LangChain.js's
// @langchain/mcp-adapters) in front of the generated ScaiVault
// server over stdio, in front of the reference upstream: list every tool, convert every tool to the framework's
// tool objects, call tools with a null optional (as OpenAI strict clients send) and read a drifting response.

const BIN = join(ROOT, "bin/toolwright.mjs");
let up: ScaivaultUpstream;
let env: Record<string, string>;

beforeAll(async () => {
  up = await startScaivaultUpstream();
  env = { ...childEnv(), SCAIVAULT_URL: up.url, SCAIVAULT_TOKEN: up.tokens.admin };
});
afterAll(() => up?.close());

/** The upstream answers the next secret read with a body that drifts from the spec (a null string, extra fields). */
function driftNextRead() {
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
}

describe("AI SDK (@ai-sdk/mcp) over stdio", () => {
  it("lists and converts every tool, calls with a null optional, reads a drifting response", async () => {
    const client = await createMCPClient({
      transport: new StdioMCPTransport({
        command: process.execPath,
        args: [BIN, "serve", "scaivault"],
        env,
        cwd: ROOT,
      }),
    });
    try {
      const tools = await client.tools();
      expect(Object.keys(tools)).toHaveLength(67);
      for (const [name, tool] of Object.entries(tools)) expect(tool.inputSchema, name).toBeDefined();
      const listed = (await tools.scaivault_list_secrets!.execute!(
        { prefix: "integrations", tag: null, limit: null, cursor: null },
        { toolCallId: "1", messages: [], context: {} },
      )) as { isError?: boolean; structuredContent?: { items?: unknown[] } };
      expect(listed.isError).toBeFalsy();
      expect(listed.structuredContent?.items?.length).toBeGreaterThan(0);
      const sent = up.requests.at(-1)!;
      expect(sent.url).not.toMatch(/tag=|cursor=|null/);
      driftNextRead();
      const read = (await tools.scaivault_read_secret!.execute!(
        { path: up.seed.secrets.salesforce, version: null },
        { toolCallId: "2", messages: [], context: {} },
      )) as { isError?: boolean; structuredContent?: Record<string, unknown> };
      expect(read.isError).toBeFalsy();
      expect(read.structuredContent).toMatchObject({ value: null, rotated_by_agent: true });
    } finally {
      await client.close();
    }
  });
});

describe("OpenAI Agents SDK over stdio", () => {
  it("lists and converts every tool, calls with a null optional, reads a drifting response", async () => {
    const server = new MCPServerStdio({
      command: process.execPath,
      args: [BIN, "serve", "scaivault"],
      env,
      cwd: ROOT,
      // The SDK gives up on a request after 5 s by default: a failure bound that holds on a busy machine instead.
      clientSessionTimeoutSeconds: 120,
    });
    await server.connect();
    try {
      const mcpTools = await server.listTools();
      expect(mcpTools).toHaveLength(67);
      const tools = await getAllMcpTools({ mcpServers: [server], convertSchemasToStrict: true });
      expect(tools).toHaveLength(67);
      const listed = await server.callTool("scaivault_list_secrets", {
        prefix: "integrations",
        tag: null,
        limit: null,
      });
      expect(JSON.stringify(listed)).toContain("integrations/");
      driftNextRead();
      const read = await server.callTool("scaivault_read_secret", {
        path: up.seed.secrets.salesforce,
        version: null,
      });
      expect(JSON.stringify(read)).toContain("rotated_by_agent");
      expect(JSON.stringify(read)).not.toContain("does not match");
    } finally {
      await server.close();
    }
  });
});

describe("LangChain.js (@langchain/mcp-adapters) over stdio", () => {
  it("converts every tool to a LangChain tool, its arguments checked against the input schema; calls; reads drift", async () => {
    const client = new MultiServerMCPClient({
      mcpServers: {
        scaivault: {
          transport: "stdio",
          command: process.execPath,
          args: [BIN, "serve", "scaivault"],
          env,
          cwd: ROOT,
        },
      },
    });
    try {
      const tools = await client.getTools();
      expect(tools).toHaveLength(67);
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      expect(byName.has("scaivault_read_secret")).toBe(true);
      // The adapter validates arguments against the published input schema before sending them.
      await expect(byName.get("scaivault_read_secret")!.invoke({ path: 42 })).rejects.toThrow(/schema/);
      const listed = (await byName.get("scaivault_list_secrets")!.invoke({ prefix: "integrations" })) as {
        structuredContent?: { items?: Array<{ path?: string }> };
      };
      expect(listed.structuredContent?.items?.every((i) => i.path?.startsWith("integrations/"))).toBe(true);
      expect(up.requests.at(-1)!.url).toMatch(/prefix=integrations/);
      driftNextRead();
      const read = (await byName
        .get("scaivault_read_secret")!
        .invoke({ path: up.seed.secrets.salesforce })) as {
        structuredContent?: Record<string, unknown>;
      };
      expect(read.structuredContent).toMatchObject({ value: null, rotated_by_agent: true });
    } finally {
      await client.close();
    }
  });
});

describe("OpenAI Agents SDK with --schema-profile portable", () => {
  const strictCount = async (args: string[]) => {
    const server = new MCPServerStdio({
      command: process.execPath,
      args: [BIN, "serve", "scaivault", ...args],
      env,
      cwd: ROOT,
      clientSessionTimeoutSeconds: 120,
    });
    await server.connect();
    const tools = await getAllMcpTools({ mcpServers: [server], convertSchemasToStrict: true });
    return {
      server,
      tools,
      strict: tools.filter((tool) => (tool as { strict?: boolean }).strict === true).length,
    };
  };

  it("every tool converts to a strict function tool (the default profile leaves some non-strict)", async () => {
    const faithful = await strictCount([]);
    await faithful.server.close();
    expect(faithful.tools).toHaveLength(67);
    expect(faithful.strict).toBeLessThan(67);

    const portable = await strictCount(["--schema-profile", "portable"]);
    try {
      expect(portable.tools).toHaveLength(67);
      expect(portable.strict).toBe(67);
      // A free-form map is asked for as JSON text; the upstream receives the object.
      const path = "integrations/portable/json-text";
      const written = await portable.server.callTool("scaivault_write_secret", {
        path,
        data: '{"user":"svc","password":"s3cret"}',
      });
      expect(JSON.stringify(written)).not.toContain("invalid arguments");
      const sent = up.requests.filter((r) => r.method === "PUT" || r.method === "POST").at(-1);
      expect(sent?.body?.json).toMatchObject({ data: { user: "svc", password: "s3cret" } });
    } finally {
      await portable.server.close();
    }
  });
});
