import { describe, expect, it } from "vitest";
import { sendJson } from "../helpers/recording-server.js";
import { lockedSourcesFixture, resultText, servedFixture } from "../helpers/served-fixture.js";

/**
 * Whether the configured base URL is the spec's server (so an operation's own server takes the call, and the tenant
 * lock reads that server) was decided on the text: `HTTP://API.example.test:80/v1/`, `.../v1/../v1` and `/%76%31`
 * are the spec's `http://api.example.test/v1`, yet were read as another base URL, so the call went there with the
 * operation's path under the wrong prefix (`/v1/reports` for the operation's `/v2/reports`), and the lock never read
 * the operation's own server (another tenant's). They are now compared by value (`src/config/url-value.ts`). The
 * upstream is a real server on 127.0.0.1 reached as the HTTP proxy (NODE_USE_ENV_PROXY), so it sees each Host.
 */

const OWN = `openapi: 3.0.3
info: { title: Own, version: "1" }
servers: [{ url: "http://api.example.test/v1" }]
paths:
  /reports:
    get:
      operationId: REPORTS_ID
      servers: [{ url: "http://upload.example.test/v2" }]
      responses: { "200": { description: ok } }
`;

const OTHER_TENANT = `openapi: 3.0.3
info: { title: Tenant, version: "1" }
servers: [{ url: "http://api.example.test/v1" }]
paths:
  /reports:
    get:
      operationId: REPORTS_ID
      servers:
        - url: "http://{tenant}.upload.example.test/v2"
          variables: { tenant: { default: globex } }
      responses: { "200": { description: ok } }
`;

const SOURCES: Record<string, [spec: string, url: string]> = {
  same: [OWN, "http://api.example.test/v1"],
  cased: [OWN, "HTTP://API.Example.test:80/v1/"],
  dots: [OWN, "http://api.example.test/x/../v1"],
  escaped: [OWN, "http://api.example.test/%76%31"],
  port: [OWN, "http://api.example.test:8080/v1"],
  path: [OWN, "http://api.example.test/V1"],
  lock_same: [OTHER_TENANT, "http://api.example.test/v1"],
  lock_cased: [OTHER_TENANT, "http://API.example.test:80/v1"],
};

const { call } = lockedSourcesFixture("base-url-value", "bases", "BASES_TENANT", SOURCES);

describe("a base URL that is the spec's server by value", () => {
  it.each([
    ["same", "upload.example.test", "/v2/reports"],
    ["cased", "upload.example.test", "/v2/reports"],
    ["dots", "upload.example.test", "/v2/reports"],
    ["escaped", "upload.example.test", "/v2/reports"],
  ])("%s: the operation's own server takes the call", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });

  it.each([
    ["port", "api.example.test:8080", "/v1/reports"],
    ["path", "api.example.test", "/V1/reports"],
  ])("%s: another server (port, path's letter case) takes the call itself", async (s, host, path) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.path])).toEqual([[host, path]]);
  });

  it.each(["lock_same", "lock_cased"])(
    "%s: the tenant lock reads the operation's own server, another tenant's: refused, nothing sent",
    async (s) => {
      const { result, sent } = await call(`${s}_reports`, {});
      expect(result.isError).toBe(true);
      expect(resultText(result)).toContain(
        "refused by BASES_TENANT: this server is locked to tenant acme and the operation's own server",
      );
      expect(resultText(result)).not.toContain("globex");
      expect(sent).toEqual([]);
    },
  );
});

/**
 * A redirect is followed only under the base URL's path; the path is compared with its percent-encoded unreserved
 * characters decoded (`/%76%31` is `/v1`), as it was compared by text (`/%76%31/moved` was outside `/v1`).
 */
const MOVED = `openapi: 3.0.3
info: { title: Moved, version: "1" }
servers: [{ url: "http://moved.example.test/v1" }]
paths:
  /reports:
    get:
      operationId: REPORTS_ID
      responses: { "200": { description: ok } }
`;

describe("a redirect under the base URL's path, written with escapes", () => {
  const files = {
    "cat/tools.yaml": `catalog: moved
env:
  PLAIN_URL: { type: url, description: "PLAIN_URL." }
  ESCAPED_URL: { type: url, description: "ESCAPED_URL." }
sources:
  plain: { openapi: ./plain.yaml, base_url: { env: PLAIN_URL } }
  escaped: { openapi: ./escaped.yaml, base_url: { env: ESCAPED_URL } }
select: [{ all: true }]
tools:
  plain_reports: { from: plainReports }
  escaped_reports: { from: escapedReports }
`,
    "cat/plain.yaml": MOVED.replace("REPORTS_ID", "plainReports"),
    "cat/escaped.yaml": MOVED.replace("REPORTS_ID", "escapedReports"),
  };
  const { call } = servedFixture(
    "base-url-redirect",
    files,
    (upstream) => ({
      PLAIN_URL: "http://plain.example.test/v1",
      ESCAPED_URL: "http://escaped.example.test/%76%31",
      NODE_USE_ENV_PROXY: "1",
      HTTP_PROXY: upstream,
    }),
    (req, res) => {
      if (req.path.endsWith("/moved")) return sendJson(res, 200, { ok: true });
      const to = req.headers.host === "plain.example.test" ? "/%76%31/moved" : "/v1/moved";
      res.writeHead(302, { location: to });
      res.end();
    },
  );

  it.each([
    ["plain", "plain.example.test", "/%76%31/moved"],
    ["escaped", "escaped.example.test", "/v1/moved"],
  ])("%s: followed to %s%s", async (s, host, moved) => {
    const { result, sent } = await call(`${s}_reports`, {});
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(sent.map((r) => [r.headers.host, r.url.replace(/^http:\/\/[^/]+/, "")])).toEqual([
      [host, s === "plain" ? "/v1/reports" : "/%76%31/reports"],
      [host, moved],
    ]);
  });
});
