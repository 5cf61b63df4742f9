import type { NamedMiddleware } from "../chain.js";
import { refuse } from "./decision.js";

/**
 * Denied tools (the manifest's list plus the list env) are left out of tools/list, names and aliases alike,
 * and refused by name. The client is told exactly what it is told for a name that does not exist (`tools/call`
 * answers -32602 Unknown tool; a handler's nested call gets `unknown tool`), so a denial does not reveal that
 * the tool exists. The audit record names the real reason.
 */

export const UNKNOWN_TOOL = "unknown_tool";

export function deniedToolsStep(denied: ReadonlyMap<string, string>): NamedMiddleware {
  return {
    name: "denied-tools",
    idle: (tool) => !denied.has(tool.name),
    async run(ctx, next) {
      const rule = denied.get(ctx.tool.name);
      if (rule === undefined) return next();
      return refuse(
        ctx,
        { policy: "denied-tools", rule, reason: "tool denied" },
        `unknown tool '${ctx.calledAs}'`,
        UNKNOWN_TOOL,
      );
    },
  };
}
