import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { patternAnalyses, planPattern } from "../../codegen/normalize/patterns.js";
import { BOUNDED_PATTERN_INPUT, compiledPrograms, schemaRuntime } from "../../src/load/patterns.js";
import { genSpec, writeTree } from "../helpers/generate.js";

/**
 * Spec patterns at generate time: which engine runs each (RE2 in linear time, JavaScript's engine with a bound
 * when RE2 cannot express it and nothing backtracks super-linearly, or not at all), located TW194 warnings for
 * super-linear patterns, and RE2 spellings that mean exactly what the JavaScript pattern means.
 */

const SAMPLES = [
  "",
  " ",
  "\u00a0",
  "\u2003",
  "\t",
  "\v",
  "\r",
  "\n",
  "\u2028",
  "\ufeff",
  "a",
  "ab",
  "a b",
  "a/b",
  "a.b",
  ".a",
  "😀",
  "é",
  "x\ny",
  "AB",
  "aaa",
  "a-b_c",
  "x my_token_42 y",
  "]",
  "\\",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal `${x}` is the sample
  "${x}",
];

describe("RE2 spellings keep JavaScript's meaning", () => {
  it.each([
    "^\\s+$",
    "^\\S+$",
    "^.$",
    "^.*$",
    "^[\\s,]+$",
    "^[\\s\\S]*$",
    "^[a\\S]+$",
    "^[^\\s]+$",
    "^\\p{L}+$",
    "^[\\u{1F600}]$",
    "^a\\/b$",
    "^(?<n>a)b$",
    "\\bb",
    "^[^a]$",
    "^\\x41\\u0042$",
    "^[\\w-]+$",
    "^\\$\\{x\\}$",
    "^[\\]\\\\]$",
    "[a-z]+_token_[0-9]+",
    "^a{2,}$",
    "^(?:a|b)*?c?$",
  ])("%s", (pattern) => {
    const plan = planPattern(pattern);
    expect(plan.engine).toBe("re2");
    if (plan.engine !== "re2") return;
    const linear = schemaRuntime.linear(plan.re2, pattern);
    const native = new RegExp(pattern, "u");
    for (const sample of SAMPLES)
      expect(linear.test(sample), JSON.stringify(sample)).toBe(native.test(sample));
  });
});

describe("which engine runs a pattern", () => {
  it.each([
    ["^(a+)+$", "re2", /exponential/],
    ["(\\w+\\s?)*$", "re2", /exponential/],
    ["[a-z]+_token_[0-9]+", "re2", /polynomial/],
    ["^[a-z]+(-[a-z]+)*$", "re2", undefined],
    ["^(?!\\.)[a-z.]+$", "native", undefined],
    ["^(?=(a+)+$)a*$", "none", /exponential/],
    ["(a+)+\\1", "none", /./],
    ["(?<x>a+)+\\k<x>", "none", /./],
  ])("%s: %s", (pattern, engine, superLinear) => {
    const plan = planPattern(pattern);
    expect(plan.engine).toBe(engine);
    if (superLinear) expect(plan.superLinear).toMatch(superLinear);
    else expect(plan.superLinear).toBeUndefined();
  });

  it("the linear engine answers an exponential attack string; the bounded one refuses long input", () => {
    const plan = planPattern("^(a+)+$");
    if (plan.engine !== "re2") throw new Error("expected re2");
    expect(schemaRuntime.linear(plan.re2).test(`${"a".repeat(5000)}!`)).toBe(false);
    expect(schemaRuntime.linear(plan.re2).test("a".repeat(5000))).toBe(true);
    const bounded = schemaRuntime.bounded("^(?!\\.)[a-z.]+$");
    expect(bounded.test("a.b")).toBe(true);
    expect(bounded.test(".a")).toBe(false);
    expect(bounded.test("a".repeat(BOUNDED_PATTERN_INPUT))).toBe(true);
    expect(bounded.test("a".repeat(BOUNDED_PATTERN_INPUT + 1))).toBe(false);
  });
});

describe("generate", () => {
  it("warns at each super-linear pattern's line (once per pattern) and never emits JavaScript's engine for one", async () => {
    const dir = writeTree("patterns", {
      "openapi.yaml": `openapi: 3.1.0
info: { title: P, version: "1" }
servers: [{ url: https://p.example.com }]
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - { name: x, in: query, schema: { type: string, pattern: "^(a+)+$" } }
        - { name: y, in: query, schema: { type: string, pattern: "^(a+)+$" } }
        - { name: z, in: query, schema: { type: string, pattern: "^(?=(a+)+$)a*$" } }
        - { name: w, in: query, schema: { type: string, pattern: "^(?!\\\\.)[a-z.]+$" } }
        - { name: v, in: query, schema: { type: string, pattern: "^[a-z]+$" } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { o: { type: string, pattern: "^([a-z0-9]+)*@x$" } } }
`,
    });
    const { cat, diags } = await genSpec(
      `${dir}/openapi.yaml`,
      "patterns",
      `${dir}/out`.replace(/^.*?test\//, "test/"),
    );
    const warnings = diags.items.filter((d) => d.code === "TW194").map(formatDiagnostic);
    expect(warnings).toEqual([
      expect.stringMatching(/openapi\.yaml:9:\d+ .*"\^\(a\+\)\+\$" can take super-linear time .*linear time/),
      expect.stringMatching(/openapi\.yaml:11:\d+ .*RE2 cannot express it, so it is not enforced/),
      expect.stringMatching(/openapi\.yaml:19:\d+ .*"\^\(\[a-z0-9\]\+\)\*@x\$" can take super-linear time/),
    ]);
    const js = cat?.files.get("schemas.gen.mjs") ?? "";
    expect(js).not.toContain("new RegExp");
    expect(js).toContain('rt.linear("^(a+)+$")');
    expect(js).toContain('rt.bounded("^(?!\\\\.)[a-z.]+$")');
    expect(js).not.toContain("(?=(a+)+$)");
    const published = JSON.stringify(JSON.parse(cat?.files.get("catalog.json") ?? "{}"));
    expect(published).toContain("^[a-z]+$");
    expect(published).not.toContain("(?=(a+)+$)");
  });
});

describe("each distinct pattern is analysed once", () => {
  it("six uses of two patterns (parameters, properties, another operation) cost two analyses, with the same plans", async () => {
    const dir = writeTree("patterns-once", {
      "openapi.yaml": `openapi: 3.1.0
info: { title: P, version: "1" }
servers: [{ url: https://p.example.com }]
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - { name: x, in: query, schema: { type: string, pattern: "^once_[a-q]+$" } }
        - { name: y, in: query, schema: { type: string, pattern: "^once_[a-q]+$" } }
        - { name: z, in: query, schema: { type: string, pattern: "^(q+)+$" } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { o: { type: string, pattern: "^once_[a-q]+$" } } }
  /b:
    get:
      operationId: getB
      parameters:
        - { name: x, in: query, schema: { type: string, pattern: "^once_[a-q]+$" } }
        - { name: z, in: query, schema: { type: string, pattern: "^(q+)+$" } }
      responses:
        "200": { description: ok }
`,
    });
    const before = patternAnalyses.count;
    const { cat, diags } = await genSpec(
      `${dir}/openapi.yaml`,
      "patterns",
      `${dir}/out`.replace(/^.*?test\//, "test/"),
    );
    expect(patternAnalyses.count - before).toBe(2);
    // The remembered plan is the one a fresh analysis gives, and the warning is still given once, located.
    expect(planPattern("^(q+)+$")).toMatchObject({
      engine: "re2",
      superLinear: expect.stringMatching(/exponential/),
    });
    expect(patternAnalyses.count - before).toBe(2);
    expect(diags.items.filter((d) => d.code === "TW194").map(formatDiagnostic)).toEqual([
      expect.stringMatching(/openapi\.yaml:11:\d+ .*"\^\(q\+\)\+\$" can take super-linear time/),
    ]);
    const js = cat?.files.get("schemas.gen.mjs") ?? "";
    expect(js.split('rt.linear("^(q+)+$")').length - 1).toBeGreaterThanOrEqual(1);
    expect(js).toContain('rt.safe("^once_[a-q]+$")');
  });
});

describe("which patterns run on JavaScript's engine (v8-safe.ts)", () => {
  it.each([
    "^[a-z0-9][a-z0-9:_.-]{0,62}$",
    "^acct_[a-z0-9_]{3,48}$",
    "^[0-9a-f]+$",
    "^[0-9a-f]{64}$",
    "^https:\\/\\/",
    "^-----BEGIN [A-Z ]+-----",
    "^(user|sa|group|partner):[A-Za-z0-9@._+-]{1,128}$",
    "^[1-9][0-9]{0,5}[smhd]$",
    "^\\d+-\\w+$",
    "^\\S+\\s[a-z]$",
    "^.+$",
    "^[^/]+/[^/]+$",
    "^$",
  ])("%s: proven linear, runs on V8 below the bound", (pattern) => {
    const plan = planPattern(pattern);
    expect(plan).toMatchObject({ engine: "re2", v8: true });
  });

  it.each([
    ["^(a+)+$", "nested quantifiers"],
    ["^(?:[a-z]+\\.)*[a-z]+$", "a quantified group"],
    ["^[a-z_]+(\\.[a-z_]+)+$", "a quantified group with a quantifier inside"],
    ["^(a|ab)*c$", "an alternation under a quantifier"],
    ["^(a)\\1$", "a backreference"],
    ["^(?<n>a)\\k<n>$", "a named backreference"],
    ["^(?<=a)b$", "a lookbehind"],
    ["^(?!\\.)[a-z.]+$", "a lookahead"],
    ["^\\bfoo$", "a word boundary"],
    ["[a-z]+x", "no start anchor (every index is a start)"],
    ["^a$|^b$", "a top-level alternation"],
    ["^[a-z]*[a-z0-9]+$", "adjacent quantifiers over overlapping classes"],
    ["^[a-z]+[0-9]?x$", "a variable quantifier followed by an optional element"],
    ["^.*x$", "a variable quantifier followed by a character it can match"],
    ["^\\w+_id$", "\\w followed by _ (\\w matches it)"],
    ["^[a-z]+(ab|cd)$", "a group whose first characters the quantifier matches"],
    ["^(a+|b)c$", "a quantifier inside a group"],
    ["^(a|)b$", "an empty alternative"],
    ["^\\p{L}+$", "a property escape (not modelled)"],
    [`^${"(a|b)".repeat(7)}$`, "2^7 branch combinations"],
  ])("%s: refused (%s)", (pattern) => {
    const plan = planPattern(pattern);
    expect(plan.engine === "re2" && plan.v8 === true).toBe(false);
  });

  it("a safe pattern answers as JavaScript's engine does, and past the bound as RE2 does", () => {
    for (const pattern of ["^[a-z0-9][a-z0-9:_.-]{0,62}$", "^\\S+\\s[a-z]$", "^.+$", "^https:\\/\\/"]) {
      const plan = planPattern(pattern);
      if (plan.engine !== "re2") throw new Error("expected re2");
      const safe = schemaRuntime.safe(pattern, plan.re2);
      const native = new RegExp(pattern, "u");
      for (const sample of SAMPLES) {
        expect(safe.test(sample), JSON.stringify(sample)).toBe(native.test(sample));
        expect(safe.exec(sample)?.[0], JSON.stringify(sample)).toBe(native.exec(sample)?.[0]);
      }
    }
    const long = schemaRuntime.safe("^[a-z]+$");
    expect(long.test("a".repeat(BOUNDED_PATTERN_INPUT + 1))).toBe(true);
    expect(long.test(`${"a".repeat(BOUNDED_PATTERN_INPUT)}!`)).toBe(false);
    expect(long.exec(`${"a".repeat(BOUNDED_PATTERN_INPUT)}b`)?.[0].length).toBe(BOUNDED_PATTERN_INPUT + 1);
    // zod's .regex() resets lastIndex and calls test: the source and flags it shows are the spec's.
    expect(`${schemaRuntime.safe("^https://", "^https:\\/\\/")}`).toBe("/^https:\\/\\//u");
  });

  it("generate emits rt.safe for a proven pattern, rt.linear for the rest", async () => {
    const dir = writeTree("patterns-v8", {
      "openapi.yaml": `openapi: 3.1.0
info: { title: P, version: "1" }
servers: [{ url: https://p.example.com }]
paths:
  /a:
    get:
      operationId: getA
      parameters:
        - { name: x, in: query, schema: { type: string, pattern: "^acct_[a-z0-9_]{3,48}$" } }
        - { name: y, in: query, schema: { type: string, pattern: "^[a-z_]+(\\\\.[a-z_]+)+$" } }
      responses:
        "200": { description: ok }
`,
    });
    const { cat } = await genSpec(
      `${dir}/openapi.yaml`,
      "patterns",
      `${dir}/out`.replace(/^.*?test\//, "test/"),
    );
    const js = cat?.files.get("schemas.gen.mjs") ?? "";
    expect(js).toContain('rt.safe("^acct_[a-z0-9_]{3,48}$")');
    expect(js).toContain('rt.linear("^[a-z_]+(\\\\.[a-z_]+)+$")');
  });
});

describe("compiled once", () => {
  it("a safe pattern compiles no RE2 program for short inputs, and one for every long input after", () => {
    const source = "^zq_[a-z]{1,3}[0-9]*$";
    const before = compiledPrograms();
    const safe = [schemaRuntime.safe(source), schemaRuntime.safe(source)];
    for (let i = 0; i < 100; i++) for (const r of safe) expect(r.test(`zq_ab${i}`)).toBe(true);
    expect(compiledPrograms()).toBe(before);
    const long = `zq_a${"1".repeat(BOUNDED_PATTERN_INPUT)}`;
    for (let i = 0; i < 20; i++) for (const r of safe) expect(r.test(long)).toBe(true);
    expect(compiledPrograms()).toBe(before + 1);
  });

  it("a linear pattern is compiled once for every schema that uses it", () => {
    const source = "^(zr+)+$";
    const before = compiledPrograms();
    for (let i = 0; i < 50; i++) expect(schemaRuntime.linear(source).test("zrzr")).toBe(true);
    expect(compiledPrograms()).toBe(before + 1);
  });
});
