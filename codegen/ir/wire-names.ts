import type { Binding } from "../../src/catalog.js";

/**
 * Tool argument -> the name the executor sends for it: an HTTP parameter or body field, or a GraphQL variable
 * (`$name`). Empty for hand-written handlers, whose arguments are their own.
 */
export function argumentWireNames(binding: Binding): Map<string, string> {
  if (binding.kind === "graphql") return new Map(binding.variables.map((v) => [v.arg, `$${v.name}`]));
  if (binding.kind !== "http") return new Map();
  const pairs: [string, string][] = binding.params.map((p) => [p.arg, p.name]);
  for (const f of binding.body?.fields ?? []) pairs.push([f.arg, f.name]);
  return new Map(pairs);
}
