import type { JsonSchema } from "../catalog.js";
import { isJsonObject, setOwn } from "../catalog.js";
import { conciseSchema, conciseSchemaText, conciseShared } from "./describe.js";
import { ANNOTATION_KEYWORDS, DATA_KEYWORDS, SCHEMA_MAPS } from "./walk.js";

export { ANNOTATION_KEYWORDS, DATA_KEYWORDS, SCHEMA_MAPS };

/**
 * The bounded projection: a tool's root schema plus the named schemas it reaches, taken from the catalog's table
 * nearest first (breadth-first over references, in the order they appear). A name is expanded when it is at most
 * `depth` references from the root and adding it keeps the schema within `bytes`; any other reached name is
 * published as an open schema that keeps the type, title and description and says it was not expanded.
 *
 * Never narrower than the truth: an open schema accepts everything its original did. Where that could make a
 * value match more than one branch of a `oneOf` (or flip a `not`), the keyword is loosened too (`oneOf` becomes
 * `anyOf`, the `not` is dropped), so whatever the server accepts or returns, the published schema accepts.
 */

export interface Bounds {
  /** References followed from the root (0: every reference is left unexpanded). */
  depth: number;
  /** Upper bound on the compact JSON size of the result; named schemas are added while they fit. */
  bytes: number;
  /**
   * How far the root itself may be cut when it alone is larger than `bytes`: 1 keeps its properties (an input's
   * argument names), 0 its property names with leaf types, -1 lets it become an open object (outputs).
   */
  keepLevel?: number;
  /** Descriptions made concise (`describe.ts`); the open stand-ins' text is short already and keeps its note. */
  concise?: boolean;
}

export const UNBOUNDED: Bounds = { depth: Number.POSITIVE_INFINITY, bytes: Number.POSITIVE_INFINITY };

export interface Projection {
  schema: JsonSchema;
  /** Names published as open schemas (beyond the depth, past the byte budget, or missing from the table). */
  unexpanded: string[];
}

const PREFIX = "#/$defs/";

/** Decodes a `#/$defs/<Name>` reference (JSON pointer escapes included); undefined for anything else. */
export function refName(ref: unknown): string | undefined {
  if (typeof ref !== "string" || !ref.startsWith(PREFIX)) return undefined;
  return ref.slice(PREFIX.length).replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * Every name a schema refers to, each once, in the order they first appear. Walked with `for...in` over own keys,
 * not `Object.entries`: the load-time check runs it over every tool of the catalog, and the arrays `entries`
 * allocates per object made it about twice as slow on GitHub's 1,223 tools.
 */
export function namesIn(node: unknown, out: string[] = [], seen = new Set<string>()): string[] {
  if (Array.isArray(node)) {
    for (const item of node) namesIn(item, out, seen);
    return out;
  }
  if (!isJsonObject(node)) return out;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const value = node[key];
    if (key === "$ref") {
      const name = refName(value);
      if (name !== undefined && !seen.has(name)) {
        seen.add(name);
        out.push(name);
      }
    } else if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      for (const name in value) if (Object.hasOwn(value, name)) namesIn(value[name], out, seen);
    } else if (!DATA_KEYWORDS.has(key)) {
      namesIn(value, out, seen);
    }
  }
  return out;
}

/**
 * What the projection knows of the table's entries, computed once per publisher (or per `ProjectionMemo`) and shared
 * by every tool: each entry's size (compact JSON), the size of its open stand-in, and the names it refers to.
 */
export class SizeCache {
  private readonly sizes = new Map<string, number>();
  private readonly opens = new Map<string, number>();
  private readonly refs = new Map<string, readonly string[]>();
  constructor(readonly table: Record<string, JsonSchema>) {}
  of(name: string): number {
    let size = this.sizes.get(name);
    if (size === undefined) {
      size = JSON.stringify(this.table[name] ?? {}).length + JSON.stringify(name).length + 2;
      this.sizes.set(name, size);
    }
    return size;
  }
  /** The size of the name's open stand-in under `$defs`. */
  openOf(name: string): number {
    let size = this.opens.get(name);
    if (size === undefined) {
      size =
        JSON.stringify(unexpandedSchema(name, this.table[name])).length + JSON.stringify(name).length + 2;
      this.opens.set(name, size);
    }
    return size;
  }
  /** `namesIn` of the name's entry (none for a name missing from the table); shared, never modified. */
  namesOf(name: string): readonly string[] {
    let names = this.refs.get(name);
    if (names === undefined) {
      const def = this.table[name];
      names = def === undefined ? [] : namesIn(def);
      this.refs.set(name, names);
    }
    return names;
  }
}

/** What an open stand-in says about itself (after the first sentence of the original's description). */
const NOT_EXPANDED = "Not expanded: over the schema budget.";
const MISSING_NOTE = " is missing from this catalog's schemas; any value is accepted here.";

/** The open schema published in place of a name that is not expanded: its type, title, first sentence and why. */
export function unexpandedSchema(name: string, original: JsonSchema | undefined): JsonSchema {
  const out: JsonSchema = {};
  if (typeof original?.type === "string") out.type = original.type;
  out.title = typeof original?.title === "string" ? cut(original.title, TRIM_MIN) : name;
  const note = original === undefined ? `${name}${MISSING_NOTE}` : NOT_EXPANDED;
  out.description = describedAs(original ?? {}, out.title as string, note);
  return out;
}

/**
 * Whether a schema is an open stand-in `unexpandedSchema` made: its type, title and a description ending in its
 * note, nothing else (the inline profile writes it again where the name is referred to).
 */
export function isOpenStandIn(node: JsonSchema): boolean {
  const text = node.description;
  if (typeof text !== "string" || typeof node.title !== "string") return false;
  if (!Object.keys(node).every((key) => key === "type" || key === "title" || key === "description"))
    return false;
  return text === NOT_EXPANDED || text.endsWith(`(${NOT_EXPANDED})`) || text.endsWith(MISSING_NOTE);
}

/** The first sentence of the node's description (unless it only repeats the title), then the note. */
function describedAs(node: JsonSchema, title: string | undefined, note: string): string {
  const about = typeof node.description === "string" ? conciseSchemaText(node.description) : "";
  return about && about.replace(/\.$/, "") !== title ? `${about} (${note})` : note;
}

/** Keywords that nest schemas one data level down (composition keywords stay on the same level). */
const NESTING = new Set(["properties", "patternProperties", "additionalProperties", "items", "prefixItems"]);

/** Whether a schema holds other schemas (a leaf such as `{type: string, enum}` is kept whole by the pruning). */
function hasNested(node: JsonSchema): boolean {
  return Object.keys(node).some(
    (key) => NESTING.has(key) || key === "allOf" || key === "anyOf" || key === "oneOf" || key === "$ref",
  );
}

/** An inline part of the root left open by the pruning (its type, title and description are kept). */
function openInline(node: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  if (typeof node.type === "string") out.type = node.type;
  if (typeof node.title === "string") out.title = node.title;
  out.description = describedAs(node, out.title as string | undefined, NOT_EXPANDED);
  return out;
}

/**
 * The root with every schema nested more than `level` data levels down (properties, items) left open. Level 1
 * keeps the root's own properties (argument names) and cuts what is inside them.
 */
function pruneInline(node: unknown, level: number, stubs: WeakSet<object>, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((item) => pruneInline(item, level, stubs, depth));
  if (!isJsonObject(node)) return node;
  if (depth > level && hasNested(node)) {
    const stub = openInline(node);
    stubs.add(stub);
    return stub;
  }
  const out: JsonSchema = {};
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const value = node[key];
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      const map: JsonSchema = {};
      for (const name in value)
        if (Object.hasOwn(value, name)) setOwn(map, name, pruneInline(value[name], level, stubs, depth + 1));
      out[key] = map;
    } else out[key] = pruneInline(value, level, stubs, NESTING.has(key) ? depth + 1 : depth);
  }
  return out;
}

function nestingDepth(node: unknown, depth = 0): number {
  if (Array.isArray(node)) return Math.max(depth, ...node.map((item) => nestingDepth(item, depth)));
  if (!isJsonObject(node)) return depth;
  let max = depth;
  for (const key in node) {
    if (!Object.hasOwn(node, key) || DATA_KEYWORDS.has(key)) continue;
    const value = node[key];
    if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      for (const name in value)
        if (Object.hasOwn(value, name)) max = Math.max(max, nestingDepth(value[name], depth + 1));
    } else max = Math.max(max, nestingDepth(value, NESTING.has(key) ? depth + 1 : depth));
  }
  return max;
}

/**
 * A root larger than the byte budget on its own loses its deepest inline parts first, one level at a time,
 * down to its own properties (never their names).
 */
function fitRoot(root: JsonSchema, bounds: Bounds, stubs: WeakSet<object>, rootLength: number): JsonSchema {
  if (!Number.isFinite(bounds.bytes) || rootLength <= bounds.bytes) return root;
  let fitted = root;
  for (let level = nestingDepth(root) - 1; level >= (bounds.keepLevel ?? 1); level--) {
    fitted = level < 0 ? openRoot(root, stubs) : (pruneInline(root, level, stubs) as JsonSchema);
    if (JSON.stringify(fitted).length <= bounds.bytes) return fitted;
  }
  return trimValues(fitted, Math.max(TRIM_MIN, bounds.bytes), stubs) as JsonSchema;
}

/** The least a value may keep before `trimValues` takes it (a tiny budget still keeps short enums and text). */
const TRIM_MIN = 256;

/**
 * The fit's last step, for a root still over its budget once pruned as far as it may be: a value that alone takes
 * more than `limit` bytes (the whole budget) is taken out of the schema that holds it, where the pruning
 * keeps leaves whole (an argument's enum of thousands, a default or examples of megabytes, a pattern or a text of
 * pages), which would otherwise grow one tools/list entry without bound (past the 10 MiB a client accepts). Values
 * within the budget stay, even when together they exceed it (Stripe's list of webhook event types, 6.5 KB, is
 * worth its bytes to a model). Never narrower than the truth: `default` and `examples` are annotations, dropping `enum`, `const` or
 * `pattern` widens (such a schema is marked open, so a `oneOf` over it is loosened), and a description or title is
 * cut to its first `limit` characters. The server still validates arguments against the whole schema.
 */
function trimValues(node: unknown, limit: number, stubs: WeakSet<object>): unknown {
  if (Array.isArray(node)) return node.map((item) => trimValues(item, limit, stubs));
  if (!isJsonObject(node)) return node;
  let out: JsonSchema | undefined;
  let widened = false;
  let droppedValues: unknown[] | undefined;
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const value = node[key];
    let next: unknown = value;
    if (DATA_KEYWORDS.has(key) || key === "pattern") {
      if (JSON.stringify(value).length > limit) {
        next = undefined;
        widened ||= key !== "default" && key !== "examples";
        if (key === "enum" && Array.isArray(value)) droppedValues = value;
      }
    } else if ((key === "description" || key === "title") && typeof value === "string") {
      next = cut(value, limit);
    } else if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
      let map: JsonSchema | undefined;
      for (const name in value) {
        if (!Object.hasOwn(value, name)) continue;
        const child = trimValues(value[name], limit, stubs);
        if (child !== value[name]) {
          map ??= { ...value };
          map[name] = child;
        }
      }
      next = map ?? value;
    } else next = trimValues(value, limit, stubs);
    if (next !== value) {
      out ??= { ...node };
      if (next === undefined) delete out[key];
      else out[key] = next;
    }
  }
  if (out && droppedValues) out.description = withValuesNote(out.description, droppedValues, limit);
  if (out && widened) stubs.add(out);
  return out ?? node;
}

/** How many values a note on an enum taken out names, and how much of each. */
const NOTE_VALUES = 5;
const NOTE_VALUE_CHARS = 40;

/**
 * An enum too large to publish is taken out, so the schema no longer says its values are a closed set: its
 * description says so, with the first few values, so a model can tell what kind of value is wanted (the server
 * still checks values against the whole schema). The note comes first within the description's own budget
 * (`limit`): a long description is cut to make room for it.
 */
function withValuesNote(description: unknown, values: unknown[], limit: number): string {
  const shown = values
    .slice(0, NOTE_VALUES)
    .map((v) => cut(JSON.stringify(v) ?? String(v), NOTE_VALUE_CHARS));
  const note = cut(
    `One of ${values.length} values, too many to list here (for example ${shown.join(", ")}).`,
    limit,
  );
  if (typeof description !== "string" || description === "") return note;
  const room = limit - note.length - 4;
  if (room < 16) return note;
  return `${cut(description, room)} ${note}`;
}

/** The first `n` characters of `text` and "..." when it is longer (never half a surrogate pair). */
function cut(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n).replace(/[\uD800-\uDBFF]$/, "")}...` : text;
}

/** An object root with nothing expanded (MCP wants `type: object` at the top). */
function openRoot(root: JsonSchema, stubs: WeakSet<object>): JsonSchema {
  const stub = { ...openInline(root), type: "object" };
  stubs.add(stub);
  return stub;
}

/**
 * Breadth-first choice of the names to expand; everything else reached is left open. Every name seen is
 * charged at its open size first, so expanding one pays the difference plus the open size of the new names it
 * brings: the result stays within `bytes` whenever the root and its own open names do.
 */
function choose(
  root: JsonSchema,
  table: Record<string, JsonSchema>,
  bounds: Bounds,
  sizes: SizeCache,
  rootLength = JSON.stringify(root).length,
): { expanded: string[]; open: string[] } {
  const expanded: string[] = [];
  const open: string[] = [];
  const seen = new Set<string>();
  const openCost = (name: string) => sizes.openOf(name);
  let level = namesIn(root, [], seen);
  let used = rootLength + 10 + level.reduce((n, name) => n + openCost(name), 0);
  for (let depth = 1; level.length > 0; depth++) {
    const next: string[] = [];
    for (const name of level) {
      const def = table[name];
      const children = sizes.namesOf(name).filter((child) => !seen.has(child));
      const delta = sizes.of(name) - openCost(name) + children.reduce((n, child) => n + openCost(child), 0);
      if (def !== undefined && depth <= bounds.depth && (used + delta <= bounds.bytes || delta <= 0)) {
        expanded.push(name);
        used += delta;
        for (const child of children) {
          seen.add(child);
          next.push(child);
        }
      } else open.push(name);
    }
    level = next;
  }
  return { expanded, open };
}

/** Names whose published form is wider than the original: open ones, and any expanded one that reaches them. */
function widenedNames(expanded: string[], open: string[], sizes: SizeCache): Set<string> {
  const widened = new Set(open);
  if (widened.size === 0) return widened;
  const refs = new Map(expanded.map((name) => [name, sizes.namesOf(name)]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, to] of refs) {
      if (!widened.has(name) && to.some((t) => widened.has(t))) {
        widened.add(name);
        changed = true;
      }
    }
  }
  return widened;
}

/** Whether a schema contains an open part: a widened name, or an inline part the pruning left open. */
function reaches(node: unknown, widened: ReadonlySet<string>, stubs?: WeakSet<object>): boolean {
  if (namesIn(node).some((name) => widened.has(name))) return true;
  if (!stubs) return false;
  const visit = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.some(visit);
    if (!isJsonObject(n)) return false;
    if (stubs.has(n)) return true;
    for (const key in n) if (Object.hasOwn(n, key) && !DATA_KEYWORDS.has(key) && visit(n[key])) return true;
    return false;
  };
  return visit(node);
}

/**
 * `oneOf` -> `anyOf` and `not` dropped wherever a branch reaches a widened name; the node is copied only where
 * something changes (the table's objects are shared, never modified).
 */
export function loosenExclusive(
  node: unknown,
  widened: ReadonlySet<string>,
  stubs?: WeakSet<object>,
): unknown {
  if (widened.size === 0 && !stubs) return node;
  if (Array.isArray(node)) {
    let changed = false;
    const out = node.map((item) => {
      const next = loosenExclusive(item, widened, stubs);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : node;
  }
  if (!isJsonObject(node)) return node;
  let out: JsonSchema | undefined;
  let oneOf: unknown;
  for (const key in node) {
    if (!Object.hasOwn(node, key) || DATA_KEYWORDS.has(key)) continue;
    const value = node[key];
    if (key === "not" && reaches(value, widened, stubs)) {
      out ??= { ...node };
      delete out.not;
      continue;
    }
    const next = SCHEMA_MAPS.has(key)
      ? loosenMap(value, widened, stubs)
      : loosenExclusive(value, widened, stubs);
    if (key === "oneOf" && reaches(value, widened, stubs)) {
      out ??= { ...node };
      delete out.oneOf;
      oneOf = next;
    } else if (next !== value) {
      out ??= { ...node };
      out[key] = next;
    }
  }
  if (out && oneOf !== undefined) {
    // The loosened oneOf becomes an anyOf; a node that has an anyOf of its own keeps both, each in force.
    if (!Object.hasOwn(out, "anyOf")) out.anyOf = oneOf;
    else out.allOf = [...(Array.isArray(out.allOf) ? out.allOf : []), { anyOf: oneOf }];
  }
  return out ?? node;
}

function loosenMap(map: unknown, widened: ReadonlySet<string>, stubs?: WeakSet<object>): unknown {
  if (!isJsonObject(map)) return map;
  let out: JsonSchema | undefined;
  for (const name in map) {
    if (!Object.hasOwn(map, name)) continue;
    const schema = map[name];
    const next = loosenExclusive(schema, widened, stubs);
    if (next !== schema) {
      out ??= { ...map };
      out[name] = next;
    }
  }
  return out ?? map;
}

/**
 * The part of a root's projection that does not depend on the description mode: the root as fitted into the
 * budget, and every `$defs` member (expanded ones loosened where they reach an open name, open stand-ins), by name.
 */
interface Layout {
  /** The root, fitted and loosened (the table's and the root's objects are shared, never modified). */
  top: JsonSchema;
  defs: { name: string; node: JsonSchema; expanded: boolean }[];
  unexpanded: string[];
  /** The open inline parts the pruning made (kept as they are by the concise text). */
  stubs: WeakSet<object>;
}

/** `rootLength`: the length of the root's JSON when the caller has it (the memo's key is that JSON). */
function layout(
  root: JsonSchema,
  table: Record<string, JsonSchema>,
  bounds: Bounds,
  sizes: SizeCache,
  rootLength = JSON.stringify(root).length,
): Layout {
  const stubs = new WeakSet<object>();
  const fitted = fitRoot(root, bounds, stubs, rootLength);
  const pruned = fitted !== root;
  const { expanded, open } = choose(fitted, table, bounds, sizes, pruned ? undefined : rootLength);
  if (expanded.length === 0 && open.length === 0) {
    const top = pruned ? (loosenExclusive(fitted, new Set(), stubs) as JsonSchema) : root;
    return { top, defs: [], unexpanded: [], stubs };
  }
  const widened = widenedNames(expanded, open, sizes);
  const defs = [
    ...expanded.map((name) => ({
      name,
      node: loosenExclusive(table[name], widened) as JsonSchema,
      expanded: true,
    })),
    ...open.map((name) => ({ name, node: unexpandedSchema(name, table[name]), expanded: false })),
  ];
  defs.sort(({ name: a }, { name: b }) => (a < b ? -1 : a > b ? 1 : 0));
  const top = loosenExclusive(fitted, widened, pruned ? stubs : undefined) as JsonSchema;
  return { top, defs, unexpanded: open.sort(), stubs };
}

/** The layout with the description mode applied: concise text for the root and each expanded name. */
function render(laid: Layout, table: Record<string, JsonSchema>, concise: boolean | undefined): Projection {
  // A table entry's concise text is computed once per entry; the root's and loosened entries' per projection.
  const text = (node: JsonSchema, shared: boolean): JsonSchema =>
    !concise ? node : shared ? conciseShared(node) : (conciseSchema(node, laid.stubs) as JsonSchema);
  const top = text(laid.top, false);
  if (laid.defs.length === 0) return { schema: top, unexpanded: [] };
  const defs = laid.defs.map(({ name, node, expanded }): [string, JsonSchema] => [
    name,
    expanded ? text(node, node === table[name]) : node,
  ]);
  return { schema: { ...top, $defs: Object.fromEntries(defs) }, unexpanded: [...laid.unexpanded] };
}

/** The schema a client receives for one root: the root, and its named schemas under `$defs` in name order. */
export function project(
  root: JsonSchema,
  table: Record<string, JsonSchema>,
  bounds: Bounds,
  sizes: SizeCache = new SizeCache(table),
): Projection {
  return render(layout(root, table, bounds, sizes), table, bounds.concise);
}

/**
 * Projections of one table remembered by root and bounds: tools whose roots are the same JSON (many outputs of a
 * REST API are the same entity or list of it) share one projection, and a root projected with full and with
 * concise descriptions (generate measures both under `descriptions: auto`) is fitted and chosen once. The
 * results are shared, never modified: the publisher's transforms copy what they change.
 */
export class ProjectionMemo {
  readonly sizes: SizeCache;
  /** By the root's JSON, then by bounds: its layout and its renderings (full, concise) once made. */
  private readonly byRoot = new Map<
    string,
    Map<string, { laid: Layout; full?: Projection; concise?: Projection }>
  >();
  /**
   * Each root object's JSON, made once: a root is not modified while the memo is in use (generate's catalog is
   * complete before it is measured), so every publisher asking for it again reuses the text and its hash.
   */
  private readonly keys = new WeakMap<JsonSchema, string>();
  /** Roots derived from a tool's own (`derived`), by what derives them, then by the tool's root. */
  private readonly derivations = new WeakMap<object, WeakMap<JsonSchema, JsonSchema>>();
  /** How many layouts and renderings were computed (not found in the memo). */
  readonly computed = { layouts: 0, renders: 0, keys: 0 };
  constructor(readonly table: Record<string, JsonSchema>) {
    this.sizes = new SizeCache(table);
  }
  /**
   * `derive(root)`, made once per root for every publisher sharing the memo (`by`: what the derivation depends on
   * besides the root, the same object for the same result: a tool's input without the descriptions of the
   * catalog's common arguments), so the same object is projected, and its JSON made, once.
   */
  derived(root: JsonSchema, by: object, derive: (root: JsonSchema) => JsonSchema): JsonSchema {
    let roots = this.derivations.get(by);
    if (roots === undefined) {
      roots = new WeakMap();
      this.derivations.set(by, roots);
    }
    let out = roots.get(root);
    if (out === undefined) {
      out = derive(root);
      roots.set(root, out);
    }
    return out;
  }
  project(root: JsonSchema, bounds: Bounds): Projection {
    // The root's JSON is the key that costs: it is made once per root object and hashed once, in one map (bounds
    // are a few characters).
    let json = this.keys.get(root);
    if (json === undefined) {
      json = JSON.stringify(root);
      this.keys.set(root, json);
      this.computed.keys++;
    }
    let byBounds = this.byRoot.get(json);
    if (byBounds === undefined) {
      byBounds = new Map();
      this.byRoot.set(json, byBounds);
    }
    const boundsKey = `${bounds.depth} ${bounds.bytes} ${bounds.keepLevel ?? 1}`;
    let entry = byBounds.get(boundsKey);
    if (entry === undefined) {
      entry = { laid: layout(root, this.table, bounds, this.sizes, json.length) };
      byBounds.set(boundsKey, entry);
      this.computed.layouts++;
    }
    const mode = bounds.concise === true ? "concise" : "full";
    let result = entry[mode];
    if (result === undefined) {
      result = render(entry.laid, this.table, bounds.concise);
      entry[mode] = result;
      this.computed.renders++;
    }
    return result;
  }
}
