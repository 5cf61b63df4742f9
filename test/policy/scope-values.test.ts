import { describe, expect, it } from "vitest";
import type { ScopedValue, ToolOutcome } from "../../src/catalog.js";
import type { CallContext } from "../../src/chain.js";
import { pathScopeStep } from "../../src/policy/paths.js";
import type { Lookup } from "../../src/policy/scope-values.js";
import { ctxFor, docWith, runStep, settingsFor, tool } from "./helpers.js";

/** `scoped_values` in-process: the path step around a terminal, with the lists given as env values. */
const doc = docWith([]);
const ALLOW = "APP_ALLOWED_PATHS";
const DENY = "APP_DENIED_PATHS";

async function call(
  facts: ScopedValue[],
  args: Record<string, unknown>,
  env: Record<string, string> = {},
  lookup?: Lookup,
): Promise<{ ran: boolean; message: string | undefined; executed: Record<string, unknown> | undefined }> {
  const t = tool("t", { scopedValues: facts });
  const { outcome, executed } = await runStep(pathScopeStep(settingsFor(doc, env), lookup), ctxFor(t, args));
  if (executed === undefined) expect(outcome.error?.code).toBe("refused");
  return { ran: executed !== undefined, message: outcome.error?.message, executed };
}

const path = (arg = "p", extra: Partial<ScopedValue> = {}): ScopedValue[] => [
  { arg, kind: "path", ...extra },
];
const prefix = (arg = "p", extra: Partial<ScopedValue> = {}): ScopedValue[] => [
  { arg, kind: "prefix", ...extra },
];
const pattern = (arg = "p", extra: Partial<ScopedValue> = {}): ScopedValue[] => [
  { arg, kind: "pattern", ...extra },
];

describe("values that are no plain path are refused, lists or not", () => {
  it.each([
    ["..", /'\.' or '\.\.' segment/],
    ["a/../b", /'\.' or '\.\.' segment/],
    ["a/./b", /'\.' or '\.\.' segment/],
    ["a//b", /empty segment/],
    ["a%2fb", /percent escape/],
    ["%2e%2e/etc", /percent escape/],
    ["a\\b", /backslash/],
    ["a/．．/b", /normalisation/],
    ["ｉｎｆｒａ/db", /normalisation/],
    ["infra\u200b/db", /invisible/],
    ["a;b", /';'/],
    ["a\u0000", /control character/],
  ])("%j", async (value, problem) => {
    for (const facts of [path(), prefix(), pattern()]) {
      const r = await call(facts, { p: value });
      expect(r.ran, facts[0]!.kind).toBe(false);
      expect(r.message).toMatch(problem);
      expect(r.message).toMatch(/^refused by the path policy: 'p' /);
    }
  });

  it("a path is neither empty nor wrapped in slashes; a prefix or pattern may end in one", async () => {
    expect((await call(path(), { p: "" })).message).toMatch(/'p' is empty/);
    expect((await call(path(), { p: "a/" })).message).toMatch(/ends with '\/'/);
    expect((await call(path(), { p: "/a" })).message).toMatch(/starts with '\/'/);
    expect((await call(prefix(), { p: "/a" })).message).toMatch(/starts with '\/'/);
    expect((await call(prefix(), { p: "a/" })).ran).toBe(true);
    expect((await call(pattern(), { p: "a/*/" })).ran).toBe(true);
  });

  it.each([[42], [true], [{ path: "a" }], [["a", 1]], [[["a"]]]])(
    "a value that is not a string: %j",
    async (v) => {
      const r = await call(path(), { p: v });
      expect(r.message).toMatch(/'p' is not a string/);
    },
  );

  it("absent and null values are not checked (a prefix's are read as empty)", async () => {
    expect((await call(path(), {}, { [ALLOW]: "a/" })).ran).toBe(true);
    expect((await call(path(), { p: null }, { [ALLOW]: "a/" })).ran).toBe(true);
    expect((await call(pattern(), {}, { [ALLOW]: "a/" })).ran).toBe(true);
    expect((await call(prefix(), {}, { [ALLOW]: "a/" })).message).toMatch(/outside the allowed prefixes/);
    expect((await call(prefix(), { p: null }, { [ALLOW]: "a/" })).ran).toBe(false);
    expect((await call(prefix(), {}, { [DENY]: "a/" })).message).toMatch(/under the denied prefix a\//);
    expect((await call(prefix(), {})).ran).toBe(true);
  });
});

describe("path", () => {
  it.each<[Record<string, string>, string, boolean]>([
    [{}, "anything/at/all", true],
    [{ [ALLOW]: "team/" }, "team/db", true],
    [{ [ALLOW]: "team/" }, "team", true],
    [{ [ALLOW]: "team/" }, "teams/db", false],
    [{ [ALLOW]: "team/" }, "tea", false],
    [{ [ALLOW]: "team/" }, "Team/db", false],
    [{ [ALLOW]: "team/db/" }, "team/db/x/y", true],
    [{ [ALLOW]: "team/db/" }, "team/dbx", false],
    [{ [DENY]: "infra/" }, "infra", false],
    [{ [DENY]: "infra/" }, "INFRA/db", false],
    [{ [DENY]: "infra/" }, "infrastructure/db", true],
    [{ [DENY]: "infra/" }, "İnfra/db", false],
    [{ [DENY]: "infra/" }, "apps/ınfra", false],
    [{ [ALLOW]: "ınfra/" }, "ınfra/db", true],
    [{ [ALLOW]: "a/", [DENY]: "a/secret" }, "a/secret/x", false],
    [{ [ALLOW]: "a/", [DENY]: "a/secret" }, "a/secrets", true],
  ])("%j: %j runs %s", async (env, value, ok) => {
    const r = await call(path(), { p: value }, env);
    expect(r.ran, r.message).toBe(ok);
  });

  it("checks every item of an array and every value under a `*` step", async () => {
    const env = { [ALLOW]: "ok/" };
    expect((await call(path(), { p: ["ok/a", "ok/b"] }, env)).ran).toBe(true);
    expect((await call(path(), { p: ["ok/a", "no/b"] }, env)).ran).toBe(false);
    const rules = (...ps: unknown[]) => ({ rules: ps.map((p) => ({ path: p, verb: "read" })) });
    expect((await call(path("rules.*.path"), rules("ok/a", "ok/b"), env)).ran).toBe(true);
    const r = await call(path("rules.*.path"), rules("ok/a", "no/b"), env);
    expect(r.message).toMatch(/'rules\.\*\.path' is outside the allowed prefixes/);
    expect((await call(path("rules.*.path"), rules("ok/a", "a/../b"))).ran).toBe(false);
    const byName = { byName: { x: { path: "ok/a" }, y: { path: "no/b" } } };
    expect((await call(path("byName.*.path"), byName, env)).ran).toBe(false);
    expect((await call(path("target.path"), { target: { path: "no/b" } }, env)).ran).toBe(false);
    expect((await call(path("target.path"), { target: { path: "ok/b" } }, env)).ran).toBe(true);
  });

  it("an inherited property is no value", async () => {
    const r = await call(path("target.toString"), { target: {} }, { [ALLOW]: "ok/" });
    expect(r.ran).toBe(true);
  });
});

describe("prefix: the whole area below it must be inside the scope", () => {
  it.each<[Record<string, string>, string, boolean]>([
    [{ [ALLOW]: "a/b/" }, "a/b", true],
    [{ [ALLOW]: "a/b/" }, "a/b/", true],
    [{ [ALLOW]: "a/b/" }, "a/b/c", true],
    [{ [ALLOW]: "a/b/" }, "a", false],
    [{ [ALLOW]: "a/b/" }, "", false],
    [{ [ALLOW]: "a/b/" }, "a/bc", false],
    [{ [DENY]: "a/b/secret" }, "a/b", false],
    [{ [DENY]: "a/b/secret" }, "A/B", false],
    [{ [DENY]: "a/b/secret" }, "", false],
    [{ [DENY]: "a/b/secret" }, "a/b/secrets", true],
    [{ [DENY]: "a/b/secret" }, "a/b/secret/x", false],
    [{ [DENY]: "a/b/secret" }, "a/c", true],
    [{}, "", true],
    // a prefix is taken literally: `*` is a character of its last segment, not a glob
    [{ [DENY]: "apps/y" }, "apps/x*", true],
    [{ [DENY]: "apps/y" }, "apps/*", true],
  ])("%j: %j runs %s", async (env, value, ok) => {
    const r = await call(prefix(), { p: value }, env);
    expect(r.ran, r.message).toBe(ok);
  });

  it("an item without its prefix is everything below the base, even beside items that have one", async () => {
    const rules = (...ps: unknown[]) => ({ rules: ps.map((p) => (p === undefined ? {} : { prefix: p })) });
    const env = { [ALLOW]: "ok/" };
    expect((await call(prefix("rules.*.prefix"), rules("ok/a", "ok/b"), env)).ran).toBe(true);
    expect((await call(prefix("rules.*.prefix"), rules("ok/a", undefined), env)).ran).toBe(false);
    expect((await call(prefix("rules.*.prefix"), rules(undefined, "ok/a"), env)).ran).toBe(false);
    expect((await call(prefix("rules.*.prefix"), rules("ok/a", null), env)).ran).toBe(false);
    expect((await call(prefix("rules.*.prefix"), rules("ok/a", ""), env)).ran).toBe(false);
    const r = await call(prefix("rules.*.prefix"), rules("ok/a", undefined), { [DENY]: "ok/secret" });
    expect(r.message).toMatch(/'rules\.\*\.prefix' is under the denied prefix ok\/secret\//);
  });

  it("names the deny entry the area contains", async () => {
    const r = await call(prefix(), { p: "a" }, { [DENY]: "x/,a/b/secret" });
    expect(r.message).toMatch(/'p' is under the denied prefix a\/b\/secret\//);
  });
});

describe("pattern: the area below the literal segments before the first glob", () => {
  it.each<[Record<string, string>, string, boolean]>([
    [{ [ALLOW]: "apps/" }, "apps/*", true],
    [{ [ALLOW]: "apps/" }, "apps/**/db", true],
    [{ [ALLOW]: "apps/" }, "apps/x*", true],
    [{ [ALLOW]: "apps/x/" }, "apps/x*", false],
    [{ [ALLOW]: "apps/x/" }, "apps/x/*", true],
    [{ [ALLOW]: "apps/x/" }, "apps/{x,y}/db", false],
    [{ [ALLOW]: "apps/x/" }, "apps/[xy]/db", false],
    [{ [ALLOW]: "apps/x/" }, "apps/+/db", false],
    [{ [ALLOW]: "apps/x/" }, "*", false],
    [{ [DENY]: "infra/secret" }, "infra/+/primary", false],
    [{ [DENY]: "infra/secret" }, "infra/*", false],
    [{ [DENY]: "infra/secret" }, "infra/public/*", true],
    [{ [DENY]: "infra/secret" }, "*/secret", false],
    // without a glob, a pattern is one path
    [{ [ALLOW]: "apps/x/" }, "apps/x", true],
    [{ [DENY]: "infra/secret" }, "infra", true],
    [{ [DENY]: "infra/secret" }, "infra/secret/db", false],
    // an empty pattern, or one ending in '/', may match everything below it (as gitignore reads 'infra/')
    [{ [DENY]: "infra/secret" }, "", false],
    [{ [DENY]: "infra/secret" }, "infra/", false],
    [{ [DENY]: "infra/secret" }, "infra/public/", true],
    [{ [ALLOW]: "apps/x/" }, "apps/x/", true],
    [{ [ALLOW]: "apps/x/" }, "apps/", false],
    [{}, "", true],
  ])("%j: %j runs %s", async (env, value, ok) => {
    const r = await call(pattern(), { p: value }, env);
    expect(r.ran, r.message).toBe(ok);
  });

  it("'?' ends a path on a server, so a pattern holding it is refused as ambiguous", async () => {
    expect((await call(pattern(), { p: "apps/x?" })).message).toMatch(/'\?' or '#'/);
  });
});

describe("a base argument", () => {
  const facts = (kind: ScopedValue["kind"]): ScopedValue[] => [{ arg: "p", kind, base: { arg: "root" } }];

  it.each<[ScopedValue["kind"], string, string, string, boolean]>([
    ["path", "team/", "db/primary", "team/", true],
    ["path", "team", "db", "team/db/", true],
    ["path", "team", "dbx", "team/db/", false],
    ["path", "tea", "m/db", "team/", false],
    ["path", "", "team/db", "team/", true],
    ["path", "other/", "team/db", "team/", false],
    ["prefix", "team/", "", "team/", true],
    ["prefix", "team/", "", "team/db/", false],
    ["prefix", "team/", "db", "team/db/", true],
    ["pattern", "team/", "db/*", "team/db/", true],
    ["pattern", "team/", "*/db", "team/db/", false],
  ])("%s: %j + %j inside %j runs %s", async (kind, root, value, allowed, ok) => {
    const r = await call(facts(kind), { root, p: value }, { [ALLOW]: allowed });
    expect(r.ran, r.message).toBe(ok);
    if (ok) expect(r.executed).toEqual({ root, p: value }); // the arguments are passed on unchanged
  });

  it("a base that cannot be read refuses the call while a list is set, and is not read otherwise", async () => {
    const env = { [ALLOW]: "team/" };
    for (const root of [undefined, 7, "../x", "a//b", "team/%2e%2e"]) {
      const r = await call(facts("path"), { root, p: "db" }, env);
      expect(r.message).toMatch(/starts with 'root', which cannot be read/);
      expect((await call(facts("path"), { root, p: "db" })).ran).toBe(true);
    }
  });

  it("the value itself is checked for traversal without lists", async () => {
    expect((await call(facts("path"), { root: "team/", p: "../infra" })).ran).toBe(false);
  });
});

describe("a base looked up through another tool", () => {
  const facts: ScopedValue[] = [
    {
      arg: "p",
      kind: "path",
      base: { lookup: { tool: "read_backend", args: { name: "backend" }, field: "config.mount" } },
    },
  ];
  const recorder = (outcome: ToolOutcome) => {
    const calls: { tool: string; args: Record<string, unknown>; parent: CallContext }[] = [];
    const lookup: Lookup = async (parent, tool, args) => {
      calls.push({ tool, args, parent });
      return outcome;
    };
    return { calls, lookup };
  };

  it("joins the looked-up mount and the value, asking the tool with the mapped arguments", async () => {
    const { calls, lookup } = recorder({ data: { config: { mount: "kv/team" } } });
    const args = { backend: "vault-1", p: "db" };
    expect((await call(facts, args, { [ALLOW]: "kv/team/" }, lookup)).ran).toBe(true);
    expect(calls.map((c) => [c.tool, c.args])).toEqual([["read_backend", { name: "vault-1" }]]);
    expect(calls[0]!.parent.args).toEqual(args);
    expect((await call(facts, { ...args, p: "db" }, { [ALLOW]: "kv/other/" }, lookup)).ran).toBe(false);
    expect((await call(facts, { ...args, p: "db" }, { [DENY]: "kv/team/db" }, lookup)).ran).toBe(false);
  });

  it("is not asked while no list is set", async () => {
    const { calls, lookup } = recorder({ data: { config: { mount: "kv/team" } } });
    expect((await call(facts, { backend: "b", p: "db" }, {}, lookup)).ran).toBe(true);
    expect(calls).toEqual([]);
  });

  it.each<[string, ToolOutcome | undefined, RegExp]>([
    [
      "fails",
      { data: null, error: { code: "upstream", message: "backend gone" } },
      /it failed: backend gone/,
    ],
    ["lacks the field", { data: { config: {} } }, /it is not a string/],
    ["has no object on the way", { data: { config: "kv" } }, /it is not a string/],
    ["holds a traversal", { data: { config: { mount: "kv/../infra" } } }, /it has a '\.' or '\.\.' segment/],
    ["is not there", undefined, /no lookup is available/],
  ])("refuses the call when the lookup %s", async (_, outcome, why) => {
    const lookup = outcome ? recorder(outcome).lookup : undefined;
    const r = await call(facts, { backend: "b", p: "db" }, { [ALLOW]: "kv/" }, lookup);
    expect(r.message).toMatch(/starts with read_backend's config\.mount, which cannot be read/);
    expect(r.message).toMatch(why);
  });
});

describe("several facts", () => {
  it("each is checked; the first refusal wins", async () => {
    const facts: ScopedValue[] = [
      { arg: "from", kind: "path" },
      { arg: "to", kind: "prefix" },
    ];
    const env = { [ALLOW]: "ok/" };
    expect((await call(facts, { from: "ok/a", to: "ok/b" }, env)).ran).toBe(true);
    expect((await call(facts, { from: "ok/a", to: "no/b" }, env)).message).toMatch(/'to' is outside/);
    expect((await call(facts, { from: "no/a", to: "no/b" }, env)).message).toMatch(/'from' is outside/);
  });
});
