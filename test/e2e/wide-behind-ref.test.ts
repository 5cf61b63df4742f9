import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { resultText, servedSpec } from "../helpers/served-fixture.js";

/**
 * A 64-bit integer named by a `$ref` (a component, as most specs write an id), in an argument and in a result,
 * through a real client and upstream. Beside `anyOf: [$ref: Id, ...]` a `not: {type: string}` was published (the
 * `$ref` was not followed when judging whether `not` can be carried): the published input schema refused the digits
 * the argument's input form takes, so a client that validates against it could not send 9007199254740993.
 */
const SPEC = `openapi: 3.0.3
info: { title: Wide, version: "1" }
servers: [{ url: https://wide.example.com }]
paths:
  /things:
    get:
      operationId: getThings
      parameters:
        - { name: id, in: query, schema: { $ref: "#/components/schemas/Id" } }
        - { name: either, in: query, schema: { anyOf: [{ $ref: "#/components/schemas/Id" }, { type: boolean }], not: { type: string } } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: object, properties: { id: { $ref: "#/components/schemas/Id" } } }
components:
  schemas:
    Id: { type: integer, format: int64 }
`;

const BIG = "9007199254740993";

const served = servedSpec(
  join(writeTree("wide-behind-ref", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "wide",
  "wide-behind-ref-out",
  (url) => ({ WIDE_BASE_URL: url }),
  (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(`{"id":${BIG}}`);
  },
);

describe("a 64-bit integer behind a $ref", () => {
  it("the published input schema takes its digits, and the call sends them exactly", async () => {
    const { tools } = await served.client().listTools();
    const input = tools.find((t) => t.name === "get_things")?.inputSchema;
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat("int64", true);
    expect(ajv.validate(input as object, { either: BIG })).toBe(true);
    expect(ajv.validate(input as object, { id: BIG })).toBe(true);
    const { result, sent } = await served.call("get_things", { id: BIG, either: BIG });
    expect(result.isError).not.toBe(true);
    expect(sent.map((s) => s.url)).toEqual([`/things?id=${BIG}&either=${BIG}`]);
    // The result's text block keeps the upstream's digits (a JavaScript client rounds only its structuredContent).
    expect(resultText(result)).toBe(`{"id":${BIG}}`);
  });
});
