/** The manifest as written in `tools.yaml` (snake_case, as validated by `manifestSchema`). */

export interface ValueSourceSpec {
  env?: string;
  default?: string;
  file?: { path: ValueSourceSpec; pointer?: string; pointers?: string[] };
  by_env?: { env: string; values: Record<string, string> };
}

export interface AuthSpec {
  type?: "bearer" | "apiKey" | "basic" | "oauth2" | "oauth2ClientCredentials";
  in?: "header" | "query" | "cookie";
  name?: string;
  token?: ValueSourceSpec;
  value?: ValueSourceSpec;
  username?: ValueSourceSpec;
  password?: ValueSourceSpec;
  refresh_token?: ValueSourceSpec;
  client_id?: ValueSourceSpec;
  client_secret?: ValueSourceSpec;
  token_url?: string;
  discovery_url?: string;
  scopes?: string[];
  hint?: string;
}

export interface SourceSpec {
  openapi?: string;
  /** SDL or introspection JSON; SDL split over several files and folders as a list. */
  graphql?: string | string[];
  /** OpenAPI: JSON Patch operations (inline) and files holding them, applied to the spec before it is read. */
  patch?: (string | Record<string, unknown>)[];
  /** OpenAPI: folders besides the spec's own that its `$ref`s may read (relative to the manifest). */
  ref_folders?: string[];
  path?: string;
  base_url?: ValueSourceSpec;
  timeout_ms?: number;
  auth?: Record<string, AuthSpec>;
  /** GraphQL: alternatives of `auth` schemes, the first complete one sent (`[]`: none needed). */
  security?: string[][];
  /** OpenAPI: parameters (`name` or `in:name`) sent from env variables in every operation that has them. */
  param_env?: Record<string, string>;
  mutations?: "all" | "listed";
  scalars?: Record<string, Record<string, unknown>>;
  naming?: { arguments?: "as_is" | "snake_case" | "camelCase" };
}

export interface SelectorSpec {
  source?: string;
  operation?: string;
  tag?: string;
  path_prefix?: string;
  methods?: string[];
  all?: true;
}

export interface ArgSpec {
  rename?: string;
  description?: string;
  multi_segment?: boolean;
  /** Sent from this env variable (declared under `env`), never an argument the model sees or sets. */
  env?: string;
  /**
   * A parameter left out as a credential (TW144) made an argument after all: the operation takes a token as its
   * subject (tokeninfo, introspection, revocation), not as the caller's identity. Never an apiKey scheme's slot.
   */
  expose?: boolean;
}

export interface ToolSpec {
  from?: string;
  document?: string;
  selection?: string;
  depth?: number;
  operation_name?: string;
  source?: string;
  handler?: string;
  input?: Record<string, unknown>;
  output?: Record<string, unknown>;
  title?: string;
  description?: string;
  aliases?: string[];
  safety?: "read" | "write" | "destructive";
  tags?: string[];
  idempotent?: boolean;
  open_world?: boolean;
  args?: Record<string, ArgSpec>;
  scoped_path?: string;
  scoped_list?: { prefix_arg: string; items: string; path_field: string };
  scoped_items?: Array<{ items: string; path_field: string }>;
  scoped_values?: Array<{
    arg: string;
    kind: "path" | "prefix" | "pattern";
    base?: { arg: string } | { lookup: { tool: string; args: Record<string, string>; field: string } };
  }>;
  not_paths?: string[];
  tenant_arg?: string;
  partner_arg?: string;
  masked?: string[];
  confirm?: "required" | "none";
  secret_keys?: { keys_arg: string; values_arg?: string };
  names_only?: string;
  internal?: boolean;
}

export interface EnvSpec {
  description: string;
  type?: "string" | "url" | "boolean" | "integer" | "list" | "enum" | "path";
  default?: string;
  values?: string[];
  aliases?: Record<string, string>;
  required?: boolean;
  secret?: boolean;
  trim_paths?: string[];
}

export interface ResourceSpec {
  uri: string;
  name?: string;
  title?: string;
  description?: string;
  mime_type?: string;
  file: string;
}

export interface ResourceTemplateSpec {
  uri_template: string;
  name?: string;
  title?: string;
  description?: string;
  mime_type?: string;
  tool?: string;
  args?: Record<string, string>;
  files?: string;
  list?: TemplateListingSpec;
}

export interface TemplateListingSpec {
  tool: string;
  items: string;
  values: Record<string, string>;
  name?: string;
  args?: Record<string, string>;
  prefix?: Record<string, { arg: string; segment?: string }>;
  page?: { cursor_arg: string; next_cursor: string; has_more?: string; size_arg?: string; max_size?: number };
}

export interface PromptSpec {
  title?: string;
  description?: string;
  file: string;
  arguments?: { name: string; description?: string; required?: boolean }[];
}

export interface PolicySpec {
  read_only?: { env: string };
  mask_values?: { env: string };
  allowed_paths?: { env: string };
  denied_paths?: { env: string };
  tenant?: { env: string };
  partner?: { env: string };
  denied_tools?: { tools?: string[]; env?: string };
  secret_key_pattern?: string;
  confirmation?: { ttl_seconds?: number; secret_env?: string; mode?: "token" | "argument" };
  audit?: { default?: boolean; env?: string; file_env?: string };
}

export interface TransportSpec {
  env?: string;
  http_values?: string[];
  sse_values?: string[];
  host?: { env?: string; default?: string };
  port?: { env?: string; default?: number };
  allowed_hosts_env?: string;
  public_url_env?: string;
  authorization_servers_env?: string;
  bearer_env?: string;
  required_scopes?: string[];
}

export interface LimitSpec {
  rate?: string;
  env?: string;
  concurrency?: number;
  concurrency_env?: string;
}

export interface LimitsSpec {
  principal?: LimitSpec;
  tools?: Record<string, LimitSpec>;
  sources?: Record<string, LimitSpec>;
}

export interface PublishSpec {
  schema_depth?: number;
  schema_bytes?: number;
  output_schema_bytes?: number;
  output_schemas?: "full" | "compact" | "none";
  descriptions?: "auto" | "full" | "concise";
  common_arguments?: "instructions" | "per-tool";
  schema_profile?: "default" | "inline" | "refs" | "portable";
}

export interface BudgetSpec {
  context_tokens?: number;
  list_bytes?: number;
  tools?: number;
}

export interface Manifest {
  catalog: string;
  strict?: boolean;
  server?: { name?: string; version?: string; title?: string; instructions?: string };
  naming?: { prefix?: string; max_length?: number; arguments?: "as_is" | "snake_case" | "camelCase" };
  env?: Record<string, EnvSpec>;
  sources?: Record<string, SourceSpec>;
  policy?: PolicySpec;
  transport?: TransportSpec;
  result?: { envelope?: "plain" | "success-data" };
  limits?: LimitsSpec;
  publish?: PublishSpec;
  budget?: BudgetSpec;
  select?: SelectorSpec[];
  exclude?: SelectorSpec[];
  tools?: Record<string, ToolSpec>;
  resources?: ResourceSpec[];
  resource_templates?: ResourceTemplateSpec[];
  prompts?: Record<string, PromptSpec>;
}
