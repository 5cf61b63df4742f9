import { describe, expect, it } from "vitest";
import { sendJson } from "../helpers/recording-server.js";
import { itemsManifest, servedFixture } from "../helpers/served-fixture.js";

/**
 * A recursive schema referred to with a description beside the `$ref` (`parent: {$ref: Folder, description: "The
 * parent folder."}`), served over stdio to the MCP SDK client (which checks structuredContent against the published
 * output schema) in front of a real upstream on 127.0.0.1 that echoes the body. The default (inline) input schema
 * ends the recursion there with a note naming the schema that recurses; before, the description beside the `$ref`
 * replaced the note, so the model read "The parent folder." for a value described by nothing else.
 */
const SPEC = `openapi: 3.1.0
info: { title: Items, version: "1" }
paths:
  /folders:
    post:
      operationId: addFolder
      requestBody: { required: true, content: { application/json: { schema: { $ref: "#/components/schemas/Folder" } } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Folder" } } } }
components:
  schemas:
    Folder:
      type: object
      required: [name]
      properties:
        name: { type: string }
        parent: { $ref: "#/components/schemas/Folder", description: "The parent folder. It is null at the root of a drive, which holds every other folder." }
`;

const fx = servedFixture(
  "schema-names48",
  {
    "cat/tools.yaml": itemsManifest("  add_folder: { from: addFolder, safety: read }"),
    "cat/openapi.yaml": SPEC,
  },
  (url) => ({ ITEMS_URL: url }),
  (req, res) => sendJson(res, 200, JSON.parse(req.body.toString("utf8") || "{}")),
);

describe("a recursion's end with a description beside its reference, through served tools", () => {
  it("tools/list says both the description's first sentence and which schema recurses there", async () => {
    const { tools } = await fx.served().client.listTools();
    const input = tools.find((t) => t.name === "add_folder")?.inputSchema;
    const text = JSON.stringify(input);
    expect(text).not.toContain('"$ref"');
    expect(text).toContain(
      '"description":"The parent folder. The same shape as Folder, the schema that contains this one (it recurses here)."',
    );
  });

  it("a nested value reaches the upstream whole and its echo passes the client's output check; a bad one deep is refused", async () => {
    const body = { name: "c", parent: { name: "b", parent: { name: "a" } } };
    const { result, sent } = await fx.call("add_folder", body);
    expect(result.isError ?? false).toBe(false);
    expect(JSON.parse(sent[0]?.body.toString("utf8") ?? "null")).toEqual(body);
    expect((result as { structuredContent?: unknown }).structuredContent).toEqual(body);
    const bad = await fx.call("add_folder", { name: "c", parent: { name: "b", parent: { name: 1 } } });
    expect(bad.result.isError).toBe(true);
    expect(bad.sent).toEqual([]);
  });
});

/**
 * OpenAPI 3.1 with webhooks and reusable path items, served the same way: a path item named like a keyword
 * (`components/pathItems/default`) holding a query parameter typed `Array` sends an array as one (the schema
 * converter read it so already; the load now says it, TW133, codegen/schema-names48.test.ts). A request body that
 * is a webhook's schema by pointer, and an answer that is a titled whole file, pass the client's output check.
 */
const HOOKS = `openapi: 3.1.0
info: { title: Items, version: "1" }
webhooks:
  newPet:
    post:
      requestBody: { content: { application/json: { schema: { type: object, required: [name], properties: { name: { type: string } } } } } }
      responses: { "200": { description: ok } }
paths:
  /things: { $ref: "#/components/pathItems/default" }
  /tests/pets:
    post:
      operationId: testPet
      requestBody:
        required: true
        content: { application/json: { schema: { $ref: "#/webhooks/newPet/post/requestBody/content/application~1json/schema" } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "./models/pet.yaml" } } } }
components:
  pathItems:
    default:
      get:
        operationId: listThings
        parameters:
          - { name: tag, in: query, schema: { type: Array, items: { type: string } } }
        responses: { "200": { description: ok } }
`;

const hooks = servedFixture(
  "schema-names48-hooks",
  {
    "cat/tools.yaml": itemsManifest(
      "  list_things: { from: listThings, safety: read }\n  test_pet: { from: testPet, safety: read }",
    ),
    "cat/openapi.yaml": HOOKS,
    "cat/models/pet.yaml":
      "title: Pet\ntype: object\nrequired: [name]\nproperties: { name: { type: string } }\n",
  },
  (url) => ({ ITEMS_URL: url }),
  (req, res) =>
    sendJson(res, 200, req.method === "GET" ? { ok: true } : JSON.parse(req.body.toString("utf8"))),
);

describe("webhooks and reusable path items (3.1), through served tools", () => {
  it("a path item named like a keyword: its array parameter goes on the wire as an array", async () => {
    const { result, sent } = await hooks.call("list_things", { tag: ["a", "b"] });
    expect(result.isError ?? false).toBe(false);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe("/things?tag=a&tag=b");
    const wrong = await hooks.call("list_things", { tag: "a" });
    expect(wrong.result.isError).toBe(true);
    expect(wrong.sent).toEqual([]);
  });

  it("a body that is a webhook's schema reaches the upstream; the titled file's answer passes the output check", async () => {
    const { result, sent } = await hooks.call("test_pet", { name: "Rex" });
    expect(result.isError ?? false).toBe(false);
    expect(JSON.parse(sent[0]?.body.toString("utf8") ?? "null")).toEqual({ name: "Rex" });
    expect((result as { structuredContent?: unknown }).structuredContent).toEqual({ name: "Rex" });
  });
});
