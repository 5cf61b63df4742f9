import type {
  GraphQLAbstractType,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
} from "graphql";
import { graphqlJs } from "../../load/graphql.js";

/**
 * The default selection set of a root field, when the manifest gives none. What it selects, and why:
 * - scalar and enum leaves of every object on the way, down to `depth` levels (default 2, at most 3);
 * - never a deprecated field, nor a field with a required argument (nobody could fill it in);
 * - each type expanded once per path: a type met again below itself is `{ id }` (or `__typename` without an id),
 *   and so are objects at the depth limit (objects without an id are left out there);
 * - interfaces and unions as `__typename`, the interface's own fields, and one inline fragment per possible type
 *   (up to MAX_FRAGMENTS; beyond that only `__typename` and the interface's fields). A fragment holds its type's
 *   leaves and `{ id }` references, not deeper objects: a list of mixed results stays readable, and the details of
 *   one are a `node(id:)` away. Fields that fragments share by name but not by type (`status: StackStatus!` vs
 *   `status: AppStatus!`) are aliased, or the document would not validate;
 * - Relay connections (a `pageInfo` with `hasNextPage`/`endCursor`, and `nodes` or `edges { node }`) as their own
 *   leaves (`totalCount`), `pageInfo { hasNextPage endCursor }` and the nodes, without spending a level; a nested
 *   connection whose `first` has no default asks for NESTED_PAGE items, so the result stays bounded.
 */

export const DEFAULT_DEPTH = 2;
export const MAX_DEPTH = 3;
export const MAX_FRAGMENTS = 12;
export const NESTED_PAGE = 10;
/**
 * Bounds on what derived selections may hold (fields and fragments, counted as they are made), so a schema whose
 * types fan out cannot make the generator build documents of millions of fields: 7 KB of SDL (20 root fields of a
 * type with 300 object fields of a type with 300 leaves) derived 1.8 million, took 70 s and 3 GB, and crashed with
 * TW170. One tool's selection: GitHub's largest is 1,501 at the default depth and 11,762 at depth 3. One source in
 * all: GitHub's 278 root fields at depth 3 derive about 198,000, Nautical's 575 about 210,000.
 */
export const MAX_SELECTION_ITEMS = 20_000;
export const MAX_SOURCE_SELECTION_ITEMS = 500_000;

/** A derived selection would pass a bound: `source` when the source's selections together would. */
export class SelectionTooLarge extends Error {
  constructor(readonly scope: "tool" | "source") {
    super(
      scope === "tool"
        ? `its derived selection set passes ${MAX_SELECTION_ITEMS.toLocaleString("en-US")} fields`
        : `the derived selection sets of this GraphQL source pass ${MAX_SOURCE_SELECTION_ITEMS.toLocaleString("en-US")} fields in all`,
    );
    this.name = "SelectionTooLarge";
  }
}

export interface SelField {
  kind: "field";
  name: string;
  alias?: string;
  /** Printed arguments, e.g. `first: 10`. */
  args?: string;
  sub?: SelItem[];
}

export interface SelFragment {
  kind: "fragment";
  on: string;
  sub: SelItem[];
}

export type SelItem = SelField | SelFragment;

interface Connection {
  pageInfo: string;
  /** `nodes { ... }` or `edges { node { ... } }`. */
  via: "nodes" | "edges";
  nodeType: GraphQLCompositeType;
}

export function isSelectable(field: GraphQLField<unknown, unknown>): boolean {
  if (field.deprecationReason || field.name.startsWith("__")) return false;
  return field.args.every((a) => !(graphqlJs().isNonNullType(a.type) && a.defaultValue === undefined));
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class SelectionDeriver {
  private readonly connections = new Map<string, Connection | null>();
  private readonly aliasPlans = new Map<string, Map<string, Map<string, string>>>();
  /** Items this source's selections made so far, and what the one being derived may still make. */
  private used = 0;
  private left = 0;
  /** Which bound `left` comes from. */
  private bound: "tool" | "source" = "tool";

  constructor(private readonly schema: GraphQLSchema) {}

  /**
   * The selection of a field of type `type`, or undefined for leaves (which take no selection). Throws
   * `SelectionTooLarge` as soon as it would pass a bound, before building the rest.
   */
  derive(type: GraphQLNamedType, depth: number): SelItem[] | undefined {
    if (graphqlJs().isLeafType(type)) return undefined;
    if (this.used >= MAX_SOURCE_SELECTION_ITEMS) throw new SelectionTooLarge("source");
    const budget = Math.min(MAX_SELECTION_ITEMS, MAX_SOURCE_SELECTION_ITEMS - this.used);
    this.left = budget;
    this.bound = budget < MAX_SELECTION_ITEMS ? "source" : "tool";
    try {
      return this.selectNamed(type as GraphQLCompositeType, 1, depth, new Set());
    } finally {
      this.used += budget - Math.max(this.left, 0);
    }
  }

  /** Counts one item made; throws once the selection passes its bound. */
  private spend(): void {
    if (--this.left >= 0) return;
    throw new SelectionTooLarge(this.bound);
  }

  /** Relay connection structure of a type, if it has one. */
  connection(type: GraphQLNamedType): Connection | undefined {
    if (!graphqlJs().isObjectType(type)) return undefined;
    const cached = this.connections.get(type.name);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.findConnection(type);
    this.connections.set(type.name, found ?? null);
    return found;
  }

  private findConnection(type: GraphQLObjectType): Connection | undefined {
    const fields = type.getFields();
    const pageInfo = fields.pageInfo;
    const pageType = pageInfo ? graphqlJs().getNamedType(pageInfo.type) : undefined;
    if (!pageInfo || !graphqlJs().isObjectType(pageType)) return undefined;
    const pf = pageType.getFields();
    if (!pf.hasNextPage || !pf.endCursor) return undefined;
    const listOf = (f: GraphQLField<unknown, unknown> | undefined) => {
      if (!f || !isSelectable(f)) return undefined;
      const inner = graphqlJs().isNonNullType(f.type) ? f.type.ofType : f.type;
      return graphqlJs().isListType(inner) ? graphqlJs().getNamedType(inner) : undefined;
    };
    const nodes = listOf(fields.nodes);
    if (nodes && !graphqlJs().isLeafType(nodes))
      return { pageInfo: "pageInfo", via: "nodes", nodeType: nodes as GraphQLCompositeType };
    const edge = listOf(fields.edges);
    const node = graphqlJs().isObjectType(edge) ? edge.getFields().node : undefined;
    const nodeType = node ? graphqlJs().getNamedType(node.type) : undefined;
    if (nodeType && !graphqlJs().isLeafType(nodeType))
      return { pageInfo: "pageInfo", via: "edges", nodeType: nodeType as GraphQLCompositeType };
    return undefined;
  }

  private selectNamed(
    type: GraphQLCompositeType,
    level: number,
    depth: number,
    path: Set<string>,
  ): SelItem[] {
    const inner = new Set(path).add(type.name);
    if (graphqlJs().isObjectType(type)) {
      const conn = this.connection(type);
      if (conn) return this.connectionSelection(type, conn, level, depth, inner);
      const items = this.fieldsOf(type, level, depth, inner);
      return items.length > 0 ? items : [{ kind: "field", name: "__typename" }];
    }
    return this.abstractSelection(type as GraphQLAbstractType, level, depth, inner);
  }

  private connectionSelection(
    type: GraphQLObjectType,
    conn: Connection,
    level: number,
    depth: number,
    path: Set<string>,
  ): SelItem[] {
    const items: SelItem[] = [];
    for (const f of Object.values(type.getFields())) {
      if (isSelectable(f) && graphqlJs().isLeafType(graphqlJs().getNamedType(f.type))) {
        this.spend();
        items.push({ kind: "field", name: f.name });
      }
    }
    items.push({
      kind: "field",
      name: conn.pageInfo,
      sub: [
        { kind: "field", name: "hasNextPage" },
        { kind: "field", name: "endCursor" },
      ],
    });
    // The nodes sit at the connection's own level: a connection is a list, not a level of the data.
    const nodes = path.has(conn.nodeType.name)
      ? this.reference(conn.nodeType)
      : this.selectNamed(conn.nodeType, level, depth, path);
    items.push(
      conn.via === "nodes"
        ? { kind: "field", name: "nodes", sub: nodes }
        : { kind: "field", name: "edges", sub: [{ kind: "field", name: "node", sub: nodes }] },
    );
    return items;
  }

  private fieldsOf(
    type: GraphQLObjectType | GraphQLInterfaceType,
    level: number,
    depth: number,
    path: Set<string>,
    exclude?: ReadonlySet<string>,
    aliases?: ReadonlyMap<string, string>,
  ): SelItem[] {
    const items: SelItem[] = [];
    for (const f of Object.values(type.getFields())) {
      if (!isSelectable(f) || exclude?.has(f.name)) continue;
      const alias = aliases?.get(f.name);
      const named = graphqlJs().getNamedType(f.type);
      if (graphqlJs().isLeafType(named)) {
        this.spend();
        items.push({ kind: "field", name: f.name, ...(alias ? { alias } : {}) });
        continue;
      }
      const sub = this.child(named as GraphQLCompositeType, level, depth, path);
      if (!sub) continue;
      const args = this.connection(named) ? this.pageArgs(f) : undefined;
      this.spend();
      items.push({
        kind: "field",
        name: f.name,
        ...(alias ? { alias } : {}),
        ...(args ? { args } : {}),
        sub,
      });
    }
    return items;
  }

  /** A nested connection without a default page size gets one, so a result cannot grow without bound. */
  private pageArgs(f: GraphQLField<unknown, unknown>): string | undefined {
    const first = f.args.find((a) => a.name === "first");
    if (!first || first.defaultValue !== undefined || graphqlJs().getNamedType(first.type).name !== "Int")
      return undefined;
    return `first: ${NESTED_PAGE}`;
  }

  private child(
    named: GraphQLCompositeType,
    level: number,
    depth: number,
    path: Set<string>,
  ): SelItem[] | undefined {
    if (level >= depth) return this.idOnly(named);
    if (path.has(named.name)) return this.reference(named);
    return this.selectNamed(named, level + 1, depth, path);
  }

  /** `{ id }` when the type has a selectable leaf `id`; undefined otherwise. */
  private idOnly(type: GraphQLCompositeType): SelItem[] | undefined {
    if (!graphqlJs().isObjectType(type) && !graphqlJs().isInterfaceType(type)) return undefined;
    const id = type.getFields().id;
    return id && isSelectable(id) && graphqlJs().isLeafType(graphqlJs().getNamedType(id.type))
      ? [{ kind: "field", name: "id" }]
      : undefined;
  }

  private reference(type: GraphQLCompositeType): SelItem[] {
    return this.idOnly(type) ?? [{ kind: "field", name: "__typename" }];
  }

  private abstractSelection(
    type: GraphQLAbstractType,
    level: number,
    depth: number,
    path: Set<string>,
  ): SelItem[] {
    const items: SelItem[] = [{ kind: "field", name: "__typename" }];
    const own = graphqlJs().isInterfaceType(type) ? this.fieldsOf(type, level, depth, path) : [];
    items.push(...own);
    const possible = this.possibleTypes(type);
    if (possible.length > MAX_FRAGMENTS) return items;
    const shared = new Set(graphqlJs().isInterfaceType(type) ? Object.keys(type.getFields()) : []);
    const plan = this.aliasPlan(type);
    for (const member of possible) {
      const aliases = plan.get(member.name);
      const sub = path.has(member.name)
        ? (this.idOnly(member) ?? [])
            .filter((f) => !shared.has((f as SelField).name))
            .map((f) => {
              const alias = aliases?.get((f as SelField).name);
              return alias ? { ...f, alias } : f;
            })
        : this.fieldsOf(member, depth, depth, new Set(path).add(member.name), shared, aliases);
      if (sub.length === 0) continue;
      this.spend();
      items.push({ kind: "fragment", on: member.name, sub });
    }
    return items;
  }

  private possibleTypes(type: GraphQLAbstractType): readonly GraphQLObjectType[] {
    return [...this.schema.getPossibleTypes(type)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /**
   * Aliases for fields that possible types of `type` share by name but not by type. It depends on the schema
   * alone (never on which fragments a given selection includes), so every selection set of this abstract type
   * uses the same response keys, and nested selections merged by the validator never disagree. The first type
   * (by name) keeps the plain name; the others become `<type><Field>`.
   */
  private aliasPlan(type: GraphQLAbstractType): Map<string, Map<string, string>> {
    const cached = this.aliasPlans.get(type.name);
    if (cached) return cached;
    const possible = this.possibleTypes(type);
    const shared = new Set(graphqlJs().isInterfaceType(type) ? Object.keys(type.getFields()) : []);
    const taken = new Set<string>(shared);
    for (const m of possible) for (const name of Object.keys(m.getFields())) taken.add(name);
    const canonical = new Map<string, string>();
    const plan = new Map<string, Map<string, string>>();
    for (const member of possible) {
      for (const f of Object.values(member.getFields())) {
        if (shared.has(f.name)) continue;
        const printed = String(f.type);
        const first = canonical.get(f.name);
        if (first === undefined) canonical.set(f.name, printed);
        else if (first !== printed) {
          let alias = `${lowerFirst(member.name)}${upperFirst(f.name)}`;
          for (let i = 2; taken.has(alias); i++)
            alias = `${lowerFirst(member.name)}${upperFirst(f.name)}${i}`;
          taken.add(alias);
          const forMember = plan.get(member.name) ?? new Map<string, string>();
          plan.set(member.name, forMember);
          forMember.set(f.name, alias);
        }
      }
    }
    this.aliasPlans.set(type.name, plan);
    return plan;
  }
}

/** Prints a selection set (with its braces) at the given indentation. */
export function printSelection(items: SelItem[], indent: string): string {
  const lines: string[] = ["{"];
  const inner = `${indent}  `;
  for (const item of items) {
    if (item.kind === "fragment") {
      lines.push(`${inner}... on ${item.on} ${printSelection(item.sub, inner)}`);
      continue;
    }
    const head = `${item.alias ? `${item.alias}: ` : ""}${item.name}${item.args ? `(${item.args})` : ""}`;
    lines.push(item.sub ? `${inner}${head} ${printSelection(item.sub, inner)}` : `${inner}${head}`);
  }
  lines.push(`${indent}}`);
  return lines.join("\n");
}
