import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// The Origin check by the browsers' rule: an origin is exactly scheme://host:port, and a loopback-bound server takes
// its own only (the host and port a request was sent to). Its allow list names loopback hosts without ports, and
// before, an Origin naming one on any port passed (a page another local program serves, on localhost:3000), and so
// did any text a URL parser reads as an allowed origin (uppercase, a path, userinfo, a written-out default port).

let catalog: string;
let served: Served;
let port: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
  served = await serveHttp(catalog, fixtureEnv());
  port = new URL(served.url).port;
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
});

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };
const message = (body: string) => (JSON.parse(body) as { error: { message: string } }).error.message;

describe("a loopback-bound server", () => {
  it("serves a real MCP client that sends the server's own origin", async () => {
    const url = new URL(served.url);
    const client = new Client({ name: "origin-own", version: "1" });
    const headers = { ...auth, origin: url.origin };
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers } }));
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });

  it.each([
    ["localhost:PORT", "http://localhost:PORT"],
    ["127.0.0.1:PORT", "http://127.0.0.1:PORT"],
    ["[::1]:PORT", "http://[::1]:PORT"],
  ])("accepts Host %s with Origin %s", async (host, origin) => {
    const headers = {
      ...MCP_HEADERS,
      ...auth,
      host: host.replace("PORT", port),
      origin: origin.replace("PORT", port),
    };
    const res = await raw(served.url, { headers, body: INITIALIZE });
    expect(res.status).toBe(200);
  });

  it.each([
    ["another local program's page", "http://localhost:3000"],
    ["the port left out (80)", "http://localhost"],
    ["another port on the address bound", "http://127.0.0.1:1"],
    ["another loopback name than the Host's", "http://127.0.0.1:PORT"],
    ["https on another port", "https://localhost:3000"],
    ["uppercase scheme and host", "HTTP://LOCALHOST:PORT"],
    ["a path", "http://localhost:PORT/mcp"],
    ["a trailing slash", "http://localhost:PORT/"],
    ["userinfo", "http://me@localhost:PORT"],
    ["the port with a leading zero", "http://localhost:0PORT"],
    ["a trailing dot", "http://localhost.:PORT"],
    ["a lookalike name", "http://127.0.0.1.evil.test:PORT"],
    ["the opaque origin", "null"],
    ["a non-http scheme", "file://localhost"],
  ])("refuses %s (%s) with 403, saying why", async (_label, origin) => {
    const sent = origin.replace("PORT", port);
    const headers = { ...MCP_HEADERS, ...auth, host: `localhost:${port}`, origin: sent };
    const res = await raw(served.url, { headers, body: INITIALIZE });
    expect([sent, res.status]).toEqual([sent, 403]);
    expect(message(res.body)).toMatch(/^Forbidden: Origin not allowed: /);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("keeps serving after the refusals", async () => {
    const headers = { ...MCP_HEADERS, ...auth, origin: `http://127.0.0.1:${port}` };
    expect((await raw(served.url, { headers, body: INITIALIZE })).status).toBe(200);
  });
});

describe("behind a proxy, with a public URL", () => {
  it("accepts the public URL's origin, whatever Host the proxy passes on, and no other port or scheme", async () => {
    const proxied = await serveHttp(
      catalog,
      fixtureEnv({
        SCALY_MCP_PUBLIC_URL: "https://mcp.example.com",
        SCALY_MCP_ALLOWED_HOSTS: "mcp.example.com,localhost",
      }),
    );
    try {
      const inner = `localhost:${new URL(proxied.url).port}`;
      const status = async (host: string, origin: string) =>
        (await raw(proxied.url, { headers: { ...MCP_HEADERS, ...auth, host, origin }, body: INITIALIZE }))
          .status;
      expect(await status(inner, "https://mcp.example.com")).toBe(200);
      expect(await status("mcp.example.com", "https://mcp.example.com")).toBe(200);
      expect(await status(inner, "https://mcp.example.com:8443")).toBe(403);
      expect(await status(inner, "http://mcp.example.com")).toBe(403);
      expect(await status(inner, "http://localhost:3000")).toBe(403);
    } finally {
      expect(await proxied.stop()).toBe(0);
    }
  });
});
