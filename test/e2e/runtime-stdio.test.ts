import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client as ClientV2 } from "@modelcontextprotocol/client";
import { StdioClientTransport as StdioV2 } from "@modelcontextprotocol/client/stdio";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { closed, until } from "../helpers/events.js";
import { answered } from "../helpers/json-lines.js";

// `toolwright serve` as a host runs it: a child process over stdio, in front of a real HTTP upstream on
// 127.0.0.1 that records every request, driven by both the v2 client and the legacy v1 client.

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/toolwright.mjs");
const CATALOG = "test/fixtures/runtime-catalog";

const CANARIES = {
  FIXTURE_TOKEN: "bearer-canary-7f3a9c",
  FIXTURE_HEADER_KEY: "header-canary-2b8d41",
  FIXTURE_QUERY_KEY: "query-canary-93ce07",
  FIXTURE_COOKIE_KEY: "cookie-canary-55aa10",
  FIXTURE_PASSWORD: "password-canary-e01f",
  FIXTURE_CLIENT_SECRET: "client-secret-canary-6d2e",
};
const OAUTH_TOKEN = "oauth-access-canary-c4f1";
const UPSTREAM_SECRET = "sk_live_51HxQ0canary0000000000aa";

interface Recorded {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: Buffer;
  /** /api/hang: the connection closed before any answer (it never answers). */
  closedEarly?: boolean;
}

const recorded: Recorded[] = [];
let upstream: Server;
let baseUrl = "";
let home = "";

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? "/", "http://upstream");
  const entry: Recorded = {
    method: req.method ?? "",
    url: req.url ?? "",
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.concat(chunks),
  };
  recorded.push(entry);
  const path = url.pathname;

  if (path === "/oauth/token") {
    const expected = `Basic ${Buffer.from(`fixture-client:${CANARIES.FIXTURE_CLIENT_SECRET}`).toString("base64")}`;
    if (req.headers.authorization !== expected) return json(res, 401, { error: "invalid_client" });
    return json(res, 200, { access_token: OAUTH_TOKEN, token_type: "Bearer", expires_in: 3600 });
  }
  if (path === "/api/items" && req.method === "GET")
    return json(res, 200, [{ id: "1", name: "one", price: 2 }]);
  if (path === "/api/items" && req.method === "POST") {
    return json(res, 201, { id: "new", ...JSON.parse(entry.body.toString() || "{}") });
  }
  const item = /^\/api\/items\/([^/]+)$/.exec(path);
  if (item && req.method === "GET")
    return json(res, 200, { id: decodeURIComponent(item[1]!), name: "an item", price: 3 });
  if (item && req.method === "DELETE") {
    res.writeHead(204);
    return res.end();
  }
  if (path.startsWith("/api/files/")) {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    return res.end(`contents of ${path.slice("/api/files/".length)}`);
  }
  if (
    path === "/api/forms" ||
    path === "/api/uploads" ||
    path === "/api/notes" ||
    path.startsWith("/api/blobs/")
  ) {
    return json(res, 200, { ok: true, bytes: entry.body.length });
  }
  if (path === "/api/fail") {
    return json(res, 500, {
      error: {
        message: `upstream db-7.internal.corp:5432 refused (token=${UPSTREAM_SECRET}) see https://ops.internal.corp/runbook`,
      },
      stack: "Error: at /srv/app/db.js:12:5",
      config: { dsn: `postgres://admin:${UPSTREAM_SECRET}@10.0.0.7/db` },
    });
  }
  if (path === "/api/download") {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    return res.end(Buffer.from([0, 1, 2, 253, 254, 255]));
  }
  if (path === "/api/bad-output") return json(res, 200, { count: "lots" });
  // Never answers (the connection closes with the server): the source's 300 ms timeout decides, however busy
  // the machine, instead of a race between two timers in two processes.
  if (path === "/api/slow") return;
  if (path === "/api/hang") {
    // Never answers: only the client going away (a cancellation) ends it.
    res.on("close", () => {
      if (!res.writableEnded) entry.closedEarly = true;
    });
    return;
  }
  return json(res, 404, { message: "no route" });
}

function serverEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    FIXTURE_BASE_URL: baseUrl,
    FIXTURE_USER: "ann",
    FIXTURE_CLIENT_ID: "fixture-client",
    ...CANARIES,
    ...extra,
  };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "tw-e2e-home-"));
  upstream = createServer((req, res) => {
    handle(req, res).catch(() => json(res, 599, { message: "test server bug" }));
  });
  await new Promise<void>((done) => upstream.listen(0, "127.0.0.1", done));
  baseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/api`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((done) => upstream.close(() => done()));
});
beforeEach(() => {
  recorded.length = 0;
});

type Content = Array<{ type: string; text?: string }>;
interface CallResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}
interface AnyClient {
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<CallResult>;
  listResources(): Promise<{ resources: Array<{ uri: string }> }>;
  listResourceTemplates(): Promise<{ resourceTemplates: Array<{ uriTemplate: string }> }>;
  readResource(params: { uri: string }): Promise<{ contents: Array<Record<string, unknown>> }>;
  listPrompts(): Promise<{ prompts: Array<{ name: string }> }>;
  getPrompt(params: {
    name: string;
    arguments?: Record<string, string>;
  }): Promise<{ messages: Array<{ content: unknown }> }>;
  close(): Promise<void>;
}

const textOf = (result: CallResult) =>
  ((result.content as Content | undefined) ?? []).map((c) => c.text ?? "").join("\n");

const CLIENTS = [
  {
    label: "v2 client (@modelcontextprotocol/client)",
    connect: async (stderr: string[]) => {
      const transport = new StdioV2({
        command: process.execPath,
        args: [BIN, "serve", CATALOG],
        env: serverEnv(),
        cwd: ROOT,
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
      const client = new ClientV2({ name: "e2e-v2", version: "1.0.0" });
      await client.connect(transport);
      return client as unknown as AnyClient;
    },
  },
  {
    label: "v2 client negotiating 2026-07-28 (server/discover)",
    connect: async (stderr: string[]) => {
      const transport = new StdioV2({
        command: process.execPath,
        args: [BIN, "serve", CATALOG],
        env: serverEnv(),
        cwd: ROOT,
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
      const client = new ClientV2(
        { name: "e2e-v2-modern", version: "1.0.0" },
        { versionNegotiation: { mode: "auto" } },
      );
      await client.connect(transport);
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      return client as unknown as AnyClient;
    },
  },
  {
    label: "v1 client (@modelcontextprotocol/sdk, legacy initialize)",
    connect: async (stderr: string[]) => {
      const transport = new StdioV1({
        command: process.execPath,
        args: [BIN, "serve", CATALOG],
        env: serverEnv(),
        cwd: ROOT,
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
      const client = new ClientV1({ name: "e2e-v1", version: "1.0.0" });
      await client.connect(transport);
      return client as unknown as AnyClient;
    },
  },
];

describe.each(CLIENTS)("$label", ({ connect }) => {
  let client: AnyClient;
  const stderr: string[] = [];
  /** Everything the server sent back over MCP in this suite, to check no secret ever leaves. */
  const traffic: string[] = [];
  const call = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    traffic.push(JSON.stringify(result));
    return result;
  };

  beforeAll(async () => {
    client = await connect(stderr);
  });
  afterAll(async () => {
    await client.close();
    const everything = `${traffic.join("\n")}\n${stderr.join("")}`;
    for (const secret of [...Object.values(CANARIES), OAUTH_TOKEN, UPSTREAM_SECRET]) {
      expect(everything, "a secret reached MCP traffic or stderr").not.toContain(secret);
    }
  });

  it("lists every tool and alias", async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual([
      "get_item",
      "fetch_item",
      "read_file",
      "create_item",
      "add_item",
      "list_items",
      "submit_form",
      "upload_file",
      "put_blob",
      "post_note",
      "delete_item",
      "always_fails",
      "download",
      "bad_output",
      "slow",
      "hang",
      "sum_prices",
    ]);
  });

  it("path, query, header and cookie parameters with bearer auth", async () => {
    const result = await call("get_item", {
      id: "a/b c",
      tags: ["x", "y"],
      fields: ["name", "price"],
      filter: { kind: "book" },
      q: "x&admin=true",
      trace: "trace-1",
      pref: "dark",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ id: "a/b c", name: "an item", price: 3 });
    const [req] = recorded;
    expect(req?.method).toBe("GET");
    expect(req?.url).toBe(
      "/api/items/a%2Fb%20c?tags=x&tags=y&fields=name,price&filter[kind]=book&q=x%26admin%3Dtrue",
    );
    expect(req?.query.get("q")).toBe("x&admin=true");
    expect(req?.headers["x-trace"]).toBe("trace-1");
    expect(req?.headers.cookie).toBe("pref=dark");
    expect(req?.headers.authorization).toBe(`Bearer ${CANARIES.FIXTURE_TOKEN}`);
    expect(req?.headers.host).toBe(new URL(baseUrl).host);
  });

  it("an alias calls the same binding", async () => {
    await call("fetch_item", { id: "7" });
    expect(recorded.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/items/7"]);
  });

  it("a multi-segment path with an API key header; a text response", async () => {
    const result = await call("read_file", { path: "docs/read me.txt" });
    expect(textOf(result)).toBe("contents of docs/read%20me.txt");
    expect(recorded[0]?.path).toBe("/api/files/docs/read%20me.txt");
    expect(recorded[0]?.headers["x-api-key"]).toBe(CANARIES.FIXTURE_HEADER_KEY);
    expect(recorded[0]?.headers.authorization).toBeUndefined();
  });

  it("traversal in a path argument is refused before any upstream request", async () => {
    for (const [tool, args] of [
      ["get_item", { id: ".." }],
      ["get_item", { id: "%2e%2e" }],
      ["read_file", { path: "docs/../../etc/passwd" }],
      ["read_file", { path: "a\\b" }],
    ] as const) {
      const result = await call(tool, args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
    }
    expect(recorded).toHaveLength(0);
  });

  it("a request URL longer than 16 KiB is refused before it is sent, naming the argument", async () => {
    // The upstream would answer 414/431 (Node's own server: 431 past 16 KiB of request line and headers).
    const long = await call("get_item", { id: "1", q: "x".repeat(100_000) });
    expect(long.isError).toBe(true);
    expect(textOf(long)).toMatch(
      /^the request URL would be 100,0\d\d bytes, more than the 16,384 sent upstream .*made long by argument q \(100,003 bytes encoded\)/,
    );
    expect(recorded).toHaveLength(0);
    // Over nginx's default 8 KiB line and under the bound is sent, whole: an upstream that takes it is not refused.
    const fits = await call("get_item", { id: "1", q: "x".repeat(12_000) });
    expect(fits.isError).toBeFalsy();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]?.query.get("q")).toHaveLength(12_000);
  });

  it("a JSON body with basic auth", async () => {
    const result = await call("add_item", { name: "lamp", price: 12.5, tags: ["home"] });
    expect(result.structuredContent).toEqual({ id: "new", name: "lamp", price: 12.5, tags: ["home"] });
    const [req] = recorded;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/api/items");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req!.body.toString())).toEqual({ name: "lamp", price: 12.5, tags: ["home"] });
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`ann:${CANARIES.FIXTURE_PASSWORD}`).toString("base64")}`,
    );
  });

  it("a form body with an API key in the query", async () => {
    await call("submit_form", { title: "a&b=c", labels: ["x", "y"], meta: { k: "v" } });
    const [req] = recorded;
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(req?.body.toString()).toBe("title=a%26b%3Dc&labels=x&labels=y&k=v");
    expect(req?.query.get("api_key")).toBe(CANARIES.FIXTURE_QUERY_KEY);
  });

  it("a multipart body with a file part and an API key cookie", async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
    await call("upload_file", {
      file: { filename: "pixel.png", content: bytes.toString("base64"), contentType: "image/png" },
      description: "one pixel",
      meta: { source: "test" },
    });
    const [req] = recorded;
    expect(req?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(req?.headers.cookie).toBe(`session=${CANARIES.FIXTURE_COOKIE_KEY}`);
    const form = await new Response(req!.body, {
      headers: { "content-type": String(req!.headers["content-type"]) },
    }).formData();
    const file = form.get("file") as File;
    expect(file.name).toBe("pixel.png");
    expect(file.type).toBe("image/png");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    expect(form.get("description")).toBe("one pixel");
    // A JSON part is a field (no filename): a form parser reads it as text, not as an upload.
    expect(JSON.parse(form.get("meta") as string)).toEqual({ source: "test" });
  });

  it("an octet-stream body with OAuth2 client credentials", async () => {
    const bytes = Buffer.from("raw\u0000bytes\u00ff", "latin1");
    await call("put_blob", { name: "b1", data: { content: bytes.toString("base64") } });
    // Each client has its own server process, so this is its first token request (cached for later calls).
    expect(recorded.map((r) => r.path)).toEqual(["/oauth/token", "/api/blobs/b1"]);
    const form = new URLSearchParams(recorded[0]!.body.toString());
    expect(form.get("grant_type")).toBe("client_credentials");
    expect(form.get("scope")).toBe("blobs:write");
    const put = recorded.find((r) => r.path === "/api/blobs/b1");
    expect(put?.method).toBe("PUT");
    expect(put?.headers["content-type"]).toBe("application/octet-stream");
    expect(put?.headers.authorization).toBe(`Bearer ${OAUTH_TOKEN}`);
    expect(put?.body).toEqual(bytes);
    await call("put_blob", { name: "b2", data: { content: "AAE=" } });
    expect(recorded.filter((r) => r.path === "/oauth/token")).toHaveLength(1);
  });

  it("a text body", async () => {
    await call("post_note", { text: "line one\nline two" });
    expect(recorded[0]?.headers["content-type"]).toBe("text/plain");
    expect(recorded[0]?.body.toString()).toBe("line one\nline two");
  });

  it("a binary response comes back as an embedded resource's base64 blob, its type and size as text", async () => {
    const result = await call("download", {});
    expect(JSON.parse(textOf(result))).toEqual({ contentType: "application/octet-stream", size: 6 });
    const block = (
      result.content as Array<{ type: string; resource?: { blob: string; mimeType: string } }>
    )[1];
    expect([block?.type, block?.resource?.mimeType]).toEqual(["resource", "application/octet-stream"]);
    expect(Buffer.from(block!.resource!.blob, "base64")).toEqual(Buffer.from([0, 1, 2, 253, 254, 255]));
  });

  it("an upstream 500 is an isError result without internal hosts, URLs, tokens or the raw body", async () => {
    const result = await call("always_fails", {});
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toMatch(/^upstream answered HTTP 500 Internal Server Error: upstream \[host\] refused/);
    expect(text).toMatch(/correlation id [0-9a-f]{12}/);
    for (const leak of [
      "internal.corp",
      "5432",
      UPSTREAM_SECRET,
      "https://",
      "/srv/app",
      "10.0.0.7",
      "postgres",
    ]) {
      expect(text).not.toContain(leak);
    }
  });

  it("invalid arguments are an isError result naming the problem", async () => {
    const result = await call("create_item", { name: 3, unexpected: "x" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/invalid arguments: name: .*; \(root\): unknown property "unexpected"/);
    expect(recorded).toHaveLength(0);
  });

  it("an unknown tool is JSON-RPC error -32602", async () => {
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it("a custom handler runs nested calls through the chain", async () => {
    const result = await call("sum_prices", { ids: ["1", "2"] });
    expect(result.structuredContent).toEqual({ total: 6, count: 2 });
    expect(recorded.map((r) => r.path)).toEqual(["/api/items/1", "/api/items/2"]);
  });

  it("an upstream slower than the source timeout is an isError result", async () => {
    const result = await call("slow", {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not answer within 300 ms/);
  });

  it("resources: list, static read, tool-bound template, asset template", async () => {
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(["fixture://guide"]);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "fixture://items/{id}",
      "fixture://topics/{topic}",
    ]);
    const guide = await client.readResource({ uri: "fixture://guide" });
    expect(String(guide.contents[0]?.text)).toMatch(/^# Fixture guide/);
    const item = await client.readResource({ uri: "fixture://items/42" });
    expect(JSON.parse(String(item.contents[0]?.text))).toEqual({ id: "42", name: "an item", price: 3 });
    expect(recorded[0]?.headers.authorization).toBe(`Bearer ${CANARIES.FIXTURE_TOKEN}`);
    const topic = await client.readResource({ uri: "fixture://topics/errors" });
    expect(String(topic.contents[0]?.text)).toMatch(/^# Errors/);
    await expect(client.readResource({ uri: "fixture://topics/secrets" })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it("prompts: list and get; a missing required argument is -32602", async () => {
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(["summarize-item"]);
    const prompt = await client.getPrompt({
      name: "summarize-item",
      arguments: { item_id: "9", tone: "formal" },
    });
    expect(prompt.messages[0]?.content).toEqual({
      type: "text",
      text: "Summarize item 9 in two sentences. Use a formal tone. Keep <markup> & symbols as they are.\n",
    });
    await expect(client.getPrompt({ name: "summarize-item", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
  });
});

describe("cancellation", () => {
  it("an MCP cancellation aborts the upstream request", async () => {
    const transport = new StdioV2({
      command: process.execPath,
      args: [BIN, "serve", CATALOG],
      env: serverEnv(),
      cwd: ROOT,
      stderr: "pipe",
    });
    const client = new ClientV2({ name: "cancel", version: "1.0.0" });
    await client.connect(transport);
    try {
      const controller = new AbortController();
      // The tool's source allows ten minutes: only the cancellation can close the upstream request (no clock).
      const pending = client.callTool({ name: "hang", arguments: {} }, { signal: controller.signal });
      await until(() => recorded.some((r) => r.path === "/api/hang"));
      controller.abort();
      await expect(pending).rejects.toThrow();
      await until(() => recorded.find((r) => r.path === "/api/hang")?.closedEarly);
    } finally {
      await client.close();
    }
  });
});

describe("process lifecycle", () => {
  function start(env = serverEnv()) {
    const child = spawn(process.execPath, [BIN, "serve", CATALOG], {
      cwd: ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.on("data", (chunk) => out.push(String(chunk)));
    child.stderr.on("data", (chunk) => err.push(String(chunk)));
    // 'close', not 'exit': once it resolves, everything the server wrote has been read.
    const exited = closed(child).then(([code]) => code);
    child.stdin.on("error", () => {});
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    return { child, out, err, exited };
  }
  const send = (child: ChildProcess, message: unknown) => child.stdin!.write(`${JSON.stringify(message)}\n`);
  const initialize = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  };

  it("survives malformed JSON lines, keeps stdout pure JSON-RPC, and exits 0 when stdin closes", async () => {
    const { child, out, err, exited } = start();
    send(child, initialize);
    await until(
      () => answered(out.join(""), [1]),
      [child.stdout!],
      () => err.join(""),
    );
    child.stdin!.write('this is not json\n{"jsonrpc":"2.0",broken\n');
    send(child, { jsonrpc: "2.0", method: "notifications/initialized" });
    send(child, { jsonrpc: "2.0", id: 2, method: "tools/list" });
    // This handler console.logs: the line must land on stderr, not between JSON-RPC messages.
    send(child, {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "sum_prices", arguments: { ids: ["1"] } },
    });
    await until(
      () => answered(out.join(""), [2, 3]),
      [child.stdout!],
      () => err.join(""),
    );
    const lines = out.join("").trim().split("\n");
    for (const line of lines) expect(JSON.parse(line).jsonrpc).toBe("2.0");
    expect(
      lines.some((line) => JSON.parse(line).id === 2 && JSON.parse(line).result.tools.length === 17),
    ).toBe(true);
    child.stdin!.end();
    expect(await exited).toBe(0);
    expect(err.join("")).toMatch(/serving runtime-fixture/);
    expect(err.join("")).toMatch(/sum_prices: added 1 prices/);
  });

  it("refuses to start on invalid configuration, listing every problem without secret values (exit 2)", async () => {
    const { child, out, err, exited } = start(
      serverEnv({ FIXTURE_BASE_URL: "ftp://x", FIXTURE_READ_ONLY: "maybe", FIXTURE_REGION: "mars" }),
    );
    child.stdin!.end();
    expect(await exited).toBe(2);
    const text = err.join("");
    expect(text).toMatch(/FIXTURE_BASE_URL: expected an http\(s\) URL/);
    expect(text).toMatch(/FIXTURE_READ_ONLY: expected true\/false/);
    expect(text).toMatch(/FIXTURE_REGION: expected one of eu, us, europe/);
    for (const secret of Object.values(CANARIES)) expect(text).not.toContain(secret);
    expect(out.join("")).toBe("");
  });
});
