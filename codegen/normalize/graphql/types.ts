import type {
  ASTNode,
  GraphQLEnumType,
  GraphQLInputField,
  GraphQLInputObjectType,
  GraphQLInputType,
  GraphQLLeafType,
  GraphQLSchema,
} from "graphql";
import type { Diagnostics } from "../../diagnostics.js";
import type { SymbolTable } from "../../ir/symbols.js";
import type { PropertyNode, SchemaMeta, SchemaNode, SourceRef } from "../../ir/types.js";
import type { LoadedDocument } from "../../load/document.js";
import { DocumentSet } from "../../load/document-set.js";
import { graphqlJs } from "../../load/graphql.js";
import { nullable, SchemaConverter } from "../openapi/schema.js";
import { builtInScalar, specifiedScalar, UPLOAD_INPUT, unmappedScalar, wellKnownScalar } from "./scalars.js";

/** Where a schema element is defined: its SDL line, or just the file for introspection schemas. */
export function astRef(file: string, node: ASTNode | null | undefined): SourceRef {
  const token = node?.loc?.startToken;
  // A schema split over several files: each node knows the file it was parsed from.
  const from = node?.loc?.source.name;
  const where = from && from !== "GraphQL request" ? from : file;
  return token ? { file: where, line: token.line, column: token.column } : { file: where };
}

/** A coerced GraphQL value (a default) as plain JSON; undefined when it has no JSON form. */
export function jsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function withMeta(node: SchemaNode, meta: SchemaMeta): SchemaNode {
  const clean = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined));
  return Object.keys(clean).length === 0 ? node : ({ ...node, ...clean } as SchemaNode);
}

function describe(text: string | null | undefined): string | undefined {
  const t = text?.trim();
  return t ? t : undefined;
}

export interface ScalarMapping {
  /** Manifest `sources.<id>.scalars`: scalar name -> JSON Schema. */
  scalars?: Record<string, Record<string, unknown>>;
  manifest: LoadedDocument;
  /** Project root (for the converter's document set). */
  root: string;
}

/**
 * GraphQL types -> IR schema nodes, for one source. Enums and input objects are named symbols (so recursive
 * inputs like `AppFilter.and: [AppFilter!]` are explicit and become getters / `z.lazy`); scalars are inline.
 * Non-null positions are the bare type, nullable ones `nullable(...)`: exactly what graphql-js accepts.
 */
export class GraphqlTypes {
  /** Custom scalars that got the typed fallback, with the first place that needed one. */
  readonly unmapped = new Map<string, SourceRef>();
  private readonly mapped = new Map<string, SchemaNode>();

  constructor(
    private readonly sourceId: string,
    private readonly file: string,
    schema: GraphQLSchema,
    private readonly symbols: SymbolTable,
    diags: Diagnostics,
    mapping: ScalarMapping,
  ) {
    const converter = new SchemaConverter(
      `${sourceId}:scalars`,
      "3.1",
      new DocumentSet(mapping.manifest, mapping.root, diags),
      symbols,
      diags,
    );
    for (const [name, raw] of Object.entries(mapping.scalars ?? {})) {
      const pointer = `#/sources/${sourceId}/scalars/${name}`;
      const type = schema.getType(name);
      if (!graphqlJs().isScalarType(type)) {
        diags.warn(
          "TW150",
          `scalars: ${name} is not a scalar of ${file}; the mapping is unused`,
          mapping.manifest.ref(pointer, true),
        );
        continue;
      }
      this.mapped.set(name, converter.convert(raw, { doc: mapping.manifest, pointer }));
    }
  }

  /** An input position (argument, variable, input field), nullability included. */
  input(type: GraphQLInputType): SchemaNode {
    if (graphqlJs().isNonNullType(type)) return this.inputNonNull(type.ofType);
    return nullable(this.inputNonNull(type));
  }

  private inputNonNull(type: GraphQLInputType): SchemaNode {
    if (graphqlJs().isNonNullType(type)) return this.inputNonNull(type.ofType);
    if (graphqlJs().isListType(type)) return { kind: "array", items: this.input(type.ofType) };
    if (graphqlJs().isInputObjectType(type)) return this.inputObject(type);
    return this.leaf(type as GraphQLLeafType, "input");
  }

  /** A scalar or enum, without nullability. */
  leaf(type: GraphQLLeafType, direction: "input" | "output", at?: SourceRef): SchemaNode {
    if (graphqlJs().isEnumType(type)) return this.enumRef(type);
    const builtIn = builtInScalar(type.name, direction);
    if (builtIn) return builtIn;
    const mapped =
      this.mapped.get(type.name) ??
      wellKnownScalar(type.name, direction) ??
      specifiedScalar(type.specifiedByURL);
    if (mapped) return mapped;
    if (!this.unmapped.has(type.name)) this.unmapped.set(type.name, at ?? astRef(this.file, type.astNode));
    if (type.name === "Upload" && direction === "input") return structuredClone(UPLOAD_INPUT);
    return unmappedScalar(
      type.name,
      this.sourceId,
      type.description ?? undefined,
      type.specifiedByURL,
      direction,
    );
  }

  private enumRef(type: GraphQLEnumType): SchemaNode {
    const id = `${this.sourceId}:graphql:${type.name}`;
    if (!this.symbols.has(id)) {
      this.symbols.declare(id, type.name, astRef(this.file, type.astNode));
      const values = type.getValues();
      // Value descriptions have no place of their own in JSON Schema; they are listed in the type's description.
      const lines = values
        .filter((v) => describe(v.description) || v.deprecationReason)
        .map((v) => {
          const deprecated = v.deprecationReason ? `(deprecated: ${v.deprecationReason.trim()})` : undefined;
          return `${v.name}: ${[describe(v.description), deprecated].filter(Boolean).join(" ")}`;
        });
      const description = [describe(type.description), ...lines].filter(Boolean).join("\n");
      // An enum with no values is a placeholder its server fills when it starts (Vendure's `enum Permission`,
      // "Populated at run-time"): `enum: []` refused every value, so each result holding one failed its output
      // schema. Any name is taken, said in the description.
      const open = "the values are the server's own (the schema lists none)";
      this.symbols.define(
        id,
        values.length === 0
          ? { kind: "string", description: [describe(type.description), open].filter(Boolean).join("\n") }
          : { kind: "enum", values: values.map((v) => v.name), ...(description ? { description } : {}) },
      );
    }
    return { kind: "ref", target: id };
  }

  /** Input objects declared and not yet defined, defined by the outermost `inputObject` call. */
  private readonly pending: [id: string, type: GraphQLInputObjectType][] = [];
  private draining = false;

  private inputObject(type: GraphQLInputObjectType): SchemaNode {
    const id = `${this.sourceId}:graphql:${type.name}`;
    if (!this.symbols.has(id)) {
      // Declared before its fields are converted, so a field referring back to the type finds the symbol. Its
      // fields are converted from a queue, not from here: a chain of input types each referring to the next
      // (filters through relations, 2,000 and more types deep) overflowed the stack one type per level.
      this.symbols.declare(id, type.name, astRef(this.file, type.astNode));
      this.pending.push([id, type]);
      if (!this.draining) {
        this.draining = true;
        try {
          for (let i = 0; i < this.pending.length; i++) {
            const [pendingId, pendingType] = this.pending[i] as [string, GraphQLInputObjectType];
            this.symbols.define(pendingId, this.inputObjectSchema(pendingType));
          }
        } finally {
          this.draining = false;
          this.pending.length = 0;
        }
      }
    }
    return { kind: "ref", target: id };
  }

  private inputObjectSchema(type: GraphQLInputObjectType): SchemaNode {
    const description = describe(type.description);
    const fields = Object.values(type.getFields());
    if ((type as { isOneOf?: boolean }).isOneOf) {
      // @oneOf: exactly one field, and it is not null (spec "OneOf Input Objects").
      return {
        kind: "union",
        exclusive: true,
        variants: fields.map((f) => ({
          kind: "object",
          additional: false,
          properties: [
            { name: f.name, required: true, schema: this.fieldMeta(f, this.inputNonNull(f.type)) },
          ],
        })),
        ...(description ? { description } : {}),
      };
    }
    const properties: PropertyNode[] = fields.map((f) => ({
      name: f.name,
      required: graphqlJs().isNonNullType(f.type) && f.defaultValue === undefined,
      schema: this.fieldMeta(f, this.input(f.type), jsonValue(f.defaultValue)),
    }));
    // graphql-js rejects unknown input fields, so the object is closed.
    return { kind: "object", additional: false, properties, ...(description ? { description } : {}) };
  }

  private fieldMeta(f: GraphQLInputField, node: SchemaNode, defaultValue?: unknown): SchemaNode {
    return withMeta(node, {
      description: describe(f.description),
      default: defaultValue,
      deprecated: f.deprecationReason ? true : undefined,
    });
  }
}
