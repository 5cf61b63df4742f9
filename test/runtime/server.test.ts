import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ToolOutcome } from "../../src/catalog.js";
import { type CallContext, failure, insertBefore, type NamedMiddleware } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer, type ServerOptions } from "../../src/mcp/server.js";
import { setLogSink } from "../../src/telemetry/log.js";

// The MCP surface in-process (no child process, no sockets): lists, pagination, the chain seam, custom handlers,
// resources and prompts. The stdio e2e covers the same server over a real pipe with both SDK clients.

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
}

let catalog: LoadedCatalog;
const seen: Seen[] = [];
const items: Record<string, unknown> = {
  "1": { id: "1", name: "one", price: 2.5 },
  "2": { id: "2", name: "two", price: 4 },
};

const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  seen.push({
    method: init?.method ?? "GET",
    url,
    headers: new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]),
  });
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const item = /^\/api\/items\/([^/]+)$/.exec(url.pathname);
  if (item) return items[item[1]!] ? json(items[item[1]!]) : json({ message: "no such item" }, 404);
  if (url.pathname === "/api/items") return json(Object.values(items));
  if (url.pathname === "/api/bad-output") return json({ count: "many" });
  return json({ message: "not here" }, 404);
}) as typeof fetch;

const env = { FIXTURE_BASE_URL: "http://upstream.test/api", FIXTURE_TOKEN: "tok-canary-123" };

async function connect(options: ServerOptions = {}) {
  const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), {
    fetch: fakeFetch,
    ...options,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  return client;
}

const text = (result: { content?: unknown }) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

beforeAll(async () => {
  catalog = await loadCatalog("test/fixtures/runtime-catalog");
});
afterEach(() => {
  seen.length = 0;
});

describe("tools/list", () => {
  it("lists tools and aliases in catalog order, paginated with an opaque cursor", async () => {
    const client = await connect({ pageSize: 4 });
    const names: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      // listTools() without a cursor aggregates every page client-side; a raw request shows the server's pages.
      const page = await client.request({ method: "tools/list", params: cursor ? { cursor } : {} });
      expect(page.tools.length).toBeLessThanOrEqual(4);
      names.push(...page.tools.map((t) => t.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    const expected = catalog.doc.tools.flatMap((t) => [t.name, ...t.aliases]);
    expect(names).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 4));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(expected);
    const all = (await client.listTools()).tools;
    expect(all[0]?.annotations?.readOnlyHint).toBe(true);
    // This catalog's schemas are flat: 2020-12 and draft-07 read them alike, so no `$schema` (test/publish/dialect).
    const schemas = all.flatMap((t) => [t.inputSchema, t.outputSchema ?? {}]);
    const dialects = schemas.map((s) => [/"\$(ref|defs)"/.test(JSON.stringify(s)), s.$schema] as const);
    expect(dialects.filter(([refs]) => !refs).length).toBeGreaterThan(0);
    for (const [refs, dialect] of dialects)
      expect(dialect).toBe(refs ? "https://json-schema.org/draft/2020-12/schema" : undefined);
  });

  it("refuses a tampered cursor with -32602", async () => {
    const client = await connect({ pageSize: 4 });
    await expect(
      client.listTools({ cursor: Buffer.from("tools:999").toString("base64url") }),
    ).rejects.toMatchObject({
      code: -32602,
    });
    await expect(
      client.listTools({ cursor: Buffer.from("prompts:4").toString("base64url") }),
    ).rejects.toMatchObject({
      code: -32602,
    });
  });

  it("listTool hides tools, and hidden tools are unknown by name", async () => {
    const client = await connect({ listTool: (tool) => tool.safety === "read" });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("get_item");
    expect(names).not.toContain("create_item");
    await expect(client.callTool({ name: "create_item", arguments: { name: "x" } })).rejects.toMatchObject({
      code: -32602,
    });
  });
});

describe("tools/call", () => {
  it("an alias executes its tool", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "fetch_item", arguments: { id: "1" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(items["1"]);
    expect(seen[0]?.url.pathname).toBe("/api/items/1");
    expect(seen[0]?.headers.get("authorization")).toBe("Bearer tok-canary-123");
  });

  it("the SDK checks a tools/call request once, and still refuses an invalid one", async () => {
    // The request the server receives, with a getter on an argument that counts the reads made by a schema
    // check (zod's parse of the arguments' record): one. Registered with the two-argument form, the same request
    // was parsed with the same schema twice, by the registration's own check and then by Server's tools/call
    // wrapper: two.
    const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), { fetch: fakeFetch });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    let reads = 0;
    const received = serverSide.onmessage!;
    serverSide.onmessage = (message, extra) => {
      const m = message as { method?: string; params?: Record<string, unknown> };
      const args = m.method === "tools/call" ? (m.params?.arguments as Record<string, unknown>) : undefined;
      if (args) {
        const id = args.id;
        Object.defineProperty(args, "id", {
          enumerable: true,
          get: () => {
            if (/[/\\]zod[/\\]/.test(new Error().stack?.split("\n")[2] ?? "")) reads += 1;
            return id;
          },
        });
      }
      received(message, extra);
    };
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    const result = await client.callTool({ name: "get_item", arguments: { id: "1" } });
    expect(result.structuredContent).toEqual(items["1"]);
    expect(reads).toBe(1);
    // What that one check refuses is still refused, as the SDK answers it.
    await expect(
      client.request({ method: "tools/call", params: { name: 5 } } as never),
    ).rejects.toMatchObject({
      code: -32602,
      message: "Invalid params for tools/call: params.name: expected string, received number",
    });
    expect(seen).toHaveLength(1);
  });

  it("wraps non-object results under `result` for outputWrapped tools", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "list_items", arguments: {} });
    expect(result.structuredContent).toEqual({ result: Object.values(items) });
    expect(JSON.parse(text(result))).toEqual(Object.values(items));
  });

  it("an output mismatch names the path and still carries the data as text", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "bad_output", arguments: {} });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(text(result)).toMatch(/does not match the tool's output schema: count: /);
    expect(text(result)).toContain('{"count":"many"}');
  });

  it("a drifting response (missing required field, null, extra property) succeeds, with data the client's own validator accepts", async () => {
    const client = await connect();
    const drifted = { id: "3", name: null, price: 1.5, colour: "red" };
    items["3"] = drifted;
    const lines: string[] = [];
    const previous = setLogSink((line) => lines.push(line));
    try {
      const result = await client.callTool({ name: "get_item", arguments: { id: "3" } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(drifted);
      // Twice: the drift is logged once per tool and path.
      await client.callTool({ name: "get_item", arguments: { id: "3" } });
    } finally {
      setLogSink(previous);
      delete items["3"];
    }
    const drift = lines.filter((line) => line.includes("drift: tool get_item"));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toContain("differs from the spec at name");
  });

  it("a response of the wrong kind entirely is still an error naming the path", async () => {
    const client = await connect();
    items["4"] = { id: "4", name: { first: "x" } };
    try {
      const result = await client.callTool({ name: "get_item", arguments: { id: "4" } });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(
        /does not match the tool's output schema: name: must be string or null \(correlation/,
      );
    } finally {
      delete items["4"];
    }
  });

  it("invalid arguments list each issue path; unknown properties are rejected", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "get_item", arguments: { id: 5, extra: true } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /^invalid arguments: id: .*expected string.*; \(root\): unknown property "extra"/,
    );
    expect(text(result)).toMatch(/correlation id [0-9a-f]{12}/);
    expect(seen).toHaveLength(0);
  });

  it("null for an optional argument means absent (OpenAI strict clients send it) and is never sent upstream", async () => {
    const client = await connect();
    const result = await client.callTool({
      name: "get_item",
      arguments: { id: "1", tags: null, q: null, filter: null, trace: null },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(items["1"]);
    expect(seen[0]?.url.href).toBe("http://upstream.test/api/items/1");
    expect(seen[0]?.headers.has("trace")).toBe(false);
  });

  it("null for a required argument stays an error", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "get_item", arguments: { id: null, q: null } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^invalid arguments: id: required, got null \(correlation id/);
    expect(seen).toHaveLength(0);
  });

  it("an unknown property is refused with the valid arguments named", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "get_item", arguments: { id: "1", tag: ["a"] } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain(
      '(root): unknown property "tag"; valid arguments: id, tags, fields, filter, q, trace, pref',
    );
    expect(seen).toHaveLength(0);
  });

  it("a custom handler calls other tools through the chain and reports progress", async () => {
    const client = await connect();
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "sum_prices", arguments: { ids: ["1", "2"] } },
      { onprogress: (p: { progress: number }) => progress.push(p.progress) },
    );
    expect(result.structuredContent).toEqual({ total: 6.5, count: 2 });
    expect(seen.map((s) => s.url.pathname)).toEqual(["/api/items/1", "/api/items/2"]);
    expect(progress).toEqual([1, 2]);
  });

  it("middleware sees every entry point and can refuse before any upstream request", async () => {
    const contexts: CallContext[] = [];
    const refuseWrites: NamedMiddleware = {
      name: "read-only",
      async run(ctx, next): Promise<ToolOutcome> {
        contexts.push(ctx);
        if (ctx.tool.safety !== "read")
          return failure("refused: read-only mode (FIXTURE_READ_ONLY)", "refused");
        const outcome = await next();
        ctx.notes.set("seen-status", ctx.upstream.lastStatus);
        return outcome;
      },
    };
    const client = await connect({
      middleware: (defaults) => insertBefore(defaults, "validate-output", refuseWrites),
    });
    const refused = await client.callTool({ name: "add_item", arguments: { name: "x" } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^refused: read-only mode/);
    expect(seen).toHaveLength(0);

    await client.callTool({ name: "sum_prices", arguments: { ids: ["1"] } });
    await client.readResource({ uri: "fixture://items/2" });
    const entries = contexts.map((c) => [c.entry, c.tool.name, c.calledAs, c.depth]);
    expect(entries).toEqual([
      ["tools/call", "create_item", "add_item", 0],
      ["tools/call", "sum_prices", "sum_prices", 0],
      ["handler", "get_item", "get_item", 1],
      ["resources/read", "get_item", "get_item", 0],
    ]);
    const [, parent, child, resource] = contexts;
    // Parsed arguments are visible to policies; nested calls share the correlation id and count upstream requests.
    expect(child?.args).toEqual({ id: "1" });
    expect(child?.correlationId).toBe(parent?.correlationId);
    expect(parent?.upstream.requests).toBe(1);
    expect(child?.notes.get("seen-status")).toBe(200);
    expect(resource?.resourceUri).toBe("fixture://items/2");
    expect(parent?.client.era).toBe("legacy");
    expect(parent?.client.name).toBe("test");
    expect(parent?.requestId).toBeDefined();
  });

  it("an exception inside the chain is an internal error with a correlation id; details only on stderr", async () => {
    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    const boom: NamedMiddleware = {
      name: "boom",
      run: async () => {
        throw new Error("db at postgres://admin:pw@10.1.2.3:5432 exploded with tok-canary-123");
      },
    };
    try {
      const client = await connect({ middleware: (defaults) => [boom, ...defaults] });
      const result = await client.callTool({ name: "get_item", arguments: { id: "1" } });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(/^internal error \(correlation id [0-9a-f]{12}\)$/);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain("exploded");
      for (const secret of ["postgres://", "admin:pw", "10.1.2.3", "tok-canary-123"]) {
        expect(lines[0]).not.toContain(secret);
      }
    } finally {
      setLogSink(restore);
    }
  });
});

describe("resources", () => {
  it("lists static resources and templates", async () => {
    const client = await connect();
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(["fixture://guide"]);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "fixture://items/{id}",
      "fixture://topics/{topic}",
    ]);
  });

  it("reads a static asset, a tool-bound template and listed asset values only", async () => {
    const client = await connect();
    const guide = await client.readResource({ uri: "fixture://guide" });
    expect(guide.contents[0]).toMatchObject({ uri: "fixture://guide", mimeType: "text/markdown" });
    expect((guide.contents[0] as { text: string }).text).toMatch(/^# Fixture guide/);

    const item = await client.readResource({ uri: "fixture://items/2" });
    expect(JSON.parse((item.contents[0] as { text: string }).text)).toEqual(items["2"]);

    const topic = await client.readResource({ uri: "fixture://topics/auth" });
    expect((topic.contents[0] as { text: string }).text).toMatch(/^# Auth/);
    for (const uri of ["fixture://topics/..%2F..%2Fcatalog", "fixture://topics/missing", "fixture://nope"]) {
      await expect(client.readResource({ uri }), uri).rejects.toMatchObject({ code: -32602 });
    }
  });

  it("a tool-bound read with a refused argument is -32602 and makes no upstream request", async () => {
    const client = await connect();
    await expect(client.readResource({ uri: "fixture://items/.." })).rejects.toMatchObject({ code: -32602 });
    expect(seen).toHaveLength(0);
  });
});

describe("prompts", () => {
  it("lists and renders with strict handlebars, no HTML escaping", async () => {
    const client = await connect();
    const listed = (await client.listPrompts()).prompts;
    expect(listed.map((p) => p.name)).toEqual(["summarize-item"]);
    expect(listed[0]?.arguments?.map((a) => [a.name, a.required])).toEqual([
      ["item_id", true],
      ["tone", false],
    ]);
    const plain = await client.getPrompt({ name: "summarize-item", arguments: { item_id: "42" } });
    expect((plain.messages[0]!.content as { text: string }).text).toBe(
      "Summarize item 42 in two sentences. Keep <markup> & symbols as they are.\n",
    );
    const toned = await client.getPrompt({
      name: "summarize-item",
      arguments: { item_id: "<b>", tone: "dry" },
    });
    expect((toned.messages[0]!.content as { text: string }).text).toContain(
      "item <b> in two sentences. Use a dry tone.",
    );
  });

  it("a missing required argument, an unknown argument or an unknown prompt is -32602", async () => {
    const client = await connect();
    await expect(client.getPrompt({ name: "summarize-item", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
    await expect(
      client.getPrompt({ name: "summarize-item", arguments: { item_id: "1", bogus: "x" } }),
    ).rejects.toMatchObject({ code: -32602 });
    await expect(client.getPrompt({ name: "nope" })).rejects.toMatchObject({ code: -32602 });
  });
});
