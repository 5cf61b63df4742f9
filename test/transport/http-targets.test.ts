import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

/**
 * Request targets and methods as hostile or unusual clients send them, through a real `toolwright serve` and
 * node's http client (which sends the target and Host it is given): the absolute form a client sends to a proxy
 * (`POST http://host/mcp HTTP/1.1`), whose authority replaces Host (RFC 9112 3.2.2), and methods a web `Request`
 * cannot carry.
 */

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };

let served: Served;
let host: string;
beforeAll(async () => {
  served = await serveHttp(await fixtureCatalog(), fixtureEnv());
  host = new URL(served.url).host;
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

const message = (body: string) => (JSON.parse(body) as { error: { message: string } }).error.message;

describe("an absolute-form request target", () => {
  it("is served by its path when its authority is an allowed host", async () => {
    const res = await raw(served.url, {
      path: `http://${host}/mcp`,
      headers: { ...MCP_HEADERS, ...auth },
      body: INITIALIZE,
    });
    // Before: 404, the target taken as a path.
    expect(res.status).toBe(200);
    expect(res.body).toContain('"protocolVersion"');
  });

  it("is refused 403 when its authority is not an allowed host, on every path", async () => {
    for (const path of ["/mcp", "/healthz", "/metrics", "/.well-known/oauth-protected-resource"]) {
      const res = await raw(served.url, {
        method: path === "/mcp" ? "POST" : "GET",
        path: `http://rebind.example${path}`,
        headers: { ...MCP_HEADERS, ...auth, host: "rebind.example" },
        ...(path === "/mcp" ? { body: INITIALIZE } : {}),
      });
      // The authority is the Host judged: a probe's answers an IP address only, not a name.
      expect([path, res.status, message(res.body)]).toEqual([path, 403, "Forbidden: Host not allowed"]);
    }
  });

  it("is refused 400 when the Host header names another authority, or it carries userinfo or another scheme", async () => {
    const cases = [
      { target: "http://rebind.example/mcp", host, said: "the Host header must name the authority" },
      {
        target: `http://${host}/mcp`,
        host: "rebind.example",
        said: "the Host header must name the authority",
      },
      { target: `http://user@${host}/mcp`, host, said: "carries userinfo" },
      { target: `ftp://${host}/mcp`, host, said: "is not an http or https URL" },
    ];
    for (const { target, host: sent, said } of cases) {
      const res = await raw(served.url, {
        path: target,
        headers: { ...MCP_HEADERS, ...auth, host: sent },
        body: INITIALIZE,
      });
      expect([target, res.status]).toEqual([target, 400]);
      expect(message(res.body)).toContain(said);
    }
  });
});

describe("a method the MCP endpoint does not take", () => {
  it("TRACE is 405 with Allow, as any other is, not a 500", async () => {
    const res = await raw(served.url, { method: "TRACE", headers: auth });
    // Before: 500 `internal error`, the SDK's web Request refusing the method.
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST");
    expect(message(res.body)).toBe("Method Not Allowed: the MCP endpoint takes POST, not TRACE");
    // Unauthenticated, it is refused as any request is.
    expect((await raw(served.url, { method: "TRACE" })).status).toBe(401);
  });
});
