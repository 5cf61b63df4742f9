import { failure, type NamedMiddleware } from "./chain.js";
import { formatIssues } from "./issues.js";
import type { SchemaCache } from "./schemas.js";

/**
 * First step of the chain: arguments are validated by the tool's generated zod schema before any policy or
 * executor sees them. Executors read `ctx.args` only, never `ctx.rawArgs`.
 */
export function parseArgs(schemas: SchemaCache): NamedMiddleware {
  return {
    name: "parse-args",
    async run(ctx, next) {
      const raw = ctx.rawArgs ?? {};
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
        return failure("invalid arguments: expected an object of named arguments", "invalid_arguments");
      }
      const result = schemas.input(ctx.tool.name).safeParse(raw);
      if (!result.success) {
        return failure(`invalid arguments: ${formatIssues(result.error.issues)}`, "invalid_arguments");
      }
      ctx.args = (result.data ?? {}) as Record<string, unknown>;
      return next();
    },
  };
}
