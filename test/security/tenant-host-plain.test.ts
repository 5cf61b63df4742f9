import { describe, expect, it } from "vitest";
import { lockedSourcesFixture, REPORTS_PATHS, resultText } from "../helpers/served-fixture.js";

/**
 * A spec's plain server (no variable) beside a `{tenant}` template server: the plain server is a fixed host the
 * spec names for every tenant (`api.example.test`), not a tenant's host. The lock read its first label as the
 * tenant (`api`) and refused every call sent there, the base URL left at that default or set to it. Now a base URL
 * that is one of the spec's plain servers, chosen by the operator (its env variable set, even to the spec's own
 * text), names no tenant and is sent; left as the spec's default it is still held (it may be a sample host written for
 * the reader, `your-domain.example.test`, and nobody chose it); a plain server that is the template written out with
 * its default (`demo.example.test` for `{tenant}` defaulting to demo) is that tenant's host and still held.
 * An operation's own plain server (the document's server a template) takes its calls while the base URL is the
 * spec's: it names no tenant either. The upstream is a real server on 127.0.0.1 reached as the HTTP proxy
 * (NODE_USE_ENV_PROXY), so it sees each request's Host.
 */

/** A plain server first (the base URL's default), a tenant's template second. */
const PLAIN_FIRST = `openapi: 3.0.3
info: { title: Mixed, version: "1" }
servers:
  - url: http://api.example.test/v1
  - url: http://{tenant}.example.test/v1
    variables: { tenant: { default: demo } }
${REPORTS_PATHS}`;

/** The template first; a plain server of the same form (a region) second. */
const PLAIN_SECOND = `openapi: 3.0.3
info: { title: Mixed, version: "1" }
servers:
  - url: http://{tenant}.example.test/v1
    variables: { tenant: { default: demo } }
  - url: http://eu.example.test/v1
${REPORTS_PATHS}`;

/** A path template: the plain server's path (`/v1`) is read as the tenant segment. */
const PATH = `openapi: 3.0.3
info: { title: Paths, version: "1" }
servers:
  - url: http://api.example.test/v1
  - url: http://api.example.test/{tenant}/v1
    variables: { tenant: { default: demo } }
${REPORTS_PATHS}`;

/** A plain server that is the template written out with its default: a tenant's host, not a fixed one. */
const SAMPLE = `openapi: 3.0.3
info: { title: Sample, version: "1" }
servers:
  - url: http://demo.example.test/v1
  - url: http://{tenant}.example.test/v1
    variables: { tenant: { default: demo } }
${REPORTS_PATHS}`;

/** The document's server is a tenant's template; the path's own server is plain. */
const OWN = `openapi: 3.0.3
info: { title: Own, version: "1" }
servers:
  - url: http://{tenant}.example.test/v1
    variables: { tenant: { default: demo } }
paths:
  /reports:
    servers: [{ url: http://files.example.test/v2 }]
    get:
      operationId: REPORTS_ID
      responses: { "200": { description: ok } }
  /status:
    get:
      operationId: STATUS_ID
      responses: { "200": { description: ok } }
`;

/** Each source: its spec, and the base URL the operator configured (none: the spec's first server). */
const SOURCES: Record<string, [spec: string, url: string | undefined]> = {
  first_default: [PLAIN_FIRST, undefined],
  first_chosen: [PLAIN_FIRST, "http://api.example.test/v1"],
  first_set: [PLAIN_FIRST, "http://API.example.test./v1/"],
  first_other: [PLAIN_FIRST, "http://globex.example.test/v1"],
  first_same: [PLAIN_FIRST, "http://acme.example.test/v1"],
  second_plain: [PLAIN_SECOND, "http://eu.example.test/v1"],
  second_default: [PLAIN_SECOND, undefined],
  path_default: [PATH, undefined],
  path_chosen: [PATH, "http://api.example.test/v1"],
  path_other: [PATH, "http://api.example.test/globex/v1"],
  path_same: [PATH, "http://api.example.test/acme/v1"],
  sample: [SAMPLE, undefined],
  own: [OWN, undefined],
};

const { call } = lockedSourcesFixture("tenant-host-plain", "plain", "PLAIN_TENANT", SOURCES, {
  extraTools: "  own_status: { from: ownStatus }\n",
});

describe("a spec's plain server beside a tenant's template, under the tenant lock", () => {
  it.each([
    ["first_chosen", "api.example.test", "/v1/reports"],
    ["first_set", "api.example.test.", "/v1/reports"],
    ["second_plain", "eu.example.test", "/v1/reports"],
    ["path_chosen", "api.example.test", "/v1/reports"],
    ["own", "files.example.test", "/v2/reports"],
  ])("%s: the plain server names no tenant and is sent there", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });

  it.each([
    ["first_same", "acme.example.test", "/v1/reports"],
    ["path_same", "api.example.test", "/acme/v1/reports"],
  ])("%s: the locked tenant's host is sent there", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });

  it.each(["first_other", "first_default", "second_default", "path_other", "path_default", "sample"])(
    "%s: another tenant's host is refused before any request",
    async (s) => {
      const { result, sent } = await call(`${s}_reports`, {});
      expect(result.isError, resultText(result)).toBe(true);
      expect(resultText(result)).toContain(`the base URL of source '${s}' names another tenant`);
      expect(resultText(result)).not.toMatch(/globex|demo/);
      expect(sent).toEqual([]);
    },
  );

  it("the document's template still holds the operations that go to the base URL", async () => {
    const { result, sent } = await call("own_status", {});
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain("the base URL of source 'own' names another tenant");
    expect(sent).toEqual([]);
  });
});
