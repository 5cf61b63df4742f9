import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A redirect changes the request's method only where the Fetch standard does: a 301 or 302 turns a POST into a GET,
 * a 303 every method but GET and HEAD; a PUT, PATCH or DELETE answered 301 or 302 is sent again as itself, with its
 * body (it was sent as a GET, whose answer then stood for the write's). Where the method changes, the body goes
 * and with it every header that describes it (Content-Type, Content-Language, ...). Same-origin redirects keep
 * the credential; one to another origin is never followed, so that origin receives nothing.
 */

const METHODS = ["post", "put", "patch", "delete"] as const;

const SPEC = `openapi: 3.0.3
info: { title: Redirect methods, version: "1" }
components:
  securitySchemes:
    bearerAuth: { type: http, scheme: bearer }
security: [{ bearerAuth: [] }]
paths:
  /r/{code}:
${METHODS.map(
  (method) => `    ${method}:
      operationId: ${method}Thing
      parameters:
        - { name: code, in: path, required: true, schema: { type: string } }
        - { name: Content-Language, in: header, schema: { type: string } }
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, properties: { note: { type: string } } } } }
      responses: { "200": { description: ok } }
`,
).join("")}`;

const MANIFEST = `catalog: rm
env:
  RM_URL: { type: url, description: "RM_URL." }
  RM_TOKEN: { secret: true, required: true, description: "RM_TOKEN." }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: RM_URL }
    auth: { bearerAuth: { token: { env: RM_TOKEN } } }
select: [{ all: true }]
`;

const TOKEN = "rm-token-83b1c0d4";

let upstream: RecordingServer;
let elsewhere: RecordingServer;
let served: Served;

beforeAll(async () => {
  const src = writeTree("redirect-methods", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  elsewhere = await startRecordingServer((_req, res) => sendJson(res, 200, { stolen: true }));
  upstream = await startRecordingServer((req, res) => {
    const code = /^\/r\/([a-z0-9]+)$/.exec(req.path)?.[1];
    if (code === "away") {
      res.writeHead(307, { location: `${elsewhere.url}/r/done` });
      return res.end();
    }
    if (code !== undefined && /^30[1278]$|^303$/.test(code)) {
      res.writeHead(Number(code), { location: "/r/done" });
      return res.end();
    }
    return sendJson(res, 200, { method: req.method });
  });
  served = await serveOverStdio(dir, { RM_URL: upstream.url, RM_TOKEN: TOKEN });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
  await elsewhere?.close();
});

type Result = { isError?: boolean; content?: Array<{ text?: string }> };

async function call(
  method: string,
  code: string,
): Promise<{ result: Result; sent: typeof upstream.received }> {
  const before = upstream.received.length;
  const args = { code, "Content-Language": "de", note: "hello" };
  let result = (await served.client.callTool({ name: `${method}_thing`, arguments: args })) as Result;
  // A DELETE asks for confirmation first (nothing is sent): repeated with the token, it goes ahead.
  const token = /"confirmation_token":"([^"]+)"/.exec(result.content?.[0]?.text ?? "")?.[1];
  if (token !== undefined) {
    expect(upstream.received.length).toBe(before);
    result = (await served.client.callTool({
      name: `${method}_thing`,
      arguments: { ...args, confirmation_token: token },
    })) as Result;
  }
  return { result, sent: upstream.received.slice(before) };
}

/** Fetch's rule: which method the redirected request is sent with. */
function expectedMethod(status: number, method: string): string {
  if ((status === 301 || status === 302) && method === "POST") return "GET";
  if (status === 303) return "GET";
  return method;
}

describe("redirects change the method only as fetch does", () => {
  const cases = METHODS.flatMap((method) =>
    [301, 302, 303, 307, 308].map((status) => [method.toUpperCase(), status] as const),
  );
  it.each(cases)("%s answered %i", async (method, status) => {
    const { result, sent } = await call(method.toLowerCase(), String(status));
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent.map((r) => [r.method, r.path])).toEqual([
      [method, `/r/${status}`],
      [expectedMethod(status, method), "/r/done"],
    ]);
    const [first, second] = sent;
    expect(first!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(first!.body.toString())).toEqual({ note: "hello" });
    // Same origin: the credential goes along either way.
    expect(second!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    if (second!.method === method) {
      expect(JSON.parse(second!.body.toString())).toEqual({ note: "hello" });
      expect(second!.headers["content-type"]).toBe("application/json");
      expect(second!.headers["content-language"]).toBe("de");
    } else {
      // A GET: no body, and nothing that would describe one.
      expect(second!.body.length).toBe(0);
      for (const name of ["content-type", "content-language", "content-length", "transfer-encoding"])
        expect(second!.headers[name], name).toBeUndefined();
    }
  });

  it.each(METHODS)(
    "%s redirected to another origin: not followed, that origin receives nothing",
    async (method) => {
      const { result, sent } = await call(method, "away");
      expect(result.isError).toBe(true);
      expect(result.content?.[0]?.text).toMatch(/redirected to another origin/);
      expect(sent).toHaveLength(1);
      expect(elsewhere.received).toEqual([]);
    },
  );
});
