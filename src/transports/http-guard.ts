import { shownValue } from "./http-node.js";

/**
 * DNS-rebinding and cross-site protection, checked on every request before anything else: the `Host` header
 * must name an allowed host, and an `Origin` header, when a browser sends one, must too. There is no CORS
 * support at all (no `Access-Control-Allow-*` headers), so a page on another origin cannot read responses.
 */

export type GuardResult = { ok: true } | { ok: false; reason: string };

/** The path a request is routed by, or why its target is refused (400). */
export type TargetResult = { ok: true; path: string } | { ok: false; reason: string };

/**
 * The path of a request's target (`url` as node hands it, the `Host` header beside it). An absolute-form target
 * (`POST http://host/mcp HTTP/1.1`, as clients send to proxies) is routed by its path, and its authority is the one
 * judged (RFC 9112 3.2.2: it replaces Host): it must be http(s), carry no userinfo, and match the Host header, as a
 * client must send it, so that the Host checked is the authority the request names and the one a proxy in front
 * routed by. Routed by `url` as it came, such a request was answered 404 whatever its authority, and a server MUST
 * accept the absolute form.
 */
export function requestTarget(url: string, host: string | undefined): TargetResult {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return { ok: true, path: url.split("?")[0]! };
  const absolute = /^https?:\/\/([^/?#]*)([^?#]*)/i.exec(url);
  const shown = shownValue(url, 60);
  if (!absolute) return { ok: false, reason: `the request target ${shown} is not an http or https URL` };
  const authority = absolute[1]!;
  if (authority.includes("@"))
    return { ok: false, reason: `the request target ${shown} carries userinfo (RFC 9110 4.2.4)` };
  if (!sameAuthority(authority, host, /^https:/i.test(url) ? "443" : "80"))
    return {
      ok: false,
      reason: `the Host header must name the authority of the request target ${shown} (RFC 9112 3.2.2)`,
    };
  return { ok: true, path: absolute[2] || "/" };
}

/**
 * Whether the Host header names the target's authority: the same host and port by value (RFC 9110 4.2.3: a name in
 * any case, a port with leading zeros or none, which is the scheme's default), not as the same text.
 */
function sameAuthority(authority: string, host: string | undefined, defaultPort: string): boolean {
  const target = splitHost(authority);
  const sent = host === undefined ? undefined : splitHost(host);
  if (!target || !sent || target.host !== sent.host) return false;
  return (target.port ?? defaultPort) === (sent.port ?? defaultPort);
}

/**
 * Why a Host header is no `host[:port]` (RFC 9110 7.2: a name, an IPv4 address or a bracketed IPv6 one, then a port
 * from 0 to 65535), said after "the Host header <value>", else undefined. Such a Host is answered 400 (RFC 9112 3.2:
 * an invalid field value), not judged against the allow list: a port of five digits past 65535 matched an entry
 * naming the host alone and was served, and a Host with userinfo or another port was "not allowed", as if a
 * well-formed name were merely missing from the list.
 */
export function malformedHost(value: string): string | undefined {
  if (value.includes("@")) return "carries userinfo: a Host holds none, only host[:port] (RFC 9110 7.2)";
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9\-._~!$&'()*+,;=%]+)(?::([^:]*))?$/i.exec(value.trim());
  if (!match || canonicalHost(match[1]!) === undefined) return "is not host[:port] (RFC 9110 7.2)";
  const port = match[2];
  // `port = *DIGIT` (RFC 3986 3.2.3): its value is the number, leading zeros or not, and an empty one is none.
  if (port !== undefined && !(/^\d*$/.test(port) && Number(port) <= 65535))
    return "has a port that is not a number from 0 to 65535";
  return undefined;
}

/**
 * Splits `host[:port]` into its host and port as compared: the host lowercase (an IPv6 address in brackets in its
 * canonical text, RFC 5952, so `[0:0:0:0:0:0:0:1]` is `[::1]`), the port as the number it is (`0080` is `80`; an
 * empty port is none, RFC 3986 3.2.3). Compared as text, a port with a leading zero or an IPv6 address written out
 * was refused as another host's. A name keeps its trailing dot (`localhost.` is not `localhost`: no RFC makes them
 * equal, and browsers hold them apart as origins).
 */
export function splitHost(value: string): { host: string; port?: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d*))?$/i.exec(value.trim());
  const host = match ? canonicalHost(match[1]!) : undefined;
  if (!match || host === undefined) return undefined;
  const port = match[2] === undefined || match[2] === "" ? undefined : Number(match[2]);
  if (port !== undefined && port > 65535) return undefined;
  return { host, ...(port !== undefined ? { port: String(port) } : {}) };
}

/** The host lowercase, an IPv6 address in brackets as the URL standard writes it; undefined for one that is none. */
function canonicalHost(host: string): string | undefined {
  const lower = host.toLowerCase();
  if (!lower.startsWith("[")) return lower;
  try {
    return new URL(`http://${lower}/`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Whether `value` (`host[:port]`) matches an allow-list entry (`host` = any port, `host:port` = that port). A Host
 * without a port names its scheme's default one (RFC 9110 4.2.3), 80 or 443: behind a TLS-terminating proxy the
 * server cannot tell which, so it meets an entry `host:80` or `host:443` (before, `Host: mcp.example.com` sent by
 * every client of `https://mcp.example.com` was refused by the entry `mcp.example.com:443`).
 */
export function hostAllowed(value: string, allowed: readonly string[]): boolean {
  const given = splitHost(value);
  if (!given) return false;
  return allowed.some((entry) => {
    const want = splitHost(entry);
    if (!want || want.host !== given.host) return false;
    if (want.port === undefined || want.port === given.port) return true;
    return given.port === undefined && DEFAULT_PORTS.has(want.port);
  });
}

/** The default ports of http and https, which a Host or URL without a port names. */
const DEFAULT_PORTS = new Set(["80", "443"]);

export function checkHost(header: string | string[] | undefined, allowed: readonly string[]): GuardResult {
  if (typeof header !== "string" || header === "") return { ok: false, reason: "missing Host header" };
  if (!hostAllowed(header, allowed)) return { ok: false, reason: "Host not allowed" };
  return { ok: true };
}

/**
 * The Host check of the probe paths (`/healthz`, `/readyz`, `/metrics`): an allowed host, or an IP address, since
 * probes and scrapers reach a replica by its own address, which no allow list names. Any other name is refused: a
 * web page that rebinds its own name to this address (DNS rebinding) sends that name as its Host, and it read
 * `/metrics` (which tools were called, how often, with what outcome) of a server on the visitor's machine.
 */
export function checkProbeHost(
  header: string | string[] | undefined,
  allowed: readonly string[],
): GuardResult {
  const given = typeof header === "string" ? splitHost(header) : undefined;
  if (given && process.getBuiltinModule("node:net").isIP(given.host.replace(/^\[|\]$/g, "")) !== 0)
    return { ok: true };
  return checkHost(header, allowed);
}

/**
 * Where a request was sent, as the Origin check compares it: the Host header (already checked), and the public URL's
 * origin when one is configured (a proxy in front may pass on another Host).
 */
export interface Addressed {
  host: string | undefined;
  publicOrigin?: string;
}

/**
 * The Origin check, by the browsers' rule: an origin is exactly `scheme://host[:port]`. An Origin, when sent, must be
 * an http(s) origin as a browser serializes it (lowercase, no default port, no path, userinfo or trailing slash),
 * allowed by the list (an origin without a port names its scheme's default one), and this server's own origin: the
 * host and port the request was sent to (its Host; a Host without a port is the Origin scheme's default one), or the
 * public URL's origin. Before, an allowed name on any port passed (a loopback bind's list names no ports, so a page
 * served by another local program at `http://localhost:3000` passed as the server's own), and so did any text a URL
 * parser read as an allowed one (`HTTP://LOCALHOST:8765`, `http://localhost:8765/x`, `http://u@localhost:8765`).
 */
export function checkOrigin(
  header: string | string[] | undefined,
  allowed: readonly string[],
  addressed: Addressed,
): GuardResult {
  if (header === undefined) return { ok: true };
  if (typeof header !== "string") return { ok: false, reason: "Origin not allowed" };
  const shown = shownValue(header, 80);
  if (header === "null")
    return {
      ok: false,
      reason:
        "Origin not allowed: null (an opaque origin: a sandboxed frame, a file, a redirect) is no origin",
    };
  let origin: URL | undefined;
  try {
    origin = new URL(header);
  } catch {
    origin = undefined;
  }
  if (!origin || origin.origin !== header)
    return {
      ok: false,
      reason: `Origin not allowed: ${shown} is not an origin as a browser sends it (scheme://host[:port], lowercase, nothing more)`,
    };
  if (origin.protocol !== "http:" && origin.protocol !== "https:")
    return { ok: false, reason: `Origin not allowed: ${shown} is not an http(s) origin` };
  const port = origin.port || (origin.protocol === "https:" ? "443" : "80");
  if (!hostAllowed(`${origin.hostname}:${port}`, allowed))
    return { ok: false, reason: `Origin not allowed: ${shown} is not on the allow list` };
  if (origin.origin === addressed.publicOrigin) return { ok: true };
  const sent = addressed.host === undefined ? undefined : splitHost(addressed.host);
  if (sent && sent.host === origin.hostname && (sent.port ?? port) === port) return { ok: true };
  return {
    ok: false,
    reason: `Origin not allowed: ${shown} is not this server's origin (the host and port the request was sent to${addressed.publicOrigin ? ", or the public URL's" : ""})`,
  };
}

/** Headers a request carries at most once, by their lower-case name, as the messages name them. */
const SINGLE = new Map([
  ["host", "Host"],
  ["authorization", "Authorization"],
  ["origin", "Origin"],
]);

/**
 * The first of Host, Authorization and Origin a request carries more than once (`rawHeaders`, as received),
 * else undefined. node:http keeps the first Host and Authorization and drops the others, while a proxy in front
 * may route or authenticate by the last one: the request checked here would not be the one it passed on. RFC 9112
 * 3.2 answers two Hosts with 400; the same holds for the credentials and the Origin checked.
 */
export function repeatedHeader(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? "").toLowerCase();
    const shown = SINGLE.get(name);
    if (shown === undefined) continue;
    if (seen.has(name)) return shown;
    seen.add(name);
  }
  return undefined;
}

/**
 * A request's Transfer-Encoding when it names a coding other than chunked (gzip, deflate, compress, or any other),
 * else undefined. node's parser reads a body sent `gzip, chunked` by its chunks and hands on the coded bytes as they
 * are, so the body read was not the one sent (a proxy in front that decodes it reads another); RFC 9112 6.1 answers a
 * transfer coding the server does not understand with 501.
 */
export function foreignTransferCoding(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const codings = header.split(",").map((coding) => coding.trim().toLowerCase());
  return codings.some((coding) => coding !== "" && coding !== "chunked") ? header : undefined;
}
