import { type CatalogTool, RequestTimeout, type ToolOutcome } from "./catalog.js";

/**
 * One ordered middleware chain runs around every tool call, whichever way it enters: `tools/call`, a resource
 * read through a tool-bound template, or a custom handler calling another tool. Policies (read-only, scopes,
 * tenant lock, confirmation, masking, audit) are middleware inserted into this list by name, so no entry point
 * can skip them.
 */

/** How a call entered the server. */
export type CallEntry =
  | "tools/call"
  | "resources/read"
  | "resources/list"
  | "completion/complete"
  | "handler";

/** Who the transport authenticated (HTTP only): identifiers for the audit log, never a credential. */
export interface Principal {
  kind: "static-key" | "jwt";
  issuer?: string;
  subject?: string;
  clientId?: string;
}

export interface ClientInfo {
  /** The client's declared capabilities (from `initialize` on legacy connections, per request otherwise). */
  capabilities: Record<string, unknown> | undefined;
  name?: string;
  version?: string;
  era: "legacy" | "modern";
  /** The protocol revision negotiated at `initialize` (legacy connections that have one). */
  protocolVersion?: string;
  principal?: Principal;
}

export interface CallContext {
  /** The catalog entry being executed (aliases resolve to their tool). */
  readonly tool: CatalogTool;
  /** The name the client used: the tool's name or one of its aliases. */
  readonly calledAs: string;
  readonly entry: CallEntry;
  /** For `resources/read` entries: the URI that was read; for listings and completions, the template listed. */
  readonly resourceUri?: string;
  /** Arguments exactly as received. */
  readonly rawArgs: unknown;
  /** Validated arguments once `parse-args` has run (policies may narrow them; executors read only these). */
  args: Record<string, unknown>;
  /** JSON-RPC id of the MCP request, when there is one. */
  readonly requestId?: string | number;
  /** Shown to the client with every error and written to every log line about this call. */
  readonly correlationId: string;
  readonly client: ClientInfo;
  /** Aborted on MCP cancellation (and by the executor's own timeout for the upstream request). */
  readonly signal: AbortSignal;
  /**
   * The transport request carrying the call (HTTP), when it has its own: aborted with a `RequestTimeout` when the
   * server's request timeout ended it, which `stoppedCall` tells from the client's cancellation.
   */
  readonly request?: AbortSignal;
  /** Upstream requests this call made (token requests included); nested calls add to their parents too. */
  readonly upstream: { requests: number; lastStatus?: number };
  /**
   * When the call started, on the process's monotonic clock (`performance.now()` ms), for its `duration_ms`: a
   * wall-clock step during the call (NTP, a VM resumed) made that negative or hours long.
   */
  readonly startedAt: number;
  /** 0 for calls from the client; custom handlers' nested calls count up from there. */
  readonly depth: number;
  readonly parent?: CallContext;
  /** Sends an MCP progress notification when the client asked for progress; a no-op otherwise. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Facts middleware leave for later middleware (e.g. the decision an audit record reports). */
  readonly notes: Map<string, unknown>;
  /**
   * On a retried `tools/call` after an `input_required` round (2026-07-28; the SDK replays it for legacy
   * clients): the client's answers and the request state it echoed. Both are client-controlled input.
   */
  readonly input?: CallInput;
}

export interface CallInput {
  responses?: Record<string, unknown>;
  state?: string;
}

/**
 * `next()` runs the rest of the chain and the executor. A middleware may refuse (return an outcome with `error`
 * without calling `next`), rewrite `ctx.args` before, or reshape the outcome after.
 */
export type Middleware = (ctx: CallContext, next: () => Promise<ToolOutcome>) => Promise<ToolOutcome>;

export interface NamedMiddleware {
  /** Stable name, so a policy can be placed before or after a known step. */
  name: string;
  run: Middleware;
  /**
   * Whether the step has nothing to do for this tool, whatever the call (arguments, client, outcome): `run` would
   * only return `next()`'s outcome. Asked once per tool; an idle step is left out of that tool's chain. Only what
   * the tool and the server's fixed settings hold may decide it.
   */
  idle?: (tool: CatalogTool) => boolean;
}

export type Terminal = (ctx: CallContext) => Promise<ToolOutcome>;

/**
 * The chain as one function. Each tool runs through its own list, built when the tool is first called: the steps
 * that are not `idle` for it, in order (a step with nothing to do would still cost every call a frame and a promise).
 */
export function compose(chain: readonly NamedMiddleware[], terminal: Terminal): Terminal {
  const perTool = new WeakMap<CatalogTool, readonly NamedMiddleware[]>();
  const stepsOf = (tool: CatalogTool): readonly NamedMiddleware[] => {
    let steps = perTool.get(tool);
    if (steps === undefined) {
      steps = chain.filter((step) => step.idle?.(tool) !== true);
      perTool.set(tool, steps);
    }
    return steps;
  };
  return (ctx) => {
    const steps = stepsOf(ctx.tool);
    let last = -1;
    const dispatch = (index: number): Promise<ToolOutcome> => {
      if (index <= last)
        return Promise.reject(new Error(`middleware '${steps[last]?.name}' called next() twice`));
      last = index;
      const step = steps[index];
      if (!step) return terminal(ctx);
      return step.run(ctx, () => dispatch(index + 1));
    };
    return dispatch(0);
  };
}

/** Inserts `added` before the step named `anchor` (at the end when it is absent). */
export function insertBefore(
  chain: readonly NamedMiddleware[],
  anchor: string,
  ...added: NamedMiddleware[]
): NamedMiddleware[] {
  const at = chain.findIndex((step) => step.name === anchor);
  const copy = [...chain];
  copy.splice(at === -1 ? copy.length : at, 0, ...added);
  return copy;
}

/** Counts one upstream request on the call and on every call it is nested in. */
export function countUpstreamRequest(ctx: CallContext): void {
  for (let c: CallContext | undefined = ctx; c; c = c.parent) c.upstream.requests += 1;
}

/**
 * How a note that quotes the upstream's own words (a GraphQL response's `extensions`: query cost, rate limit)
 * begins: masking cannot read what it holds, so where masking applies it is dropped (policy/mask.ts).
 */
export const UPSTREAM_EXTENSIONS_NOTE = "GraphQL extensions: ";

/** An error outcome: what refusals, argument problems and upstream failures all look like. */
export function failure(message: string, code: string, extra: Partial<ToolOutcome> = {}): ToolOutcome {
  return { data: null, ...extra, error: { message, code } };
}

/** The outcome of a call whose signal aborted: the server's request timeout ended it, or its client cancelled it. */
export function stoppedCall(ctx: CallContext): ToolOutcome {
  const reason = ctx.request?.reason;
  return reason instanceof RequestTimeout
    ? failure(reason.message, "request_timeout")
    : failure("the call was cancelled", "cancelled");
}

/**
 * A check a policy puts on the call's upstream redirects: given the URL a same-origin redirect asks for and the
 * URL first sent, the refusal that stops the call there, or `undefined` to follow it. Executors run every check
 * before each redirect they would follow, so a policy that checked the arguments also checks where the
 * upstream sends the request next.
 */
export type RedirectCheck = (target: URL, first: URL) => ToolOutcome | undefined;

const REDIRECT_CHECKS = "chain.redirect-checks";

export function onRedirect(ctx: CallContext, check: RedirectCheck): void {
  const checks = (ctx.notes.get(REDIRECT_CHECKS) as RedirectCheck[] | undefined) ?? [];
  checks.push(check);
  ctx.notes.set(REDIRECT_CHECKS, checks);
}

/** The first refusal of the call's redirect checks for this target, if any. */
export function checkRedirect(ctx: CallContext, target: URL, first: URL): ToolOutcome | undefined {
  for (const check of (ctx.notes.get(REDIRECT_CHECKS) as RedirectCheck[] | undefined) ?? []) {
    const refusal = check(target, first);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * Work a middleware leaves for the upstream's wait. After an executor hands a request to its connection it calls
 * `upstreamRequestSent`, and pending work runs on the tick queue right after node:http has written the request:
 * the server would otherwise sit idle until the answer arrives. The middleware calls the returned function where it
 * needs the work's result; that runs the work if no request was sent (a refusal, a handler without upstream), and
 * once it ran returns the same result. Work should not throw: a throw on the tick queue is dropped (the work counts
 * as done, its result undefined).
 */
const waiting = new Set<() => void>();

export function whileUpstreamAnswers<T>(work: () => T): () => T | undefined {
  let done = false;
  let result: T | undefined;
  const run = () => {
    waiting.delete(run);
    if (done) return result;
    done = true;
    result = work();
    return result;
  };
  waiting.add(run);
  return run;
}

/** Called by an executor once a request is on its way (see `whileUpstreamAnswers`). */
export function upstreamRequestSent(): void {
  if (waiting.size > 0) process.nextTick(runWaiting);
}

function runWaiting(): void {
  for (const run of waiting) {
    try {
      run();
    } catch {
      // Dropped: see whileUpstreamAnswers.
    }
  }
}
