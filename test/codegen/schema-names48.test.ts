import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BuiltSpec, both, buildSpec, takes } from "../helpers/built-spec.js";

/**
 * A schema with no key to name it (a whole file, `$ref: ./models/widget.yaml`; a schema written in an operation and
 * referred to by its pointer) is named by its `title` when that reads as a name, as openapi-generator names an
 * inline model: before, a whole file was named after its file (`widget`, `note`) and a pointer's schema after the
 * pointer's last segments (`RequestBodyContentApplicationJsonSchema`). A key still names first (a component's name,
 * a root component naming a file), a title that is a sentence does not name, and a whole file's default
 * discriminator value stays its file's name: the title names the type, not what is sent.
 */

const json = (schema: string) => `content: { application/json: { schema: ${schema} } }`;
const op = (path: string, id: string, body: string, result = "{ type: object }") => `  ${path}:
    post:
      operationId: ${id}
      requestBody: { required: true, ${json(body)} }
      responses: { "200": { description: ok, ${json(result)} } }
`;

/** An operation taking and answering the same schema (a schema used twice is declared, not inlined). */
const twice = (path: string, id: string, schema: string) => op(path, id, schema, schema);

const SPEC = {
  "openapi.yaml": `openapi: 3.0.3
info: { title: Titles, version: "1" }
servers: [{ url: "https://titles.example.com" }]
paths:
${twice("/widgets", "addWidget", '{ $ref: "./models/widget.yaml" }')}${twice("/widgets2", "addWidget2", '{ $ref: "./models/w2/widget.yaml" }')}${twice("/notes", "addNote", '{ $ref: "./models/note.yaml" }')}${twice("/memos", "addMemo", '{ $ref: "./models/memo.yaml" }')}${twice("/gadgets", "addGadget", '{ $ref: "#/components/schemas/Gadget" }')}${twice("/cogs", "addCog", '{ $ref: "#/components/schemas/Sprocket" }')}${twice("/odd", "addOdd", '{ $ref: "#/components/schemas/items" }')}${op(
  "/things",
  "addThing",
  "{ type: object, title: NewThing, required: [n], properties: { n: { type: integer } } }",
  '{ $ref: "#/paths/~1things/post/requestBody/content/application~1json/schema" }',
)}${op(
  "/shapes",
  "addShape",
  '{ oneOf: [{ $ref: "./models/sq.yaml" }, { $ref: "./models/circ.yaml" }], discriminator: { propertyName: kind } }',
)}components:
  schemas:
    Gadget: { title: Something Else, type: object, properties: { g: { type: string } } }
    Sprocket: { $ref: "./models/sprocket.yaml" }
    items: { type: object, title: Odd, properties: { o: { type: string } } }
`,
  "models/widget.yaml": "title: Widget\ntype: object\nrequired: [w]\nproperties: { w: { type: string } }\n",
  "models/w2/widget.yaml": "title: Widget\ntype: object\nproperties: { v: { type: integer } }\n",
  "models/note.yaml":
    "title: Text that someone wrote down for later\ntype: object\nproperties: { text: { type: string } }\n",
  "models/memo.yaml": "title: A memo\ntype: object\nproperties: { text: { type: string } }\n",
  "models/sprocket.yaml": "title: Cog\ntype: object\nproperties: { teeth: { type: integer } }\n",
  "models/sq.yaml":
    "title: Square\ntype: object\nrequired: [kind, side]\nproperties: { kind: { type: string }, side: { type: number } }\n",
  "models/circ.yaml":
    "title: Round Shape\ntype: object\nrequired: [kind, r]\nproperties: { kind: { type: string }, r: { type: number } }\n",
};

function exported(b: BuiltSpec): string[] {
  const ts = readFileSync(join(b.dir, "schemas.gen.ts"), "utf8");
  return [...ts.matchAll(/^export const (\w+) = /gm)].map((m) => m[1] as string).filter((n) => n !== "tools");
}

describe("a schema no key names", () => {
  let b: BuiltSpec;
  it("is named by its title when that reads as a name; a key first, a sentence never", async () => {
    b = await buildSpec("poly48-titles", "titles", SPEC, "openapi.yaml");
    // Widget and Widget2: two files titled Widget (was widget, widget2); NewThing (was
    // RequestBodyContentApplicationJsonSchema); Square and RoundShape (were sq and circ); note's title is a
    // sentence, memo's an article first ("A memo"); Gadget, items and Sprocket are keys (a component's, a root
    // component naming a file).
    expect(exported(b).sort()).toEqual([
      "Gadget",
      "Items",
      "Memo",
      "NewThing",
      "Note",
      "RoundShape",
      "Sprocket",
      "Square",
      "Widget",
      "Widget2",
    ]);
    expect(Object.keys(b.doc.schemas ?? {}).sort()).toEqual([
      "Gadget",
      "NewThing",
      "RoundShape",
      "Sprocket",
      "Square",
      "Widget",
      "Widget2",
      "items",
      "memo",
      "note",
    ]);
  });

  it("a whole file's default discriminator value stays its file's name; the calls are read as before", () => {
    expect(takes(b, "add_shape", { body: { kind: "sq", side: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "circ", r: 1 } })).toEqual(both(true));
    expect(takes(b, "add_shape", { body: { kind: "Square", side: 1 } })).toEqual(both(false));
    expect(takes(b, "add_widget", { w: "x" })).toEqual(both(true));
    expect(takes(b, "add_widget", {})).toEqual(both(false));
    expect(takes(b, "add_thing", { n: 1 })).toEqual(both(true));
    expect(takes(b, "add_thing", { n: "1" })).toEqual(both(false));
  });

  it("generating twice gives the same names", async () => {
    const again = await buildSpec("poly48-titles-again", "titles", SPEC, "openapi.yaml");
    expect(exported(again)).toEqual(exported(b));
  });
});

/**
 * OpenAPI 3.1: schemas written in a webhook, a reusable path item (`components/pathItems`) or a callback and
 * referred to by pointer. Named by the pointer's last segments, each was `requestBody content application/json
 * schema` (RequestBodyContentApplicationJsonSchema, then ...2, ...3); now by the webhook, path item or callback, its
 * method and the place (`newPet post requestBody`). A path item named like a keyword (`default`) is read as a
 * name by the walk that reads capitalised type names (one list of such maps, `NAME_MAPS`): its `type: Array`
 * parameter was skipped as a value there, and only the schema converter's TW134 said it, without its place.
 */
const HOOKS = {
  "openapi.yaml": `openapi: 3.1.0
info: { title: Hooks, version: "1" }
servers: [{ url: "https://hooks.example.com" }]
webhooks:
  newPet:
    post:
      requestBody: { ${json("{ type: object, required: [name], properties: { name: { type: string } } }")} }
      responses: { "200": { description: ok } }
  oldPet:
    post:
      requestBody: { ${json("{ type: object, properties: { gone: { type: boolean } } }")} }
      responses: { "200": { description: ok } }
paths:
  /pets: { $ref: "#/components/pathItems/Pets" }
  /things: { $ref: "#/components/pathItems/default" }
  /tests/pets:
    post:
      operationId: testPet
      requestBody:
        required: true
        ${json('{ $ref: "#/webhooks/newPet/post/requestBody/content/application~1json/schema" }')}
      responses:
        "200": { description: ok, ${json('{ $ref: "#/webhooks/newPet/post/requestBody/content/application~1json/schema" }')} }
  /tests/old-pets:
    post:
      operationId: testOldPet
      requestBody:
        required: true
        ${json('{ $ref: "#/webhooks/oldPet/post/requestBody/content/application~1json/schema" }')}
      responses:
        "200": { description: ok, ${json('{ $ref: "#/webhooks/oldPet/post/requestBody/content/application~1json/schema" }')} }
  /subscriptions:
    post:
      operationId: subscribe
      requestBody: { required: true, ${json("{ type: object, properties: { url: { type: string } } }")} }
      responses: { "200": { description: ok } }
      callbacks:
        onEvent:
          "{$request.body#/url}":
            post:
              requestBody: { ${json("{ type: object, properties: { event: { type: string } } }")} }
              responses: { "200": { description: ok } }
  /tests/events:
    post:
      operationId: testEvent
      requestBody:
        required: true
        ${json('{ $ref: "#/paths/~1subscriptions/post/callbacks/onEvent/%7B$request.body%23~1url%7D/post/requestBody/content/application~1json/schema" }')}
      responses:
        "200":
          description: ok
          ${json('{ $ref: "#/paths/~1subscriptions/post/callbacks/onEvent/%7B$request.body%23~1url%7D/post/requestBody/content/application~1json/schema" }')}
components:
  pathItems:
    Pets:
      post:
        operationId: addPet
        requestBody:
          required: true
          ${json('{ type: object, properties: { name: { type: string }, parent: { $ref: "#/components/pathItems/Pets/post/requestBody/content/application~1json/schema" } } }')}
        responses: { "200": { description: ok } }
    default:
      get:
        operationId: listThings
        parameters:
          - { name: tag, in: query, schema: { type: Array, items: { type: string } } }
        responses: { "200": { description: ok } }
`,
};

describe("a schema in a webhook, a reusable path item or a callback (3.1)", () => {
  let b: BuiltSpec;
  it("is named by it, its method and its place, not by the pointer's last segments", async () => {
    b = await buildSpec("poly48-hooks", "hooks", HOOKS, "openapi.yaml");
    // Each was RequestBodyContentApplicationJsonSchema, 2, 3 and 4.
    expect(exported(b).sort()).toEqual([
      "NewPetPostRequestBody",
      "OldPetPostRequestBody",
      "OnEventPostRequestBody",
      "PetsPostRequestBody",
    ]);
  });

  it("a path item named like a keyword is read: its capitalised type is the type, said where it is (TW133)", () => {
    const said = b.diags.items.filter((d) => d.code === "TW133").map((d) => d.source?.pointer);
    expect(said).toEqual(["#/components/pathItems/default/get/parameters/0/schema/type"]);
    expect(takes(b, "list_things", { tag: ["a", "b"] })).toEqual(both(true));
    expect(takes(b, "list_things", { tag: "a" })).toEqual(both(false));
  });
});
