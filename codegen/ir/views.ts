import { refsOf } from "./refs.js";
import type { SymbolTable } from "./symbols.js";
import type { PropertyNode, SchemaMeta, SchemaNode, SymbolId } from "./types.js";

/** The annotations a schema node may carry (`SchemaMeta`'s keys). */
export const META_KEYS = [
  "title",
  "description",
  "default",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
] as const;

/** A node's annotations alone. */
export function metaOf(node: SchemaNode): SchemaMeta {
  const meta: Record<string, unknown> = {};
  for (const key of META_KEYS) if (node[key] !== undefined) meta[key] = node[key];
  return meta as SchemaMeta;
}

export type Direction = "input" | "output";

/**
 * Input and output views of schemas: OpenAPI `readOnly` properties are left out of what an agent sends, and
 * `writeOnly` ones out of what it receives; a 64-bit integer an agent sends may be a string of its digits
 * (`digits`). A named schema that changes in a view gets a derived symbol
 * (`SecretInput`), so both views stay named and recursion-safe.
 */
export class Views {
  private readonly needs = new Map<string, boolean>();
  private readonly derived = new Map<string, SymbolId>();

  constructor(private readonly symbols: SymbolTable) {}

  view(node: SchemaNode, dir: Direction): SchemaNode {
    switch (node.kind) {
      case "ref": {
        // An input naming a discriminated base takes any of its subtypes (`SymbolTable.subtypes`); an output keeps
        // the base, open, so a subtype the spec does not list yet is no drift.
        const subtypes = this.polymorphic(node, dir) ? this.symbols.subtypes.get(node.target) : undefined;
        return { ...node, target: this.viewSymbol(subtypes ? subtypes() : node.target, dir) };
      }
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
      case "integer":
      case "number":
        return dir === "input" && wideNumber(node) ? { ...node, digits: true } : node;
      default:
        return node;
    }
  }

  /** A reference an input view replaces by the union of the base's subtypes. */
  private polymorphic(node: Extract<SchemaNode, { kind: "ref" }>, dir: Direction): boolean {
    return dir === "input" && node.asWritten !== true && this.symbols.subtypes.has(node.target);
  }

  private hidden(schema: SchemaNode, dir: Direction): boolean {
    const flag = dir === "input" ? "readOnly" : "writeOnly";
    if (schema[flag]) return true;
    return schema.kind === "ref" && this.symbols.get(schema.target).schema[flag] === true;
  }

  private viewSymbol(id: SymbolId, dir: Direction): SymbolId {
    if (!this.changes(id, dir)) return id;
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

  /**
   * Whether a named schema loses any property in this view (directly or through what it references). Answers
   * are remembered for every schema a query visits, "no" included: a strongly connected component of the
   * reference graph (a cycle) is decided as a whole when its depth-first search completes, so each schema is
   * examined once per direction however the references interlock (Stripe's expandable fields made the old
   * per-query walk quadratic).
   */
  private changes(start: SymbolId, dir: Direction): boolean {
    const known = this.needs.get(`${start}~${dir}`);
    if (known !== undefined) return known;
    const order = new Map<SymbolId, number>();
    const low = new Map<SymbolId, number>();
    const value = new Map<SymbolId, boolean>();
    const stack: SymbolId[] = [];
    const work: { id: SymbolId; next: Iterator<SymbolId> }[] = [];
    const enter = (id: SymbolId) => {
      order.set(id, order.size);
      low.set(id, order.get(id) as number);
      const schema = this.symbols.get(id).schema;
      value.set(id, this.changesHere(schema, dir));
      stack.push(id);
      work.push({ id, next: refsOf(schema).values() });
    };
    enter(start);
    while (work.length > 0) {
      const top = work[work.length - 1] as { id: SymbolId; next: Iterator<SymbolId> };
      const step = top.next.next();
      if (!step.done) {
        const to = step.value;
        const decided = this.needs.get(`${to}~${dir}`);
        if (decided !== undefined) {
          if (decided) value.set(top.id, true);
        } else if (!order.has(to)) enter(to);
        else if (value.has(to)) low.set(top.id, Math.min(low.get(top.id) as number, order.get(to) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (low.get(top.id) === order.get(top.id)) {
        // `top` roots a component: its members share one answer.
        const members: SymbolId[] = [];
        let any = false;
        let member: SymbolId;
        do {
          member = stack.pop() as SymbolId;
          members.push(member);
          any ||= value.get(member) === true;
        } while (member !== top.id);
        for (const m of members) {
          this.needs.set(`${m}~${dir}`, any);
          value.delete(m);
        }
        if (parent && any) value.set(parent.id, true);
      } else if (parent) {
        low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(top.id) as number));
        if (value.get(top.id)) value.set(parent.id, true);
      }
    }
    return this.needs.get(`${start}~${dir}`) as boolean;
  }

  /** Whether the schema itself hides a property in this view, references aside (those are edges). */
  private changesHere(node: SchemaNode, dir: Direction): boolean {
    switch (node.kind) {
      case "ref":
        return this.polymorphic(node, dir);
      case "object":
        return (
          node.properties.some((p) => this.hidden(p.schema, dir) || this.changesHere(p.schema, dir)) ||
          (typeof node.additional === "object" && this.changesHere(node.additional, dir))
        );
      case "array":
        return this.changesHere(node.items, dir);
      case "tuple":
        return (
          node.items.some((i) => this.changesHere(i, dir)) ||
          (node.rest !== undefined && this.changesHere(node.rest, dir))
        );
      case "union":
        return node.variants.some((v) => this.changesHere(v, dir));
      case "intersection":
        return node.parts.some((p) => this.changesHere(p, dir));
      case "nullable":
        return this.changesHere(node.inner, dir);
      case "integer":
      case "number":
        return dir === "input" && wideNumber(node);
      default:
        return false;
    }
  }
}

/**
 * A number a double does not hold, not yet in its input form: a 64-bit integer (`format: int64`/`uint64`), whose
 * values go beyond 2^53, or a decimal (`type: number, format: decimal`: money, quantities), whose digits go beyond
 * a double's 15 to 17. A JSON number from a JavaScript host cannot carry either exactly, so inputs take the digits
 * as a string too (`digits`). Only a declared format: an integer without one (GitHub's ids) stays a JSON integer,
 * as its spec says, and a `double` or `float` is a double.
 */
export function wideNumber(node: SchemaNode): boolean {
  if (node.kind === "integer")
    return node.digits === undefined && (node.format === "int64" || node.format === "uint64");
  return node.kind === "number" && node.digits === undefined && node.format === "decimal";
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

/**
 * The top-level properties of an object-like schema (object, ref to one, allOf of them), if it is one. An allOf that
 * reaches itself again through its parts is not one.
 */
export function objectShape(
  node: SchemaNode,
  symbols: SymbolTable,
  open: Set<SchemaNode> = new Set(),
): { properties: PropertyNode[]; additional: boolean | SchemaNode } | undefined {
  const n = resolveRefs(node, symbols);
  if (n.kind === "object") return { properties: n.properties, additional: n.additional };
  if (n.kind === "intersection") {
    if (open.has(n)) return undefined;
    open.add(n);
    const parts = n.parts.map((p) => objectShape(p, symbols, open));
    open.delete(n);
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
