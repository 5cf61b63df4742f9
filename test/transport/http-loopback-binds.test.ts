import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { beforeAll, describe, expect, it } from "vitest";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp, serveRefusal } from "./serve-http.js";

// A loopback bind other than 127.0.0.1 (127.0.0.0/8 is all loopback: 127.0.0.2 keeps a second local service apart
// from the first) defaults its Host allow-list to the loopback names. Before, that list named localhost, 127.0.0.1
// and [::1] only, so the server's own announced URL (http://127.0.0.2:PORT/mcp) was answered 403 "Host not
// allowed" for every client. The address bound is an IP literal no DNS answer can rebind, so it joins the list; a
// name that merely looks like it (127.0.0.2.evil.test) or another loopback address is still refused.

let catalog: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
});

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" });

describe.each([
  ["127.0.0.2", "127.0.0.2"],
  ["127.1.2.3", "127.1.2.3"],
])("bound to %s", (bind, shown) => {
  it("serves a real client at the URL it announces, and still refuses other hosts", async () => {
    const served = await serveHttp(catalog, fixtureEnv({ SCALY_MCP_HTTP_HOST: bind }));
    try {
      const url = new URL(served.url);
      expect(url.hostname).toBe(shown);
      const client = new Client({ name: "loopback-bind", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...auth } } }));
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.close();
      const port = url.port;
      for (const host of [`${shown}.evil.test:${port}`, `127.0.0.9:${port}`, `evil.test:${port}`]) {
        const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth, host }, body: LIST });
        expect([host, res.status]).toEqual([host, 403]);
      }
      const origin = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, origin: `http://${shown}.evil.test:${port}` },
        body: LIST,
      });
      expect(origin.status).toBe(403);
      const own = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, origin: `http://${shown}:${port}` },
        body: LIST,
      });
      expect(own.status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

// A loopback address however it is written is bound and judged as the address it is: `::ffff:127.0.0.1` (IPv4-mapped,
// bound as 127.0.0.1), `0:0:0:0:0:0:0:1` and `[::1]` (::1), `127.1` (127.0.0.1, as getaddrinfo reads it). Before,
// the first, second and fourth were "not loopback" and refused to start without an allow list while node bound a
// loopback address, and `[::1]`, judged loopback, failed to bind (getaddrinfo ENOTFOUND).
describe.each([
  ["::ffff:127.0.0.1", "127.0.0.1"],
  ["0:0:0:0:0:0:0:1", "[::1]"],
  ["[::1]", "[::1]"],
  ["127.1", "127.0.0.1"],
])("bound to %s", (bind, shown) => {
  it(`serves as the loopback address ${shown}, with the loopback names alone`, async () => {
    const served = await serveHttp(catalog, fixtureEnv({ SCALY_MCP_HTTP_HOST: bind }));
    try {
      const url = new URL(served.url);
      expect(url.hostname).toBe(shown);
      const client = new Client({ name: "loopback-forms", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...auth } } }));
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.close();
      const evil = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, host: `evil.test:${url.port}` },
        body: LIST,
      });
      expect(evil.status).toBe(403);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

// A wildcard however written (`0`, `0:0:0:0:0:0:0:0`, `::ffff:0.0.0.0`) is one: it needs the allow list, announces a
// local URL and names the resource by the first allowed host. Before, it announced `http://0:PORT/mcp` and advertised
// that as the resource its tokens must name.
describe.each([["0"], ["0:0:0:0:0:0:0:0"], ["::ffff:0.0.0.0"]])("bound to the wildcard %s", (bind) => {
  it("needs the allow list, and advertises the allowed host as the resource", async () => {
    const refused = await serveRefusal(catalog, fixtureEnv({ SCALY_MCP_HTTP_HOST: bind }));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("(not loopback) needs SCALY_MCP_ALLOWED_HOSTS");
    const served = await serveHttp(
      catalog,
      fixtureEnv({ SCALY_MCP_HTTP_HOST: bind, SCALY_MCP_ALLOWED_HOSTS: "mcp.example.com" }),
    );
    try {
      const url = new URL(served.url);
      expect(["127.0.0.1", "[::1]"]).toContain(url.hostname);
      const doc = await raw(served.url, {
        method: "GET",
        path: "/.well-known/oauth-protected-resource/mcp",
        headers: { host: `mcp.example.com:${url.port}` },
      });
      expect(JSON.parse(doc.body).resource).toBe(`http://mcp.example.com:${url.port}/mcp`);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});
