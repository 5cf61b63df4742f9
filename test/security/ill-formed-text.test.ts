import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Text that is not Unicode: a string argument holding a lone surrogate (`\ud800`, a JSON escape any client may
 * send) has no UTF-8 form. Percent-encoding it for a path, a query or a form body threw (`URIError: URI
 * malformed`) and the call ended as an "internal error"; a multipart body wrote it as U+FFFD, text the client never
 * sent, and a JSON body passed the escape on for the upstream's parser to guess at. Every such argument, at any
 * depth and as an object's key too, is now refused before any request, naming where it is; the server keeps
 * serving.
 */

const SPEC = `openapi: 3.0.3
info: { title: Texts, version: "1" }
servers: [{ url: "http://127.0.0.1:9" }]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: q, in: query, schema: { type: string } }
        - { name: filter, in: query, style: deepObject, explode: true, schema: { type: object, additionalProperties: { type: string } } }
        - { name: X-Tag, in: header, schema: { type: string } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /forms:
    post:
      operationId: postForm
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: { type: object, properties: { note: { type: string } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /uploads:
    post:
      operationId: postUpload
      requestBody:
        content:
          multipart/form-data:
            schema: { type: object, properties: { note: { type: string } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
  /records:
    post:
      operationId: postRecord
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name: { type: string }
                tags: { type: array, items: { type: string } }
                meta: { type: object, additionalProperties: true }
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object } } } }
`;

const { call, served } = servedSpec(
  join(writeTree("ill-formed-text", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "texts",
  "ill-formed-text-catalog",
  (url) => ({ TEXTS_BASE_URL: url }),
  (req, res) => sendJson(res, 200, { url: req.url }),
);

const text = (result: { content?: Array<{ text?: string }> }) => result.content?.[0]?.text ?? "";

describe("arguments holding text that is not Unicode (lone surrogates)", () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ["a path argument", "get_thing", { id: "a\ud800b" }, "id"],
    ["a query argument", "get_thing", { id: "a", q: "\udc00" }, "q"],
    ["a deepObject query argument's value", "get_thing", { id: "a", filter: { k: "x\ud800" } }, "filter.k"],
    ["a deepObject query argument's key", "get_thing", { id: "a", filter: { "k\udfff": "x" } }, "filter"],
    ["a header argument", "get_thing", { id: "a", "X-Tag": "\ud800" }, "X-Tag"],
    ["a form field", "post_form", { note: "n\ud800" }, "note"],
    ["a multipart field", "post_upload", { note: "n\udbff" }, "note"],
    ["a JSON body property", "post_record", { name: "\ud800" }, "name"],
    ["an array item", "post_record", { tags: ["ok", "b\ud800"] }, "tags[1]"],
    ["a free-form value deep inside", "post_record", { meta: { a: [{ b: "\udc00x" }] } }, "meta.a[0].b"],
    ["a free-form key", "post_record", { meta: { "\ud800": 1 } }, "meta"],
  ];

  it.each(cases)("%s is refused before any request, naming where it is", async (_what, tool, args, where) => {
    const { result, sent } = await call(tool, args);
    expect(sent).toEqual([]);
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^invalid arguments: /);
    expect(text(result)).toContain(`${where} `);
    expect(text(result)).toContain("lone surrogate");
    expect(text(result)).not.toContain("internal error");
  });

  it("well-formed text beyond the BMP and beyond ASCII is sent, and the server kept serving", async () => {
    const { result, sent } = await call("get_thing", {
      id: "caf\u00e9\ud83d\ude00",
      q: "\ud83d\ude00",
    });
    expect(result.isError).toBeFalsy();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe("/things/caf%C3%A9%F0%9F%98%80?q=%F0%9F%98%80");
    const body = await call("post_record", {
      name: "\ud83d\ude00",
      meta: { "\u00e9": "x" },
    });
    expect(body.result.isError).toBeFalsy();
    expect(JSON.parse(body.sent[0]!.body.toString())).toEqual({
      name: "\ud83d\ude00",
      meta: { "\u00e9": "x" },
    });
  });

  it("the refusal is audited as invalid arguments, and stderr has no internal error", async () => {
    await call("get_thing", { id: "\ud800" });
    const stderr = await served().waitForStderr(/"error":"invalid_arguments"/);
    expect(stderr).not.toContain("URIError");
    expect(stderr).not.toContain("internal error");
  });
});
