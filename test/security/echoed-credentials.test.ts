import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * An upstream that echoes its request back (httpbin-style debug endpoints, "your key is ...", an error page quoting
 * the Authorization header, a URL with the API key in its query) must not hand the server's credentials to the
 * model: every credential toolwright sends (bearer token, API keys in a header, the query or a cookie, the Basic
 * pair and its password), as sent or percent-encoded, is kept out of every result, success or error, JSON or
 * text, value or key. A user name is not a credential and stays.
 */

const SPEC = `openapi: 3.0.3
info: { title: Echo, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    header_key: { type: apiKey, in: header, name: X-Api-Key }
    query_key: { type: apiKey, in: query, name: key }
    cookie_key: { type: apiKey, in: cookie, name: sid }
    basic: { type: http, scheme: basic }
paths:
  /echo/{id}:
    get:
      operationId: getEcho
      security: [{ bearer: [] }]
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /text:
    get:
      operationId: getText
      security: [{ header_key: [] }]
      responses:
        "200": { description: ok, content: { text/plain: { schema: { type: string } } } }
  /query:
    get:
      operationId: getQuery
      security: [{ query_key: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /cookie:
    get:
      operationId: getCookie
      security: [{ cookie_key: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /basic:
    get:
      operationId: getBasic
      security: [{ basic: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /typed:
    get:
      operationId: getTyped
      security: [{ bearer: [] }]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { count: { type: integer } }, required: [count] }
  /dump:
    get:
      operationId: getDump
      security: [{ bearer: [] }]
      responses:
        "200": { description: ok, content: { application/octet-stream: { schema: { type: string, format: binary } } } }
  /denied:
    get:
      operationId: getDenied
      security: [{ bearer: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

const TOKEN = "tw-bearer-canary-7f3a91c2";
const HEADER_KEY = "tw-header-key-canary-b2d4e6";
/** Characters every encoder treats differently: encodeURIComponent leaves `*'()` alone, RFC 3986 does not. */
/** And `~` and a space, which a form-encoder (URLSearchParams) writes as `%7E` and `+`; `/`, which PHP escapes in JSON. */
const QUERY_KEY = "q*k'ey (canary)+/=&9~";
const COOKIE_KEY = "tw-cookie-canary-0c9d8e";
const USER = "alice";
const PASSWORD = "pw-canary-5e6f:x y";
const PAIR = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");

/** Every form a credential could come back in. */
function forms(value: string): string[] {
  const encoded = encodeURIComponent(value);
  const strict = encoded.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const json = JSON.stringify(value).slice(1, -1);
  const form = new URLSearchParams([["", value]]).toString().slice(1);
  return [...new Set([value, encoded, strict, form, json, json.replaceAll("/", "\\/")])];
}
const CANARIES = [TOKEN, HEADER_KEY, QUERY_KEY, COOKIE_KEY, PASSWORD, PAIR].flatMap(forms);

const fx = servedSpec(
  join(writeTree("echoed-credentials", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "echo",
  "echoed-credentials-catalog",
  (url) => ({
    ECHO_BASE_URL: url,
    ECHO_TOKEN: TOKEN,
    ECHO_HEADER_KEY_API_KEY: HEADER_KEY,
    ECHO_QUERY_KEY_API_KEY: QUERY_KEY,
    ECHO_COOKIE_KEY_API_KEY: COOKIE_KEY,
    ECHO_USERNAME: USER,
    ECHO_PASSWORD: PASSWORD,
  }),
  (req, res) => {
    const echo = { url: req.url, headers: req.headers };
    if (req.path.startsWith("/echo/")) return sendJson(res, 200, echo);
    if (req.path === "/text") {
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(`your key is ${req.headers["x-api-key"]}; all headers: ${JSON.stringify(req.headers)}`);
    }
    if (req.path === "/query") {
      // A next-page link rebuilt from the query (form-encoded), and the request quoted as JSON text (PHP's `\/`).
      const key = req.query.get("key") ?? "";
      const next = `/query?${new URLSearchParams({ key, page: "2" })}`;
      return sendJson(res, 200, {
        ...echo,
        key,
        next,
        quoted: JSON.stringify({ key }).replaceAll("/", "\\/"),
      });
    }
    if (req.path === "/cookie") return sendJson(res, 200, echo);
    if (req.path === "/basic") {
      const pair = Buffer.from(String(req.headers.authorization).slice(6), "base64").toString();
      const [login, password] = [pair.slice(0, pair.indexOf(":")), pair.slice(pair.indexOf(":") + 1)];
      return sendJson(res, 200, { login, password, authorization: req.headers.authorization });
    }
    // Off the output schema: the call fails with the data attached.
    if (req.path === "/typed") return sendJson(res, 200, { count: req.headers.authorization });
    if (req.path === "/dump") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return res.end(
        Buffer.concat([
          Buffer.from([0, 1, 0xff]),
          Buffer.from(`${req.headers.authorization}`),
          Buffer.from([0xfe]),
        ]),
      );
    }
    if (req.path === "/denied")
      return sendJson(res, 403, {
        message: `token ${TOKEN} may not read this`,
        [String(req.headers.authorization)]: true,
      });
  },
);

/** Every call this file makes, counted: each leaves one audit line on stderr. */
let calls = 0;
function call(params: { name: string; arguments: Record<string, unknown> }) {
  calls++;
  return fx.client().callTool(params);
}

function leaked(text: string): string[] {
  return CANARIES.filter((canary) => text.includes(canary));
}

/** A result's texts and, for JSON ones, every string in them: escaped once more by JSON.stringify(result), a
 * JSON-escaped canary there would not be seen. */
function strings(result: { content?: unknown }): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") out.push(v);
    else if (v !== null && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  for (const part of (result.content ?? []) as Array<{ text?: string }>) {
    if (typeof part.text !== "string") continue;
    out.push(part.text);
    try {
      walk(JSON.parse(part.text));
    } catch {}
  }
  return out;
}

describe("credentials an upstream echoes back", () => {
  it.each([
    ["get_echo", { id: "a" }, "authorization", "Bearer [redacted]"],
    ["get_text", {}, "x-api-key", "your key is [redacted];"],
    ["get_query", {}, "key", "?key=[redacted]&page=2"],
    ["get_cookie", {}, "cookie", "sid=[redacted]"],
    ["get_basic", {}, "authorization", '"login":"alice","password":"[redacted]"'],
  ])(
    "%s: the upstream received the credential; the result holds none of it",
    async (name, args, header, shown) => {
      fx.upstream().received.length = 0;
      const result = await call({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      const sent = fx.upstream().received[0]!;
      // Sent, so there was something to leak (a renamed variable would send nothing and pass for want of it).
      const wire = `${sent.url} ${JSON.stringify(sent.headers)}`;
      expect(leaked(wire).length, `the credential in ${header} was sent`).toBeGreaterThan(0);
      const text = JSON.stringify(result);
      expect(leaked(text)).toEqual([]);
      expect(strings(result).flatMap(leaked)).toEqual([]);
      expect(text).toContain(JSON.stringify(shown).slice(1, -1));
    },
  );

  it("an error that carries the data off the output schema, and an error body quoting it, hold none either", async () => {
    const typed = await call({ name: "get_typed", arguments: {} });
    expect(typed.isError).toBe(true);
    expect(JSON.stringify(typed)).toContain("Bearer [redacted]");
    const denied = await call({ name: "get_denied", arguments: {} });
    expect(denied.isError).toBe(true);
    for (const result of [typed, denied]) expect(leaked(JSON.stringify(result))).toEqual([]);
  });

  it("a binary body (an embedded resource's base64 blob) holds none", async () => {
    const result = await call({ name: "get_dump", arguments: {} });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const blocks = result.content as Array<{ type: string; resource?: { blob: string } }>;
    expect(blocks.map((b) => b.type)).toEqual(["text", "resource"]);
    expect(leaked(JSON.stringify(result))).toEqual([]);
    const bytes = Buffer.from(blocks[1]!.resource!.blob, "base64");
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0, 1, 0xff]));
    expect(bytes.subarray(3).toString("latin1")).toBe("Bearer [redacted]\u00fe");
    expect(leaked(bytes.toString("latin1"))).toEqual([]);
  });

  it("stderr (the audit log) holds none", async () => {
    // A call of its own (the test does not depend on the others having run), then every call's audit line: each
    // is written before its answer, but stderr is its own pipe, read after stdout's answers, so it is waited for.
    await call({ name: "get_basic", arguments: {} });
    const stderr = await fx.served().waitForStderr('"event":"tool_call"', calls);
    expect(stderr).toContain('"tool":"get_basic"');
    expect(leaked(stderr)).toEqual([]);
  });
});
