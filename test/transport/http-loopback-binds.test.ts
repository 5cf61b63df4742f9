import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { beforeAll, describe, expect, it } from "vitest";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, serveHttp } from "./serve-http.js";

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
