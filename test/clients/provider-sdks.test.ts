import { join } from "node:path";
import {
  type MCPClientLike,
  mcpMessages,
  mcpResourceToContent,
  mcpTools,
  UnsupportedMCPValueError,
} from "@anthropic-ai/sdk/helpers/beta/mcp";
import { runRunnableTool } from "@anthropic-ai/sdk/lib/tools/BetaRunnableTool";
import { type FunctionDeclaration, mcpToTool } from "@google/genai";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portableInput } from "../../src/publish/portable.js";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { geminiJsonSchema, sentAsGeminiParameters } from "../helpers/providers.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// The model providers' own SDK helpers that turn an MCP client's tools into the provider's tool declarations, in
// front of the generated ScaiVault server over stdio (the v1 SDK client they take), reference upstream behind it:
// Google's @google/genai `mcpToTool` (Gemini function declarations: the input schema as `parametersJsonSchema`,
// the output schema as `responseJsonSchema`; calls answered as `functionResponse` parts) and the Anthropic SDK's
// `@anthropic-ai/sdk/helpers/beta/mcp` (`mcpTools`: runnable tools for `toolRunner`, an error result thrown as
// a ToolError that the runner sends back as an error tool_result; `mcpMessages` for prompts,
// `mcpResourceToContent` for resources). No model is called: the tests check what each helper would send and
// what it does with toolwright's results.

const BIN = join(ROOT, "bin/toolwright.mjs");
const TOOLS = 67;
/** Gemini's rule for a function name (FunctionDeclaration.name). */
const GEMINI_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** Anthropic's rule for a tool name. */
const ANTHROPIC_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

let up: ScaivaultUpstream;
const clients: Client[] = [];

beforeAll(async () => {
  up = await startScaivaultUpstream();
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await up?.close();
});

/** A v1 SDK client of `serve scaivault` with `args` (each test's own server process). */
async function connect(args: string[] = []): Promise<Client> {
  const client = new Client({ name: "provider-sdk", version: "1.0.0" });
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

/** The keywords outside Gemini's documented JSON Schema subset, over every declaration's schema on `side`. */
function outsideGemini(decls: FunctionDeclaration[], side: "parametersJsonSchema" | "responseJsonSchema") {
  const keywords = new Set<string>();
  let tools = 0;
  for (const decl of decls) {
    const schema = decl[side] as Record<string, unknown> | undefined;
    if (!schema) continue;
    const problems = geminiJsonSchema(schema);
    if (problems.length > 0) tools++;
    for (const problem of problems) keywords.add(problem.slice(problem.lastIndexOf(": ") + 2));
  }
  return { tools, keywords: [...keywords].sort() };
}

describe("Google GenAI SDK (@google/genai mcpToTool): Gemini function declarations", () => {
  it("every tool converts; with the portable profile every schema it forwards is inside Gemini's subset", async () => {
    const client = await connect();
    const published = (await client.listTools()).tools;
    const decls = (await mcpToTool(client).tool()).functionDeclarations ?? [];
    expect(decls).toHaveLength(TOOLS);
    for (const decl of decls) {
      expect(decl.name, decl.name).toMatch(GEMINI_NAME);
      // A copy of the published schemas: what Gemini receives is what tools/list says.
      const tool = published.find((t) => t.name === decl.name)!;
      expect(decl.parametersJsonSchema, decl.name).toEqual(tool.inputSchema);
      expect(decl.responseJsonSchema, decl.name).toEqual(tool.outputSchema);
    }
    // The default profile is faithful JSON Schema, outside Gemini's documented subset: inputs and the output
    // schemas mcpToTool forwards as `responseJsonSchema` alike.
    expect(outsideGemini(decls, "parametersJsonSchema").tools).toBeGreaterThan(0);
    expect(outsideGemini(decls, "responseJsonSchema")).toEqual({
      tools: TOOLS,
      keywords: ["$schema", "allOf", "examples"],
    });
    const portable = (await mcpToTool(await connect(["--schema-profile", "portable"])).tool())
      .functionDeclarations!;
    expect(portable).toHaveLength(TOOLS);
    expect(outsideGemini(portable, "parametersJsonSchema")).toEqual({ tools: 0, keywords: [] });
    expect(outsideGemini(portable, "responseJsonSchema")).toEqual({ tools: 0, keywords: [] });
  });

  it("calls (portable): structured results the client checks, argument and policy refusals as error responses", async () => {
    // The v1 client checks each structuredContent against the (portable) output schema it listed.
    const callable = mcpToTool(await connect(["--schema-profile", "portable"]));
    await up.reset();
    const [listed, read, traversal, preview] = await callable.callTool([
      { name: "scaivault_list_secrets", args: { prefix: "integrations", tag: null } },
      { name: "scaivault_read_secret", args: { path: up.seed.secrets.stripe, version: null } },
      { name: "scaivault_read_secret", args: { path: "../etc/passwd" } },
      { name: "scaivault_delete_secret", args: { path: up.seed.secrets.smtp } },
    ]);
    const response = listed?.functionResponse?.response as
      | { structuredContent?: { items?: unknown[] } }
      | undefined;
    expect(response?.structuredContent?.items?.length).toBeGreaterThan(0);
    expect(read?.functionResponse?.response).toMatchObject({
      structuredContent: { path: up.seed.secrets.stripe },
    });
    // mcpToTool sends what the model wrote: toolwright's own validation refuses it, as an error response.
    expect(traversal?.functionResponse?.response).toMatchObject({
      error: {
        isError: true,
        content: [{ type: "text", text: expect.stringMatching(/^invalid arguments: path/) }],
      },
    });
    const refused = preview?.functionResponse?.response as {
      error?: { isError?: boolean; content?: Array<{ text?: string }> };
    };
    expect(refused.error?.isError).toBe(true);
    expect(JSON.parse(refused.error?.content?.[0]?.text ?? "{}")).toMatchObject({
      confirmation_required: true,
    });
    expect(up.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
      "GET /v1/secrets",
      `GET /v1/secrets/${up.seed.secrets.stripe}`,
    ]);
  });
});

/** Every `description` in a schema, by where it applies (a property path; a union's and its branches' alike). */
function descriptionsOf(node: unknown, at = "#", out = new Map<string, string[]>()): Map<string, string[]> {
  if (node === null || typeof node !== "object") return out;
  const n = node as Record<string, unknown>;
  if (typeof n.description === "string") out.set(at, [...(out.get(at) ?? []), n.description]);
  for (const [name, child] of Object.entries((n.properties as Record<string, unknown>) ?? {}))
    descriptionsOf(child, `${at}/${name}`, out);
  if (n.items !== undefined) descriptionsOf(n.items, `${at}/items`, out);
  // A branch's description describes the same place as the union's.
  for (const branch of (n.anyOf as unknown[]) ?? []) descriptionsOf(branch, at, out);
  return out;
}

describe("Google GenAI SDK's `parameters` (an app declaring the portable schemas itself)", () => {
  it("every argument description reaches the request the SDK sends", async () => {
    const client = await connect(["--schema-profile", "portable"]);
    // ScaiVault's tools, and one whose arguments the spec types nullable in the shapes real specs write.
    const nullable = portableInput({
      type: "object",
      properties: {
        note: { type: ["string", "null"], description: "A note, or null to clear it." },
        due: { type: ["string", "null"], format: "date-time", description: "When it is due." },
        size: { anyOf: [{ type: "integer" }, { type: "null" }], description: "How many." },
        state: { type: ["string", "null"], enum: ["open", "closed", null], description: "The state." },
        owner: {
          type: ["object", "null"],
          description: "Who owns it.",
          properties: { login: { type: ["string", "null"], description: "Their login." } },
        },
      },
      required: ["note"],
    }).schema;
    const tools = [
      ...(await client.listTools()).tools,
      { name: "nullable_arguments", description: "Arguments that may be null.", inputSchema: nullable },
    ];
    // What the SDK sent to a stand-in for the Gemini API on 127.0.0.1.
    const sent = await sentAsGeminiParameters(tools as never);
    expect(sent).toHaveLength(TOOLS + 1);
    let places = 0;
    const lost: string[] = [];
    for (const tool of tools) {
      const got = descriptionsOf(sent.find((decl) => decl.name === tool.name)?.parameters);
      for (const [at, texts] of descriptionsOf(tool.inputSchema)) {
        places++;
        const kept = (got.get(at) ?? []).join(" ");
        for (const text of texts) if (!kept.includes(text)) lost.push(`${tool.name} ${at}`);
      }
    }
    expect(places).toBeGreaterThan(TOOLS);
    expect(lost).toEqual([]);
  });
});

describe("Anthropic SDK MCP helpers (@anthropic-ai/sdk/helpers/beta/mcp)", () => {
  it("mcpTools: every tool converts; results as the runner's tool_result, refusals and confirmation as errors", async () => {
    const client = await connect();
    const published = (await client.listTools()).tools;
    // The v1 client's callTool type also names the pre-2025 `toolResult` form, which MCPClientLike leaves out.
    const tools = mcpTools(published, client as unknown as MCPClientLike);
    expect(tools).toHaveLength(TOOLS);
    for (const tool of tools) {
      expect(tool.name).toMatch(ANTHROPIC_NAME);
      expect((tool as unknown as { input_schema: { type: unknown } }).input_schema.type, tool.name).toBe(
        "object",
      );
    }
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    /** What `toolRunner` does with a tool_use block: the tool_result content, and whether it is an error. */
    const run = async (name: string, input: Record<string, unknown>) => {
      const toolUse = { type: "tool_use", id: `toolu_${name}`, name, input } as const;
      const { content, isError } = await runRunnableTool(byName.get(name)!, input, {
        toolUse,
        toolUseBlock: toolUse,
      });
      const text =
        typeof content === "string"
          ? content
          : content.map((b) => (b.type === "text" ? b.text : "")).join("");
      return { text, isError };
    };
    await up.reset();
    const read = await run("scaivault_read_secret", { path: up.seed.secrets.stripe });
    expect(read.isError).toBe(false);
    expect(JSON.parse(read.text)).toMatchObject({ path: up.seed.secrets.stripe });
    const traversal = await run("scaivault_read_secret", { path: "../etc/passwd" });
    expect(traversal).toEqual({ isError: true, text: expect.stringMatching(/^invalid arguments: path/) });
    const preview = await run("scaivault_delete_secret", { path: up.seed.secrets.smtp });
    expect(preview.isError).toBe(true);
    const { confirmation_token } = JSON.parse(preview.text) as { confirmation_token: string };
    const deleted = await run("scaivault_delete_secret", { path: up.seed.secrets.smtp, confirmation_token });
    expect(deleted.isError).toBe(false);
    expect(up.requests.map((r) => `${r.method} ${r.url.split("?")[0]}`)).toEqual([
      `GET /v1/secrets/${up.seed.secrets.stripe}`,
      `DELETE /v1/secrets/${up.seed.secrets.smtp}`,
    ]);
  });

  it("mcpMessages converts every prompt; mcpResourceToContent refuses JSON resources (the text is there)", async () => {
    const client = await connect();
    const { prompts } = await client.listPrompts();
    expect(prompts.length).toBeGreaterThan(0);
    for (const prompt of prompts) {
      const args = Object.fromEntries(
        (prompt.arguments ?? [])
          .filter((a) => a.required)
          .map((a) => [a.name, "integrations/stripe/api-key"]),
      );
      const { messages } = await client.getPrompt({ name: prompt.name, arguments: args });
      const converted = mcpMessages(messages);
      expect(converted, prompt.name).toHaveLength(messages.length);
      for (const message of converted) expect(["user", "assistant"]).toContain(message.role);
    }
    const { resources } = await client.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const read = await client.readResource({ uri: resources[0]!.uri });
    // The helper knows text/*, PDF and images only; a JSON resource's text goes to the model as a text block.
    expect(() => mcpResourceToContent(read)).toThrow(UnsupportedMCPValueError);
    expect(read.contents[0]).toMatchObject({ mimeType: "application/json" });
    expect(() => JSON.parse((read.contents[0] as { text: string }).text)).not.toThrow();
  });
});
