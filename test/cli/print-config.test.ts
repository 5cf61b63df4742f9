import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { renderHostConfig, renderRemoteConfig, serverCommand } from "../../src/cli/print-config.js";
import { childEnv } from "../helpers/child-env.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { spawnSync } from "../helpers/spawn-sync.js";
import { serveHttp } from "../transport/serve-http.js";

/**
 * `toolwright serve <catalog> --print-config <host>`: the printed block starts the very server a host would run
 * (absolute paths, from any folder, with the serve options given), and a secret set in the environment never
 * appears in it: the block refers to it the way the host fills it in.
 */

const CANARY = "tok-canary-5f3a9c";
const doc = JSON.parse(
  readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
) as CatalogDocument;

function printConfig(host: string, args: string[] = [], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [BIN, "serve", "scaivault", ...args, "--print-config", host], {
    cwd: tmpDir("print-config"),
    env: childEnv(env),
    encoding: "utf8",
    // A failure bound: a synchronous child that never exits would block this worker past every test timeout.
    timeout: 240_000,
  });
}

describe("serve --print-config", () => {
  it("claude: the block runs the server from any folder with the options given; the secret stays out", async () => {
    const run = printConfig("claude", ["--read-only", "--deny", "tag:pki"], { SCAIVAULT_TOKEN: CANARY });
    expect(run.status, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain(CANARY);
    expect(run.stderr).toContain(".mcp.json");
    const server = JSON.parse(run.stdout).mcpServers.scaivault;
    expect(server.type).toBe("stdio");
    expect(server.args).toEqual([
      BIN,
      "serve",
      join(ROOT, "generated/scaivault"),
      "--read-only",
      "--deny",
      "tag:pki",
    ]);
    expect(server.env.SCAIVAULT_TOKEN).toBe(`\${SCAIVAULT_TOKEN}`);

    // Start it the way Claude Code does: expand ${VAR} from its environment, in a folder of its choosing.
    const env = childEnv();
    for (const [name, value] of Object.entries(server.env as Record<string, string>))
      env[name] = value === `\${${name}}` ? CANARY : value;
    const transport = new StdioClientTransport({ command: server.command, args: server.args, env, cwd: "/" });
    const client = new Client({ name: "print-config-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      const reads = doc.tools.filter((t) => t.safety === "read" && !t.internal && !t.tags?.includes("pki"));
      expect(tools.map((t) => t.name).sort()).toEqual(reads.map((t) => t.name).sort());
    } finally {
      await client.close();
    }
  });

  it("vscode asks for secrets as password inputs; codex gets placeholders; non-secret values set now are kept", () => {
    const server = serverCommand(
      doc,
      join(ROOT, "generated/scaivault"),
      { mask: ["password", "api_key"] },
      {
        SCAIVAULT_TOKEN: CANARY,
        SCAIVAULT_READ_ONLY: "true",
      },
    );
    const vscode = renderHostConfig("vscode", server).block;
    const codex = renderHostConfig("codex", server).block;
    for (const block of [vscode, codex]) expect(block).not.toContain(CANARY);
    const parsed = JSON.parse(vscode);
    expect(parsed.inputs).toContainEqual(expect.objectContaining({ id: "SCAIVAULT_TOKEN", password: true }));
    expect(parsed.servers.scaivault.env).toMatchObject({
      SCAIVAULT_TOKEN: `\${input:SCAIVAULT_TOKEN}`,
      SCAIVAULT_READ_ONLY: "true",
    });
    expect(parsed.servers.scaivault.args.slice(-2)).toEqual(["--mask", "password,api_key"]);
    expect(codex).toMatch(/^\[mcp_servers\.scaivault\]\ncommand = ".+"\nargs = \[.+\]\nenv = \{ /);
    expect(codex).toContain('SCAIVAULT_TOKEN = "<SCAIVAULT_TOKEN>"');
    expect(codex).toContain('SCAIVAULT_READ_ONLY = "true"');
  });

  it("a non-secret value holding a credential (a base URL's token or key) is referred to, not written in", () => {
    const held = [
      "https://api.telegram.org/bot123456789:AAHfakeFAKEfake0123456789abcdefghijk/",
      "https://vault.example.com/v1?api_key=k3y-0123456789",
      "https://admin:pw-0123456789@vault.example.com/",
    ];
    for (const url of held) {
      const server = serverCommand(doc, join(ROOT, "generated/scaivault"), {}, { SCAIVAULT_URL: url });
      for (const host of ["claude", "cursor", "codex", "vscode"] as const) {
        const { block, where } = renderHostConfig(host, server);
        expect(`${block}${where}`).not.toContain("0123456789");
        expect(where + block).toContain("SCAIVAULT_URL");
      }
      expect(
        JSON.parse(renderHostConfig("claude", server).block).mcpServers.scaivault.env.SCAIVAULT_URL,
      ).toBe(`\${SCAIVAULT_URL}`);
    }
    // A URL with no credential is written in as set.
    const plain = serverCommand(
      doc,
      join(ROOT, "generated/scaivault"),
      {},
      {
        SCAIVAULT_URL: "https://vault.example.com/v1?region=eu",
      },
    );
    expect(JSON.parse(renderHostConfig("claude", plain).block).mcpServers.scaivault.env.SCAIVAULT_URL).toBe(
      "https://vault.example.com/v1?region=eu",
    );
  });

  it("an unknown host is a usage error naming the hosts", () => {
    const run = printConfig("emacs");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("claude, cursor, codex, vscode");
    expect(run.stdout).toBe("");
  });
});

/**
 * `serve <catalog> --http ... --print-config <host>`: the remote form, for a server running over Streamable HTTP
 * with the same options. The block names the URL clients reach and sends the client key from an env variable the
 * host fills in; the key's value and the upstream credentials never appear.
 */
describe("serve --http --print-config", () => {
  const KEY = "client-key-canary-7d41e2b9";

  it("claude: the block reaches the running server with the key from the host's env; no secret printed", async () => {
    const env = { SCAIVAULT_TOKEN: CANARY, TOOLWRIGHT_CLIENT_KEY: KEY };
    const served = await serveHttp("scaivault", env, { args: ["--http", "--port", "0", "--read-only"] });
    try {
      const port = new URL(served.url).port;
      const run = printConfig("claude", ["--http", "--port", port, "--read-only"], env);
      expect(run.status, run.stderr).toBe(0);
      for (const secret of [KEY, CANARY]) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
      expect(run.stderr).toContain("Set TOOLWRIGHT_CLIENT_KEY");
      const server = JSON.parse(run.stdout).mcpServers.scaivault;
      expect(server).toEqual({
        type: "http",
        url: served.url,
        headers: { Authorization: `Bearer \${TOOLWRIGHT_CLIENT_KEY}` },
      });

      // Connect the way Claude Code does: expand ${VAR} in the headers from its environment.
      const headers = Object.fromEntries(
        Object.entries(server.headers as Record<string, string>).map(([name, value]) => [
          name,
          value.replace(/\$\{(\w+)\}/g, (_, v: string) => (v === "TOOLWRIGHT_CLIENT_KEY" ? KEY : "")),
        ]),
      );
      const client = new Client({ name: "print-config-http", version: "1.0.0" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers } }),
      );
      try {
        const reads = doc.tools.filter((t) => t.safety === "read" && !t.internal);
        expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(
          reads.map((t) => t.name).sort(),
        );
      } finally {
        await client.close();
      }
      // The header is what lets it in.
      const bare = new Client({ name: "print-config-http", version: "1.0.0" });
      await expect(bare.connect(new StreamableHTTPClientTransport(new URL(server.url)))).rejects.toThrow();
    } finally {
      await served.stop();
    }
  });

  it("the catalog's own transport env: its bearer variable is the one the host sets (codex: bearer_token_env_var)", () => {
    const run = printConfig("codex", [], { MCP_TRANSPORT: "http", PORT: "9123", SCAIVAULT_MCP_TOKEN: KEY });
    expect(run.status, run.stderr).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toContain(KEY);
    expect(run.stdout).toBe(
      '[mcp_servers.scaivault]\nurl = "http://127.0.0.1:9123/mcp"\nbearer_token_env_var = "SCAIVAULT_MCP_TOKEN"\n',
    );
  });

  it("a wildcard bind names the allowed host, --public-url wins; OAuth-only servers get no header", () => {
    const env = { TOOLWRIGHT_CLIENT_KEY: KEY };
    const wild = printConfig(
      "cursor",
      [
        "--http",
        "--host",
        "0.0.0.0",
        "--port",
        "9000",
        "--allowed-hosts",
        "mcp.example.com:9000,other.example.com",
      ],
      env,
    );
    expect(wild.status, wild.stderr).toBe(0);
    expect(JSON.parse(wild.stdout).mcpServers.scaivault).toEqual({
      url: "http://mcp.example.com:9000/mcp",
      headers: { Authorization: `Bearer \${env:TOOLWRIGHT_CLIENT_KEY}` },
    });
    const oauth = printConfig("vscode", [
      "--http",
      "--authorization-servers",
      "https://login.example.com",
      "--public-url",
      "https://mcp.example.com/vault/mcp",
    ]);
    expect(oauth.status, oauth.stderr).toBe(0);
    expect(JSON.parse(oauth.stdout)).toEqual({
      servers: { scaivault: { type: "http", url: "https://mcp.example.com/vault/mcp" } },
    });
    expect(oauth.stderr).toContain("OAuth");
  });

  it("vscode asks for the key as a password input", () => {
    const { block } = renderRemoteConfig("vscode", {
      name: "vault",
      url: "https://h.example/mcp",
      keyEnv: "VAULT_KEY",
    });
    expect(JSON.parse(block)).toEqual({
      inputs: [{ type: "promptString", id: "VAULT_KEY", description: "Client key of vault", password: true }],
      servers: {
        vault: {
          type: "http",
          url: "https://h.example/mcp",
          headers: { Authorization: `Bearer \${input:VAULT_KEY}` },
        },
      },
    });
  });

  it("a server that would not start prints nothing: no client authentication, or port 0", () => {
    const noKey = printConfig("claude", ["--http", "--port", "9000"]);
    expect(noKey.status).toBe(1);
    expect(noKey.stdout).toBe("");
    expect(noKey.stderr).toContain("SCAIVAULT_MCP_TOKEN");
    const anyPort = printConfig("claude", ["--http", "--port", "0"], { TOOLWRIGHT_CLIENT_KEY: KEY });
    expect(anyPort.status).toBe(1);
    expect(anyPort.stdout).toBe("");
    expect(anyPort.stderr).toContain("--port");
    expect(anyPort.stderr).not.toContain(KEY);
  });
});
