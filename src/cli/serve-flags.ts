import { type ParseArgsConfig, parseArgs } from "node:util";
import type { EnvType, EnvVar } from "../catalog.js";
import { type Config, ConfigError, expandHome, resolveConfig } from "../config/config.js";
import { PlaceError, readSecretFile, readSecretSource } from "../files/place.js";
import type { RuntimeSwitches } from "../policy/index.js";
import { logLine } from "../telemetry/log.js";
import { rememberSecret } from "../telemetry/redact.js";

/**
 * The options of `toolwright serve`, one row each. Every option is a flag and also an env variable (the flag
 * wins), works for any catalog, and is typed and checked like a catalog's env (`config/`): a bad value stops the
 * server at start with every problem listed. Adding an option is one row here plus its use in `serve.ts`; its
 * help text comes from the row.
 *
 * Rows without a `flag` are env only (secrets: a value on the command line is visible to every user of the
 * machine); `refusedFlag` names the flag someone would try, to say so instead of "unknown option".
 */

interface ServeOption {
  /** The key of the parsed options (`options.port`). */
  readonly key: string;
  /** e.g. `--port`; none for env-only settings. */
  readonly flag?: string;
  readonly env: string;
  readonly type: EnvType;
  readonly values?: readonly string[];
  /** The value's name in the help, e.g. `<port>`. */
  readonly arg?: string;
  readonly help: string;
  /** Shown in the help only; the option itself stays unset when not given. */
  readonly shownDefault?: string;
  readonly secret?: boolean;
  readonly refusedFlag?: string;
  /** The smallest value an integer option accepts. */
  readonly min?: number;
  /** The help section. */
  readonly group: "transport" | "http" | "policy" | "listing" | "operations";
}

export const SERVE_OPTIONS = [
  {
    key: "http",
    flag: "--http",
    env: "TOOLWRIGHT_HTTP",
    type: "boolean",
    group: "transport",
    help: "Serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio (TOOLWRIGHT_HTTP=false forces stdio). Without it, the catalog's own transport variable decides.",
  },
  {
    key: "sse",
    flag: "--sse",
    env: "TOOLWRIGHT_SSE",
    type: "boolean",
    group: "transport",
    help: "Also serve the deprecated HTTP+SSE transport (protocol 2024-11-05: GET /sse, POST /messages) next to /mcp, for clients that speak only it; implies --http. Same authentication, Host/Origin checks and policies; its sessions live in this process (sticky sessions behind a load balancer).",
  },
  {
    key: "host",
    flag: "--host",
    env: "TOOLWRIGHT_HOST",
    type: "string",
    arg: "<address>",
    group: "http",
    shownDefault: "the catalog's, else 127.0.0.1",
    help: "Address to bind. Anything but loopback needs --allowed-hosts.",
  },
  {
    key: "port",
    flag: "--port",
    env: "TOOLWRIGHT_PORT",
    type: "integer",
    arg: "<port>",
    group: "http",
    shownDefault: "the catalog's, else 8765",
    min: 0,
    help: "Port to listen on (0 picks a free one; the announced URL says which).",
  },
  {
    key: "allowedHosts",
    flag: "--allowed-hosts",
    env: "TOOLWRIGHT_ALLOWED_HOSTS",
    type: "list",
    arg: "<h1,h2>",
    group: "http",
    shownDefault: "loopback names on a loopback bind",
    help: "Host names (or host:port) clients reach the server by; every request's Host and Origin must be one of them (403 otherwise). No wildcards.",
  },
  {
    key: "clientKeyFile",
    flag: "--client-key-file",
    env: "TOOLWRIGHT_CLIENT_KEY_FILE",
    type: "path",
    arg: "<path>",
    group: "http",
    help: "File holding the static client key (16+ characters): clients send Authorization: Bearer <key>. Or put the key itself in TOOLWRIGHT_CLIENT_KEY.",
  },
  {
    key: "clientKey",
    env: "TOOLWRIGHT_CLIENT_KEY",
    type: "string",
    secret: true,
    refusedFlag: "--client-key",
    group: "http",
    help: "The static client key itself (env only: never on the command line).",
  },
  {
    key: "authorizationServers",
    flag: "--authorization-servers",
    env: "TOOLWRIGHT_AUTHORIZATION_SERVERS",
    type: "list",
    arg: "<url,url>",
    group: "http",
    help: "OAuth issuers whose JWT access tokens are accepted (verified against their JWKS: signature, iss, aud, exp).",
  },
  {
    key: "publicUrl",
    flag: "--public-url",
    env: "TOOLWRIGHT_PUBLIC_URL",
    type: "url",
    arg: "<url>",
    group: "http",
    help: "The externally visible URL (e.g. behind a TLS proxy): the resource JWTs must name as aud. Needed with --authorization-servers off loopback.",
  },
  {
    key: "requiredScopes",
    flag: "--required-scopes",
    env: "TOOLWRIGHT_REQUIRED_SCOPES",
    type: "list",
    arg: "<s1,s2>",
    group: "http",
    shownDefault: "the catalog's",
    help: "Scopes every JWT access token must carry (403 insufficient_scope otherwise).",
  },
  {
    key: "keepAliveTimeout",
    flag: "--keep-alive-timeout",
    env: "TOOLWRIGHT_KEEP_ALIVE_TIMEOUT",
    type: "integer",
    arg: "<seconds>",
    group: "http",
    shownDefault: "65",
    min: 1,
    help: "How long an idle connection stays open. Keep it above the idle timeout of any proxy or load balancer in front (60 s on most; Google Cloud's needs over 600).",
  },
  {
    key: "headersTimeout",
    flag: "--headers-timeout",
    env: "TOOLWRIGHT_HEADERS_TIMEOUT",
    type: "integer",
    arg: "<seconds>",
    group: "http",
    shownDefault: "60",
    min: 1,
    help: "A request's headers must arrive within this long.",
  },
  {
    key: "requestTimeout",
    flag: "--request-timeout",
    env: "TOOLWRIGHT_REQUEST_TIMEOUT",
    type: "integer",
    arg: "<seconds>",
    group: "http",
    shownDefault: "300",
    min: 1,
    help: "A request to /mcp running longer is ended: its calls are aborted and its client is answered a timeout error; past it, a connection whose client has taken nothing of its answer for as long is closed. Keep it above the longest tool call (its upstream timeout and retries).",
  },
  {
    key: "maxConnections",
    flag: "--max-connections",
    env: "TOOLWRIGHT_MAX_CONNECTIONS",
    type: "integer",
    arg: "<n>",
    group: "http",
    shownDefault: "512",
    min: 1,
    help: "Connections open at once. Beyond it the oldest connection serving no request is closed (one that never authenticated first); when every one is serving a request, the new one is answered 503.",
  },
  {
    key: "maxRequests",
    flag: "--max-requests",
    env: "TOOLWRIGHT_MAX_REQUESTS",
    type: "integer",
    arg: "<n>",
    group: "http",
    shownDefault: "128",
    min: 1,
    help: "Authenticated MCP requests served at once; beyond it a request is answered 503 with Retry-After before its body is read.",
  },
  {
    key: "maxRequestsPerCaller",
    flag: "--max-requests-per-caller",
    env: "TOOLWRIGHT_MAX_REQUESTS_PER_CALLER",
    type: "integer",
    arg: "<n>",
    group: "http",
    shownDefault: "64",
    min: 1,
    help: "Of those, served at once for one caller (an OAuth token's holder; with the static key, one client address; legacy SSE calls count too); beyond it a request is answered 429 with Retry-After before its body is read, so one caller cannot take every place.",
  },
  {
    key: "maxBodyBytesInFlight",
    flag: "--max-body-bytes-in-flight",
    env: "TOOLWRIGHT_MAX_BODY_BYTES_IN_FLIGHT",
    type: "integer",
    arg: "<bytes>",
    group: "http",
    shownDefault: "4 x --max-message-bytes",
    min: 1024,
    help: "The bytes of request bodies being read and held at once (never below --max-message-bytes), one caller at most half of it: beyond it a request is answered 503 (429 past the caller's half) with Retry-After, before its body is read when it declares its length, else where it crosses. Released when its call is answered or its connection closes.",
  },
  {
    key: "maxMessageBytes",
    flag: "--max-message-bytes",
    env: "TOOLWRIGHT_MAX_MESSAGE_BYTES",
    type: "integer",
    arg: "<bytes>",
    group: "transport",
    shownDefault: "16777216 (16 MiB), over stdio and HTTP",
    min: 1024,
    help: "The largest message read from a client: one stdio line, or one HTTP request body. A larger one is answered with a JSON-RPC error (over HTTP, 413) and not read; the server keeps serving.",
  },
  {
    key: "readOnly",
    flag: "--read-only",
    env: "TOOLWRIGHT_READ_ONLY",
    type: "boolean",
    group: "policy",
    help: "Write and destructive tools are not listed, and refuse if called by name; reads work. The catalog's own read-only variable still applies.",
  },
  {
    key: "allow",
    flag: "--allow",
    env: "TOOLWRIGHT_ALLOW",
    type: "list",
    arg: "<sel,sel>",
    group: "policy",
    help: "Only the tools one of these selectors matches are listed and callable: a tool name or alias (* matches any characters, e.g. github_repos_*), tag:NAME, or safety:read|write|destructive.",
  },
  {
    key: "deny",
    flag: "--deny",
    env: "TOOLWRIGHT_DENY",
    type: "list",
    arg: "<sel,sel>",
    group: "policy",
    help: "Tools these selectors match (same forms as --allow) are not listed and answer as unknown tools; deny wins over allow. A selector that matches no tool stops the server.",
  },
  {
    key: "mask",
    flag: "--mask",
    env: "TOOLWRIGHT_MASK",
    type: "list",
    arg: "<field,field>",
    group: "policy",
    help: "Result fields replaced by •••••• in every tool's results (success and error): a name masks that key at any depth (case-insensitive, e.g. password,api_key); a dot path (data.*.token) masks exactly there.",
  },
  {
    key: "discovery",
    flag: "--discovery",
    env: "TOOLWRIGHT_DISCOVERY",
    type: "boolean",
    group: "listing",
    help: "List three tools instead of the catalog: find_tools (search by what a tool does), describe_tool (its schemas) and call_tool (runs it through the same validation, policies, confirmation and audit). For catalogs of hundreds of tools, whose full list would not fit a model's context.",
  },
  {
    key: "pageSize",
    flag: "--page-size",
    env: "TOOLWRIGHT_PAGE_SIZE",
    type: "integer",
    arg: "<n>",
    group: "listing",
    shownDefault: "2000",
    min: 1,
    help: "Entries per page of tools/list (and the other lists); a page also ends before 9 MiB of JSON. Some clients read only the first page, so the default lists every tool of an ordinary catalog at once.",
  },
  {
    key: "outputSchemas",
    flag: "--output-schemas",
    env: "TOOLWRIGHT_OUTPUT_SCHEMAS",
    type: "enum",
    values: ["full", "compact", "none"],
    arg: "full|compact|none",
    group: "listing",
    shownDefault: "the catalog's (compact unless its manifest says otherwise)",
    help: "Output schemas in tools/list: every reachable named schema (full), bounded like inputs (compact), or none (results are then text only, without structuredContent).",
  },
  {
    key: "schemaProfile",
    flag: "--schema-profile",
    env: "TOOLWRIGHT_SCHEMA_PROFILE",
    type: "enum",
    values: ["inline", "refs", "portable", "default"],
    arg: "inline|refs|portable",
    group: "listing",
    shownDefault: "the catalog's (inline unless its manifest says otherwise; default names inline)",
    help: "Schemas in tools/list: JSON Schema 2020-12 with each input schema's references inlined within the catalog's schema budget, no $defs (inline, the default: many hosts keep only properties and required and drop $defs, docs/clients.md); refs: the same with named types under $defs reached by $ref (hosts that resolve them; smaller where a type is used many times in one schema); or portable: input schemas inside what OpenAI strict mode, Gemini (parametersJsonSchema and parameters) and Anthropic all accept, with references inlined and constraints in descriptions, and output schemas inside Gemini's subset (the Google GenAI SDK forwards them); arguments are still validated in full (docs/providers.md).",
  },
  {
    key: "state",
    flag: "--state",
    env: "TOOLWRIGHT_STATE",
    type: "string",
    arg: "<store>",
    group: "operations",
    shownDefault:
      "the file $XDG_STATE_HOME/toolwright/state.sqlite (~/.local/state/...), opened only for catalogs that need it",
    help: "Where spent confirmation tokens and rate-limit counters live: redis://[:password@]host:port[/db] (rediss:// for TLS) shared by every replica, sqlite:<file> on one machine, or memory (this process only). Put a URL with a password in the env, not on the command line.",
  },
  {
    key: "auditFailure",
    flag: "--audit-failure",
    env: "TOOLWRIGHT_AUDIT_FAILURE",
    type: "enum",
    values: ["refuse", "continue"],
    arg: "refuse|continue",
    group: "operations",
    shownDefault: "refuse",
    help: "When the audit log cannot be written: refuse every call (a clear error, no upstream request) until it can be, and withhold the result of the call whose line failed (refuse), or log once and run calls unaudited (continue).",
  },
  {
    key: "metrics",
    flag: "--metrics",
    env: "TOOLWRIGHT_METRICS",
    type: "boolean",
    group: "operations",
    shownDefault: "on over HTTP (TOOLWRIGHT_METRICS=false turns it off); stdio serves no endpoints",
    help: "Serve Prometheus metrics at /metrics next to /healthz and /readyz (no authentication: keep them off the public route). Traces are exported when OTEL_EXPORTER_OTLP_ENDPOINT is set.",
  },
] as const satisfies readonly ServeOption[];

type Row = (typeof SERVE_OPTIONS)[number];
type ValueOf<T extends EnvType> = T extends "boolean"
  ? boolean
  : T extends "integer"
    ? number
    : T extends "list"
      ? readonly string[]
      : string;

/** The parsed options: a key per row, typed by the row's type, absent when neither the flag nor the env is set. */
export type ServeOptions = { readonly [R in Row as R["key"]]?: ValueOf<R["type"]> };

export interface ParsedServeArgs {
  help: boolean;
  /** `--print-config <host>`: print the host's config block for these options instead of serving. */
  printConfig?: string;
  positionals: string[];
  options: ServeOptions;
  /** How each set option was given (`--port` or `TOOLWRIGHT_PORT`), for messages. */
  sources: Readonly<Record<string, string>>;
}

export class ServeUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ServeUsageError";
  }
}

const ROWS: readonly ServeOption[] = SERVE_OPTIONS;

function optionLabel(row: ServeOption): string {
  return row.flag ? `${row.flag} (${row.env})` : row.env;
}

/** The label by which messages name a setting (flag and env), for the `labels` of HTTP overrides. */
export function labelOf(key: Row["key"]): string {
  return optionLabel(ROWS.find((row) => row.key === key)!);
}

/**
 * Parses serve's command line (`node:util` parseArgs, driven by the table) and the env. Throws `ServeUsageError`
 * for an unknown or malformed option and `ConfigError` (every problem, flags named as given) for bad values.
 */
export function parseServeArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): ParsedServeArgs {
  const cli = readCommandLine(argv);
  const { sources } = cli;
  for (const row of ROWS) if (!(row.key in sources) && env[row.env]) sources[row.key] = row.env;
  const config = readOptions({ ...env, ...cli.given }, sources);
  return {
    help: cli.help,
    positionals: cli.positionals,
    options: checkedOptions(config, sources),
    sources,
    ...(cli.printConfig !== undefined ? { printConfig: cli.printConfig } : {}),
  };
}

interface CommandLine {
  /** Env name -> the value its flag gave. */
  given: Record<string, string>;
  /** Option key -> the flag (or, added later, the env variable) its value came from. */
  sources: Record<string, string>;
  positionals: string[];
  help: boolean;
  printConfig?: string;
}

/** The flags given, as the env values they stand for; an unknown flag or a missing value is a usage error. */
function readCommandLine(argv: readonly string[]): CommandLine {
  const byFlag = new Map(ROWS.filter((row) => row.flag).map((row) => [row.flag!.slice(2), row]));
  const { tokens } = parseArgs({
    args: [...argv],
    strict: false,
    allowPositionals: true,
    tokens: true,
    options: Object.fromEntries([
      ["help", { type: "boolean", short: "h" }],
      ["print-config", { type: "string" }],
      ...[...byFlag].map(([name, row]) => [name, { type: row.type === "boolean" ? "boolean" : "string" }]),
    ]) as NonNullable<ParseArgsConfig["options"]>,
  });
  const cli: CommandLine = { given: {}, sources: {}, positionals: [], help: false };
  for (const token of tokens) {
    if (token.kind === "positional") cli.positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (token.name === "help") {
      cli.help = true;
      continue;
    }
    if (token.name === "print-config") {
      if (token.value === undefined || token.value.startsWith("--"))
        throw new ServeUsageError("--print-config needs a host: claude|cursor|codex|vscode");
      cli.printConfig = token.value;
      continue;
    }
    const row = byFlag.get(token.name);
    if (!row) throw new ServeUsageError(unknownOption(token.rawName));
    cli.given[row.env] = flagValue(row, token);
    cli.sources[row.key] = row.flag!;
  }
  return cli;
}

/** A flag's value as its env variable would hold it (`true` for a boolean flag). */
function flagValue(
  row: ServeOption,
  token: { value: string | undefined; inlineValue: boolean | undefined },
): string {
  if (row.type === "boolean") {
    if (token.inlineValue) throw new ServeUsageError(`${row.flag} takes no value`);
    return "true";
  }
  if (token.value === undefined || (token.value.startsWith("--") && !token.inlineValue)) {
    throw new ServeUsageError(`${row.flag} needs a value ${row.arg ?? ""}`.trimEnd());
  }
  return token.value;
}

/** The typed option values; numbers under a row's minimum are problems, all thrown together as a `ConfigError`. */
function checkedOptions(config: Config, sources: Record<string, string>): ServeOptions {
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const row of ROWS) {
    const value = config.get(row.env);
    if (value === undefined) continue;
    if (typeof value === "number" && row.min !== undefined && value < row.min) {
      problems.push(`${sources[row.key]}: expected at least ${row.min}, got ${value}`);
    }
    options[row.key] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return options as ServeOptions;
}

function unknownOption(raw: string): string {
  const refused = ROWS.find((row) => row.refusedFlag === raw.split("=")[0]);
  if (refused) {
    return `${refused.refusedFlag} is not accepted: a value on the command line is visible to every user of this machine; set ${refused.env}${
      refused.key === "clientKey" ? " or pass --client-key-file <path>" : ""
    }`;
  }
  return `unknown option ${raw}`;
}

/** Types and checks the values like a catalog's env; a problem names the flag when the value came from one. */
function readOptions(env: NodeJS.ProcessEnv, sources: Record<string, string>): Config {
  const vars: EnvVar[] = ROWS.map((row) => ({
    name: row.env,
    description: row.help,
    type: row.type,
    ...(row.values ? { values: [...row.values] } : {}),
    required: false,
    secret: row.secret === true,
  }));
  try {
    return resolveConfig(vars, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(
      error.problems.map((problem) => {
        const row = ROWS.find((r) => problem.startsWith(`${r.env}:`));
        return row && sources[row.key] === row.flag ? `${row.flag}${problem.slice(row.env.length)}` : problem;
      }),
    );
  }
}

/**
 * The static client key: the env value, else the file's content (one line, trailing newline dropped). The file is
 * a secret file (`files/place.ts`): this user's or root's, in folders nobody else may replace it in, a regular file
 * of bounded size that nobody else may write (they could choose the key clients authenticate with) or read, read
 * from the descriptor its checks were made on. A pipe (`--client-key-file <(...)`) is read by `loadClientKey`
 * before the settings are resolved; this then returns what it read.
 */
export function readClientKey(options: ServeOptions): string | undefined {
  if (options.clientKey !== undefined) return options.clientKey;
  if (options.clientKeyFile === undefined) return undefined;
  const loaded = loadedKeys.get(options);
  if (loaded !== undefined) return loaded;
  const { path, subject } = keyFile(options.clientKeyFile);
  try {
    return keyOf(readSecretFile(path, subject, (line) => logLine(line)));
  } catch (error) {
    throw keyProblem(error, options.clientKeyFile);
  }
}

/** Keys read by `loadClientKey`, by the options that name their file (a pipe gives its content once). */
const loadedKeys = new WeakMap<ServeOptions, string>();

/**
 * Reads `--client-key-file` once, ahead of `readClientKey`: a regular file as it reads one, or a pipe (a shell's
 * process substitution, `/dev/stdin`, a named pipe of this user's) without blocking, bounded in size and time
 * (`readSecretSource`). A problem is a ConfigError naming the flag.
 */
export async function loadClientKey(options: ServeOptions, deadlineMs?: number): Promise<void> {
  if (options.clientKey !== undefined || options.clientKeyFile === undefined || loadedKeys.has(options))
    return;
  const { path, subject } = keyFile(options.clientKeyFile);
  try {
    const text = await readSecretSource(
      path,
      subject,
      (line) => logLine(line),
      deadlineMs !== undefined ? { deadlineMs } : {},
    );
    loadedKeys.set(options, keyOf(text));
  } catch (error) {
    throw keyProblem(error, options.clientKeyFile);
  }
}

function keyFile(file: string) {
  return {
    path: expandHome(file),
    subject: {
      file: `${labelOf("clientKeyFile")}: ${file}`,
      harm: "choose the key clients authenticate with",
    },
  };
}

function keyOf(text: string): string {
  const key = text.replace(/\r?\n$/, "");
  rememberSecret(key);
  return key;
}

function keyProblem(error: unknown, file: string): ConfigError {
  if (error instanceof PlaceError) return new ConfigError([error.message]);
  return new ConfigError([
    `${labelOf("clientKeyFile")}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
  ]);
}

const GROUPS: Record<ServeOption["group"], string> = {
  transport: "Transport",
  http: "HTTP (with --http)",
  policy: "Policy (for every catalog; only narrows what the catalog's own policy allows, never widens it)",
  listing: "Listing",
  operations: "Operations",
};

/** The options part of `serve --help`, from the table. */
export function optionsHelp(width = 112): string {
  const sections: string[] = [];
  for (const [group, title] of Object.entries(GROUPS)) {
    const rows = ROWS.filter((row) => row.group === group);
    if (rows.length === 0) continue;
    const lines = [`${title}:`];
    for (const row of rows) {
      const head = row.flag ? `${row.flag}${row.arg ? ` ${row.arg}` : ""}, env ${row.env}` : `env ${row.env}`;
      lines.push(`  ${head}`);
      const text = row.shownDefault ? `${row.help} Default: ${row.shownDefault}.` : row.help;
      lines.push(...wrap(text, width - 6).map((line) => `      ${line}`));
    }
    sections.push(lines.join("\n"));
  }
  return `${sections.join("\n\n")}\n\n  --print-config claude|cursor|codex|vscode\n      Print the config block that host needs to start this server with these options (absolute paths; the\n      catalog's required and credential variables, secrets as references the host fills in, never their values).\n  -h, --help  Show this help (after a catalog name: also that catalog's env variables)\n`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The policy switches as the runtime takes them, each labelled the way it was given (for refusals and audit). */
export function policySwitches(parsed: Pick<ParsedServeArgs, "options" | "sources">): RuntimeSwitches {
  const { options, sources } = parsed;
  const label = (key: "readOnly" | "allow" | "deny" | "mask") => sources[key] ?? labelOf(key);
  return {
    ...(options.readOnly === true
      ? { readOnly: sources.readOnly === "--read-only" ? "--read-only" : "TOOLWRIGHT_READ_ONLY=true" }
      : {}),
    ...(options.allow ? { allow: { label: label("allow"), selectors: options.allow } } : {}),
    ...(options.deny ? { deny: { label: label("deny"), selectors: options.deny } } : {}),
    ...(options.mask ? { mask: { label: label("mask"), fields: options.mask } } : {}),
  };
}
