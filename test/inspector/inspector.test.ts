import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "../helpers/child-env.js";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";
import { BIN, NODE22, type Served, serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { startScalyUpstream } from "../upstreams/scaly/index.js";

// The MCP Inspector CLI (@modelcontextprotocol/inspector 2.12, Node 22) as an independent client of the
// generated reference catalogs: tools/list with --strict schema portability checks, and a tools/call, over stdio
// and Streamable HTTP, in both protocol eras. The server runs with `node` (not npx) in front of the catalog's
// reference upstream.

const INSPECTOR = join(ROOT, "node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js");
const HTTP_KEY = "inspector-client-key-4e8c21";

interface CatalogCase {
  catalog: string;
  tools: number;
  /** Starts what the catalog talks to; returns the env the server needs and a stop function. */
  upstream(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
  /** Env that switches the catalog to HTTP on a free port with HTTP_KEY as the client key. */
  httpEnv: Record<string, string>;
  call: { tool: string; args: Record<string, unknown>; expect: Record<string, unknown> };
}

// One entry per reference catalog.
const CATALOGS: CatalogCase[] = [
  {
    catalog: "scaivault",
    tools: 67,
    upstream: async () => {
      const up: ScaivaultUpstream = await startScaivaultUpstream();
      return { env: { SCAIVAULT_URL: up.url, SCAIVAULT_TOKEN: up.tokens.admin }, stop: () => up.close() };
    },
    httpEnv: { MCP_TRANSPORT: "http", PORT: "0", SCAIVAULT_MCP_TOKEN: HTTP_KEY },
    call: {
      tool: "scaivault_read_secret",
      args: { path: "integrations/stripe/api-key" },
      expect: { path: "integrations/stripe/api-key", tenant: "acme" },
    },
  },
  {
    catalog: "scaly",
    tools: 51,
    // Scaly's HTTP clients present SCALY_API_KEY itself, so the upstream is started with HTTP_KEY as its API key.
    upstream: async () => {
      const up = await startScalyUpstream({ apiKey: HTTP_KEY });
      const env = { SCALY_API_URL: up.url, SCALY_API_KEY: HTTP_KEY, SCALY_APPSYNC_KEY: up.keys.appsyncKey };
      return { env, stop: () => up.close() };
    },
    httpEnv: { SCALY_MCP_TRANSPORT: "http", SCALY_MCP_HTTP_PORT: "0" },
    call: {
      tool: "scaly_get_app",
      args: { id: "app_storefront" },
      expect: { id: "app_storefront", name: "storefront" },
    },
  },
];

interface InspectorRun {
  code: number | null;
  result: Record<string, any> | undefined;
  stderr: string;
}

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "tw-inspector-home-"));
});

function inspector(target: string[], args: string[]): Promise<InspectorRun> {
  return new Promise((resolve, reject) => {
    // --connect-timeout: the CLI gives a stdio server 15 s to start and answer initialize, which a loaded 2-core
    // machine exceeded ("Connection timed out after 15000 ms" in both stress runs); this is a failure bound only.
    const child = spawn(
      NODE22,
      [INSPECTOR, "--cli", "--format", "json", "--connect-timeout", "240000", ...target, ...args],
      {
        cwd: ROOT,
        // The Inspector keeps state under ~/.mcp-inspector; no OS keychain here, secrets stay in memory.
        env: {
          ...childEnv(),
          HOME: home,
          MCP_INSPECTOR_SECRET_STORE: "memory",
          NO_COLOR: "1",
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    // 'close', not 'exit': at 'exit' the end of its JSON on stdout may still be unread.
    child.on("close", (code) => {
      let parsed: { result?: Record<string, any> } | undefined;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        parsed = undefined;
      }
      resolve({ code, result: parsed?.result, stderr: `${stderr}\n[stdout] ${stdout.slice(0, 2000)}` });
    });
  });
}

/** The Inspector's --strict report lines: `Path:`/`Issue:` per problem, and an `N errors, M warnings` summary. */
function portabilityProblems(stderr: string): string[] {
  return stderr.split("\n").filter((line) => /^\s*(Issue:|Path:)|\d+ errors?, \d+ warnings?/.test(line));
}

describe.each(CATALOGS)("$catalog", (c) => {
  let upstream: Awaited<ReturnType<CatalogCase["upstream"]>>;
  let served: Served;
  beforeAll(async () => {
    upstream = await c.upstream();
    served = await serveHttp(c.catalog, { ...upstream.env, ...c.httpEnv });
  });
  afterAll(async () => {
    expect(await served.stop()).toBe(0);
    await upstream.stop();
  });

  const transports = {
    stdio: () => [
      ...Object.entries(upstream.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      NODE22,
      BIN,
      "serve",
      c.catalog,
    ],
    http: () => ["--server-url", served.url, "--header", `Authorization: Bearer ${HTTP_KEY}`],
  };

  describe.each(["stdio", "http"] as const)("over %s", (transport) => {
    describe.each(["legacy", "modern"] as const)("%s era", (era) => {
      it("lists every tool, and --strict finds no portability problem", async () => {
        const run = await inspector(transports[transport](), [
          "--protocol-era",
          era,
          "--method",
          "tools/list",
          "--strict",
        ]);
        expect(run.code, run.stderr).toBe(0);
        expect(portabilityProblems(run.stderr), run.stderr).toEqual([]);
        expect(run.result?.tools).toHaveLength(c.tools);
      });

      it(`calls ${c.call.tool}`, async () => {
        const run = await inspector(transports[transport](), [
          "--protocol-era",
          era,
          "--method",
          "tools/call",
          "--tool-name",
          c.call.tool,
          "--tool-args-json",
          JSON.stringify(c.call.args),
        ]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.result?.isError, run.stderr).toBeFalsy();
        expect(run.result?.structuredContent).toMatchObject(c.call.expect);
        // 2026-07-28 results carry the server's identity in _meta; 2025 results do not.
        const serverInfo = run.result?._meta?.["io.modelcontextprotocol/serverInfo"];
        if (era === "modern") expect(serverInfo).toMatchObject({ name: c.catalog });
        else expect(serverInfo).toBeUndefined();
      });
    });
  });
});

it("--strict does report non-portable schemas (so a clean run means something)", async () => {
  // A bare `{}` property schema is the kind of shape --strict flags; the transport fixture has none, so
  // this probe is generated on the fly.
  const dir = writeTree("strict-probe", {
    "tools.yaml": [
      "catalog: strict-probe",
      "server: { name: strict-probe }",
      "tools:",
      "  probe_tool:",
      "    handler: ./handlers/echo.ts",
      "    safety: read",
      "    description: Accepts anything in y.",
      "    input: { type: object, properties: { y: {} } }",
    ].join("\n"),
    // Handlers compile only from inside the manifest's folder: the transport fixture's echo, copied beside it.
    "handlers/echo.ts": readFileSync(join(ROOT, "test/transport/catalog/handlers/echo.ts"), "utf8"),
  });
  const { dir: catalog } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
  const run = await inspector([NODE22, BIN, "serve", catalog], ["--method", "tools/list", "--strict"]);
  expect(portabilityProblems(run.stderr)).toEqual([
    "  Path: inputSchema.properties.y",
    expect.stringMatching(/Issue: Schema carries no validation keyword/),
    "0 errors, 1 warning across 1 tool.",
  ]);
});
