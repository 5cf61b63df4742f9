import type { CatalogTool } from "../catalog.js";
import type { NamedMiddleware } from "../chain.js";
import { refuse } from "./decision.js";
import type { Switch } from "./settings.js";

/**
 * Read-only: with the switch on (the catalog's env, or `serve --read-only`), every tool whose safety class is
 * `write` or `destructive` is left out of tools/list and refuses before its arguments are even parsed; reads run
 * as usual. The class comes from the binding (or the manifest's override)
 * at build time, so a tool cannot talk its way into being a read.
 */
export function readOnlyStep(setting: Switch): NamedMiddleware {
  return {
    name: "read-only",
    idle: (tool) => !setting.on || tool.safety === "read",
    async run(ctx, next) {
      if (!setting.on || ctx.tool.safety === "read") return next();
      const verb = ctx.tool.safety === "destructive" ? destructiveVerb(ctx.tool) : "writes";
      const rule = setting.by ?? `${setting.env}=true`;
      const undo = setting.by
        ? `serve without ${setting.by} to allow writes`
        : `unset ${setting.env} (or set it to false) to allow writes`;
      return refuse(
        ctx,
        { policy: "read-only", rule, reason: `${ctx.tool.safety} tool` },
        `refused by ${rule}: ${ctx.calledAs} ${verb}; ${undo}`,
      );
    },
  };
}

/** What a destructive tool does: the classifier's first reason (`moves money or ownership`), else a deletion. */
function destructiveVerb(tool: CatalogTool): string {
  const basis = tool.safetyBasis;
  const raised = basis && basis.binding !== "destructive" && basis.proposed === "destructive";
  return (raised && basis.reasons[0]?.split(":")[0]) || "deletes or destroys";
}
