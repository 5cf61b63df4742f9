import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * A declared name whose `[` is never closed (`a[b`) is kept for its argument under PHP's reading too (`a_b`, `a.b`),
 * whether or not the call gives it: an exploded object's `a_b` key was sent while the argument was left out.
 */

const SPEC = `openapi: 3.0.3
info: { title: Brackets, version: "1" }
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: "page[size]", in: query, schema: { type: integer } }
        - { name: "page[number]", in: query, schema: { type: integer } }
        - { name: "filter[status]", in: query, schema: { type: string } }
        - { name: "filter[type]", in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /things:
    get:
      operationId: listThings
      parameters:
        - { name: filter, in: query, style: deepObject, explode: true, schema: { type: object, additionalProperties: { type: string } } }
        - { name: "filter[tenant]", in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /odd:
    get:
      operationId: listOdd
      parameters:
        - { name: "a[b", in: query, schema: { type: string } }
        - { name: opts, in: query, style: form, explode: true, schema: { type: object, additionalProperties: { type: string } } }
      responses: { "200": { description: ok } }
  /form:
    post:
      operationId: postForm
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                "meta[a]": { type: string }
                "meta[b]": { type: string }
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: br
env:
  BR_URL: { type: url, description: "BR_URL." }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: BR_URL }
select: [{ all: true }]
`;

let upstream: RecordingServer;
let served: Served;

beforeAll(async () => {
  const src = writeTree("bracket-names", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, {}));
  served = await serveOverStdio(dir, { BR_URL: upstream.url });
}, 120_000);

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

type Result = { isError?: boolean; content?: Array<{ text?: string }> };

async function call(name: string, args: Record<string, unknown>) {
  const before = upstream.received.length;
  const result = (await served.client.callTool({ name, arguments: args })) as Result;
  return { result, sent: upstream.received.slice(before) };
}

describe("names PHP reads otherwise", () => {
  it("an unclosed a[b is kept for its argument as PHP reads it (a_b, a.b), also when the call leaves it out", async () => {
    for (const key of ["a_b", "a.b", "A_B", "a b"]) {
      const { result, sent } = await call("list_odd", { opts: { [key]: "x" } });
      expect(result.isError, key).toBe(true);
      expect(result.content?.[0]?.text).toMatch(/belongs to argument/);
      expect(sent, key).toEqual([]);
    }
    const fine = await call("list_odd", { opts: { c: "x" } });
    expect(fine.result.isError, JSON.stringify(fine.result)).toBeFalsy();
    expect(fine.sent[0]!.url).toBe("/odd?c=x");
  });
});
