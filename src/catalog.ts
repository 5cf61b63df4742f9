/**
 * The contract between generated catalogs and the runtime.
 *
 * A generated catalog folder holds `catalog.json` (a `CatalogDocument`: everything the server publishes and
 * every binding it executes, as data) and the code half: `catalog.gen.mjs` (a `GeneratedModule`, plain JavaScript
 * that `node` imports with no loader: the zod schemas that validate arguments and results, built with the
 * runtime's zod, and the hand-written handlers compiled into `handlers.gen.mjs`). `catalog.gen.ts` and
 * `schemas.gen.ts` say the same in TypeScript, for type-checking handlers and for review; the runtime never
 * loads them. Generated TypeScript imports only `zod`, its generated siblings, handler modules, and types from
 * this file; generated JavaScript imports only its generated siblings (and `node:module`, with which
 * `catalog.gen.mjs` loads `schemas.gen.mjs` on the first call of `schemas`, not at start).
 */
import type { z } from "zod";

/**
 * The format `generate` writes. 4: a source keeps every server URL template of its spec (`Source.servers`), where 3
 * kept the first (`Source.server`, still read): a runtime that reads format 3 at most would find no template in a
 * format-4 catalog and serve it without holding the tenant lock on hosts, so it refuses it. 3: sources and
 * operations keep their server URL template (`Source.server`,
 * `HttpBinding.server`), which the tenant lock reads to hold a tenant carried in the host or base path; a runtime
 * that reads format 2 at most refuses it, rather than serving it without that check. 2: named JSON Schemas are
 * stored once, in `CatalogDocument.schemas`; tools' schemas are roots that refer into that table, and the runtime
 * publishes per tool only what it reaches (`src/publish/`). 1 (older releases) copied every reachable schema into
 * every tool; this runtime refuses it (regenerate the catalog).
 */
export const CATALOG_FORMAT = 4;

/** The oldest format this runtime serves: a format-2 catalog has no server templates, so nothing of it needs them. */
export const OLDEST_CATALOG_FORMAT = 2;

/** Where a fact came from. Paths are relative (to the repository root when generated there); never absolute. */
export interface SourceRef {
  file: string;
  /** JSON pointer inside the file, e.g. `#/paths/~1v1~1secrets/get`. */
  pointer?: string;
  line?: number;
  column?: number;
}

export type Safety = "read" | "write" | "destructive";

/**
 * How a generated tool's safety class was decided (hand-written handlers state theirs, and have none): what the
 * binding implies, what the classifier proposes (the binding's class, raised to `destructive` when names, paths
 * or descriptions say the call moves money, deletes, revokes, cancels, sends, deploys or grants), and the
 * manifest's `safety:` when it states one (it decides). `toolwright audit` reports a manifest class below either.
 */
export interface SafetyBasis {
  binding: Safety;
  proposed: Safety;
  /** One line per signal, e.g. `DELETE method`, `moves money: "refunds" in the path /v1/refunds`. */
  reasons: string[];
  manifest?: Safety;
}

export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type JsonSchema = { [key: string]: unknown };

// ---------------------------------------------------------------------------------------------------------------
// Bindings
// ---------------------------------------------------------------------------------------------------------------

export type ParamLocation = "path" | "query" | "header" | "cookie";
export type ParamStyle =
  | "simple"
  | "label"
  | "matrix"
  | "form"
  | "spaceDelimited"
  | "pipeDelimited"
  /** Swagger 2.0's `collectionFormat: tsv` (values joined by tabs), which OpenAPI 3 has no style for. */
  | "tabDelimited"
  | "deepObject";

export interface HttpParam {
  /** Tool argument name (after clash resolution). */
  arg: string;
  /** Name on the wire. */
  name: string;
  in: ParamLocation;
  style: ParamStyle;
  explode: boolean;
  required: boolean;
  /** Query only: reserved characters are sent unencoded. */
  allowReserved?: boolean;
  /** A parameter declared with `content` instead of `schema`: the value is serialised as this media type. */
  contentType?: string;
  /** Path only: the value may hold several `/`-separated segments, each validated and encoded on its own. */
  multiSegment?: boolean;
  /**
   * Sent from this env variable (the manifest's `param_env` or `args.<name>.env`), never from the caller: `arg`
   * is then `$env:<NAME>`, a key no input schema has, filled by the executor from the configuration.
   */
  env?: string;
}

export type BodyEncoding = "json" | "form" | "multipart" | "binary" | "text";

export interface HttpBodyField {
  arg: string;
  /** Property name inside the body. */
  name: string;
  /** multipart: a file part, given as `{ filename, content (base64), contentType? }`. */
  file?: boolean;
  /** Per-part content type from the OpenAPI `encoding` object. */
  contentType?: string;
  /**
   * `application/x-www-form-urlencoded` only, from the `encoding` object: how an object or array value is
   * serialised (e.g. Stripe's `deepObject` -> `address[city]=...`). Absent: form style, explode true.
   */
  style?: ParamStyle;
  explode?: boolean;
  allowReserved?: boolean;
  /**
   * Sent from this env variable (the manifest's `args.<name>.env`), never from the caller, as `HttpParam.env`:
   * `arg` is then `$env:<NAME>`, a key no input schema has (an OAuth token exchange's `client_secret`, a JSON body's
   * `api_key`). Unset at a call: the call fails before any request, naming the variable.
   */
  env?: string;
}

export interface HttpBody {
  mediaType: string;
  encoding: BodyEncoding;
  required: boolean;
  /**
   * `fields`: the body is an object whose top-level properties are tool arguments (listed in `fields`).
   * `whole`: one argument (`arg`) carries the whole body (arrays, scalars, unions, binary payloads).
   */
  mode: "fields" | "whole";
  fields?: HttpBodyField[];
  /**
   * `whole` mode. For `binary` the argument is `{ content (base64), contentType?, filename? }` or a bare base64
   * string; `contentType` replaces the media type only when `mediaType` is a wildcard (`*\/*`, `image/*`).
   */
  arg?: string;
}

export type HttpMethod =
  | "GET"
  | "PUT"
  | "POST"
  | "DELETE"
  | "PATCH"
  | "HEAD"
  | "OPTIONS"
  | "TRACE"
  | "QUERY"
  // Another method an OpenAPI 3.2 `additionalOperations` entry names (`LINK`, `PROPFIND`), sent as written.
  | (string & {});

export interface HttpBinding {
  kind: "http";
  source: string;
  method: HttpMethod;
  /** Path template as in the spec, e.g. `/v1/secrets/{path}`. */
  path: string;
  params: HttpParam[];
  body?: HttpBody;
  /** Alternatives (OR) of scheme-name sets (AND); `[]` means no auth. */
  security: string[][];
  /**
   * The success response the output schema came from. A JSON response is the parsed value, a text response a
   * string, any other media type `{ content (base64), contentType, size }`; an empty body is `null`. `empty`: the
   * other success statuses the spec declares without content beside a JSON body (200 and 204), whose empty reply
   * is a result too (the generated zod output admits null; `structuredContent` is `{}`). `others`: the success
   * statuses declared with another body beside it (200 and 202), whose reply of another shape is served as text.
   */
  success: { status: string; mediaType?: string; empty?: string[]; others?: string[] };
  /**
   * The operation's own server (OpenAPI operation- or path-level `servers`): while the source's base URL is the
   * spec's server `instead`, the call goes to `url` (an absolute http(s) URL) in its place. Any other base URL (a
   * proxy, a mock, another instance) takes the call as for every other tool, except that a server the spec wrote as
   * a relative reference (`relative`: `/v2`, `v2/`) is resolved against it (RFC 3986), as against the spec's.
   * `template`: the spec's template of `url` when it has variables (their defaults filled `url`), for the tenant
   * lock to read a tenant in the operation's own host (`https://{tenant}.upload.example.com`).
   */
  server?: { url: string; instead: string; relative?: string; template?: ServerTemplate };
}

export interface GraphqlVariable {
  arg: string;
  name: string;
}

export interface GraphqlBinding {
  kind: "graphql";
  source: string;
  operationType: "query" | "mutation" | "subscription";
  operationName: string;
  /** The whole document, validated against the schema at build time. */
  document: string;
  variables: GraphqlVariable[];
  /** Root field whose value is the tool result (`data[field]`), when the tool maps one field. */
  field?: string;
}

export interface CustomBinding {
  kind: "custom";
  /** Key of the handler in `CatalogModule.handlers`. */
  handler: string;
  /** Module the handler was imported from (for reviewers). */
  module: string;
  /**
   * `sha256:` of the handler's source files as compiled (its module and the local files it imports, by path and
   * content), so `diff` sees a handler edited; absent in catalogs generated before it.
   */
  code?: string;
}

export type Binding = HttpBinding | GraphqlBinding | CustomBinding;

// ---------------------------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------------------------

export type EnvType = "string" | "url" | "boolean" | "integer" | "list" | "enum" | "path";

export interface EnvVar {
  name: string;
  description: string;
  type: EnvType;
  default?: string;
  values?: string[];
  aliases?: Record<string, string>;
  required: boolean;
  /** A credential: never logged, echoed or written anywhere. */
  secret: boolean;
  /**
   * `url` variables: path endings removed from a value that has them, so the endpoint URL a user copies
   * (`https://api.example.com/graphql`) works where the catalog wants the base it is under.
   */
  trimPaths?: string[];
}

/**
 * Where a runtime value comes from, in order: the env variable, else a file read on demand at each use (so a
 * refreshed token is picked up without a restart), else a default (possibly chosen by an enum env variable).
 */
export interface ValueSource {
  env?: string;
  /**
   * `pointer`: where the value sits in a JSON file. `pointers`: several places, the first that holds a value wins
   * (files whose layout varies, e.g. a per-stage section or an older flat one); a `{NAME}` segment is the value of
   * the declared env variable NAME, and a pointer naming an unset one is skipped.
   */
  file?: { path: ValueSource; pointer?: string; pointers?: string[] };
  default?: string;
  byEnv?: { env: string; values: Record<string, string> };
}

export type AuthScheme = (
  | { kind: "bearer"; scheme: string; token: ValueSource }
  | { kind: "apiKey"; scheme: string; in: "header" | "query" | "cookie"; name: string; value: ValueSource }
  | { kind: "basic"; scheme: string; username: ValueSource; password: ValueSource }
  | {
      kind: "oauth2ClientCredentials";
      scheme: string;
      tokenUrl: string;
      /** The manifest's `auth.<scheme>.scopes`: requested as given. */
      scopes: string[];
      /**
       * Without manifest scopes: those the catalog's tools' operations name for the scheme (their union, sorted),
       * requested instead. Absent in catalogs generated before it and where no operation names one.
       */
      operationScopes?: string[];
      clientId: ValueSource;
      clientSecret: ValueSource;
    }
  | {
      /**
       * OAuth2 (any flow) or OpenID Connect, with an access token the user obtained: sent as a bearer token. With a
       * refresh token and a client id it is renewed at the token endpoint (`tokenUrl`, or the one the OpenID
       * discovery document names) when it has expired or the upstream answers 401; with a client secret and a
       * `clientCredentials` flow, tokens are requested with the client's own credentials when no token is given.
       */
      kind: "oauth2";
      scheme: string;
      /** The spec's flows (`authorizationCode`, `implicit`, `password`, `clientCredentials`, ...) or `openIdConnect`. */
      flows: string[];
      token: ValueSource;
      tokenUrl?: string;
      discoveryUrl?: string;
      scopes: string[];
      /**
       * As for client credentials: requested by a client-credentials renewal when `scopes` is empty. A refresh-token
       * grant sends `scopes` only (none: the grant's original scopes, RFC 6749 6).
       */
      operationScopes?: string[];
      refreshToken?: ValueSource;
      clientId?: ValueSource;
      clientSecret?: ValueSource;
    }
) & {
  /** How to obtain the credential (e.g. a login command); added to the message a call gets when it is missing. */
  hint?: string;
};

/**
 * How a source's parameter, body field and variable names became tool argument names (`as_is` when absent). Each
 * binding keeps the wire names (`HttpParam.name`, `HttpBodyField.name`, `GraphqlVariable.name`), which are what the
 * executors send.
 */
export type ArgumentNaming = "as_is" | "snake_case" | "camelCase";

/** Every value source a scheme reads, in the order they are checked. */
export function authValues(scheme: AuthScheme): ValueSource[] {
  switch (scheme.kind) {
    case "bearer":
      return [scheme.token];
    case "apiKey":
      return [scheme.value];
    case "basic":
      return [scheme.username, scheme.password];
    case "oauth2ClientCredentials":
      return [scheme.clientId, scheme.clientSecret];
    case "oauth2":
      return [scheme.token, scheme.refreshToken, scheme.clientId, scheme.clientSecret].filter(
        (v): v is ValueSource => v !== undefined,
      );
  }
}

export interface Source {
  id: string;
  kind: "openapi" | "graphql";
  /** The spec file, relative to the project root (for reviewers). */
  spec?: string;
  baseUrl: ValueSource;
  /** GraphQL sources: the endpoint path appended to the base URL (e.g. `/graphql`). */
  path?: string;
  auth: AuthScheme[];
  /**
   * GraphQL sources: the alternatives of `auth` schemes a request sends, the first whose credentials are all set
   * (an empty alternative: none needed, the request goes without credentials). Absent: every scheme, together.
   */
  security?: string[][];
  timeoutMs: number;
  /** The argument naming rule applied to this source's tools; absent means `as_is`. */
  argumentNaming?: ArgumentNaming;
  /**
   * OpenAPI sources whose spec's servers are URL templates (`https://{tenant}.api.example.com/v1`, Swagger 2.0's
   * `x-ms-parameterized-host`): each template without userinfo and its variables (with their `enum`), in spec
   * order. The base URL filled the first one's defaults in at generate time; the tenant (partner) lock reads the
   * configured base URL against every template, so a base URL naming another tenant's host is refused. The spec's
   * plain servers (no variable) beside them are kept with no variables: a base URL that is one names no tenant.
   */
  servers?: ServerTemplate[];
}

/** A spec's server URL template and its variables, each `{name}` once or more in `template`. */
export interface ServerTemplate {
  template: string;
  variables: Array<{ name: string; enum?: string[] }>;
}

/**
 * A source's server templates: `servers`, or the one `server` that format-3 catalogs generated before every
 * template was kept hold (read, so such a catalog keeps its lock on the host rather than losing it).
 */
export function serverTemplatesOf(source: Source): readonly ServerTemplate[] {
  const one = (source as { server?: ServerTemplate }).server;
  return source.servers ?? (one === undefined ? [] : [one]);
}

export interface ServerInfo {
  name: string;
  version: string;
  title?: string;
  instructions?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy facts per tool (semantics live in src/policy/)
// ---------------------------------------------------------------------------------------------------------------

/**
 * An argument whose value names paths (semantics in src/policy/scope-values.ts). `arg` is a dot path into the
 * arguments (`*` steps into every item); a string or every string of an array there is checked.
 */
export interface ScopedValue {
  arg: string;
  /** `path`: one path; `prefix`: everything below it (absent or empty: everything below the base); `pattern`: a glob. */
  kind: "path" | "prefix" | "pattern";
  /** The value is relative to this prefix: another argument's value, or a field of another tool's result. */
  base?: ScopeBase;
}

export type ScopeBase =
  | { arg: string }
  | { lookup: { tool: string; args: Record<string, string>; field: string } };

export interface ToolPolicy {
  /** Argument whose value is a path that allow/deny lists apply to. */
  scopedPath?: string;
  /** List tools: argument holding the listed prefix, and where item paths sit in the result. */
  scopedList?: { prefixArg: string; itemsPath: string; itemPathField: string };
  /**
   * Further lists in the result whose items carry paths (e.g. an audit summary's most accessed paths), with or
   * without a `scopedList`: items outside the path scope are dropped the same way.
   */
  scopedItems?: Array<{ itemsPath: string; itemPathField: string }>;
  /** Further arguments holding paths, prefixes or path patterns, each checked against the scope. */
  scopedValues?: ScopedValue[];
  /** Arguments (dot paths) named like paths that hold no path (the fail-closed rule and the audit skip them). */
  notPaths?: string[];
  /** Argument fixed by the tenant lock, or a variable of its source's server template (`Source.server`). */
  tenantArg?: string;
  /** Argument fixed by the partner lock, or a variable of its source's server template. */
  partnerArg?: string;
  /** Response field paths (dot-separated, `*` matches one level) that hold secret values. */
  masked?: string[];
  /** Destructive confirmation. */
  confirm?: "required" | "none";
  /** Key/value writes: the argument holding the keys checked against the secret-like-key pattern. */
  secretKeys?: { keysArg: string; valuesArg?: string };
  /** Reads that return names only: the result field holding the map/list to reduce to names. */
  namesOnly?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------------------------------

export interface CatalogTool {
  name: string;
  title: string;
  description: string;
  aliases: string[];
  safety: Safety;
  /** Why the tool has its safety class (generated bindings only). */
  safetyBasis?: SafetyBasis;
  annotations: ToolAnnotations;
  /** Tags from the spec and the manifest, for grouping and for `serve --allow/--deny tag:NAME`. */
  tags?: string[];
  /** One line a reviewer reads, e.g. `DELETE /v1/secrets/{path}` or `mutation deleteStack`. */
  summary: string;
  binding: Binding;
  /**
   * JSON Schema 2020-12 of the arguments: an object at the root, whose references (`{"$ref": "#/$defs/Name"}`)
   * point into `CatalogDocument.schemas`. No `$defs` and no `$schema` of its own: `src/publish/` builds what
   * clients receive (the root plus the named schemas it reaches, within the catalog's budget).
   */
  inputSchema: JsonSchema;
  /** The result's schema, as `inputSchema` (an object root referring into `CatalogDocument.schemas`). */
  outputSchema?: JsonSchema;
  /** The upstream result is not an object and sits under `result` in `structuredContent`. */
  outputWrapped?: boolean;
  policy: ToolPolicy;
  notes?: string[];
  /**
   * Which arguments go together, where the input schema cannot say it (model providers refuse combinators at its
   * root): one short sentence each ("Give at least one of: state, assignees."), said to the model after the
   * description in both description modes. The upstream checks them; the runtime does not.
   */
  argumentRules?: string[];
  deprecated?: boolean;
  /**
   * A helper for hand-written handlers: absent from tools/list, unknown to tools/call and resource templates;
   * only a handler's `ctx.call` reaches it (through the same chain, so policy and audit still apply).
   */
  internal?: boolean;
  source: SourceRef;
}

export interface CatalogResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType: string;
  /** Path inside the generated folder. */
  asset: string;
  /** SHA-256 (hex) of the asset's text, so `diff` sees its content change (absent in catalogs before round 47). */
  sha256?: string;
}

export interface CatalogResourceTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType: string;
  /** Reading a matching URI calls this tool, template variables mapped to arguments (`var -> arg`). */
  tool?: { name: string; args: Record<string, string> };
  /**
   * Or serves one asset per value of the single template variable; `{var}` in `pattern` is replaced. `sha256`:
   * of every value with its file's text's hash, so `diff` sees a file's content change (absent before round 47).
   */
  assets?: { variable: string; pattern: string; values: string[]; sha256?: string };
  /** A tool-bound template's resources are listed, and its variables completed, by calling this tool. */
  list?: TemplateListing;
}

/**
 * How `resources/list` lists a template's resources and `completion/complete` completes its variables: a tool
 * called through the same chain as `tools/call` (so path scopes, tenant lock, masking and audit apply), whose
 * result holds an array of items; each item gives every template variable's value, which makes its URI.
 */
export interface TemplateListing {
  tool: string;
  /** Dot path of the items array in the tool's result. */
  itemsPath: string;
  /** Template variable -> dot path of its value in an item (every variable has one). */
  values: Record<string, string>;
  /** Dot path of an item's display name; without it, the URI. */
  namePath?: string;
  /** Template variable -> the listing tool's argument that takes an already chosen value. */
  args?: Record<string, string>;
  /** Template variable -> the argument narrowing the listing to a typed prefix (`segment`: whole segments only). */
  prefix?: Record<string, { arg: string; segment?: string }>;
  page?: {
    cursorArg: string;
    nextCursorPath: string;
    hasMorePath?: string;
    sizeArg?: string;
    maxSize?: number;
  };
}

export interface CatalogPromptArgument {
  name: string;
  description?: string;
  required: boolean;
}

export interface CatalogPrompt {
  name: string;
  title?: string;
  description?: string;
  arguments: CatalogPromptArgument[];
  /** Handlebars template inside the generated folder. */
  asset: string;
  /** SHA-256 (hex) of the template's text, so `diff` sees it change (absent in catalogs before round 47). */
  sha256?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog-wide settings: which env variables switch which runtime behaviour
// ---------------------------------------------------------------------------------------------------------------

/** An env variable the catalog declares (its type is checked at build time). */
export interface EnvRef {
  env: string;
}

export type ConfirmationMode = "token" | "argument";

export interface PolicyConfig {
  /** Boolean env: write and destructive tools refuse to run; reads work. */
  readOnly?: EnvRef;
  /** Boolean env: fields a tool marks `masked` come back as `••••••`. */
  maskValues?: EnvRef;
  /** List env: path prefixes scoped arguments must fall under. */
  allowedPaths?: EnvRef;
  /** List env: path prefixes always refused (deny wins over allow). */
  deniedPaths?: EnvRef;
  /** String env: the only tenant a `tenantArg` may name (and the one used when a call names none). */
  tenant?: EnvRef;
  /** String env: the only partner a `partnerArg` may name. */
  partner?: EnvRef;
  /** Tools absent from tools/list and refused by name: fixed in the manifest, plus a list env. */
  deniedTools: { tools: string[]; env?: string };
  /** Case-insensitive regular expression (source): keys matching it are refused by `secretKeys` tools. */
  secretKeyPattern: string;
  /**
   * Destructive confirmation: tokens' lifetime and the env holding their signing secret (shared by replicas), and
   * the mode. `token` (absent: the default): elicitation, else a preview with a single-use token. `argument`: the
   * tool takes a boolean `confirm`; without it the call previews, with it the call runs (after asking the user
   * through elicitation where the client supports it). A model can set `confirm` itself: it records intent, as in
   * the contract of servers built that way, and is no human confirmation.
   */
  confirmation: { ttlSeconds: number; secretEnv?: string; mode?: ConfirmationMode };
  /** Audit log: on unless the boolean env says otherwise; JSON lines to stderr or to the file the env names. */
  audit: { enabledByDefault: boolean; enabledEnv?: string; fileEnv?: string };
}

export interface TransportConfig {
  /** Env selecting the transport; values in `httpValues` mean Streamable HTTP, anything else stdio. */
  selectEnv?: string;
  httpValues: string[];
  /** Values of the selector that also serve the deprecated HTTP+SSE transport (2024-11-05) at `/sse`. */
  sseValues?: string[];
  /** Bind address (default 127.0.0.1) and port, each overridable by an env variable. */
  host: string;
  hostEnv?: string;
  port: number;
  portEnv?: string;
  /** List env: Host header allow-list; required before binding to anything but loopback. */
  allowedHostsEnv?: string;
  /** Env: the externally visible URL (advertised in the RFC 9728 metadata). */
  publicUrlEnv?: string;
  /** List env: OAuth authorization servers; when set, access tokens are JWTs verified against their JWKS. */
  authorizationServersEnv?: string;
  /** Env holding the static key every `/mcp` request must present as `Authorization: Bearer <key>`. */
  bearerEnv?: string;
  /** Scopes a JWT access token must carry. */
  requiredScopes: string[];
}

/** A rate: at most `calls` calls in each `perSeconds`-second window. */
export interface Rate {
  calls: number;
  perSeconds: number;
}

/** A declared rate limit: its rate (none when absent, unless the env sets one) and the env overriding it. */
export interface RateLimitConfig {
  rate?: Rate;
  /** String env: `<calls>/<window>` (e.g. `100/1m`) replaces the rate; `off` lifts it. */
  env?: string;
}

export interface SourceLimitConfig extends RateLimitConfig {
  /** Upstream requests of this source in flight at once, per process (more wait for a slot). */
  concurrency?: number;
  /** Integer env replacing `concurrency` (0: no limit). */
  concurrencyEnv?: string;
}

/** Rate limits per caller (principal), per tool and per upstream source; enforced in `src/limits/`. */
export interface LimitsConfig {
  principal?: RateLimitConfig;
  /** By tool name; `*` is every tool without an entry of its own. */
  tools: Record<string, RateLimitConfig>;
  /** By source id. */
  sources: Record<string, SourceLimitConfig>;
}

const WINDOW_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `100/1m`, `10/s`, `5000/1h` (calls per window); undefined when the text is not one. */
export function parseRate(text: string): Rate | undefined {
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{0,6})\s*(s|m|h|d)\s*$/.exec(text);
  if (!match) return undefined;
  const calls = Number(match[1]);
  const perSeconds = Number(match[2] || "1") * WINDOW_UNITS[match[3]!]!;
  return calls >= 1 && perSeconds >= 1 ? { calls, perSeconds } : undefined;
}

export interface ResultConfig {
  /**
   * `plain`: the tool's data as JSON text (plus `structuredContent`). `success-data`: the text is
   * `{"success":true,"data":...,"meta":{...}}` or `{"success":false,"error":{...}}`.
   */
  envelope: "plain" | "success-data";
}

/**
 * How tools/list publishes a tool (manifest `publish:`; `toolwright serve` may override `output`). A published
 * schema is the tool's root plus the named schemas it reaches, nearest first: a name more than `depth`
 * references away from the root, or one that would take the schema past `bytes`, is published as an open
 * schema that keeps its title and description and says it was not expanded (never narrower than the truth).
 */
export interface PublishSettings {
  /** References followed from a tool's root (1: the names the root itself uses). */
  depth: number;
  /** Upper bound, in bytes of compact JSON, of one published input schema. */
  bytes: number;
  /** Upper bound of one `compact` output schema (a root larger than this on its own stays an open object). */
  outputBytes: number;
  /** Output schemas: `full` (every reachable name, no bound), `compact` (bounded as inputs, concise text), `none` (not published). */
  output: "full" | "compact" | "none";
  /**
   * Descriptions of tools and of their schemas: `full` as the specs wrote them; `concise`: the first paragraph,
   * markdown links and HTML reduced to their text, cut at a length.
   */
  descriptions: "full" | "concise";
  /**
   * Arguments many tools share (same name and description, `src/publish/common.ts`): absent or `instructions`
   * (the default) describes each once, in the server's instructions, and leaves its text out of those tools'
   * input schemas; `per-tool` keeps it in every schema (for hosts that do not pass server instructions to the
   * model, docs/clients.md).
   */
  commonArguments?: "instructions" | "per-tool";
  /**
   * The schema profile tools/list publishes (`src/publish/profiles.ts`): absent, `default` or `inline` for JSON
   * Schema 2020-12 with input schemas' references inlined (no `$defs`), `refs` for the same with named types under
   * `$defs`, `portable` for the subset every model provider accepts (`toolwright serve` may override it).
   */
  profile?: "default" | "inline" | "refs" | "portable";
}

export interface CatalogDocument {
  format: typeof OLDEST_CATALOG_FORMAT | 3 | typeof CATALOG_FORMAT;
  generator: { name: "toolwright"; version: string };
  /** sha256 over every input (specs, manifest, assets, handler modules) and the generator version. */
  inputHash: string;
  catalog: string;
  server: ServerInfo;
  env: EnvVar[];
  sources: Source[];
  publish: PublishSettings;
  tools: CatalogTool[];
  /**
   * Every named JSON Schema the tools reach, each once, by name (sorted); tools refer to them as
   * `#/$defs/<Name>`, and so do the schemas here.
   */
  schemas: Record<string, JsonSchema>;
  resources: CatalogResource[];
  resourceTemplates: CatalogResourceTemplate[];
  prompts: CatalogPrompt[];
  policy: PolicyConfig;
  transport: TransportConfig;
  result: ResultConfig;
  /** Rate and concurrency limits, when the manifest declares any. */
  limits?: LimitsConfig;
}

// ---------------------------------------------------------------------------------------------------------------
// The generated module
// ---------------------------------------------------------------------------------------------------------------

/** Zod schemas of one tool, built on first use so start-up does not pay for tools nobody calls. */
export interface ToolSchemas {
  input: () => z.ZodType;
  /** Validates `ToolOutcome.data` itself, i.e. before the `{ result }` wrapping of `outputWrapped` tools. */
  output?: () => z.ZodType;
}

/**
 * An MCP content block a hand-written handler may return next to its data: what JSON text cannot carry, such as
 * an image or audio clip (base64 `data`) or an embedded resource (`text` or base64 `blob`).
 */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image"; data: string; mimeType: string }
  | { type: "audio"; data: string; mimeType: string }
  | {
      type: "resource";
      resource:
        | { uri: string; mimeType?: string; text: string }
        | { uri: string; mimeType?: string; blob: string };
    };

/**
 * Where an error's message quotes text the upstream wrote (its error `message`, a GraphQL error's message, the
 * scope a 403 names): the message in pieces, the upstream's own words at the odd indexes, and the details
 * without them. Masking cannot read what such text holds (a 422 echoing the submitted `ssn`, a 500 quoting a
 * stored value), so where it applies the error is shown without those words (policy/mask.ts `withoutQuoted`).
 */
export interface QuotedError {
  pieces: string[];
  /** The error's details without the upstream's words (absent: the details hold none). */
  details?: unknown;
}

/**
 * The reason a transport aborts a request with when the server's own request timeout (`serve --request-timeout`)
 * ended it: a call it stops is a timeout, not its client's cancellation.
 */
export class RequestTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`the server's request timeout (${timeoutMs / 1000} s, --request-timeout) ended the call`);
    this.name = "RequestTimeout";
  }
}

/** What a tool call returns to the runtime before result shaping (masking, envelope, text rendering). */
export interface ToolOutcome {
  /** JSON data (becomes `structuredContent` when the tool has an output schema). */
  data: unknown;
  /** Upstream HTTP status, for audit. */
  status?: number;
  /** When set, the call failed: the message is safe to show (no secrets, no internal URLs). */
  error?: { message: string; code?: string; details?: unknown; quoted?: QuotedError };
  /**
   * Set when the data differs from the spec's output schema but has the kinds the tool publishes (a missing
   * required field, a null string, a new enum value, extra properties): the paths that drifted. The call
   * succeeds; policies that address fields by path treat the data as off-schema (masking fails closed).
   */
  drift?: string[];
  /**
   * Where the data is not exactly what the upstream sent, what changed, said to the client next to it (a body
   * whose bytes are not valid in its charset, a charset the server cannot decode): never a silent change.
   */
  notes?: string[];
  /**
   * Successful calls only: content blocks shown after the data's text. Only hand-written handlers set these,
   * and policies that shape `data` (masking, names-only) do not look inside them: a handler must not put
   * secret values here.
   */
  content?: ContentBlock[];
  /**
   * The data is an upstream body of a binary media type, `{ content (base64), contentType, size }`
   * (`executors/response.ts`): the client gets its bytes as an image, audio or embedded resource block
   * (`runtime/result.ts` `withBodyBlock`), after every policy has read the data as it is.
   */
  binary?: true;
  /**
   * The data is the body of another success status than the one the output schema describes, and not of its shape
   * (GitHub's statistics: 200 with an array, 202 with `{}` while they are computed): it reaches the client in the
   * text block, and `structuredContent` is what an empty reply's is (`runtime/result.ts` `otherShape`).
   */
  unstructured?: true;
}

/** The context a hand-written handler receives; calls through it run inside the same policy chain. */
export interface HandlerContext<Tools extends ToolTypeMap = ToolTypeMap> {
  /** Aborted when the client cancels the call or its timeout passes. */
  signal: AbortSignal;
  /** Calls another tool of this catalog (policy, audit and validation apply). */
  call<N extends keyof Tools & string>(
    name: N,
    args: Tools[N]["input"],
  ): Promise<HandlerCallResult<Tools[N]["output"]>>;
  /** Sends an MCP progress notification when the client asked for progress. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Reads a declared env variable (undeclared names throw). */
  env(name: string): string | undefined;
  /** Folder holding the working copy a handler may read and write (the server's working directory). */
  cwd: string;
}

export interface HandlerCallResult<Output> {
  ok: boolean;
  data: Output;
  status?: number;
  error?: { message: string; code?: string; details?: unknown };
}

export type ToolTypeMap = Record<string, { input: unknown; output: unknown }>;

export type CustomHandler<Input = any, Tools extends ToolTypeMap = ToolTypeMap> = (
  args: Input,
  ctx: HandlerContext<Tools>,
) => Promise<ToolOutcome>;

/** The code half as the runtime uses it (and as `catalog.gen.ts` exports it): schemas and handlers per tool. */
export interface CatalogModule {
  /** Equals `catalog.json`'s `inputHash`; a mismatch means the two files are from different generations. */
  inputHash: string;
  tools: Record<string, ToolSchemas>;
  /** Typed per catalog (`CustomHandler<Args, ToolTypes>`); the runtime only calls them. */
  handlers: Record<string, CustomHandler<any, any>>;
}

/**
 * What generated schemas evaluate a spec's `pattern` with, never JavaScript's backtracking engine on a pattern
 * that could make it run for seconds: both return a RegExp-shaped matcher for zod's `.regex()`.
 */
export interface SchemaRuntime {
  /** The pattern in RE2 syntax (`re2`), matched in linear time; `source` is the spec's text (if it differs). */
  linear(re2: string, source?: string): RegExp;
  /** A pattern RE2 cannot express, found free of super-linear backtracking at generate time; input length bounded. */
  bounded(source: string): RegExp;
  /**
   * A pattern whose shape the generator proved linear on a backtracking engine (`codegen/normalize/v8-safe.ts`):
   * JavaScript's engine for inputs up to the bound, RE2 (`re2`, the RE2 spelling when it differs) beyond it.
   * Catalogs generated before it existed never call it.
   */
  safe(source: string, re2?: string): RegExp;
  /**
   * A 64-bit integer argument (`format: int64`/`uint64`) in its input form: a JSON integer, a string of its
   * digits or an exact number, handed on as a number or, beyond 2^53, as the exact number
   * (`src/load/exact-integer.ts`). Catalogs generated before it existed never call it.
   */
  integer(bounds: NumberBounds): z.ZodType;
  /**
   * A decimal argument (`type: number, format: decimal`) in its input form: a JSON number, a string of its digits
   * or an exact number, handed on as a number when a double writes the same decimal and as the exact number
   * otherwise (`src/load/exact-integer.ts`). Catalogs generated before it existed never call it.
   */
  decimal(bounds: NumberBounds): z.ZodType;
  /**
   * JSON Schema `maxProperties` (`"<="`) / `minProperties` (`">="`): the function and message of a zod refinement
   * counting an object's own keys (`.refine(...rt.members("<=", 64))`, src/load/member-count.ts), recorded so the
   * output check's pre-check reads the bound. Catalogs generated before it existed never call it.
   */
  members(relation: "<=" | ">=", count: number): [check: (value: object) => boolean, message: string];
  /**
   * JSON Schema `propertyNames`, `dependentRequired` and exact `multipleOf`: the function and message of a zod
   * refinement (`.refine(...rt.propertyNames(z.string()...))`, src/load/refinements.ts), recorded so the output
   * check's pre-check reads what it checks. Catalogs generated before they existed define their own helpers.
   */
  propertyNames(schema: z.ZodType): [check: (object: object) => boolean, message: string];
  dependentRequired(entries: [string, string[]][]): [check: (object: object) => boolean, message: string];
  multipleOf(step: number): [check: (n: number) => boolean, message: string];
  /**
   * JSON Schema `allOf` where a part may hand on another value than it took (`integer`, `decimal`): the parts'
   * intersection, its outputs merged where zod's own merge throws (src/load/all-of.ts). Catalogs generated before
   * it existed never call it.
   */
  allOf(...parts: z.ZodType[]): z.ZodType;
}

/** The format and bounds of a number argument's input form, as generated schemas pass them to `rt`. */
export interface NumberBounds {
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
}

/**
 * The default export of `catalog.gen.mjs`. `schemas` is called once with the runtime's own `z`, so generated
 * JavaScript resolves no package wherever the catalog folder sits, and a project's other zod cannot slip in.
 */
export interface GeneratedModule {
  inputHash: string;
  schemas: (zod: typeof z, rt: SchemaRuntime) => Record<string, ToolSchemas>;
  handlers: Record<string, CustomHandler<any, any>>;
}

/**
 * Whether the tool has an output schema, without reading it: a tool served from `catalog.index.json` reads its
 * schemas from catalog.json on first use, and has no `outputSchema` member at all when it has none.
 */
export function hasOutputSchema(tool: CatalogTool): boolean {
  const member = Object.getOwnPropertyDescriptor(tool, "outputSchema");
  return member !== undefined && (member.get !== undefined || member.value !== undefined);
}

/**
 * Writes `key` as an own member of `target`, `__proto__` too: for objects used as maps keyed by text a spec, a
 * manifest, a client or an upstream wrote (`out[key] = value` with the key `__proto__` sets the object's prototype,
 * or does nothing, instead of writing a member). Read such maps with `Object.hasOwn`: `out[key]` for an absent
 * `constructor` or `toString` finds Object.prototype's.
 */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A JSON object: not null, not an array (a schema node, a map read from a spec, a manifest or an upstream). */
export function isJsonObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * A number an upstream wrote that a double does not hold (an integer beyond 2^53, a decimal with more digits
 * than a double keeps, an exponent out of range), kept as its own digits: `JSON.rawJSON` of its source text,
 * which `JSON.stringify` writes back as it came (executors/json-text.ts reads upstream JSON this way). Readers
 * of result data treat it as a scalar: it is a frozen object with one property, `rawJSON`, the digits.
 */
export interface ExactNumber {
  readonly rawJSON: string;
}

const json = JSON as JSON & {
  rawJSON(text: string): ExactNumber;
  isRawJSON(value: unknown): value is ExactNumber;
};

/**
 * Whether `text` is a reference the URL parser resolves to a path on whatever base it meets (`/v2`, `v2/`,
 * `../v2`): an operation server kept `relative` in a binding. No scheme, no host and no fragment, as WHATWG URL reads
 * it: a backslash is a slash there (`/\h`, `\\h` name the host h, as `//h` does), and tabs and newlines are
 * dropped and C0 controls and spaces trimmed before it reads (`\t//h` names h too).
 */
export function isPathReference(text: unknown): text is string {
  if (typeof text !== "string") return false;
  const read = text.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$|[\t\n\r]/g, "");
  if (/^[a-z][a-z0-9+.-]*:|^[/\\]{2}|#/i.test(read)) return false;
  try {
    const base = new URL("http://base.invalid/a/");
    return new URL(text, base).origin === base.origin;
  } catch {
    return false;
  }
}

/** Whether `value` is an exact number (see `ExactNumber`). */
export function isExactNumber(value: unknown): value is ExactNumber {
  return value !== null && typeof value === "object" && json.isRawJSON(value);
}

/** The exact number written as `text` (valid JSON number text). */
export function exactNumber(text: string): ExactNumber {
  return json.rawJSON(text);
}

/** Whether a result value is a leaf: null, a string, number or boolean, or an exact number. */
export function isScalarValue(value: unknown): boolean {
  return value === null || typeof value !== "object" || json.isRawJSON(value);
}

/** RFC 9110's field name: a token (`1*tchar`). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether a request can carry `name` as a header name (see `TOKEN`). */
export function isHeaderToken(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * RFC 6265bis's `cookie-name` (`1*cookie-octet`: visible ASCII but `"`, `,`, `;` and `\`), without `=`, which
 * would end the name where a server splits the pair. Wider than RFC 6265's token: bracketed names (`prefs[theme]`,
 * the cookie arrays PHP and Rack read) are cookie names browsers send and servers read, and were dropped.
 */
const COOKIE_NAME = /^[\x21\x23-\x2b\x2d-\x3a\x3c\x3e-\x5b\x5d-\x7e]+$/;

/** Whether a Cookie header can carry `name` as one cookie's name (see `COOKIE_NAME`). */
export function isCookieName(name: string): boolean {
  return COOKIE_NAME.test(name);
}

/** Whether a request can carry `name` as a parameter's or an apiKey's header or cookie name. */
export function isSendableName(where: "header" | "cookie", name: string): boolean {
  return where === "cookie" ? isCookieName(name) : isHeaderToken(name);
}

/** What a header or cookie name must be, as diagnostics say it. */
export function sendableNameRule(where: "header" | "cookie"): string {
  return where === "header"
    ? "an HTTP header name (RFC 9110 token)"
    : "a cookie name (RFC 6265bis: visible ASCII but space, '\"', ',', ';', '=' and '\\')";
}

/**
 * The name Windows opens for a segment: before its first `:` (an NTFS stream: `db:x` and `db::$DATA` are streams
 * of the file `db`, `infra::$INDEX_ALLOCATION` and `infra:$I30:$INDEX_ALLOCATION` the folder `infra`), without
 * trailing dots and spaces (dropped from file names, and by .NET Framework's `Uri` before 4.5: `infra.` is
 * `infra`). A path policy's deny entry names what such a server opens, so it compares these (src/policy/path-match.ts).
 */
export function windowsName(segment: string): string {
  const colon = segment.indexOf(":");
  return (colon === -1 ? segment : segment.slice(0, colon)).replace(/[. ]+$/, "");
}

/**
 * Whether a path segment is `.` or `..` as some server reads it: the segment itself, or one that starts with a dot
 * and whose name Windows opens (`windowsName`) is nothing: dots followed by more dots or spaces (`...`, `.. `,
 * `. .`, dropped from a name's end) and such dots before an NTFS stream (`..:x`, `..::$DATA`, `. .:$I30`). A server
 * that maps paths to files there climbs with each. Path arguments (src/executors/serialize.ts) and path policy
 * values (src/policy/path-match.ts) refuse the same segments.
 */
export function isDotSegment(segment: string): boolean {
  return segment.startsWith(".") && windowsName(segment) === "";
}
