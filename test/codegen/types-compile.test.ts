import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Diagnostics, generateCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * The request/response types generated for hand-written handlers (openapi-typescript) must type-check whatever the
 * spec: `$ref`s that point inside another schema (a property, an item, an allOf part, a parameter's schema) are
 * the shapes real specs have that openapi-typescript turns into indexed access on members that may not exist.
 */

const SPEC = {
  openapi: "3.0.3",
  info: { title: "Refs inside schemas", version: "1" },
  servers: [{ url: "https://api.example" }],
  paths: {
    "/a": {
      get: {
        operationId: "getA",
        parameters: [
          { name: "kind", in: "query", schema: { $ref: "#/components/schemas/Base/properties/kind" } },
        ],
        responses: {
          "200": {
            description: "ok",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    owner: { $ref: "#/components/schemas/Composite/allOf/1/properties/owner" },
                    tags: { $ref: "#/components/schemas/Base/properties/tags/items" },
                    meta: { $ref: "#/components/schemas/Composite/allOf/0" },
                    extra: { $ref: "#/components/schemas/Map/additionalProperties" },
                    nested: { $ref: "#/components/schemas/Base/properties/child/properties/name" },
                    schedule: { $ref: "#/components/schemas/ScheduleGet" },
                    loose: { $ref: "#/components/schemas/ScheduleLoose" },
                  },
                },
              },
            },
          },
        },
      },
      post: {
        operationId: "postA",
        requestBody: {
          content: { "application/json": { schema: { $ref: "#/components/schemas/Composite/allOf/1" } } },
        },
        responses: { "204": { description: "done" } },
      },
    },
  },
  components: {
    schemas: {
      Base: {
        type: "object",
        properties: {
          kind: { type: "string", enum: ["x", "y"] },
          tags: { type: "array", items: { type: "string" } },
          child: { type: "object", properties: { name: { type: "string" } } },
        },
      },
      Composite: {
        allOf: [
          { $ref: "#/components/schemas/Base" },
          {
            type: "object",
            properties: { owner: { type: "object", properties: { id: { type: "integer" } } } },
          },
        ],
      },
      Map: {
        type: "object",
        additionalProperties: { type: "object", properties: { v: { type: "number" } } },
      },
      // Plaid's shape: `required` beside an allOf whose base is nullable, or lists a key the base does not declare.
      Schedule: {
        type: "object",
        nullable: true,
        properties: { start: { type: "string" }, every: { type: "integer" } },
      },
      ScheduleGet: {
        allOf: [{ $ref: "#/components/schemas/Schedule" }, { type: "object" }],
        required: ["start", "every"],
        nullable: true,
      },
      ScheduleLoose: { allOf: [{ $ref: "#/components/schemas/Base" }], required: ["kind", "undeclared"] },
    },
  },
};

describe("generated request/response types compile", () => {
  it("$refs into properties, items, allOf parts and additionalProperties of other schemas; required beside a nullable allOf base", async () => {
    const dir = writeTree("types-inner-refs", { "openapi.json": JSON.stringify(SPEC, null, 2) });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: `${dir}/openapi.json`, name: "inner" },
      { root: ROOT, out: "test/.tmp/types-inner-refs-out", types: true },
      diags,
    );
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    expect([...(cat?.files.keys() ?? [])]).toContain("api.openapi.gen.ts");
    const problems = cat ? verifyCatalogs(ROOT, [cat]) : [];
    expect(problems.map((p) => `${p.file.replace(/^.*\//, "")}:${p.line} ${p.message}`)).toEqual([]);
  });
});

describe("a string enum written type: object", () => {
  it("is typed by its values (Okta's management API; openapi-typescript threw and the spec got no types)", async () => {
    const dir = writeTree("types-enum-object", {
      "swagger.yaml": `swagger: "2.0"
info: { title: Enum object, version: "1" }
host: api.example.com
paths:
  /mappings/{id}:
    get:
      operationId: getMapping
      parameters: [{ name: id, in: path, required: true, type: string }]
      responses:
        "200":
          description: ok
          schema:
            type: object
            properties:
              pushStatus: { $ref: "#/definitions/PushStatus" }
definitions:
  PushStatus:
    enum: [PUSH, DONT_PUSH]
    type: object
`,
    });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: `${dir}/swagger.yaml`, name: "enumobj" },
      { root: ROOT, out: "test/.tmp/types-enum-object-out", types: true },
      diags,
    );
    expect(diags.items.filter((d) => d.severity !== "info")).toEqual([]);
    const types = cat?.files.get("api.openapi.gen.ts") ?? "";
    expect(types).toMatch(/PushStatus: "PUSH" \| "DONT_PUSH";/);
    const problems = cat ? verifyCatalogs(ROOT, [cat]) : [];
    expect(problems.map((p) => `${p.file.replace(/^.*\//, "")}:${p.line} ${p.message}`)).toEqual([]);
  });
});

describe("a schema extending a discriminated base that declares the discriminator property itself", () => {
  it("is typed with its declared value once (Apple's SiriKit Cloud Media: 'Duplicate identifier' under --verify)", async () => {
    const extend = (props: Record<string, unknown>, required?: string[]) => ({
      allOf: [{ $ref: "#/components/schemas/Result" }],
      type: "object",
      properties: props,
      ...(required ? { required } : {}),
    });
    const spec = {
      openapi: "3.0.1",
      info: { title: "Discriminated", version: "1" },
      servers: [{ url: "https://api.example" }],
      paths: {
        "/results": {
          get: {
            operationId: "getResults",
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Results" } } },
              },
            },
          },
        },
      },
      components: {
        schemas: {
          Result: {
            type: "object",
            properties: { class: { type: "string" } },
            required: ["class"],
            discriminator: { propertyName: "class" },
          },
          // As Apple's: the declared value is the schema's name; optional and required.
          MediaResult: extend({
            class: { type: "string", enum: ["MediaResult"] },
            media: { type: "string" },
          }),
          QueueResult: extend({ class: { type: "string", enum: ["QueueResult"] } }, ["class"]),
          // A declared value other than the name, and one in an inline allOf part.
          OtherResult: extend({ class: { type: "string", enum: ["other"] } }),
          InlineResult: {
            allOf: [
              { $ref: "#/components/schemas/Result" },
              { type: "object", properties: { class: { type: "string", enum: ["inline"] } } },
            ],
          },
          // A base with a mapping that names some children only.
          Event: {
            type: "object",
            properties: { kind: { type: "string" } },
            discriminator: { propertyName: "kind", mapping: { a: "#/components/schemas/EventA" } },
          },
          EventA: {
            allOf: [{ $ref: "#/components/schemas/Event" }],
            properties: { kind: { type: "string", enum: ["a"] } },
          },
          EventB: {
            allOf: [{ $ref: "#/components/schemas/Event" }],
            properties: { kind: { type: "string", const: "b" } },
          },
          Results: {
            type: "object",
            properties: {
              items: {
                type: "array",
                items: {
                  oneOf: ["MediaResult", "QueueResult", "OtherResult", "InlineResult"].map((n) => ({
                    $ref: `#/components/schemas/${n}`,
                  })),
                },
              },
              events: {
                type: "array",
                items: {
                  oneOf: [{ $ref: "#/components/schemas/EventA" }, { $ref: "#/components/schemas/EventB" }],
                },
              },
            },
          },
        },
      },
    };
    const dir = writeTree("types-discriminator-own", { "openapi.json": JSON.stringify(spec, null, 2) });
    const diags = new Diagnostics();
    const cat = await generateCatalog(
      { kind: "spec", spec: `${dir}/openapi.json`, name: "disc" },
      { root: ROOT, out: "test/.tmp/types-discriminator-own-out", types: true },
      diags,
    );
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    const problems = cat ? verifyCatalogs(ROOT, [cat]) : [];
    expect(problems.map((p) => `${p.file.replace(/^.*\//, "")}:${p.line} ${p.message}`)).toEqual([]);
    // Each schema's discriminator property is typed with its declared value, never with a second, other value.
    const types = cat?.files.get("api.openapi.gen.ts") ?? "";
    const block = (name: string) => types.slice(types.indexOf(`        ${name}: `)).split(/\n {8}\w+: /)[0];
    for (const [name, prop, value] of [
      ["MediaResult", "class", "MediaResult"],
      ["QueueResult", "class", "QueueResult"],
      ["OtherResult", "class", "other"],
      ["InlineResult", "class", "inline"],
      ["EventA", "kind", "a"],
      ["EventB", "kind", "b"],
    ] as const) {
      const values = [...(block(name) ?? "").matchAll(new RegExp(`\\b${prop}\\??: "([^"]+)"`, "g"))].map(
        (m) => m[1],
      );
      expect(new Set(values), `${name}: ${block(name)}`).toEqual(new Set([value]));
    }
  });
});

describe("a catalog generated outside the project (--out /tmp/x)", () => {
  it("type-checks with the zod toolwright lends it at run time, while the project has its own", async () => {
    // The project (ROOT) resolves zod; a folder under / with no node_modules on its way up does not. --verify
    // looked only from the project: "Cannot find module 'zod'" in schemas.gen.ts, while the catalog served.
    const dir = writeTree("types-outside", { "openapi.json": JSON.stringify(SPEC, null, 2) });
    const outside = `/tmp/toolwright-verify-outside-${process.pid}`;
    expect(existsSync(outside)).toBe(false);
    for (const out of [outside, "test/.tmp/types-outside-in"]) {
      const diags = new Diagnostics();
      const cat = await generateCatalog(
        { kind: "spec", spec: `${dir}/openapi.json`, name: "outside" },
        { root: ROOT, out, types: true },
        diags,
      );
      expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
      const problems = cat ? verifyCatalogs(ROOT, [cat]) : [];
      expect(problems.map((p) => `${p.file.replace(/^.*\//, "")}:${p.line} ${p.message}`)).toEqual([]);
    }
    // Nothing was written there: verifying is in memory.
    expect(existsSync(outside)).toBe(false);
  });
});
