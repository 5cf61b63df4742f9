import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, type IncomingHttpHeaders, request } from "node:http";
import { connect } from "node:net";
import { join, relative } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { bareTransport } from "../../src/load/check.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { type Served, serveHttp, serveRefusal } from "./serve-http.js";

// `toolwright serve <catalog> --http` for a catalog generated from a bare spec (no manifest, so no transport env
// of its own): serve's flags and TOOLWRIGHT_* env configure HTTP with the reference catalogs' safe defaults, and
// idle connections outlast the proxies in front.

const SPEC = `openapi: 3.0.3
info: { title: Things, version: "1" }
servers: [{ url: https://things.example.com }]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } }
`;
const KEY = "bare-client-key-0123456789";

let catalog: string;
let upstream: RecordingServer;
beforeAll(async () => {
  const dir = writeTree("bare-http", { "openapi.yaml": SPEC });
  const { cat, diags } = await genSpec(
    join(dir, "openapi.yaml"),
    "things",
    relative(ROOT, tmpDir("bare-http-out")),
  );
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  catalog = join(ROOT, cat!.dir);
  upstream = await startRecordingServer((req, res) => sendJson(res, 200, { id: req.path.split("/").pop() }));
});
afterAll(() => upstream.close());

const env = () => ({ THINGS_BASE_URL: upstream.url, TOOLWRIGHT_CLIENT_KEY: KEY });

/** One initialize POST over `agent` (keep-alive, as clients send it); resolves with the status and headers. */
function post(url: string, agent: Agent): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        agent,
        headers: {
          ...MCP_HEADERS,
          authorization: `Bearer ${KEY}`,
          "content-length": Buffer.byteLength(INITIALIZE),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(INITIALIZE);
  });
}

describe("a bare catalog over HTTP", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveHttp(catalog, env(), { args: ["--http", "--port", "0"] });
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    expect(served.stderr()).not.toContain(KEY);
  });

  it("serves a real client with the key from TOOLWRIGHT_CLIENT_KEY", async () => {
    const client = new Client({ name: "bare", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(served.url), {
        requestInit: { headers: { authorization: `Bearer ${KEY}` } },
      }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_thing"]);
    const result = await client.callTool({ name: "get_thing", arguments: { id: "t-1" } });
    expect(result.structuredContent).toEqual({ id: "t-1" });
    expect(upstream.received.at(-1)?.path).toBe("/things/t-1");
    await client.close();
  });

  it("keeps the transport rules: 401 without the key, 403 for a foreign Host", async () => {
    expect((await raw(served.url, { headers: MCP_HEADERS, body: INITIALIZE })).status).toBe(401);
    const foreign = await raw(served.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY}`, host: "evil.example.com" },
      body: INITIALIZE,
    });
    expect(foreign.status).toBe(403);
  });

  it("tells clients idle connections stay open for 65 s, longer than the proxies in front keep theirs", async () => {
    const agent = new Agent({ keepAlive: true });
    try {
      const res = await post(served.url, agent);
      expect(res.status).toBe(200);
      expect(res.headers["keep-alive"]).toBe("timeout=65");
    } finally {
      agent.destroy();
    }
  });
});

describe("refusals for a bare catalog", () => {
  it.each([
    [[], {}, "refuses to serve without client authentication: set TOOLWRIGHT_CLIENT_KEY"],
    [
      ["--host", "0.0.0.0"],
      { TOOLWRIGHT_CLIENT_KEY: KEY },
      "needs --allowed-hosts (TOOLWRIGHT_ALLOWED_HOSTS)",
    ],
    [["--port", "http"], { TOOLWRIGHT_CLIENT_KEY: KEY }, '--port: expected an integer, got "http"'],
  ])("serve --http %j exits 2", async (args, extra, message) => {
    const { code, stderr } = await serveRefusal(catalog, { THINGS_BASE_URL: upstream.url, ...extra }, [
      "--http",
      ...args,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain(KEY);
  });
});

describe("idle connections", () => {
  it("--keep-alive-timeout sets how long the server keeps an idle connection open", async () => {
    const served = await serveHttp(catalog, env(), {
      args: ["--http", "--port", "0", "--keep-alive-timeout", "2"],
    });
    const target = new URL(served.url);
    // A raw socket, so no client-side pool decides anything: the close comes from the server.
    const socket = connect(Number(target.port), target.hostname);
    try {
      let lastData = 0;
      let text = "";
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      // Settles on the close too: a server that closes (or resets) without a whole answer fails here at once.
      const answered = new Promise<void>((resolve, reject) => {
        socket.on("data", (chunk: Buffer) => {
          lastData = performance.now();
          text += chunk.toString("utf8");
          if (text.includes("\r\n\r\n{") && text.trimEnd().endsWith("}")) resolve();
        });
        socket.once("error", reject);
        socket.once("close", () => reject(new Error(`the connection closed before the answer:\n${text}`)));
      });
      socket.write(
        `GET /.well-known/oauth-protected-resource HTTP/1.1\r\nHost: ${target.host}\r\nConnection: keep-alive\r\n\r\n`,
      );
      await answered;
      expect(text).toMatch(/^HTTP\/1\.1 200/);
      expect(text.toLowerCase()).toContain("keep-alive: timeout=2");
      await closed;
      expect(performance.now() - lastData).toBeGreaterThanOrEqual(1_800);
    } finally {
      socket.destroy();
      await served.stop();
    }
  });
});

describe("the request timeout", () => {
  // The legacy era's answer is an event stream from the start (the SDK answered the POST before the call finished);
  // the 2026-07-28 era's is JSON unless the call sends a notification first, so there it has not started (503).
  it.each([
    ["a 2025 client (its answer already streaming)", {}],
    ["a 2026-07-28 client (its answer not started)", { versionNegotiation: { mode: "auto" as const } }],
  ])(
    "--request-timeout ends a call running longer with an error for %s, said on stderr, and the server keeps serving",
    async (_label, options) => {
      // The upstream holds every request until the test lets it go: the call can only end by the request timeout.
      const held: (() => void)[] = [];
      const slow = await startRecordingServer(
        (_req, res) =>
          new Promise<void>((done) =>
            held.push(() => {
              if (!res.destroyed) sendJson(res, 200, { id: "late" });
              done();
            }),
          ),
      );
      const served = await serveHttp(
        catalog,
        { THINGS_BASE_URL: slow.url, TOOLWRIGHT_CLIENT_KEY: KEY },
        { args: ["--http", "--port", "0", "--request-timeout", "1"] },
      );
      const client = new Client({ name: "timeout", version: "1" }, options);
      try {
        await client.connect(
          new StreamableHTTPClientTransport(new URL(served.url), {
            requestInit: { headers: { authorization: `Bearer ${KEY}` } },
          }),
        );
        // The SDK answered the POST with an event stream before the call finished: the server's timeout ends the call
        // with an error under its id (before this, the client heard nothing until its own timeout, 60 s by default).
        await expect(
          client.callTool({ name: "get_thing", arguments: { id: "t-1" } }, { timeout: 60_000 }),
        ).rejects.toThrow(
          "the server's request timeout (1 s, --request-timeout) ended the request before it was answered",
        );
        await served.waitForStderr("http: a request ran over 1000 ms and was aborted");
        // The call's audit record says why it ended: the server's timeout, not the client's cancellation.
        await served.waitForStderr('"error":"request_timeout"');
        expect(served.stderr()).not.toContain('"error":"cancelled"');
        expect(slow.received.map((r) => r.path)).toEqual(["/things/t-1"]);
        expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_thing"]);
      } finally {
        for (const release of held) release();
        await client.close();
        expect(await served.stop()).toBe(0);
        await slow.close();
      }
    },
  );

  it("refuses a request timeout that is not a whole number of seconds of at least 1", async () => {
    const { code, stderr } = await serveRefusal(catalog, env(), ["--http", "--request-timeout", "0"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--request-timeout: expected at least 1, got 0");
  });
});

/** The bare catalog's folder copied, its catalog.json's transport section changed by `edit`. */
function editedCatalog(name: string, edit: (doc: Record<string, unknown>) => void): string {
  const dir = tmpDir(name);
  cpSync(catalog, dir, { recursive: true });
  const file = join(dir, "catalog.json");
  const doc = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  edit(doc);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  // Written by hand: no index generated from it (a generated one would say catalog.json was edited).
  rmSync(join(dir, "catalog.index.json"));
  return dir;
}

// A catalog.json written without a transport section (by hand, or trimmed) crashed `serve --http` with "TypeError:
// Cannot read properties of undefined (reading 'hostEnv')"; it now serves HTTP as a bare generate's catalog does,
// and a transport section that is not one is a clear load error.
describe("a catalog.json without a transport section", () => {
  it("serves a real client over HTTP with a bare catalog's transport, the call reaching the upstream", async () => {
    expect(JSON.parse(readFileSync(join(catalog, "catalog.json"), "utf8")).transport).toEqual(
      bareTransport(),
    );
    const dir = editedCatalog("bare-http-no-transport", (doc) => {
      delete doc.transport;
    });
    const served = await serveHttp(dir, env(), { args: ["--http", "--port", "0"] });
    try {
      const client = new Client({ name: "no-transport", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(served.url), {
          requestInit: { headers: { authorization: `Bearer ${KEY}` } },
        }),
      );
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["get_thing"]);
      const before = upstream.received.length;
      const result = await client.callTool({ name: "get_thing", arguments: { id: "t-7" } });
      expect(result.isError).toBeFalsy();
      expect(upstream.received.slice(before).map((r) => r.path)).toEqual(["/things/t-7"]);
      await client.close();
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(served.stderr()).not.toContain("TypeError");
  });

  it("a transport section that is not one is refused at load, named, with no stack", async () => {
    for (const transport of [5, null, [], { host: "127.0.0.1" }]) {
      const dir = editedCatalog("bare-http-bad-transport", (doc) => {
        doc.transport = transport;
      });
      const refused = await serveRefusal(dir, env(), ["--http", "--port", "0"]);
      expect([transport, refused.code]).toEqual([transport, 1]);
      expect(refused.stderr).toContain(
        '"transport" must be an object with host, port, httpValues and requiredScopes',
      );
      expect(refused.stderr).not.toMatch(/TypeError|\n\s+at /);
    }
  });
});
