import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { CatalogTool, JsonSchema } from "../catalog.js";
import type { ClientInfo, Principal } from "../chain.js";
import type { Config } from "../config/config.js";
import type { LoadedCatalog } from "../load/catalog.js";
import type { ResultView } from "../runtime/result.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import { describeError, logLine } from "../telemetry/log.js";
import { type CompletionRef, createCompleter } from "./completions.js";
import { createDiscovery, discoveryTools } from "./discovery.js";
import { paginate } from "./paginate.js";
import { createPromptRenderer } from "./prompts.js";
import { printable, safeProtocolError } from "./protocol-errors.js";
import { createResourceReader } from "./resources.js";
import { handleToolCall, type ToolCallConnection, type ToolCallSurface } from "./tool-call.js";

/**
 * The MCP face of a catalog on the SDK's low-level `Server`: lists are precomputed once, in catalog order, and
 * paginated; every tool call goes through the runtime's chain. The returned factory is what `serveStdio` (and
 * later the HTTP transport) calls once per connection; all connections share one runtime.
 */

/**
 * Entries per page of every list. Large, because clients that ignore `nextCursor` exist and would silently miss
 * the rest: every tool of an ordinary catalog (GitHub's 1,223 included) comes in one page.
 */
export const DEFAULT_PAGE_SIZE = 2000;
/** A page also ends before its JSON passes this size, below the 10 MiB message limit of the v1 SDK client. */
export const PAGE_BYTES = 9 * 1024 * 1024;

export interface ServerOptions extends RuntimeOptions {
  /** Entries per page of `tools/list`, `resources/list`, `resources/templates/list` and `prompts/list`. */
  pageSize?: number;
  /** Leaves tools out of `tools/list` (a denied-tools policy also refuses them in the chain). */
  listTool?: (tool: CatalogTool) => boolean;
  /** List find_tools / describe_tool / call_tool instead of the catalog (for catalogs of hundreds of tools). */
  discovery?: boolean;
}

export type ServerFactory = (context: { era: "legacy" | "modern" }) => Server;

export function createServer(
  catalog: LoadedCatalog,
  config: Config,
  options: ServerOptions = {},
): ServerFactory {
  return createServerFromRuntime(createRuntime(catalog, config, options), options);
}

interface ListedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  outputSchema?: { type: "object"; [key: string]: unknown };
  annotations: CatalogTool["annotations"];
}

function listedTools(
  tools: readonly CatalogTool[],
  include: (tool: CatalogTool) => boolean,
  outputSchema: (tool: CatalogTool) => JsonSchema | undefined,
): ListedTool[] {
  const out: ListedTool[] = [];
  for (const tool of tools) {
    if (!include(tool)) continue;
    // Aliases are entries of their own: a host that knows the old name keeps working.
    for (const name of [tool.name, ...tool.aliases]) {
      const entry: ListedTool = {
        name,
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema as ListedTool["inputSchema"],
        annotations: tool.annotations,
      };
      const output = outputSchema(tool);
      if (output) entry.outputSchema = output as ListedTool["inputSchema"];
      out.push(entry);
    }
  }
  return Object.freeze(out) as ListedTool[];
}

export function createServerFromRuntime(runtime: Runtime, options: ServerOptions = {}): ServerFactory {
  const surface = prepareSurface(runtime, options);
  return ({ era }) => {
    const server = newSdkServer(runtime.catalog.doc);
    const connection: ToolCallConnection = { server, client: clientInfoReader(server, era) };
    registerToolHandlers(server, surface, connection);
    registerResourceHandlers(server, surface, connection);
    registerPromptHandlers(server, surface);
    server.setRequestHandler("completion/complete", async (request) =>
      surface.complete(request.params.ref as CompletionRef, request.params.argument),
    );
    return server;
  };
}

/** What every connection serves, computed once per runtime: lists in catalog order and their readers. */
type Surface = ReturnType<typeof prepareSurface>;

function prepareSurface(runtime: Runtime, options: ServerOptions) {
  const { doc, dir } = runtime.catalog;
  // Catalogs generated before the result section existed render plain results.
  const resultEnvelope: ResultView["envelope"] = doc.result?.envelope ?? "plain";
  const pageSize = { entries: options.pageSize ?? DEFAULT_PAGE_SIZE, bytes: PAGE_BYTES };
  const { policy } = runtime;
  // Denied tools are left out here and refused in the chain; the published output schema accepts masked fields.
  // Internal tools exist for handlers only: never listed, so tools/call answers them like unknown names.
  const include = (tool: CatalogTool) =>
    tool.internal !== true && !policy.denied(tool) && (options.listTool?.(tool) ?? true);
  const tools = listedTools(doc.tools, include, (tool) => policy.outputSchema(tool));
  const listedNames = new Set(tools.map((t) => t.name));
  const callable = doc.tools.filter(include);
  const discovery = options.discovery
    ? createDiscovery(callable, (tool) => policy.outputSchema(tool))
    : undefined;
  const toolList = discovery ? discoveryTools(doc.catalog, callable.length) : tools;
  const resources = createResourceReader(runtime);
  const resourceList = resources.list();
  const templateList = resources.listTemplates();
  const prompts = createPromptRenderer(dir, doc.prompts);
  const promptList = prompts.list();
  const complete = createCompleter(doc);
  const toolCalls: ToolCallSurface = { runtime, discovery, listedNames, resultEnvelope };
  return {
    ...toolCalls,
    pageSize,
    toolList,
    resources,
    resourceList,
    templateList,
    prompts,
    promptList,
    complete,
  };
}

function newSdkServer(doc: LoadedCatalog["doc"]): Server {
  const server = new Server(
    {
      name: doc.server.name,
      version: doc.server.version,
      ...(doc.server.title ? { title: doc.server.title } : {}),
    },
    {
      capabilities: { tools: {}, resources: {}, prompts: {}, completions: {} },
      ...(doc.server.instructions ? { instructions: doc.server.instructions } : {}),
    },
  );
  server.onerror = (error) => logLine(`protocol error: ${describeError(error)}`);
  return server;
}

/** Who is calling: capabilities and implementation (from the request envelope in the modern era), principal. */
function clientInfoReader(server: Server, era: "legacy" | "modern"): (ctx: ServerContext) => ClientInfo {
  return (ctx) => {
    const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, unknown>;
    const capabilities = (
      era === "modern" ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.getClientCapabilities()
    ) as Record<string, unknown> | undefined;
    const implementation = (era === "modern" ? envelope[CLIENT_INFO_META_KEY] : server.getClientVersion()) as
      | { name?: string; version?: string }
      | undefined;
    const info: ClientInfo = { capabilities, era };
    const principal = ctx.http?.authInfo?.extra?.principal as Principal | undefined;
    if (principal) info.principal = principal;
    if (implementation?.name) info.name = implementation.name;
    if (implementation?.version) info.version = implementation.version;
    return info;
  };
}

function registerToolHandlers(server: Server, surface: Surface, connection: ToolCallConnection): void {
  server.setRequestHandler("tools/list", async (request) => {
    const page = paginate(surface.toolList, request.params?.cursor, surface.pageSize, "tools");
    return { tools: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("tools/call", async (request, ctx) =>
    handleToolCall(surface, connection, request.params, ctx),
  );
}

function registerResourceHandlers(server: Server, surface: Surface, connection: ToolCallConnection): void {
  server.setRequestHandler("resources/list", async (request) => {
    const page = paginate(surface.resourceList, request.params?.cursor, surface.pageSize, "resources");
    return { resources: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("resources/templates/list", async (request) => {
    const page = paginate(surface.templateList, request.params?.cursor, surface.pageSize, "templates");
    return { resourceTemplates: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("resources/read", async (request, ctx) => {
    try {
      const contents = await surface.resources.read({
        uri: request.params.uri,
        client: connection.client(ctx),
        signal: ctx.mcpReq.signal,
        requestId: ctx.mcpReq.id,
      });
      return { contents };
    } catch (error) {
      throw safeProtocolError(error, `resources/read ${printable(request.params.uri)}`);
    }
  });
}

function registerPromptHandlers(server: Server, surface: Surface): void {
  server.setRequestHandler("prompts/list", async (request) => {
    const page = paginate(surface.promptList, request.params?.cursor, surface.pageSize, "prompts");
    return { prompts: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("prompts/get", async (request) => {
    try {
      return surface.prompts.get(request.params.name, request.params.arguments);
    } catch (error) {
      throw safeProtocolError(error, `prompts/get ${printable(request.params.name)}`);
    }
  });
}
