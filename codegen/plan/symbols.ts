import { refsOf } from "../ir/refs.js";
import type { SymbolTable } from "../ir/symbols.js";
import type { SchemaNode, SchemaSymbol, SymbolId } from "../ir/types.js";
import { compareStrings } from "../util.js";

export { refsOf };

export interface SymbolPlan {
  /** Symbols to emit, in an order where every eager reference points backwards. */
  order: SchemaSymbol[];
  /** Per symbol: the members of its strongly connected component (only for recursive symbols). */
  cycleOf: Map<SymbolId, Set<SymbolId>>;
  /** Symbols referenced through `z.lazy` and typed `z.ZodType<unknown>` (recursion with no object to defer in). */
  lazy: Set<SymbolId>;
}

/** Strongly connected components of a graph, sinks first (Tarjan). */
export function tarjan(ids: SymbolId[], edges: Map<SymbolId, Set<SymbolId>>): SymbolId[][] {
  let index = 0;
  const idx = new Map<SymbolId, number>();
  const low = new Map<SymbolId, number>();
  const stack: SymbolId[] = [];
  const onStack = new Set<SymbolId>();
  const sccs: SymbolId[][] = [];
  // Iterative, so a 10,000-schema spec cannot overflow the call stack.
  for (const start of ids) {
    if (idx.has(start)) continue;
    const work: { id: SymbolId; it: Iterator<SymbolId> }[] = [];
    const enter = (id: SymbolId) => {
      idx.set(id, index);
      low.set(id, index);
      index++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, it: (edges.get(id) ?? new Set()).values() });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { id: SymbolId; it: Iterator<SymbolId> };
      const next = top.it.next();
      if (!next.done) {
        const w = next.value;
        if (!idx.has(w)) enter(w);
        else if (onStack.has(w)) low.set(top.id, Math.min(low.get(top.id) as number, idx.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(top.id) as number));
      if (low.get(top.id) === idx.get(top.id)) {
        const scc: SymbolId[] = [];
        let w: SymbolId;
        do {
          w = stack.pop() as SymbolId;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.id);
        sccs.push(scc);
      }
    }
  }
  return sccs;
}

/**
 * References a symbol's definition evaluates immediately. References to members of its own cycle that sit
 * inside an object property are deferred (the property becomes a getter), so they impose no order.
 */
export function eagerRefs(
  node: SchemaNode,
  cycle: Set<SymbolId> | undefined,
  out = new Set<SymbolId>(),
): Set<SymbolId> {
  if (node.kind === "object") {
    for (const p of node.properties) {
      if (cycle && touches(p.schema, cycle)) continue;
      eagerRefs(p.schema, cycle, out);
    }
    if (typeof node.additional === "object") eagerRefs(node.additional, cycle, out);
    return out;
  }
  if (node.kind === "ref") {
    out.add(node.target);
    return out;
  }
  for (const child of children(node)) eagerRefs(child, cycle, out);
  return out;
}

export function touches(node: SchemaNode, cycle: Set<SymbolId>): boolean {
  for (const r of refsOf(node)) if (cycle.has(r)) return true;
  return false;
}

function children(node: SchemaNode): SchemaNode[] {
  switch (node.kind) {
    case "array":
      return [node.items];
    case "tuple":
      return [...node.items, ...(node.rest ? [node.rest] : [])];
    case "union":
      return node.variants;
    case "intersection":
      return node.parts;
    case "nullable":
      return [node.inner];
    default:
      return [];
  }
}

/** Which symbols to emit (those reachable from `roots`) and in what order. */
export function planSymbols(roots: SchemaNode[], table: SymbolTable): SymbolPlan {
  const reachable = new Set<SymbolId>();
  const queue: SymbolId[] = [];
  for (const r of roots) for (const id of refsOf(r)) queue.push(id);
  while (queue.length > 0) {
    const id = queue.pop() as SymbolId;
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const next of refsOf(table.get(id).schema)) if (!reachable.has(next)) queue.push(next);
  }
  const ids = [...reachable].sort((a, b) => compareStrings(table.get(a).name, table.get(b).name));
  const edges = new Map(ids.map((id) => [id, refsOf(table.get(id).schema)]));
  const cycleOf = new Map<SymbolId, Set<SymbolId>>();
  for (const scc of tarjan(ids, edges)) {
    const only = scc[0] as SymbolId;
    if (scc.length > 1 || edges.get(only)?.has(only)) {
      const members = new Set(scc);
      for (const id of scc) cycleOf.set(id, members);
    }
  }
  const eager = new Map(ids.map((id) => [id, eagerRefs(table.get(id).schema, cycleOf.get(id))]));
  return { ...topoOrder(ids, eager, table), cycleOf };
}

function topoOrder(ids: SymbolId[], eager: Map<SymbolId, Set<SymbolId>>, table: SymbolTable) {
  const lazy = new Set<SymbolId>();
  const done = new Set<SymbolId>();
  const order: SchemaSymbol[] = [];
  const remaining = new Set(ids);
  const ready = (id: SymbolId) => [...(eager.get(id) ?? [])].every((d) => done.has(d) || lazy.has(d));
  while (remaining.size > 0) {
    let progressed = false;
    for (const id of [...remaining]) {
      if (!ready(id)) continue;
      remaining.delete(id);
      done.add(id);
      order.push(table.get(id));
      progressed = true;
    }
    if (!progressed) lazy.add(cycleBreaker(remaining, eager, lazy, table));
  }
  return { order, lazy };
}

/**
 * Nothing left is ready, so the eager references among the remaining symbols form a cycle (recursion that never
 * passes through an object, `T = T[]`): one member of a cycle is referred to through z.lazy from now on. Symbols
 * that only depend on a cycle (`Holder.value: JsonValue`) are never chosen: deferring them would not break it.
 * Each call picks a symbol that was not lazy before (references to lazy symbols are no edges here), so the
 * ordering ends after at most one call per symbol.
 */
function cycleBreaker(
  remaining: Set<SymbolId>,
  eager: Map<SymbolId, Set<SymbolId>>,
  lazy: Set<SymbolId>,
  table: SymbolTable,
): SymbolId {
  const ids = [...remaining].sort((a, b) => compareStrings(table.get(a).name, table.get(b).name));
  const edges = new Map(
    ids.map((id) => [
      id,
      new Set([...(eager.get(id) ?? [])].filter((d) => remaining.has(d) && !lazy.has(d))),
    ]),
  );
  const cyclic = tarjan(ids, edges).find(
    (scc) => scc.length > 1 || edges.get(scc[0] as SymbolId)?.has(scc[0] as SymbolId),
  );
  if (!cyclic) throw new Error("symbol ordering is stuck without a cycle");
  return cyclic.sort((a, b) => compareStrings(table.get(a).name, table.get(b).name))[0] as SymbolId;
}
