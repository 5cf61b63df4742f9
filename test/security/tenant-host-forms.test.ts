import { describe, expect, it } from "vitest";
import { lockedSourcesFixture, REPORTS_PATHS, resultText } from "../helpers/served-fixture.js";

/**
 * The tenant lock on a tenant carried in the upstream's host, for the forms a base URL naming another tenant's host
 * can take that the first reading missed (each sent every call, credentials and all, to that tenant's host):
 * a spec with several servers (`{tenant}.eu...` and `{tenant}.us...`: only the first was kept), a server variable
 * the spec uses but does not declare (no template was kept), an operation's own server template configured as the
 * base URL (it was read only while the base URL was the spec's server), the same host written with a port, a
 * trailing dot, another scheme (the template's is https, each URL here http) or another path than the template's.
 * The upstream is a real server on 127.0.0.1 reached as the HTTP proxy (NODE_USE_ENV_PROXY), so it sees each
 * request's Host.
 */

const REGIONS = `openapi: 3.0.3
info: { title: Regions, version: "1" }
servers:
  - url: http://{tenant}.eu.api.example.test/v1
    variables: { tenant: { default: demo } }
  - url: http://{tenant}.us.api.example.test/v1
    variables: { tenant: { default: demo } }
${REPORTS_PATHS}`;

const UNDECLARED = `openapi: 3.0.3
info: { title: Undeclared, version: "1" }
servers: [{ url: "http://{tenant}.x.example.test/v1" }]
${REPORTS_PATHS}`;

/** The document's server names no tenant; the path's own server does. */
const OWN = `openapi: 3.0.3
info: { title: Uploads, version: "1" }
servers: [{ url: http://api.example.test/v1 }]
paths:
  /reports:
    servers:
      - url: http://{tenant}.upload.example.test/v1
        variables: { tenant: { default: demo } }
    get:
      operationId: REPORTS_ID
      responses: { "200": { description: ok } }
`;

const HOSTED = `openapi: 3.0.3
info: { title: Hosted, version: "1" }
servers:
  - url: https://{tenant}.api.example.test/v1
    variables: { tenant: { default: demo } }
${REPORTS_PATHS}`;

/** Each source: its spec, and the base URL the operator configured. */
const SOURCES: Record<string, [spec: string, url: string]> = {
  us_other: [REGIONS, "http://globex.us.api.example.test/v1"],
  us_same: [REGIONS, "http://acme.us.api.example.test/v1"],
  eu_same: [REGIONS, "http://ACME.eu.api.example.test/v1"],
  undeclared: [UNDECLARED, "http://globex.x.example.test/v1"],
  undeclared_same: [UNDECLARED, "http://acme.x.example.test/v1"],
  own_other: [OWN, "http://globex.upload.example.test/v1"],
  own_same: [OWN, "http://acme.upload.example.test/v1"],
  port: [HOSTED, "http://globex.api.example.test:8080/v1"],
  dot: [HOSTED, "http://globex.api.example.test./v1"],
  path: [HOSTED, "http://globex.api.example.test/v2"],
  port_same: [HOSTED, "http://acme.api.example.test:8080/v2"],
  dot_same: [HOSTED, "http://acme.api.example.test./v1"],
};

const { call } = lockedSourcesFixture("tenant-host-forms", "forms", "FORM_TENANT", SOURCES);

describe("a base URL naming another tenant's host, in a form the spec's server template has", () => {
  it.each(["us_other", "undeclared", "own_other", "port", "dot", "path"])(
    "%s: refused before any request",
    async (s) => {
      const { result, sent } = await call(`${s}_reports`, {});
      expect(result.isError, resultText(result)).toBe(true);
      expect(resultText(result)).toContain(`the base URL of source '${s}' names another tenant`);
      expect(resultText(result)).not.toContain("globex");
      expect(sent).toEqual([]);
    },
  );

  it.each([
    ["us_same", "acme.us.api.example.test", "/v1/reports"],
    ["eu_same", "acme.eu.api.example.test", "/v1/reports"],
    ["undeclared_same", "acme.x.example.test", "/v1/reports"],
    ["own_same", "acme.upload.example.test", "/v1/reports"],
    ["port_same", "acme.api.example.test:8080", "/v2/reports"],
    ["dot_same", "acme.api.example.test.", "/v1/reports"],
  ])("%s: the locked tenant's host is sent there", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });
});
