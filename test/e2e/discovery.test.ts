import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Served, serveOverStdio, textJson } from "../helpers/mcp.js";
import { type ScaivaultUpstream, startScaivaultUpstream, TOKENS } from "../upstreams/scaivault/index.js";

/**
 * `serve --discovery`: three tools instead of 67, and the named tool still runs through the whole chain
 * (validation, policies, confirmation), against the ScaiVault reference upstream.
 */
let upstream: ScaivaultUpstream;
let served: Served;
let readOnly: Served;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  const env = { SCAIVAULT_URL: upstream.url, SCAIVAULT_TOKEN: TOKENS.admin, SCAIVAULT_AUDIT: "false" };
  served = await serveOverStdio(
    "scaivault",
    { ...env, SCAIVAULT_DENIED_TOOLS: "scaivault_delete_api_key" },
    {},
    ["--discovery"],
  );
  readOnly = await serveOverStdio("scaivault", { ...env, SCAIVAULT_READ_ONLY: "true" }, {}, ["--discovery"]);
});

afterAll(async () => {
  await served?.close();
  await readOnly?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.requests.length = 0;
});

const call = (s: Served, name: string, args: Record<string, unknown>) =>
  s.client.callTool({ name, arguments: args });

describe("discovery mode", () => {
  it("lists three tools whose whole listing is a few kilobytes", async () => {
    const { tools } = await served.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(["find_tools", "describe_tool", "call_tool"]);
    expect(JSON.stringify(tools).length).toBeLessThan(5000);
    expect(tools.find((t) => t.name === "call_tool")?.annotations).toEqual({
      destructiveHint: true,
      openWorldHint: true,
    });
  });

  it("finds tools by what they do, leaving out denied ones", async () => {
    const r = await call(served, "find_tools", { query: "list secrets under a prefix", limit: 3 });
    expect(r.isError).toBeFalsy();
    const found = r.structuredContent as {
      matches: { name: string; safety: string; binding: string }[];
      total: number;
    };
    expect(found.matches[0]).toMatchObject({
      name: "scaivault_list_secrets",
      safety: "read",
      binding: "GET /v1/secrets",
    });
    const keys = (await call(served, "find_tools", { query: "api key", limit: 50 }))
      .structuredContent as typeof found;
    expect(keys.matches.map((m) => m.name)).toContain("scaivault_create_api_key");
    expect(keys.matches.map((m) => m.name)).not.toContain("scaivault_delete_api_key");
    expect((await call(served, "find_tools", { query: "" })).isError).toBe(true);
    expect(upstream.requests).toHaveLength(0);
  });

  it("describes a tool with the schemas tools/list would give", async () => {
    const r = await call(served, "describe_tool", { name: "scaivault_read_secret" });
    const d = textJson(r);
    expect(d.inputSchema).toMatchObject({ type: "object", required: expect.arrayContaining(["path"]) });
    expect(d.outputSchema.type).toBe("object");
    expect((await call(served, "describe_tool", { name: "scaivault_delete_api_key" })).isError).toBe(true);
  });

  it("calls a tool through the same chain: validation, then the upstream", async () => {
    const r = await call(served, "call_tool", {
      name: "scaivault_read_secret",
      arguments: { path: "integrations/stripe/api-key" },
    });
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(JSON.stringify(r.content)).toContain("integrations/stripe/api-key");
    expect(upstream.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      "GET /v1/secrets/integrations/stripe/api-key",
    ]);
    upstream.requests.length = 0;
    const bad = await call(served, "call_tool", {
      name: "scaivault_read_secret",
      arguments: { path: "a", bogus: 1 },
    });
    expect(bad.isError).toBe(true);
    expect(upstream.requests).toHaveLength(0);
    expect(
      (await call(served, "call_tool", { name: "scaivault_delete_api_key", arguments: {} })).isError,
    ).toBe(true);
  });

  it("policies and confirmation apply to the named tool", async () => {
    const refused = await call(readOnly, "call_tool", {
      name: "scaivault_write_secret",
      arguments: { path: "apps/x", value: "v" },
    });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain("SCAIVAULT_READ_ONLY");
    const preview = await call(served, "call_tool", {
      name: "scaivault_delete_secret",
      arguments: { path: "apps/billing/smtp-password" },
    });
    expect(preview.isError).toBe(true);
    const token = textJson(preview).confirmation_token as string;
    expect(upstream.requests).toHaveLength(0);
    const done = await call(served, "call_tool", {
      name: "scaivault_delete_secret",
      arguments: { path: "apps/billing/smtp-password", confirmation_token: token },
    });
    expect(done.isError, JSON.stringify(done.content)).toBeFalsy();
    expect(upstream.requests.map((q) => q.method)).toEqual(["DELETE"]);
  });

  it("a host that knows a tool's real name can still call it directly", async () => {
    const r = await call(served, "scaivault_list_secrets", { prefix: "integrations/" });
    expect(r.isError).toBeFalsy();
  });
});
