import type { NamedMiddleware } from "../chain.js";
import { refuse } from "./decision.js";
import type { Switch } from "./settings.js";

/**
 * Read-only: with the switch on, every tool whose safety class is `write` or `destructive` refuses before its
 * arguments are even parsed; reads run as usual. The class comes from the binding (or the manifest's override)
 * at build time, so a tool cannot talk its way into being a read.
 */
export function readOnlyStep(setting: Switch): NamedMiddleware {
  return {
    name: "read-only",
    async run(ctx, next) {
      if (!setting.on || ctx.tool.safety === "read") return next();
      const verb = ctx.tool.safety === "destructive" ? "deletes or destroys" : "writes";
      return refuse(
        ctx,
        { policy: "read-only", rule: `${setting.env}=true`, reason: `${ctx.tool.safety} tool` },
        `refused by ${setting.env}=true: ${ctx.calledAs} ${verb}; unset ${setting.env} (or set it to false) to allow writes`,
      );
    },
  };
}
