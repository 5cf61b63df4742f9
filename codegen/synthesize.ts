import type { AuthScheme } from "../src/catalog.js";
import { sharedToken } from "../src/executors/upstream-auth.js";
import { shownValue } from "../src/telemetry/redact.js";
import { specEndpoints } from "./bind/skips.js";
import type { LoadedDocument } from "./load/document.js";
import type { AuthSpec, EnvSpec, Manifest } from "./manifest/types.js";
import type { OAuthFlow, OpenApiSourceModel, SecuritySchemeInfo } from "./normalize/openapi/model.js";
import { asciiLatin } from "./plan/names.js";
import { withoutUrlCredentials } from "./url-credentials.js";

export const BARE_SOURCE = "api";

export function envPrefix(catalog: string): string {
  return catalog.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

/** Words a title carries that name no API in particular (`CarCheck API`, `Swagger Petstore - OpenAPI 3.0`). */
const GENERIC = new Set([
  "api",
  "apis",
  "rest",
  "restful",
  "http",
  "https",
  "json",
  "openapi",
  "swagger",
  "spec",
  "specification",
  "service",
  "services",
  "server",
  "the",
  "official",
  "version",
  "documentation",
  "docs",
  "reference",
]);

/**
 * A catalog name from a spec's `info.title`: lower-case ASCII words, generic words (API, REST, OpenAPI,
 * Swagger, ...) and version numbers left out, at most 40 characters: `CarCheck API` -> `carcheck`, `Swagger
 * Petstore - OpenAPI 3.0` -> `petstore`, `Microsoft Graph v1.0` -> `microsoft-graph`, `GitHub's official OpenAPI spec
 * + Octokit extension` -> `github` (possessives kept whole, what follows ` + ` left out). Undefined when the title
 * leaves nothing (then the caller says so and asks for --name).
 */
export function catalogNameFromTitle(title: string | undefined): string | undefined {
  // What follows a ` + ` is an addition to the API (`GitHub's official OpenAPI spec + Octokit extension`).
  const main = (title ?? "").split(/\s\+\s/)[0] ?? "";
  const words = asciiLatin(main)
    .toLowerCase()
    // A possessive is part of its word: `GitHub's` -> `github`, `Employees' Fund` -> `employees-fund`.
    .replace(/([a-z0-9])['\u2019]s?(?![a-z0-9])/g, "$1")
    .split(/[^a-z0-9.]+/)
    .map((w) => w.replace(/^\.+|\.+$/g, ""))
    .filter((w) => w !== "" && !/^v?\d+(?:\.\d+)*$/.test(w))
    .flatMap((w) => w.split("."))
    .filter((w) => w !== "" && !GENERIC.has(w));
  let name = "";
  for (const word of words) {
    const next = name ? `${name}-${word}` : word;
    if (next.length > 40) break;
    name = next;
  }
  if (!/^[a-z]/.test(name)) name = name ? `api-${name}` : "";
  return name || undefined;
}

/** A catalog name from a spec file name, when its title gives none: `api.github.com.json` -> `api-github-com`. */
export function catalogNameFromFile(file: string): string {
  const base = (
    file
      .replace(/[\\/]+$/, "")
      .split(/[\\/]/)
      .pop() ?? "api"
  ).replace(/\.(ya?ml|json|graphqls?|gql|sdl)$/i, "");
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return /^[a-z]/.test(slug) ? slug : `api-${slug || "spec"}`;
}

/**
 * The manifest a bare spec implies: every operation with its default name, the base URL from `servers`
 * (overridable by `<NAME>_BASE_URL`), and one env variable per credential of every security scheme.
 */
export function synthesizeManifest(name: string, specPath: string, spec: OpenApiSourceModel): Manifest {
  // The server's title and version go into every initialize answer: a spec's info.title or info.version of
  // megabytes must not make that message larger than a client accepts (the MCP SDK refuses 10 MiB).
  const model = {
    ...spec,
    title: boundedText(spec.title, MAX_TITLE),
    version: boundedText(spec.version, MAX_VERSION),
  };
  const p = envPrefix(name);
  const env: Record<string, EnvSpec> = {};
  const absolute = model.servers.find((u) => /^https?:\/\//i.test(u));
  env[`${p}_BASE_URL`] = baseUrlEnv(model, absolute);
  const auth = schemeAuth(p, model, env);
  return {
    catalog: name,
    server: { name, version: model.version, title: model.title },
    env,
    sources: {
      [BARE_SOURCE]: {
        openapi: specPath,
        base_url: { env: `${p}_BASE_URL`, ...(absolute ? { default: absolute } : {}) },
        auth,
      },
    },
    select: [{ all: true }],
  };
}

/** Characters of a spec's info.title and info.version a bare catalog's server keeps (cut with "..."). */
export const MAX_TITLE = 200;
export const MAX_VERSION = 64;

/** `text` cut to at most `max` characters, at a space when one is near the end, marked with "...". */
export function boundedText(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never half of a surrogate pair (an emoji at the cut).
  const cut = text.slice(0, max - 3).replace(/[\uD800-\uDBFF]$/, "");
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}...`;
}

/**
 * The base URL variable: defaults to the spec's first absolute server, else is required, its description saying
 * why (a relative server, a server set aside, none).
 */
function baseUrlEnv(model: OpenApiSourceModel, absolute: string | undefined): EnvSpec {
  const relative = absolute ? undefined : model.servers[0];
  return {
    description: `Base URL of the ${model.title}${/\bapi$/i.test(model.title.trim()) ? "" : " API"}${
      absolute
        ? ""
        : relative?.startsWith("/")
          ? ` (scheme and host; the spec's server path ${relative} is added to every operation)`
          : model.serverRelative
            ? " (the spec's server is relative to the URL the spec is served at, which a file has none of (TW133), so it is required: the URL that server names)"
            : model.serverSetAside !== undefined
              ? ` (the spec's server was set aside, ${model.serverSetAside} (TW133), so it is required)`
              : " (the spec names none, so it is required)"
    }.${serverVariablesNote(model)}`,
    type: "url",
    ...(absolute ? { default: absolute } : { required: true }),
  };
}

/**
 * The variables written in a server URL template's credentials (`https://{user}:{pw}@host`, `?api_key={key}`,
 * `urlCredentials`): a credential's default (a password, a token) belongs in no generated file, the description
 * CATALOG.md and `--help` print included. The runtime never sends a URL's credentials: the default URL is written
 * without them.
 */
function credentialVariables(template: string): Set<string> {
  const names = (text: string) => [...text.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] as string);
  const kept = new Set(names(withoutUrlCredentials(template)));
  return new Set(names(template).filter((name) => !kept.has(name)));
}

/**
 * The spec's server template and what its variables may be (`{region}`: one of `us`, `eu`), which the default URL
 * fills with their defaults: a user picks another value by writing the URL with it. Values are listed up to a bound.
 */
function serverVariablesNote(model: OpenApiSourceModel): string {
  const sv = model.serverVariables;
  if (!sv) return "";
  const MAX_VALUES = 20;
  const credentials = credentialVariables(sv.template);
  const one = (v: NonNullable<OpenApiSourceModel["serverVariables"]>["variables"][number]) => {
    if (credentials.has(v.name))
      return `{${v.name}}: part of the URL's credentials, never sent (the source's auth is configured instead), its default not shown`;
    const values = v.enum ?? [];
    const listed = values.slice(0, MAX_VALUES).map((x) => JSON.stringify(boundedText(x, 80)));
    const more = values.length > MAX_VALUES ? `, and ${values.length - MAX_VALUES} more` : "";
    const allowed = values.length > 0 ? `one of ${listed.join(", ")}${more}; ` : "";
    const fallback =
      v.default === undefined ? "no default" : `default ${JSON.stringify(boundedText(v.default, 80))}`;
    return `{${v.name}}: ${allowed}${fallback}`;
  };
  const shown = sv.variables.slice(0, MAX_VALUES).map(one);
  if (sv.variables.length > MAX_VALUES) shown.push(`${sv.variables.length - MAX_VALUES} more variables`);
  return ` The spec's server is ${boundedText(shownValue(sv.template), 200)} (${shown.join("; ")}).`;
}

/** Auth of every supported security scheme, each credential read from an env variable it declares in `env`. */
function schemeAuth(
  p: string,
  model: OpenApiSourceModel,
  env: Record<string, EnvSpec>,
): Record<string, AuthSpec> {
  // No prototype: a scheme may be named `__proto__` (a spec's names are any text).
  const auth: Record<string, AuthSpec> = Object.create(null);
  const schemes = Object.entries(model.securitySchemes);
  // Schemes that would read the same variable names (a bearer token and an OAuth2 token) get tagged names.
  const family = (kind: string) => (kind === "oauth2" ? "bearer" : kind);
  const countOf = (kind: string) => schemes.filter(([, s]) => family(s.kind) === family(kind)).length;
  const merged = mergedAway(model);
  for (const [scheme, info] of schemes) {
    if (merged.has(scheme)) continue;
    const tag = countOf(info.kind) > 1 ? `${envPrefix(scheme)}_` : "";
    const declare = (suffix: string, what: string, spec: Partial<EnvSpec> = { secret: true }) => {
      const envName = `${p}_${tag}${suffix}`;
      env[envName] = { description: `${what} for the "${scheme}" security scheme.`, ...spec };
      return { env: envName };
    };
    const secret = (suffix: string, what: string) => declare(suffix, what);
    switch (info.kind) {
      case "bearer":
        auth[scheme] = { token: secret("TOKEN", "Bearer token") };
        break;
      case "apiKey":
        auth[scheme] = { value: secret("API_KEY", `API key (${info.in} "${info.name}")`) };
        break;
      case "basic":
        auth[scheme] = {
          username: secret("USERNAME", "User name"),
          password: secret("PASSWORD", "Password"),
        };
        break;
      case "oauth2":
        auth[scheme] = oauthAuth(info, declare);
        break;
      case "unsupported":
        break;
    }
  }
  // A scheme every requirement satisfies with another's token or key reads that scheme's variables: none of its own.
  // Its token only: renewing belongs to the kept scheme (an implicit flow has no token URL to renew at).
  for (const [scheme, kept] of merged) {
    const { token, value } = auth[kept] ?? {};
    if (token) auth[scheme] = { token };
    else if (value) auth[scheme] = { value };
  }
  return auth;
}

/**
 * Schemes whose token or key no call reads: in every requirement naming them, one token of the same authorization
 * server is sent for them (`sharedToken`, Google's implicit `Oauth2` beside the authorization-code `Oauth2c`), or
 * one API key of the very same slot (fec.gov's two schemes of the query `api_key`), mapped to the scheme kept.
 * Decided as the runtime decides it, on the schemes as the bare auth configures them.
 */
function mergedAway(model: OpenApiSourceModel): Map<string, string> {
  const schemes = new Map<string, AuthScheme>();
  const none = { env: "" };
  for (const [name, info] of Object.entries(model.securitySchemes)) {
    if (info.kind === "bearer") schemes.set(name, { kind: "bearer", scheme: name, token: none });
    if (info.kind === "apiKey")
      schemes.set(name, { kind: "apiKey", scheme: name, in: info.in, name: info.name, value: none });
    if (info.kind === "oauth2") {
      const renews = info.tokenUrl !== undefined || info.discoveryUrl !== undefined;
      const { tokenUrl, discoveryUrl } = info;
      schemes.set(name, {
        kind: "oauth2",
        scheme: name,
        flows: [],
        token: none,
        ...(tokenUrl ? { tokenUrl } : {}),
        ...(discoveryUrl ? { discoveryUrl } : {}),
        ...(renews ? { refreshToken: none } : {}),
      } as unknown as AuthScheme);
    }
  }
  const keptFor = new Map<string, string>();
  const read = new Set<string>();
  const endpoints = specEndpoints(model);
  for (const alternative of new Set(model.operations.flatMap((o) => o.security.map((a) => a.join("\n"))))) {
    const alt = alternative.split("\n");
    const shared = sharedToken(alt, schemes, endpoints).shared;
    for (const name of alt) {
      const before = keptFor.get(name);
      const into = shared.find((s) => s.merged.includes(name))?.kept;
      if (into !== undefined && (before === undefined || before === into)) keptFor.set(name, into);
      else read.add(name);
    }
  }
  return new Map([...keptFor].filter(([name]) => !read.has(name)));
}

const FLOW_NAMES: Record<OAuthFlow, string> = {
  authorizationCode: "authorization code",
  implicit: "implicit",
  password: "password",
  clientCredentials: "client credentials",
  deviceAuthorization: "device authorization",
  openIdConnect: "OpenID Connect",
};

/**
 * OAuth2 (any flow) and OpenID Connect: an access token the user obtained, from a variable or a file re-read at each
 * call; where the spec names a token endpoint, a refresh token and the client to renew it (and, for a client
 * credentials flow, to request tokens with the client's own credentials).
 */
function oauthAuth(
  info: Extract<SecuritySchemeInfo, { kind: "oauth2" }>,
  declare: (suffix: string, what: string, spec?: Partial<EnvSpec>) => { env: string },
): AuthSpec {
  const flows = info.flows.map((f) => FLOW_NAMES[f]).join(", ") || "no flows declared";
  const token = declare("TOKEN", `OAuth2 access token (${flows}), sent as a bearer token,`);
  const file = declare(
    "TOKEN_FILE",
    "A file holding the access token, re-read at each call (instead of the variable),",
    {
      type: "path",
    },
  );
  const spec: AuthSpec = { token: { ...token, file: { path: file } } };
  if (!info.tokenUrl && !info.discoveryUrl) return spec;
  const where = info.tokenUrl ?? `the token endpoint named by ${info.discoveryUrl}`;
  return {
    ...spec,
    refresh_token: declare(
      "REFRESH_TOKEN",
      `Refresh token, renewing the access token at ${where} when it expires,`,
    ),
    client_id: declare("CLIENT_ID", "OAuth2 client id (for renewing tokens)"),
    client_secret: declare(
      "CLIENT_SECRET",
      info.flows.includes("clientCredentials")
        ? "OAuth2 client secret (confidential clients; with the client id it also requests tokens itself)"
        : "OAuth2 client secret (confidential clients only)",
    ),
  };
}

/**
 * The manifest a bare GraphQL schema implies: every Query and Mutation field with its default name, the endpoint
 * from `<NAME>_URL` (a schema does not say where it is served, so it is required) and, since a schema does not say
 * how it is authenticated either, an optional bearer token from `<NAME>_TOKEN` or a file named by
 * `<NAME>_TOKEN_FILE` (re-read at each call); with neither set, requests go without credentials.
 */
export function synthesizeGraphqlManifest(name: string, files: string[]): Manifest {
  const p = envPrefix(name);
  return {
    catalog: name,
    server: { name, version: "1.0.0", title: name },
    env: {
      [`${p}_URL`]: {
        description:
          "The GraphQL endpoint URL (a schema does not say where it is served, so it is required).",
        type: "url",
        required: true,
      },
      [`${p}_TOKEN`]: {
        description:
          "Bearer token sent as `Authorization: Bearer <token>` with every request (unset: no credentials are sent).",
        secret: true,
      },
      [`${p}_TOKEN_FILE`]: {
        description: "A file holding the bearer token, re-read at each call (instead of the variable).",
        type: "path",
      },
    },
    sources: {
      [BARE_SOURCE]: {
        graphql: files,
        base_url: { env: `${p}_URL` },
        auth: {
          token: { type: "bearer", token: { env: `${p}_TOKEN`, file: { path: { env: `${p}_TOKEN_FILE` } } } },
        },
        // The token when it is set; a public endpoint needs none.
        security: [["token"], []],
      },
    },
    select: [{ all: true }],
  };
}

/** Stands in for tools.yaml when there is none: diagnostics point at the spec instead. */
export function virtualManifestDoc(manifest: Manifest, abs: string, specFile: string): LoadedDocument {
  return {
    abs,
    file: specFile,
    text: "",
    data: manifest,
    ref: () => ({ file: specFile }),
    cheapRef: () => ({ file: specFile }),
  };
}
