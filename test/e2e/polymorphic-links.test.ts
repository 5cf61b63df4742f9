import { describe, expect, it } from "vitest";
import { polymorphicFixture } from "../helpers/served-fixture.js";

/**
 * Files that only name another schema (links), served over stdio to the MCP SDK client, which checks each result's
 * structuredContent against the published output schema, in front of a real upstream on 127.0.0.1 that echoes the
 * body. A root component naming a link file (`Circle: {$ref: ./models/circle.yaml}`, circle.yaml a description and
 * `$ref: ./impl/circle.yaml`) is that subtype under its name: its discriminator value is `Circle`, as for a file
 * named directly. Before, the value was the implementation file's (`circle`): a `Circle` was refused, and a result
 * holding one failed the client's check.
 */
const SPEC = `openapi: 3.1.0
info: { title: Items, version: "1" }
paths:
  /shapes:
    post:
      operationId: addShape
      requestBody: { required: true, content: { application/json: { schema: { $ref: "./models/shape.yaml" } } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "./models/shape.yaml" } } } }
components:
  schemas:
    Circle: { $ref: "./models/circle.yaml" }
    Sq: { $ref: "./models/sq.yaml" }
`;

const fx = polymorphicFixture(
  "polymorphic-links",
  {
    "openapi.yaml": SPEC,
    "models/shape.yaml": `type: object
required: [kind]
discriminator: { propertyName: kind }
properties: { kind: { type: string } }
`,
    "models/circle.yaml": "description: A round shape\n$ref: ./impl/circle.yaml\n",
    "models/sq.yaml": "$ref: ./impl/square.yaml\n",
    "models/impl/circle.yaml":
      "allOf: [{ $ref: ../shape.yaml }, { type: object, required: [radius], properties: { radius: { type: number } } }]\n",
    "models/impl/square.yaml":
      "allOf: [{ $ref: ../shape.yaml }, { type: object, required: [side], properties: { side: { type: number } } }]\n",
  },
  "  add_shape: { from: addShape, safety: read }",
);

describe("files that only name another schema, through served tools", () => {
  it("tools/list selects each subtype by the root component's name", async () => {
    const { tools } = await fx.served().client.listTools();
    const text = JSON.stringify(tools.find((t) => t.name === "add_shape")?.inputSchema);
    for (const value of ['"const":"Circle"', '"const":"Sq"']) expect(text).toContain(value);
    expect(text).not.toContain('"const":"circle"');
    expect(text).toContain("A round shape");
  });

  it.each([
    ["a subtype named through a link with a description", { kind: "Circle", radius: 1 }],
    ["a subtype named through a link", { kind: "Sq", side: 2 }],
  ])("%s reaches the upstream whole, and its echo passes the client's output check", async (_, body) => {
    const { result } = await fx.sentWhole("add_shape", body);
    expect((result as { structuredContent?: unknown }).structuredContent).toEqual(body);
  });

  it("the implementation file's name, or a variant's field wrong, is refused before any request; the server keeps serving", async () => {
    const low = await fx.call("add_shape", { body: { kind: "circle", radius: 1 } });
    expect(low.result.isError).toBe(true);
    expect(low.sent).toEqual([]);
    const wrong = await fx.call("add_shape", { body: { kind: "Sq", side: "wide" } });
    expect(wrong.result.isError).toBe(true);
    expect(wrong.sent).toEqual([]);
    const again = await fx.call("add_shape", { body: { kind: "Circle", radius: 3 } });
    expect(again.result.isError ?? false).toBe(false);
  });
});
