import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatLocation } from "../../codegen/diagnostics.js";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A tool's class (read, write, destructive) and its path scope are decided by its binding's method and URL. A
 * header or field that frameworks and proxies read as the request's real method or URL would let an argument make a
 * read a DELETE (past --read-only) or a POST a DELETE (past confirmation), or route the request elsewhere (IIS and
 * Symfony's X-Original-URL): no argument may set one, whether the spec declares it or an exploded object or a
 * free-form form body names it. Identity headers a proxy would trust (True-Client-IP and the like) are refused too.
 */

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /orders/{id}:
    get:
      operationId: getOrder
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: X-HTTP-Method-Override, in: header, schema: { type: string } }
        - { name: X-HTTP-Method, in: header, schema: { type: string } }
        - { name: X-Method-Override, in: header, schema: { type: string } }
        - { name: X-Original-URL, in: header, schema: { type: string } }
        - { name: X-Rewrite-URL, in: header, schema: { type: string } }
        - { name: True-Client-IP, in: header, schema: { type: string } }
        - { name: X-Forwarded-Prefix, in: header, schema: { type: string } }
        - { name: Proxy-Foo, in: header, schema: { type: string } }
        - { name: _method, in: query, schema: { type: string } }
        - { name: filter, in: query, style: form, explode: true, schema: { type: object, additionalProperties: { type: string } } }
        - { name: X-Request-Id, in: header, schema: { type: string } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /orders/{id}/notes:
    post:
      operationId: addOrderNote
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: { type: object, additionalProperties: { type: string } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

/** The declared parameters no caller may set. */
const DECLARED = [
  "X-HTTP-Method-Override",
  "X-HTTP-Method",
  "X-Method-Override",
  "X-Original-URL",
  "X-Rewrite-URL",
  "True-Client-IP",
  "X-Forwarded-Prefix",
  "Proxy-Foo",
  "_method",
];

const fixture = servedSpec(
  join(writeTree("method-override", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "orders",
  "method-override-out",
  (url) => ({ ORDERS_BASE_URL: url }),
  (req, res) => sendJson(res, 200, { method: req.method }),
);

async function refused(name: string, args: Record<string, unknown>, message: RegExp) {
  fixture.upstream().received.length = 0;
  const result = await fixture.client().callTool({ name, arguments: args });
  expect(result.isError, JSON.stringify(result.content)).toBe(true);
  expect((result.content as Array<{ text: string }>)[0]!.text).toMatch(message);
  expect(fixture.upstream().received).toEqual([]);
}

describe("arguments that would change the request's method or URL", () => {
  it("declared header and query parameters that would are not arguments, each with a located TW144 note", async () => {
    const tools = (await fixture.client().listTools()).tools;
    const args = Object.keys(
      (tools.find((t) => t.name === "get_order")!.inputSchema.properties ?? {}) as object,
    );
    expect(args.sort()).toEqual(["X-Request-Id", "filter", "id"].sort());
    const warned = fixture.diags.items
      .filter((d) => d.code === "TW144" && d.severity === "info")
      .map((d) => /(header|query) parameter "([^"]+)"/.exec(d.message)?.[2]);
    expect(warned.sort()).toEqual(DECLARED.sort());
    for (const d of fixture.diags.items.filter((d) => d.code === "TW144"))
      expect(formatLocation(d.source)).toMatch(/openapi\.yaml:\d+:\d+/);
  });

  it("a call naming one anyway is refused by the argument check, and nothing is sent", async () => {
    await refused("get_order", { id: "1", "X-HTTP-Method-Override": "DELETE" }, /X-HTTP-Method-Override/);
    await refused("get_order", { id: "1", _method: "DELETE" }, /_method/);
  });

  it("a query parameter _method made by an exploded object, in any spelling, is refused", async () => {
    // PHP drops a name's leading spaces (" _method" is Laravel's _method), and Rack those after a separator.
    for (const key of [
      "_method",
      "_METHOD",
      ".method",
      " method",
      "_method[]",
      " _method",
      "  _METHOD",
      "\t_method",
      // PHP ends a name at a NUL byte: "_method\0x" is Laravel's _method.
      "_method\u0000x",
      " _method\u0000",
    ])
      await refused(
        "get_order",
        { id: "1", filter: { [key]: "DELETE" } },
        /which frameworks read as the request's method/,
      );
  });

  it("a free-form form body cannot carry _method", async () => {
    await refused(
      "add_order_note",
      { id: "1", body: { note: "hi", _method: "DELETE" } },
      /cannot set the form field "_method"/,
    );
    await refused(
      "add_order_note",
      { id: "1", body: { note: "hi", " _method": "DELETE" } },
      /cannot set the form field " _method"/,
    );
    await refused(
      "add_order_note",
      { id: "1", body: { note: "hi", "_method\u0000": "DELETE" } },
      /cannot set the form field "_method\\u0000"/,
    );
  });

  it("without them, the calls go through as their binding says", async () => {
    fixture.upstream().received.length = 0;
    const read = await fixture.client().callTool({
      name: "get_order",
      arguments: { id: "1", "X-Request-Id": "r-1", filter: { status: "open" } },
    });
    expect(read.isError, JSON.stringify(read.content)).toBeFalsy();
    const note = await fixture.client().callTool({
      name: "add_order_note",
      arguments: { id: "1", body: { note: "hi" } },
    });
    expect(note.isError, JSON.stringify(note.content)).toBeFalsy();
    expect(
      fixture.upstream().received.map((r) => `${r.method} ${r.url} ${r.headers["x-request-id"] ?? ""}`),
    ).toEqual(["GET /orders/1?status=open r-1", "POST /orders/1/notes "]);
    expect(fixture.upstream().received[1]!.body.toString()).toBe("note=hi");
  });
});
