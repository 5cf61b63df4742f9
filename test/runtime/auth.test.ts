import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { AuthScheme, EnvVar, Source } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { AuthError, createAuthenticator } from "../../src/executors/upstream-auth.js";
import { FAILURE_HOLD_MS } from "../../src/executors/upstream-oauth2.js";

const vars: EnvVar[] = ["TOKEN", "KEY", "USER", "PASS", "CLIENT_ID", "CLIENT_SECRET"].map((name) => ({
  name,
  description: name,
  type: "string",
  required: false,
  secret: name !== "USER" && name !== "CLIENT_ID",
}));

const schemes: AuthScheme[] = [
  { kind: "bearer", scheme: "bearer", token: { env: "TOKEN" } },
  { kind: "apiKey", scheme: "headerKey", in: "header", name: "X-API-Key", value: { env: "KEY" } },
  { kind: "apiKey", scheme: "queryKey", in: "query", name: "api_key", value: { env: "KEY" } },
  { kind: "apiKey", scheme: "cookieKey", in: "cookie", name: "sid", value: { env: "KEY" } },
  { kind: "basic", scheme: "basic", username: { env: "USER" }, password: { env: "PASS" } },
];

const source = (auth: AuthScheme[]): Source => ({
  id: "api",
  kind: "openapi",
  baseUrl: { default: "http://127.0.0.1:1" },
  auth,
  timeoutMs: 2000,
});

const signal = new AbortController().signal;

interface FailingEndpoint {
  auth: ReturnType<typeof createAuthenticator>;
  /** Token requests started so far. */
  counted: number;
  call: () => Promise<Error>;
}

describe("static credentials", () => {
  const env = { TOKEN: "tok-1", KEY: "key-2", USER: "ann", PASS: "p:ss wörd" };
  const auth = createAuthenticator(source(schemes), resolveConfig(vars, env));

  it("bearer", async () => {
    expect(await auth.apply([["bearer"]], { signal })).toEqual({
      headers: [["authorization", "Bearer tok-1"]],
      query: [],
      cookies: [],
    });
  });

  it("api key in header, query and cookie", async () => {
    expect((await auth.apply([["headerKey"]], { signal })).headers).toEqual([["x-api-key", "key-2"]]);
    expect((await auth.apply([["queryKey"]], { signal })).query).toEqual([["api_key", "key-2"]]);
    expect((await auth.apply([["cookieKey"]], { signal })).cookies).toEqual([["sid", "key-2"]]);
  });

  it("basic", async () => {
    const placed = await auth.apply([["basic"]], { signal });
    const encoded = placed.headers[0]![1].replace("Basic ", "");
    expect(Buffer.from(encoded, "base64").toString("utf8")).toBe("ann:p:ss wörd");
  });

  it("AND within an alternative", async () => {
    const placed = await auth.apply([["bearer", "queryKey"]], { signal });
    expect(placed.headers).toEqual([["authorization", "Bearer tok-1"]]);
    expect(placed.query).toEqual([["api_key", "key-2"]]);
  });

  it("no security means no credentials", async () => {
    expect(await auth.apply([], { signal })).toEqual({ headers: [], query: [], cookies: [] });
  });

  // Two schemes of one alternative that need one slot (oas-examples security-multiple: basic + oauth2, bearer +
  // bearer_jwt): two Authorization headers went out, which a server reads as either or refuses.
  it("an alternative two of whose schemes need one header is skipped, never sent twice over", async () => {
    const both = createAuthenticator(
      source([
        ...schemes,
        { kind: "bearer", scheme: "jwt", token: { env: "KEY" } },
        { kind: "apiKey", scheme: "authKey", in: "header", name: "Authorization", value: { env: "KEY" } },
        { kind: "apiKey", scheme: "headerKey2", in: "header", name: "x-api-KEY", value: { env: "TOKEN" } },
        { kind: "apiKey", scheme: "cookieKey2", in: "cookie", name: "sid", value: { env: "TOKEN" } },
      ]),
      resolveConfig(vars, env),
    );
    expect(await both.apply([["basic", "bearer"], ["jwt"]], { signal })).toEqual({
      headers: [["authorization", "Bearer key-2"]],
      query: [],
      cookies: [],
    });
    for (const [alternative, slot] of [
      [["basic", "bearer"], "the Authorization header"],
      [["bearer", "jwt"], "the Authorization header"],
      [["authKey", "basic"], "the Authorization header"],
      [["headerKey", "headerKey2"], "the header x-api-key"],
      [["cookieKey", "cookieKey2"], 'the cookie "sid"'],
    ] as const) {
      const error = await both.apply([[...alternative]], { signal }).catch((e) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect(error.message).toBe(
        `missing credentials: cannot send ${alternative.join(" + ")} (${alternative[0]} and ${alternative[1]} both need ${slot}, which one request carries once)`,
      );
    }
    // Different slots still go together.
    expect((await both.apply([["headerKey", "cookieKey2"]], { signal })).cookies).toEqual([["sid", "tok-1"]]);
  });
});

describe("alternatives and missing credentials", () => {
  it("takes the first alternative whose credentials all resolve", async () => {
    const auth = createAuthenticator(source(schemes), resolveConfig(vars, { KEY: "k" }));
    const placed = await auth.apply([["bearer"], ["headerKey"]], { signal });
    expect(placed.headers).toEqual([["x-api-key", "k"]]);
  });

  it("an empty alternative makes auth optional", async () => {
    const auth = createAuthenticator(source(schemes), resolveConfig(vars, {}));
    expect(await auth.apply([["bearer"], []], { signal })).toEqual({ headers: [], query: [], cookies: [] });
  });

  it("names the variables to set, never a value", async () => {
    const auth = createAuthenticator(
      source(schemes),
      resolveConfig(vars, { USER: "ann", PASS: "", KEY: "" }),
    );
    const error = await auth.apply([["bearer"], ["basic"]], { signal }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe("missing credentials: set TOKEN (bearer), or PASS (basic)");
    expect(error.message).not.toContain("ann");
  });

  it("place makes static credentials' placement at once, as apply does, and throws what apply rejects with", async () => {
    const auth = createAuthenticator(
      source([...schemes, { kind: "bearer", scheme: "bearer2", token: { env: "PASS" } }]),
      resolveConfig(vars, { TOKEN: "tok-1", KEY: "key-2", USER: "ann", PASS: "" }),
    );
    for (const security of [
      [],
      [["bearer"]],
      [["basic"], ["headerKey", "queryKey", "cookieKey"]],
      [["bearer2"], []],
      [["bearer", "basic"], ["cookieKey"]],
    ]) {
      expect(auth.place(security, { signal })).toEqual(await auth.apply(security, { signal }));
    }
    for (const security of [[["bearer2"]], [["basic"], ["bearer2"]], [["nope"]], [["bearer", "bearer2"]]]) {
      const rejected = await auth.apply(security, { signal }).catch((e) => e);
      expect(rejected).toBeInstanceOf(AuthError);
      expect(() => auth.place(security, { signal })).toThrow(rejected.message);
    }
  });

  it("refuses a credential with a line break", async () => {
    const auth = createAuthenticator(source(schemes), resolveConfig(vars, { TOKEN: "a\r\nX-Evil: 1" }));
    await expect(auth.apply([["bearer"]], { signal })).rejects.toThrow(/line break/);
  });
});

describe("OAuth2 client credentials", () => {
  interface TokenRequest {
    authorization: string | undefined;
    contentType: string | undefined;
    body: string;
  }
  const requests: TokenRequest[] = [];
  let behaviour: { status: number; body: unknown; delayMs?: number } = { status: 200, body: {} };
  /** Answers by the request's form instead of `behaviour`, when set. */
  let answer: ((form: URLSearchParams) => { status: number; body: unknown }) | undefined;
  let issued = 0;
  let server: Server;
  let tokenUrl = "";

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let data = "";
      req.on("data", (chunk) => {
        data += chunk;
      });
      req.on("end", () => resolve(data));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      requests.push({
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        body: await read(req),
      });
      if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      issued += 1;
      const answered = answer?.(new URLSearchParams(requests.at(-1)!.body));
      if (answered) {
        res.writeHead(answered.status, { "content-type": "application/json" });
        return res.end(JSON.stringify(answered.body));
      }
      const body =
        behaviour.status === 200 && typeof behaviour.body === "object" && behaviour.body !== null
          ? { access_token: `at-${issued}`, token_type: "Bearer", ...(behaviour.body as object) }
          : behaviour.body;
      res.writeHead(behaviour.status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests.length = 0;
    answer = undefined;
    behaviour = { status: 200, body: { expires_in: 3600 } };
  });

  const oauth = (url = tokenUrl): AuthScheme => ({
    kind: "oauth2ClientCredentials",
    scheme: "oauth",
    tokenUrl: url,
    scopes: ["read", "write"],
    clientId: { env: "CLIENT_ID" },
    clientSecret: { env: "CLIENT_SECRET" },
  });
  const env = { CLIENT_ID: "my client", CLIENT_SECRET: "s3cr3t&=" };

  it("posts grant_type=client_credentials with HTTP Basic client auth, and caches the token", async () => {
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
    let counted = 0;
    const first = await auth.apply([["oauth"]], { signal, onRequest: () => counted++ });
    const second = await auth.apply([["oauth"]], { signal, onRequest: () => counted++ });
    expect(first.headers).toEqual([["authorization", `Bearer at-${issued}`]]);
    expect(second.headers).toEqual(first.headers);
    expect(requests).toHaveLength(1);
    expect(counted).toBe(1);
    const request = requests[0]!;
    expect(new URLSearchParams(request.body).get("grant_type")).toBe("client_credentials");
    expect(new URLSearchParams(request.body).get("scope")).toBe("read write");
    expect(request.contentType).toBe("application/x-www-form-urlencoded");
    // RFC 6749 2.3.1: id and secret are form-encoded inside the Basic credentials.
    const basic = Buffer.from(request.authorization!.replace("Basic ", ""), "base64").toString();
    expect(basic).toBe("my%20client:s3cr3t%26%3D");
  });

  it("place gives a promise for an alternative with a token: one token request, the placement apply makes", async () => {
    const auth = createAuthenticator(
      source([...schemes, oauth()]),
      resolveConfig(vars, { ...env, KEY: "k" }),
    );
    let counted = 0;
    const placing = auth.place([["headerKey", "oauth"]], { signal, onRequest: () => counted++ });
    expect(placing).toBeInstanceOf(Promise);
    const placed = await placing;
    expect(placed.headers).toEqual([
      ["x-api-key", "k"],
      ["authorization", `Bearer at-${issued}`],
    ]);
    expect([requests.length, counted]).toEqual([1, 1]);
    expect(await auth.apply([["headerKey", "oauth"]], { signal })).toEqual(placed);
    expect(auth.place([["bearer"], ["headerKey"]], { signal })).toEqual({
      headers: [["x-api-key", "k"]],
      query: [],
      cookies: [],
    });
  });

  it("concurrent calls share one token request (single flight)", async () => {
    behaviour = { status: 200, body: { expires_in: 3600 }, delayMs: 100 };
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
    const placed = await Promise.all(Array.from({ length: 8 }, () => auth.apply([["oauth"]], { signal })));
    expect(requests).toHaveLength(1);
    expect(new Set(placed.map((p) => p.headers[0]![1])).size).toBe(1);
  });

  it("refreshes after expiry and after invalidate()", async () => {
    behaviour = { status: 200, body: { expires_in: 1 } };
    // The clocks move only when the test moves them, so a busy machine cannot expire the token early.
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    try {
      const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
      await auth.apply([["oauth"]], { signal });
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(1);
      vi.advanceTimersByTime(600);
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(2);
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(2);
      auth.invalidate();
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a cached token lives its expires_in on the process's own clock: a wall-clock step neither ends nor stretches it", async () => {
    behaviour = { status: 200, body: { expires_in: 3600 } };
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    try {
      const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
      await auth.apply([["oauth"]], { signal });
      // Set forward two hours (an NTP step, a VM resumed): the token is still the cached one.
      vi.setSystemTime(Date.now() + 7_200_000);
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(1);
      // Set back three hours, then the token's hour (less the 30 s skew) passes: it is renewed all the same.
      vi.setSystemTime(Date.now() - 10_800_000);
      vi.advanceTimersByTime(3_600_000 - 30_000);
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("resolves a relative token URL against the base URL", async () => {
    const base = tokenUrl.replace("/oauth/token", "/api/v1");
    const auth = createAuthenticator(source([oauth("/oauth/token")]), resolveConfig(vars, env), {
      baseUrl: base,
    });
    await auth.apply([["oauth"]], { signal });
    expect(requests).toHaveLength(1);
  });

  it("a token endpoint failure is a safe error: status and RFC 6749 code, nothing from the body", async () => {
    behaviour = {
      status: 401,
      body: { error: "invalid_client", error_description: "client s3cr3t&= unknown at db.internal" },
    };
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
    const error = await auth.apply([["oauth"]], { signal }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe("OAuth2 scheme 'oauth': the token endpoint answered HTTP 401: invalid_client");
  });

  it("invalid_scope: only requested scope names are quoted from the answer, never its other words", async () => {
    behaviour = {
      status: 400,
      body: { error: "invalid_scope", error_description: "scope write denied for s3cr3t&= at db.internal" },
    };
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
    const error = await auth.apply([["oauth"]], { signal }).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      "OAuth2 scheme 'oauth': the token endpoint answered HTTP 400: invalid_scope (asked for scopes read write: it refuses write); change the manifest's auth.oauth.scopes to those this client may request",
    );
    // The manifest's scopes were asked for once, as written.
    expect(requests.map((r) => new URLSearchParams(r.body).get("scope"))).toEqual(["read write"]);
  });

  it("a user token renewed with the client's credentials leaves out the operations' scopes it is refused", async () => {
    answer = (form) =>
      (form.get("scope") ?? "").includes("admin")
        ? { status: 400, body: { error: "invalid_scope", error_description: "Invalid scopes: admin" } }
        : { status: 200, body: { access_token: `renewed-${form.get("scope")}`, expires_in: 600 } };
    const user: AuthScheme = {
      kind: "oauth2",
      scheme: "user",
      flows: ["authorizationCode", "clientCredentials"],
      token: { env: "TOKEN" },
      tokenUrl,
      scopes: [],
      operationScopes: ["admin", "read"],
      clientId: { env: "CLIENT_ID" },
      clientSecret: { env: "CLIENT_SECRET" },
    };
    const auth = createAuthenticator(source([user]), resolveConfig(vars, env));
    const first = await auth.apply([["user"]], { signal });
    expect(first.headers).toEqual([["authorization", "Bearer renewed-read"]]);
    expect(requests.map((r) => new URLSearchParams(r.body).get("scope"))).toEqual(["admin read", "read"]);
  });

  it("a response without access_token is refused", async () => {
    behaviour = { status: 200, body: "nope" };
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
    await expect(auth.apply([["oauth"]], { signal })).rejects.toThrow(/no access_token/);
  });

  it("a token response over 64 KB is refused, not read into memory", async () => {
    behaviour = { status: 200, body: { expires_in: 3600, padding: "x".repeat(100 * 1024) } };
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
    await expect(auth.apply([["oauth"]], { signal })).rejects.toThrow(
      "OAuth2 scheme 'oauth': the token endpoint's answer is larger than 64 KiB",
    );
  });

  it("an unreachable token endpoint is a safe error", async () => {
    const auth = createAuthenticator(source([oauth("http://127.0.0.1:1/token")]), resolveConfig(vars, env));
    const error = await auth.apply([["oauth"]], { signal }).catch((e) => e);
    expect(error.message).toBe("OAuth2 scheme 'oauth': the token endpoint could not be reached");
  });

  /**
   * A token endpoint answering 503, on clocks that move only when the test moves them: `call` applies the scheme
   * and returns its error, `counted` how many token requests were started.
   */
  async function failingEndpoint(run: (held: FailingEndpoint) => Promise<void>): Promise<void> {
    behaviour = { status: 503, body: { error: "temporarily_unavailable" } };
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    try {
      const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, env));
      const held: FailingEndpoint = {
        auth,
        counted: 0,
        call: () => auth.apply([["oauth"]], { signal, onRequest: () => held.counted++ }).catch((e) => e),
      };
      await run(held);
    } finally {
      vi.useRealTimers();
    }
  }

  it("a failing token endpoint is asked once per hold, not once per call; each call in between gets its answer", async () => {
    await failingEndpoint(async (held) => {
      const { auth, call } = held;
      const first = await call();
      expect(first.message).toBe(
        "OAuth2 scheme 'oauth': the token endpoint answered HTTP 503: temporarily_unavailable",
      );
      const later = [...(await Promise.all(Array.from({ length: 20 }, call))), await call()];
      for (const error of later) {
        expect(error).toBeInstanceOf(AuthError);
        expect(error.message).toBe(
          "OAuth2 scheme 'oauth': the token endpoint answered HTTP 503: temporarily_unavailable (a moment ago; not asked again for 5 s)",
        );
      }
      // An upstream 401 (new tokens wanted) does not lift the hold either.
      auth.invalidate();
      expect((await call()).message).toMatch(/not asked again for 5 s\)$/);
      vi.advanceTimersByTime(FAILURE_HOLD_MS - 1500);
      expect((await call()).message).toMatch(/not asked again for 2 s\)$/);
      expect(requests).toHaveLength(1);
      expect(held.counted).toBe(1);
      // Once the hold is over the endpoint is asked again: it has recovered, and its token is used and cached.
      behaviour = { status: 200, body: { expires_in: 3600 } };
      vi.advanceTimersByTime(1500);
      const placed = await auth.apply([["oauth"]], { signal });
      expect(placed.headers).toEqual([["authorization", `Bearer at-${issued}`]]);
      await auth.apply([["oauth"]], { signal });
      expect(requests).toHaveLength(2);
    });
  });

  it("a wall-clock step (NTP, a VM resumed) neither ends the hold nor stretches it to the step's length", async () => {
    await failingEndpoint(async (held) => {
      const { auth, call } = held;
      await call();
      expect((await call()).message).toMatch(/not asked again for 5 s\)$/);
      behaviour = { status: 200, body: { expires_in: 3600 } };
      vi.setSystemTime(Date.now() - 3_600_000);
      expect((await call()).message).toMatch(/not asked again for 5 s\)$/);
      vi.setSystemTime(Date.now() + 7_200_000);
      expect((await call()).message).toMatch(/not asked again for 5 s\)$/);
      expect(held.counted).toBe(1);
      // The hold's own length on the process's clock ends it.
      vi.advanceTimersByTime(FAILURE_HOLD_MS);
      const placed = await auth.apply([["oauth"]], { signal, onRequest: () => held.counted++ });
      expect(placed.headers).toEqual([["authorization", `Bearer at-${issued}`]]);
      expect(held.counted).toBe(2);
    });
  });

  it("an unreachable token endpoint, or an OpenID discovery document that fails, is held the same way", async () => {
    vi.useFakeTimers({ toFake: ["Date", "performance"] });
    try {
      const down = createAuthenticator(source([oauth("http://127.0.0.1:1/token")]), resolveConfig(vars, env));
      let counted = 0;
      const errors = await Promise.all(
        Array.from({ length: 5 }, () =>
          down.apply([["oauth"]], { signal, onRequest: () => counted++ }).catch((e) => e),
        ),
      );
      const again = await down.apply([["oauth"]], { signal, onRequest: () => counted++ }).catch((e) => e);
      expect(counted).toBe(1);
      expect(errors.map((e) => e.message)).toEqual(
        Array(5).fill("OAuth2 scheme 'oauth': the token endpoint could not be reached"),
      );
      expect(again.message).toBe(
        "OAuth2 scheme 'oauth': the token endpoint could not be reached (a moment ago; not asked again for 5 s)",
      );

      // An expired user token renewed through discovery: the discovery document answers 500.
      const discovery = tokenUrl.replace("/oauth/token", "/.well-known/openid-configuration");
      answer = () => ({ status: 500, body: { error: "down" } });
      const user: AuthScheme = {
        kind: "oauth2",
        scheme: "oidc",
        flows: ["openIdConnect"],
        token: { env: "TOKEN" },
        discoveryUrl: discovery,
        scopes: [],
        refreshToken: { env: "KEY" },
        clientId: { env: "CLIENT_ID" },
      };
      const expiredJwt = `eyJhbGciOiJub25lIn0.${Buffer.from(JSON.stringify({ exp: 1 })).toString("base64url")}.`;
      const renewing = createAuthenticator(
        source([user]),
        resolveConfig(vars, { ...env, TOKEN: expiredJwt, KEY: "refresh-token-1" }),
      );
      const said = await Promise.all(
        Array.from({ length: 4 }, () => renewing.apply([["oidc"]], { signal }).catch((e) => e)),
      );
      expect(requests).toHaveLength(1);
      expect(said[0].message).toBe(
        "OAuth2 scheme 'oidc': the OpenID Connect discovery document answered HTTP 500",
      );
      const held = await renewing.apply([["oidc"]], { signal }).catch((e) => e);
      expect(held.message).toBe(
        "OAuth2 scheme 'oidc': the OpenID Connect discovery document answered HTTP 500 (a moment ago; not asked again for 5 s)",
      );
      expect(requests).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("missing client credentials name both variables", async () => {
    const auth = createAuthenticator(source([oauth()]), resolveConfig(vars, {}));
    await expect(auth.apply([["oauth"]], { signal })).rejects.toThrow(
      "missing credentials: set CLIENT_ID and CLIENT_SECRET (oauth)",
    );
    expect(requests).toHaveLength(0);
  });
});
