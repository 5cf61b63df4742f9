/**
 * The target-neutral intermediate representation.
 *
 * Every spec kind (OpenAPI 2.0/3.0/3.1/3.2, GraphQL) is normalised into these shapes, the manifest is applied to
 * them, and every emitter (zod, JSON Schema, catalog.json, CATALOG.md) reads only them. The JSDoc on each field
 * is where the interpretation of the specs is written down.
 */

import type {
  ArgumentNaming,
  AuthScheme,
  Binding,
  EnvVar,
  LimitsConfig,
  PolicyConfig,
  PublishSettings,
  ResultConfig,
  Safety,
  SafetyBasis,
  ServerTemplate,
  SourceRef,
  TemplateListing,
  ToolAnnotations,
  ToolPolicy,
  TransportConfig,
  ValueSource,
} from "../../src/catalog.js";

export type {
  ArgumentNaming,
  AuthScheme,
  Binding,
  BodyEncoding,
  CustomBinding,
  EnvType,
  GraphqlBinding,
  GraphqlVariable,
  HttpBinding,
  HttpBody,
  HttpBodyField,
  HttpMethod,
  HttpParam,
  LimitsConfig,
  ParamLocation,
  ParamStyle,
  PolicyConfig,
  PublishSettings,
  ResultConfig,
  Safety,
  SafetyBasis,
  ServerTemplate,
  SourceRef,
  TemplateListing,
  ToolAnnotations,
  ToolPolicy,
  TransportConfig,
  ValueSource,
} from "../../src/catalog.js";

// ---------------------------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------------------------

/** Facts every schema node may carry; they never change what validates, only what a reader sees. */
export interface SchemaMeta {
  title?: string;
  description?: string;
  /**
   * Kept verbatim (already JSON). Published as the JSON Schema annotation (`default`) only: the zod schemas never
   * apply it (`codegen/emit/zod.ts` writes no `.default()`), and an argument left out is not sent, so the
   * upstream's own default applies.
   */
  default?: unknown;
  examples?: unknown[];
  deprecated?: boolean;
  /** OpenAPI readOnly: the property is dropped from input views. */
  readOnly?: boolean;
  /** OpenAPI writeOnly: the property is dropped from output views. */
  writeOnly?: boolean;
}

export type JsonPrimitive = string | number | boolean | null;

export type SchemaNode = SchemaMeta & {
  /**
   * JSON Schema `not`: no value its schema takes is valid. Carried only where that schema is read exactly (never
   * wider than the spec's, so the refusal refuses nothing the spec takes) and refers to no named schema
   * (`normalize/openapi/schema.ts` `notSchema`); elsewhere `not` is not enforced (TW134 information).
   */
  not?: SchemaNode;
} & (
    | { kind: "any" }
    | { kind: "never" }
    | {
        kind: "string";
        format?: string;
        minLength?: number;
        maxLength?: number;
        pattern?: string;
        /**
         * The pattern in RE2 syntax, evaluated in linear time at run time; absent for a pattern RE2 cannot
         * express that was found free of super-linear backtracking (JavaScript's engine runs it).
         */
        patternRe2?: string;
        /** The pattern's shape proves JavaScript's engine linear on it (`normalize/v8-safe.ts`); with `patternRe2`. */
        patternV8?: true;
        /** `base64` for binary payloads carried in JSON (file parts, octet-stream bodies). */
        contentEncoding?: string;
        contentMediaType?: string;
      }
    | {
        kind: "number" | "integer";
        format?: string;
        /**
         * Input view of a 64-bit integer (`format: int64`/`uint64`, GraphQL `Long`) or a decimal (`type: number,
         * format: decimal`): a string of its digits is accepted too and sent upstream as the JSON number it
         * writes, exactly, since a JSON number beyond what a double holds does not reach the server unchanged from
         * a JavaScript host (`Views`, docs/runtime.md).
         */
        digits?: true;
        minimum?: number;
        maximum?: number;
        exclusiveMinimum?: number;
        exclusiveMaximum?: number;
        multipleOf?: number;
      }
    | { kind: "boolean" }
    | { kind: "null" }
    | { kind: "literal"; value: JsonPrimitive }
    | { kind: "enum"; values: JsonPrimitive[] }
    | { kind: "array"; items: SchemaNode; minItems?: number; maxItems?: number; uniqueItems?: boolean }
    /**
     * JSON Schema `prefixItems` (3.1). Positions at or past `minItems` may be absent (2020-12 semantics);
     * `rest` is the schema for items past the prefix, absent when there may be none (`items: false`).
     */
    | { kind: "tuple"; items: SchemaNode[]; rest?: SchemaNode; minItems?: number; maxItems?: number }
    | {
        kind: "object";
        /** In spec order. */
        properties: PropertyNode[];
        /**
         * `true`: other keys allowed and kept (JSON Schema's default); `false`: other keys rejected;
         * a schema: other keys must match it (a map).
         */
        additional: boolean | SchemaNode;
        minProperties?: number;
        maxProperties?: number;
        /** JSON Schema `propertyNames`: every key is a string this schema takes (a string schema read exactly). */
        propertyNames?: SchemaNode;
        /** JSON Schema `dependentRequired`, in the spec's order: when the key is present, so is each name. */
        dependentRequired?: [string, string[]][];
        /**
         * Which sets of its properties are present, beyond `required`: each rule a JSON Schema `anyOf` (at least one
         * set all present) or `oneOf` (exactly one) of `{required: [...]}`; with `when`, only an object holding one
         * of those names is judged. Only a tool's input root carries it: a hand-written tool's (`bind/handler-tool.ts`:
         * "give id or name"), and a flattened body's rule in its arguments' names (`bind/http-input.ts`; `when`: the
         * body's arguments, when the spec leaves the body optional and a call giving none of them sends none).
         */
        presence?: { exclusive: boolean; sets: string[][]; when?: string[] }[];
      }
    | {
        kind: "union";
        variants: SchemaNode[];
        /** `oneOf` (exactly one) vs `anyOf` (at least one). */
        exclusive: boolean;
        discriminator?: DiscriminatorNode;
      }
    /** `allOf`. */
    | { kind: "intersection"; parts: SchemaNode[] }
    /** OpenAPI 3.0 `nullable: true`, 3.1 `type: [X, "null"]`, and GraphQL nullable positions. */
    | { kind: "nullable"; inner: SchemaNode }
    /**
     * A named schema; recursion is explicit here and becomes `z.lazy` / `$ref` on emission. `asWritten`: this schema
     * itself, never the union of its subtypes an input takes where a discriminated base is named
     * (`SymbolTable.subtypes`): a subtype's `allOf` member naming its base, a variant of that union.
     */
    | { kind: "ref"; target: SymbolId; asWritten?: true }
  );

export interface PropertyNode {
  name: string;
  required: boolean;
  schema: SchemaNode;
}

export interface DiscriminatorNode {
  /** The property whose value selects the variant. */
  property: string;
  /** Value -> index into `variants`. */
  mapping: Record<string, number>;
}

/** Stable id of a named schema, e.g. `vault:Secret`. */
export type SymbolId = string;

export interface SchemaSymbol {
  id: SymbolId;
  /** A valid, unique TypeScript identifier (the zod schema's name). */
  name: string;
  /** The `$defs` key in published JSON Schema: the spec's own name where it is URI-safe, else `name`. */
  defName: string;
  schema: SchemaNode;
  source: SourceRef;
}

// ---------------------------------------------------------------------------------------------------------------
// Tools, resources, prompts
// ---------------------------------------------------------------------------------------------------------------

export interface ToolNode {
  name: string;
  title: string;
  description: string;
  /** Second names for the same tool (listed as their own tools, executing this one). */
  aliases: string[];
  safety: Safety;
  /** How the safety class was decided (generated bindings; handlers state theirs). */
  safetyBasis?: SafetyBasis;
  annotations: ToolAnnotations;
  /** Always an object schema; arguments are its top-level properties. */
  input: SchemaNode;
  /** Object schema of `structuredContent`; absent when the operation has no JSON success body. */
  output?: SchemaNode;
  /** The upstream result was not an object and sits under `result` in `structuredContent`. */
  outputWrapped: boolean;
  binding: Binding;
  policy: ToolPolicy;
  /** Notes shown to reviewers (argument renames, dropped media types, ...). */
  notes: string[];
  /**
   * Which arguments go together, where the input schema cannot say it (a flattened body's `oneOf`/`anyOf` of
   * required members, `dependentRequired`, `not: {required}`, a count of members): one short sentence each,
   * published after the tool's description in either description mode.
   */
  argumentRules?: string[];
  source: SourceRef;
  /** Where the manifest declares the tool (its key under `tools:`), when it does. */
  declaredAt?: SourceRef;
  /** Tags from the spec (and the manifest's `tags:`), for selection, grouping and run-time allow/deny lists. */
  tags: string[];
  deprecated: boolean;
  /** Only hand-written handlers may call it (manifest `internal: true`); never listed or called by clients. */
  internal?: boolean;
  /** The default name it would have had, when that passed the name budget and was shortened (CATALOG.md lists it). */
  shortenedFrom?: string;
}

export interface ResourceNode {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType: string;
  /** Asset path inside the generated folder (`assets/...`). */
  asset: string;
  /** SHA-256 (hex) of the asset's text. */
  sha256: string;
  source: SourceRef;
}

export interface ResourceTemplateNode {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType: string;
  /** Reading a matching URI calls this tool with the template variables mapped to arguments. */
  tool?: { name: string; args: Record<string, string> };
  /** Or serves one asset per value of the template's single variable; `{variable}` in `pattern` is replaced. */
  assets?: { variable: string; pattern: string; values: string[]; sha256: string };
  /** Listing and completion of a tool-bound template's resources through another tool (`list:`). */
  list?: TemplateListing;
  source: SourceRef;
}

export interface PromptArgumentNode {
  name: string;
  description?: string;
  required: boolean;
}

export interface PromptNode {
  name: string;
  title?: string;
  description?: string;
  arguments: PromptArgumentNode[];
  /** Asset path of the handlebars template. */
  asset: string;
  /** SHA-256 (hex) of the template's text. */
  sha256: string;
  source: SourceRef;
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration: env variables, sources, auth
// ---------------------------------------------------------------------------------------------------------------

/** An env variable as catalog.json publishes it, plus where the manifest declares it. */
export interface EnvVarNode extends EnvVar {
  source: SourceRef;
}

export interface SourceNode {
  id: string;
  kind: "openapi" | "graphql";
  /** Spec file, relative to the manifest. */
  file: string;
  baseUrl: ValueSource;
  /** GraphQL sources: the endpoint path appended to the base URL. */
  path?: string;
  /** Per security scheme name. */
  auth: AuthScheme[];
  /** GraphQL: alternatives of `auth` schemes (`Source.security`); absent: all of them together. */
  security?: string[][];
  timeoutMs: number;
  /** The argument naming rule its tools' arguments follow (absent: `as_is`). */
  argumentNaming?: ArgumentNaming;
  /** OpenAPI: the JSON Patch operations applied to the spec before it was read (listed in CATALOG.md). */
  patches?: AppliedPatch[];
  /** OpenAPI: the spec's server URL templates with variables (`Source.servers`), when it has any. */
  servers?: ServerTemplate[];
}

/** One spec patch operation (`sources.<id>.patch`) and where it is written. */
export interface AppliedPatch {
  op: string;
  path: string;
  from?: string;
  at: SourceRef;
}

export interface ServerInfoNode {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
}

export interface CatalogIR {
  name: string;
  server: ServerInfoNode;
  sources: SourceNode[];
  env: EnvVarNode[];
  symbols: SchemaSymbol[];
  tools: ToolNode[];
  resources: ResourceNode[];
  resourceTemplates: ResourceTemplateNode[];
  prompts: PromptNode[];
  policy: PolicyConfig;
  transport: TransportConfig;
  result: ResultConfig;
  limits?: LimitsConfig;
  /** How tools/list publishes the tools (catalog.json `publish`). */
  publish: PublishSettings;
  /**
   * `publish.descriptions: auto` (also when not written): `publish.descriptions` is `full` here and generate
   * publishes `concise` instead when a model would see more than `AUTO_CONCISE_TOKENS` with full ones.
   */
  autoDescriptions?: true;
  /** Limits `generate` checks the published size against (never written to catalog.json). */
  budget: BudgetNode;
  /** Operations left out of the catalog, each for a reason confined to it (listed in CATALOG.md). */
  skipped?: SkippedOperation[];
}

/** A manifest `budget:` limit and where it is written. */
export interface BudgetLimit {
  limit: number;
  at: SourceRef;
}

export interface BudgetNode {
  contextTokens?: BudgetLimit;
  listBytes?: BudgetLimit;
  tools?: BudgetLimit;
}

/** An operation the catalog leaves out: a problem confined to it, or a security requirement nothing can meet. */
export interface SkippedOperation {
  source: string;
  /** `METHOD /path` as the spec writes it. */
  operation: string;
  operationId?: string;
  reasons: string[];
  at: SourceRef;
}
