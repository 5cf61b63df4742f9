import type {
  CustomBinding,
  CustomHandler,
  HandlerCallResult,
  HandlerContext,
  ToolOutcome,
} from "../catalog.js";
import { type CallContext, failure } from "../chain.js";
import type { Config } from "../config/config.js";
import { fromHandlerValues, toHandlerValues } from "./handler-values.js";

/**
 * Hand-written handlers get a context whose `call` re-enters the same chain (validation, policy, audit), so a
 * handler cannot reach the upstream by a path the policies do not see. Integers beyond 2^53 cross the boundary
 * as bigints, both ways (`handler-values.ts`).
 */

export interface CustomExecutorOptions {
  handlers: Record<string, CustomHandler>;
  config: Config;
  /** Runs another tool of the catalog through the chain, as a call nested in `parent`. */
  callTool(parent: CallContext, name: string, args: unknown): Promise<ToolOutcome>;
  cwd?: string;
}

export const MAX_CALL_DEPTH = 8;

export function createCustomExecutor(options: CustomExecutorOptions) {
  return async (ctx: CallContext, binding: CustomBinding): Promise<ToolOutcome> => {
    const handler = options.handlers[binding.handler];
    if (!handler) return failure(`handler '${binding.handler}' is missing from catalog.gen`, "catalog");
    const handlerContext: HandlerContext = {
      signal: ctx.signal,
      cwd: options.cwd ?? process.cwd(),
      progress: (progress, total, message) => ctx.progress(progress, total, message),
      env(name) {
        if (!options.config.declares(name))
          throw new Error(`env variable ${name} is not declared by the catalog`);
        return options.config.text(name);
      },
      async call(name, args): Promise<HandlerCallResult<any>> {
        if (ctx.depth + 1 > MAX_CALL_DEPTH) {
          return {
            ok: false,
            data: null,
            error: { message: "tool calls are nested too deeply", code: "depth" },
          };
        }
        const outcome = await options.callTool(ctx, name, fromHandlerValues(args));
        const result: HandlerCallResult<any> = {
          ok: outcome.error === undefined,
          data: toHandlerValues(outcome.data),
        };
        if (outcome.status !== undefined) result.status = outcome.status;
        if (outcome.error !== undefined) result.error = outcome.error;
        return result;
      },
    };
    const outcome = await handler(toHandlerValues(ctx.args), handlerContext);
    // A handler written in JavaScript (or typed loosely) may return nothing at all: an empty result, as `{data: null}`.
    if (outcome === null || outcome === undefined) return { data: null };
    if (typeof outcome !== "object" || outcome.data === undefined) return outcome;
    const data = fromHandlerValues(outcome.data);
    return data === outcome.data ? outcome : { ...outcome, data };
  };
}
