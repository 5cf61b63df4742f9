import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { renderHostConfig, serverCommand } from "../../src/cli/print-config.js";
import { BIN } from "../helpers/mcp.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

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
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    encoding: "utf8",
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
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp" };
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

  it("an unknown host is a usage error naming the hosts", () => {
    const run = printConfig("emacs");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("claude, cursor, codex, vscode");
    expect(run.stdout).toBe("");
  });
});
