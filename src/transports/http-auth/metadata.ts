/**
 * RFC 9728 Protected Resource Metadata: what a client fetches (from the 401's `resource_metadata`) to learn
 * which authorization servers issue tokens for this MCP endpoint and which scopes to ask for.
 */

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers?: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
}

export function protectedResourceMetadata(options: {
  resource: URL;
  authorizationServers: readonly string[];
  scopes: readonly string[];
  name?: string;
}): ProtectedResourceMetadata {
  return {
    resource: options.resource.href,
    ...(options.authorizationServers.length > 0
      ? { authorization_servers: [...options.authorizationServers] }
      : {}),
    ...(options.scopes.length > 0 ? { scopes_supported: [...options.scopes] } : {}),
    bearer_methods_supported: ["header"],
    ...(options.name ? { resource_name: options.name } : {}),
  };
}

/** `https://host/.well-known/oauth-protected-resource/<path of the resource>` (RFC 9728 section 3.1). */
export function metadataUrlFor(resource: URL): string {
  const path = resource.pathname === "/" ? "" : resource.pathname;
  return `${resource.origin}/.well-known/oauth-protected-resource${path}`;
}
