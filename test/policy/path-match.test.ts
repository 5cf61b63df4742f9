import { describe, expect, it } from "vitest";
import {
  checkArea,
  checkListing,
  checkPath,
  hasAmbiguousCase,
  isUnder,
  parsePath,
  parsePrefix,
  type Scope,
} from "../../src/policy/path-match.js";

const seg = (text: string) => {
  const parsed = parsePrefix(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.segments;
};

describe("parsePath", () => {
  it.each([
    ["integrations/salesforce/oauth", ["integrations", "salesforce", "oauth"]],
    ["a", ["a"]],
    ["a.b/c-d_e", ["a.b", "c-d_e"]],
    ["..a/b..c", ["..a", "b..c"]],
  ])("accepts %j", (value, segments) => {
    expect(parsePath(value)).toEqual({ ok: true, segments });
  });

  it.each([
    ["", /empty/],
    ["..", /'\.' or '\.\.' segment/],
    [".", /'\.' or '\.\.' segment/],
    ["a/../b", /'\.' or '\.\.' segment/],
    ["a/./b", /'\.' or '\.\.' segment/],
    ["integrations/..", /'\.' or '\.\.' segment/],
    ["a//b", /empty segment/],
    ["/a/b", /starts with '\/'/],
    ["a/b/", /ends with '\/'/],
    ["%2e%2e/etc", /percent escape/],
    ["a/%2E%2E", /percent escape/],
    ["a/%2fb", /percent escape/],
    [".%2e/x", /percent escape/],
    ["a\\b", /backslash/],
    ["a?x=1", /'\?' or '#'/],
    ["a#f", /'\?' or '#'/],
    ["a;b", /';'/],
    ["a/..;/b", /';'/],
    ["a\u0000b", /control character/],
    ["a\nb", /control character/],
    ["a\u0085b", /control character/],
    ["ａ/b", /normalisation/],
    ["a/．．/b", /normalisation/],
    ["a/ b", /whitespace/],
    ["a /b", /whitespace/],
    ["a/.../b", /segment of dots and spaces only/],
    ["a/. ./b", /segment of dots and spaces only/],
    ["a/. .", /segment of dots and spaces only/],
    // Windows reads the dots before a stream's ':' as the segment: '..' or '.' there, with any list or none.
    ["a/..:x/b", /segment of dots and spaces only, or of them before a ':'/],
    ["a/..::$DATA", /before a ':'/],
    ["a/. . :$I30:$INDEX_ALLOCATION/b", /before a ':'/],
    ["apps/.:$DATA", /before a ':'/],
  ])("refuses %j", (value, problem) => {
    const parsed = parsePath(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});

describe("parsePrefix", () => {
  it("treats a trailing slash as optional and the empty prefix as everything", () => {
    expect(parsePrefix("integrations/")).toEqual({ ok: true, segments: ["integrations"] });
    expect(parsePrefix("integrations")).toEqual({ ok: true, segments: ["integrations"] });
    expect(parsePrefix("")).toEqual({ ok: true, segments: [] });
    expect(parsePrefix("/")).toEqual({ ok: true, segments: [] });
  });
  it("takes a leading slash only where operators write lists", () => {
    expect(parsePrefix("/integrations/").ok).toBe(false);
    expect(parsePrefix("/integrations/", { leadingSlash: true })).toEqual({
      ok: true,
      segments: ["integrations"],
    });
  });
  it.each(["a//", "../", "a/../", "%2e/", "a\\", "a?/", "a//b/"])("refuses %j", (value) => {
    expect(parsePrefix(value).ok).toBe(false);
  });
});

describe("isUnder", () => {
  it.each([
    ["a/b", "a", true],
    ["a/b", "a/b", true],
    ["a/bc", "a/b", false],
    ["a", "a/b", false],
    ["ab/c", "a", false],
    ["a/b/c", "", true],
  ])("%j under %j: %s", (path, prefix, want) => {
    expect(isUnder(seg(path), seg(prefix))).toBe(want);
  });
  it("is case-sensitive unless asked", () => {
    expect(isUnder(seg("Infra/db"), seg("infra"))).toBe(false);
    expect(isUnder(seg("Infra/db"), seg("infra"), true)).toBe(true);
  });
});

describe("checkPath", () => {
  const scope: Scope = {
    allow: [seg("integrations"), seg("apps/billing")],
    deny: [seg("integrations/stripe")],
  };
  it.each([
    ["integrations/salesforce/oauth", { ok: true }],
    ["apps/billing/smtp-password", { ok: true }],
    ["apps/billingx/y", { ok: false, by: "allow" }],
    ["apps/other", { ok: false, by: "allow" }],
    ["infra/db/primary/credentials", { ok: false, by: "allow" }],
    ["integrations/stripe/api-key", { ok: false, by: "deny", prefix: ["integrations", "stripe"] }],
    ["integrations/Stripe/api-key", { ok: false, by: "deny", prefix: ["integrations", "stripe"] }],
    ["integrations/stripe", { ok: false, by: "deny", prefix: ["integrations", "stripe"] }],
    ["integrations/stripe-old/key", { ok: true }],
    ["Integrations/salesforce/oauth", { ok: false, by: "allow" }],
  ])("%j -> %j", (path, verdict) => {
    expect(checkPath(seg(path), scope)).toEqual(verdict);
  });
  it("without lists everything passes; deny alone refuses only its prefixes", () => {
    expect(checkPath(seg("anything/at/all"), {})).toEqual({ ok: true });
    expect(checkPath(seg("infra/x"), { deny: [seg("infra")] })).toMatchObject({ ok: false, by: "deny" });
    expect(checkPath(seg("apps/x"), { deny: [seg("infra")] })).toEqual({ ok: true });
  });
});

describe("letter case under a deny list", () => {
  const scope: Scope = { deny: [seg("infra"), seg("classified")] };
  it.each([
    // Lower-casing maps these one to one: matched against the deny list as before.
    ["INFRA/db", { ok: false, by: "deny", prefix: ["infra"] }],
    ["CLASSIFIED/x", { ok: false, by: "deny", prefix: ["classified"] }],
    ["écoles/Ünïcode", { ok: true }],
    ["Σigma/x", { ok: true }],
    // Servers fold these differently: refused outright while a deny list is set.
    ["claßified/x", { ok: false, by: "case" }],
    ["CLAẞIFIED/x", { ok: false, by: "case" }],
    ["İnfra/db", { ok: false, by: "case" }],
    ["ınfra/db", { ok: false, by: "case" }],
    ["apps/σς", { ok: false, by: "case" }],
  ])("%j -> %j", (path, verdict) => {
    expect(checkPath(seg(path), scope)).toEqual(verdict);
  });
  it("without a deny list such letters are only matched exactly (allow lists can only narrow)", () => {
    expect(checkPath(seg("claßified/x"), {})).toEqual({ ok: true });
    expect(checkPath(seg("İnfra/db"), { allow: [seg("infra")] })).toEqual({ ok: false, by: "allow" });
    expect(hasAmbiguousCase(seg("integrations/salesforce"))).toBe(false);
  });
  it("a listing prefix too", () => {
    expect(checkListing(seg("İnfra"), scope)).toEqual({
      mode: "refused",
      verdict: { ok: false, by: "case" },
    });
    expect(checkListing(seg("apps"), scope).mode).toBe("inside");
  });
});

describe("segments Windows reads as another name, under a deny list", () => {
  const scope: Scope = { deny: [seg("infrastructure"), seg("infra"), seg("apps/billing")] };
  const infra = { ok: false, by: "deny", prefix: ["infra"] };
  const billing = { ok: false, by: "deny", prefix: ["apps", "billing"] };
  it.each([
    ["INFRAS~1/db", { ok: false, by: "alias" }],
    ["apps/:x", { ok: false, by: "alias" }],
    // A stream or trailing dots are compared by the name Windows opens: the file or folder before them.
    ["infra::$INDEX_ALLOCATION/db", infra],
    ["infra:$I30:$INDEX_ALLOCATION/db", infra],
    ["infra./db", infra],
    ["Infra .../db", infra],
    ["infra.:x/db", infra],
    ["apps/billing::$DATA", billing],
    ["apps/billing:x", billing],
    ["apps/billing.", billing],
    // ... and pass when that name is not denied.
    ["apps/urn:x:y", { ok: true }],
    ["apps/fe80::1", { ok: true }],
    ["Foo::Bar/x", { ok: true }],
    ["apps/v1./x", { ok: true }],
    ["apps/~home/x~", { ok: true }],
  ])("%j -> %j", (path, verdict) => {
    expect(checkPath(seg(path), scope)).toEqual(verdict);
  });
  it("a listing prefix and an area too; without a deny list only matched exactly", () => {
    expect(checkListing(seg("INFRAS~1"), scope)).toEqual({
      mode: "refused",
      verdict: { ok: false, by: "alias" },
    });
    expect(checkListing(seg("infra."), scope)).toEqual({ mode: "refused", verdict: infra });
    expect(checkListing(seg("apps."), scope)).toEqual({ mode: "filter" });
    expect(checkArea(seg("apps/:x"), scope)).toEqual({ ok: false, by: "alias" });
    expect(checkArea(seg("apps:x"), scope)).toEqual(billing);
    expect(checkPath(seg("urn:public/x"), { deny: [seg("urn:secret")] })).toEqual({
      ok: false,
      by: "deny",
      prefix: ["urn:secret"],
    });
    expect(checkPath(seg("infra./db"), {})).toEqual({ ok: true });
    expect(checkPath(seg("infra./db"), { allow: [seg("infra")] })).toEqual({ ok: false, by: "allow" });
    expect(checkPath(seg("INFRAS~1/db"), {})).toEqual({ ok: true });
    expect(checkPath(seg("INFRAS~1/db"), { allow: [seg("infrastructure")] })).toEqual({
      ok: false,
      by: "allow",
    });
  });
});

describe("checkListing", () => {
  const scope: Scope = {
    allow: [seg("integrations"), seg("apps/billing")],
    deny: [seg("integrations/stripe")],
  };
  it.each([
    ["integrations/salesforce", "inside"],
    ["apps/billing", "inside"],
    ["integrations", "filter"],
    ["apps", "filter"],
    ["", "filter"],
    ["integrations/stripe", "refused"],
    ["integrations/stripe/sub", "refused"],
    ["infra", "refused"],
    ["apps/other", "refused"],
    ["integ", "refused"],
  ])("prefix %j -> %s", (prefix, mode) => {
    expect(checkListing(seg(prefix), scope).mode).toBe(mode);
  });
  it("a deny list alone filters listings that cover a denied prefix", () => {
    expect(checkListing(seg(""), { deny: [seg("infra")] }).mode).toBe("filter");
    expect(checkListing(seg("apps"), { deny: [seg("infra")] }).mode).toBe("inside");
    expect(checkListing(seg("INFRA/db"), { deny: [seg("infra")] }).mode).toBe("refused");
  });
});
