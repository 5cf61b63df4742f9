import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogTool } from "../../src/catalog.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { SCAIVAULT, tools, validArgs } from "./catalog.js";
import { type Served, serve, textOf } from "./harness.js";

/**
 * Hostile argument values: traversal and ambiguous paths, query and header injection, and values shaped like
 * URLs or hosts in every string argument of every tool. None may reach the upstream as anything but one plain
 * value, and none may send a request anywhere but the configured base URL.
 */

let upstream: ScaivaultUpstream;
let server: Served;
let elsewhere: Server;
let elsewhereHits = 0;
let elsewherePort = 0;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  // A second listener an argument might try to redirect a request to.
  elsewhere = createServer((_req, res) => {
    elsewhereHits++;
    res.end("{}");
  });
  await new Promise<void>((done) => elsewhere.listen(0, "127.0.0.1", done));
  elsewherePort = (elsewhere.address() as AddressInfo).port;
  server = await serve({ upstream });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
  elsewhere.closeAllConnections();
  await new Promise<void>((done) => elsewhere.close(() => done()));
});
beforeEach(async () => {
  await upstream.reset();
});

const TRAVERSAL = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "%252e%252e",
  "..%2f",
  "integrations/../infra/db/primary/credentials",
  "integrations/./salesforce/oauth",
  "integrations/%2e%2e/infra",
  "integrations//salesforce",
  "/etc/passwd",
  "integrations/",
  "a\\..\\b",
  "a?x=1",
  "a#fragment",
  "a;b",
  "a/..;/b",
  "a\u0000b",
  "a\r\nb",
  "．．/infra",
  "",
];

/** The argument of a tool that carries a vault path: its scoped path, or a multi-segment path parameter. */
function pathArgOf(tool: CatalogTool): string | undefined {
  if (tool.policy.scopedPath !== undefined) return tool.policy.scopedPath;
  if (tool.binding.kind !== "http") return undefined;
  return tool.binding.params.find((p) => p.in === "path" && p.multiSegment)?.arg;
}

describe("traversal and ambiguous path values", () => {
  const scoped = tools((t) => pathArgOf(t) !== undefined);

  it.each(scoped.map((t) => [t.name, t] as const))(
    "%s refuses each one before any request",
    async (_name, tool) => {
      for (const value of TRAVERSAL) {
        const result = await server.call(tool.name, validArgs(tool, { [pathArgOf(tool)!]: value }));
        expect(result.isError, JSON.stringify(value)).toBe(true);
      }
      expect(upstream.requests).toEqual([]);
    },
  );

  it("every other path parameter refuses them too (ScaiVault's ids all have strict patterns)", async () => {
    const withPathParams = SCAIVAULT.tools.filter(
      (t) =>
        t.binding.kind === "http" &&
        t.binding.params.some((p) => p.in === "path") &&
        pathArgOf(t) === undefined,
    );
    expect(withPathParams.length).toBeGreaterThan(20);
    for (const tool of withPathParams) {
      const binding = tool.binding as Extract<CatalogTool["binding"], { kind: "http" }>;
      for (const param of binding.params.filter((p) => p.in === "path")) {
        for (const value of ["..", "%2e%2e", "a/../b", "a?x=1", "a#f", "a/b", ""]) {
          const result = await server.call(tool.name, validArgs(tool, { [param.arg]: value }));
          expect(result.isError, `${tool.name} ${param.arg}=${JSON.stringify(value)}`).toBe(true);
        }
      }
    }
    expect(upstream.requests).toEqual([]);
  });
});

describe("query and header injection", () => {
  it("a query value with & = # stays one value", async () => {
    const cursor = "x&admin=true&prefix=infra/#frag";
    await server.call("scaivault_list_secrets", { prefix: "integrations/", cursor });
    const [request] = upstream.requests;
    expect(request?.query).toEqual({ prefix: "integrations/", cursor });
    expect(request?.url).not.toContain("#");
  });

  it("CR/LF in a header argument never reaches the wire", async () => {
    for (const tenant of ["acme\r\nX-Injected: 1", "acme\nX-Injected: 1", "acme\u0000"]) {
      const result = await server.call("scaivault_read_secret", {
        path: "integrations/salesforce/oauth",
        tenant,
      });
      expect(result.isError).toBe(true);
    }
    expect(upstream.requests).toEqual([]);
  });

  it("no argument can set Authorization, Host or Cookie", async () => {
    const result = await server.call("scaivault_read_secret", {
      path: "integrations/salesforce/oauth",
      Authorization: "Bearer stolen",
      Host: "evil.example",
    });
    expect(textOf(result)).toMatch(/^invalid arguments: .*unknown propert/);
    expect(upstream.requests).toEqual([]);
  });
});

describe("scheme, host and port come from configuration only", () => {
  it("URL- and host-shaped values in every string argument of every tool never send a request elsewhere", async () => {
    const hostile = [
      `http://127.0.0.1:${elsewherePort}/x`,
      `//127.0.0.1:${elsewherePort}/x`,
      `@127.0.0.1:${elsewherePort}`,
      `127.0.0.1:${elsewherePort}`,
    ];
    const upstreamHost = new URL(upstream.url).host;
    let calls = 0;
    for (const tool of SCAIVAULT.tools) {
      const args = validArgs(tool);
      const strings = Object.keys(args).filter((k) => typeof args[k] === "string");
      for (const value of hostile) {
        const hostileArgs = { ...args, ...Object.fromEntries(strings.map((k) => [k, value])) };
        await server.call(tool.name, hostileArgs);
        calls++;
      }
    }
    expect(calls).toBe(SCAIVAULT.tools.length * hostile.length);
    expect(elsewhereHits).toBe(0);
    // The sweep is only meaningful if many of those calls did reach the upstream.
    expect(upstream.requests.length).toBeGreaterThan(50);
    for (const request of upstream.requests) {
      expect(request.headers.host).toBe(upstreamHost);
      expect(request.url.startsWith("/v1/")).toBe(true);
    }
  });
});
