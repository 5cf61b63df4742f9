import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genToDisk, writeTree } from "../helpers/generate.js";
import { type Served, serveOverStdio } from "../helpers/mcp.js";
import { type RecordingServer, sendJson, startRecordingServer } from "../helpers/recording-server.js";

/**
 * `_method` in a request BODY other than a urlencoded form. Laravel reads the method override from the request's
 * input, which is the JSON body for a JSON request (Request::createFromBase, and capture() turns the override on);
 * Laravel, Symfony and Rails' Rack::MethodOverride read it from a multipart body. A POST tool (a write, run without
 * confirmation) given `{"_method": "DELETE"}` in a free-form JSON or multipart body, or in a body property the spec
 * declares, ran as a DELETE past confirmation (and past --read-only for a POST a manifest marks read). Urlencoded
 * form fields were refused already (method-override.test.ts); every body encoding is now.
 */

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: "1" }
paths:
  /orders/{id}/notes:
    post:
      operationId: addNote
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          application/json:
            schema: { type: object, additionalProperties: true }
      responses: { "200": { description: ok } }
  /orders/{id}/files:
    post:
      operationId: attachFile
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object, additionalProperties: { type: string } }
      responses: { "200": { description: ok } }
  /orders/{id}/tags:
    post:
      operationId: tagOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          application/json:
            schema: { type: object, properties: { tag: { type: string }, _method: { type: string } } }
      responses: { "200": { description: ok } }
  /orders/{id}/labels:
    post:
      operationId: labelOrder
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object, properties: { label: { type: string }, _method: { type: string } } }
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: bodies
env:
  BODIES_URL: { type: url, description: "BODIES_URL." }
sources:
  api: { openapi: ./openapi.yaml, base_url: { env: BODIES_URL } }
select: [{ all: true }]
`;

let upstream: RecordingServer;
let served: Served;
let tools: Array<{ name: string; inputSchema: { properties?: Record<string, unknown> } }>;

beforeAll(async () => {
  const src = writeTree("body-method-override", { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST });
  const { dir } = await genToDisk(join(src, "cat/tools.yaml"), join(src, "out"));
  upstream = await startRecordingServer((_req, res) => sendJson(res, 200, { ok: true }));
  served = await serveOverStdio(dir, { BODIES_URL: upstream.url });
  tools = (await served.client.listTools()).tools as typeof tools;
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

type Result = { isError?: boolean; content?: Array<{ text?: string }> };

/** The tool's one body argument (a free-form body is one argument) or its declared `_method` argument. */
function argsFor(tool: string, method: string, extra: Record<string, unknown>): Record<string, unknown> {
  const properties = Object.keys(tools.find((t) => t.name === tool)?.inputSchema.properties ?? {});
  const declared = properties.find((p) => p !== "id" && /method/i.test(p));
  if (declared) return { id: "o1", [declared]: method, ...extra };
  const body = properties.find((p) => p !== "id")!;
  return { id: "o1", [body]: { note: "x", _method: method } };
}

describe("no request body may carry a method override", () => {
  it.each([
    ["a free-form JSON body", "add_note", {}],
    ["a free-form multipart body", "attach_file", {}],
    ["a JSON body property the spec declares", "tag_order", { tag: "t" }],
    ["a multipart part the spec declares", "label_order", { label: "l" }],
  ])("%s: refused before any request", async (_label, tool, extra) => {
    const before = upstream.received.length;
    const result = (await served.client.callTool({
      name: tool,
      arguments: argsFor(tool, "DELETE", extra),
    })) as Result;
    expect(result.isError, JSON.stringify(result)).toBe(true);
    expect(result.content?.[0]?.text).toMatch(/which frameworks read as the request's method/);
    expect(upstream.received.length).toBe(before);
  });

  it("the same bodies without it are sent", async () => {
    const before = upstream.received.length;
    const note = (await served.client.callTool({
      name: "add_note",
      arguments: { id: "o1", ...bodyOnly("add_note", { note: "x", method: "card" }) },
    })) as Result;
    expect(note.isError, JSON.stringify(note)).toBeFalsy();
    expect(JSON.parse(upstream.received[before]!.body.toString())).toEqual({ note: "x", method: "card" });
  });
});

function bodyOnly(tool: string, value: Record<string, unknown>): Record<string, unknown> {
  const properties = Object.keys(tools.find((t) => t.name === tool)?.inputSchema.properties ?? {});
  return { [properties.find((p) => p !== "id")!]: value };
}
