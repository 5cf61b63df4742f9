import type { ServerTemplate, Source } from "../catalog.js";
import { holds, samePlace, templateValues, trimSlashes } from "../config/server-template.js";
import { sameUrl, urlValue } from "../config/url-value.js";

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
  const names = t.variables.map((v) => v.name);
  if (plain.some((p) => samePlace(t.template.template, url, values, p, names))) return "plain";
  let read = false;
  for (const { name, why } of t.variables) {
    const found = values.get(name);
    if (found === undefined) continue;
    read = true;
    if (holds(found, locked)) continue;
    let instead = trimSlashes(t.template.template);
    for (const [other, { value }] of values)
      instead = instead.replaceAll(`{${other}}`, other === name ? encodeURIComponent(locked) : value);
    return { name, why, instead, template: t.template };
  }
  return read ? "locked" : undefined;
}

/** What `hostElsewhere` found for a carrier, with the base URL text and lock value it read: a call repeats them. */
const lastFound = new WeakMap<
  HostCarrier,
  { configured: string; locked: string; chosen: boolean; found: Elsewhere | undefined }
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
  envText: (name: string) => string | undefined = () => undefined,
): Elsewhere | undefined {
  const configured = baseUrlOf(carrier.source);
  if (configured === undefined) return undefined;
  const chosen = operatorChosen(carrier.source, configured, envText);
  const last = lastFound.get(carrier);
  if (
    last !== undefined &&
    last.configured === configured &&
    last.locked === locked &&
    last.chosen === chosen
  )
    return last.found;
  const found = readElsewhere(carrier, locked, configured, chosen);
  lastFound.set(carrier, { configured, locked, chosen, found: found && Object.freeze(found) });
  return found;
}

/**
 * Whether the operator chose the base URL (an env variable or file set, or a value other than the spec's
 * default), rather than leaving the spec's first server in place. A spec's plain server beside a tenant's template
 * names no tenant only when chosen: left as the default, it may be a sample host written for the reader
 * (`https://your-domain.atlassian.net` beside `https://{domain}.atlassian.net`), and a locked call must not take
 * its credentials there because nobody set the base URL.
 */
function operatorChosen(
  source: Source,
  configured: string,
  envText: (name: string) => string | undefined,
): boolean {
  const { baseUrl } = source;
  if (baseUrl.file !== undefined || baseUrl.byEnv !== undefined) return true;
  if (baseUrl.env !== undefined && envText(baseUrl.env) !== undefined) return true;
  // Compared by value (`sameUrl`); a base URL that is no URL was chosen by nobody (the executor refuses it).
  if (baseUrl.default === undefined) return true;
  return urlValue(configured) !== undefined && !sameUrl(configured, baseUrl.default);
}

function readElsewhere(
  carrier: HostCarrier,
  locked: string,
  configured: string,
  chosen: boolean,
): Elsewhere | undefined {
  const own = carrier.own;
  // The operation's own server takes the call only while the base URL is the spec's server, compared by value as
  // the executor compares them (`baseUrlOf`); a plain one (no variable) names no tenant.
  if (own && sameUrl(configured, own.instead)) {
    const found = readLock(own.template, own.url, locked);
    return typeof found === "object" ? { ...found, own: true } : undefined;
  }
  // A plain server names no tenant only as a base URL the operator chose (`operatorChosen`).
  const plain = chosen
    ? carrier.templates.flatMap((t) => (t.template.variables.length === 0 ? [t.template.template] : []))
    : [];
  let first: Omit<Elsewhere, "own"> | undefined;
  for (const t of carrier.templates) {
    const found = readLock(t, configured, locked, plain);
    if (found === "locked" || found === "plain") return undefined;
    first ??= found;
  }
  return first && { ...first, own: false };
}
