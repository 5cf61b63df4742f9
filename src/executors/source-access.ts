import { type Source, serverTemplatesOf, type ToolOutcome } from "../catalog.js";
import { failure } from "../chain.js";
import { type Config, ConfigError } from "../config/config.js";
import { outsideEnum } from "../config/server-template.js";
import { describeSource, ValueError, valueNow } from "../config/values.js";
import { type Authenticator, createAuthenticator } from "./upstream-auth.js";

/** A source ready to be called: its URL, resolved for this call, and its (shared, caching) authenticator. */
export interface SourceAccess {
  source: Source;
  /** The URL as configured (request building joins paths to it as written). */
  raw: string;
  /** The URL parsed, a new object on each read (GraphQL appends the source's path to it). */
  readonly url: URL;
  auth: Authenticator;
}

export interface SourceAccessOptions {
  sources: readonly Source[];
  config: Config;
  fetch: typeof fetch;
  /** How failures name the URL: "base URL" for REST, "endpoint URL" for GraphQL. */
  urlName: string;
}

/**
 * Looks up a binding's source and resolves its URL at call time (env, file or stage default can change between
 * calls; read synchronously, with no async step per call); the URL comes from configuration only and must be http(s) without a fragment. One authenticator (and
 * OAuth2 token cache) is kept per source and resolved URL, and a URL is checked when it is first met, not on every
 * call that resolves it again.
 */
export function createSourceAccess(options: SourceAccessOptions) {
  const sources = new Map(options.sources.map((source) => [source.id, source]));
  const authenticators = new Map<string, Authenticator>();
  const name = options.urlName;

  return (sourceId: string): SourceAccess | ToolOutcome => {
    const source = sources.get(sourceId);
    if (!source) return failure(`source '${sourceId}' is not defined in the catalog`, "catalog");
    let value: string | undefined;
    try {
      value = valueNow(source.baseUrl, options.config);
    } catch (error) {
      if (error instanceof ValueError) return failure(error.message, "configuration");
      throw error;
    }
    if (value === undefined) {
      return failure(`no ${name} for '${source.id}': set ${describeSource(source.baseUrl)}`, "configuration");
    }
    const key = `${source.id} ${value}`;
    let auth = authenticators.get(key);
    if (!auth) {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return failure(`the ${name} for '${source.id}' is not a URL`, "configuration");
      }
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hash !== "") {
        return failure(`the ${name} for '${source.id}' must be http(s), without a fragment`, "configuration");
      }
      // The spec lists the only values a server variable takes: a base URL of that server with another names a
      // server the spec says does not exist (another region's, another tenant's host). The value is not repeated.
      const outside = outsideEnumProblem(source, value, name);
      if (outside !== undefined) return failure(outside, "configuration");
      auth = createAuthenticator(source, options.config, {
        fetch: options.fetch,
        baseUrl: value,
        timeoutMs: source.timeoutMs,
      });
      authenticators.set(key, auth);
    }
    const raw = value;
    return {
      source,
      raw,
      get url() {
        return new URL(raw);
      },
      auth,
    };
  };
}

export function isAccess(x: SourceAccess | ToolOutcome): x is SourceAccess {
  return "auth" in x && "raw" in x;
}

/**
 * Why a base URL is of a server of its source's spec with a value a variable's `enum` does not list (naming the
 * server, the variable and the values it takes, never the value read), or undefined.
 */
function outsideEnumProblem(source: Source, value: string, name: string): string | undefined {
  const outside = outsideEnum(serverTemplatesOf(source), value);
  if (outside === undefined) return undefined;
  const { template, name: variable } = outside;
  const allowed =
    outside.allowed.length > 20
      ? [...outside.allowed.slice(0, 20), `and ${outside.allowed.length - 20} more`]
      : outside.allowed;
  return `the ${name} for '${source.id}' (${describeSource(source.baseUrl)}) is of the spec's server ${template} with a value {${variable}} does not take: the spec allows only ${allowed.join(", ")}; set it to that server with one of them, or add the value to the variable's enum (sources.${source.id}.patch)`;
}

/**
 * The base URLs that cannot change while the server runs (an env variable's, read once at start, a value it
 * chooses, a default), held to their spec's server variables' enums at start: a ConfigError listing each source
 * whose base URL is of a server with a value its enum does not list, so the server does not start to fail every
 * call. A base URL read from a file (re-read on every call) is checked when a call first meets it, as every base
 * URL still is.
 */
export function checkBaseUrlsAtStart(sources: readonly Source[], config: Config): void {
  const problems: string[] = [];
  for (const source of sources) {
    if (serverTemplatesOf(source).length === 0) continue;
    const { baseUrl } = source;
    const fromEnv = baseUrl.env !== undefined && config.isSet(baseUrl.env);
    if (!fromEnv && baseUrl.file !== undefined) continue;
    let value: string | undefined;
    try {
      value = valueNow(baseUrl, config);
    } catch {
      continue; // said by the call that reads it
    }
    if (value === undefined) continue;
    const problem = outsideEnumProblem(source, value, "base URL");
    if (problem !== undefined) problems.push(problem);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
