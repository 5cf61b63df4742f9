import { join } from "node:path";
import ts from "typescript";
import { ROOT } from "./paths.js";

/**
 * Every field path a `CatalogDocument` (src/catalog.ts) can hold, read from its TypeScript type, each with the
 * string literals its type allows (empty when any string, number or boolean goes): `a.b` a member, `a[]` an array's
 * items, `a.*` a record's values, `a<kind>.b` a member of the union's member whose tag (`kind`) is that literal. A
 * JSON Schema (`JsonSchema`) is one field (its keywords are the schema's, not the catalog's); a recursive type
 * (`ValueSource.file.path`) ends at ` (recursive)`; functions are not data.
 */
export function catalogFieldPaths(typeName = "CatalogDocument"): Map<string, string[]> {
  const file = join(ROOT, "src", "catalog.ts");
  const program = ts.createProgram([file], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const decl = source?.statements.find(
    (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
      (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === typeName,
  );
  if (decl === undefined) throw new Error(`no type ${typeName} in src/catalog.ts`);
  const out = new Map<string, string[]>();
  const leaf = (path: string, literal?: string) => {
    const known = out.get(path) ?? [];
    if (literal !== undefined && !known.includes(literal)) known.push(literal);
    out.set(path, known);
  };
  // `string & {}` (a string with completions) is a string.
  const isObject = (t: ts.Type): boolean =>
    t.isIntersection()
      ? t.types.every(isObject)
      : (t.flags & ts.TypeFlags.Object) !== 0 && t.getCallSignatures().length === 0;
  /** The member every object of a union has with a string literal type of its own (`kind`), if any. */
  const tagOf = (objects: ts.Type[]): string | undefined => {
    for (const p of objects[0]!.getProperties()) {
      const literals = objects.map((o) => {
        const q = o.getProperty(p.getName());
        const t = q === undefined ? undefined : checker.getTypeOfSymbol(q);
        return t?.isStringLiteral() ? t.value : undefined;
      });
      if (literals.every((l) => l !== undefined) && new Set(literals).size === objects.length)
        return p.getName();
    }
    return undefined;
  };
  const walk = (type: ts.Type, path: string, seen: ReadonlySet<ts.Type>): void => {
    if (type.aliasSymbol?.getName() === "JsonSchema") {
      leaf(path);
      return;
    }
    if (type.isUnion()) {
      const parts = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      const objects = parts.filter((t) => isObject(t) && !checker.isArrayType(t));
      const tag = objects.length > 1 ? tagOf(objects) : undefined;
      for (const t of parts) {
        if (tag !== undefined && objects.includes(t)) {
          const value = checker.getTypeOfSymbol(t.getProperty(tag)!);
          walk(t, `${path}<${value.isStringLiteral() ? value.value : "?"}>`, seen);
        } else walk(t, path, seen);
      }
      return;
    }
    if (type.isStringLiteral()) {
      leaf(path, type.value);
      return;
    }
    if (!isObject(type)) {
      leaf(path);
      return;
    }
    if (seen.has(type)) {
      leaf(`${path} (recursive)`);
      return;
    }
    const next = new Set(seen).add(type);
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const t of checker.getTypeArguments(type as ts.TypeReference)) walk(t, `${path}[]`, next);
      return;
    }
    const index = type.getStringIndexType();
    if (index !== undefined) walk(index, `${path}.*`, next);
    const props = type.getProperties();
    if (props.length === 0 && index === undefined) leaf(path);
    for (const p of props) {
      const t = checker.getTypeOfSymbol(p);
      if (t.getCallSignatures().length > 0) continue;
      walk(t, path === "" ? p.getName() : `${path}.${p.getName()}`, next);
    }
  };
  walk(checker.getTypeAtLocation(decl.name), "", new Set());
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
