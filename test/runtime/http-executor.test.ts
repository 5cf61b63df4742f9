import { getEventListeners } from "node:events";
import { describe, expect, it, vi } from "vitest";
import type { CatalogTool, EnvVar, HttpBinding, Source } from "../../src/catalog.js";
import type { CallContext } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { createHttpExecutor } from "../../src/executors/http.js";
import { buildHttpRequest } from "../../src/executors/request.js";
import { upstreamErrorMessage } from "../../src/executors/response.js";

// The executor's handling of what comes back: size limits, media types, redirects, failures. Requests go to a
// fake fetch so each case controls the response exactly.

const vars: EnvVar[] = [
  { name: "BASE", description: "", type: "url", required: true, secret: false },
  { name: "TOKEN", description: "", type: "string", required: false, secret: true },
];
const source: Source = {
  id: "api",
  kind: "openapi",
  baseUrl: { env: "BASE" },
  auth: [{ kind: "bearer", scheme: "bearer", token: { env: "TOKEN" } }],
  timeoutMs: 1000,
};
const binding: HttpBinding = {
  kind: "http",
  source: "api",
  method: "POST",
  path: "/things",
  params: [],
  body: { mediaType: "application/json", encoding: "json", required: false, mode: "whole", arg: "body" },
  security: [["bearer"]],
  success: { status: "200", mediaType: "application/json" },
};
const config = resolveConfig(vars, { BASE: "https://api.example.com/v1", TOKEN: "tok-abc-123456" });

interface Sent {
  url: string;
  method: string;
  headers: Headers;
}

function executor(respond: (url: string, init: RequestInit) => Response | Promise<Response>, limit?: number) {
  const sent: Sent[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]),
    });
    return respond(String(input), init ?? {});
  }) as typeof globalThis.fetch;
  const run = createHttpExecutor({
    sources: [source],
    config,
    fetch,
    ...(limit ? { maxResponseBytes: limit } : {}),
  });
  return { run, sent };
}

function ctx(signal = new AbortController().signal): CallContext {
  return {
    tool: { name: "t" } as CatalogTool,
    calledAs: "t",
    entry: "tools/call",
    rawArgs: {},
    args: { body: { a: 1 } },
    correlationId: "c0ffee",
    client: { capabilities: undefined, era: "legacy" },
    signal,
    upstream: { requests: 0 },
    startedAt: performance.now(),
    depth: 0,
    progress: async () => {},
    notes: new Map(),
  };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("responses", () => {
  it("JSON is parsed, and the call counts one upstream request", async () => {
    const { run } = executor(() => json({ ok: 1 }));
    const c = ctx();
    expect(await run(c, binding)).toEqual({ data: { ok: 1 }, status: 200 });
    expect(c.upstream).toEqual({ requests: 1, lastStatus: 200 });
  });

  it("text stays text; invalid JSON falls back to text; an empty body is null", async () => {
    expect(
      (
        await executor(() => new Response("hi", { headers: { "content-type": "text/plain" } })).run(
          ctx(),
          binding,
        )
      ).data,
    ).toBe("hi");
    expect(
      (
        await executor(() => new Response("{oops", { headers: { "content-type": "application/json" } })).run(
          ctx(),
          binding,
        )
      ).data,
    ).toBe("{oops");
    expect((await executor(() => new Response(null, { status: 204 })).run(ctx(), binding)).data).toBeNull();
  });

  it("a body without Content-Type is read as the media type the spec promises", async () => {
    const { run } = executor(() => {
      const response = new Response('{"a":1}');
      response.headers.delete("content-type");
      return response;
    });
    expect((await run(ctx(), binding)).data).toEqual({ a: 1 });
  });

  it("a body over the limit is a clear error, whether or not it declares its length", async () => {
    const big = new Uint8Array(2048);
    const declared = await executor(
      () => new Response(big, { headers: { "content-type": "application/json" } }),
      1024,
    ).run(ctx(), binding);
    expect(declared.error).toEqual({
      message: "the upstream response is larger than 1 KiB",
      code: "response_too_large",
    });
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new Uint8Array(512));
      },
    });
    const streamed = await executor(
      () => new Response(stream, { headers: { "content-type": "text/plain" } }),
      1024,
    ).run(ctx(), binding);
    expect(streamed.error?.code).toBe("response_too_large");
  });

  it("the default limit is 10 MB", async () => {
    const body = new Uint8Array(10 * 1024 * 1024 + 1);
    const result = await executor(
      () => new Response(body, { headers: { "content-type": "application/octet-stream" } }),
    ).run(ctx(), binding);
    expect(result.error?.message).toBe("the upstream response is larger than 10 MiB");
  });
});

describe("failures", () => {
  it("an upstream error keeps status and a redacted, truncated message, never the body", async () => {
    const message = `quota exceeded for key tok-abc-123456 at https://internal.example/x ${"x".repeat(400)}`;
    const { run } = executor(() => json({ error: { message }, debug: "SELECT * FROM secrets" }, 429));
    const result = await run(ctx(), binding);
    expect(result.status).toBe(429);
    expect(result.error?.code).toBe("http_429");
    expect(result.error?.message).toMatch(
      /^upstream answered HTTP 429 Too Many Requests: quota exceeded for key \[redacted\] at \[url\]/,
    );
    expect(result.error?.message.length).toBeLessThan(300);
    expect(result.error?.message).not.toContain("SELECT");
  });

  it("a non-JSON error body contributes nothing but its status", async () => {
    const { run } = executor(() => new Response("<html>stack at 10.0.0.1</html>", { status: 502 }));
    expect((await run(ctx(), binding)).error?.message).toBe("upstream answered HTTP 502 Bad Gateway");
  });

  it("a refused connection is a safe network error", async () => {
    const { run } = executor(() => {
      throw Object.assign(new TypeError("fetch failed"), {
        cause: { code: "ECONNREFUSED", address: "10.1.1.1" },
      });
    });
    expect((await run(ctx(), binding)).error).toEqual({
      message: "the upstream refused the connection",
      code: "network",
    });
  });

  it("cancellation aborts the request", async () => {
    const controller = new AbortController();
    const { run } = executor(
      (_, init) =>
        new Promise<Response>((_, reject) => {
          const abort = () => reject(new DOMException("aborted", "AbortError"));
          if (init.signal?.aborted) abort();
          init.signal?.addEventListener("abort", abort);
        }),
    );
    const pending = run(ctx(controller.signal), binding);
    setTimeout(() => controller.abort(), 20);
    expect((await pending).error?.code).toBe("cancelled");
  });

  it("an upstream that does not answer within the source's timeout ends the call as a timeout, not a cancel", async () => {
    const slow: Source = { ...source, timeoutMs: 30 };
    let aborted: unknown;
    const run = createHttpExecutor({
      sources: [slow],
      config,
      fetch: ((_: string, init?: RequestInit) =>
        new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener("abort", () => {
            aborted = init.signal?.reason;
            reject(init.signal?.reason);
          });
        })) as typeof globalThis.fetch,
    });
    const call = ctx();
    expect((await run(call, binding)).error).toEqual({
      message: "the upstream did not answer within 30 ms",
      code: "timeout",
    });
    expect((aborted as Error).name).toBe("TimeoutError");
    expect(call.signal.aborted).toBe(false);
  });

  it("a call's deadline is released when it ends: no listener left on the call's signal, no per-call AbortSignal.any/timeout", async () => {
    const any = vi.spyOn(AbortSignal, "any");
    const timeout = vi.spyOn(AbortSignal, "timeout");
    const controller = new AbortController();
    let during = -1;
    const { run } = executor(() => {
      during = getEventListeners(controller.signal, "abort").length;
      return Response.json({ ok: true });
    });
    try {
      for (let i = 0; i < 3; i++) expect((await run(ctx(controller.signal), binding)).error).toBeUndefined();
      expect(during).toBe(1);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
      expect(any).not.toHaveBeenCalled();
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it("missing credentials: no request, a message naming the variable", async () => {
    const run = createHttpExecutor({
      sources: [source],
      config: resolveConfig(vars, { BASE: "https://a.example" }),
    });
    const result = await run(ctx(), binding);
    expect(result.error).toEqual({
      message: "missing credentials: set TOKEN (bearer)",
      code: "missing_credentials",
    });
  });
});

describe("building the request", () => {
  // A binary upload behind OAuth2 client credentials: the costly body (base64 decoded) and the costliest
  // credential (a token request) in one call.
  const oauthVars: EnvVar[] = [
    ...vars,
    { name: "CLIENT_ID", description: "", type: "string", required: false, secret: false },
    { name: "CLIENT_SECRET", description: "", type: "string", required: false, secret: true },
  ];
  const oauthSource: Source = {
    id: "api",
    kind: "openapi",
    baseUrl: { env: "BASE" },
    auth: [
      {
        kind: "oauth2ClientCredentials",
        scheme: "oauth",
        tokenUrl: "/oauth/token",
        scopes: ["blobs:write"],
        clientId: { env: "CLIENT_ID" },
        clientSecret: { env: "CLIENT_SECRET" },
      },
    ],
    timeoutMs: 1000,
  };
  const upload: HttpBinding = {
    kind: "http",
    source: "api",
    method: "PUT",
    path: "/blobs",
    params: [],
    body: {
      mediaType: "application/octet-stream",
      encoding: "binary",
      required: true,
      mode: "whole",
      arg: "data",
    },
    security: [["oauth"]],
    success: { status: "200", mediaType: "application/json" },
  };

  function oauthExecutor() {
    const sent: Array<{ url: string; headers: Headers; body: unknown }> = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      sent.push({
        url,
        headers: new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]),
        body: init?.body,
      });
      if (url.endsWith("/oauth/token"))
        return json({ access_token: "at-77", token_type: "Bearer", expires_in: 600 });
      return json({ stored: true });
    }) as typeof globalThis.fetch;
    const run = createHttpExecutor({
      sources: [oauthSource],
      config: resolveConfig(oauthVars, {
        BASE: "https://api.example.com/v1",
        CLIENT_ID: "cid",
        CLIENT_SECRET: "cs-1",
      }),
      fetch,
    });
    return { run, sent };
  }

  function withArgs(args: Record<string, unknown>): CallContext {
    return { ...ctx(), rawArgs: args, args };
  }

  it("a refused argument costs no credential: no token request, no upstream request", async () => {
    const { run, sent } = oauthExecutor();
    const result = await run(withArgs({ data: "not base64 !!" }), upload);
    expect(result.error).toEqual({
      message: expect.stringMatching(/must be base64/),
      code: "invalid_argument",
    });
    expect(sent).toEqual([]);
  });

  it("the body is built once per call, and goes out with its type and the credentials", async () => {
    // Counts how often the body's argument is read: one build reads it a fixed number of times.
    let reads = 0;
    const counted = (): Record<string, unknown> =>
      new Proxy(
        { data: Buffer.from("hello blob").toString("base64") },
        {
          get(target, key, receiver) {
            if (key === "data") reads += 1;
            return Reflect.get(target, key, receiver);
          },
        },
      );
    const auth = { headers: [], query: [], cookies: [] };
    buildHttpRequest({ binding: upload, args: counted(), baseUrl: "https://api.example.com/v1", auth });
    const perBuild = reads;
    expect(perBuild).toBeGreaterThan(0);

    reads = 0;
    const { run, sent } = oauthExecutor();
    expect(await run(withArgs(counted()), upload)).toEqual({ data: { stored: true }, status: 200 });
    expect(reads).toBe(perBuild);
    expect(sent.map((s) => s.url)).toEqual([
      "https://api.example.com/oauth/token",
      "https://api.example.com/v1/blobs",
    ]);
    const put = sent[1]!;
    expect(put.headers.get("authorization")).toBe("Bearer at-77");
    expect(put.headers.get("content-type")).toBe("application/octet-stream");
    expect(Buffer.from(put.body as Uint8Array).toString()).toBe("hello blob");
  });

  it("an argument that would override a credential is still refused, before any upstream request", async () => {
    const keyed: Source = {
      ...source,
      auth: [{ kind: "apiKey", scheme: "key", in: "query", name: "api_key", value: { env: "TOKEN" } }],
    };
    const clash: HttpBinding = {
      ...upload,
      security: [["key"]],
      params: [{ arg: "key", name: "api_key", in: "query", style: "form", explode: true, required: false }],
    };
    const sent: string[] = [];
    const run = createHttpExecutor({
      sources: [keyed],
      config,
      fetch: (async (input: string | URL | Request) => {
        sent.push(String(input));
        return json({});
      }) as typeof globalThis.fetch,
    });
    const result = await run(withArgs({ key: "attacker", data: "aGk=" }), clash);
    expect(result.error?.code).toBe("invalid_argument");
    expect(result.error?.message).toMatch(/override a credential/);
    expect(sent).toEqual([]);
    // Without the clashing argument the same call goes out with the key and the body.
    expect((await run(withArgs({ data: "aGk=" }), clash)).error).toBeUndefined();
    expect(sent).toEqual(["https://api.example.com/v1/blobs?api_key=tok-abc-123456"]);
  });
});

describe("redirects", () => {
  it("follows same-origin redirects with the credentials", async () => {
    const { run, sent } = executor((url) =>
      url.endsWith("/things")
        ? new Response(null, { status: 307, headers: { location: "/v1/things2" } })
        : json({ moved: true }),
    );
    expect((await run(ctx(), binding)).data).toEqual({ moved: true });
    expect(sent.map((s) => [s.method, s.url, s.headers.get("authorization")])).toEqual([
      ["POST", "https://api.example.com/v1/things", "Bearer tok-abc-123456"],
      ["POST", "https://api.example.com/v1/things2", "Bearer tok-abc-123456"],
    ]);
  });

  it("a 303 becomes a GET", async () => {
    const { run, sent } = executor((url) =>
      url.endsWith("/things")
        ? new Response(null, { status: 303, headers: { location: "/v1/result" } })
        : json({}),
    );
    await run(ctx(), binding);
    expect(sent[1]?.method).toBe("GET");
  });

  it("never follows a redirect to another origin", async () => {
    const { run, sent } = executor(
      () =>
        new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data" } }),
    );
    const result = await run(ctx(), binding);
    expect(result.error?.code).toBe("redirect_refused");
    expect(result.error?.message).not.toContain("169.254");
    expect(sent).toHaveLength(1);
  });

  it("stops redirect loops", async () => {
    const { run } = executor(() => new Response(null, { status: 302, headers: { location: "/v1/things" } }));
    expect((await run(ctx(), binding)).error?.message).toBe(
      "the upstream redirected more than 20 times (HTTP 302 Found); not followed further",
    );
  });
});

describe("upstreamErrorMessage", () => {
  it.each([
    [{ message: "plain" }, "plain"],
    [{ error: { message: "nested" } }, "nested"],
    [{ error: "invalid_grant", error_description: "described" }, "described"],
    [{ detail: "fastapi" }, "fastapi"],
    [{ detail: [{ msg: "field required", loc: ["body", "x"] }] }, "field required"],
    [{ title: "problem+json title" }, "problem+json title"],
    [{ errors: [{ message: "graphql-ish" }] }, "graphql-ish"],
    [{ unrelated: "x" }, undefined],
    ["a string body", undefined],
    [[{ message: "array" }], undefined],
  ])("%j -> %j", (body, expected) => {
    expect(upstreamErrorMessage(body)).toBe(expected);
  });
});
