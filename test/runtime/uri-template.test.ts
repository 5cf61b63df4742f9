import { describe, expect, it } from "vitest";
import { compileTemplate, expandTemplate, matchTemplate } from "../../src/mcp/uri-template.js";

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
});
