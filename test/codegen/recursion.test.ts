import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { GeneratedCatalog } from "../../codegen/index.js";
import { verifyCatalogs } from "../../codegen/verify.js";
import { writeCatalog } from "../../codegen/write.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { disagreements } from "../helpers/agreement.js";
import { generateBounded } from "../helpers/bounded.js";
import { ROOT, tmpDir } from "../helpers/paths.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const arrayOf = (items: unknown) => ({ type: "array", items });

/**
 * Every shape of recursion real specs use. `Root` is what the operations send and receive; the other schemas are
 * the recursion. Each must generate (in bounded time), type-check, and publish schemas ajv compiles and agrees on.
 */
const SHAPES: Record<string, { openapi?: string; schemas: Record<string, unknown> }> = {
  "self-array": {
    schemas: { Root: { type: "object", properties: { tree: ref("Tree") } }, Tree: arrayOf(ref("Tree")) },
  },
  "json-value (3.1)": {
    schemas: {
      Root: { type: "object", properties: { value: ref("JsonValue"), list: arrayOf(ref("JsonValue")) } },
      JsonValue: {
        anyOf: [
          { type: "string" },
          { type: "number" },
          { type: "boolean" },
          { type: "null" },
          arrayOf(ref("JsonValue")),
          { type: "object", additionalProperties: ref("JsonValue") },
        ],
      },
    },
  },
  "json-value split in named parts (3.0)": {
    openapi: "3.0.3",
    schemas: {
      Root: { type: "object", properties: { value: ref("Value") } },
      Value: { oneOf: [{ type: "string" }, ref("ValueList"), ref("ValueMap")], nullable: true },
      ValueList: arrayOf(ref("Value")),
      ValueMap: { type: "object", additionalProperties: ref("Value") },
    },
  },
  "mutual recursion through arrays": {
    schemas: {
      Root: { type: "object", properties: { a: ref("A") } },
      A: arrayOf(ref("B")),
      B: arrayOf(ref("C")),
      C: { anyOf: [{ type: "integer" }, ref("A")] },
    },
  },
  "mutual recursion through objects and arrays": {
    schemas: {
      Root: ref("Folder"),
      Folder: { type: "object", properties: { name: { type: "string" }, entries: arrayOf(ref("Entry")) } },
      Entry: { oneOf: [ref("File"), ref("Folder")] },
      File: {
        type: "object",
        required: ["name"],
        properties: { name: { type: "string" }, parent: ref("Folder") },
      },
    },
  },
  maps: {
    schemas: {
      Root: { type: "object", properties: { tree: ref("MapA"), mixed: ref("Mixed") } },
      MapA: { type: "object", additionalProperties: ref("MapB") },
      MapB: { type: "object", additionalProperties: { anyOf: [{ type: "string" }, ref("MapA")] } },
      Mixed: { type: "object", properties: { id: { type: "string" } }, additionalProperties: ref("Mixed") },
    },
  },
  unions: {
    schemas: {
      Root: { type: "object", properties: { expr: ref("Expr") } },
      Expr: { oneOf: [{ type: "number" }, ref("Call"), arrayOf(ref("Expr"))] },
      Call: {
        type: "object",
        required: ["kind", "args"],
        properties: { kind: { const: "call" }, args: arrayOf(ref("Expr")) },
      },
      Either: { anyOf: [{ type: "string" }, ref("Either2")] },
      Either2: { anyOf: [{ type: "boolean" }, arrayOf(ref("Either"))] },
    },
  },
  allOf: {
    schemas: {
      Root: { type: "object", properties: { node: ref("Node"), self: ref("SelfAll") } },
      Base: { type: "object", properties: { id: { type: "string" }, parent: ref("Node") } },
      Node: {
        allOf: [ref("Base"), { type: "object", properties: { children: arrayOf(ref("Node")) } }],
      },
      SelfAll: { allOf: [{ type: "object", properties: { a: { type: "string" } } }, ref("SelfAll2")] },
      SelfAll2: { allOf: [ref("SelfAll")] },
    },
  },
  // What a tool sends and returns is itself an allOf that reaches itself (the output's "is it an object?" once
  // followed it forever: RangeError).
  "allOf through itself at the root": {
    schemas: {
      Root: ref("Loop"),
      Loop: { allOf: [ref("Loop"), { type: "object", properties: { a: { type: "string" } } }] },
    },
  },
  "tuples and nullables": {
    schemas: {
      Root: { type: "object", properties: { pair: ref("Pair") } },
      Pair: { type: ["array", "null"], prefixItems: [{ type: "string" }, ref("Pair")], items: false },
    },
  },
  "readOnly inside recursion (input and output views differ)": {
    schemas: {
      Root: ref("Item"),
      Item: {
        type: "object",
        properties: {
          id: { type: "string", readOnly: true },
          secret: { type: "string", writeOnly: true },
          children: arrayOf(ref("ItemOrList")),
        },
      },
      ItemOrList: { anyOf: [ref("Item"), arrayOf(ref("ItemOrList"))] },
    },
  },
  // Recursion through a refinement (uniqueItems, minProperties, a tuple's length, a closed allOf part): the
  // getters did not type-check (TS7023). Keycloak's admin API: PolicyRepresentation.resourcesData is a
  // uniqueItems array of ResourceRepresentation, whose scopes reach back to policies.
  "recursion through refinements (Keycloak's uniqueItems)": {
    schemas: {
      Root: { type: "object", properties: { policy: ref("Policy"), tree: ref("Tree") } },
      Policy: {
        type: "object",
        properties: {
          name: { type: "string" },
          resources: { ...arrayOf(ref("Resource")), uniqueItems: true },
        },
      },
      Resource: {
        type: "object",
        properties: { name: { type: "string" }, policies: { ...arrayOf(ref("Policy")), uniqueItems: true } },
      },
      Tree: {
        type: "object",
        properties: {
          children: { ...arrayOf(ref("Tree")), uniqueItems: true },
          byName: { type: "object", minProperties: 1, additionalProperties: ref("Tree") },
          pair: { type: "array", prefixItems: [ref("Tree"), { type: "string" }], minItems: 2, maxItems: 2 },
          labelled: {
            allOf: [
              ref("Tree"),
              { type: "object", additionalProperties: false, properties: { label: { type: "string" } } },
            ],
          },
        },
      },
    },
  },
  // A nullable or optional reference to the cycle inside a container (an array's items, a map's values, a tuple's
  // optional item): the TypeScript twin's getters wrapped it in a generic inside a call (`z.array(Node.nullable())`)
  // and did not type-check (TS7023). GraphQL's `[T]` of a recursive input type is that array (Hasura's bool_exp);
  // below, OpenAPI 3.1's and 3.0's spellings.
  "nullable references to the cycle inside containers (3.1)": {
    schemas: {
      Root: { type: "object", properties: { where: ref("Where"), pair: ref("Pair") } },
      Where: {
        type: "object",
        properties: {
          _and: arrayOf({ anyOf: [ref("Where"), { type: "null" }] }),
          _not: { anyOf: [ref("Where"), { type: "null" }] },
          byField: { type: "object", additionalProperties: { anyOf: [ref("Other"), { type: "null" }] } },
          name: { type: "string" },
        },
      },
      Other: { type: "object", properties: { back: arrayOf({ anyOf: [ref("Where"), { type: "null" }] }) } },
      Pair: {
        type: "object",
        properties: {
          items: {
            type: "array",
            prefixItems: [{ type: "string" }, ref("Pair"), { anyOf: [ref("Pair"), { type: "null" }] }],
            items: { type: "integer" },
            minItems: 1,
          },
        },
      },
    },
  },
  "nullable references to the cycle inside containers (3.0)": {
    openapi: "3.0.3",
    schemas: {
      Root: { type: "object", properties: { where: ref("Where") } },
      Where: {
        type: "object",
        properties: {
          _or: arrayOf({ allOf: [ref("Where")], nullable: true }),
          nested: arrayOf(arrayOf({ allOf: [ref("Where")], nullable: true })),
          byField: { type: "object", additionalProperties: { allOf: [ref("Where")], nullable: true } },
        },
      },
    },
  },
};

function specOf(shape: { openapi?: string; schemas: Record<string, unknown> }): string {
  return JSON.stringify({
    openapi: shape.openapi ?? "3.1.0",
    info: { title: "recursion", version: "1" },
    servers: [{ url: "https://recursion.example.com" }],
    paths: {
      "/things": {
        post: {
          operationId: "putThing",
          requestBody: { required: true, content: { "application/json": { schema: ref("Root") } } },
          responses: {
            "200": { description: "ok", content: { "application/json": { schema: ref("Root") } } },
          },
        },
      },
    },
    components: { schemas: shape.schemas },
  });
}

describe("recursion of any shape terminates, type-checks and publishes agreeing schemas", () => {
  it("every shape", { timeout: 300_000 }, async () => {
    const dir = tmpDir("recursion");
    const shapes = Object.entries(SHAPES);
    const jobs = shapes.map(([, shape], i) => {
      const spec = join(dir, `shape${i}.json`);
      writeFileSync(spec, specOf(shape));
      return { spec, name: `shape${i}`, out: relative(ROOT, join(dir, `out${i}`)) };
    });
    const outcomes = await generateBounded(jobs);
    const catalogs: GeneratedCatalog[] = [];
    outcomes.forEach(({ cat, diagnostics }, i) => {
      const label = shapes[i]?.[0];
      expect(
        diagnostics.filter((d) => d.severity === "error"),
        label,
      ).toEqual([]);
      expect(cat, label).toBeDefined();
      catalogs.push(cat as GeneratedCatalog);
    });
    // Recursion that consumes no data (SelfAll -> SelfAll2 -> SelfAll through allOf only) is cut, with a warning.
    const allOf = outcomes[shapes.findIndex(([label]) => label === "allOf")];
    expect(allOf?.diagnostics.filter((d) => d.code === "TW138").map((d) => d.message)).toEqual([
      expect.stringContaining("SelfAll"),
    ]);
    // A recursive GraphQL input type of Hasura's shape (`_and: [T!]`, `_not: T`, `_or: [T]`), mutual recursion
    // between two of them through nullable lists, and a list of lists.
    const sdl = join(dir, "hasura.graphql");
    writeFileSync(
      sdl,
      `type Query { blocks(where: BlockBoolExp, orderBy: [BlockOrderBy!]): [Int] }
input BlockBoolExp { _and: [BlockBoolExp!] _not: BlockBoolExp _or: [BlockBoolExp] hash: String epoch: EpochBoolExp }
input EpochBoolExp { _and: [EpochBoolExp] blocks: BlockBoolExp grid: [[EpochBoolExp]] }
input BlockOrderBy { hash: String epoch: EpochOrderBy }
input EpochOrderBy { blocks: [BlockOrderBy] }
`,
    );
    const [hasura] = await generateBounded([
      { spec: sdl, graphql: [sdl], name: "hasura", out: relative(ROOT, join(dir, "hasura")) },
    ]);
    expect(hasura?.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    catalogs.push(hasura?.cat as GeneratedCatalog);
    expect(verifyCatalogs(ROOT, catalogs).slice(0, 5)).toEqual([]);
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    for (const cat of catalogs) {
      writeCatalog(ROOT, cat);
      const doc = JSON.parse(cat.files.get("catalog.json") as string) as CatalogDocument;
      // What a client receives: each tool's root with the part of the schema table it reaches.
      const publisher = createPublisher(doc);
      for (const tool of doc.tools) {
        ajv.compile(publisher.input(tool));
        const output = publisher.output(tool);
        if (output) ajv.compile(output);
      }
      const agreement = await disagreements(join(ROOT, cat.dir));
      expect(agreement.examples, cat.name).toEqual([]);
      expect(agreement.checked).toBeGreaterThan(0);
    }
  });
});
