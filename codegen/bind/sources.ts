import { isSendableName, sendableNameRule } from "../../src/catalog.js";
import { parseEnvValue } from "../../src/config/config.js";
import type { Diagnostics } from "../diagnostics.js";
import type { AuthScheme, EnvVarNode, SourceRef, ValueSource } from "../ir/types.js";
import type { LoadedDocument } from "../load/document.js";
import type { AuthSpec, EnvSpec, Manifest, SourceSpec, ValueSourceSpec } from "../manifest/types.js";
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

/**
 * A declaration whose parts do not fit together is an error at the part (the server would refuse to start, or
 * ignore it): a default the type does not read, `values` or `aliases` on a type other than enum, an enum without
 * values or with an alias to no value, `trim_paths` on a type other than url.
 */
function checkEnvDeclaration(
  name: string,
  e: EnvSpec,
  node: EnvVarNode,
  doc: LoadedDocument,
  diags: Diagnostics,
) {
  const at = (key: string) => doc.ref(`#/env/${name}/${key}`);
  const type = node.type;
  if (type === "enum" && (e.values ?? []).length === 0)
    diags.error(
      "TW110",
      `env ${name} is an enum without values`,
      doc.ref(`#/env/${name}`, true),
      "add values: [a, b] (the values it may take)",
    );
  for (const key of ["values", "aliases"] as const)
    if (e[key] !== undefined && type !== "enum")
      diags.error(
        "TW110",
        `env ${name}: ${key} applies to type enum only (it is ${type})`,
        at(key),
        `write type: enum, or remove ${key}`,
      );
  if (e.trim_paths !== undefined && type !== "url")
    diags.error(
      "TW110",
      `env ${name}: trim_paths applies to type url only (it is ${type})`,
      at("trim_paths"),
      "write type: url, or remove trim_paths",
    );
  if (type === "enum")
    for (const [alias, target] of Object.entries(e.aliases ?? {}))
      if (!(e.values ?? []).includes(target))
        diags.error(
          "TW110",
          `env ${name}: alias ${JSON.stringify(alias)} names ${JSON.stringify(target)}, which is not among its values`,
          doc.ref(`#/env/${name}/aliases/${alias}`),
          `write one of ${(e.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`,
        );
  if (e.default !== undefined && (type !== "enum" || (e.values ?? []).length > 0)) {
    const parsed = parseEnvValue(node, e.default);
    if (!parsed.ok)
      diags.error(
        "TW110",
        `env ${name}: the default does not fit type ${type}: ${parsed.problem}`,
        at("default"),
      );
  }
}

export function bindEnv(manifest: Manifest, doc: LoadedDocument, diags: Diagnostics): EnvVarNode[] {
  return Object.entries(manifest.env ?? {}).map(([name, e]) => {
    const node = bindEnvVar(name, e, doc);
    checkEnvDeclaration(name, e, node, doc, diags);
    return node;
  });
}

function bindEnvVar(name: string, e: EnvSpec, doc: LoadedDocument): EnvVarNode {
  return {
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
  };
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
      if (where !== "query" && !isSendableName(where, name)) {
        diags.error(
          "TW142",
          `auth.${scheme}: the apiKey's ${where} name ${JSON.stringify(name)} is not ${sendableNameRule(where)}, so no request can carry the key`,
          at,
          `Set \`name:\` under sources.<id>.auth.${scheme} to the name the API reads, or patch the spec's scheme (sources.<id>.patch).`,
        );
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
        `auth.${scheme}: ${info?.kind === "unsupported" && info.problem ? `the spec's scheme is malformed (${info.problem.message}); give it a \`type\` to send it anyway` : info ? `scheme type "${info.kind === "unsupported" ? info.type : info.kind}" is not supported` : "unknown scheme; give it a `type`"}`,
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
