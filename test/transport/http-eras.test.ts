import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { MCP_HEADERS, raw } from "./raw-http.js";
import { type Served, serveHttp } from "./serve-http.js";

// The generated ScaiVault server over Streamable HTTP, in front of its reference upstream, driven by both
// protocol eras: the v2 client negotiating 2026-07-28 (`server/discover`, per-request envelopes), the v2
// client on the legacy `initialize` handshake, and the v1 SDK client (legacy only). The client's key
// authenticates it to this server and goes no further: the upstream sees the catalog's own token.

const CLIENT_KEY = "mcp-client-key-canary-3b9f20";

let upstream: ScaivaultUpstream;
let served: Served;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  served = await serveHttp("scaivault", {
    MCP_TRANSPORT: "http",
    PORT: "0",
    SCAIVAULT_MCP_TOKEN: CLIENT_KEY,
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: upstream.tokens.admin,
  });
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
  await upstream.close();
  expect(served.stderr()).not.toContain(CLIENT_KEY);
  expect(served.stderr()).not.toContain(upstream.tokens.admin);
});

interface AnyClient {
  listTools(params?: { cursor?: string }): Promise<{ tools: Array<{ name: string }>; nextCursor?: string }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<{
    content?: unknown;
    structuredContent?: unknown;
    isError?: boolean;
  }>;
  readResource(params: { uri: string }): Promise<{ contents: Array<Record<string, unknown>> }>;
  close(): Promise<void>;
}

const headers = { authorization: `Bearer ${CLIENT_KEY}` };

const CLIENTS = [
  {
    label: "v2 client negotiating 2026-07-28",
    era: "2026-07-28",
    connect: async () => {
      const client = new ClientV2(
        { name: "http-v2-modern", version: "1.0.0" },
        { versionNegotiation: { mode: "auto" } },
      );
      await client.connect(new HttpV2(new URL(served.url), { requestInit: { headers } }));
      return { client: client as unknown as AnyClient, version: client.getNegotiatedProtocolVersion() };
    },
  },
  {
    label: "v2 client, legacy initialize",
    era: "2025-11-25",
    connect: async () => {
      const client = new ClientV2({ name: "http-v2-legacy", version: "1.0.0" });
      await client.connect(new HttpV2(new URL(served.url), { requestInit: { headers } }));
      return { client: client as unknown as AnyClient, version: client.getNegotiatedProtocolVersion() };
    },
  },
  {
    label: "v1 SDK client (StreamableHTTPClientTransport, legacy)",
    era: "2025-11-25",
    connect: async () => {
      const client = new ClientV1({ name: "http-v1", version: "1.0.0" });
      const transport = new HttpV1(new URL(served.url), { requestInit: { headers } });
      await client.connect(transport);
      // Stateless: the server hands out no session.
      expect(transport.sessionId).toBeUndefined();
      return { client: client as unknown as AnyClient, version: transport.protocolVersion };
    },
  },
];

describe.each(CLIENTS)("$label", ({ connect, era }) => {
  let client: AnyClient;
  beforeAll(async () => {
    const connected = await connect();
    client = connected.client;
    expect(connected.version).toBe(era);
  });
  afterAll(async () => {
    await client.close();
  });

  it("lists all 67 tools", async () => {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor ? { cursor } : undefined);
      names.push(...page.tools.map((t) => t.name));
      // Every era here reads the top-level title: the annotations do not repeat it (src/publish/annotations.ts).
      for (const tool of page.tools) expect(tool).not.toHaveProperty("annotations.title");
      cursor = page.nextCursor;
    } while (cursor);
    expect(names).toHaveLength(67);
    expect(names).toContain("scaivault_read_secret");
  });

  it("calls a tool; the upstream sees the catalog's token, never the client's", async () => {
    const before = upstream.requests.length;
    const result = await client.callTool({
      name: "scaivault_read_secret",
      arguments: { path: "integrations/salesforce/oauth" },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ path: "integrations/salesforce/oauth", version: 3 });
    const seen = upstream.requests.slice(before);
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/secrets/integrations/salesforce/oauth",
    ]);
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${upstream.tokens.admin}`);
    expect(JSON.stringify(seen)).not.toContain(CLIENT_KEY);
  });

  it("reads a resource through its template", async () => {
    const read = await client.readResource({ uri: "scaivault://secrets/acme/integrations/stripe/api-key" });
    expect(read.contents[0]!.uri).toBe("scaivault://secrets/acme/integrations/stripe/api-key");
    expect(String(read.contents[0]!.text)).toContain("integrations/stripe/api-key");
  });

  it("answers an unknown tool with a protocol error", async () => {
    await expect(client.callTool({ name: "scaivault_nope", arguments: {} })).rejects.toThrow(/Unknown tool/);
  });
});

it("keeps calls from concurrent clients apart (stateless, one instance per request)", async () => {
  const clients = await Promise.all(CLIENTS.map((c) => c.connect()));
  const paths = [
    "integrations/salesforce/oauth",
    "integrations/stripe/api-key",
    "apps/billing/smtp-password",
  ];
  const results = await Promise.all(
    clients.map(({ client }, i) =>
      client.callTool({ name: "scaivault_read_secret", arguments: { path: paths[i] } }),
    ),
  );
  expect(results.map((r) => (r.structuredContent as { path: string }).path)).toEqual(paths);
  await Promise.all(clients.map(({ client }) => client.close()));
});

it.each([
  ["2025-03-26", true],
  ["2025-06-18", false],
  [undefined, true],
])("a stateless tools/list sent for revision %s has annotations.title: %s", async (version, titled) => {
  // Each request is served by a fresh instance: the MCP-Protocol-Version header says the revision (absent: the
  // spec has the server assume 2025-03-26, whose clients read the title only from the annotations).
  const res = await raw(served.url, {
    headers: { ...MCP_HEADERS, ...headers, ...(version ? { "mcp-protocol-version": version } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/list", params: {} }),
  });
  expect(res.status).toBe(200);
  const json = res.body.trimStart().startsWith("{") ? res.body : (/^data: (.*)$/m.exec(res.body)?.[1] ?? "");
  const tools = (JSON.parse(json) as { result: { tools: Array<Record<string, any>> } }).result.tools;
  expect(tools).toHaveLength(67);
  for (const tool of tools) expect(tool.annotations?.title, tool.name).toBe(titled ? tool.title : undefined);
});
