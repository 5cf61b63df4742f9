import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import type {
  ASTNode,
  DefinitionNode,
  DirectiveNode,
  DocumentNode,
  GraphQLError,
  GraphQLSchema,
  IntrospectionQuery,
  NamedTypeNode,
} from "graphql";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { jsonErrorAt, readInput } from "./document.js";
import { withholdGraphqlCredentials } from "./graphql-credentials.js";
import { locateInJson, modernIntrospection } from "./graphql-introspection.js";

const require = createRequire(import.meta.url);

let graphqlModule: typeof import("graphql") | undefined;

/**
 * graphql-js through `require`, always, on first use (an OpenAPI catalog never loads it: a tenth of a second). The
 * package ships CJS (`main`) and ESM (`module`) builds without an exports map: Node picks the CJS one, vitest the
 * ESM one. Loading it one way only means every schema and AST the generator builds comes from the same copy,
 * whoever runs it ("Cannot use GraphQLSchema from another module").
 */
export function graphqlJs(): typeof import("graphql") {
  graphqlModule ??= require("graphql") as typeof import("graphql");
  return graphqlModule;
}

function validateSDL(doc: DocumentNode): readonly GraphQLError[] {
  const { validateSDL: validate } = require("graphql/validation/validate") as {
    validateSDL: (doc: DocumentNode) => readonly GraphQLError[];
  };
  return validate(doc);
}

/** One file of a GraphQL schema (SDL may be split over several). */
export interface GraphqlFile {
  /** Path relative to the project root. */
  file: string;
  abs: string;
  /** The file's text (hashed into the catalog's input hash). */
  text: string;
}

/** A loaded GraphQL schema: SDL (one or several files) or introspection JSON, plus where to find it again. */
export interface GraphqlSpec {
  /** The first file, relative to the project root (where a problem with no place of its own is reported). */
  file: string;
  abs: string;
  text: string;
  /** Every file the schema was read from, in order (all count as inputs). */
  files: GraphqlFile[];
  format: "sdl" | "introspection";
  /** Built leniently (harmless SDL problems become warnings) and marked valid so documents can be validated. */
  schema: GraphQLSchema;
}

/** Where a graphql-js error points, as a SourceRef into the file it came from (`file` when it does not say). */
export function graphqlErrorRef(file: string, error: GraphQLError, lineOffset = 0): SourceRef {
  const loc = error.locations?.[0];
  const from = error.source?.name && error.source.name !== "GraphQL request" ? error.source.name : file;
  return loc ? { file: from, line: loc.line + lineOffset, column: loc.column } : { file: from };
}

/** A GraphQL SDL file, by its name (`.graphql`, `.graphqls`, `.gql`, `.sdl`). */
export const SDL_FILE = /\.(graphqls?|gql|sdl)$/i;

function isIntrospection(text: string, abs: string): boolean {
  return /\.json$/i.test(abs) || /^\s*\{/.test(text);
}

/** A folder stands for every SDL file under it (`.graphql`, `.graphqls`, `.gql`, `.sdl`), sorted by path. */
function expand(abs: string): string[] {
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return [abs];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SDL_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * Reads a GraphQL schema: introspection JSON (one file, any age of graphql-js), or SDL in one or several files
 * and folders (types, `extend type` and `schema {}` anywhere among them, or no `schema {}` at all). SDL that strict
 * graphql-js rejects for reasons that do not change what documents mean (GitHub's schema defines two fields
 * twice) loads with warnings: the schema is built with `assumeValidSDL`, and what `validateSDL` / `validateSchema`
 * say is reported, located in the file it concerns, as TW150 warnings. Only a schema that cannot be built at all
 * (syntax errors, unknown types) is an error.
 */
export function loadGraphql(
  paths: string | readonly string[],
  root: string,
  diags: Diagnostics,
  from?: SourceRef,
): GraphqlSpec | undefined {
  const absolutes = (typeof paths === "string" ? [paths] : paths).flatMap(expand);
  const rel = (abs: string) => relative(root, abs).split("\\").join("/") || abs;
  if (absolutes.length === 0) {
    diags.error(
      "TW100",
      "no GraphQL schema file (.graphql, .graphqls, .gql, .sdl) in the folder named",
      from,
    );
    return undefined;
  }
  const files: GraphqlFile[] = [];
  for (const abs of absolutes) {
    const text = readInput(abs, rel(abs), diags, from);
    if (text !== undefined) files.push({ file: rel(abs), abs, text: text.replace(/^\uFEFF/, "") });
  }
  if (files.length < absolutes.length) return undefined;
  const introspection = files.filter((f) => isIntrospection(f.text, f.abs));
  if (introspection.length > 0 && files.length > 1) {
    diags.error(
      "TW150",
      `${introspection[0]?.file} is introspection JSON: an introspection result is a whole schema, give it alone`,
      from ?? { file: introspection[0]?.file ?? "" },
    );
    return undefined;
  }
  const first = files[0] as GraphqlFile;
  const built = introspection.length > 0 ? fromIntrospection(first, diags) : fromSdl(files, diags);
  if (!built) return undefined;
  if (!built.schema.getQueryType()) {
    // Said before the lenient build, whose own "Query root type must be provided" would say it twice.
    const subgraph =
      "federation" in built && built.federation
        ? `: it is an Apollo Federation subgraph (it uses @${built.federation}) whose types only the router reaches (through its \`_entities\` field); generate from the router's schema instead (introspect the router, or its supergraph's API schema)`
        : "transformer" in built && built.transformer
          ? `: it uses @${built.transformer}, so it is a build step's input: ${ROOT_MAKERS[built.transformer]}; generate from the schema that step writes (amplify's build/schema.graphql, or the deployed API's introspection)`
          : "";
    diags.error(
      "TW150",
      `${files.map((f) => f.file).join(", ")} define${files.length === 1 ? "s" : ""} no query type (a type Query, or schema { query: ... } naming one)${subgraph}`,
      { file: first.file },
    );
    return undefined;
  }
  const schema = lenient(built.schema, first.file, diags);
  withholdGraphqlCredentials(graphqlJs(), schema, files, built.format, diags);
  return { file: first.file, abs: first.abs, text: first.text, files, format: built.format, schema };
}

/**
 * Directives on object types that a build step turns into the root fields, so a schema using them and no Query
 * is that step's input, not the API: AWS Amplify's GraphQL transformer (AppSync) reads `type Todo @model` and
 * writes the queries, mutations and inputs.
 */
const ROOT_MAKERS: Record<string, string> = {
  model: "AWS Amplify's GraphQL transformer (AppSync) writes the queries and mutations of its @model types",
};

/** Each kind of type definition with the kind of its extension (`type` and `extend type`, ...). */
function typeExtensionKinds(): [definition: string, extension: string][] {
  const { Kind } = graphqlJs();
  return [
    [Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION],
    [Kind.INTERFACE_TYPE_DEFINITION, Kind.INTERFACE_TYPE_EXTENSION],
    [Kind.UNION_TYPE_DEFINITION, Kind.UNION_TYPE_EXTENSION],
    [Kind.ENUM_TYPE_DEFINITION, Kind.ENUM_TYPE_EXTENSION],
    [Kind.INPUT_OBJECT_TYPE_DEFINITION, Kind.INPUT_OBJECT_TYPE_EXTENSION],
    [Kind.SCALAR_TYPE_DEFINITION, Kind.SCALAR_TYPE_EXTENSION],
  ];
}

/**
 * Type extensions whose type is defined nowhere (a federated subgraph's `extend type Query`, a schema split so that
 * one file only extends) stand for the definition: the first becomes it, the rest extend it. graphql-js would
 * otherwise drop them without a word.
 */
function promoteOrphanExtensions(doc: DocumentNode): DocumentNode {
  const definitionOf = Object.fromEntries(typeExtensionKinds().map(([def, ext]) => [ext, def]));
  const defined = new Set<string>();
  for (const d of doc.definitions)
    if ("name" in d && d.name && !(d.kind in definitionOf)) defined.add(d.name.value);
  const definitions = doc.definitions.map((d) => {
    const kind = definitionOf[d.kind];
    if (!kind || !("name" in d) || !d.name || defined.has(d.name.value)) return d;
    defined.add(d.name.value);
    return { ...d, kind } as unknown as DefinitionNode;
  });
  return { ...doc, definitions };
}

/** What one type definition declares, each as a key (`.field`, `=VALUE`, `|Member`, `&Interface`, `@directive`). */
interface DefinitionMembers {
  name: string;
  members: { key: string; shape: string; node: ASTNode }[];
}

type NamedList = readonly { name: { value: string } }[] | undefined;

function definitionMembers(d: DefinitionNode): DefinitionMembers {
  const { print } = graphqlJs();
  const node = d as unknown as {
    name: { value: string };
    fields?: readonly { name: { value: string }; type: ASTNode; arguments?: readonly ASTNode[] }[];
    values?: NamedList;
    types?: NamedList;
    interfaces?: NamedList;
    directives?: NamedList;
  };
  const plain = (prefix: string, list: NamedList) =>
    (list ?? []).map((n) => ({ key: `${prefix}${n.name.value}`, shape: "", node: n as unknown as ASTNode }));
  const args = (list: readonly ASTNode[] | undefined) =>
    list?.length ? `(${list.map((a) => print(a)).join(", ")})` : "";
  return {
    name: node.name.value,
    members: [
      ...(node.fields ?? []).map((f) => ({
        key: `.${f.name.value}`,
        shape: `${args(f.arguments)}: ${print(f.type)}`,
        node: f as unknown as ASTNode,
      })),
      ...plain("=", node.values),
      ...plain("|", node.types),
      ...plain("&", node.interfaces),
      ...plain("@", node.directives),
    ],
  };
}

/**
 * A field's argument named twice (`f(a: Int, a: String)`) keeps its first form, as every other repeat does
 * (graphql-js kept the last), with a warning at the later one.
 */
function firstArguments(d: DefinitionNode, file: string, diags: Diagnostics): DefinitionNode {
  type Arg = { name: { value: string }; type: ASTNode };
  type Field = { name: { value: string }; arguments?: readonly Arg[] };
  const node = d as unknown as { name?: { value: string }; fields?: readonly Field[] };
  const repeats = (f: Field) =>
    new Set(f.arguments?.map((a) => a.name.value)).size !== (f.arguments?.length ?? 0);
  if (!node.fields?.some(repeats)) return d;
  const { print } = graphqlJs();
  const fields = node.fields.map((f) => {
    if (!repeats(f)) return f;
    const seen = new Map<string, string>();
    const kept = (f.arguments ?? []).filter((a) => {
      const had = seen.get(a.name.value);
      if (had === undefined) {
        seen.set(a.name.value, print(a.type));
        return true;
      }
      diags.warn(
        "TW150",
        `${node.name?.value}.${f.name.value}(${a.name.value}:) is defined twice, as ${had} and ${print(a.type)}: the first is kept`,
        nodeRef(file, a.name as unknown as ASTNode),
      );
      return false;
    });
    return { ...f, arguments: kept };
  });
  return { ...d, fields } as unknown as DefinitionNode;
}

/** A member as a reader names it: `Query.user`, `Role.ADMIN`, `member User of Owner`, `interface Node of User`. */
function memberLabel(type: string, key: string): string {
  const rest = key.slice(1);
  if (key.startsWith("|")) return `member ${rest} of ${type}`;
  if (key.startsWith("&")) return `interface ${rest} of ${type}`;
  return `${type}.${rest}`;
}

/** A definition or extension holding only its `fresh` members, as `kind` (a definition's description kept). */
function withMembers(d: DefinitionNode, kind: string, fresh: Set<unknown>): DefinitionNode {
  const keep = (list: unknown) => (Array.isArray(list) ? list.filter((x) => fresh.has(x)) : list);
  const node = d as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...node, kind };
  if (kind !== d.kind) merged.description = undefined;
  for (const key of ["fields", "values", "types", "interfaces", "directives"])
    if (node[key] !== undefined) merged[key] = keep(node[key]);
  return merged as unknown as DefinitionNode;
}

/**
 * A type defined again (a modular schema: every file of a NestJS schema-first app, of graphql-modules or of Vendure
 * writes its own `type Query { ... }`, and servers merge them as graphql-tools' `mergeTypeDefs` does) adds to the
 * first definition: each later one becomes an extension holding only the fields, input fields, enum values, union
 * members, interfaces and directives the type does not have yet. graphql-js kept only the last definition (Vendure's
 * admin API: 15 tools of 300). One rule for every repeat, in document order: a member given again (by a later
 * definition, by an extension before or after the definition, or twice in one definition, as GitHub's SDL does) keeps
 * its first form; another type or other arguments get a warning located at the later one, as does any repeat inside
 * one definition. graphql-js kept the last instead, and an extension's form over the definition's wherever each
 * stood. A directive repeated in one definition is kept (repeatable directives: `@key` twice); a scalar defined
 * again is the same scalar. Definitions of different kinds under one name are left for the schema check to refuse.
 */
function mergeRepeatedDefinitions(doc: DocumentNode, file: string, diags: Diagnostics): DocumentNode {
  const { Kind } = graphqlJs();
  const extensionOf = Object.fromEntries(typeExtensionKinds());
  const definitionOf = Object.fromEntries(typeExtensionKinds().map(([def, ext]) => [ext, def]));
  const seen = new Map<string, { kind: string; defined: boolean; shapes: Map<string, string> }>();
  let changed = false;
  const definitions: DefinitionNode[] = [];
  for (const given of doc.definitions) {
    const d = firstArguments(given, file, diags);
    if (d !== given) changed = true;
    const isExtension = d.kind in definitionOf;
    const kind = isExtension ? (definitionOf[d.kind] as string) : d.kind;
    if (!(kind in extensionOf) || !("name" in d) || !d.name) {
      definitions.push(d);
      continue;
    }
    const { name, members } = definitionMembers(d);
    let first = seen.get(name);
    if (first && first.kind !== kind) {
      definitions.push(d);
      continue;
    }
    const again = first?.defined === true && !isExtension;
    if (!first) {
      first = { kind, defined: false, shapes: new Map() };
      seen.set(name, first);
    }
    const fresh = new Set<unknown>();
    const here = new Set<string>();
    for (const m of members) {
      const had = first.shapes.get(m.key);
      if (had === undefined) {
        first.shapes.set(m.key, m.shape);
        here.add(m.key);
        fresh.add(m.node);
        continue;
      }
      if (m.key.startsWith("@")) {
        if (here.has(m.key)) fresh.add(m.node);
        continue;
      }
      // At its name: a field written after its description starts at the description.
      const at = nodeRef(file, (m.node as { name?: ASTNode }).name ?? m.node);
      const what = memberLabel(name, m.key);
      if (had !== m.shape)
        diags.warn(
          "TW150",
          `${what} is defined again as ${m.shape.replace(/^: /, "")}, first as ${had.replace(/^: /, "")}: the first definition is kept (a type's definitions are merged)`,
          at,
        );
      else if (here.has(m.key))
        diags.warn("TW150", `${what} is defined twice in one definition: the first is kept`, at);
    }
    if (!isExtension) first.defined = true;
    if (fresh.size === members.length && !again) {
      definitions.push(d);
      continue;
    }
    changed = true;
    if (again) {
      if (d.kind !== Kind.SCALAR_TYPE_DEFINITION)
        definitions.push(withMembers(d, extensionOf[d.kind] as string, fresh));
    } else definitions.push(withMembers(d, d.kind, fresh));
  }
  return changed ? { ...doc, definitions } : doc;
}

/**
 * AWS AppSync's scalars: a schema written for AppSync uses them without defining them (AppSync defines them
 * itself, with its `@aws_*` directives; graphql-js alone refuses such a schema: "Unknown type AWSDateTime").
 */
const APPSYNC_SCALARS = new Set([
  "AWSDate",
  "AWSTime",
  "AWSDateTime",
  "AWSTimestamp",
  "AWSEmail",
  "AWSJSON",
  "AWSURL",
  "AWSPhone",
  "AWSIPAddress",
]);

/**
 * Apollo Federation's directives (v1 and v2, with their `federation__` forms), which a subgraph's SDL uses without
 * defining: the subgraph library adds them when it builds the schema.
 */
const FEDERATION_DIRECTIVES = new Set([
  "key",
  "external",
  "requires",
  "provides",
  "extends",
  "shareable",
  "inaccessible",
  "override",
  "tag",
  "interfaceObject",
  "composeDirective",
  "link",
  "authenticated",
  "requiresScopes",
  "policy",
  "cost",
  "listSize",
  "context",
  "fromContext",
]);

const FEDERATION_SPEC = /^https:\/\/specs\.apollo\.dev\/federation\//;

/** The spec a supergraph (the router's composed schema) links for `@inaccessible`. */
const INACCESSIBLE_SPEC = /^https:\/\/specs\.apollo\.dev\/inaccessible\//;

const INACCESSIBLE = new Set(["inaccessible", "federation__inaccessible"]);

const BUILT_IN_SCALARS = new Set(["String", "Int", "Float", "Boolean", "ID"]);

/** Where a node of a (possibly split) SDL document is: the file it was parsed from, its line and column. */
function nodeRef(file: string, node: ASTNode | undefined): SourceRef {
  const token = node?.loc?.startToken;
  const from = node?.loc?.source.name;
  const where = from && from !== "GraphQL request" ? from : file;
  return token ? { file: where, line: token.line, column: token.column } : { file: where };
}

/**
 * What a server defines itself and its SDL therefore uses without a definition, made good before the schema is
 * built. A directive that is used but defined nowhere is dropped from the document (directives in a schema do not
 * change the documents a tool sends): AppSync's `@aws_*` and, in a subgraph (one that uses `@key` or links the
 * federation spec), Federation's are expected, and said once as a note; any other is one warning per directive,
 * counted and located at its first use (rather than one per use, which buried a subgraph's output). AppSync's
 * scalars used without a definition are defined (they map like declared ones); another undefined type stays the
 * error it is. Returns the federation directive that marks a subgraph, if any, and a directive that makes it a
 * transformer's input (ROOT_MAKERS), if any (both for the no-query-type message).
 */
function implicitDefinitions(
  doc: DocumentNode,
  file: string,
  diags: Diagnostics,
): { doc: DocumentNode; federation?: string; transformer?: string } {
  const { Kind, visit, specifiedDirectives } = graphqlJs();
  const definedDirectives = new Set(specifiedDirectives.map((d) => d.name));
  const definedTypes = new Set(BUILT_IN_SCALARS);
  for (const d of doc.definitions) {
    if (d.kind === Kind.DIRECTIVE_DEFINITION) definedDirectives.add(d.name.value);
    else if ("name" in d && d.name) definedTypes.add(d.name.value);
  }
  const undefinedUses = new Map<string, { count: number; first: ASTNode }>();
  const missingScalars = new Map<string, ASTNode>();
  let federationLink = false;
  let inaccessibleLink = false;
  walkSdl(doc, {
    Directive(node) {
      const name = node.name.value;
      const url = node.arguments?.find((a) => a.name.value === "url")?.value;
      if (name === "link" && url?.kind === Kind.STRING) {
        federationLink ||= FEDERATION_SPEC.test(url.value);
        inaccessibleLink ||= INACCESSIBLE_SPEC.test(url.value);
      }
      if (definedDirectives.has(name)) return;
      const seen = undefinedUses.get(name);
      if (seen) seen.count++;
      else undefinedUses.set(name, { count: 1, first: node });
    },
    NamedType(node) {
      const name = node.name.value;
      if (!definedTypes.has(name) && APPSYNC_SCALARS.has(name) && !missingScalars.has(name))
        missingScalars.set(name, node);
    },
  });
  if (undefinedUses.size === 0 && missingScalars.size === 0 && !federationLink && !inaccessibleLink)
    return { doc };
  const subgraph = federationLink || undefinedUses.has("key");
  const federation = subgraph ? (undefinedUses.has("key") ? "key" : "link") : undefined;
  const transformer = Object.keys(ROOT_MAKERS).find((name) => undefinedUses.has(name));
  reportImplicit(undefinedUses, missingScalars, subgraph, file, diags);
  const api = subgraph || inaccessibleLink ? withoutInaccessible(doc, file, diags) : doc;
  const stripped = visit(api, {
    Directive(node) {
      return definedDirectives.has(node.name.value) ? undefined : null;
    },
  });
  const scalars: DefinitionNode[] = [...missingScalars.keys()].sort().map((name) => ({
    kind: Kind.SCALAR_TYPE_DEFINITION,
    name: { kind: Kind.NAME, value: name },
  }));
  return {
    doc: { ...stripped, definitions: [...stripped.definitions, ...scalars] },
    ...(federation ? { federation } : {}),
    ...(transformer ? { transformer } : {}),
  };
}

/**
 * Calls `on` for every directive and named type of an SDL document: what graphql-js's `visit` does with two
 * visitors, without its path bookkeeping, which made the one walk of a large schema (GitHub's 1.2 MB SDL) take
 * a few hundred milliseconds cold against some tens. A node's `loc` (its tokens) is not walked.
 */
function walkSdl(
  node: unknown,
  on: { Directive: (node: DirectiveNode) => void; NamedType: (node: NamedTypeNode) => void },
): void {
  if (Array.isArray(node)) {
    for (const item of node) walkSdl(item, on);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const kind = (node as { kind?: unknown }).kind;
  if (kind === "NamedType") {
    on.NamedType(node as NamedTypeNode);
    return;
  }
  if (kind === "Directive") on.Directive(node as DirectiveNode);
  for (const key in node) {
    if (key === "loc") continue;
    const value = (node as Record<string, unknown>)[key];
    if (value !== null && typeof value === "object") walkSdl(value, on);
  }
}

/**
 * A subgraph or a supergraph without what is marked `@inaccessible`: the router's API does not have it, so documents
 * that select it fail there (a subgraph itself answers documents without it as well). Fields, arguments, input
 * fields and enum values go; so do types, and their names from union members and `implements` lists (an
 * inaccessible object type would otherwise be an inline fragment of every selection of its interface or union).
 * Federation requires every field returning an inaccessible type to be inaccessible too.
 */
function withoutInaccessible(doc: DocumentNode, file: string, diags: Diagnostics): DocumentNode {
  const { Kind, visit } = graphqlJs();
  const marked = (node: { directives?: readonly DirectiveNode[] }) =>
    node.directives?.some((d) => INACCESSIBLE.has(d.name.value)) ?? false;
  const types = new Set<string>();
  for (const d of doc.definitions)
    if (d.kind !== Kind.DIRECTIVE_DEFINITION && "name" in d && d.name && marked(d)) types.add(d.name.value);
  const hidden: string[] = [...types];
  const member = (node: { name: { value: string }; directives?: readonly DirectiveNode[] }) => {
    if (!marked(node)) return undefined;
    hidden.push(node.name.value);
    return null;
  };
  const kept = (list: readonly NamedTypeNode[] | undefined) => list?.filter((t) => !types.has(t.name.value));
  const type = <
    T extends {
      name: { value: string };
      interfaces?: readonly NamedTypeNode[];
      types?: readonly NamedTypeNode[];
    },
  >(
    node: T,
  ): T | null | undefined => {
    if (types.has(node.name.value)) return null;
    if (node.interfaces?.some((t) => types.has(t.name.value)))
      return { ...node, interfaces: kept(node.interfaces) };
    if (node.types?.some((t) => types.has(t.name.value))) return { ...node, types: kept(node.types) };
    return undefined;
  };
  const out = visit(doc, {
    FieldDefinition: member,
    InputValueDefinition: member,
    EnumValueDefinition: member,
    ObjectTypeDefinition: type,
    ObjectTypeExtension: type,
    InterfaceTypeDefinition: type,
    InterfaceTypeExtension: type,
    UnionTypeDefinition: type,
    UnionTypeExtension: type,
    EnumTypeDefinition: type,
    EnumTypeExtension: type,
    InputObjectTypeDefinition: type,
    InputObjectTypeExtension: type,
    ScalarTypeDefinition: type,
    ScalarTypeExtension: type,
  });
  if (hidden.length > 0)
    diags.info(
      "TW150",
      `${hidden.length} member${hidden.length === 1 ? "" : "s"} marked @inaccessible (${hidden.slice(0, 5).join(", ")}${hidden.length > 5 ? ", ..." : ""}) left out: the router's API does not have them`,
      { file },
    );
  return out;
}

/** The notes and warnings for what `implicitDefinitions` makes good: one per kind, or per unknown directive. */
function reportImplicit(
  undefinedUses: Map<string, { count: number; first: ASTNode }>,
  missingScalars: Map<string, ASTNode>,
  subgraph: boolean,
  file: string,
  diags: Diagnostics,
): void {
  const isFederation = (n: string) => FEDERATION_DIRECTIVES.has(n) || n.startsWith("federation__");
  const appsync: string[] = [];
  const federated: string[] = [];
  for (const [name, { count, first }] of undefinedUses) {
    const uses = `@${name}${count > 1 ? ` (${count} uses)` : ""}`;
    if (name.startsWith("aws_")) appsync.push(uses);
    else if (subgraph && isFederation(name)) federated.push(uses);
    else
      diags.warn(
        "TW150",
        `directive @${name} is used ${count === 1 ? "once" : `${count} times`} (first here) and defined nowhere; its uses are ignored (a schema's directives do not change the documents tools send)`,
        nodeRef(file, first),
        `Define it (directive @${name} on ...) or leave it out; nothing else needs to change.`,
      );
  }
  const at = { file };
  if (appsync.length > 0)
    diags.info(
      "TW150",
      `AWS AppSync's directives ${appsync.join(", ")} are used without definitions, as AppSync schemas are written; they do not change the documents tools send`,
      at,
    );
  if (federated.length > 0)
    diags.info(
      "TW150",
      `Apollo Federation's directives ${federated.join(", ")} are used without definitions, as a subgraph's schema is written; they do not change the documents tools send`,
      at,
    );
  if (missingScalars.size > 0)
    diags.info(
      "TW150",
      `AWS AppSync's scalars ${[...missingScalars.keys()].sort().join(", ")} are used without definitions, as AppSync schemas are written; they are defined as AppSync defines them`,
      nodeRef(file, [...missingScalars.values()][0]),
    );
}

function fromSdl(
  files: GraphqlFile[],
  diags: Diagnostics,
): { schema: GraphQLSchema; format: "sdl"; federation?: string; transformer?: string } | undefined {
  const docs: DocumentNode[] = [];
  for (const f of files) {
    try {
      docs.push(graphqlJs().parse(new (graphqlJs().Source)(f.text, f.file)));
    } catch (e) {
      const error = e as GraphQLError;
      diags.error("TW101", `GraphQL syntax error: ${error.message}`, graphqlErrorRef(f.file, error));
    }
  }
  if (docs.length < files.length) return undefined;
  const file = (files[0] as GraphqlFile).file;
  const { doc, federation, transformer } = implicitDefinitions(
    promoteOrphanExtensions(mergeRepeatedDefinitions(graphqlJs().concatAST(docs), file, diags)),
    file,
    diags,
  );
  const sdlProblems = validateSDL(doc);
  try {
    const schema = graphqlJs().buildASTSchema(doc, { assumeValidSDL: true });
    for (const p of sdlProblems) {
      diags.warn("TW150", `${p.message} (loaded anyway: the last definition wins)`, graphqlErrorRef(file, p));
    }
    return {
      schema,
      format: "sdl",
      ...(federation ? { federation } : {}),
      ...(transformer ? { transformer } : {}),
    };
  } catch (e) {
    // The problems validateSDL found are what made building fail; report them as the errors they are.
    for (const p of sdlProblems) diags.error("TW150", p.message, graphqlErrorRef(file, p));
    if (sdlProblems.length === 0)
      diags.error("TW150", `the schema cannot be built: ${(e as Error).message}`, { file });
    return undefined;
  }
}

function fromIntrospection(
  f: GraphqlFile,
  diags: Diagnostics,
): { schema: GraphQLSchema; format: "introspection" } | undefined {
  const { file } = f;
  let json: unknown;
  try {
    json = JSON.parse(f.text);
  } catch (e) {
    diags.error("TW101", `invalid JSON: ${(e as Error).message}`, {
      file,
      ...jsonErrorAt(f.text, e as Error),
    });
    return undefined;
  }
  const obj = (json ?? {}) as { __schema?: unknown; data?: { __schema?: unknown } | null; errors?: unknown };
  const __schema = obj.__schema ?? obj.data?.__schema;
  if (!__schema || typeof __schema !== "object") {
    const errors = Array.isArray(obj.errors)
      ? `; the result holds errors: ${JSON.stringify(obj.errors).slice(0, 300)}`
      : "";
    diags.error(
      "TW150",
      `${file} is neither GraphQL SDL nor introspection JSON (no __schema or data.__schema)${errors}`,
      { file },
    );
    return undefined;
  }
  const types = (__schema as { types?: unknown }).types;
  const names = new Set(Array.isArray(types) ? types.map((t) => (t as { name?: unknown } | null)?.name) : []);
  if (Array.isArray(types) && !names.has("Boolean") && !names.has("String")) {
    // Every schema has them (introspection's own fields are typed by them): a result without is cut down.
    diags.error(
      "TW150",
      `${file} is a minified introspection (no String or Boolean type: urql's and gql.tada's minifyIntrospectionQuery drop scalars${names.has("Any") ? " and type arguments by a made-up scalar Any" : ""}): the server's argument types are not in it, so documents built from it would not validate there; give the full introspection result or the schema's SDL`,
      locateInJson(f, names.has("Any") ? 'name: "Any"' : ""),
    );
    return undefined;
  }
  try {
    const modern = modernIntrospection(__schema as Record<string, unknown>);
    const schema = graphqlJs().buildClientSchema({ __schema: modern } as unknown as IntrospectionQuery);
    return { schema, format: "introspection" };
  } catch (e) {
    const message = (e as Error).message;
    diags.error("TW150", `the introspection result cannot be built: ${message}`, locateInJson(f, message));
    return undefined;
  }
}

/**
 * `validate()` refuses to run against a schema with validation errors. Problems that do not affect documents
 * (an interface field a type implements loosely, say) are reported as warnings and the schema is rebuilt from
 * its own config marked valid.
 */
function lenient(schema: GraphQLSchema, file: string, diags: Diagnostics): GraphQLSchema {
  const problems = graphqlJs().validateSchema(schema);
  if (problems.length === 0) return schema;
  for (const p of problems) diags.warn("TW150", p.message, graphqlErrorRef(file, p));
  return new (graphqlJs().GraphQLSchema)({ ...schema.toConfig(), assumeValid: true });
}
