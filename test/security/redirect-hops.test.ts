import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";
import { resultText, servedSpec } from "../helpers/served-fixture.js";

/**
 * How many redirects a served call follows, and where to. As fetch: 20 redirects are followed (a chain of 6 to 20
 * hops answers; before, the 5th redirect was refused), the 21st is an error, and so is a loop. Each hop carries the
 * configured credentials (bearer, apiKey header and cookie) within the base URL's origin; a redirect anywhere else is
 * never followed, so no other origin receives a request at all: another host name for the same server, another scheme
 * or port, a scheme-relative or backslashed Location, a non-http(s) URL, userinfo, or a Location that is no URL (it
 * failed as "the upstream request failed"). 307 and 308 keep the method and the body over every hop.
 */

const SPEC = `openapi: 3.0.3
info: { title: Hops, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    header_key: { type: apiKey, in: header, name: X-Api-Key }
    query_key: { type: apiKey, in: query, name: key }
    cookie_key: { type: apiKey, in: cookie, name: sid }
security: [{ bearer: [], header_key: [], query_key: [], cookie_key: [] }]
paths:
  /hop/{n}:
    get:
      operationId: getHop
      parameters: [{ name: n, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
    post:
      operationId: postHop
      parameters: [{ name: n, in: path, required: true, schema: { type: integer } }]
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, properties: { note: { type: string } } } } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /loop:
    get:
      operationId: getLoop
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /to/{where}:
    get:
      operationId: getTo
      parameters: [{ name: where, in: path, required: true, schema: { type: string } }]
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

const TOKEN = "hops-bearer-4a7c19";
const HEADER_KEY = "hops-header-key-83d2";
const QUERY_KEY = "hops-query-key-5b1e";
const COOKIE_KEY = "hops-cookie-key-c6f0";

let elsewhere: RecordingServer;
/** Where `/to/{where}` sends the caller, by name (set once both servers listen). */
let locations: Record<string, string> = {};

const fx = servedSpec(
  join(writeTree("redirect-hops", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "hops",
  "redirect-hops-catalog",
  (url) => ({
    HOPS_BASE_URL: url,
    HOPS_TOKEN: TOKEN,
    HOPS_HEADER_KEY_API_KEY: HEADER_KEY,
    HOPS_QUERY_KEY_API_KEY: QUERY_KEY,
    HOPS_COOKIE_KEY_API_KEY: COOKIE_KEY,
  }),
  (req, res) => {
    const hop = /^\/hop\/(\d+)$/.exec(req.path);
    if (hop) {
      const n = Number(hop[1]);
      if (n === 0) return sendJson(res, 200, { method: req.method, body: req.body.toString() });
      // A POST chain alternates 307 and 308, which both keep the method and the body.
      const status = req.method === "GET" ? 302 : n % 2 === 0 ? 307 : 308;
      res.writeHead(status, { location: `/hop/${n - 1}` });
      return res.end();
    }
    if (req.path === "/loop") {
      res.writeHead(302, { location: "/loop" });
      return res.end();
    }
    const to = /^\/to\/([a-z-]+)$/.exec(req.path)?.[1];
    if (to !== undefined && locations[to] !== undefined) {
      res.writeHead(302, { location: locations[to] });
      return res.end();
    }
  },
);

// After servedSpec's: the upstream listens, so its port is known.
beforeAll(async () => {
  elsewhere = await startRecordingServer((_req, res) => sendJson(res, 200, { stolen: true }));
  const port = new URL(fx.upstream().url).port;
  locations = {
    "other-name": `http://localhost:${port}/hop/0`,
    "other-scheme": `https://127.0.0.1:${port}/hop/0`,
    "other-port": `${elsewhere.url}/hop/0`,
    "scheme-relative": `//localhost:${port}/hop/0`,
    backslash: `/\\localhost:${port}/hop/0`,
    file: "file:///etc/passwd",
    ftp: `ftp://127.0.0.1:${port}/hop/0`,
    javascript: "javascript:alert(1)",
    data: "data:application/json,{}",
    userinfo: `http://user:pass@127.0.0.1:${port}/hop/0`,
    "no-url": "http://[::1/hop/0",
  };
});
afterAll(async () => {
  await elsewhere?.close();
});

async function call(name: string, args: Record<string, unknown>) {
  const { result, sent } = await fx.call(name, args);
  return { result, sent, text: resultText(result) };
}

describe("a chain of redirects within the base URL", () => {
  it.each([1, 6, 10, 19, 20])("of %i hops is followed, every hop with the credentials", async (n) => {
    const { result, sent } = await call("get_hop", { n });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent.map((r) => r.path)).toEqual(Array.from({ length: n + 1 }, (_, i) => `/hop/${n - i}`));
    for (const r of sent) {
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(r.headers["x-api-key"]).toBe(HEADER_KEY);
      expect(r.headers.cookie).toBe(`sid=${COOKIE_KEY}`);
    }
    // The query key is the first request's; a Location names its own query, as fetch sends it.
    expect(sent[0]!.query.get("key")).toBe(QUERY_KEY);
  });

  it("of 21 hops is refused at the 21st redirect, which is not followed", async () => {
    const { result, sent, text } = await call("get_hop", { n: 21 });
    expect(result.isError).toBe(true);
    expect(text).toMatch(
      /the upstream redirected more than 20 times \(HTTP 302[^)]*\); not followed further/,
    );
    expect(sent).toHaveLength(21);
  });

  it("that loops is refused after 20 redirects", async () => {
    const { result, sent, text } = await call("get_loop", {});
    expect(result.isError).toBe(true);
    expect(text).toMatch(/redirected more than 20 times/);
    expect(sent.map((r) => r.path)).toEqual(Array(21).fill("/loop"));
  });

  it("of 307 and 308 keeps the POST and its body over every hop", async () => {
    const { result, sent } = await call("post_hop", { n: 7, note: "kept" });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent).toHaveLength(8);
    for (const r of sent) {
      expect(r.method).toBe("POST");
      expect(r.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(r.body.toString())).toEqual({ note: "kept" });
      expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
  });
});

describe("a redirect out of the base URL's origin is not followed: no other origin receives anything", () => {
  const cases: Array<[string, RegExp]> = [
    ["other-name", /redirected to another origin/],
    ["other-scheme", /redirected to another origin/],
    ["other-port", /redirected to another origin/],
    ["scheme-relative", /redirected to another origin/],
    ["backslash", /redirected to another origin/],
    ["file", /redirected to a URL that is not http\(s\)/],
    ["ftp", /redirected to a URL that is not http\(s\)/],
    ["javascript", /redirected to a URL that is not http\(s\)/],
    ["data", /redirected to a URL that is not http\(s\)/],
    ["userinfo", /redirected to a URL with credentials in it/],
    ["no-url", /redirected to a Location that is no URL/],
  ];
  it.each(cases)("%s", async (where, message) => {
    const { result, sent, text } = await call("get_to", { where });
    expect(result.isError).toBe(true);
    expect(text).toMatch(message);
    expect(text).not.toContain(locations[where]!);
    // Only the first request reached the upstream (another host name for it would have been its second).
    expect(sent.map((r) => r.path)).toEqual([`/to/${where}`]);
    expect(elsewhere.received).toEqual([]);
  });

  it("and the server keeps serving", async () => {
    const { result } = await call("get_hop", { n: 2 });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
  });
});
