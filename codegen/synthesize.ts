import type { LoadedDocument } from "./load/document.js";
import type { AuthSpec, EnvSpec, Manifest } from "./manifest/types.js";
import type { OpenApiSourceModel } from "./normalize/openapi/model.js";

export const BARE_SOURCE = "api";

export function envPrefix(catalog: string): string {
  return catalog.replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

/** A catalog name from a spec file name: `api.github.com.json` -> `api-github-com`. */
export function catalogNameFromFile(file: string): string {
  const base = (file.split(/[\\/]/).pop() ?? "api").replace(/\.(ya?ml|json)$/i, "");
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
export function synthesizeManifest(name: string, specPath: string, model: OpenApiSourceModel): Manifest {
  const p = envPrefix(name);
  const env: Record<string, EnvSpec> = {};
  const absolute = model.servers.find((u) => /^https?:\/\//i.test(u));
  const relative = absolute ? undefined : model.servers[0];
  env[`${p}_BASE_URL`] = {
    description: `Base URL of the ${model.title} API${
      absolute
        ? ""
        : relative?.startsWith("/")
          ? ` (scheme and host; the spec's server path ${relative} is added to every operation)`
          : " (the spec names none, so it is required)"
    }.`,
    type: "url",
    ...(absolute ? { default: absolute } : { required: true }),
  };
  const auth: Record<string, AuthSpec> = {};
  const schemes = Object.entries(model.securitySchemes);
  const countOf = (kind: string) => schemes.filter(([, s]) => s.kind === kind).length;
  for (const [scheme, info] of schemes) {
    const tag = countOf(info.kind) > 1 ? `${envPrefix(scheme)}_` : "";
    const secret = (suffix: string, what: string) => {
      const envName = `${p}_${tag}${suffix}`;
      env[envName] = { description: `${what} for the "${scheme}" security scheme.`, secret: true };
      return { env: envName };
    };
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
      case "oauth2ClientCredentials":
        auth[scheme] = {
          client_id: secret("CLIENT_ID", "OAuth2 client id"),
          client_secret: secret("CLIENT_SECRET", "OAuth2 client secret"),
        };
        break;
      case "unsupported":
        break;
    }
  }
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
