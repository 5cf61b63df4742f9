import { join } from "node:path";
import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isExactNumber, type ToolOutcome } from "../../src/catalog.js";
import type { NamedMiddleware } from "../../src/chain.js";
import { resolveConfig } from "../../src/config/config.js";
import { forgetParsed, isParsedPlain, parsedPart, parseJson } from "../../src/executors/json-text.js";
import { type LoadedCatalog, loadCatalog } from "../../src/load/catalog.js";
import { createServer } from "../../src/mcp/server.js";
import { readableAsIs, schemaNames } from "../../src/runtime/result.js";
import { errorsOf, genManifest, genToDisk, writeTree } from "../helpers/generate.js";
import { random as prng } from "../helpers/random.js";
import { type RecordingServer, startRecordingServer } from "../helpers/recording-server.js";

// The output check reads upstream JSON as it came, without its prototype-free copy, when that cannot change its
// answer (runtime/result.ts, `readableAsIs`): the last plain parse without exact numbers, and no name of the tool's
// output schema found on Object.prototype. Differential: hundreds of generated upstream bodies (keys __proto__,
// constructor, toString, valueOf; missing required keys, extra keys, nulls, deep values, 64-bit integers) through
// a served catalog with masking on, answered exactly as the same server answers them when every result goes
// through the copy (an innermost step hands the check a rebuilt value, which is never read as it came).

const SPEC = `openapi: 3.1.0
info: { title: probe, version: "1" }
paths:
  /plain/{id}:
    get:
      operationId: getPlain
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Plain" } } } }
  /named/{id}:
    get:
      operationId: getNamed
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Named" } } } }
  /loose/{id}:
    get:
      operationId: getLoose
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Loose" } } } }
  /open/{id}:
    get:
      operationId: getOpen
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Open" } } } }
components:
  schemas:
    Leaf:
      type: object
      required: [v]
      properties:
        v: { type: [number, "null"] }
        w: { type: string }
    Plain:
      type: object
      required: [id, name]
      properties:
        id: { type: string }
        name: { type: string }
        count: { type: integer }
        secret: { type: string }
        flag: { type: boolean }
        items: { type: array, items: { $ref: "#/components/schemas/Leaf" } }
        nested:
          type: object
          properties:
            deep: { type: array, items: { type: array, items: { $ref: "#/components/schemas/Leaf" } } }
            secret: { type: string }
    Named:
      type: object
      required: [id, toString, propertyIsEnumerable]
      properties:
        id: { type: string }
        toString: { type: integer }
        __proto__: { type: object }
        propertyIsEnumerable: {}
        constructor: { type: string }
        valueOf: { type: object, properties: { v: { type: number } } }
        secret: { type: string }
        inner: { type: object, properties: { hasOwnProperty: { type: boolean }, name: { type: string } } }
    Loose:
      type: object
      required: [id, constructor]
      properties:
        id: { type: string }
        constructor: {}
        valueOf: {}
        amount: { type: [number, object], maximum: 1000 }
        secret: { type: string }
    Open:
      type: object
      required: [id]
      properties:
        id: { type: string }
        secret: { type: string }
      additionalProperties: { type: [string, integer, "null"] }
`;

const MANIFEST = `catalog: probe
server: { name: probe }
env:
  PROBE_URL: { type: url, description: Base URL. }
  PROBE_MASK: { type: boolean, default: "true", description: Masking. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: PROBE_URL }
policy:
  mask_values: { env: PROBE_MASK }
tools:
  probe_plain:
    from: api#getPlain
    masked: [secret, nested.secret]
  probe_named:
    from: api#getNamed
    masked: [secret]
  probe_loose:
    from: api#getLoose
    masked: [secret]
  probe_open:
    from: api#getOpen
    masked: [secret]
`;

const KEYS = [
  "id",
  "name",
  "count",
  "secret",
  "flag",
  "items",
  "nested",
  "deep",
  "v",
  "w",
  "toString",
  "constructor",
  "valueOf",
  "__proto__",
  "hasOwnProperty",
  "propertyIsEnumerable",
  "amount",
  "inner",
  "extra",
];
const SCALARS = [
  "null",
  '"text"',
  '"s3cr3t"',
  "0",
  "7",
  "-3",
  "1.5",
  "true",
  "false",
  "12345678901234567890",
  "-9007199254740993",
  "0.1000000000000000055511151231257827",
  "1e400",
  '"__proto__"',
];

/** A JSON text of an object, written by hand so keys like `__proto__` and exact numbers come as an upstream writes them. */
function body(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const value = (depth: number): string => {
    const r = random();
    if (depth > 5 || r < 0.55) return pick(SCALARS);
    if (r < 0.75)
      return `[${Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1)).join(",")}]`;
    return object(depth + 1);
  };
  const object = (depth: number): string => {
    const n = Math.floor(random() * 5);
    const members = Array.from({ length: n }, () => `${JSON.stringify(pick(KEYS))}:${value(depth)}`);
    return `{${members.join(",")}}`;
  };
  // Mostly near-valid: the required keys, then a few random members (which may repeat or replace one).
  const base: string[] = [];
  if (random() < 0.85) base.push('"id":"a1"');
  if (random() < 0.8) base.push('"name":"n"');
  if (random() < 0.7) base.push('"toString":3');
  if (random() < 0.3) base.push('"items":[{"v":1},{"v":null,"w":"x"}]');
  if (random() < 0.3) base.push('"nested":{"deep":[[{"v":2}]],"secret":"s"}');
  if (random() < 0.5) base.push('"secret":"hide me"');
  for (let i = Math.floor(random() * 3); i > 0; i--) base.push(`${JSON.stringify(pick(KEYS))}:${value(1)}`);
  if (random() < 0.05) return value(0);
  return `{${base.join(",")}}`;
}

/** The data rebuilt member by member (exact numbers kept, `__proto__` an own member): not the parsed value. */
function rebuilt(value: unknown): unknown {
  if (value === null || typeof value !== "object" || isExactNumber(value)) return value;
  if (Array.isArray(value)) return value.map(rebuilt);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    Object.defineProperty(out, key, {
      value: rebuilt((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const viaCopy: NamedMiddleware = {
  name: "rebuild-data",
  async run(_ctx, next) {
    const outcome: ToolOutcome = await next();
    return outcome.data === undefined ? outcome : { ...outcome, data: rebuilt(outcome.data) };
  },
};

let catalog: LoadedCatalog;
let upstream: RecordingServer;
const bodies = new Map<string, string>();

beforeAll(async () => {
  const dir = writeTree("as-parsed", { "tools.yaml": MANIFEST, "api.yaml": SPEC });
  const { cat, diags } = await genManifest(join(dir, "tools.yaml"));
  expect(errorsOf(diags)).toEqual([]);
  expect(cat).toBeDefined();
  const { dir: out } = await genToDisk(join(dir, "tools.yaml"), join(dir, "out"));
  catalog = await loadCatalog(out);
  upstream = await startRecordingServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(bodies.get(req.path.split("/").at(-1) ?? "") ?? "{}");
  });
});
afterAll(async () => {
  await upstream?.close();
});

/** A served catalog, and what its output check concluded for each call (its error code and drifting paths). */
async function connect(copying: boolean, mask: boolean): Promise<{ client: Client; checked: string[] }> {
  const checked: string[] = [];
  const recorder: NamedMiddleware = {
    name: "record-check",
    async run(_ctx, next) {
      const outcome: ToolOutcome = await next();
      checked.push(JSON.stringify({ error: outcome.error?.code, drift: outcome.drift }));
      return outcome;
    },
  };
  const config = resolveConfig(catalog.doc.env, { PROBE_URL: upstream.url, PROBE_MASK: String(mask) });
  const factory = createServer(catalog, config, {
    policy: { audit: false },
    middleware: (defaults: NamedMiddleware[]) => {
      const steps = [...defaults, ...(copying ? [viaCopy] : [])];
      const at = steps.findIndex((step) => step.name === "validate-output");
      expect(at).toBeGreaterThan(0);
      steps.splice(at, 0, recorder);
      return steps;
    },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await factory({ era: "legacy" }).connect(serverSide);
  const client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(clientSide);
  return { client, checked };
}

/** A result as a client gets it, correlation ids aside. */
const shown = (result: unknown): string =>
  JSON.stringify(result).replace(/correlation[ _]id[^0-9a-f]*[0-9a-f]{12}/g, "correlation id #");

describe("the output check on data as parsed", () => {
  it("reads as it came only parsed plain JSON without exact numbers, for schemas naming no prototype member", () => {
    const tool = (name: string) => catalog.doc.tools.find((t) => t.name === name)!;
    const names = (name: string) => schemaNames(tool(name).outputSchema!, catalog.doc.schemas);
    expect(names("probe_plain")).toEqual(expect.arrayContaining(["id", "count", "deep", "v", "w"]));
    expect(names("probe_named")).toEqual(
      expect.arrayContaining(["toString", "constructor", "hasOwnProperty"]),
    );
    const plain = names("probe_plain");
    expect(readableAsIs(parseJson('{"id":"a","name":"b"}'), plain)).toBe(true);
    expect(readableAsIs(parseJson('{"id":"a","__proto__":{"x":1}}'), plain)).toBe(true);
    // Exact numbers are checked as the numbers they stand for: only the copy does that.
    expect(readableAsIs(parseJson('{"id":"a","count":12345678901234567890}'), plain)).toBe(false);
    expect(readableAsIs(parseJson('{"id":"a","count":12345678901234}'), plain)).toBe(true);
    // Anything not made by the parse: a handler's value, a rebuilt one, a prototype read off a parsed object.
    expect(readableAsIs({ id: "a", name: "b" }, plain)).toBe(false);
    expect(readableAsIs(rebuilt(parseJson('{"id":"a"}')), plain)).toBe(false);
    // A name read off the prototype (a GraphQL field `__proto__` absent from the data) is no member.
    const parsed = parseJson('{"data":{"field":[1]}}') as { data: { field: unknown } };
    const field = "__proto__";
    const absent = (parsed as Record<string, unknown>)[field];
    expect(absent).toBe(Object.prototype);
    expect(isParsedPlain(parsedPart(parsed, absent))).toBe(false);
    expect(isParsedPlain(parsedPart(parsed, parsed.data))).toBe(true);
    expect(isParsedPlain(parsedPart(parsed.data, parsed.data.field))).toBe(true);
    // Only the last parse, until the check forgets it.
    const first = parseJson('{"id":"a"}');
    const second = parseJson('{"id":"b"}');
    expect([readableAsIs(first, plain), readableAsIs(second, plain)]).toEqual([false, true]);
    forgetParsed();
    expect(readableAsIs(second, plain)).toBe(false);
    // A schema naming a prototype member, or referring outside the catalog's table: always the copy.
    expect(readableAsIs(parseJson('{"id":"a","toString":1}'), names("probe_named"))).toBe(false);
    expect(schemaNames({ $ref: "#/$defs/Missing" }, catalog.doc.schemas)).toBeNull();
    expect(schemaNames({ $ref: "other.json#/x" }, catalog.doc.schemas)).toBeNull();
    // A property named like an example keyword is a name all the same.
    expect(
      schemaNames(
        { type: "object", properties: { example: { type: "object", properties: { valueOf: {} } } } },
        {},
      ),
    ).toContain("valueOf");
  });

  it("reads Object.prototype's members at each call: a key added to it sends the data through the copy", () => {
    const plain = schemaNames(
      catalog.doc.tools.find((t) => t.name === "probe_plain")!.outputSchema!,
      catalog.doc.schemas,
    );
    const data = parseJson('{"id":"a","name":"b"}');
    expect(readableAsIs(data, plain)).toBe(true);
    const proto = Object.prototype as Record<string, unknown>;
    try {
      Object.defineProperty(Object.prototype, "deep", { value: 1, configurable: true });
      expect(readableAsIs(data, plain)).toBe(false);
    } finally {
      delete proto.deep;
    }
    try {
      proto.unrelated = 1;
      expect(readableAsIs(data, plain)).toBe(false);
    } finally {
      delete proto.unrelated;
    }
    expect(readableAsIs(data, plain)).toBe(true);
  });

  it("answers 1,600 generated upstream bodies exactly as through the copy (text, structuredContent, isError, masking on and off, drift)", async () => {
    const random = prng(20261205);
    const counts = { same: 0, errors: 0, masked: 0, drifted: 0 };
    for (const mask of [true, false]) {
      const direct = await connect(false, mask);
      const copied = await connect(true, mask);
      for (let i = 0; i < 200; i++) {
        for (const tool of ["probe_plain", "probe_named", "probe_loose", "probe_open"]) {
          const id = `b${i}-${tool}-${mask}`;
          bodies.set(id, body(random));
          const call = { name: tool, arguments: { id } };
          const [a, b] = [await direct.client.callTool(call), await copied.client.callTool(call)];
          expect(shown(a), `${tool} body ${bodies.get(id)}`).toBe(shown(b));
          expect(direct.checked.at(-1), `${tool} body ${bodies.get(id)}`).toBe(copied.checked.at(-1));
          if (direct.checked.at(-1)?.includes('"drift"')) counts.drifted++;
          counts.same++;
          if (a.isError) counts.errors++;
          if (JSON.stringify(a).includes("••••••")) counts.masked++;
        }
      }
      await direct.client.close();
      await copied.client.close();
    }
    // Every kind of answer was met: errors, results, masked fields, and results served as drifted.
    expect(counts.same).toBe(1600);
    expect(counts.errors).toBeGreaterThan(50);
    expect(counts.same - counts.errors).toBeGreaterThan(50);
    expect(counts.masked).toBeGreaterThan(50);
    expect(counts.drifted).toBeGreaterThan(50);
  });
});
