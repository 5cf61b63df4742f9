import type { Binding } from "../../src/catalog.js";

/**
 * Tool argument -> the name the executor sends for it: an HTTP parameter or body field, or a GraphQL variable
 * (`$name`). Empty for hand-written handlers, whose arguments are their own.
 */
export function argumentWireNames(binding: Binding): Map<string, string> {
  if (binding.kind === "graphql") return new Map(binding.variables.map((v) => [v.arg, `$${v.name}`]));
  if (binding.kind !== "http") return new Map();
  // What is sent from an env variable is no argument (its `arg` is `$env:<NAME>`): an argument the model filled
  // that is now sent from env was removed, not renamed to `$env:<NAME>` (which hid its removal from diff).
  const pairs: [string, string][] = binding.params
    .filter((p) => p.env === undefined)
    .map((p) => [p.arg, p.name]);
  for (const f of binding.body?.fields ?? []) if (f.env === undefined) pairs.push([f.arg, f.name]);
  return new Map(pairs);
}
