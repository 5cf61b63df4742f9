import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createIssuerDirectory } from "../../src/transports/http-auth/issuers.js";
import { createJwtVerifier } from "../../src/transports/http-auth/jwt.js";
import { type LocalIssuer, startLocalIssuer } from "./local-issuer.js";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// An authorization server that fails, as a resource server meets one: its metadata answers 500, its key set
// answers 500, a maintenance page or JSON that is no key set. Every token it signed is then one the server cannot
// check: 503 with Retry-After (the client keeps its token and retries), never 401 (which tells it the token is bad
// and to throw it away). And the outage is asked about once per hold, not once per request: anyone who can reach
// the port can send tokens naming the issuer, so without the hold every unauthenticated request made the server
// fetch the issuer's documents again (three metadata locations each). Tokens naming many unknown key ids make
// one key set fetch, not one each. The issuer is a local server with keys this test makes.

const TENANTS = ["ok", "down", "keys-500", "keys-html", "keys-not-a-set", "keys-down", "kids"] as const;

let issuer: LocalIssuer;
let served: Served;

beforeAll(async () => {
  issuer = await startLocalIssuer(
    Object.fromEntries(TENANTS.map((name) => [name, { discovery: "rfc8414" as const }])),
  );
  issuer.fault("down", { metadata: 521 });
  issuer.fault("keys-500", { jwks: 500 });
  issuer.fault("keys-html", { jwks: "html" });
  issuer.fault("keys-not-a-set", { jwks: "not-a-key-set" });
  issuer.fault("keys-down", { jwks: 502 });
  const env = fixtureEnv({
    SCALY_MCP_AUTHORIZATION_SERVERS: TENANTS.map((name) => issuer.issuer(name)).join(","),
  });
  delete env.SCALY_API_KEY;
  served = await serveHttp(await fixtureCatalog(), env);
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
  await issuer.close();
  expect(served.stderr()).not.toMatch(/eyJ[\w-]+\.eyJ/);
});

const claims = () => ({ aud: served.url, sub: "user-1", scope: "mcp:tools" });

const post = (token: string) =>
  raw(served.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: INITIALIZE });

const hitsOf = (tenant: string) =>
  issuer.hits.filter((path) => path.includes(`/${tenant}/`) || path.endsWith(`/${tenant}`)).length;

function expectUnavailable(res: Awaited<ReturnType<typeof post>>) {
  expect(res.status, res.body).toBe(503);
  expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
  expect(res.headers["www-authenticate"]).toBeUndefined();
  expect(JSON.parse(res.body).error).toBe("temporarily_unavailable");
}

describe("a key set that cannot be read", () => {
  it.each([
    ["answers 500", "keys-500"],
    ["answers a page that is no JSON", "keys-html"],
    ["answers JSON that is no key set", "keys-not-a-set"],
  ])("%s: 503 with Retry-After, not 401", async (_label, tenant) => {
    expectUnavailable(await post(await issuer.mint(tenant, claims())));
  });
});

describe("an outage is asked about once per hold, not once per request", () => {
  it("metadata that cannot be fetched: 30 tokens, one round of discovery", async () => {
    for (let i = 0; i < 30; i++) expectUnavailable(await post(await issuer.mint("down", claims())));
    // One discovery tries the issuer's metadata locations once each (RFC 8414's, then OpenID's two).
    expect(hitsOf("down")).toBeLessThanOrEqual(3);
    // Said when met, not once per request answered from it (the log has URLs redacted: the status says which).
    const said = () =>
      served
        .stderr()
        .split("\n")
        .filter((line) => line.includes("answered 521"));
    await expect.poll(() => said().length).toBeGreaterThanOrEqual(1);
    expect(said()[0]).toContain("cannot verify an access token");
    expect(said().length).toBeLessThanOrEqual(2);
  });

  it("a key set that cannot be fetched: 30 tokens, one fetch", async () => {
    for (let i = 0; i < 30; i++) expectUnavailable(await post(await issuer.mint("keys-down", claims())));
    expect(issuer.hits.filter((path) => path === "/keys-down/jwks")).toHaveLength(1);
  });

  it("tokens naming 300 unknown key ids, in turn and at once: one key set fetch", async () => {
    const forged = (i: number) => issuer.mint("kids", claims(), { kid: `unknown-${i}`, forged: true });
    for (let i = 0; i < 100; i++) expect((await post(await forged(i))).status).toBe(401);
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => forged(100 + i)));
    for (let at = 0; at < tokens.length; at += 50) {
      const answers = await Promise.all(tokens.slice(at, at + 50).map(post));
      expect(answers.map((res) => res.status)).toEqual(answers.map(() => 401));
    }
    expect(issuer.hits.filter((path) => path === "/kids/jwks")).toHaveLength(1);
    // The issuer's own key still verifies: the unknown ids did not spoil the cached key set.
    expect((await post(await issuer.mint("kids", claims()))).status).toBe(200);
  });

  it("another issuer's tokens are served meanwhile", async () => {
    expect((await post(await issuer.mint("ok", claims()))).status).toBe(200);
  });
});

describe("after the hold", () => {
  // The directory and verifier as the server builds them, on a clock the test moves.
  let clock = 0;
  let local: LocalIssuer;
  beforeAll(async () => {
    local = await startLocalIssuer({ flaky: { discovery: "rfc8414" } });
  });
  afterAll(() => local.close());

  const verifier = () =>
    createJwtVerifier({
      issuers: createIssuerDirectory([local.issuer("flaky")], { now: () => clock }),
      resource: () => "https://mcp.example.com/mcp",
      requiredScopes: ["mcp:tools"],
    });
  const token = () => local.mint("flaky", { aud: "https://mcp.example.com/mcp", scope: "mcp:tools" });
  const count = (path: string) => local.hits.filter((hit) => hit === path).length;

  it("metadata is fetched again once the hold is over, and a token then verifies", async () => {
    local.fault("flaky", { metadata: 503 });
    const verify = verifier();
    expect(await verify(await token())).toMatchObject({ ok: false, retryAfter: 5 });
    const first = count("/.well-known/oauth-authorization-server/flaky");
    expect(first).toBe(1);
    local.fault("flaky", {});
    clock += 4_000;
    expect(await verify(await token())).toMatchObject({ ok: false, retryAfter: 1 });
    expect(count("/.well-known/oauth-authorization-server/flaky")).toBe(first);
    clock += 1_000;
    expect(await verify(await token())).toMatchObject({ ok: true });
    expect(count("/.well-known/oauth-authorization-server/flaky")).toBe(first + 1);
  });

  it("the hold is on the process's own clock: a wall-clock step (NTP, a VM resumed) neither ends nor stretches it", async () => {
    local.fault("flaky", { metadata: 503, jwks: 500 });
    const minted = await token();
    const metadata = () => count("/.well-known/oauth-authorization-server/flaky");
    // The directory's default clock; only the test moves the fake ones.
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    try {
      const start = Date.now();
      const verify = createJwtVerifier({
        issuers: createIssuerDirectory([local.issuer("flaky")]),
        resource: () => "https://mcp.example.com/mcp",
        requiredScopes: ["mcp:tools"],
      });
      expect(await verify(minted)).toMatchObject({ ok: false, retryAfter: 5 });
      const first = metadata();
      for (const step of [-3_600_000, 7_200_000, 0]) {
        vi.setSystemTime(start + step);
        expect(await verify(minted)).toMatchObject({ ok: false, retryAfter: 5 });
      }
      expect(metadata()).toBe(first);
      local.fault("flaky", {});
      vi.advanceTimersByTime(5_000);
      expect(await verify(minted)).toMatchObject({ ok: true });
      expect(metadata()).toBe(first + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("so is the key set", async () => {
    local.fault("flaky", { jwks: 500 });
    const verify = verifier();
    expect(await verify(await token())).toMatchObject({ ok: false, retryAfter: 5 });
    expect(await verify(await token())).toMatchObject({ ok: false });
    const fetched = count("/flaky/jwks");
    local.fault("flaky", {});
    clock += 5_000;
    expect(await verify(await token())).toMatchObject({ ok: true });
    expect(count("/flaky/jwks")).toBe(fetched + 1);
  });
});
