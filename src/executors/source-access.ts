import { type Source, serverTemplatesOf, type ToolOutcome } from "../catalog.js";
import { failure } from "../chain.js";
import type { Config } from "../config/config.js";
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
      const outside = outsideEnum(serverTemplatesOf(source), value);
      if (outside !== undefined) {
        const { template, name: variable } = outside;
        const allowed =
          outside.allowed.length > 20
            ? [...outside.allowed.slice(0, 20), `and ${outside.allowed.length - 20} more`]
            : outside.allowed;
        return failure(
          `the ${name} for '${source.id}' (${describeSource(source.baseUrl)}) is of the spec's server ${template} with a value {${variable}} does not take: the spec allows only ${allowed.join(", ")}; set it to that server with one of them, or add the value to the variable's enum (sources.${source.id}.patch)`,
          "configuration",
        );
      }
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
