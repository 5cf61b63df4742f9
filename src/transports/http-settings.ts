import type { CatalogDocument, TransportConfig } from "../catalog.js";
import type { Config } from "../config/config.js";
import { canonicalAddress, isLoopback } from "../config/loopback.js";
import { rememberSecret } from "../telemetry/redact.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./stdio-lines.js";

/**
 * What the HTTP transport needs, resolved once at start from the catalog's `transport` section (which env
 * names which setting) and the environment. Everything unsafe is refused here, before a socket is opened:
 * a non-loopback bind without a Host allow-list, HTTP mode without any way to authenticate clients, wildcard
 * host entries, plain-http authorization servers off loopback.
 */

export interface HttpSettings {
  /** Bind address and port (0 picks a free port). */
  host: string;
  port: number;
  /** Whether `host` is a loopback address: only then may the Host allow-list default to localhost names. */
  loopback: boolean;
  /** Accepted `Host`/`Origin` values: bare host names (any port) or `host:port` (that port only), lowercase. */
  allowedHosts: string[];
  /** The externally visible URL of the MCP endpoint (ends in `/mcp`), when configured. */
  publicUrl?: URL;
  /** OAuth issuer identifiers whose JWT access tokens are accepted (and advertised in the RFC 9728 document). */
  authorizationServers: string[];
  /** The static key clients may present as `Authorization: Bearer <key>`. */
  bearer?: string;
  /** Scopes a JWT access token must carry. */
  requiredScopes: string[];
  /** Upper bound on a request body (413 beyond it). */
  maxBodyBytes: number;
  /** Upper bound on the bytes of request bodies being read and held at once (503 beyond it, never below `maxBodyBytes`). */
  maxBodyBytesInFlight: number;
  /** A request still running after this long is aborted (its tool call sees the abort signal). */
  requestTimeoutMs: number;
  /** On SIGTERM, in-flight requests get this long to finish before they are aborted. */
  shutdownGraceMs: number;
  /**
   * How long an idle keep-alive connection stays open. Longer than the idle timeout of the proxy or load
   * balancer in front (60 s on most), so the server never closes a socket a client or proxy is about to reuse.
   */
  keepAliveTimeoutMs: number;
  /** A client must have sent a request's headers within this long of starting it. */
  headersTimeoutMs: number;
  /** Connections open at once (beyond it the oldest one serving no request is closed, or the new one refused). */
  maxConnections: number;
  /** Authenticated MCP requests served at once (503 beyond it). */
  maxRequests: number;
  /** Of those, served for one caller (`callerKey`) at once (429 beyond it). */
  maxRequestsPerCaller: number;
  /** Env names, for messages that tell the operator what to set. */
  names: { bearer?: string; allowedHosts?: string; publicUrl?: string; authorizationServers?: string };
  /** Also serve the deprecated HTTP+SSE transport (2024-11-05) at `/sse` and `/messages`. */
  sse: boolean;
  /** What the operator should know at start (e.g. a loopback bind cannot serve remote clients, and how it could). */
  notes: string[];
}

/**
 * The same as stdio's line limit, so every documented per-tool limit fits under the default of every transport
 * (Scaly's 8 MiB upload is 10.7 MiB of base64 inside its JSON-RPC request).
 */
export const DEFAULT_MAX_BODY_BYTES = DEFAULT_MAX_MESSAGE_BYTES;
/** Bodies in flight: four of the largest at once (one caller, half of it), whatever `--max-requests` allows. */
export const BODIES_IN_FLIGHT_PER_MESSAGE = 4;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** Above the 60 s idle timeout of common load balancers and proxies (AWS ALB, nginx upstream keep-alive). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
/**
 * Open connections: a client behind a proxy needs a handful, the proxy a pool; far below the descriptors a process
 * has (Node raises its soft limit to the hard one), so a flood of idle or trickling sockets cannot take them all.
 */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** Requests served at once; each may hold a body up to the body bound, so this bounds their memory too. */
export const DEFAULT_MAX_REQUESTS = 128;
/** Requests one caller may have served at once: half the default bound, so one caller cannot take every place. */
export const DEFAULT_MAX_REQUESTS_PER_CALLER = 64;
/** A static client key shorter than this is refused: it would be guessable. */
export const MIN_BEARER_LENGTH = 16;

export class HttpSettingsError extends Error {
  constructor(
    readonly problems: string[],
    /** Advice beside the problems (how a remote setup would be completed). */
    readonly notes: string[] = [],
  ) {
    super(`HTTP transport not started:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "HttpSettingsError";
  }
}

/**
 * Whether to serve Streamable HTTP: `forced` (serve's `--http`, or its env) decides when given; otherwise the
 * catalog's selector env does (its value is one of `httpValues`).
 */
export function wantsHttp(transport: TransportConfig | undefined, config: Config, forced?: boolean): boolean {
  if (forced !== undefined) return forced;
  // Hand-written or older catalog.json files may have no transport section: they serve stdio.
  if (!transport?.selectEnv) return false;
  const value = config.text(transport.selectEnv);
  if (value === undefined) return false;
  return transport.httpValues.some((v) => v.toLowerCase() === value.trim().toLowerCase());
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The default Host allow-list of a loopback bind: the loopback names, and the address bound when it is another one
 * of 127.0.0.0/8 (`127.0.0.2`, which keeps a second local service apart from the first). That address is an IP
 * literal, which no DNS answer can rebind; without it, every client of the URL the server announces
 * (`http://127.0.0.2:PORT/mcp`, sent as `Host: 127.0.0.2:PORT`) was answered 403 "Host not allowed".
 */
function loopbackHosts(host: string): string[] {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  const own = process.getBuiltinModule("node:net").isIP(bare) === 4 ? bare : undefined;
  return own === undefined || LOOPBACK_NAMES.includes(own) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, own];
}

export { isLoopback };

/** `host` as it appears in a URL or a Host header (IPv6 in brackets). */
export function urlHost(host: string): string {
  return process.getBuiltinModule("node:net").isIP(host) === 6 ? `[${host}]` : host;
}

const HOST_ENTRY =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

function endpointUrl(raw: string, problems: string[], name: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`${name}: expected an http(s) URL`);
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    problems.push(`${name}: expected an http(s) URL`);
    return undefined;
  }
  if (url.search || url.hash || url.username || url.password) {
    problems.push(`${name}: expected a URL without query, fragment or credentials`);
    return undefined;
  }
  // The public URL may name the server (https://mcp.example.com) or its endpoint (https://mcp.example.com/mcp).
  if (!url.pathname.replace(/\/+$/, "").endsWith("/mcp")) {
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/mcp`;
  } else {
    url.pathname = url.pathname.replace(/\/+$/, "");
  }
  return url;
}

/**
 * An authorization server is named by its issuer identifier; a metadata URL
 * (`https://as/.well-known/oauth-authorization-server/tenant`, `https://as/tenant/.well-known/openid-configuration`)
 * is accepted too and reduced to the issuer it describes.
 */
export function issuerOf(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const rfc8414 = "/.well-known/oauth-authorization-server";
  const oidc = "/.well-known/openid-configuration";
  let path: string | undefined;
  if (url.pathname.startsWith(rfc8414)) path = url.pathname.slice(rfc8414.length);
  else if (url.pathname.startsWith(oidc)) path = url.pathname.slice(oidc.length);
  else if (url.pathname.endsWith(oidc)) path = url.pathname.slice(0, -oidc.length);
  // An issuer is compared as a string with the tokens' `iss`, so one given directly is kept exactly as written.
  return path === undefined ? raw : `${url.origin}${path}`;
}

export interface HttpTuning {
  maxBodyBytes?: number;
  maxBodyBytesInFlight?: number;
  requestTimeoutMs?: number;
  shutdownGraceMs?: number;
  keepAliveTimeoutMs?: number;
  headersTimeoutMs?: number;
  maxConnections?: number;
  maxRequests?: number;
  maxRequestsPerCaller?: number;
}

/**
 * Settings given to `toolwright serve` itself (flags or their `TOOLWRIGHT_*` env), for any catalog: each one wins
 * over the catalog's own transport env. `labels` says how the operator sets each (e.g. `--allowed-hosts`), for
 * messages; a setting without a label is not offered in them.
 */
export interface HttpOverrides {
  host?: string;
  port?: number;
  allowedHosts?: readonly string[];
  publicUrl?: string;
  authorizationServers?: readonly string[];
  bearer?: string;
  requiredScopes?: readonly string[];
  /** Serve the legacy HTTP+SSE transport too (serve's `--sse`). */
  sse?: boolean;
  labels?: Partial<Record<OverridableSetting, string>>;
}

export type OverridableSetting = Exclude<keyof HttpOverrides, "labels" | "sse">;

/**
 * Settings that decide who may call and from where: the client key, the Host/Origin allow-list, the issuers whose
 * tokens are accepted and the resource tokens must name. A catalog's declared default for their env is not used
 * (only a value the environment sets, or serve's flag): before, a manifest declaring `default:` on its bearer env
 * served HTTP with a key anyone reading the manifest knew, one on its allowed hosts let its author's domain rebind
 * to the server (and refused the loopback names), one on its authorization servers trusted its author's issuer.
 */
const OPERATOR_ONLY: ReadonlySet<OverridableSetting> = new Set([
  "bearer",
  "allowedHosts",
  "authorizationServers",
  "publicUrl",
]);

/** One setting as read: its value (text or list) and the name it was read from, or undefined and the ways to set it. */
interface Input<T> {
  value: T | undefined;
  /** Where the value came from (flag or env name); when unset, every way to set it joined with " or ". */
  from: string;
}

/**
 * Whether to serve the legacy HTTP+SSE transport as well: `forced` (serve's `--sse`) decides when given; otherwise
 * the catalog's selector env does (its value is one of `sseValues`, e.g. `MCP_TRANSPORT=sse`).
 */
export function wantsSse(transport: TransportConfig | undefined, config: Config, forced?: boolean): boolean {
  if (forced !== undefined) return forced;
  if (!transport?.selectEnv || !transport.sseValues) return false;
  const value = config.text(transport.selectEnv)?.trim().toLowerCase();
  return value !== undefined && transport.sseValues.some((v) => v.toLowerCase() === value);
}

export function resolveHttpSettings(
  doc: Pick<CatalogDocument, "transport">,
  config: Config,
  tuning: HttpTuning = {},
  overrides: HttpOverrides = {},
): HttpSettings {
  const t = doc.transport;
  const problems: string[] = [];
  const inputs = new SettingInputs(t, config, overrides);
  const { host, port, loopback } = resolveBind(t, inputs, problems);
  const allowedHosts = resolveAllowedHosts(inputs, host, loopback, problems);
  let publicUrl: URL | undefined;
  const publicRaw = inputs.text("publicUrl");
  if (publicRaw.value !== undefined)
    publicUrl = endpointUrl(publicRaw.value.trim(), problems, publicRaw.from);
  const authorizationServers = resolveAuthorizationServers(inputs, problems);
  if (authorizationServers.length > 0 && !publicUrl && !loopback) {
    problems.push(
      `OAuth mode on a non-loopback bind needs ${publicRaw.from || "a public URL env (transport.public_url_env)"}: tokens must be issued for that exact resource`,
    );
  }
  const bearer = resolveClientKey(inputs, authorizationServers, problems);
  const requiredScopes = overrides.requiredScopes ?? t.requiredScopes;
  const notes = loopback ? remoteNotes(inputs, host) : [];

  if (problems.length > 0) throw new HttpSettingsError(problems, notes);
  return {
    host,
    port,
    loopback,
    allowedHosts,
    ...(publicUrl ? { publicUrl } : {}),
    authorizationServers,
    ...(bearer !== undefined ? { bearer } : {}),
    requiredScopes: [...requiredScopes],
    maxBodyBytes: tuning.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxBodyBytesInFlight: Math.max(
      tuning.maxBodyBytesInFlight ??
        BODIES_IN_FLIGHT_PER_MESSAGE * (tuning.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      tuning.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ),
    requestTimeoutMs: tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    shutdownGraceMs: tuning.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    keepAliveTimeoutMs: tuning.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    headersTimeoutMs: tuning.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    maxConnections: tuning.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxRequests: tuning.maxRequests ?? DEFAULT_MAX_REQUESTS,
    maxRequestsPerCaller: tuning.maxRequestsPerCaller ?? DEFAULT_MAX_REQUESTS_PER_CALLER,
    names: envNamesOf(t),
    sse: wantsSse(t, config, overrides.sse),
    notes,
  };
}

/**
 * A loopback bind serves this machine only, which is the safe default; a remote service (the ScaiVault seed's
 * "remote service consumed via MCP over HTTP/SSE") needs two more settings, named here with what each does.
 */
function remoteNotes(inputs: SettingInputs, host: string): string[] {
  const bind = inputs.primary("host");
  const hosts = inputs.primary("allowedHosts");
  if (!bind || !hosts) return [];
  return [
    `listening on ${host}, so only this machine can connect. To serve remote clients also set ${bind}=0.0.0.0 (the address to bind) and ${hosts}=<the host names clients use> (every request's Host and Origin must be one of them: DNS-rebinding protection), and put a TLS-terminating proxy in front`,
  ];
}

function envNamesOf(t: TransportConfig): HttpSettings["names"] {
  return {
    ...(t.bearerEnv ? { bearer: t.bearerEnv } : {}),
    ...(t.allowedHostsEnv ? { allowedHosts: t.allowedHostsEnv } : {}),
    ...(t.publicUrlEnv ? { publicUrl: t.publicUrlEnv } : {}),
    ...(t.authorizationServersEnv ? { authorizationServers: t.authorizationServersEnv } : {}),
  };
}

/**
 * Reads each setting from the overrides (serve's flags and `TOOLWRIGHT_*` env) first, then from the env the
 * catalog's transport section names, and remembers where it came from for messages.
 */
class SettingInputs {
  private readonly envOf: Partial<Record<OverridableSetting, string>>;
  constructor(
    t: TransportConfig,
    private readonly config: Config,
    private readonly overrides: HttpOverrides,
  ) {
    this.envOf = {
      ...(t.hostEnv ? { host: t.hostEnv } : {}),
      ...(t.portEnv ? { port: t.portEnv } : {}),
      ...(t.allowedHostsEnv ? { allowedHosts: t.allowedHostsEnv } : {}),
      ...(t.publicUrlEnv ? { publicUrl: t.publicUrlEnv } : {}),
      ...(t.authorizationServersEnv ? { authorizationServers: t.authorizationServersEnv } : {}),
      ...(t.bearerEnv ? { bearer: t.bearerEnv } : {}),
    };
  }

  /** The one way to name in advice: the catalog's env (what its operators know), else serve's own flag. */
  primary(key: OverridableSetting): string | undefined {
    return this.envOf[key] ?? this.overrides.labels?.[key];
  }

  /** Every way to set `key`: the catalog's env first (what its operators know), then serve's own flag. */
  ways(key: OverridableSetting): string {
    return [this.envOf[key], this.overrides.labels?.[key]].filter(Boolean).join(" or ");
  }

  private pick(key: OverridableSetting): { value: unknown; from: string } {
    const own = this.overrides[key];
    if (own !== undefined) return { value: own, from: this.overrides.labels?.[key] ?? key };
    const env = this.envOf[key];
    // Who may call and from where come from the operator's environment only, never from a default the catalog
    // declares (see OPERATOR_ONLY).
    const value =
      env && (!OPERATOR_ONLY.has(key) || this.config.isSet(env)) ? this.config.get(env) : undefined;
    return value === undefined ? { value: undefined, from: this.ways(key) } : { value, from: env! };
  }

  text(key: "host" | "publicUrl" | "bearer"): Input<string> {
    const { value, from } = this.pick(key);
    if (value === undefined) return { value: undefined, from };
    return { value: String(value), from };
  }

  port(): Input<number> {
    const { value, from } = this.pick("port");
    return { value: value === undefined ? undefined : Number(value), from };
  }

  list(key: "allowedHosts" | "authorizationServers"): Input<readonly string[]> {
    const { value, from } = this.pick(key);
    if (value === undefined) return { value: [], from };
    if (Array.isArray(value)) return { value: value as readonly string[], from };
    const items = String(value)
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item !== "");
    return { value: items, from };
  }
}

/** The address and port to bind (flags and env over the catalog's defaults), and whether the address is loopback. */
function resolveBind(
  t: TransportConfig,
  inputs: SettingInputs,
  problems: string[],
): { host: string; port: number; loopback: boolean } {
  const hostInput = inputs.text("host");
  // The address as it is bound and judged: `::ffff:127.0.0.1`, `0:0:0:0:0:0:0:1`, `[::1]` and `127.1` are loopback
  // addresses (bound as 127.0.0.1 and ::1), `0` and `0:0:0:0:0:0:0:0` the wildcards.
  const host = canonicalAddress((hostInput.value ?? t.host).trim());
  const portInput = inputs.port();
  const port = portInput.value ?? t.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${portInput.from || "port"}: expected a port number between 0 and 65535`);
  }
  if (host === "" || /[\s/]/.test(host))
    problems.push(`${hostInput.from || "host"}: expected an address to bind`);
  return { host, port, loopback: isLoopback(host) };
}

/** The Host allow-list, lower-cased and without wildcards; loopback names by default on a loopback bind only. */
function resolveAllowedHosts(
  inputs: SettingInputs,
  host: string,
  loopback: boolean,
  problems: string[],
): string[] {
  const allowedHosts: string[] = [];
  const { value: entries, from } = inputs.list("allowedHosts");
  for (const entry of entries ?? []) {
    const lower = entry.toLowerCase();
    if (lower.includes("*")) {
      problems.push(`${from}: wildcards are not accepted (got ${JSON.stringify(entry)})`);
    } else if (!HOST_ENTRY.test(lower)) {
      problems.push(`${from}: expected host names (optionally host:port), got ${JSON.stringify(entry)}`);
    } else if (Number(/:(\d+)$/.exec(lower)?.[1] ?? 0) > 65535) {
      problems.push(`${from}: the port of ${JSON.stringify(entry)} is not a number from 0 to 65535`);
    } else {
      allowedHosts.push(lower);
    }
  }
  if (allowedHosts.length === 0) {
    if (loopback) allowedHosts.push(...loopbackHosts(host));
    else {
      problems.push(
        from
          ? `binding to ${host} (not loopback) needs ${from}: the comma-separated Host names clients use, so DNS-rebinding protection stays explicit`
          : `binding to ${host} (not loopback) needs a Host allow-list, and this catalog declares no transport.allowed_hosts_env`,
      );
    }
  }
  return allowedHosts;
}

/** Issuer URLs of the accepted authorization servers: https (plain http on loopback), no query or credentials. */
function resolveAuthorizationServers(inputs: SettingInputs, problems: string[]): string[] {
  const authorizationServers: string[] = [];
  const { value: entries, from } = inputs.list("authorizationServers");
  for (const entry of entries ?? []) {
    const issuer = issuerOf(entry);
    const url = issuer === undefined ? undefined : new URL(issuer);
    if (!issuer || !url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      problems.push(`${from}: expected issuer URLs, got ${JSON.stringify(entry)}`);
    } else if (url.protocol === "http:" && !isLoopback(url.hostname)) {
      problems.push(`${from}: ${url.origin} must use https (plain http only on loopback)`);
    } else if (url.search || url.hash || url.username || url.password) {
      problems.push(`${from}: an issuer has no query, fragment or credentials`);
    } else {
      authorizationServers.push(issuer);
    }
  }
  return authorizationServers;
}

/**
 * Why no client can present `key` as `Authorization: Bearer <key>`, else undefined. A client sends the key as one
 * run of visible ASCII (`Bearer +(\S+)`): a space, tab, line break or other control character inside it or around
 * it (a secret written with `echo`, a Windows line ending, a Kubernetes secret with a trailing newline) or a
 * character past ASCII (sent as bytes whose reading depends on the client) made a key nobody could present, and
 * every client was refused 401 "the client key is not valid" with nothing saying why. Names the place and the
 * kind of character, never the key.
 */
function unsendableKeyCharacter(key: string): string | undefined {
  const at = key.search(/[^\x21-\x7e]/);
  if (at < 0) return undefined;
  const code = key.codePointAt(at)!;
  const kind =
    code === 0x20
      ? "a space"
      : code === 0x09
        ? "a tab"
        : code === 0x0a || code === 0x0d
          ? "a line break"
          : code < 0x20 || code === 0x7f
            ? "a control character"
            : "a character outside ASCII";
  const where = at === key.length - 1 ? "its last character" : `character ${at + 1}`;
  return `the client key has ${kind} (${where}): clients send it as Authorization: Bearer <key>, one run of visible ASCII characters, so none could present it; remove it from the key`;
}

/** The static client key, long enough; with neither a key nor authorization servers HTTP mode is refused. */
function resolveClientKey(
  inputs: SettingInputs,
  authorizationServers: readonly string[],
  problems: string[],
): string | undefined {
  const { value: bearer, from } = inputs.text("bearer");
  // Redacted wherever it would appear, however it was given: TOOLWRIGHT_CLIENT_KEY, or a catalog variable not
  // marked secret (only secret variables and the key file were remembered before).
  rememberSecret(bearer);
  if (bearer !== undefined && bearer.length < MIN_BEARER_LENGTH) {
    problems.push(`${from}: the client key must be at least ${MIN_BEARER_LENGTH} characters`);
  }
  const unsendable = bearer === undefined ? undefined : unsendableKeyCharacter(bearer);
  if (unsendable) problems.push(`${from}: ${unsendable}`);
  if (bearer === undefined && authorizationServers.length === 0) {
    const key = inputs.ways("bearer");
    const issuers = inputs.ways("authorizationServers");
    const ways = [
      key ? `set ${key} (clients send Authorization: Bearer <key>)` : undefined,
      issuers ? `set ${issuers} (OAuth access tokens)` : undefined,
    ].filter(Boolean);
    problems.push(
      ways.length > 0
        ? `HTTP mode refuses to serve without client authentication: ${ways.join(" or ")}`
        : "HTTP mode refuses to serve without client authentication, and this catalog declares neither transport.bearer_env nor transport.authorization_servers_env",
    );
  }
  return bearer;
}
