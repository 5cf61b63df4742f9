import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { discoveryIndexesBuilt } from "../../src/mcp/discovery.js";
import { createServer } from "../../src/mcp/server.js";
import { ROOT } from "../helpers/paths.js";

// Discovery mode lists three tools: start-up and a listing build nothing over the whole catalog; the word index
// find_tools searches is built by the first search, once.

describe("discovery mode's word index", () => {
  it("is not built by start-up or tools/list, and is built once by the first find_tools", async () => {
    const catalog = await loadCatalog(join(ROOT, "generated/scaivault"));
    const env = { SCAIVAULT_URL: "http://127.0.0.1:9", SCAIVAULT_TOKEN: "t" };
    const before = discoveryIndexesBuilt();
    const factory = createServer(catalog, resolveConfig(catalog.doc.env, env), {
      discovery: true,
      policy: { audit: false },
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["find_tools", "describe_tool", "call_tool"]);
    expect(discoveryIndexesBuilt()).toBe(before);
    for (const query of ["list secrets", "delete a secret"]) {
      const found = await client.callTool({ name: "find_tools", arguments: { query } });
      expect(found.isError).toBeFalsy();
      expect((found.structuredContent as { total: number }).total).toBeGreaterThan(0);
    }
    expect(discoveryIndexesBuilt()).toBe(before + 1);
    await client.close();
  });
});
