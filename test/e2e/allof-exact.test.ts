import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/load/catalog.js";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * An `allOf` one of whose parts reads a 64-bit integer or a decimal in its input form (`"5"` as 5, digits beyond
 * 2^53 as an exact number): zod's intersection merges the parts' outputs, and it threw ("Unmergable
 * intersection", an Error out of `safeParse`, the call failing with no reason naming the argument) where another
 * part, an open object, handed `"5"` on as written, and it merged two parts' exact numbers into a plain object,
 * sent upstream as `{"rawJSON":"..."}`. The common shape: `allOf: [$ref: Base, {properties: {...}}]` with an int64
 * id in Base. Each case is read through the catalog the runtime loads and called by a real client.
 */

const SPEC = specWith(
  `  /things:
    post:
      operationId: postThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                extended:
                  allOf:
                    - $ref: "#/components/schemas/Base"
                    - { type: object, properties: { note: { type: string } } }
                both: { allOf: [{ $ref: "#/components/schemas/Base" }, { $ref: "#/components/schemas/Other" }] }
                priced:
                  allOf:
                    - { $ref: "#/components/schemas/Price" }
                    - { type: object, properties: { memo: { type: string } } }
                change: { allOf: [{ $ref: "#/components/schemas/Base" }, { minProperties: 1 }] }
                closed:
                  allOf:
                    - { $ref: "#/components/schemas/Base" }
                    - { type: object, properties: { id: {}, tag: { type: string } }, additionalProperties: false }
      responses: { "204": { description: done } }
`,
  `components:
  schemas:
    Base: { type: object, properties: { id: { type: integer, format: int64 } } }
    Other: { type: object, properties: { id: { type: integer, format: int64 }, other: { type: string } } }
    Price: { type: object, properties: { amount: { type: number, format: decimal } } }
`,
  { openapi: "3.0.3", title: "Merge", url: "https://merge.example.com" },
);

const SNOWFLAKE = "1790000000000000001";

const served = servedSpec(
  join(writeTree("allof-exact", { "openapi.yaml": SPEC }), "openapi.yaml"),
  "merge",
  "allof-exact-out",
  (url) => ({ MERGE_BASE_URL: url }),
  (_req, res) => {
    res.writeHead(204);
    res.end();
  },
);

type Parser = { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } } };

describe("allOf with a part that reads digits: the schema the runtime loads", () => {
  const rows: [label: string, args: unknown, sent: string | undefined][] = [
    ["digits beside an open part", { extended: { id: "5", note: "n" } }, '{"extended":{"id":5,"note":"n"}}'],
    ["beyond 2^53 beside an open part", { extended: { id: SNOWFLAKE } }, `{"extended":{"id":${SNOWFLAKE}}}`],
    ["a JSON number, as before", { extended: { id: 5 } }, '{"extended":{"id":5}}'],
    [
      "two parts reading one id",
      { both: { id: SNOWFLAKE, other: "o" } },
      `{"both":{"id":${SNOWFLAKE},"other":"o"}}`,
    ],
    ["a decimal string", { priced: { amount: "12.50", memo: "m" } }, '{"priced":{"amount":12.5,"memo":"m"}}'],
    [
      "a decimal beyond a double",
      { priced: { amount: "0.1000000000000000055" } },
      '{"priced":{"amount":0.1000000000000000055}}',
    ],
    ["a closed part still refuses another key", { closed: { id: "5", extra: 1 } }, undefined],
    ["a closed part takes its own keys", { closed: { id: "5", tag: "t" } }, '{"closed":{"id":5,"tag":"t"}}'],
    ["digits that are no integer", { extended: { id: "5x" } }, undefined],
  ];

  it.each(rows)("%s", async (_label, args, sent) => {
    const mod = (await loadCatalog(served.dir())).module;
    const input = mod.tools.post_thing!.input() as unknown as Parser;
    const result = input.safeParse(args);
    expect(result.success).toBe(sent !== undefined);
    if (sent !== undefined) expect(JSON.stringify(result.data)).toBe(sent);
  });

  it("only intersections with such a part use rt.allOf; the TypeScript twin keeps z.intersection", () => {
    const js = readFileSync(join(served.dir(), "schemas.gen.mjs"), "utf8");
    expect(js).toContain("extended: rt.allOf(BaseInput(), z.looseObject(");
    expect(js).not.toContain("z.intersection(");
    const ts = readFileSync(join(served.dir(), "schemas.gen.ts"), "utf8");
    expect(ts).not.toContain("rt.allOf");
    expect(ts).toContain("z.intersection(");
  });
});

describe("allOf with a part that reads digits: a real client", () => {
  it("digits reach the upstream as the JSON number; a bad one is refused naming the argument", async () => {
    let result = await served.client().callTool({
      name: "post_thing",
      arguments: { extended: { id: SNOWFLAKE, note: "n" }, both: { id: "7", other: "o" } },
    });
    expect(result.isError ?? false).toBe(false);
    expect(served.upstream().received.at(-1)?.body.toString()).toBe(
      `{"extended":{"id":${SNOWFLAKE},"note":"n"},"both":{"id":7,"other":"o"}}`,
    );
    const calls = served.upstream().received.length;
    result = await served.client().callTool({ name: "post_thing", arguments: { extended: { id: "seven" } } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).toContain("extended.id");
    expect(text).toContain("expected an integer");
    expect(text).not.toContain("Unmergable");
    expect(served.upstream().received.length).toBe(calls);
  });

  it("a minProperties in an allOf part is enforced on the merged object, the refusal naming the argument", async () => {
    const calls = served.upstream().received.length;
    let result = await served.client().callTool({ name: "post_thing", arguments: { change: {} } });
    expect(result.isError).toBe(true);
    const text = (result.content as { text: string }[])[0]!.text;
    expect(text).toContain("change");
    expect(text).toContain("needs at least 1 properties");
    expect(served.upstream().received.length).toBe(calls);
    result = await served.client().callTool({ name: "post_thing", arguments: { change: { id: "3" } } });
    expect(result.isError ?? false).toBe(false);
    expect(served.upstream().received.at(-1)?.body.toString()).toBe('{"change":{"id":3}}');
  });
});
