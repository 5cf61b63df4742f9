import { failure, type NamedMiddleware } from "../chain.js";
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
      const result = schemas.input(ctx.tool.name).safeParse(withoutPrototypes(raw));
      if (!result.success) {
        return failure(`invalid arguments: ${formatIssues(result.error.issues)}`, "invalid_arguments");
      }
      // Without a prototype, so an absent `constructor` argument reads as absent to executors and policies too.
      ctx.args = Object.assign(Object.create(null), result.data ?? {}) as Record<string, unknown>;
      return next();
    },
  };
}

/**
 * A deep copy of JSON data whose objects have no prototype. zod reads properties with `obj[key]`, so on a plain
 * object an absent optional property named like an `Object.prototype` member (`constructor`, `toString`,
 * `valueOf`) is found on the prototype, a function, and the call is refused ("expected number, received
 * function"). Validating the copy sees only what the JSON holds. Iterative: a deeply nested hostile value must
 * not cost stack.
 */
export function withoutPrototypes(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const copy = (source: object): object =>
    Array.isArray(source) ? new Array(source.length) : (Object.create(null) as object);
  const root = copy(value);
  const stack: Array<[source: object, target: Record<string, unknown>]> = [
    [value, root as Record<string, unknown>],
  ];
  while (stack.length > 0) {
    const [source, target] = stack.pop()!;
    for (const key of Object.keys(source)) {
      const item = (source as Record<string, unknown>)[key];
      if (item !== null && typeof item === "object") {
        const child = copy(item);
        target[key] = child;
        stack.push([item, child as Record<string, unknown>]);
      } else {
        target[key] = item;
      }
    }
  }
  return root;
}
