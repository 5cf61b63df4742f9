import type { OperationTypeNode } from "graphql";
import type { Diagnostics } from "../../diagnostics.js";
import type { SymbolTable } from "../../ir/symbols.js";
import type { LoadedDocument } from "../../load/document.js";
import type { GraphqlSpec } from "../../load/graphql.js";
import type { SourceSpec } from "../../manifest/types.js";
import type { GraphqlSourceModel, RootField, RootKind } from "./model.js";
import { astRef, GraphqlTypes } from "./types.js";

/** A loaded GraphQL schema as a source: its root fields (what tools are made from) and its type mapper. */
export function normalizeGraphql(
  id: string,
  spec: GraphqlSpec,
  source: SourceSpec,
  manifest: LoadedDocument,
  root: string,
  symbols: SymbolTable,
  diags: Diagnostics,
): GraphqlSourceModel {
  const types = new GraphqlTypes(id, spec.file, spec.schema, symbols, diags, {
    ...(source.scalars ? { scalars: source.scalars } : {}),
    manifest,
    root,
  });
  const rootFields: RootField[] = [];
  for (const operationType of ["query", "mutation", "subscription"] as RootKind[]) {
    const type = spec.schema.getRootType(operationType as OperationTypeNode);
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      rootFields.push({
        sourceId: id,
        operationType,
        typeName: type.name,
        name: field.name,
        field,
        key: `${type.name}.${field.name}`,
        deprecated: Boolean(field.deprecationReason),
        source: astRef(spec.file, field.astNode),
      });
    }
  }
  return {
    id,
    kind: "graphql",
    spec,
    schema: spec.schema,
    mutations: source.mutations ?? "all",
    rootFields,
    types,
  };
}
