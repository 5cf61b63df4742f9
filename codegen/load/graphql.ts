import { createRequire } from "node:module";
import { relative } from "node:path";
import type { GraphQLError, GraphQLSchema, IntrospectionQuery } from "graphql";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { readInput } from "./document.js";

const require = createRequire(import.meta.url);

/**
 * graphql-js through `require`, always. The package ships CJS (`main`) and ESM (`module`) builds without an
 * exports map: Node picks the CJS one, vitest the ESM one. Loading it one way only means every schema and AST the
 * generator builds comes from the same copy, whoever runs it ("Cannot use GraphQLSchema from another module").
 */
export const graphqlJs: typeof import("graphql") = require("graphql");
const { validateSDL } = require("graphql/validation/validate") as {
  validateSDL: (doc: import("graphql").DocumentNode) => readonly GraphQLError[];
};

/** A loaded GraphQL schema: SDL or introspection JSON, plus what a reviewer needs to find it again. */
export interface GraphqlSpec {
  /** Path relative to the project root. */
  file: string;
  abs: string;
  /** The file's text (hashed into the catalog's input hash). */
  text: string;
  format: "sdl" | "introspection";
  /** Built leniently (harmless SDL problems become warnings) and marked valid so documents can be validated. */
  schema: GraphQLSchema;
}

/** Where a graphql-js error points, as a SourceRef into `file`. */
export function graphqlErrorRef(file: string, error: GraphQLError, lineOffset = 0): SourceRef {
  const loc = error.locations?.[0];
  return loc ? { file, line: loc.line + lineOffset, column: loc.column } : { file };
}

function isIntrospection(text: string, abs: string): boolean {
  return /\.json$/i.test(abs) || /^\s*\{/.test(text);
}

/**
 * Reads a GraphQL schema. SDL that strict graphql-js rejects for reasons that do not change what documents mean
 * (GitHub's schema defines two fields twice) loads with warnings: the schema is built with `assumeValidSDL`,
 * and what `validateSDL` / `validateSchema` say is reported, located, as TW150 warnings. Only a schema that
 * cannot be built at all (syntax errors, unknown types) is an error.
 */
export function loadGraphql(
  abs: string,
  root: string,
  diags: Diagnostics,
  from?: SourceRef,
): GraphqlSpec | undefined {
  const file = relative(root, abs).split("\\").join("/") || abs;
  const text = readInput(abs, file, diags, from);
  if (text === undefined) return undefined;
  const built = isIntrospection(text, abs)
    ? fromIntrospection(text, file, diags)
    : fromSdl(text, file, diags);
  if (!built) return undefined;
  const schema = lenient(built.schema, file, diags);
  if (!schema.getQueryType()) {
    diags.error("TW150", `${file} defines no query type`, { file });
    return undefined;
  }
  return { file, abs, text, format: built.format, schema };
}

function fromSdl(
  text: string,
  file: string,
  diags: Diagnostics,
): { schema: GraphQLSchema; format: "sdl" } | undefined {
  let doc: import("graphql").DocumentNode;
  try {
    doc = graphqlJs.parse(text);
  } catch (e) {
    const error = e as GraphQLError;
    diags.error("TW101", `GraphQL syntax error: ${error.message}`, graphqlErrorRef(file, error));
    return undefined;
  }
  const sdlProblems = validateSDL(doc);
  try {
    const schema = graphqlJs.buildASTSchema(doc, { assumeValidSDL: true });
    for (const p of sdlProblems) {
      diags.warn("TW150", `${p.message} (loaded anyway: the last definition wins)`, graphqlErrorRef(file, p));
    }
    return { schema, format: "sdl" };
  } catch (e) {
    // The problems validateSDL found are what made building fail; report them as the errors they are.
    for (const p of sdlProblems) diags.error("TW150", p.message, graphqlErrorRef(file, p));
    if (sdlProblems.length === 0)
      diags.error("TW150", `the schema cannot be built: ${(e as Error).message}`, { file });
    return undefined;
  }
}

function fromIntrospection(
  text: string,
  file: string,
  diags: Diagnostics,
): { schema: GraphQLSchema; format: "introspection" } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    diags.error("TW101", `invalid JSON: ${(e as Error).message}`, { file });
    return undefined;
  }
  const obj = (json ?? {}) as { __schema?: unknown; data?: { __schema?: unknown } };
  const __schema = obj.__schema ?? obj.data?.__schema;
  if (!__schema || typeof __schema !== "object") {
    diags.error(
      "TW150",
      `${file} is neither GraphQL SDL nor introspection JSON (no __schema or data.__schema)`,
      { file },
    );
    return undefined;
  }
  try {
    const schema = graphqlJs.buildClientSchema({ __schema } as IntrospectionQuery);
    return { schema, format: "introspection" };
  } catch (e) {
    diags.error("TW150", `the introspection result cannot be built: ${(e as Error).message}`, {
      file,
    });
    return undefined;
  }
}

/**
 * `validate()` refuses to run against a schema with validation errors. Problems that do not affect documents
 * (an interface field a type implements loosely, say) are reported as warnings and the schema is rebuilt from
 * its own config marked valid.
 */
function lenient(schema: GraphQLSchema, file: string, diags: Diagnostics): GraphQLSchema {
  const problems = graphqlJs.validateSchema(schema);
  if (problems.length === 0) return schema;
  for (const p of problems) diags.warn("TW150", p.message, graphqlErrorRef(file, p));
  return new graphqlJs.GraphQLSchema({ ...schema.toConfig(), assumeValid: true });
}
