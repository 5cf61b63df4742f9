import type { AuthScheme, CatalogDocument } from "../catalog.js";
import { describeSource } from "../config/values.js";

/** How each upstream credential is given, for `serve <catalog> --help` (names variables, never values). */
export function credentialsHelp(doc: CatalogDocument): string[] {
  const lines = doc.sources.flatMap((source) =>
    source.auth.map((scheme) => `  ${source.id} / ${scheme.scheme}\n      ${describeScheme(scheme)}`),
  );
  if (lines.length === 0) return [];
  return [
    "",
    "Upstream credentials (a tool works as soon as one of its security alternatives is complete):",
    ...lines,
  ];
}

const FLOW_NAMES: Record<string, string> = {
  authorizationCode: "authorization code",
  clientCredentials: "client credentials",
  deviceAuthorization: "device authorization",
  openIdConnect: "OpenID Connect",
};

function describeScheme(scheme: AuthScheme): string {
  switch (scheme.kind) {
    case "bearer":
      return `Bearer token from ${describeSource(scheme.token)}.`;
    case "apiKey":
      return `API key (${scheme.in} ${scheme.name}) from ${describeSource(scheme.value)}.`;
    case "basic":
      return `Basic auth: user from ${describeSource(scheme.username)}, password from ${describeSource(scheme.password)}.`;
    case "oauth2ClientCredentials":
      return `OAuth2 client credentials: client id from ${describeSource(scheme.clientId)}, secret from ${describeSource(scheme.clientSecret)}; tokens are requested at ${scheme.tokenUrl}.`;
    case "oauth2":
      return describeOAuth(scheme);
  }
}

function describeOAuth(scheme: Extract<AuthScheme, { kind: "oauth2" }>): string {
  const flows = scheme.flows.map((f) => FLOW_NAMES[f] ?? f).join(", ") || "OAuth2";
  const parts = [
    `${scheme.flows.includes("openIdConnect") ? "" : "OAuth2 "}${flows}: an access token you obtained (any way the provider offers), from ${describeSource(scheme.token)}, sent as a bearer token; a file is re-read at each call.`,
  ];
  const where =
    scheme.tokenUrl ??
    (scheme.discoveryUrl ? `the token endpoint named by ${scheme.discoveryUrl}` : undefined);
  if (where && scheme.refreshToken && scheme.clientId) {
    const secret = scheme.clientSecret
      ? ` (and ${describeSource(scheme.clientSecret)} for a confidential client)`
      : "";
    parts.push(
      `With ${describeSource(scheme.refreshToken)} and ${describeSource(scheme.clientId)}${secret}, a token that expired or that the upstream refused is renewed at ${where}.`,
    );
  }
  if (where && scheme.flows.includes("clientCredentials") && scheme.clientId && scheme.clientSecret) {
    parts.push(
      `Without a token, ${describeSource(scheme.clientId)} and ${describeSource(scheme.clientSecret)} request one with the client credentials flow.`,
    );
  }
  return parts.join("\n      ");
}
