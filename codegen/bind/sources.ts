import type { Diagnostics } from "../diagnostics.js";
import type { AuthScheme, EnvVarNode, SourceRef, ValueSource } from "../ir/types.js";
import type { LoadedDocument } from "../load/document.js";
import type { AuthSpec, Manifest, SourceSpec, ValueSourceSpec } from "../manifest/types.js";
import type { SecuritySchemeInfo } from "../normalize/openapi/model.js";

export const DEFAULT_TIMEOUT_MS = 30_000;

export function valueSourceOf(spec: ValueSourceSpec): ValueSource {
  return {
    ...(spec.env ? { env: spec.env } : {}),
    ...(spec.file
      ? {
          file: {
            path: valueSourceOf(spec.file.path),
            ...(spec.file.pointer ? { pointer: spec.file.pointer } : {}),
            ...(spec.file.pointers ? { pointers: [...spec.file.pointers] } : {}),
          },
        }
      : {}),
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    ...(spec.by_env ? { byEnv: { env: spec.by_env.env, values: { ...spec.by_env.values } } } : {}),
  };
}

/** Every env variable a value source reads. */
export function envNamesOf(v: ValueSource | undefined): string[] {
  if (!v) return [];
  const inPointers = (v.file?.pointers ?? []).flatMap((p) =>
    [...p.matchAll(/\{([A-Z_][A-Z0-9_]*)\}/g)].map((m) => m[1]!),
  );
  return [
    ...(v.env ? [v.env] : []),
    ...(v.byEnv ? [v.byEnv.env] : []),
    ...envNamesOf(v.file?.path),
    ...inPointers,
  ];
}

export function bindEnv(manifest: Manifest, doc: LoadedDocument): EnvVarNode[] {
  return Object.entries(manifest.env ?? {}).map(([name, e]) => ({
    name,
    description: e.description.trim(),
    type: e.type ?? "string",
    ...(e.default !== undefined ? { default: e.default } : {}),
    ...(e.values ? { values: [...e.values] } : {}),
    ...(e.aliases ? { aliases: { ...e.aliases } } : {}),
    required: e.required === true,
    secret: e.secret === true,
    ...(e.trim_paths ? { trimPaths: [...e.trim_paths] } : {}),
    source: doc.ref(`#/env/${name}`, true),
  }));
}

function need(
  spec: AuthSpec,
  key: keyof AuthSpec,
  scheme: string,
  diags: Diagnostics,
  at: SourceRef,
): ValueSource | undefined {
  const v = spec[key];
  if (v && typeof v === "object" && !Array.isArray(v)) return valueSourceOf(v as ValueSourceSpec);
  diags.error("TW110", `auth.${scheme} needs "${key}" (where the credential comes from)`, at);
  return undefined;
}

/** Credentials for one scheme: kind from the spec (or the manifest's `type`), values from the manifest. */
export function authFor(
  scheme: string,
  spec: AuthSpec,
  info: SecuritySchemeInfo | undefined,
  diags: Diagnostics,
  at: SourceRef,
): AuthScheme | undefined {
  const bound = authKindFor(scheme, spec, info, diags, at);
  const hint = spec.hint?.replace(/\s+/g, " ").trim();
  return bound && hint ? { ...bound, hint } : bound;
}

function authKindFor(
  scheme: string,
  spec: AuthSpec,
  info: SecuritySchemeInfo | undefined,
  diags: Diagnostics,
  at: SourceRef,
): AuthScheme | undefined {
  const kind = spec.type ?? (info && info.kind !== "unsupported" ? info.kind : undefined);
  switch (kind) {
    case "bearer": {
      const token = need(spec, "token", scheme, diags, at);
      return token ? { kind, scheme, token } : undefined;
    }
    case "apiKey": {
      const value = need(spec, "value", scheme, diags, at);
      const where = spec.in ?? (info?.kind === "apiKey" ? info.in : undefined);
      const name = spec.name ?? (info?.kind === "apiKey" ? info.name : undefined);
      if (!where || !name) {
        diags.error("TW110", `auth.${scheme}: an apiKey needs "in" and "name"`, at);
        return undefined;
      }
      return value ? { kind, scheme, in: where, name, value } : undefined;
    }
    case "basic": {
      const username = need(spec, "username", scheme, diags, at);
      const password = need(spec, "password", scheme, diags, at);
      return username && password ? { kind, scheme, username, password } : undefined;
    }
    case "oauth2ClientCredentials":
      return clientCredentialsFor(scheme, spec, info, diags, at);
    case "oauth2":
      // A manifest written for client credentials alone (no token) keeps meaning exactly that.
      if (
        !spec.token &&
        spec.client_secret &&
        info?.kind === "oauth2" &&
        info.flows.includes("clientCredentials")
      )
        return clientCredentialsFor(scheme, spec, info, diags, at);
      return userTokenFor(scheme, spec, info, diags, at);
    default:
      diags.error(
        "TW142",
        `auth.${scheme}: ${info ? `scheme type "${info.kind === "unsupported" ? info.type : info.kind}" is not supported` : "unknown scheme; give it a `type`"}`,
        at,
        "Supported: bearer, apiKey (header/query/cookie), basic, OAuth2 (any flow) and OpenID Connect with a token you provide, OAuth2 client credentials. Set `type:` to send this scheme's credential as one of those.",
      );
      return undefined;
  }
}

function clientCredentialsFor(
  scheme: string,
  spec: AuthSpec,
  info: SecuritySchemeInfo | undefined,
  diags: Diagnostics,
  at: SourceRef,
): AuthScheme | undefined {
  const clientId = need(spec, "client_id", scheme, diags, at);
  const clientSecret = need(spec, "client_secret", scheme, diags, at);
  const tokenUrl = spec.token_url ?? (info?.kind === "oauth2" ? info.tokenUrl : undefined);
  if (!tokenUrl) {
    diags.error("TW110", `auth.${scheme}: no token URL (set token_url)`, at);
    return undefined;
  }
  const scopes = spec.scopes ?? [];
  return clientId && clientSecret
    ? { kind: "oauth2ClientCredentials", scheme, tokenUrl, scopes, clientId, clientSecret }
    : undefined;
}

/** OAuth2 (any flow) or OpenID Connect with a token the user provides, renewed where the flow allows it. */
function userTokenFor(
  scheme: string,
  spec: AuthSpec,
  info: SecuritySchemeInfo | undefined,
  diags: Diagnostics,
  at: SourceRef,
): AuthScheme | undefined {
  const token = need(spec, "token", scheme, diags, at);
  const oauth = info?.kind === "oauth2" ? info : undefined;
  const tokenUrl = spec.token_url ?? oauth?.tokenUrl;
  const discoveryUrl = spec.discovery_url ?? oauth?.discoveryUrl;
  const renews = spec.refresh_token !== undefined || spec.client_secret !== undefined;
  if (renews && spec.client_id === undefined) {
    diags.error("TW110", `auth.${scheme}: renewing tokens needs "client_id"`, at);
    return undefined;
  }
  if (renews && !tokenUrl && !discoveryUrl) {
    diags.error("TW110", `auth.${scheme}: no token URL to renew tokens at (set token_url)`, at);
    return undefined;
  }
  if (!token) return undefined;
  const value = (key: "refresh_token" | "client_id" | "client_secret") => {
    const v = spec[key];
    return v ? valueSourceOf(v) : undefined;
  };
  const refreshToken = value("refresh_token");
  const clientId = value("client_id");
  const clientSecret = value("client_secret");
  return {
    kind: "oauth2",
    scheme,
    flows: oauth ? [...oauth.flows] : [],
    token,
    ...(tokenUrl ? { tokenUrl } : {}),
    ...(discoveryUrl && !tokenUrl ? { discoveryUrl } : {}),
    scopes: spec.scopes ?? [],
    ...(refreshToken ? { refreshToken } : {}),
    ...(clientId ? { clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  };
}

export function timeoutOf(spec: SourceSpec): number {
  return spec.timeout_ms ?? DEFAULT_TIMEOUT_MS;
}
