import type { Binding, CatalogTool, JsonSchema, ToolOutcome } from "../catalog.js";
import {
  type CallContext,
  type CallEntry,
  type CallInput,
  type ClientInfo,
  compose,
  failure,
  type NamedMiddleware,
  stoppedCall,
  type Terminal,
} from "../chain.js";
import type { Config } from "../config/config.js";
import { createCustomExecutor } from "../executors/custom.js";
import { createGraphqlExecutor } from "../executors/graphql.js";
import { createHttpExecutor } from "../executors/http.js";
import { requestLine } from "../executors/request.js";
import { checkBaseUrlsAtStart } from "../executors/source-access.js";
import { counterNamespace, createLimits } from "../limits/index.js";
import type { LoadedCatalog } from "../load/catalog.js";
import { createPolicies, type Policies, type PolicyOptions } from "../policy/index.js";
import { driftTolerant } from "../publish/drift.js";
import { createMemoryStore, type StateStore } from "../state/index.js";
import { describeError, logLine } from "../telemetry/log.js";
import { type ArgumentDecoders, parseArgs } from "./args.js";
import { withholdCredentials } from "./credentials.js";
import { observeStep } from "./observe.js";
import { type PublishedOutput, validateOutput } from "./result.js";
import { createSchemaCache, type SchemaCache } from "./schemas.js";

/**
 * The protocol-independent core: the tool index, the composed chain and the executors. Shared by every
 * connection (so the OAuth2 token cache is too); `server.ts` adapts it to MCP requests.
 */

export type Executor<B extends Binding = Binding> = (ctx: CallContext, binding: B) => Promise<ToolOutcome>;
export type Executors = { [K in Binding["kind"]]?: Executor<Extract<Binding, { kind: K }>> };

export interface RuntimeOptions {
  fetch?: typeof fetch;
  /** Upper bound on an upstream response body (default 10 MiB). */
  maxResponseBytes?: number;
  /** Upper bound on a request URL sent upstream (default 16 KiB): a longer one is refused, naming its arguments. */
  maxUrlBytes?: number;
  /** Receives the default chain and returns the one to run; policies insert themselves here by step name. */
  middleware?: (defaults: NamedMiddleware[]) => NamedMiddleware[];
  /** Replaces or adds executors by binding kind. */
  executors?: Executors;
  /** Working directory custom handlers see. */
  cwd?: string;
  /** Policy layer options (audit sink, clock); the policies themselves come from the catalog and env. */
  policy?: PolicyOptions;
  /** Shared state (spent confirmation tokens, rate-limit counters); default: this process's memory. */
  state?: StateStore;
}

export interface CallInit {
  tool: CatalogTool;
  calledAs: string;
  entry: CallEntry;
  rawArgs: unknown;
  client: ClientInfo;
  signal: AbortSignal;
  /** The transport request carrying the call, when it has its own (`CallContext.request`). */
  request?: AbortSignal;
  requestId?: string | number;
  resourceUri?: string;
  parent?: CallContext;
  progress?: CallContext["progress"];
  /** Answers to an `input_required` round, on the retried request. */
  input?: CallInput;
}

export interface Runtime {
  readonly catalog: LoadedCatalog;
  readonly config: Config;
  readonly schemas: SchemaCache;
  /** Tools by name and by alias. */
  readonly tools: ReadonlyMap<string, CatalogTool>;
  /** The catalog's policies (denied tools, published schemas, confirmation tokens). */
  readonly policy: Policies;
  /** Binds the output schemas clients are given (the server's publisher), which drifted results are checked against. */
  publishOutputsWith(published: PublishedOutput): void;
  /** Binds how arguments sent in a published profile's encoding are read back (the server's publisher). */
  decodeArgumentsWith(decoders: ArgumentDecoders): void;
  call(init: CallInit): Promise<{ outcome: ToolOutcome; ctx: CallContext }>;
}

/**
 * 12 random hex digits: the last group of a v4 UUID, all 48 bits random. `randomUUID` draws from a cached pool of
 * entropy, where `randomBytes(6)` asked the CSPRNG for every call.
 */
export function newCorrelationId(): string {
  // Looked up on first use (node:crypto is not loaded at start-up) and kept: a lookup per call cost ~3 us in place.
  randomUUID ??= process.getBuiltinModule("node:crypto").randomUUID;
  return randomUUID().slice(24);
}

let randomUUID: (() => string) | undefined;

export function createRuntime(catalog: LoadedCatalog, config: Config, options: RuntimeOptions = {}): Runtime {
  const schemas = createSchemaCache(catalog.module);
  const tools = toolTable(catalog.doc.tools);
  const execute = createTerminal(catalog, config, options, tools, (init) => runtime.call(init));

  // A base URL fixed at start outside its server variables' enums is a ConfigError: the server does not start.
  checkBaseUrlsAtStart(catalog.doc.sources, config);
  // Reads and checks the policy env: a bad value is a ConfigError, and the server does not start.
  const state = options.state ?? createMemoryStore();
  const policy = createPolicies(catalog.doc, config, {
    ...options.policy,
    state,
    // A path base looked up from the upstream (a mount): the named tool runs through the whole chain, nested.
    lookup: nestedCaller(tools, (init) => runtime.call(init)),
    // What a confirmation shows is the request line as the executor sends it.
    requestLine: (tool, args) => (tool.binding.kind === "http" ? requestLine(tool.binding, args) : undefined),
  });
  // Counted apart per tenant (partner) lock: two deployments of one catalog for two tenants may share a Redis.
  const limits = createLimits(
    catalog.doc,
    config,
    () => state,
    counterNamespace(catalog.doc.catalog, policy.settings),
  );
  // What clients validate results against: the server's publisher once it is bound, else the policy's schema
  // of the whole catalog table made drift-tolerant (a runtime used without an MCP server).
  let publishedOutput: PublishedOutput = catalogOutputs(catalog, policy);
  let decoders: ArgumentDecoders = () => undefined;
  const defaults: NamedMiddleware[] = [
    observeStep(catalog.doc.catalog),
    ...limits.wrap(
      policy.wrap([
        parseArgs(schemas, (tool) => decoders(tool)),
        withholdCredentials(),
        validateOutput(schemas, (tool) => publishedOutput(tool), catalog.doc.schemas),
      ]),
    ),
  ];
  const chain = compose(options.middleware ? options.middleware(defaults) : defaults, execute);

  const runtime: Runtime = {
    catalog,
    config,
    schemas,
    tools,
    policy,
    publishOutputsWith(published) {
      publishedOutput = published;
    },
    decodeArgumentsWith(bound) {
      decoders = bound;
    },
    call: (init) => runCall(chain, init),
  };
  return runtime;
}

/** Tools by name and by alias. */
function toolTable(catalogTools: readonly CatalogTool[]): Map<string, CatalogTool> {
  const tools = new Map<string, CatalogTool>();
  for (const tool of catalogTools) {
    tools.set(tool.name, tool);
    for (const alias of tool.aliases) tools.set(alias, tool);
  }
  return tools;
}

/**
 * The end of the chain: the executor for the tool's binding kind (HTTP, custom handler, GraphQL, or one the
 * options replace or add). Handlers' nested calls go back through `call`, hence the whole chain.
 */
function createTerminal(
  catalog: LoadedCatalog,
  config: Config,
  options: RuntimeOptions,
  tools: ReadonlyMap<string, CatalogTool>,
  call: Runtime["call"],
): Terminal {
  const upstream = {
    sources: catalog.doc.sources,
    config,
    userAgent: `toolwright/${catalog.doc.generator.version} (${catalog.doc.catalog})`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
    ...(options.maxUrlBytes ? { maxUrlBytes: options.maxUrlBytes } : {}),
  };
  const http = createHttpExecutor(upstream);
  const custom = createCustomExecutor({
    handlers: catalog.module.handlers,
    config,
    callTool: nestedCaller(tools, call),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const graphql = createGraphqlExecutor(upstream);
  const executors: Executors = { http, graphql, custom, ...options.executors };

  return async (ctx) => {
    const binding = ctx.tool.binding;
    const executor = executors[binding.kind] as Executor | undefined;
    if (!executor)
      return failure(`${binding.kind} bindings are not supported by this runtime yet`, "unsupported");
    return afterStop(ctx, executor, binding);
  };
}

/**
 * An executor's outcome, or, once the call's signal has aborted, what its client got: a cancellation or the
 * server's request timeout (`stoppedCall`). A hand-written handler (or an executor the options add) may resolve, or
 * throw, after the call was stopped; its late result reached no one, and the audit record, metrics and result must
 * not say `allowed` for a call the client saw end as cancelled or timed out.
 */
async function afterStop(ctx: CallContext, executor: Executor, binding: Binding): Promise<ToolOutcome> {
  try {
    const outcome = await executor(ctx, binding);
    return ctx.signal.aborted ? stoppedCall(ctx) : outcome;
  } catch (error) {
    if (ctx.signal.aborted) return stoppedCall(ctx);
    throw error;
  }
}

/** The policy's schema of each tool's output over the whole catalog table, made drift-tolerant; cached per tool. */
function catalogOutputs(catalog: LoadedCatalog, policy: Policies): PublishedOutput {
  const fallback = new Map<string, JsonSchema | undefined>();
  return (tool) => {
    if (!tool.outputSchema) return undefined;
    if (!fallback.has(tool.name)) {
      const root = { ...tool.outputSchema, $defs: catalog.doc.schemas ?? {} } as JsonSchema;
      fallback.set(tool.name, driftTolerant(policy.outputSchema(tool, root)));
    }
    return fallback.get(tool.name);
  };
}

/** One call through the chain; a throw anywhere in it is logged with a correlation id and answered "internal error". */
async function runCall(chain: Terminal, init: CallInit): Promise<{ outcome: ToolOutcome; ctx: CallContext }> {
  if (init.tool.internal === true && init.entry !== "handler") {
    // Defence in depth: no client entry point may reach a handlers-only tool, whatever routes to it.
    const refused = failure(`unknown tool '${init.calledAs}'`, "unknown_tool");
    return { outcome: refused, ctx: contextOf(init) };
  }
  const ctx = contextOf(init);
  try {
    return { outcome: await chain(ctx), ctx };
  } catch (error) {
    logLine(
      `internal error (correlation id ${ctx.correlationId}) in tool ${ctx.tool.name}: ${describeError(error)}`,
    );
    return { outcome: failure("internal error", "internal"), ctx };
  }
}

function contextOf(init: CallInit): CallContext {
  return {
    tool: init.tool,
    calledAs: init.calledAs,
    entry: init.entry,
    rawArgs: init.rawArgs,
    args: {},
    correlationId: init.parent?.correlationId ?? newCorrelationId(),
    client: init.client,
    signal: init.signal,
    upstream: { requests: 0 },
    startedAt: performance.now(),
    depth: init.parent ? init.parent.depth + 1 : 0,
    progress: init.progress ?? (async () => {}),
    notes: new Map(),
    ...(init.requestId !== undefined ? { requestId: init.requestId } : {}),
    ...(init.resourceUri !== undefined ? { resourceUri: init.resourceUri } : {}),
    ...(init.parent ? { parent: init.parent } : {}),
    ...(init.request || init.parent?.request ? { request: init.request ?? init.parent?.request } : {}),
    ...(init.input ? { input: init.input } : {}),
  };
}

/**
 * A call by tool name from inside a call (a handler's `callTool`, a path scope's lookup): it runs through the whole
 * chain as entry "handler", with the parent's client and signal. No progress on the client's token from nested
 * calls: the parent reports on its own scale, and a nested handler's own (say, a wait inside an apply) would make
 * the client's progress go backwards.
 */
function nestedCaller(
  tools: ReadonlyMap<string, CatalogTool>,
  call: (init: CallInit) => Promise<{ outcome: ToolOutcome }>,
): (parent: CallContext, name: string, args: unknown) => Promise<ToolOutcome> {
  return async (parent, name, args) => {
    const tool = tools.get(name);
    if (!tool) return failure(`unknown tool '${name}'`, "unknown_tool");
    const init: CallInit = {
      tool,
      calledAs: name,
      entry: "handler",
      rawArgs: args,
      client: parent.client,
      signal: parent.signal,
      parent,
    };
    return (await call(init)).outcome;
  };
}
