import { writeFileSync } from "node:fs";
import { createServer as createTlsServer, type Server as TlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import tls from "node:tls";
import { jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { type Lookup, namedUrlRefusal, reachOfAddress } from "../../src/config/reach.js";
import type { UserToken } from "../../src/executors/upstream-credentials.js";
import { createOAuthTokens } from "../../src/executors/upstream-oauth2.js";
import { createIssuerDirectory } from "../../src/transports/http-auth/issuers.js";
import { errorsOf, genSpec } from "../helpers/generate.js";
import { serveOverStdio, type ToolResult } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { testCa } from "../helpers/tls.js";
import { type LocalIssuer, startLocalIssuer } from "../transport/local-issuer.js";
import { INITIALIZE, MCP_HEADERS, raw } from "../transport/raw-http.js";
import { fixtureCatalog, fixtureEnv, type Served, serveHttp } from "../transport/serve-http.js";
import { issueLeaf } from "../upstreams/scaivault/pki-core.js";

/**
 * URLs the server fetches because a document told it to: the `jwks_uri` an issuer's metadata names (the HTTP
 * transport, every key set fetch) and the `token_endpoint` an upstream's OpenID Connect discovery document names
 * (the client secret is posted there). Whoever writes the document chose the address, so an issuer on one network
 * naming keys on another (a cloud metadata service at 169.254.169.254, a private 10/8 host, this machine through
 * 0.0.0.0 or an IPv4-mapped IPv6 literal) had the server send requests there: server-side request forgery. Such a
 * URL may be public, or on a network the document's own host is on; anything else is refused before any request.
 * The documents here come from servers on 127.0.0.1, so "another network" is any non-loopback private address.
 */

const INTERNAL = [
  ["a link-local address", "https://169.254.169.254/latest/meta-data/jwks"],
  ["a private-network address", "https://10.0.0.7/jwks"],
  ["a private-network address", "https://[fd00:ec2::254]/jwks"],
  ["a link-local address", "https://[::ffff:a9fe:a9fe]/jwks"],
  ["a link-local address", "https://[64:ff9b::a9fe:a9fe]/jwks"],
  ["a private-network address", "https://100.100.100.200/jwks"],
] as const;

describe("reachOfAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["0.0.0.0", "loopback"],
    ["::", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.31.255.255", "private"],
    ["172.32.0.1", "public"],
    ["192.168.1.1", "private"],
    ["fd12::1", "private"],
    ["169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["64:ff9b::a00:1", "private"],
    ["64:ff9b::808:808", "public"],
    ["8.8.8.8", "public"],
    ["2606:4700::1111", "public"],
    ["224.0.0.1", "special"],
    // Local-use NAT64 (RFC 8215), IPv4-compatible (::a.b.c.d) and 6to4 (2002::/16) addresses carry an IPv4 one.
    ["64:ff9b:1::a9fe:a9fe", "private"],
    ["64:ff9b:1:ffff::1", "private"],
    ["::a9fe:a9fe", "special"],
    ["::7f00:1", "special"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a00:1::5", "private"],
    ["2002:ac1f:ffff::", "private"],
    ["2002:808:808::1", "public"],
    ["2002:ac20:1::", "public"],
    // An address that carries an IPv4 one is read as it in every spelling (a resolver or a lookup may answer any).
    ["64:ff9b::169.254.169.254", "link-local"],
    ["64:ff9b:0:0:0:0:a9fe:a9fe", "link-local"],
    ["0064:ff9b:0000::a9fe:a9fe", "link-local"],
    ["64:ff9b::1", "loopback"],
    ["64:ff9b::8.8.8.8", "public"],
    // SIIT's IPv4-translated addresses (::ffff:0:0:0/96, RFC 2765) reach the IPv4 address too.
    ["::ffff:0:a9fe:a9fe", "link-local"],
    ["::ffff:0:10.0.0.7", "private"],
    ["::ffff:0:808:808", "public"],
    // Documentation, discard-only, IETF-assigned (Teredo), segment routing and site-local blocks.
    ["192.0.2.1", "special"],
    ["198.51.100.7", "special"],
    ["203.0.113.9", "special"],
    ["2002:c000:201::", "special"],
    ["3fff::1", "special"],
    ["100::1", "special"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "special"],
    ["2001:2::1", "special"],
    ["5f00::1", "special"],
    ["fec0::1", "private"],
    ["2001:200::1", "public"],
    ["2001:4860:4860::8888", "public"],
  ])("%s: %s", (address, reach) => {
    expect(reachOfAddress(address)).toBe(reach);
  });
});

describe("namedUrlRefusal: host names count as every address they resolve to", () => {
  const table: Record<string, string[]> = {
    "auth.example.com": ["93.184.215.14"],
    "keys.example.net": ["142.250.1.1", "2a00:1450::1"],
    "rebound.example.net": ["142.250.1.1", "169.254.169.254"],
    "corp-idp.example": ["10.0.0.5"],
    "corp-keys.example": ["10.0.0.9"],
    "translated.example.net": ["142.250.1.1", "64:ff9b:0:0:0:0:169.254.169.254"],
  };
  const lookup: Lookup = async (host) => {
    const found = table[host];
    if (!found) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return found.map((address) => ({ address }));
  };
  const refusal = (named: string, from: string) => namedUrlRefusal(new URL(named), new URL(from), lookup);

  it("a public issuer may name keys on another public host (Google: accounts.google.com, www.googleapis.com)", async () => {
    expect(await refusal("https://keys.example.net/jwks", "https://auth.example.com")).toBeUndefined();
  });
  it("a name with any internal address is refused, saying which", async () => {
    expect(await refusal("https://rebound.example.net/jwks", "https://auth.example.com")).toBe(
      "it is at a link-local address (rebound.example.net is 169.254.169.254) while auth.example.com is not",
    );
  });
  it("an address a lookup spells otherwise than Node's resolver is read as the address it is", async () => {
    expect(await refusal("https://translated.example.net/jwks", "https://auth.example.com")).toBe(
      "it is at a link-local address (translated.example.net is 64:ff9b:0:0:0:0:169.254.169.254) while auth.example.com is not",
    );
  });
  it("an issuer on a private network may name keys on that network, not a public one's", async () => {
    expect(await refusal("https://corp-keys.example/jwks", "https://corp-idp.example")).toBeUndefined();
    expect(await refusal("https://corp-keys.example/jwks", "https://auth.example.com")).toMatch(
      /private-network address/,
    );
  });
  it("a name that does not resolve is refused (fail closed); the same host needs no look-up", async () => {
    expect(await refusal("https://nowhere.example/jwks", "https://auth.example.com")).toBe(
      "its host nowhere.example could not be resolved (ENOTFOUND)",
    );
    expect(await refusal("https://unlisted.example/jwks", "https://unlisted.example")).toBeUndefined();
  });

  it("the issuer directory checks before each key set fetch, through its lookup", async () => {
    const asked: string[] = [];
    const doFetch = (async (url: string | URL) => {
      asked.push(String(url));
      return new Response(
        JSON.stringify({ issuer: "https://auth.example.com", jwks_uri: "https://rebound.example.net/jwks" }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    }) as unknown as typeof fetch;
    const directory = createIssuerDirectory(["https://auth.example.com"], { fetch: doFetch, lookup });
    const { keys } = await directory.keysFor("https://auth.example.com");
    await expect(keys({ alg: "ES256", kid: "k" }, { payload: "", signature: "" } as never)).rejects.toThrow(
      "https://rebound.example.net/jwks is refused: it is at a link-local address",
    );
    expect(asked).toEqual(["https://auth.example.com/.well-known/oauth-authorization-server"]);
  });

  it("a key set on a public host name is not fetched through a fetch of the embedder's own (no pinning: refused)", async () => {
    const asked: string[] = [];
    const doFetch = (async (url: string | URL) => {
      asked.push(String(url));
      return new Response(
        JSON.stringify({ issuer: "https://auth.example.com", jwks_uri: "https://keys.example.net/jwks" }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    }) as unknown as typeof fetch;
    const directory = createIssuerDirectory(["https://auth.example.com"], { fetch: doFetch, lookup });
    const { keys } = await directory.keysFor("https://auth.example.com");
    await expect(keys({ alg: "ES256", kid: "k" }, { payload: "", signature: "" } as never)).rejects.toThrow(
      "https://keys.example.net/jwks is refused: keys.example.net is a host name the document named and a fetch of the embedder's own cannot be held",
    );
    expect(asked).toEqual(["https://auth.example.com/.well-known/oauth-authorization-server"]);
  });
});

describe("an issuer's key set on another network (HTTP transport, a real served catalog)", () => {
  let issuer: LocalIssuer;
  let served: Served;
  const tenants = INTERNAL.map((_, i) => `internal-${i}`);

  beforeAll(async () => {
    issuer = await startLocalIssuer({
      ...Object.fromEntries(
        INTERNAL.map(([, url], i) => [
          `internal-${i}`,
          { discovery: "rfc8414" as const, jwksUri: () => url },
        ]),
      ),
      // This machine by name: the same network as the issuer's 127.0.0.1.
      named: {
        discovery: "rfc8414",
        jwksUri: (origin) => `${origin.replace("127.0.0.1", "localhost")}/named/jwks`,
      },
    });
    const env = fixtureEnv({
      SCALY_MCP_AUTHORIZATION_SERVERS: [...tenants, "named"].map((name) => issuer.issuer(name)).join(","),
    });
    delete env.SCALY_API_KEY;
    served = await serveHttp(await fixtureCatalog(), env);
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    await issuer.close();
  });

  const post = async (tenant: string) =>
    raw(served.url, {
      headers: {
        ...MCP_HEADERS,
        authorization: `Bearer ${await issuer.mint(tenant, { aud: served.url, sub: "u", scope: "mcp:tools" })}`,
      },
      body: INITIALIZE,
    });

  it.each(INTERNAL.map(([what, url], i) => [url, what, i] as const))(
    "%s: refused before any request (503), stderr says why",
    async (_url, what, i) => {
      const res = await post(`internal-${i}`);
      expect(res.status, res.body).toBe(503);
      await served.waitForStderr(`is refused: it is at ${what}`, 1);
    },
  );

  it("keys on this machine by name, for an issuer on this machine: verified", async () => {
    expect((await post("named")).status).toBe(200);
    expect(issuer.hits).toContain("/named/jwks");
  });
});

describe("an upstream's discovered token endpoint on another network (a real served catalog)", () => {
  let idp: RecordingServer;
  let dir: string;
  const SECRET = "client-secret-5e1f0a";

  beforeAll(async () => {
    idp = await startRecordingServer((req, res) => {
      const at = /^\/internal-(\d+)\/\.well-known\/openid-configuration$/.exec(req.path);
      if (at) {
        const url = new URL(INTERNAL[Number(at[1])]![1]);
        return sendJson(res, 200, { issuer: idp.url, token_endpoint: `${url.origin}/oauth/token` });
      }
      return sendJson(res, 404, {});
    });
    const schemes = Object.fromEntries(
      INTERNAL.map((_, i) => [
        `s${i}`,
        {
          type: "openIdConnect",
          openIdConnectUrl: `${idp.url}/internal-${i}/.well-known/openid-configuration`,
        },
      ]),
    );
    const paths = Object.fromEntries(
      INTERNAL.map((_, i) => [
        `/p${i}`,
        {
          get: {
            operationId: `call_${i}`,
            security: [{ [`s${i}`]: [] }],
            responses: { "200": { description: "ok", content: { "application/json": { schema: {} } } } },
          },
        },
      ]),
    );
    const out = tmpDir("named-urls");
    const file = join(out, "namedurls.json");
    writeFileSync(
      file,
      JSON.stringify({
        openapi: "3.1.0",
        info: { title: "named urls", version: "1" },
        servers: [{ url: "https://api.example.com" }],
        paths,
        components: { securitySchemes: schemes },
      }),
    );
    const { cat, diags } = await genSpec(file, "namedurls", relative(ROOT, join(out, "catalog")));
    expect(errorsOf(diags)).toEqual([]);
    if (!cat) throw new Error("no catalog");
    writeCatalog(ROOT, cat);
    dir = join(ROOT, cat.dir);
  });
  afterAll(() => idp?.close());

  it("refused with the reason, the client secret sent nowhere", async () => {
    const env: Record<string, string> = {};
    for (let i = 0; i < INTERNAL.length; i++) {
      env[`NAMEDURLS_S${i}_REFRESH_TOKEN`] = "refresh-5e1f0a";
      env[`NAMEDURLS_S${i}_CLIENT_ID`] = "client";
      env[`NAMEDURLS_S${i}_CLIENT_SECRET`] = SECRET;
    }
    const served = await serveOverStdio(dir, env);
    try {
      for (const [i, [what]] of INTERNAL.entries()) {
        const result = (await served.client.callTool({ name: `call_${i}`, arguments: {} })) as ToolResult;
        expect(result.isError, `call_${i}`).toBe(true);
        expect(result.content?.[0]?.text, `call_${i}`).toMatch(
          new RegExp(`names a token_endpoint \\S+ that is refused: it is at ${what}`),
        );
      }
      // Only the discovery documents were read.
      expect(idp.received.every((r) => r.path.endsWith("/openid-configuration"))).toBe(true);
    } finally {
      await served.close();
    }
  });
});

describe("a discovered token endpoint is checked before every token request, not once", () => {
  let idp: RecordingServer;
  beforeAll(async () => {
    idp = await startRecordingServer((req, res) => {
      if (req.path === "/.well-known/openid-configuration")
        return sendJson(res, 200, {
          issuer: idp.url,
          token_endpoint: `http://tokens.named.test:${new URL(idp.url).port}/oauth/token`,
        });
      if (req.path === "/oauth/token")
        return sendJson(res, 200, { access_token: "tok-7c1e9a", expires_in: 3600 });
      return sendJson(res, 404, {});
    });
  });
  afterAll(() => idp?.close());

  const credential = () =>
    ({
      kind: "userToken",
      scheme: {
        kind: "oauth2",
        scheme: "s",
        flows: ["clientCredentials"],
        token: { env: "S_TOKEN" },
        discoveryUrl: `${idp.url}/.well-known/openid-configuration`,
        scopes: [],
      },
      clientId: "client",
      clientSecret: "client-secret-7c1e9a",
    }) as unknown as UserToken;
  const apply = { signal: new AbortController().signal };
  const posts = () => idp.received.filter((r) => r.path === "/oauth/token").length;

  it("a name that resolved to this machine's network and now resolves to a private one gets no client secret", async () => {
    // tokens.named.test is known to this lookup only (RFC 6761): the pinned request connects to what it answered.
    let answer = "127.0.0.1";
    const lookup: Lookup = async () => [{ address: answer }];
    const tokens = createOAuthTokens({ lookup, baseUrl: "http://api.example" });
    const before = posts();
    expect(await tokens.userToken(credential(), apply)).toBe("tok-7c1e9a");
    expect(posts()).toBe(before + 1);
    // The upstream refuses the token (a 401): the next call renews it, after the name was pointed elsewhere.
    answer = "10.0.0.7";
    tokens.rejected();
    await expect(tokens.userToken(credential(), apply)).rejects.toThrow(
      /names a token_endpoint http:\/\/tokens\.named\.test:\d+ that is refused: it is at a private-network address \(tokens\.named\.test is 10\.0\.0\.7\)/,
    );
    expect(posts()).toBe(before + 1);
  });

  it("through a fetch of the embedder's own, a name to pin is refused with nothing sent (fail closed)", async () => {
    // The check passes (a public address) but an injected fetch decides where it connects: no pinning, no request.
    const lookup: Lookup = async () => [{ address: "93.184.215.14" }];
    const asked: string[] = [];
    const routed: typeof fetch = (url, init) => {
      asked.push(String(url));
      return fetch(String(url).replace(/^http:\/\/tokens\.named\.test:\d+/, idp.url), init);
    };
    const tokens = createOAuthTokens({ fetch: routed, lookup, baseUrl: "http://api.example" });
    const before = posts();
    const refused = tokens.userToken(credential(), apply);
    await expect(refused).rejects.toThrow(
      /^OAuth2 scheme 's': tokens\.named\.test:\d+ is a host name the document named and a fetch of the embedder's own cannot be held to the addresses checked for it \(DNS rebinding\); only the built-in fetch may fetch it$/,
    );
    await expect(refused).rejects.toMatchObject({ code: "token_request_failed" });
    expect(posts()).toBe(before);
    // The discovery document (the configured URL) is fetched through it as before; the named endpoint is not.
    expect(asked).toEqual([`${idp.url}/.well-known/openid-configuration`]);
  });
});

/**
 * DNS rebinding: the check resolves a named URL's host, then the request must connect to what the check saw, not
 * resolve the name again (a name can answer a public address to the check and 127.0.0.1 or 169.254.169.254 to the
 * connection). Names under `.test` (RFC 6761) are known only to the lookup given here: the system resolver knows
 * none, so a request that resolved again would fail, and one that connects reaches the checked 127.0.0.1.
 */
describe("a named URL's request connects to the addresses its check passed (DNS rebinding)", () => {
  const answers: Record<string, string[][]> = {};
  const asked: string[] = [];
  const lookup: Lookup = async (host) => {
    asked.push(host);
    const next = answers[host]?.length ? answers[host]!.shift()! : ["127.0.0.1"];
    return next.map((address) => ({ address }));
  };
  let keysServer: TlsServer;
  let issuer: LocalIssuer;
  const keyHits: string[] = [];
  let trusted: string[];

  beforeAll(async () => {
    const ca = await testCa("rebinding test CA");
    const leaf = await issueLeaf(ca, {
      commonName: "keys.rebind.test",
      altNames: ["keys.rebind.test"],
      ipSans: [],
      usage: "server",
      keyAlgorithm: "ec-p256",
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    // This worker trusts the test's CA, so TLS is verified as it is for any issuer: against the URL's host name.
    trusted = tls.getCACertificates("default");
    tls.setDefaultCACertificates([...trusted, ca.pem]);
    keysServer = createTlsServer({ key: leaf.privateKeyPem, cert: leaf.pem }, async (req, res) => {
      keyHits.push(`${req.headers.host} ${req.url}`);
      // The key set the local issuer publishes for the tenant, served from this host.
      const keys = await fetch(`${issuer.origin}/${req.url?.split("/")[1]}/jwks`);
      res.writeHead(200, { "content-type": "application/json" }).end(await keys.text());
    });
    await new Promise<void>((resolve) => keysServer.listen(0, "127.0.0.1", resolve));
    const port = (keysServer.address() as AddressInfo).port;
    issuer = await startLocalIssuer({
      pinned: { discovery: "rfc8414", jwksUri: () => `https://keys.rebind.test:${port}/pinned/jwks` },
      misnamed: { discovery: "rfc8414", jwksUri: () => `https://other.rebind.test:${port}/misnamed/jwks` },
    });
  });
  afterAll(async () => {
    tls.setDefaultCACertificates(trusted);
    keysServer.closeAllConnections();
    await new Promise((resolve) => keysServer.close(resolve));
    await issuer.close();
  });

  it("an issuer's key set is fetched from the checked address, one look-up per fetch, TLS verified by name", async () => {
    asked.length = 0;
    const directory = createIssuerDirectory([issuer.issuer("pinned")], { lookup });
    const { keys } = await directory.keysFor(issuer.issuer("pinned"));
    const token = await issuer.mint("pinned", { sub: "u" });
    const { payload } = await jwtVerify(token, keys);
    expect(payload.sub).toBe("u");
    expect(keyHits).toEqual([`keys.rebind.test:${(keysServer.address() as AddressInfo).port} /pinned/jwks`]);
    expect(asked).toEqual(["keys.rebind.test"]);

    // A certificate that does not name the host is refused as it always was: pinning the address keeps the name.
    const other = createIssuerDirectory([issuer.issuer("misnamed")], { lookup });
    const misnamed = await other.keysFor(issuer.issuer("misnamed"));
    await expect(jwtVerify(await issuer.mint("misnamed", { sub: "u" }), misnamed.keys)).rejects.toThrow(
      "could not be fetched",
    );
    expect(keyHits).toHaveLength(1);
  });

  describe("a discovered token endpoint", () => {
    let idp: RecordingServer;
    const SECRET = "client-secret-9d31b7";
    const expired = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ exp: 1 })).toString("base64url")}.`;

    beforeAll(async () => {
      idp = await startRecordingServer((req, res) => {
        if (req.path === "/.well-known/openid-configuration") {
          const port = new URL(idp.url).port;
          return sendJson(res, 200, {
            issuer: idp.url,
            token_endpoint: `http://idp.rebind.test:${port}/oauth/token`,
          });
        }
        if (req.path === "/oauth/token")
          return sendJson(res, 200, { access_token: "renewed-9d31b7", expires_in: 600 });
        return sendJson(res, 404, {});
      });
    });
    afterAll(() => idp?.close());

    const renew = () =>
      createOAuthTokens({ baseUrl: idp.url, lookup }).userToken(
        {
          kind: "userToken",
          scheme: {
            kind: "oauth2",
            scheme: "oidc",
            flows: ["openIdConnect"],
            token: { env: "TOKEN" },
            discoveryUrl: `${idp.url}/.well-known/openid-configuration`,
            scopes: [],
          },
          token: expired,
          refreshToken: "refresh-9d31b7",
          clientId: "client",
          clientSecret: SECRET,
        },
        { signal: new AbortController().signal },
      );

    it("the token request connects to the address its check passed", async () => {
      asked.length = 0;
      idp.received.length = 0;
      expect(await renew()).toBe("renewed-9d31b7");
      expect(asked).toEqual(["idp.rebind.test"]);
      const posted = idp.received.find((r) => r.path === "/oauth/token");
      expect(posted?.headers.host).toBe(`idp.rebind.test:${new URL(idp.url).port}`);
    });
  });
});
