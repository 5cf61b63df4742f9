import {
  inputRequired,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
  type ServerContext,
} from "@modelcontextprotocol/server";
import type { CatalogTool, ToolOutcome } from "../catalog.js";
import type { CallContext, CallInput, ClientInfo } from "../chain.js";
import { pendingElicitation } from "../policy/index.js";
import type { Publisher } from "../publish/publisher.js";
import {
  internalErrorResult,
  type ResultView,
  renderToolResult,
  withBodyBlock,
  withHandlerContent,
} from "../runtime/result.js";
import { type CallInit, newCorrelationId, type Runtime } from "../runtime/runtime.js";
import { describeError, logLine } from "../telemetry/log.js";
import type { Discovery } from "./discovery.js";
import { CALL_TOOL, DESCRIBE_TOOL, discoveryCall, FIND_TOOLS } from "./discovery-call.js";
import { printable } from "./protocol-errors.js";

/**
 * `tools/call`: discovery's meta tools, unknown and denied names, then one call through the runtime's chain,
 * answered with an elicitation round, the rendered result, or an internal-error result.
 */

export interface ToolCallSurface {
  runtime: Runtime;
  discovery: Discovery | undefined;
  /** The names `tools/list` shows (aliases included); anything else is answered as unknown. */
  listedNames: ReadonlySet<string>;
  resultEnvelope: ResultView["envelope"];
  /** What clients were given per tool: a result carries `structuredContent` only where an output schema is published. */
  publisher: Publisher;
}

export interface ToolCallConnection {
  server: Server;
  client: (ctx: ToolCallRequest) => ClientInfo;
  /** The HTTP request carrying the request of this id, when there is one (`CallContext.request`). */
  request?: (id: string | number) => AbortSignal | undefined;
}

/**
 * What a tools/call reads of its request's context: the SDK's `ServerContext`, or the one the stdio transport makes
 * for a call it hands over directly (`stdio-tool-calls.ts`).
 */
export interface ToolCallRequest {
  mcpReq: Pick<
    ServerContext["mcpReq"],
    "id" | "signal" | "_meta" | "envelope" | "inputResponses" | "requestState" | "notify"
  >;
  http?: Pick<NonNullable<ServerContext["http"]>, "authInfo">;
}

/** A tools/call request's params as the SDK checked them (the arguments, when present, an object). */
export interface ToolCallParams {
  name: string;
  arguments?: unknown;
}

export async function handleToolCall(
  surface: ToolCallSurface,
  connection: ToolCallConnection,
  params: ToolCallParams,
  ctx: ToolCallRequest,
) {
  let name = params.name;
  let rawArgs = params.arguments;
  if (surface.discovery && (name === FIND_TOOLS || name === DESCRIBE_TOOL || name === CALL_TOOL)) {
    const answer = discoveryCall(surface.discovery, name, rawArgs);
    if ("result" in answer) return answer.result;
    name = answer.name;
    rawArgs = answer.arguments;
  }
  const tool = surface.runtime.tools.get(name);
  if (!tool || (!surface.listedNames.has(name) && !refusedReadOnly(surface.runtime, tool))) {
    return refuseUnlistedTool(surface.runtime, connection, tool, name, rawArgs, ctx);
  }
  const progress = progressReporter(ctx);
  try {
    const { outcome, ctx: call } = await surface.runtime.call({
      ...callOf(connection, tool, name, rawArgs, ctx),
      ...inputOf(ctx),
      progress,
    });
    return answerCall(surface, connection.server, { tool, name, outcome, call });
  } catch (error) {
    const correlationId = newCorrelationId();
    logLine(
      `internal error (correlation id ${correlationId}) in tools/call ${name}: ${describeError(error)}`,
    );
    return internalErrorResult(correlationId, {
      envelope: surface.resultEnvelope,
      meta: { tool: tool.name },
    });
  }
}

/**
 * A write left out of tools/list by read-only mode, called anyway (a client that listed before, or guessed):
 * the chain refuses it with a result that names the switch, which helps more than "unknown tool".
 */
function refusedReadOnly(runtime: Runtime, tool: CatalogTool): boolean {
  return tool.internal !== true && !runtime.policy.denied(tool) && runtime.policy.hidden(tool);
}

/**
 * A name `tools/list` does not show. A denied tool still goes through the chain, which refuses it, so the audit
 * log records the attempt; the client gets the answer a name that does not exist gets.
 */
async function refuseUnlistedTool(
  runtime: Runtime,
  connection: ToolCallConnection,
  tool: CatalogTool | undefined,
  name: string,
  rawArgs: unknown,
  ctx: ToolCallRequest,
): Promise<never> {
  if (tool && runtime.policy.denied(tool)) {
    await runtime.call(callOf(connection, tool, name, rawArgs, ctx));
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${printable(name)}`);
}

/** What a `tools/call` of `tool` (called as `name`) tells the runtime of itself and of its connection. */
function callOf(
  connection: ToolCallConnection,
  tool: CatalogTool,
  name: string,
  rawArgs: unknown,
  ctx: ToolCallRequest,
): CallInit {
  return {
    tool,
    calledAs: name,
    entry: "tools/call",
    rawArgs,
    client: connection.client(ctx),
    signal: ctx.mcpReq.signal,
    ...requestOf(connection, ctx),
    requestId: ctx.mcpReq.id,
  };
}

/** The transport request carrying the call, when it has one of its own (`CallContext.request`). */
function requestOf(connection: ToolCallConnection, ctx: ToolCallRequest): { request?: AbortSignal } {
  const request = connection.request?.(ctx.mcpReq.id);
  return request ? { request } : {};
}

/** Sends `notifications/progress` when the request carried a progress token; a no-op otherwise. */
function progressReporter(ctx: ToolCallRequest): CallContext["progress"] {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  return async (progress, total, message) => {
    if (progressToken === undefined) return;
    const params = {
      progressToken,
      progress,
      ...(total !== undefined ? { total } : {}),
      ...(message !== undefined ? { message } : {}),
    };
    await ctx.mcpReq.notify({ method: "notifications/progress", params }).catch(() => {});
  };
}

/** The answer to a finished call: an elicitation round when confirmation is pending, else its result. */
function answerCall(
  surface: ToolCallSurface,
  server: Server,
  { tool, name, outcome, call }: { tool: CatalogTool; name: string; outcome: ToolOutcome; call: CallContext },
) {
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
  const shown = withBodyBlock(outcome, call.correlationId, server.getNegotiatedProtocolVersion());
  const rendered = renderToolResult(shown, tool, call.correlationId, {
    envelope: surface.resultEnvelope,
    structured: surface.publisher.structured(tool),
    meta: {
      tool: tool.name,
      ...(name !== tool.name ? { called_as: name } : {}),
      ...(call.upstream.lastStatus !== undefined ? { upstream_status: call.upstream.lastStatus } : {}),
      duration_ms: Math.round(performance.now() - call.startedAt),
    },
  });
  return server.projectCallToolResult(
    withHandlerContent(rendered, shown),
    surface.publisher.structured(tool) ? tool.outputSchema : undefined,
  );
}

/** The answers and echoed state of a retried `tools/call` (both client-controlled; the policy verifies them). */
function inputOf(ctx: ToolCallRequest): { input?: CallInput } {
  const state = ctx.mcpReq.requestState<unknown>();
  const input: CallInput = {};
  if (ctx.mcpReq.inputResponses !== undefined) input.responses = ctx.mcpReq.inputResponses;
  if (typeof state === "string") input.state = state;
  return input.responses !== undefined || input.state !== undefined ? { input } : {};
}
