import dc from "node:diagnostics_channel";
import { createMCPClient } from "@ai-sdk/mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { getAllMcpTools, MCPServerStreamableHttp } from "@openai/agents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Served } from "../transport/serve-http.js";
import { type ReferenceHttp, serveReferenceHttp, stopReferenceHttp } from "./reference-http.js";

// Third-party MCP clients over Streamable HTTP, in front of both reference catalogs served as an operator runs
// them (a child process, env only): the AI SDK's @ai-sdk/mcp and the OpenAI Agents SDK list and convert every
// tool and call tools with a null optional; a v1-SDK client that pauses between requests (as one that compiles
// output schemas after each page does) keeps its connection.

const KEY = "http-clients-key-9d41c7";
const AUTH = { Authorization: `Bearer ${KEY}` };

interface Case {
  catalog: string;
  tools: number;
  served: () => Served;
  /** A call with a null optional argument (OpenAI strict clients send one for an argument left out). */
  call: { tool: string; args: Record<string, unknown>; expect: string };
}

const ref: Partial<ReferenceHttp> = {};

beforeAll(() => serveReferenceHttp(ref, KEY), 120_000);

afterAll(() => stopReferenceHttp(ref));

const CASES: Case[] = [
  {
    catalog: "scaivault",
    tools: 67,
    served: () => ref.vaultServed as Served,
    call: {
      tool: "scaivault_read_secret",
      args: { path: "integrations/stripe/api-key", version: null },
      expect: "integrations/stripe/api-key",
    },
  },
  {
    catalog: "scaly",
    tools: 51,
    served: () => ref.scalyServed as Served,
    call: { tool: "scaly_list_apps", args: { first: null, after: null }, expect: "storefront" },
  },
];

describe.each(CASES)("$catalog over Streamable HTTP", (c) => {
  it("AI SDK: lists and converts every tool, calls with a null optional", async () => {
    const client = await createMCPClient({ transport: { type: "http", url: c.served().url, headers: AUTH } });
    try {
      const tools = await client.tools();
      expect(Object.keys(tools)).toHaveLength(c.tools);
      const result = (await tools[c.call.tool]!.execute!(c.call.args, {
        toolCallId: "1",
        messages: [],
        context: {},
      })) as { isError?: boolean };
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      expect(JSON.stringify(result)).toContain(c.call.expect);
    } finally {
      await client.close();
    }
  });

  it("OpenAI Agents SDK: lists and converts every tool (strict where it can), calls with a null optional", async () => {
    const server = new MCPServerStreamableHttp({
      url: c.served().url,
      requestInit: { headers: AUTH },
      // The SDK gives up on a request after 5 s by default: a failure bound that holds on a busy machine instead.
      clientSessionTimeoutSeconds: 120,
    });
    await server.connect();
    try {
      const tools = await getAllMcpTools({ mcpServers: [server], convertSchemasToStrict: true });
      expect(tools).toHaveLength(c.tools);
      const result = await server.callTool(c.call.tool, c.call.args);
      expect(JSON.stringify(result)).toContain(c.call.expect);
      expect(JSON.stringify(result)).not.toContain("invalid arguments");
    } finally {
      await server.close();
    }
  });
});

describe("a client that pauses between requests", () => {
  it("keeps its connection through a pause longer than Node's default 5 s idle timeout", async () => {
    const target = new URL((ref.vaultServed as Served).url);
    // Connections this process's fetch opens to the server (undici reports each on a diagnostics channel).
    let connections = 0;
    const onConnect = (message: unknown) => {
      const params = (message as { connectParams?: { hostname?: string; port?: string | number } })
        .connectParams;
      if (String(params?.port) === target.port) connections++;
    };
    dc.subscribe("undici:client:connected", onConnect);
    const client = new Client({ name: "pausing-client", version: "1.0.0" });
    try {
      await client.connect(new StreamableHTTPClientTransport(target, { requestInit: { headers: AUTH } }));
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(67);
      const before = connections;
      expect(before).toBeGreaterThan(0);
      // The pause a slow client takes (here: 6 s of nothing); it is the scenario, not an assertion.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const result = await client.callTool({
        name: "scaivault_read_secret",
        arguments: { path: "integrations/stripe/api-key" },
      });
      expect(result.isError, JSON.stringify(result)).toBeFalsy();
      // Served on the connection the client kept: the server did not close it while the client paused.
      expect(connections).toBe(before);
    } finally {
      dc.unsubscribe("undici:client:connected", onConnect);
      await client.close();
    }
  });
});
