import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type z, z as z4 } from "zod";
import { DEPENDENT_REQUIRED_JS, MULTIPLE_OF_JS, PROPERTY_NAMES_JS } from "../../codegen/emit/module-parts.js";
import type { CatalogDocument, JsonSchema } from "../../src/catalog.js";
import { parseJson } from "../../src/executors/json-text.js";
import { loadCatalog } from "../../src/load/catalog.js";
import { memberCountOf } from "../../src/load/member-count.js";
import { schemaRuntime } from "../../src/load/patterns.js";
import { project, SizeCache, UNBOUNDED } from "../../src/publish/project.js";
import { precheckCompiler } from "../../src/runtime/output-precheck.js";
import { readableAsIs, schemaNames } from "../../src/runtime/result.js";
import { createSchemaCache } from "../../src/runtime/schemas.js";
import { ROOT } from "../helpers/paths.js";
import { probes } from "../helpers/probes.js";
import { responseExamples } from "../helpers/spec-examples.js";

// The output check's compiled pre-check (runtime/output-precheck.ts) serves a result as it came when ajv accepts
// it, and lets zod decide otherwise: it must never accept what zod refuses. Differential over every tool with an
// output schema of ScaiVault, Scaly and the generator's fixtures (discriminated unions, tuples, records,
// refinements, exclusive unions, recursion, 64-bit integers, patterns): the spec's examples and generated values,
// each mutated at every place (members removed, replaced by values of every kind, big and unsafe integers, 1e20,
// long and astral strings at the schema's length bounds, extra and prototype-named members), read as the server
// reads an upstream body (parsed JSON, only where the output check reads data as it came).

type Tool = CatalogDocument["tools"][number];

const outputPrecheck = precheckCompiler();

interface Case {
  dir: string;
  spec?: string;
}

const CASES: Record<string, Case> = {
  scaivault: { dir: join(ROOT, "generated/scaivault"), spec: join(ROOT, "specs/scaivault/openapi.yaml") },
  scaly: { dir: join(ROOT, "generated/scaly") },
  ...Object.fromEntries(
    ["kitchen-sink", "openapi30", "swagger2", "graphql-types", "graphql-introspection"].map((name) => [
      name,
      { dir: join(ROOT, "test/fixtures", name, "expected") },
    ]),
  ),
};

const RISKY: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1.5,
  1e20,
  -1e20,
  2 ** 53,
  -(2 ** 53),
  2 ** 53 - 1,
  1e-7,
  // Decimal multiples a tolerance takes and an exact check refuses (of 0.01 and of 0.1), and ones it takes.
  0.07,
  0.07000000000000002,
  0.30000000000000004,
  19.99,
  "",
  "x",
  "\u{1F600}",
  "a\n",
  [],
  [null],
  {},
  { x: 1 },
];

/** An object with an own `__proto__` member, as JSON.parse makes one (JSON.stringify writes it back). */
function withOwn(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...base };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Every length bound the schema names, and its neighbours. */
function lengths(schema: unknown): number[] {
  const found = new Set<number>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if ((key === "maxLength" || key === "minLength") && typeof value === "number" && value <= 4096)
        for (const n of [value - 1, value, value + 1, Math.ceil(value / 2), Math.floor(value / 2) + 1])
          if (n >= 0) found.add(n);
      walk(value);
    }
  };
  walk(schema);
  return [...found];
}

/** `value` with the thing at each place (up to `limit` places) replaced, removed or added to. */
function mutations(value: unknown, strings: number[], limit = 400): unknown[] {
  const out: unknown[] = [];
  const replaced = (at: unknown, replace: (v: unknown) => unknown[]): unknown[] => {
    const variants = replace(at);
    if (at === null || typeof at !== "object") return variants;
    if (Array.isArray(at)) {
      for (let i = 0; i < at.length && out.length < limit; i++)
        for (const v of replaced(at[i], replace)) variants.push(at.map((x, j) => (j === i ? v : x)));
      if (at.length > 0) variants.push([...at, ...at], at.slice(1));
      return variants;
    }
    const record = at as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (out.length >= limit) break;
      const { [key]: _gone, ...without } = record;
      variants.push(without);
      for (const v of replaced(record[key], replace)) variants.push(withOwn(record, key, v));
    }
    // Prototype names, and keys a propertyNames pattern or length refuses: long, astral, not a name.
    for (const key of [
      "__proto__",
      "constructor",
      "toString",
      "unexpected_key",
      "Bad key!",
      "k".repeat(129),
      "\u{1F600}",
      "1x",
    ])
      variants.push(withOwn(record, key, { x: 1 }), withOwn(record, key, "x"));
    return variants;
  };
  const leaf = (v: unknown): unknown[] => {
    const more = [...RISKY];
    if (typeof v === "string") {
      more.push(`${v}!`, `\n${v}`, `${v}\n`, v.toUpperCase(), v.slice(1));
      for (const n of strings)
        more.push("\u{1F600}".repeat(n), "x".repeat(n), `${v.slice(0, 1)}${"\u{1F600}".repeat(n)}`);
    }
    if (typeof v === "number") more.push(v + 1, v - 1, v * 2 ** 53, -v, v + 0.5);
    return more;
  };
  for (const v of replaced(value, leaf)) {
    out.push(v);
    if (out.length >= limit) break;
  }
  return out;
}

/** Values per tool (the spec's examples and the generated values, then a sample of their mutations). */
const PER_TOOL = 120;

interface Tally {
  tools: number;
  withPrecheck: number;
  values: number;
  looser: string[];
  bothAccept: number;
  stricter: number;
  bothRefuse: number;
}

async function compare(name: string, { dir, spec }: Case): Promise<Tally> {
  const catalog = await loadCatalog(dir);
  const cache = createSchemaCache(catalog.module);
  const examples = spec ? responseExamples(spec) : () => [];
  const sizes = new SizeCache(catalog.doc.schemas);
  const tally: Tally = {
    tools: 0,
    withPrecheck: 0,
    values: 0,
    looser: [],
    bothAccept: 0,
    stricter: 0,
    bothRefuse: 0,
  };
  for (const tool of catalog.doc.tools as Tool[]) {
    const schema = cache.output(tool.name) as z.ZodType | undefined;
    if (!tool.outputSchema || !schema) continue;
    tally.tools++;
    const pre = outputPrecheck(schema);
    if (!pre) continue;
    tally.withPrecheck++;
    const whole = project(tool.outputSchema, catalog.doc.schemas, UNBOUNDED, sizes).schema as JsonSchema;
    const names = schemaNames(tool.outputSchema, catalog.doc.schemas);
    const strings = lengths(whole);
    // The spec's examples and a generated valid value mutated at every place; the generator's own probes (each
    // member dropped or replaced by a value of every kind) as they are. A deterministic sample of the mutations
    // keeps the test within seconds.
    const generated = probes(whole as Record<string, unknown>);
    const seeds = [...examples(tool), generated[0]];
    const all = seeds.flatMap((seed) => mutations(seed, strings));
    const step = Math.max(1, Math.ceil(all.length / PER_TOOL));
    const values = [...seeds, ...generated, ...all.filter((_, i) => i % step === 0)];
    for (const value of values) {
      const text = JSON.stringify(value);
      if (text === undefined) continue;
      const data = parseJson(text);
      // The output check reads data through the pre-check only where it reads it as it came.
      if (!readableAsIs(data, names)) continue;
      tally.values++;
      const ajv = pre(data);
      const zod = schema.safeParse(data).success;
      if (ajv && !zod) tally.looser.push(`${name} ${tool.name}: ${text.slice(0, 300)}`);
      else if (ajv) tally.bothAccept++;
      else if (zod) tally.stricter++;
      else tally.bothRefuse++;
    }
  }
  return tally;
}

describe("the output check's compiled pre-check", () => {
  for (const [name, entry] of Object.entries(CASES)) {
    it(`${name}: never accepts a value zod refuses`, async () => {
      const tally = await compare(name, entry);
      expect(tally.looser.slice(0, 5)).toEqual([]);
      expect(tally.tools).toBeGreaterThan(0);
      // Both answers are met, and where zod accepts, the pre-check does too almost always (else it buys nothing).
      expect(tally.withPrecheck).toBe(tally.tools);
      expect(tally.bothAccept).toBeGreaterThan(name === "scaivault" || name === "scaly" ? 1000 : 0);
      expect(tally.bothRefuse).toBeGreaterThan(tally.bothAccept);
      expect(tally.stricter).toBeLessThanOrEqual(tally.bothAccept / 10);
      console.log(name, JSON.stringify({ ...tally, looser: tally.looser.length }));
    });
  }
});

// Risky keywords generated from a spec of their own: member counts (zod counts what it parsed, without an own
// `__proto__`), safe integers, code point lengths, anchored patterns, recursion, and the parts zod keeps
// (multipleOf, uniqueItems, oneOf, tuples).
const SPEC = `openapi: 3.1.0
info: { title: risky, version: "1" }
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Thing" } } } }
  /kept/{id}:
    get:
      operationId: getKept
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Kept" } } } }
  /names/{id}:
    get:
      operationId: getNames
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Names" } } } }
components:
  schemas:
    Names:
      type: object
      properties:
        labels:
          type: object
          propertyNames: { type: string, pattern: "^[a-z_][a-z0-9_]*$", minLength: 2, maxLength: 4 }
          additionalProperties: { type: string }
        closed:
          type: object
          additionalProperties: false
          propertyNames: { maxLength: 1 }
          properties: { a: { type: string }, bb: { type: string } }
        card:
          type: object
          dependentRequired: { number: [expiry, cvc] }
          properties: { number: { type: string }, expiry: { type: string }, cvc: { type: string } }
        open:
          type: object
          additionalProperties: { type: string }
          dependentRequired: { a: [b, c] }
        cents: { type: number, multipleOf: 0.01 }
        tenths: { type: number, multipleOf: 0.1 }
        eights: { type: integer, multipleOf: 8 }
    Counted: { type: object, minProperties: 2, properties: { a: { type: string } } }
    Closed:
      type: object
      additionalProperties: false
      minProperties: 1
      maxProperties: 2
      properties: { a: { type: string }, b: { type: string }, c: { type: string } }
    Bag: { type: object, maxProperties: 2, additionalProperties: { type: string, maxLength: 3 } }
    Thing:
      type: object
      required: [id]
      properties:
        id: { type: string, pattern: "^[a-z]+$" }
        i: { type: integer }
        n: { type: number, minimum: 0, exclusiveMaximum: 10 }
        s: { type: string, minLength: 2, maxLength: 3 }
        counted: { $ref: "#/components/schemas/Counted" }
        closed: { $ref: "#/components/schemas/Closed" }
        bag: { $ref: "#/components/schemas/Bag" }
        kind: { type: string, enum: [a, b] }
        maybe: { type: [string, "null"] }
        children: { type: array, maxItems: 2, items: { $ref: "#/components/schemas/Thing" } }
    Kept:
      type: object
      properties:
        m: { type: number, multipleOf: 0.1 }
        email: { type: string, format: email }
        tags: { type: array, uniqueItems: true, items: { type: object, properties: { x: { type: string } } } }
        either: { oneOf: [{ type: string }, { type: string, maxLength: 2 }] }
        pair: { type: array, prefixItems: [{ type: string }, { type: integer }], items: false }
`;

const MANIFEST = `catalog: risky
server: { name: risky }
env:
  RISKY_URL: { type: url, description: Base URL. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: RISKY_URL }
tools:
  risky_thing:
    from: api#getThing
  risky_kept:
    from: api#getKept
  risky_names:
    from: api#getNames
`;

describe("the pre-check on risky keywords", () => {
  let catalog: Awaited<ReturnType<typeof loadCatalog>>;
  const checkers = (tool: string) => {
    const schema = createSchemaCache(catalog.module).output(tool) as z.ZodType;
    const pre = outputPrecheck(schema);
    if (!pre) throw new Error(`no pre-check for ${tool}`);
    return { pre, zod: (data: unknown) => schema.safeParse(data).success };
  };
  /** Each JSON text read as the server reads a body: both answers, side by side. */
  const answers = (tool: string, texts: string[]) => {
    const { pre, zod } = checkers(tool);
    return texts.map((text) => {
      const data = parseJson(text);
      return `${pre(data) ? "ajv" : "-"} ${zod(data) ? "zod" : "-"} ${text}`;
    });
  };

  it("answers as zod where it reads the schema, and leaves the rest to zod", async () => {
    const { errorsOf, genManifest, genToDisk, writeTree } = await import("../helpers/generate.js");
    const dir = writeTree("precheck-risky", { "tools.yaml": MANIFEST, "api.yaml": SPEC });
    const { diags } = await genManifest(join(dir, "tools.yaml"));
    expect(errorsOf(diags)).toEqual([]);
    const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
    catalog = await loadCatalog(out);

    // Every part of the first schema is ajv's; the second keeps three for zod (uniqueItems, oneOf, the tuple; a
    // format is an annotation to both; multipleOf is the generator's recorded check, run by ajv).
    expect(checkers("risky_thing").pre.zodParts).toBe(0);
    expect(checkers("risky_kept").pre.zodParts).toBe(3);

    const thing = (members: string) => `{"id":"abc"${members}}`;
    expect(
      answers("risky_thing", [
        thing(""),
        thing(',"i":9007199254740991'),
        thing(',"i":9007199254740992'),
        thing(',"i":1e20'),
        thing(',"i":-1e20'),
        thing(',"i":1.5'),
        thing(',"n":0'),
        thing(',"n":10'),
        thing(',"n":-0'),
        thing(',"s":"\u{1F600}\u{1F600}\u{1F600}"'),
        thing(',"s":"\u{1F600}\u{1F600}\u{1F600}\u{1F600}"'),
        thing(',"s":"\u{1F600}"'),
        thing(',"s":"x"'),
        '{"id":"abc\\n"}',
        '{"id":"ABC"}',
        thing(',"counted":{"a":"x","b":1}'),
        thing(',"counted":{"a":"x"}'),
        thing(',"counted":{"a":"x","__proto__":{}}'),
        thing(',"counted":{"__proto__":1,"constructor":2}'),
        thing(',"closed":{"a":"x","b":"y"}'),
        thing(',"closed":{"a":"x","b":"y","c":"z"}'),
        thing(',"closed":{}'),
        thing(',"closed":{"__proto__":"x"}'),
        thing(',"bag":{"a":"xyz","b":""}'),
        thing(',"bag":{"a":"x","b":"y","c":"z"}'),
        thing(',"bag":{"a":"x","__proto__":"y"}'),
        thing(',"bag":{"__proto__":"long value"}'),
        thing(',"kind":"c"'),
        thing(',"maybe":null'),
        thing(',"children":[{"id":"x","children":[{"id":"y"}]}]'),
        thing(',"children":[{"id":"x","children":[{"id":"Y"}]}]'),
        thing(',"children":[{"id":"x"},{"id":"y"},{"id":"z"}]'),
        thing(',"unexpected":{"deep":[1,2]}'),
      ]),
    ).toEqual([
      'ajv zod {"id":"abc"}',
      'ajv zod {"id":"abc","i":9007199254740991}',
      '- - {"id":"abc","i":9007199254740992}',
      '- - {"id":"abc","i":1e20}',
      '- - {"id":"abc","i":-1e20}',
      '- - {"id":"abc","i":1.5}',
      'ajv zod {"id":"abc","n":0}',
      '- - {"id":"abc","n":10}',
      'ajv zod {"id":"abc","n":-0}',
      'ajv zod {"id":"abc","s":"\u{1F600}\u{1F600}\u{1F600}"}',
      '- - {"id":"abc","s":"\u{1F600}\u{1F600}\u{1F600}\u{1F600}"}',
      '- - {"id":"abc","s":"\u{1F600}"}',
      '- - {"id":"abc","s":"x"}',
      '- - {"id":"abc\\n"}',
      '- - {"id":"ABC"}',
      'ajv zod {"id":"abc","counted":{"a":"x","b":1}}',
      '- - {"id":"abc","counted":{"a":"x"}}',
      // zod does not copy an own __proto__, so it counts one member: refused either way.
      '- - {"id":"abc","counted":{"a":"x","__proto__":{}}}',
      '- - {"id":"abc","counted":{"__proto__":1,"constructor":2}}',
      'ajv zod {"id":"abc","closed":{"a":"x","b":"y"}}',
      '- - {"id":"abc","closed":{"a":"x","b":"y","c":"z"}}',
      '- - {"id":"abc","closed":{}}',
      '- - {"id":"abc","closed":{"__proto__":"x"}}',
      'ajv zod {"id":"abc","bag":{"a":"xyz","b":""}}',
      '- - {"id":"abc","bag":{"a":"x","b":"y","c":"z"}}',
      // ajv checks an own __proto__ as a member (and counts it: at most two); zod skips it. Where that makes
      // ajv stricter, zod decides.
      'ajv zod {"id":"abc","bag":{"a":"x","__proto__":"y"}}',
      '- zod {"id":"abc","bag":{"__proto__":"long value"}}',
      '- - {"id":"abc","kind":"c"}',
      'ajv zod {"id":"abc","maybe":null}',
      'ajv zod {"id":"abc","children":[{"id":"x","children":[{"id":"y"}]}]}',
      '- - {"id":"abc","children":[{"id":"x","children":[{"id":"Y"}]}]}',
      '- - {"id":"abc","children":[{"id":"x"},{"id":"y"},{"id":"z"}]}',
      'ajv zod {"id":"abc","unexpected":{"deep":[1,2]}}',
    ]);

    // The parts zod keeps answer as zod does, inside a schema ajv reads.
    expect(
      answers("risky_kept", [
        '{"m":0.3}',
        '{"m":0.35}',
        '{"email":"not an email"}',
        '{"tags":[{"x":"a"},{"x":"a","y":1}]}',
        '{"tags":[{"x":"a"},{"x":"b"}]}',
        '{"either":"abc"}',
        '{"either":"ab"}',
        '{"pair":["a",1]}',
        '{"pair":["a",1,2]}',
        '{"pair":["a",1.5]}',
      ]).map((line) => {
        const [ajv, zod] = line.split(" ");
        return ajv === "ajv" && zod !== "zod" ? `looser: ${line}` : zod;
      }),
    ).toEqual(["zod", "-", "zod", "zod", "zod", "zod", "-", "zod", "-", "-"]);
  });

  it("reads the recorded propertyNames, dependentRequired and multipleOf, never looser than zod", () => {
    expect(checkers("risky_names").pre.zodParts).toBe(0);
    const emoji = "\u{1F600}";
    const labels = [
      "ab",
      "abcd",
      "abcde",
      "a",
      "Ab",
      "1a",
      "a-b",
      "a\n",
      `a${emoji}`,
      `${emoji}${emoji}`,
      "__proto__",
    ];
    const keyed = labels.flatMap((key) => [
      `{"labels":{${JSON.stringify(key)}:"x"}}`,
      `{"labels":{"ok":"x",${JSON.stringify(key)}:"y"}}`,
    ]);
    const texts = [
      ...keyed,
      '{"closed":{"a":"x"}}',
      '{"closed":{"bb":"x"}}',
      '{"closed":{"__proto__":"x"}}',
      '{"card":{"number":"4","expiry":"1","cvc":"2"}}',
      '{"card":{"number":"4","expiry":"1"}}',
      '{"card":{"number":"4","__proto__":"1","cvc":"2"}}',
      '{"card":{"expiry":"1"}}',
      '{"card":{"__proto__":"x","cvc":"2"}}',
      '{"open":{"a":"x","b":"y","c":"z"}}',
      '{"open":{"a":"x","b":"y","__proto__":"z"}}',
      '{"open":{"a":"x","b":"y"}}',
      '{"open":{"__proto__":"x","b":"y"}}',
      ...[
        "0.07",
        "0.3",
        "19.99",
        "4.35",
        "1e-20",
        "0.07000000000000002",
        "0.30000000000000004",
        "1e300",
        "-0",
      ].map((n) => `{"cents":${n},"tenths":${n}}`),
      ...["16", "8.000000000000002", "1e300", "12"].map((n) => `{"eights":${n}}`),
    ];
    const lines = answers("risky_names", texts);
    expect(lines.filter((line) => line.startsWith("ajv -"))).toEqual([]);
    // Where zod accepts, ajv does too but for own __proto__ keys (which zod skips): the pre-check buys its parse.
    expect(lines.filter((line) => line.startsWith("- zod") && !line.includes("__proto__"))).toEqual([]);
    expect(lines.filter((line) => line.startsWith("ajv zod")).length).toBeGreaterThan(10);
    expect(lines.filter((line) => line.startsWith("- -")).length).toBeGreaterThan(10);
  });

  it("reads ScaiVault read_secret's output whole (its SecretData.propertyNames is the generator's record)", async () => {
    const scaivault = await loadCatalog(join(ROOT, "generated/scaivault"));
    const schema = createSchemaCache(scaivault.module).output("scaivault_read_secret") as z.ZodType;
    const pre = outputPrecheck(schema);
    expect(pre?.zodParts).toBe(0);
  });

  it("makes the checks the TypeScript twin's helpers make (same answers, same messages)", () => {
    const helpers = new Function(
      `${MULTIPLE_OF_JS}${PROPERTY_NAMES_JS}${DEPENDENT_REQUIRED_JS}; return { multipleOf, propertyNames, dependentRequired };`,
    )() as Pick<typeof schemaRuntime, "multipleOf" | "propertyNames" | "dependentRequired">;
    const numbers = [
      0, -0, 0.07, 0.07000000000000002, 0.3, 0.30000000000000004, 19.99, 4.35, 1e-20, 1e300, 8, 16,
      8.000000000000002, -0.2,
    ];
    for (const step of [0.01, 0.1, 8, 3, 1e-7]) {
      const [ours, message] = schemaRuntime.multipleOf(step);
      const [theirs, expected] = helpers.multipleOf(step);
      expect(message).toBe(expected);
      for (const n of numbers) expect(ours(n), `${n} of ${step}`).toBe(theirs(n));
    }
    const names = z4
      .string()
      .max(4)
      .regex(/^[a-z_]+$/);
    const objects = [
      {},
      { ab: 1 },
      { Ab: 1 },
      { abcde: 1 },
      withOwn({ a: 1 }, "__proto__", 1),
      { "\u{1F600}": 1 },
    ];
    const [ours, message] = schemaRuntime.propertyNames(names);
    const [theirs, expected] = helpers.propertyNames(names);
    expect(message).toBe(expected);
    for (const o of objects) expect(ours(o)).toBe(theirs(o));
    const entries: [string, string[]][] = [
      ["a", ["b", "__proto__"]],
      ["ab", []],
    ];
    const [deps, depsMessage] = schemaRuntime.dependentRequired(entries);
    const [spelled, spelledMessage] = helpers.dependentRequired(entries);
    expect(depsMessage).toBe(spelledMessage);
    for (const o of [...objects, { a: 1, b: 2 }, withOwn({ a: 1, b: 2 }, "__proto__", 1)])
      expect(deps(o)).toBe(spelled(o));
  });

  it("leaves to zod a dependent name zod's output may lack, and a refinement it did not record", () => {
    const holding = (bag: z.ZodType) => z4.object({ id: z4.string(), bag });
    const open = (entries: [string, string[]][]) =>
      z4
        .object({})
        .catchall(z4.string())
        .refine(...schemaRuntime.dependentRequired(entries));
    expect(outputPrecheck(holding(open([["a", ["b"]]])))?.zodParts).toBe(0);
    // zod never copies an own __proto__: present in the input, absent where zod looks.
    expect(outputPrecheck(holding(open([["a", ["b", "__proto__"]]])))?.zodParts).toBe(1);
    // A stripping object drops an unknown name from its output.
    const stripping = z4
      .object({ a: z4.string().optional() })
      .refine(...schemaRuntime.dependentRequired([["a", ["zz"]]]));
    expect(outputPrecheck(holding(stripping))?.zodParts).toBe(1);
    // The same checks by hand: not recorded, zod's.
    const names = z4.string().regex(/^[a-z]+$/);
    const byHand = z4
      .object({})
      .catchall(z4.string())
      .refine((o) => Object.keys(o).every((key) => names.safeParse(key).success));
    expect(outputPrecheck(holding(byHand))?.zodParts).toBe(1);
    const recorded = z4
      .object({})
      .catchall(z4.string())
      .refine(...schemaRuntime.propertyNames(names));
    expect(outputPrecheck(holding(recorded))?.zodParts).toBe(0);
    expect(outputPrecheck(z4.number().refine((n) => n % 2 === 0))?.zodParts).toBe(undefined);
    expect(
      outputPrecheck(z4.object({ n: z4.number().refine(...schemaRuntime.multipleOf(0.01)) }))?.zodParts,
    ).toBe(0);
  });

  /** `tool` served over MCP (the whole middleware chain) from a real upstream answering `body`, zod's parses counted. */
  async function served(
    tool: string,
    run: (call: (body: string) => Promise<unknown>, parses: () => number) => Promise<void>,
  ) {
    const { resolveConfig } = await import("../../src/config/config.js");
    const { createServer } = await import("../../src/mcp/server.js");
    const { Client } = await import("@modelcontextprotocol/client");
    const { InMemoryTransport } = await import("@modelcontextprotocol/server");
    const { startRecordingServer } = await import("../helpers/recording-server.js");
    let body = "";
    const upstream = await startRecordingServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    // zod's parses of the tool's whole output schema, counted.
    let parses = 0;
    const entry = catalog.module.tools[tool];
    const build = entry?.output;
    if (!entry || !build) throw new Error("no output schema");
    const counted = new Proxy(build(), {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== "safeParse" || typeof value !== "function") return value;
        return (data: unknown) => {
          parses++;
          return value.call(target, data);
        };
      },
    });
    const module = {
      ...catalog.module,
      tools: { ...catalog.module.tools, [tool]: { ...entry, output: () => counted } },
    };
    const config = resolveConfig(catalog.doc.env, { RISKY_URL: upstream.url });
    const factory = createServer({ ...catalog, module }, config, { policy: { audit: false } });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await factory({ era: "legacy" }).connect(serverSide);
    const client = new Client({ name: "test", version: "1.0.0" });
    await client.connect(clientSide);
    try {
      await run(
        (text) => {
          body = text;
          return client.callTool({ name: tool, arguments: { id: "x" } });
        },
        () => parses,
      );
    } finally {
      await client.close();
      await upstream.close();
    }
  }

  it("is what the served output check reads first: zod parses only what it refuses", async () => {
    await served("risky_thing", async (call, parses) => {
      const body = '{"id":"abc","i":3,"bag":{"a":"xyz"},"children":[{"id":"d"}]}';
      const served = (await call(body)) as { isError?: boolean; structuredContent?: unknown };
      expect(served.isError).toBeFalsy();
      expect(served.structuredContent).toEqual(JSON.parse(body));
      expect(parses()).toBe(0);
      // Refused by both: zod reads it (as parsed, then the copy), and the published schema's tolerance serves it
      // as drifted, as before.
      const drifted = (await call('{"id":"abc","i":1e20}')) as {
        isError?: boolean;
        structuredContent?: unknown;
      };
      expect(drifted.isError).toBeFalsy();
      expect(drifted.structuredContent).toEqual({ id: "abc", i: 1e20 });
      expect(parses()).toBe(2);
      // Refused by ajv only (an own __proto__ counted as a member of the bag): zod decides, and accepts.
      const accepted = (await call('{"id":"abc","bag":{"__proto__":"long value"}}')) as { isError?: boolean };
      expect(accepted.isError).toBeFalsy();
      expect(parses()).toBe(3);
    });
  });

  it("serves an accepted result with propertyNames, dependentRequired and multipleOf without a zod parse", async () => {
    await served("risky_names", async (call, parses) => {
      const body =
        '{"labels":{"ab":"x","a_1":"y"},"card":{"number":"4","expiry":"1","cvc":"2"},"cents":19.99,"tenths":0.3}';
      const served = (await call(body)) as { isError?: boolean; structuredContent?: unknown };
      expect(served.isError).toBeFalsy();
      expect(served.structuredContent).toEqual(JSON.parse(body));
      expect(parses()).toBe(0);
      // A key the pattern refuses: ajv refuses, zod reads it (and drift serves it, as before).
      await call('{"labels":{"Ab":"x"}}');
      expect(parses()).toBeGreaterThan(0);
    });
  });
});

describe("the pre-check on zod's format schemas", () => {
  // z.int(), z.email() and their kin are schemas of type `number` or `string` whose check is in their own
  // definition (not in `checks`): read as a plain number or string, the pre-check accepted 1.5 and "nope".
  it("leaves a schema that is its own check to zod, wherever it stands", async () => {
    const { z } = await import("zod");
    const formats: [string, z.ZodType, unknown][] = [
      ["int", z.int(), 1.5],
      ["int32", z.int32(), 2 ** 40],
      ["uint32", z.uint32(), -1],
      ["email", z.email(), "nope"],
      ["uuid", z.uuid(), "nope"],
      ["url", z.url(), "nope"],
      ["iso datetime", z.iso.datetime(), "yesterday"],
      ["ipv4", z.ipv4(), "1.2.3"],
      ["base64", z.base64(), "%%"],
    ];
    const looser: string[] = [];
    for (const [name, schema, bad] of formats) {
      for (const [where, wrapped, value] of [
        ["whole", schema, bad],
        ["member", z.object({ a: schema }), { a: bad }],
        ["item", z.array(schema), [bad]],
        ["branch", z.union([z.boolean(), schema]), bad],
        ["nullable", z.object({ a: schema.nullable() }), { a: bad }],
      ] as [string, z.ZodType, unknown][]) {
        expect(wrapped.safeParse(value).success, `${name} ${where}`).toBe(false);
        if (outputPrecheck(wrapped)?.(value) === true) looser.push(`${name} ${where}`);
      }
    }
    expect(looser).toEqual([]);
    // What zod accepts, the pre-check still may: the parts around the format are ajv's.
    const member = outputPrecheck(z.object({ a: z.email(), b: z.string() }));
    expect(member?.zodParts).toBe(1);
    expect(member?.({ a: "a@example.com", b: "x" })).toBe(true);
    expect(member?.({ a: "a@example.com", b: 1 })).toBe(false);
  });
});

describe("member counts, read as data", () => {
  // The generator's minProperties/maxProperties refinements are made by `rt.members`, which records each bound;
  // the pre-check reads that record, never a function's source text: the same text written by hand is zod's.
  const made = (relation: "<=" | ">=", n: number) =>
    z4
      .object({})
      .catchall(z4.string())
      .refine(...schemaRuntime.members(relation, n));
  const spelled = (relation: "<=" | ">=", n: number) =>
    z4
      .object({})
      .catchall(z4.string())
      .refine(
        relation === "<=" ? (o) => Object.keys(o).length <= n : (o) => Object.keys(o).length >= n,
        relation === "<=" ? `allows at most ${n} properties` : `needs at least ${n} properties`,
      );

  it("is refused and accepted, with the same issues, as the refinement spelled out", () => {
    for (const [relation, n] of [
      ["<=", 0],
      ["<=", 2],
      [">=", 1],
      [">=", 3],
    ] as const) {
      for (const value of [{}, { a: "1" }, { a: "1", b: "2" }, { a: "1", b: "2", c: "3" }, { a: 1 }]) {
        const [ours, theirs] = [made(relation, n).safeParse(value), spelled(relation, n).safeParse(value)];
        expect(ours.success, `${relation} ${n} ${JSON.stringify(value)}`).toBe(theirs.success);
        expect(ours.error?.issues).toEqual(theirs.error?.issues);
      }
    }
  });

  it("is translated for ajv from the recorded bound only", () => {
    expect(memberCountOf(schemaRuntime.members("<=", 64)[0])).toEqual({ relation: "<=", count: 64 });
    expect(memberCountOf(schemaRuntime.members(">=", 1)[0])).toEqual({ relation: ">=", count: 1 });
    expect(memberCountOf((o: object) => Object.keys(o).length <= 64)).toBeUndefined();
    const holding = (bag: z.ZodType) => z4.object({ id: z4.string(), bag });
    expect(outputPrecheck(holding(made("<=", 2)))?.zodParts).toBe(0);
    expect(outputPrecheck(holding(made(">=", 1)))?.zodParts).toBe(0);
    // The same refinement by hand (what the generator wrote before): left to zod, in place.
    const byHand = z4
      .object({})
      .catchall(z4.string())
      .refine((o) => Object.keys(o).length <= 2, "allows at most 2 properties");
    expect(outputPrecheck(holding(byHand))?.zodParts).toBe(1);
    const pre = outputPrecheck(holding(made("<=", 2)));
    expect(
      [{}, { a: "x", b: "y" }, { a: "x", b: "y", c: "z" }].map((bag) => pre?.({ id: "i", bag })),
    ).toEqual([true, true, false]);
  });
});
