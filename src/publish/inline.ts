import type { JsonSchema } from "../catalog.js";
import { isJsonObject, setOwn } from "../catalog.js";
import { conciseSchemaText } from "./describe.js";
import {
  ANNOTATION_KEYWORDS,
  DATA_KEYWORDS,
  isOpenStandIn,
  refName,
  SCHEMA_MAPS,
  unexpandedSchema,
} from "./project.js";

/**
 * The `inline` profile (the default): input schemas as the bounded projection publishes them, with every
 * `#/$defs/` reference replaced by the schema it names, so each input schema stands alone without `$defs`. Hosts
 * that build a tool's parameters from the input schema's `properties` and `required` alone (Continue's CLI `cn`
 * 1.5: `{ type: "object", properties, required }`; Copilot CLI, Kiro, opencode, Cursor, docs/clients.md) drop
 * `$defs` and send the model references to nothing, which model APIs refuse.
 *
 * What the inlined schema accepts is what the faithful one accepts: a reference whose siblings only annotate
 * (`description`, `default`, ...) becomes the named schema with those annotations over its own; one with siblings
 * that constrain becomes `allOf: [named schema]` beside them (2020-12 reads a `$ref` with siblings as both).
 * A reference back into a schema being inlined (recursion) ends there: no finite schema says more, and a `$defs`
 * kept for it would be dropped by the same hosts. The value is then described, not constrained (its type, and
 * a description naming the schema that recurses); the server still validates it against the faithful schema, so
 * a bad value deep in a recursive filter is refused with its path, as any other.
 *
 * Within the projection's byte budget: a named schema reached from several places is written at each of them,
 * which can multiply a schema (Microsoft Graph's term store: a term 12 times in one input, 5.7 KB with `$defs`,
 * 15.8 KB inlined). So the inlined schema may take `budget` bytes (the catalog's input budget), or the size of
 * the schema with `$defs` when that alone is larger (a root over the budget on its own): when inlining every
 * reference would take more, references are inlined breadth-first (nearest the root first, in the order they
 * appear), each while the schema stays within that size, as the projection chooses names; a reference that does
 * not fit becomes the projection's open schema for its name (type, title, first sentence, "Not expanded: over
 * the schema budget"), written short (type and title) where the name is written already. The result is within
 * that size whenever the root with its own references written open is (as the projection's is): DocuSign's
 * account settings refer to one open schema from 322 places, 60.7 KB against 58.3 KB with `$defs`.
 *
 * Never narrower than the truth: an open value (a recursion's end, a reference left open) may make a value match
 * more than one branch of a `oneOf` or flip a `not`, so a `oneOf` with a branch holding one becomes `anyOf` and
 * such a `not` is dropped, as the projection does.
 */
export function inlineReferences(schema: JsonSchema, budget = Number.POSITIVE_INFINITY): JsonSchema {
  const defs = schema.$defs;
  if (!isJsonObject(defs)) return schema;
  const { $defs: _defs, ...root } = schema;
  if (!Number.isFinite(budget)) return new Inliner(defs).all(root, Number.POSITIVE_INFINITY) as JsonSchema;
  const target = Math.max(budget, JSON.stringify(schema).length);
  // Every reference, unless copying the named schemas takes more than a few times the target (a catalog can
  // make the whole inlining exponential: each named schema referring to the next twice).
  const whole = new Inliner(defs).all(root, target * WORK_BOUND);
  if (whole !== undefined && JSON.stringify(whole).length <= target) return whole as JsonSchema;
  return new Inliner(defs).within(root, target) as JsonSchema;
}

/** How many times the target the named schemas copied while inlining every reference may add up to. */
const WORK_BOUND = 4;

/** A reference in the copy being built: what it becomes is decided after (`Inliner.value`). */
class Slot {
  /** `open`: the projection's open schema for the name; `recursion`: the name is being inlined around it. */
  state: "pending" | "expanded" | "open" | "recursion";
  /** The named schema's copy, once expanded. */
  target: unknown;
  /** Left open where an earlier reference (breadth-first) to the name is written already: its type and title only. */
  repeat = false;
  constructor(
    readonly name: string,
    /** The reference's siblings (copied). */
    readonly rest: JsonSchema,
    /** The names being inlined around it, outermost first. */
    readonly stack: readonly string[],
  ) {
    this.state = stack.includes(name) ? "recursion" : "pending";
  }
}

class Inliner {
  private queue: Slot[] = [];
  private readonly sizes = new Map<string, number>();
  private readonly opens = new Map<string, JsonSchema>();
  constructor(private readonly defs: JsonSchema) {}

  /** Every reference inlined; undefined when the named schemas copied would add up to more than `work` bytes. */
  all(root: JsonSchema, work: number): unknown {
    const top = this.copy(root, []);
    let spent = 0;
    for (let i = 0; i < this.queue.length; i++) {
      const slot = this.queue[i] as Slot;
      spent += this.sizeOf(slot.name);
      if (spent > work) return undefined;
      this.expand(slot, this.queue);
    }
    return this.value(top)[0];
  }

  /**
   * References inlined breadth-first while the schema stays within `limit` bytes, each charged first at its open
   * schema's size (as the projection charges names); the others are open.
   */
  within(root: JsonSchema, limit: number): unknown {
    const top = this.copy(root, []);
    const written = new Set<string>();
    repeats(this.queue, written);
    let used = this.length(top);
    for (let i = 0; i < this.queue.length; i++) {
      const slot = this.queue[i] as Slot;
      if (slot.state !== "pending") continue;
      slot.state = "open";
      const open = this.length(slot);
      const found: Slot[] = [];
      this.expand(slot, found);
      repeats(found, new Set(written));
      const delta = this.length(slot) - open;
      if (used + delta <= limit || delta <= 0) {
        used += delta;
        repeats(found, written);
        this.queue.push(...found);
      } else {
        slot.state = "open";
        slot.target = undefined;
      }
    }
    return this.value(top)[0];
  }

  private expand(slot: Slot, found: Slot[]): void {
    if (slot.state === "recursion") return;
    const queue = this.queue;
    this.queue = found;
    slot.target = this.copy(this.defs[slot.name], [...slot.stack, slot.name]);
    this.queue = queue;
    slot.state = "expanded";
  }

  private sizeOf(name: string): number {
    let size = this.sizes.get(name);
    if (size === undefined) {
      size = JSON.stringify(this.defs[name]).length;
      this.sizes.set(name, size);
    }
    return size;
  }

  private length(node: unknown): number {
    return JSON.stringify(this.value(node)[0]).length;
  }

  /** The node with its references as slots (pending, or `recursion`), queued in the order they appear. */
  private copy(node: unknown, stack: readonly string[]): unknown {
    if (Array.isArray(node)) return node.map((item) => this.copy(item, stack));
    if (!isJsonObject(node)) return node;
    const out: JsonSchema = {};
    for (const key of Object.keys(node)) {
      if (key === "$ref") continue;
      const value = node[key];
      if (DATA_KEYWORDS.has(key) || value === null || typeof value !== "object") out[key] = value;
      else if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
        const map: JsonSchema = {};
        for (const name of Object.keys(value)) setOwn(map, name, this.copy(value[name], stack));
        out[key] = map;
      } else out[key] = this.copy(value, stack);
    }
    const ref = node.$ref;
    if (ref === undefined) return out;
    const name = refName(ref);
    if (name === undefined || !Object.hasOwn(this.defs, name)) return { $ref: ref, ...out };
    const slot = new Slot(name, out, stack);
    if (slot.state === "pending") this.queue.push(slot);
    return slot;
  }

  /**
   * The copy as published, and whether it is wider than the faithful schema somewhere (an open part): each slot
   * its named schema (expanded) or its open schema, and a `oneOf` or `not` over an open part loosened.
   */
  value(node: unknown): [unknown, boolean] {
    if (node instanceof Slot) {
      const [rest, restWide] = this.value(node.rest) as [JsonSchema, boolean];
      if (node.state === "recursion") return [recursionWith(rest, recursion(node.name, this.defs)), true];
      if (node.state === "expanded") {
        const [target, wide] = this.value(node.target);
        return [merged(rest, target), wide || restWide];
      }
      const open = this.openOf(node.name);
      return [merged(rest, node.repeat ? titleOnly(open) : open), true];
    }
    if (Array.isArray(node)) {
      let wide = false;
      const out = node.map((item) => {
        const [value, w] = this.value(item);
        wide ||= w;
        return value;
      });
      return [out, wide];
    }
    if (!isJsonObject(node)) return [node, false];
    let out: JsonSchema = {};
    let wide = false;
    let loosen = false;
    for (const key of Object.keys(node)) {
      const value = node[key];
      if (DATA_KEYWORDS.has(key) || value === null || typeof value !== "object") {
        out[key] = value;
        continue;
      }
      let w = false;
      let next: unknown;
      if (SCHEMA_MAPS.has(key) && isJsonObject(value)) {
        const map: JsonSchema = {};
        for (const name of Object.keys(value)) {
          const [item, itemWide] = this.value(value[name]);
          setOwn(map, name, item);
          w ||= itemWide;
        }
        next = map;
      } else [next, w] = this.value(value);
      wide ||= w;
      // `not` over an open part could refuse what the faithful schema accepts: dropped (wider).
      if (key === "not" && w) continue;
      if (key === "oneOf" && w) loosen = true;
      out[key] = next;
    }
    if (loosen) {
      // An `anyOf` beside it already: both must hold, so the loosened one goes under `allOf`.
      const { oneOf, ...others } = out;
      out =
        others.anyOf === undefined
          ? { ...others, anyOf: oneOf }
          : { ...others, allOf: [...(Array.isArray(others.allOf) ? others.allOf : []), { anyOf: oneOf }] };
    }
    return [out, wide];
  }

  /** The projection's open schema for a name: its own when the projection left it open already. */
  private openOf(name: string): JsonSchema {
    let open = this.opens.get(name);
    if (open === undefined) {
      const def = this.defs[name];
      open =
        isJsonObject(def) && isOpenStandIn(def)
          ? def
          : unexpandedSchema(name, isJsonObject(def) ? def : undefined);
      this.opens.set(name, open);
    }
    return open;
  }
}

/**
 * Marks the slots whose name an earlier slot (in `written`, then earlier in `slots`) refers to already: left open,
 * each is written short (`titleOnly`), so a name left open at hundreds of places (DocuSign's settingsMetadata, 322
 * times in one input) costs about what its references did.
 */
function repeats(slots: readonly Slot[], written: Set<string>): void {
  for (const slot of slots) {
    slot.repeat = written.has(slot.name);
    written.add(slot.name);
  }
}

/** An open schema written again: its type and title (the first place it is written says more). */
function titleOnly(open: JsonSchema): JsonSchema {
  return typeof open.type === "string" ? { type: open.type, title: open.title } : { title: open.title };
}

/** A reference's siblings with what it names: annotations over the named schema, constraints beside it (allOf). */
function merged(rest: JsonSchema, target: unknown): JsonSchema {
  if (Object.keys(rest).every((key) => ANNOTATION_KEYWORDS.has(key)) && isJsonObject(target))
    return { ...target, ...rest };
  const others = Array.isArray(rest.allOf) ? (rest.allOf as unknown[]) : [];
  return { ...rest, allOf: [target, ...others] };
}

/**
 * A recursion's end with the reference's siblings over it: a sibling `description` (`$ref: Node, description:
 * "The parent folder."`) keeps the note naming the schema that recurses after its first sentence (bounded as a
 * schema text is, `conciseSchemaText`); it replaced the note, so a model read "The parent folder." for a value
 * left open and was never told what shape it takes.
 */
function recursionWith(rest: JsonSchema, end: JsonSchema): JsonSchema {
  const own = typeof rest.description === "string" ? conciseSchemaText(rest.description).trim() : "";
  if (own === "") return { ...end, ...rest, description: end.description };
  const stop = /[.!?:;]$/.test(own) ? "" : ".";
  return { ...end, ...rest, description: `${own}${stop} ${end.description as string}` };
}

/**
 * Where a named schema recurses: its type (when every value it takes has one: `typeOf`) and a description that
 * names it. A schema of no keyword at all would accept any value (the Inspector's --strict flags it).
 */
function recursion(name: string, defs: JsonSchema): JsonSchema {
  const type = typeOf(defs[name], defs, 0);
  return {
    ...(type === undefined ? {} : { type }),
    description: `The same shape as ${name}, the schema that contains this one (it recurses here).`,
  };
}

/**
 * The one JSON type every value a schema accepts has: its `type`, or the type all its `oneOf`/`anyOf` variants
 * share, or one an `allOf` member fixes (references followed a few steps); undefined when there is none.
 */
function typeOf(node: unknown, defs: JsonSchema, depth: number): string | undefined {
  if (!isJsonObject(node) || depth > 8) return undefined;
  if (typeof node.type === "string") return node.type;
  const name = refName(node.$ref);
  if (name !== undefined && Object.hasOwn(defs, name)) return typeOf(defs[name], defs, depth + 1);
  for (const key of ["oneOf", "anyOf"]) {
    const variants = node[key];
    if (!Array.isArray(variants) || variants.length === 0) continue;
    const types = new Set(variants.map((variant) => typeOf(variant, defs, depth + 1)));
    const [only] = types;
    if (types.size === 1 && only !== undefined) return only;
  }
  if (Array.isArray(node.allOf)) {
    for (const member of node.allOf) {
      const type = typeOf(member, defs, depth + 1);
      if (type !== undefined) return type;
    }
  }
  return undefined;
}
