import type { ToolOutcome } from "../catalog.js";
import type { CallContext, NamedMiddleware } from "../chain.js";
import { refusalOf } from "../policy/decision.js";
import { metrics } from "../telemetry/metrics.js";
import { inSpan, markSpan } from "../telemetry/tracing.js";

/**
 * The outermost step: one span per tool call (`tools/call <tool>`, with the policy decision, never an argument)
 * and the call metrics (`toolwright_tool_calls_total`, `toolwright_tool_call_duration_seconds` by tool and
 * outcome). Upstream requests made inside the call are child spans (`src/executors/observed-send.ts`).
 */

export type CallOutcome = "ok" | "error" | "refused" | "rate_limited" | "cancelled";

export function outcomeOf(ctx: CallContext, outcome: ToolOutcome): CallOutcome {
  if (!outcome.error) return "ok";
  if (outcome.error.code === "rate_limited") return "rate_limited";
  if (outcome.error.code === "request_timeout") return "error";
  if (outcome.error.code === "cancelled" || ctx.signal.aborted) return "cancelled";
  return refusalOf(ctx) ? "refused" : "error";
}

export function observeStep(catalog: string): NamedMiddleware {
  return {
    name: "observe",
    run(ctx, next) {
      const started = performance.now();
      const attributes = {
        "toolwright.catalog": catalog,
        "mcp.tool.name": ctx.tool.name,
        "mcp.tool.called_as": ctx.calledAs !== ctx.tool.name ? ctx.calledAs : undefined,
        "mcp.entry": ctx.entry,
        "toolwright.correlation_id": ctx.correlationId,
        "toolwright.depth": ctx.depth,
      };
      return inSpan(`tools/call ${ctx.tool.name}`, "internal", attributes, async (span) => {
        let result: CallOutcome = "error";
        try {
          const outcome = await next();
          result = outcomeOf(ctx, outcome);
          const refusal = refusalOf(ctx);
          markSpan(
            span,
            {
              "toolwright.decision": result === "ok" ? "allowed" : refusal ? "refused" : "error",
              "toolwright.outcome": result,
              "toolwright.policy": refusal?.policy,
              "toolwright.policy.reason": refusal?.reason,
              "error.type": outcome.error?.code,
              "toolwright.upstream.requests": ctx.upstream.requests,
            },
            result === "error",
          );
          return outcome;
        } finally {
          const labels = { tool: ctx.tool.name, outcome: result };
          metrics.toolCalls.inc(labels);
          metrics.toolDuration.observe(labels, (performance.now() - started) / 1000);
        }
      });
    },
  };
}
