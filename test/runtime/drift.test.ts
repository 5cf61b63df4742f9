import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../../src/catalog.js";
import { MASK, maskOutcomeData } from "../../src/policy/mask.js";
import { driftTolerant } from "../../src/publish/drift.js";

// Drift-tolerant output schemas, checked with the v1 SDK client's own validator (ajv with formats), which is what
// rejects a tool result whose structuredContent does not match the published output schema.

const clientValidator = new AjvJsonSchemaValidator();
const accepts = (schema: JsonSchema, data: unknown) =>
  clientValidator.getValidator(schema as never)(data).valid;

const USER = {
  type: "object",
  properties: {
    login: { type: "string" },
    id: { type: "integer", format: "int64" },
    blog: { type: "string", format: "uri" },
    type: { type: "string", enum: ["User", "Organization"] },
    plan: {
      type: "object",
      properties: { name: { type: "string" }, seats: { type: "integer", minimum: 0 } },
      required: ["name", "seats"],
      additionalProperties: false,
    },
    tags: { type: "array", items: { type: "string", pattern: "^[a-z]+$" }, uniqueItems: true, maxItems: 2 },
  },
  required: ["login", "id", "type"],
  additionalProperties: false,
};
const REPO: JsonSchema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    owner: { oneOf: [{ $ref: "#/$defs/user" }, { $ref: "#/$defs/bot" }] },
    language: { type: "string" },
    visibility: { const: "public" },
  },
  required: ["owner", "language", "visibility"],
  additionalProperties: false,
  $defs: {
    user: USER,
    bot: {
      type: "object",
      properties: { login: { type: "string" } },
      required: ["login"],
      additionalProperties: false,
    },
  },
};

const GOOD = {
  owner: { login: "octo", id: 1, type: "User", blog: "https://x.example" },
  language: "TypeScript",
  visibility: "public",
};

describe("drift-tolerant output schemas", () => {
  it("the faithful schema accepts a conforming response", () => {
    expect(accepts(REPO, GOOD)).toBe(true);
  });

  it.each([
    ["a required property missing", { owner: GOOD.owner, visibility: "public" }],
    ["a string that is null", { ...GOOD, language: null }],
    ["a new enum value", { ...GOOD, owner: { ...GOOD.owner, type: "Mannequin" } }],
    ["a new const value", { ...GOOD, visibility: "internal" }],
    ["extra properties, at any depth", { ...GOOD, topics: [], owner: { ...GOOD.owner, node_id: "U_1" } }],
    ["a format not kept", { ...GOOD, owner: { ...GOOD.owner, blog: "" } }],
    ["a number where an integer was promised", { ...GOOD, owner: { ...GOOD.owner, id: 1.5 } }],
    [
      "constraints broken",
      { ...GOOD, owner: { ...GOOD.owner, tags: ["A", "A", "b"], plan: { name: "pro", seats: -1 } } },
    ],
    ["a null nested object", { ...GOOD, owner: null }],
    ["no union branch matching exactly (oneOf)", { ...GOOD, owner: { login: "octo", id: 2 } }],
  ])("%s: the faithful schema refuses it, the published one accepts it", (_label, data) => {
    expect(accepts(REPO, data)).toBe(false);
    expect(accepts(driftTolerant(REPO), data)).toBe(true);
  });

  it.each([
    ["a string where an object is described", { ...GOOD, owner: "octo" }],
    ["an array where a string is described", { ...GOOD, language: ["TypeScript"] }],
    ["a number where a string is described", { ...GOOD, language: 5 }],
  ])("%s: still refused", (_label, data) => {
    expect(accepts(driftTolerant(REPO), data)).toBe(false);
  });

  it("spells every type as one name: nullability and mixed kinds are anyOf branches (portable to one-type dialects)", () => {
    const MIXED: JsonSchema = {
      type: ["object", "null"],
      properties: {
        id: { type: ["string", "integer"] },
        state: { enum: ["open", 2, null] },
        plan: { $ref: "#/$defs/plan" },
        labels: { type: "array", items: { type: "string" } },
      },
      $defs: { plan: { type: ["object", "null"], properties: { name: { type: "string" } } } },
    };
    for (const schema of [REPO, MIXED]) {
      const tolerant = driftTolerant(schema);
      const arrays: string[] = [];
      JSON.stringify(tolerant, (key, value) => {
        if (key === "type" && Array.isArray(value)) arrays.push(JSON.stringify(value));
        return value;
      });
      expect(arrays).toEqual([]);
    }
    const tolerant = driftTolerant(MIXED);
    expect((tolerant as Record<string, unknown>).type).toBe("object");
    expect(accepts(tolerant, { id: null, state: "closed", plan: null, labels: [null, "x"] })).toBe(true);
    expect(accepts(tolerant, { id: 5, state: 3, plan: { name: null, extra: 1 }, labels: null })).toBe(true);
    expect(accepts(tolerant, { id: true })).toBe(false);
    expect(accepts(tolerant, { plan: "basic" })).toBe(false);
    expect(accepts(tolerant, { labels: [1] })).toBe(false);
  });

  it("states null once per union: nullable unions, nullable enums, unions of refs are one level deep", () => {
    const NULLABLE: JsonSchema = {
      type: "object",
      properties: {
        source: { anyOf: [{ type: "string", enum: ["env", "file"] }, { type: "null" }], description: "d" },
        value: { anyOf: [{ anyOf: [{ type: "string" }, { type: "number" }] }, { type: "null" }] },
        either: { oneOf: [{ $ref: "#/$defs/a" }, { type: ["integer", "null"] }] },
        listed: { type: "array", items: { anyOf: [{ type: "boolean" }, { type: "null" }] } },
      },
      $defs: { a: { anyOf: [{ type: "object" }, { type: "string" }] } },
    };
    const tolerant = driftTolerant(NULLABLE) as Record<string, any>;
    const nested: string[] = [];
    JSON.stringify(tolerant, (key, value) => {
      if (
        key === "anyOf" &&
        value.some((b: Record<string, unknown>) => Array.isArray(b.anyOf) && Object.keys(b).length === 1)
      )
        nested.push(JSON.stringify(value));
      return value;
    });
    expect(nested).toEqual([]);
    expect(tolerant.properties.source).toEqual({
      anyOf: [{ type: "string" }, { type: "null" }],
      description: "d",
    });
    expect(tolerant.properties.value).toEqual({
      anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }],
    });
    expect(tolerant.properties.either).toEqual({
      anyOf: [{ $ref: "#/$defs/a" }, { type: "number" }, { type: "null" }],
    });
    expect(tolerant.properties.listed.anyOf[0].items).toEqual({
      anyOf: [{ type: "boolean" }, { type: "null" }],
    });
    // What it accepts is unchanged.
    for (const data of [
      { source: null, value: 2, either: null, listed: [null, true] },
      { either: {}, value: "x" },
    ])
      expect(accepts(tolerant, data)).toBe(true);
    expect(accepts(tolerant, { value: true })).toBe(false);
    expect(accepts(tolerant, { either: false })).toBe(false);
  });

  it("keeps an object at the root, as MCP requires of output schemas", () => {
    const tolerant = driftTolerant(REPO) as Record<string, unknown>;
    expect(tolerant.type).toBe("object");
    expect(accepts(tolerant, null)).toBe(false);
    expect(accepts(tolerant, "<html>")).toBe(false);
  });
});

describe("masking under drift", () => {
  it("fails closed: a drifted result of a masked tool has every value masked", () => {
    const outcome = { data: { name: "db", value: "s3cr3t", extra: "leak" }, drift: ["extra"] };
    expect(maskOutcomeData(outcome, ["value"]).data).toEqual({ name: MASK, value: MASK, extra: MASK });
  });
});
