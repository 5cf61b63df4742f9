import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { CatalogTool, JsonSchema } from "../catalog.js";
import type { CallInput, ClientInfo, Principal } from "../chain.js";
import type { Config } from "../config/config.js";
import type { LoadedCatalog } from "../load/catalog.js";
import { pendingElicitation } from "../policy/index.js";
import {
  internalErrorResult,
  type ResultView,
  renderToolResult,
  withHandlerContent,
} from "../runtime/result.js";
import { createRuntime, newCorrelationId, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import { describeError, logLine } from "../telemetry/log.js";
import { type CompletionRef, createCompleter } from "./completions.js";
import { createDiscovery, discoveryTools } from "./discovery.js";
import { CALL_TOOL, DESCRIBE_TOOL, discoveryCall, FIND_TOOLS } from "./discovery-call.js";
import { paginate } from "./paginate.js";
import { createPromptRenderer } from "./prompts.js";
import { createResourceReader } from "./resources.js";

/**
 * The MCP face of a catalog on the SDK's low-level `Server`: lists are precomputed once, in catalog order, and
 * paginated; every tool call goes through the runtime's chain. The returned factory is what `serveStdio` (and
 * later the HTTP transport) calls once per connection; all connections share one runtime.
 */

export const DEFAULT_PAGE_SIZE = 200;

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
  const { doc, dir } = runtime.catalog;
  // Catalogs generated before the result section existed render plain results.
  const resultEnvelope: ResultView["envelope"] = doc.result?.envelope ?? "plain";
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
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

  return ({ era }) => {
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

    const client = (ctx: ServerContext): ClientInfo => {
      const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, unknown>;
      const capabilities = (
        era === "modern" ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.getClientCapabilities()
      ) as Record<string, unknown> | undefined;
      const implementation = (
        era === "modern" ? envelope[CLIENT_INFO_META_KEY] : server.getClientVersion()
      ) as { name?: string; version?: string } | undefined;
      const info: ClientInfo = { capabilities, era };
      const principal = ctx.http?.authInfo?.extra?.principal as Principal | undefined;
      if (principal) info.principal = principal;
      if (implementation?.name) info.name = implementation.name;
      if (implementation?.version) info.version = implementation.version;
      return info;
    };

    server.setRequestHandler("tools/list", async (request) => {
      const page = paginate(toolList, request.params?.cursor, pageSize, "tools");
      return { tools: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    });

    server.setRequestHandler("tools/call", async (request, ctx) => {
      let name = request.params.name;
      let rawArgs = request.params.arguments;
      if (discovery && (name === FIND_TOOLS || name === DESCRIBE_TOOL || name === CALL_TOOL)) {
        const answer = discoveryCall(discovery, name, rawArgs);
        if ("result" in answer) return answer.result;
        name = answer.name;
        rawArgs = answer.arguments;
      }
      const tool = runtime.tools.get(name);
      if (!tool || !listedNames.has(name)) {
        // A denied tool still goes through the chain, which refuses it, so the audit log records the attempt;
        // the client gets the answer a name that does not exist gets.
        if (tool && policy.denied(tool)) {
          await runtime.call({
            tool,
            calledAs: name,
            entry: "tools/call",
            rawArgs,
            client: client(ctx),
            signal: ctx.mcpReq.signal,
            requestId: ctx.mcpReq.id,
          });
        }
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${printable(name)}`);
      }
      const progressToken = ctx.mcpReq._meta?.progressToken;
      try {
        const { outcome, ctx: call } = await runtime.call({
          tool,
          calledAs: name,
          entry: "tools/call",
          rawArgs,
          client: client(ctx),
          signal: ctx.mcpReq.signal,
          requestId: ctx.mcpReq.id,
          ...inputOf(ctx),
          progress: async (progress, total, message) => {
            if (progressToken === undefined) return;
            const params = {
              progressToken,
              progress,
              ...(total !== undefined ? { total } : {}),
              ...(message !== undefined ? { message } : {}),
            };
            await ctx.mcpReq.notify({ method: "notifications/progress", params }).catch(() => {});
          },
        });
        // Confirmation through elicitation: an `input_required` round; the client (or, for legacy clients, the
        // SDK) asks the user and repeats the call with the answer and this state.
        const pending = pendingElicitation(call);
        if (pending) {
          return inputRequired({
            inputRequests: {
              [pending.key]: inputRequired.elicit({
                message: pending.message,
                requestedSchema: pending.requestedSchema,
              }),
            },
            requestState: pending.state,
          });
        }
        const rendered = renderToolResult(outcome, tool, call.correlationId, {
          envelope: resultEnvelope,
          meta: {
            tool: tool.name,
            ...(name !== tool.name ? { called_as: name } : {}),
            ...(call.upstream.lastStatus !== undefined ? { upstream_status: call.upstream.lastStatus } : {}),
            duration_ms: Date.now() - call.startedAt,
          },
        });
        return server.projectCallToolResult(withHandlerContent(rendered, outcome), policy.outputSchema(tool));
      } catch (error) {
        const correlationId = newCorrelationId();
        logLine(
          `internal error (correlation id ${correlationId}) in tools/call ${name}: ${describeError(error)}`,
        );
        return internalErrorResult(correlationId, {
          envelope: resultEnvelope,
          meta: { tool: tool.name },
        });
      }
    });

    server.setRequestHandler("resources/list", async (request) => {
      const page = paginate(resourceList, request.params?.cursor, pageSize, "resources");
      return { resources: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    });

    server.setRequestHandler("resources/templates/list", async (request) => {
      const page = paginate(templateList, request.params?.cursor, pageSize, "templates");
      return { resourceTemplates: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    });

    server.setRequestHandler("resources/read", async (request, ctx) => {
      try {
        const contents = await resources.read({
          uri: request.params.uri,
          client: client(ctx),
          signal: ctx.mcpReq.signal,
          requestId: ctx.mcpReq.id,
        });
        return { contents };
      } catch (error) {
        throw safeProtocolError(error, `resources/read ${printable(request.params.uri)}`);
      }
    });

    server.setRequestHandler("prompts/list", async (request) => {
      const page = paginate(promptList, request.params?.cursor, pageSize, "prompts");
      return { prompts: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    });

    server.setRequestHandler("prompts/get", async (request) => {
      try {
        return prompts.get(request.params.name, request.params.arguments);
      } catch (error) {
        throw safeProtocolError(error, `prompts/get ${printable(request.params.name)}`);
      }
    });

    server.setRequestHandler("completion/complete", async (request) =>
      complete(request.params.ref as CompletionRef, request.params.argument),
    );

    return server;
  };
}

/** The answers and echoed state of a retried `tools/call` (both client-controlled; the policy verifies them). */
function inputOf(ctx: ServerContext): { input?: CallInput } {
  const state = ctx.mcpReq.requestState<unknown>();
  const input: CallInput = {};
  if (ctx.mcpReq.inputResponses !== undefined) input.responses = ctx.mcpReq.inputResponses;
  if (typeof state === "string") input.state = state;
  return input.responses !== undefined || input.state !== undefined ? { input } : {};
}

/** Exception text reaches the client verbatim, so only our own protocol errors pass; the rest is logged. */
function safeProtocolError(error: unknown, what: string): Error {
  if (error instanceof ProtocolError) return error;
  const correlationId = newCorrelationId();
  logLine(`internal error (correlation id ${correlationId}) in ${what}: ${describeError(error)}`);
  return new ProtocolError(
    ProtocolErrorCode.InternalError,
    `internal error (correlation id ${correlationId})`,
  );
}

/** Echoes a client-sent name in an error without letting it carry control characters or bulk. */
function printable(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, "?");
  return clean.length > 100 ? `${clean.slice(0, 100)}…` : clean;
}
