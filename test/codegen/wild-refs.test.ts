import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * `$ref` pointers written through another `$ref`, as schema bundlers write them when they inline a schema once and
 * point at it from elsewhere by the place it was first met (PagerDuty's REST spec: a discriminator mapping
 * `#/paths/~1incidents~1custom_fields/get/responses/200/content/application~1json/schema/allOf/0/properties/fields
 * /items/allOf/0/...` where `items` is a `$ref`; 12 of its 465 operations were left out, TW131 "points at nothing").
 * json-schema-ref-parser, which most OpenAPI tools use, reads the rest of such a pointer inside the `$ref`'s target.
 */
const spec = specWith(
  `  /fields:
    get:
      operationId: listFields
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  fields: { type: array, items: { $ref: "#/components/schemas/Field" } }
  /options:
    post:
      operationId: createOption
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Option" }
      responses: { "201": { description: created } }
  /labels:
    post:
      operationId: createLabel
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [label]
              properties:
                label: { $ref: "#/paths/~1fields/get/responses/200/content/application~1json/schema/properties/fields/items/properties/label" }
      responses: { "201": { description: created } }
`,
  `components:
  schemas:
    Field:
      type: object
      properties:
        label: { type: string, maxLength: 12 }
        options:
          type: array
          items:
            type: object
            properties:
              data:
                oneOf:
                  - type: object
                    required: [data_type, value]
                    properties:
                      data_type: { type: string, enum: [string] }
                      value: { type: string, maxLength: 100 }
    Option:
      type: object
      properties:
        data:
          oneOf:
            - $ref: "#/paths/~1fields/get/responses/200/content/application~1json/schema/properties/fields/items/properties/options/items/properties/data/oneOf/0"
          discriminator:
            propertyName: data_type
            mapping:
              string: "#/paths/~1fields/get/responses/200/content/application~1json/schema/properties/fields/items/properties/options/items/properties/data/oneOf/0"
`,
  { openapi: "3.0.3", title: "Through", url: "https://through.example.com" },
);

async function generate(text: string) {
  const dir = writeTree("wild-refs", { "openapi.yaml": text });
  return genSpec(join(dir, "openapi.yaml"), "through", "test/.tmp/wild-refs-out");
}

describe("a $ref whose pointer goes through another $ref", () => {
  it("is read inside that $ref's target: every operation is a tool, with the schema it names", async () => {
    const { cat, diags } = await generate(spec);
    expect(errorsOf(diags)).toEqual([]);
    expect(diags.items.filter((d) => d.severity === "warning")).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name).sort()).toEqual(["create_label", "create_option", "list_fields"]);
    const schemas = (doc as unknown as { schemas: Record<string, unknown> }).schemas;
    const label = doc.tools.find((t) => t.name === "create_label")?.inputSchema as {
      properties: { label: { $ref: string } };
    };
    expect(schemas[label.properties.label.$ref.replace("#/$defs/", "")]).toEqual({
      type: "string",
      maxLength: 12,
    });
    const option = JSON.stringify(doc.tools.find((t) => t.name === "create_option")?.inputSchema);
    const variant = /"\$ref":"#\/\$defs\/([^"]+)"/.exec(option)?.[1] ?? "";
    expect(schemas[variant]).toEqual({
      type: "object",
      properties: { data_type: { const: "string" }, value: { type: "string", maxLength: 100 } },
      required: ["data_type", "value"],
    });
  });

  it("a pointer through a $ref that points back at itself stops: the operation is left out, located", async () => {
    const looped = spec
      .replace("    Option:\n", '    Loop: { $ref: "#/components/schemas/Loop" }\n    Option:\n')
      .replace(
        '$ref: "#/paths/~1fields/get/responses/200/content/application~1json/schema/properties/fields/items/properties/label"',
        '$ref: "#/components/schemas/Loop/properties/label"',
      );
    const { diags } = await generate(looped);
    expect(errorsOf(diags)).toEqual([]);
    const left = diags.items.filter((d) => d.severity === "warning");
    expect(left.map((d) => `${d.code} ${d.message}`)).toEqual([
      'TW139 POST /labels is left out: $ref "#/components/schemas/Loop/properties/label" points at nothing',
    ]);
    expect(`${left[0]?.source?.file}:${left[0]?.source?.line}`).toMatch(/openapi\.yaml:\d+$/);
  });
});

/**
 * An operation written as a `$ref` to an operation object in another file: DigitalOcean's published multi-file spec
 * (digitalocean/openapi, specification/DigitalOcean-public.v2.yaml) writes every one of its 659 operations
 * `get: { $ref: "resources/account/account_get.yml" }`, as Redocly's bundler reads them. All 659 were left out
 * (`missing "responses"`, and the path parameters declared in the other file unseen) and the spec refused.
 */
const referencing = (version: string) => ({
  "api/openapi.yaml": specWith(
    `  /v2/droplets/{droplet_id}:
    get: { $ref: "resources/droplets/droplets_get.yml" }
    delete:
      $ref: "resources/droplets/droplets_destroy.yml"
  /v2/account:
    get:
      operationId: account_get
      responses: { "200": { description: ok } }
`,
    "",
    { openapi: version, title: "Ops", url: "https://ops.example.com" },
  ),
  "api/resources/droplets/droplets_get.yml": `operationId: droplets_get
summary: Retrieve an Existing Droplet
parameters:
  - $ref: "parameters.yml#/droplet_id"
  - { name: verbose, in: query, schema: { type: boolean } }
responses:
  "200":
    $ref: "responses/droplet.yml"
`,
  "api/resources/droplets/droplets_destroy.yml": `operationId: droplets_destroy
parameters:
  - $ref: "parameters.yml#/droplet_id"
responses:
  "204": { description: gone }
`,
  "api/resources/droplets/parameters.yml": `droplet_id:
  name: droplet_id
  in: path
  required: true
  schema: { type: integer, minimum: 1 }
`,
  "api/resources/droplets/responses/droplet.yml": `description: The droplet.
content:
  application/json:
    schema:
      type: object
      properties:
        droplet: { $ref: "../models/droplet.yml" }
`,
  "api/resources/droplets/models/droplet.yml": `type: object
required: [id]
properties:
  id: { type: integer }
  name: { type: string, maxLength: 255 }
`,
});

describe("an operation written as a $ref to an operation object in another file", () => {
  it.each(["3.0.3", "3.1.0"])(
    "%s: is read there, its own references relative to that file",
    async (version) => {
      const dir = writeTree("wild-op-refs", referencing(version));
      const { cat, diags } = await genSpec(
        join(dir, "api/openapi.yaml"),
        "ops",
        "test/.tmp/wild-op-refs-out",
      );
      expect(errorsOf(diags)).toEqual([]);
      expect(diags.items.filter((d) => d.severity === "warning")).toEqual([]);
      const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
      expect(doc.tools.map((t) => `${t.name} ${t.safety}`)).toEqual([
        "droplets_get read",
        "droplets_destroy destructive",
        "account_get read",
      ]);
      const get = doc.tools[0];
      expect(get?.title).toBe("Retrieve an Existing Droplet");
      expect(get?.inputSchema).toMatchObject({
        properties: { droplet_id: { type: "integer", minimum: 1 }, verbose: { type: "boolean" } },
        required: ["droplet_id"],
      });
      expect(JSON.stringify(get?.binding)).toContain('"in":"query"');
      expect(JSON.stringify(doc)).toContain('"maxLength":255');
      // Located in the file the operation is written in.
      expect(get?.source?.file).toMatch(/resources\/droplets\/droplets_get\.yml$/);
    },
  );

  it("one whose reference points at nothing is left out, located; the others are tools", async () => {
    const files = referencing("3.0.3");
    files["api/openapi.yaml"] = files["api/openapi.yaml"].replace(
      "droplets_destroy.yml",
      "droplets_destory.yml",
    );
    const dir = writeTree("wild-op-refs", files);
    const { cat, diags } = await genSpec(join(dir, "api/openapi.yaml"), "ops", "test/.tmp/wild-op-refs-out");
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument;
    expect(doc.tools.map((t) => t.name)).toEqual(["droplets_get", "account_get"]);
    const left = diags.items.filter((d) => d.severity !== "info");
    expect(left.map((d) => `${d.severity} ${d.code} ${d.message.replace(/ \(.*$/, "")}`)).toEqual([
      expect.stringMatching(
        /^warning TW139 DELETE \/v2\/droplets\/\{droplet_id\} is left out: .*droplets_destory\.yml/,
      ),
    ]);
    expect(`${left[0]?.source?.file}:${left[0]?.source?.line}`).toMatch(/api\/openapi\.yaml:8$/);
  });
});

/**
 * The polymorphism Java generators write (springdoc; HubSpot's Media Bridge spec): the base lists its subtypes in
 * `oneOf`, each subtype is `allOf` [base, own fields]. That recursion consumes no data, so one reference of the
 * cycle is cut; it was cut at the first schema by name, here the base, whose variants all became "no value" (every
 * body refused; in HubSpot's spec two of five media types were lost).
 */
const POLY = specWith(
  `  /animals:
    post:
      operationId: createAnimal
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Animal" }
      responses: { "201": { description: created } }
`,
  `components:
  schemas:
    Animal:
      type: object
      oneOf:
        - $ref: "#/components/schemas/Cat"
        - $ref: "#/components/schemas/Dog"
    Cat:
      allOf:
        - $ref: "#/components/schemas/Animal"
        - { type: object, required: [kind], properties: { kind: { type: string, enum: [cat] }, lives: { type: integer } } }
    Dog:
      allOf:
        - $ref: "#/components/schemas/Animal"
        - { type: object, required: [kind], properties: { kind: { type: string, enum: [dog] }, bark: { type: string } } }
`,
  { openapi: "3.0.3", title: "Poly", url: "https://poly.example.com" },
);

describe("a base whose oneOf lists subtypes that are allOf [base, ...]", () => {
  it("keeps every variant: the cycle is cut at the subtypes' references back to the base", async () => {
    const dir = writeTree("wild-poly", { "openapi.yaml": POLY });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "poly", "test/.tmp/wild-poly-out");
    expect(errorsOf(diags)).toEqual([]);
    const doc = JSON.parse(cat?.files.get("catalog.json") ?? "{}") as CatalogDocument & {
      schemas: Record<string, unknown>;
    };
    const animal = JSON.stringify(doc.schemas.Animal);
    expect(animal).not.toContain('"not"');
    expect(animal).toContain('"$ref":"#/$defs/Cat"');
    expect(animal).toContain('"$ref":"#/$defs/Dog"');
    expect(JSON.stringify(doc.schemas.Dog)).toContain('"bark"');
    // Each cut is still said, located at the subtype.
    const cuts = diags.items.filter((d) => d.code === "TW138");
    expect(cuts.map((d) => d.message.split(" refers")[0])).toEqual(["schema Cat", "schema Dog"]);
    expect(cuts.every((d) => (d.source?.line ?? 0) > 0)).toBe(true);
  });
});
