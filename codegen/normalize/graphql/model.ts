import type { GraphQLField, GraphQLSchema } from "graphql";
import type { SourceRef } from "../../ir/types.js";
import type { GraphqlSpec } from "../../load/graphql.js";
import type { GraphqlTypes } from "./types.js";

export type RootKind = "query" | "mutation" | "subscription";

/** A field of a root operation type (`Query.apps`, `Mutation.deleteStack`): what a tool can be made from. */
export interface RootField {
  sourceId: string;
  operationType: RootKind;
  /** `Query` / `Mutation` / `Subscription` as the schema names them. */
  typeName: string;
  name: string;
  field: GraphQLField<unknown, unknown>;
  /** `Query.apps`: how the manifest refers to it. */
  key: string;
  deprecated: boolean;
  source: SourceRef;
}

/** A GraphQL source after loading: its schema, its root fields, and the type mapper its tools share. */
export interface GraphqlSourceModel {
  id: string;
  kind: "graphql";
  spec: GraphqlSpec;
  schema: GraphQLSchema;
  /** `listed`: mutations become tools only when a manifest entry names them. */
  mutations: "all" | "listed";
  /** Root fields in schema order: queries, then mutations, then subscriptions. */
  rootFields: RootField[];
  types: GraphqlTypes;
}
