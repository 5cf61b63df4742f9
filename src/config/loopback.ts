/**
 * Whether `host` (a host name, an IP literal, or a bracketed IPv6 literal as URLs write it) is this machine:
 * `localhost`, `::1`, or an IPv4 literal in 127.0.0.0/8. Only literals count; `127.attacker.example` is a
 * name anyone can point anywhere. Shared by the bind address check, the plain-http issuer/JWKS check and the
 * plain-http token endpoint check of upstream OAuth2.
 */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  return process.getBuiltinModule("node:net").isIP(bare) === 4 && bare.startsWith("127.");
}
