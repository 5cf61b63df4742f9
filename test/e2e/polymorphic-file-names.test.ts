import { describe, expect, it } from "vitest";
import { polymorphicFixture } from "../helpers/served-fixture.js";

/**
 * Schemas that are whole files (`$ref: ./models/square.yaml`), served over stdio to the MCP SDK client in front of
 * a real upstream on 127.0.0.1. A oneOf of such files, discriminated without a mapping, selects each by its
 * schema's name: the root component naming it (`Circle`), else its file's (`square`); before, the implicit value
 * was the reference's last segment, `square.yaml`, so a square was refused and `square.yaml` taken. A whole-file
 * schema that recurses is said by its file's name in tools/list (before: "Schema").
 */
const SPEC = `openapi: 3.1.0
info: { title: Items, version: "1" }
paths:
  /shapes:
    post:
      operationId: addShape
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf: [{ $ref: "./models/square.yaml" }, { $ref: "#/components/schemas/Circle" }]
              discriminator: { propertyName: kind }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
  /trees:
    post:
      operationId: addTree
      requestBody: { required: true, content: { application/json: { schema: { $ref: "./models/tree.yaml" } } } }
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
components:
  schemas:
    Circle: { $ref: "./models/circle.yaml" }
`;

const fx = polymorphicFixture(
  "polymorphic-file-names",
  {
    "openapi.yaml": SPEC,
    "models/square.yaml": `type: object
required: [kind, side]
properties: { kind: { type: string }, side: { type: number } }
`,
    "models/circle.yaml": `type: object
required: [kind, radius]
properties: { kind: { type: string }, radius: { type: number } }
`,
    "models/tree.yaml": `type: object
properties: { name: { type: string }, children: { type: array, items: { $ref: "#" } } }
`,
  },
  "  add_shape: { from: addShape, safety: read }\n  add_tree: { from: addTree, safety: read }",
);

describe("schemas that are whole files through served tools", () => {
  it("tools/list says each by its name", async () => {
    const { tools } = await fx.served().client.listTools();
    const shape = JSON.stringify(tools.find((t) => t.name === "add_shape")?.inputSchema);
    for (const value of ['"const":"square"', '"const":"Circle"']) expect(shape).toContain(value);
    expect(shape).not.toContain("square.yaml");
    const tree = JSON.stringify(tools.find((t) => t.name === "add_tree")?.inputSchema);
    expect(tree).toContain("The same shape as tree,");
    expect(`${shape}${tree}`).not.toMatch(/\bSchema\d*\b/);
  });

  it.each([
    ["a variant a file is, by its file's name", { kind: "square", side: 2 }],
    ["a variant a root component names, by its name", { kind: "Circle", radius: 1 }],
  ])("%s reaches the upstream whole", async (_, body) => {
    await fx.sentWhole("add_shape", body);
  });

  it("a file's name with its extension, or a variant's field wrong, is refused before any request; the server keeps serving", async () => {
    const ext = await fx.call("add_shape", { body: { kind: "square.yaml", side: 2 } });
    expect(ext.result.isError).toBe(true);
    expect(ext.sent).toEqual([]);
    const wrong = await fx.call("add_shape", { body: { kind: "square", side: "wide" } });
    expect(wrong.result.isError).toBe(true);
    expect(JSON.stringify(wrong.result.content)).toContain("side");
    expect(wrong.sent).toEqual([]);
    const tree = { name: "root", children: [{ name: "leaf", children: [] }] };
    const again = await fx.call("add_tree", tree);
    expect(again.result.isError ?? false).toBe(false);
    expect(JSON.parse(again.sent[0]?.body.toString("utf8") ?? "null")).toEqual(tree);
  });
});
