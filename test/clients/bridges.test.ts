import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { closed, until } from "../helpers/events.js";
import { ROOT } from "../helpers/paths.js";
import { type Served, serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

// mcp-remote, the stdio <-> Streamable HTTP bridge that hosts speaking only stdio (Claude Desktop and others) use to
// reach a remote server: a v1 SDK client talks stdio to `mcp-remote <url> --header "Authorization: Bearer <key>"`,
// which talks HTTP to ScaiVault served as an operator runs it. Everything crosses the bridge: every tool, the
// server instructions, structured results (validated by the client against the output schemas), refusals and the
// confirmation round; a cancelled call stops its upstream request. Without the key, mcp-remote tries OAuth and gives
// up with toolwright's own explanation.

const KEY = "bridges-client-key-4c1d9e07a2";
const PROXY = join(ROOT, "node_modules/mcp-remote/dist/proxy.js");

let up: ScaivaultUpstream;
let served: Served;
/** mcp-remote keeps OAuth state under ~/.mcp-auth (MCP_REMOTE_CONFIG_DIR): a scratch folder, not the user's. */
let authDir: string;

beforeAll(async () => {
  up = await startScaivaultUpstream();
  served = await serveHttp("scaivault", {
    SCAIVAULT_URL: up.url,
    SCAIVAULT_TOKEN: up.tokens.admin,
    MCP_TRANSPORT: "http",
    PORT: "0",
    SCAIVAULT_MCP_TOKEN: KEY,
  });
  authDir = mkdtempSync(join(tmpdir(), "tw-mcp-remote-"));
}, 120_000);

afterAll(async () => {
  await served?.stop();
  await up?.close();
});

function bridgeEnv(): Record<string, string> {
  return childEnv({ HOME: authDir, MCP_REMOTE_CONFIG_DIR: authDir });
}

describe("mcp-remote (stdio <-> Streamable HTTP bridge)", () => {
  it("carries every tool, the instructions, structured results, refusals and a confirmed delete", async () => {
    const direct = new Client({ name: "direct", version: "1" });
    await direct.connect(
      new StreamableHTTPClientTransport(new URL(served.url), {
        requestInit: { headers: { Authorization: `Bearer ${KEY}` } },
      }),
    );
    const instructions = direct.getInstructions();
    await direct.close();

    const client = new Client({ name: "bridged", version: "1" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [PROXY, served.url, "--header", `Authorization: Bearer ${KEY}`],
        env: bridgeEnv(),
        stderr: "ignore",
      }),
    );
    try {
      expect(client.getServerVersion()?.name).toBe("scaivault");
      expect(client.getInstructions()).toBe(instructions);
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(67);
      const path = up.seed.secrets.salesforce;
      // The v1 client validates structuredContent against the published output schema.
      const read = await client.callTool({ name: "scaivault_read_secret", arguments: { path } });
      expect(read.isError).toBeFalsy();
      expect(read.structuredContent).toMatchObject({ path });

      const traversal = await client.callTool({
        name: "scaivault_read_secret",
        arguments: { path: "../etc/passwd" },
      });
      expect(traversal.isError).toBe(true);
      expect(JSON.stringify(traversal.content)).toMatch(/invalid arguments: path/);

      const target = "integrations/bridged/delete-me";
      const written = await client.callTool({
        name: "scaivault_write_secret",
        arguments: { path: target, data: { user: "svc" } },
      });
      expect(written.isError).toBeFalsy();
      const preview = await client.callTool({ name: "scaivault_delete_secret", arguments: { path: target } });
      expect(preview.isError).toBe(true);
      const text = (preview.content as Array<{ text: string }>)[0]!.text;
      const { confirmation_token } = JSON.parse(text) as { confirmation_token: string };
      expect(up.requests.some((r) => r.method === "DELETE")).toBe(false);
      const done = await client.callTool({
        name: "scaivault_delete_secret",
        arguments: { path: target, confirmation_token },
      });
      expect(done.isError).toBeFalsy();
      expect(up.requests.filter((r) => r.method === "DELETE").map((r) => r.url)).toEqual([
        expect.stringContaining(target),
      ]);
    } finally {
      await client.close();
    }
  });

  it("without the client key it exits with toolwright's word that the server does no OAuth", async () => {
    const child = spawn(process.execPath, [PROXY, served.url], {
      env: bridgeEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const exited = closed(child);
    child.stdin.write(
      `${JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
      })}\n`,
    );
    const [code] = await exited;
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/this server does no OAuth/);
    expect(stderr).toMatch(/client key its operator set, sent in the Authorization header/);
  });

  it("forwards a cancellation: the call's upstream request is stopped and audited as cancelled", async () => {
    // An upstream that never answers: the call ends only by its cancellation, or by the 30 s source timeout,
    // which the audit line would name instead.
    let reached: () => void = () => {};
    const hit = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const silent = createServer(() => reached());
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const quiet = await serveHttp("scaivault", {
      SCAIVAULT_URL: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      SCAIVAULT_TOKEN: up.tokens.admin,
      MCP_TRANSPORT: "http",
      PORT: "0",
      SCAIVAULT_MCP_TOKEN: KEY,
    });
    const client = new Client({ name: "bridged-cancel", version: "1" });
    try {
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: [PROXY, quiet.url, "--header", `Authorization: Bearer ${KEY}`],
          env: bridgeEnv(),
          stderr: "ignore",
        }),
      );
      const abort = new AbortController();
      const call = client
        .callTool({ name: "scaivault_read_secret", arguments: { path: "a/b" } }, undefined, {
          signal: abort.signal,
        })
        .then(
          () => "resolved",
          () => "rejected",
        );
      await hit;
      abort.abort();
      expect(await call).toBe("rejected");
      const line = await until(
        () =>
          quiet
            .stderr()
            .split("\n")
            .find((l) => l.includes('"event":"tool_call"')),
        [quiet.proc.stderr!],
        () => quiet.stderr(),
      );
      expect(JSON.parse(line)).toMatchObject({ tool: "scaivault_read_secret", error: "cancelled" });
    } finally {
      await client.close();
      await quiet.stop();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
