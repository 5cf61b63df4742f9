import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, extname, join, relative, sep } from "node:path";
import type { Diagnostics } from "../../diagnostics.js";
import { decodePointer, encodePointer, type LoadedDocument } from "../../load/document.js";
import { type DocumentSet, type Resolved, referencedFile, schemaRefs } from "../../load/document-set.js";

/**
 * The named schemas of a spec split over files, for what spans them (polymorphism by inheritance: a discriminated
 * base in one file, its subtypes in others). Keyed by place (`file#pointer`), in a fixed order: the root's
 * `components/schemas`, then each other file the spec's references reach (`DocumentSet.reachable`, breadth first),
 * its named schemas in its own order, then the places `$ref`s point at that are not among them.
 */

type Json = Record<string, unknown>;

export interface NamedSchema {
  doc: LoadedDocument;
  pointer: string;
  value: unknown;
  /** Its name: a root component's (the component itself, or one that only refers to it), else its key, else its file's. */
  name: string;
  /** Its name is a root component's naming it (itself, or a link of a file leading to it: `isLink`). */
  given?: boolean;
}

/** Keywords that make an object a schema (a file whose root has one is one schema). */
const SCHEMA_KEYWORDS = [
  "type",
  "properties",
  "allOf",
  "oneOf",
  "anyOf",
  "discriminator",
  "$ref",
  "enum",
  "const",
  "items",
  "required",
  "additionalProperties",
];

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function looksLikeSchema(v: unknown): boolean {
  return isObject(v) && SCHEMA_KEYWORDS.some((k) => Object.hasOwn(v, k));
}

/** The root keys of an OpenAPI or Swagger document (a file with one is not a map of schemas). */
const DOCUMENT_KEYS = ["openapi", "swagger", "paths", "info", "components", "webhooks"];

/** A schema that only names another (`{$ref}`, annotations beside it): the same schema under another name. */
export function isAlias(v: unknown): v is Json & { $ref: string } {
  return isObject(v) && typeof v.$ref === "string" && v.properties === undefined && v.allOf === undefined;
}

/**
 * A schema that only names another, with at most a title or a description beside (`$ref: ./impl/circle.yaml`, a
 * file re-exporting another): the same schema, one name for both. Anything else beside (`default`, `nullable`,
 * a constraint) makes it a schema of its own.
 */
export function isLink(v: unknown): v is Json & { $ref: string } {
  return (
    isObject(v) &&
    typeof v.$ref === "string" &&
    Object.keys(v).every((k) => k === "$ref" || k === "title" || k === "description")
  );
}

/**
 * Follows `r` through links (`isLink`) of the files beside the root (a root component stays itself) to the schema
 * they name (`a.yaml` -> `b.yaml#/X` -> `c.yaml`), with the links passed, outermost first; undefined for a cycle of
 * links or a link that points at nothing (each said where the conversion follows it).
 */
export function linkEnd(
  r: Resolved,
  root: LoadedDocument,
  docs: DocumentSet,
): { end: Resolved; links: Resolved[] } | undefined {
  let at = r;
  const links: Resolved[] = [];
  const seen = new Set<string>();
  while (at.doc !== root && isLink(at.value)) {
    const key = keyOf(at.doc, at.pointer);
    if (seen.has(key)) return undefined;
    seen.add(key);
    links.push(at);
    const from = at;
    const { value: next } = docs.tentatively(() =>
      docs.resolve((from.value as Json).$ref as string, from.doc, from.pointer),
    );
    if (!next) return undefined;
    at = next;
  }
  return { end: at, links };
}

/**
 * The places a chain of links (`isLink`, in any file) starting at `r` passes before it comes back to one of them
 * (`a.yaml` -> `b.yaml#/X` -> `c.yaml` -> `a.yaml`), that place last: such a chain names no schema at all.
 * Undefined when it reaches a schema or a reference that points at nothing.
 */
export function linkCycle(r: Resolved, docs: DocumentSet): Resolved[] | undefined {
  let at = r;
  const passed: Resolved[] = [];
  const seen = new Set<string>();
  while (isLink(at.value)) {
    const key = keyOf(at.doc, at.pointer);
    passed.push(at);
    if (seen.has(key)) return passed;
    seen.add(key);
    const from = at;
    const { value: next } = docs.tentatively(() =>
      docs.resolve((from.value as Json).$ref as string, from.doc, from.pointer),
    );
    if (!next) return undefined;
    at = next;
  }
  return undefined;
}

/** Whether a named schema is a whole file (`$ref: ./square.yaml`, no pointer). */
function isWholeFile(s: NamedSchema): boolean {
  return s.pointer === "#" || s.pointer === "";
}

export function keyOf(doc: LoadedDocument, pointer: string): string {
  return `${doc.file}${pointer}`;
}

/** The name of a schema that is a whole file: the file's, without its extension (`models/pet-v2.yaml` -> `pet-v2`). */
export function fileSchemaName(doc: LoadedDocument): string {
  return basename(doc.file, extname(doc.file));
}

/** A name for a schema at `pointer` of `doc`: its last segment, or the file's name for a whole-file schema. */
function nameAt(doc: LoadedDocument, pointer: string): string {
  const segments = decodePointer(pointer);
  const last = segments[segments.length - 1];
  return last !== undefined && last !== "" ? last : fileSchemaName(doc);
}

export function namedSchemas(root: LoadedDocument, docs: DocumentSet): Map<string, NamedSchema> {
  const found = new Map<string, NamedSchema>();
  const add = (doc: LoadedDocument, pointer: string, value: unknown, name = nameAt(doc, pointer)) => {
    const key = keyOf(doc, pointer);
    if (!found.has(key) && isObject(value)) found.set(key, { doc, pointer, value, name });
  };
  const entries = (doc: LoadedDocument, map: unknown, ...at: string[]) => {
    if (!isObject(map)) return;
    for (const [name, value] of Object.entries(map)) add(doc, encodePointer([...at, name]), value, name);
  };
  const rootData = isObject(root.data) ? root.data : {};
  entries(root, (rootData.components as Json | undefined)?.schemas, "components", "schemas");
  const all = docs.reachable();
  if (all.length === 1) return found;
  const others = all.filter((d) => d !== root);
  for (const doc of others) {
    const data = doc.data;
    if (!isObject(data)) continue;
    entries(doc, (data.components as Json | undefined)?.schemas, "components", "schemas");
    entries(doc, data.definitions, "definitions");
    entries(doc, data.$defs, "$defs");
    if (looksLikeSchema(data)) add(doc, "#", data);
    else if (!DOCUMENT_KEYS.some((k) => Object.hasOwn(data, k)))
      for (const [name, value] of Object.entries(data))
        if (looksLikeSchema(value)) add(doc, encodePointer([name]), value, name);
  }
  // What references point at in the other files (`lib.yaml#/schemas/animals/Pet`), read quietly: a reference that
  // points at nothing is reported where a conversion follows it.
  for (const doc of all) {
    for (const { ref, pointer } of schemaRefs(doc.data)) {
      if (doc === root && ref.startsWith("#")) continue;
      const { value: r } = docs.tentatively(() => docs.resolve(ref, doc, pointer));
      if (r && r.doc !== root) add(r.doc, r.pointer, r.value);
    }
  }
  const named = new Set<NamedSchema>();
  // A root component that only names a schema of another file (`Cat: {$ref: ./models/cat.yaml}`) names it, and
  // what that file's links (`isLink`) lead to (`cat.yaml`: `$ref: ./impl/cat.yaml`). A link of a file does not
  // name what it leads to: that keeps its own name (and its discriminator value), however many files link to it.
  const nameEnd = (s: NamedSchema, ref: string) => {
    const { value: r } = docs.tentatively(() => docs.resolve(ref, s.doc, s.pointer));
    const through = r ? linkEnd(r, root, docs) : undefined;
    if (!through) return;
    for (const place of [...through.links, through.end]) {
      const target = found.get(keyOf(place.doc, place.pointer));
      if (target && target !== s && target.doc !== root && !named.has(target)) {
        target.name = s.name;
        target.given = true;
        named.add(target);
      }
    }
  };
  for (const [, s] of [...found].filter(([, s]) => s.doc === root))
    if (isAlias(s.value)) nameEnd(s, (s.value as Json).$ref as string);
  return found;
}

/** Follows a resolved place through schemas that only name another (`isAlias`), up to 32, to the schema itself. */
export function throughAliases(r: Resolved, docs: DocumentSet): Resolved {
  let at = r;
  const seen = new Set<string>();
  for (let i = 0; i < 32 && isAlias(at.value); i++) {
    const key = keyOf(at.doc, at.pointer);
    if (seen.has(key)) break;
    seen.add(key);
    const { value: next } = docs.tentatively(() =>
      docs.resolve((at.value as Json).$ref as string, at.doc, at.pointer),
    );
    if (!next) break;
    at = next;
  }
  return at;
}

/** The named schemas of a spec (`namedSchemas`) and how their references and discriminator mappings are read. */
export class SchemaFiles {
  readonly found: Map<string, NamedSchema>;

  constructor(
    private readonly root: LoadedDocument,
    private readonly docs: DocumentSet,
    private readonly diags: Diagnostics,
  ) {
    this.found = namedSchemas(root, docs);
  }

  /** Each named schema by key, in order, prototype-free (`inheritance.ts` reads them so). */
  schemas(): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, s] of this.found) out[key] = s.value;
    return out;
  }

  atOf(key: string): { doc: LoadedDocument; pointer: string } {
    const s = this.found.get(key) as NamedSchema;
    return { doc: s.doc, pointer: s.pointer };
  }

  nameOf(key: string): string {
    return this.found.get(key)?.name ?? key;
  }

  /** The named schema a resolved place is, through schemas that only name another (`isAlias`). */
  private named(r: Resolved | undefined): string | undefined {
    if (!r) return undefined;
    const through = throughAliases(r, this.docs);
    const key = keyOf(through.doc, through.pointer);
    if (this.found.has(key)) return key;
    const own = keyOf(r.doc, r.pointer);
    return this.found.has(own) ? own : undefined;
  }

  /**
   * The named schema `ref` (written in named schema `from`) is. Read before any operation: a reference here that
   * points at nothing (a mapping to a schema the spec lacks) costs that subtype only, said as a warning; as an error
   * it failed the whole generate, every operation lost.
   */
  resolveName(ref: string, from: string): string | undefined {
    const at = this.atOf(from);
    const { value: r, errors } = this.docs.tentatively(() => this.docs.resolve(ref, at.doc, at.pointer));
    for (const e of errors)
      this.diags.warn(
        e.code,
        `${e.message}: not read as a subtype of ${this.nameOf(from)} or a base of it (a discriminator value mapped to it is refused)`,
        e.source,
        e.fix,
      );
    return this.named(r);
  }

  /**
   * The named schema a discriminator mapping value of named schema `base` (under `key`) is: a reference is read as
   * the loader reads a `$ref` written there; a bare name is a component of the base's own document, else of the
   * root, else a schema beside the base (a file holding several), else the one schema of that name in the files the
   * spec reaches, else a file of that name. One that is none of them is a located warning (the value is refused).
   */
  resolveMapping(value: string, base: string, key: string): string | undefined {
    if (value.includes("#") || value.includes("/")) return this.resolveName(value, base);
    const at = this.atOf(base);
    const container = at.pointer.slice(0, at.pointer.lastIndexOf("/"));
    const places = [
      keyOf(at.doc, encodePointer(["components", "schemas", value])),
      keyOf(this.root, encodePointer(["components", "schemas", value])),
      ...(container === "" ? [] : [keyOf(at.doc, `${container}/${encodePointer([value]).slice(2)}`)]),
    ];
    const place = places.find((p) => this.found.has(p));
    if (place !== undefined) return this.named({ ...this.atOf(place), value: this.found.get(place)?.value });
    const same = [...this.found].filter(([, s]) => s.name === value).map(([k]) => k);
    if (same.length === 1) {
      const only = same[0] as string;
      return this.named({ ...this.atOf(only), value: this.found.get(only)?.value });
    }
    // A file's name (`sq-file`), its schema named otherwise (by a root component: `Square`): the schema it holds.
    const files = [...this.found].filter(([, s]) => isWholeFile(s) && fileSchemaName(s.doc) === value);
    if (same.length === 0 && files.length === 1) {
      const [only, s] = files[0] as [string, NamedSchema];
      return this.named({ ...this.atOf(only), value: s.value });
    }
    const file = referencedFile(value, at.doc.abs);
    if (file !== undefined && existsSync(file)) return this.resolveName(value, base);
    const unread = same.length === 0 ? this.unreadFile(value, at.doc) : undefined;
    if (at.doc === this.root && unread === undefined)
      return this.resolveName(`#/components/schemas/${value}`, base);
    const what =
      same.length > 1
        ? `the name of ${same.length} schemas of the spec's files (${same.join(", ")})`
        : unread !== undefined
          ? `no schema of the spec's files: ${unread} is beside it but not read, as no reference of the spec reaches it (a file nothing refers to is not part of the spec; map the value to ${JSON.stringify(`./${unread}`)}, or refer to the file)`
          : `no schema of the spec's files${this.nearly(value)}`;
    this.diags.warn(
      "TW131",
      `discriminator mapping ${JSON.stringify(key)} names ${JSON.stringify(value)}, ${what}: not read as a subtype of ${this.nameOf(base)} (the value is refused)`,
      at.doc.ref(`${at.pointer}/discriminator/mapping/${encodePointer([key]).slice(2)}`),
    );
    return undefined;
  }

  /**
   * The schemas a bare mapping name refused would name but for its letters' case (`square` for `Square`), each
   * with the file holding it: `; did you mean "Square" (models/square.yaml)?`, or nothing.
   */
  private nearly(value: string): string {
    const wanted = value.normalize("NFC").toLowerCase();
    const near = new Map<string, string>();
    // The file holding a schema before a root component naming it (`Square: {$ref: ./sq-file.yaml}`).
    const order = [...this.found.values()].sort(
      (a, b) => Number(a.doc === this.root) - Number(b.doc === this.root),
    );
    for (const s of order) {
      const names = isWholeFile(s) ? [s.name, fileSchemaName(s.doc)] : [s.name];
      for (const name of names)
        if (name !== value && name.normalize("NFC").toLowerCase() === wanted && !near.has(name))
          near.set(name, this.placeOf(s));
    }
    if (near.size === 0) return "";
    const said = [...near].slice(0, 3).map(([name, where]) => `${JSON.stringify(name)} (${where})`);
    return `; did you mean ${said.join(" or ")}? (a mapping's name is matched letter for letter)`;
  }

  /** Where a named schema is, as the root's folder names its file (`models/square.yaml`, `lib.yaml#/Pet`). */
  private placeOf(s: NamedSchema): string {
    const rel = relative(dirname(this.root.abs), s.doc.abs).split(sep).join("/");
    const file = rel.startsWith("..") ? s.doc.file : rel;
    return isWholeFile(s) ? file : `${file}${s.pointer}`;
  }

  /**
   * A schema file beside `doc` named `value` (`Square` -> `square.yaml`, case aside) that no reference reaches,
   * by its name, for a mapping naming it: such a file is not read.
   */
  private unreadFile(value: string, doc: LoadedDocument): string | undefined {
    const dir = dirname(doc.abs);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return undefined;
    }
    const loaded = new Set(this.docs.reachable().map((d) => d.abs));
    const wanted = value.normalize("NFC").toLowerCase();
    const file = names
      .sort()
      .find(
        (n) =>
          /\.(ya?ml|json)$/i.test(n) &&
          basename(n, extname(n)).normalize("NFC").toLowerCase() === wanted &&
          !loaded.has(join(dir, n)),
      );
    return file;
  }

  /** Each named schema that only names another named schema, with that one. */
  aliases(): [string, string][] {
    const out: [string, string][] = [];
    for (const [key, s] of this.found) {
      const alias = s.value;
      if (!isAlias(alias)) continue;
      const { value: r } = this.docs.tentatively(() => this.docs.resolve(alias.$ref, s.doc, s.pointer));
      const target = this.named(r);
      if (target !== undefined && target !== key) out.push([key, target]);
    }
    return out;
  }
}
