import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASK } from "../../src/policy/index.js";
import { type Served, serve, textOf } from "../security/harness.js";
import { type ScaivaultUpstream, startScaivaultUpstream } from "../upstreams/scaivault/index.js";

/**
 * The ScaiVault seed's recommended starting profile for an agent, end to end: SCAIVAULT_READ_ONLY=true,
 * SCAIVAULT_MASK_VALUES=true, SCAIVAULT_ALLOWED_PATHS=integrations/. What the agent can do (discover and read
 * metadata under the one prefix, see that values exist) and cannot (see values, read elsewhere, change
 * anything), with what the upstream received.
 */

const PROFILE = {
  SCAIVAULT_READ_ONLY: "true",
  SCAIVAULT_MASK_VALUES: "true",
  SCAIVAULT_ALLOWED_PATHS: "integrations/",
};

let upstream: ScaivaultUpstream;
let agent: Served;

beforeAll(async () => {
  upstream = await startScaivaultUpstream();
  agent = await serve({ upstream, env: PROFILE });
});
afterAll(async () => {
  await agent.close();
  await upstream.close();
});

describe("recommended profile: what the agent can do", () => {
  it("lists secrets: only paths under integrations/, metadata without values", async () => {
    const result = await agent.call("scaivault_list_secrets", {});
    expect(result.isError, textOf(result)).toBeFalsy();
    const items = result.structuredContent?.items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.path)).toEqual([
      upstream.seed.secrets.salesforce,
      upstream.seed.secrets.stripe,
    ]);
    expect(items[0]).toMatchObject({ version: 3, tenant: "acme" });
    for (const item of items) expect(item).not.toHaveProperty("value");
    // The listing was scoped at the upstream, not only filtered afterwards.
    expect(upstream.requests.at(-1)?.query.prefix).toBe("integrations/");
  });

  it("reads a secret under the prefix: it exists, its value is masked, its metadata is there", async () => {
    const result = await agent.call("scaivault_read_secret", { path: upstream.seed.secrets.salesforce });
    expect(result.isError, textOf(result)).toBeFalsy();
    const secret = result.structuredContent!;
    expect(secret).toMatchObject({ path: upstream.seed.secrets.salesforce, version: 3, value: MASK });
    expect(Object.values(secret.data)).toEqual(Object.keys(secret.data).map(() => MASK));
    expect(Object.keys(secret.data)).toContain("client_secret");
    const resource = await agent.readResource(`scaivault://secrets/acme/${upstream.seed.secrets.stripe}`);
    expect(JSON.parse(String(resource.contents[0]?.text))).toMatchObject({ value: MASK });
  });

  it("sees version history and what expires or is due for rotation, within the prefix only", async () => {
    const versions = await agent.call("scaivault_get_secret_versions", {
      path: upstream.seed.secrets.salesforce,
    });
    expect(versions.isError).toBeFalsy();
    const expiring = await agent.call("scaivault_check_expiration", { within: "30d" });
    expect(expiring.isError, textOf(expiring)).toBeFalsy();
    const expiringPaths = (expiring.structuredContent!.items as Array<{ path: string }>).map((i) => i.path);
    expect(expiringPaths).toContain(upstream.seed.secrets.stripe);
    expect(expiringPaths.every((p) => p.startsWith("integrations/"))).toBe(true);
    const due = await agent.call("scaivault_get_secrets_due_rotation", {});
    expect(due.isError, textOf(due)).toBeFalsy();
    const duePaths = (due.structuredContent!.items as Array<{ path: string }>).map((i) => i.path);
    expect(duePaths).toContain(upstream.seed.secrets.salesforce);
    // infra/db/primary/credentials is overdue upstream, but outside the profile.
    expect(duePaths).not.toContain(upstream.seed.secrets.primaryDb);
  });
});

describe("recommended profile: the audit log, within the prefix", () => {
  const outside = (value: unknown) =>
    [...JSON.stringify(value).matchAll(/"((?:infra|apps|payments|billing|prod|ops)\/[^"]*)"/g)].map(
      (m) => m[1],
    );

  it("events and denials: the upstream is asked for integrations/ only, and nothing outside comes back", async () => {
    const events = await agent.call("scaivault_query_audit", {});
    expect(events.isError, textOf(events)).toBeFalsy();
    expect(upstream.requests.at(-1)?.query.path_prefix).toBe("integrations/");
    const paths = (events.structuredContent!.items as Array<{ path?: string }>).map((e) => e.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p?.startsWith("integrations/"))).toBe(true);
    const denials = await agent.call("scaivault_find_unauthorized_access", {});
    expect(denials.isError, textOf(denials)).toBeFalsy();
    expect(upstream.requests.at(-1)?.query.path_prefix).toBe("integrations/");
    for (const result of [events, denials]) {
      expect(outside(result.structuredContent)).toEqual([]);
      expect(outside(textOf(result))).toEqual([]);
    }
    const elsewhere = await agent.call("scaivault_query_audit", { path_prefix: "infra/" });
    expect(textOf(elsewhere)).toMatch(/^refused by SCAIVAULT_ALLOWED_PATHS=integrations\/: 'path_prefix'/);
  });

  it("the summary's most accessed paths keep only those under the prefix", async () => {
    const summary = await agent.call("scaivault_audit_summary", {});
    expect(summary.isError, textOf(summary)).toBeFalsy();
    const top = summary.structuredContent!.top_paths as Array<{ key: string }>;
    expect(top.length).toBeGreaterThan(0);
    expect(top.every((t) => t.key.startsWith("integrations/"))).toBe(true);
    expect(outside(summary.structuredContent)).toEqual([]);
    // The upstream did see activity elsewhere: the filter, not an empty log, is why none shows.
    const unscoped = await fetch(`${upstream.url}/v1/audit/summary`, {
      headers: { authorization: `Bearer ${upstream.tokens.admin}` },
    });
    expect(outside(await unscoped.json()).length).toBeGreaterThan(0);
  });
});

describe("recommended profile: what the agent cannot do", () => {
  it("read a secret outside the prefix", async () => {
    const before = upstream.requests.length;
    const result = await agent.call("scaivault_read_secret", { path: upstream.seed.secrets.primaryDb });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^refused by SCAIVAULT_ALLOWED_PATHS=integrations\/: 'path' is outside the allowed prefixes; add its prefix to SCAIVAULT_ALLOWED_PATHS to allow it/,
    );
    await expect(
      agent.readResource(`scaivault://secrets/acme/${upstream.seed.secrets.deployKey}`),
    ).rejects.toMatchObject({
      code: -32602,
    });
    const listing = await agent.call("scaivault_list_secrets", { prefix: "infra/" });
    expect(textOf(listing)).toMatch(/^refused by SCAIVAULT_ALLOWED_PATHS/);
    expect(upstream.requests.length).toBe(before);
  });

  it("write, rotate or delete anything, even under the prefix", async () => {
    const before = upstream.requests.length;
    for (const [name, args] of [
      ["scaivault_write_secret", { path: "integrations/new/key", value: "v" }],
      ["scaivault_rotate_secret", { path: upstream.seed.secrets.salesforce }],
      ["scaivault_delete_secret", { path: upstream.seed.secrets.stripe }],
    ] as const) {
      const result = await agent.call(name, args);
      expect(textOf(result)).toMatch(new RegExp(`^refused by SCAIVAULT_READ_ONLY=true: ${name}`));
    }
    expect(upstream.requests.length).toBe(before);
  });

  it("the upstream only ever saw reads of integrations/ (and no value reached the agent)", async () => {
    expect(new Set(upstream.requests.map((r) => r.method))).toEqual(new Set(["GET"]));
    const secretPaths = upstream.requests
      .filter((r) => r.path.startsWith("/v1/secrets/"))
      .map((r) => r.path.slice("/v1/secrets/".length).replace(/\/versions$/, ""));
    expect(secretPaths.every((p) => p.startsWith("integrations/"))).toBe(true);
    const stored = [...upstream.store.tenants.get("acme")!.secrets.values()].flatMap((s) =>
      s.versions.flatMap((v) => [v.value, ...Object.values(v.data ?? {})]).filter((x) => x.length >= 12),
    );
    const traffic = agent.traffic.join("\n");
    for (const value of stored) expect(traffic).not.toContain(value);
  });

  it("every call and refusal is in the audit log", async () => {
    const audit = agent.audit();
    const refused = audit.filter((a) => a.decision === "refused").map((a) => a.policy);
    // The audit-log refusal (path_prefix infra/), then the three reads outside the prefix, then the writes.
    expect(refused).toEqual(["paths", "paths", "paths", "paths", "read-only", "read-only", "read-only"]);
    expect(audit.filter((a) => a.decision === "allowed").length).toBeGreaterThanOrEqual(6);
  });
});
