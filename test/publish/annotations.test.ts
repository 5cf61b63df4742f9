import { Client } from "@modelcontextprotocol/client";
import type { JSONRPCMessage } from "@modelcontextprotocol/server";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { ToolAnnotations } from "../../src/catalog.js";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer, type ServerOptions } from "../../src/mcp/server.js";
import {
  publishedAnnotations,
  readsTopLevelTitle,
  withAnnotationTitle,
} from "../../src/publish/annotations.js";

// Annotations carry only hints whose absence would read differently (under MCP's defaults, or to a client that
// reads absence as false), and `annotations.title` only for clients of revisions before 2025-06-18.

const hints = (readOnly: boolean, destructive: boolean, idempotent: boolean, openWorld: boolean) =>
  ({
    title: "T",
    readOnlyHint: readOnly,
    destructiveHint: destructive,
    idempotentHint: idempotent,
    openWorldHint: openWorld,
  }) satisfies ToolAnnotations;

describe("publishedAnnotations", () => {
  it.each([
    [
      "a read",
      hints(true, false, true, true),
      { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    ],
    [
      "a closed-world read",
      hints(true, false, true, false),
      { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    ],
    ["a non-idempotent read", hints(true, false, false, true), { readOnlyHint: true, openWorldHint: true }],
    ["a write", hints(false, false, false, true), { destructiveHint: false, openWorldHint: true }],
    [
      "an idempotent write",
      hints(false, false, true, true),
      { destructiveHint: false, idempotentHint: true, openWorldHint: true },
    ],
    [
      "a destructive idempotent call",
      hints(false, true, true, true),
      { destructiveHint: true, idempotentHint: true, openWorldHint: true },
    ],
    ["a destructive call", hints(false, true, false, false), { destructiveHint: true, openWorldHint: false }],
  ])("%s", (_, given, published) => {
    const out = publishedAnnotations(given);
    // Exactly these keys, in the spec's order: no title, no false readOnly/idempotent, no destructive on reads.
    expect(JSON.stringify(out)).toBe(JSON.stringify(published));
    // What every hint means is unchanged under the spec's defaults (readOnly false, destructive true,
    // idempotent false, openWorld true), and the ones a naive client reads as false are false or absent.
    const specDefaults: Record<string, boolean> = {
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: false,
      openWorldHint: true,
    };
    const spec = { ...specDefaults, ...out };
    expect(spec.readOnlyHint).toBe(given.readOnlyHint);
    if (!given.readOnlyHint) expect(spec.destructiveHint).toBe(given.destructiveHint);
    expect(spec.idempotentHint).toBe(given.idempotentHint);
    expect(spec.openWorldHint).toBe(given.openWorldHint);
    const naiveDefaults: Record<string, boolean> = {
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    };
    const naive = { ...naiveDefaults, ...out };
    expect(naive.readOnlyHint).toBe(given.readOnlyHint);
    expect(naive.idempotentHint).toBe(given.idempotentHint);
    expect(naive.openWorldHint).toBe(given.openWorldHint);
    expect(naive.destructiveHint).toBe(given.destructiveHint);
  });

  it.each([
    ["2024-11-05", false],
    ["2025-03-26", false],
    ["2025-06-18", true],
    ["2025-11-25", true],
    ["2026-07-28", true],
    [undefined, false],
    ["draft", false],
  ])("a client of %s reads the top-level title: %s", (version, reads) => {
    expect(readsTopLevelTitle(version)).toBe(reads);
  });

  it("the older revisions' form puts the title first in the annotations and leaves the entry alone", () => {
    const entry = {
      name: "n",
      title: "List things",
      annotations: publishedAnnotations(hints(true, false, true, true)),
    };
    const titled = withAnnotationTitle(entry);
    expect(Object.keys(titled.annotations)[0]).toBe("title");
    expect(titled.annotations.title).toBe("List things");
    expect(entry.annotations).not.toHaveProperty("title");
  });
});

describe("tools/list by negotiated revision", () => {
  let catalog: LoadedCatalog;
  beforeAll(async () => {
    catalog = await loadCatalog("test/fixtures/runtime-catalog");
  });

  const factory = (options: ServerOptions = {}) =>
    createServer(
      catalog,
      resolveConfig(catalog.doc.env, { FIXTURE_BASE_URL: "http://upstream.test/api" }),
      options,
    );

  /** An `initialize` naming `version`, spoken by hand (SDK clients only offer their latest revision). */
  async function listAs(version: string, options: ServerOptions = {}) {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory(options)({ era: "legacy" }).connect(serverSide);
    const answers = new Map<number, Record<string, unknown>>();
    const waiting = new Map<number, () => void>();
    clientSide.onmessage = (message: JSONRPCMessage) => {
      const { id, result, error } = message as { id?: number; result?: object; error?: object };
      if (typeof id !== "number") return;
      answers.set(id, (result ?? { error }) as Record<string, unknown>);
      waiting.get(id)?.();
    };
    await clientSide.start();
    const ask = async (id: number, method: string, params: object) => {
      const answered = new Promise<void>((done) => waiting.set(id, done));
      await clientSide.send({ jsonrpc: "2.0", id, method, params } as JSONRPCMessage);
      await answered;
      return answers.get(id) as Record<string, unknown>;
    };
    const init = await ask(1, "initialize", {
      protocolVersion: version,
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    });
    await clientSide.send({ jsonrpc: "2.0", method: "notifications/initialized" } as JSONRPCMessage);
    const list = await ask(2, "tools/list", {});
    await clientSide.close();
    return { negotiated: init.protocolVersion, tools: list.tools as Array<Record<string, any>> };
  }

  it.each(["2024-11-05", "2025-03-26"])(
    "a %s client finds each title in the annotations",
    async (version) => {
      const { negotiated, tools } = await listAs(version);
      expect(negotiated).toBe(version);
      expect(tools.length).toBeGreaterThan(0);
      for (const tool of tools) expect(tool.annotations.title, tool.name).toBe(tool.title);
      const del = tools.find((t) => t.name === "delete_item");
      expect(del?.annotations).toEqual({
        title: "Delete item",
        destructiveHint: true,
        idempotentHint: true,
        openWorldHint: true,
      });
    },
  );

  it.each(["2025-06-18", "2025-11-25"])("a %s client gets the top-level title only", async (version) => {
    const { negotiated, tools } = await listAs(version);
    expect(negotiated).toBe(version);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.annotations, tool.name).not.toHaveProperty("title");
    }
    const get = tools.find((t) => t.name === "get_item");
    expect(get?.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
    const create = tools.find((t) => t.name === "create_item");
    expect(create?.annotations).toEqual({ destructiveHint: false, openWorldHint: true });
  });

  it("discovery mode's three tools follow the same rule", async () => {
    const old = await listAs("2025-03-26", { discovery: true });
    const current = await listAs("2025-11-25", { discovery: true });
    expect(old.tools.map((t) => t.annotations.title)).toEqual(old.tools.map((t) => t.title));
    for (const tool of current.tools) expect(tool.annotations).not.toHaveProperty("title");
    expect(current.tools.find((t) => t.name === "call_tool")?.annotations).toEqual({
      destructiveHint: true,
      openWorldHint: true,
    });
  });

  it("the SDK client (latest revision) reads the same entries", async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory()({ era: "legacy" }).connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "fetch_item")).toMatchObject({
      title: "Get item",
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    });
    for (const tool of tools) expect(tool.annotations).not.toHaveProperty("title");
    await client.close();
  });
});
