import type { ASTNode, GraphQLArgument, GraphQLInputField, GraphQLNamedType, GraphQLSchema } from "graphql";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { textCredentials } from "../url-credentials.js";
import { offsetRef } from "./graphql-introspection.js";

/** What a described element of a schema is: its description (mutable in graphql-js) and where it was written. */
interface Described {
  description?: string | null | undefined;
  astNode?: { description?: ASTNode | undefined } | null | undefined;
}

/** Where a value holding a credential is: the file's SDL node, or its JSON text in an introspection result. */
type Locate = (node: ASTNode | undefined, text: string) => SourceRef;

/**
 * Withholds, in place, the credentials a GraphQL schema's descriptions hold (a type's, a field's, an argument's, an
 * input field's, an enum value's, a directive's, the schema's: `textCredentials`), each replaced by `[redacted]` with
 * a TW133 warning located at it (the SDL's description, or its text in an introspection result) naming the element
 * and what it held, never the value. A description is copied into catalog.json, CATALOG.md, the published tool and
 * argument descriptions and the generated code. An argument's or an input field's default holding one is left out
 * (it is published in the input schema and a call would send it), said the same way. The rest is kept as written.
 */
export function withholdGraphqlCredentials(
  g: typeof import("graphql"),
  schema: GraphQLSchema,
  files: readonly { file: string; text: string }[],
  format: "sdl" | "introspection",
  diags: Diagnostics,
): void {
  const first = files[0] as { file: string; text: string };
  const locate: Locate = (node, text) => {
    const loc = node?.loc;
    if (format === "sdl" && loc) {
      const from = loc.source.name && loc.source.name !== "GraphQL request" ? loc.source.name : first.file;
      return { file: from, line: loc.startToken.line, column: loc.startToken.column };
    }
    const at = first.text.indexOf(JSON.stringify(text).slice(1, -1));
    return at < 0 ? { file: first.file } : offsetRef(first, at);
  };
  const REMOVE =
    "Remove the credential from the schema; the source's auth sends credentials, read from the environment.";
  const described = (element: Described, what: string) => {
    const text = element.description;
    if (typeof text !== "string" || text === "") return;
    const { text: kept, found } = textCredentials(text);
    if (found.length === 0) return;
    const at = locate(element.astNode?.description, text);
    element.description = kept;
    diags.warn(
      "TW133",
      `the description of ${what} holds credentials (${found.join(", ")}): each is withheld ([redacted]) from the catalog, CATALOG.md and the generated code, which are generated files`,
      at,
      REMOVE,
    );
  };
  const defaulted = (element: GraphQLArgument | GraphQLInputField, what: string) => {
    if (element.defaultValue === undefined) return;
    const strings: string[] = [];
    const collect = (v: unknown, depth: number): void => {
      if (typeof v === "string") strings.push(v);
      else if (v && typeof v === "object" && depth < 32)
        for (const x of Array.isArray(v) ? v : Object.values(v)) collect(x, depth + 1);
    };
    collect(element.defaultValue, 0);
    const found = [...new Set(strings.flatMap((s) => textCredentials(s).found))];
    if (found.length === 0) return;
    const at = locate(element.astNode?.defaultValue ?? undefined, strings[0] as string);
    (element as { defaultValue: unknown }).defaultValue = undefined;
    diags.warn(
      "TW133",
      `the default of ${what} holds credentials (${found.join(", ")}): it is left out of the catalog, the published schemas, CATALOG.md and the generated code (a call would send it)`,
      at,
      REMOVE,
    );
  };
  described(schema as Described, "the schema");
  for (const type of Object.values(schema.getTypeMap()))
    if (!type.name.startsWith("__")) eachDescribed(g, type, described, defaulted);
  for (const directive of schema.getDirectives()) {
    if (g.isSpecifiedDirective(directive)) continue;
    described(directive as Described, `@${directive.name}`);
    for (const arg of directive.args) {
      described(arg as Described, `@${directive.name}(${arg.name}:)`);
      defaulted(arg, `@${directive.name}(${arg.name}:)`);
    }
  }
}

/** A type's described members (its own description, its fields', arguments', input fields', enum values'). */
function eachDescribed(
  g: typeof import("graphql"),
  type: GraphQLNamedType,
  described: (element: Described, what: string) => void,
  defaulted: (element: GraphQLArgument | GraphQLInputField, what: string) => void,
): void {
  described(type as Described, type.name);
  if (g.isObjectType(type) || g.isInterfaceType(type))
    for (const field of Object.values(type.getFields())) {
      described(field as Described, `${type.name}.${field.name}`);
      for (const arg of field.args) {
        described(arg as Described, `${type.name}.${field.name}(${arg.name}:)`);
        defaulted(arg, `${type.name}.${field.name}(${arg.name}:)`);
      }
    }
  else if (g.isInputObjectType(type))
    for (const field of Object.values(type.getFields())) {
      described(field as Described, `${type.name}.${field.name}`);
      defaulted(field, `${type.name}.${field.name}`);
    }
  else if (g.isEnumType(type))
    for (const value of type.getValues()) described(value as Described, `${type.name}.${value.name}`);
}
