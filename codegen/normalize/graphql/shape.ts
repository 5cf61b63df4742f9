import type {
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLLeafType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  SelectionSetNode,
} from "graphql";
import type { PropertyNode, SchemaNode } from "../../ir/types.js";
import { graphqlJs } from "../../load/graphql.js";
import { nullable } from "../openapi/schema.js";
import { type GraphqlTypes, withMeta } from "./types.js";

/** The response keys of a selection for one concrete type, as execution collects them (spec "CollectFields"). */
export interface CollectedField {
  nodes: FieldNode[];
  /** Under `@skip` / `@include`: the key may be absent. */
  conditional: boolean;
}

function hasCondition(node: { directives?: readonly { name: { value: string } }[] }): boolean {
  return (node.directives ?? []).some((d) => d.name.value === "skip" || d.name.value === "include");
}

/**
 * The shape of the `data` a validated operation returns, as an IR schema: every selected key is present (null
 * where GraphQL says the field is nullable), aliases are the keys, objects are closed (a response has exactly the
 * selected keys). A selection on an interface or union becomes one object per group of possible types that
 * select the same fields, told apart by `__typename` when it is selected.
 */
export class ShapeBuilder {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly types: GraphqlTypes,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  ) {}

  collect(
    type: GraphQLObjectType,
    sets: readonly SelectionSetNode[],
    out = new Map<string, CollectedField>(),
    conditional = false,
    visited = new Set<string>(),
  ): Map<string, CollectedField> {
    for (const set of sets) {
      for (const sel of set.selections) {
        const cond = conditional || hasCondition(sel);
        if (sel.kind === graphqlJs().Kind.FIELD) {
          const key = sel.alias?.value ?? sel.name.value;
          const entry = out.get(key);
          if (entry) {
            entry.nodes.push(sel);
            entry.conditional &&= cond;
          } else out.set(key, { nodes: [sel], conditional: cond });
        } else if (sel.kind === graphqlJs().Kind.INLINE_FRAGMENT) {
          if (!sel.typeCondition || this.applies(sel.typeCondition.name.value, type))
            this.collect(type, [sel.selectionSet], out, cond, visited);
        } else {
          const name = sel.name.value;
          const fragment = this.fragments.get(name);
          if (!fragment || visited.has(name)) continue;
          if (this.applies(fragment.typeCondition.name.value, type)) {
            this.collect(type, [fragment.selectionSet], out, cond, new Set(visited).add(name));
          }
        }
      }
    }
    return out;
  }

  private applies(condition: string, type: GraphQLObjectType): boolean {
    if (condition === type.name) return true;
    const cond = this.schema.getType(condition);
    return cond !== undefined && graphqlJs().isAbstractType(cond) && this.schema.isSubType(cond, type);
  }

  /** The value of a field of type `type` whose sub-selections are `sets`. */
  output(type: GraphQLOutputType, sets: readonly SelectionSetNode[]): SchemaNode {
    if (graphqlJs().isNonNullType(type)) return this.outputNonNull(type.ofType, sets);
    return nullable(this.outputNonNull(type, sets));
  }

  private outputNonNull(type: GraphQLOutputType, sets: readonly SelectionSetNode[]): SchemaNode {
    if (graphqlJs().isNonNullType(type)) return this.outputNonNull(type.ofType, sets);
    if (graphqlJs().isListType(type)) return { kind: "array", items: this.output(type.ofType, sets) };
    if (graphqlJs().isLeafType(type)) return this.types.leaf(type as GraphQLLeafType, "output");
    return this.selection(type as GraphQLCompositeType, sets);
  }

  selection(type: GraphQLCompositeType, sets: readonly SelectionSetNode[]): SchemaNode {
    if (graphqlJs().isObjectType(type)) return this.object(type, sets);
    const possible = [...this.schema.getPossibleTypes(type)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    // Possible types selecting the same fields share one variant (GitHub's `Node` has hundreds of them).
    const groups = new Map<string, { names: string[]; shape: Extract<SchemaNode, { kind: "object" }> }>();
    for (const t of possible) {
      const shape = this.object(t, sets);
      // Which GraphQL type a nested shape is of does not set two possible types apart (`ownerType` below).
      const key = JSON.stringify(
        shape.properties.map((p) => (this.isTypename(p) ? { ...p, schema: "__typename" } : p)),
        (k, v) => (k === SHAPE_TYPE ? undefined : v),
      );
      const group = groups.get(key);
      if (group) group.names.push(t.name);
      else groups.set(key, { names: [t.name], shape });
    }
    const variants = [...groups.values()].map(({ names, shape }) => ({
      ...shape,
      properties: shape.properties.map((p) =>
        this.isTypename(p)
          ? {
              ...p,
              schema:
                names.length === 1
                  ? ({ kind: "literal", value: names[0] as string } as SchemaNode)
                  : ({ kind: "enum", values: names } as SchemaNode),
            }
          : p,
      ),
    }));
    if (variants.length === 0) return { kind: "never" };
    if (variants.length === 1) return variants[0] as SchemaNode;
    const typenameKey = this.typenameKey(variants[0] as Extract<SchemaNode, { kind: "object" }>);
    const discriminated =
      typenameKey !== undefined &&
      variants.every((v) => v.properties.some((p) => p.name === typenameKey && p.required));
    const mapping: Record<string, number> = {};
    if (discriminated) {
      for (const [i, g] of [...groups.values()].entries()) for (const n of g.names) mapping[n] = i;
    }
    return {
      kind: "union",
      exclusive: false,
      variants,
      ...(discriminated ? { discriminator: { property: typenameKey as string, mapping } } : {}),
      [SHAPE_TYPE]: type.name,
    } as SchemaNode;
  }

  private isTypename(p: PropertyNode & { typename?: boolean }): boolean {
    return p.typename === true;
  }

  private typenameKey(shape: Extract<SchemaNode, { kind: "object" }>): string | undefined {
    return shape.properties.find((p) => this.isTypename(p))?.name;
  }

  private object(type: GraphQLObjectType, sets: readonly SelectionSetNode[]) {
    const properties: (PropertyNode & { typename?: boolean })[] = [];
    for (const [key, { nodes, conditional }] of this.collect(type, sets)) {
      const first = nodes[0] as FieldNode;
      const name = first.name.value;
      if (name === "__typename") {
        properties.push({
          name: key,
          required: !conditional,
          schema: { kind: "literal", value: type.name },
          typename: true,
        });
        continue;
      }
      const def = type.getFields()[name];
      if (!def) continue;
      const subSets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
      const schema = withMeta(this.output(def.type, subSets), {
        description: def.description?.trim() || undefined,
        deprecated: def.deprecationReason ? true : undefined,
      });
      properties.push({ name: key, required: !conditional, schema });
    }
    return { kind: "object" as const, additional: false as const, properties, [SHAPE_TYPE]: type.name };
  }
}

/**
 * The bookkeeping key `ShapeBuilder` leaves on each object and union it makes: the GraphQL type it is the shape of
 * (carried through the copies `withMeta` makes). `cleanShape` takes it off and records it in `shapeTypes`.
 */
const SHAPE_TYPE = "graphqlType";

/**
 * The GraphQL type (by name) of each object and union of a shape `cleanShape` returned: what a shape shared by
 * several tools is named after in the catalog's schema table (`share.ts`).
 */
export const shapeTypes = new WeakMap<SchemaNode, string>();

function typed(node: SchemaNode, original: SchemaNode): SchemaNode {
  const name = (original as { [SHAPE_TYPE]?: string })[SHAPE_TYPE];
  if (name === undefined) return node;
  delete (node as { [SHAPE_TYPE]?: string })[SHAPE_TYPE];
  shapeTypes.set(node, name);
  return node;
}

/**
 * Drops the bookkeeping flag `object()` leaves on `__typename` properties, recursively, and the GraphQL type
 * names it leaves on objects and unions (recorded in `shapeTypes` instead).
 */
export function cleanShape(node: SchemaNode): SchemaNode {
  switch (node.kind) {
    case "object":
      return typed(
        {
          ...node,
          properties: node.properties.map(({ name, required, schema }) => ({
            name,
            required,
            schema: cleanShape(schema),
          })),
        },
        node,
      );
    case "array":
      return { ...node, items: cleanShape(node.items) };
    case "nullable":
      return { ...node, inner: cleanShape(node.inner) };
    case "union":
      return typed({ ...node, variants: node.variants.map(cleanShape) }, node);
    default:
      return node;
  }
}
