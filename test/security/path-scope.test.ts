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
  ])("%j stops the server at start (exit 2) with what to write instead", async (env, message) => {
    const { code, stderr } = await startFails(env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
