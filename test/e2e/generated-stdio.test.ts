import { spawn } from "node:child_process";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, callConfirmed, type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import {
  type Received,
  type RecordingServer,
  sendJson,
  startRecordingServer,
} from "../helpers/recording-server.js";

/**
 * The generated kitchen-sink catalog (test/fixtures/kitchen-sink/expected, produced by the generator and
 * checked byte for byte by the golden test) served over stdio in front of a real HTTP server: every body kind
 * and every auth kind, asserting what the upstream actually received.
 */
const CATALOG = "test/fixtures/kitchen-sink/expected";
const ENV = {
  SINK_TOKEN: "bearer-7c1e",
  SINK_KEY: "key-5d20",
  SINK_USER: "ada",
  SINK_PASSWORD: "pw-3f9b",
  SINK_CLIENT_ID: "sink-client",
  SINK_CLIENT_SECRET: "client-secret-81aa",
};
const ITEM = { id: "it_1", name: "Lamp", price: { amount: 12.5, currency: "EUR" }, status: "live" };
/** A secret-looking value only the upstream's error bodies carry. */
const UPSTREAM_SECRET = "sk_live_51Hx0canary9f8e7d6c5b4a";

let upstream: RecordingServer;
let served: Served;
/** Token endpoint requests over the whole file (the client caches its token, so only the first call asks). */
const tokenCalls: Received[] = [];

function whoami(req: Received, res: import("node:http").ServerResponse) {
  sendJson(res, 200, { scheme: req.path.split("/").pop() });
}

beforeAll(async () => {
  upstream = await startRecordingServer((req, res) => {
    const p = req.path;
    if (p === "/oauth/token") {
      tokenCalls.push(req);
      return sendJson(res, 200, { access_token: "oauth-at-42", token_type: "Bearer", expires_in: 600 });
    }
    if (p === "/v1/items" && req.method === "GET")
      return sendJson(res, 200, { items: [ITEM], next_cursor: null });
    if (p === "/v1/items" && req.method === "POST")
      return sendJson(res, 201, { ...ITEM, ...JSON.parse(req.body.toString()), id: "it_2" });
    const item = /^\/v1\/items\/([^/]+)$/.exec(p);
    // Error bodies as careless upstreams write them: the caller's token, an internal host, a key-like value.
    if (item?.[1] === "missing")
      return sendJson(res, 404, {
        message: `item missing in shard db-7.internal.corp:5432 (auth ${req.headers.authorization})`,
        debug: { api_key: UPSTREAM_SECRET, upstream: "http://10.1.2.3:8080/items" },
      });
    if (item?.[1] === "crash") {
      res.writeHead(500, { "content-type": "text/plain" });
      return res.end(`panic: ${UPSTREAM_SECRET} at items-svc.internal.corp (token ${ENV.SINK_TOKEN})`);
    }
    if (item && req.method === "GET")
      return sendJson(res, 200, { ...ITEM, id: decodeURIComponent(item[1] as string) });
    if (item && req.method === "PATCH")
      return sendJson(res, 200, { ...ITEM, ...JSON.parse(req.body.toString()) });
    if (item && req.method === "DELETE") {
      res.writeHead(204);
      return res.end();
    }
    if (p.startsWith("/v1/files/")) return sendJson(res, 200, { size: req.body.length });
    if (p === "/v1/forms/contact") return sendJson(res, 200, {});
    if (p === "/v1/attachments")
      return sendJson(res, 200, { id: "at_1", filename: "notes.txt", size: req.body.length });
    if (p === "/v1/notes") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(`noted: ${req.body.toString()}`);
    }
    if (p === "/v1/batch") return sendJson(res, 200, ["it_3", "it_4"]);
    if (p === "/v1/shapes") return sendJson(res, 200, { area: 3.14 });
    if (p === "/v1/tree")
      return sendJson(res, 200, { name: "root", children: [{ name: "leaf", value: [1, "x", null] }] });
    if (p.startsWith("/v1/auth/")) return whoami(req, res);
  });
  served = await serveOverStdio(CATALOG, { ...ENV, SINK_URL: `${upstream.url}/v1` });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.received.length = 0;
});

async function call(name: string, args: Record<string, unknown> = {}) {
  const result = await served.client.callTool({ name, arguments: args });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result;
}

function only(): Received {
  const calls = upstream.received.filter((r) => r.path !== "/oauth/token");
  expect(calls).toHaveLength(1);
  return calls[0] as Received;
}

describe("generated catalog over stdio: listing", () => {
  it("lists every tool and alias with 2020-12 schemas and annotations from the safety class", async () => {
    const { tools } = await served.client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toContain("sink_items");
    expect(names).toHaveLength(19);
    const del = tools.find((t) => t.name === "sink_delete_item");
    expect(del?.annotations).toEqual({ destructiveHint: true, idempotentHint: true, openWorldHint: true });
    const get = tools.find((t) => t.name === "sink_get_item");
    expect(get?.annotations?.readOnlyHint).toBe(true);
    expect(get?.inputSchema).toMatchObject({ type: "object", required: ["id"], additionalProperties: false });
    expect(get?.outputSchema?.type).toBe("object");
  });
});

describe("generated catalog over stdio: parameters and bodies reach the upstream as the spec says", () => {
  it("query styles, header and cookie parameters, and bearer auth", async () => {
    const r = await call("sink_list_items", {
      limit: 5,
      filter_status: "live",
      tags: ["a", "b c"],
      ids: [1, 2],
      range: { from: "2026-01-01", to: "2026-02-01" },
      "X-Request-Id": "req-9",
      theme: "dark",
    });
    expect(r.structuredContent).toEqual({ items: [ITEM], next_cursor: null });
    const req = only();
    expect(req.method).toBe("GET");
    expect(req.path).toBe("/v1/items");
    expect(req.query.get("limit")).toBe("5");
    expect(req.query.get("filter[status]")).toBe("live");
    expect(req.query.get("tags")).toBe("a,b c");
    expect(req.query.get("ids")).toBe("1|2");
    expect(req.query.get("range[from]")).toBe("2026-01-01");
    expect(req.query.get("range[to]")).toBe("2026-02-01");
    expect(req.headers["x-request-id"]).toBe("req-9");
    expect(req.headers.cookie).toBe("theme=dark");
    expect(req.headers.authorization).toBe(`Bearer ${ENV.SINK_TOKEN}`);
  });

  it("an alias runs the same tool", async () => {
    await call("sink_items", {});
    expect(only().path).toBe("/v1/items");
  });

  it("JSON body from flattened arguments; readOnly fields are not arguments", async () => {
    const r = await call("sink_create_item", { name: "Desk", price: { amount: 99, currency: "EUR" } });
    expect(r.structuredContent).toMatchObject({ id: "it_2", name: "Desk" });
    const req = only();
    expect(req.method).toBe("POST");
    expect(req.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(req.body.toString())).toEqual({ name: "Desk", price: { amount: 99, currency: "EUR" } });
    const bad = await served.client.callTool({
      name: "sink_create_item",
      arguments: { name: "x", price: { amount: 1, currency: "EUR" }, id: "forged" },
    });
    expect(bad.isError).toBe(true);
    expect(upstream.received.filter((q) => q.method === "POST")).toHaveLength(1);
  });

  it("a body property that clashes with the path parameter travels under its own argument name", async () => {
    await call("sink_update_item", { id: "it_1", body_id: "it_new", name: "Lamp 2" });
    const req = only();
    expect(req.method).toBe("PATCH");
    expect(req.path).toBe("/v1/items/it_1");
    expect(JSON.parse(req.body.toString())).toEqual({ id: "it_new", name: "Lamp 2" });
  });

  it("application/octet-stream from base64, into a multi-segment path", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const r = await call("sink_upload_file", {
      path: "docs/2026/report.bin",
      body: { content: bytes.toString("base64") },
    });
    expect(r.structuredContent).toEqual({ size: 6 });
    const req = only();
    expect(req.method).toBe("PUT");
    expect(req.url).toBe("/v1/files/docs/2026/report.bin");
    expect(req.headers["content-type"]).toBe("application/octet-stream");
    expect(req.body.equals(bytes)).toBe(true);
  });

  it("application/x-www-form-urlencoded", async () => {
    await call("sink_submit_contact", { email: "a@b.example", topics: ["x", "y"], subscribe: true });
    const req = only();
    expect(req.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(req.body.toString());
    expect(form.get("email")).toBe("a@b.example");
    expect(form.getAll("topics")).toEqual(["x", "y"]);
    expect(form.get("subscribe")).toBe("true");
  });

  it("multipart/form-data with a file part and a JSON part", async () => {
    const r = await call("sink_upload_attachment", {
      file: {
        filename: "notes.txt",
        content: Buffer.from("hello file").toString("base64"),
        contentType: "text/plain",
      },
      note: "first",
      meta: { source: "scanner" },
    });
    expect(r.structuredContent).toMatchObject({ id: "at_1" });
    const req = only();
    const type = req.headers["content-type"] ?? "";
    expect(type).toMatch(/^multipart\/form-data; boundary=/);
    const body = req.body.toString();
    expect(body).toMatch(/name="file"; filename="notes.txt"\r\nContent-Type: text\/plain\r\n\r\nhello file/);
    expect(body).toMatch(/name="note"\r\n\r\nfirst/);
    expect(body).toMatch(/name="meta"\r\nContent-Type: application\/json\r\n\r\n\{"source":"scanner"\}/);
  });

  it("text/plain bodies and responses", async () => {
    const r = await call("sink_post_note", { body: "plain words" });
    const req = only();
    expect(req.headers["content-type"]).toMatch(/^text\/plain/);
    expect(req.body.toString()).toBe("plain words");
    expect(JSON.stringify(r.content)).toContain("noted: plain words");
  });

  it("array and oneOf bodies travel whole; non-object results sit under `result`", async () => {
    const r = await call("sink_batch_create", {
      body: [{ name: "a", price: { amount: 1, currency: "EUR" } }],
    });
    expect(r.structuredContent).toEqual({ result: ["it_3", "it_4"] });
    expect(JSON.parse(only().body.toString())).toEqual([
      { name: "a", price: { amount: 1, currency: "EUR" } },
    ]);
    upstream.received.length = 0;
    await call("sink_describe_shape", { body: { kind: "circle", radius: 1 } });
    expect(JSON.parse(only().body.toString())).toEqual({ kind: "circle", radius: 1 });
    const bad = await served.client.callTool({
      name: "sink_describe_shape",
      arguments: { body: { kind: "circle", width: 1 } },
    });
    expect(bad.isError).toBe(true);
  });

  it("a recursive result validates and returns", async () => {
    const r = await call("sink_get_tree");
    expect(r.structuredContent).toEqual({
      name: "root",
      children: [{ name: "leaf", value: [1, "x", null] }],
    });
  });

  it("a destructive tool deletes (after confirmation, when the policy asks for it)", async () => {
    const { result } = await callConfirmed(served.client, "sink_delete_item", { id: "it_1" });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const deletes = upstream.received.filter((r) => r.method === "DELETE");
    expect(deletes.map((d) => d.path)).toEqual(["/v1/items/it_1"]);
  });
});

describe("generated catalog over stdio: every auth kind", () => {
  const cases: [string, (r: Received) => void][] = [
    ["sink_whoami_key_header", (r) => expect(r.headers["x-api-key"]).toBe(ENV.SINK_KEY)],
    ["sink_whoami_key_query", (r) => expect(r.query.get("api_key")).toBe(ENV.SINK_KEY)],
    ["sink_whoami_key_cookie", (r) => expect(r.headers.cookie).toBe(`sink_key=${ENV.SINK_KEY}`)],
    [
      "sink_whoami_basic",
      (r) =>
        expect(r.headers.authorization).toBe(
          `Basic ${Buffer.from(`${ENV.SINK_USER}:${ENV.SINK_PASSWORD}`).toString("base64")}`,
        ),
    ],
    ["sink_whoami_oauth", (r) => expect(r.headers.authorization).toBe("Bearer oauth-at-42")],
  ];
  const secrets = [
    ENV.SINK_TOKEN,
    ENV.SINK_KEY,
    ENV.SINK_USER,
    ENV.SINK_PASSWORD,
    ENV.SINK_CLIENT_ID,
    ENV.SINK_CLIENT_SECRET,
  ];
  for (const [tool, check] of cases) {
    it(`${tool} sends its scheme's credential, and no other`, async () => {
      await call(tool);
      const req = only();
      check(req);
      const sent = JSON.stringify({ headers: req.headers, url: req.url, body: req.body.toString() });
      const own = tool.includes("_key_") ? [ENV.SINK_KEY] : [];
      for (const secret of secrets.filter((x) => !own.includes(x))) expect(sent).not.toContain(secret);
    });
  }

  it("OAuth2 client credentials: the token endpoint gets the client's credentials over HTTP Basic, once", async () => {
    await call("sink_whoami_oauth");
    await call("sink_whoami_oauth");
    expect(tokenCalls).toHaveLength(1);
    const token = tokenCalls[0] as Received;
    expect(token.method).toBe("POST");
    expect(token.headers.authorization).toBe(
      `Basic ${Buffer.from(`${ENV.SINK_CLIENT_ID}:${ENV.SINK_CLIENT_SECRET}`).toString("base64")}`,
    );
    expect(new URLSearchParams(token.body.toString()).get("grant_type")).toBe("client_credentials");
    expect(upstream.received.filter((r) => r.path === "/v1/auth/oauth")).toHaveLength(2);
  });
});

describe("generated catalog over stdio: handlers, resources, prompts, errors", () => {
  it("a hand-written handler combines calls through the catalog and reports progress", async () => {
    const progress: number[] = [];
    const r = await served.client.callTool(
      { name: "sink_sum_prices", arguments: { ids: ["it_1", "it_2"], currency: "EUR" } },
      { onprogress: (p) => progress.push(p.progress) },
    );
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ total: 25, currency: "EUR", missing: [] });
    expect(upstream.received.map((q) => q.path)).toEqual(["/v1/items/it_1", "/v1/items/it_2"]);
    expect(progress).toEqual([0, 1]);
  });

  it("static resources, tool-bound resource templates and prompts", async () => {
    const { resources } = await served.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["sink://guides/start"]);
    const guide = await served.client.readResource({ uri: "sink://guides/start" });
    expect(JSON.stringify(guide.contents)).toContain("sink_list_items");
    const { resourceTemplates } = await served.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(["sink://items/{id}"]);
    const item = await served.client.readResource({ uri: "sink://items/it_7" });
    expect(JSON.stringify(item.contents)).toContain("it_7");
    expect(only().path).toBe("/v1/items/it_7");
    const prompt = await served.client.getPrompt({
      name: "triage-item",
      arguments: { id: "it_9", reason: "price looks wrong" },
    });
    const text = JSON.stringify(prompt.messages);
    expect(text).toContain("Check item it_9");
    expect(text).toContain("price looks wrong");
  });

  it("upstream errors become isError results without the body's secrets; unknown tools are -32602", async () => {
    for (const [id, status] of [
      ["missing", /^upstream answered HTTP 404 Not Found/],
      ["crash", /^upstream answered HTTP 500 Internal Server Error/],
    ] as const) {
      const r = await served.client.callTool({ name: "sink_get_item", arguments: { id } });
      expect(r.isError, id).toBe(true);
      expect(r.structuredContent).toBeUndefined();
      const shown = JSON.stringify(r.content);
      expect((r.content as Array<{ text: string }>)[0]?.text).toMatch(status);
      for (const leak of [UPSTREAM_SECRET, ENV.SINK_TOKEN, "internal.corp", "5432", "10.1.2.3", "http://"]) {
        expect(shown, `${id}: ${leak}`).not.toContain(leak);
      }
    }
    await expect(served.client.callTool({ name: "sink_nope", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
    const invalid = await served.client.callTool({ name: "sink_get_item", arguments: { id: 7 } });
    expect(invalid.isError).toBe(true);
    // stderr read whole, once the server has exited (the last test of this server): before, a line it wrote may
    // not have been read yet.
    const stderr = await served.stderrAtExit();
    for (const secret of [UPSTREAM_SECRET, ENV.SINK_CLIENT_SECRET, ENV.SINK_PASSWORD]) {
      expect(stderr).not.toContain(secret);
    }
  });
});

describe("generated catalog over stdio: the legacy client", () => {
  it("the v1 SDK client (2025-11-25 initialize) lists and calls tools", async () => {
    const client = new ClientV1({ name: "legacy", version: "1.0.0" });
    const transport = new StdioV1({
      command: process.execPath,
      args: [BIN, "serve", CATALOG],
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...ENV, SINK_URL: `${upstream.url}/v1` },
      stderr: "pipe",
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(10);
      const r = await client.callTool({ name: "sink_get_item", arguments: { id: "it_5" } });
      expect(r.structuredContent).toMatchObject({ id: "it_5" });
    } finally {
      await client.close();
    }
  });

  it("the process exits when stdin closes", async () => {
    const child = spawn(process.execPath, [BIN, "serve", CATALOG], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", ...ENV, SINK_URL: `${upstream.url}/v1` },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const code = new Promise<number | null>((r) => child.on("exit", r));
    child.stdin.end();
    expect(await code).toBe(0);
  });
});
