import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A 304 Not Modified is a result only when the caller's own arguments made the request conditional with a
 * non-empty `If-None-Match` or `If-Modified-Since`: then the copy the caller holds is current. A conditional header
 * the operator set (a parameter sent from env) leaves the model holding no copy, and an empty value names no
 * version: each 304 is then an error saying the caller did not make the request conditional (and naming the
 * operator's header when one did). Generated, served over stdio to the SDK client, against a real upstream that
 * answers 304 to any request carrying either header.
 */
const SPEC = `openapi: 3.0.3
info: { title: Things, version: "1" }
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: If-None-Match, in: header, schema: { type: string } }
        - { name: If-Modified-Since, in: header, schema: { type: string } }
      responses:
        "200":
          description: the thing
          content: { application/json: { schema: { type: object, properties: { name: { type: string } } } } }
  /cached/{id}:
    get:
      operationId: getCached
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: If-None-Match, in: header, schema: { type: string } }
      responses:
        "200":
          description: the thing, through the operator's cache tag
          content: { application/json: { schema: { type: object, properties: { name: { type: string } } } } }
`;

const MANIFEST = `catalog: things
server: { name: things }
env:
  THINGS_URL: { type: url, description: Base URL. }
  THINGS_TAG: { required: true, description: The cache tag the operator sends. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: THINGS_URL }
tools:
  get_thing: { from: api#getThing }
  get_cached:
    from: api#getCached
    args: { If-None-Match: { env: THINGS_TAG } }
`;

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const dir = writeTree("not-modified", { "tools.yaml": MANIFEST, "api.yaml": SPEC });
  const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
  upstream = await startRecordingServer((req, res) => {
    // Any conditional header, even an empty one, is answered 304 (as a lax upstream or a cache in front does).
    if (req.headers["if-none-match"] !== undefined || req.headers["if-modified-since"] !== undefined) {
      res.writeHead(304, { etag: '"v1"' });
      return res.end();
    }
    return sendJson(res, 200, { name: "n" });
  });
  served = await serveOverStdio(out, { THINGS_URL: upstream.url, THINGS_TAG: '"v1"' });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

type Result = {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: unknown;
};

async function call(name: string, args: Record<string, unknown>): Promise<Result> {
  return (await served.client.callTool({ name, arguments: args })) as Result;
}

const UNASKED =
  /^the upstream answered HTTP 304 Not Modified to a request the caller did not make conditional \(its arguments set no If-None-Match or If-Modified-Since value\): a 304 answers only such a request, so this reply says nothing about the resource/;

describe("a 304 Not Modified", () => {
  it("is a result when the caller's arguments made the request conditional", async () => {
    for (const args of [
      { "If-None-Match": '"v1"' },
      { "If-Modified-Since": "Wed, 21 Oct 2026 07:28:00 GMT" },
    ]) {
      const same = await call("get_thing", { id: "1", ...args });
      expect(same.isError ?? false).toBe(false);
      expect(same.structuredContent).toEqual({});
      expect(same.content.at(-1)?.text).toMatch(
        /^note: the upstream answered HTTP 304 Not Modified \(ETag "v1"\)/,
      );
    }
  });

  it("is an error when only an empty conditional value was sent", async () => {
    for (const args of [
      { "If-None-Match": "" },
      { "If-Modified-Since": "" },
      { "If-None-Match": "", "If-Modified-Since": " " },
    ]) {
      const empty = await call("get_thing", { id: "1", ...args });
      expect(empty.isError).toBe(true);
      expect(empty.structuredContent).toBeUndefined();
      expect(empty.content[0]?.text).toMatch(UNASKED);
      expect(empty.content[0]?.text).toMatch(/a cache or proxy before the upstream may have answered it/);
    }
    // The empty header did reach the upstream: the 304 answered it.
    expect(upstream.received.at(-1)?.headers["if-none-match"]).toBe("");
  });

  it("is an error naming the operator's header when only a header from env made the request conditional", async () => {
    const cached = await call("get_cached", { id: "1" });
    expect(cached.isError).toBe(true);
    expect(cached.content[0]?.text).toMatch(UNASKED);
    expect(cached.content[0]?.text).toMatch(
      /\(the If-None-Match header the server's configuration sets made the request conditional, not the caller\); nothing was read/,
    );
    // The operator's value is not repeated in the error.
    expect(cached.content[0]?.text).not.toContain('"v1"');
    expect(upstream.received.at(-1)?.headers["if-none-match"]).toBe('"v1"');
  });
});
