import { describe, expect, it } from "vitest";
import { normalPath, sameUrl, urlValue } from "../../src/config/url-value.js";

/**
 * The runtime compares base URLs by value (`src/config/url-value.ts`): the configured base URL against the spec's
 * server (whether an operation's own server takes the call, what the tenant lock reads), and the operator's
 * choice against the spec's default. Text compared as written read the same server as another one.
 */
describe("sameUrl: two http(s) URLs by value", () => {
  it.each([
    ["https://api.example.com:443/v1", "https://api.example.com/v1"],
    ["HTTPS://API.Example.com/v1", "https://api.example.com/v1"],
    ["https://api.example.com/v1/", "https://api.example.com/v1"],
    ["https://api.example.com/v1//", "https://api.example.com/v1"],
    ["https://api.example.com", "https://api.example.com/"],
    ["https://api.example.com/v1/../v1", "https://api.example.com/v1"],
    ["https://api.example.com/v1/./x/%2e%2E/", "https://api.example.com/v1"],
    ["https://api.example.com/%76%31", "https://api.example.com/v1"],
    ["https://api.example.com/a%7eb%2D%5F%2e", "https://api.example.com/a~b-_."],
    ["https://api.example.com/a%3ab", "https://api.example.com/a%3Ab"],
    ["http://api.example.com:80/v1", "http://api.example.com/v1"],
    ["http://api.example.com:0080/v1", "http://api.example.com/v1"],
    ["http://[::1]:80/", "http://[0:0:0:0:0:0:0:1]"],
    ["http://[::FFFF:127.0.0.1]/v1", "http://[::ffff:7f00:1]/v1"],
    ["https://[2001:DB8::1]:8443/v1", "https://[2001:db8:0::1]:8443/v1/"],
    ["http://2130706433/v1", "http://127.0.0.1/v1"],
    ["http://0x7f.1/v1", "http://127.0.0.1/v1"],
    ["https://Bücher.example/v1", "https://xn--bcher-kva.example/v1"],
    ["https://BÜCHER.example/v1", "https://bücher.example/v1"],
    ["https://api.example.com/v1?x=1", "https://api.example.com/v1/?x=1"],
    ["  https://api.example.com/v1\t", "https://api.example.com/v1"],
  ])("%s is %s", (a, b) => {
    expect(sameUrl(a, b)).toBe(true);
    expect(sameUrl(b, a)).toBe(true);
  });

  it.each([
    ["http://api.example.com:443/v1", "http://api.example.com/v1", "443 is not http's default port"],
    ["https://api.example.com:80/v1", "https://api.example.com/v1", "80 is not https's default port"],
    ["https://api.example.com:8443/v1", "https://api.example.com/v1", "another port"],
    ["http://api.example.com/v1", "https://api.example.com/v1", "another scheme"],
    [
      "https://api.example.com./v1",
      "https://api.example.com/v1",
      "a trailing dot (another origin to the URL standard)",
    ],
    ["https://api.example.com/V1", "https://api.example.com/v1", "a path keeps its letter case"],
    ["https://api.example.com/v1/x", "https://api.example.com/v1", "a longer path"],
    ["https://api.example.com/a%2Fb", "https://api.example.com/a/b", "an encoded slash is no slash"],
    ["https://api.example.com/v1?x=1", "https://api.example.com/v1", "a query"],
    ["https://[::1]/", "https://[::2]/", "another IPv6 address"],
    ["https://api.example.com.evil.test/v1", "https://api.example.com/v1", "another host"],
    ["https://xn--bcher-kva.example/v1", "https://bucher.example/v1", "another IDN"],
  ])("%s is not %s (%s)", (a, b) => {
    expect(sameUrl(a, b)).toBe(false);
    expect(sameUrl(b, a)).toBe(false);
  });

  it.each([
    ["https://user@api.example.com/v1", "userinfo"],
    ["https://user:pw@api.example.com/v1", "userinfo"],
    ["https://:pw@api.example.com/v1", "a password alone"],
    ["https://api.example.com/v1#x", "a fragment"],
    ["https://api.example.com/v1#", "an empty fragment"],
    ["ftp://api.example.com/v1", "another scheme than http(s)"],
    ["//api.example.com/v1", "a network-path reference"],
    ["/v1", "a path"],
    ["not a url", "no URL"],
    ["https://exa mple.com/", "a space in the host"],
    ["https://[::1/", "an unclosed IPv6 literal"],
    ["", "nothing"],
  ])("%j is refused (%s): equal to nothing, not even itself", (text) => {
    expect(urlValue(text)).toBeUndefined();
    expect(sameUrl(text, text)).toBe(false);
    expect(sameUrl(text, "https://api.example.com/v1")).toBe(false);
  });

  it("normalPath decodes the unreserved escapes only, and writes the others' hex in upper case", () => {
    expect(normalPath("/%41%7a%30%2d%2e%5f%7E")).toBe("/Az0-._~");
    expect(normalPath("/%2f%3a%25%20%c3%bc")).toBe("/%2F%3A%25%20%C3%BC");
    expect(normalPath("/%2541")).toBe("/%2541");
  });
});
