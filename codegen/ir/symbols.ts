import type { SchemaNode, SchemaSymbol, SourceRef, SymbolId } from "./types.js";

/** Names that would shadow globals or keywords in generated TypeScript. */
const RESERVED = new Set(
  (
    "Array Boolean Date Error Function JSON Map Math Number Object Promise Proxy Record RegExp Set String Symbol " +
    "Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType InstanceType Awaited Uint8Array " +
    "z tools schemas catalog default any unknown never undefined null true false void type interface enum class " +
    "const let var function return import export new delete in of if else for while do switch case break continue " +
    "try catch finally throw typeof instanceof this super extends implements package private protected public static yield await async with debugger"
  ).split(" "),
);

/** PascalCase identifier from any spec name (`secret-version.v1` -> `SecretVersionV1`). */
export function toIdentifier(raw: string): string {
  const parts = raw.split(/[^A-Za-z0-9]+/).filter(Boolean);
  let name = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join("");
  if (name === "") name = "Schema";
  if (/^[0-9]/.test(name)) name = `S${name}`;
  if (RESERVED.has(name)) name = `${name}Schema`;
  return name;
}

/** The named schemas of a catalog: ids are stable (`source:file#pointer`), names unique TS identifiers. */
export class SymbolTable {
  private readonly byId = new Map<SymbolId, SchemaSymbol>();
  private readonly used = new Set<string>();
  private readonly usedDefs = new Set<string>();
  private readonly defined = new Set<SymbolId>();
  /**
   * Polymorphism by inheritance: a base schema with a discriminator (and no `oneOf`/`anyOf`) whose subtypes extend it
   * with `allOf`. Base id -> what makes (once, when an input first names the base) the symbol of the discriminated
   * union of its subtypes, each pinned to its discriminator values (`Views`: inputs take it, outputs the base).
   */
  readonly subtypes = new Map<SymbolId, () => SymbolId>();

  has(id: SymbolId): boolean {
    return this.byId.has(id);
  }

  get(id: SymbolId): SchemaSymbol {
    const s = this.byId.get(id);
    if (!s) throw new Error(`unknown schema symbol ${id}`);
    return s;
  }

  /** Reserves a symbol before its schema is converted, so recursive references find it. */
  declare(id: SymbolId, preferredName: string, source: SourceRef): SchemaSymbol {
    const existing = this.byId.get(id);
    if (existing) return existing;
    const base = toIdentifier(preferredName);
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}${i}`;
    this.used.add(name);
    // Published schemas keep the spec's names (`#/$defs/address`); only TypeScript needs identifiers.
    const raw = /^[A-Za-z0-9_.-]{1,128}$/.test(preferredName) ? preferredName : name;
    let defName = raw;
    for (let i = 2; this.usedDefs.has(defName); i++) defName = `${raw}${i}`;
    this.usedDefs.add(defName);
    const symbol: SchemaSymbol = { id, name, defName, schema: { kind: "any" }, source };
    this.byId.set(id, symbol);
    return symbol;
  }

  define(id: SymbolId, schema: SchemaNode): void {
    this.get(id).schema = schema;
    this.defined.add(id);
  }

  /** Whether the symbol's schema is converted (a declared one being converted still reads as any value). */
  isDefined(id: SymbolId): boolean {
    return this.defined.has(id);
  }

  all(): SchemaSymbol[] {
    return [...this.byId.values()];
  }
}
