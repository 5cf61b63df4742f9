import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../../src/catalog.js";
import { keyPatternPlans } from "../../src/patterns/matcher.js";
import { allowListPlans, declaredOnly } from "../../src/policy/allow-list.js";
import { MASK, maskFields, maskOutcomeData } from "../../src/policy/mask.js";

/** Masking as an allow list (issue 10 item 5), on schemas of its own: what is kept, dropped and masked. */

const C = "canary-0d9e2b";
const table: Record<string, JsonSchema> = {
  Item: { type: "object", properties: { id: { type: "string" }, child: { $ref: "#/$defs/Item" } } },
  Loop: { allOf: [{ $ref: "#/$defs/Loop" }, { type: "object", properties: { ok: { type: "boolean" } } }] },
  Label: { type: "string", description: "a string behind a $ref" },
};

const run = (data: unknown, schema: JsonSchema) => declaredOnly(data, schema, table).data;

describe("declaredOnly", () => {
  it("reads the same schema node against each table it is given, and gives the same answer on every call", () => {
    // Spread schemas are cached per table and node: a node read through another table must not get the first's.
    const schema: JsonSchema = { type: "object", properties: { item: { $ref: "#/$defs/Item" } } };
    const narrow: Record<string, JsonSchema> = {
      Item: { type: "object", properties: { id: { type: "string" } } },
    };
    const data = { item: { id: "a", child: { id: "b" }, token: C } };
    for (let i = 0; i < 3; i++) {
      expect(run(data, schema)).toEqual({ item: { id: "a", child: { id: "b" } } });
      expect(declaredOnly(data, schema, narrow)).toEqual({ data: { item: { id: "a" } }, count: 2 });
    }
    // An invalid patternProperties key matches nothing, on every call (it is compiled once).
    const odd: JsonSchema = {
      type: "object",
      patternProperties: { "(": { type: "string" }, "^x": { type: "string" } },
    };
    for (let i = 0; i < 2; i++) expect(run({ "(": C, x1: "kept" }, odd)).toEqual({ x1: "kept" });
  });

  it("tests patternProperties keys on RE2: a pattern built to backtrack returns, one RE2 cannot express declares nothing", () => {
    // The key is the upstream's, the pattern the catalog's. Each distinct pattern is planned once, however many
    // keys it tests; a key only a lookahead would declare is dropped (fail closed).
    const schema: JsonSchema = {
      type: "object",
      patternProperties: {
        "^(a+)+$": { type: "string" },
        "^(?=x)x-[a-z]+$": { type: "string" },
        "^ok-\\S+$": { type: "string" },
        "^(?:I|i)d$": { type: "string" },
      },
    };
    const before = keyPatternPlans.count;
    const data = { aaaa: "a", "x-look": C, "ok-é": "b", Id: "c" };
    for (let i = 0; i < 3; i++) expect(run(data, schema)).toEqual({ aaaa: "a", "ok-é": "b", Id: "c" });
    expect(keyPatternPlans.count - before).toBe(4);
    // On JavaScript's engine `^(a+)+$` against forty `a`s and a `!` takes about 2^40 steps: the walk would not
    // return (and a synchronous loop is beyond vitest's timeout; the e2e test regex-keys.test.ts bounds it there).
    expect(run({ [`${"a".repeat(40)}!`]: C, aa: "a" }, schema)).toEqual({ aa: "a" });
    expect(keyPatternPlans.count - before).toBe(4);
  });

  it("plans each schema node's walk once for any number of results, with the same answer each time", () => {
    // What the walk asks of a schema (scalar? object? described properties? which schemas a named key has) is
    // answered once per schema node, not at every value of every result.
    const schema: JsonSchema = {
      type: "object",
      properties: {
        items: { type: "array", items: { $ref: "#/$defs/Item" } },
        label: { $ref: "#/$defs/Label" },
        tags: { type: "object", additionalProperties: { type: "string" } },
      },
    };
    const result = (i: number) => ({
      items: [
        { id: `a${i}`, child: { id: "b", token: C } },
        { id: "c", extra: [C] },
      ],
      label: "l",
      tags: { [`k${i}`]: "v", nested: { deep: C } },
      secret: C,
    });
    const want = (i: number) => ({
      data: {
        items: [{ id: `a${i}`, child: { id: "b" } }, { id: "c" }],
        label: "l",
        tags: { [`k${i}`]: "v", nested: MASK },
      },
      count: 4,
    });
    expect(declaredOnly(result(0), schema, table)).toEqual(want(0));
    const planned = allowListPlans();
    for (let i = 1; i <= 20; i++) expect(declaredOnly(result(i), schema, table)).toEqual(want(i));
    expect(allowListPlans()).toBe(planned);
  });

  it("drops undeclared properties at every level, through $refs and recursion", () => {
    const schema: JsonSchema = { type: "object", properties: { item: { $ref: "#/$defs/Item" } } };
    const data = {
      item: { id: "a", token: C, child: { id: "b", child: { id: "c", secret: C } } },
      extra: [C],
    };
    expect(run(data, schema)).toEqual({ item: { id: "a", child: { id: "b", child: { id: "c" } } } });
  });

  it("reads allOf/anyOf/oneOf branches together, and ends a reference cycle", () => {
    const schema: JsonSchema = {
      anyOf: [
        { type: "object", properties: { a: { type: "string" } } },
        { oneOf: [{ type: "object", properties: { b: { type: "integer" } } }] },
        { $ref: "#/$defs/Loop" },
      ],
    };
    expect(run({ a: "x", b: 2, ok: true, c: C }, schema)).toEqual({ a: "x", b: 2, ok: true });
  });

  it("keeps keys of declared maps and patternProperties, masks values the schema leaves open", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        labels: { type: "object", additionalProperties: { $ref: "#/$defs/Label" } },
        headers: { type: "object", patternProperties: { "^x-": { type: "string" } } },
        free: {},
        bag: { type: "object" },
        list: { type: "array" },
      },
    };
    const data = {
      labels: { team: "core", nested: { deep: C } },
      headers: { "x-id": "1", authorization: C },
      free: C,
      bag: { k: C, n: { m: 1 } },
      list: [C, { v: C }],
    };
    expect(run(data, schema)).toEqual({
      labels: { team: "core", nested: MASK },
      headers: { "x-id": "1" },
      free: MASK,
      bag: { k: MASK, n: { m: MASK } },
      list: [MASK, { v: MASK }],
    });
  });

  it("masks a value of another kind than declared, keys and all; prefixItems by position", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        name: { type: "string" },
        count: { type: "integer" },
        tuple: { type: "array", prefixItems: [{ type: "string" }, { type: "object", properties: {} }] },
        flag: { enum: ["on", "off"] },
      },
    };
    const data = { name: { [C]: C }, count: [C], tuple: ["a", { x: C }, C], flag: "maybe" };
    const out = run(data, schema);
    expect(out).toEqual({ name: MASK, count: MASK, tuple: ["a", {}, MASK], flag: "maybe" });
    expect(JSON.stringify(out)).not.toContain(C);
  });

  it("masks what lies deeper than it reads, without deep recursion", () => {
    let deep: unknown = C;
    for (let i = 0; i < 20_000; i++) deep = { child: deep };
    const item: JsonSchema = {
      type: "object",
      properties: { id: { type: "string" }, child: { $ref: "#/$defs/Item" } },
    };
    const out = run(deep, item);
    expect(JSON.stringify(out)).not.toContain(C);
  });
});

describe("masked paths under the allow list", () => {
  it("masks a scalar met before the end of a masked path", () => {
    expect(maskFields({ data: C, items: [C, { value: C }] }, ["data.*", "items.value"]).data).toEqual({
      data: MASK,
      items: [MASK, { value: MASK }],
    });
  });

  it("masks a scalar where an untyped parent of a masked path holds one", () => {
    const schema: JsonSchema = { type: "object", properties: { value: { type: "string" }, data: {} } };
    const masked = maskOutcomeData({ data: { value: C, data: C } }, ["value", "data.*"], { schema, table });
    expect(masked.data).toEqual({ value: MASK, data: MASK });
  });

  it("an error's data keeps only declared keys, every value masked", () => {
    const schema: JsonSchema = { type: "object", properties: { id: { type: "string" } } };
    const outcome = { data: { id: "x", [C]: C }, error: { message: "mismatch", code: "output_mismatch" } };
    expect(maskOutcomeData(outcome, [], { schema, table }).data).toEqual({ id: MASK });
  });
});
