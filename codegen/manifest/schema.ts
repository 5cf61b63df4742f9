/**
 * The JSON Schema of `tools.yaml`, printed by `toolwright manifest-schema` so editors can complete manifests
 * (`# yaml-language-server: $schema=...`). ajv validates every manifest against it before anything else runs.
 */

const envName = { type: "string", pattern: "^[A-Z_][A-Z0-9_]*$" } as const;
const toolName = { type: "string", pattern: "^[A-Za-z0-9._-]{1,128}$" } as const;
const relPath = { type: "string", minLength: 1 } as const;

/** How a tool-bound resource template's resources are listed and its variables completed (`list:`). */
const templateListing = {
  type: "object",
  additionalProperties: false,
  required: ["tool", "items", "values"],
  description:
    "The tool that lists this template's resources: resources/list shows them and completion/complete offers its variables' values, each call going through the same policies as tools/call.",
  properties: {
    tool: toolName,
    items: {
      type: "string",
      description: "Dot path of the array of items in the tool's result, e.g. `items`.",
    },
    values: {
      type: "object",
      additionalProperties: { type: "string" },
      description: "Every template variable -> dot path of its value in an item, e.g. `{ path: path }`.",
    },
    name: { type: "string", description: "Dot path of an item's display name (default: the URI)." },
    args: {
      type: "object",
      additionalProperties: { type: "string" },
      description:
        "Template variable -> the listing tool's argument: a value already chosen (a completion's context) narrows the listing.",
    },
    prefix: {
      type: "object",
      description:
        "Template variable -> the argument that narrows the listing to what was typed; `segment`: the API takes whole segments, so the typed value is sent up to its last separator and the rest is matched here.",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["arg"],
        properties: { arg: { type: "string" }, segment: { type: "string", minLength: 1 } },
      },
    },
    page: {
      type: "object",
      additionalProperties: false,
      required: ["cursor_arg", "next_cursor"],
      description:
        "Paging: the argument taking a cursor, where the next one is in a result, and the page size.",
      properties: {
        cursor_arg: { type: "string" },
        next_cursor: { type: "string", description: "Dot path, e.g. `next_cursor` or `pageInfo.endCursor`." },
        has_more: { type: "string", description: "Dot path of a boolean saying whether a next page exists." },
        size_arg: { type: "string" },
        max_size: { type: "integer", minimum: 1, description: "The most the API accepts in `size_arg`." },
      },
    },
  },
} as const;

const argumentNaming = {
  enum: ["as_is", "snake_case", "camelCase"],
  default: "as_is",
  description:
    "How parameter, body field and GraphQL variable names become argument names: `as_is` (the API's), `snake_case` (`appId` -> `app_id`) or `camelCase`. The executors still send the API's names; `args: { <name>: { rename } }` wins over the rule.",
} as const;

const valueSource = {
  description:
    "Where a runtime value comes from: the env variable, else a file read at each use, else a default (possibly chosen by an enum env variable).",
  type: "object",
  additionalProperties: false,
  properties: {
    env: { ...envName, description: "Env variable holding the value (must be declared under `env`)." },
    default: {
      type: "string",
      description: "Used when neither the env variable nor the file gives a value.",
    },
    file: {
      type: "object",
      additionalProperties: false,
      required: ["path"],
      description:
        "A file read on demand at each use, so a refreshed credential is picked up without a restart.",
      properties: {
        path: { $ref: "#/$defs/valueSource", description: "Where the file path comes from (`~` expands)." },
        pointer: {
          type: "string",
          description: "JSON pointer to the value inside the (JSON) file, e.g. `/token`.",
        },
        pointers: {
          type: "array",
          minItems: 1,
          items: { type: "string", pattern: "^/" },
          description:
            "Several JSON pointers, tried in order; the first that holds a value wins. A `{NAME}` segment is the value of the declared env variable NAME (e.g. `/stages/{STAGE}/token`); a pointer whose variable is unset is skipped.",
        },
      },
    },
    by_env: {
      type: "object",
      additionalProperties: false,
      required: ["env", "values"],
      description: "Default chosen by the value of an enum env variable (e.g. a stage).",
      properties: {
        env: envName,
        values: { type: "object", additionalProperties: { type: "string" } },
      },
    },
  },
} as const;

const authSpec = {
  type: "object",
  additionalProperties: false,
  description:
    "Credentials for one security scheme. For OpenAPI sources the key is a `securitySchemes` name and `type` is taken from the spec (http bearer/basic, apiKey, oauth2 with any flows, openIdConnect); GraphQL sources declare `type` here. A `type` given for an OpenAPI scheme overrides the spec's (e.g. `bearer` for a scheme the spec describes in prose).",
  properties: {
    type: {
      enum: ["bearer", "apiKey", "basic", "oauth2", "oauth2ClientCredentials"],
      description:
        "oauth2: an access token you provide (`token`), renewed with `refresh_token` at the token URL when it expires, and/or requested with `client_id` + `client_secret` when the spec has a clientCredentials flow. OpenID Connect schemes are oauth2 too. oauth2ClientCredentials: client credentials only.",
    },
    in: { enum: ["header", "query", "cookie"], description: "apiKey only." },
    name: { type: "string", description: "apiKey only: header, query or cookie name." },
    token: {
      $ref: "#/$defs/valueSource",
      description: "bearer and oauth2: the (access) token, sent as `Authorization: Bearer`.",
    },
    value: { $ref: "#/$defs/valueSource", description: "apiKey: the key." },
    username: { $ref: "#/$defs/valueSource" },
    password: { $ref: "#/$defs/valueSource" },
    refresh_token: {
      $ref: "#/$defs/valueSource",
      description: "oauth2: a refresh token; with client_id it renews the access token at the token URL.",
    },
    client_id: { $ref: "#/$defs/valueSource" },
    client_secret: {
      $ref: "#/$defs/valueSource",
      description: "oauth2: the client secret (leave it out for a public client).",
    },
    token_url: { type: "string", description: "oauth2: overrides the spec's tokenUrl." },
    discovery_url: {
      type: "string",
      description:
        "oauth2: an OpenID Connect discovery document naming the token endpoint (overrides the spec's).",
    },
    scopes: { type: "array", items: { type: "string" } },
    hint: {
      type: "string",
      description:
        "How to obtain the credential, added to the message a call gets when it is missing (e.g. the login command).",
    },
  },
} as const;

const pointer = {
  type: "string",
  pattern: "^(/.*)?$",
  description:
    "A JSON Pointer into the spec's root document: `/paths/~1pets~1{id}/get` (`~1` is `/`, `~0` is `~`).",
} as const;

const patchOperation = {
  type: "object",
  additionalProperties: false,
  required: ["op", "path"],
  description:
    'One JSON Patch (RFC 6902) operation, e.g. `{ op: replace, path: /paths/~1pets/get/parameters/0/schema/pattern, value: "^[a-z]+$" }`.',
  properties: {
    op: { enum: ["add", "remove", "replace", "move", "copy", "test"] },
    path: pointer,
    from: { ...pointer, description: "move and copy: where the value comes from." },
    value: { description: "add, replace and test: the value (any JSON)." },
  },
  allOf: [
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
    { if: { properties: { op: { enum: ["add", "replace", "test"] } } }, then: { required: ["value"] } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
    { if: { properties: { op: { enum: ["move", "copy"] } } }, then: { required: ["from"] } },
  ],
} as const;

const selector = {
  type: "object",
  additionalProperties: false,
  description: "Selects operations: by operationId or `METHOD /path`, by tag, by path prefix, or all.",
  properties: {
    source: { type: "string" },
    operation: { type: "string", description: "An operationId or `METHOD /path`." },
    tag: { type: "string" },
    path_prefix: { type: "string" },
    methods: {
      type: "array",
      description:
        "HTTP methods: the fixed ones (GET, PUT, POST, DELETE, PATCH, HEAD, OPTIONS, TRACE, QUERY) in any case, another (an OpenAPI 3.2 additionalOperations method such as LINK) as the spec writes it.",
      items: { type: "string", pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" },
    },
    all: { const: true },
  },
} as const;

const argSpec = {
  type: "object",
  additionalProperties: false,
  properties: {
    rename: { type: "string", description: "Argument name shown to the agent instead of the spec's name." },
    description: { type: "string" },
    multi_segment: {
      type: "boolean",
      description: "Path parameter that may hold several `/`-separated segments, each encoded on its own.",
    },
    env: {
      ...envName,
      description:
        "A parameter sent from this env variable (declared under `env`, usually `secret: true`): not an argument, so the model never sees or sets it (e.g. a credential the spec passes as a query or header parameter).",
    },
    expose: {
      type: "boolean",
      description:
        "A parameter generate leaves out as a credential (TW144) made an argument the model fills: for an operation whose subject is a token (tokeninfo, introspection, revocation), or a parameter that is data the model chooses (a password to check), not the caller's identity. An apiKey security scheme's slot is never exposed.",
    },
  },
} as const;

const toolSpec = {
  type: "object",
  additionalProperties: false,
  properties: {
    from: {
      type: "string",
      description:
        "OpenAPI operation: `[source#]operationId` or `[source#]METHOD /path`. For GraphQL: `[source#]Query.field` / `[source#]Mutation.field`.",
    },
    document: {
      type: "string",
      description: "GraphQL: an operation document, inline or a path to a `.graphql` file.",
    },
    selection: {
      type: "string",
      description: "GraphQL root field tools: selection set replacing the derived one.",
    },
    depth: {
      type: "integer",
      minimum: 1,
      maximum: 3,
      description: "GraphQL root field tools: levels of objects the derived selection expands (default 2).",
    },
    operation_name: {
      type: "string",
      description: "GraphQL: the operation of `document` to run, when it holds several.",
    },
    source: { type: "string", description: "Source of `document` when the catalog has several." },
    handler: {
      type: "string",
      description: "A hand-written handler: `./handlers/x.ts` (default export) or `./handlers/x.ts#name`.",
    },
    input: { type: "object", description: "Handler tools: JSON Schema of the arguments." },
    output: { type: "object", description: "Handler tools: JSON Schema of the result." },
    title: { type: "string" },
    description: { type: "string" },
    aliases: { type: "array", items: toolName, uniqueItems: true },
    safety: {
      enum: ["read", "write", "destructive"],
      description:
        "Decides the safety class. Default: the binding's (GET/HEAD/query read, DELETE destructive, other writes write), raised to destructive when the operation reads as consequential (moves money, deletes, revokes, cancels, sends, deploys, grants). `toolwright audit` reports a class below either as a finding.",
    },
    tags: {
      type: "array",
      items: { type: "string", minLength: 1 },
      uniqueItems: true,
      description:
        "Tags added to the spec's (for `serve --allow tag:NAME` / `--deny tag:NAME` and grouping).",
    },
    idempotent: { type: "boolean" },
    open_world: { type: "boolean" },
    args: { type: "object", additionalProperties: argSpec },
    scoped_path: { type: "string", description: "Argument whose value path allow/deny lists apply to." },
    scoped_list: {
      type: "object",
      additionalProperties: false,
      required: ["prefix_arg", "items", "path_field"],
      description: "A listing under a prefix: the prefix argument, and where item paths sit in the result.",
      properties: {
        prefix_arg: { type: "string" },
        items: { type: "string", description: "Dot path of the item array in the result, e.g. `items`." },
        path_field: { type: "string", description: "Field of each item holding its path." },
      },
    },
    scoped_items: {
      type: "array",
      minItems: 1,
      description:
        "Further lists in the result whose items carry paths (e.g. an audit summary's top paths), with or without scoped_list: items outside the path scope are dropped.",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["items", "path_field"],
        properties: {
          items: {
            type: "string",
            description: "Dot path of the item array in the result, e.g. `top_paths`.",
          },
          path_field: { type: "string", description: "Field of each item holding its path." },
        },
      },
    },
    scoped_values: {
      type: "array",
      minItems: 1,
      description:
        "Further arguments holding paths (`path`), prefixes (`prefix`: everything below) or path patterns (`pattern`), checked against the path lists; `base` makes the value relative to another argument or to a field of another tool's result (a mount).",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["arg", "kind"],
        properties: {
          arg: { type: "string", description: "Dot path into the arguments; `*` steps into every item." },
          kind: { enum: ["path", "prefix", "pattern"] },
          base: {
            oneOf: [
              {
                type: "object",
                additionalProperties: false,
                required: ["arg"],
                properties: { arg: { type: "string" } },
              },
              {
                type: "object",
                additionalProperties: false,
                required: ["lookup"],
                properties: {
                  lookup: {
                    type: "object",
                    additionalProperties: false,
                    required: ["tool", "args", "field"],
                    properties: {
                      tool: { type: "string" },
                      args: { type: "object", additionalProperties: { type: "string" } },
                      field: { type: "string" },
                    },
                  },
                },
              },
            ],
          },
        },
      },
    },
    not_paths: {
      type: "array",
      items: { type: "string" },
      description:
        "Arguments (dot paths) named like paths that hold no path: the path scope and the audit skip them.",
    },
    tenant_arg: {
      type: "string",
      description:
        "Argument fixed by the tenant lock, or a variable of the source's server URL template it binds.",
    },
    partner_arg: {
      type: "string",
      description:
        "Argument fixed by the partner lock, or a variable of the source's server URL template it binds.",
    },
    masked: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description: "Result fields holding secret values (dot paths, `*` matches one level).",
    },
    confirm: { enum: ["required", "none"], description: "Destructive tools confirm by default." },
    secret_keys: {
      type: "object",
      additionalProperties: false,
      required: ["keys_arg"],
      properties: { keys_arg: { type: "string" }, values_arg: { type: "string" } },
      description:
        "Key/value writes: keys are checked against the secret-like-key pattern; values never echoed.",
    },
    names_only: { type: "string", description: "Result field reduced to names only (env var reads)." },
    internal: {
      type: "boolean",
      description:
        "A helper only hand-written handlers call (ctx.call, inside the same policy chain and audit): left out of tools/list, and unknown to tools/call and resources.",
    },
  },
} as const;

const envRef = {
  type: "object",
  additionalProperties: false,
  required: ["env"],
  properties: { env: envName },
} as const;

const policySpec = {
  type: "object",
  additionalProperties: false,
  description: "Which env variables switch the policy middleware (each must be declared under `env`).",
  properties: {
    read_only: { ...envRef, description: "Boolean env: write and destructive tools refuse to run." },
    mask_values: { ...envRef, description: "Boolean env: `masked` result fields come back as ••••••." },
    allowed_paths: { ...envRef, description: "List env: path prefixes scoped arguments must fall under." },
    denied_paths: { ...envRef, description: "List env: path prefixes always refused (deny wins)." },
    tenant: { ...envRef, description: "String env: the only tenant `tenant_arg` may name." },
    partner: { ...envRef, description: "String env: the only partner `partner_arg` may name." },
    denied_tools: {
      type: "object",
      additionalProperties: false,
      description: "Tools removed from tools/list and refused by name.",
      properties: {
        tools: { type: "array", items: toolName },
        env: { ...envName, description: "List env of more tools." },
      },
    },
    secret_key_pattern: {
      type: "string",
      description: "Case-insensitive regex: keys matching it are refused by `secret_keys` tools.",
    },
    confirmation: {
      type: "object",
      additionalProperties: false,
      properties: {
        ttl_seconds: { type: "integer", minimum: 10, maximum: 3600 },
        secret_env: {
          ...envName,
          description: "Env with the signing secret confirmation tokens share across replicas.",
        },
        mode: {
          enum: ["token", "argument"],
          default: "token",
          description:
            "`token`: the user confirms through elicitation, or the call returns a preview with a single-use token to repeat it with. `argument`: destructive tools take a boolean `confirm` (without it: a preview, nothing changed); elicitation still asks the user where the client supports it. A model can set `confirm` itself, so `argument` records intent (for compatibility with servers built that way); it is not a human confirmation.",
        },
      },
    },
    audit: {
      type: "object",
      additionalProperties: false,
      properties: {
        default: { type: "boolean", description: "Audit on unless the env says otherwise (default true)." },
        env: { ...envName, description: "Boolean env switching the audit log." },
        file_env: { ...envName, description: "Env naming a file for JSON lines (default: stderr)." },
      },
    },
  },
} as const;

const transportSpec = {
  type: "object",
  additionalProperties: false,
  description: "How `toolwright serve` picks and configures its transport.",
  properties: {
    env: { ...envName, description: "Env selecting the transport." },
    http_values: {
      type: "array",
      items: { type: "string" },
      description: "Values of that env meaning Streamable HTTP (default [http]).",
    },
    sse_values: {
      type: "array",
      items: { type: "string" },
      description:
        "Values (among http_values) that also serve the deprecated HTTP+SSE transport (2024-11-05) at /sse, for clients that speak only it.",
    },
    host: { ...envRef, properties: { env: envName, default: { type: "string" } }, required: [] },
    port: {
      ...envRef,
      properties: { env: envName, default: { type: "integer", minimum: 0, maximum: 65535 } },
      required: [],
    },
    allowed_hosts_env: envName,
    public_url_env: envName,
    authorization_servers_env: envName,
    bearer_env: {
      ...envName,
      description: "Env holding the key clients present as `Authorization: Bearer`.",
    },
    required_scopes: { type: "array", items: { type: "string" } },
  },
} as const;

const rateLimit = {
  type: "object",
  additionalProperties: false,
  properties: {
    rate: {
      type: "string",
      pattern: "^\\s*\\d+\\s*/\\s*\\d*\\s*[smhd]\\s*$",
      description: "At most this many calls per window, e.g. `100/1m`, `10/s`, `5000/1h`.",
    },
    env: { ...envName, description: "String env overriding the rate (`<calls>/<window>`, or `off`)." },
  },
} as const;

const limitsSpec = {
  type: "object",
  additionalProperties: false,
  description:
    "Rate limits per caller, per tool and per upstream source (a refused call is a tool error with a retry time, never an upstream request), and concurrency per source.",
  properties: {
    principal: {
      ...rateLimit,
      description: "Each caller (authenticated principal; over stdio the one client).",
    },
    tools: {
      type: "object",
      description: "By tool name; `*` for every tool without its own entry.",
      additionalProperties: rateLimit,
    },
    sources: {
      type: "object",
      description: "By source id: every call that reaches the source, and requests in flight at once.",
      additionalProperties: {
        ...rateLimit,
        properties: {
          ...rateLimit.properties,
          concurrency: {
            type: "integer",
            minimum: 1,
            description: "Requests in flight at once, per process.",
          },
          concurrency_env: { ...envName, description: "Integer env overriding `concurrency` (0: none)." },
        },
      },
    },
  },
} as const;

export const manifestSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://toolwright.dev/schemas/manifest.json",
  title: "toolwright manifest (tools.yaml)",
  type: "object",
  additionalProperties: false,
  required: ["catalog"],
  $defs: { valueSource, patchOperation },
  properties: {
    $schema: { type: "string" },
    catalog: {
      type: "string",
      pattern: "^[a-z][a-z0-9-]*$",
      description: "Catalog name: the folder under generated/.",
    },
    strict: {
      type: "boolean",
      description:
        "A spec problem confined to one operation (or a schema it uses) is an error instead of leaving the operation out with a warning (as `generate --strict`).",
    },
    server: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: { type: "string" },
        version: { type: "string" },
        title: { type: "string" },
        instructions: { type: "string" },
      },
    },
    naming: {
      type: "object",
      additionalProperties: false,
      properties: {
        prefix: { type: "string", pattern: "^[A-Za-z0-9._-]*$" },
        max_length: {
          type: "integer",
          minimum: 16,
          maximum: 128,
          description:
            "Name budget. Default: 64 minus the length of `mcp__<catalog>__` (the prefix hosts add), at least 32; longer default names are shortened.",
        },
        arguments: argumentNaming,
      },
    },
    env: {
      type: "object",
      description: "Every env variable the server reads.",
      propertyNames: envName,
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["description"],
        properties: {
          description: { type: "string" },
          type: { enum: ["string", "url", "boolean", "integer", "list", "enum", "path"], default: "string" },
          default: { type: "string" },
          values: { type: "array", items: { type: "string" } },
          aliases: { type: "object", additionalProperties: { type: "string" } },
          required: { type: "boolean" },
          secret: { type: "boolean" },
          trim_paths: {
            type: "array",
            items: { type: "string", pattern: "^/[^?#]*[^/?#]$" },
            description:
              "`url` only: path endings removed from a value (e.g. `[/graphql]`), so the endpoint URL a user copies works where the base it is under is wanted.",
          },
        },
      },
    },
    sources: {
      type: "object",
      minProperties: 1,
      propertyNames: { pattern: "^[a-z][a-z0-9_-]*$" },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          openapi: {
            ...relPath,
            description: "OpenAPI 2.0/3.0/3.1/3.2 file (YAML or JSON), relative to the manifest.",
          },
          graphql: {
            anyOf: [relPath, { type: "array", items: relPath, minItems: 1 }],
            description:
              "GraphQL SDL or introspection JSON, relative to the manifest; SDL split over several files is a list of files and folders (a folder: every .graphql, .graphqls, .gql and .sdl file under it).",
          },
          patch: {
            type: "array",
            items: {
              if: { type: "string" },
              // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
              then: {
                ...relPath,
                description: "A file (YAML or JSON, relative to the manifest) holding a JSON Patch array.",
              },
              else: { $ref: "#/$defs/patchOperation" },
            },
            description:
              "OpenAPI: JSON Patch (RFC 6902) operations applied to the spec's root document before it is validated or read, so a fix for a spec you do not own lives in your repository. Inline operations and patch files, in order; an operation that does not apply (its path is not in the spec, a failing `test`) is an error at the operation.",
          },
          ref_folders: {
            type: "array",
            items: relPath,
            description:
              "OpenAPI: folders besides the spec's own that its `$ref`s may read (relative to the manifest). Any other target (by real path: symlinks and `..` count) is refused.",
          },
          path: {
            type: "string",
            pattern: "^/",
            description:
              "GraphQL: the endpoint's path, appended to base_url (e.g. `/graphql`), so one base URL can serve a GraphQL endpoint and a REST API.",
          },
          base_url: { $ref: "#/$defs/valueSource" },
          timeout_ms: { type: "integer", minimum: 100, maximum: 600000 },
          auth: { type: "object", additionalProperties: authSpec },
          security: {
            type: "array",
            items: { type: "array", items: { type: "string" }, uniqueItems: true },
            description:
              "GraphQL: which `auth` schemes a request sends, as alternatives: the first whose credentials are all set is sent; an empty alternative (`[]`) lets a request go without credentials. Default: every scheme, all required.",
          },
          param_env: {
            type: "object",
            additionalProperties: envName,
            description:
              "OpenAPI: parameters (`name`, or `in:name` such as `query:api_key`) and top-level body fields (`name`, or `body:name` such as `body:account_id`) sent from env variables (declared under `env`) in every operation that has them, never arguments the model sees or sets: credentials a spec passes as parameters instead of a security scheme, an id every call carries. An entry no operation of the source has is an error.",
          },
          mutations: {
            enum: ["all", "listed"],
            description: "GraphQL: `listed` keeps mutations out unless a tool names them.",
          },
          scalars: {
            type: "object",
            description: "GraphQL custom scalar -> JSON Schema.",
            additionalProperties: { type: "object" },
          },
          naming: {
            type: "object",
            additionalProperties: false,
            description: "Naming rules for this source's tools (override the catalog's `naming`).",
            properties: { arguments: argumentNaming },
          },
        },
        oneOf: [{ required: ["openapi"] }, { required: ["graphql"] }],
      },
    },
    policy: policySpec,
    transport: transportSpec,
    limits: limitsSpec,
    result: {
      type: "object",
      additionalProperties: false,
      properties: { envelope: { enum: ["plain", "success-data"] } },
    },
    publish: {
      type: "object",
      additionalProperties: false,
      description:
        "What tools/list publishes per tool: schemas bounded by depth and bytes (names beyond stay open, with their title and description), output schemas, descriptions.",
      properties: {
        schema_depth: {
          type: "integer",
          minimum: 0,
          maximum: 64,
          description: "Named-schema references followed from a tool's root (default 2).",
        },
        schema_bytes: {
          type: "integer",
          minimum: 256,
          maximum: 8388608,
          description: "Upper bound, in bytes of JSON, of one published input schema (default 8192).",
        },
        output_schema_bytes: {
          type: "integer",
          minimum: 128,
          maximum: 8388608,
          description: "Upper bound of one `compact` output schema (default 1024).",
        },
        output_schemas: {
          enum: ["full", "compact", "none"],
          description:
            "`compact` (default): bounded like inputs; `full`: every reachable schema; `none`: results are text only.",
        },
        descriptions: {
          enum: ["auto", "full", "concise"],
          description:
            "`full`: as written; `concise`: first paragraph (first sentence in schemas), links and HTML reduced to text, cut at a length; `auto` (default): full unless a model would see more than about 50k tokens with them, then concise.",
        },
        common_arguments: {
          enum: ["instructions", "per-tool"],
          description:
            "`instructions` (default): an argument many tools share (same name and description) is described once, in the server's instructions, and its description left out of those tools' input schemas; `per-tool`: every schema keeps it (hosts that do not pass server instructions to the model, docs/clients.md).",
        },
        schema_profile: {
          enum: ["inline", "refs", "portable", "default"],
          description:
            "`inline` (the default; `default` names it too): JSON Schema 2020-12 as bounded, each input schema's references inlined within the schema budget, no `$defs` (many hosts keep only `properties` and `required`, docs/clients.md); `refs`: the same with named types under `$defs`, reached by `$ref`; `portable`: input schemas inside what OpenAI strict mode, Gemini and Anthropic all accept (docs/providers.md).",
        },
      },
    },
    budget: {
      type: "object",
      additionalProperties: false,
      description: "`generate` fails when the published catalog is larger than this.",
      properties: {
        context_tokens: {
          type: "integer",
          minimum: 1,
          description: "Estimated tokens of what a model sees: names, descriptions and input schemas.",
        },
        list_bytes: { type: "integer", minimum: 1, description: "Bytes of every tools/list page together." },
        tools: {
          type: "integer",
          minimum: 1,
          description:
            "Tools a client lists (internal ones not counted). OpenAI's API takes at most 128 in one request; a host that passes every listed tool to such a model fails above it.",
        },
      },
    },
    select: { type: "array", items: selector },
    exclude: { type: "array", items: selector },
    tools: { type: "object", propertyNames: toolName, additionalProperties: toolSpec },
    resources: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["uri", "file"],
        properties: {
          uri: { type: "string" },
          name: { type: "string" },
          title: { type: "string" },
          description: { type: "string" },
          mime_type: { type: "string" },
          file: relPath,
        },
      },
    },
    resource_templates: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["uri_template"],
        properties: {
          uri_template: { type: "string" },
          name: { type: "string" },
          title: { type: "string" },
          description: { type: "string" },
          mime_type: { type: "string" },
          tool: { ...toolName, description: "Tool called with the template variables as arguments." },
          args: {
            type: "object",
            additionalProperties: { type: "string" },
            description: "Template variable -> tool argument, where the names differ.",
          },
          files: {
            type: "string",
            description:
              "A path pattern with the template's single variable, e.g. `./guides/frameworks/{name}.md`.",
          },
          list: templateListing,
        },
        oneOf: [{ required: ["tool"] }, { required: ["files"] }],
      },
    },
    prompts: {
      type: "object",
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["file"],
        properties: {
          title: { type: "string" },
          description: { type: "string" },
          file: { ...relPath, description: "A handlebars template; arguments are `{{name}}`." },
          arguments: {
            type: "array",
            items: {
              type: "object",
              additionalProperties: false,
              required: ["name"],
              properties: {
                name: { type: "string" },
                description: { type: "string" },
                required: { type: "boolean" },
              },
            },
          },
        },
      },
    },
  },
} as const;
