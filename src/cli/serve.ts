import type { CatalogDocument, EnvVar, PublishSettings } from "../catalog.js";
import { type Config, ConfigError, resolveConfig } from "../config/config.js";
import {
  CatalogLoadError,
  findCatalogDir,
  type LoadedCatalog,
  loadCatalog,
  readCatalogDocument,
} from "../load/catalog.js";
import { createServer, type ServerOptions } from "../mcp/server.js";
import {
  deferStateStore,
  describeSpec,
  parseStateSpec,
  SqliteOpenError,
  StateSpecError,
  type StateStore,
} from "../state/index.js";
import { describeError } from "../telemetry/log.js";
import { enableMetrics } from "../telemetry/metrics.js";
import { startTracing } from "../telemetry/otel.js";
import { shownValue } from "../telemetry/redact.js";
import { terminalSafe } from "../telemetry/terminal.js";
import {
  type HttpOverrides,
  type HttpSettings,
  HttpSettingsError,
  type HttpTuning,
  resolveHttpSettings,
  wantsHttp,
} from "../transports/http-settings.js";
import { serveOverStdio } from "../transports/stdio.js";
import { credentialsHelp } from "./credentials-help.js";
import {
  HOSTS,
  type Host,
  type RemoteServer,
  remoteUrl,
  renderHostConfig,
  renderRemoteConfig,
  serverCommand,
} from "./print-config.js";
import {
  labelOf,
  loadClientKey,
  optionsHelp,
  type ParsedServeArgs,
  parseServeArgs,
  policySwitches,
  readClientKey,
  type ServeOptions,
  ServeUsageError,
} from "./serve-flags.js";

type AuditFailure = NonNullable<NonNullable<ServerOptions["policy"]>["auditFailure"]>;

/**
 * `toolwright serve <catalog>`. Exit codes: 0 after the client closed stdin, 1 when the catalog cannot be
 * loaded, 2 for usage and configuration errors.
 */

const USAGE = `Usage: toolwright serve <catalog> [options]

Serves a generated catalog as an MCP server over stdio (JSON-RPC on stdin/stdout, logs on stderr).
The process exits when the client closes stdin.

With --http (or when the catalog's own transport variable selects HTTP, e.g. MCP_TRANSPORT=http), it serves
Streamable HTTP at http://127.0.0.1:8765/mcp instead. It refuses to start without a way to authenticate clients
(a client key or OAuth authorization servers), and on an address other than loopback without --allowed-hosts;
every request needs Authorization: Bearer <the client key or an OAuth access token>. SIGTERM drains and exits 0.

<catalog> is either
  a path to a generated catalog folder (one holding catalog.json and catalog.gen.mjs), e.g. ./generated/scaivault
  or the name of a catalog bundled with toolwright (found only in toolwright's own generated/ folder, never
  under the current directory: pass a path, e.g. ./generated/<name>, to serve a folder of yours).

Every option below is also an env variable (the flag wins; both win over the catalog's own variables). The rest
of the configuration comes from environment variables each catalog declares (base URLs, credentials, policy
switches): run \`toolwright serve <catalog> --help\` to list them for one catalog. Invalid or missing values stop
the server at start with a list of every problem (exit code 2); secret values are never printed.

OAuth2 and OpenID Connect upstreams: toolwright runs no browser login. Obtain an access token with any flow the
provider offers and give it in the variable (or a file, re-read at each call) the catalog names; with a refresh
token and the client id it renews an expired or refused token at the spec's token endpoint.

${optionsHelp()}`;

/** A catalog packed as its own package (`toolwright pack`): its bin serves this one folder. */
export interface PackedCatalog {
  /** The catalog folder inside the package. */
  dir: string;
  /** The bin's name, e.g. `scaivault-mcp`. */
  program: string;
}

function packedUsage(program: string): string {
  return `Usage: ${program} [options]

Serves this MCP server over stdio (JSON-RPC on stdin/stdout, logs on stderr); the process exits when the client
closes stdin. With --http it serves Streamable HTTP instead (a client key or OAuth authorization servers
required). Configuration comes from the environment variables listed below; invalid or missing values stop the
server at start with a list of every problem (exit code 2); secret values are never printed.

${optionsHelp()}`;
}

/** How messages name the command, and which command shows the help. */
function speaker(packed: PackedCatalog | undefined) {
  return packed
    ? { who: packed.program, help: () => `${packed.program} --help` }
    : {
        who: "toolwright serve",
        help: (ref?: string) =>
          ref === undefined ? "toolwright serve --help" : `toolwright serve ${ref} --help`,
      };
}

function describeVar(v: EnvVar): string {
  const facts: string[] = [v.type];
  if (v.type === "enum" && v.values) facts.push(`one of ${v.values.join("|")}`);
  if (v.aliases && Object.keys(v.aliases).length > 0) {
    facts.push(
      `aliases ${Object.entries(v.aliases)
        .map(([a, t]) => `${a}=${t}`)
        .join(", ")}`,
    );
  }
  if (v.required) facts.push("required");
  if (v.secret) facts.push("secret");
  if (v.default !== undefined)
    facts.push(v.secret ? "has a default" : `default ${JSON.stringify(shownValue(v.default))}`);
  return `  ${v.name}\n      ${v.description || "(no description)"}\n      [${facts.join("; ")}]`;
}

/** Tools clients can call (handler-only helpers are not theirs to count). */
function clientTools(doc: CatalogDocument): number {
  return doc.tools.filter((tool) => tool.internal !== true).length;
}

/** "12 tools", or "12 of 67 tools" when policies leave some out of the list. */
function servedTools(doc: CatalogDocument, factory: ReturnType<typeof createServer>): string {
  const all = clientTools(doc);
  const listed = factory.listedTools ?? all;
  return listed === all ? `${all}` : `${listed} of ${all}`;
}

export function catalogHelp(doc: CatalogDocument, dir: string): string {
  const lines = [
    `Catalog ${doc.catalog} (${dir}): ${clientTools(doc)} tools, ${doc.resources.length + doc.resourceTemplates.length} resources, ${doc.prompts.length} prompts`,
    "",
    doc.env.length > 0 ? "Environment variables:" : "This catalog declares no environment variables.",
    ...doc.env.map(describeVar),
    ...credentialsHelp(doc),
  ];
  return `${lines.join("\n")}\n`;
}

/** `toolwright serve <catalog>`, or, given `packed`, the bin of a packed catalog (no catalog argument). */
export async function runServe(argv: string[], packed?: PackedCatalog): Promise<number> {
  const { who, help: helpCommand } = speaker(packed);
  const MORE = `Run \`${helpCommand()}\` for the options.\n`;
  const parsed = parsedOrUsage(argv, who, MORE);
  if (typeof parsed === "number") return parsed;
  const { help, positionals } = parsed;
  const positional = packed ? [packed.dir, ...positionals] : positionals;
  if (positional.length > 1) {
    const what = packed ? "no catalog argument" : "one catalog";
    process.stderr.write(`${who}: expected ${what}, got ${positionals.length}\n${MORE}`);
    return 2;
  }
  const ref = positional[0];
  if (help) return showHelp(ref, packed, who);
  if (ref === undefined) {
    process.stderr.write(`${who}: which catalog?\n\n${USAGE}`);
    return 2;
  }
  if (parsed.printConfig !== undefined) return printConfig(parsed, ref, packed);

  let catalog: LoadedCatalog;
  try {
    catalog = await loadCatalog(ref);
  } catch (error) {
    const message = error instanceof CatalogLoadError ? error.message : describeError(error);
    process.stderr.write(`${who}: ${terminalSafe(message, { lines: true })}\n`);
    return 1;
  }
  const stores: StateStore[] = [];
  const tracing = await startTracing(catalog.doc.catalog);
  try {
    return await serveLoaded(catalog, ref, parsed, stores, packed);
  } finally {
    // An open Redis connection would keep the process alive after the transport has finished.
    await Promise.all(stores.map((store) => store.close()));
    await tracing?.shutdown().catch(() => {});
  }
}

/** The parsed command line, or the exit code (2) once stderr says what is wrong with it. */
function parsedOrUsage(argv: string[], who: string, more: string): ParsedServeArgs | number {
  try {
    return parseServeArgs(argv);
  } catch (error) {
    if (error instanceof ServeUsageError) {
      process.stderr.write(`${who}: ${error.message}\n${more}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${who}: invalid options:\n${problemList(error.problems)}\n`);
      return 2;
    }
    throw error;
  }
}

/** `--help`: the usage, then, given a catalog, its tools, env variables and credentials. */
async function showHelp(
  ref: string | undefined,
  packed: PackedCatalog | undefined,
  who: string,
): Promise<number> {
  process.stdout.write(packed ? packedUsage(packed.program) : USAGE);
  if (ref === undefined) return 0;
  try {
    const dir = findCatalogDir(ref);
    // The catalog's text (descriptions, scheme names, URLs) was written by a spec: escapes shown.
    process.stdout.write(
      `\n${terminalSafe(catalogHelp(await readCatalogDocument(dir), dir), { lines: true })}`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${who}: ${(error as Error).message}\n`);
    return 1;
  }
}

/** `--print-config <host>`: the host's config block on stdout, where it goes on stderr. */
async function printConfig(
  parsed: ParsedServeArgs,
  ref: string,
  packed: PackedCatalog | undefined,
): Promise<number> {
  const { who } = speaker(packed);
  const host = parsed.printConfig as Host;
  if (!HOSTS.includes(host)) {
    process.stderr.write(
      `${who}: --print-config: unknown host ${JSON.stringify(host)} (one of ${HOSTS.join(", ")})\n`,
    );
    return 2;
  }
  try {
    const dir = findCatalogDir(ref);
    const doc = await readCatalogDocument(dir);
    const remote = remoteServer(doc, parsed.options);
    const { block, where } = remote
      ? renderRemoteConfig(host, remote)
      : renderHostConfig(host, serverCommand(doc, packed ? undefined : dir, parsed.options));
    process.stdout.write(block);
    process.stderr.write(`${where}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`${who}: ${(error as Error).message}\n`);
    return 1;
  }
}

/**
 * With HTTP chosen (serve's flags or the catalog's transport env): the running server as a host reaches it,
 * from the settings it would start with (refused as it would be: an HttpSettingsError lists what to set). The
 * key's variable is the one the server reads it from: TOOLWRIGHT_CLIENT_KEY, else the catalog's bearer env.
 */
function remoteServer(doc: CatalogDocument, options: ServeOptions): RemoteServer | undefined {
  const config = transportConfig(doc);
  if (!wantsHttp(doc.transport, config, options.http ?? (options.sse ? true : undefined))) return undefined;
  const settings = resolveHttpSettings(doc, config, httpTuning(options), httpOverrides(options));
  const ownKey = options.clientKey !== undefined || options.clientKeyFile !== undefined;
  const keyEnv = ownKey ? labelOf("clientKey") : doc.transport?.bearerEnv;
  return {
    name: doc.catalog,
    url: remoteUrl(settings),
    ...(settings.bearer !== undefined && keyEnv !== undefined ? { keyEnv } : {}),
  };
}

/** The catalog's config from its transport variables only (the others need not be valid to choose HTTP). */
function transportConfig(doc: CatalogDocument): Config {
  const t = doc.transport;
  const names = new Set(
    [
      t?.selectEnv,
      t?.hostEnv,
      t?.portEnv,
      t?.allowedHostsEnv,
      t?.publicUrlEnv,
      t?.authorizationServersEnv,
      t?.bearerEnv,
    ].filter((name): name is string => name !== undefined),
  );
  return resolveConfig(doc.env.filter((v) => names.has(v.name)));
}

/** Whether the catalog has anything to keep in the state store (so no file is created for one that does not). */
function needsState(doc: CatalogDocument): boolean {
  const limits = doc.limits;
  const rated = (spec: { rate?: unknown; env?: string }) => spec.rate !== undefined || spec.env !== undefined;
  return (
    doc.tools.some((tool) => tool.policy.confirm === "required") ||
    (limits !== undefined &&
      ((limits.principal !== undefined && rated(limits.principal)) ||
        Object.values(limits.tools).some(rated) ||
        Object.values(limits.sources).some(rated)))
  );
}

/** The store to serve with: `undefined` when the catalog needs none and none was chosen. */
async function openStore(doc: CatalogDocument, options: ServeOptions): Promise<StateStore | undefined> {
  if (options.state === undefined && !needsState(doc)) return undefined;
  const spec = parseStateSpec(options.state, process.env, labelOf("state"));
  const store = await deferStateStore(spec);
  process.stderr.write(`toolwright: shared state: ${describeSpec(spec)}\n`);
  return store;
}

async function serveLoaded(
  catalog: LoadedCatalog,
  ref: string,
  parsed: ParsedServeArgs,
  stores: StateStore[],
  packed: PackedCatalog | undefined,
): Promise<number> {
  const voice = speaker(packed);
  const { options } = parsed;
  let factory: ReturnType<typeof createServer>;
  let http: HttpSettings | undefined;
  try {
    const config = resolveConfig(catalog.doc.env);
    const store = await openStore(catalog.doc, options);
    if (store) stores.push(store);
    factory = createServer(catalog, config, {
      discovery: options.discovery === true,
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.schemaProfile ? { profile: options.schemaProfile } : {}),
      ...(store ? { state: store } : {}),
      ...(options.outputSchemas
        ? { publish: { output: options.outputSchemas as PublishSettings["output"] } }
        : {}),
      policy: {
        switches: policySwitches(parsed),
        ...(options.auditFailure ? { auditFailure: options.auditFailure as AuditFailure } : {}),
      },
    });
    if (wantsHttp(catalog.doc.transport, config, options.http ?? (options.sse ? true : undefined))) {
      await loadClientKey(options); // a pipe's key, read once and without blocking
      http = resolveHttpSettings(catalog.doc, config, httpTuning(options), httpOverrides(options));
    }
  } catch (error) {
    return reportSetupFailure(error, catalog, ref, options, voice);
  }
  if (http) return serveHttp(catalog, factory, http, options, stores[0], voice.who);
  process.stderr.write(
    `toolwright: serving ${catalog.doc.catalog} (${servedTools(catalog.doc, factory)} tools) over stdio\n`,
  );
  await serveOverStdio(
    factory,
    options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {},
  );
  return 0;
}

/** Why the server could not be set up (environment, HTTP settings, state store), on stderr; the exit code. */
function reportSetupFailure(
  error: unknown,
  catalog: LoadedCatalog,
  ref: string,
  options: ServeOptions,
  { who, help: helpCommand }: ReturnType<typeof speaker>,
): number {
  if (error instanceof HttpSettingsError) {
    process.stderr.write(
      terminalSafe(
        `${who}: not serving ${catalog.doc.catalog} over HTTP:\n${problemList(error.problems)}\n${noteList(error.notes)}`,
        { lines: true },
      ),
    );
    return 2;
  }
  if (error instanceof StateSpecError || error instanceof SqliteOpenError) {
    process.stderr.write(`${who}: ${error.message}\n`);
    return 2;
  }
  if (error instanceof ConfigError) {
    // Every missing variable at once: the HTTP transport's too, when the env asks for HTTP.
    const http = httpProblemsBeside(catalog.doc, options);
    process.stderr.write(
      terminalSafe(
        `${who}: the environment is not valid for catalog ${catalog.doc.catalog}:\n${problemList([...error.problems, ...http.problems])}\n${noteList(http.notes)}Run \`${helpCommand(ref)}\` to see every variable.\n`,
        { lines: true },
      ),
    );
    return 2;
  }
  process.stderr.write(`${who}: ${describeError(error)}\n`);
  return 1;
}

/** Serves over Streamable HTTP until the process ends; the exit code (1 when it cannot listen). */
async function serveHttp(
  catalog: LoadedCatalog,
  factory: ReturnType<typeof createServer>,
  http: HttpSettings,
  options: ServeOptions,
  store: StateStore | undefined,
  who: string,
): Promise<number> {
  const tools = servedTools(catalog.doc, factory);
  try {
    const metrics = options.metrics !== false;
    if (metrics) await enableMetrics(catalog.doc.catalog);
    // The HTTP transport (node:http, client authentication, JWT verification) loads only when it serves.
    const { serveOverHttp } = await import("../transports/http.js");
    await serveOverHttp(factory, http, {
      name: catalog.doc.server.title ?? catalog.doc.server.name,
      metrics,
      ...(store
        ? {
            state: () =>
              store.ping().then(
                () => true,
                () => false,
              ),
          }
        : {}),
      announce: (handle) =>
        process.stderr.write(
          `toolwright: serving ${catalog.doc.catalog} (${tools} tools) over Streamable HTTP at ${handle.url}${handle.sseUrl ? ` and HTTP+SSE (2024-11-05) at ${handle.sseUrl}` : ""}\n${noteList(http.notes)}`,
        ),
    });
  } catch (error) {
    // e.g. EADDRINUSE: say which address, since it is ours and not a secret.
    process.stderr.write(`${who}: cannot listen on ${http.host}:${http.port}: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}

function problemList(problems: readonly string[]): string {
  return problems.map((p) => `  - ${p}`).join("\n");
}

function noteList(notes: readonly string[]): string {
  return notes.map((n) => `  note: ${n}\n`).join("");
}

/**
 * The HTTP transport's problems and notes while the catalog's other variables are not valid, so one refusal names
 * everything to set: read from the transport's own variables only, and only when they (or serve's flags) ask for
 * HTTP.
 */
function httpProblemsBeside(
  doc: CatalogDocument,
  options: ServeOptions,
): { problems: readonly string[]; notes: readonly string[] } {
  const t = doc.transport;
  const none = { problems: [], notes: [] };
  if (!t) return none;
  try {
    const config = transportConfig(doc);
    if (!wantsHttp(t, config, options.http ?? (options.sse ? true : undefined))) return none;
    resolveHttpSettings(doc, config, httpTuning(options), httpOverrides(options));
    return none;
  } catch (error) {
    return error instanceof HttpSettingsError ? { problems: error.problems, notes: error.notes } : none;
  }
}

function seconds(value: number | undefined): number | undefined {
  return value === undefined ? undefined : value * 1000;
}

function httpTuning(options: ServeOptions): HttpTuning {
  const keepAliveTimeoutMs = seconds(options.keepAliveTimeout);
  const headersTimeoutMs = seconds(options.headersTimeout);
  const requestTimeoutMs = seconds(options.requestTimeout);
  return {
    ...(options.maxMessageBytes !== undefined ? { maxBodyBytes: options.maxMessageBytes } : {}),
    ...(options.maxBodyBytesInFlight !== undefined
      ? { maxBodyBytesInFlight: options.maxBodyBytesInFlight }
      : {}),
    ...(keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs } : {}),
    ...(headersTimeoutMs !== undefined ? { headersTimeoutMs } : {}),
    ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    ...(options.maxRequests !== undefined ? { maxRequests: options.maxRequests } : {}),
    ...(options.maxRequestsPerCaller !== undefined
      ? { maxRequestsPerCaller: options.maxRequestsPerCaller }
      : {}),
  };
}

/** serve's own transport options, over the catalog's env; the client key read from its env or file. */
function httpOverrides(options: ServeOptions): HttpOverrides {
  const bearer = readClientKey(options);
  const { host, port, allowedHosts, publicUrl, authorizationServers, requiredScopes } = options;
  const given = {
    host,
    port,
    allowedHosts,
    publicUrl,
    authorizationServers,
    bearer,
    requiredScopes,
    sse: options.sse,
  };
  return {
    ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)),
    labels: {
      host: labelOf("host"),
      port: labelOf("port"),
      allowedHosts: labelOf("allowedHosts"),
      publicUrl: labelOf("publicUrl"),
      authorizationServers: labelOf("authorizationServers"),
      bearer:
        options.clientKey !== undefined
          ? labelOf("clientKey")
          : options.clientKeyFile !== undefined
            ? labelOf("clientKeyFile")
            : `${labelOf("clientKey")} (or --client-key-file <path>)`,
      requiredScopes: labelOf("requiredScopes"),
    },
  };
}
