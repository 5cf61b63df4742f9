import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A schema no value satisfies (`enum: []`, `not: {}` beside a type, an enum of another type) on one parameter or
 * property costs that one only: an optional one is published taking no value, with a located warning, and the rest
 * of the operation is callable; a required one makes the operation uncallable, so it is left out, located. Before,
 * 3.0's structure check left the whole operation out for an optional `enum: []` (and for `type: []`), while 3.1
 * published a tool with a required argument no value satisfies. An empty `oneOf`/`anyOf`/`type` list is read as
 * absent, said where it is.
 */
const spec = (version: string) => `openapi: ${version}
info: { title: Lists, version: "1" }
servers: [{ url: https://lists.example.com }]
paths:
  /search:
    get:
      operationId: search
      parameters:
        - { name: q, in: query, schema: { type: string } }
        - { name: sort, in: query, schema: { type: string, enum: [] } }
        - { name: mode, in: query, schema: { type: string, not: {} } }
        - { name: kind, in: query, schema: { oneOf: [] } }
        - { name: level, in: query, schema: { type: [] } }
      responses: { "200": { description: ok } }
  /pinned:
    get:
      operationId: pinned
      parameters:
        - { name: sort, in: query, required: true, schema: { type: string, enum: [] } }
      responses: { "200": { description: ok } }
  /notes:
    post:
      operationId: addNote
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [text]
              properties:
                text: { type: string }
                tag: { enum: [] }
      responses: { "200": { description: ok } }
  /stamps:
    post:
      operationId: addStamp
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [stamp]
              properties:
                stamp: { type: string, not: {} }
      responses: { "200": { description: ok } }
`;

for (const version of ["3.0.3", "3.1.0"]) {
  describe(`OpenAPI ${version}: a part no value satisfies costs that part`, () => {
    const served = servedSpec(
      `${writeTree(`empty-lists-${version}`, { "lists.yaml": spec(version) })}/lists.yaml`,
      "lists",
      `empty-lists-${version}-out`,
      (url) => ({ LISTS_BASE_URL: url }),
    );

    it("an optional part: the operation is a tool, each such part said where it is", async () => {
      const { tools } = await served.client().listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["add_note", "search"]);
      const said = served.diags.items
        .filter((d) => d.code === "TW134" && d.severity === "warning")
        .map((d) => [d.source?.pointer, d.message.split(":")[0]]);
      expect(said).toEqual(
        expect.arrayContaining([
          ["#/paths/~1search/get/parameters/1/schema/enum", "enum is empty"],
          ["#/paths/~1search/get/parameters/2/schema", "no value satisfies this schema"],
          ["#/paths/~1search/get/parameters/3/schema/oneOf", "oneOf is empty; read as absent"],
          ["#/paths/~1search/get/parameters/4/schema/type", "type is empty; read as absent"],
          [
            "#/paths/~1notes/post/requestBody/content/application~1json/schema/properties/tag/enum",
            "enum is empty",
          ],
        ]),
      );
      const ok = await served.call("search", { q: "x", kind: 1, level: "any" });
      expect(ok.result.isError).toBeFalsy();
      expect(ok.sent[0]?.url).toBe("/search?q=x&kind=1&level=any");
      const note = await served.call("add_note", { text: "hi" });
      expect(note.result.isError).toBeFalsy();
      expect(JSON.parse(note.sent[0]?.body.toString() ?? "")).toEqual({ text: "hi" });
    });

    it("a value for a part that takes none: a clear MCP error, nothing sent, the server keeps serving", async () => {
      for (const [tool, args] of [
        ["search", { q: "x", sort: "name" }],
        ["search", { mode: "fast" }],
        ["add_note", { text: "hi", tag: "t" }],
      ] as const) {
        const bad = await served.call(tool, args);
        expect(bad.result.isError, JSON.stringify(args)).toBe(true);
        expect(bad.sent).toEqual([]);
      }
      const again = await served.call("search", { q: "y" });
      expect(again.result.isError).toBeFalsy();
    });

    it("a required part: the operation is left out, located where the part is", () => {
      const left = served.diags.items
        .filter((d) => d.code === "TW139")
        .map((d) => [d.source?.pointer, d.message]);
      expect(left).toEqual([
        [
          "#/paths/~1pinned/get/parameters/0/schema",
          'GET /pinned is left out: required query parameter "sort" takes no value (its schema accepts none), so no call can be made',
        ],
        [
          "#/paths/~1stamps/post/requestBody/content",
          "POST /stamps is left out: the required request body takes no value (its schema accepts none), so no call can be made",
        ],
      ]);
    });
  });
}
