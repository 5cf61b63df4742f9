import { describe, expect, it } from "vitest";
import { exactNumber } from "../../src/catalog.js";
import { deniedToolsStep } from "../../src/policy/denied-tools.js";
import { MASK } from "../../src/policy/mask.js";
import { pathScopeStep } from "../../src/policy/paths.js";
import { readOnlyStep } from "../../src/policy/read-only.js";
import { collectKeyValues, secretKeysStep } from "../../src/policy/secret-keys.js";
import { tenantLockSteps } from "../../src/policy/tenant.js";

import { ctxFor, docWith, runStep, settingsFor, tool } from "./helpers.js";

/** The lock's checking step alone (the arguments already validated). */
const tenantLockStep = (...args: Parameters<typeof tenantLockSteps>) => tenantLockSteps(...args).check;

const refusal = (ctx: ReturnType<typeof ctxFor>) => ctx.notes.get("policy.refusal");

describe("read-only", () => {
  const on = readOnlyStep({ env: "APP_READ_ONLY", on: true });
  it.each([
    ["read", false],
    ["write", true],
    ["destructive", true],
  ] as const)("%s tool refused: %s", async (safety, refused) => {
    const ctx = ctxFor(tool(`app_${safety}`, {}, { safety }), {});
    const { outcome, executed } = await runStep(on, ctx);
    expect(executed === undefined).toBe(refused);
    if (refused) {
      expect(outcome.error?.message).toMatch(
        new RegExp(
          `^refused by APP_READ_ONLY=true: app_${safety} (writes|deletes or destroys); unset APP_READ_ONLY`,
        ),
      );
      expect(refusal(ctx)).toMatchObject({ policy: "read-only", rule: "APP_READ_ONLY=true" });
    }
  });
  it("does nothing when off", async () => {
    const { executed } = await runStep(
      readOnlyStep({ env: "APP_READ_ONLY", on: false }),
      ctxFor(tool("w", {}, { safety: "destructive" }), {}),
    );
    expect(executed).toBeDefined();
  });
});

describe("denied tools", () => {
  it("refuses like an unknown tool, under the name it was called by", async () => {
    const step = deniedToolsStep(new Map([["app_delete", "APP_DENIED_TOOLS"]]));
    const ctx = { ...ctxFor(tool("app_delete"), {}), calledAs: "app_remove" };
    const { outcome, executed } = await runStep(step, ctx);
    expect(executed).toBeUndefined();
    expect(outcome.error).toEqual({ message: "unknown tool 'app_remove'", code: "unknown_tool" });
    expect(refusal(ctx)).toMatchObject({ policy: "denied-tools", rule: "APP_DENIED_TOOLS" });
    expect((await runStep(step, ctxFor(tool("app_read"), {}))).executed).toBeDefined();
  });
});

describe("tenant and partner lock", () => {
  const t = tool("app_read", { tenantArg: "tenant", partnerArg: "partner" });
  const step = tenantLockStep({ env: "APP_TENANT", value: "acme" }, { env: "APP_PARTNER", value: "p-x" });
  it("fills an absent tenant and partner", async () => {
    const ctx = ctxFor(t, { path: "a" });
    const { executed } = await runStep(step, ctx);
    expect(executed).toEqual({ path: "a", tenant: "acme", partner: "p-x" });
    expect(ctx.notes.get("policy.applied")).toEqual(["tenant-lock:filled", "partner-lock:filled"]);
  });
  it("passes the locked tenant", async () => {
    expect((await runStep(step, ctxFor(t, { tenant: "acme", partner: "p-x" }))).executed).toBeDefined();
  });
  it.each([
    [
      { tenant: "globex" },
      /^refused by APP_TENANT: this server is locked to tenant acme and 'tenant' names another tenant/,
    ],
    [{ tenant: "ACME" }, /locked to tenant acme/],
    [{ partner: "p-other" }, /^refused by APP_PARTNER: this server is locked to partner p-x/],
  ])("refuses %j", async (args, message) => {
    const ctx = ctxFor(t, args);
    const { outcome, executed } = await runStep(step, ctx);
    expect(executed).toBeUndefined();
    expect(outcome.error?.message).toMatch(message);
    expect(outcome.error?.message).not.toContain("globex");
  });
  it("never answers one lock's question with another's: two locks in one process, the same names", async () => {
    // `org` is the tenant's name where the catalog declares it (tenant_arg: org), a plain argument elsewhere.
    const byOrg = tool("app_list", { tenantArg: "org" });
    const declaring = tenantLockSteps({ env: "APP_TENANT", value: "acme" }, undefined, [byOrg]).check;
    const plain = tenantLockStep({ env: "APP_TENANT", value: "acme" }, undefined);
    const probe = tool("app_get", { tenantArg: "tenant" });
    for (let i = 0; i < 3; i++) {
      expect((await runStep(declaring, ctxFor(probe, { org: "globex" }))).outcome.error?.message).toMatch(
        /'org' names another tenant/,
      );
      expect((await runStep(plain, ctxFor(probe, { org: "globex" }))).executed).toBeDefined();
    }
    // The other order: a name first met by the lock it does not name.
    const later = tenantLockSteps({ env: "APP_TENANT", value: "acme" }, undefined, [
      tool("app_find", { tenantArg: "workspace_key" }),
    ]).check;
    expect((await runStep(plain, ctxFor(probe, { workspace_key: "globex" }))).executed).toBeDefined();
    expect((await runStep(later, ctxFor(probe, { workspace_key: "globex" }))).outcome.error?.message).toMatch(
      /'workspace_key' names another tenant/,
    );
  });
  it("remembers whether a name names the lock per lock: the same answers on every call, past the memo's bounds", async () => {
    const own = tenantLockStep({ env: "APP_TENANT", value: "acme" }, undefined);
    const other = { path: "a", filter: { tenantId: "globex", ownerTenants: ["acme"] } };
    const long = `${"x".repeat(70)}_tenant`;
    const answers: Array<string | undefined> = [];
    for (let i = 0; i < 5; i++) {
      answers.push((await runStep(own, ctxFor(t, { path: "a", tenant: "acme" }))).outcome.error?.message);
      answers.push((await runStep(own, ctxFor(t, other))).outcome.error?.message);
      answers.push((await runStep(own, ctxFor(t, { [long]: "globex" }))).outcome.error?.message);
    }
    for (let i = 3; i < answers.length; i++) expect(answers[i]).toBe(answers[i % 3]);
    expect(answers[0]).toBeUndefined();
    expect(answers[1]).toMatch(/'filter.tenantId' names another tenant/);
    expect(answers[2]).toMatch(/names another tenant/);
    // More names than a lock remembers (1,024): those met after it is full are still worked out, both ways.
    const many = Object.fromEntries(Array.from({ length: 1100 }, (_, i) => [`field${i}`, "globex"]));
    expect((await runStep(own, ctxFor(t, many))).executed).toBeDefined();
    expect((await runStep(own, ctxFor(t, { ...many, z_tenant: "globex" }))).outcome.error?.message).toMatch(
      /'z_tenant' names another tenant/,
    );
  });
  it("leaves tools without a tenant argument and unlocked servers alone", async () => {
    expect((await runStep(step, ctxFor(tool("x"), { path: "a" }))).executed).toEqual({ path: "a" });
    const open = tenantLockStep(undefined, undefined);
    expect((await runStep(open, ctxFor(t, { tenant: "globex" }))).executed).toEqual({ tenant: "globex" });
  });
  it("compares a number kept as its digits (an exact number) by its digits, not as an object", async () => {
    const ids = tenantLockStep({ env: "APP_TENANT", value: "12345678901234567890123" }, undefined);
    const other = await runStep(
      ids,
      ctxFor(tool("x"), { filter: { tenant_id: exactNumber("98765432109876543210987") } }),
    );
    expect(other.executed).toBeUndefined();
    expect(other.outcome.error?.message).toMatch(/'filter.tenant_id' names another tenant/);
    const same = await runStep(ids, ctxFor(tool("x"), { tenant_id: exactNumber("12345678901234567890123") }));
    expect(same.executed).toBeDefined();
  });
});

describe("path scopes", () => {
  const doc = docWith([]);
  const scoped = tool("app_read", { scopedPath: "path" });
  const listing = tool("app_list", {
    scopedList: { prefixArg: "prefix", itemsPath: "items", itemPathField: "path" },
  });
  const items = {
    items: [
      { path: "integrations/salesforce/oauth" },
      { path: "integrations/stripe/api-key" },
      { path: "infra/db/primary/credentials" },
      { path: "apps/billing/smtp" },
      { path: "../escape" },
      { nopath: true },
    ],
    next_cursor: "c2",
  };

  it.each([
    [{}, "integrations/salesforce/oauth", true],
    [{}, "infra/db", true],
    [{}, "..", false],
    [{}, "integrations/../infra", false],
    [{ APP_ALLOWED_PATHS: "integrations/" }, "integrations/salesforce/oauth", true],
    [{ APP_ALLOWED_PATHS: "integrations/" }, "infra/db/primary/credentials", false],
    [{ APP_ALLOWED_PATHS: "integrations" }, "integrationsx/a", false],
    [
      { APP_ALLOWED_PATHS: "integrations/", APP_DENIED_PATHS: "integrations/stripe" },
      "integrations/stripe/api-key",
      false,
    ],
    [{ APP_DENIED_PATHS: "infra/" }, "Infra/db", false],
    [{ APP_DENIED_PATHS: "infra/" }, "apps/x", true],
  ])("%j: %j allowed %s", async (env, path, allowed) => {
    const ctx = ctxFor(scoped, { path });
    const { outcome, executed } = await runStep(pathScopeStep(settingsFor(doc, env)), ctx);
    expect(executed !== undefined, outcome.error?.message).toBe(allowed);
    if (!allowed) expect(outcome.error?.code).toBe("refused");
  });

  it("a path whose letter case servers fold differently is refused while a deny list is set", async () => {
    const s = settingsFor(doc, { APP_DENIED_PATHS: "classified/,infra/" });
    for (const path of ["claßified/x", "İnfra/db"]) {
      const { outcome, executed } = await runStep(pathScopeStep(s), ctxFor(scoped, { path }));
      expect(executed).toBeUndefined();
      expect(outcome.error?.message).toBe(
        "refused by APP_DENIED_PATHS: 'path' holds a letter whose upper and lower case do not map one to one (such as ß, İ or ı); servers fold those differently, so while APP_DENIED_PATHS is set such paths are refused",
      );
    }
    // Listed items with such paths are dropped.
    const ctx = ctxFor(listing, {});
    const { outcome } = await runStep(pathScopeStep(s), ctx, {
      data: { items: [{ path: "apps/x" }, { path: "claßified/y" }, { path: "ınfra/z" }] },
    });
    expect(outcome.data).toEqual({ items: [{ path: "apps/x" }] });
  });

  it("refusal messages name the setting and how to change it, never echo a bad value", async () => {
    const s = settingsFor(doc, {
      APP_ALLOWED_PATHS: "integrations/",
      APP_DENIED_PATHS: "integrations/stripe",
    });
    const run = async (path: string) =>
      (await runStep(pathScopeStep(s), ctxFor(scoped, { path }))).outcome.error?.message;
    expect(await run("infra/db")).toBe(
      "refused by APP_ALLOWED_PATHS=integrations/: 'path' is outside the allowed prefixes; add its prefix to APP_ALLOWED_PATHS to allow it",
    );
    expect(await run("integrations/stripe/api-key")).toBe(
      "refused by APP_DENIED_PATHS: 'path' is under the denied prefix integrations/stripe/; remove that prefix from APP_DENIED_PATHS to allow it",
    );
    const traversal = await run("a/%2e%2e/secret-canary");
    expect(traversal).toMatch(/^refused by the path policy: 'path' contains a percent escape/);
    expect(traversal).not.toContain("secret-canary");
  });

  it("a listing is filtered to the scope, whatever the upstream sent", async () => {
    const s = settingsFor(doc, {
      APP_ALLOWED_PATHS: "integrations/,apps/",
      APP_DENIED_PATHS: "integrations/stripe",
    });
    const ctx = ctxFor(listing, {});
    const { outcome, executed } = await runStep(pathScopeStep(s), ctx, { data: items });
    expect(executed).toEqual({});
    expect(outcome.data).toEqual({
      items: [{ path: "integrations/salesforce/oauth" }, { path: "apps/billing/smtp" }],
      next_cursor: "c2",
    });
    expect(ctx.notes.get("policy.applied")).toEqual(["paths:filtered(4)"]);
  });

  it("one allowed prefix fills an absent listing prefix", async () => {
    const s = settingsFor(doc, { APP_ALLOWED_PATHS: "integrations" });
    const { executed, outcome } = await runStep(pathScopeStep(s), ctxFor(listing, {}), { data: items });
    expect(executed).toEqual({ prefix: "integrations/" });
    expect((outcome.data as typeof items).items.map((i) => i.path)).toEqual([
      "integrations/salesforce/oauth",
      "integrations/stripe/api-key",
    ]);
  });

  it.each([
    ["infra/", false],
    ["integrations/stripe/", false],
    ["integrations/", true],
    ["integrations/salesforce", true],
    ["", true],
    ["a//b/", false],
    ["..", false],
  ])("listing prefix %j allowed %s", async (prefix, allowed) => {
    const s = settingsFor(doc, {
      APP_ALLOWED_PATHS: "integrations/",
      APP_DENIED_PATHS: "integrations/stripe",
    });
    const { executed } = await runStep(pathScopeStep(s), ctxFor(listing, { prefix }), { data: items });
    expect(executed !== undefined).toBe(allowed);
  });

  it("without lists a listing is not filtered", async () => {
    const { outcome } = await runStep(pathScopeStep(settingsFor(doc)), ctxFor(listing, {}), { data: items });
    expect(outcome.data).toBe(items);
  });

  it("further lists of paths (scopedItems) are filtered too, with or without a prefix argument", async () => {
    const s = settingsFor(doc, { APP_ALLOWED_PATHS: "integrations/" });
    const summary = tool("app_summary", {
      scopedItems: [
        { itemsPath: "top_paths", itemPathField: "key" },
        { itemsPath: "by_owner.*.paths", itemPathField: "path" },
      ],
    });
    const data = {
      total: 9,
      top_actors: [{ key: "sa:ops" }],
      top_paths: [{ key: "integrations/a" }, { key: "infra/db" }, { key: "integrations/b" }],
      by_owner: { ops: { paths: [{ path: "infra/x" }, { path: "integrations/c" }] } },
    };
    const ctx = ctxFor(summary, {});
    const { outcome, executed } = await runStep(pathScopeStep(s), ctx, { data });
    expect(executed).toEqual({});
    expect(outcome.data).toEqual({
      total: 9,
      top_actors: [{ key: "sa:ops" }],
      top_paths: [{ key: "integrations/a" }, { key: "integrations/b" }],
      by_owner: { ops: { paths: [{ path: "integrations/c" }] } },
    });
    expect(ctx.notes.get("policy.applied")).toEqual(["paths:filtered(2)"]);
  });

  describe("fails closed on a listing it cannot read", () => {
    const s = settingsFor(doc, { APP_ALLOWED_PATHS: "integrations/,apps/" });
    const json = JSON.stringify(items);
    it.each([
      ["text (a text/plain body, or JSON that did not parse)", json, /\(it is text\)/],
      [
        "an undecoded body (application/x-json)",
        {
          content: Buffer.from(json).toString("base64"),
          contentType: "application/x-json",
          size: json.length,
        },
        /\(it is a body of another media type\)/,
      ],
      [
        "a list position holding something else",
        { items: "infra/db/primary/credentials" },
        /'items' is not a list/,
      ],
    ])("%s: the whole answer is refused", async (_label, data, reason) => {
      const ctx = ctxFor(listing, {});
      const { outcome } = await runStep(pathScopeStep(s), ctx, { data });
      expect(outcome.data).toBeNull();
      expect(outcome.error?.code).toBe("refused");
      expect(outcome.error?.message).toMatch(/^refused by the path policy: the path scope cannot check/);
      expect(outcome.error?.message).toMatch(reason);
      expect(JSON.stringify(outcome)).not.toContain("infra/");
      expect(ctx.notes.get("policy.refusal")).toMatchObject({
        policy: "paths",
        reason: "unreadable listing",
      });
    });

    it("an error carrying data off the output schema keeps its message and loses the data", async () => {
      const { outcome } = await runStep(pathScopeStep(s), ctxFor(listing, {}), {
        data: { results: items.items },
        error: {
          message: "the upstream response does not match the tool's output schema",
          code: "output_mismatch",
        },
      });
      expect(outcome.data).toBeNull();
      expect(outcome.error).toEqual({
        code: "output_mismatch",
        message:
          "the upstream response does not match the tool's output schema; the path scope cannot check the upstream's listing (it does not match the output schema), so it is withheld",
      });
    });
  });
});

describe("secret-like keys", () => {
  const step = secretKeysStep(/(secret|token|passw(or)?d|api[_-]?key)/i);
  const map = tool("app_set_env", { secretKeys: { keysArg: "vars" } }, { safety: "write" });
  const list = tool("app_set_env_list", { secretKeys: { keysArg: "variables" } }, { safety: "write" });

  it.each([
    ["a map", map, { vars: { PORT: "8080", LOG_LEVEL: "debug" } }, true],
    [
      "a map with a secret-like key",
      map,
      { vars: { PORT: "1", STRIPE_SECRET_KEY: "sk_live_canary" } },
      false,
    ],
    ["lower case", map, { vars: { db_password: "x" } }, false],
    ["a list of {key, value}", list, { variables: [{ key: "PORT", value: "1" }] }, true],
    ["a list of {name, value}", list, { variables: [{ name: "GITHUB_TOKEN", value: "ghp_canary" }] }, false],
    ["a list of names (unset)", list, { variables: ["API_KEY"] }, false],
    ["a list of harmless names", list, { variables: ["PORT"] }, true],
  ])("%s -> allowed %s", async (_label, t, args, allowed) => {
    const ctx = ctxFor(t, args);
    const { outcome, executed } = await runStep(step, ctx);
    expect(executed !== undefined).toBe(allowed);
    if (!allowed) {
      expect(outcome.error?.message).toMatch(
        /^refused by the secret-like key policy: \w+ looks like a credential/,
      );
      expect(outcome.error?.message).not.toMatch(/canary/);
    }
  });

  it("values the upstream echoes back are masked, in results and errors", async () => {
    const args = { vars: { PORT: "8080", GREETING: "hello-world-value" } };
    const ok = await runStep(step, ctxFor(map, args), {
      data: { set: { GREETING: "hello-world-value" }, note: "PORT=8080" },
    });
    expect(ok.outcome.data).toEqual({ set: { GREETING: MASK }, note: `PORT=${MASK}` });
    const failed = await runStep(step, ctxFor(map, args), {
      data: null,
      error: { message: "upstream answered HTTP 422: GREETING=hello-world-value rejected", code: "http_422" },
    });
    expect(failed.outcome.error?.message).toBe(`upstream answered HTTP 422: GREETING=${MASK} rejected`);
  });

  it("collects keys and values from every shape", () => {
    expect(collectKeyValues({ A: "1", B: { nested: "2" } })).toEqual({
      keys: ["A", "B"],
      values: ["1", "2"],
    });
    expect(collectKeyValues([{ key: "A", value: "1" }, "B", { name: "C" }], ["v"])).toEqual({
      keys: ["A", "B", "C"],
      values: ["1", "v"],
    });
  });
});
