import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

/**
 * A local OAuth authorization server, as much as a resource server sees of one: RFC 8414 metadata (or only
 * OpenID discovery, per tenant), and a JWKS. Keys are made here; `mint` signs access tokens with any claims,
 * and with a key the JWKS does not publish when a test wants a forged signature.
 */

export interface LocalIssuer {
  origin: string;
  /** Issuer identifier of a tenant (`${origin}/${tenant}`). */
  issuer(tenant: string): string;
  mint(tenant: string, claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** The public JWK of the key `forged` signs with (published nowhere), for a token that embeds or points to it. */
  forgedJwk: Record<string, unknown>;
  /** Metadata/JWKS requests received, by path. */
  hits: string[];
  /**
   * Makes a tenant's metadata documents or key set fail (a status, a page that is no JSON, JSON that is no key
   * set), or, with `{}`, answer again.
   */
  fault(tenant: string, fault: Fault): void;
  close(): Promise<void>;
}

export interface MintOptions {
  /** Sign with a key the JWKS does not publish. */
  forged?: boolean;
  alg?: string;
  noExp?: boolean;
  typ?: string | null;
  kid?: string;
  /** More protected header members (jwk, jku, x5u, crit...). */
  header?: Record<string, unknown>;
}

export interface Fault {
  metadata?: number;
  jwks?: number | "html" | "not-a-key-set";
}

interface Tenant {
  /** Which discovery document the tenant publishes. */
  discovery: "rfc8414" | "oidc";
  /** The `jwks_uri` its metadata names, given the origin (default: its own `/jwks`). */
  jwksUri?: (origin: string) => string;
}

export async function startLocalIssuer(tenants: Record<string, Tenant>): Promise<LocalIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const forged = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "key-1", alg: "ES256", use: "sig" };
  const hits: string[] = [];
  const faults = new Map<string, Fault>();
  let origin = "";

  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    hits.push(path);
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const fail = (status: number) => {
      res.writeHead(status, { "content-type": "text/plain" });
      res.end("unavailable");
    };
    for (const [name, tenant] of Object.entries(tenants)) {
      const issuer = `${origin}/${name}`;
      const fault = faults.get(name) ?? {};
      const jwks_uri = tenant.jwksUri?.(origin) ?? `${issuer}/jwks`;
      const metadata = { issuer, jwks_uri, token_endpoint: `${issuer}/token` };
      const served =
        (tenant.discovery === "rfc8414" && path === `/.well-known/oauth-authorization-server/${name}`) ||
        (tenant.discovery === "oidc" && path === `/${name}/.well-known/openid-configuration`);
      if (served) return fault.metadata !== undefined ? fail(fault.metadata) : json(metadata);
      if (path === `/${name}/jwks`) {
        if (typeof fault.jwks === "number") return fail(fault.jwks);
        if (fault.jwks === "html") {
          res.writeHead(200, { "content-type": "text/html" });
          return res.end("<html><body>maintenance</body></html>");
        }
        if (fault.jwks === "not-a-key-set") return json({ keys: "none" });
        return json({ keys: [jwk] });
      }
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    issuer: (tenant) => `${origin}/${tenant}`,
    hits,
    forgedJwk: { ...(await exportJWK(forged.publicKey)), kid: "key-1", alg: "ES256", use: "sig" },
    fault: (tenant, fault) => void faults.set(tenant, fault),
    async mint(tenant, claims, options = {}) {
      const key: CryptoKey = options.forged ? forged.privateKey : privateKey;
      let jwt = new SignJWT({ ...claims })
        .setProtectedHeader({
          alg: options.alg ?? "ES256",
          kid: options.kid ?? "key-1",
          ...(options.typ === null ? {} : { typ: options.typ ?? "at+jwt" }),
          ...options.header,
        })
        .setIssuer(claims.iss ?? `${origin}/${tenant}`)
        .setIssuedAt();
      if (!options.noExp && claims.exp === undefined) jwt = jwt.setExpirationTime("5m");
      // A `crit` header member is signed as is (jose would refuse to sign members it is not told it knows).
      const crit = options.header?.crit;
      const known = Array.isArray(crit)
        ? Object.fromEntries(crit.map((name) => [String(name), true]))
        : undefined;
      return jwt.sign(key, known ? { crit: known } : undefined);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
