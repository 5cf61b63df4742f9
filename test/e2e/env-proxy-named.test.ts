import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { tunnel } from "../helpers/connect-tunnel.js";
import { errorsOf, genSpec } from "../helpers/generate.js";
import { type Served, serveOverStdio, type ToolResult } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * Node's own environment proxy (`NODE_USE_ENV_PROXY=1`, `HTTP_PROXY` with the proxy's credentials in its URL) for
 * a URL a document named: an upstream's OpenID Connect discovery document names its token endpoint by host name,
 * which `checkNamedUrl` resolves and checks, and which `fetchNamed` then hands to Node's fetch, through the proxy
 * (the proxy resolves the name for the connection, this process does not). Served over stdio, with a real forward
 * proxy on 127.0.0.1 (absolute-form requests, `Proxy-Authorization` required) in front of a real token endpoint
 * and API. The served process's look-up of the one made-up name `tokens.proxied.test` answers 127.0.0.1 (a preload
 * standing in for a hosts entry); the proxy maps it the same way. Asserted: the token request and the API call went
 * through the proxy with its credentials; no credential (the proxy's password, the client secret, the refresh or
 * access token) is in the served process's stderr; and the named-URL check still applies through the proxy as
 * docs/safety.md says: a token endpoint on a private address is refused before any request, the proxy asked nothing.
 */
const NAME = "tokens.proxied.test";
const PROXY_PASSWORD = "proxy-pass-83c1d2";
const SECRET = "client-secret-83c1d2";
const REFRESH = "refresh-83c1d2";
const ACCESS = "access-83c1d2";
const BASIC = `Basic ${Buffer.from(`proxyuser:${PROXY_PASSWORD}`).toString("base64")}`;

let idp: RecordingServer;
let api: RecordingServer;
let proxy: { url: string; lines: string[]; auth: Array<string | undefined>; close: () => Promise<void> };
let served: Served;

/** The host:port a proxy request line names: `CONNECT host:port`, or an absolute-form `METHOD http://host:port/...`. */
function targetOf(line: string): string {
  const [method, target] = line.split(" ") as [string, string];
  return method === "CONNECT" ? target : new URL(target).host;
}

/** A forward proxy for plain HTTP: records each request line and its Proxy-Authorization, forwards it. */
async function forwardProxy(map: Record<string, string>): Promise<typeof proxy> {
  const lines: string[] = [];
  const auth: Array<string | undefined> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    lines.push(`${req.method} ${req.url}`);
    auth.push(req.headers["proxy-authorization"]);
    if (
      req.headers["proxy-authorization"] !==
      `Basic ${Buffer.from(`proxyuser:${PROXY_PASSWORD}`).toString("base64")}`
    )
      return res.writeHead(407, { "proxy-authenticate": 'Basic realm="p"' }).end();
    const target = new URL(req.url ?? "/");
    const headers = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const onward = request(
      {
        host: map[target.hostname] ?? target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    onward.on("error", () => res.writeHead(502).end());
    req.pipe(onward);
  });
  // Node's fetch opens a tunnel (CONNECT) for every target, http:// ones too: the target's name is the proxy's to resolve.
  const sockets = new Set<Socket>();
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    lines.push(`${req.method} ${req.url}`);
    auth.push(req.headers["proxy-authorization"]);
    sockets.add(client);
    if (req.headers["proxy-authorization"] !== BASIC) {
      client.end("HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic\r\n\r\n");
      return;
    }
    const target = new URL(`http://${req.url}`);
    tunnel(client, head, map[target.hostname] ?? target.hostname, Number(target.port), sockets);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://proxyuser:${PROXY_PASSWORD}@127.0.0.1:${port}`,
    lines,
    auth,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

beforeAll(async () => {
  idp = await startRecordingServer((req, res) => {
    const port = new URL(idp.url).port;
    if (req.path === "/named/.well-known/openid-configuration")
      return sendJson(res, 200, { issuer: idp.url, token_endpoint: `http://${NAME}:${port}/oauth/token` });
    if (req.path === "/inside/.well-known/openid-configuration")
      return sendJson(res, 200, { issuer: idp.url, token_endpoint: "http://10.0.0.7/oauth/token" });
    if (req.path === "/oauth/token") return sendJson(res, 200, { access_token: ACCESS, expires_in: 600 });
    return sendJson(res, 404, {});
  });
  api = await startRecordingServer((req, res) =>
    req.headers.authorization === `Bearer ${ACCESS}`
      ? sendJson(res, 200, { ok: true })
      : sendJson(res, 401, {}),
  );
  proxy = await forwardProxy({ [NAME]: "127.0.0.1" });
  const out = tmpDir("env-proxy-named");
  const op = (operationId: string, scheme: string) => ({
    get: {
      operationId,
      security: [{ [scheme]: [] }],
      responses: { "200": { description: "ok", content: { "application/json": { schema: {} } } } },
    },
  });
  const file = join(out, "proxied.json");
  writeFileSync(
    file,
    JSON.stringify({
      openapi: "3.1.0",
      info: { title: "proxied", version: "1" },
      servers: [{ url: "https://api.example.com" }],
      paths: { "/named": op("call_named", "named"), "/inside": op("call_inside", "inside") },
      components: {
        securitySchemes: {
          named: {
            type: "openIdConnect",
            openIdConnectUrl: `${idp.url}/named/.well-known/openid-configuration`,
          },
          inside: {
            type: "openIdConnect",
            openIdConnectUrl: `${idp.url}/inside/.well-known/openid-configuration`,
          },
        },
      },
    }),
  );
  const { cat, diags } = await genSpec(file, "proxied", relative(ROOT, join(out, "catalog")));
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  const preload = join(out, "lookup.mjs");
  // Stands in for a hosts entry: the served process's look-ups of NAME (the named-URL check's) answer 127.0.0.1.
  writeFileSync(
    preload,
    `import dns from "node:dns";
const lookup = dns.promises.lookup.bind(dns.promises);
dns.promises.lookup = async (host, options) => {
  if (host !== ${JSON.stringify(NAME)}) return lookup(host, options);
  const found = { address: "127.0.0.1", family: 4 };
  return options?.all ? [found] : found;
};
`,
  );
  const env: Record<string, string> = {
    NODE_USE_ENV_PROXY: "1",
    HTTP_PROXY: proxy.url,
    NODE_OPTIONS: `--import=${preload}`,
  };
  env.PROXIED_BASE_URL = api.url;
  for (const scheme of ["NAMED", "INSIDE"]) {
    env[`PROXIED_${scheme}_REFRESH_TOKEN`] = REFRESH;
    env[`PROXIED_${scheme}_CLIENT_ID`] = "client";
    env[`PROXIED_${scheme}_CLIENT_SECRET`] = SECRET;
  }
  served = await serveOverStdio(join(ROOT, cat!.dir), env);
});

afterAll(async () => {
  await served?.close();
  await proxy?.close();
  await idp?.close();
  await api?.close();
});

describe("a named token endpoint through Node's environment proxy (NODE_USE_ENV_PROXY=1)", () => {
  it("the token request and the API call go through the proxy, with its credentials", async () => {
    const result = (await served.client.callTool({ name: "call_named", arguments: {} })) as ToolResult;
    expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
    const idpPort = new URL(idp.url).port;
    const apiPort = new URL(api.url).port;
    // Each request's target as the proxy was asked for it: Node 22 and 24's fetch tunnel (CONNECT host:port), Node
    // 26's sends http:// targets in absolute form, as the upstream client does. The named host is the proxy's to resolve.
    expect(proxy.lines.map(targetOf)).toEqual([
      `127.0.0.1:${idpPort}`,
      `${NAME}:${idpPort}`,
      `127.0.0.1:${apiPort}`,
    ]);
    expect(proxy.lines).toContain(`GET http://127.0.0.1:${apiPort}/named`);
    expect(new Set(proxy.auth)).toEqual(
      new Set([`Basic ${Buffer.from(`proxyuser:${PROXY_PASSWORD}`).toString("base64")}`]),
    );
    // The token endpoint got the refresh grant, through the proxy, with the client's credentials.
    const posted = idp.received.find((r) => r.path === "/oauth/token");
    expect(posted?.headers.host).toBe(`${NAME}:${idpPort}`);
    expect(new URLSearchParams(posted?.body.toString()).get("grant_type")).toBe("refresh_token");
    expect(api.received.at(-1)?.headers.authorization).toBe(`Bearer ${ACCESS}`);
  });

  it("a token endpoint on a private address is refused before any request, through the proxy too", async () => {
    const before = proxy.lines.length;
    const result = (await served.client.callTool({ name: "call_inside", arguments: {} })) as ToolResult;
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toMatch(
      /names a token_endpoint http:\/\/10\.0\.0\.7 that is refused: it is at a private-network address/,
    );
    // The discovery document (the configured URL) was read, through the proxy (a new tunnel, or the one kept open
    // to its host); nothing was asked of 10.0.0.7.
    expect(idp.received.map((r) => r.path)).toContain("/inside/.well-known/openid-configuration");
    const idpPort = new URL(idp.url).port;
    for (const line of proxy.lines.slice(before)) expect(targetOf(line)).toBe(`127.0.0.1:${idpPort}`);
    expect(proxy.lines.join("\n")).not.toContain("10.0.0.7");
    expect(idp.received.filter((r) => r.path === "/oauth/token")).toHaveLength(1);
  });

  it("no credential reaches the served process's stderr", async () => {
    const stderr = await served.stderrAtExit();
    for (const secret of [PROXY_PASSWORD, SECRET, REFRESH, ACCESS]) expect(stderr).not.toContain(secret);
  });
});
