import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "../../src/transports/http-settings.js";
import { type Served, serveHttp, serveRefusal } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

/**
 * The ScaiVault seed's remote mode: "a remote service consumed via MCP over HTTP/SSE (set MCP_TRANSPORT=sse and
 * PORT=8765)". The recipe as written stops at start naming every variable it lacks and what each does; completed
 * (docs/catalogs.md), it serves the deprecated HTTP+SSE transport (2024-11-05) beside Streamable HTTP, reached here
 * by the SDK's own SSEClientTransport, behind the same authentication, Host/Origin checks and policies as /mcp.
 */

const CLIENT_KEY = "sse-client-key-7d1f0c3b9e2a";
let upstream: ScaivaultUpstream;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

/** The seed's recipe plus what it needs: the upstream, and the variables the refusal names. */
function recipe(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: upstream.tokens.admin,
    MCP_TRANSPORT: "sse",
    PORT: "0",
    ...extra,
  };
}

/** The v1 SDK's SSE client, as a legacy-only host runs it. */
async function sseClient(url: string, options: { key?: string; elicit?: boolean } = {}) {
  const client = new LegacyClient(
    { name: "legacy-sse-host", version: "1.0.0" },
    { capabilities: options.elicit ? { elicitation: {} } : {} },
  );
  const transport = new SSEClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${options.key ?? CLIENT_KEY}` } },
  });
  await client.connect(transport);
  return client;
}

const text = (result: unknown) =>
  (result as { content: { type: string; text: string }[] }).content.map((c) => c.text).join("\n");

describe("the seed's remote recipe (MCP_TRANSPORT=sse PORT=8765)", () => {
  it("as written, stops at start naming every missing variable and what each does", async () => {
    const { code, stderr } = await serveRefusal("scaivault", {
      SCAIVAULT_URL: upstream.url,
      MCP_TRANSPORT: "sse",
      PORT: "8765",
    });
    expect(code).toBe(2);
    // The upstream credential, the client key, and (for a remote service) the bind address and Host allow-list.
    expect(stderr).toContain(
      "SCAIVAULT_TOKEN: required but not set (Bearer token or service-account API key",
    );
    expect(stderr).toContain("set SCAIVAULT_MCP_TOKEN");
    expect(stderr).toContain("(clients send Authorization: Bearer <key>)");
    expect(stderr).toContain("SCAIVAULT_MCP_HOST=0.0.0.0 (the address to bind)");
    expect(stderr).toContain("SCAIVAULT_MCP_ALLOWED_HOSTS=<the host names clients use>");
    expect(stderr).toContain("DNS-rebinding protection");
  });

  it("completed as docs/catalogs.md shows it, serves HTTP+SSE and Streamable HTTP on all interfaces", async () => {
    const served = await serveHttp(
      "scaivault",
      recipe({
        SCAIVAULT_MCP_HOST: "0.0.0.0",
        SCAIVAULT_MCP_ALLOWED_HOSTS: "127.0.0.1,localhost",
        SCAIVAULT_MCP_TOKEN: CLIENT_KEY,
      }),
    );
    try {
      expect(served.stderr()).toMatch(/and HTTP\+SSE \(2024-11-05\) at http:\/\/127\.0\.0\.1:\d+\/sse/);
      const client = await sseClient(`${served.origin}/sse`);
      try {
        expect((await client.listTools()).tools).toHaveLength(67);
        // The seed's first example: list with the prefix integrations/.
        const listed = await client.callTool({
          name: "scaivault_list_secrets",
          arguments: { prefix: "integrations/" },
        });
        expect(listed.isError).toBeFalsy();
        expect(text(listed)).toContain("integrations/salesforce/oauth");
      } finally {
        await client.close();
      }
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });
});

describe("HTTP+SSE (2024-11-05) with MCP_TRANSPORT=sse", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serveHttp(
      "scaivault",
      recipe({
        SCAIVAULT_MCP_TOKEN: CLIENT_KEY,
        SCAIVAULT_READ_ONLY: "false",
        SCAIVAULT_MASK_VALUES: "true",
        SCAIVAULT_DENIED_PATHS: "infra/",
      }),
    );
  });
  afterAll(async () => {
    await served?.stop();
  });

  it("the SDK's SSEClientTransport calls tools; policies (masking, denied paths) apply as on /mcp", async () => {
    const client = await sseClient(`${served.origin}/sse`);
    try {
      const read = await client.callTool({
        name: "scaivault_read_secret",
        arguments: { path: "integrations/stripe/api-key" },
      });
      expect(read.isError).toBeFalsy();
      expect(text(read)).toContain("••••••");
      expect((read.structuredContent as { value?: string }).value).toBe("••••••");
      const before = upstream.requests.length;
      const denied = await client.callTool({
        name: "scaivault_read_secret",
        arguments: { path: "infra/db/primary/credentials" },
      });
      expect(denied.isError).toBe(true);
      expect(text(denied)).toContain("SCAIVAULT_DENIED_PATHS");
      expect(upstream.requests.length).toBe(before);
    } finally {
      await client.close();
    }
  });

  it("a stateful stream lets a legacy client confirm a destructive call by elicitation", async () => {
    const client = await sseClient(`${served.origin}/sse`, { elicit: true });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: "accept", content: { confirm: true } };
    });
    try {
      const path = "integrations/legacy/sse-probe";
      const wrote = await client.callTool({
        name: "scaivault_write_secret",
        arguments: { path, value: "v1" },
      });
      expect(wrote.isError, text(wrote)).toBeFalsy();
      const deleted = await client.callTool({ name: "scaivault_delete_secret", arguments: { path } });
      expect(deleted.isError, text(deleted)).toBeFalsy();
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(`DELETE /v1/secrets/${path}`);
      const gone = await client.callTool({ name: "scaivault_read_secret", arguments: { path } });
      expect(gone.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("the same authentication: no key or a wrong key gets 401 with the RFC 9728 challenge, on /sse and /messages", async () => {
    for (const authorization of [undefined, "Bearer not-the-client-key-000000"]) {
      const headers: Record<string, string> = { accept: "text/event-stream" };
      if (authorization) headers.authorization = authorization;
      const stream = await fetch(`${served.origin}/sse`, { headers });
      expect(stream.status).toBe(401);
      expect(stream.headers.get("www-authenticate")).toContain("resource_metadata=");
      const post = await fetch(`${served.origin}/messages?sessionId=x`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(post.status).toBe(401);
    }
    await expect(sseClient(`${served.origin}/sse`, { key: "wrong-key-but-long-enough" })).rejects.toThrow();
  });

  it("the same Host and Origin checks: a foreign Host or Origin gets 403 before anything else", async () => {
    const auth = { authorization: `Bearer ${CLIENT_KEY}`, accept: "text/event-stream" };
    const port = new URL(served.origin).port;
    const rebinding = await rawGet(`${served.origin}/sse`, { ...auth, host: `evil.example:${port}` });
    expect(rebinding).toBe(403);
    const origin = await fetch(`${served.origin}/sse`, {
      headers: { ...auth, origin: "https://evil.example" },
    });
    expect(origin.status).toBe(403);
  });

  it("a session id is no credential: unknown sessions are 404, and messages are bounded (413)", async () => {
    const auth = { authorization: `Bearer ${CLIENT_KEY}`, "content-type": "application/json" };
    const unknown = await fetch(`${served.origin}/messages?sessionId=00000000-0000-0000-0000-000000000000`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(unknown.status).toBe(404);
    const client = await sseClient(`${served.origin}/sse`);
    try {
      const sessionId = (client.transport as unknown as { _endpoint: URL })._endpoint.searchParams.get(
        "sessionId",
      );
      const big = await fetch(`${served.origin}/messages?sessionId=${sessionId}`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 9,
          method: "ping",
          params: { pad: "x".repeat(DEFAULT_MAX_BODY_BYTES + 1024) },
        }),
      });
      expect(big.status).toBe(413);
      expect((await client.listTools()).tools.length).toBe(67);
    } finally {
      await client.close();
    }
  });

  it("Streamable HTTP keeps serving /mcp beside it", async () => {
    const client = new Client({ name: "modern-host", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${served.origin}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${CLIENT_KEY}` } },
      }),
    );
    try {
      expect((await client.listTools()).tools).toHaveLength(67);
    } finally {
      await client.close();
    }
  });
});

describe("MCP_TRANSPORT=http", () => {
  it("serves no legacy SSE endpoint (it is served only when asked)", async () => {
    const served = await serveHttp(
      "scaivault",
      recipe({ MCP_TRANSPORT: "http", SCAIVAULT_MCP_TOKEN: CLIENT_KEY }),
    );
    try {
      expect(served.stderr()).not.toContain("HTTP+SSE");
      const stream = await fetch(`${served.origin}/sse`, {
        headers: { authorization: `Bearer ${CLIENT_KEY}` },
      });
      expect(stream.status).toBe(404);
    } finally {
      await served.stop();
    }
  });
});

/** A GET with a Host header of our choosing (fetch does not let a caller set Host). */
async function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  const { request } = await import("node:http");
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}
