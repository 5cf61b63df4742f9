import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import {
  FIXTURE_KEY,
  fixtureCatalog,
  fixtureEnv,
  type Served,
  serveHttp,
  serveRefusal,
} from "./serve-http.js";

// The transport's security rules, against `toolwright serve` of a generated catalog over HTTP: who may call
// (401 + RFC 9728 challenge), from where (Host/Origin, 403), how much (413), and when the server refuses to start.

let catalog: string;
beforeAll(async () => {
  catalog = await fixtureCatalog();
});

const auth = { authorization: `Bearer ${FIXTURE_KEY}` };

describe("on loopback with a client key", () => {
  let served: Served;
  let host: string;
  beforeAll(async () => {
    served = await serveHttp(catalog, fixtureEnv());
    host = new URL(served.url).host;
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).not.toContain(FIXTURE_KEY);
  });

  it("answers the right key", async () => {
    const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE });
    expect(res.status).toBe(200);
    expect(res.body).toContain('"serverInfo"');
  });

  it("refuses a request without credentials with 401 and the metadata challenge", async () => {
    const res = await raw(served.url, { headers: MCP_HEADERS, body: INITIALIZE });
    expect(res.status).toBe(401);
    const challenge = String(res.headers["www-authenticate"]);
    const metadataUrl = `${served.origin}/.well-known/oauth-protected-resource/mcp`;
    expect(challenge).toBe(`Bearer resource_metadata="${metadataUrl}", scope="mcp:tools"`);
    // The document the challenge points at is public and names this endpoint as the resource.
    const doc = await (await fetch(metadataUrl)).json();
    expect(doc).toEqual({
      resource: served.url,
      scopes_supported: ["mcp:tools"],
      bearer_methods_supported: ["header"],
      resource_name: "HTTP fixture",
    });
    const root = await (await fetch(`${served.origin}/.well-known/oauth-protected-resource`)).json();
    expect(root).toEqual(doc);
  });

  it.each([
    ["a wrong key", `Bearer ${FIXTURE_KEY}x`],
    ["a prefix of the key", `Bearer ${FIXTURE_KEY.slice(0, -1)}`],
    ["an empty bearer", "Bearer "],
    ["another scheme", `Basic ${Buffer.from(`u:${FIXTURE_KEY}`).toString("base64")}`],
    ["the key without a scheme", FIXTURE_KEY],
  ])("refuses %s with 401", async (_label, authorization) => {
    const res = await raw(served.url, { headers: { ...MCP_HEADERS, authorization }, body: INITIALIZE });
    expect(res.status).toBe(401);
    expect(String(res.headers["www-authenticate"])).toMatch(
      /^Bearer resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"/,
    );
    expect(res.body).not.toContain(FIXTURE_KEY);
  });

  it("names the bad token in the challenge when one was presented", async () => {
    const res = await raw(served.url, {
      headers: { ...MCP_HEADERS, authorization: "Bearer nope-nope-nope" },
    });
    expect(String(res.headers["www-authenticate"])).toContain('error="invalid_token"');
  });

  it.each([
    ["a foreign Host", { host: "evil.example.com" }],
    ["a foreign Host on the right port", { host: "evil.example.com:PORT" }],
    ["a foreign Origin", { origin: "http://evil.example.com" }],
    ["a foreign Origin naming localhost as a subdomain", { origin: "http://localhost.evil.example.com" }],
    ["the opaque null Origin", { origin: "null" }],
    ["a non-http Origin", { origin: "file://localhost" }],
  ])("refuses %s with 403, even with the right key", async (_label, headers) => {
    const port = new URL(served.url).port;
    const forged = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace("PORT", port)]));
    const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth, ...forged }, body: INITIALIZE });
    expect(res.status).toBe(403);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it.each([
    ["two Host headers, the allowed one first", "host", ["HOST", "evil.example.com"]],
    ["two Host headers, the allowed one last", "host", ["evil.example.com", "HOST"]],
    ["two Authorization headers, the right key first", "authorization", [auth.authorization, "Bearer other"]],
    ["two Origin headers", "origin", ["http://HOST", "http://evil.example.com"]],
  ])("refuses %s with 400: a proxy in front may read the other one", async (_label, name, values) => {
    // node:http keeps the first Host and Authorization and drops the rest; a proxy that routes or authenticates
    // by the last one would then see another request than the one checked here (RFC 9112 3.2: 400).
    const sent = values.map((v) => v.replace("HOST", host));
    const headers: Record<string, string | string[]> = { ...MCP_HEADERS, ...auth, [name]: sent };
    const res = await raw(served.url, { headers, body: INITIALIZE });
    expect(res.status).toBe(400);
    expect(res.body).toContain(
      `more than one ${name === "host" ? "Host" : name === "origin" ? "Origin" : "Authorization"} header`,
    );
    expect(res.body).not.toContain(FIXTURE_KEY);
  });

  it("refuses the metadata document to a foreign Host too (DNS rebinding)", async () => {
    const res = await raw(served.url, {
      method: "GET",
      path: "/.well-known/oauth-protected-resource",
      headers: { host: "evil.example.com" },
    });
    expect(res.status).toBe(403);
  });

  it.each([
    ["localhost", "localhost:PORT"],
    ["127.0.0.1", "127.0.0.1:PORT"],
  ])("accepts a loopback Host and Origin (%s)", async (_label, value) => {
    const port = new URL(served.url).port;
    const hostValue = value.replace("PORT", port);
    const res = await raw(served.url, {
      headers: { ...MCP_HEADERS, ...auth, host: hostValue, origin: `http://${hostValue}` },
      body: INITIALIZE,
    });
    expect(res.status).toBe(200);
  });

  it("sends no CORS headers, not even to an allowed origin's preflight", async () => {
    const res = await raw(served.url, {
      method: "OPTIONS",
      headers: { origin: `http://${host}`, "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(401);
    expect(Object.keys(res.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
  });

  it("refuses a body over the 16 MiB default with 413, declared or streamed", async () => {
    const text = "x".repeat(16 * 1024 * 1024);
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "fixture_echo", arguments: { text } },
    });
    const declared = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body });
    expect(declared.status).toBe(413);
    const streamed = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body, chunked: true });
    expect(streamed.status).toBe(413);
    // Just under the bound is served.
    const fits = JSON.stringify({
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "fixture_echo", arguments: { text: "y".repeat(16 * 1024 * 1024 - 200) } },
    });
    const ok = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: fits });
    expect(ok.status).toBe(200);
  });

  it("serves nothing but /mcp and the metadata documents", async () => {
    const res = await raw(served.url, { method: "GET", path: "/admin", headers: auth });
    expect(res.status).toBe(404);
  });

  it("tells a client that tries OAuth (Claude Code without the key) that it takes a client key", async () => {
    // What Claude Code 2.1 does after the 401: authorization server metadata at this origin, then registration.
    for (const [method, path] of [
      ["GET", "/.well-known/oauth-authorization-server"],
      ["GET", "/.well-known/oauth-authorization-server/mcp"],
      ["GET", "/.well-known/openid-configuration"],
      ["POST", "/register"],
    ] as const) {
      const res = await raw(served.url, {
        method,
        path,
        headers: { "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ redirect_uris: ["http://localhost:1/cb"] }) } : {}),
      });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toContain("this server does no OAuth");
      expect(res.body, path).toContain("client key");
      expect(res.body, path).not.toContain(FIXTURE_KEY);
    }
    // Other paths keep saying where the endpoint is.
    expect((await raw(served.url, { method: "GET", path: "/admin" })).body).toContain(
      "the MCP endpoint is /mcp",
    );
  });
});

describe("a non-loopback bind", () => {
  it("refuses to start without an allowed-hosts list", async () => {
    const { code, stderr } = await serveRefusal(catalog, fixtureEnv({ SCALY_MCP_HTTP_HOST: "0.0.0.0" }));
    expect(code).toBe(2);
    expect(stderr).toContain("binding to 0.0.0.0 (not loopback) needs SCALY_MCP_ALLOWED_HOSTS");
  });

  it("serves exactly the allowed hosts once they are listed", async () => {
    const served = await serveHttp(
      catalog,
      fixtureEnv({ SCALY_MCP_HTTP_HOST: "0.0.0.0", SCALY_MCP_ALLOWED_HOSTS: "mcp.example.com" }),
    );
    try {
      const port = new URL(served.url).port;
      const listed = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, host: `mcp.example.com:${port}` },
        body: INITIALIZE,
      });
      expect(listed.status).toBe(200);
      // Loopback names are not implied once a list is given.
      const loopback = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: INITIALIZE });
      expect(loopback.status).toBe(403);
      // With no public URL the advertised resource is the first allowed host.
      const unauthorized = await raw(served.url, {
        headers: { ...MCP_HEADERS, host: `mcp.example.com:${port}` },
        body: INITIALIZE,
      });
      expect(String(unauthorized.headers["www-authenticate"])).toContain(
        `resource_metadata="http://mcp.example.com:${port}/.well-known/oauth-protected-resource/mcp"`,
      );
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe("an allowed host with the default port", () => {
  it("meets a Host without a port (as every client of https://mcp.example.com sends it); another port is refused", async () => {
    const served = await serveHttp(
      catalog,
      fixtureEnv({ SCALY_MCP_HTTP_HOST: "0.0.0.0", SCALY_MCP_ALLOWED_HOSTS: "mcp.example.com:443" }),
    );
    try {
      const status = async (host: string, origin?: string) =>
        (
          await raw(served.url, {
            headers: { ...MCP_HEADERS, ...auth, host, ...(origin ? { origin } : {}) },
            body: INITIALIZE,
          })
        ).status;
      // Before: 403, the Host compared as naming no port at all.
      expect(await status("mcp.example.com")).toBe(200);
      expect(await status("mcp.example.com", "https://mcp.example.com")).toBe(200);
      expect(await status("mcp.example.com:443")).toBe(200);
      expect(await status("mcp.example.com:8443")).toBe(403);
      expect(await status("mcp.example.com", "http://mcp.example.com")).toBe(403);
      expect(await status("evil.example.com")).toBe(403);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

// The other start-up refusals (wildcards, short keys, plain-http issuers...) are unit tables in http-units.test.ts.
describe("start-up refusals", () => {
  it("refuses HTTP mode without any client authentication", async () => {
    const env = fixtureEnv();
    delete env.SCALY_API_KEY;
    const { code, stderr } = await serveRefusal(catalog, env);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "HTTP mode refuses to serve without client authentication: set SCALY_API_KEY or TOOLWRIGHT_CLIENT_KEY (or --client-key-file <path>) (clients send Authorization: Bearer <key>) or set SCALY_MCP_AUTHORIZATION_SERVERS or --authorization-servers (TOOLWRIGHT_AUTHORIZATION_SERVERS) (OAuth access tokens)",
    );
  });
});

describe("with a public URL", () => {
  it("advertises it as the resource and in the challenge", async () => {
    const served = await serveHttp(catalog, fixtureEnv({ SCALY_MCP_PUBLIC_URL: "https://mcp.example.com" }));
    try {
      const res = await raw(served.url, { headers: MCP_HEADERS, body: INITIALIZE });
      expect(String(res.headers["www-authenticate"])).toContain(
        'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"',
      );
      const doc = (await (
        await fetch(`${served.origin}/.well-known/oauth-protected-resource/mcp`)
      ).json()) as {
        resource: string;
      };
      expect(doc.resource).toBe("https://mcp.example.com/mcp");
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe("the client key file's mode", () => {
  const FILE_KEY = "file-key-7c1d93be5a0f42e8";
  const keyFile = (mode: number) => {
    const file = join(mkdtempSync(join(tmpdir(), "tw-key-mode-")), "client.key");
    writeFileSync(file, `${FILE_KEY}\n`);
    chmodSync(file, mode);
    return file;
  };

  it("writable by every user stops the server: anyone could choose the key", async () => {
    const { code, stderr } = await serveRefusal(catalog, fixtureEnv(), ["--client-key-file", keyFile(0o666)]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /--client-key-file.*client\.key is writable by every user \(mode 0666\), who could choose the key/,
    );
    expect(stderr).not.toContain(FILE_KEY);
  });

  it.each([
    ["0620", "writable by its group (mode 0620), who could choose the key"],
    ["0664", "writable by its group (mode 0664), who could choose the key"],
    ["0644", "readable by every user (mode 0644), who could read the secret it holds; chmod 0600 it"],
    ["0604", "readable by every user (mode 0604)"],
  ])("mode %s stops the server too, saying who else may change or read it", async (shown, said) => {
    const { code, stderr } = await serveRefusal(catalog, fixtureEnv(), [
      "--client-key-file",
      keyFile(Number.parseInt(shown, 8)),
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--client-key-file.*client\.key is /);
    expect(stderr).toContain(said);
    expect(stderr).not.toContain(FILE_KEY);
  });

  it("a device, a named pipe others may write into or a folder every user may write stops the server at once, nothing read", async () => {
    const pipe = join(mkdtempSync(join(tmpdir(), "tw-key-pipe-")), "client.key");
    expect(spawnSync("mkfifo", ["-m", "0622", pipe]).status).toBe(0);
    const emptyDir = mkdtempSync(join(tmpdir(), "tw-key-open-"));
    chmodSync(emptyDir, 0o777);
    const inOpen = join(emptyDir, "client.key");
    writeFileSync(inOpen, `${FILE_KEY}\n`, { mode: 0o600 });
    for (const [file, said] of [
      ["/dev/zero", "/dev/zero is not a regular file (a character device)"],
      [pipe, "client.key is a pipe others may write into or read from (mode 0622)"],
      [inOpen, `folder is writable by every user (mode 0777) without the sticky bit`],
    ] as const) {
      const { code, stderr } = await serveRefusal(catalog, fixtureEnv(), ["--client-key-file", file]);
      expect(code).toBe(2);
      expect(stderr).toContain(said);
      expect(stderr).not.toContain(FILE_KEY);
    }
  });

  it("a shell's process substitution (--client-key-file <(...), a pipe) is read to its end and served", async () => {
    const served = await serveHttp(catalog, fixtureEnv(), { keyPipe: FILE_KEY });
    try {
      const good = await raw(served.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${FILE_KEY}` },
        body: INITIALIZE,
      });
      expect(good.status).toBe(200);
      const bad = await raw(served.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${FILE_KEY}x` },
        body: INITIALIZE,
      });
      expect(bad.status).toBe(401);
      expect(served.stderr()).not.toContain(FILE_KEY);
      expect(served.stderr()).not.toMatch(/warn|readable|writable/i);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it.each([
    ["0600", "its owner's alone"],
    ["0400", "read-only, its owner's alone"],
  ])("mode %s is served without a word (%s)", async (shown) => {
    const file = keyFile(Number.parseInt(shown, 8));
    const served = await serveHttp(catalog, fixtureEnv(), { args: ["--client-key-file", file] });
    try {
      const res = await raw(served.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${FILE_KEY}` },
        body: INITIALIZE,
      });
      expect(res.status).toBe(200);
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(served.stderr()).not.toContain("key file");
    expect(served.stderr()).not.toContain(FILE_KEY);
  });
});
