import { isIP } from "node:net";
import type { CatalogDocument, TransportConfig } from "../catalog.js";
import type { Config } from "../config/config.js";

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
  /** A request still running after this long is aborted (its tool call sees the abort signal). */
  requestTimeoutMs: number;
  /** On SIGTERM, in-flight requests get this long to finish before they are aborted. */
  shutdownGraceMs: number;
  /** Env names, for messages that tell the operator what to set. */
  names: { bearer?: string; allowedHosts?: string; publicUrl?: string; authorizationServers?: string };
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** A static client key shorter than this is refused: it would be guessable. */
export const MIN_BEARER_LENGTH = 16;

export class HttpSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`HTTP transport not started:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "HttpSettingsError";
  }
}

/** Whether the env selects Streamable HTTP (the selector's value is one of `httpValues`). */
export function wantsHttp(transport: TransportConfig | undefined, config: Config): boolean {
  // Hand-written or older catalog.json files may have no transport section: they serve stdio.
  if (!transport?.selectEnv) return false;
  const value = config.text(transport.selectEnv);
  if (value === undefined) return false;
  return transport.httpValues.some((v) => v.toLowerCase() === value.trim().toLowerCase());
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/**
 * Whether `host` (a host name, an IP literal, or a bracketed IPv6 literal as URLs write it) is this machine:
 * `localhost`, `::1`, or an IPv4 literal in 127.0.0.0/8. Only literals count; `127.attacker.example` is a
 * name anyone can point anywhere. Shared by the bind address check and the plain-http issuer/JWKS check.
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

/** `host` as it appears in a URL or a Host header (IPv6 in brackets). */
export function urlHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

const HOST_ENTRY =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

function listValue(config: Config, name: string | undefined): readonly string[] {
  if (!name) return [];
  const value = config.get(name);
  if (value === undefined) return [];
  if (Array.isArray(value)) return value as readonly string[];
  return String(value)
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

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
  requestTimeoutMs?: number;
  shutdownGraceMs?: number;
}

export function resolveHttpSettings(
  doc: Pick<CatalogDocument, "transport">,
  config: Config,
  tuning: HttpTuning = {},
): HttpSettings {
  const t = doc.transport;
  const problems: string[] = [];
  const names = envNamesOf(t);
  const { host, port, loopback } = resolveBind(t, config, problems);
  const allowedHosts = resolveAllowedHosts(t, config, host, loopback, problems);
  let publicUrl: URL | undefined;
  const publicRaw = t.publicUrlEnv ? config.text(t.publicUrlEnv) : undefined;
  if (publicRaw !== undefined) publicUrl = endpointUrl(publicRaw.trim(), problems, t.publicUrlEnv!);
  const authorizationServers = resolveAuthorizationServers(t, config, problems);
  if (authorizationServers.length > 0 && !publicUrl && !loopback) {
    problems.push(
      `OAuth mode on a non-loopback bind needs ${t.publicUrlEnv ?? "a public URL env (transport.public_url_env)"}: tokens must be issued for that exact resource`,
    );
  }
  const bearer = resolveClientKey(t, config, authorizationServers, problems);

  if (problems.length > 0) throw new HttpSettingsError(problems);
  return {
    host,
    port,
    loopback,
    allowedHosts,
    ...(publicUrl ? { publicUrl } : {}),
    authorizationServers,
    ...(bearer !== undefined ? { bearer } : {}),
    requiredScopes: [...t.requiredScopes],
    maxBodyBytes: tuning.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    requestTimeoutMs: tuning.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    shutdownGraceMs: tuning.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    names,
  };
}

function envNamesOf(t: TransportConfig): HttpSettings["names"] {
  return {
    ...(t.bearerEnv ? { bearer: t.bearerEnv } : {}),
    ...(t.allowedHostsEnv ? { allowedHosts: t.allowedHostsEnv } : {}),
    ...(t.publicUrlEnv ? { publicUrl: t.publicUrlEnv } : {}),
    ...(t.authorizationServersEnv ? { authorizationServers: t.authorizationServersEnv } : {}),
  };
}

/** The address and port to bind (env over the catalog's defaults), and whether the address is loopback. */
function resolveBind(
  t: TransportConfig,
  config: Config,
  problems: string[],
): { host: string; port: number; loopback: boolean } {
  const host = ((t.hostEnv ? config.text(t.hostEnv) : undefined) ?? t.host).trim();
  const portValue = t.portEnv ? config.get(t.portEnv) : undefined;
  const port = portValue === undefined ? t.port : Number(portValue);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${t.portEnv ?? "port"}: expected a port number between 0 and 65535`);
  }
  if (host === "" || /[\s/]/.test(host)) problems.push(`${t.hostEnv ?? "host"}: expected an address to bind`);
  return { host, port, loopback: isLoopback(host) };
}

/** The Host allow-list, lower-cased and without wildcards; loopback names by default on a loopback bind only. */
function resolveAllowedHosts(
  t: TransportConfig,
  config: Config,
  host: string,
  loopback: boolean,
  problems: string[],
): string[] {
  const allowedHosts: string[] = [];
  for (const entry of listValue(config, t.allowedHostsEnv)) {
    const lower = entry.toLowerCase();
    if (lower.includes("*")) {
      problems.push(`${t.allowedHostsEnv}: wildcards are not accepted (got ${JSON.stringify(entry)})`);
    } else if (!HOST_ENTRY.test(lower)) {
      problems.push(
        `${t.allowedHostsEnv}: expected host names (optionally host:port), got ${JSON.stringify(entry)}`,
      );
    } else {
      allowedHosts.push(lower);
    }
  }
  if (allowedHosts.length === 0) {
    if (loopback) allowedHosts.push(...LOOPBACK_NAMES);
    else {
      problems.push(
        t.allowedHostsEnv
          ? `binding to ${host} (not loopback) needs ${t.allowedHostsEnv}: the comma-separated Host names clients use, so DNS-rebinding protection stays explicit`
          : `binding to ${host} (not loopback) needs a Host allow-list, and this catalog declares no transport.allowed_hosts_env`,
      );
    }
  }
  return allowedHosts;
}

/** Issuer URLs of the accepted authorization servers: https (plain http on loopback), no query or credentials. */
function resolveAuthorizationServers(t: TransportConfig, config: Config, problems: string[]): string[] {
  const authorizationServers: string[] = [];
  for (const entry of listValue(config, t.authorizationServersEnv)) {
    const issuer = issuerOf(entry);
    const url = issuer === undefined ? undefined : new URL(issuer);
    if (!issuer || !url || (url.protocol !== "https:" && url.protocol !== "http:")) {
      problems.push(`${t.authorizationServersEnv}: expected issuer URLs, got ${JSON.stringify(entry)}`);
    } else if (url.protocol === "http:" && !isLoopback(url.hostname)) {
      problems.push(
        `${t.authorizationServersEnv}: ${url.origin} must use https (plain http only on loopback)`,
      );
    } else if (url.search || url.hash || url.username || url.password) {
      problems.push(`${t.authorizationServersEnv}: an issuer has no query, fragment or credentials`);
    } else {
      authorizationServers.push(issuer);
    }
  }
  return authorizationServers;
}

/** The static client key, long enough; with neither a key nor authorization servers HTTP mode is refused. */
function resolveClientKey(
  t: TransportConfig,
  config: Config,
  authorizationServers: readonly string[],
  problems: string[],
): string | undefined {
  const bearer = t.bearerEnv ? config.text(t.bearerEnv) : undefined;
  if (bearer !== undefined && bearer.length < MIN_BEARER_LENGTH) {
    problems.push(`${t.bearerEnv}: the client key must be at least ${MIN_BEARER_LENGTH} characters`);
  }
  if (bearer === undefined && authorizationServers.length === 0) {
    const ways = [
      t.bearerEnv ? `set ${t.bearerEnv} (clients send Authorization: Bearer <key>)` : undefined,
      t.authorizationServersEnv ? `set ${t.authorizationServersEnv} (OAuth access tokens)` : undefined,
    ].filter(Boolean);
    problems.push(
      ways.length > 0
        ? `HTTP mode refuses to serve without client authentication: ${ways.join(" or ")}`
        : "HTTP mode refuses to serve without client authentication, and this catalog declares neither transport.bearer_env nor transport.authorization_servers_env",
    );
  }
  return bearer;
}
