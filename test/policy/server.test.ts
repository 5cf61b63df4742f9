import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { MASK, type RuntimeSwitches } from "../../src/policy/index.js";
import { genToDisk } from "../helpers/generate.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

/**
 * The policy layer in-process, through the MCP surface: a catalog generated from test/policy/fixture (every
 * policy fact), a recording fetch as the upstream, the v2 client. The ScaiVault suites in test/security and
 * test/e2e cover the same over stdio against the reference upstream.
 */

interface Seen {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

const TOKEN = "upstream-token-canary-51f0";
const VALUE = (path: string) => `value-canary-${path.replaceAll("/", "-")}`;
const seen: Seen[] = [];
let catalog: LoadedCatalog;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const fakeFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const url = new URL(String(input));
  const entry: Seen = {
    method: init?.method ?? "GET",
    url,
    headers: new Headers(init?.headers as ConstructorParameters<typeof Headers>[0]),
  };
  if (typeof init?.body === "string") entry.body = init.body;
  seen.push(entry);
  const secret = /^\/v1\/secrets\/(.+)$/.exec(url.pathname);
  if (secret) {
    const path = secret[1]!.split("/").map(decodeURIComponent).join("/");
    if (path.startsWith("forbidden/")) {
      return json(
        {
          error: {
            code: "insufficient_scope",
            message: "This operation requires a scope.",
            required_scope: "secrets:write",
          },
        },
        403,
        { "www-authenticate": 'Bearer error="insufficient_scope", scope="secrets:write"' },
      );
    }
    if (entry.method === "GET") {
      return json({
        path,
        version: 3,
        value: VALUE(path),
        data: { client_secret: `data-${VALUE(path)}` },
        private_key: `-----BEGIN PRIVATE KEY-----${VALUE(path)}`,
      });
    }
    if (entry.method === "PUT") return json({ path, version: 4 });
    if (entry.method === "DELETE") return json({ path, deleted: true });
  }
  if (url.pathname === "/v1/secrets") {
    return json({
      items: [
        { path: "integrations/salesforce/oauth", version: 3 },
        { path: "integrations/stripe/api-key", version: 1 },
        { path: "infra/db/primary/credentials", version: 2 },
      ],
      next_cursor: "page-2",
    });
  }
  const env = /^\/v1\/apps\/([a-z-]+)\/env$/.exec(url.pathname);
  if (env && entry.method === "GET") {
    return json({ vars: { DATABASE_URL: "postgres://u:pw-canary-77@db/app", PORT: "port-value-8080" } });
  }
  if (env && entry.method === "PUT") {
    const vars = JSON.parse(entry.body ?? "{}").vars as Record<string, string>;
    // A careless upstream that echoes what it was sent.
    return json({ names: Object.keys(vars), echo: vars });
  }
  if (url.pathname === "/v1/wipe") return json({ wiped: true });
  return json({ message: "no route" }, 404);
}) as typeof fetch;

interface Connected {
  client: Client;
  audit: Array<Record<string, any>>;
}

async function connect(
  env: Record<string, string> = {},
  options: { elicit?: (params: any) => Record<string, unknown>; switches?: RuntimeSwitches } = {},
): Promise<Connected> {
  const audit: Array<Record<string, any>> = [];
  const config = resolveConfig(catalog.doc.env, { APP_TOKEN: TOKEN, ...env });
  const factory = createServer(catalog, config, {
    fetch: fakeFetch,
    policy: {
      audit: (line) => audit.push(JSON.parse(line)),
      ...(options.switches ? { switches: options.switches } : {}),
    },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const capabilities = options.elicit ? { elicitation: { form: {} } } : {};
  const client = new Client({ name: "policy-test", version: "1.0.0" }, { capabilities });
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler("elicitation/create", async (request) => answer(request.params) as any);
  }
  await client.connect(clientSide);
  return { client, audit };
}

const text = (result: { content?: unknown }) =>
  (result.content as Array<{ type: string; text: string }>).map((c) => c.text).join("\n");

beforeAll(async () => {
  const { dir } = await genToDisk(join(ROOT, "test/policy/fixture/tools.yaml"), tmpDir("policy-app"));
  catalog = await loadCatalog(dir);
});
afterEach(() => {
  seen.length = 0;
});

describe("denied tools", () => {
  it("the manifest's denied tool is absent from tools/list and unknown by name; the audit log records it", async () => {
    const { client, audit } = await connect();
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain("app_read_secret");
    expect(names).not.toContain("app_wipe_everything");
    await expect(client.callTool({ name: "app_wipe_everything", arguments: {} })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("Unknown tool: app_wipe_everything"),
    });
    await expect(client.callTool({ name: "app_no_such_tool", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
    expect(seen).toHaveLength(0);
    expect(audit).toEqual([
      expect.objectContaining({
        tool: "app_wipe_everything",
        decision: "refused",
        policy: "denied-tools",
        rule: "manifest policy.denied_tools",
        upstream: { requests: 0 },
      }),
    ]);
  });

  it("an env-denied alias removes the tool, every name of it, and the resource template reading through it", async () => {
    const { client } = await connect({ APP_DENIED_TOOLS: "app_get_secret" });
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("app_read_secret");
    expect(names).not.toContain("app_get_secret");
    for (const name of ["app_read_secret", "app_get_secret"]) {
      await expect(client.callTool({ name, arguments: { path: "a" } })).rejects.toMatchObject({
        code: -32602,
      });
    }
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    await expect(client.readResource({ uri: "app://secrets/acme/integrations/x" })).rejects.toMatchObject({
      code: -32602,
    });
    // A handler's nested call to it is refused like an unknown tool too.
    const copied = await client.callTool({ name: "app_copy_secret", arguments: { from: "a/b", to: "a/c" } });
    expect(copied.structuredContent).toMatchObject({ copied: false, read: { code: "unknown_tool" } });
    expect(seen).toHaveLength(0);
  });
});

describe("read-only", () => {
  it("leaves write and destructive tools out of tools/list (the model never sees them)", async () => {
    const { client } = await connect({ APP_READ_ONLY: "true" });
    const listed = (await client.listTools()).tools;
    expect(listed.map((t) => t.name).sort()).toEqual([
      "app_get_env",
      "app_get_secret",
      "app_list_secrets",
      "app_read_secret",
    ]);
    expect(listed.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
  });

  it("refuses writes (direct and nested) with a message naming the switch; reads work", async () => {
    const { client, audit } = await connect({ APP_READ_ONLY: "true" });
    const write = await client.callTool({ name: "app_write_secret", arguments: { path: "a/b", value: "v" } });
    expect(write.isError).toBe(true);
    expect(text(write)).toMatch(
      /^refused by APP_READ_ONLY=true: app_write_secret writes; unset APP_READ_ONLY \(or set it to false\) to allow writes \(correlation id [0-9a-f]{12}\)$/,
    );
    expect(seen).toHaveLength(0);
    const read = await client.callTool({ name: "app_read_secret", arguments: { path: "a/b" } });
    expect(read.isError).toBeFalsy();
    expect(seen.map((s) => s.method)).toEqual(["GET"]);
    expect(audit.map((a) => [a.tool, a.decision, a.policy])).toEqual([
      ["app_write_secret", "refused", "read-only"],
      ["app_read_secret", "allowed", undefined],
    ]);
  });
});

describe("run-time switches (serve --read-only, --allow, --deny, --mask)", () => {
  const names = async (client: Client) => (await client.listTools()).tools.map((t) => t.name).sort();

  it("--read-only hides and refuses writes, naming the switch, on a catalog whose own switch is off", async () => {
    const { client, audit } = await connect(
      { APP_READ_ONLY: "false" },
      { switches: { readOnly: "--read-only" } },
    );
    expect(await names(client)).toEqual([
      "app_get_env",
      "app_get_secret",
      "app_list_secrets",
      "app_read_secret",
    ]);
    const write = await client.callTool({ name: "app_delete_secret", arguments: { path: "a/b" } });
    expect(write.isError).toBe(true);
    expect(text(write)).toMatch(
      /^refused by --read-only: app_delete_secret deletes or destroys; serve without --read-only to allow writes/,
    );
    expect(seen).toHaveLength(0);
    expect(audit[0]).toMatchObject({ policy: "read-only", rule: "--read-only" });
  });

  it("--allow keeps only what its selectors match; --deny wins; both answer like unknown tools", async () => {
    const { client, audit } = await connect(
      {},
      {
        switches: {
          allow: { label: "--allow", selectors: ["tag:secrets", "app_get_env"] },
          deny: { label: "--deny", selectors: ["safety:destructive", "app_write_*"] },
        },
      },
    );
    expect(await names(client)).toEqual([
      "app_get_env",
      "app_get_secret",
      "app_list_secrets",
      "app_read_secret",
    ]);
    for (const name of ["app_delete_secret", "app_set_env", "app_copy_secret"]) {
      await expect(client.callTool({ name, arguments: {} })).rejects.toMatchObject({ code: -32602 });
    }
    expect(audit.map((a) => [a.tool, a.rule])).toEqual([
      ["app_delete_secret", "--deny safety:destructive"],
      ["app_set_env", "--allow (not allowed)"],
      ["app_copy_secret", "--allow (not allowed)"],
    ]);
    // A handler's helpers follow the handler: denying one by name reaches nested calls too.
    expect(seen).toHaveLength(0);
  });

  it("the catalog's policy is the floor: --allow cannot bring back a tool the manifest denies", async () => {
    const { client } = await connect(
      {},
      { switches: { allow: { label: "--allow", selectors: ["app_wipe_everything", "app_read_secret"] } } },
    );
    expect(await names(client)).toEqual(["app_get_secret", "app_read_secret"]);
    await expect(client.callTool({ name: "app_wipe_everything", arguments: {} })).rejects.toMatchObject({
      code: -32602,
    });
  });

  it("a selector that matches nothing, or is not one, stops the server naming the switch", async () => {
    const config = resolveConfig(catalog.doc.env, { APP_TOKEN: TOKEN });
    const start = (switches: RuntimeSwitches) => () =>
      createServer(catalog, config, { policy: { switches } });
    expect(start({ deny: { label: "TOOLWRIGHT_DENY", selectors: ["app_wipe_evrything"] } })).toThrow(
      /TOOLWRIGHT_DENY: "app_wipe_evrything" matches no tool of catalog policy-app/,
    );
    expect(start({ allow: { label: "--allow", selectors: ["tag:secret"] } })).toThrow(
      /--allow: "tag:secret" matches no tool of catalog policy-app \(its tags: env, secrets\)/,
    );
    expect(start({ deny: { label: "--deny", selectors: ["safety:risky"] } })).toThrow(
      /--deny: "safety:risky": a safety class is one of read, write, destructive/,
    );
    expect(start({ mask: { label: "--mask", fields: ["data..x"] } })).toThrow(
      /--mask: "data..x" is not a field/,
    );
  });

  it("--mask masks named fields at any depth and exact paths, publishes a schema that accepts the marker", async () => {
    const { client } = await connect(
      {},
      { switches: { mask: { label: "--mask", fields: ["Client_Secret", "private_key", "value"] } } },
    );
    const tool = (await client.listTools()).tools.find((t) => t.name === "app_read_secret")!;
    const result = await client.callTool({ name: "app_read_secret", arguments: { path: "integrations/x" } });
    expect(result.isError).toBeFalsy();
    expect(
      new AjvJsonSchemaValidator().getValidator(tool.outputSchema as never)(result.structuredContent).valid,
    ).toBe(true);
    expect(result.structuredContent).toEqual({
      path: "integrations/x",
      version: 3,
      value: MASK,
      data: { client_secret: MASK },
      private_key: MASK,
    });
    expect(text(result)).not.toContain("canary");
  });
});

describe("masking", () => {
  it("masks structuredContent, text and resource reads, and publishes a schema the masked result satisfies", async () => {
    const { client } = await connect({ APP_MASK: "true" });
    const tool = (await client.listTools()).tools.find((t) => t.name === "app_read_secret")!;
    const result = await client.callTool({ name: "app_read_secret", arguments: { path: "integrations/x" } });
    expect(result.isError).toBeFalsy();
    // The spec's PEM pattern would reject the marker; the published schema accepts it (as the v1 client checks).
    expect(
      new AjvJsonSchemaValidator().getValidator(tool.outputSchema as never)(result.structuredContent).valid,
    ).toBe(true);
    expect(result.structuredContent).toEqual({
      path: "integrations/x",
      version: 3,
      value: MASK,
      data: { client_secret: MASK },
      private_key: MASK,
    });
    expect(text(result)).not.toContain("canary");
    const read = await client.readResource({ uri: "app://secrets/acme/integrations/x" });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ value: MASK });
  });

  it("with masking off, values come through and the schema is the spec's", async () => {
    const { client } = await connect();
    const tool = (await client.listTools()).tools.find((t) => t.name === "app_read_secret")!;
    expect(JSON.stringify(tool.outputSchema)).not.toContain(MASK);
    const result = await client.callTool({ name: "app_read_secret", arguments: { path: "integrations/x" } });
    expect((result.structuredContent as { value: string }).value).toBe(VALUE("integrations/x"));
  });

  it("a handler's nested read is masked too", async () => {
    const { client } = await connect({ APP_MASK: "true" });
    await client.callTool({ name: "app_copy_secret", arguments: { from: "a/b", to: "a/c" } });
    const put = seen.find((s) => s.method === "PUT");
    expect(JSON.parse(put!.body!)).toEqual({ value: MASK });
  });
});

describe("tenant lock", () => {
  it("fills the tenant header when the call names none, refuses another", async () => {
    const { client } = await connect({ APP_TENANT: "acme" });
    await client.callTool({ name: "app_read_secret", arguments: { path: "a/b" } });
    expect(seen[0]?.headers.get("x-tenant")).toBe("acme");
    const other = await client.callTool({
      name: "app_read_secret",
      arguments: { path: "a/b", tenant: "globex" },
    });
    expect(other.isError).toBe(true);
    expect(text(other)).toMatch(/^refused by APP_TENANT: this server is locked to tenant acme/);
    expect(seen).toHaveLength(1);
    await expect(client.readResource({ uri: "app://secrets/globex/a/b" })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining("locked to tenant acme"),
    });
    expect(seen).toHaveLength(1);
  });
});

describe("path scopes", () => {
  const env = { APP_ALLOWED_PATHS: "integrations/", APP_DENIED_PATHS: "integrations/stripe" };

  it("reads and writes outside the scope are refused before any request; the listing is scoped and filtered", async () => {
    const { client } = await connect(env);
    for (const [name, path] of [
      ["app_read_secret", "infra/db/primary/credentials"],
      ["app_read_secret", "integrations/stripe/api-key"],
      ["app_write_secret", "infra/x"],
      ["app_read_secret", "integrations/../infra/db"],
    ]) {
      const result = await client.callTool({ name: name!, arguments: { path, value: "v" } });
      expect(result.isError, path).toBe(true);
    }
    expect(seen).toHaveLength(0);
    const list = await client.callTool({ name: "app_list_secrets", arguments: {} });
    expect(seen[0]?.url.searchParams.get("prefix")).toBe("integrations/");
    expect(list.structuredContent).toEqual({
      items: [{ path: "integrations/salesforce/oauth", version: 3 }],
      next_cursor: "page-2",
    });
    const refused = await client.callTool({ name: "app_list_secrets", arguments: { prefix: "infra/" } });
    expect(text(refused)).toMatch(/^refused by APP_ALLOWED_PATHS=integrations\/: 'prefix' is outside/);
    expect(seen).toHaveLength(1);
  });

  it("a handler cannot write outside the scope: its nested call is refused", async () => {
    const { client, audit } = await connect(env);
    const result = await client.callTool({
      name: "app_copy_secret",
      arguments: { from: "integrations/a", to: "infra/stolen" },
    });
    expect(result.structuredContent).toMatchObject({ copied: false, write: { code: "refused" } });
    expect(seen.map((s) => s.method)).toEqual(["GET"]);
    const [read, write, copy] = audit;
    expect([read?.tool, write?.tool, copy?.tool]).toEqual([
      "app_read_secret",
      "app_write_secret",
      "app_copy_secret",
    ]);
    expect(read?.correlation_id).toBe(copy?.correlation_id);
    expect(write).toMatchObject({
      depth: 1,
      parent: "app_copy_secret",
      decision: "refused",
      policy: "paths",
    });
    expect(copy).toMatchObject({ decision: "allowed", upstream: { requests: 1 } });
    expect(copy?.depth).toBeUndefined();
  });
});

describe("secret-like keys and names-only", () => {
  it("refuses a secret-like key without echoing any value", async () => {
    const { client, audit } = await connect();
    const result = await client.callTool({
      name: "app_set_env",
      arguments: { app: "web", vars: { PORT: "8080", STRIPE_SECRET_KEY: "sk_live_canary_1234" } },
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(
      /^refused by the secret-like key policy: STRIPE_SECRET_KEY looks like a credential/,
    );
    expect(JSON.stringify([result, audit])).not.toContain("sk_live_canary_1234");
    expect(seen).toHaveLength(0);
  });

  it("an allowed write never gets its values echoed back", async () => {
    const { client } = await connect();
    const result = await client.callTool({
      name: "app_set_env",
      arguments: { app: "web", vars: { GREETING: "hello-canary-value" } },
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ names: ["GREETING"], echo: { GREETING: MASK } });
    expect(JSON.parse(seen[0]!.body!)).toEqual({ vars: { GREETING: "hello-canary-value" } });
  });

  it("a names-only read returns names, whatever masking says, with a schema that accepts it", async () => {
    const { client } = await connect();
    const result = await client.callTool({ name: "app_get_env", arguments: { app: "web" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ vars: { DATABASE_URL: MASK, PORT: MASK } });
    expect(text(result)).not.toContain("canary");
  });
});

describe("confirmation", () => {
  it("preview, then the identical call with the token deletes once; a replay is refused", async () => {
    const { client, audit } = await connect();
    const args = { path: "integrations/old" };
    const first = await client.callTool({ name: "app_delete_secret", arguments: args });
    expect(first.isError).toBe(true);
    const preview = JSON.parse(text(first));
    expect(preview).toMatchObject({
      confirmation_required: true,
      would: "DELETE /v1/secrets/integrations/old",
    });
    expect(seen).toHaveLength(0);
    const ok = await client.callTool({
      name: "app_delete_secret",
      arguments: { ...args, confirmation_token: preview.confirmation_token },
    });
    expect(ok.structuredContent).toEqual({ path: "integrations/old", deleted: true });
    expect(seen.map((s) => `${s.method} ${s.url.pathname}`)).toEqual(["DELETE /v1/secrets/integrations/old"]);
    // The token never reaches the upstream.
    expect(seen[0]?.url.search).toBe("");
    const replay = await client.callTool({
      name: "app_delete_secret",
      arguments: { ...args, confirmation_token: preview.confirmation_token },
    });
    expect(text(replay)).toMatch(/already used/);
    expect(seen).toHaveLength(1);
    expect(audit.map((a) => [a.decision, a.reason])).toEqual([
      ["refused", "preview issued"],
      ["allowed", undefined],
      ["refused", "token reused"],
    ]);
    expect(JSON.stringify(audit)).not.toContain(preview.confirmation_token);
  });

  it("a client with elicitation is asked; accept deletes, decline does not", async () => {
    const asked: any[] = [];
    let answer: Record<string, unknown> = { action: "accept", content: { confirm: true } };
    const { client } = await connect(
      {},
      {
        elicit: (params) => {
          asked.push(params);
          return answer;
        },
      },
    );
    const accepted = await client.callTool({
      name: "app_delete_secret",
      arguments: { path: "integrations/a" },
    });
    expect(accepted.isError, text(accepted)).toBeFalsy();
    expect(asked[0]).toMatchObject({ message: expect.stringContaining("DELETE /v1/secrets/integrations/a") });
    expect(seen.map((s) => s.method)).toEqual(["DELETE"]);
    answer = { action: "decline" };
    const declined = await client.callTool({
      name: "app_delete_secret",
      arguments: { path: "integrations/b" },
    });
    expect(declined.isError).toBe(true);
    expect(text(declined)).toMatch(/not confirmed: the user declined; nothing was changed/);
    expect(seen).toHaveLength(1);
  });
});

describe("confirmation: a client whose elicitation fails", () => {
  it("an error or a malformed answer from the client's elicitation changes nothing", async () => {
    for (const elicit of [
      () => {
        throw new Error("the user closed the dialog");
      },
      () => ({ action: "accept" }),
      () => ({ action: "maybe", content: { confirm: true } }),
    ]) {
      const { client } = await connect({}, { elicit });
      const result = await client
        .callTool({ name: "app_delete_secret", arguments: { path: "integrations/a" } })
        .catch((error: Error) => ({ isError: true, content: [{ type: "text", text: error.message }] }));
      expect(result.isError).toBe(true);
    }
    expect(seen).toHaveLength(0);
  });
});

describe("audit log", () => {
  it("a call's duration_ms is counted on the process's monotonic clock: a wall-clock step during the call changes it not", async () => {
    // The wall clock set back 2 h (an NTP step, a VM resumed) while the request is out: the call took milliseconds.
    // Before, duration_ms was Date.now() - startedAt: -7,200,000 and more (and +7,200,000 for a step forward).
    const audit: Array<Record<string, any>> = [];
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    try {
      for (const step of [-7_200_000, 7_200_000]) {
        const stepping = (async (input: string | URL | Request, init?: RequestInit) => {
          vi.setSystemTime(Date.now() + step);
          return fakeFetch(input, init);
        }) as typeof fetch;
        const factory = createServer(catalog, resolveConfig(catalog.doc.env, { APP_TOKEN: TOKEN }), {
          fetch: stepping,
          policy: { audit: (line) => audit.push(JSON.parse(line)) },
        });
        const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
        await factory({ era: "legacy" }).connect(serverSide);
        const stepped = new Client({ name: "policy-test", version: "1.0.0" });
        await stepped.connect(clientSide);
        const result = await stepped.callTool({
          name: "app_read_secret",
          arguments: { path: "integrations/x" },
        });
        expect(result.isError).toBeFalsy();
        const line = audit.at(-1)!;
        expect(line.tool).toBe("app_read_secret");
        expect(line.duration_ms, `wall clock stepped ${step} ms`).toBeGreaterThanOrEqual(0);
        expect(line.duration_ms, `wall clock stepped ${step} ms`).toBeLessThan(600_000);
        await stepped.close();
      }
    } finally {
      vi.useRealTimers();
    }
  });

  it("one line per call with fingerprint and shape, never a value, token or masked field", async () => {
    const { client, audit } = await connect({ APP_MASK: "true" });
    await client.callTool({ name: "app_read_secret", arguments: { path: "integrations/x", tenant: "acme" } });
    await client.callTool({ name: "app_get_secret", arguments: { path: "integrations/x", tenant: "acme" } });
    await client.callTool({ name: "app_read_secret", arguments: { path: 5 } });
    expect(audit).toHaveLength(3);
    const [first, alias, invalid] = audit;
    expect(Object.keys(first!).sort()).toEqual(
      [
        "applied",
        "args",
        "catalog",
        "client",
        "correlation_id",
        "decision",
        "duration_ms",
        "entry",
        "event",
        "time",
        "tool",
        "upstream",
      ].sort(),
    );
    expect(first).toMatchObject({
      event: "tool_call",
      catalog: "policy-app",
      tool: "app_read_secret",
      entry: "tools/call",
      client: { name: "policy-test", era: "legacy" },
      args: { shape: { path: "string", tenant: "string" } },
      decision: "allowed",
      applied: ["mask"],
      upstream: { requests: 1, status: 200 },
    });
    expect(first?.args.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alias).toMatchObject({
      called_as: "app_get_secret",
      args: { fingerprint: first?.args.fingerprint },
    });
    expect(invalid).toMatchObject({ decision: "refused", policy: "arguments", error: "invalid_arguments" });
    const all = JSON.stringify(audit);
    for (const leak of ["canary", "integrations/x", "acme", TOKEN]) expect(all).not.toContain(leak);
  });

  it("goes to the file the env names (created 0600), and is off when the env says so", async () => {
    const dir = tmpDir("audit-file");
    const file = join(dir, "audit.jsonl");
    const config = resolveConfig(catalog.doc.env, { APP_TOKEN: TOKEN, APP_AUDIT_FILE: file });
    const factory = createServer(catalog, config, { fetch: fakeFetch });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    const client = new Client({ name: "file", version: "1" });
    await client.connect(clientSide);
    await client.callTool({ name: "app_read_secret", arguments: { path: "a/b" } });
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ tool: "app_read_secret", decision: "allowed" });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const off = resolveConfig(catalog.doc.env, {
      APP_TOKEN: TOKEN,
      APP_AUDIT: "false",
      APP_AUDIT_FILE: file,
    });
    createServer(catalog, off, { fetch: fakeFetch });
    expect(() =>
      createServer(
        catalog,
        resolveConfig(catalog.doc.env, { APP_TOKEN: TOKEN, APP_AUDIT_FILE: join(dir, "no/such/dir/a") }),
      ),
    ).toThrow(/APP_AUDIT_FILE: cannot open it for appending \(ENOENT\)/);
  });
});

describe("upstream 403", () => {
  it("names the scope the token lacks", async () => {
    const { client } = await connect();
    const result = await client.callTool({ name: "app_read_secret", arguments: { path: "forbidden/x" } });
    expect(text(result)).toMatch(
      /^refused by the upstream: the token lacks scope secrets:write \(upstream 403\); toolwright's settings can only narrow/,
    );
  });
});
