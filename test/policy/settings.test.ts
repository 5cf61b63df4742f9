import { describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/config/config.js";
import { resolvePolicySettings } from "../../src/policy/settings.js";
import { docWith, settingsFor, tool } from "./helpers.js";

const doc = docWith([tool("app_read"), tool("app_delete", {}, { aliases: ["app_remove"] })]);

function problems(env: Record<string, string>): string[] {
  try {
    settingsFor(doc, env);
  } catch (error) {
    return (error as { problems?: string[] }).problems ?? [String(error)];
  }
  return [];
}

describe("policy settings from env", () => {
  it("defaults: switches off, no scope, audit on, a per-process confirmation key", () => {
    const s = settingsFor(doc);
    expect(s.readOnly).toEqual({ env: "APP_READ_ONLY", on: false });
    expect(s.mask).toEqual({ env: "APP_MASK", on: false });
    expect(s.scope).toEqual({});
    expect(s.tenant).toBeUndefined();
    expect(s.deniedTools.size).toBe(0);
    expect(s.audit).toEqual({ enabled: true, env: "APP_AUDIT", fileEnv: "APP_AUDIT_FILE" });
    expect(s.confirmation.shared).toBe(false);
    // Two processes without the shared secret do not share keys.
    expect(settingsFor(doc).confirmation.key.equals(s.confirmation.key)).toBe(false);
  });

  it("reads every switch", () => {
    const s = settingsFor(doc, {
      APP_READ_ONLY: "true",
      APP_MASK: "yes",
      APP_ALLOWED_PATHS: "integrations/, /apps/billing ,infra",
      APP_DENIED_PATHS: "integrations/stripe/",
      APP_TENANT: "acme",
      APP_PARTNER: "p-x",
      APP_DENIED_TOOLS: "app_remove",
      APP_AUDIT: "false",
      APP_CONFIRM_SECRET: "a-shared-secret-of-length",
    });
    expect(s.readOnly?.on).toBe(true);
    expect(s.mask?.on).toBe(true);
    expect(s.scope.allow).toEqual([["integrations"], ["apps", "billing"], ["infra"]]);
    expect(s.scope.deny).toEqual([["integrations", "stripe"]]);
    expect(s.tenant).toEqual({ env: "APP_TENANT", value: "acme" });
    expect(s.partner).toEqual({ env: "APP_PARTNER", value: "p-x" });
    // An alias denies its tool, names and aliases together.
    // app_read has a path argument and no scope fact: unavailable while a path list is set (fails closed).
    expect([...s.deniedTools]).toEqual([
      ["app_delete", "APP_DENIED_TOOLS"],
      ["app_read", "APP_ALLOWED_PATHS, APP_DENIED_PATHS (path arguments without a scope fact: path)"],
    ]);
    expect(s.audit.enabled).toBe(false);
    expect(s.confirmation.shared).toBe(true);
  });

  it("a shared confirmation secret gives every process the same key, bound to the catalog", () => {
    const env = { APP_CONFIRM_SECRET: "a-shared-secret-of-length" };
    const a = settingsFor(doc, env).confirmation.key;
    expect(settingsFor(doc, env).confirmation.key.equals(a)).toBe(true);
    expect(settingsFor({ ...doc, catalog: "other" }, env).confirmation.key.equals(a)).toBe(false);
    // The fingerprint key is derived apart from the signing key.
    expect(settingsFor(doc, env).fingerprintKey.equals(a)).toBe(false);
  });

  it("never signs with a confirmation secret the catalog declares as a default (everyone reading it knows it)", () => {
    const shipped = {
      ...doc,
      env: doc.env.map((e) =>
        e.name === "APP_CONFIRM_SECRET" ? { ...e, secret: false, default: "shipped-default-secret-0123" } : e,
      ),
    };
    const s = settingsFor(shipped);
    expect(s.confirmation.shared).toBe(false);
    const known = settingsFor(doc, { APP_CONFIRM_SECRET: "shipped-default-secret-0123" }).confirmation.key;
    expect(s.confirmation.key.equals(known)).toBe(false);
    // The operator's own value still decides.
    expect(
      settingsFor(shipped, { APP_CONFIRM_SECRET: "shipped-default-secret-0123" }).confirmation.key.equals(
        known,
      ),
    ).toBe(true);
  });

  it.each([
    [{ APP_READ_ONLY: "maybe" }, /APP_READ_ONLY: expected true\/false/],
    [{ APP_ALLOWED_PATHS: "integrations/,,apps/" }, /APP_ALLOWED_PATHS: expected a comma-separated list/],
    [
      { APP_ALLOWED_PATHS: "integrations/../infra" },
      /APP_ALLOWED_PATHS: item "integrations\/..\/infra" has a '.' or '..' segment/,
    ],
    [{ APP_DENIED_PATHS: "infra//db" }, /APP_DENIED_PATHS: item "infra\/\/db" has an empty segment/],
    [{ APP_DENIED_PATHS: "%2e%2e" }, /APP_DENIED_PATHS: item "%2e%2e" contains a percent escape/],
    [{ APP_ALLOWED_PATHS: "/" }, /APP_ALLOWED_PATHS: item "\/" names no path/],
    [
      { APP_DENIED_PATHS: "infra/,straße/" },
      /APP_DENIED_PATHS: item "straße\/" holds a letter whose upper and lower case do not map one to one/,
    ],
    [{ APP_DENIED_TOOLS: "app_delet" }, /APP_DENIED_TOOLS: "app_delet" is not a tool of catalog app/],
    [{ APP_TENANT: " acme" }, /APP_TENANT: must not contain control characters or surrounding whitespace/],
    [{ APP_CONFIRM_SECRET: "short-secret" }, /APP_CONFIRM_SECRET: must be at least 16 characters/],
  ])("fails closed on %j", (env, message) => {
    const found = problems(env as Record<string, string>);
    expect(found.join("\n")).toMatch(message);
  });

  it("never quotes a secret value in a problem", () => {
    const found = problems({ APP_CONFIRM_SECRET: "tiny-canary" });
    expect(found.join("\n")).not.toContain("tiny-canary");
  });

  it("lists every problem at once", () => {
    expect(problems({ APP_DENIED_PATHS: "a//b", APP_DENIED_TOOLS: "nope", APP_TENANT: "x\ty" })).toHaveLength(
      3,
    );
  });

  it("names an env the policy points at but the catalog does not declare", () => {
    const broken = docWith([tool("t")], { readOnly: { env: "NOT_DECLARED" } });
    expect(() => resolvePolicySettings(broken, resolveConfig(broken.env, {}))).toThrow(
      /NOT_DECLARED: named by the catalog's policy \(read-only\) but not declared/,
    );
  });

  it("a catalog without a policy section gets the defaults (audit on, nothing else)", () => {
    const bare = { ...docWith([tool("t")]) } as Partial<ReturnType<typeof docWith>>;
    delete bare.policy;
    const s = resolvePolicySettings(bare as ReturnType<typeof docWith>, resolveConfig(bare.env!, {}));
    expect(s.audit.enabled).toBe(true);
    expect(s.readOnly).toBeUndefined();
    expect(s.secretKeyPattern.test("DB_PASSWORD")).toBe(true);
  });

  it("the manifest's denied tools are denied without any env", () => {
    const d = docWith([tool("a"), tool("b")], { deniedTools: { tools: ["b"] } });
    expect([...settingsFor(d).deniedTools]).toEqual([["b", "manifest policy.denied_tools"]]);
  });
});
