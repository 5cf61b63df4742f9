import type { Diagnostics } from "../diagnostics.js";
import type { SymbolTable } from "../ir/symbols.js";
import type { SchemaNode, SymbolId } from "../ir/types.js";
import { compareStrings } from "../util.js";
import { tarjan } from "./symbols.js";

/**
 * Recursion that consumes no data (`A: allOf [X, B]`, `B: allOf [A]`, or `A: anyOf [X, A]`) has no value to stop
 * at: a validator following it recurses until the stack overflows, in zod and in a client's ajv alike. Such a
 * cycle is cut where it closes, at one member (the first by name): its references into the cycle that sit in an
 * `allOf` become "any value", those in an `anyOf`/`oneOf` "no value", which is the cycle's own meaning (`A = X`).
 * Recursion through object properties, array items or map values is untouched. Returns the members of every cycle
 * (the spec's own text still has it, which TypeScript types cannot express either).
 */
export function cutUnguardedCycles(symbols: SymbolTable, diags: Diagnostics): Set<SymbolId> {
  const cycles = new Set<SymbolId>();
  for (;;) {
    const all = symbols.all();
    const edges = new Map(all.map((s) => [s.id, unguardedRefs(s.schema)]));
    const cyclic = tarjan(
      all.map((s) => s.id),
      edges,
    ).filter((scc) => scc.length > 1 || edges.get(scc[0] as SymbolId)?.has(scc[0] as SymbolId));
    if (cyclic.length === 0) return cycles;
    for (const scc of cyclic) {
      const members = new Set(scc);
      for (const id of scc) cycles.add(id);
      // Cut where it loses least: at a member that reaches the cycle only through `allOf` (cut to "any value"),
      // not one whose `oneOf`/`anyOf` variants are in it (cut to "no value": a variant lost). The polymorphism
      // Java generators write (springdoc, HubSpot's specs: `Base: oneOf [A, B]`, `A: allOf [Base, {...}]`) then
      // keeps every variant of Base, and each variant drops only its reference back to Base.
      const byName = scc.sort((a, b) => compareStrings(symbols.get(a).name, symbols.get(b).name));
      const victim = symbols.get(
        (byName.find((id) => !unionRefsInto(symbols.get(id).schema, members)) ?? byName[0]) as SymbolId,
      );
      victim.schema = cut(victim.schema, members, "any");
      if (!scc.every((id) => id.includes("~"))) {
        diags.warn(
          "TW138",
          `schema ${victim.defName} refers back to itself without an object or array in between (${[...scc]
            .map((id) => symbols.get(id).defName)
            .join(" -> ")}); the reference that closes the cycle is dropped`,
          victim.source,
        );
      }
    }
  }
}

/** Symbols a node stands for without consuming any data: through unions, intersections and nullable. */
function unguardedRefs(node: SchemaNode, out = new Set<SymbolId>()): Set<SymbolId> {
  switch (node.kind) {
    case "ref":
      out.add(node.target);
      break;
    case "union":
      for (const v of node.variants) unguardedRefs(v, out);
      break;
    case "intersection":
      for (const p of node.parts) unguardedRefs(p, out);
      break;
    case "nullable":
      unguardedRefs(node.inner, out);
      break;
  }
  return out;
}

/** Whether a `oneOf`/`anyOf` variant of `node` (through unions, intersections and nullable) is one of `members`. */
function unionRefsInto(node: SchemaNode, members: Set<SymbolId>, inUnion = false): boolean {
  switch (node.kind) {
    case "ref":
      return inUnion && members.has(node.target);
    case "union":
      return node.variants.some((v) => unionRefsInto(v, members, true));
    case "intersection":
      return node.parts.some((p) => unionRefsInto(p, members, inUnion));
    case "nullable":
      return unionRefsInto(node.inner, members, inUnion);
    default:
      return false;
  }
}

function cut(node: SchemaNode, members: Set<SymbolId>, neutral: "any" | "never"): SchemaNode {
  switch (node.kind) {
    case "ref": {
      if (!members.has(node.target)) return node;
      const { kind: _kind, target: _target, ...meta } = node;
      return { ...meta, kind: neutral };
    }
    case "union":
      return { ...node, variants: node.variants.map((v) => cut(v, members, "never")) };
    case "intersection":
      return { ...node, parts: node.parts.map((p) => cut(p, members, "any")) };
    case "nullable":
      return { ...node, inner: cut(node.inner, members, neutral) };
    default:
      return node;
  }
}
