import { describe, expect, it } from "vitest";
import { createIssuerDirectory } from "../../src/transports/http-auth/issuers.js";
import { isLoopback } from "../../src/transports/http-settings.js";

/**
 * One loopback test for the two places that allow plain http only to this machine: the HTTP transport's bind
 * address and an authorization server's JWKS URL. Literals only: a name that starts with "127." is anybody's.
 */

const ISSUER = "https://auth.example.com";

/** An issuer whose metadata names `jwksUri`; nothing else is fetched (jose fetches keys on first use). */
function directoryNaming(jwksUri: string) {
  const fetchMetadata = (async () =>
    new Response(JSON.stringify({ issuer: ISSUER, jwks_uri: jwksUri }), {
      status: 200,
      headers: { "content-type": "application/json" },
    })) as unknown as typeof fetch;
  return createIssuerDirectory([ISSUER], { fetch: fetchMetadata });
}

describe("isLoopback", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.8.9.10", true],
    ["::1", true],
    ["[::1]", true],
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.attacker.example", false],
    ["127.0.0.1.attacker.example", false],
    ["localhost.attacker.example", false],
    ["128.0.0.1", false],
    ["::ffff:127.0.0.1", false],
    ["0.0.0.0", false],
  ])("%s -> %s", (host, want) => {
    expect(isLoopback(host)).toBe(want);
  });
});

describe("plain-http JWKS URLs from issuer metadata", () => {
  it.each([
    "http://127.attacker.example/jwks.json",
    "http://127.0.0.1.nip.io/jwks.json",
    "http://localhost.attacker.example/jwks.json",
    "http://auth.example.com/jwks.json",
  ])("refuses %s", async (jwksUri) => {
    await expect(directoryNaming(jwksUri).keysFor(ISSUER)).rejects.toThrow(
      "the jwks_uri of https://auth.example.com must use https",
    );
  });

  it.each([
    "http://127.0.0.1:9/jwks.json",
    "http://[::1]:9/jwks.json",
    "http://localhost:9/jwks.json",
    "https://auth.example.com/jwks.json",
  ])("accepts %s", async (jwksUri) => {
    await expect(directoryNaming(jwksUri).keysFor(ISSUER)).resolves.toMatchObject({ issuer: ISSUER });
  });
});

describe("issuer documents are read under a size bound", () => {
  const big = {
    issuer: ISSUER,
    jwks_uri: "https://auth.example.com/jwks.json",
    padding: "x".repeat(300 * 1024),
  };

  it("metadata over 256 KB is refused, not read into memory", async () => {
    const fetchBig = (async () =>
      new Response(JSON.stringify(big), { headers: { "content-type": "application/json" } })) as typeof fetch;
    const directory = createIssuerDirectory([ISSUER], { fetch: fetchBig });
    await expect(directory.keysFor(ISSUER)).rejects.toThrow(/is larger than 256 KiB/);
  });

  it("a key set over 256 KB is refused too (jose fetches it through the same bound)", async () => {
    const fetched: string[] = [];
    const fetchJwks = (async (url: string) => {
      fetched.push(String(url));
      const body = String(url).endsWith("/jwks.json")
        ? { keys: [], padding: "x".repeat(300 * 1024) }
        : { issuer: ISSUER, jwks_uri: "https://auth.example.com/jwks.json" };
      return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
    }) as typeof fetch;
    const { keys } = await createIssuerDirectory([ISSUER], { fetch: fetchJwks }).keysFor(ISSUER);
    await expect(keys({ alg: "RS256", kid: "k1" }, { payload: "", signature: "" })).rejects.toThrow(
      /larger than 256 KiB/,
    );
    expect(fetched.at(-1)).toBe("https://auth.example.com/jwks.json");
  });
});
