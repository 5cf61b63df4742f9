import { dirname, relative, sep } from "node:path";
import type { Diagnostic, Diagnostics } from "../../diagnostics.js";
import { refsOf } from "../../ir/refs.js";
import type { SymbolTable } from "../../ir/symbols.js";
import type {
  DiscriminatorNode,
  JsonPrimitive,
  PropertyNode,
  SchemaMeta,
  SchemaNode,
  SourceRef,
} from "../../ir/types.js";
import { metaOf, objectShape, resolveRefs, wideNumber } from "../../ir/views.js";
import type { LoadedDocument } from "../../load/document.js";
import type { DocumentSet, OpenApiVersion } from "../../load/document-set.js";
import { planPattern, regexValid, unicodePattern } from "../patterns.js";
import { ANNOTATIONS, dependentRequiredOf, readNeverWider, readsNamesExactly } from "./exact.js";
import { type Member, type Pin, readInheritance } from "./inheritance.js";
import {
  contradiction,
  disjointParts,
  enumOutsideType,
  kindsApart,
  labelledNumber,
  notCoversType,
  onlyNullOutsideType,
  readAsType,
  requiredForbidden,
  requiredNever,
  shownKinds,
  takesNoValue,
  typeFits,
  typeMiswritten,
} from "./no-value.js";
import { fileSchemaName, isAlias, isLink, keyOf, linkCycle, linkEnd, SchemaFiles } from "./schema-files.js";
import { fitScalar, outsideLimits, refusedBy, shown } from "./value-limits.js";

type Json = Record<string, unknown>;

/** Where a schema sits: its document and JSON pointer (for symbol ids and diagnostics). */
export interface At {
  doc: LoadedDocument;
  pointer: string;
}

const NEEDS_ESCAPE = /[~/]/;

/**
 * A location below `at`. Called for every schema and property of a spec (about 200,000 times for GitHub's), so a
 * segment is escaped (`~` as `~0`, `/` as `~1`) only when it holds one of them.
 */
export function child(at: At, ...segments: (string | number)[]): At {
  let pointer = at.pointer;
  for (let i = 0; i < segments.length; i++) {
    const text = String(segments[i]);
    pointer += NEEDS_ESCAPE.test(text) ? `/${text.replace(/~/g, "~0").replace(/\//g, "~1")}` : `/${text}`;
  }
  return { doc: at.doc, pointer };
}

const IGNORED_KEYWORDS = [
  "not",
  "if",
  "then",
  "else",
  "patternProperties",
  "dependentSchemas",
  "dependentRequired",
  "unevaluatedProperties",
  "unevaluatedItems",
  "contains",
  "propertyNames",
] as const;

const IGNORED = new Set<string>(IGNORED_KEYWORDS);

/** An object schema's conditional parts written inline (`then`, `else`, each of `dependentSchemas`), with their place. */
function conditionalParts(s: Json): [Json, string[]][] {
  const parts: [Json, string[]][] = [];
  const add = (v: unknown, where: string[]) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as Json).$ref !== "string")
      parts.push([v as Json, where]);
  };
  add(s.then, ["then"]);
  add(s.else, ["else"]);
  const dependent = s.dependentSchemas;
  if (dependent !== null && typeof dependent === "object")
    for (const [name, v] of Object.entries(dependent as Json)) add(v, ["dependentSchemas", name]);
  return parts;
}

/** Annotations: two variants that differ only in these take the same values. */
const ANNOTATION_KEYS = new Set(["title", "description", "default", "examples", "deprecated"]);

/**
 * Two variants of a oneOf that take the same values (`{ type: number }` twice, a string and a nullable string, an
 * integer and a number, two `$ref`s to schemas of one shape), by their structure without annotations: the first
 * such pair and what they share. A `$ref` is compared by the schema it names once that is converted (one still
 * being converted, in a recursion, only equals a `$ref` to itself).
 */
function overlappingTypes(
  variants: SchemaNode[],
  symbols: SymbolTable,
): [number, number, string] | undefined {
  const keys = variants.map((v) => {
    let inner = v.kind === "nullable" ? v.inner : v;
    const seen = new Set<string>();
    while (inner.kind === "ref" && symbols.isDefined(inner.target) && !seen.has(inner.target)) {
      seen.add(inner.target);
      const target: SchemaNode = symbols.get(inner.target).schema;
      inner = target.kind === "nullable" ? target.inner : target;
    }
    // Whether the variant itself is read- or write-only does not change the values it takes either.
    const { readOnly: _r, writeOnly: _w, ...shape } = inner as SchemaNode & SchemaMeta;
    return JSON.stringify(shape, (key, value) => (ANNOTATION_KEYS.has(key) ? undefined : value));
  });
  for (let i = 0; i < keys.length; i++)
    for (let j = i + 1; j < keys.length; j++) {
      const a = keys[i] as string;
      const b = keys[j] as string;
      if (a === b) {
        const kind = JSON.parse(a).kind as string;
        return [i, j, kind === "ref" ? "the same schema" : kind === "object" ? "objects of one shape" : kind];
      }
      if (
        (a === '{"kind":"integer"}' && b === '{"kind":"number"}') ||
        (a === '{"kind":"number"}' && b === '{"kind":"integer"}')
      )
        return [i, j, "integers"];
    }
  return undefined;
}

const COMPOSITION = new Set(["allOf", "oneOf", "anyOf", "discriminator"]);
/** The composition keywords that make a node a composition (a discriminator alone does not). */
const COMPOSITION_LISTS = new Set(["allOf", "oneOf", "anyOf"]);
const ANNOTATION_ONLY = new Set([
  ...ANNOTATIONS,
  "xml",
  "externalDocs",
  "$id",
  "$schema",
  "$anchor",
  "nullable",
]);

/** Keys beside a 3.1 `$ref` that require nothing of the value: annotations and the schema's own definitions. */
const NOT_BESIDE_REF = new Set([
  ...ANNOTATION_ONLY,
  "$ref",
  "$defs",
  "definitions",
  "$dynamicAnchor",
  "$dynamicRef",
  "$vocabulary",
  "summary",
  "discriminator",
]);

/**
 * Schemas one conversion follows into before it leaves a referenced schema for later (`SchemaConverter.symbolFor`).
 * Real specs stay far below it; deferring changes nothing but the order named schemas are converted in.
 */
export const MAX_CONVERT_DEPTH = 128;

/** Converts OpenAPI schema objects (3.0 dialect or 3.1 JSON Schema) into IR nodes. */
export class SchemaConverter {
  private readonly reported = new Set<string>();
  /** Labels of an enum's labelled numbers (`labelledNumber`), by the schema's place, for its description. */
  private readonly labels = new Map<string, string>();
  /** Named schemas whose conversion raised errors (an unresolvable `$ref` inside, say): they cost their users. */
  readonly broken = new Map<string, Diagnostic[]>();

  constructor(
    private readonly sourceId: string,
    private readonly version: OpenApiVersion,
    private readonly docs: DocumentSet,
    private readonly symbols: SymbolTable,
    private readonly diags: Diagnostics,
  ) {}

  /**
   * Declares every `components/schemas` entry first, in the spec's order, so their names do not depend on
   * traversal order. Each is converted when first referred to (`symbolFor`), so an entry no operation reaches
   * (GitHub REST: 371 of 969, 1.9 of 2.6 MB of its schemas' JSON, mostly webhook payloads) costs its name only,
   * unless `convertUnreached` asks for every one.
   */
  declareComponents(root: LoadedDocument): void {
    const schemas = ((root.data as Json).components as Json | undefined)?.schemas as Json | undefined;
    this.files = new SchemaFiles(root, this.docs, this.diags);
    this.root = root;
    for (const name of Object.keys(schemas ?? {})) {
      const at = child({ doc: root, pointer: "#" }, "components", "schemas", name);
      const id = this.idOf(at);
      if (this.symbols.has(id)) continue;
      this.symbols.declare(id, name, this.located(at));
      this.unconverted.set(id, this.namedElsewhere(id, at) ?? at);
    }
    this.readSubtypes(root);
  }

  /** The file's named schemas (`schema-files.ts`), read once the components are declared. */
  private files: SchemaFiles | undefined;
  /** A schema of another file that a root component only names (`Circle: {$ref: ./circle.yaml}`) -> that component's id. */
  private readonly namedBy = new Map<string, string>();

  /**
   * A root component written as a `$ref` alone to a schema of another file is that schema, under the component's
   * name: one symbol (`Circle`, converted from the file), not an alias of a second one named after the file
   * (`Circle = Schema2`, or `Circle2`). The first such component names it, as `namedSchemas` reads it.
   */
  private namedElsewhere(id: string, at: At): At | undefined {
    const value = this.valueAt(at);
    if (!isAlias(value) || Object.keys(value).length !== 1) return undefined;
    const { value: r } = this.docs.tentatively(() => this.docs.resolve(value.$ref, at.doc, at.pointer));
    if (!r || r.doc === at.doc) return undefined;
    // Through the files' links (`circle.yaml`: a description and `$ref: ./impl/circle.yaml`) to the schema itself,
    // the links' title and description kept on it.
    const through = linkEnd(r, at.doc, this.docs);
    if (!through || through.end.doc === at.doc) return undefined;
    const end = through.end;
    const target = `${this.sourceId}:${end.doc.file}${end.pointer}`;
    if (this.namedBy.has(target) || this.symbols.has(target) || isAlias(end.value)) return undefined;
    this.namedBy.set(target, id);
    const said = this.linksMeta(through.links.map((l) => l.value));
    if (said !== undefined) this.linkMeta.set(id, said);
    return { doc: end.doc, pointer: end.pointer };
  }

  /** The root document, once `declareComponents` has read it. */
  private root: LoadedDocument | undefined;
  /** A symbol's title and description from the links (`isLink`) naming it, for a root component read through them. */
  private readonly linkMeta = new Map<string, SchemaMeta>();
  /** A place of a file beside the root -> the schema its links (`isLink`) lead to, and the links (`linkEnd`). */
  private readonly ends = new Map<string, { end: At; links: unknown[] } | null>();

  /** The schema a link of a file beside the root leads to, with the links' values; undefined for anything else. */
  private linkedFrom(at: At): { end: At; links: unknown[] } | undefined {
    if (this.root === undefined || at.doc === this.root) return undefined;
    const key = `${at.doc.file}${at.pointer}`;
    let found = this.ends.get(key);
    if (found === undefined) {
      found = null;
      const value = this.valueAt(at);
      if (value !== null && typeof value === "object" && typeof (value as Json).$ref === "string") {
        const through = linkEnd({ doc: at.doc, pointer: at.pointer, value }, this.root, this.docs);
        if (through && through.links.length > 0)
          found = {
            end: { doc: through.end.doc, pointer: through.end.pointer },
            links: through.links.map((l) => l.value),
          };
      }
      this.ends.set(key, found);
    }
    return found ?? undefined;
  }

  /**
   * A schema that is only a reference to one that is only a reference ... back to one of them (`a.yaml` ->
   * `b.yaml#/X` -> `c.yaml` -> `a.yaml`) names no schema: a located error that leaves out each operation using
   * it. Read as any value (with TW138's warning), it took anything and sent it. Whether it was refused: the schema
   * is then not followed (any value, never used), so the cycle is said once, here, not again as TW138's.
   */
  private refuseLinkCycle(value: unknown, at: At): boolean {
    if (!isLink(value)) return false;
    const cycle = linkCycle({ doc: at.doc, pointer: at.pointer, value }, this.docs);
    // One within the root's components alone (`Loop: {$ref: Loop}`) stays TW138's warning, as it has been.
    if (cycle === undefined || cycle.every((r) => r.doc === this.root)) return false;
    const place = (r: { doc: LoadedDocument; pointer: string }) =>
      r.doc === this.root
        ? r.pointer
        : `${this.fileShown(r.doc)}${r.pointer === "#" || r.pointer === "" ? "" : r.pointer}`;
    this.diags.error(
      "TW131",
      `$ref cycle: ${cycle.map(place).join(" -> ")}: each only refers to the next, so no schema is named`,
      this.located(at),
      "Make one of them a schema (its own properties or type), or refer to the schema they stand for.",
    );
    return true;
  }

  /** A file of the spec as its root's folder names it (`models/a.yaml`). */
  private fileShown(doc: LoadedDocument): string {
    const root = this.root;
    if (root === undefined) return doc.file;
    const rel = relative(dirname(root.abs), doc.abs).split(sep).join("/");
    return rel.startsWith("..") ? doc.file : rel;
  }

  /** The title and description links (`isLink`) say, the outermost's first; undefined when none says one. */
  private linksMeta(links: unknown[]): SchemaMeta | undefined {
    const m: SchemaMeta = {};
    for (const link of [...links].reverse()) Object.assign(m, this.meta(link as Json));
    return Object.keys(m).length > 0 ? m : undefined;
  }

  /** Component id -> the ids of the components it extends (`inheritance.ts`), whose references it keeps as written. */
  private readonly parentIds = new Map<string, Set<string>>();

  /**
   * Polymorphism by inheritance (`inheritance.ts`): each discriminated base with subtypes is registered in
   * `SymbolTable.subtypes`, its union made when an input first names it (an output keeps the base). The named
   * schemas are the root's components and, for a spec split over files, those of every file it reaches
   * (`schema-files.ts`): a subtype in `models/cat.yaml` extending `../base.yaml#/Pet` is one of Pet's. A schema that
   * only names another (`Cat: {$ref: ./models/cat.yaml}`) is that one, so a subtype reached by two names is one member.
   */
  private readSubtypes(root: LoadedDocument): void {
    const files = this.files ?? new SchemaFiles(root, this.docs, this.diags);
    const atOf = (key: string): At => files.atOf(key);
    const { parents, polymorphic, pins } = readInheritance(files.schemas(), {
      resolveName: (ref, from) => files.resolveName(ref, from),
      resolveMapping: (value, base, key) => files.resolveMapping(value, base, key),
      nameOf: (key) => files.nameOf(key),
      stringDiscriminator: this.version === "2.0",
    });
    for (const [key, list] of parents)
      this.parentIds.set(this.idOf(atOf(key)), new Set(list.map((p) => this.idOf(atOf(p)))));
    for (const [key, { property, members }] of polymorphic) {
      const id = this.idOf(atOf(key));
      let made: string | undefined;
      this.symbols.subtypes.set(id, () => {
        made ??= this.subtypeUnion(id, property, members, atOf, pins);
        return made;
      });
    }
    // A subtype with no subtypes of its own, named by an input: itself, pinned to the values that select it.
    for (const [key, list] of pins) {
      if (polymorphic.has(key)) continue;
      const id = this.idOf(atOf(key));
      let made: string | undefined;
      this.symbols.subtypes.set(id, () => {
        made ??= this.pinnedSubtype(id, list);
        return made;
      });
    }
    // A schema that only names one of them (`Pet: {$ref: ./base.yaml#/Pet}`) is it: an input naming it takes the
    // same union (one reference less deep, so the schema budget reaches as far as with the schema itself).
    for (const [key, target] of files.aliases()) {
      const made = this.symbols.subtypes.get(this.idOf(atOf(target)));
      const id = this.idOf(atOf(key));
      if (made && !this.symbols.subtypes.has(id)) this.symbols.subtypes.set(id, made);
    }
  }

  /** The symbol an input naming a subtype (no subtypes of its own) takes: it as written, pinned to `pins`. */
  private pinnedSubtype(id: string, pins: Pin[]): string {
    const pinnedId = `${id}~pinned`;
    if (this.symbols.has(pinnedId)) return pinnedId;
    const own = this.symbols.get(id);
    this.symbols.declare(pinnedId, `${own.defName}Pinned`, own.source);
    this.symbols.define(pinnedId, pinnedTo({ kind: "ref", target: id, asWritten: true }, pins));
    return pinnedId;
  }

  /**
   * The symbol of the union an input naming a discriminated base takes: each member (the base itself, unless the
   * values it lists are all its subtypes', and every subtype below it) as written, pinned to its discriminator values (`pinVariants`). A member
   * whose conversion raised an error is left out, as an operation using it would be; with none left, the base.
   */
  private subtypeUnion(
    baseId: string,
    property: string,
    members: Member[],
    atOf: (name: string) => At,
    pins: Map<string, Pin[]>,
  ): string {
    const id = `${baseId}~subtypes`;
    if (this.symbols.has(id)) return id;
    const base = this.symbols.get(baseId);
    this.symbols.declare(id, `${base.defName}Subtypes`, base.source);
    const mapping: Record<string, number> = Object.create(null);
    const variants: SchemaNode[] = [];
    const names: string[] = [];
    const values: string[] = [];
    let distinct = true;
    for (const m of members) {
      const target = this.symbolFor(atOf(m.key), m.name);
      const broken = this.broken.get(target)?.[0];
      if (broken) {
        this.leftOut(base.defName, property, m, broken, atOf(m.key));
        continue;
      }
      names.push(m.key);
      for (const value of m.values) {
        if (Object.hasOwn(mapping, value)) distinct = false;
        else mapping[value] = variants.length;
      }
      variants.push({ kind: "ref", target, asWritten: true });
      values.push(...m.values);
    }
    if (variants.length === 0) {
      this.symbols.define(id, { kind: "ref", target: baseId, asWritten: true });
      return id;
    }
    const disc: DiscriminatorNode = { property, mapping };
    // Said first, so a description cut short (a union over the schema budget is published as this alone) still says it.
    const shown = values
      .slice(0, 24)
      .map((v) => JSON.stringify(v))
      .join(", ");
    const more = values.length > 24 ? `, and ${values.length - 24} more` : "";
    const said = `One of ${base.defName}'s ${variants.length} kinds, chosen by ${JSON.stringify(property)}: ${shown}${more}.`;
    const union: SchemaNode = {
      kind: "union",
      // Pinned always: a subtype inherits the base's property, whose values (an enum of every subtype's) do not
      // tell it from its siblings.
      // A member that also extends another discriminated base is pinned to that base's values too.
      variants: variants.map((v, i) => {
        const other = (pins.get(names[i] as string) ?? []).filter((p) => p.property !== property);
        return pinnedTo(pinned(v, disc, i), other);
      }),
      exclusive: distinct,
      discriminator: disc,
      description: base.schema.description ? `${base.schema.description}\n\n${said}` : said,
    };
    this.symbols.define(id, variants.length === 1 ? (union.variants[0] as SchemaNode) : union);
    return id;
  }

  /**
   * Says, where the subtype is, that an input naming `base` refuses the values selecting it: its conversion raised
   * `cause`, which nothing else reports when no operation names the subtype itself.
   */
  private leftOut(base: string, property: string, m: Member, cause: Diagnostic, at: At): void {
    const where = cause.source
      ? ` (${cause.source.file}${cause.source.line !== undefined ? `:${cause.source.line}:${cause.source.column ?? 1}` : (cause.source.pointer ?? "")})`
      : "";
    const values = m.values.map((v) => JSON.stringify(v)).join(", ");
    this.diags.warn(
      "TW149",
      `subtype ${m.name} is left out of the union an input naming ${base} takes: ${cause.code} ${cause.message}${where}; such an input with ${JSON.stringify(property)} ${values} is refused`,
      this.located(at),
    );
  }

  /** A subtype's references to the schemas it extends name them as written, never their subtypes' union. */
  private keepParents(id: string, node: SchemaNode): void {
    const parents = this.parentIds.get(id);
    if (!parents) return;
    const mark = (n: SchemaNode) => {
      if (n.kind === "ref" && parents.has(n.target)) n.asWritten = true;
      else if (n.kind === "intersection") for (const p of n.parts) mark(p);
      else if (n.kind === "nullable") mark(n.inner);
    };
    mark(node);
  }

  /** Declared components not yet converted (no conversion has referred to them). */
  private readonly unconverted = new Map<string, At>();

  /**
   * Converts the declared components nothing referred to, in the spec's order: what typing every component of the
   * spec needs (`<source>.openapi.gen.ts`), and the diagnostics their conversion makes.
   */
  convertUnreached(): void {
    for (const [id, at] of this.unconverted) {
      this.unconverted.delete(id);
      this.define(id, at);
    }
  }

  /** How many declared components are still unconverted (for tests). */
  get unconvertedCount(): number {
    return this.unconverted.size;
  }

  private idOf(at: At): string {
    const linked = this.linkedFrom(at);
    const place = linked?.end ?? at;
    const id = `${this.sourceId}:${place.doc.file}${place.pointer}`;
    return this.namedBy.get(id) ?? id;
  }

  /**
   * The name a schema met by reference is declared under, as other generators name one (openapi-generator's inline
   * models: a key, else the title, else a name made up): a key names it (`#/definitions/Pet` -> Pet, a component
   * called `items` too); where no key does, its `title` when that reads as a name (`titleName`), else its pointer's
   * last segments (`#/paths/~1pets/post/requestBody/content/application~1json/schema`) or, for a whole file
   * (`$ref: ./models/square.yaml`), the name the spec's files give it (`namedSchemas`: a root component naming it
   * comes first, before any title; else its file's name, `square`). The discriminator value a whole file takes by
   * default stays that name, not the title: a title names the type, it does not change what is sent.
   */
  private nameOf(at: At): string {
    const segments = at.pointer.split("/");
    const found = this.files?.found.get(keyOf(at.doc, at.pointer));
    const whole = at.pointer === "#" || at.pointer === "";
    if (!whole && found?.given !== true) {
      if (keyName(segments)) return symbolNameFromPointer(segments);
      return titleName(this.valueAt(at)) ?? symbolNameFromPointer(segments);
    }
    const name =
      (found?.given === true ? undefined : titleName(this.valueAt(at))) ??
      found?.name ??
      fileSchemaName(at.doc);
    // A file's letters with their accents, which an identifier keeps (`ünïcode.yaml` -> Unicode, not NCode).
    return name.normalize("NFD").replace(/\p{M}/gu, "");
  }

  /**
   * The symbol id for a schema location, converting it on first sight. A reference met deeper than
   * `MAX_CONVERT_DEPTH` schemas into the conversion under way (a chain of thousands of named schemas, each referring
   * to the next) is declared now and converted once the outermost conversion is done, so the stack stays bounded
   * by the depth of one document's own nesting, not by the length of a chain of references.
   */
  symbolFor(at: At, preferredName?: string): string {
    const id = this.idOf(at);
    const component = this.unconverted.get(id);
    if (component !== undefined) {
      this.unconverted.delete(id);
      this.define(id, component);
    } else if (!this.symbols.has(id)) {
      const place = this.linkedFrom(at)?.end ?? at;
      const name = preferredName ?? this.nameOf(place);
      this.symbols.declare(id, name, this.located(place));
      this.define(id, place);
    }
    return id;
  }

  /** Converts a declared symbol's schema now, or once the outermost conversion is done when this one is deep. */
  private define(id: string, at: At): void {
    const define = () => {
      const value = this.valueAt(at);
      const { value: converted, errors } = this.diags.capture(() => {
        if (this.refuseLinkCycle(value, at)) return { kind: "any" } as SchemaNode;
        return this.convert(value, at);
      });
      const said = this.linkMeta.get(id);
      const node = said === undefined ? converted : withMeta(converted, said);
      this.keepParents(id, node);
      this.symbols.define(id, node);
      if (errors.length > 0) this.broken.set(id, errors);
    };
    if (this.depth > MAX_CONVERT_DEPTH) this.deferred.push(define);
    else define();
  }

  /** Schemas being converted (nested ones and references followed), and conversions left for later. */
  private depth = 0;
  private readonly deferred: (() => void)[] = [];
  private draining = false;

  /** Whether a converted schema takes no value (`takesNoValue`): a required parameter so written cannot be sent. */
  takesNoValue(node: SchemaNode): boolean {
    return takesNoValue(node, this.symbols);
  }

  convert(raw: unknown, at: At): SchemaNode {
    this.depth++;
    try {
      return this.convertHere(raw, at);
    } finally {
      this.depth--;
      if (this.depth === 0 && !this.draining) {
        this.draining = true;
        try {
          for (let next = this.deferred.shift(); next; next = this.deferred.shift()) next();
        } finally {
          this.draining = false;
        }
      }
    }
  }

  private convertHere(raw: unknown, at: At): SchemaNode {
    if (raw === true || raw === undefined) return { kind: "any" };
    if (raw === false) return { kind: "never" };
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      this.diags.warn("TW134", "schema is not an object; treated as any value", this.located(at));
      return { kind: "any" };
    }
    const s = raw as Json;
    const meta = this.meta(s);
    const reference = typeof s.$ref === "string" ? s.$ref : this.dynamicReference(s, at);
    if (reference !== undefined) {
      const target = this.docs.resolve(reference, at.doc, at.pointer);
      const ref: SchemaNode = target
        ? { kind: "ref", target: this.symbolFor({ doc: target.doc, pointer: target.pointer }) }
        : { kind: "any" };
      // A link's title and description (`pet.yaml`: a description, `$ref: ./impl/animal.yaml`) are said where it
      // is used, under what this schema says itself.
      const linked = target ? this.linkedFrom({ doc: target.doc, pointer: target.pointer }) : undefined;
      const said = linked ? this.linksMeta(linked.links) : undefined;
      if (said !== undefined)
        for (const [k, v] of Object.entries(said)) if (!(k in meta)) (meta as Json)[k] = v;
      const written = this.besideRef(s, at);
      const beside = written && this.typedBy(s, written, [ref], at) ? undefined : written;
      const node = beside ? mergeIntersection([ref, beside]) : ref;
      if (beside) this.noValue(disjointParts([ref, beside], this.symbols), at);
      const full = this.nullableBesideRef(s, at) ? nullable(node) : node;
      return withMeta(full, this.valuesBesideRef(full, meta, at, s));
    }
    let node = this.core(s, at);
    const labels = this.labels.get(at.pointer);
    if (labels !== undefined) {
      this.labels.delete(at.pointer);
      const said = `Values: ${labels}.`;
      meta.description = meta.description === undefined ? said : `${meta.description}\n\n${said}`;
    }
    if (s.nullable === true || s["x-nullable"] === true) node = nullable(node);
    // The node's keys (a few) are looked at once instead of asking it for each ignored keyword (eleven) in every
    // schema node of the spec.
    if (hasAny(s, IGNORED)) node = this.constrained(s, node, at);
    this.unsatisfiable(s, node, at);
    const type = enumOutsideType(s);
    if (type !== undefined)
      this.diags.info(
        "TW134",
        `none of the enum's values is of the schema's type (${type}): read as the enum's values, the type not enforced`,
        this.located(child(at, "enum")),
      );
    return withMeta(node, this.fitValues(node, meta, at, s));
  }

  /**
   * Why a schema object no value satisfies as written, said where it is (`no-value.ts`): bounds crossed, parts of
   * disjoint kinds, a required property forbidden, a `not` covering the type. A `not` the node cannot carry (beside
   * a 64-bit integer, said as not enforced) leaves the schema taking values, which the warning says instead.
   */
  private unsatisfiable(s: Json, node: SchemaNode, at: At): void {
    const notWhy = notCoversType(s);
    this.noValue(
      contradiction(s) ??
        (node.kind === "intersection" ? disjointParts(node.parts, this.symbols) : undefined) ??
        requiredNever(node) ??
        (notWhy !== undefined && "not" in node ? notWhy : undefined),
      at,
    );
    if (notWhy !== undefined && !("not" in node))
      this.noValue(notWhy, at, "its not is not enforced here, so the tool takes what the type allows");
    this.forbiddenRequired(s, at);
  }

  /**
   * Whether `part` (what `raw` says, as an untyped part of an intersection: a `$ref`'s siblings, an `allOf` member, a
   * schema's own keywords beside its `allOf`) was given its type only by keywords of one type (`maxLength` a string,
   * `properties` an object) that no value of the other parts has. JSON Schema applies such keywords to values of
   * their own type alone, so they constrain nothing here: Adyen's `name: {$ref: Name, maxLength: 80}` takes a Name
   * object, which reading the sibling as a string made no value satisfy. Then the part is left out, said as
   * information where it is written.
   */
  private typedBy(raw: Json, part: SchemaNode, others: SchemaNode[], at: At): boolean {
    if (raw.type !== undefined || "enum" in raw || "const" in raw || hasAny(raw, COMPOSITION_LISTS))
      return false;
    if (others.length === 0) return false;
    const apart = kindsApart(part, others, this.symbols);
    if (apart === undefined) return false;
    const keywords = TYPING_KEYWORDS.filter((k) => raw[k] !== undefined);
    if (keywords.length === 0) return false;
    const one = keywords.length === 1;
    this.diags.info(
      "TW134",
      `${keywords.join(", ")} appl${one ? "ies" : "y"} to ${shownKinds(apart.own)} values only, and the rest of the schema takes ${shownKinds(apart.rest)}: ${one ? "it constrains" : "they constrain"} nothing here`,
      this.located(at),
    );
    return true;
  }

  /**
   * A schema no value satisfies as written (`no-value.ts`): said where it is, and kept as the spec says it (the
   * tool refuses every value there, as the spec's own validator does; which side the author meant is not written).
   */
  private noValue(
    why: string | undefined,
    at: At,
    kept = "kept as written, so every value is refused here",
  ): void {
    if (why === undefined) return;
    this.diags.warn(
      "TW134",
      `no value satisfies this schema: ${why}; ${kept}`,
      this.located(at),
      "Patch the spec (sources.<id>.patch, or --patch FILE) so some value satisfies the schema; until then a tool whose input reaches it cannot be called.",
    );
  }

  /** A `required` name `additionalProperties: false` forbids: read as declared (any value), said where it is. */
  private forbiddenRequired(s: Json, at: At): void {
    const name = requiredForbidden(s);
    if (name === undefined) return;
    this.diags.warn(
      "TW134",
      `no value satisfies this schema: it requires ${JSON.stringify(name)}, a property additionalProperties: false forbids (not under properties); read as declaring it, of any value`,
      this.located(child(at, "required")),
      `Declare ${JSON.stringify(name)} under properties (sources.<id>.patch, or --patch FILE), or drop it from required.`,
    );
  }

  /**
   * `nullable: true` (or Swagger 2.0's `x-nullable`) beside a `$ref`: OpenAPI 3.0 ignores a reference's siblings, so
   * read literally null is refused, yet it is how many authors and generators say "this or null", and
   * upstreams send null there. Read as the reference or null, which refuses no value the author meant, said once
   * (first seen here) as information; `allOf: [$ref]` with `nullable: true` says it in a form 3.0 reads.
   */
  private nullableBesideRef(s: Json, at: At): boolean {
    const key = s.nullable === true ? "nullable" : s["x-nullable"] === true ? "x-nullable" : undefined;
    if (key === undefined) return false;
    if (!this.reported.has("nullable beside $ref")) {
      this.reported.add("nullable beside $ref");
      this.diags.info(
        "TW134",
        `${key}: true beside a $ref, which OpenAPI ignores beside a reference, is read as the referenced schema or null (first seen here)`,
        this.located(child(at, key)),
      );
    }
    return true;
  }

  /**
   * A `$dynamicRef` (JSON Schema 2020-12) as the `$ref` it reads as, when that is what it means wherever the schema
   * is used: its fragment names a `$dynamicAnchor` (or an `$anchor`) that only one schema of the document declares,
   * so no schema around a use can take its place (the generic containers of 3.1 specs: a list whose items are the
   * one `$dynamicAnchor: item`). Where several schemas declare the name, the target depends on the path the
   * validation took (which schema referred to this one: Scalar's Galaxy overrides a page's `itemType` per list),
   * which one IR schema cannot say: any value, said there as information, as other keywords not enforced are. Before, a `$dynamicRef` was not read at all (any value), and nothing said so.
   */
  private dynamicReference(s: Json, at: At): string | undefined {
    const ref = s.$dynamicRef;
    if (typeof ref !== "string") return undefined;
    const hash = ref.indexOf("#");
    const name = hash === -1 ? "" : decodeURIComponent(ref.slice(hash + 1));
    if (hash === -1 || name.startsWith("/") || name === "") return ref;
    const declared = (this.docs.anchorsOf(at.doc).get(name) ?? []).filter((a) => a.dynamic);
    if (declared.length <= 1) return ref;
    this.diags.info(
      "TW134",
      `$dynamicRef "${ref}" is not enforced: ${declared.length} schemas declare $dynamicAnchor "${name}", and which one it names depends on where the schema is used; read as any value, so the published schema is looser`,
      this.located(child(at, "$dynamicRef")),
    );
    return undefined;
  }

  /**
   * What the keywords beside a `$ref` require, in 3.1 and 3.2, whose schemas are JSON Schema 2020-12: there a `$ref`
   * applies together with its siblings (`$ref: Base` with `properties` and `required` of its own, `$ref: Name` with
   * a `maxLength`), where 3.0 ignores them. Undefined when they only annotate or constrain nothing (3.0 and 2.0 too).
   */
  private besideRef(s: Json, at: At): SchemaNode | undefined {
    if (this.version !== "3.1" && this.version !== "3.2") return undefined;
    const rest: Json = {};
    for (const [k, v] of Object.entries(s)) if (!NOT_BESIDE_REF.has(k) && !k.startsWith("x-")) rest[k] = v;
    // `items: { $ref: Payment, additionalProperties: false }` (Open Payments): read literally, no property at all
    // is allowed (none is declared beside the $ref), so every payment would be refused; the author meant the
    // referenced object closed. Read as the $ref alone, said where it is written.
    if (
      rest.additionalProperties === false &&
      rest.properties === undefined &&
      rest.patternProperties === undefined
    ) {
      delete rest.additionalProperties;
      this.diags.warn(
        "TW134",
        "additionalProperties: false beside a $ref, with no properties of its own, would refuse every property of the referenced schema; read as the $ref alone",
        this.located(child(at, "additionalProperties")),
      );
    }
    if (Object.keys(rest).length === 0) return undefined;
    const node = this.convertHere(rest, at);
    return node.kind === "any" ? undefined : node;
  }

  /**
   * A schema's examples and default as values of its own type. YAML reads `example: 137` under `type: string` as
   * a number (Decentraland's catalyst API: a path's chainId), and a model copying the published example was then
   * refused by the schema beside it. Such a value is written as the type says when it means one value (`137` as
   * "137", "25" as 25 for an integer, "true" as true); one it cannot be is not published. Said as information.
   */
  private fitValues(node: SchemaNode, meta: SchemaMeta, at: At, s: Json): SchemaMeta {
    if (meta.examples === undefined && !("default" in meta)) return meta;
    const out: SchemaMeta = { ...meta };
    // A labelled number's default or example (`default: "0 (User)"`) is the number, as the enum's values are read.
    const labelled = (v: unknown) => labelledNumber(s, v)?.value ?? v;
    if (out.examples !== undefined) out.examples = out.examples.map(labelled);
    if ("default" in out) out.default = labelled(out.default);
    const changed: string[] = [];
    if (out.examples !== undefined) {
      const fitted = out.examples.map((v) => fitScalar(node, v));
      if (fitted.some((f, i) => f === undefined || f.value !== out.examples?.[i])) {
        changed.push("examples");
        const kept = fitted.filter((f) => f !== undefined).map((f) => f.value);
        if (kept.length > 0) out.examples = kept;
        else delete out.examples;
      }
    }
    if ("default" in out) {
      const fitted = fitScalar(node, out.default);
      if (fitted === undefined || fitted.value !== out.default) {
        changed.push("default");
        if (fitted === undefined) delete out.default;
        else out.default = fitted.value;
      }
    }
    if (changed.length > 0) {
      const kind = node.kind === "nullable" ? node.inner.kind : node.kind;
      this.diags.info(
        "TW197",
        `${changed.join(" and ")} of another type than the schema's (${kind}): published as ${kind} values, or left out`,
        this.located(at),
      );
    }
    return this.withinLimits(node, out, at, Array.isArray(s.examples) ? "examples" : "example");
  }

  /**
   * A schema's examples and default without the values its own limits refuse (`example: 32` beside `maximum: 23`,
   * an example longer than `maxLength`, a default outside `minimum` or not matching `pattern`): a model copying one
   * made a call the tool's own check refused. Left out of the published schema, each said where it is (a default is
   * only published, never sent: an argument left out is not sent, so the upstream's own default applies).
   */
  private withinLimits(
    node: SchemaNode,
    meta: SchemaMeta,
    at: At,
    which: string,
    refused: (value: unknown) => string | undefined = (v) => outsideLimits(node, v, this.symbols),
  ): SchemaMeta {
    if (meta.examples === undefined && !("default" in meta)) return meta;
    const out: SchemaMeta = { ...meta };
    if (out.examples !== undefined) {
      const why = out.examples.map(refused);
      const bad = out.examples.flatMap((v, i) => (why[i] === undefined ? [] : [`${shown(v)} ${why[i]}`]));
      if (bad.length > 0) {
        const kept = out.examples.filter((_, i) => why[i] === undefined);
        if (kept.length > 0) out.examples = kept;
        else delete out.examples;
        this.refusedValue(
          why.find((w) => w !== undefined) as string,
          `${which} ${bad.join("; ")}: the schema refuses ${bad.length === 1 ? "it" : "them"}, so ${bad.length === 1 ? "it is" : "they are"} left out of the published schema`,
          this.located(child(at, which)),
          "Write an example the schema accepts, or fix the limit, in the spec or a patch (sources.<id>.patch).",
        );
      }
    }
    if ("default" in out) {
      const why = refused(out.default);
      if (why !== undefined) {
        this.refusedValue(
          why,
          `default ${shown(out.default)} ${why}: the schema refuses it, so it is left out of the published schema`,
          this.located(child(at, "default")),
          "Write a default the schema accepts, or fix the limit, in the spec or a patch (sources.<id>.patch).",
        );
        delete out.default;
      }
    }
    return out;
  }

  /**
   * A default or example written beside a `$ref` (3.1 allows siblings; 3.0 specs write them anyway, and both are
   * published beside the reference): checked against the referenced schema and the keywords beside it, as
   * `withinLimits` checks an inline one's, and of the referenced schema's type as written (an enum's value, not a
   * number for a string). A reference not converted yet (met again inside its own conversion) is not guessed at.
   */
  private valuesBesideRef(node: SchemaNode, meta: SchemaMeta, at: At, s: Json): SchemaMeta {
    if (meta.examples === undefined && !("default" in meta)) return meta;
    const inner = node.kind === "nullable" ? node.inner : node;
    const parts = inner.kind === "intersection" ? inner.parts : [inner];
    const refused = (v: unknown) =>
      node.kind === "nullable" && v === null
        ? undefined
        : parts.map((p) => refusedBy(p, v, this.symbols)).find((why) => why !== undefined);
    return this.withinLimits(node, meta, at, Array.isArray(s.examples) ? "examples" : "example", refused);
  }

  /**
   * An example or default left out for a limit (`withinLimits`): a warning the first time a limit refuses one
   * (`reason`: the limit and its value; defaults and examples apart), information after (a spec reusing one pattern with a value it refuses in
   * every operation, loket.nl's 1,034 lowercase UUIDs under an uppercase one, said it 1,034 times).
   */
  private refusedValue(reason: string, message: string, at: SourceRef, fix: string): void {
    const key = `refused ${message.startsWith("default") ? "default" : "example"} ${reason}`;
    if (this.reported.has(key)) this.diags.info("TW197", message, at, fix);
    else {
      this.reported.add(key);
      this.diags.warn("TW197", message, at, fix);
    }
  }

  private core(s: Json, at: At): SchemaNode {
    if (hasAny(s, COMPOSITION_LISTS)) return this.composition(s, at);
    this.badKeywords(s, at);
    if (Array.isArray(s.type) && s.type.length === 0)
      this.diags.warn(
        "TW134",
        "type is empty; read as absent",
        this.located(child(at, "type")),
        "Name the types (`type: [string, integer]`), or drop `type` (a patch: sources.<id>.patch).",
      );
    if (Array.isArray(s.enum)) {
      if (s.enum.length === 0) return this.emptyEnum(at);
      this.onlyNull(s, s.enum, child(at, "enum"));
      const values = this.enumOfType(s, at);
      if (values.length === 0) return { kind: "never" };
      if (values.every(isPrimitive)) return this.enumNode(values as JsonPrimitive[], s);
      return { kind: "union", variants: values.map(exactly), exclusive: false };
    }
    if ("const" in s) return this.constOfType(s, at);
    // One type named (most nodes): that type's node, without the lists below.
    if (typeof s.type === "string" && s.type !== "null" && !intOrString(s)) return this.typed(s.type, s, at);
    const types = typesOf(s);
    if (types.length === 0) return { kind: "any" };
    const nonNull = types.filter((t) => t !== "null");
    const variants = nonNull.map((t) => this.typed(t, s, at));
    let node: SchemaNode =
      variants.length === 0
        ? { kind: "null" }
        : variants.length === 1
          ? (variants[0] as SchemaNode)
          : { kind: "union", variants, exclusive: false };
    if (nonNull.length > 0 && types.includes("null")) node = nullable(node);
    return node;
  }

  private composition(s: Json, at: At): SchemaNode {
    const own: Json = {};
    for (const [k, v] of Object.entries(s)) if (!COMPOSITION.has(k) && !ANNOTATION_ONLY.has(k)) own[k] = v;
    // A CRD's `x-kubernetes-int-or-string` beside its own anyOf [integer, string] adds nothing to it.
    delete own["x-kubernetes-int-or-string"];
    // `{ type: string, anyOf: [{ format: ipv4 }, { format: ipv6 }] }`: branches without a type of their own are
    // partial schemas of the parent's type, not "any value".
    const ownType = typeof own.type === "string" ? own.type : undefined;
    const lists = (["allOf", "oneOf", "anyOf"] as const).flatMap((k) =>
      Array.isArray(s[k]) ? (s[k] as unknown[]) : [],
    );
    const inherits = ownType !== undefined && lists.length > 0 && lists.every(isPartial);
    const branch = (v: unknown) => (inherits ? { ...(v as Json), type: ownType } : v);
    // JSON Schema requires one schema at least: an empty list constrains nothing (written as it is, `anyOf: []`,
    // no validator would load the published schema).
    for (const key of ["allOf", "oneOf", "anyOf"] as const)
      if (Array.isArray(s[key]) && s[key].length === 0)
        this.diags.warn("TW134", `${key} is empty; read as absent`, this.located(child(at, key)));
    const { parts, untyped } = this.allOfParts(s, own, inherits ? branch : undefined, at);
    for (const key of ["oneOf", "anyOf"] as const) {
      const list = s[key];
      if (!Array.isArray(list)) continue;
      if (list.length === 0) continue;
      const variants = list.map((v, i) => this.convert(branch(v), child(at, key, i)));
      const union: SchemaNode = { kind: "union", variants, exclusive: key === "oneOf" };
      const disc = this.discriminator(
        s.discriminator ?? this.inheritedDiscriminator(list, at),
        list,
        variants,
        at,
      );
      if (disc) {
        const { fallback, ...node } = disc;
        union.discriminator = node;
        // Each variant names the one schema its values select: a discriminated base among them is itself, not the
        // union of its subtypes again (listed beside it, they would be twice; not listed, the mapping selects none).
        for (const v of variants) if (v.kind === "ref") v.asWritten = true;
        union.variants = this.pinVariants(variants, node, fallback);
        // OpenAPI 3.2's `defaultMapping`: a value no other variant is mapped to selects the default one, which
        // then matches besides the selected one whatever its own value; the discriminator decides, not "exactly one".
        if (fallback !== undefined) union.exclusive = false;
      } else if (union.exclusive) {
        const same = overlappingTypes(variants, this.symbols);
        if (same) {
          // Elasticsearch's FieldValue is `oneOf: [number, number, string, boolean, string nullable]`: every number
          // and every string matches two variants, so "exactly one" refuses all of them. What the author meant is
          // "one of these types": read as anyOf, said where it is written.
          union.exclusive = false;
          this.diags.warn(
            "TW134",
            `oneOf variants ${same[0]} and ${same[1]} take the same values (${same[2]}), so exactly one could never match them; read as anyOf`,
            this.located(child(at, key)),
          );
        }
      }
      parts.push(variants.length === 1 ? (variants[0] as SchemaNode) : union);
    }
    return this.intersected(parts, untyped);
  }

  /** The parts' intersection, untyped parts whose keywords constrain nothing here left out (`typedBy`). */
  private intersected(parts: SchemaNode[], untyped: Map<number, { raw: Json; at: At }>): SchemaNode {
    const kept = parts.filter((p, i) => {
      const u = untyped.get(i);
      return (
        u === undefined ||
        !this.typedBy(
          u.raw,
          p,
          parts.filter((_, j) => j !== i),
          u.at,
        )
      );
    });
    if (kept.length === 0) return { kind: "any" };
    return kept.length === 1 ? (kept[0] as SchemaNode) : mergeIntersection(kept);
  }

  /**
   * The parts a composition's own keywords and `allOf` members make (`branch`: a member without a type of its own
   * takes the parent's), and which of them are untyped (by their index), to read as JSON Schema does (`typedBy`).
   */
  private allOfParts(
    s: Json,
    own: Json,
    branch: ((v: unknown) => unknown) | undefined,
    at: At,
  ): { parts: SchemaNode[]; untyped: Map<number, { raw: Json; at: At }> } {
    const parts: SchemaNode[] = [];
    const untyped = new Map<number, { raw: Json; at: At }>();
    if (Object.keys(own).length > 0 && !(branch && Object.keys(own).length === 1)) {
      untyped.set(parts.length, { raw: own, at });
      parts.push(this.core(own, at));
    }
    if (Array.isArray(s.allOf)) {
      s.allOf.forEach((p, i) => {
        const raw = branch ? branch(p) : p;
        const here = child(at, "allOf", i);
        if (raw && typeof raw === "object" && !Array.isArray(raw) && (raw as Json).$ref === undefined)
          untyped.set(parts.length, { raw: raw as Json, at: here });
        parts.push(this.convert(raw, here));
      });
    }
    return { parts, untyped };
  }

  /**
   * The discriminator's property and value -> variant mapping, and (`fallback`) the variant OpenAPI 3.2's
   * `defaultMapping` names: it takes every value no other variant is mapped to, so it is not pinned to its name.
   */
  private discriminator(
    raw: unknown,
    list: unknown[],
    variants: SchemaNode[],
    at: At,
  ): (DiscriminatorNode & { fallback?: number }) | undefined {
    if (!raw || typeof raw !== "object") return undefined;
    const d = raw as { propertyName?: string; mapping?: Record<string, string>; defaultMapping?: unknown };
    if (typeof d.propertyName !== "string") return undefined;
    // Discriminator values and schema names are any text: `__proto__` a member, `constructor` not found unless mapped.
    const mapping: Record<string, number> = Object.create(null);
    const indexOfTarget = (id: string) => variants.findIndex((v) => v.kind === "ref" && v.target === id);
    const indexOf = (ref: string, where: string): number => {
      const bare = !ref.includes("#") && !ref.includes("/");
      // Written in a file other than the root (which has no components of its own, mostly), a bare name is the
      // name of one of the variants: its reference's last segment, or its file's name.
      if (bare && at.doc !== this.docs.root) {
        const named = list.findIndex((v) => variantName((v as Json | undefined)?.$ref) === ref);
        if (named >= 0) return named;
      }
      const target = bare ? `#/components/schemas/${ref}` : ref;
      const resolved = this.docs.resolve(target, at.doc, `${at.pointer}/discriminator/${where}`);
      return resolved ? indexOfTarget(this.symbolFor({ doc: resolved.doc, pointer: resolved.pointer })) : -1;
    };
    for (const [value, ref] of Object.entries(d.mapping ?? {})) {
      const idx = indexOf(ref, "mapping");
      if (idx >= 0) mapping[value] = idx;
    }
    const fallback = typeof d.defaultMapping === "string" ? indexOf(d.defaultMapping, "defaultMapping") : -1;
    // Variants without an explicit mapping are selected by their schema name (OpenAPI's implicit mapping).
    list.forEach((v, i) => {
      const ref = (v as Json | undefined)?.$ref;
      if (typeof ref !== "string" || i === fallback) return;
      const name = this.wholeFileName(ref, at) ?? decodeURIComponent(ref.split("/").pop() ?? "");
      if (!Object.values(mapping).includes(i) && !Object.hasOwn(mapping, name)) mapping[name] = i;
    });
    return { property: d.propertyName, mapping, ...(fallback >= 0 ? { fallback } : {}) };
  }

  /**
   * The name a `$ref` to a whole file (`./models/square.yaml`, no pointer) gives its schema (`nameOf`: a root
   * component naming it, else the file's name, `square`), as an inherited subtype's is: not `square.yaml`.
   */
  private wholeFileName(ref: string, at: At): string | undefined {
    const hash = ref.indexOf("#");
    if (hash === 0 || (hash > 0 && ref.length > hash + 1)) return undefined;
    const { value: r } = this.docs.tentatively(() => this.docs.resolve(ref, at.doc, at.pointer));
    if (!r || (r.pointer !== "#" && r.pointer !== "")) return undefined;
    return this.files?.found.get(keyOf(r.doc, r.pointer))?.name ?? fileSchemaName(r.doc);
  }

  /**
   * With OpenAPI's usual inheritance (`Cat: allOf [Pet, ...]`, `Pet.petType: string`), every variant accepts every
   * `petType`, so "exactly one matches" fails for every value. The discriminator is what tells them apart: each
   * variant is pinned to the values that select it, unless it already pins them itself or is the default one
   * (`fallback`, OpenAPI 3.2's `defaultMapping`), which takes the values no other variant is mapped to.
   */
  private pinVariants(variants: SchemaNode[], disc: DiscriminatorNode, fallback?: number): SchemaNode[] {
    return variants.map((variant, i) =>
      i === fallback || this.pins(variant, disc.property) ? variant : pinned(variant, disc, i),
    );
  }

  /** The variant fixes the property's value itself (a const or enum): its own values win over implicit names. */
  private pins(variant: SchemaNode, property: string): boolean {
    const prop = objectShape(variant, this.symbols)?.properties.find((p) => p.name === property);
    if (!prop) return false;
    const n = resolveRefs(prop.schema, this.symbols);
    return n.kind === "literal" || n.kind === "enum";
  }

  /**
   * A union of `$ref`s whose schemas share a discriminator through their common base (`Pet` declares it, `Cat`
   * and `Dog` extend Pet with allOf) is discriminated by it, as OpenAPI means.
   */
  private inheritedDiscriminator(list: unknown[], at: At): unknown {
    let found: { propertyName?: unknown; mapping?: unknown } | undefined;
    const discOf = (value: unknown, where: At, depth: number): { propertyName?: unknown } | undefined => {
      if (depth > 3 || !value || typeof value !== "object") return undefined;
      const v = value as Json;
      if (typeof v.$ref === "string") {
        const r = this.docs.resolve(v.$ref, where.doc, where.pointer);
        return r ? discOf(r.value, { doc: r.doc, pointer: r.pointer }, depth + 1) : undefined;
      }
      if (v.discriminator && typeof v.discriminator === "object")
        return v.discriminator as { propertyName?: unknown };
      for (const [i, part] of (Array.isArray(v.allOf) ? v.allOf : []).entries()) {
        const d = discOf(part, child(where, "allOf", i), depth + 1);
        if (d) return d;
      }
      return undefined;
    };
    for (const [i, item] of list.entries()) {
      if (typeof (item as Json | undefined)?.$ref !== "string") return undefined;
      const d = discOf(item, child(at, i), 0);
      if (!d || typeof d.propertyName !== "string") return undefined;
      if (found && found.propertyName !== d.propertyName) return undefined;
      found ??= d;
    }
    return found;
  }

  private enumNode(values: JsonPrimitive[], s: Json): SchemaNode {
    const nonNull = values.filter((v) => v !== null);
    let node: SchemaNode;
    if (nonNull.length === 0) node = { kind: "null" };
    else if (nonNull.length === 1) node = { kind: "literal", value: nonNull[0] as JsonPrimitive };
    else node = { kind: "enum", values: nonNull };
    if (values.includes(null) && nonNull.length > 0) node = nullable(node);
    if (s.type === "null") node = { kind: "null" };
    return node;
  }

  /**
   * Keywords whose value JSON Schema refuses, each ignored (looser) and said where it is: a bound of a number it
   * refuses (`minItems: 0.5`, `maxLength: -1`, `maximum: .inf`, `multipleOf: 0`: published as written, no validator
   * would load the tool's schema), and a value of another type (`maxLength: "5"`, `minimum: "3"`, `maxItems: true`,
   * `pattern: 5`, `uniqueItems: "yes"`, `enum: abc`), which was left out in silence: said here where no structure
   * check saw it (`structureChecked`): 3.1 and 3.2 schemas, files a 3.0 document refers to, handler schemas.
   */
  private badKeywords(s: Json, at: At): void {
    // Read in one pass over the node's keys (a few) first: most nodes have nothing to say, and the ordered look-up
    // below (eleven keywords, a closure) ran for every schema node of the spec.
    if (!mayHaveBadKeyword(s)) return;
    const warn = (key: string, why: string) =>
      this.diags.warn("TW134", `${key} ${shown(s[key])} ${why}; ignored`, this.located(child(at, key)));
    const checked = this.structureChecked(at);
    for (const key of [...COUNTS, ...NUMBERS]) {
      if (!Object.hasOwn(s, key)) continue;
      const v = s[key];
      // OpenAPI 3.0's `exclusiveMinimum: true` (beside `minimum`) is its own form, read as such.
      if (typeof v === "boolean" && key.startsWith("exclusive")) continue;
      if (typeof v !== "number") {
        if (!checked) warn(key, "is not a number");
      } else if (!(COUNTS.includes(key) ? isCount(v) : isFiniteNumber(v) && (key !== "multipleOf" || v > 0)))
        warn(key, "is not a valid bound");
    }
    if (checked) return;
    if (Object.hasOwn(s, "pattern") && typeof s.pattern !== "string") warn("pattern", "is not a string");
    if (Object.hasOwn(s, "uniqueItems") && typeof s.uniqueItems !== "boolean")
      warn("uniqueItems", "is not true or false");
    if (Object.hasOwn(s, "enum") && !Array.isArray(s.enum)) warn("enum", "is not a list of values");
  }

  /**
   * Whether the schema at `at` lies in an OpenAPI 3.0 or Swagger 2.0 root document, which was checked against its
   * version's schema before (a keyword of another type: the operation left out with TW139, or nothing
   * said when the manifest excludes it), so saying it again here would only repeat it.
   */
  private structureChecked(at: At): boolean {
    return (this.version === "3.0" || this.version === "2.0") && at.doc === this.docs.root;
  }

  /**
   * An enum's labelled numbers (`labelledNumber`: `"0 (User)"` under `type: integer`) read as their numbers, the
   * labels kept for the schema's description (`labels`), said where they are. Two labels on one number say two
   * things of one value: neither is taken (no guess at which one is meant), said so.
   */
  private labelledValues(
    labelled: [unknown, number, string][],
    type: unknown,
    where: SourceRef,
    at: At,
  ): number[] {
    const count = new Map<number, number>();
    for (const [, n] of labelled) count.set(n, (count.get(n) ?? 0) + 1);
    const taken = labelled.filter(([, n]) => count.get(n) === 1);
    const clash = labelled.filter(([, n]) => count.get(n) !== 1).map(([v]) => v);
    if (clash.length > 0)
      this.diags.warn(
        "TW134",
        `enum values ${clash.map(shown).join(", ")} start with the same number under different labels: none of them is accepted here`,
        where,
        "Write each value once, as a number (`enum: [0, 1]`), in the spec or a patch (sources.<id>.patch).",
      );
    if (taken.length === 0) return [];
    this.labels.set(at.pointer, taken.map(([, n, label]) => `${n} = ${label}`).join(", "));
    const plural = taken.length !== 1;
    this.diags.warn(
      "TW134",
      `enum value${plural ? "s" : ""} ${taken.map(([v]) => shown(v)).join(", ")} ${plural ? "are" : "is"} not of the schema's type (${type}): read as ${taken.map(([, n]) => n).join(", ")}, the number${plural ? "s" : ""} ${plural ? "they start" : "it starts"} with, the label${plural ? "s" : ""} kept in the description`,
      where,
      "Write each value as a number (`enum: [0, 1]`) and the labels in the description or `x-enum-varnames`, in the spec or a patch (sources.<id>.patch).",
    );
    return taken.map(([, n]) => n);
  }

  /**
   * An enum's values of the schema's type, as JSON Schema reads `type` beside `enum` (both apply), with one reading
   * first: a scalar value whose JSON text names a value of the type (`type: string, enum: [1, true]` in JSON, as YAML's
   * unquoted 1 and true are read; `type: integer, enum: ["2"]`) is that value (`readAsType`), said with a located
   * warning. A value of another type with no such reading (`type: boolean, enum: ["yes"]`) is one no value is, left
   * out with a located warning; when every value is left out, no value is accepted (`not: {}`), as for a `const`. It
   * was published with the type dropped, so a model sent 1 or true, which the API's schema refuses. A container type
   * over scalar values (Okta's `type: object` over strings: `typeMiswritten`) is read as its values.
   */
  private enumOfType(s: Json, at: At): unknown[] {
    const values = s.enum as unknown[];
    const fits = values.map((v) => typeFits(s, v));
    if (!fits.some((f) => f?.fits === false) || typeMiswritten(s, values) !== undefined) return values;
    const type = fits[0]?.type;
    const reads: [unknown, unknown][] = [];
    const apart: unknown[] = [];
    const kept: unknown[] = [];
    const labelled: [unknown, number, string][] = [];
    for (const [i, v] of values.entries()) {
      const read: { value: unknown } | undefined = fits[i]?.fits === false ? readAsType(s, v) : { value: v };
      const label = read === undefined ? labelledNumber(s, v) : undefined;
      if (label !== undefined) labelled.push([v, label.value, label.label]);
      else if (read === undefined) apart.push(v);
      else {
        if (read.value !== v) reads.push([v, read.value]);
        kept.push(read.value);
      }
    }
    const where = this.located(child(at, "enum"));
    if (labelled.length > 0) {
      kept.push(...this.labelledValues(labelled, type, where, at));
      // Only labels clashing on their numbers: said, and no value is accepted.
      if (kept.length === 0 && apart.length === 0) return [];
    }
    if (reads.length > 0) {
      const plural = reads.length !== 1;
      this.diags.warn(
        "TW134",
        `enum value${plural ? "s" : ""} ${reads.map(([v]) => shown(v)).join(", ")} ${plural ? "are" : "is"} not of the schema's type (${type}): read as ${reads.map(([, r]) => shown(r)).join(", ")}, the ${type} ${plural ? "they name" : "it names"}`,
        where,
        'Write each value as the schema\'s type (quote a string: `"1"`) in the spec or a patch (sources.<id>.patch).',
      );
    }
    // Two values may read as one (`1` and `"1"` under integer): each once.
    const distinct = [...new Map(kept.map((v) => [JSON.stringify(v), v])).values()];
    if (apart.length === 0) return distinct;
    const plural = apart.length !== 1;
    if (kept.length === 0) {
      this.diags.warn(
        "TW134",
        `enum value${plural ? "s" : ""} ${apart.map(shown).join(", ")} ${plural ? "are" : "is"} not of the schema's type (${type}): no value is both, so none is accepted here (published as \`not: {}\`)`,
        where,
        'Write each value as the schema\'s type (quote a string: `"5"`), or fix the type, in the spec or a patch (sources.<id>.patch).',
      );
      return [];
    }
    this.diags.warn(
      "TW134",
      `enum value${plural ? "s" : ""} ${apart.map(shown).join(", ")} ${plural ? "are" : "is"} not of the schema's type (${type}): no value is both, so ${plural ? "they are" : "it is"} left out`,
      where,
      'Write each value as the schema\'s type (quote a string: `"1"`), or widen the type (`type: [string, integer]`), in the spec or a patch (sources.<id>.patch).',
    );
    return distinct;
  }

  /**
   * A `const` of the schema's type, or the value of the type its JSON text names (`type: string, const: 5` is the
   * string "5", `readAsType`, said with a located warning), or else the schema no value satisfies, as JSON Schema reads
   * `type` beside `const` (`type: boolean, const: "yes"`): said with a located warning, published as `not: {}`. It was
   * published as the const alone, the type dropped, in silence.
   */
  /**
   * `type: string, const: null` (or `enum: [null]`) read as null alone, as an enum's null is read beside any type
   * ("or null", `typeFits`), said where it is: JSON Schema reads it as no value, and the author may have meant a
   * nullable string, which would take strings this reading refuses.
   */
  private onlyNull(s: Json, values: unknown[], at: At): void {
    const type = onlyNullOutsideType(s, values);
    if (type === undefined) return;
    this.diags.warn(
      "TW134",
      `null is the only value listed, and the schema's type (${type}) does not take it: read as null alone, no ${type} accepted`,
      this.located(at),
      `For a nullable ${type}, write \`type: [${type}, "null"]\` (3.0: \`nullable: true\`) without the const or enum, in the spec or a patch (sources.<id>.patch).`,
    );
  }

  private constOfType(s: Json, at: At): SchemaNode {
    const fit = typeFits(s, s.const);
    this.onlyNull(s, [s.const], child(at, "const"));
    if (fit === undefined || fit.fits || typeMiswritten(s, [s.const]) !== undefined) return exactly(s.const);
    const read = readAsType(s, s.const);
    if (read !== undefined) {
      this.diags.warn(
        "TW134",
        `const ${shown(s.const)} is not of the schema's type (${fit.type}): read as ${shown(read.value)}, the ${fit.type} it names`,
        this.located(child(at, "const")),
        'Write the const as the schema\'s type (quote a string: `const: "5"`) in the spec or a patch (sources.<id>.patch).',
      );
      return exactly(read.value);
    }
    this.diags.warn(
      "TW134",
      `const ${shown(s.const)} is not of the schema's type (${fit.type}): no value is both, so none is accepted here (published as \`not: {}\`)`,
      this.located(child(at, "const")),
      'Write the const as the schema\'s type (quote a string: `const: "5"`), or fix the type, in the spec or a patch (sources.<id>.patch).',
    );
    return { kind: "never" };
  }

  /**
   * `enum: []`: no value is valid (JSON Schema 2020-12 allows the empty list and means that). Published as it is
   * (`enum: []`), ajv refuses the schema ("enum must have non-empty array"); it was read as `type: null`, which
   * accepts null, said nowhere. It is `not: {}` (zod's `z.never()`), with a located warning: a property so written
   * cannot be sent, and an answer holding it does not match.
   */
  private emptyEnum(at: At): SchemaNode {
    this.diags.warn(
      "TW134",
      "enum is empty: no value is valid, so none is accepted here (published as `not: {}`)",
      this.located(child(at, "enum")),
      "Give the enum its values, or drop the property (a patch: sources.<id>.patch).",
    );
    return { kind: "never" };
  }

  private typed(type: string, s: Json, at: At): SchemaNode {
    switch (type) {
      case "string":
        return this.stringNode(s, at);
      case "number":
      case "integer":
        return numberNode(type, s, this.version);
      case "boolean":
        return { kind: "boolean" };
      case "array":
        return this.arrayNode(s, at);
      case "object":
        return this.objectNode(s, at);
      default:
        // `String`, `Integer`: a type name written with capitals, in a file a `$ref` reads (the root document's
        // are read so as it loads: lowerCaseTypeNames), is the type it names.
        if (type !== type.toLowerCase() && TYPE_NAMES.has(type.toLowerCase())) {
          this.diags.warn(
            "TW134",
            `type "${type}" is not a type name (JSON Schema's are lower-case); read as "${type.toLowerCase()}"`,
            this.located(at),
          );
          return this.typed(type.toLowerCase(), s, at);
        }
        this.diags.warn("TW134", `unknown type "${type}"; treated as any value`, this.located(at));
        return { kind: "any" };
    }
  }

  private stringNode(s: Json, at: At): SchemaNode {
    const node: SchemaNode = { kind: "string" };
    if (typeof s.format === "string") node.format = s.format;
    if (isCount(s.minLength)) node.minLength = s.minLength;
    if (isCount(s.maxLength)) node.maxLength = s.maxLength;
    if (typeof s.contentEncoding === "string") node.contentEncoding = s.contentEncoding;
    if (typeof s.contentMediaType === "string") node.contentMediaType = s.contentMediaType;
    if (s.format === "byte") node.contentEncoding = "base64";
    if (typeof s.pattern === "string") {
      // A pattern written for another engine (`\-`, `\_` outside a class) is read as it matches without `u`.
      const pattern = unicodePattern(s.pattern);
      if (pattern === undefined) {
        this.diags.warn(
          "TW135",
          regexValid(s.pattern)
            ? `pattern ${JSON.stringify(s.pattern)} compiles only without ECMA-262's u flag, which JSON Schema validators use, and reads otherwise or not at all with it`
            : `pattern ${JSON.stringify(s.pattern)} is not a valid ECMA-262 regex`,
          this.located(at),
        );
        return node;
      }
      this.setPattern(node, pattern, at);
    }
    return node;
  }

  private arrayNode(s: Json, at: At): SchemaNode {
    const bounds = {
      ...(isCount(s.minItems) ? { minItems: s.minItems } : {}),
      ...(isCount(s.maxItems) ? { maxItems: s.maxItems } : {}),
    };
    if (Array.isArray(s.prefixItems)) {
      const items = s.prefixItems.map((p, i) => this.convert(p, child(at, "prefixItems", i)));
      // Past the prefix, items are open unless `items` closes or constrains them.
      const rest: SchemaNode | undefined =
        s.items === false
          ? undefined
          : s.items === undefined || s.items === true
            ? { kind: "any" }
            : this.convert(s.items, child(at, "items"));
      return { kind: "tuple", items, ...(rest ? { rest } : {}), ...bounds };
    }
    const items = this.convert(s.items, child(at, "items"));
    return { kind: "array", items, ...bounds, ...(s.uniqueItems === true ? { uniqueItems: true } : {}) };
  }

  /**
   * `required`'s names; another value (`required: [id, {}]`, `required: id`) names no property: ignored, said where
   * it is.
   */
  private requiredNames(list: unknown, at: At): string[] {
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      if (this.structureChecked(at)) return [];
      this.diags.warn(
        "TW134",
        `required ${shown(list)} is not a list of property names; ignored`,
        this.located(child(at, "required")),
      );
      return [];
    }
    const names = list.filter((n): n is string => typeof n === "string");
    if (names.length < list.length)
      this.diags.warn(
        "TW134",
        "required holds a value that is not a property name; ignored",
        this.located(child(at, "required")),
      );
    return names;
  }

  private objectNode(s: Json, at: At): SchemaNode {
    const required = new Set(this.requiredNames(s.required, at));
    const props = (s.properties ?? {}) as Json;
    const properties: PropertyNode[] = Object.keys(props).map((name) => ({
      name,
      required: required.has(name),
      schema: this.convert(props[name], child(at, "properties", name)),
    }));
    // Properties declared only in a conditional part (`dependentSchemas`, `then`, `else`: a billing address once a
    // card is given, fields of one kind), which toolwright does not enforce as conditions: optional properties of
    // the object, so a value the spec allows is not refused as an unknown property (as it was beside
    // `unevaluatedProperties: false`, and always among a body's fields); the condition is the upstream's to check.
    properties.push(...this.conditionalProperties(s, at, props));
    // `required` may name keys this schema does not describe (`allOf: [{$ref: Base}, {required: [email]}]`): they
    // must still be present, with whatever value the other parts allow.
    for (const name of required) {
      if (Object.hasOwn(props, name)) continue;
      const conditional = properties.find((p) => p.name === name);
      if (conditional) conditional.required = true;
      else properties.push({ name, required: true, schema: { kind: "any" } });
    }
    const ap = s.additionalProperties;
    // `patternProperties` is not carried (IGNORED_KEYWORDS), and `additionalProperties` applies only to names no
    // pattern matches: kept, it would refuse every patterned name the spec allows (`{x-a: "1"}` beside
    // `patternProperties: {^x-: ...}, additionalProperties: false`, refused as an unknown property). Such an
    // object is open instead, wider than the spec as every ignored keyword is.
    const patterned =
      typeof s.patternProperties === "object" &&
      s.patternProperties !== null &&
      Object.keys(s.patternProperties).length > 0;
    const additional: boolean | SchemaNode =
      patterned ||
      ap === undefined ||
      ap === true ||
      (typeof ap === "object" && ap !== null && Object.keys(ap).length === 0)
        ? true
        : ap === false
          ? false
          : this.convert(ap, child(at, "additionalProperties"));
    return {
      kind: "object",
      properties,
      additional,
      ...(isCount(s.minProperties) ? { minProperties: s.minProperties } : {}),
      ...(isCount(s.maxProperties) ? { maxProperties: s.maxProperties } : {}),
    };
  }

  /**
   * The properties `objectNode` takes from an object's conditional parts, each as wide as the spec allows it where
   * the condition is not known: a part's schema holds only when its condition does (a `then` when the `if` matches,
   * a `dependentSchemas` entry when its key is present), so a property declared in `then` and in `else` is either
   * one's value, and one declared in only one part (or in a `dependentSchemas` entry) is any value, with the words
   * of its first declaration. Read as its first declaration's schema, `{kind: "b", v: "s"}` was refused where
   * `then` typed `v` an integer and `else` a string, and `{billing: 3}` where a dependent schema typed `billing`
   * for an object without the `card` that brings it in.
   */
  private conditionalProperties(s: Json, at: At, own: Json): PropertyNode[] {
    const found = new Map<string, { node: SchemaNode; part: string }[]>();
    for (const [part, where] of conditionalParts(s)) {
      const declared = (part.properties ?? {}) as Json;
      if (typeof declared !== "object" || declared === null) continue;
      for (const name of Object.keys(declared)) {
        if (Object.hasOwn(own, name)) continue;
        const node = this.convert(declared[name], child(at, ...where, "properties", name));
        const list = found.get(name) ?? [];
        list.push({ node, part: where[0] as string });
        found.set(name, list);
      }
    }
    return [...found].map(([name, list]) => {
      const then = list.find((d) => d.part === "then")?.node;
      const otherwise = list.find((d) => d.part === "else")?.node;
      const schema: SchemaNode =
        then && otherwise
          ? { kind: "union", variants: [then, otherwise], exclusive: false }
          : withMeta({ kind: "any" }, metaOf((list[0] as { node: SchemaNode }).node));
      return { name, required: false, schema };
    });
  }

  private meta(s: Json): SchemaMeta {
    const m: SchemaMeta = {};
    if (typeof s.title === "string") m.title = s.title;
    if (typeof s.description === "string" && s.description.trim() !== "")
      m.description = s.description.trim();
    if ("default" in s) m.default = s.default;
    if (Array.isArray(s.examples)) m.examples = s.examples;
    // `example: null` is what Java's swagger-core writes on every field that has none (HubSpot's specs: 452 of 467,
    // 1,120 times in one): not an example, and published as one it offers a model null for a field that refuses it.
    else if ("example" in s && s.example !== null) m.examples = [s.example];
    if (s.deprecated === true) m.deprecated = true;
    if (s.readOnly === true) m.readOnly = true;
    if (s.writeOnly === true) m.writeOnly = true;
    return m;
  }

  private valueAt(at: At): unknown {
    const resolved = this.docs.resolve(at.pointer, at.doc, at.pointer);
    return resolved?.value;
  }

  /** Sets the pattern with its run-time engine (see patterns.ts); warns, once per pattern, about super-linear ones. */
  private setPattern(node: Extract<SchemaNode, { kind: "string" }>, pattern: string, at: At): void {
    const plan = planPattern(pattern);
    if (plan.engine !== "none") {
      node.pattern = pattern;
      if (plan.engine === "re2") node.patternRe2 = plan.re2;
      if (plan.engine === "re2" && plan.v8) node.patternV8 = true;
    }
    if (plan.superLinear === undefined || this.reported.has(`pattern ${pattern}`)) return;
    this.reported.add(`pattern ${pattern}`);
    this.diags.warn(
      "TW194",
      plan.engine === "none"
        ? `pattern ${JSON.stringify(pattern)} can take super-linear time (${plan.superLinear}) and RE2 cannot express it, so it is not enforced (first seen here)`
        : `pattern ${JSON.stringify(pattern)} can take super-linear time on backtracking engines (${plan.superLinear}); toolwright checks it in linear time, clients validating the published schema may not (first seen here)`,
      this.located(at),
    );
  }

  /**
   * The node with the keywords of IGNORED_KEYWORDS it can carry exactly (`not`, and on an object `propertyNames`
   * and `dependentRequired`: see exact.ts); the others it has are reported in IGNORED_KEYWORDS' order.
   */
  private constrained(s: Json, node: SchemaNode, at: At): SchemaNode {
    const enforced = new Set<string>();
    let out = node;
    if ("not" in s) {
      const not = this.notSchema(s.not, node, at);
      if (not) {
        out = { ...out, not } as SchemaNode;
        enforced.add("not");
      }
    }
    const object =
      out.kind === "object"
        ? out
        : out.kind === "nullable" && out.inner.kind === "object"
          ? out.inner
          : undefined;
    if (object) {
      const carried = { ...object };
      if ("propertyNames" in s && readsNamesExactly(s.propertyNames)) {
        const names = this.convert(s.propertyNames, child(at, "propertyNames"));
        if (names.kind !== "any") carried.propertyNames = names;
        enforced.add("propertyNames");
      }
      const dependent = "dependentRequired" in s ? dependentRequiredOf(s.dependentRequired) : undefined;
      if (dependent) {
        if (dependent.length > 0) carried.dependentRequired = dependent;
        enforced.add("dependentRequired");
      }
      out = out.kind === "nullable" ? { ...out, inner: carried } : carried;
    }
    for (const k of IGNORED_KEYWORDS) if (k in s && !enforced.has(k)) this.reportOnce(k, at);
    return out;
  }

  /**
   * `not`'s schema, where the IR can carry it exactly: read never wider than the spec's (exact.ts), naming no schema,
   * beside a node the emitters refine (not any value, not a reference, not a 64-bit or decimal number, whose input
   * form also takes strings of digits).
   */
  private notSchema(raw: unknown, host: SchemaNode, at: At): SchemaNode | undefined {
    const inner = host.kind === "nullable" ? host.inner : host;
    if (
      inner.kind === "any" ||
      inner.kind === "ref" ||
      inner.kind === "never" ||
      holdsWideNumber(inner, this.symbols)
    )
      return undefined;
    if (!readNeverWider(raw)) return undefined;
    const node = this.convert(raw, child(at, "not"));
    return refsOf(node).size === 0 ? node : undefined;
  }

  private reportOnce(keyword: string, at: At): void {
    if (this.reported.has(keyword)) return;
    this.reported.add(keyword);
    this.diags.info(
      "TW134",
      `"${keyword}" is not enforced (first seen here); the published schema is looser`,
      this.located(at),
    );
  }

  ref(at: At): SourceRef {
    return { file: at.doc.file, pointer: at.pointer };
  }

  /** For diagnostics: with a line where the file's positions are known. */
  private located(at: At): SourceRef {
    return at.doc.cheapRef(at.pointer);
  }
}

/**
 * Whether a value the node takes may be a 64-bit or decimal number (`wideNumber`), whose input form also takes its
 * digits as a string: the node itself, or a type of a type list (`type: [integer, string]`, `format: int64`), a
 * branch or a part, written inline or named by a `$ref` (followed; one not converted yet, in a recursion, counts
 * as one that may), so that `not` beside a type list is judged as beside the one type. A `$ref` was not followed:
 * `not: {type: string}` beside `anyOf: [$ref: Int64, ...]` was published, refusing the digits the input form takes.
 */
function holdsWideNumber(node: SchemaNode, symbols: SymbolTable, seen = new Set<string>()): boolean {
  if (node.kind === "ref") {
    if (seen.has(node.target)) return false;
    if (!symbols.isDefined(node.target)) return true;
    seen.add(node.target);
    return holdsWideNumber(symbols.get(node.target).schema, symbols, seen);
  }
  if (node.kind === "nullable") return holdsWideNumber(node.inner, symbols, seen);
  if (node.kind === "union") return node.variants.some((v) => holdsWideNumber(v, symbols, seen));
  if (node.kind === "intersection") return node.parts.some((p) => holdsWideNumber(p, symbols, seen));
  return wideNumber(node);
}

/** Whether the object has a key of `keys`. */
function hasAny(s: Json, keys: ReadonlySet<string>): boolean {
  for (const k in s) if (keys.has(k)) return true;
  return false;
}

/** An inline schema that constrains without naming a type, a `$ref`, a composition or a value set. */
function isPartial(v: unknown): boolean {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const o = v as Json;
  return (
    !("type" in o) &&
    !("$ref" in o) &&
    !("enum" in o) &&
    !("const" in o) &&
    !Object.keys(o).some((k) => COMPOSITION.has(k))
  );
}

/** The name a variant's `$ref` gives it: its pointer's last segment, or its file's name (`./square.yaml`). */
function variantName(ref: unknown): string | undefined {
  if (typeof ref !== "string") return undefined;
  const hash = ref.indexOf("#");
  const pointer = hash === -1 ? "" : ref.slice(hash + 1);
  if (pointer.length > 1) {
    const last = pointer.slice(pointer.lastIndexOf("/") + 1);
    return decodeURIComponent(last).replace(/~1/g, "/").replace(/~0/g, "~");
  }
  const file = hash === -1 ? ref : ref.slice(0, hash);
  const base = file.slice(file.lastIndexOf("/") + 1);
  return base.replace(/\.(json|ya?ml)$/i, "");
}

/**
 * Whether a pointer's last segment is a key naming the schema (`#/components/schemas/items`, `#/definitions/0`,
 * `#/components/schemas/Pet/properties/name`), not a keyword or index of a schema without a name of its own
 * (`.../schema`, `.../items`, `.../oneOf/0`; a property called `items` is read so too, as it has been).
 */
function keyName(segments: string[]): boolean {
  const last = segments[segments.length - 1] ?? "";
  if (!["schema", "items", "additionalProperties"].includes(last) && !/^\d+$/.test(last)) return true;
  return NAMING_MAPS.has(segments[segments.length - 2] ?? "");
}

/** Maps whose keys name a schema. */
const NAMING_MAPS = new Set(["schemas", "definitions", "$defs"]);

/** Most words and characters a `title` may have to name a schema: a sentence describes one, it does not name it. */
const TITLE_WORDS = 4;
const TITLE_CHARS = 64;

/**
 * A schema's `title` when it reads as a name (`ErrorStandard.v2`, `Payment allocation`): a letter in it, at most
 * `TITLE_WORDS` words and `TITLE_CHARS` characters (DigitalOcean's "A step that is run as part of the deployment's
 * lifecycle" is a sentence), not an article first ("A square" describes); else undefined.
 */
function titleName(schema: unknown): string | undefined {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return undefined;
  const title = (schema as Json).title;
  if (typeof title !== "string") return undefined;
  const text = title.trim();
  if (text.length === 0 || text.length > TITLE_CHARS || !/\p{L}/u.test(text)) return undefined;
  const words = text.split(/\s+/);
  // "A square", "The pet's owner": an article first describes one.
  if (words.length > 1 && /^(a|an|the)$/i.test(words[0] as string)) return undefined;
  return words.length <= TITLE_WORDS ? text : undefined;
}

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"]);

/** Segments of a pointer into an operation that say nothing of which schema it is. */
const FILLER_SEGMENTS = new Set(["#", "", "content", "schema"]);

/**
 * A name for a schema written in an operation of a webhook (3.1's `#/webhooks/newPet/post/...`), of a reusable
 * path item (`#/components/pathItems/Pets/post/...`) or of a callback (`.../callbacks/onEvent/{$request.body#/url}
 * /post/...`): the name of the innermost of them, its method and where the schema is in the operation
 * (`newPet post requestBody`, `Pets get responses 200 items`), without the media type. Made of the pointer's last
 * segments, every webhook's request body was `requestBody content application/json schema` (then `...Schema2`,
 * ...). Undefined elsewhere (`#/paths/...` keeps the name it has always had).
 */
function operationName(decoded: string[]): string | undefined {
  for (let i = decoded.length - 1; i > 0; i--) {
    const at = decoded[i];
    const named =
      (at === "webhooks" && i === 1) ||
      (at === "pathItems" && decoded[i - 1] === "components" && i === 2) ||
      at === "callbacks";
    if (!named) continue;
    const method = decoded[at === "callbacks" ? i + 3 : i + 2];
    const name = decoded[i + 1];
    if (name === undefined || method === undefined || !METHODS.has(method)) return undefined;
    const rest = decoded.slice(at === "callbacks" ? i + 4 : i + 3);
    const where = rest.filter(
      (s, k) => !FILLER_SEGMENTS.has(s) && !(rest[k - 1] === "content" && s.includes("/")),
    );
    return [name, method, ...where.slice(-4)].join(" ");
  }
  return undefined;
}

function symbolNameFromPointer(segments: string[]): string {
  const decoded = segments.map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
  const last = decoded[decoded.length - 1] ?? "Schema";
  if (!keyName(segments)) {
    const operation = operationName(decoded);
    if (operation !== undefined) return operation;
    return decoded
      .filter((s) => s !== "#" && s !== "")
      .slice(-4)
      .join(" ");
  }
  return last;
}

/**
 * Kubernetes' IntOrString (`io.k8s.apimachinery.pkg.util.intstr.IntOrString`: `type: string, format:
 * int-or-string`; `x-kubernetes-int-or-string: true` in CRD schemas) holds an integer or a string (`maxSurge: 1`
 * or `"25%"`): read as written, the integer was refused as an argument and reported as drift in every result.
 */
function intOrString(s: Json): boolean {
  if (s["x-kubernetes-int-or-string"] === true) return s.type === undefined || s.type === "string";
  return s.format === "int-or-string" && (s.type === undefined || s.type === "string");
}

/** The keywords `typesOf` reads a type from when none is named. */
const TYPING_KEYWORDS = [
  "properties",
  "additionalProperties",
  "required",
  "minProperties",
  "maxProperties",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "multipleOf",
];

/** The type names `typed` reads. */
const TYPE_NAMES = new Set(["string", "number", "integer", "boolean", "array", "object"]);

function typesOf(s: Json): string[] {
  if (intOrString(s)) return ["integer", "string"];
  if (Array.isArray(s.type)) return s.type as string[];
  if (typeof s.type === "string") return [s.type];
  // A count of members or items types its schema as the other bounds do (`minLength` a string): untyped, it was
  // read as any value, so `allOf: [$ref: Base, {minProperties: 1}]` dropped the count without a word.
  if (
    s.properties ||
    s.additionalProperties !== undefined ||
    s.required ||
    s.minProperties !== undefined ||
    s.maxProperties !== undefined
  )
    return ["object"];
  if (s.items || s.prefixItems || s.minItems !== undefined || s.maxItems !== undefined) return ["array"];
  if (
    s.pattern !== undefined ||
    s.minLength !== undefined ||
    s.maxLength !== undefined ||
    s.format === "binary"
  ) {
    return ["string"];
  }
  if (s.minimum !== undefined || s.maximum !== undefined || s.multipleOf !== undefined) return ["number"];
  return [];
}

/** Keywords JSON Schema requires to be a non-negative integer. */
const COUNTS = ["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];
/** Keywords JSON Schema requires to be a number (`multipleOf`: above 0); a YAML `.inf` or JSON `1e400` is not one. */
const NUMBERS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
/** The keywords `badKeywords` looks at: true for a count, false for a number, null for the others. */
const CHECKED_KEYWORDS = new Map<string, boolean | null>([
  ...COUNTS.map((k): [string, boolean] => [k, true]),
  ...NUMBERS.map((k): [string, boolean] => [k, false]),
  ["pattern", null],
  ["uniqueItems", null],
  ["enum", null],
]);

/**
 * Whether `badKeywords` may have something to say of `s`: a bound keyword whose value is not a valid bound, or one
 * of the others with a value of another type than its own. Never false where it would warn.
 */
function mayHaveBadKeyword(s: Json): boolean {
  for (const key in s) {
    const count = CHECKED_KEYWORDS.get(key);
    if (count === undefined) continue;
    const v = s[key];
    if (count === null) {
      if (
        key === "pattern"
          ? typeof v !== "string"
          : key === "enum"
            ? !Array.isArray(v)
            : typeof v !== "boolean"
      )
        return true;
    } else if (typeof v === "number") {
      if (!(count ? isCount(v) : isFiniteNumber(v) && (key !== "multipleOf" || v > 0))) return true;
    } else if (!(typeof v === "boolean" && key.startsWith("exclusive"))) return true;
  }
  return false;
}

/** A keyword's value as a message shows it: JSON, cut at 40 characters (`Infinity`, `NaN` as JavaScript writes them). */

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function numberNode(kind: "number" | "integer", s: Json, version: OpenApiVersion): SchemaNode {
  const node: SchemaNode = { kind };
  if (typeof s.format === "string") node.format = s.format;
  if (isFiniteNumber(s.multipleOf) && s.multipleOf > 0) node.multipleOf = s.multipleOf;
  if (
    version === "3.1" ||
    version === "3.2" ||
    typeof s.exclusiveMinimum === "number" ||
    typeof s.exclusiveMaximum === "number"
  ) {
    if (isFiniteNumber(s.exclusiveMinimum)) node.exclusiveMinimum = s.exclusiveMinimum;
    if (isFiniteNumber(s.exclusiveMaximum)) node.exclusiveMaximum = s.exclusiveMaximum;
  }
  if (isFiniteNumber(s.minimum)) {
    if (s.exclusiveMinimum === true) node.exclusiveMinimum = s.minimum;
    else node.minimum = s.minimum;
  }
  if (isFiniteNumber(s.maximum)) {
    if (s.exclusiveMaximum === true) node.exclusiveMaximum = s.maximum;
    else node.maximum = s.maximum;
  }
  return node;
}

export function nullable(node: SchemaNode): SchemaNode {
  if (node.kind === "nullable" || node.kind === "null" || node.kind === "any") return node;
  return { kind: "nullable", inner: node };
}

/** Variant `i` of a discriminated union with its discriminator required to be one of the values that select it. */
function pinned(variant: SchemaNode, disc: DiscriminatorNode, i: number): SchemaNode {
  const values = Object.keys(disc.mapping).filter((v) => disc.mapping[v] === i);
  if (values.length === 0) return variant;
  const pin: SchemaNode =
    values.length === 1 ? { kind: "literal", value: values[0] as string } : { kind: "enum", values };
  return {
    kind: "intersection",
    parts: [
      variant,
      {
        kind: "object",
        properties: [{ name: disc.property, required: true, schema: pin }],
        additional: true,
      },
    ],
  };
}

/** `node` with each pin's property required to be one of its values. */
function pinnedTo(node: SchemaNode, pins: Pin[]): SchemaNode {
  if (pins.length === 0) return node;
  const properties: PropertyNode[] = pins.map(({ property, values }) => ({
    name: property,
    required: true,
    schema:
      values.length === 1
        ? { kind: "literal", value: values[0] as string }
        : { kind: "enum", values: [...values] },
  }));
  return { kind: "intersection", parts: [node, { kind: "object", properties, additional: true }] };
}

function withMeta(node: SchemaNode, meta: SchemaMeta): SchemaNode {
  for (const _ in meta) return { ...node, ...meta } as SchemaNode;
  return node;
}

/**
 * `allOf` of inline, open objects is one object (nicer types and schemas); anything else stays an intersection,
 * which keeps JSON Schema's meaning exactly (closed parts reject each other's keys, as in JSON Schema).
 */
export function mergeIntersection(parts: SchemaNode[]): SchemaNode {
  // A part with constraints of its own on the whole object (`not`, `propertyNames`, `dependentRequired`) keeps them
  // only as a part.
  const objects = parts.every(
    (p) =>
      p.kind === "object" &&
      p.additional === true &&
      p.not === undefined &&
      p.propertyNames === undefined &&
      p.dependentRequired === undefined,
  );
  if (!objects) return { kind: "intersection", parts };
  const properties: PropertyNode[] = [];
  // The parts' counts of members bound one object: the highest minimum, the lowest maximum (they were dropped here,
  // so `allOf: [Base, {minProperties: 1}]` took `{}`).
  let minProperties: number | undefined;
  let maxProperties: number | undefined;
  for (const p of parts) {
    if (p.kind !== "object") continue;
    for (const prop of p.properties) {
      const existing = properties.findIndex((q) => q.name === prop.name);
      if (existing === -1) properties.push(prop);
      else return { kind: "intersection", parts };
    }
    if (p.minProperties !== undefined) minProperties = Math.max(minProperties ?? 0, p.minProperties);
    if (p.maxProperties !== undefined) maxProperties = Math.min(maxProperties ?? Infinity, p.maxProperties);
  }
  return {
    kind: "object",
    properties,
    additional: true,
    ...(minProperties !== undefined ? { minProperties } : {}),
    ...(maxProperties !== undefined ? { maxProperties } : {}),
  };
}

function isPrimitive(v: unknown): v is JsonPrimitive {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

/** The schema only `value` satisfies: a structured const is a closed object or closed tuple of exact parts. */
function exactly(value: unknown): SchemaNode {
  if (value === null) return { kind: "null" };
  if (isPrimitive(value)) return { kind: "literal", value };
  if (Array.isArray(value)) {
    return { kind: "tuple", items: value.map(exactly), minItems: value.length };
  }
  const properties = Object.entries(value as Json).map(([name, v]) => ({
    name,
    required: true,
    schema: exactly(v),
  }));
  return { kind: "object", properties, additional: false };
}
