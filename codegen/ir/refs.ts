import type { SchemaNode, SymbolId } from "./types.js";

/** Every symbol a node references directly. */
export function refsOf(node: SchemaNode, out = new Set<SymbolId>()): Set<SymbolId> {
  switch (node.kind) {
    case "ref":
      out.add(node.target);
      break;
    case "object":
      for (const p of node.properties) refsOf(p.schema, out);
      if (typeof node.additional === "object") refsOf(node.additional, out);
      break;
    case "array":
      refsOf(node.items, out);
      break;
    case "tuple":
      for (const i of node.items) refsOf(i, out);
      if (node.rest) refsOf(node.rest, out);
      break;
    case "union":
      for (const v of node.variants) refsOf(v, out);
      break;
    case "intersection":
      for (const p of node.parts) refsOf(p, out);
      break;
    case "nullable":
      refsOf(node.inner, out);
      break;
  }
  return out;
}
