import { statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { Diagnostic, Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { decodePointer, encodePointer, type LoadedDocument, loadDocument, NAME_MAPS } from "./document.js";
import { insideFolders, realPath } from "./files.js";
import { withholdTextCredentials } from "./text-credentials.js";

/**
 * The documents of one OpenAPI spec and `$ref` resolution between them. Below openapi.ts, so the structure check
 * and the Swagger 2.0 inliner can use these types without importing the loader that calls them.
 *
 * What a spec may make the generator read is confined: a `$ref` (or `file:` URL) is followed only to a regular
 * file whose real path lies in the spec's own folder or a folder the manifest names (`ref_folders`); remote
 * references are never fetched. Every reference of every loaded document is checked when the document is loaded
 * (`scan`), wherever it sits (examples, links, extensions), since other readers of the spec (openapi-typescript)
 * would follow them too.
 */

export type OpenApiVersion = "2.0" | "3.0" | "3.1" | "3.2";

/**
 * The folder to suggest granting for a target outside the spec's folders: the smallest folder holding both the
 * spec's folder and the target (so sibling folders of a split spec are granted together), or, when that is the
 * filesystem root or a folder just below it (`/`, `/tmp`, `/home`), only the target's own folder.
 */
function grantFolder(own: string, target: string): string {
  const a = own.split(sep);
  const b = dirname(target).split(sep);
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  const common = a.slice(0, n).join(sep);
  return a.slice(0, n).filter(Boolean).length >= 2 ? common : dirname(target);
}

/** A resolved `$ref`: the document it lands in, the pointer inside it, and the value there. */
export interface Resolved {
  doc: LoadedDocument;
  pointer: string;
  value: unknown;
}

/** `http:`, `https:` and any other scheme except `file:`. */
export function isRemoteReference(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^file:/i.test(ref);
}

/** The file a local reference names, absolute (`file:` URLs included), or undefined when it names none. */
export function referencedFile(ref: string, fromAbs: string): string | undefined {
  const hash = ref.indexOf("#");
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  if (filePart === "") return undefined;
  if (/^file:/i.test(filePart)) {
    try {
      return fileURLToPath(new URL(filePart));
    } catch {
      return resolve(dirname(fromAbs), decodeURIComponent(filePart.replace(/^file:(\/\/)?/i, "")));
    }
  }
  return resolve(dirname(fromAbs), decodeURIComponent(filePart));
}

/** How many documents the reference guard walked (a structural fact for tests). */
export const referenceScans = { walked: 0 };

/** What the documents of one spec may read, and which remote references were seen and reported. */
export class ReferenceGuard {
  /** Real paths of the folders `$ref` targets must lie in. */
  readonly folders: string[];
  /** Remote references seen, with where (first occurrence). */
  readonly remote = new Map<string, SourceRef>();
  /** Remote references already reported (refused where needed, or warned about). */
  readonly reported = new Set<string>();
  /**
   * Schemas that name themselves with an absolute `$id` (JSON Schema 2020-12, so OpenAPI 3.1), by that URI: a
   * `$ref` to it is to the schema here, not to the network. The first of two equal ids wins. An OpenAPI 3.2 root's
   * absolute `$self` names its document the same way.
   */
  readonly ids = new Map<string, { doc: LoadedDocument; pointer: string }>();
  /** Targets refused already (each reported where some reference to it is). */
  private readonly refused = new Set<string>();

  constructor(
    rootAbs: string,
    extraFolders: readonly string[],
    private readonly cwd: string,
    private readonly diags: Diagnostics,
    /** How the user grants a folder, named in TW191's message: `--ref-folder` or the manifest's `ref_folders`. */
    private readonly hint: "flag" | "manifest" = "manifest",
  ) {
    const own = dirname(rootAbs);
    this.folders = [own, ...extraFolders].map((f) => realPath(f) ?? resolve(f));
  }

  /**
   * Checks that `abs` may be read as a `$ref` target: an existing target must be a regular file inside the
   * folders. Records a located error and returns false otherwise (a missing file is left to the reader).
   */
  allows(abs: string, from: SourceRef): boolean {
    const real = realPath(abs);
    if (real === undefined) return true;
    const shown = relative(this.cwd, abs) || abs;
    if (!insideFolders(real, this.folders)) {
      const grant = relative(this.cwd, grantFolder(this.folders[0] as string, real)) || ".";
      this.diags.error(
        "TW191",
        `$ref target ${shown} is outside the folders this spec may read (${this.folders.map((f) => relative(this.cwd, f) || ".").join(", ")})${
          this.hint === "flag"
            ? `; if the spec is split over sibling folders, allow them with --ref-folder ${grant}`
            : `; if the spec is split over sibling folders, name the folder holding them (${grant}) in sources.<id>.ref_folders, as a path from the manifest's folder`
        }`,
        from,
      );
      this.refused.add(real);
      return false;
    }
    let regular = false;
    try {
      regular = statSync(real).isFile();
    } catch {}
    if (!regular) {
      this.diags.error("TW190", `refused to read ${shown}: not a regular file`, from);
      this.refused.add(real);
      return false;
    }
    return true;
  }

  wasRefused(abs: string): boolean {
    return this.refused.has(realPath(abs) ?? abs);
  }

  /**
   * Walks one document's references: checks local targets, notes remote ones, warns about unread examples. Own
   * keys are walked with `for...in` (not `Object.entries`, an array per object of a 13 MB spec), and a reference's
   * path is copied only when it is reported.
   */
  scan(doc: LoadedDocument): void {
    // The load's walk found no member this acts on (`localRefsOnly`): the walk below would find nothing either.
    if (doc.localRefsOnly === true) return;
    referenceScans.walked++;
    const path: (string | number)[] = [];
    // `names`: the object's keys are names (a property called `default`), not keywords.
    const visit = (value: unknown, inExamples: boolean, names = false): void => {
      if (value === null || typeof value !== "object") return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          visit(value[i], false);
          path.pop();
        }
        return;
      }
      const obj = value as Record<string, unknown>;
      if (typeof obj.$ref === "string") this.reference(doc, obj.$ref, path, inExamples);
      if (typeof obj.$id === "string" && !inExamples && isRemoteReference(obj.$id)) {
        const id = obj.$id.replace(/#$/, "");
        if (!this.ids.has(id)) this.ids.set(id, { doc, pointer: encodePointer(path) });
      }
      // OpenAPI 3.2's `$self`: the document's own URI, so a `$ref` to it (with a pointer after it) is to this file.
      if (path.length === 0 && typeof obj.$self === "string" && isRemoteReference(obj.$self)) {
        const self = obj.$self.replace(/#$/, "");
        if (!this.ids.has(self)) this.ids.set(self, { doc, pointer: "#" });
      }
      if (inExamples && typeof obj.externalValue === "string")
        this.externalValue(doc, obj.externalValue, [...path, "externalValue"]);
      for (const key in obj) {
        if (
          !Object.hasOwn(obj, key) ||
          (!names && VALUE_KEYWORDS.has(key)) ||
          (inExamples && key === "value")
        )
          continue;
        const child = obj[key];
        const examples = !names && key === "examples";
        const examplesMap = examples && child && typeof child === "object" && !Array.isArray(child);
        if (examples && !examplesMap) continue;
        path.push(key);
        if (examplesMap) {
          for (const name in child) {
            if (!Object.hasOwn(child, name)) continue;
            path.push(name);
            visit((child as Record<string, unknown>)[name], true);
            path.pop();
          }
        } else visit(child, false, !names && NAME_MAPS.has(key));
        path.pop();
      }
    };
    visit(doc.data, false);
  }

  /** `path` is the walk's own (the object holding the `$ref`), read now and never kept. */
  private reference(doc: LoadedDocument, ref: string, path: (string | number)[], inExamples: boolean): void {
    const here = () => doc.cheapRef(encodePointer([...path, "$ref"]));
    if (isRemoteReference(ref)) {
      const at = here();
      if (!this.remote.has(ref)) this.remote.set(ref, at);
      if (inExamples && !this.reported.has(ref)) {
        this.reported.add(ref);
        this.diags.warn("TW192", `example $ref "${ref}" is not fetched; the example is left out`, at);
      }
      return;
    }
    const abs = referencedFile(ref, doc.abs);
    if (abs !== undefined) this.allows(abs, here());
  }

  private externalValue(doc: LoadedDocument, url: string, path: (string | number)[]): void {
    if (!isRemoteReference(url) || this.reported.has(url)) return;
    this.reported.add(url);
    this.diags.warn(
      "TW192",
      `externalValue "${url}" is not fetched; the example is left out`,
      doc.cheapRef(encodePointer(path)),
    );
  }
}

/** Keywords whose values are data (examples, defaults, constants): a `$ref` key inside them is not a reference. */
const VALUE_KEYWORDS = new Set(["example", "default", "const", "enum", "x-examples"]);

/** A discriminator mapping value that names a file (`./cat.yaml`, `other.json#/Cat`), not a bare name or `#/...`. */
function namesFile(target: unknown): boolean {
  return (
    typeof target === "string" &&
    target.charCodeAt(0) !== 35 &&
    /[#/]|\.(json|ya?ml)$/i.test(target) &&
    !isRemoteReference(target)
  );
}

/**
 * Whether any discriminator `mapping` of a document names a file (`namesFile`): a walk without the paths
 * `schemaRefs` keeps (a 20 MB spec with none, Microsoft Graph's, is walked in a fraction of that time).
 */
function namesFileInMapping(data: unknown): boolean {
  const stack: unknown[] = [data];
  // Whether each object on `stack` has names for keys (`NAME_MAPS`), not keywords.
  const named: boolean[] = [false];
  while (stack.length > 0) {
    const value = stack.pop();
    const names = named.pop() === true;
    if (value === null || typeof value !== "object") continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        if (typeof value[i] === "object") {
          stack.push(value[i]);
          named.push(false);
        }
      continue;
    }
    const obj = value as Record<string, unknown>;
    const mapping = (obj.discriminator as { mapping?: unknown } | null | undefined)?.mapping;
    if (mapping !== null && typeof mapping === "object")
      for (const key in mapping) if (namesFile((mapping as Record<string, unknown>)[key])) return true;
    for (const key in obj) {
      const child = obj[key];
      if (child === null || typeof child !== "object") continue;
      if (!names && (VALUE_KEYWORDS.has(key) || key === "examples")) continue;
      if (!names && key.charCodeAt(0) === 120 && key.charCodeAt(1) === 45) continue; // x-
      stack.push(child);
      named.push(!names && NAME_MAPS.has(key));
    }
  }
  return false;
}

/** The `$ref`s of a document that name another file (`schemaRefs`). */
function externalRefs(data: unknown): { ref: string; pointer: string }[] {
  return schemaRefs(data).filter((r) => !r.ref.startsWith("#"));
}

/**
 * The local `$ref`s of a document (remote ones aside), with where each is written (the object holding it), in the
 * document's order. Data values, examples and extensions (`x-...`) are not looked into.
 */
export function schemaRefs(data: unknown): { ref: string; pointer: string }[] {
  const found: { ref: string; pointer: string }[] = [];
  const path: (string | number)[] = [];
  // `names`: the object's keys are names (a property called `default`), not keywords.
  const visit = (value: unknown, names = false): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
      return;
    }
    const obj = value as Record<string, unknown>;
    const ref = obj.$ref;
    if (typeof ref === "string" && !isRemoteReference(ref)) found.push({ ref, pointer: encodePointer(path) });
    // A discriminator's mapping names schemas by reference too (`cat: ./models/cat.yaml`), a bare name aside.
    const mapping = (obj.discriminator as { mapping?: unknown } | undefined)?.mapping;
    if (mapping !== null && typeof mapping === "object" && !Array.isArray(mapping))
      for (const [key, target] of Object.entries(mapping))
        if (namesFile(target) || (typeof target === "string" && target.startsWith("#/")))
          found.push({ ref: target, pointer: encodePointer([...path, "discriminator", "mapping", key]) });
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      if (!names && (VALUE_KEYWORDS.has(key) || key === "examples" || key.startsWith("x-"))) continue;
      path.push(key);
      visit(obj[key], !names && NAME_MAPS.has(key));
      path.pop();
    }
  };
  visit(data);
  return found;
}

/** A schema that names itself with `$anchor` (or, `dynamic`, `$dynamicAnchor`), by its pointer. */
export interface Anchor {
  pointer: string;
  dynamic: boolean;
}

/** A plain-name fragment (`#node`), which names an anchor rather than a JSON pointer. */
function isAnchor(pointer: string): boolean {
  return pointer !== "#" && !pointer.startsWith("#/");
}

/** How many references one pointer may go through (each `$ref` on its way, and each met inside its target). */
const MAX_HOPS = 32;

/** The `$ref` of a reference object, if `value` is one. */
function refOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const ref = (value as Record<string, unknown>).$ref;
  return typeof ref === "string" ? ref : undefined;
}

/** All documents of one spec (the root and every file it references), with `$ref` resolution. */
export class DocumentSet {
  private readonly docs = new Map<string, LoadedDocument | null>();
  /** Each pointer's segments, decoded once (a large spec resolves the same few hundred pointers many times). */
  private readonly segments = new Map<string, readonly string[]>();
  readonly guard: ReferenceGuard;
  /**
   * A Swagger 2.0 root is read converted to 3.0 (`definitions` moved to `components/schemas`, and so on), while the
   * files it refers to stay as written: a reference from one of them back into the root
   * (`../swagger.yaml#/definitions/Pet`) is to the place the conversion moved that to (`#/components/schemas/Pet`).
   */
  rootPointer?: (pointer: string) => string;

  constructor(
    readonly root: LoadedDocument,
    private readonly cwd: string,
    private readonly diags: Diagnostics,
    guard?: ReferenceGuard,
  ) {
    this.docs.set(root.abs, root);
    this.guard = guard ?? new ReferenceGuard(root.abs, [], cwd, diags);
  }

  /** Takes over documents another set already loaded, so they count as inputs even if nothing refers to them again. */
  adopt(other: DocumentSet): void {
    for (const doc of other.all()) if (!this.docs.has(doc.abs)) this.docs.set(doc.abs, doc);
  }

  /** Every document loaded so far (for the input hash). */
  all(): LoadedDocument[] {
    return [...this.docs.values()].filter((d): d is LoadedDocument => d !== null);
  }

  /**
   * Resolves `ref` found at `at` inside `from`. Remote references are refused: a spec must not make the generator
   * fetch anything (SSRF at build time, non-reproducible output). Local ones must stay inside the guard's folders.
   */
  resolve(ref: string, from: LoadedDocument, at: string): Resolved | undefined {
    return this.resolveAt(ref, from, at, 0);
  }

  /** `hops`: references gone through on the way (a pointer through a `$ref` that points back into itself ends). */
  private resolveAt(ref: string, from: LoadedDocument, at: string, hops: number): Resolved | undefined {
    const hash = ref.indexOf("#");
    let pointer = hash === -1 ? "#" : ref.slice(hash);
    let doc: LoadedDocument | undefined = from;
    if (isRemoteReference(ref)) {
      // A schema's own `$id` (`https://example.com/schemas/list`, with a JSON pointer into it or none) is here.
      const named = this.guard.ids.get(hash === -1 ? ref : ref.slice(0, hash));
      if (!named) {
        this.guard.reported.add(ref);
        this.diags.error("TW130", `remote $ref "${ref}" is refused`, from.ref(at));
        return undefined;
      }
      doc = named.doc;
      if (isAnchor(pointer)) pointer = this.anchored(pointer, doc, named.pointer) ?? pointer;
      else pointer = named.pointer === "#" ? pointer : `${named.pointer}${pointer.slice(1)}`;
    } else {
      const abs = referencedFile(ref, from.abs);
      if (abs !== undefined) {
        doc = this.load(abs, from.ref(at));
        if (!doc) return undefined;
        if (doc === this.root && this.rootPointer) pointer = this.rootPointer(pointer);
        if (isAnchor(pointer)) pointer = this.anchored(pointer, doc, "#") ?? pointer;
      } else if (ref === "#") pointer = enclosingResource(from.data, at);
      else if (isAnchor(pointer))
        pointer = this.anchored(pointer, doc, enclosingResource(from.data, at)) ?? pointer;
    }
    let value: unknown = doc.data;
    let segments = this.segments.get(pointer);
    if (segments === undefined) {
      segments = decodePointer(pointer);
      this.segments.set(pointer, segments);
    }
    // After a pointer went through a `$ref`, where it is: `base` in `doc`, then the segments from `from`.
    let base: string | undefined;
    let start = 0;
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i] as string;
      if (value !== null && typeof value === "object" && Object.hasOwn(value, seg)) {
        value = (value as Record<string, unknown>)[seg];
        continue;
      }
      // A pointer written through a reference (`.../items/allOf/0` where `items` is a `$ref`), as bundlers that
      // inline schemas write them (PagerDuty's discriminator mappings) and json-schema-ref-parser reads them: the
      // rest of the pointer is read inside what that `$ref` points at, and the result is named by that place.
      const inner = refOf(value);
      if (inner !== undefined && hops < MAX_HOPS) {
        const here = `${base ?? "#"}${encodePointer(segments.slice(start, i)).slice(1)}`;
        const through = this.resolveAt(inner, doc, here, hops + 1);
        if (!through) return undefined;
        hops++;
        doc = through.doc;
        value = through.value;
        base = through.pointer;
        start = i;
        i--;
        continue;
      }
      this.diags.error("TW131", `$ref "${ref}" points at nothing`, from.ref(at));
      return undefined;
    }
    if (base !== undefined) pointer = `${base}${encodePointer(segments.slice(start)).slice(1)}`;
    return { doc, pointer: pointer === "#" ? "#" : pointer, value };
  }

  /** Per document: the schemas naming themselves with `$anchor` or `$dynamicAnchor`, by name (built on first use). */
  private readonly anchors = new Map<LoadedDocument, Map<string, Anchor[]>>();

  /**
   * Where a plain-name fragment (`#node`, JSON Schema 2020-12's `$anchor`, or a `$dynamicAnchor`) points in `doc`:
   * the one schema of the resource at `resource` (the innermost schema with an `$id` around the reference, or the
   * document) that declares the name. Undefined when none or several do (the pointer then points at nothing).
   */
  private anchored(fragment: string, doc: LoadedDocument, resource: string): string | undefined {
    const name = decodeURIComponent(fragment.slice(1));
    const found = this.anchorsOf(doc).get(name) ?? [];
    const here = found.filter((a) => enclosingResource(doc.data, a.pointer) === resource);
    return here.length === 1 ? (here[0] as Anchor).pointer : undefined;
  }

  /** Every `$anchor` and `$dynamicAnchor` of `doc` (data values, examples and defaults, are not looked into). */
  anchorsOf(doc: LoadedDocument): Map<string, Anchor[]> {
    let found = this.anchors.get(doc);
    if (found) return found;
    const map = new Map<string, Anchor[]>();
    found = map;
    const path: (string | number)[] = [];
    const add = (name: unknown, dynamic: boolean) => {
      if (typeof name !== "string") return;
      const list = map.get(name) ?? [];
      list.push({ pointer: encodePointer(path), dynamic });
      map.set(name, list);
    };
    // `names`: the object's keys are names (a property called `default`), not keywords.
    const visit = (value: unknown, names = false): void => {
      if (value === null || typeof value !== "object") return;
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : Object.entries(value);
      if (!Array.isArray(value)) {
        add((value as Record<string, unknown>).$anchor, false);
        add((value as Record<string, unknown>).$dynamicAnchor, true);
      }
      for (const [key, v] of entries) {
        const keyword = typeof key === "string" && !names;
        if (keyword && (VALUE_KEYWORDS.has(key) || key === "examples")) continue;
        path.push(key);
        visit(v, keyword && NAME_MAPS.has(key));
        path.pop();
      }
    };
    visit(doc.data);
    this.anchors.set(doc, map);
    return map;
  }

  /**
   * Runs `fn` (reads through this set), holding back the errors it raises, as `Diagnostics.capture` does. When it
   * raised any, the files it loaded are forgotten, so a later reference to one loads (and reports) it again: a file
   * that failed to load is otherwise remembered as unusable, and a reference to it later read as nothing, silently.
   */
  tentatively<T>(fn: () => T): { value: T; errors: Diagnostic[] } {
    const before = new Set(this.docs.keys());
    const out = this.diags.capture(fn);
    if (out.errors.length > 0)
      for (const abs of [...this.docs.keys()]) if (!before.has(abs)) this.docs.delete(abs);
    return out;
  }

  /**
   * Every document the spec's references reach from the root, the root first, then breadth first in the order the
   * references are written (deterministic: what conversion happens to load first does not change it). Read for what
   * spans files (a discriminated base's subtypes may live in any of them). References in examples, data values and
   * extensions (`x-ms-examples`' example files) are not followed. A file that cannot be read without an error is left
   * out here and not remembered, so the reference that reads it for real reports it where it is written.
   */
  reachable(): LoadedDocument[] {
    const order: LoadedDocument[] = [this.root];
    const seen = new Set<string>([this.root.abs]);
    for (let i = 0; i < order.length; i++) {
      const doc = order[i] as LoadedDocument;
      // Every `$ref` of it a pointer into itself (the load's walk counted none other): only a mapping can name a file.
      if (doc.localRefsOnly === true && !namesFileInMapping(doc.data)) continue;
      for (const { ref, pointer } of externalRefs(doc.data)) {
        const abs = referencedFile(ref, doc.abs);
        if (abs === undefined || seen.has(abs)) continue;
        seen.add(abs);
        const known = this.docs.get(abs);
        if (known === null) continue;
        let loaded = known;
        if (loaded === undefined) {
          const { value, errors } = this.tentatively(() => this.load(abs, doc.cheapRef(pointer)));
          if (errors.length > 0) continue;
          loaded = value;
        }
        if (loaded) order.push(loaded);
      }
    }
    return order;
  }

  /**
   * Loads a referenced file through the guard (once); undefined when it is refused or unusable. A target refused
   * before is refused again, reported where this reference is: the first report may have been held by the capture
   * of another part and dropped with it (a path item's file is scanned when the path item is read, so a parameter
   * `$ref` in it to a file outside the folders was refused there, and its operation then read without the
   * parameter, silently). `again: "quiet"` is for a reader after the operations were read (the request/response
   * types' bundler, which leaves out what it cannot read): whatever it meets refused was reported to them.
   */
  load(abs: string, from: SourceRef, again: "report" | "quiet" = "report"): LoadedDocument | undefined {
    if (!this.docs.has(abs)) {
      if (again === "quiet" && this.guard.wasRefused(abs)) return undefined;
      if (!this.guard.allows(abs, from)) return undefined;
      const doc = loadDocument(abs, relative(this.cwd, abs) || abs, this.diags, from, "leave-out");
      if (doc) withholdTextCredentials(doc, this.diags);
      this.docs.set(abs, doc ?? null);
      if (doc) this.guard.scan(doc);
    }
    return this.docs.get(abs) ?? undefined;
  }
}

/**
 * Where `$ref: "#"` written at `at` points (JSON Schema 2020-12, OpenAPI 3.1): the innermost schema around it with
 * its own `$id`, which starts a resource whose root `#` is; the document's root when none has one (a recursive
 * schema written as `{$id: .../tree, properties: {children: {items: {$ref: "#"}}}}` is that schema, not the
 * OpenAPI document). The reference's own place (its last segment, `$ref`'s holder) counts as an ancestor.
 */
function enclosingResource(data: unknown, at: string): string {
  const segments = decodePointer(at);
  let value: unknown = data;
  let found = -1;
  for (let i = 0; i <= segments.length; i++) {
    if (i > 0) {
      if (value === null || typeof value !== "object") break;
      value = (value as Record<string, unknown>)[segments[i - 1] as string];
    }
    if (
      i > 0 &&
      value !== null &&
      typeof value === "object" &&
      typeof (value as { $id?: unknown }).$id === "string"
    )
      found = i;
  }
  return found === -1 ? "#" : encodePointer(segments.slice(0, found));
}
