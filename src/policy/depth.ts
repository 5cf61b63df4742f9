import type { NamedMiddleware } from "../chain.js";
import { refuse } from "./decision.js";

/**
 * Arguments nested deeper than this many levels of objects and arrays are refused before anything else reads
 * them. Every later reader (schema validation, the audit fingerprint, confirmation binding, masking) may recurse
 * over them, and a deep enough value would overflow the stack; no tool's arguments come near it.
 */
export const MAX_ARGUMENT_DEPTH = 64;

/**
 * How deep a JSON value nests (a scalar is 0, `{}` and `[]` are 1), counted without recursion and stopping as
 * soon as it passes `limit` (the result is then `limit + 1`).
 */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    const level = depth + 1;
    if (level > limit) return limit + 1;
    if (level > deepest) deepest = level;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === "object") stack.push([child, level]);
    }
  }
  return deepest;
}

/** Whether a value nests within the argument depth bound. */
export const withinDepth = (value: unknown): boolean =>
  nestingDepth(value, MAX_ARGUMENT_DEPTH) <= MAX_ARGUMENT_DEPTH;

/** Refuses arguments nested deeper than MAX_ARGUMENT_DEPTH, right after the audit step (which records it). */
export function argumentDepthStep(): NamedMiddleware {
  return {
    name: "argument-depth",
    async run(ctx, next) {
      if (withinDepth(ctx.rawArgs ?? {})) return next();
      return refuse(
        ctx,
        { policy: "arguments", rule: `nesting depth ${MAX_ARGUMENT_DEPTH}`, reason: "nested too deep" },
        `invalid arguments: they nest deeper than ${MAX_ARGUMENT_DEPTH} levels of objects and arrays, which no tool of this server accepts`,
        "invalid_arguments",
      );
    },
  };
}
