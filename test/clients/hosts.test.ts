import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// What agent hosts and client libraries send beyond a tool's arguments: the hosts themselves (Gemini CLI, Claude
// Code, Codex) are hundreds of MB each, and Strands Agents brings the AWS SDK; they were checked by hand
// (docs/clients.md). The requests they make that a toolwright server must answer are replayed here by the v1 SDK
// client (the one Gemini CLI, Claude Code and Strands use) over stdio, in front of the generated ScaiVault server
// and its reference upstream.

const BIN = join(ROOT, "bin/toolwright.mjs");
let up: ScaivaultUpstream;
const clients: Client[] = [];

beforeAll(async () => {
  up = await startScaivaultUpstream();
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await up?.close();
});

type ClientIdentity = { name: string; version: string; capabilities: { roots?: Record<string, never> } };

/** Gemini CLI's client name and capabilities (roots), as @google/gemini-cli-core 0.61.0 connects. */
const GEMINI_CLI: ClientIdentity = {
  name: "gemini-cli-mcp-client",
  version: "0.61.0",
  capabilities: { roots: {} },
};

async function connect(args: string[] = [], as: ClientIdentity = GEMINI_CLI): Promise<Client> {
  const client = new Client({ name: as.name, version: as.version }, { capabilities: as.capabilities });
  clients.push(client);
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "serve", "scaivault", ...args],
      env: { ...childEnv(), SCAIVAULT_URL: up.url, SCAIVAULT_TOKEN: up.tokens.admin },
      cwd: ROOT,
      stderr: "ignore",
    }),
  );
  return client;
}

const sent = () => up.requests.map((r) => `${r.method} ${r.url}`);

describe("Gemini CLI (@google/gemini-cli-core 0.61.0): the wait_for_previous it adds to every tool", () => {
  // Gemini CLI adds a boolean `wait_for_previous` to each tool's parameters (DeclarativeTool
  // .addWaitForPreviousParameter), tells the model to set it on a call that depends on an earlier one, and sends the
  // model's arguments to the MCP server as they are. Before, each such call was refused: unknown property.
  it("a call carrying it runs, and the upstream never sees it; the published schemas do not have it", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    for (const tool of tools)
      expect(tool.inputSchema.properties ?? {}, tool.name).not.toHaveProperty("wait_for_previous");
    await up.reset();
    const listed = await client.callTool({
      name: "scaivault_list_secrets",
      arguments: { prefix: "integrations", wait_for_previous: true },
    });
    expect(listed.isError, JSON.stringify(listed.content)).toBeFalsy();
    expect((listed.structuredContent as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const read = await client.callTool({
      name: "scaivault_read_secret",
      arguments: { path: up.seed.secrets.stripe, wait_for_previous: false },
    });
    expect(read.structuredContent).toMatchObject({ path: up.seed.secrets.stripe });
    expect(sent()).toEqual([
      "GET /v1/secrets?prefix=integrations",
      `GET /v1/secrets/${up.seed.secrets.stripe}`,
    ]);
    // Only Gemini's flag, as Gemini sends it: another value or another unknown name is still refused.
    const refused = await client.callTool({
      name: "scaivault_read_secret",
      arguments: { path: up.seed.secrets.stripe, wait_for_previous: "yes", wait_for_next: true },
    });
    expect(refused.isError).toBe(true);
    expect((refused.content as Array<{ text: string }>)[0]!.text).toMatch(
      /^invalid arguments: .*unknown properties? .*wait_for_previous.*wait_for_next/,
    );
    expect(sent()).toHaveLength(2);
  });

  it("discovery mode: find_tools and call_tool carrying it", async () => {
    const client = await connect(["--discovery"]);
    await up.reset();
    const found = await client.callTool({
      name: "find_tools",
      arguments: { query: "list secrets", wait_for_previous: false },
    });
    expect(found.isError, JSON.stringify(found.content)).toBeFalsy();
    const called = await client.callTool({
      name: "call_tool",
      arguments: {
        name: "scaivault_list_secrets",
        arguments: { prefix: "integrations" },
        wait_for_previous: true,
      },
    });
    expect(called.isError, JSON.stringify(called.content)).toBeFalsy();
    expect(sent()).toEqual(["GET /v1/secrets?prefix=integrations"]);
  });
});

describe("Strands Agents (@strands-agents/sdk 1.19.0): the trace context it puts into the arguments", () => {
  // McpClient.callTool adds `_meta: { traceparent[, tracestate] }` (the W3C propagator's carrier) to the tool's
  // arguments whenever an OpenTelemetry span is active, as it is around every tool call of its agent loop once
  // tracing is set up (setupTracer). Seen by hand with 1.19.0: every such call was refused, unknown property "_meta".
  const STRANDS: ClientIdentity = { name: "strands-agents-ts-sdk", version: "0.0.1", capabilities: {} };
  const traced = {
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    tracestate: "strands=1",
  };

  it("a call carrying it runs, and the upstream never sees it; another _meta value is still refused", async () => {
    const client = await connect([], STRANDS);
    await up.reset();
    const read = await client.callTool({
      name: "scaivault_read_secret",
      arguments: { path: up.seed.secrets.stripe, _meta: traced },
    });
    expect(read.isError, JSON.stringify(read.content)).toBeFalsy();
    expect(read.structuredContent).toMatchObject({ path: up.seed.secrets.stripe });
    const listed = await client.callTool({
      name: "scaivault_list_secrets",
      arguments: { prefix: "integrations", _meta: traced },
    });
    expect(listed.isError, JSON.stringify(listed.content)).toBeFalsy();
    expect(sent()).toEqual([
      `GET /v1/secrets/${up.seed.secrets.stripe}`,
      "GET /v1/secrets?prefix=integrations",
    ]);
    expect(JSON.stringify(up.requests)).not.toContain(traced.traceparent);
    const refused = await client.callTool({
      name: "scaivault_read_secret",
      arguments: { path: up.seed.secrets.stripe, _meta: traced.traceparent },
    });
    expect(refused.isError).toBe(true);
    expect((refused.content as Array<{ text: string }>)[0]!.text).toMatch(
      /^invalid arguments: .*unknown property "_meta"/,
    );
    expect(sent()).toHaveLength(2);
  });

  it("a destructive call carrying it still asks for confirmation; its token confirms the next call, another span's", async () => {
    const client = await connect([], STRANDS);
    await up.reset();
    const preview = await client.callTool({
      name: "scaivault_delete_secret",
      arguments: { path: up.seed.secrets.smtp, _meta: traced },
    });
    expect(preview.isError).toBe(true);
    const { confirmation_token: token } = JSON.parse(
      (preview.content as Array<{ text: string }>)[0]!.text,
    ) as {
      confirmation_token: string;
    };
    expect(sent()).toEqual([]);
    const done = await client.callTool({
      name: "scaivault_delete_secret",
      // Each tool call runs in its own span: the confirming call carries another traceparent.
      arguments: {
        path: up.seed.secrets.smtp,
        confirmation_token: token,
        _meta: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01" },
      },
    });
    expect(done.isError, JSON.stringify(done.content)).toBeFalsy();
    expect(sent()).toEqual([`DELETE /v1/secrets/${up.seed.secrets.smtp}`]);
  });
});
