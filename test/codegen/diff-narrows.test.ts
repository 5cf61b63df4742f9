import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareBinding } from "../../codegen/diff/binding.js";
import { type Change, compareCatalogs } from "../../codegen/diff/compare.js";
import { acceptsNoMore } from "../../codegen/diff/narrows.js";
import type {
  Binding,
  CatalogDocument,
  CatalogTool,
  GraphqlBinding,
  HttpBinding,
  HttpParam,
  JsonSchema,
} from "../../src/catalog.js";
import { ROOT } from "../helpers/paths.js";

/**
 * `diff`'s proof that a changed argument schema accepts no value the old one refused. A change it cannot prove
 * narrower is reported as widening (the release gate fails closed), so each row below says which way it must go:
 * `narrower` when every value of the new schema was accepted before, `not` when some value was not (or the proof
 * cannot tell).
 */

type Row = [label: string, before: unknown, after: unknown, expected: "narrower" | "not"];

const S = { type: "string" };

const rows: Row[] = [
  ["identical", { ...S, maxLength: 5 }, { ...S, maxLength: 5 }, "narrower"],
  ["description only", { ...S, description: "a" }, { ...S, description: "b", examples: ["x"] }, "narrower"],
  ["enum gains a value", { enum: ["read", "write"] }, { enum: ["read", "write", "admin"] }, "not"],
  ["enum loses a value", { enum: ["read", "write"] }, { enum: ["read"] }, "narrower"],
  ["const becomes an enum holding it and more", { const: "a" }, { enum: ["a", "b"] }, "not"],
  ["enum becomes one of its values", { type: "string", enum: ["a", "b"] }, { const: "a" }, "narrower"],
  ["maxLength dropped", { ...S, maxLength: 40 }, S, "not"],
  ["maxLength raised", { ...S, maxLength: 40 }, { ...S, maxLength: 64 }, "not"],
  ["maxLength added", S, { ...S, maxLength: 64 }, "narrower"],
  ["minLength lowered", { ...S, minLength: 2 }, { ...S, minLength: 1 }, "not"],
  ["minimum raised", { type: "integer", minimum: 1 }, { type: "integer", minimum: 5 }, "narrower"],
  ["maximum dropped", { type: "integer", maximum: 100 }, { type: "integer" }, "not"],
  [
    "exclusiveMaximum within the old maximum",
    { type: "number", maximum: 10 },
    { type: "number", exclusiveMaximum: 10 },
    "narrower",
  ],
  [
    "maximum at the old exclusiveMaximum",
    { type: "number", exclusiveMaximum: 10 },
    { type: "number", maximum: 10 },
    "not",
  ],
  [
    "multipleOf made coarser",
    { type: "number", multipleOf: 2 },
    { type: "number", multipleOf: 4 },
    "narrower",
  ],
  ["multipleOf made finer", { type: "number", multipleOf: 4 }, { type: "number", multipleOf: 2 }, "not"],
  ["pattern dropped", { ...S, pattern: "^[a-z]+$" }, S, "not"],
  ["pattern changed", { ...S, pattern: "^[a-z]+$" }, { ...S, pattern: "^[a-z0-9]+$" }, "not"],
  ["pattern added", S, { ...S, pattern: "^[a-z]+$" }, "narrower"],
  ["format dropped", { ...S, format: "uuid" }, S, "not"],
  [
    "an enum whose values the old pattern takes",
    { ...S, pattern: "^[a-z]+$", maxLength: 5 },
    { enum: ["abc", "de"] },
    "narrower",
  ],
  [
    "an enum with a value the old pattern refuses",
    { ...S, pattern: "^[a-z]+$" },
    { enum: ["abc", "../x"] },
    "not",
  ],
  ["type gains null", S, { type: ["string", "null"] }, "not"],
  ["integer becomes number", { type: "integer" }, { type: "number" }, "not"],
  ["number becomes integer", { type: "number" }, { type: "integer" }, "narrower"],
  ["type dropped", S, {}, "not"],
  [
    "anyOf gains a branch",
    { anyOf: [S, { type: "null" }] },
    { anyOf: [S, { type: "null" }, { type: "integer" }] },
    "not",
  ],
  ["anyOf loses a branch", { anyOf: [S, { type: "null" }] }, { anyOf: [S] }, "narrower"],
  [
    "oneOf unchanged beside a changed description",
    { oneOf: [S, { type: "integer" }], description: "a" },
    { oneOf: [S, { type: "integer" }] },
    "narrower",
  ],
  [
    "oneOf with a branch reworded",
    { oneOf: [{ ...S, description: "a" }, { type: "integer" }] },
    { oneOf: [{ ...S, description: "b" }, { type: "integer" }] },
    "narrower",
  ],
  // Each new alternative inside its old one, yet "ab" matched both old ones (refused) and matches one new one.
  [
    "oneOf narrowed branch by branch but no longer exclusive",
    { oneOf: [S, { maxLength: 3 }] },
    { oneOf: [S, { type: "integer" }] },
    "not",
  ],
  [
    "oneOf gains a branch",
    { oneOf: [S, { type: "integer" }] },
    { oneOf: [S, { type: "integer" }, { type: "boolean" }] },
    "not",
  ],
  [
    "allOf on the new side, one part inside the old",
    { ...S, maxLength: 9 },
    { allOf: [{ ...S, maxLength: 5 }, { minLength: 1 }] },
    "narrower",
  ],
  ["items loosened", { type: "array", items: { ...S, maxLength: 3 } }, { type: "array", items: S }, "not"],
  ["items dropped", { type: "array", items: S }, { type: "array" }, "not"],
  ["maxItems added", { type: "array", items: S }, { type: "array", items: S, maxItems: 3 }, "narrower"],
  ["uniqueItems dropped", { type: "array", uniqueItems: true }, { type: "array" }, "not"],
  [
    "required member dropped",
    { type: "object", properties: { a: S }, required: ["a"] },
    { type: "object", properties: { a: S } },
    "not",
  ],
  [
    "required member added",
    { type: "object", properties: { a: S } },
    { type: "object", properties: { a: S }, required: ["a"] },
    "narrower",
  ],
  [
    "closed object opened",
    { type: "object", properties: { a: S }, additionalProperties: false },
    { type: "object", properties: { a: S } },
    "not",
  ],
  [
    "open object closed",
    { type: "object", properties: { a: S } },
    { type: "object", properties: { a: S }, additionalProperties: false },
    "narrower",
  ],
  [
    "a nested property newly described (new surface)",
    { type: "object", properties: { a: S } },
    { type: "object", properties: { a: S, bypass: { type: "boolean" } } },
    "not",
  ],
  [
    "a nested property no longer described, the object closed",
    { type: "object", properties: { a: S, b: S } },
    { type: "object", properties: { a: S }, additionalProperties: false },
    "narrower",
  ],
  [
    "a nested property's constraint loosened",
    { type: "object", properties: { a: { ...S, maxLength: 2 } } },
    { type: "object", properties: { a: S } },
    "not",
  ],
  [
    "additionalProperties schema loosened",
    { type: "object", additionalProperties: { type: "integer" } },
    { type: "object", additionalProperties: { type: "number" } },
    "not",
  ],
  [
    "patternProperties on the new side do not count as closed",
    { type: "object", properties: { a: { type: "integer" } }, additionalProperties: false },
    { type: "object", additionalProperties: false, patternProperties: { "^a$": S } },
    "not",
  ],
  [
    "a `not` unchanged",
    { ...S, not: { const: "x" } },
    { ...S, not: { const: "x" }, maxLength: 3 },
    "narrower",
  ],
  ["a `not` changed", { ...S, not: { const: "x" } }, { ...S, not: { const: "y" } }, "not"],
  // The keywords the generator enforces since round 39 (multipleOf, not, propertyNames, dependentRequired): one
  // added narrows; one dropped, or changed in a way the proof does not compare, is not proven (a widening).
  ["multipleOf added", { type: "number" }, { type: "number", multipleOf: 0.01 }, "narrower"],
  ["multipleOf dropped", { type: "number", multipleOf: 0.01 }, { type: "number" }, "not"],
  [
    "a `not` added",
    { type: "integer" },
    { type: "integer", not: { minimum: 800, maximum: 899 } },
    "narrower",
  ],
  ["a `not` dropped", { type: "integer", not: { minimum: 800, maximum: 899 } }, { type: "integer" }, "not"],
  [
    "propertyNames added",
    { type: "object" },
    { type: "object", propertyNames: { maxLength: 256 } },
    "narrower",
  ],
  ["propertyNames dropped", { type: "object", propertyNames: { maxLength: 256 } }, { type: "object" }, "not"],
  [
    "propertyNames loosened",
    { type: "object", propertyNames: { maxLength: 8 } },
    { type: "object", propertyNames: { maxLength: 256 } },
    "not",
  ],
  [
    "dependentRequired added",
    { type: "object" },
    { type: "object", dependentRequired: { card: ["billing"] } },
    "narrower",
  ],
  [
    "dependentRequired dropped",
    { type: "object", dependentRequired: { card: ["billing"] } },
    { type: "object" },
    "not",
  ],
  [
    "an `if` dropped",
    JSON.parse('{"type":"object","if":{"required":["a"]},"then":{"required":["b"]}}'),
    { type: "object" },
    "not",
  ],
  ["a boolean schema true becomes a string", true, S, "narrower"],
  ["a string becomes the schema true", S, true, "not"],
  ["anything becomes false", S, false, "narrower"],
];

describe("acceptsNoMore: a changed argument schema against the old one", () => {
  it.each(rows)("%s", (_label, before, after, expected) => {
    const tables = { before: {}, after: {} };
    expect(acceptsNoMore(after, before, tables)).toBe(expected === "narrower");
  });
});

describe("acceptsNoMore: named schemas, each side in its own table", () => {
  const path = (extra: Record<string, unknown>) => ({ type: "string", maxLength: 64, ...extra });
  it("follows $ref on both sides, and a reference beside a constraint applies both", () => {
    const ref = { $ref: "#/$defs/Path", description: "where" };
    expect(
      acceptsNoMore(ref, ref, { before: { Path: path({}) }, after: { Path: path({ pattern: "^a" }) } }),
    ).toBe(true);
    expect(
      acceptsNoMore(ref, ref, { before: { Path: path({ pattern: "^a" }) }, after: { Path: path({}) } }),
    ).toBe(false);
    // The new side keeps the old named schema and adds a constraint beside the reference: narrower.
    const table = { Path: path({}) };
    expect(acceptsNoMore({ $ref: "#/$defs/Path", minLength: 2 }, ref, { before: table, after: table })).toBe(
      true,
    );
    // The old side had a constraint beside its reference that the new side dropped: not proven.
    expect(acceptsNoMore(ref, { $ref: "#/$defs/Path", minLength: 2 }, { before: table, after: table })).toBe(
      false,
    );
  });

  it("a reference renamed to an equal schema is the same; a reference to nothing is not proven", () => {
    expect(
      acceptsNoMore(
        { $ref: "#/$defs/New" },
        { $ref: "#/$defs/Old" },
        { before: { Old: path({}) }, after: { New: path({}) } },
      ),
    ).toBe(true);
    expect(
      acceptsNoMore(
        { $ref: "#/$defs/Gone" },
        { $ref: "#/$defs/Old" },
        { before: { Old: path({}) }, after: {} },
      ),
    ).toBe(false);
  });

  it("recursive schemas end: unchanged trees are the same, a loosened node deep inside is found", () => {
    const tree = (label: Record<string, unknown>): JsonSchema => ({
      type: "object",
      properties: { label, children: { type: "array", items: { $ref: "#/$defs/Node" } } },
      additionalProperties: false,
    });
    const strict = { Node: tree({ type: "string", maxLength: 8 }) };
    const loose = { Node: tree({ type: "string" }) };
    const root = { $ref: "#/$defs/Node" };
    expect(acceptsNoMore(root, root, { before: strict, after: strict })).toBe(true);
    expect(acceptsNoMore(root, root, { before: strict, after: loose })).toBe(false);
    expect(acceptsNoMore(root, root, { before: loose, after: strict })).toBe(true);
    // Two schemas referring to each other, and a reference to itself with nothing else.
    const pair = {
      A: { type: "object", properties: { b: { $ref: "#/$defs/B" } } },
      B: { type: "object", properties: { a: { $ref: "#/$defs/A" } } },
      Self: { $ref: "#/$defs/Self" },
    };
    expect(acceptsNoMore({ $ref: "#/$defs/A" }, { $ref: "#/$defs/A" }, { before: pair, after: pair })).toBe(
      true,
    );
    expect(acceptsNoMore({ $ref: "#/$defs/Self" }, S, { before: pair, after: pair })).toBe(false);
  });

  it("names a spec chose that are Object.prototype members are schema names like any other", () => {
    const before = { constructor: path({ maxLength: 4 }), ["__proto__"]: path({}) } as Record<
      string,
      JsonSchema
    >;
    Object.defineProperty(before, "__proto__", { value: path({}), enumerable: true });
    const after = { constructor: path({}) } as Record<string, JsonSchema>;
    Object.defineProperty(after, "__proto__", { value: path({ maxLength: 8 }), enumerable: true });
    expect(
      acceptsNoMore({ $ref: "#/$defs/constructor" }, { $ref: "#/$defs/constructor" }, { before, after }),
    ).toBe(false);
    expect(
      acceptsNoMore({ $ref: "#/$defs/__proto__" }, { $ref: "#/$defs/__proto__" }, { before, after }),
    ).toBe(true);
    // `toString` is in neither table: not a schema.
    expect(acceptsNoMore({ $ref: "#/$defs/toString" }, S, { before, after })).toBe(false);
  });
});

describe("compareCatalogs: argument schema changes", () => {
  const tool = (properties: Record<string, unknown>): CatalogTool =>
    ({
      name: "t",
      safety: "write",
      annotations: {},
      summary: "POST /t",
      description: "d",
      aliases: [],
      policy: {},
      binding: { kind: "http", method: "POST", path: "/t", params: [] },
      inputSchema: { type: "object", properties },
    }) as unknown as CatalogTool;
  const doc = (properties: Record<string, unknown>, schemas: Record<string, JsonSchema> = {}) =>
    ({
      tools: [tool(properties)],
      schemas,
      resources: [],
      resourceTemplates: [],
      prompts: [],
      env: [],
      sources: [],
      policy: undefined,
    }) as unknown as CatalogDocument;
  const changes = (a: CatalogDocument, b: CatalogDocument) =>
    compareCatalogs(a, b).map((c) => `${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`);

  it("a loosened argument widens and says how; a tightened one narrows; a reworded one only changed its text", () => {
    expect(changes(doc({ role: { enum: ["read"] } }), doc({ role: { enum: ["read", "admin"] } }))).toEqual([
      'argument schema changed: role (enum +["admin"]) [widens]',
    ]);
    expect(changes(doc({ name: S }), doc({ name: { ...S, maxLength: 9 } }))).toEqual([
      "argument narrowed: name (maxLength none -> 9)",
    ]);
    expect(
      changes(doc({ name: { ...S, description: "a" } }), doc({ name: { ...S, description: "b" } })),
    ).toEqual(["argument description changed: name"]);
  });

  it("what the model is told about which arguments go together is a change of text, said with both texts", () => {
    const ruled = (argumentRules?: string[]) => {
      const d = doc({ a: S, b: S });
      if (argumentRules) (d.tools[0] as CatalogTool).argumentRules = argumentRules;
      return d;
    };
    expect(changes(ruled(), ruled(["Give at least one of: a, b."]))).toEqual([
      "argument rules changed: (none) -> Give at least one of: a, b.",
    ]);
    expect(changes(ruled(["Give at least one of: a, b."]), ruled(["Give exactly one of: a, b."]))).toEqual([
      "argument rules changed: Give at least one of: a, b. -> Give exactly one of: a, b.",
    ]);
    expect(changes(ruled(["Give a."]), ruled(["Give a."]))).toEqual([]);
  });

  it("a named schema an argument reaches is compared too, and named in the change", () => {
    const arg = { path: { $ref: "#/$defs/Path" } };
    expect(changes(doc(arg, { Path: { ...S, pattern: "^[a-z/]+$" } }), doc(arg, { Path: S }))).toEqual([
      "argument schema changed: path (named schema Path changed) [widens]",
    ]);
    expect(
      changes(doc(arg, { Path: { ...S, description: "a" } }), doc(arg, { Path: { ...S, description: "b" } })),
    ).toEqual(["argument description changed: path"]);
  });
});

describe("compareCatalogs: the schema profile is a publish setting", () => {
  it("a catalog regenerated with inline as the default shows no change against one that recorded another profile", () => {
    const doc = JSON.parse(
      readFileSync(join(ROOT, "generated/scaivault/catalog.json"), "utf8"),
    ) as CatalogDocument;
    expect(doc.publish.profile).toBeUndefined();
    for (const profile of ["default", "inline"] as const) {
      const chosen = { ...doc, publish: { ...doc.publish, profile } };
      expect(compareCatalogs(chosen, doc), profile).toEqual([]);
      expect(compareCatalogs(doc, chosen), profile).toEqual([]);
    }
    // Another profile is said (what the model is shown), never widening.
    for (const profile of ["refs", "portable"] as const) {
      const chosen = { ...doc, publish: { ...doc.publish, profile } };
      for (const [a, b] of [
        [chosen, doc],
        [doc, chosen],
      ] as const)
        expect(
          compareCatalogs(a, b).map((c) => `${c.kind}: ${c.detail.split(" (")[0]} ${c.widens}`),
          profile,
        ).toEqual([
          `publish setting changed: schema profile: ${a === doc ? "inline" : profile} -> ${b === doc ? "inline" : profile} false`,
        ]);
    }
  });
});

describe("compareCatalogs: a policy switch's default", () => {
  const policy = {
    readOnly: { env: "X_READ_ONLY" },
    maskValues: { env: "X_MASK" },
    allowedPaths: { env: "X_ALLOWED" },
    deniedPaths: { env: "X_DENIED" },
    tenant: { env: "X_TENANT" },
    deniedTools: { tools: [], env: "X_DENIED_TOOLS" },
    secretKeyPattern: "secret",
    confirmation: { ttlSeconds: 300 },
    audit: { enabledByDefault: true, enabledEnv: "X_AUDIT" },
  };
  const doc = (defaults: Record<string, string | undefined>) =>
    ({
      tools: [],
      schemas: {},
      resources: [],
      resourceTemplates: [],
      prompts: [],
      sources: [],
      policy,
      env: Object.entries(defaults).map(([name, value]) => ({
        name,
        description: name,
        type: "string",
        ...(value !== undefined ? { default: value } : {}),
      })),
    }) as unknown as CatalogDocument;
  const judged = (name: string, was: string | undefined, now: string | undefined) =>
    compareCatalogs(doc({ [name]: was }), doc({ [name]: now })).map(
      (c) => `${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`,
    );

  it.each([
    ["X_READ_ONLY", "true", "false", true],
    ["X_READ_ONLY", "false", "yes", false],
    ["X_MASK", "1", undefined, true],
    ["X_AUDIT", "true", "no", true],
    ["X_DENIED", "pki/,admin/", "pki/", true],
    ["X_DENIED", "pki/", "pki/,admin/", false],
    ["X_DENIED_TOOLS", "x_delete", "", true],
    ["X_ALLOWED", "team/a", "", true],
    ["X_ALLOWED", "team/a", "team/a,team/b", true],
    ["X_ALLOWED", "team", "team/a", false],
    ["X_ALLOWED", "team", "teammates", true],
    ["X_ALLOWED", "", "team", false],
    ["X_TENANT", "acme", "globex", true],
  ])("%s: %s -> %s widens: %s", (name, was, now, widens) => {
    expect(judged(name, was, now)).toEqual([
      `policy switch default changed: ${name}: ${was ?? "none"} -> ${now ?? "none"}${widens ? " [widens]" : ""}`,
    ]);
  });

  it("any other variable's default is an ordinary change", () => {
    expect(judged("X_PAGE_SIZE", "50", "500")).toEqual(["env default changed: X_PAGE_SIZE: 50 -> 500"]);
  });
});

describe("compareBinding: how a tool reaches its upstream, when its summary did not change", () => {
  const http = (over: Partial<HttpBinding> = {}): HttpBinding => ({
    kind: "http",
    source: "api",
    method: "GET",
    path: "/files/{path}",
    params: [
      { arg: "path", name: "path", in: "path", style: "simple", explode: false, required: true },
      { arg: "q", name: "q", in: "query", style: "form", explode: true, required: false },
    ],
    security: [["bearer"]],
    success: { status: "200", mediaType: "application/json" },
    ...over,
  });
  const judged = (was: Binding, now: Binding) => {
    const out: Change[] = [];
    compareBinding("t", was, now, out);
    return out.map((c) => `${c.kind}: ${c.detail}${c.widens ? " [widens]" : ""}`);
  };
  const [path, q] = http().params as [HttpParam, HttpParam];

  it("an unchanged binding says nothing", () => {
    expect(judged(http(), http())).toEqual([]);
  });

  it("another source, other credentials, an argument moved or spanning segments widen", () => {
    expect(judged(http(), http({ source: "admin" }))).toEqual(["source changed: api -> admin [widens]"]);
    expect(judged(http(), http({ security: [["bearer"], []] }))).toEqual([
      'credentials sent changed: [["bearer"]] -> [["bearer"],[]] [widens]',
    ]);
    expect(judged(http(), http({ params: [path, { ...q, in: "header", name: "X-Q" }] }))).toEqual([
      "argument sent elsewhere: q: query q -> header X-Q [widens]",
    ]);
    expect(judged(http(), http({ params: [{ ...path, multiSegment: true }, q] }))).toEqual([
      "path argument may span segments: path [widens]",
    ]);
    expect(judged(http(), http({ params: [path, { ...q, allowReserved: true }] }))).toEqual([
      "argument encoding changed: q [widens]",
    ]);
    expect(judged(http(), http({ params: [path, { ...q, explode: false }] }))).toEqual([
      "argument encoding changed: q",
    ]);
  });

  it("an operation's own server: its url, the spec server it replaces and its relative reference all count", () => {
    const server = { url: "https://eu.example.com/v2", instead: "https://example.com/v1", relative: "/v2" };
    expect(judged(http(), http({ server }))).toEqual([
      "upstream server changed: the base URL -> https://eu.example.com/v2 ('/v2' on another base URL) [widens]",
    ]);
    expect(judged(http({ server }), http({ server: { ...server, relative: "/v3" } }))).toEqual([
      "upstream server changed: https://eu.example.com/v2 ('/v2' on another base URL) -> https://eu.example.com/v2 ('/v3' on another base URL) [widens]",
    ]);
    const { relative: _relative, ...absolute } = server;
    expect(
      judged(http({ server: absolute }), http({ server: { ...absolute, instead: "https://example.org" } })),
    ).toEqual([
      "upstream server changed: https://eu.example.com/v2 instead of https://example.com/v1 -> https://eu.example.com/v2 instead of https://example.org [widens]",
    ]);
    expect(judged(http({ server }), http({ server: { ...server } }))).toEqual([]);
  });

  it("a request body's shape is reported, not its fields (those are the arguments)", () => {
    const fields = { mediaType: "application/json", encoding: "json", required: true, mode: "fields" };
    const was = http({
      method: "POST",
      body: { ...fields, fields: [{ arg: "a", name: "a" }] } as HttpBinding["body"],
    });
    const more = http({
      method: "POST",
      body: {
        ...fields,
        fields: [
          { arg: "a", name: "a" },
          { arg: "b", name: "b" },
        ],
      } as HttpBinding["body"],
    });
    expect(judged(was, more)).toEqual([]);
    const form = http({
      method: "POST",
      body: {
        ...fields,
        mediaType: "application/x-www-form-urlencoded",
        encoding: "form",
        fields: [],
      } as HttpBinding["body"],
    });
    expect(judged(was, form)).toEqual([
      "request body changed: mediaType application/json -> application/x-www-form-urlencoded; encoding json -> form",
    ]);
  });

  it("GraphQL: other root fields widen; other fields under the same roots do not", () => {
    const gql = (document: string): GraphqlBinding => ({
      kind: "graphql",
      source: "api",
      operationType: "mutation",
      operationName: "Update",
      document,
      variables: [],
    });
    const was = gql("mutation Update($id: ID!) { updateStack(id: $id) { id } }");
    expect(judged(was, gql("mutation Update($id: ID!) { updateStack(id: $id) { id name } }"))).toEqual([
      "GraphQL selection changed: the fields it asks for",
    ]);
    expect(
      judged(
        was,
        gql("mutation Update($id: ID!) { updateStack(id: $id) { id } s: deleteStack(id: $id) { id } }"),
      ),
    ).toEqual(["GraphQL root fields changed: updateStack -> deleteStack, updateStack [widens]"]);
    expect(judged(was, gql("mutation Update( {"))).toEqual([
      "GraphQL root fields changed: updateStack -> (unreadable) [widens]",
    ]);
  });

  it("a binding of another kind, or a handler under another key, widens", () => {
    const custom = (handler: string): Binding => ({ kind: "custom", handler, module: "h.ts" });
    expect(judged(http(), custom("h"))).toEqual(["binding kind changed: http -> custom [widens]"]);
    expect(judged(custom("a"), custom("b"))).toEqual(["handler changed: a -> b [widens]"]);
  });
});

describe("acceptsNoMore: bounded work", () => {
  it("nested oneOf alternatives compared both ways end within the step budget, as not proven", () => {
    // 40 levels of two alternatives, the first holding the next level (the text grows linearly): comparing the
    // alternatives pair by pair both ways is 2^40 comparisons without a bound.
    const nest = (leaf: Record<string, unknown>, levels: number) => {
      let schema = leaf;
      for (let i = 0; i < levels; i++)
        schema = { oneOf: [schema, { type: "array", items: { type: "integer" } }] };
      return schema;
    };
    const tables = { before: {}, after: {} };
    // The same text is the same schema; a change deep inside is beyond the budget: not proven.
    expect(acceptsNoMore(nest({ type: "string" }, 40), nest({ type: "string" }, 40), tables)).toBe(true);
    expect(
      acceptsNoMore(nest({ type: "string", maxLength: 3 }, 40), nest({ type: "string" }, 40), tables),
    ).toBe(false);
    // A small one of the same shape is still proven.
    expect(
      acceptsNoMore(nest({ type: "string", description: "x" }, 3), nest({ type: "string" }, 3), tables),
    ).toBe(true);
  });
});
