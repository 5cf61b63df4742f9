import { domainToASCII } from "node:url";
import type { ServerTemplate, Source } from "../catalog.js";

/**
 * A tenant carried in the upstream's base URL: the spec's server is a template (`https://{tenant}.api.example.com/v1`,
 * Swagger 2.0's `x-ms-parameterized-host` `{accountName}.blob.core.windows.net`) whose variables the base URL filled
 * at generate time (their defaults) or the operator filled in configuring it. The lock reads the configured base URL
 * against the template: the value it holds where the template has a variable naming the lock must be the locked
 * tenant, or every call (credentials and all) goes to another tenant's host.
 */

/** A source's base URL as configured for this call (env, file or default), or undefined when it has none. */
export type BaseUrlOf = (source: Source) => string | undefined;

/** A server template a tool's call may go to, with its variables that name the lock (with why; none: no tenant). */
export interface LockedTemplate {
  template: ServerTemplate;
  variables: ReadonlyArray<{ name: string; why: string }>;
}

/**
 * The server templates of a tool that name the lock: its source's (`Source.servers`, each read against the
 * configured base URL), and its operation's own (`HttpBinding.server.template`): `own.url`, filled from it, takes
 * the call while the base URL is the spec's server `own.instead`; under another base URL it is one of `templates`.
 */
export interface HostCarrier {
  source: Source;
  templates: readonly LockedTemplate[];
  own?: { url: string; instead: string; template: LockedTemplate };
}

/** Text without its trailing slashes (by a loop: `/\/+$/` backtracks over a run of slashes not at the end). */
function trimSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}

/** ASCII letters lowered, nothing else: the text keeps its length, so indexes read the original. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** A host name without the one trailing dot of its fully qualified form (`api.example.com.` is `api.example.com`). */
function withoutRootDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/** A template's host and path, split by its variables (`{tenant}.api.example.com`: "", "{tenant}", ".api..."). */
interface TemplateForm {
  host: string[];
  path: string[][];
}

/** Where a template's port (`:443`, `:{port}`) starts: the last `:` outside braces and brackets, or -1. */
function portColon(authority: string): number {
  let depth = 0;
  let at = -1;
  for (let i = 0; i < authority.length; i++) {
    const c = authority[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth = Math.max(0, depth - 1);
    else if (c === ":" && depth === 0) at = i;
  }
  return at;
}

/**
 * A template's host (no port, no trailing dot) and path segments, each split by its `{variables}`;
 * undefined for a template that is no absolute URL. Read by hand: a template is no URL the URL parser takes.
 */
function templateForm(template: string): TemplateForm | undefined {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(template);
  if (!scheme) return undefined;
  const rest = template.slice(scheme[0].length);
  const slash = rest.search(/[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 || rest[slash] !== "/" ? "" : rest.slice(slash).split(/[?#]/)[0]!;
  const colon = portColon(authority);
  const host = withoutRootDot(colon < 0 ? authority : authority.slice(0, colon));
  const segments = trimSlashes(path).split("/").slice(1);
  return { host: host.split(/(\{[^{}]+\})/), path: segments.map((s) => s.split(/(\{[^{}]+\})/)) };
}

/**
 * The variables of one part of a template (`parts`: literals at even indexes, `{names}` at odd ones) as the whole
 * of `text` holds them, letter case aside: each variable takes the text up to the first match of the literal after
 * it, the last literal matching the end of the text (so in a host a variable holds the labels left of the fixed
 * suffix: `x.globex` in `x.globex.api.example.com`). Undefined when the text is not of that form, a value would be
 * empty, or two variables touch (`{a}{b}`: which text is whose cannot be told).
 */
function partValues(parts: readonly string[], text: string): Array<[string, string]> | undefined {
  const lower = asciiLower(text);
  const first = asciiLower(parts[0]!);
  if (!lower.startsWith(first)) return undefined;
  const out: Array<[string, string]> = [];
  let at = first.length;
  for (let i = 1; i < parts.length; i += 2) {
    const literal = asciiLower(parts[i + 1]!);
    const last = i + 2 >= parts.length;
    if (literal === "" && !last) return undefined;
    const end = last ? lower.length - literal.length : lower.indexOf(literal, at + 1);
    if (end <= at || (last && !lower.endsWith(literal))) return undefined;
    out.push([parts[i]!.slice(1, -1), text.slice(at, end)]);
    at = end + literal.length;
  }
  return at === lower.length ? out : undefined;
}

/**
 * The template's variables as the URL holds them (`https://{tenant}.api.example.com/v1` against
 * `https://globex.api.example.com/v1`: tenant = globex). The host is read as a host: parsed (letter case, IDNA,
 * percent-escapes as DNS reads them), its port, a trailing dot and the scheme aside, so the same host written
 * another way (`:8443`, `globex.api.example.com.`, http for https, another path) is still that tenant's. The path
 * is read segment by segment, up to the first literal segment the URL does not have; the URL may go on past it.
 * Undefined when the URL's host is not of the template's form (a proxy, a mock, another host), or a variable's
 * value disagrees with itself.
 */
export function templateValues(
  template: string,
  url: string,
): Map<string, { value: string; inHost: boolean }> | undefined {
  const form = templateForm(template);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (form === undefined || parsed.hostname === "") return undefined;
  const host = partValues(form.host, withoutRootDot(parsed.hostname));
  if (host === undefined) return undefined;
  const out = new Map<string, { value: string; inHost: boolean }>();
  const read = (name: string, value: string, inHost: boolean) => {
    const seen = out.get(name);
    if (seen !== undefined && seen.value !== value) return false;
    out.set(name, { value, inHost });
    return true;
  };
  for (const [name, value] of host) if (!read(name, value, true)) return undefined;
  const segments = parsed.pathname.split("/").slice(1);
  for (let i = 0; i < form.path.length && i < segments.length; i++) {
    const values = partValues(form.path[i]!, segments[i]!);
    if (values === undefined) break;
    for (const [name, value] of values) if (!read(name, value, false)) return undefined;
  }
  return out;
}

/**
 * Whether a value read from a URL is the locked one: in the host as DNS reads it (lower case; a locked name in
 * another script by its IDNA form), in the path exactly, percent-decoded.
 */
function sameTenant(found: { value: string; inHost: boolean }, locked: string): boolean {
  let value: string;
  try {
    value = decodeURIComponent(found.value);
  } catch {
    return false;
  }
  if (!found.inHost) return value === locked;
  const lower = locked.toLowerCase();
  return value === lower || (domainToASCII(lower) || lower) === value;
}

/** A variable naming the lock that holds another tenant, the template it is read by, and the URL naming the locked one. */
export interface Elsewhere {
  name: string;
  why: string;
  instead: string;
  template: ServerTemplate;
  /** Whether the URL is the operation's own server's (the base URL being the spec's server it stands in for). */
  own: boolean;
}

/**
 * How a URL names the lock under one template: `locked` when each variable naming it that the URL holds is the
 * locked value (one at least), the first that is not (with the URL naming the locked one instead), or undefined
 * when the URL is not of the template's form or holds none of them.
 */
function readLock(
  t: LockedTemplate,
  url: string,
  locked: string,
  plain: readonly string[] = [],
): "locked" | "plain" | Omit<Elsewhere, "own"> | undefined {
  if (t.variables.length === 0) return undefined;
  const values = templateValues(t.template.template, url);
  if (values === undefined) return undefined;
  if (plain.some((p) => samePlace(t, values, p))) return "plain";
  let read = false;
  for (const { name, why } of t.variables) {
    const found = values.get(name);
    if (found === undefined) continue;
    read = true;
    if (sameTenant(found, locked)) continue;
    let instead = trimSlashes(t.template.template);
    for (const [other, { value }] of values)
      instead = instead.replaceAll(`{${other}}`, other === name ? encodeURIComponent(locked) : value);
    return { name, why, instead, template: t.template };
  }
  return read ? "locked" : undefined;
}

/**
 * Whether a URL is, as far as a template's variables naming the lock tell, the spec's plain server `plain` (a
 * fixed host it names for everyone, `https://api.example.com` beside `https://{tenant}.example.com`): the template
 * reads each of those variables the URL holds the same from both (`api` from either), so the value is the plain
 * server's host (path), not a tenant's.
 */
function samePlace(
  t: LockedTemplate,
  values: ReadonlyMap<string, { value: string; inHost: boolean }>,
  plain: string,
): boolean {
  const there = templateValues(t.template.template, plain);
  if (there === undefined) return false;
  let read = false;
  for (const { name } of t.variables) {
    const found = values.get(name);
    if (found === undefined) continue;
    const other = there.get(name);
    if (other === undefined || !sameValue(found, other)) return false;
    read = true;
  }
  return read;
}

/** Two values read from URLs, percent-decoded: in a host without letter case. */
function sameValue(a: { value: string; inHost: boolean }, b: { value: string; inHost: boolean }): boolean {
  if (a.inHost !== b.inHost) return false;
  try {
    const [x, y] = [decodeURIComponent(a.value), decodeURIComponent(b.value)];
    return a.inHost ? x.toLowerCase() === y.toLowerCase() : x === y;
  } catch {
    return false;
  }
}

/** What `hostElsewhere` found for a carrier, with the base URL text and lock value it read: a call repeats them. */
const lastFound = new WeakMap<
  HostCarrier,
  { configured: string; locked: string; found: Elsewhere | undefined }
>();

/**
 * Where the URL a call goes to names another tenant than the locked one, read against every template it may be
 * of: undefined when one of them reads the locked tenant there (`{tenant}.eu.api...` for `acme.eu.api...`, though
 * `{tenant}.api...` reads `acme.eu`), when none reads a tenant (a proxy, a mock, another host), or when the source
 * has no base URL now (the executor says so); else the first template's reading of another tenant. Every call of a
 * tool asks again with the same carrier, base URL text and lock: the answer to the last question per carrier is
 * kept (one entry a carrier, held weakly), so the URL is parsed and read against the templates only when the base
 * URL text changes.
 */
export function hostElsewhere(
  carrier: HostCarrier,
  locked: string,
  baseUrlOf: BaseUrlOf,
): Elsewhere | undefined {
  const configured = baseUrlOf(carrier.source);
  if (configured === undefined) return undefined;
  const last = lastFound.get(carrier);
  if (last !== undefined && last.configured === configured && last.locked === locked) return last.found;
  const found = readElsewhere(carrier, locked, configured);
  lastFound.set(carrier, { configured, locked, found: found && Object.freeze(found) });
  return found;
}

function readElsewhere(carrier: HostCarrier, locked: string, configured: string): Elsewhere | undefined {
  const own = carrier.own;
  // The operation's own server takes the call only while the base URL is the spec's server (executor: baseUrlOf);
  // a plain one (no variable) names no tenant.
  if (own && trimSlashes(configured) === trimSlashes(own.instead)) {
    const found = readLock(own.template, own.url, locked);
    return typeof found === "object" ? { ...found, own: true } : undefined;
  }
  const plain = carrier.templates.flatMap((t) =>
    t.template.variables.length === 0 ? [t.template.template] : [],
  );
  let first: Omit<Elsewhere, "own"> | undefined;
  for (const t of carrier.templates) {
    const found = readLock(t, configured, locked, plain);
    if (found === "locked" || found === "plain") return undefined;
    first ??= found;
  }
  return first && { ...first, own: false };
}
