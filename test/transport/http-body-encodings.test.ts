import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INITIALIZE, MCP_HEADERS, raw } from "./raw-http.js";
import { FIXTURE_KEY, fixtureCatalog, fixtureEnv, type Served, serveHttp } from "./serve-http.js";

// A POST body is JSON text, read as UTF-8 bytes (RFC 8259 8.1). One whose headers say it is something else (a
// content coding, another charset) is refused with 415 before it is read, and bytes that are not UTF-8 are a
// parse error: before, the server ran the raw bytes whatever the headers said (a body declared `br` but sent
// plain was run, while a proxy or filter reading it as declared saw another), and decoded invalid UTF-8 as U+FFFD.

let served: Served;
const auth = { authorization: `Bearer ${FIXTURE_KEY}` };

beforeAll(async () => {
  served = await serveHttp(await fixtureCatalog(), fixtureEnv(), { args: ["--sse"] });
});
afterAll(async () => {
  expect(await served.stop()).toBe(0);
  expect(served.stderr()).not.toContain(FIXTURE_KEY);
});

const echo = (text: string, id = 7) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "fixture_echo", arguments: { text } },
  });

/** An echo call whose text holds `bytes` as they are (not UTF-8 text in the JSON string). */
function echoWithBytes(bytes: number[]): Buffer {
  const [head, tail] = echo("@@").split("@@") as [string, string];
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
}

function errorOf(body: string): { code: number; message: string } {
  return (JSON.parse(body) as { error: { code: number; message: string } }).error;
}

describe("the MCP endpoint", () => {
  it.each([
    ["gzip", gzipSync(INITIALIZE)],
    ["deflate", deflateSync(INITIALIZE)],
    ["br", brotliCompressSync(INITIALIZE)],
    // Declared but not applied: run as plain JSON before.
    ["br", Buffer.from(INITIALIZE)],
    ["GZIP", Buffer.from(INITIALIZE)],
    ["identity, gzip", gzipSync(INITIALIZE)],
    ["x-custom", Buffer.from(INITIALIZE)],
  ])("refuses a body declared Content-Encoding %j with 415, naming it, unread", async (coding, body) => {
    const res = await raw(served.url, {
      headers: { ...MCP_HEADERS, ...auth, "content-encoding": coding },
      body,
    });
    expect(res.status).toBe(415);
    expect(res.headers["accept-encoding"]).toBe("identity");
    expect(errorOf(res.body).message).toBe(
      `Unsupported Media Type: the request body is encoded (Content-Encoding ${JSON.stringify(coding)}); send it unencoded`,
    );
  });

  it.each([
    ["gzip, chunked", gzipSync(INITIALIZE)],
    // Declared but not applied: read by its chunks and run as plain JSON before.
    ["gzip, chunked", Buffer.from(INITIALIZE)],
    ["deflate,chunked", Buffer.from(INITIALIZE)],
    ["x-custom , Chunked", Buffer.from(INITIALIZE)],
  ])("refuses a body sent with Transfer-Encoding %j with 501, naming it", async (coding, body) => {
    for (const path of ["/mcp", "/healthz"]) {
      const res = await raw(served.url, {
        path,
        headers: { ...MCP_HEADERS, ...auth, "transfer-encoding": coding },
        body,
        chunked: true,
      });
      expect(res.status, path).toBe(501);
      expect(errorOf(res.body).message).toBe(
        `Not Implemented: the request body is sent with Transfer-Encoding ${JSON.stringify(coding)}, and no transfer coding but chunked is read; send it unencoded (chunked, or with a Content-Length)`,
      );
    }
  });

  it("serves a body declared identity, or a charset of UTF-8 in any spelling", async () => {
    const variants: Record<string, string>[] = [
      { "content-encoding": "identity" },
      { "content-encoding": "Identity" },
      { "content-type": "application/json; charset=utf-8" },
      { "content-type": 'application/json;charset="UTF-8"' },
      { "content-type": "application/json; charset=utf8" },
      // US-ASCII is a subset of UTF-8: an ASCII body under its names was refused 415 before.
      { "content-type": "application/json; charset=us-ascii" },
      { "content-type": 'application/json; charset="US-ASCII"' },
      { "content-type": "application/json; charset=ascii" },
    ];
    for (const headers of variants) {
      const res = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, ...headers },
        body: INITIALIZE,
      });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.body).toContain('"serverInfo"');
    }
  });

  it.each([
    ["utf-16", Buffer.from(`\ufeff${INITIALIZE}`, "utf16le")],
    ["UTF-16LE", Buffer.from(INITIALIZE, "utf16le")],
    ["iso-8859-1", Buffer.from(INITIALIZE, "latin1")],
    ["", Buffer.from(INITIALIZE)],
  ])("refuses a body declared charset=%j with 415", async (charset, body) => {
    const res = await raw(served.url, {
      headers: { ...MCP_HEADERS, ...auth, "content-type": `application/json; charset=${charset}` },
      body,
    });
    expect(res.status).toBe(415);
    expect(errorOf(res.body).message).toBe(
      `Unsupported Media Type: the request body is read as UTF-8, as JSON text is (RFC 8259), not as charset ${JSON.stringify(charset)}`,
    );
  });

  it.each([
    ["a byte that starts no character", [0xff]],
    ["a Latin-1 é", [0xe9]],
    ["a character cut short", [0xe2, 0x82]],
    ["an overlong slash", [0xc0, 0xaf]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
  ])("answers a body that is not UTF-8 (%s) with a parse error, never run", async (_what, bytes) => {
    const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: echoWithBytes(bytes) });
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toEqual({
      code: -32700,
      message: "Parse error: the request body is not UTF-8 text (JSON text is UTF-8, RFC 8259)",
    });
    expect(res.body).not.toContain("fixture_echo");
  });

  it("answers a body declared US-ASCII that is not (UTF-8 é, a Latin-1 é) with a parse error naming the charset, never run", async () => {
    for (const bytes of [[0xc3, 0xa9], [0xe9]]) {
      const res = await raw(served.url, {
        headers: { ...MCP_HEADERS, ...auth, "content-type": "application/json; charset=us-ascii" },
        body: echoWithBytes(bytes),
      });
      expect(res.status).toBe(400);
      expect(errorOf(res.body)).toEqual({
        code: -32700,
        message:
          'Parse error: the request body is not US-ASCII text, as its Content-Type says (charset "us-ascii")',
      });
      expect(res.body).not.toContain("fixture_echo");
    }
  });

  it("still serves UTF-8 beyond ASCII, a byte order mark, and the same call after the refusals", async () => {
    const text = "café ☕ 𝄞";
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(INITIALIZE)]);
    expect((await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: withBom })).status).toBe(200);
    const res = await raw(served.url, { headers: { ...MCP_HEADERS, ...auth }, body: echo(text) });
    expect(res.status).toBe(200);
    expect(res.body).toContain(text);
  });
});

describe("the legacy SSE endpoint's POSTs", () => {
  it("refuse an encoded body, a charset other than UTF-8 and bytes that are not UTF-8; the session keeps serving", async () => {
    const controller = new AbortController();
    try {
      const stream = await fetch(`${served.origin}/sse`, {
        headers: { ...auth, accept: "text/event-stream" },
        signal: controller.signal,
      });
      const reader = stream.body!.getReader();
      let events = "";
      while (!/data: (\/messages\?sessionId=\S+)/.test(events))
        events += Buffer.from((await reader.read()).value ?? []).toString("utf8");
      const endpoint = `${served.origin}${/data: (\/messages\?sessionId=\S+)/.exec(events)![1]!}`;
      const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
        raw(endpoint, {
          path: new URL(endpoint).pathname + new URL(endpoint).search,
          headers: { ...auth, "content-type": "application/json", ...headers },
          body,
        });
      const initialize = JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2024-11-05",
          capabilities: {},
          clientInfo: { name: "sse", version: "1" },
        },
      });
      const gz = await post(gzipSync(initialize), { "content-encoding": "gzip" });
      expect(gz.status).toBe(415);
      expect(errorOf(gz.body).message).toContain('(Content-Encoding "gzip"); send it unencoded');
      const plainBr = await post(initialize, { "content-encoding": "br" });
      expect(plainBr.status).toBe(415);
      const utf16 = await post(Buffer.from(initialize, "utf16le"), {
        "content-type": "application/json; charset=utf-16le",
      });
      expect(utf16.status).toBe(415);
      const ascii = { "content-type": "application/json; charset=us-ascii" };
      expect((await post(echoWithBytes([0xe9]), ascii)).status).toBe(400);
      const notUtf8 = await post(echoWithBytes([0xff]));
      expect(notUtf8.status).toBe(400);
      expect(errorOf(notUtf8.body).code).toBe(-32700);
      // A body that is not JSON: the JSON-RPC parse error, as /mcp answers it (it was -32000, a server error).
      const notJson = await post("hunter2-password {");
      expect(notJson.status).toBe(400);
      expect(errorOf(notJson.body)).toEqual({ code: -32700, message: "Parse error: the body is not JSON" });
      expect((await post(initialize, ascii)).status).toBe(202);
      expect(
        (await post(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }))).status,
      ).toBe(202);
    } finally {
      controller.abort();
    }
  });
});
