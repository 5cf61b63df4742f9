import type { SymbolTable } from "../ir/symbols.js";
import type { SchemaNode } from "../ir/types.js";
import { resolveRefs } from "../ir/views.js";

/**
 * What a flattened object body's spec says about which of its members are present, beyond each member's own
 * `required`: rules the tool's input schema cannot state, since its root is one object of arguments and model
 * providers refuse `oneOf`/`anyOf`/`not` and ignore `dependentRequired` there (docs/providers.md). The upstream
 * checks them; the tool's description tells the model, in one short sentence each (`ruleSentence`).
 */
export type MemberRule =
  /** `oneOf` (exactly one alternative holds) or `anyOf` (at least one): each alternative's required members. */
  { kind: "presence"; exclusive: boolean; sets: string[][] };

/**
 * The member names a schema only requires (`{required: [a, b]}`, normalized to an open object of required
 * members of any value, with nothing else to say); else undefined.
 */
export function requiredOnly(node: SchemaNode, symbols: SymbolTable): string[] | undefined {
  const v = resolveRefs(node, symbols);
  if (v.kind !== "object" || v.additional === false || v.properties.length === 0) return undefined;
  if (v.not || v.minProperties || v.maxProperties !== undefined || v.propertyNames || v.dependentRequired)
    return undefined;
  if (!v.properties.every((p) => p.required && resolveRefs(p.schema, symbols).kind === "any"))
    return undefined;
  return v.properties.map((p) => p.name);
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** Names in the spec's order, each as its argument; undefined when one is no argument. */
function argsOf(names: string[], argOf: (member: string) => string | undefined): string[] | undefined {
  const args = names.map(argOf);
  return args.every((a) => a !== undefined) ? (args as string[]) : undefined;
}

/**
 * The rule as said to the model, in the arguments' names (`argOf`: the argument a body member became, undefined
 * when none): "Give at least one of: a, b." / "Give exactly one of: id; owner and repo." Alternatives naming a
 * member that is no argument are left out (no call can send it, so the rest is what a call must meet); undefined
 * when none is left.
 */
export function ruleSentence(
  rule: MemberRule,
  argOf: (member: string) => string | undefined,
): string | undefined {
  switch (rule.kind) {
    case "presence": {
      const sets = rule.sets.map((set) => argsOf(set, argOf)).filter((set) => set !== undefined);
      if (sets.length === 0) return undefined;
      if (sets.length === 1) return `Give ${listed(sets[0] as string[])}.`;
      const joined = sets.map(listed).join(sets.every((set) => set.length === 1) ? ", " : "; ");
      return `Give ${rule.exclusive ? "exactly" : "at least"} one of: ${joined}.`;
    }
  }
}
