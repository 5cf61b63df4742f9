import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { MCP_HEADERS, raw } from "../transport/raw-http.js";
import { type Served as ServedHttp, serveHttp } from "../transport/serve-http.js";
import { type ScaivaultUpstream, startScaivaultUpstream, TOKENS } from "../upstreams/scaivault/index.js";

/**
 * Doors around the policies, door by door, against the ScaiVault reference catalog served over stdio to a real
 * client, the reference upstream on 127.0.0.1 recording what reached it. A tool hidden by a deny list or by
 * read-only mode is reached by no other spelling of its name (case, full-width letters NFKC folds, a zero-width
 * character, a Cyrillic look-alike, white space, the spec's operationId, the name without the catalog's prefix),
 * neither by tools/call nor through discovery's meta tools; a resource URI reaches no denied path or other tenant,
 * however its variables are encoded; a JSON-RPC batch over Streamable HTTP is answered request by request through
 * the same policies. Each refused attempt sends nothing upstream.
 */

const DENIED = "scaivault_delete_api_key";
const WRITE = "scaivault_write_secret";

/** Spellings of a name that are not the name. */
function variants(name: string, operationId: string): string[] {
  const fullWidth = [...name].map((c) =>
    /[a-z]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41) : c,
  );
  return [
    name.toUpperCase(),
    name[0]!.toUpperCase() + name.slice(1),
    fullWidth.join(""),
    `${name.slice(0, 5)}\u200b${name.slice(5)}`,
    `${name}\u200d`,
    name.replace("a", "\u0430"),
    ` ${name}`,
    `${name} `,
    `${name}\u0000`,
    operationId,
    name.replace(/^scaivault_/, ""),
  ];
}

let upstream: ScaivaultUpstream;
let plain: Served;
let discovery: Served;
let locked: Served;
let http: ServedHttp;
const KEY = "doors-test-client-key-5c2e9a";

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  const env = {
    SCAIVAULT_URL: upstream.url,
    SCAIVAULT_TOKEN: TOKENS.admin,
    SCAIVAULT_AUDIT: "false",
    SCAIVAULT_DENIED_TOOLS: DENIED,
    SCAIVAULT_READ_ONLY: "true",
  };
  plain = await serveOverStdio("scaivault", env);
  discovery = await serveOverStdio("scaivault", env, {}, ["--discovery"]);
  locked = await serveOverStdio("scaivault", {
    ...env,
    SCAIVAULT_TENANT_ID: "acme",
    SCAIVAULT_DENIED_PATHS: "infra/",
  });
  http = await serveHttp("scaivault", {
    ...env,
    SCAIVAULT_TENANT_ID: "acme",
    SCAIVAULT_DENIED_PATHS: "infra/",
    MCP_TRANSPORT: "http",
    PORT: "0",
    SCAIVAULT_MCP_TOKEN: KEY,
  });
});

afterAll(async () => {
  await plain?.close();
  await discovery?.close();
  await locked?.close();
  await http?.stop();
  await upstream?.close();
});

beforeEach(() => {
  upstream.requests.length = 0;
});

/** The call's answer: a JSON-RPC error's message, or the result's text when it is an error result. */
async function refusal(served: Served, name: string, args: Record<string, unknown>): Promise<string> {
  try {
    const result = await served.client.callTool({ name, arguments: args });
    expect(result.isError, JSON.stringify(result)).toBe(true);
    return JSON.stringify(result.content);
  } catch (error) {
    return (error as Error).message;
  }
}

describe("a hidden tool under another spelling of its name", () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ...variants(DENIED, "deleteApiKey").map((v): [string, string, Record<string, unknown>] => [
      "denied",
      v,
      { key_id: "key_report_runner_ci" },
    ]),
    ...variants(WRITE, "writeSecret").map((v): [string, string, Record<string, unknown>] => [
      "read-only",
      v,
      { path: "apps/x", value: "v" },
    ]),
  ];

  it.each(cases)("%s: tools/call %j is an unknown tool, and nothing is sent", async (_why, name, args) => {
    expect(await refusal(plain, name, args)).toMatch(/Unknown tool/);
    expect(upstream.requests).toEqual([]);
  });

  it.each(cases)("%s: call_tool %j finds no tool, and nothing is sent", async (_why, name, args) => {
    expect(await refusal(discovery, "call_tool", { name, arguments: args })).toMatch(/no tool named/);
    expect(await refusal(discovery, "describe_tool", { name })).toMatch(/no tool named/);
    expect(upstream.requests).toEqual([]);
  });

  it("neither is listed, found or described; the exact names are refused as before", async () => {
    const listed = (await plain.client.listTools()).tools.map((t) => t.name);
    expect(listed).not.toContain(DENIED);
    expect(listed).not.toContain(WRITE);
    for (const query of [DENIED, WRITE, "delete api key", "write secret"]) {
      const found = await discovery.client.callTool({ name: "find_tools", arguments: { query, limit: 50 } });
      const names = (found.structuredContent as { matches: { name: string }[] }).matches.map((m) => m.name);
      expect(names).not.toContain(DENIED);
      expect(names).not.toContain(WRITE);
    }
    expect(await refusal(plain, DENIED, { key_id: "k" })).toMatch(/Unknown tool/);
    expect(await refusal(plain, WRITE, { path: "apps/x", value: "v" })).toMatch(/SCAIVAULT_READ_ONLY/);
    expect(await refusal(discovery, "call_tool", { name: WRITE, arguments: {} })).toMatch(
      /SCAIVAULT_READ_ONLY/,
    );
    expect(upstream.requests).toEqual([]);
  });
});

describe("resources/read of a URI that names a denied path or another tenant", () => {
  const uris = [
    "scaivault://secrets/acme/infra/db/primary/credentials",
    "scaivault://secrets/acme/INFRA/db/primary/credentials",
    "scaivault://secrets/acme/infra%2Fdb%2Fprimary%2Fcredentials",
    "scaivault://secrets/acme/infra%252Fdb/primary/credentials",
    "scaivault://secrets/acme/%69nfra/db/primary/credentials",
    "scaivault://secrets/acme/in%E2%80%8Bfra/db/primary/credentials",
    "scaivault://secrets/acme/%EF%BD%89nfra/db/primary/credentials",
    "scaivault://secrets/acme/infra./db/primary/credentials",
    "scaivault://secrets/acme/apps/..%2F..%2Finfra/db",
    "scaivault://secrets/acme/apps%2F..%2Finfra/db",
    "scaivault://secrets/globex/integrations/stripe/api-key",
    "scaivault://secrets/%67lobex/integrations/stripe/api-key",
    "scaivault://secrets/Acme/integrations/stripe/api-key",
    "scaivault://secrets/acme%2F..%2Fglobex/integrations/stripe/api-key",
  ];

  it.each(uris)("%s is refused, and nothing is sent", async (uri) => {
    await expect(locked.client.readResource({ uri })).rejects.toThrow();
    expect(upstream.requests).toEqual([]);
  });

  it("a secret inside the scope and the tenant reads", async () => {
    const read = await locked.client.readResource({
      uri: "scaivault://secrets/acme/integrations/stripe/api-key",
    });
    expect(read.contents).toHaveLength(1);
    expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/secrets/integrations/stripe/api-key",
    ]);
  });
});

describe("a JSON-RPC batch over Streamable HTTP", () => {
  const request = (id: number, method: string, params: Record<string, unknown>) => ({
    jsonrpc: "2.0",
    id,
    method,
    params,
  });
  const tool = (id: number, name: string, args: Record<string, unknown>) =>
    request(id, "tools/call", { name, arguments: args });

  it("answers each request as alone: the hidden, the denied and the foreign refused, one read sent", async () => {
    const batch = [
      tool(1, DENIED, { key_id: "key_report_runner_ci" }),
      tool(2, WRITE, { path: "apps/x", value: "v" }),
      tool(3, "scaivault_read_secret", { path: "infra/db/primary/credentials" }),
      tool(4, "scaivault_read_secret", { path: "integrations/stripe/api-key", tenant: "globex" }),
      request(5, "resources/read", { uri: "scaivault://secrets/acme/infra/ssh/deploy-key" }),
      request(6, "completion/complete", {
        ref: { type: "ref/resource", uri: "scaivault://secrets/{tenant}/{path}" },
        argument: { name: "path", value: "infra/" },
      }),
      tool(7, "scaivault_read_secret", { path: "integrations/stripe/api-key" }),
    ];
    const answer = await raw(http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${KEY}` },
      body: JSON.stringify(batch),
    });
    expect(answer.status).toBe(200);
    const messages = answerMessages(answer.body);
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(byId.get(1).error.message).toMatch(/Unknown tool/);
    expect(JSON.stringify(byId.get(2).result)).toMatch(/refused by SCAIVAULT_READ_ONLY/);
    expect(JSON.stringify(byId.get(3).result)).toMatch(/refused by SCAIVAULT_DENIED_PATHS/);
    expect(JSON.stringify(byId.get(4).result)).toMatch(/refused by SCAIVAULT_TENANT_ID/);
    expect(byId.get(5).error.message).toMatch(/SCAIVAULT_DENIED_PATHS/);
    expect(byId.get(6).result.completion.values).toEqual([]);
    expect(byId.get(7).result.isError).toBeFalsy();
    expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/secrets/integrations/stripe/api-key",
    ]);
  });
});

/** The JSON-RPC messages of an answer: a JSON body (one message or an array), or the data lines of an SSE stream. */
function answerMessages(body: string): any[] {
  const texts =
    body.trimStart().startsWith("[") || body.trimStart().startsWith("{")
      ? [body]
      : body
          .split("\n")
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5));
  return texts.flatMap((text) => {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  });
}
