import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCatalog } from "../../codegen/write.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { ROOT } from "../helpers/paths.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A credential an upstream echoes one common encoding away (echoed-credentials.test.ts covers it as sent,
 * percent-, form- and JSON-escaped): inside the base64 of a larger text (a base64 JSON error holding the token, a
 * Basic header's pair quoted in a base64 debug dump) at each of the three offsets a 3-byte group allows, in either
 * base64 alphabet, padded or not; in hex; percent-encoded with lower-case digits; JSON-escaped as Go (`\u0026`) and
 * Python (`\u00e9`) write it. None may be recoverable from a result, an error or stderr. The oracle decodes every
 * base64 and hex run of the output at every alignment, and every escape, and looks for the credential.
 */

const SPEC = `openapi: 3.0.3
info: { title: Encoded, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    query_key: { type: apiKey, in: query, name: key }
    basic: { type: http, scheme: basic }
paths:
  /b64/{shift}:
    get:
      operationId: getB64
      security: [{ bearer: [] }]
      parameters: [{ name: shift, in: path, required: true, schema: { type: integer } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /mime/{shift}:
    get:
      operationId: getMime
      security: [{ bearer: [] }]
      parameters: [{ name: shift, in: path, required: true, schema: { type: integer } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /denied:
    get:
      operationId: getDenied
      security: [{ bearer: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /hex:
    get:
      operationId: getHex
      security: [{ bearer: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /basic:
    get:
      operationId: getBasic
      security: [{ basic: [] }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /escaped:
    get:
      operationId: getEscaped
      security: [{ query_key: [] }]
      responses:
        "200": { description: ok, content: { text/plain: { schema: { type: string } } } }
`;

const TOKEN = "tw-b64-canary-3c9e71d0";
/** `&`, `<` and `é`: Go escapes the first two in JSON, Python every non-ASCII character. */
const QUERY_KEY = "qk&<canary>é-41f2";
const USER = "alice";
const PASSWORD = "pw-b64-canary-8d2a";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const b64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** Whether `secret` can be read back from `text` by undoing one common encoding anywhere in it. */
function recoverable(text: string, secret: string): boolean {
  const decodings = [text];
  // Base64 runs as they are and with line breaks (and the blanks indenting or trailing a line) taken out (MIME, PEM,
  // an XML element's text, a YAML block; as sent or JSON-escaped).
  // Quote and comment prefixes after a break too: an email reply's `> `, a code comment's `# `, `// `, ` * `.
  const joined = text.replace(/[ \t]*(?:\\r|\\n|\r|\n)(?:[ \t]*(?:[>#*;]|\/\/(?=[ \t])))*[ \t]*/g, "");
  for (const run of [
    ...(text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []),
    ...(joined.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []),
  ]) {
    const std = run.replaceAll("-", "+").replaceAll("_", "/");
    for (let shift = 0; shift < 4; shift++)
      decodings.push(Buffer.from(std.slice(shift), "base64").toString());
  }
  for (const run of text.match(/[0-9a-fA-F]{8,}/g) ?? []) {
    for (let shift = 0; shift < 2; shift++) decodings.push(Buffer.from(run.slice(shift), "hex").toString());
  }
  decodings.push(
    text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    Buffer.from(
      text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      "latin1",
    ).toString("utf8"),
  );
  return decodings.some((decoded) => decoded.includes(secret));
}

/**
 * An email holding the token, base64 in 76-column CRLF lines (MIME) and in 64-column LF lines (PEM), the token at
 * the given offset of a 3-byte group and across a line break in both (its bytes span 40-62: lines end at 48 and 57).
 */
function wrappedBodies(shift: number, token: string): Record<(typeof WRAPPED)[number], string> {
  const body = `${"x".repeat(18 + shift)}Authorization: Bearer ${token}\r\n${"y".repeat(40)}`;
  const wrap = (width: number, eol: string, indent = "", trailing = "") =>
    b64(body)
      .match(new RegExp(`.{1,${width}}`, "g"))!
      .map((line) => `${indent}${line}${trailing}`)
      .join(eol);
  return {
    email: `Content-Transfer-Encoding: base64\r\n\r\n${wrap(76, "\r\n")}\r\n`,
    pem: `-----BEGIN MESSAGE-----\n${wrap(64, "\n")}\n-----END MESSAGE-----\n`,
    // Indented: an XML element's text (a SOAP attachment), a YAML block scalar whose lines carry trailing blanks.
    xml: `<Envelope>\n  <Data>\n${wrap(64, "\n", "    ")}\n  </Data>\n</Envelope>\n`,
    yaml: `payload: |\r\n${wrap(76, "\r\n", "\t", "  ")}\r\nnext: 1\r\n`,
    // Quoted in a reply (once, and twice as `> > `) and in code comments: a PEM key pasted in a `#`, `//` or `/** */`.
    quoted: `On Monday you wrote:\r\n> \r\n${wrap(76, "\r\n", "> ")}\r\n> > ${"z".repeat(20)}\r\n`,
    requoted: `>> earlier:\n${wrap(64, "\n", "> > ")}\n`,
    hash: `# key:\n${wrap(64, "\n", "# ")}\nx = 1\n`,
    slashes: `// key:\n${wrap(64, "\n", "    // ")}\n`,
    stars: `/**\n * key:\n${wrap(64, "\n", " * ")}\n */\n`,
  };
}

/** The texts `wrappedBodies` writes, each with the token's base64 across a line break. */
const WRAPPED = ["email", "pem", "xml", "yaml", "quoted", "requoted", "hash", "slashes", "stars"] as const;

const SECRETS = [TOKEN, QUERY_KEY, PASSWORD];
const leaked = (text: string) => SECRETS.filter((secret) => recoverable(text, secret));

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  upstream = await startRecordingServer((req, res) => {
    const token = String(req.headers.authorization).slice("Bearer ".length);
    const shifted = /^\/b64\/(\d)$/.exec(req.path);
    if (shifted) {
      // The token at each offset of a 3-byte group: 0, 1 or 2 bytes of prefix before the JSON.
      const error = `${"x".repeat(Number(shifted[1]))}${JSON.stringify({ error: "invalid_token", token })}`;
      return sendJson(res, 200, { padded: b64(error), url: b64url(error) });
    }
    const mime = /^\/mime\/(\d)$/.exec(req.path);
    if (mime) return sendJson(res, 200, wrappedBodies(Number(mime[1]), token));
    if (req.path === "/denied") {
      res.writeHead(401, { "content-type": "text/plain" });
      return res.end(`request rejected: ${b64(`{"authorization":"Bearer ${token}"}`)}`);
    }
    if (req.path === "/hex") {
      const hex = Buffer.from(token).toString("hex");
      return sendJson(res, 200, { lower: `sha-input:${hex}`, upper: hex.toUpperCase() });
    }
    if (req.path === "/basic") {
      const pair = Buffer.from(String(req.headers.authorization).slice(6), "base64").toString();
      return sendJson(res, 200, { dump: b64(`GET /basic HTTP/1.1\r\nX-Decoded-Pair: ${pair}\r\n`) });
    }
    if (req.path === "/escaped") {
      const key = req.query.get("key") ?? "";
      const go = JSON.stringify({ key }).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
      const py = JSON.stringify({ key }).replace(
        /[^\x00-\x7f]/g,
        (c) => `\\u00${c.charCodeAt(0).toString(16)}`,
      );
      const lower = encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(`go: ${go}\npython: ${py}\nnext: /escaped?key=${lower}&page=2\n`);
    }
  });
  const tree = writeTree("encoded-credentials", { "openapi.yaml": SPEC });
  const out = join(tree, "catalog");
  const { cat, diags } = await genSpec(join(tree, "openapi.yaml"), "encoded", out.slice(ROOT.length + 1));
  expect(errorsOf(diags)).toEqual([]);
  writeCatalog(ROOT, cat!);
  served = await serveOverStdio(out, {
    ENCODED_BASE_URL: upstream.url,
    ENCODED_TOKEN: TOKEN,
    ENCODED_API_KEY: QUERY_KEY,
    ENCODED_USERNAME: USER,
    ENCODED_PASSWORD: PASSWORD,
  });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

let calls = 0;
async function call(name: string, args: Record<string, unknown> = {}) {
  calls++;
  const result = await served.client.callTool({ name, arguments: args });
  // Sent, so there was something to leak.
  const wire = upstream.received.at(-1)!;
  expect(leaked(`${wire.url} ${JSON.stringify(wire.headers)}`).length, name).toBeGreaterThan(0);
  return result;
}

describe("credentials an upstream echoes one encoding away", () => {
  it.each([0, 1, 2])(
    "base64 of a JSON error holding the token, at offset %i: both alphabets",
    async (shift) => {
      const result = await call("get_b64", { shift });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(leaked(JSON.stringify(result))).toEqual([]);
      expect(JSON.stringify(result)).toContain("[redacted]");
    },
  );

  it.each([0, 1, 2])(
    "base64 in MIME (76 columns, CRLF) and PEM (64, LF) lines, indented, quoted or commented or not, the token across a break, at offset %i",
    async (shift) => {
      const result = await call("get_mime", { shift });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      const data = result.structuredContent as Record<(typeof WRAPPED)[number], string>;
      // The token's base64 crosses a line break in each (else this would test nothing new).
      expect(WRAPPED.filter((kind) => !data[kind].includes("[redacted]"))).toEqual([]);
      expect(leaked(JSON.stringify(result))).toEqual([]);
      // Every line break where it was; only the two lines the token crossed differ from what was sent.
      const sent = wrappedBodies(shift, TOKEN);
      for (const kind of WRAPPED) {
        const before = sent[kind].split("\n");
        const lines = data[kind].split("\n");
        expect(lines, kind).toHaveLength(before.length);
        expect(
          lines.filter((line, i) => line !== before[i]),
          kind,
        ).toHaveLength(2);
      }
    },
  );

  it.each([
    ["get_hex", "hex, either case"],
    ["get_basic", "the Basic pair decoded and quoted inside a base64 dump"],
    ["get_escaped", "JSON-escaped as Go and Python write it, percent-encoded in lower case"],
  ])("%s: %s", async (name) => {
    const result = await call(name);
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(leaked(JSON.stringify(result))).toEqual([]);
    for (const part of result.content as Array<{ text: string }>) expect(leaked(part.text)).toEqual([]);
  });

  it("an error quoting it in base64, and stderr, hold none", async () => {
    const result = await call("get_denied");
    expect(result.isError).toBe(true);
    expect(leaked(JSON.stringify(result))).toEqual([]);
    const stderr = await served.waitForStderr('"event":"tool_call"', calls);
    expect(leaked(stderr)).toEqual([]);
  });
});
