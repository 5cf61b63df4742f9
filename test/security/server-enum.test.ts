import { describe, expect, it } from "vitest";
import { lockedSourcesFixture, REPORTS_PATHS, resultText } from "../helpers/served-fixture.js";

/**
 * A server variable's `enum` is the only values the spec says it takes (`https://{region}.api.example.test/v1`
 * with `region: { enum: [eu, us] }`). The runtime ignored it: a base URL of that server with another value
 * (`staging`, another tenant's host the lock let through because it was the locked one) was sent, credentials and
 * all. Now a call whose base URL a template reads with a value its enum does not list fails as a configuration
 * error before any request, naming the server, the variable and the values it takes (never the value read); a
 * listed value in any letter case, one of the spec's plain servers, and a base URL not of the template's form (a
 * proxy, a mock) are sent. The upstream is a real server on 127.0.0.1 reached as the HTTP proxy
 * (NODE_USE_ENV_PROXY), so it sees each request's Host.
 */

const REGIONS = `openapi: 3.0.3
info: { title: Regions, version: "1" }
servers:
  - url: http://{region}.api.example.test/v1
    variables: { region: { default: eu, enum: [eu, us] } }
  - url: http://api.example.test/v1
${REPORTS_PATHS}`;

const VERSIONS = `openapi: 3.0.3
info: { title: Versions, version: "1" }
servers:
  - url: http://api.example.test/{version}
    variables: { version: { default: v1, enum: [v1, v2] } }
${REPORTS_PATHS}`;

const TENANTS = `openapi: 3.0.3
info: { title: Tenants, version: "1" }
servers:
  - url: http://{tenant}.t.example.test/v1
    variables: { tenant: { default: demo, enum: [demo, acme] } }
${REPORTS_PATHS}`;

const FEW = `openapi: 3.0.3
info: { title: Few, version: "1" }
servers:
  - url: http://{tenant}.f.example.test/v1
    variables: { tenant: { default: demo, enum: [demo, globex] } }
${REPORTS_PATHS}`;

const SOURCES: Record<string, [spec: string, url: string | undefined]> = {
  stg: [REGIONS, "http://staging.api.example.test/v1"],
  labels: [REGIONS, "http://x.eu.api.example.test/v1"],
  upper: [REGIONS, "http://US.api.example.test/v1"],
  dflt: [REGIONS, undefined],
  plain: [REGIONS, "http://api.example.test/v1"],
  mock: [REGIONS, "MOCK"],
  v3: [VERSIONS, "http://api.example.test/v3"],
  v2: [VERSIONS, "http://api.example.test/v2/"],
  locked_in: [TENANTS, "http://acme.t.example.test/v1"],
  locked_out: [FEW, "http://acme.f.example.test/v1"],
};

const { call } = lockedSourcesFixture("server-enum", "enums", "ENUM_TENANT", SOURCES, {
  url: (configured, upstream) => (configured === "MOCK" ? `${upstream}/mock` : configured),
});

describe("a base URL holding a value its server variable's enum does not list", () => {
  it.each([
    ["stg", "http://{region}.api.example.test/v1", "region", "eu, us", "staging."],
    ["labels", "http://{region}.api.example.test/v1", "region", "eu, us", "x.eu"],
    ["v3", "http://api.example.test/{version}", "version", "v1, v2", "/v3"],
    ["locked_out", "http://{tenant}.f.example.test/v1", "tenant", "demo, globex", "acme."],
  ])(
    "%s: refused before any request, naming the values the variable takes",
    async (s, server, name, allowed, read) => {
      const { result, sent } = await call(`${s}_reports`, {});
      expect(result.isError, resultText(result)).toBe(true);
      expect(resultText(result)).toContain(
        `the base URL for '${s}' (${s.toUpperCase()}_URL) is of the spec's server ${server} with a value {${name}} does not take: the spec allows only ${allowed}; set it to that server with one of them, or add the value to the variable's enum (sources.${s}.patch)`,
      );
      expect(resultText(result)).not.toContain(read);
      expect(sent).toEqual([]);
    },
  );

  it.each([
    ["upper", "us.api.example.test", "/v1/reports"],
    ["dflt", "eu.api.example.test", "/v1/reports"],
    ["plain", "api.example.test", "/v1/reports"],
    ["v2", "api.example.test", "/v2/reports"],
    ["locked_in", "acme.t.example.test", "/v1/reports"],
  ])("%s: a value the enum lists (or a plain server) is sent", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });

  it("a base URL of no template's form (a mock) is sent as configured", async () => {
    const { result, sent } = await call("mock_reports", {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => r.path)).toEqual(["/mock/reports"]);
  });
});
