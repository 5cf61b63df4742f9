/**
 * Polymorphism by inheritance, read from the named schemas as written (a document's `components/schemas`, or those of
 * every file of a spec split over files, `schema-files.ts`): a base schema declares a
 * `discriminator` (and no `oneOf`/`anyOf`), and its subtypes are the schemas that extend it, `allOf: [{$ref: Base},
 * {...}]` (or, in 3.1, `$ref: Base` beside properties of their own), directly or through another subtype. Each
 * schema is selected by the values the base's `discriminator.mapping` maps to it, else by AutoRest's
 * `x-ms-discriminator-value`, else by the values its own discriminator property lists (`enum`, `const`), else by its
 * component name (OpenAPI's implicit mapping). The base is one of them too, by the same rule, less the values its
 * subtypes take (a base whose property lists only its subtypes' values is abstract). A Swagger 2.0 document's
 * `discriminator: petType` reaches here as `{propertyName: petType}` (swagger2openapi).
 */

type Json = Record<string, unknown>;

/** One schema of a polymorphic base's union: a named schema (its key and name) and the discriminator values that select it. */
export interface Member {
  key: string;
  name: string;
  values: string[];
}

export interface Inheritance {
  /** Named schema key -> the named schemas it extends (its `allOf` members, a 3.1 `$ref` beside properties). */
  parents: Map<string, string[]>;
  /** Named schema key -> the discriminator property and the members an input naming it takes, in spec order. */
  polymorphic: Map<string, { property: string; members: Member[] }>;
  /**
   * Named schema key -> the discriminator values each base it extends selects it by (one per property: a subtype of
   * two discriminated bases has two). An input naming a subtype takes it pinned to them, not a sibling's value.
   */
  pins: Map<string, Pin[]>;
}

/** A discriminator property and the values of it that select one schema. */
export interface Pin {
  property: string;
  values: string[];
}

/** How the named schemas' references are read. */
export interface Reader {
  /** The named schema a `$ref` written in named schema `from` names (undefined: none of them). */
  resolveName: (ref: string, from: string) => string | undefined;
  /** The named schema a discriminator `mapping` value of named schema `base` names (undefined: none of them). */
  resolveMapping: (value: string, base: string, key: string) => string | undefined;
  /** The name of a named schema (its implicit discriminator value). */
  nameOf: (key: string) => string;
  /** Swagger 2.0's `discriminator: petType` (a file the converter did not read is still so written). */
  stringDiscriminator?: boolean;
}

/**
 * `schemas`: the named schemas, by key, in the spec's order (a document's `components/schemas`, or the named
 * schemas of every file of a spec split over files).
 */
export function readInheritance(schemas: Json, reader: Reader): Inheritance {
  const { resolveName, resolveMapping, nameOf } = reader;
  const names = Object.keys(schemas);
  const order = new Map(names.map((n, i) => [n, i]));
  const { parents, children } = extensions(schemas, resolveName);
  const polymorphic = new Map<string, { property: string; members: Member[] }>();
  for (const name of names) {
    if (!children.has(name) || !polymorphicBase(schemas[name])) continue;
    const d = discriminatorOf(schemas, parents, name, reader.stringDiscriminator === true);
    if (!d) continue;
    const below = descendants(children, name);
    // The base's own explicit mapping may also name schemas that do not extend it: they are members too.
    const mapped = new Map<string, string[]>();
    for (const [value, ref] of Object.entries(d.mapping)) {
      if (typeof ref !== "string") continue;
      const target = resolveMapping(ref, d.base, value);
      if (target === undefined) continue;
      const list = mapped.get(target);
      if (list) list.push(value);
      else mapped.set(target, [value]);
      if (name === d.base && target !== name) below.add(target);
    }
    const members: Member[] = [];
    const sorted = [...below].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    for (const n of [...sorted, name]) {
      const s = schemas[n];
      const own = isObject(s) ? s["x-ms-discriminator-value"] : undefined;
      const listed = ownValues(s, d.property);
      let values = mapped.get(n) ?? (typeof own === "string" ? [own] : (listed ?? [nameOf(n)]));
      // The schema itself, its property an enum of every value (the subtypes' among them): the values no
      // subtype takes, if any (none: it is abstract). Its own name where the property is not one.
      if (n === name) {
        const taken = new Set(members.flatMap((m) => m.values));
        values = values.filter((v) => !taken.has(v));
      }
      if (values.length > 0) members.push({ key: n, name: nameOf(n), values });
    }
    // The schema itself first, then its subtypes in the spec's order.
    const self = members.findIndex((m) => m.key === name);
    if (self > 0) members.unshift(...members.splice(self, 1));
    if (members.length > 0 && !(members.length === 1 && members[0]?.key === name))
      polymorphic.set(name, { property: d.property, members });
  }
  const pins = new Map<string, Pin[]>();
  for (const [base, { property, members }] of polymorphic)
    for (const m of members) {
      if (m.key === base) continue;
      const list = pins.get(m.key) ?? [];
      if (!list.some((p) => p.property === property)) list.push({ property, values: m.values });
      pins.set(m.key, list);
    }
  return { parents, polymorphic, pins };
}

/** Which components each extends (`allOf` members, a 3.1 `$ref` beside properties), and the reverse. */
function extensions(
  schemas: Json,
  resolveName: (ref: string, from: string) => string | undefined,
): { parents: Map<string, string[]>; children: Map<string, string[]> } {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const name of Object.keys(schemas)) {
    const s = schemas[name];
    if (!isObject(s)) continue;
    const refs: string[] = [];
    if (Array.isArray(s.allOf))
      for (const part of s.allOf) if (isObject(part) && typeof part.$ref === "string") refs.push(part.$ref);
    if (typeof s.$ref === "string" && isObject(s.properties)) refs.push(s.$ref);
    const resolved = refs.map((r) => resolveName(r, name));
    const found = [...new Set(resolved.filter((p): p is string => p !== undefined && p !== name))];
    if (found.length === 0) continue;
    parents.set(name, found);
    for (const p of found) {
      const list = children.get(p);
      if (list) list.push(name);
      else children.set(p, [name]);
    }
  }
  return { parents, children };
}

/** Every schema below `name` (a cycle of `allOf` stops; `name` itself is not one). */
function descendants(children: Map<string, string[]>, name: string): Set<string> {
  const below = new Set<string>();
  const stack = [...(children.get(name) ?? [])];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (n === name || below.has(n)) continue;
    below.add(n);
    stack.push(...(children.get(n) ?? []));
  }
  return below;
}

/** The discriminator of the nearest schema at or above `name` that declares one (breadth first). */
function discriminatorOf(
  schemas: Json,
  parents: Map<string, string[]>,
  name: string,
  stringDiscriminator: boolean,
): { property: string; mapping: Json; base: string } | undefined {
  const seen = new Set<string>([name]);
  for (let level = [name]; level.length > 0; ) {
    const next: string[] = [];
    for (const n of level) {
      const s = schemas[n];
      const written = isObject(s) ? s.discriminator : undefined;
      const d = stringDiscriminator && typeof written === "string" ? { propertyName: written } : written;
      if (isObject(d) && typeof d.propertyName === "string")
        return polymorphicBase(s)
          ? { property: d.propertyName, mapping: isObject(d.mapping) ? d.mapping : {}, base: n }
          : undefined;
      for (const p of parents.get(n) ?? [])
        if (!seen.has(p)) {
          next.push(p);
          seen.add(p);
        }
    }
    level = next;
  }
  return undefined;
}

/**
 * The string values a schema's own `properties[property]` (or an inline `allOf` member's) allows, when it lists them
 * (`enum`, `const`): they are the values that select it where nothing else names one.
 */
function ownValues(s: unknown, property: string): string[] | undefined {
  if (!isObject(s)) return undefined;
  const places = [
    s,
    ...(Array.isArray(s.allOf) ? s.allOf.filter((p) => isObject(p) && p.$ref === undefined) : []),
  ];
  for (const place of places as Json[]) {
    const props = place.properties;
    const p = isObject(props) ? props[property] : undefined;
    if (!isObject(p)) continue;
    const list = Array.isArray(p.enum) ? p.enum : "const" in p ? [p.const] : undefined;
    if (list?.every((v) => typeof v === "string")) return list as string[];
  }
  return undefined;
}

/** A base whose discriminator stands alone: a `oneOf`/`anyOf` beside it is discriminated as a union already. */
function polymorphicBase(s: unknown): boolean {
  return isObject(s) && s.oneOf === undefined && s.anyOf === undefined;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
