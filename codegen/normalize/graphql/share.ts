import type { SymbolTable } from "../../ir/symbols.js";
import type { SchemaNode, ToolNode } from "../../ir/types.js";
import { META_KEYS, metaOf } from "../../ir/views.js";
import type { GraphqlSourceModel } from "./model.js";
import { shapeTypes } from "./shape.js";
import { astRef } from "./types.js";

/**
 * A shape shared this many times or more (after the shapes holding it are shared) is stored once in the catalog's
 * schema table; one smaller than `MIN_SHARED_BYTES` (about its JSON Schema's size) stays where it is, since a
 * reference and its table entry would take about as much.
 */
const MIN_SHARED_USES = 2;
const MIN_SHARED_BYTES = 160;

function hasMeta(node: SchemaNode): boolean {
  for (const key of META_KEYS) if (node[key] !== undefined) return true;
  return false;
}

function withoutMeta(node: SchemaNode): SchemaNode {
  const out = { ...node } as Record<string, unknown>;
  for (const key of META_KEYS) delete out[key];
  return out as unknown as SchemaNode;
}

/** One distinct shape of one GraphQL type: its own meaning, where it is used, and whether it is stored once. */
interface Shape {
  /** The shape without the annotations of the place it is used at (a field's description). */
  bare: SchemaNode;
  type: string;
  model: GraphqlSourceModel;
  size: number;
  /** The shapes directly inside it (not inside one of them), each as often as it occurs. */
  children: number[];
  /** How often it is written in the catalog, once the shapes around it are decided. */
  uses: number;
  symbol?: string;
}

/**
 * GraphQL tools' output schemas with each shape that repeats (an object or union type selected the same way, which
 * many tools do: GitHub's `Repository` with its leaves, a connection's `pageInfo`) stored once, as a named schema
 * the tools refer to, like an OpenAPI spec's components: catalog.json, its published schemas and the generated
 * TypeScript then grow with the distinct shapes, not with tools x shapes (Nautical's outputs took 4.7 MB of its
 * 6.2 MB of compact JSON when each tool held its own copy).
 *
 * A shape is named after its GraphQL type (`Repository`, then `Repository2` for a second selection of it, in the
 * order tools first use them). Whether a shape is stored once is decided outermost first: a shape used only
 * inside another that is stored once is written there, once, and counts once. A tool's root stays inline (MCP
 * wants an object there); the shapes inside it are referred to.
 */
export function shareGraphqlShapes(
  tools: readonly ToolNode[],
  models: readonly GraphqlSourceModel[],
  symbols: SymbolTable,
): void {
  const byId = new Map(models.map((m) => [m.id, m]));
  const sharing = new ShapeSharing(symbols);
  const roots: ToolNode[] = [];
  for (const tool of tools) {
    const model = tool.binding.kind === "graphql" ? byId.get(tool.binding.source) : undefined;
    if (!model || !tool.output) continue;
    sharing.root(tool.output, model);
    roots.push(tool);
  }
  if (!sharing.decide()) return;
  for (const tool of roots) tool.output = sharing.rebuildInside(tool.output as SchemaNode);
}

/** Per node met: its signature (children named by theirs) and approximate size, and the shape it is, if one. */
interface Seen {
  sig: string;
  size: number;
  shape?: number;
}

class ShapeSharing {
  private readonly shapes: Shape[] = [];
  /** Shapes by GraphQL type and signature. */
  private readonly ids = new Map<string, number>();
  private readonly seen = new Map<SchemaNode, Seen>();
  /** Every signature met but a shape's, by a number: a node's signature names its children by theirs. */
  private readonly interned = new Map<string, number>();
  /** How often each shape is written directly in the tools' roots. */
  private readonly inRoots: number[] = [];
  /** Shapes named per GraphQL type so far. */
  private readonly named = new Map<string, number>();

  constructor(private readonly symbols: SymbolTable) {}

  /** Reads one tool's root: its own contents count, whether it is a shape or not (it is written inline). */
  root(node: SchemaNode, model: GraphqlSourceModel): void {
    for (const child of childrenOf(node)) this.sigOf(child, model, this.inRoots);
  }

  /** Which shapes are stored once, outermost first (a shape's id is larger than those of the shapes inside it). */
  decide(): boolean {
    const { shapes } = this;
    if (shapes.length === 0) return false;
    for (const id of this.inRoots) (shapes[id] as Shape).uses++;
    let any = false;
    for (let id = shapes.length - 1; id >= 0; id--) {
      const shape = shapes[id] as Shape;
      const shared = shape.uses >= MIN_SHARED_USES && shape.size >= MIN_SHARED_BYTES;
      if (shared) shape.symbol = "";
      any ||= shared;
      // Stored once, its contents are written once; else wherever it is used.
      const times = shared ? 1 : shape.uses;
      for (const child of shape.children) (shapes[child] as Shape).uses += times;
    }
    return any;
  }

  private intern(sig: string): string {
    let n = this.interned.get(sig);
    if (n === undefined) {
      n = this.interned.size;
      this.interned.set(sig, n);
    }
    return `@${n}`;
  }

  private sizeOf(node: SchemaNode): number {
    return this.seen.get(node)?.size ?? 0;
  }

  /** The node's signature for its parent's; the shapes directly inside it (or it, if one) are added to `inside`. */
  private sigOf(node: SchemaNode, model: GraphqlSourceModel, inside: number[]): string {
    const known = this.seen.get(node);
    if (known) {
      if (known.shape !== undefined) inside.push(known.shape);
      else this.collectInside(node, inside);
      return known.sig;
    }
    const type = shapeTypes.get(node);
    const own: number[] = type === undefined ? inside : [];
    const body = this.bodyOf(node, model, own);
    if (body === undefined) {
      // A leaf (GraphQL output shapes hold no tuples): its JSON, annotations included.
      const json = JSON.stringify(node);
      const sig = this.intern(json);
      this.seen.set(node, { sig, size: json.length });
      return sig;
    }
    const metaText = hasMeta(node) ? JSON.stringify(metaOf(node)) : "";
    if (type === undefined) {
      const sig = this.intern(`${body.sig}${metaText}`);
      this.seen.set(node, { sig, size: body.size + metaText.length });
      return sig;
    }
    // A shape: the same GraphQL type (of the same source) selected the same way, whatever the place says of it.
    const key = `${model.id} ${type} ${body.sig}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.shapes.length;
      this.ids.set(key, id);
      this.shapes.push({ bare: withoutMeta(node), type, model, size: body.size, children: own, uses: 0 });
    }
    inside.push(id);
    const sig = `#${id}${metaText}`;
    this.seen.set(node, { sig, size: body.size + metaText.length, shape: id });
    return sig;
  }

  /** A node's signature without its annotations, and its size; undefined for a leaf. */
  private bodyOf(
    node: SchemaNode,
    model: GraphqlSourceModel,
    own: number[],
  ): { sig: string; size: number } | undefined {
    const child = (n: SchemaNode) => this.sigOf(n, model, own);
    switch (node.kind) {
      case "object": {
        let sig = typeof node.additional === "object" ? `{+${child(node.additional)}` : `{${node.additional}`;
        let size = 60;
        for (const p of node.properties) {
          sig += `,${JSON.stringify(p.name)}${p.required ? "!" : "?"}${child(p.schema)}`;
          size += p.name.length + 4 + this.sizeOf(p.schema);
        }
        return { sig, size };
      }
      case "array": {
        const sig = `[${child(node.items)}${node.minItems ?? ""},${node.maxItems ?? ""},${node.uniqueItems ?? ""}`;
        return { sig, size: 25 + this.sizeOf(node.items) };
      }
      case "nullable":
        return { sig: `?${child(node.inner)}`, size: 30 + this.sizeOf(node.inner) };
      case "union":
      case "intersection": {
        const parts = node.kind === "union" ? node.variants : node.parts;
        let sig =
          node.kind === "union" ? `|${node.exclusive}${JSON.stringify(node.discriminator ?? null)}` : "&";
        let size = 12;
        for (const part of parts) {
          sig += `|${child(part)}`;
          size += this.sizeOf(part);
        }
        return { sig, size };
      }
      default:
        return undefined;
    }
  }

  /** The shapes directly inside a node that is not one (met again: its signature is known, not its contents). */
  private collectInside(node: SchemaNode, inside: number[]): void {
    const known = this.seen.get(node);
    if (known?.shape !== undefined) {
      inside.push(known.shape);
      return;
    }
    for (const child of childrenOf(node)) this.collectInside(child, inside);
  }

  /** The node with each shape stored once replaced by a reference (its place's annotations beside it). */
  private rebuild(node: SchemaNode): SchemaNode {
    const id = this.seen.get(node)?.shape;
    const shape = id === undefined ? undefined : this.shapes[id];
    if (shape?.symbol === undefined) return this.rebuildInside(node);
    return { kind: "ref", target: this.symbolOf(shape), ...metaOf(node) } as SchemaNode;
  }

  /** The node itself kept, what is inside it rebuilt. */
  rebuildInside(node: SchemaNode): SchemaNode {
    const rebuild = (n: SchemaNode) => this.rebuild(n);
    switch (node.kind) {
      case "object":
        return {
          ...node,
          properties: node.properties.map((p) => ({ ...p, schema: rebuild(p.schema) })),
          ...(typeof node.additional === "object" ? { additional: rebuild(node.additional) } : {}),
        };
      case "array":
        return { ...node, items: rebuild(node.items) };
      case "nullable":
        return { ...node, inner: rebuild(node.inner) };
      case "union":
        return { ...node, variants: node.variants.map(rebuild) };
      case "intersection":
        return { ...node, parts: node.parts.map(rebuild) };
      default:
        return node;
    }
  }

  /** The shape's symbol, declared and defined where it is first referred to. */
  private symbolOf(shape: Shape): string {
    if (shape.symbol) return shape.symbol;
    const key = `${shape.model.id} ${shape.type}`;
    const n = (this.named.get(key) ?? 0) + 1;
    this.named.set(key, n);
    const id = `${shape.model.id}:graphql-shape:${shape.type}:${n}`;
    const type = shape.model.schema.getType(shape.type);
    this.symbols.declare(id, shape.type, astRef(shape.model.spec.file, type?.astNode));
    shape.symbol = id;
    this.symbols.define(id, this.rebuildInside(shape.bare));
    return id;
  }
}

function childrenOf(node: SchemaNode): SchemaNode[] {
  switch (node.kind) {
    case "object":
      return [
        ...node.properties.map((p) => p.schema),
        ...(typeof node.additional === "object" ? [node.additional] : []),
      ];
    case "array":
      return [node.items];
    case "nullable":
      return [node.inner];
    case "union":
      return node.variants;
    case "intersection":
      return node.parts;
    default:
      return [];
  }
}
