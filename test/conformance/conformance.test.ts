import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { childEnv } from "../helpers/child-env.js";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";
import { NODE22, type Served, serveHttp } from "../transport/serve-http.js";
import { startBearerProxy } from "./bearer-proxy.js";

// The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16, Node 22, HTTP only) against a
// server generated the way users generate theirs: test/conformance/catalog (a manifest with hand-written
// handlers, assets and prompt templates) -> `toolwright serve` over Streamable HTTP. Every active scenario must
// pass except those in expected-failures.yml (each with its reason); the runner itself fails on a listed
// scenario that starts passing. The runner cannot send credentials, so a loopback proxy adds the bearer.

const RUNNER = join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
const BASELINE = join(ROOT, "test/conformance/expected-failures.yml");
const KEY = "conformance-client-key-7d41a9";

let served: Served;
let proxy: Awaited<ReturnType<typeof startBearerProxy>>;
let catalogDir: string;

beforeAll(async () => {
  const { dir } = await genToDisk(join(ROOT, "test/conformance/catalog/tools.yaml"), tmpDir("conformance"));
  catalogDir = dir;
  served = await serveHttp(dir, { MCP_TRANSPORT: "http", PORT: "0", CONFORMANCE_MCP_KEY: KEY });
  proxy = await startBearerProxy(served.url, KEY);
});
afterAll(async () => {
  await proxy?.close();
  expect(await served?.stop()).toBe(0);
});

interface Check {
  id: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | "SKIPPED";
  errorMessage?: string;
  details?: Record<string, any>;
}

function runSuite(
  args: string[],
  url = proxy.url,
): Promise<{ code: number | null; output: string; results: Map<string, Check[]> }> {
  const home = mkdtempSync(join(tmpdir(), "tw-conformance-"));
  const out = join(home, "results");
  return new Promise((resolve, reject) => {
    const child = spawn(NODE22, [RUNNER, "server", "--url", url, "-o", out, ...args], {
      cwd: home,
      env: { ...childEnv(), HOME: home, XDG_CACHE_HOME: join(home, ".cache"), NO_COLOR: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    // 'close', not 'exit': the output is read in full. A results folder that is missing or does not parse
    // rejects (thrown in this listener, it would leave the promise pending forever), with the runner's output.
    child.on("close", (code) => {
      try {
        const results = new Map<string, Check[]>();
        for (const entry of readdirSync(out)) {
          const scenario = entry.replace(/^server-/, "").replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, "");
          results.set(scenario, JSON.parse(readFileSync(join(out, entry, "checks.json"), "utf8")) as Check[]);
        }
        resolve({ code, output, results });
      } catch (error) {
        reject(
          new Error(`the conformance runner exited (${code}) without readable results:\n${output}`, {
            cause: error,
          }),
        );
      }
    });
  });
}

it("serves the fixture tools, resources and prompts the scenarios call", async () => {
  // Some scenarios pass vacuously against a server without their tool; make sure ours exist.
  const client = new Client({ name: "fixture-check", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(proxy.url)));
  const tools = (await client.listTools()).tools.map((t) => t.name);
  expect(tools).toEqual(
    expect.arrayContaining(["test_simple_text", "test_error_handling", "test_tool_with_progress"]),
  );
  const resources = (await client.listResources()).resources.map((r) => r.uri);
  expect(resources).toEqual(["test://static-text", "test://static-binary"]);
  const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
  expect(prompts).toEqual(["test_simple_prompt", "test_prompt_with_arguments"]);
  await client.close();
});

it("completes a template variable from the values its assets define, and prompt arguments with nothing", async () => {
  const client = new Client({ name: "completion-check", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(proxy.url)));
  const guide = { type: "ref/resource" as const, uri: "test://guides/{name}" };
  expect((await client.complete({ ref: guide, argument: { name: "name", value: "" } })).completion).toEqual({
    values: ["alpha", "beta"],
    total: 2,
    hasMore: false,
  });
  expect(
    (await client.complete({ ref: guide, argument: { name: "name", value: "B" } })).completion.values,
  ).toEqual(["beta"]);
  const prompt = { type: "ref/prompt" as const, name: "test_prompt_with_arguments" };
  expect(
    (await client.complete({ ref: prompt, argument: { name: "arg1", value: "x" } })).completion.values,
  ).toEqual([]);
  await expect(
    client.complete({ ref: { type: "ref/prompt", name: "nope" }, argument: { name: "a", value: "" } }),
  ).rejects.toThrow(/unknown prompt/);
  expect((await client.readResource({ uri: "test://guides/alpha" })).contents[0]).toMatchObject({
    text: "# Alpha\n\nThe first guide.\n",
  });
  await client.close();
});

it("passes every active scenario but the listed expected failures", async () => {
  const expected = (parse(readFileSync(BASELINE, "utf8")) as { server: string[] }).server;
  const { code, output, results } = await runSuite(["--expected-failures", BASELINE]);
  expect(code, output).toBe(0);

  // As the runner counts them: a warning fails a scenario too.
  const failed = [...results]
    .filter(([, checks]) => checks.some((c) => c.status === "FAILURE" || c.status === "WARNING"))
    .map(([id]) => id);
  expect(failed.sort()).toEqual([...expected].sort());
  expect(results.size).toBeGreaterThanOrEqual(30);

  // The passes are real: the scenario saw our handlers' results, not an unknown-tool error.
  const detail = (scenario: string) => results.get(scenario)?.[0]?.details?.result;
  expect(detail("tools-call-simple-text")).toEqual({
    content: [{ type: "text", text: "This is a simple text response for testing." }],
  });
  expect(detail("tools-call-error").isError).toBe(true);
  expect(detail("tools-call-error").content[0].text).toMatch(
    /^This tool intentionally returns an error for testing \(correlation id [0-9a-f]+\)$/,
  );
  expect(results.get("tools-call-with-progress")?.[0]?.details?.progressCount).toBe(3);
  expect(results.get("resources-templates-read")?.[0]?.details?.content).toBe(
    '{"id":"123","templateTest":true,"data":"Data for ID: 123"}',
  );
  expect(results.get("dns-rebinding-protection")?.map((c) => c.status)).toEqual(["SUCCESS", "SUCCESS"]);
  expect(results.get("tools-call-mixed-content")?.[0]?.details?.contentTypes).toEqual([
    "text",
    "image",
    "resource",
  ]);
  expect(results.get("tools-call-audio")?.[0]?.details?.hasAudioContent).toBe(true);
});

it("passes the pending json-schema-2020-12 scenario with the refs profile: $schema, $defs names and additionalProperties preserved", async () => {
  // SEP-1613's check asks for the input schema as written, `$defs` and all: the refs profile. The default
  // (inline) publishes it without `$defs`, `address` written where it is used, for the hosts that drop `$defs`
  // (docs/clients.md); so the default server's listing fails the scenario's $schema and $defs checks.
  const client = new Client({ name: "inline-check", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(proxy.url)));
  const inline = (await client.listTools()).tools.find((t) => t.name === "json_schema_2020_12_tool");
  await client.close();
  expect(inline?.inputSchema).toEqual({
    type: "object",
    properties: {
      name: { type: "string" },
      address: { type: "object", properties: { street: { type: "string" }, city: { type: "string" } } },
    },
    additionalProperties: false,
  });
  const refs = await serveHttp(catalogDir, {
    MCP_TRANSPORT: "http",
    PORT: "0",
    CONFORMANCE_MCP_KEY: KEY,
    TOOLWRIGHT_SCHEMA_PROFILE: "refs",
  });
  const refsProxy = await startBearerProxy(refs.url, KEY);
  try {
    const { code, output, results } = await runSuite(["--scenario", "json-schema-2020-12"], refsProxy.url);
    expect(code, output).toBe(0);
    const checks = results.get("json-schema-2020-12") ?? [];
    expect(checks.map((c) => c.status)).toEqual(["SUCCESS", "SUCCESS", "SUCCESS", "SUCCESS"]);
  } finally {
    await refsProxy.close();
    expect(await refs.stop()).toBe(0);
  }
});
