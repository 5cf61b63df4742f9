import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { callConfirmed } from "../helpers/mcp.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * 204 and 205 responses never carry content (RFC 9110 15.3.5, 15.3.6), yet specs give them a schema (ShipEngine's
 * `empty_response_body`, a string of length 0, on every 204 of 37 operations). Read as the output schema, it made
 * every call's empty reply an error ("does not match the tool's output schema: expected string, received null").
 * Found by the response sweep (test/corpus/responses). The first success that can carry a body is the output. No
 * answer to a HEAD carries content either (RFC 9110 9.3.2), though specs copy the GET's response onto it.
 */
const SPEC = `openapi: 3.0.0
info: { title: Empty, version: "1" }
servers: [{ url: "https://empty.example.com" }]
components:
  schemas:
    empty_response_body: { type: string, minLength: 0, maxLength: 0 }
    thing: { type: object, required: [name], properties: { name: { type: string } } }
paths:
  /batches/{id}:
    delete:
      operationId: deleteBatch
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "204":
          description: done
          content:
            application/json: { schema: { $ref: "#/components/schemas/empty_response_body" } }
            text/plain: { schema: { $ref: "#/components/schemas/empty_response_body" } }
        "400": { description: bad, content: { application/json: { schema: { type: object } } } }
  /forms/{id}:
    post:
      operationId: resetForm
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "205":
          description: reset
          content:
            application/json:
              schema: { type: object, required: [state], properties: { state: { type: string } } }
  /things/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    put:
      operationId: putThing
      responses:
        "200": { description: changed, content: { application/json: { schema: { $ref: "#/components/schemas/thing" } } } }
        "204": { description: unchanged, content: { application/json: { schema: { type: string } } } }
    get:
      operationId: getThing
      responses:
        "200": { description: the thing, content: { application/json: { schema: { $ref: "#/components/schemas/thing" } } } }
  /files/{id}:
    head:
      operationId: headFile
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200":
          description: the file's metadata, in headers
          content:
            application/json:
              schema: { type: object, required: [size], properties: { size: { type: integer } } }
`;

const served = servedSpec(
  join(writeTree("no-content", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "empty",
  "no-content-out",
  (url) => ({ EMPTY_BASE_URL: url }),
  (req, res) => {
    // The same tool answered 200 with its body, or 204 without one: /things/same is unchanged.
    if ((req.method === "PUT" || req.method === "GET") && req.path !== "/things/same") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"name":"n"}');
      return;
    }
    if (req.method === "HEAD") {
      // What a GET would send, described by its headers: a HEAD answer has no content (RFC 9110 9.3.2).
      res.writeHead(200, { "content-type": "application/json", "content-length": "12" });
      res.end();
      return;
    }
    res.writeHead(req.method === "POST" ? 205 : 204);
    res.end();
  },
);

describe("a success status that carries no content", () => {
  it("publishes no output schema from a 204's, a 205's or a HEAD's content, and its empty reply is a result", async () => {
    const listed = await served.client().listTools();
    const outputs = Object.fromEntries(listed.tools.map((t) => [t.name, t.outputSchema !== undefined]));
    expect(outputs).toEqual({
      delete_batch: false,
      reset_form: false,
      put_thing: true,
      get_thing: true,
      head_file: false,
    });
    const results: unknown[] = [];
    for (const name of ["delete_batch", "reset_form", "put_thing", "head_file"]) {
      // The official client validates structuredContent against the output schema it listed (it throws if not).
      const { result } = await callConfirmed(served.client(), name, { id: "1" });
      results.push([name, result.isError ?? false, result.structuredContent ?? null]);
    }
    expect(results).toEqual([
      ["delete_batch", false, null],
      ["reset_form", false, null],
      ["put_thing", false, { name: "n" }],
      ["head_file", false, null],
    ]);
  });

  it("a tool declaring a body and no content: 200 and 204 from the same tool are results the client accepts", async () => {
    const results: unknown[] = [];
    for (const id of ["1", "same"]) {
      // The official client validates structuredContent against the output schema it listed (it throws if not).
      const { result } = await callConfirmed(served.client(), "put_thing", { id });
      results.push([id, result.isError ?? false, result.structuredContent, result.content]);
    }
    expect(results).toEqual([
      ["1", false, { name: "n" }, [{ type: "text", text: '{"name":"n"}' }]],
      ["same", false, {}, [{ type: "text", text: "null" }]],
    ]);
    expect(served.served().stderr()).not.toMatch(/drift: tool put_thing/);
  });

  it("an empty reply where the spec declares only a body is a result, logged once as drift", async () => {
    const results: unknown[] = [];
    for (const id of ["1", "same", "same"]) {
      const { result } = await callConfirmed(served.client(), "get_thing", { id });
      results.push([id, result.isError ?? false, result.structuredContent]);
    }
    expect(results).toEqual([
      ["1", false, { name: "n" }],
      ["same", false, {}],
      ["same", false, {}],
    ]);
    const line =
      "drift: tool get_thing: the upstream answered 204 without content (an empty or null body) where the spec declares a body";
    await served.served().waitForStderr(line);
    const stderr = await served.served().stderrAtExit();
    expect(stderr.split(line).length - 1).toBe(1);
  });
});
