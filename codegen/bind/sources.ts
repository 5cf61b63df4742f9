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
  return [...(v.env ? [v.env] : []), ...(v.byEnv ? [v.byEnv.env] : []), ...envNamesOf(v.file?.path)];
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
    case "oauth2ClientCredentials": {
      const clientId = need(spec, "client_id", scheme, diags, at);
      const clientSecret = need(spec, "client_secret", scheme, diags, at);
      const tokenUrl = spec.token_url ?? (info?.kind === "oauth2ClientCredentials" ? info.tokenUrl : "");
      if (!tokenUrl) {
        diags.error("TW110", `auth.${scheme}: no token URL (set token_url)`, at);
        return undefined;
      }
      const scopes = spec.scopes ?? [];
      return clientId && clientSecret
        ? { kind, scheme, tokenUrl, scopes, clientId, clientSecret }
        : undefined;
    }
    default:
      diags.error(
        "TW142",
        `auth.${scheme}: ${info ? `scheme type "${info.kind === "unsupported" ? info.type : info.kind}" is not supported` : "unknown scheme; give it a `type`"}`,
        at,
        "Supported: bearer, apiKey (header/query/cookie), basic, OAuth2 client credentials.",
      );
      return undefined;
  }
}

export function timeoutOf(spec: SourceSpec): number {
  return spec.timeout_ms ?? DEFAULT_TIMEOUT_MS;
}
