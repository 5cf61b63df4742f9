import { describe, expect, it } from "vitest";
import { compileTemplate, expandTemplate, matchTemplate } from "../../src/mcp/uri-template.js";
import { keyPatternPlans } from "../../src/patterns/matcher.js";

// Listed resources (issue 13 item 11) are URIs made from API values: each must read back to exactly them.
describe("resource template URIs, both ways", () => {
  const secret = compileTemplate("scaivault://secrets/{tenant}/{path}");

  it("a spanning last variable keeps its slashes; every segment is percent-encoded on its own", () => {
    const values = { tenant: "acme", path: "integrations/salesforce/o auth%" };
    const uri = expandTemplate(secret, values);
    expect(uri).toBe("scaivault://secrets/acme/integrations/salesforce/o%20auth%25");
    expect(matchTemplate(secret, uri!)).toEqual(values);
  });

  it("an empty value makes no URI; a slash in a one-segment variable is encoded", () => {
    expect(expandTemplate(secret, { tenant: "", path: "a" })).toBeUndefined();
    const uri = expandTemplate(secret, { tenant: "a/b", path: "x" });
    expect(uri).toBe("scaivault://secrets/a%2Fb/x");
    expect(matchTemplate(secret, uri!)).toEqual({ tenant: "a/b", path: "x" });
  });

  it("a URI the client chose is matched on RE2: spanning variables against a URI built to backtrack", () => {
    // `x://{+a}-{+b}-{+c}.json` is `^x://(.+)-(.+)-(.+)\.json$`: cubic in the URI on a backtracking engine (10,000
    // dashes and a `!` are about 10^12 steps). The count of planned patterns is asserted first: on the code before
    // this test it fails there at once (a synchronous match would be beyond vitest's timeout).
    const spread = compileTemplate("x://{+a}-{+b}-{+c}.json");
    const before = keyPatternPlans.count;
    expect(matchTemplate(spread, "x://1-2/3-4.json")).toEqual({ a: "1", b: "2/3", c: "4" });
    expect(keyPatternPlans.count - before).toBe(1);
    expect(matchTemplate(spread, `x://${"-".repeat(10_000)}!`)).toBeUndefined();
    expect(matchTemplate(spread, `x://${"-".repeat(10_000)}.json`)).toEqual({
      a: "-".repeat(9_996),
      b: "-",
      c: "-",
    });
    expect(keyPatternPlans.count - before).toBe(1);
  });

  it("a template whose shape proves JavaScript's engine linear runs there; one of trading variables does not", () => {
    // `secrets/{tenant}/{path}`: the one-segment variable is followed by `/`, which it cannot match; the last one by
    // nothing. A URI built to make it backtrack is one pass either way.
    expect(secret.native).toBeInstanceOf(RegExp);
    expect(compileTemplate("x://{a}/{b}.json").native).toBeInstanceOf(RegExp);
    for (const template of ["x://{+a}-{+b}-{+c}.json", "x://{a}-{b}", "x://{+a}/{b}"]) {
      expect(compileTemplate(template).native, template).toBeUndefined();
    }
    const long = `scaivault://secrets/${"a".repeat(100_000)}`;
    expect(matchTemplate(secret, long)).toBeUndefined();
    expect(matchTemplate(secret, `${long}/${"b/".repeat(50_000)}c`)?.tenant).toHaveLength(100_000);
  });
});
