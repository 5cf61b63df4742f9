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

/**
 * A server template of a tool whose variables name the lock (with why): its source's (`Source.server`, read
 * against the configured base URL), or its operation's own (`HttpBinding.server.template`, whose filled URL takes
 * the call while the base URL is the spec's server it stands in for).
 */
export interface HostCarrier {
  source: Source;
  template: ServerTemplate;
  variables: ReadonlyArray<{ name: string; why: string }>;
  /** The operation's own server, when the template is its: `url` is sent while the base URL is `instead`. */
  own?: { url: string; instead: string };
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

/**
 * The template's variables as the URL holds them (`https://{tenant}.api.example.com/v1` against
 * `https://globex.api.example.com/v1`: tenant = globex), compared case-insensitively, trailing slashes aside; the
 * URL may go on past the template after a `/`. Each variable takes the shortest non-empty text before the literal
 * after it (a last one: up to the next `/`, `?` or the end). Undefined when the URL is not of the template's form (a
 * proxy, a mock, another host) or two variables touch (`{a}{b}`: which text is whose cannot be told).
 */
export function templateValues(
  template: string,
  url: string,
): Map<string, { value: string; inHost: boolean }> | undefined {
  const parts = trimSlashes(template).split(/(\{[^{}]+\})/);
  const text = trimSlashes(url);
  const lower = asciiLower(text);
  const first = asciiLower(parts[0]!);
  if (!lower.startsWith(first)) return undefined;
  const out = new Map<string, { value: string; inHost: boolean }>();
  let at = first.length;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!.slice(1, -1);
    const literal = asciiLower(parts[i + 1] ?? "");
    const last = i + 2 >= parts.length;
    if (literal === "" && !last) return undefined;
    let end: number;
    if (literal === "") {
      const stop = text.slice(at).search(/[/?]/);
      end = stop < 0 ? text.length : at + stop;
    } else end = lower.indexOf(literal, at + 1);
    if (end < 0 || end <= at) return undefined;
    const inHost = /^[a-z][a-z0-9+.-]*:\/\/[^/]*$/i.test(template.slice(0, template.indexOf(parts[i]!)));
    const value = text.slice(at, end);
    if (inHost && /[/?@]/.test(value)) return undefined;
    const seen = out.get(name);
    if (seen !== undefined && seen.value !== value) return undefined;
    out.set(name, { value, inHost });
    at = end + literal.length;
  }
  const rest = text.slice(at);
  return rest === "" || rest.startsWith("/") || rest.startsWith("?") || parts.at(-1)!.endsWith("/")
    ? out
    : undefined;
}

/** Whether a value read from a URL is the locked one: decoded, and in the host (case-free there) by lower case. */
function sameTenant(found: { value: string; inHost: boolean }, locked: string): boolean {
  let value: string;
  try {
    value = decodeURIComponent(found.value);
  } catch {
    return false;
  }
  return found.inHost ? value.toLowerCase() === locked.toLowerCase() : value === locked;
}

/**
 * The first server variable naming the lock whose value in the configured base URL is another tenant's, with the
 * URL that would name the locked one instead; undefined when every one is the locked value, when the source has no
 * base URL now (the executor says so), or when the URL is not of the template's form (it names no tenant there).
 */
export function hostElsewhere(
  carrier: HostCarrier,
  locked: string,
  baseUrlOf: BaseUrlOf,
): { name: string; why: string; instead: string } | undefined {
  let configured = baseUrlOf(carrier.source);
  if (configured === undefined) return undefined;
  if (carrier.own) {
    // The operation's own server takes the call only while the base URL is the spec's server (executor: baseUrlOf).
    if (trimSlashes(configured) !== trimSlashes(carrier.own.instead)) return undefined;
    configured = carrier.own.url;
  }
  let href: string;
  try {
    href = new URL(configured).href;
  } catch {
    return undefined;
  }
  const values = templateValues(carrier.template.template, href);
  if (values === undefined) return undefined;
  for (const { name, why } of carrier.variables) {
    const found = values.get(name);
    if (found === undefined || sameTenant(found, locked)) continue;
    let instead = trimSlashes(carrier.template.template);
    for (const [other, { value }] of values)
      instead = instead.replaceAll(`{${other}}`, other === name ? encodeURIComponent(locked) : value);
    return { name, why, instead };
  }
  return undefined;
}
