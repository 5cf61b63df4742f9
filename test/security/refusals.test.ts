import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { tools, validArgs } from "./catalog.js";
import { baseEnv, serve, spawnRaw, textOf } from "./harness.js";

/**
 * Every policy refusal, against the generated ScaiVault server in front of the reference upstream: each one is
 * an `isError` result (or -32602 for a denied tool) naming the policy and how to change it, and each one
 * reaches the upstream with exactly zero requests.
 */

let upstream: ScaivaultUpstream;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
});
afterAll(async () => {
  await upstream.close();
});
beforeEach(async () => {
  await upstream.reset();
});

describe("read-only", () => {
  it("every write and destructive tool refuses with zero upstream requests; reads still work", async () => {
    const server = await serve({ upstream, env: { SCAIVAULT_READ_ONLY: "true" } });
    try {
      const writes = tools((t) => t.safety !== "read");
      expect(writes).toHaveLength(27);
      for (const tool of writes) {
        const result = await server.call(tool.name, validArgs(tool));
        expect(result.isError, tool.name).toBe(true);
        expect(textOf(result)).toMatch(
          new RegExp(
            `^refused by SCAIVAULT_READ_ONLY=true: ${tool.name} (writes|deletes or destroys|revokes or disables access); unset SCAIVAULT_READ_ONLY`,
          ),
        );
      }
      expect(upstream.requests).toEqual([]);
      const read = await server.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
      expect(read.isError).toBeFalsy();
      expect(upstream.requests.map((r) => r.operationId)).toEqual(["readSecret"]);
      const audit = server.audit();
      expect(audit.filter((a) => a.policy === "read-only")).toHaveLength(27);
      expect(audit.at(-1)).toMatchObject({ tool: "scaivault_read_secret", decision: "allowed" });
    } finally {
      await server.close();
    }
  });
});

describe("denied tools", () => {
  it("are absent from tools/list, refused by name exactly like an unknown tool, and audited", async () => {
    const server = await serve({
      upstream,
      env: { SCAIVAULT_DENIED_TOOLS: "scaivault_delete_secret, scaivault_proxy_read" },
    });
    try {
      const names = (await server.listTools()).map((t) => t.name);
      expect(names).toHaveLength(65);
      expect(names).not.toContain("scaivault_delete_secret");
      expect(names).not.toContain("scaivault_proxy_read");
      const denied = await server.call("scaivault_delete_secret", { path: "integrations/x" }).catch((e) => e);
      const unknown = await server
        .call("scaivault_delete_everything", { path: "integrations/x" })
        .catch((e) => e);
      expect(denied).toMatchObject({ code: -32602 });
      expect(unknown).toMatchObject({ code: -32602 });
      // Same wording, name aside: nothing tells a denied tool from one that does not exist.
      expect(String(denied.message).replace("scaivault_delete_secret", "X")).toBe(
        String(unknown.message).replace("scaivault_delete_everything", "X"),
      );
      expect(upstream.requests).toEqual([]);
      expect(server.audit()).toEqual([
        expect.objectContaining({
          tool: "scaivault_delete_secret",
          decision: "refused",
          policy: "denied-tools",
          rule: "SCAIVAULT_DENIED_TOOLS",
        }),
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("tenant and partner lock", () => {
  it("a call naming another tenant is refused; a call naming none acts in the locked tenant", async () => {
    const server = await serve({ upstream, env: { SCAIVAULT_TENANT_ID: "acme" } });
    try {
      const tenanted = tools((t) => t.policy.tenantArg !== undefined);
      expect(tenanted).toHaveLength(67);
      let locked = 0;
      for (const tool of tenanted) {
        const result = await server.call(tool.name, validArgs(tool, { tenant: "globex" }));
        expect(result.isError, tool.name).toBe(true);
        // A few tools need arguments the schema-driven sample cannot make up; those stop at validation.
        if (/^refused by SCAIVAULT_TENANT_ID: this server is locked to tenant acme/.test(textOf(result)))
          locked++;
        else expect(textOf(result), tool.name).toMatch(/^invalid arguments/);
      }
      expect(locked).toBeGreaterThanOrEqual(60);
      expect(upstream.requests).toEqual([]);
      const read = await server.call("scaivault_list_secrets", { prefix: "integrations/" });
      expect(read.isError).toBeFalsy();
      expect(upstream.requests[0]?.headers["x-scaivault-tenant"]).toBe("acme");
      await expect(
        server.readResource("scaivault://secrets/globex/integrations/netsuite/token"),
      ).rejects.toMatchObject({
        code: -32602,
      });
      expect(upstream.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("a partner token locked to its partner cannot name another partner", async () => {
    const server = await serve({
      upstream,
      token: upstream.tokens.partner,
      env: { SCAIVAULT_PARTNER_ID: "p-scailabs", SCAIVAULT_TENANT_ID: "globex" },
    });
    try {
      const other = await server.call("scaivault_list_secrets", { partner: "p-other" });
      expect(textOf(other)).toMatch(
        /^refused by SCAIVAULT_PARTNER_ID: this server is locked to partner p-scailabs/,
      );
      expect(upstream.requests).toEqual([]);
      const ok = await server.call("scaivault_list_secrets", {});
      expect(ok.isError, textOf(ok)).toBeFalsy();
      expect(upstream.requests[0]?.headers).toMatchObject({
        "x-scaivault-partner": "p-scailabs",
        "x-scaivault-tenant": "globex",
      });
      expect(ok.structuredContent?.items.map((i: { path: string }) => i.path)).toEqual([
        upstream.seed.secrets.globexNetsuite,
      ]);
    } finally {
      await server.close();
    }
  });
});

describe("path scopes", () => {
  it("every scoped-path tool refuses paths outside the allow list or inside the deny list, before any request", async () => {
    const server = await serve({
      upstream,
      env: { SCAIVAULT_ALLOWED_PATHS: "integrations/", SCAIVAULT_DENIED_PATHS: "integrations/stripe" },
    });
    try {
      const scoped = tools((t) => t.policy.scopedPath !== undefined);
      // scaivault_proxy_read scopes its path below the backend's mount (scoped_values; test/security/path-scope.test.ts).
      expect(scoped).toHaveLength(7);
      for (const tool of scoped) {
        for (const path of [
          "infra/db/primary/credentials",
          "integrations/stripe/api-key",
          "integrationsx/a",
        ]) {
          const args = validArgs(tool, { [tool.policy.scopedPath!]: path });
          const result = await server.call(tool.name, args);
          expect(textOf(result), `${tool.name} ${path}`).toMatch(
            /^refused by SCAIVAULT_(ALLOWED|DENIED)_PATHS[=:]/,
          );
        }
      }
      for (const tool of tools((t) => t.policy.scopedList !== undefined)) {
        const arg = tool.policy.scopedList!.prefixArg;
        const result = await server.call(tool.name, { [arg]: "infra/" });
        expect(textOf(result), tool.name).toMatch(
          new RegExp(`^refused by SCAIVAULT_ALLOWED_PATHS=integrations/: '${arg}' is outside`),
        );
      }
      expect(upstream.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("confirmation", () => {
  it("a preview, a made-up token and a model-set `confirm: true` all change nothing", async () => {
    const server = await serve({ upstream });
    try {
      for (const tool of tools((t) => t.policy.confirm === "required")) {
        const args = validArgs(tool);
        const preview = await server.call(tool.name, args);
        expect(JSON.parse(textOf(preview)), tool.name).toMatchObject({ confirmation_required: true });
        const confirm = await server.call(tool.name, { ...args, confirm: true });
        expect(textOf(confirm)).toMatch(/^invalid arguments: .*unknown property "confirm"/);
        const made = await server.call(tool.name, { ...args, confirmation_token: "confirmed" });
        expect(textOf(made)).toMatch(
          /^refused by confirmation: the confirmation_token is not a confirmation token/,
        );
      }
      expect(upstream.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("the token's own scopes", () => {
  it("an upstream 403 comes back naming the scope the token lacks", async () => {
    const server = await serve({ upstream, token: upstream.tokens.reportRunner });
    try {
      const result = await server.call("scaivault_write_secret", { path: "integrations/new", value: "v" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(
        /^refused by the upstream: the token lacks scope secrets:write \(upstream 403\); toolwright's settings can only narrow what the token allows/,
      );
      expect(upstream.requests.map((r) => r.status)).toEqual([403]);
    } finally {
      await server.close();
    }
  });
});

describe("configuration fails closed", () => {
  it.each([
    [
      { SCAIVAULT_READ_ONLY: "maybe" },
      /SCAIVAULT_READ_ONLY: expected true\/false, 1\/0 or yes\/no, got "maybe"/,
    ],
    [{ SCAIVAULT_MASK_VALUES: "ture" }, /SCAIVAULT_MASK_VALUES: expected true\/false/],
    [
      { SCAIVAULT_ALLOWED_PATHS: "integrations/,,apps/" },
      /SCAIVAULT_ALLOWED_PATHS: expected a comma-separated list without empty items/,
    ],
    [
      { SCAIVAULT_ALLOWED_PATHS: "integrations/../infra" },
      /SCAIVAULT_ALLOWED_PATHS: item "integrations\/..\/infra" has a '.' or '..' segment/,
    ],
    [
      { SCAIVAULT_DENIED_PATHS: "infra/%2e%2e" },
      /SCAIVAULT_DENIED_PATHS: item "infra\/%2e%2e" contains a percent escape/,
    ],
    [
      { SCAIVAULT_DENIED_TOOLS: "scaivault_delete_secrets" },
      /SCAIVAULT_DENIED_TOOLS: "scaivault_delete_secrets" is not a tool/,
    ],
    [
      { SCAIVAULT_CONFIRM_SECRET: "short-canary" },
      /SCAIVAULT_CONFIRM_SECRET: must be at least 16 characters/,
    ],
    [
      // A malformed URL (bad port) with a password in it: refused without echoing the user or password.
      { SCAIVAULT_URL: "https://ops:short-canary-pw@vault.example.com:99999/" },
      /SCAIVAULT_URL: expected an http\(s\) URL, got "https:\/\/\[redacted\]@vault\.example\.com:99999\/"/,
    ],
    [{ SCAIVAULT_URL: "ops:short-canary-pw@vault.example.com" }, /SCAIVAULT_URL: expected an http\(s\) URL/],
    [
      { SCAIVAULT_AUDIT_FILE: "/nonexistent-dir/audit.jsonl" },
      /SCAIVAULT_AUDIT_FILE: cannot open it for appending/,
    ],
  ])("%j stops the server at start (exit 2), naming the variable, no secret value", async (bad, message) => {
    const env = { ...baseEnv(upstream, upstream.tokens.admin), ...bad };
    const run = spawnRaw(env);
    run.child.stdin!.end();
    expect(await run.exited).toBe(2);
    const err = run.err.join("");
    expect(err).toMatch(message);
    expect(err).not.toContain(upstream.tokens.admin);
    expect(err).not.toContain("short-canary");
    expect(run.out.join("")).toBe("");
  });
});
