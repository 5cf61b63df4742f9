import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type ScaivaultUpstream, startScaivaultUpstream, TOKENS } from "../upstreams/scaivault/index.js";

/**
 * Doors around the policies, door by door, against the ScaiVault reference catalog served over stdio to a real
 * client, the reference upstream on 127.0.0.1 recording what reached it. A tool hidden by a deny list or by
 * read-only mode is reached by no other spelling of its name (case, full-width letters NFKC folds, a zero-width
 * character, a Cyrillic look-alike, white space, the spec's operationId, the name without the catalog's prefix),
 * neither by tools/call nor through discovery's meta tools; a resource URI reaches no denied path or other tenant,
 * however its variables are encoded. Each refused attempt sends nothing upstream.
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
});

afterAll(async () => {
  await plain?.close();
  await discovery?.close();
  await locked?.close();
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
