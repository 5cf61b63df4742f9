import { domainToASCII } from "node:url";
import type { ServerTemplate } from "../catalog.js";

/**
 * A spec's server URL templates (`https://{tenant}.api.example.com/v1`, `Source.servers`) read against a URL: the
 * values its variables hold there. The tenant lock reads the base URL's tenant with it (`policy/server-tenant.ts`),
 * and the executor holds the base URL to the values the spec allows each variable (`outsideEnum`).
 */

/** Text without its trailing slashes (by a loop: `/\/+$/` backtracks over a run of slashes not at the end). */
export function trimSlashes(text: string): string {
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
  /** Its port, split by its variables, when it has one (`:{port}`, `:8443`). */
  port?: string[];
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
  return {
    host: host.split(/(\{[^{}]+\})/),
    ...(colon < 0 ? {} : { port: authority.slice(colon + 1).split(/(\{[^{}]+\})/) }),
    path: segments.map((s) => s.split(/(\{[^{}]+\})/)),
  };
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
  // A port variable (`:{port}`) holds the URL's port, its scheme's default when it names none: the port is part of
  // the place, so a value its enum does not list is read as such (`outsideEnum`), not passed over. A port not of
  // the template's form (`8{x}` against 443) gives each of its variables the whole port, which no enum lists alike.
  if (form.port !== undefined && form.port.length > 1) {
    const port = portOf(parsed);
    const values =
      partValues(form.port, port) ??
      form.port.filter((_, i) => i % 2 === 1).map((v) => [v.slice(1, -1), port]);
    for (const [name, value] of values) if (!read(name, value, false)) return undefined;
  }
  const segments = parsed.pathname.split("/").slice(1);
  for (let i = 0; i < form.path.length && i < segments.length; i++) {
    const values = partValues(form.path[i]!, segments[i]!);
    if (values === undefined) break;
    for (const [name, value] of values) if (!read(name, value, false)) return undefined;
  }
  return out;
}

/** A URL's port as a number's text: the one it names, else its scheme's default (443 for https, 80 for http). */
function portOf(url: URL): string {
  return url.port !== ""
    ? url.port
    : url.protocol === "https:"
      ? "443"
      : url.protocol === "http:"
        ? "80"
        : "";
}

/** Whether two URLs name one port (`portOf`); never when either is no URL. */
export function samePort(a: string, b: string): boolean {
  try {
    return portOf(new URL(a)) === portOf(new URL(b));
  } catch {
    return false;
  }
}

/** A variable's value as a URL holds it, and whether in the host (else in the path). */
export interface ReadValue {
  value: string;
  inHost: boolean;
}

/**
 * Whether a value read from a URL is the given one: in the host as DNS reads it (lower case; a name in another
 * script by its IDNA form), in the path exactly, percent-decoded.
 */
export function holds(found: ReadValue, locked: string): boolean {
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

/** Two values read from URLs, percent-decoded: in a host without letter case. */
export function sameValue(a: ReadValue, b: ReadValue): boolean {
  if (a.inHost !== b.inHost) return false;
  try {
    const [x, y] = [decodeURIComponent(a.value), decodeURIComponent(b.value)];
    return a.inHost ? x.toLowerCase() === y.toLowerCase() : x === y;
  } catch {
    return false;
  }
}

/**
 * Whether a URL is, as far as the variables `names` of a template tell, the spec's plain server `plain` (a fixed
 * host it names for everyone, `https://api.example.com` beside `https://{region}.example.com`): `values` are the
 * template's reading of `url`, and it reads each of those variables the URL holds (one at least) the same from
 * `plain` (`api` from either), so the value is the plain server's host (path), not a chosen one; and the URL names
 * the plain server's port (a port is part of the place: `https://api.example.com:8443` is another server, read by
 * the template as any other URL). `names`: every variable the URL holds unless given.
 */
export function samePlace(
  template: string,
  url: string,
  values: ReadonlyMap<string, ReadValue>,
  plain: string,
  names: Iterable<string> = values.keys(),
): boolean {
  if (!samePort(url, plain)) return false;
  const there = templateValues(template, plain);
  if (there === undefined) return false;
  let read = false;
  for (const name of names) {
    const found = values.get(name);
    if (found === undefined) continue;
    const other = there.get(name);
    if (other === undefined || !sameValue(found, other)) return false;
    read = true;
  }
  return read;
}

/** A variable a base URL holds a value for that its spec's server does not allow (`enum`), and what it allows. */
export interface OutsideEnum {
  template: string;
  name: string;
  allowed: readonly string[];
}

/**
 * Where a base URL holds, for a variable of its spec's server templates, a value the variable's `enum` does not
 * list (`https://staging.api.example.com` where `{region}` takes eu or us), so the spec says no such server
 * exists: the first such variable, of the first template reading the URL. Undefined when one template reads the
 * URL with every value it allows (or lists none for), when the URL is one of the spec's plain servers (a
 * template reads both the same), or when no template reads it (a proxy, a mock, another host: the operator's).
 */
export function outsideEnum(templates: readonly ServerTemplate[], url: string): OutsideEnum | undefined {
  const plain = templates.filter((t) => t.variables.length === 0).map((t) => t.template);
  let first: OutsideEnum | undefined;
  for (const t of templates) {
    if (t.variables.length === 0) continue;
    const values = templateValues(t.template, url);
    if (values === undefined || values.size === 0) continue;
    const out = t.variables.find(({ name, enum: allowed }) => {
      const found = values.get(name);
      return found !== undefined && allowed !== undefined && !allowed.some((a) => holds(found, a));
    });
    if (out === undefined) return undefined;
    if (plain.some((p) => samePlace(t.template, url, values, p))) return undefined;
    first ??= { template: t.template, name: out.name, allowed: out.enum ?? [] };
  }
  return first;
}
