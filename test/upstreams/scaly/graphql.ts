import { readFileSync } from "node:fs";
import type {
  GraphQLError as GraphQLErrorType,
  GraphQLFieldResolver,
  GraphQLScalarType,
  GraphQLSchema,
  ValueNode,
} from "graphql";
import { graphqlJs } from "./graphql-lib.js";
import { controlPlaneResolvers } from "./resolvers.js";

const { buildSchema, GraphQLError, isObjectType, isScalarType, Kind } = graphqlJs;

import type { Store } from "./store.js";

export const SCHEMA_PATH = new URL("../../../specs/scaly/schema.graphql", import.meta.url);

/** A type alias, not an interface: graphql-http wants a context assignable to `Record<PropertyKey, unknown>`. */
export type GraphqlContext = { store: Store };

type ResolverMap = Record<string, Record<string, GraphQLFieldResolver<any, GraphqlContext, any>>>;

/** The schema of `specs/scaly/schema.graphql` with the upstream's resolvers and AppSync scalar behaviour. */
export function buildControlPlaneSchema(): GraphQLSchema {
  const schema = buildSchema(readFileSync(SCHEMA_PATH, "utf8"));
  attachResolvers(schema, controlPlaneResolvers);
  defineScalars(schema);
  return schema;
}

function attachResolvers(schema: GraphQLSchema, map: ResolverMap): void {
  for (const [typeName, fields] of Object.entries(map)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`resolver map names ${typeName}, not an object type`);
    const defined = type.getFields();
    for (const [fieldName, resolve] of Object.entries(fields)) {
      const field = defined[fieldName];
      // A typo here would silently fall back to the default resolver; fail loudly instead.
      if (!field) throw new Error(`resolver map names ${typeName}.${fieldName}, not in the schema`);
      field.resolve = resolve;
    }
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function stringLiteral(node: ValueNode, scalar: string): string {
  if (node.kind !== Kind.STRING) throw new GraphQLError(`${scalar} must be a string`, { nodes: node });
  return node.value;
}

/**
 * AppSync semantics: `AWSDateTime` is ISO 8601 text (times are held as epoch ms and parsed back to ms), `AWSJSON`
 * is JSON *text* both ways, `AWSEmail` and `AWSURL` are validated strings.
 */
function defineScalars(schema: GraphQLSchema): void {
  const scalar = (name: string): GraphQLScalarType => {
    const type = schema.getType(name);
    if (!isScalarType(type)) throw new Error(`scalar ${name} missing from the schema`);
    return type;
  };
  const withParser = (type: GraphQLScalarType, parse: (value: string) => unknown) => {
    type.parseValue = (value) => {
      if (typeof value !== "string") throw new GraphQLError(`${type.name} must be a string`);
      return parse(value);
    };
    type.parseLiteral = (node) => parse(stringLiteral(node, type.name));
  };

  const dateTime = scalar("AWSDateTime");
  dateTime.serialize = (value) =>
    typeof value === "number" || value instanceof Date ? new Date(value).toISOString() : String(value);
  withParser(dateTime, (value) => {
    const ms = Date.parse(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
      throw new GraphQLError(`AWSDateTime must be ISO 8601, e.g. 2025-03-01T12:00:00Z; got ${value}`);
    }
    return ms;
  });

  const json = scalar("AWSJSON");
  json.serialize = (value) => JSON.stringify(value);
  withParser(json, (value) => {
    try {
      return JSON.parse(value);
    } catch {
      throw new GraphQLError("AWSJSON must be valid JSON text");
    }
  });

  const email = scalar("AWSEmail");
  withParser(email, (value) => {
    if (!EMAIL.test(value)) throw new GraphQLError(`Invalid email address: ${value}`);
    return value;
  });

  const url = scalar("AWSURL");
  withParser(url, (value) => {
    if (!URL.canParse(value)) throw new GraphQLError(`Invalid URL (scheme required): ${value}`);
    return value;
  });
}

/** Adds the documented `extensions.code` to errors that do not carry one yet. */
export function formatError(error: Readonly<GraphQLErrorType | Error>): GraphQLErrorType | Error {
  if (!(error instanceof GraphQLError) || error.extensions.code) return error;
  const original = error.originalError;
  if (original && !(original instanceof GraphQLError)) {
    return new GraphQLError(error.message, {
      nodes: error.nodes,
      path: error.path,
      originalError: original,
      extensions: { code: "INTERNAL" },
    });
  }
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: "GRAPHQL_VALIDATION_FAILED" },
  });
}

/** The body of a 401: no `data`, one error coded UNAUTHORIZED. */
export function unauthorizedBody(message: string) {
  return { errors: [{ message, extensions: { code: "UNAUTHORIZED" } }] };
}
