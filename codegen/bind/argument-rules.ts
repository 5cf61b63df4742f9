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
  | { kind: "presence"; exclusive: boolean; sets: string[][] }
  /** `dependentRequired`: with `member` present, so is each of `with`. */
  | { kind: "requires"; member: string; with: string[] }
  /** `not: {required: [a, b]}`: not all of them at once. */
  | { kind: "apart"; members: string[] }
  /** `minProperties` / `maxProperties` over the body's members (the arguments hold the parameters too). */
  | { kind: "count"; min: number; max?: number; members: string[] };

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

/**
 * A `oneOf`/`anyOf` each of whose alternatives only says which members are present (`{required: [state]}`,
 * normalized to an open object of required members of any value): a rule over the body's members, not a type.
 */
export function presenceRule(
  node: SchemaNode,
  symbols: SymbolTable,
): Extract<MemberRule, { kind: "presence" }> | undefined {
  const n = resolveRefs(node, symbols);
  if (n.kind !== "union" || n.variants.length < 2 || n.discriminator) return undefined;
  const sets: string[][] = [];
  for (const variant of n.variants) {
    const names = requiredOnly(variant, symbols);
    if (!names) return undefined;
    sets.push(names);
  }
  return { kind: "presence", exclusive: n.exclusive, sets };
}

/**
 * The rules on an object body that name its members: `presence` (split from its allOf parts already), then each
 * node's (the body's, then its allOf parts') `dependentRequired` and `not: {required: [...]}`, then one count of
 * members from the tightest `minProperties` and `maxProperties` (`members`: the body's members, in order).
 */
export function memberRules(
  object: SchemaNode,
  members: string[],
  presence: MemberRule[],
  symbols: SymbolTable,
): MemberRule[] {
  const rules = [...presence];
  const seen = new Set<SchemaNode>();
  let min = 0;
  let max: number | undefined;
  const visit = (node: SchemaNode) => {
    const n = resolveRefs(node, symbols);
    if (seen.has(n)) return;
    seen.add(n);
    if (n.kind === "object")
      for (const [member, others] of n.dependentRequired ?? [])
        rules.push({ kind: "requires", member, with: others });
    const apart = n.not ? requiredOnly(n.not, symbols) : undefined;
    if (apart) rules.push({ kind: "apart", members: apart });
    if (n.kind === "intersection") for (const part of n.parts) visit(part);
    if (n.kind !== "object") return;
    min = Math.max(min, n.minProperties ?? 0);
    if (n.maxProperties !== undefined) max = Math.min(max ?? n.maxProperties, n.maxProperties);
  };
  visit(object);
  if (min > 0 || max !== undefined)
    rules.push({ kind: "count", min, ...(max !== undefined ? { max } : {}), members });
  return rules;
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
 * when none): "Give at least one of: a, b." / "Give exactly one of: id; owner and repo." / "If you give a, also
 * give b." / "Do not give a and b together." / "Give at most one of: a, b, c." / "Give exactly one of: a, b."
 * (a count whose least and most are one number). Parts naming a member that is no
 * argument are left out (no call can send it, so the rest is what a call must meet); undefined when nothing is left.
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
    case "requires": {
      const member = argOf(rule.member);
      const others = rule.with.map(argOf).filter((a) => a !== undefined);
      return member && others.length > 0 ? `If you give ${member}, also give ${listed(others)}.` : undefined;
    }
    case "apart": {
      const args = argsOf(rule.members, argOf);
      if (!args) return undefined;
      return args.length === 1 ? `Do not give ${args[0]}.` : `Do not give ${listed(args)} together.`;
    }
    case "count": {
      const args = rule.members.map(argOf).filter((a) => a !== undefined);
      if (args.length === 0) return undefined;
      if (rule.min >= args.length) return `Give ${listed(args)}.`;
      if (rule.max === 0) return `Do not give any of: ${args.join(", ")}.`;
      if (rule.max === rule.min)
        return `Give exactly ${rule.min === 1 ? "one" : rule.min} of: ${args.join(", ")}.`;
      const parts = [
        ...(rule.min > 0 ? [`at least ${rule.min === 1 ? "one" : rule.min}`] : []),
        ...(rule.max !== undefined && rule.max < args.length
          ? [`at most ${rule.max === 1 ? "one" : rule.max}`]
          : []),
      ];
      if (parts.length === 0) return undefined;
      return `Give ${parts.join(" and ")} of: ${args.join(", ")}.`;
    }
  }
}

/**
 * The rules as said to the model (`ruleSentence`), each once, in the spec's order; `argOf` gives the argument a
 * member became (undefined when none).
 */
export function ruleSentences(rules: MemberRule[], argOf: (member: string) => string | undefined): string[] {
  const sentences = new Set<string>();
  for (const rule of rules) {
    const sentence = ruleSentence(rule, argOf);
    if (sentence !== undefined) sentences.add(sentence);
  }
  return [...sentences];
}
