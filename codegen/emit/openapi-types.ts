import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { BaseResolver, bundle, createConfig, ResolveError, Source } from "@redocly/openapi-core";
import openapiTS, { astToString, type OpenAPI3, UNKNOWN } from "openapi-typescript";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { type DocumentSet, isRemoteReference, referencedFile } from "../load/document-set.js";
import type { OpenApiSpec } from "../load/openapi.js";

/** OpenAPI allows discriminator mappings by schema name; the bundler underneath openapi-typescript wants refs. */
function mappingNamesToRefs(value: unknown): void {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    value.forEach(mappingNamesToRefs);
    return;
  }
  const obj = value as Record<string, unknown>;
  const d = obj.discriminator as { mapping?: Record<string, string> } | undefined;
  if (d?.mapping) {
    for (const [k, v] of Object.entries(d.mapping)) {
      if (!v.includes("#") && !v.includes("/")) d.mapping[k] = `#/components/schemas/${v}`;
    }
  }
  for (const v of Object.values(obj)) mappingNamesToRefs(v);
}

/**
 * A `$ref` openapi-typescript would type by indexing into another type: one into `paths`
 * (`#/paths/~1a/post/requestBody/...`) or inside a component (`#/components/schemas/A/properties/b`,
 * `.../A/allOf/1`, `.../items`, a parameter's or a response's `schema`). It indexes optional members and `allOf`
 * intersections, which does not type-check, so such targets become components of their own.
 */
function isInnerSchemaRef(ref: string): boolean {
  if (ref.startsWith("#/paths/")) return true;
  const parts = ref.split("/");
  if (parts[1] !== "components" || parts.length <= 4) return false;
  return parts[2] === "schemas" || parts.slice(4).includes("schema");
}

/** Copies the target of every inner schema `$ref` into `components.schemas` and points the reference there. */
function hoistInnerRefs(doc: Record<string, any>): void {
  const hoisted = new Map<string, string>();
  const lookup = (pointer: string): unknown =>
    pointer
      .slice(2)
      .split("/")
      .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>(
        (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
        doc,
      );
  const freshName = (): string => {
    let n = hoisted.size + 1;
    while (doc.components?.schemas?.[`PathSchema${n}`] !== undefined) n++;
    return `PathSchema${n}`;
  };
  const visit = (value: unknown): void => {
    if (!value || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.$ref === "string" && isInnerSchemaRef(obj.$ref)) {
      let name = hoisted.get(obj.$ref);
      if (!name) {
        const target = structuredClone(lookup(obj.$ref)) ?? {};
        name = freshName();
        hoisted.set(obj.$ref, name);
        doc.components ??= {};
        doc.components.schemas ??= {};
        doc.components.schemas[name] = target;
        visit(target);
      }
      obj.$ref = `#/components/schemas/${name}`;
    }
    for (const v of Object.values(obj)) visit(v);
  };
  visit(doc.paths);
  visit(doc.components);
}

/**
 * The resolver openapi-typescript's bundler would use, with every read going through the spec's reference guard:
 * files only inside the folders the spec may read, nothing remote (the URLs asked for are kept, to be reported).
 */
class GuardedResolver extends BaseResolver {
  readonly notFetched = new Set<string>();

  constructor(
    private readonly docs: DocumentSet,
    private readonly from: SourceRef,
  ) {
    super();
  }

  override resolveExternalRef(base: string | null, ref: string): string {
    if (isRemoteReference(ref)) return ref;
    return referencedFile(ref, base ?? this.docs.root.abs) ?? super.resolveExternalRef(base, ref);
  }

  override async loadExternalRef(absoluteRef: string): Promise<Source> {
    if (isRemoteReference(absoluteRef)) {
      this.notFetched.add(absoluteRef);
      throw new ResolveError(new Error(`${absoluteRef} is not fetched`));
    }
    const doc = existsSync(absoluteRef) ? this.docs.load(absoluteRef, this.from, "quiet") : undefined;
    if (!doc) throw new ResolveError(new Error(`${absoluteRef} is not read`));
    return new Source(absoluteRef, doc.text);
  }
}

/** Calls `visit` on every object inside `value` (depth first, parents before children). */
function eachObject(value: unknown, visit: (obj: Record<string, unknown>) => void): void {
  if (!value || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) eachObject(item, visit);
    return;
  }
  visit(value as Record<string, unknown>);
  for (const child of Object.values(value)) eachObject(child, visit);
}

const isExternalRef = (obj: Record<string, unknown>) =>
  typeof obj.$ref === "string" && !obj.$ref.startsWith("#");

/**
 * The spec as one self-contained document, so openapi-typescript has nothing to read or fetch: external
 * `$ref`s are bundled through the guarded resolver, what it refused is left out, and `externalValue` examples
 * (which the bundler would fetch) are dropped. Remote references nobody reported yet are reported here (TW192).
 */
async function selfContained(spec: OpenApiSpec, doc: OpenAPI3, diags: Diagnostics): Promise<OpenAPI3> {
  let external = false;
  eachObject(doc, (obj) => {
    if (typeof obj.externalValue === "string") delete obj.externalValue;
    if (isExternalRef(obj)) external = true;
  });
  if (!external) return doc;
  const resolver = new GuardedResolver(spec.docs, { file: spec.root.file });
  const { bundle: bundled } = await bundle({
    doc: { source: new Source(spec.root.abs, JSON.stringify(doc)), parsed: doc },
    externalRefResolver: resolver,
    config: await createConfig({}, { extends: ["minimal"] }),
    dereference: false,
  });
  const out = bundled.parsed as OpenAPI3;
  eachObject(out, (obj) => {
    if (typeof obj.externalValue === "string") delete obj.externalValue;
    if (isExternalRef(obj)) delete obj.$ref;
  });
  const guard = spec.docs.guard;
  for (const url of resolver.notFetched) {
    const seen = [...guard.remote].find(([ref]) => ref.split("#")[0] === url);
    const ref = seen?.[0] ?? url;
    if (guard.reported.has(ref)) continue;
    guard.reported.add(ref);
    diags.warn(
      "TW192",
      `$ref "${ref}" is not fetched; the types leave it out`,
      seen?.[1] ?? { file: spec.root.file },
    );
  }
  return out;
}

/** The value a local pointer (`#/components/mediaTypes/M`) names in `doc`, else undefined. */
function valueAtPointer(doc: Record<string, any>, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let value: any = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/**
 * An OpenAPI 3.2 document as openapi-typescript (7, which reads 3.2 as 3.1) can type it: `$ref`s through the
 * document's own `$self` made local, media type `$ref`s (`#/components/mediaTypes/M`, which it would type as
 * `unknown`) replaced by what they name.
 */
function as31(doc: Record<string, any>): void {
  const self = typeof doc.$self === "string" ? doc.$self.replace(/#$/, "") : undefined;
  if (self && isRemoteReference(self)) {
    eachObject(doc, (obj) => {
      if (typeof obj.$ref === "string" && obj.$ref.split("#")[0] === self)
        obj.$ref = obj.$ref.slice(self.length) || "#";
    });
  }
  eachObject(doc, (obj) => {
    const content = obj.content;
    if (!content || typeof content !== "object" || Array.isArray(content)) return;
    for (const [type, media] of Object.entries(content as Record<string, any>)) {
      let target: unknown = media;
      for (let hops = 0; hops < 10 && typeof (target as any)?.$ref === "string"; hops++)
        target = valueAtPointer(doc, (target as any).$ref);
      if (target !== media && target && typeof target === "object")
        (content as Record<string, unknown>)[type] = structuredClone(target);
    }
  });
}

/**
 * openapi-typescript (7) types no operation of another method than the fixed fields: not OpenAPI 3.2's `query` or
 * `additionalOperations`, nor the `x-oai-additionalOperations` extension before 3.2. Each the catalog has is named
 * in a warning at the first (the tools work; only their request/response types are missing).
 */
function warnUntypedOperations(spec: OpenApiSpec, doc: Record<string, any>, diags: Diagnostics): void {
  const field = spec.version === "3.2" ? "additionalOperations" : "x-oai-additionalOperations";
  const untyped: [key: string, pointer: string][] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, any>)) {
    if (!item || typeof item !== "object") continue;
    const at = `#/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (spec.version === "3.2" && item.query && typeof item.query === "object")
      untyped.push([`QUERY ${path}`, `${at}/query`]);
    const extra = item[field];
    if (!extra || typeof extra !== "object") continue;
    for (const method of Object.keys(extra))
      untyped.push([`${method} ${path}`, `${at}/${field}/${method.replace(/~/g, "~0")}`]);
  }
  const [first] = untyped;
  if (first)
    diags.warn(
      "TW136",
      `openapi-typescript types no operation of a method without its own path item field (OpenAPI 3.2's query and additionalOperations, x-oai-additionalOperations before 3.2): ${untyped.map(([k]) => k).join(", ")} ${untyped.length === 1 ? "has" : "have"} no request/response types in the ${spec.root.file} types file`,
      spec.root.ref(first[1]),
    );
}

/**
 * A schema written `type: object` with an `enum` of strings (Okta's management API: `enum: [PUSH, DONT_PUSH]`,
 * `type: object`) is read by its values, as the catalog reads it (the enum wins). openapi-typescript takes the
 * values of an object-typed enum for schemas and threw on the first string ("Expected SchemaObject, received
 * string"), so the spec got no types at all: such a schema loses its `type` here.
 */
function enumsOverObjectType(doc: unknown): void {
  eachObject(doc, (obj) => {
    if (obj.type !== "object" || !Array.isArray(obj.enum)) return;
    if (obj.enum.some((v) => v === null || typeof v !== "object" || Array.isArray(v))) delete obj.type;
  });
}

/**
 * A schema that extends a discriminated base (`allOf: [{$ref: Base}]`) and declares the discriminator property
 * itself, where the base's `mapping` does not name it (Apple's SiriKit Cloud Media: `class: {enum:
 * [AddMediaIntentResponse]}` under a base discriminated by `class` with no mapping): openapi-typescript adds the
 * property as the implicit value (the schema's name) beside the declared one, `class: "X"; class?: "X";`, which
 * does not type-check ("Duplicate identifier"), or intersects the two values into `never` when the declaration sits
 * in an inline `allOf` part. The mapping is made explicit: the declared value when it is one string (`enum` of one,
 * or `const`), else the schema's name, as OpenAPI's implicit mapping reads it.
 */
function explicitDiscriminatorMappings(doc: Record<string, any>): void {
  const schemas = doc.components?.schemas;
  if (!schemas || typeof schemas !== "object") return;
  const PREFIX = "#/components/schemas/";
  const declared = (obj: unknown, name: string): unknown =>
    obj && typeof obj === "object" ? (obj as Record<string, any>).properties?.[name] : undefined;
  for (const [child, schema] of Object.entries(schemas as Record<string, any>)) {
    if (!schema || typeof schema !== "object" || !Array.isArray(schema.allOf)) continue;
    for (const part of schema.allOf) {
      const ref = part && typeof part === "object" ? part.$ref : undefined;
      if (typeof ref !== "string" || !ref.startsWith(PREFIX)) continue;
      const base = schemas[ref.slice(PREFIX.length).replace(/~1/g, "/").replace(/~0/g, "~")];
      const d = base && typeof base === "object" ? base.discriminator : undefined;
      if (!d || typeof d !== "object" || typeof d.propertyName !== "string") continue;
      const own = [
        declared(schema, d.propertyName),
        ...schema.allOf.map((p: unknown) => declared(p, d.propertyName)),
      ].filter((p): p is Record<string, any> => !!p && typeof p === "object");
      if (own.length === 0) continue;
      const target = `${PREFIX}${child.replace(/~/g, "~0").replace(/\//g, "~1")}`;
      const mapping: Record<string, unknown> = d.mapping && typeof d.mapping === "object" ? d.mapping : {};
      if (Object.values(mapping).includes(target)) continue;
      const values = own.map((p) => (p.const !== undefined ? [p.const] : p.enum)).find(Array.isArray) as
        | unknown[]
        | undefined;
      const value = values?.length === 1 && typeof values[0] === "string" ? values[0] : child;
      if (Object.hasOwn(mapping, value)) continue;
      d.mapping = { ...mapping, [value]: target };
    }
  }
}

/** Drops operations (`GET /a`) and path items (`* /a`) from the document. */
function removeOperations(doc: Record<string, any>, keys: string[]): void {
  for (const key of keys) {
    const space = key.indexOf(" ");
    const method = key.slice(0, space).toLowerCase();
    const path = key.slice(space + 1);
    const item = doc.paths?.[path];
    if (!item || typeof item !== "object") continue;
    if (method === "*") delete doc.paths[path];
    else {
      delete item[method];
      // An `additionalOperations` (or, before 3.2, `x-oai-additionalOperations`) entry, keyed by its method as written.
      for (const field of ["additionalOperations", "x-oai-additionalOperations"])
        if (item[field] && typeof item[field] === "object") delete item[field][key.slice(0, space)];
    }
  }
}

/**
 * openapi-typescript's helper for `required` beside `allOf` (`WithRequired<Base, "a" | "b">`) demands keys of
 * `Base` itself, which a nullable base (`Base | null`: no keys) or keys the base never declares violate, so real
 * specs (Plaid's) fail to type-check. The helper is redefined to require the keys the non-null base has.
 */
const WITH_REQUIRED = /^type WithRequired<T, K extends keyof T> = T & \{\n {4}\[P in K\]-\?: T\[P\];\n\};$/m;
const LENIENT_WITH_REQUIRED = `type WithRequired<T, K extends PropertyKey> = T & {
    [P in Extract<K, keyof NonNullable<T>>]-?: NonNullable<T>[P];
};`;

function lenientWithRequired(types: string): string {
  return types.replace(WITH_REQUIRED, LENIENT_WITH_REQUIRED);
}

/**
 * Request/response types of an OpenAPI source, from openapi-typescript: `paths`, `operations` and `components`
 * for hand-written handlers that talk to the API directly. A 2.0 spec is typed from its 3.0 conversion.
 * Returns undefined (with a warning) when openapi-typescript cannot type the spec; the catalog does not need it.
 */
export async function openapiTypes(
  spec: OpenApiSpec,
  header: string,
  diags: Diagnostics,
  /** Pointers of schemas recursive without an object in between (`T = string | T[]`): TypeScript cannot alias those. */
  untypable: Set<string> = new Set(),
  /** Operations the catalog left out (`METHOD /path`): their problems must not stop the types of the others. */
  leftOut: string[] = [],
): Promise<string | undefined> {
  // openapi-typescript resolves relative refs against this URL as a file (its folder would be one level too high).
  const cwd = pathToFileURL(spec.root.abs);
  const patched = structuredClone(spec.root.data) as OpenAPI3;
  removeOperations(patched as Record<string, any>, leftOut);
  if (spec.version === "3.2") as31(patched as Record<string, any>);
  warnUntypedOperations(spec, patched as Record<string, any>, diags);
  mappingNamesToRefs(patched);
  explicitDiscriminatorMappings(patched as Record<string, any>);
  enumsOverObjectType(patched);
  hoistInnerRefs(patched as Record<string, any>);
  // openapi-typescript is only ever handed a self-contained object: it never reads a file or the network itself.
  const attempts: (() => Promise<OpenAPI3>)[] = [() => selfContained(spec, patched, diags)];
  let lastError: Error | undefined;
  for (const source of attempts) {
    try {
      const ast = await openapiTS(await source(), {
        silent: true,
        alphabetize: false,
        cwd,
        transform: (_schema, options) => (options.path && untypable.has(options.path) ? UNKNOWN : undefined),
      });
      return `${header}\n\n${lenientWithRequired(astToString(ast))}`;
    } catch (e) {
      lastError = e as Error;
    }
  }
  diags.warn(
    "TW136",
    `openapi-typescript cannot type this spec (${lastError?.message ?? "unknown error"}); no ${spec.root.file} types file is generated`,
    { file: spec.root.file },
  );
  return undefined;
}
