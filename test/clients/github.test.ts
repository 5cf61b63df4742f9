import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createMCPClient } from "@ai-sdk/mcp";
import { StdioMCPTransport } from "@ai-sdk/mcp/mcp-stdio";
import { mcpToTool } from "@google/genai";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { noopObserve } from "@mastra/core/tools";
import { MCPClient } from "@mastra/mcp";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  type FunctionTool,
  getAllMcpTools,
  type MCPServer,
  MCPServerStdio,
  MCPServerStreamableHttp,
  RunContext,
} from "@openai/agents";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { childEnv } from "../helpers/child-env.js";
import { ROOT } from "../helpers/paths.js";
import { geminiJsonSchema } from "../helpers/providers.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { responseExamples } from "../helpers/spec-examples.js";
import { BIN, type Served, serveHttp } from "../transport/serve-http.js";

// The full GitHub REST catalog (1,223 tools, a bare `generate --openapi` of @octokit/openapi) driven by
// third-party MCP clients, the AI SDK's @ai-sdk/mcp and the OpenAI Agents SDK over stdio and Streamable HTTP and
// LangChain.js's @langchain/mcp-adapters over stdio
// (the HTTP server pages tools/list, so the clients follow cursors), plus the v1 SDK client, which validates
// structured results against the published output schemas. The upstream is a real HTTP server on 127.0.0.1 that
// answers each operation with GitHub's own published example response, some of which drift from the spec.
// Each client lists every tool, converts every tool to its framework's tool objects, and calls tools through
// them: a null optional (never sent upstream) and drifting responses (received as successful results).
// The client runs are independent and run concurrently; each calls with its own `owner`, so what the
// upstream received is told apart.

const SPEC = join(ROOT, "node_modules/@octokit/openapi/generated/api.github.com.json");
const OUT = "test/.tmp/clients-github";
const DIR = join(ROOT, OUT);
const TOOLS = 1223;
/** tools/list page size of the HTTP server: three pages for the clients to follow. */
const PAGE_SIZE = 500;
const KEY = "github-clients-key-7a3e52f1";
const AUTH = { Authorization: `Bearer ${KEY}` };
/** What a model's strict call sends for `issues/list-for-repo`: every optional it left out as null. */
const LIST_ISSUES_NULLS = {
  milestone: null,
  state: null,
  assignee: null,
  type: null,
  creator: null,
  mentioned: null,
  labels: null,
  sort: null,
  direction: null,
  since: null,
  page: null,
};

let doc: CatalogDocument;
let upstream: RecordingServer;
let served: Served;
let env: Record<string, string>;

beforeAll(async () => {
  // As a user runs it: the CLI on the bare spec (named, so tools fit `mcp__github__` within 64 characters).
  await promisify(execFile)(
    process.execPath,
    [BIN, "generate", "--openapi", SPEC, "--out", OUT, "--name", "github"],
    { cwd: ROOT, env: childEnv() },
  );
  doc = JSON.parse(readFileSync(join(DIR, "catalog.json"), "utf8")) as CatalogDocument;
  expect(doc.tools).toHaveLength(TOOLS);
  upstream = await startGithubUpstream(doc);
  env = { ...childEnv(), GITHUB_BASE_URL: upstream.url };
  served = await serveHttp(
    DIR,
    { GITHUB_BASE_URL: upstream.url, TOOLWRIGHT_CLIENT_KEY: KEY },
    { args: ["--http", "--port", "0", "--page-size", String(PAGE_SIZE)] },
  );
}, 300_000);

afterAll(async () => {
  await served?.stop();
  await upstream?.close();
});

/**
 * GitHub as the catalog's HTTP bindings route it: every operation answers with the first example response the
 * spec publishes for it (404 where it publishes none). A path matching several templates goes to the one with the
 * most literal segments (`/repos/{owner}/{repo}/issues/comments` before `.../issues/{issue_number}`).
 */
async function startGithubUpstream(catalog: CatalogDocument): Promise<RecordingServer> {
  const examples = responseExamples(SPEC);
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const routes = catalog.tools.flatMap((tool) => {
    const b = tool.binding;
    if (b.kind !== "http") return [];
    const pattern = new RegExp(
      `^${b.path
        .split(/\{[^}]+\}/)
        .map(literal)
        .join("[^/]+")}$`,
    );
    const literals = b.path.split("/").filter((s) => s && !s.includes("{")).length;
    return [{ method: b.method, pattern, literals, tool, status: Number(b.success?.status ?? 200) }];
  });
  return startRecordingServer((req, res) => {
    const route = routes
      .filter((r) => r.method === req.method && r.pattern.test(req.path))
      .sort((a, b) => b.literals - a.literals)[0];
    const [example] = route ? examples(route.tool) : [];
    if (route && example !== undefined) sendJson(res, route.status, example);
  });
}

/** Whether the spec's own (faithful) output schema of `tool` refuses `value`: the response drifts. */
function drifts(tool: string, value: unknown): boolean {
  const { $schema: _dialect, ...schema } = doc.tools.find((t) => t.name === tool)!
    .outputSchema as object as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  return !ajv.validate({ ...schema, $defs: (doc as unknown as { schemas: object }).schemas }, value);
}

function exampleOf(tool: string): Record<string, unknown> {
  return responseExamples(SPEC)(doc.tools.find((t) => t.name === tool)!)[0] as Record<string, unknown>;
}

/**
 * The calls every client makes through its framework's tool objects (`call` returns the structured result):
 * two drifting responses and a list with every optional null. The upstream received exactly these requests.
 */
async function callsGithub(
  owner: string,
  call: (tool: string, args: object) => Promise<unknown>,
  { nulls = true }: { nulls?: boolean } = {},
) {
  const repo = (await call("repos_get", { owner, repo: "Hello-World" })) as Record<string, unknown>;
  expect(repo).toEqual(exampleOf("repos_get"));
  expect(repo).not.toHaveProperty("language");
  const user = await call("users_get_by_username", { username: owner });
  // A response that is not a plain object schema (here a oneOf) is published under `result`.
  expect(user).toEqual({ result: exampleOf("users_get_by_username") });
  const issues = (await call("issues_list_for_repo", {
    owner,
    repo: "Hello-World",
    per_page: 2,
    ...(nulls ? LIST_ISSUES_NULLS : {}),
  })) as { result?: Array<{ title?: string }> };
  expect(issues.result?.[0]?.title).toBe("Found a bug");
  expect(
    upstream.received.filter((r) => r.url.includes(`/${owner}`)).map((r) => `${r.method} ${r.url}`),
  ).toEqual([
    `GET /repos/${owner}/Hello-World`,
    `GET /users/${owner}`,
    `GET /repos/${owner}/Hello-World/issues?per_page=2`,
  ]);
}

it("the published examples called below drift from GitHub's own output schemas", () => {
  expect(drifts("repos_get", exampleOf("repos_get"))).toBe(true);
  expect(drifts("users_get_by_username", { result: exampleOf("users_get_by_username") })).toBe(true);
  // Not every example drifts: the check tells them apart.
  expect(drifts("issues_list_for_repo", { result: exampleOf("issues_list_for_repo") })).toBe(false);
});

describe.concurrent("GitHub REST (1,223 tools) in third-party clients", () => {
  it.each(["stdio", "http"] as const)(
    "AI SDK over %s: lists and converts every tool, calls with null optionals, reads drifting responses",
    async (transport) => {
      const client = await createMCPClient({
        transport:
          transport === "stdio"
            ? new StdioMCPTransport({ command: process.execPath, args: [BIN, "serve", DIR], env, cwd: ROOT })
            : { type: "http", url: served.url, headers: AUTH },
      });
      try {
        const tools = await client.tools();
        expect(Object.keys(tools)).toHaveLength(TOOLS);
        for (const [name, tool] of Object.entries(tools)) {
          expect(typeof tool.execute, name).toBe("function");
          expect(tool.inputSchema, name).toBeDefined();
        }
        await callsGithub(`ai-sdk-${transport}`, async (name, args) => {
          const result = (await tools[name]!.execute!(args, {
            toolCallId: name,
            messages: [],
            context: {},
          })) as { isError?: boolean; structuredContent?: unknown };
          expect(result.isError, JSON.stringify(result).slice(0, 500)).toBeFalsy();
          return result.structuredContent;
        });
      } finally {
        await client.close();
      }
    },
  );

  it.each(["stdio", "http"] as const)(
    "OpenAI Agents SDK over %s: every tool converted with the host prefix, called through the tool objects",
    async (transport) => {
      // stdio serves the portable profile (every tool a strict function); HTTP the faithful default.
      const options = {
        name: "github",
        // Results as the structured content (JSON text) rather than the text block.
        useStructuredContent: true,
        // The SDK gives up on a request after 5 s by default; a 1,223-tool list needs more on a busy machine.
        clientSessionTimeoutSeconds: 120,
      };
      const server: MCPServer =
        transport === "stdio"
          ? new MCPServerStdio({
              ...options,
              command: process.execPath,
              args: [BIN, "serve", DIR, "--schema-profile", "portable"],
              env,
              cwd: ROOT,
            })
          : new MCPServerStreamableHttp({ ...options, url: served.url, requestInit: { headers: AUTH } });
      await server.connect();
      try {
        const listed = await server.listTools();
        expect(listed).toHaveLength(TOOLS);
        // The SDK prefixes names as hosts do (`mcp_<server>__<tool>`) and hashes any that would pass 64
        // characters: the name budget leaves every name as it is.
        const tools = (await getAllMcpTools({
          mcpServers: [server],
          convertSchemasToStrict: true,
          includeServerInToolNames: true,
        })) as FunctionTool[];
        expect(tools).toHaveLength(TOOLS);
        const unprefixed = new Set(listed.map((t) => `mcp_github__${t.name}`));
        expect(tools.filter((t) => !unprefixed.has(t.name)).map((t) => t.name)).toEqual([]);
        expect(Math.max(...tools.map((t) => t.name.length))).toBeLessThanOrEqual(64);
        const strict = tools.filter((t) => t.strict).length;
        if (transport === "stdio") expect(strict).toBe(TOOLS);
        else expect(strict).toBeGreaterThan(TOOLS / 2);
        const byName = new Map(tools.map((t) => [t.name, t]));
        await callsGithub(`agents-${transport}`, async (name, args) => {
          const output = await byName
            .get(`mcp_github__${name}`)!
            .invoke(new RunContext(), JSON.stringify(args));
          expect(typeof output, JSON.stringify(output).slice(0, 500)).toBe("string");
          return JSON.parse(output as string);
        });
      } finally {
        await server.close();
      }
    },
  );

  it("LangChain.js over stdio: every tool converted, arguments checked against each input schema, called as LangChain tools", async () => {
    const client = new MultiServerMCPClient({
      mcpServers: {
        github: { transport: "stdio", command: process.execPath, args: [BIN, "serve", DIR], env, cwd: ROOT },
      },
    });
    try {
      const tools = await client.getTools();
      expect(tools).toHaveLength(TOOLS);
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      // LangChain checks arguments against the published (faithful) schema, where an optional is not nullable: it
      // calls without the nulls strict clients send.
      await callsGithub(
        "langchain-stdio",
        async (name, args) => {
          // A text block carrying the structured result; an error result would throw (ToolException).
          const output = (await byName.get(name)!.invoke(args)) as { structuredContent?: unknown };
          return output.structuredContent;
        },
        { nulls: false },
      );
      // And refuses what that schema refuses before anything is sent.
      await expect(
        byName.get("issues_list_for_repo")!.invoke({ owner: "langchain-stdio", repo: "x", milestone: null }),
      ).rejects.toThrow(/schema/);
    } finally {
      await client.close();
    }
  });

  it("Mastra over HTTP: follows the pages, every tool a Mastra tool, arguments and results checked against the schemas", async () => {
    const mcp = new MCPClient({
      id: "mastra-github",
      // Mastra's connect gives up after 3 s by default (its first request); a failure bound, not a time assertion.
      servers: {
        github: { url: new URL(served.url), requestInit: { headers: AUTH }, connectTimeout: 240_000 },
      },
      // Requests time out after 60 s by default: a failure bound that holds on a busy machine instead.
      timeout: 240_000,
    });
    try {
      const tools = await mcp.listTools();
      expect(Object.keys(tools)).toHaveLength(TOOLS);
      for (const [name, tool] of Object.entries(tools)) expect(tool.inputSchema, name).toBeDefined();
      // Mastra checks arguments against the published (faithful) input schema, where an optional is not
      // nullable, and each structured result against the published output schema (ajv): it returns the result.
      await callsGithub(
        "mastra-http",
        async (name, args) => {
          const result = await tools[`github_${name}`]!.execute!(args, { observe: noopObserve });
          expect(result, JSON.stringify(result).slice(0, 500)).not.toHaveProperty("error");
          return result;
        },
        { nulls: false },
      );
    } finally {
      await mcp.disconnect();
    }
  });

  it("Google GenAI mcpToTool: every tool a Gemini declaration inside its subset (portable, stdio); paged HTTP: the first page", async () => {
    const stdio = new Client({ name: "genai-stdio", version: "1.0.0" });
    const http = new Client({ name: "genai-http", version: "1.0.0" });
    await Promise.all([
      stdio.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [BIN, "serve", DIR, "--schema-profile", "portable"],
          env,
          cwd: ROOT,
          stderr: "ignore",
        }),
      ),
      http.connect(
        new StreamableHTTPClientTransport(new URL(served.url), { requestInit: { headers: AUTH } }),
      ),
    ]);
    try {
      // stdio lists every tool on one page (2,000 a page by default): all 1,223 become declarations.
      const callable = mcpToTool(stdio, { timeout: 240_000 });
      const decls = (await callable.tool()).functionDeclarations ?? [];
      expect(decls).toHaveLength(TOOLS);
      for (const decl of decls) expect(decl.name, decl.name).toMatch(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/);
      // Inputs and the output schemas it forwards as responseJsonSchema: all inside Gemini's documented subset.
      const outside = decls.flatMap((decl) =>
        [decl.parametersJsonSchema, decl.responseJsonSchema].flatMap((schema) =>
          schema ? geminiJsonSchema(schema as Record<string, unknown>).map((p) => `${decl.name} ${p}`) : [],
        ),
      );
      expect(outside).toEqual([]);
      // The v1 client checks each structured result against the portable output schema: the drifting examples pass.
      await callsGithub("genai-stdio", async (name, args) => {
        const [part] = await callable.callTool([{ name, args: args as Record<string, unknown> }]);
        const response = part?.functionResponse?.response as {
          isError?: boolean;
          structuredContent?: unknown;
        };
        expect(response.isError, JSON.stringify(response).slice(0, 500)).toBeFalsy();
        return response.structuredContent;
      });
      // mcpToTool stops listing once it has 100 tools (after the page that passes it): against a server that
      // pages by 500 it sees the first page only (docs/clients.md: keep the default page size for it).
      const paged = (await mcpToTool(http, { timeout: 240_000 }).tool()).functionDeclarations ?? [];
      expect(paged).toHaveLength(PAGE_SIZE);
    } finally {
      await Promise.all([stdio.close(), http.close()]);
    }
  });

  it("v1 SDK client over HTTP: compiles every output schema and accepts the drifting results", async () => {
    const client = new Client({ name: "v1-sdk", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(served.url), { requestInit: { headers: AUTH } }),
    );
    try {
      const names: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: 240_000 });
        names.push(...page.tools.map((t) => t.name));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(Math.ceil(TOOLS / PAGE_SIZE));
      expect(new Set(names).size).toBe(TOOLS);
      // The client validates structuredContent against the published output schema and throws when it fails.
      await callsGithub("v1-sdk-http", async (name, args) => {
        const result = await client.callTool({ name, arguments: args as Record<string, unknown> });
        expect(result.isError, JSON.stringify(result).slice(0, 500)).toBeFalsy();
        return result.structuredContent;
      });
    } finally {
      await client.close();
    }
  });
});
