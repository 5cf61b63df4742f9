import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A schema's `type` written with capitals (`String`, `Integer`, `Array`), as .NET-written and hand-written specs do
 * (HCL AppScan's API types `$orderby` `String` in 20 of its 124 operations). Before, 3.0's and 2.0's schemas
 * refused each such type and every operation using one was left out; in 3.1 (whose schema does not check types)
 * the argument was published as any value, so an array went on the wire as JSON text. Each is read as the type it
 * names, with a warning at the type, in every version, in the root document and in a file a `$ref` reads.
 */

const OPS_3 = (version: string) => `openapi: ${version}
info: { title: Cased, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: orderby, in: query, schema: { type: String } }
        - { name: top, in: query, schema: { type: INTEGER } }
        - { name: ids, in: query, style: form, explode: false, schema: { type: Array, items: { type: String } } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: Object, properties: { n: { type: Number } } } } }
        default:
          description: error
          content: { application/json: { schema: { type: Object, properties: { message: { type: String } } } } }
    post:
      operationId: createItem
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: { type: String, example: String }
                done: { type: [Boolean, "null"] }
                type: { type: String, enum: [String, Integer] }
                thing: { $ref: "./thing.yaml" }
      responses: { "201": { description: created } }
`;

const THING = "type: Object\nproperties:\n  size: { type: Integer }\n";

const SWAGGER_2 = `swagger: "2.0"
info: { title: Cased, version: "1" }
host: api.example.com
schemes: [https]
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: orderby, in: query, type: String }
        - { name: top, in: query, type: INTEGER }
        - { name: ids, in: query, type: Array, items: { type: String } }
      responses:
        "200": { description: ok, schema: { type: Object, properties: { n: { type: Number } } } }
        default: { description: error, schema: { type: Object, properties: { message: { type: String } } } }
    post:
      operationId: createItem
      parameters:
        - name: body
          in: body
          schema:
            type: object
            required: [name]
            properties:
              name: { type: String, example: String }
              done: { type: Boolean }
              type: { type: String, enum: [String, Integer] }
      responses: { "201": { description: created } }
`;

describe.each([
  ["3.0.3", "v30"],
  ["3.1.0", "v31"],
  ["2.0", "v20"],
])("types written with capitals, OpenAPI %s", (version, name) => {
  const files: Record<string, string> =
    version === "2.0" ? { "spec.yaml": SWAGGER_2 } : { "spec.yaml": OPS_3(version), "thing.yaml": THING };
  // Generated (no error among the diagnostics) and served once, for both tests: the first only reads what was
  // generated, the second calls.
  const fx = servedSpec(
    `${writeTree(`type-case-${name}`, files)}/spec.yaml`,
    name,
    `type-case-${name}-out`,
    (url) => ({ [`${name.toUpperCase()}_BASE_URL`]: url }),
    (_req, res) => sendJson(res, 200, { n: 1 }),
  );
  const generated = () => {
    expect(fx.diags.items.filter((d) => d.code === "TW139")).toEqual([]);
    return { doc: fx.doc(), diags: fx.diags };
  };

  it("every operation is a tool; its schemas carry the types named, each fix warned at its type", async () => {
    const { doc, diags } = generated();
    expect(doc.tools.map((t) => t.name)).toEqual(["list_items", "create_item"]);
    const list = doc.tools[0];
    const create = doc.tools[1];
    expect(list?.inputSchema.properties).toMatchObject({
      orderby: { type: "string" },
      top: { type: "integer" },
      ids: { type: "array", items: { type: "string" } },
    });
    expect(list?.outputSchema?.properties).toMatchObject({ n: { type: "number" } });
    expect(create?.inputSchema.properties).toMatchObject({
      name: { type: "string" },
      // Values are data, never changed: an example or an enum member that reads like a type name stays.
      type: { type: "string", enum: ["String", "Integer"] },
    });
    const props = (create?.inputSchema.properties ?? {}) as Record<string, unknown>;
    expect(JSON.stringify(props.name)).toContain('"String"');
    expect(props.done).toEqual(
      version === "2.0" ? { type: "boolean" } : { anyOf: [{ type: "boolean" }, { type: "null" }] },
    );
    // The schema in thing.yaml is published once, beside the tools that use it.
    if (version !== "2.0") expect(JSON.stringify(doc)).toContain('"properties":{"size":{"type":"integer"}}');
    const warned = diags.items.filter((d) => /is not a type name/.test(d.message));
    expect(warned.every((d) => d.severity === "warning")).toBe(true);
    const at = (pointer: string) => warned.find((d) => d.source?.pointer === pointer);
    const orderby =
      version === "2.0"
        ? "#/paths/~1items/get/parameters/0/type"
        : "#/paths/~1items/get/parameters/0/schema/type";
    expect(at(orderby)?.message).toContain('type "String" is not a type name');
    expect(at(orderby)?.message).toContain('read as "string"');
    expect(at(orderby)?.source).toMatchObject({ line: 10 - (version === "2.0" ? 0 : 1) });
    // The default response (a key `default`, not a value) is read too.
    const message =
      version === "2.0"
        ? "#/paths/~1items/get/responses/default/schema/properties/message/type"
        : "#/paths/~1items/get/responses/default/content/application~1json/schema/properties/message/type";
    expect(at(message)).toBeDefined();
    if (version !== "2.0") {
      // In the file a $ref reads: the schema converter says so at the schema.
      const inThing = warned.filter((d) => d.source?.file.endsWith("thing.yaml"));
      expect(inThing.map((d) => d.message)).toEqual([
        'type "Object" is not a type name (JSON Schema\'s are lower-case); read as "object"',
        'type "Integer" is not a type name (JSON Schema\'s are lower-case); read as "integer"',
      ]);
    }
  });

  it("served: the arguments go on the wire as the types named", async () => {
    generated();
    const served = fx.served();
    const upstream = fx.upstream();
    const result = await served.client.callTool({
      name: "list_items",
      arguments: { orderby: "name desc", top: 5, ids: ["a", "b"] },
    });
    expect(result.isError).toBeFalsy();
    // csv (Swagger 2.0's default collectionFormat; form with explode false in 3.x): one comma-joined value.
    expect(upstream.received.at(-1)?.url).toBe("/items?orderby=name%20desc&top=5&ids=a,b");
    const refused = await served.client.callTool({ name: "list_items", arguments: { top: "five" } });
    expect(refused.isError).toBe(true);
  });
});
