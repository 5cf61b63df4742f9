import { describe, expect, it } from "vitest";
import type { EnvVar, TransportConfig } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { canonicalAddress } from "../../src/config/loopback.js";
import { redact } from "../../src/telemetry/redact.js";
import { wwwAuthenticate } from "../../src/transports/http-auth/challenge.js";
import { metadataUrls, sameIssuer } from "../../src/transports/http-auth/issuers.js";
import { scopesOf } from "../../src/transports/http-auth/jwt.js";
import { metadataUrlFor } from "../../src/transports/http-auth/metadata.js";
import { createStaticKeyCheck } from "../../src/transports/http-auth/static-key.js";
import { checkHost, checkOrigin, hostAllowed } from "../../src/transports/http-guard.js";
import { callerKey } from "../../src/transports/http-inflight.js";
import {
  HttpSettingsError,
  isLoopback,
  issuerOf,
  resolveHttpSettings,
  wantsHttp,
} from "../../src/transports/http-settings.js";
import { SHOWN_ID_CHARS, shownId } from "../../src/transports/shown-id.js";

// Unit tables for the HTTP transport's pure parts: settings resolution (and every start-up refusal), the
// Host/Origin allow-list, issuer naming, challenges.

const ENV: EnvVar[] = [
  {
    name: "T",
    description: "",
    type: "enum",
    values: ["stdio", "sse", "http"],
    default: "stdio",
    required: false,
    secret: false,
  },
  { name: "H", description: "", type: "string", required: false, secret: false },
  { name: "P", description: "", type: "integer", required: false, secret: false },
  { name: "HOSTS", description: "", type: "list", required: false, secret: false },
  { name: "URL", description: "", type: "url", required: false, secret: false },
  { name: "AS", description: "", type: "list", required: false, secret: false },
  { name: "KEY", description: "", type: "string", required: false, secret: true },
];
const TRANSPORT: TransportConfig = {
  selectEnv: "T",
  httpValues: ["sse", "http"],
  host: "127.0.0.1",
  hostEnv: "H",
  port: 8765,
  portEnv: "P",
  allowedHostsEnv: "HOSTS",
  publicUrlEnv: "URL",
  authorizationServersEnv: "AS",
  bearerEnv: "KEY",
  requiredScopes: ["mcp"],
};
const KEY = "k".repeat(16);
const settings = (env: Record<string, string>) =>
  resolveHttpSettings({ transport: TRANSPORT }, resolveConfig(ENV, { T: "http", ...env }));
const problems = (env: Record<string, string>) => {
  try {
    settings(env);
  } catch (error) {
    if (error instanceof HttpSettingsError) return error.problems;
    throw error;
  }
  return [];
};

describe("transport selection", () => {
  it.each([
    ["http", true],
    ["sse", true],
    ["HTTP", true],
    ["stdio", false],
    [undefined, false],
  ])("T=%s -> HTTP %s", (value, want) => {
    const config = resolveConfig(ENV, value === undefined ? {} : { T: value });
    expect(wantsHttp(TRANSPORT, config)).toBe(want);
  });

  it("a catalog without a transport section serves stdio", () => {
    expect(wantsHttp(undefined, resolveConfig(ENV, { T: "http" }))).toBe(false);
  });
});

describe("settings", () => {
  it("defaults: loopback 8765, localhost names allowed, limits", () => {
    expect(settings({ KEY })).toMatchObject({
      host: "127.0.0.1",
      port: 8765,
      loopback: true,
      allowedHosts: ["localhost", "127.0.0.1", "[::1]"],
      authorizationServers: [],
      bearer: KEY,
      requiredScopes: ["mcp"],
      maxBodyBytes: 16 * 1024 * 1024,
    });
  });

  it("host, port, hosts, public URL and issuers from env", () => {
    const s = settings({
      KEY,
      H: "0.0.0.0",
      P: "9000",
      HOSTS: "MCP.example.com, mcp.example.com:8443",
      URL: "https://mcp.example.com/",
      AS: "https://auth.example.com,https://idp.example.com/.well-known/oauth-authorization-server/tenant",
    });
    expect(s).toMatchObject({
      host: "0.0.0.0",
      port: 9000,
      loopback: false,
      allowedHosts: ["mcp.example.com", "mcp.example.com:8443"],
      authorizationServers: ["https://auth.example.com", "https://idp.example.com/tenant"],
    });
    expect(s.publicUrl?.href).toBe("https://mcp.example.com/mcp");
  });

  it.each([
    [{ H: "0.0.0.0" }, "binding to 0.0.0.0 (not loopback) needs HOSTS"],
    [{ H: "10.0.0.5", HOSTS: "*" }, "HOSTS: wildcards are not accepted"],
    [{ HOSTS: "bad host" }, "HOSTS: expected host names"],
    // Before: accepted, an entry no Host can match (every request refused 403).
    [
      { HOSTS: "mcp.example.com:99999" },
      'HOSTS: the port of "mcp.example.com:99999" is not a number from 0 to 65535',
    ],
    [{ KEY: "short" }, "KEY: the client key must be at least 16 characters"],
    // A key no client can send as `Bearer <key>` (every client was refused 401, nothing said why).
    [{ KEY: `${KEY}\n` }, "KEY: the client key has a line break (its last character)"],
    [{ KEY: `${KEY}\r` }, "KEY: the client key has a line break (its last character)"],
    [{ KEY: ` ${KEY}` }, "KEY: the client key has a space (character 1)"],
    [{ KEY: "correct horse battery staple" }, "KEY: the client key has a space (character 8)"],
    [{ KEY: `${KEY}\t` }, "KEY: the client key has a tab"],
    [{ KEY: `${KEY}\u001b[0m` }, "KEY: the client key has a control character"],
    [{ KEY: `${KEY}\u00e9` }, "KEY: the client key has a character outside ASCII"],
    [{ P: "70000" }, "P: expected a port number between 0 and 65535"],
    [{ AS: "http://auth.example.com" }, "AS: http://auth.example.com must use https"],
    [{ AS: "not a url" }, "AS: expected issuer URLs"],
    [{ URL: "https://mcp.example.com/?x=1" }, "URL: expected a URL without query"],
    [
      { H: "0.0.0.0", HOSTS: "mcp.example.com", AS: "https://auth.example.com" },
      "OAuth mode on a non-loopback bind needs URL",
    ],
  ])("refuses %j", (env, message) => {
    expect(problems({ KEY, ...env }).join("\n")).toContain(message);
  });

  it("the client key is redacted however it was given, also from a variable the catalog did not mark secret", () => {
    const plain = ENV.map((v) => (v.name === "KEY" ? { ...v, secret: false } : v));
    const fromVariable = "bluewhalesunsetharbor";
    resolveHttpSettings({ transport: TRANSPORT }, resolveConfig(plain, { T: "http", KEY: fromVariable }));
    const fromOverride = "quietmorningoverthebay";
    resolveHttpSettings(
      { transport: TRANSPORT },
      resolveConfig(plain, { T: "http" }),
      {},
      { bearer: fromOverride },
    );
    const line = redact(`upstream said: ${fromVariable} and ${fromOverride}`);
    expect(line).not.toContain(fromVariable);
    expect(line).not.toContain(fromOverride);
  });

  it("refuses to serve without any client authentication", () => {
    expect(problems({})).toEqual([
      "HTTP mode refuses to serve without client authentication: set KEY (clients send Authorization: Bearer <key>) or set AS (OAuth access tokens)",
    ]);
  });

  it("OAuth alone is enough, and never echoes a secret in a problem", () => {
    expect(problems({ AS: "https://auth.example.com" })).toEqual([]);
    expect(problems({ KEY: "short-canary" }).join("\n")).not.toContain("short-canary");
    expect(problems({ KEY: "long-canary-key with-a-space\n" }).join("\n")).not.toContain("canary");
  });

  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.4", false],
    ["localhost.example.com", false],
  ])("loopback(%s) = %s", (host, want) => {
    expect(isLoopback(host)).toBe(want);
  });
});

describe("bind address", () => {
  it.each([
    ["::ffff:127.0.0.1", "127.0.0.1"],
    ["[::ffff:7f00:1]", "127.0.0.1"],
    ["::ffff:127.9.8.7", "127.9.8.7"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["[0:0::1]", "::1"],
    ["127.1", "127.0.0.1"],
    ["0x7f.0.0.1", "127.0.0.1"],
    ["2130706433", "127.0.0.1"],
    ["0", "0.0.0.0"],
    ["::ffff:0.0.0.0", "0.0.0.0"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["fe80::1%lo", "fe80::1%lo"],
    ["127.0.0.1.evil.test", "127.0.0.1.evil.test"],
    ["cafe.be", "cafe.be"],
    ["localhost", "localhost"],
  ])("%s is bound as %s", (written, bound) => {
    expect(canonicalAddress(written)).toBe(bound);
  });

  it.each([
    ["::ffff:127.0.0.1", "127.0.0.1", true],
    ["0:0:0:0:0:0:0:1", "::1", true],
    ["[::1]", "::1", true],
    ["127.1", "127.0.0.1", true],
    ["0", "0.0.0.0", false],
    ["0:0:0:0:0:0:0:0", "::", false],
    ["::ffff:0.0.0.0", "0.0.0.0", false],
    ["localhost", "localhost", true],
    ["mcp.internal", "mcp.internal", false],
  ])("H=%s is bound as %s (loopback: %s)", (bind, host, loopback) => {
    const env = { H: bind, KEY, ...(loopback ? {} : { HOSTS: "mcp.example.com" }) };
    expect(settings(env)).toMatchObject({ host, loopback });
    if (!loopback) expect(problems({ H: bind, KEY })[0]).toMatch(/not loopback\) needs HOSTS/);
  });
});

describe("Host and Origin allow-list", () => {
  const allowed = ["localhost", "127.0.0.1", "[::1]", "mcp.example.com:8443"];
  it.each([
    ["localhost:8765", true],
    ["LOCALHOST", true],
    ["127.0.0.1:1", true],
    ["[::1]:8765", true],
    ["mcp.example.com:8443", true],
    ["mcp.example.com", false],
    ["mcp.example.com:443", false],
    ["localhost.evil.com", false],
    ["evil.com", false],
    ["127.0.0.1.evil.com", false],
    ["localhost:8765@evil.com", false],
    ["", false],
    // Equal by value (RFC 3986 3.2.3, RFC 5952): before, refused as text.
    ["mcp.example.com:08443", true],
    ["MCP.Example.COM:0008443", true],
    ["localhost:", true],
    ["[0:0:0:0:0:0:0:1]:8765", true],
    ["[0::1]", true],
    // Other hosts or ports whatever their text.
    ["mcp.example.com:", false],
    ["mcp.example.com:84430", false],
    ["mcp.example.com:065536", false],
    ["[::2]", false],
    ["[::ffff:127.0.0.1]", false],
    ["localhost.", false],
    ["127.1", false],
    ["[::zz]", false],
  ])("Host %j allowed: %s", (host, want) => {
    expect(hostAllowed(host, allowed)).toBe(want);
  });

  it("a Host without a port names a default port: it meets an entry host:443 or host:80, no other", () => {
    const withPorts = ["mcp.example.com:443", "plain.example.com:80", "odd.example.com:8443"];
    // Before: refused, as if the Host named no port at all.
    expect(checkHost("mcp.example.com", withPorts).ok).toBe(true);
    expect(checkHost("MCP.example.com", withPorts).ok).toBe(true);
    expect(checkHost("plain.example.com", withPorts).ok).toBe(true);
    expect(checkHost("mcp.example.com:", withPorts).ok).toBe(true);
    expect(checkHost("mcp.example.com:0443", withPorts).ok).toBe(true);
    for (const other of [
      "odd.example.com",
      "mcp.example.com:80",
      "mcp.example.com:8443",
      "plain.example.com:443",
      "evil.example.com",
    ])
      expect(checkHost(other, withPorts).ok, other).toBe(false);
  });

  it("an Origin without a port is its scheme's default port", () => {
    const withPorts = ["mcp.example.com:443", "plain.example.com:80", "[::1]:8765"];
    // Before: refused, `https://mcp.example.com` met as no port at all.
    expect(checkOrigin("https://mcp.example.com", withPorts, { host: "mcp.example.com" }).ok).toBe(true);
    expect(checkOrigin("http://plain.example.com", withPorts, { host: "plain.example.com:80" }).ok).toBe(
      true,
    );
    expect(checkOrigin("http://[::1]:8765", withPorts, { host: "[0:0::1]:08765" }).ok).toBe(true);
    for (const [other, host] of [
      ["http://mcp.example.com", "mcp.example.com"],
      ["https://plain.example.com", "plain.example.com"],
      ["http://[::1]", "[::1]"],
      ["https://mcp.example.com:8443", "mcp.example.com:8443"],
    ])
      expect(checkOrigin(other, withPorts, { host }).ok, other).toBe(false);
  });

  it("Host is required; Origin is optional but checked when present", () => {
    expect(checkHost(undefined, allowed).ok).toBe(false);
    expect(checkOrigin(undefined, allowed, { host: "localhost:8765" }).ok).toBe(true);
    expect(checkOrigin("http://localhost:8765", allowed, { host: "localhost:8765" }).ok).toBe(true);
    const own = { host: "mcp.example.com:8443" };
    expect(checkOrigin("https://mcp.example.com:8443", allowed, own).ok).toBe(true);
    for (const bad of [
      "null",
      "http://evil.com",
      "file://localhost",
      "chrome-extension://abc",
      "http://localhost.evil.com",
    ]) {
      expect(checkOrigin(bad, allowed, { host: "localhost:8765" }).ok, bad).toBe(false);
    }
  });

  // An origin is exactly scheme://host[:port], and it must be this server's: the host and port the request was sent
  // to. Before, every one of these was accepted by a server bound to 127.0.0.1:8765 (loopback names on any port, and
  // any text a URL parser reads as one).
  it.each([
    ["another local program's page", "http://localhost:3000"],
    ["another loopback name than the one addressed", "http://127.0.0.1:8765"],
    ["no port (80), the server on 8765", "http://localhost"],
    ["uppercase scheme and host", "HTTP://LOCALHOST:8765"],
    ["a path", "http://localhost:8765/mcp"],
    ["a trailing slash", "http://localhost:8765/"],
    ["userinfo", "http://user@localhost:8765"],
    ["a port with a leading zero", "http://localhost:08765"],
    ["a trailing dot", "http://localhost.:8765"],
    ["a lookalike name", "http://127.0.0.1.evil.test:8765"],
    ["a query", "http://localhost:8765?x"],
    ["surrounding space", " http://localhost:8765"],
    ["null", "null"],
    ["an empty value", ""],
  ])("refuses an Origin with %s (%j) sent to Host localhost:8765", (_label, origin) => {
    const result = checkOrigin(origin, ["localhost", "127.0.0.1", "[::1]"], { host: "localhost:8765" });
    expect(result.ok).toBe(false);
  });

  it("accepts the Origin of the public URL behind a proxy that passes on another Host", () => {
    const list = ["mcp.example.com", "10.0.0.5:8765"];
    const addressed = { host: "10.0.0.5:8765", publicOrigin: "https://mcp.example.com" };
    expect(checkOrigin("https://mcp.example.com", list, addressed).ok).toBe(true);
    expect(checkOrigin("https://mcp.example.com:8443", list, addressed).ok).toBe(false);
    expect(checkOrigin("http://mcp.example.com", list, addressed).ok).toBe(false);
    expect(
      checkOrigin("https://evil.example.com", list, {
        ...addressed,
        publicOrigin: "https://evil.example.com",
      }).ok,
    ).toBe(false);
  });
});

describe("issuers and metadata", () => {
  it.each([
    ["https://as.example.com", "https://as.example.com"],
    ["https://as.example.com/", "https://as.example.com/"],
    ["https://as.example.com/.well-known/oauth-authorization-server", "https://as.example.com"],
    ["https://as.example.com/.well-known/oauth-authorization-server/t1", "https://as.example.com/t1"],
    ["https://as.example.com/t1/.well-known/openid-configuration", "https://as.example.com/t1"],
    ["https://as.example.com/.well-known/openid-configuration/t1", "https://as.example.com/t1"],
  ])("issuerOf(%s) = %s", (raw, issuer) => {
    expect(issuerOf(raw)).toBe(issuer);
  });

  it("looks for an issuer's metadata where MCP clients look", () => {
    expect(metadataUrls("https://as.example.com/t1")).toEqual([
      "https://as.example.com/.well-known/oauth-authorization-server/t1",
      "https://as.example.com/.well-known/openid-configuration/t1",
      "https://as.example.com/t1/.well-known/openid-configuration",
    ]);
    expect(metadataUrls("https://as.example.com")).toEqual([
      "https://as.example.com/.well-known/oauth-authorization-server",
      "https://as.example.com/.well-known/openid-configuration",
    ]);
    expect(sameIssuer("https://a.example.com/", "https://a.example.com")).toBe(true);
    expect(sameIssuer("https://a.example.com/x", "https://a.example.com")).toBe(false);
  });

  it("puts the resource's path after the well-known prefix (RFC 9728)", () => {
    expect(metadataUrlFor(new URL("https://mcp.example.com/mcp"))).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
    );
    expect(metadataUrlFor(new URL("https://mcp.example.com/tools/mcp"))).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/tools/mcp",
    );
  });

  it("quotes challenge parameters without letting them break the header", () => {
    expect(
      wwwAuthenticate(
        { status: 401, error: "invalid_token", description: 'bad "quote"\r\nInjected: x', scope: "a b" },
        "https://m/.well-known/oauth-protected-resource/mcp",
      ),
    ).toBe(
      'Bearer resource_metadata="https://m/.well-known/oauth-protected-resource/mcp", error="invalid_token", error_description="bad quoteInjected: x", scope="a b"',
    );
  });

  it.each([
    [{ scope: "a b  c" }, ["a", "b", "c"]],
    [{ scp: ["a", "b"] }, ["a", "b"]],
    [{ scp: "a b" }, ["a", "b"]],
    [{}, []],
    [{ scope: 7 }, []],
  ])("scopes of %j", (claims, want) => {
    expect(scopesOf(claims)).toEqual(want);
  });

  it("compares the static key exactly", () => {
    const check = createStaticKeyCheck("the-right-key-0123");
    expect(check("the-right-key-0123")).toBe(true);
    for (const wrong of ["the-right-key-012", "the-right-key-01234", "", "THE-RIGHT-KEY-0123"]) {
      expect(check(wrong), wrong).toBe(false);
    }
  });
});

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("a request id shown in a message", () => {
  it("is its JSON, cut at 80 characters, never between the halves of a character beyond U+FFFF", () => {
    expect(shownId(7)).toBe("7");
    expect(shownId("a\nb")).toBe('"a\\nb"');
    for (const pad of [0, 1, 2]) {
      const shown = shownId(`${"x".repeat(77 + pad)}${"😀".repeat(20)}`);
      expect(shown.endsWith("…")).toBe(true);
      expect(shown.length).toBeLessThanOrEqual(SHOWN_ID_CHARS + 1);
      // Well-formed: every surrogate in a pair (a lone one is written to a log as U+FFFD).
      expect(shown, JSON.stringify(shown)).not.toMatch(LONE_SURROGATE);
    }
  });
});

describe("callerKey: whom --max-requests-per-caller counts a static-key request for", () => {
  const key = (remoteAddress: string) => callerKey({ kind: "static-key" }, { socket: { remoteAddress } });

  it("an IPv6 client is its /64: one subscriber or cloud machine may send from any of its 2^64 addresses", () => {
    const sameNetwork = [
      "2001:db8:1:2::10",
      "2001:db8:1:2:ffff::99",
      "2001:0db8:0001:0002:a:b:c:d",
      "2001:DB8:1:2::1",
    ];
    expect(new Set(sameNetwork.map(key))).toEqual(new Set(["address 2001:db8:1:2::/64"]));
    expect(key("2001:db8:1:3::10")).toBe("address 2001:db8:1:3::/64");
    expect(key("::1")).toBe("address 0:0:0:0::/64");
  });

  it("an IPv4 client is its address, as a dual-stack socket spells it too", () => {
    expect([key("127.0.0.2"), key("::ffff:127.0.0.2"), key("::ffff:7f00:2")]).toEqual([
      "address 127.0.0.2",
      "address 127.0.0.2",
      "address 127.0.0.2",
    ]);
    expect(key("127.0.0.3")).toBe("address 127.0.0.3");
  });

  it("an IPv6 address carrying an IPv4 client's is that client: behind a translator, 6to4, Teredo", () => {
    // NAT64's well-known prefix and SIIT (a translator in front of the server): each IPv4 client its own caller,
    // not every client of the translator one /64.
    const translated = [
      "64:ff9b::c633:6407",
      "64:ff9b::198.51.100.7",
      "64:ff9b:0:0:0:0:c633:6407",
      "::ffff:0:c633:6407",
    ];
    expect(new Set(translated.map(key))).toEqual(new Set(["address 198.51.100.7"]));
    expect(key("64:ff9b::c633:6408")).toBe("address 198.51.100.8");
    // 6to4: one IPv4 host holds 2002:c633:6407::/48, 2^16 /64s, all one caller.
    expect([key("2002:c633:6407:1::1"), key("2002:c633:6407:ffff::2")]).toEqual([
      "address 198.51.100.7",
      "address 198.51.100.7",
    ]);
    // Teredo: the client's address inverted in the last 32 bits; the /64 is its server's, shared by every client.
    expect([
      key("2001:0:4136:e378:8000:63bf:39cc:9bf8"),
      key("2001:0:4136:e378:8000:63bf:39cc:9bf7"),
    ]).toEqual(["address 198.51.100.7", "address 198.51.100.8"]);
  });
});
