import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogTool, EnvVar, GraphqlBinding, Source } from "../../src/catalog.js";
import type { CallContext } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { createGraphqlExecutor } from "../../src/executors/graphql.js";

// The GraphQL executor against a real HTTP server on 127.0.0.1: what it sends, and how each kind of answer
// (data, errors, partial data, HTTP failures, oversized or slow bodies) becomes a tool outcome.

const KEY = "gql-key-canary-5d1e9a";
const COOKIE = "cookie-canary-71be";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: { query: string; variables: Record<string, unknown>; operationName: string };
}

const seen: Seen[] = [];
let reply: (req: IncomingMessage, res: ServerResponse, body: Seen["body"]) => void;
let server: Server;
let endpoint = "";

function send(res: ServerResponse, status: number, body: unknown, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString() || "{}");
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
    reply(req, res, body);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});
beforeEach(() => {
  seen.length = 0;
  reply = (_req, res) => send(res, 200, { data: { thing: { id: "1" } } });
});

const vars: EnvVar[] = [
  { name: "GQL_URL", description: "", type: "url", required: true, secret: false },
  { name: "GQL_KEY", description: "", type: "string", required: false, secret: true },
  { name: "GQL_COOKIE", description: "", type: "string", required: false, secret: true },
];

function source(auth: Source["auth"] = [], timeoutMs = 2000): Source {
  return { id: "api", kind: "graphql", baseUrl: { env: "GQL_URL" }, auth, timeoutMs };
}

const keyHeader: Source["auth"][number] = {
  kind: "apiKey",
  scheme: "key",
  in: "header",
  name: "x-api-key",
  value: { env: "GQL_KEY" },
};

const binding: GraphqlBinding = {
  kind: "graphql",
  source: "api",
  operationType: "query",
  operationName: "GetThing",
  document: "query GetThing($id: ID!, $n: Int) { thing(id: $id, n: $n) { id } }",
  variables: [
    { arg: "id", name: "id" },
    { arg: "count", name: "n" },
  ],
  field: "thing",
};

function run(
  opts: { src?: Source; env?: Record<string, string>; limit?: number; tool?: Partial<CatalogTool> } = {},
  args: Record<string, unknown> = { id: "1" },
  b: GraphqlBinding = binding,
  signal = new AbortController().signal,
) {
  const config = resolveConfig(vars, { GQL_URL: endpoint, GQL_KEY: KEY, ...opts.env });
  const exec = createGraphqlExecutor({
    sources: [opts.src ?? source([keyHeader])],
    config,
    userAgent: "toolwright-test",
    ...(opts.limit ? { maxResponseBytes: opts.limit } : {}),
  });
  const ctx: CallContext = {
    tool: { name: "get_thing", outputSchema: { type: "object" }, ...opts.tool } as CatalogTool,
    calledAs: "get_thing",
    entry: "tools/call",
    rawArgs: args,
    args,
    correlationId: "c0ffee",
    client: { capabilities: undefined, era: "legacy" },
    signal,
    upstream: { requests: 0 },
    startedAt: performance.now(),
    depth: 0,
    progress: async () => {},
    notes: new Map(),
  };
  return { ctx, outcome: exec(ctx, b) };
}

describe("the request", () => {
  it("POSTs the document, the operation name and only the arguments given, with the source's credentials", async () => {
    const { ctx, outcome } = run({}, { id: "42", count: undefined });
    expect(await outcome).toEqual({ data: { id: "1" }, status: 200 });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/graphql");
    expect(req?.body).toEqual({
      query: binding.document,
      variables: { id: "42" },
      operationName: "GetThing",
    });
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers.accept).toBe("application/graphql-response+json, application/json;q=0.9");
    expect(req?.headers["x-api-key"]).toBe(KEY);
    expect(req?.headers["user-agent"]).toBe("toolwright-test");
    expect(ctx.upstream).toEqual({ requests: 1, lastStatus: 200 });
  });

  it("maps renamed arguments to their variables; every declared scheme applies (header, query, cookie)", async () => {
    const src = source([
      keyHeader,
      { kind: "apiKey", scheme: "q", in: "query", name: "key", value: { env: "GQL_KEY" } },
      { kind: "apiKey", scheme: "c", in: "cookie", name: "session", value: { env: "GQL_COOKIE" } },
    ]);
    await run({ src, env: { GQL_COOKIE: COOKIE } }, { id: "1", count: 3 }).outcome;
    expect(seen[0]?.body.variables).toEqual({ id: "1", n: 3 });
    expect(seen[0]?.url).toBe(`/graphql?key=${KEY}`);
    expect(seen[0]?.headers.cookie).toBe(`session=${COOKIE}`);
  });

  it("a missing credential fails before any request, naming the variable, not a value", async () => {
    const { outcome } = run({ env: { GQL_KEY: "" } });
    const result = await outcome;
    expect(result.error).toMatchObject({ code: "missing_credentials" });
    expect(result.error?.message).toContain("GQL_KEY");
    expect(seen).toHaveLength(0);
  });
});

describe("the answer", () => {
  it("data[field] is the result; the whole data when the tool maps several fields", async () => {
    reply = (_q, res) => send(res, 200, { data: { a: 1, b: [2] } });
    const { field: _field, ...whole } = binding;
    expect(await run({}, { id: "1" }, whole).outcome).toEqual({ data: { a: 1, b: [2] }, status: 200 });
  });

  it("errors without data fail with the first error's code, messages redacted, paths kept", async () => {
    reply = (_q, res) =>
      send(res, 200, {
        data: null,
        errors: [
          {
            message: `No thing 42 (see https://internal.example.corp/x, key=${KEY})`,
            path: ["thing"],
            extensions: { code: "NOT_FOUND" },
          },
        ],
      });
    const result = await run().outcome;
    expect(result.data).toBeNull();
    expect(result.error?.code).toBe("graphql_not_found");
    expect(result.error?.message).toBe(
      "the upstream answered with 1 GraphQL error: No thing 42 (see [url] key=[redacted]) (at thing)",
    );
    expect(result.error?.details).toEqual({
      errors: [{ message: "No thing 42 (see [url] key=[redacted])", path: ["thing"], code: "NOT_FOUND" }],
    });
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it("partial data is kept next to the errors and their paths", async () => {
    reply = (_q, res) =>
      send(res, 200, {
        data: { thing: { id: "1", usage: null, parts: [{ n: 1 }, null] } },
        errors: [
          { message: "usage unavailable", path: ["thing", "usage"], extensions: { code: "UNAVAILABLE" } },
          { message: "part failed", path: ["thing", "parts", 1] },
        ],
      });
    const result = await run().outcome;
    expect(result.data).toEqual({ id: "1", usage: null, parts: [{ n: 1 }, null] });
    expect(result.error).toEqual({
      message:
        "partial result: 2 GraphQL errors (the fields named are null or missing): usage unavailable (at thing.usage); part failed (at thing.parts[1])",
      code: "graphql_partial_data",
      details: {
        partial: true,
        errors: [
          { message: "usage unavailable", path: ["thing", "usage"], code: "UNAVAILABLE" },
          { message: "part failed", path: ["thing", "parts", 1] },
        ],
      },
      // The upstream's words, for masking to withhold (policy/mask.ts withoutQuoted).
      quoted: {
        pieces: [
          "partial result: 2 GraphQL errors (the fields named are null or missing): ",
          "usage unavailable",
          " (at thing.usage); ",
          "part failed",
          " (at thing.parts[1])",
        ],
        details: {
          partial: true,
          errors: [
            { message: "(withheld)", path: ["thing", "usage"], code: "UNAVAILABLE" },
            { message: "(withheld)", path: ["thing", "parts", 1] },
          ],
        },
      },
    });
  });

  it("the response's extensions (query cost, rate limit) are a note next to the data, the errors, or alone", async () => {
    const cost = {
      cost: {
        requestedQueryCost: 12,
        actualQueryCost: 12,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1988, restoreRate: 100 },
      },
    };
    const note = `GraphQL extensions: ${JSON.stringify(cost)}`;
    reply = (_q, res) => send(res, 200, { data: { thing: { id: "1" } }, extensions: cost });
    const ok = await run().outcome;
    expect(ok.data).toEqual({ id: "1" });
    expect(ok.notes).toEqual([note]);
    // Shopify's throttled call: no data, a THROTTLED error, and the cost saying when there is room again.
    reply = (_q, res) =>
      send(res, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
        extensions: cost,
      });
    const throttled = await run().outcome;
    expect(throttled.error?.code).toBe("graphql_throttled");
    expect(throttled.notes).toEqual([note]);
    // Partial data keeps them too; an empty or non-object value is no note; a large one is named by its keys.
    reply = (_q, res) =>
      send(res, 200, { data: { thing: { id: "1" } }, errors: [{ message: "x" }], extensions: cost });
    expect((await run().outcome).notes).toEqual([note]);
    for (const extensions of [{}, [], "cost", null]) {
      reply = (_q, res) => send(res, 200, { data: { thing: { id: "1" } }, extensions });
      expect((await run().outcome).notes).toBeUndefined();
    }
    reply = (_q, res) =>
      send(res, 200, { data: { thing: { id: "1" } }, extensions: { tracing: "t".repeat(5000), cost: 1 } });
    expect((await run().outcome).notes).toEqual([
      'GraphQL extensions: (5023 characters, not shown; keys "tracing", "cost")',
    ]);
  });

  it("a null object is not_found; a null where the output is wrapped stays a result", async () => {
    reply = (_q, res) => send(res, 200, { data: { thing: null } });
    expect((await run().outcome).error).toMatchObject({
      code: "not_found",
      message: "thing returned null: nothing matches these arguments",
    });
    expect(await run({ tool: { outputWrapped: true } }).outcome).toEqual({ data: null, status: 200 });
  });

  it("a root field named like an Object.prototype member that the answer leaves out is null, not a function", async () => {
    for (const field of ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"]) {
      const b = {
        ...binding,
        field,
        document: `query GetThing { ${field === "__proto__" ? "proto: __typename" : field} }`,
      };
      reply = (_q, res) => send(res, 200, { data: {} });
      expect((await run({}, { id: "1" }, b).outcome).error).toMatchObject({
        code: "not_found",
        message: `${field} returned null: nothing matches these arguments`,
      });
      expect(await run({ tool: { outputWrapped: true } }, { id: "1" }, b).outcome).toEqual({
        data: null,
        status: 200,
      });
      // Present, it is the answer's own value.
      reply = (_q, res) =>
        res.writeHead(200, { "content-type": "application/json" }).end(`{"data":{"${field}":{"id":"7"}}}`);
      expect((await run({}, { id: "1" }, b).outcome).data).toEqual({ id: "7" });
    }
  });

  it("an HTTP error with a GraphQL body is a GraphQL failure; without one, an HTTP failure", async () => {
    reply = (_q, res) =>
      send(res, 401, { errors: [{ message: "Invalid key", extensions: { code: "UNAUTHORIZED" } }] });
    expect(await run().outcome).toMatchObject({ status: 401, error: { code: "graphql_unauthorized" } });
    reply = (_q, res) => send(res, 502, "<html>bad gateway at 10.1.2.3</html>", "text/html");
    const result = await run().outcome;
    expect(result.error).toEqual({ message: "upstream answered HTTP 502 Bad Gateway", code: "http_502" });
  });

  // Non-GraphQL error statuses are mapped exactly as the HTTP executor maps them (one shared function).
  it("a 403 naming the scope the token lacks says so (body or RFC 6750 challenge)", async () => {
    reply = (_q, res) => send(res, 403, { error: { message: "nope", required_scope: "stacks:write" } });
    expect((await run().outcome).error).toEqual({
      message:
        "refused by the upstream: the token lacks scope stacks:write (upstream 403); toolwright's settings can only narrow what the token allows, so this needs a token with that scope",
      code: "http_403",
      quoted: {
        pieces: [
          "refused by the upstream: the token lacks scope ",
          "stacks:write",
          " (upstream 403); toolwright's settings can only narrow what the token allows, so this needs a token with that scope",
        ],
      },
    });
    reply = (_q, res) => {
      res.writeHead(403, {
        "content-type": "text/plain",
        "www-authenticate": 'Bearer error="insufficient_scope", scope="org:admin"',
      });
      res.end("forbidden");
    };
    expect((await run().outcome).error?.message).toMatch(
      /^refused by the upstream: the token lacks scope org:admin /,
    );
  });

  it("an error body's own code is kept in details.upstream_code", async () => {
    reply = (_q, res) =>
      send(res, 409, { error: { code: "STACK_LOCKED", message: "another deploy holds the stack" } });
    expect(await run().outcome).toEqual({
      data: null,
      status: 409,
      error: {
        message: "upstream answered HTTP 409 Conflict: another deploy holds the stack",
        code: "http_409",
        details: { upstream_code: "STACK_LOCKED" },
        quoted: { pieces: ["upstream answered HTTP 409 Conflict: ", "another deploy holds the stack", ""] },
      },
    });
  });

  it("an error body is read up to 64 KB (not the 10 MB result cap): a bigger one contributes only its status", async () => {
    const big = { message: "should not be read", pad: "x".repeat(70 * 1024) };
    reply = (_q, res) => send(res, 500, big);
    expect((await run().outcome).error).toEqual({
      message: "upstream answered HTTP 500 Internal Server Error",
      code: "http_500",
    });
    // Just under the cap it is read.
    reply = (_q, res) => send(res, 500, { ...big, pad: "x".repeat(60 * 1024) });
    expect((await run().outcome).error?.message).toBe(
      "upstream answered HTTP 500 Internal Server Error: should not be read",
    );
  });

  it("a 200 that is not a GraphQL result, a redirect, a huge body, a slow answer, a cancelled call", async () => {
    reply = (_q, res) => send(res, 200, "<html>login</html>", "text/html");
    expect((await run().outcome).error?.code).toBe("bad_response");

    reply = (_q, res) => {
      res.writeHead(307, { location: "https://elsewhere.example/graphql" });
      res.end();
    };
    expect((await run().outcome).error?.code).toBe("redirect_refused");

    // A 304 is no redirect, and a POST names no version it holds: an error naming the 304, as the HTTP executor's.
    reply = (_q, res) => {
      res.writeHead(304, { etag: '"v1"' });
      res.end();
    };
    expect((await run().outcome).error).toMatchObject({
      code: "http_304",
      message: expect.stringMatching(
        /^the upstream answered HTTP 304 Not Modified to a request the caller did not make conditional \(its arguments set no If-None-Match or If-Modified-Since value\)/,
      ),
    });

    reply = (_q, res) => send(res, 200, { data: { thing: { id: "x".repeat(5000) } } });
    expect((await run({ limit: 1000 }).outcome).error?.code).toBe("response_too_large");

    reply = (_q, res) => setTimeout(() => send(res, 200, { data: { thing: { id: "late" } } }), 1500);
    expect((await run({ src: source([keyHeader], 200) }).outcome).error).toMatchObject({
      code: "timeout",
      message: "the upstream did not answer within 200 ms",
    });

    const abort = new AbortController();
    const pending = run({}, { id: "1" }, binding, abort.signal).outcome;
    setTimeout(() => abort.abort(), 50);
    expect((await pending).error?.code).toBe("cancelled");
  });
});
