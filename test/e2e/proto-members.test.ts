import { describe, expect, it } from "vitest";
import { servedFixture } from "../helpers/served-fixture.js";
import { specWith } from "../helpers/spec-text.js";

/**
 * A member named `__proto__` inside an object argument. zod (4.6) skips that key wherever it copies members (a
 * declared property, a catch-all's extra member, a record's entry), so its value and name were never checked
 * (`propertyNames`, `maxProperties`, `dependentRequired`, the catch-all's value schema) and the runtime put it
 * back and sent it: a model could send a key the spec forbids. Now each such member is judged against the schema
 * of the object holding it (a declared property by its schema, an extra member by the catch-all's, any value in a
 * loose object) and sent as a member; where a refinement judged that object without it (`propertyNames`,
 * `maxProperties`, `dependentRequired`) or a union holds it, the call is refused, naming the member, and the
 * upstream is asked nothing; a closed object refuses it as an unknown property. Served over stdio to the SDK
 * client, in front of a real upstream on 127.0.0.1 that records what it received.
 */

const SPEC = specWith(
  `  /items:
    post:
      operationId: createItem
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                labels:
                  type: object
                  propertyNames: { pattern: "^[a-z]+$" }
                  additionalProperties: { type: string }
                counts:
                  type: object
                  maxProperties: 1
                  additionalProperties: { type: integer }
                pair:
                  type: object
                  dependentRequired: { __proto__: [other] }
                  additionalProperties: true
                  properties: { other: { type: string } }
                tags:
                  type: object
                  properties: { __proto__: { type: integer } }
                closed:
                  type: object
                  additionalProperties: false
                  properties: { a: { type: string } }
                open:
                  type: object
                  properties: { a: { type: string } }
                scores:
                  type: object
                  additionalProperties: { type: integer }
                rows:
                  type: array
                  items:
                    type: object
                    properties: { __proto__: { type: object, properties: { n: { type: integer } } } }
                names:
                  type: object
                  additionalProperties: false
                  properties: { constructor: { type: string }, prototype: { type: integer }, toString: { type: boolean } }
                either:
                  oneOf:
                    - { type: object, properties: { __proto__: { type: integer } }, required: [__proto__] }
                    - { type: string }
                needed:
                  type: object
                  required: [__proto__]
                  properties: { __proto__: { type: string }, other: { type: string } }
                neededRows:
                  type: array
                  items: { type: object, required: [__proto__], properties: { __proto__: { type: integer } } }
                anything: {}
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`,
  "",
  { openapi: "3.0.3", title: "Labels", url: "https://labels.example.com" },
);

const MANIFEST = `catalog: labels
env:
  LABELS_URL: { type: url, description: Base URL. }
sources:
  api:
    openapi: ./api.yaml
    base_url: { env: LABELS_URL }
tools:
  create_item: { from: api#createItem }
`;

const fixture = servedFixture(
  "proto-members",
  { "cat/tools.yaml": MANIFEST, "cat/api.yaml": SPEC },
  (url) => ({
    LABELS_URL: url,
  }),
);

/** Arguments as JSON text, so `__proto__` is an own member as a client sends it; the result and what was sent. */
const call = (json: string) => fixture.call("create_item", JSON.parse(json) as Record<string, unknown>);

describe("a member named __proto__ inside an object argument", () => {
  it.each([
    ["a name propertyNames forbids", '{"labels": {"__proto__": "x"}}', "labels.__proto__"],
    ["a value the catch-all refuses", '{"counts": {"__proto__": "not a number"}}', "counts.__proto__"],
    ["one member more than maxProperties", '{"counts": {"a": 1, "__proto__": 2}}', "counts.__proto__"],
    ["a key dependentRequired needs another with", '{"pair": {"__proto__": "x"}}', "pair.__proto__"],
    ["inside a union's branch", '{"either": {"__proto__": 1}}', "either.__proto__"],
  ])("%s: refused, naming it, and the upstream asked nothing", async (_, json, path) => {
    const { result, sent } = await call(json);
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toContain(
      `${path}: a member named "__proto__" cannot be checked against the tool's schema`,
    );
    expect(sent).toEqual([]);
  });

  it.each([
    [
      "a declared property of the wrong type",
      '{"tags": {"__proto__": "not a number"}}',
      "tags.__proto__: Invalid input: expected number",
    ],
    [
      "a catch-all's member of the wrong type",
      '{"scores": {"__proto__": "x"}}',
      "scores.__proto__: Invalid input: expected number",
    ],
    [
      "a member a closed object does not declare",
      '{"closed": {"__proto__": "x"}}',
      'closed: unknown property "__proto__"',
    ],
    [
      "a declared object's own member of the wrong type",
      '{"rows": [{"__proto__": {"n": "1"}}]}',
      "rows[0].__proto__.n: Invalid input: expected number",
    ],
    [
      "a declared constructor of the wrong type",
      '{"names": {"constructor": 1}}',
      "names.constructor: Invalid input: expected string",
    ],
    [
      "a declared prototype of the wrong type",
      '{"names": {"prototype": "1"}}',
      "names.prototype: Invalid input: expected number",
    ],
  ])("%s: refused as its schema says, and the upstream asked nothing", async (_, json, text) => {
    const { result, sent } = await call(json);
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toContain(text);
    expect(sent).toEqual([]);
  });

  it.each([
    ["a declared property", '{"tags": {"__proto__": 1}}'],
    ["a catch-all's member", '{"scores": {"a": 2, "__proto__": 3}}'],
    ["a loose object's extra member, of any value", '{"open": {"a": "x", "__proto__": {"y": [1]}}}'],
    ["a declared object property in an array's item", '{"rows": [{"__proto__": {"n": 1}}, {}]}'],
    [
      "declared constructor, prototype and toString",
      '{"names": {"constructor": "c", "prototype": 2, "toString": true}}',
    ],
  ])("%s: checked and sent as a member", async (_, json) => {
    const { result, sent } = await call(json);
    expect(result.isError, result.content?.[0]?.text).toBeFalsy();
    expect(sent.map((r) => r.body.toString())).toEqual([json.replace(/ /g, "")]);
  });

  // Required: zod skips the name, so its absence was never asked about either: a call without it passed and was
  // sent without it.
  it.each([
    ["a declared object", '{"needed": {"other": "x"}}', "needed.__proto__"],
    ["an array's item", '{"neededRows": [{"__proto__": 1}, {}]}', "neededRows[1].__proto__"],
    ["the union's branch that takes the object", '{"either": {}}', "either.__proto__"],
  ])(
    "a required __proto__ missing in %s: refused, naming it, and the upstream asked nothing",
    async (_, json, path) => {
      const { result, sent } = await call(json);
      expect(result.isError).toBe(true);
      expect(result.content?.[0]?.text).toContain(`${path}: required member "__proto__" is missing`);
      expect(sent).toEqual([]);
    },
  );

  it.each([
    ["a declared object", '{"needed":{"other":"x","__proto__":"p"}}'],
    ["an array's items", '{"neededRows":[{"__proto__":1},{"__proto__":2}]}'],
    ["a union's other branch", '{"either":"s"}'],
  ])("a required __proto__ given in %s (or a branch without it): sent", async (_, json) => {
    const { result, sent } = await call(json);
    expect(result.isError, result.content?.[0]?.text).toBeFalsy();
    expect(sent.map((r) => r.body.toString())).toEqual([json]);
  });

  it("inside a free-form value, checked by nothing, it is sent as a member", async () => {
    const { result, sent } = await call('{"anything": {"__proto__": {"x": 1}}, "labels": {"ok": "y"}}');
    expect(result.isError).toBeFalsy();
    expect(sent.map((r) => r.body.toString())).toEqual([
      '{"labels":{"ok":"y"},"anything":{"__proto__":{"x":1}}}',
    ]);
  });
});
