import { describe, expect, it } from "vitest";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * A member named `__proto__` inside an object argument. zod (4.6) skips that key wherever it copies members (a
 * declared property, a catch-all's extra member, a record's entry), so its value and name were never checked
 * (`propertyNames`, `maxProperties`, `dependentRequired`, the catch-all's value schema) and the runtime put it
 * back and sent it: a model could send a key the spec forbids. Such a call is refused, naming the member, and
 * the upstream is asked nothing; a free-form value (checked by nothing) keeps the member and sends it. Served over
 * stdio to the SDK client, in front of a real upstream on 127.0.0.1 that records what it received.
 */

const SPEC = `openapi: 3.0.3
info: { title: Labels, version: "1" }
servers: [{ url: https://labels.example.com }]
paths:
  /items:
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
                anything: {}
      responses: { "200": { description: ok, content: { application/json: { schema: { type: object } } } } }
`;

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
    ["a declared property of the wrong type", '{"tags": {"__proto__": "not a number"}}', "tags.__proto__"],
    ["a declared property of the right type", '{"tags": {"__proto__": 1}}', "tags.__proto__"],
  ])("%s: refused, naming it, and the upstream asked nothing", async (_, json, path) => {
    const { result, sent } = await call(json);
    expect(result.isError).toBe(true);
    expect(result.content?.[0]?.text).toContain(
      `${path}: a member named "__proto__" cannot be checked against the tool's schema`,
    );
    expect(sent).toEqual([]);
  });

  it("inside a free-form value, checked by nothing, it is sent as a member", async () => {
    const { result, sent } = await call('{"anything": {"__proto__": {"x": 1}}, "labels": {"ok": "y"}}');
    expect(result.isError).toBeFalsy();
    expect(sent.map((r) => r.body.toString())).toEqual([
      '{"labels":{"ok":"y"},"anything":{"__proto__":{"x":1}}}',
    ]);
  });
});
