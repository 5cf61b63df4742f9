import { writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { tunnel } from "../helpers/connect-tunnel.js";
import { errorsOf, genSpec } from "../helpers/generate.js";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { loopbackCertificate, testCa } from "../helpers/tls.js";

/**
 * A served catalog's upstream over HTTPS, as a user with a private CA sets it up: the CA (made here, known to no
 * system store) trusted through NODE_EXTRA_CA_CERTS, which Node reads at start-up, so each case is a
 * `toolwright serve` child. Then the same upstream through a CONNECT proxy named by HTTPS_PROXY when Node is asked
 * to use it (NODE_USE_ENV_PROXY=1): the tunnel must be opened to the target the base URL names, for an IP address
 * and a host name alike, and NO_PROXY must be honoured. Run on Node 24 and Node 22 (the children run the Node
 * that runs the tests).
 */

const TOKEN = "tok-tls-5c1e77";
/** The token the upstream's own token endpoint issues (client credentials). */
const ISSUED = "issued-tls-9a04";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

let out: string;
let dir: string;
let caFile: string;
let otherCaFile: string;
let port: number;
/** The upstream's certificate (the https:// proxy shows the same one). */
let serverTls: { key: string; cert: string };
const seen: Seen[] = [];
const closers: Array<() => Promise<void>> = [];

/** The API; its security a bearer token the user gives, or OAuth2 client credentials at `tokenUrl`. */
function spec(tokenUrl?: string): object {
  return {
    openapi: "3.0.3",
    info: { title: "tls", version: "1" },
    servers: [{ url: "https://api.example.com" }],
    security: [tokenUrl ? { cc: [] } : { bearer: [] }],
    paths: {
      "/things/{id}": {
        get: {
          operationId: "get_thing",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            { name: "case", in: "query", required: true, schema: { type: "string" } },
          ],
          responses: {
            "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
          },
        },
      },
      "/things": {
        post: {
          operationId: "create_thing",
          parameters: [{ name: "case", in: "query", required: true, schema: { type: "string" } }],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
              },
            },
          },
          responses: {
            "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } },
          },
        },
      },
    },
    components: {
      securitySchemes: tokenUrl
        ? { cc: { type: "oauth2", flows: { clientCredentials: { tokenUrl, scopes: {} } } } }
        : { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}

/**
 * A CONNECT proxy on 127.0.0.1: records each request line it gets and tunnels CONNECTs to their target. With
 * `tls`, the proxy itself is reached over TLS (an https:// proxy URL), with a certificate of the trusted CA.
 */
async function connectProxy(tls?: { key: string; cert: string }) {
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const refuse = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
    // Only tunnels here: a request sent in plain text to the proxy is recorded and refused.
    lines.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  };
  const server = tls ? createTlsServer(tls, refuse) : createHttpServer(refuse);
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    lines.push(`${req.method} ${req.url}`);
    const target = new URL(`http://${req.url}`);
    tunnel(client, head, target.hostname, Number(target.port), sockets);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `${tls ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`, lines };
}

async function serve(env: Record<string, string>): Promise<Served> {
  const served = await serveOverStdio(dir, { TLS_TOKEN: TOKEN, ...env });
  closers.push(() => served.close());
  return served;
}

/** A GET and a POST with a JSON body through a served catalog; what the upstream received for each. */
async function getAndPost(served: Served, label: string) {
  const before = seen.length;
  const got = await served.client.callTool({ name: "get_thing", arguments: { id: "t-1", case: label } });
  const posted = await served.client.callTool({
    name: "create_thing",
    arguments: { case: label, name: "lamp" },
  });
  return { got, posted, received: seen.slice(before) };
}

/** A successful tool result (on failure, the diff shows the result's text). */
function expectOk(result: { isError?: unknown; content?: unknown }) {
  expect(result.isError ? JSON.stringify(result.content) : "ok").toBe("ok");
}

function expectReceived(received: Seen[], label: string, host: string) {
  expect(received.map((r) => [r.method, r.url, r.body])).toEqual([
    ["GET", `/things/t-1?case=${label}`, ""],
    ["POST", `/things?case=${label}`, '{"name":"lamp"}'],
  ]);
  for (const r of received) {
    expect(r.headers.host).toBe(host);
    expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    // What fetch asks for over https (over plain http: gzip, deflate; test/runtime/upstream-client.test.ts).
    expect(r.headers["accept-encoding"]).toBe("br, gzip, deflate");
  }
  expect(received[1]!.headers["content-type"]).toMatch(/^application\/json/);
}

beforeAll(async () => {
  out = tmpDir("upstream-tls");
  const file = join(out, "tls.json");
  writeFileSync(file, JSON.stringify(spec()));
  const { cat, diags } = await genSpec(file, "tls", relative(ROOT, join(out, "catalog")));
  expect(errorsOf(diags)).toEqual([]);
  if (!cat) throw new Error("no catalog");
  writeCatalog(ROOT, cat);
  dir = join(ROOT, cat.dir);

  const { ca, leaf } = await loopbackCertificate("toolwright e2e CA");
  // Another CA, to show that trusting some CA is not enough: it must be the one that signed the upstream's leaf.
  const other = await testCa("another CA");
  caFile = join(out, "ca.pem");
  otherCaFile = join(out, "other-ca.pem");
  writeFileSync(caFile, ca.pem);
  writeFileSync(otherCaFile, other.pem);

  serverTls = { key: leaf.privateKeyPem, cert: leaf.pem };
  const server = createTlsServer(serverTls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const text = JSON.stringify(
        req.url === "/token"
          ? { access_token: ISSUED, token_type: "Bearer", expires_in: 600 }
          : { ok: true, method: req.method },
      );
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe("an HTTPS upstream whose CA the user trusts", () => {
  it("is called once its CA is in NODE_EXTRA_CA_CERTS; with another CA there it is refused before any request", async () => {
    const base = `https://127.0.0.1:${port}`;
    const [trusted, untrusted] = await Promise.all([
      serve({ TLS_BASE_URL: base, NODE_EXTRA_CA_CERTS: caFile }),
      serve({ TLS_BASE_URL: base, NODE_EXTRA_CA_CERTS: otherCaFile }),
    ]);

    const { got, posted, received } = await getAndPost(trusted, "trusted");
    expectOk(got);
    expect(textJson(got)).toEqual({ ok: true, method: "GET" });
    expectOk(posted);
    expect(textJson(posted)).toEqual({ ok: true, method: "POST" });
    expectReceived(received, "trusted", `127.0.0.1:${port}`);

    const refused = await getAndPost(untrusted, "untrusted");
    for (const result of [refused.got, refused.posted]) {
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("the upstream's TLS certificate was not accepted");
    }
    expect(refused.received).toEqual([]);
  });
});

describe("an HTTPS upstream through a CONNECT proxy (NODE_USE_ENV_PROXY=1, HTTPS_PROXY)", () => {
  it.each([
    ["an IP address", "127.0.0.1"],
    ["a host name", "localhost"],
  ])(
    "the tunnel is opened to the target the base URL names (%s); the call succeeds inside it",
    async (_what, host) => {
      const proxy = await connectProxy();
      const served = await serve({
        TLS_BASE_URL: `https://${host}:${port}`,
        NODE_EXTRA_CA_CERTS: caFile,
        NODE_USE_ENV_PROXY: "1",
        HTTPS_PROXY: proxy.url,
      });
      const label = `proxied-${host}`;
      const { got, posted, received } = await getAndPost(served, label);
      expectOk(got);
      expectOk(posted);
      expectReceived(received, label, `${host}:${port}`);
      // Both requests went through the tunnel (one kept-alive connection, or one tunnel each), never in plain text.
      expect(proxy.lines.length).toBeGreaterThanOrEqual(1);
      expect(new Set(proxy.lines)).toEqual(new Set([`CONNECT ${host}:${port}`]));
    },
  );

  it("a proxy reached over TLS (an https:// URL, its certificate from the trusted CA) carries the tunnel too", async () => {
    const proxy = await connectProxy(serverTls);
    const served = await serve({
      TLS_BASE_URL: `https://localhost:${port}`,
      NODE_EXTRA_CA_CERTS: caFile,
      NODE_USE_ENV_PROXY: "1",
      HTTPS_PROXY: proxy.url,
    });
    const { got, posted, received } = await getAndPost(served, "tls-proxy");
    expectOk(got);
    expectOk(posted);
    expectReceived(received, "tls-proxy", `localhost:${port}`);
    expect(proxy.lines.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.lines)).toEqual(new Set([`CONNECT localhost:${port}`]));
  });

  it("NO_PROXY names the upstream's host: it is called directly, the proxy sees nothing", async () => {
    const proxy = await connectProxy();
    const served = await serve({
      TLS_BASE_URL: `https://localhost:${port}`,
      NODE_EXTRA_CA_CERTS: caFile,
      NODE_USE_ENV_PROXY: "1",
      HTTPS_PROXY: proxy.url,
      NO_PROXY: "example.invalid,localhost",
    });
    const { got, posted, received } = await getAndPost(served, "no-proxy");
    expectOk(got);
    expectOk(posted);
    expectReceived(received, "no-proxy", `localhost:${port}`);
    expect(proxy.lines).toEqual([]);
  });
});

describe("an OAuth2 token endpoint over HTTPS (token requests go through Node's fetch, not the upstream client)", () => {
  it("trusts the same NODE_EXTRA_CA_CERTS and goes through the same CONNECT proxy", async () => {
    const file = join(out, "tls-cc.json");
    writeFileSync(file, JSON.stringify(spec(`https://127.0.0.1:${port}/token`)));
    const { cat, diags } = await genSpec(file, "tlscc", relative(ROOT, join(out, "catalog-cc")));
    expect(errorsOf(diags)).toEqual([]);
    if (!cat) throw new Error("no catalog");
    writeCatalog(ROOT, cat);
    const proxy = await connectProxy();
    const served = await serveOverStdio(join(ROOT, cat.dir), {
      // The API by host name, its token endpoint by IP address: two tunnels, each to its own target.
      TLSCC_BASE_URL: `https://localhost:${port}`,
      TLSCC_CLIENT_ID: "client-1",
      TLSCC_CLIENT_SECRET: "secret-1",
      NODE_EXTRA_CA_CERTS: caFile,
      NODE_USE_ENV_PROXY: "1",
      HTTPS_PROXY: proxy.url,
    });
    closers.push(() => served.close());
    const before = seen.length;
    const got = await served.client.callTool({ name: "get_thing", arguments: { id: "t-1", case: "cc" } });
    expectOk(got);
    const received = seen.slice(before);
    expect(received.map((r) => [r.method, r.url, r.headers.host])).toEqual([
      ["POST", "/token", `127.0.0.1:${port}`],
      ["GET", "/things/t-1?case=cc", `localhost:${port}`],
    ]);
    expect(new URLSearchParams(received[0]!.body).get("grant_type")).toBe("client_credentials");
    expect(received[1]!.headers.authorization).toBe(`Bearer ${ISSUED}`);
    expect(new Set(proxy.lines)).toEqual(new Set([`CONNECT 127.0.0.1:${port}`, `CONNECT localhost:${port}`]));
  });
});
