import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { CatalogTool, JsonSchema } from "../../src/catalog.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { tolerateDrift } from "../../src/publish/drift.js";
import { inlineReferences } from "../../src/publish/inline.js";
import { portableDecoder, portableInput, portableSchema } from "../../src/publish/portable.js";
import { portableOutput } from "../../src/publish/portable-output.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { checkArguments } from "../../src/runtime/args.js";
import { createSchemaCache } from "../../src/runtime/schemas.js";
import { ROOT } from "../helpers/paths.js";
import {
  anthropic,
  geminiJsonSchema,
  geminiParametersSent,
  openaiStrict,
  PROVIDERS,
  providerProblems,
  tallyProviders,
} from "../helpers/providers.js";

// The `portable` schema profile: every published input schema inside what OpenAI strict mode (the Agents SDK's
// own converter), Gemini (`parameters` and `parametersJsonSchema`) and Anthropic accept, while the faithful zod
// schema still validates the arguments (JSON text the profile asked for is parsed back first).

const expectPortable = (name: string, schema: JsonSchema) => {
  const problems = providerProblems(name, schema);
  for (const provider of PROVIDERS) expect(problems[provider], `${name} for ${provider}`).toEqual([]);
};

const root = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JsonSchema => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties,
  additionalProperties: false,
  ...extra,
});

const INT64 = { type: "integer", format: "int64", minimum: 1 };
const DIGITS = {
  type: "string",
  pattern: "^-?[0-9]+$",
  description: "The integer as digits, exact beyond 2^53.",
};

describe("portable input schemas: the shapes providers reject", () => {
  const Node = {
    type: "object",
    properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } } },
    required: ["name"],
  };
  const cases: Array<[string, JsonSchema]> = [
    ["recursion through $defs", root({ tree: { $ref: "#/$defs/Node" } }, { $defs: { Node } })],
    [
      "free-form maps and values of any type",
      root({
        labels: { type: "object", additionalProperties: { type: "string" } },
        anything: {},
        open: true,
        meta: { type: "object", properties: { a: { type: "string" } }, additionalProperties: true },
      }),
    ],
    [
      "oneOf, allOf and keywords beside them",
      root({
        shape: {
          description: "a shape",
          oneOf: [
            { type: "object", properties: { radius: { type: "number" } }, required: ["radius"] },
            { type: "object", properties: { side: { type: "number" }, label: { type: "string" } } },
          ],
        },
        both: {
          allOf: [
            { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
            { properties: { b: { type: "integer", minimum: 1 } } },
          ],
        },
        either: {
          type: "object",
          properties: { x: { type: "string" }, y: { type: "string" } },
          anyOf: [{ required: ["x"] }, { required: ["y"] }],
        },
      }),
    ],
    [
      "type lists, null, const, non-string enums, formats and constraints",
      root(
        {
          maybe: { type: ["string", "null"], maxLength: 5 },
          many: { type: ["string", "integer", "boolean"] },
          level: { type: "integer", enum: [1, 2, 3], default: 2 },
          kind: { const: "fixed" },
          when: { type: "string", format: "date-time" },
          id: { type: "string", format: "uuid", pattern: "^[a-f0-9-]+$" },
          tags: { type: "array", items: { type: "string" }, minItems: 2, uniqueItems: true },
          pair: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] },
          bare: { type: "array" },
          never: false,
          examples: { type: "string", examples: ["a"], deprecated: true, title: "Examples" },
        },
        { required: ["kind", "undeclared"] },
      ),
    ],
    [
      "a 64-bit integer's input form: an integer or its digits (codegen/emit/json-schema.ts), nullable too",
      root(
        {
          id: { anyOf: [INT64, DIGITS], description: "The item's id." },
          parent: { anyOf: [{ anyOf: [INT64, DIGITS] }, { type: "null" }] },
          ids: { type: "array", items: { anyOf: [INT64, DIGITS] } },
        },
        { required: ["id"] },
      ),
    ],
    [
      'values that can only be null (`type: "null"`, `enum: [null]`, `const: null`), as properties, items and in unions',
      root(
        {
          cleared: { type: "null", description: "Always null." },
          gone: { enum: [null] },
          nothing: { const: null },
          either: {
            oneOf: [
              { type: "object", properties: { id: { type: "null" } }, required: ["id"] },
              { type: "string" },
            ],
          },
          list: { type: "array", items: { type: "null" } },
        },
        { required: ["cleared"] },
      ),
    ],
    ["no arguments", root({})],
  ];
  it("a value that can only be null is JSON text: the Google GenAI SDK sends `parameters`, and zod reads null", async () => {
    // vercel.com's update_team_member: `joinedFrom.ssoUserId: {type: "null"}` inside a union branch. The SDK
    // threw "type: null can not be the only possible type for the field" and sent none of the tools.
    const schema = root(
      {
        cleared: { type: "null" },
        joinedFrom: {
          anyOf: [
            { type: "object", properties: { ssoUserId: { type: "null" } }, required: ["ssoUserId"] },
            { type: "string" },
          ],
        },
      },
      { required: ["cleared"] },
    );
    const { schema: published } = portableInput(schema);
    expect(await geminiParametersSent([{ name: "update_team_member", inputSchema: published }])).toEqual([]);
    expect((published.properties as Record<string, JsonSchema>).cleared).toEqual({
      type: "string",
      description: "(null, written as JSON text)",
    });
    // The model writes null as JSON text, or null itself: either reaches the faithful schema as null.
    const decoder = portableDecoder(portableSchema(schema, "input"));
    const zod = z.strictObject({
      cleared: z.null(),
      joinedFrom: z.union([z.strictObject({ ssoUserId: z.null() }), z.string()]).optional(),
    });
    for (const args of [
      { cleared: "null", joinedFrom: { ssoUserId: "null" } },
      { cleared: null, joinedFrom: { ssoUserId: null } },
    ])
      expect(checkArguments(zod, args, decoder)).toMatchObject({
        ok: true,
        data: { cleared: null, joinedFrom: { ssoUserId: null } },
      });
  });
  it("a 64-bit integer's input form as inline and refs publish it converts strict (Agents SDK); Anthropic's list lacks only its format", () => {
    const schema = root(
      { id: { anyOf: [{ type: "integer", format: "int64" }, DIGITS] } },
      { required: ["id"] },
    );
    expect(openaiStrict("get_item", schema)).toEqual([]);
    // The format is the spec's, as inline published `{type: integer, format: int64}` before (portable drops it).
    expect(anthropic(schema)).toEqual(["#/properties/id/anyOf/0: format int64"]);
    // Gemini's documented keywords have no `pattern` (nor `$schema`): Gemini takes the portable form (the case below).
    expect(geminiJsonSchema(schema)).toEqual(["#: $schema", "#/properties/id/anyOf/1: pattern"]);
  });

  it("JSON text is read back exactly: a 64-bit id in it keeps its digits (JSON.parse rounded it)", () => {
    const { schema: published } = portableInput(root({ meta: {} }));
    const decoder = portableDecoder(portableSchema(root({ meta: {} }), "input"));
    // An optional argument: JSON text, or null (read as absent).
    expect(published.properties).toMatchObject({ meta: { anyOf: [{ type: "string" }, { type: "null" }] } });
    const result = checkArguments(
      z.object({ meta: z.unknown() }),
      { meta: '{"id":12345678901234567890}' },
      decoder,
    );
    expect(result.ok).toBe(true);
    expect(JSON.stringify(result.ok && result.data)).toBe('{"meta":{"id":12345678901234567890}}');
  });

  it.each(cases)("%s", (name, schema) => {
    const { schema: published } = portableInput(schema);
    expectPortable(name, published);
    const text = JSON.stringify(published);
    for (const word of ["$ref", "$defs", "$schema", "oneOf", "allOf", "const", "prefixItems", "minimum"])
      expect(text).not.toContain(`"${word}"`);
  });

  it("ends a recursion in JSON text and says what goes there", () => {
    const { schema, encodings } = portableInput(
      root({ tree: { $ref: "#/$defs/Node" } }, { $defs: { Node } }),
    );
    // Optional properties accept null (OpenAI strict mode has no optional property): the value is the first branch.
    const optional = (node: JsonSchema | undefined) => (node?.anyOf as JsonSchema[] | undefined)?.[0] ?? {};
    const tree = optional((schema.properties as Record<string, JsonSchema>).tree);
    const children = optional((tree.properties as Record<string, JsonSchema>).children);
    expect(children.items).toMatchObject({ type: "string" });
    expect(String((children.items as JsonSchema).description)).toMatch(/Node.*JSON/);
    expect(encodings).toEqual([
      { path: [{ property: "tree" }, { property: "children" }, "items"], kind: "container" },
    ]);
  });

  it("bounds nesting at 10 levels and 5,000 properties", () => {
    let deep: JsonSchema = { type: "string" };
    for (let i = 0; i < 30; i++) deep = { type: "object", properties: { next: deep }, required: ["next"] };
    const wide = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `group${i}`,
        {
          type: "object",
          properties: Object.fromEntries(
            Array.from({ length: 100 }, (_, j) => [`field${j}`, { type: "string" }]),
          ),
        },
      ]),
    );
    for (const [name, schema] of [
      ["deep", root({ deep })],
      ["wide", root(wide)],
    ] as const) {
      const out = portableInput(schema);
      expectPortable(name, out.schema);
      expect(out.encodings.length).toBeGreaterThan(0);
    }
  });

  it("keeps a constraint it cannot publish in the description", () => {
    const { schema } = portableInput(
      root({ n: { type: "integer", minimum: 1, maximum: 100, description: "Page size." } }),
    );
    expect((schema.properties as Record<string, JsonSchema>).n).toEqual({
      anyOf: [{ type: "integer", description: "Page size. (minimum 1; maximum 100)" }, { type: "null" }],
    });
  });

  it("a $comment beside a reference or a union only annotates, as in the inline profile: the reference's own description wins", () => {
    const Tag = { type: "string", enum: ["a", "b"], description: "A tag." };
    const Obj = {
      type: "object",
      properties: { x: { type: "integer" } },
      required: ["x"],
      additionalProperties: false,
    };
    const schema = (extra: Record<string, unknown>) =>
      root(
        {
          tag: { $ref: "#/$defs/Tag", description: "Own.", ...extra },
          obj: { $ref: "#/$defs/Obj", ...extra },
          either: { anyOf: [{ $ref: "#/$defs/Tag" }, { type: "integer" }], description: "Either.", ...extra },
        },
        { required: ["tag"], $defs: { Tag, Obj } },
      );
    const inlined = inlineReferences(schema({ $comment: "x" })).properties as Record<string, JsonSchema>;
    expect(inlined.tag).toEqual({ ...Tag, description: "Own.", $comment: "x" });
    expect(inlined.obj).toEqual({ ...Obj, $comment: "x" });
    const plain = portableSchema(schema({}), "input");
    expect(portableSchema(schema({ $comment: "x" }), "input")).toEqual(plain);
    expect(JSON.stringify(plain)).toContain('"description":"Own. A tag."');
  });

  it("an optional property accepts null, its description on the value's branch; a required one does not", () => {
    const { schema } = portableInput(
      root(
        {
          id: { type: "string", description: "The id." },
          state: { type: "string", enum: ["open", "closed"], description: "Filter." },
          note: { type: ["string", "null"], description: "A note." },
          kind: { oneOf: [{ type: "string" }, { type: "integer" }] },
        },
        { required: ["id"] },
      ),
    );
    expect(schema.required).toEqual(["id"]);
    expect(schema.properties).toEqual({
      id: { type: "string", description: "The id." },
      state: {
        anyOf: [{ type: "string", enum: ["open", "closed"], description: "Filter." }, { type: "null" }],
      },
      // Already nullable, or already a union: null added once, as a branch.
      note: { anyOf: [{ type: "string", description: "A note." }, { type: "null" }] },
      kind: { anyOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] },
    });
    // What OpenAI's own SDK makes of it: a strict tool, every property required, the optional ones nullable.
    expectPortable("optional properties", schema);
  });
});

describe("portable profile on the reference catalogs", () => {
  const catalogs: Record<string, LoadedCatalog> = {};
  beforeAll(async () => {
    for (const name of ["scaivault", "scaly"])
      catalogs[name] = await loadCatalog(join(ROOT, "generated", name));
  });

  it("every tool of ScaiVault and Scaly is accepted by every provider (faithful rates printed)", () => {
    for (const [name, catalog] of Object.entries(catalogs)) {
      for (const profile of ["refs", "inline", "portable"]) {
        const publisher = createPublisher(catalog.doc, { profile });
        const tally = tallyProviders(
          catalog.doc.tools.map((tool) => ({ name: tool.name, inputSchema: publisher.input(tool) })),
        );
        console.log(`${name} ${profile}: ${tally.tools} tools, accepted ${JSON.stringify(tally.accepted)}`);
        if (profile === "portable") {
          expect(tally.examples).toEqual({
            openai: [],
            "gemini-parameters": [],
            "gemini-json-schema": [],
            anthropic: [],
          });
        } else {
          // Today's faithful schemas are refused somewhere: the reason the profile exists.
          expect(tally.accepted["gemini-parameters"]).toBeLessThan(tally.tools);
        }
      }
    }
  });

  it("a catalog that chose portable publishes it by default; an explicit profile (serve's flag) wins", () => {
    const doc = catalogs.scaivault?.doc as LoadedCatalog["doc"];
    const tool = doc.tools.find((t) => t.name === "scaivault_write_secret") as CatalogTool;
    const chosen = { ...doc, publish: { ...doc.publish, profile: "portable" as const } };
    expect(JSON.stringify(createPublisher(chosen).input(tool))).not.toContain("$defs");
    expect(createPublisher(chosen, { profile: "refs" }).input(tool).$defs).toBeDefined();
    // A catalog that chose none publishes inline, the default (which `default` names too).
    const inline = createPublisher(doc).input(tool);
    expect(JSON.stringify(inline)).not.toContain("$ref");
    expect(createPublisher(doc, { profile: "default" }).input(tool)).toEqual(inline);
    expect(createPublisher(chosen, { profile: "default" }).input(tool)).toEqual(inline);
    expect(createPublisher(doc, { profile: "refs" }).input(tool).$defs).toBeDefined();
    expect(() => createPublisher(doc, { profile: "gemini" })).toThrow(/unknown schema profile "gemini"/);
  });

  const argumentsOf = (catalogName: string, toolName: string, args: Record<string, unknown>) => {
    const catalog = catalogs[catalogName] as LoadedCatalog;
    const tool = catalog.doc.tools.find((t) => t.name === toolName) as CatalogTool;
    const publisher = createPublisher(catalog.doc, { profile: "portable" });
    const schema = createSchemaCache(catalog.module).input(toolName);
    return {
      result: checkArguments(schema, args, publisher.decoder(tool)),
      published: publisher.input(tool),
    };
  };

  it("reads a free-form map sent as JSON text back into the object the upstream expects", () => {
    const path = "integrations/salesforce/prod";
    const { result, published } = argumentsOf("scaivault", "scaivault_write_secret", {
      path,
      data: '{"user":"svc","password":"s3cret"}',
    });
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    expect(ajv.validate(published, { path, data: '{"user":"svc","password":"s3cret"}' })).toBe(true);
    expect(result).toEqual({
      ok: true,
      data: expect.objectContaining({ data: { user: "svc", password: "s3cret" } }),
    });
    // The faithful form still works, and text that is not the JSON asked for is refused with the faithful message.
    expect(
      argumentsOf("scaivault", "scaivault_write_secret", { path, data: { user: "svc" } }).result.ok,
    ).toBe(true);
    const bad = argumentsOf("scaivault", "scaivault_write_secret", { path, data: "user=svc" }).result;
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/data.*object/i) });
  });

  it("reads the end of a recursion sent as JSON text (GraphQL's nullable inputs keep their nulls)", () => {
    const { result } = argumentsOf("scaly", "scaly_list_apps", {
      first: null,
      after: null,
      filter: { not: '{"name":{"eq":"web"}}', stackId: null, name: null },
    });
    expect(result).toEqual({
      ok: true,
      data: { first: null, after: null, filter: { not: { name: { eq: "web" } }, stackId: null, name: null } },
    });
  });
});

describe("portable output schemas: inside Gemini's subset (mcpToTool's responseJsonSchema), still honest", () => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  /** The converted schema is inside the subset and accepts every value the original accepts. */
  const expectHonest = (schema: JsonSchema, values: unknown[]) => {
    const out = portableOutput(schema);
    expect(geminiJsonSchema(out)).toEqual([]);
    const [before, after] = [ajv.compile(schema), ajv.compile(out)];
    for (const value of values) {
      expect(before(value), JSON.stringify(value)).toBe(true);
      expect(after(value), JSON.stringify(value)).toBe(true);
    }
    return out;
  };

  it("merges allOf (a $ref branch read from $defs), drops the dialect and annotations", () => {
    const out = expectHonest(
      {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        allOf: [
          { $ref: "#/$defs/Meta" },
          { type: "object", properties: { value: { type: "string", examples: ["x"] } }, required: ["value"] },
        ],
        $defs: {
          Meta: {
            type: "object",
            properties: { path: { type: "string", default: "a" } },
            required: ["path"],
          },
        },
      },
      [{ path: "a/b", value: "v", extra: 1 }],
    );
    expect(out).toEqual({
      type: "object",
      properties: { path: { type: "string" }, value: { type: "string" } },
      required: ["path", "value"],
      $defs: { Meta: { type: "object", properties: { path: { type: "string" } }, required: ["path"] } },
    });
  });

  it("oneOf as anyOf, const as a one-value enum, prefixItems with items dropped, other formats dropped", () => {
    const out = expectHonest(
      {
        type: "object",
        properties: {
          kind: { oneOf: [{ const: "a" }, { const: 2 }, { const: null }] },
          pair: { type: "array", prefixItems: [{ type: "string" }], items: { type: "number" } },
          at: { type: "string", format: "date-time" },
          uri: { type: "string", format: "uri", pattern: "^h" },
          mixed: { enum: ["a", true] },
        },
      },
      [
        { kind: "a", pair: ["x", 1], at: "2026-01-01T00:00:00Z", uri: "https://x", mixed: true },
        { kind: null },
      ],
    );
    expect(out.properties).toEqual({
      kind: { anyOf: [{ enum: ["a"] }, { enum: [2] }, {}] },
      pair: { type: "array" },
      at: { type: "string", format: "date-time" },
      uri: { type: "string" },
      mixed: {},
    });
  });

  it("branches that disagree keep what they share; a cycle of allOf references stays a reference", () => {
    const out = expectHonest(
      {
        type: "object",
        allOf: [
          { properties: { n: { type: "number" }, s: { type: "string" } }, additionalProperties: false },
          { properties: { n: { type: "integer" }, t: { type: "string" } } },
        ],
      },
      // `additionalProperties: false` in the first branch refuses t, so the original accepts no value with it.
      [{ n: 1, s: "x" }],
    );
    expect(out.properties).toEqual({ n: {}, s: { type: "string" }, t: { type: "string" } });
    const cyclic = portableOutput({
      $ref: "#/$defs/A",
      $defs: { A: { allOf: [{ $ref: "#/$defs/A" }] } },
    } as JsonSchema);
    expect(cyclic).toEqual({ $ref: "#/$defs/A", $defs: { A: { $ref: "#/$defs/A" } } });
  });

  it("every output schema ScaiVault and Scaly publish (drift-tolerant, as served) is inside the subset", async () => {
    for (const name of ["scaivault", "scaly"]) {
      const { doc } = await loadCatalog(join(ROOT, "generated", name));
      const publisher = createPublisher(doc, { profile: "portable", transforms: [tolerateDrift] });
      const outside = doc.tools.flatMap((tool) => {
        const output = publisher.output(tool);
        return output ? geminiJsonSchema(output).map((problem) => `${tool.name} ${problem}`) : [];
      });
      expect(outside, name).toEqual([]);
      expect(doc.tools.filter((tool) => publisher.output(tool)).length, name).toBeGreaterThan(40);
    }
  });
});
