import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { until } from "../../helpers/events.js";
import { ROOT } from "../../helpers/paths.js";
import { rawToolCall } from "../../helpers/raw-session.js";
import { spawnSync } from "../../helpers/spawn-sync.js";

// `toolwright-demo scaivault` as an MCP host runs it: started from anywhere with a bare environment, spoken to
// over stdio. It must answer like `toolwright serve scaivault` (its upstream is started in-process), keep
// stdout to JSON-RPC, and leave nothing behind once the host closes stdin.

/** The seed's story: sa:report-runner is denied reads of this path (no policy covers it). */
const DENIED_PATH = "infra/db/primary/credentials";

describe("toolwright-demo scaivault: the one-command demo an MCP host runs", () => {
  const DEMO = join(ROOT, "bin/toolwright-demo.mjs");
  // A host starts the command from anywhere, with little of our environment.
  let home = "";
  const hostEnv = () => ({ PATH: process.env.PATH ?? "", HOME: home });
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "tw-demo-home-"));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("the v2 client lists the 67 tools, reads a secret by tool and by resource", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [DEMO, "scaivault"],
      env: hostEnv(),
      cwd: tmpdir(),
      stderr: "pipe",
    });
    const stderr: string[] = [];
    transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
    const client = new Client({ name: "demo-host", version: "1.0.0" });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools).toHaveLength(67);
      const result = (await client.callTool({
        name: "scaivault_read_secret",
        arguments: { path: "integrations/salesforce/oauth" },
      })) as { structuredContent?: Record<string, any>; isError?: boolean };
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ path: "integrations/salesforce/oauth", version: 3 });
      const { contents } = await client.readResource({
        uri: "scaivault://secrets/acme/apps/billing/jwt-signing-key",
      });
      expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({ version: 4 });
    } finally {
      await client.close();
    }
    // stderr is its own pipe, read after stdout's answers: the banner is waited for there.
    await until(
      () => /ScaiVault reference upstream on http:\/\/127\.0\.0\.1:\d+\D/.test(stderr.join("")),
      [transport.stderr!],
      () => stderr.join(""),
    );
  });

  it("stdout is JSON-RPC only; when stdin closes it exits 0 and the upstream is gone", async () => {
    const session = await rawToolCall(
      process.execPath,
      [DEMO, "scaivault", "--as", "reportRunner"],
      hostEnv(),
      tmpdir(),
      {
        name: "scaivault_read_secret",
        arguments: { path: DENIED_PATH },
      },
    );
    // stderr is its own pipe, read after stdout's answers: the banner (its whole port) is waited for there.
    const stderr = await session.waitForStderr(/upstream on http:\/\/127\.0\.0\.1:\d+\D/);

    const { messages } = session;
    for (const message of messages) expect(message.jsonrpc).toBe("2.0");
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(messages[1].result.tools).toHaveLength(67);
    expect(messages[2].result.isError).toBe(true);
    expect(messages[2].result.content[0].text).toMatch(/403/);

    const url = /upstream on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    expect(url, stderr).toBeDefined();
    expect(await session.close()).toEqual([0, null]);
    await expect(fetch(`${url}/v1/secrets`)).rejects.toThrow();
  });

  it("a host's SIGTERM stops the server child too", async () => {
    const child = spawn(process.execPath, [DEMO, "scaivault"], {
      env: hostEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    // The server child shares this stdout pipe: it closes only once both processes are gone.
    const stdoutClosed = new Promise<void>((done) => child.stdout.once("close", () => done()));
    child.stdout.resume();
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      child.once("exit", (code, signal) => done([code, signal])),
    );
    try {
      // A demo that exits (or cannot start) before it serves fails here with its stderr, not at the test timeout.
      await until(
        () => stderr.includes("toolwright: serving scaivault"),
        [child.stderr],
        () => stderr,
      );
      child.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
      await stdoutClosed;
    } finally {
      // On a failure, nothing outlives the test: the server child stops at the end of its stdin (ours).
      child.stdin.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });

  it("names its catalogs and principals when asked for one it does not have", () => {
    const run = spawnSync(process.execPath, [DEMO, "nope"], { encoding: "utf8", env: hostEnv() });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain('no demo named "nope"');
    expect(run.stderr).toMatch(/scaivault .*\n.*principals: admin, readOnly, reportRunner/);
    const principal = spawnSync(process.execPath, [DEMO, "scaivault", "--as", "root"], {
      encoding: "utf8",
      env: hostEnv(),
      // A failure bound: a demo that started serving instead would block this worker past every test timeout.
      timeout: 240_000,
    });
    expect(principal.status).toBe(2);
    expect(principal.stderr).toContain("unknown principal 'root'");
  });
});
