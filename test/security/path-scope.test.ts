import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";
import { baseEnv, type Served, serve, spawnRaw, textOf } from "./harness.js";

/**
 * The path scope fails closed (issue 10, items 1-4), against the generated ScaiVault server in front of the
 * reference upstream: every refusal reaches the forbidden resource with zero requests, and no secret value of
 * the seed shows up in any result, the audit file or stderr.
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

/** Every secret value the upstream holds (the canaries): none may leave the server on a refused call. */
function canaries(): string[] {
  const values: string[] = [];
  const walk = (x: unknown): void => {
    if (typeof x === "string") {
      if (/^[a-z]+-[A-Za-z0-9_-]{12}$/.test(x)) values.push(x);
    } else if (Array.isArray(x)) x.forEach(walk);
    else if (x !== null && typeof x === "object") {
      for (const v of x instanceof Map ? x.values() : Object.values(x)) walk(v);
    }
  };
  walk(upstream.store);
  return values;
}

function expectNoCanary(server: Served): void {
  const said = [server.traffic.join("\n"), server.auditText(), server.stderr()].join("\n");
  const leaked = canaries().filter((value) => said.includes(value));
  expect(leaked).toEqual([]);
}

/** Requests the upstream received for a path (raw, as sent) under `prefix`. */
const reached = (needle: RegExp) =>
  upstream.requests.filter((r) => needle.test(decodeURIComponent(r.url))).map((r) => `${r.method} ${r.url}`);

async function startFails(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const run = spawnRaw({ ...baseEnv(upstream, upstream.tokens.admin), ...env });
  run.child.stdin!.end();
  const code = await run.exited;
  return { code, stderr: run.err.join("") };
}

describe("item 3: globs in the lists", () => {
  it("a deny entry ending in /* or /** denies everything below its prefix (and the prefix itself)", async () => {
    for (const entry of ["infra/*", "infra/**", "/infra/*"]) {
      const server = await serve({ upstream, env: { SCAIVAULT_DENIED_PATHS: `${entry},apps/billing/*` } });
      try {
        for (const path of ["infra/db/primary/credentials", "infra/ssh/deploy-key", "INFRA/ssh/deploy-key"]) {
          const result = await server.call("scaivault_read_secret", { path });
          expect(textOf(result), `${entry} ${path}`).toMatch(
            /^refused by SCAIVAULT_DENIED_PATHS: '.*' is under the denied prefix (infra|apps\/billing)\//,
          );
        }
        const billing = await server.call("scaivault_read_secret", { path: "apps/billing/smtp-password" });
        expect(textOf(billing)).toMatch(/^refused by SCAIVAULT_DENIED_PATHS/);
        const listing = await server.call("scaivault_list_secrets", { prefix: "infra/" });
        expect(textOf(listing)).toMatch(/^refused by SCAIVAULT_DENIED_PATHS/);
        expect(reached(/infra|billing/i)).toEqual([]);
        // Outside the denied prefixes, reads still work.
        const allowed = await server.call("scaivault_read_secret", { path: "integrations/salesforce/oauth" });
        expect(allowed.isError).toBeFalsy();
        expectNoCanary({ ...server, traffic: server.traffic.slice(0, -1) });
      } finally {
        await server.close();
      }
      await upstream.reset();
    }
  });

  it.each([
    [
      { SCAIVAULT_ALLOWED_PATHS: "payments/*" },
      /SCAIVAULT_ALLOWED_PATHS: item "payments\/\*" is a glob; an allow entry takes a prefix .*write payments\//,
    ],
    [
      { SCAIVAULT_DENIED_PATHS: "*/db" },
      /SCAIVAULT_DENIED_PATHS: item "\*\/db" is a glob; a deny entry takes a prefix, optionally ending in \/\* or \/\*\*/,
    ],
    [
      { SCAIVAULT_DENIED_PATHS: "infra/+/primary" },
      /SCAIVAULT_DENIED_PATHS: item "infra\/\+\/primary" is a glob;.* write infra\//,
    ],
    [{ SCAIVAULT_DENIED_PATHS: "infra/db-*" }, /SCAIVAULT_DENIED_PATHS: item "infra\/db-\*" is a glob/],
    [{ SCAIVAULT_DENIED_PATHS: "*" }, /SCAIVAULT_DENIED_PATHS: item "\*" is a glob/],
    [{ SCAIVAULT_DENIED_PATHS: "infra/[a-z]b" }, /SCAIVAULT_DENIED_PATHS: item "infra\/\[a-z\]b" is a glob/],
    [
      { SCAIVAULT_DENIED_PATHS: "in\u200bfra/" },
      /SCAIVAULT_DENIED_PATHS: item .* contains an invisible or formatting character \(U\+200B\)/,
    ],
    [
      { SCAIVAULT_DENIED_PATHS: "apps/,infra./" },
      /SCAIVAULT_DENIED_PATHS: item "infra\.\/" has a segment ending in '\.' \(servers that drop a segment's trailing dots read it as another path\)/,
    ],
    [
      { SCAIVAULT_ALLOWED_PATHS: "integrations/x.." },
      /SCAIVAULT_ALLOWED_PATHS: item "integrations\/x\.\." has a segment ending in '\.'/,
    ],
  ])("%j stops the server at start (exit 2) with what to write instead", async (env, message) => {
    const { code, stderr } = await startFails(env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe("item 1: every tool that touches vault paths is scoped", () => {
  it("proxy reads are checked at the backend's mount prefix + path (looked up), not at the path inside the store", async () => {
    const { aws } = upstream.seed.backends;
    const adyen = upstream.seed.federatedPaths.adyen;
    const denied = await serve({ upstream, env: { SCAIVAULT_DENIED_PATHS: "federated/" } });
    try {
      const result = await denied.call("scaivault_proxy_read", { backend_id: aws, path: adyen });
      expect(textOf(result)).toMatch(
        /^refused by SCAIVAULT_DENIED_PATHS: 'path' is under the denied prefix federated\//,
      );
      expect(upstream.requests.map((r) => r.operationId)).toEqual(["getFederationBackend"]);
      expectNoCanary(denied);
    } finally {
      await denied.close();
    }
    await upstream.reset();
    const allowed = await serve({ upstream, env: { SCAIVAULT_ALLOWED_PATHS: "payments/" } });
    try {
      const result = await allowed.call("scaivault_proxy_read", { backend_id: aws, path: adyen });
      expect(textOf(result)).toMatch(/^refused by SCAIVAULT_ALLOWED_PATHS=payments\/: 'path' is outside/);
      expect(upstream.requests.map((r) => r.operationId)).toEqual(["getFederationBackend"]);
      const unknown = await allowed.call("scaivault_proxy_read", { backend_id: "fed_nope", path: adyen });
      expect(textOf(unknown)).toMatch(
        /^refused by the path policy: the path this call acts on starts with scaivault_get_federation_backend's mount_prefix, which cannot be read/,
      );
      expect(upstream.requests.filter((r) => r.operationId === "proxyRead")).toEqual([]);
      expectNoCanary(allowed);
    } finally {
      await allowed.close();
    }
    await upstream.reset();
    const mount = await serve({ upstream, env: { SCAIVAULT_ALLOWED_PATHS: "federated/aws-prod/payments/" } });
    try {
      const result = await mount.call("scaivault_proxy_read", { backend_id: aws, path: adyen });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(upstream.requests.map((r) => r.operationId)).toEqual(["getFederationBackend", "proxyRead"]);
    } finally {
      await mount.close();
    }
  });

  it("syncs, patterns and prefixes that would reach outside the scope are refused before the write", async () => {
    const server = await serve({
      upstream,
      env: {
        SCAIVAULT_ALLOWED_PATHS: "integrations/,federated/aws-prod/payments/",
        SCAIVAULT_DENIED_PATHS: "integrations/stripe",
      },
    });
    try {
      const refused: Array<[string, Record<string, unknown>]> = [
        ["scaivault_sync_federation_backend", { backend_id: upstream.seed.backends.legacyVault }],
        ["scaivault_sync_federation_backend", { backend_id: upstream.seed.backends.aws, prefix: "" }],
        [
          "scaivault_create_policy",
          {
            name: "p",
            subjects: ["sa:report-runner"],
            rules: [{ paths: ["integrations/*"], actions: ["read"], effect: "allow" }],
          },
        ],
        [
          "scaivault_create_policy",
          {
            name: "p",
            subjects: ["sa:report-runner"],
            rules: [
              { paths: ["integrations/salesforce/oauth"], actions: ["read"], effect: "allow" },
              { paths: ["+/db/primary"], actions: ["read"], effect: "allow" },
            ],
          },
        ],
        [
          "scaivault_create_policy",
          {
            name: "p",
            subjects: ["sa:report-runner"],
            rules: [{ paths: ["*"], actions: ["read"], effect: "allow" }],
          },
        ],
        ["scaivault_create_rotation_policy", { name: "r", paths: ["infra/db/*"], interval: "30d" }],
        [
          "scaivault_create_rotation_policy",
          { name: "r", paths: ["integrations/+/api-key"], interval: "30d" },
        ],
        [
          "scaivault_create_subscription",
          {
            name: "s",
            event_types: ["secret.rotated"],
            destination: { type: "email", address: "a@acme.example" },
          },
        ],
        [
          "scaivault_create_subscription",
          {
            name: "s",
            event_types: ["secret.rotated"],
            path_prefix: "integrations/",
            destination: { type: "email", address: "a@acme.example" },
          },
        ],
        [
          "scaivault_create_federation_backend",
          {
            name: "b",
            type: "aws-secrets-manager",
            config: { region: "eu-west-1" },
            credentials: { token: "t" },
          },
        ],
        [
          "scaivault_create_federation_backend",
          {
            name: "b",
            type: "aws-secrets-manager",
            mount_prefix: "infra/",
            config: { region: "eu-west-1" },
            credentials: { token: "t" },
          },
        ],
      ];
      for (const [tool, args] of refused) {
        const result = await server.call(tool, args);
        expect(textOf(result), `${tool} ${JSON.stringify(args)}`).toMatch(
          /^refused by SCAIVAULT_(ALLOWED|DENIED)_PATHS/,
        );
      }
      const writes = upstream.requests.filter((r) => r.method !== "GET");
      expect(writes).toEqual([]);
      const inside: Array<[string, Record<string, unknown>]> = [
        [
          "scaivault_sync_federation_backend",
          { backend_id: upstream.seed.backends.aws, prefix: "payments/", dry_run: true },
        ],
        [
          "scaivault_create_rotation_policy",
          { name: "r", paths: ["integrations/salesforce/*"], interval: "30d", strategy: "notify" },
        ],
        [
          "scaivault_create_subscription",
          {
            name: "s",
            event_types: ["secret.rotated"],
            path_prefix: "integrations/salesforce/",
            destination: { type: "email", address: "a@acme.example" },
          },
        ],
      ];
      for (const [tool, args] of inside) {
        const result = await server.call(tool, args);
        expect(result.isError, `${tool} ${textOf(result)}`).toBeFalsy();
      }
      expectNoCanary(server);
    } finally {
      await server.close();
    }
  });

  it("while a list is set, every listed tool with path-like arguments has them all scoped", async () => {
    const { unscopedPathArgs, pathLikeArgs } = await import("../../src/policy/path-args.js");
    const { SCAIVAULT } = await import("./catalog.js");
    const server = await serve({ upstream, env: { SCAIVAULT_DENIED_PATHS: "infra/" } });
    try {
      const listed = new Set((await server.listTools()).map((t) => t.name));
      const touching = SCAIVAULT.tools.filter((t) => pathLikeArgs(t, SCAIVAULT.schemas).length > 0);
      expect(touching.length).toBeGreaterThanOrEqual(18);
      for (const tool of touching) {
        expect(unscopedPathArgs(tool, SCAIVAULT.schemas), tool.name).toEqual([]);
        expect(listed.has(tool.name), tool.name).toBe(true);
      }
    } finally {
      await server.close();
    }
  });
});
