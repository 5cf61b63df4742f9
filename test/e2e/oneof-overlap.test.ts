import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { textJson } from "../helpers/mcp.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * A oneOf whose variants take the same values: Elasticsearch's FieldValue (`oneOf: [number, number, string,
 * boolean, string nullable]`, the values of term queries and search_after) and its `oneOf: [string, string
 * nullable]` (24 such schemas in its serverless spec). Every number and every string matches two variants, so
 * "exactly one" refused all of them: arguments were refused before any request, and results carrying one were
 * reported as drift. Read as anyOf, with a located TW134 warning. Through a real MCP client to a recording upstream.
 * The same holds for `$ref`s to schemas of one shape, told apart only by their titles and descriptions: ShipEngine's
 * connect_carrier_request_body (shipengine-openapi@1.4.0) is a oneOf of 28 closed objects, six of them
 * {nickname, username, password}, so Access Worldwide, APC, Globegistics, IMEX, RR Donnelley and Stamps.com could
 * never be connected (every body matched six variants). Refs to different shapes stay "exactly one".
 */
const SPEC = specWith(
  `  /_search:
    post:
      operationId: search
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                search_after: { type: array, items: { $ref: "#/components/schemas/FieldValue" } }
                from: { oneOf: [{ type: string }, { type: string, nullable: true }] }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  reason: { oneOf: [{ type: string }, { type: string, nullable: true }] }
  /connections/{carrier}:
    post:
      operationId: connect
      parameters: [{ name: carrier, in: path, required: true, schema: { type: string } }]
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf: [{ $ref: "#/components/schemas/ApcBody" }, { $ref: "#/components/schemas/FedexBody" }, { $ref: "#/components/schemas/StampsBody" }]
      responses: { "204": { description: connected } }
  /pets:
    post:
      operationId: addPet
      requestBody:
        required: true
        content:
          application/json:
            schema: { oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }] }
      responses: { "204": { description: added } }
`,
  `components:
  schemas:
    ApcBody:
      title: APC
      description: An APC account
      type: object
      additionalProperties: false
      required: [nickname, username, password]
      properties:
        nickname: { type: string, description: The APC nickname }
        username: { type: string, example: apc-user }
        password: { type: string }
    StampsBody:
      title: Stamps.com
      description: A Stamps.com account
      type: object
      additionalProperties: false
      required: [nickname, username, password]
      properties:
        nickname: { type: string, description: The Stamps.com nickname }
        username: { type: string, example: stamps-user }
        password: { type: string }
    FedexBody:
      type: object
      additionalProperties: false
      required: [nickname, account_number]
      properties:
        nickname: { type: string }
        account_number: { type: string }
    Cat:
      type: object
      required: [name, purrs]
      properties: { name: { type: string }, purrs: { type: boolean } }
    Dog:
      type: object
      required: [name, barks]
      properties: { name: { type: string }, barks: { type: boolean } }
    FieldValue:
      oneOf: [{ type: number }, { type: number }, { type: string }, { type: boolean }, { type: string, nullable: true }]
`,
  { openapi: "3.0.3", title: "Overlap", url: "https://overlap.example.com" },
);

const served = servedSpec(
  join(writeTree("oneof-overlap", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "overlap",
  "oneof-overlap-out",
  (url) => ({ OVERLAP_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, { reason: "shard failed" }),
);

describe("a oneOf whose variants take the same values", () => {
  it("is read as anyOf, said where it is written", () => {
    const warnings = served.diags.items
      .filter((d) => d.severity === "warning")
      .map((d) => `${d.code} ${d.source?.line} ${d.message}`);
    expect(warnings).toEqual([
      "TW134 84 oneOf variants 0 and 1 take the same values (number), so exactly one could never match them; read as anyOf",
      "TW134 16 oneOf variants 0 and 1 take the same values (string), so exactly one could never match them; read as anyOf",
      "TW134 25 oneOf variants 0 and 1 take the same values (string), so exactly one could never match them; read as anyOf",
      "TW134 35 oneOf variants 0 and 2 take the same values (objects of one shape), so exactly one could never match them; read as anyOf",
    ]);
  });

  it("numbers and strings are sent, and a result holding a string is no drift", async () => {
    const result = await served.client().callTool({
      name: "search",
      arguments: { search_after: [1712, "doc#7", true], from: "10.0.0.1" },
    });
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(served.upstream().received.at(-1)?.body.toString() ?? "")).toEqual({
      search_after: [1712, "doc#7", true],
      from: "10.0.0.1",
    });
    expect(textJson(result)).toEqual({ reason: "shard failed" });
    // A drift line would be written before the call's audit line (the audit step ends the call): once that line
    // has been read from stderr, a drift line would have been too, so this check can fail.
    expect(await served.served().waitForStderr('"tool":"search"')).not.toContain("drift");
  });

  it("refs to schemas of one shape: a body of that shape is sent; refs to different shapes stay exclusive", async () => {
    const body = { nickname: "warehouse", username: "u", password: "p" };
    const before = served.upstream().received.length;
    const result = await served.client().callTool({ name: "connect", arguments: { carrier: "apc", body } });
    expect(result.isError).toBeFalsy();
    const sent = served.upstream().received.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /connections/apc"]);
    expect(JSON.parse(sent[0]?.body.toString() ?? "")).toEqual(body);
    // Cat and Dog are open objects of different shapes: one value that is both is still refused before any request.
    const both = await served.client().callTool({
      name: "add_pet",
      arguments: { body: { name: "Rex", purrs: true, barks: true } },
    });
    expect(both.isError).toBe(true);
    expect(served.upstream().received.length).toBe(before + 1);
    const cat = await served.client().callTool({
      name: "add_pet",
      arguments: { body: { name: "Tom", purrs: true } },
    });
    expect(cat.isError).toBeFalsy();
  });
});
