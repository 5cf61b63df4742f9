import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type JSONRPCRequest,
  type Result,
  Server,
  type ServerContext,
  type StandardSchemaV1,
} from "@modelcontextprotocol/server";
import type { CatalogTool, PublishSettings } from "../catalog.js";
import type { ClientInfo, Principal } from "../chain.js";
import type { Config } from "../config/config.js";
import type { LoadedCatalog } from "../load/catalog.js";
import { readsTopLevelTitle, withAnnotationTitle } from "../publish/annotations.js";
import { joinInstructions } from "../publish/common.js";
import { tolerateDrift } from "../publish/drift.js";
import { createPublisher, type PublishedTool, type Publisher } from "../publish/publisher.js";
import { DEFAULT_PAGE_SIZE, PAGE_BYTES } from "../publish/settings.js";
import type { ResultView } from "../runtime/result.js";
import { createRuntime, type Runtime, type RuntimeOptions } from "../runtime/runtime.js";
import { logRepeated, wasHandled } from "../telemetry/log.js";
import { type CompletionRef, createCompleter } from "./completions.js";
import { createDiscovery, discoveryTools } from "./discovery.js";
import { CALL_TOOL, DESCRIBE_TOOL, FIND_TOOLS } from "./discovery-call.js";
import { inRevisionWords } from "./elicitation.js";
import { paginate } from "./paginate.js";
import { createPromptRenderer } from "./prompts.js";
import { clientRequestError, printable, protocolErrorLine, safeProtocolError } from "./protocol-errors.js";
import { rawList, rawListOf } from "./raw-list.js";
import { createTemplateListing, listResourcesPage } from "./resource-listing.js";
import { createResourceReader } from "./resources.js";
import {
  handleToolCall,
  type ToolCallConnection,
  type ToolCallParams,
  type ToolCallRequest,
  type ToolCallSurface,
} from "./tool-call.js";

/**
 * The MCP face of a catalog on the SDK's low-level `Server`: lists are precomputed once, in catalog order, and
 * paginated; every tool call goes through the runtime's chain. The returned factory is what `serveStdio` (and
 * later the HTTP transport) calls once per connection; all connections share one runtime.
 */

export { DEFAULT_PAGE_SIZE, PAGE_BYTES };

export interface ServerOptions extends RuntimeOptions {
  /** Entries per page of `tools/list`, `resources/list`, `resources/templates/list` and `prompts/list`. */
  pageSize?: number;
  /** Leaves tools out of `tools/list` (a denied-tools policy also refuses them in the chain). */
  listTool?: (tool: CatalogTool) => boolean;
  /** List find_tools / describe_tool / call_tool instead of the catalog (for catalogs of hundreds of tools). */
  discovery?: boolean;
  /** Publishing settings that replace the catalog's (e.g. `serve --output-schemas none`). */
  publish?: Partial<PublishSettings>;
  /** A schema profile from `src/publish/profiles.ts` (default: the catalog's `publish.profile`, else `inline`). */
  profile?: string;
}

/**
 * What a connection's transport offers: its era, and `rawLists` when it writes a tools/list page given as text
 * (`raw-list.ts`; the stdio transport does).
 */
export interface ConnectionContext {
  era: "legacy" | "modern";
  rawLists?: boolean;
  /** The HTTP request this server instance serves (the SDK's handler passes it): its signal says why it aborted. */
  requestInfo?: { signal?: AbortSignal };
  /**
   * A transport carrying many requests on one server instance (legacy SSE): each request's own signal, by its
   * JSON-RPC id, aborted with a `RequestTimeout` when the server's request timeout ended it.
   */
  requestOf?: (id: string | number) => AbortSignal | undefined;
}

export type ServerFactory = ((context: ConnectionContext) => Server) & {
  /** Tools clients can list and call, after the policies (denied, read-only, run-time switches). */
  readonly listedTools?: number;
};

export function createServer(
  catalog: LoadedCatalog,
  config: Config,
  options: ServerOptions = {},
): ServerFactory {
  return createServerFromRuntime(createRuntime(catalog, config, options), options);
}

/** A listed entry: a tool under one of its names (aliases are entries of their own). */
interface Listing {
  tool: CatalogTool;
  name: string;
}

function listings(tools: readonly CatalogTool[], include: (tool: CatalogTool) => boolean): Listing[] {
  const out: Listing[] = [];
  for (const tool of tools) {
    if (!include(tool)) continue;
    // Aliases are entries of their own: a host that knows the old name keeps working.
    for (const name of [tool.name, ...tool.aliases]) out.push({ tool, name });
  }
  return Object.freeze(out) as Listing[];
}

export function createServerFromRuntime(runtime: Runtime, options: ServerOptions = {}): ServerFactory {
  const surface = prepareSurface(runtime, options);
  const factory = ({ era, rawLists = false, requestInfo, requestOf }: ConnectionContext) => {
    const server = newSdkServer(runtime, surface.instructions);
    const signal = requestInfo?.signal;
    const connection: ToolCallConnection = {
      server,
      client: clientInfoReader(server, era),
      ...(signal ? { request: () => signal } : requestOf ? { request: requestOf } : {}),
    };
    registerToolHandlers(server, surface, connection, rawLists);
    if (era === "legacy") directCalls.set(server, directToolCall(server, surface, connection));
    registerResourceHandlers(server, surface, connection);
    registerPromptHandlers(server, surface);
    server.setRequestHandler("completion/complete", async (request, ctx) => {
      const { ref, argument, context } = request.params;
      try {
        return await surface.complete(ref as CompletionRef, argument, {
          context: stringValues(context?.arguments),
          client: connection.client(ctx),
          signal: ctx.mcpReq.signal,
          requestId: ctx.mcpReq.id,
        });
      } catch (error) {
        throw safeProtocolError(error, "completion/complete");
      }
    });
    return server;
  };
  return Object.assign(factory, { listedTools: surface.listedCount });
}

/**
 * A tools/call the stdio transport may run without the SDK's request dispatch (`stdio-tool-calls.ts`): given the
 * request's id and signal, the promise of the very result the registered handler returns, or undefined when this
 * call must go through the SDK. Only a connection of the 2025 era that has been initialized, a listed tool that never
 * asks the user (no confirmation, so no elicitation round), and no discovery meta tool qualify; the caller checks the
 * request's own shape.
 */
export type DirectToolCall = (
  params: ToolCallParams,
  request: { id: string | number; signal: AbortSignal },
) => Promise<unknown> | undefined;

const directCalls = new WeakMap<Server, DirectToolCall>();

/** The direct tools/call of a connection's server, when it has one. */
export function directToolCallOf(server: Server): DirectToolCall | undefined {
  return directCalls.get(server);
}

/** A request's context for a direct call: no progress token, no request state or answers, no envelope. */
const directRequest = (id: string | number, signal: AbortSignal): ToolCallRequest => ({
  mcpReq: { id, signal, requestState: () => undefined, notify: async () => {} },
});

function directToolCall(server: Server, surface: Surface, connection: ToolCallConnection): DirectToolCall {
  return (params, { id, signal }) => {
    if (server.getNegotiatedProtocolVersion() === undefined || !server.transport) return undefined;
    const name = params.name;
    if (surface.discovery && (name === FIND_TOOLS || name === DESCRIBE_TOOL || name === CALL_TOOL))
      return undefined;
    const tool = surface.runtime.tools.get(name);
    if (!tool || !surface.listedNames.has(name) || tool.policy.confirm === "required") return undefined;
    return handleToolCall(surface, connection, params, directRequest(id, signal));
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
    tool.internal !== true && !policy.hidden(tool) && (options.listTool?.(tool) ?? true);
  const publisher = runtimePublisher(runtime, options);
  const tools = listings(doc.tools, include);
  const { entryOf, entryWithAnnotationTitleOf } = publishedOnFirstUse(publisher);
  const texts = { plain: entryTexts(publisher, false), titled: entryTexts(publisher, true) };
  const wholeText = wholeListText(publisher, tools, pageSize);
  const listedNames = new Set(tools.map((t) => t.name));
  const callable = doc.tools.filter(include);
  // Writes hidden by read-only mode: not found or described, but call_tool names the switch that refuses them.
  const readOnlyRefused = doc.tools.filter(
    (tool) => tool.internal !== true && policy.hidden(tool) && !policy.denied(tool),
  );
  const discovery = options.discovery ? createDiscovery(callable, publisher, readOnlyRefused) : undefined;
  const toolList = discovery ? discoveryTools(doc.catalog, callable.length) : undefined;
  const resources = createResourceReader(runtime);
  const resourceList = resources.list();
  const templateList = resources.listTemplates();
  const prompts = createPromptRenderer(dir, doc.prompts);
  const promptList = prompts.list();
  const listing = createTemplateListing(runtime);
  const complete = createCompleter(doc, listing);
  const toolCalls: ToolCallSurface = { runtime, discovery, listedNames, resultEnvelope, publisher };
  return {
    ...toolCalls,
    listedCount: callable.length,
    // The catalog's instructions, then what the publisher adds (concise descriptions: the common arguments).
    instructions: joinInstructions(doc.server.instructions, publisher.instructions()),
    pageSize,
    tools,
    entryOf,
    entryWithAnnotationTitleOf,
    texts,
    wholeText,
    toolList,
    resources,
    resourceList,
    listing,
    templateList,
    prompts,
    promptList,
    complete,
  };
}

/**
 * The runtime's schema publisher (profile, overrides, policy-masked and drift-tolerant output schemas), wired
 * into the runtime so results are checked against, and arguments decoded from, exactly what was published.
 */
function runtimePublisher(runtime: Runtime, options: ServerOptions): Publisher {
  const { policy } = runtime;
  // Schemas are published per tool on first use (a page of tools/list, a describe_tool), then kept.
  const publisher = createPublisher(runtime.catalog.doc, {
    ...(options.publish ? { overrides: options.publish } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    transforms: [
      (schema, { tool, side }) => (side === "output" ? policy.outputSchema(tool, schema) : schema),
      // Output schemas tolerate upstream drift; the chain checks drifted results against exactly these.
      tolerateDrift,
    ],
    // What generate published already, where these transforms would change nothing but the drift it carries.
    ...(runtime.catalog.published ? { precomputed: runtime.catalog.published } : {}),
    keeps: (tool, side) => side === "input" || policy.keepsOutputSchema(tool),
  });
  runtime.publishOutputsWith((tool) => publisher.output(tool));
  // Arguments sent as the profile published them (JSON text for free-form values) are read back before validation.
  runtime.decodeArgumentsWith((tool) => publisher.decoder(tool));
  return publisher;
}

/**
 * Each listing is published the first time a page reaches it, then kept (paging measures its size once); the
 * form with `annotations.title` (clients of revisions before 2025-06-18) is derived from it on first use, and kept.
 */
function publishedOnFirstUse(publisher: Publisher) {
  const entries = new WeakMap<Listing, PublishedTool>();
  const titled = new WeakMap<Listing, PublishedTool>();
  const entryOf = (listing: Listing): PublishedTool => {
    let entry = entries.get(listing);
    if (!entry) {
      entry = publisher.entry(listing.tool, listing.name);
      entries.set(listing, entry);
    }
    return entry;
  };
  const entryWithAnnotationTitleOf = (listing: Listing): PublishedTool => {
    let entry = titled.get(listing);
    if (!entry) {
      entry = withAnnotationTitle(entryOf(listing));
      titled.set(listing, entry);
    }
    return entry;
  };
  return { entryOf, entryWithAnnotationTitleOf };
}

/**
 * The text of the first tools/list page (without `annotations.title`) when it is every listed entry, cut from the
 * precomputed table as one range (`Publisher.listText`: the listing is the table's tools in its order, each used as
 * it is), made on the first listing that asks for it and kept; undefined when the listing is anything else or would
 * not fit one page, so the page is written entry by entry (the same entries and the same page either way).
 */
function wholeListText(
  publisher: Publisher,
  tools: readonly Listing[],
  limits: { entries: number; bytes: number },
): () => string | undefined {
  let text: string | undefined | null = null;
  return () => {
    if (text !== null) return text;
    text = tools.length <= limits.entries ? publisher.listText(tools) : undefined;
    // Paged by the same rule as entry by entry: the entries' bytes and a separator each within `bytes`.
    if (text !== undefined && Buffer.byteLength(text) - 1 > limits.bytes) text = undefined;
    return text;
  };
}

/**
 * Each listing's entry as JSON text (with or without `annotations.title`) and its size in bytes, made the first
 * time a page reaches it, then kept: pages are cut by these sizes whether they are sent as text or as objects.
 */
function entryTexts(publisher: Publisher, titled: boolean) {
  const texts = new WeakMap<Listing, string>();
  const sizes = new WeakMap<Listing, number>();
  const textOf = (listing: Listing): string => {
    let text = texts.get(listing);
    if (text === undefined) {
      text = publisher.entryText(listing.tool, listing.name, titled);
      texts.set(listing, text);
    }
    return text;
  };
  const sizeOf = (listing: Listing): number => {
    let size = sizes.get(listing);
    if (size === undefined) {
      size = Buffer.byteLength(textOf(listing));
      sizes.set(listing, size);
    }
    return size;
  };
  return { textOf, sizeOf };
}

type RequestHandler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The SDK's `Server`, with every registered request handler's refusals in one clear line (`clientRequestError`):
 * the SDK checks a request against its schema of the method before the handler runs and reports what it refuses
 * as a zod issue dump, for most methods as an internal error. Wrapped outermost, through the hook the SDK gives
 * subclasses, so the answer is the same on every transport.
 */
class CatalogServer extends Server {
  protected override _wrapHandler(method: string, handler: RequestHandler): RequestHandler {
    const wrapped = super._wrapHandler(method, handler);
    return async (request, ctx) => {
      try {
        return await wrapped(request, ctx);
      } catch (error) {
        throw clientRequestError(error, method);
      }
    };
  }
}

function newSdkServer(runtime: Runtime, instructions: string | undefined): Server {
  const doc = runtime.catalog.doc;
  const server = new CatalogServer(
    {
      name: doc.server.name,
      version: doc.server.version,
      ...(doc.server.title ? { title: doc.server.title } : {}),
    },
    {
      capabilities: { tools: {}, resources: {}, prompts: {}, completions: {} },
      ...(instructions ? { instructions } : {}),
    },
  );
  server.onerror = (error) => {
    if (!wasHandled(error)) logRepeated("protocol errors", `protocol error: ${protocolErrorLine(error)}`);
  };
  // A confirmation's question waits for its answer as long as the confirmation lives, and no longer.
  inRevisionWords(server, runtime.policy.settings.confirmation.ttlSeconds);
  return server;
}

/** Who is calling: capabilities and implementation (from the request envelope in the modern era), principal. */
function clientInfoReader(server: Server, era: "legacy" | "modern"): (ctx: ToolCallRequest) => ClientInfo {
  return (ctx) => {
    const envelope = (ctx.mcpReq.envelope ?? {}) as Record<string, unknown>;
    const capabilities = (
      era === "modern" ? envelope[CLIENT_CAPABILITIES_META_KEY] : server.getClientCapabilities()
    ) as Record<string, unknown> | undefined;
    const implementation = (era === "modern" ? envelope[CLIENT_INFO_META_KEY] : server.getClientVersion()) as
      | { name?: string; version?: string }
      | undefined;
    const info: ClientInfo = { capabilities, era };
    const protocolVersion = era === "legacy" ? server.getNegotiatedProtocolVersion() : undefined;
    if (protocolVersion !== undefined) info.protocolVersion = protocolVersion;
    const principal = ctx.http?.authInfo?.extra?.principal as Principal | undefined;
    if (principal) info.principal = principal;
    if (implementation?.name) info.name = implementation.name;
    if (implementation?.version) info.version = implementation.version;
    return info;
  };
}

function registerToolHandlers(
  server: Server,
  surface: Surface,
  connection: ToolCallConnection,
  rawLists: boolean,
): void {
  server.setRequestHandler("tools/list", async (request, ctx) => {
    // A client of a revision before 2025-06-18 reads a tool's title only from its annotations. Stateless HTTP
    // serves each request on a fresh instance: the revision is then the request's MCP-Protocol-Version header.
    const version =
      server.getNegotiatedProtocolVersion() ??
      ctx.http?.req?.headers.get("mcp-protocol-version") ??
      undefined;
    const titled = !readsTopLevelTitle(version);
    if (surface.toolList) {
      const list = titled ? surface.toolList.map(withAnnotationTitle) : surface.toolList;
      const page = paginate(list, request.params?.cursor, surface.pageSize, "tools");
      return { tools: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    }
    const { textOf, sizeOf } = titled ? surface.texts.titled : surface.texts.plain;
    const next = (cursor: string | undefined) => (cursor ? { nextCursor: cursor } : {});
    if (rawLists) {
      // Written by the transport from the entries' text: nothing parsed into objects or serialised again; the
      // whole catalog in the table's order is one range of the table's text.
      const whole = !titled && request.params?.cursor === undefined ? surface.wholeText() : undefined;
      if (whole !== undefined) return { tools: rawListOf(whole) };
      const page = paginate(surface.tools, request.params?.cursor, surface.pageSize, "tools", textOf, sizeOf);
      return { tools: rawList(page.items), ...next(page.nextCursor) };
    }
    const entryOf = titled ? surface.entryWithAnnotationTitleOf : surface.entryOf;
    const page = paginate(surface.tools, request.params?.cursor, surface.pageSize, "tools", entryOf, sizeOf);
    return { tools: page.items, ...next(page.nextCursor) };
  });
  // Registered with params "already checked": the SDK's `Server` wraps every tools/call handler in a check of the
  // whole request against the negotiated revision's schema (an invalid one is answered -32602 before any handler
  // runs), and the two-argument form would parse the same request with the same schema a second time.
  server.setRequestHandler("tools/call", { params: CHECKED_BY_THE_SDK }, async (params, ctx) =>
    handleToolCall(surface, connection, params, ctx),
  );
}

/**
 * The params of a tools/call request the SDK's `Server` has validated already (its `_wrapHandler` for tools/call
 * checks the request before the registered handler runs): passed on as they are.
 */
const CHECKED_BY_THE_SDK: StandardSchemaV1<ToolCallParams, ToolCallParams> = {
  "~standard": {
    version: 1,
    vendor: "toolwright",
    validate: (value) => ({ value: value as ToolCallParams }),
  },
};

function registerResourceHandlers(server: Server, surface: Surface, connection: ToolCallConnection): void {
  server.setRequestHandler("resources/list", async (request, ctx) => {
    try {
      return await listResourcesPage(
        surface.resourceList,
        surface.listing,
        request.params?.cursor,
        surface.pageSize.entries,
        { client: connection.client(ctx), signal: ctx.mcpReq.signal, requestId: ctx.mcpReq.id },
      );
    } catch (error) {
      throw safeProtocolError(error, "resources/list");
    }
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

/** A completion's `context.arguments`, string values only (anything else is not a chosen value). */
function stringValues(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (values === null || typeof values !== "object") return out;
  for (const [key, value] of Object.entries(values)) if (typeof value === "string") out[key] = value;
  return out;
}

function registerPromptHandlers(server: Server, surface: Surface): void {
  server.setRequestHandler("prompts/list", async (request) => {
    const page = paginate(surface.promptList, request.params?.cursor, surface.pageSize, "prompts");
    return { prompts: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  });
  server.setRequestHandler("prompts/get", async (request) => {
    try {
      return await surface.prompts.get(request.params.name, request.params.arguments);
    } catch (error) {
      throw safeProtocolError(error, `prompts/get ${printable(request.params.name)}`);
    }
  });
}
