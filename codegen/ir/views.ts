import type { SymbolTable } from "./symbols.js";
import type { PropertyNode, SchemaNode, SymbolId } from "./types.js";

export type Direction = "input" | "output";

/**
 * Input and output views of schemas: OpenAPI `readOnly` properties are left out of what an agent sends, and
 * `writeOnly` ones out of what it receives. A named schema that changes in a view gets a derived symbol
 * (`SecretInput`), so both views stay named and recursion-safe.
 */
export class Views {
  private readonly needs = new Map<string, boolean>();
  private readonly derived = new Map<string, SymbolId>();

  constructor(private readonly symbols: SymbolTable) {}

  view(node: SchemaNode, dir: Direction): SchemaNode {
    switch (node.kind) {
      case "ref":
        return { ...node, target: this.viewSymbol(node.target, dir) };
      case "object": {
        const properties = node.properties
          .filter((p) => !this.hidden(p.schema, dir))
          .map((p) => ({ ...p, schema: this.view(p.schema, dir) }));
        const additional =
          typeof node.additional === "object" ? this.view(node.additional, dir) : node.additional;
        return { ...node, properties, additional };
      }
      case "array":
        return { ...node, items: this.view(node.items, dir) };
      case "tuple":
        return {
          ...node,
          items: node.items.map((i) => this.view(i, dir)),
          ...(node.rest ? { rest: this.view(node.rest, dir) } : {}),
        };
      case "union":
        return { ...node, variants: node.variants.map((v) => this.view(v, dir)) };
      case "intersection":
        return { ...node, parts: node.parts.map((p) => this.view(p, dir)) };
      case "nullable":
        return { ...node, inner: this.view(node.inner, dir) };
      default:
        return node;
    }
  }

  private hidden(schema: SchemaNode, dir: Direction): boolean {
    const flag = dir === "input" ? "readOnly" : "writeOnly";
    if (schema[flag]) return true;
    return schema.kind === "ref" && this.symbols.get(schema.target).schema[flag] === true;
  }

  private viewSymbol(id: SymbolId, dir: Direction): SymbolId {
    if (!this.changes(id, dir, new Set())) return id;
    const key = `${id}~${dir}`;
    const existing = this.derived.get(key);
    if (existing) return existing;
    const original = this.symbols.get(id);
    const suffix = dir === "input" ? "Input" : "Output";
    this.symbols.declare(key, `${original.defName}${suffix}`, original.source);
    this.derived.set(key, key);
    this.symbols.define(key, this.view(original.schema, dir));
    return key;
  }

  /** Whether a named schema loses any property in this view (directly or through what it references). */
  private changes(id: SymbolId, dir: Direction, visiting: Set<string>): boolean {
    const key = `${id}~${dir}`;
    const known = this.needs.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return false;
    visiting.add(key);
    const result = this.nodeChanges(this.symbols.get(id).schema, dir, visiting);
    visiting.delete(key);
    if (result || visiting.size === 0) this.needs.set(key, result);
    return result;
  }

  private nodeChanges(node: SchemaNode, dir: Direction, visiting: Set<string>): boolean {
    switch (node.kind) {
      case "ref":
        return this.changes(node.target, dir, visiting);
      case "object":
        return (
          node.properties.some(
            (p) => this.hidden(p.schema, dir) || this.nodeChanges(p.schema, dir, visiting),
          ) ||
          (typeof node.additional === "object" && this.nodeChanges(node.additional, dir, visiting))
        );
      case "array":
        return this.nodeChanges(node.items, dir, visiting);
      case "tuple":
        return (
          node.items.some((i) => this.nodeChanges(i, dir, visiting)) ||
          (node.rest !== undefined && this.nodeChanges(node.rest, dir, visiting))
        );
      case "union":
        return node.variants.some((v) => this.nodeChanges(v, dir, visiting));
      case "intersection":
        return node.parts.some((p) => this.nodeChanges(p, dir, visiting));
      case "nullable":
        return this.nodeChanges(node.inner, dir, visiting);
      default:
        return false;
    }
  }
}

/** Follows refs to the node a name stands for (stops on cycles). */
export function resolveRefs(node: SchemaNode, symbols: SymbolTable): SchemaNode {
  let n = node;
  const seen = new Set<string>();
  while (n.kind === "ref" && !seen.has(n.target)) {
    seen.add(n.target);
    n = symbols.get(n.target).schema;
  }
  return n;
}

/** The top-level properties of an object-like schema (object, ref to one, allOf of them), if it is one. */
export function objectShape(
  node: SchemaNode,
  symbols: SymbolTable,
): { properties: PropertyNode[]; additional: boolean | SchemaNode } | undefined {
  const n = resolveRefs(node, symbols);
  if (n.kind === "object") return { properties: n.properties, additional: n.additional };
  if (n.kind === "intersection") {
    const parts = n.parts.map((p) => objectShape(p, symbols));
    if (parts.some((p) => p === undefined)) return undefined;
    const properties: PropertyNode[] = [];
    for (const part of parts) {
      for (const prop of part?.properties ?? []) {
        const i = properties.findIndex((q) => q.name === prop.name);
        if (i === -1) properties.push(prop);
        else {
          const prev = properties[i] as PropertyNode;
          // A part that only says "required" (any value) adds presence, not a type.
          const schema: SchemaNode =
            prop.schema.kind === "any"
              ? prev.schema
              : prev.schema.kind === "any"
                ? prop.schema
                : { kind: "intersection", parts: [prev.schema, prop.schema] };
          properties[i] = { name: prop.name, required: prev.required || prop.required, schema };
        }
      }
    }
    return { properties, additional: parts.every((p) => p?.additional !== false) };
  }
  return undefined;
}
