import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { untilOutput } from "../helpers/events.js";
import { ROOT } from "../helpers/paths.js";
import { rawToolCall } from "../helpers/raw-session.js";
import { SEED_ALIASES, SEED_TOOLS } from "./scaly/harness.js";

// `toolwright-demo scaly` (npm run demo:scaly) as an MCP host runs it: started from anywhere with a bare
// environment, spoken to over stdio. The reference upstream runs in-process, the session token waits in a
// scratch auth store, stdout carries JSON-RPC only, and nothing is left behind once the host closes stdin.

const DEMO = join(ROOT, "bin/toolwright-demo.mjs");

describe("toolwright-demo scaly: the one-command demo", () => {
  let home = "";
  const hostEnv = () => ({ PATH: process.env.PATH ?? "", HOME: home });
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "tw-scaly-demo-home-"));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("serves every tool; control plane, data plane (session token) and a plan in its scratch project work", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [DEMO, "scaly"],
      env: hostEnv(),
      cwd: tmpdir(),
      stderr: "pipe",
    });
    const stderr: string[] = [];
    transport.stderr?.on("data", (chunk) => stderr.push(String(chunk)));
    // The demo's stderr ends once it and its server child are gone, after it has removed its scratch folders.
    const gone = once(transport.stderr!, "end");
    const client = new Client({ name: "demo-host", version: "1.0.0" });
    await client.connect(transport);
    const data = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await client.callTool({ name, arguments: args });
      const body = JSON.parse((result.content as { text: string }[])[0]!.text);
      expect(body.success, `${name}: ${JSON.stringify(body.error)}`).toBe(true);
      return body.data;
    };
    try {
      expect((await client.listTools()).tools).toHaveLength(
        SEED_TOOLS.length + Object.keys(SEED_ALIASES).length,
      );
      expect((await data("scaly_status")).workspace.slug).toBe("acme");
      // The demo starts its Postgres beside the server and says when it answers: the database call waits for that
      // line, not for a time budget (under load the start took longer than the server's 60 s source timeout).
      const started = await untilOutput(
        () => stderr.join(""),
        /Scaly's Postgres (is ready|did not start.*)/,
        transport.stderr,
      );
      expect(/Scaly's Postgres (is ready|did not start.*)/.exec(started)?.[0]).toBe(
        "Scaly's Postgres is ready",
      );
      const rows = await data("scaly_db_query", {
        app_id: "app_storefront",
        sql: "select count(*)::int as n from products",
      });
      expect(rows.rows).toEqual([{ n: 3 }]);
      expect(await data("scaly_auth_status")).toMatchObject({
        present: true,
        source: "file",
        verified: true,
      });
      await data("scaly_pull");
      expect((await data("scaly_plan")).actions).toEqual([]);
    } finally {
      await client.close();
    }
    // The scratch folders go with the demo: looked at once it has exited (a fixed pause was too short under load).
    // stderr has ended then too, so the banner is whole (its own pipe, read after stdout's answers).
    await gone;
    const banner = stderr.join("");
    expect(banner).toMatch(/Scaly reference upstream on http:\/\/127\.0\.0\.1:\d+/);
    const project = /project folder \(.*\): (\S+)/.exec(banner)?.[1];
    expect(project, banner).toBeDefined();
    expect(existsSync(project!)).toBe(false);
  });

  it("stdout is JSON-RPC only; --as apiKeyOnly shows the login hint; stdin closed -> exit 0, upstream gone", async () => {
    const session = await rawToolCall(
      process.execPath,
      [DEMO, "scaly", "--as", "apiKeyOnly"],
      hostEnv(),
      tmpdir(),
      {
        name: "scaly_get_logs",
        arguments: { app_id: "app_admin" },
      },
    );
    // stderr is its own pipe, read after stdout's answers: the banner (its whole port) is waited for there.
    const stderr = await session.waitForStderr(/upstream on http:\/\/127\.0\.0\.1:\d+\D/);

    const { messages } = session;
    for (const message of messages) expect(message.jsonrpc).toBe("2.0");
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3]);
    const logs = JSON.parse(messages[2].result.content[0].text);
    expect(logs).toMatchObject({ success: false, error: { code: "missing_credentials" } });
    expect(logs.error.message).toContain("scaly auth login");

    const url = /upstream on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    expect(url, stderr).toBeDefined();
    expect(await session.close()).toEqual([0, null]);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
