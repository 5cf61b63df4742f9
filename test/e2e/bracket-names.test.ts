import { describe, expect, it } from "vitest";
import { sendJson } from "../helpers/recording-server.js";
import { servedFixture } from "../helpers/served-fixture.js";

/**
 * Bracketed query, cookie and form names (`page[size]`, JSON:API's pagination and filters) are compared as the
 * paths PHP, Rack and qs read them: `page[size]` and `page[number]` are two members of `page` and may come from two
 * arguments (they were refused as both setting `page`), while a name that is another's or leads to it still has
 * one source (`filter` as a deepObject cannot set the declared `filter[tenant]`). A declared name whose `[` is never
 * closed (`a[b`) is kept for its argument under PHP's reading too (`a_b`, `a.b`), whether or not the call gives it.
 */

const SPEC = `openapi: 3.0.3
info: { title: Brackets, version: "1" }
paths:
  /items:
    get:
      operationId: listItems
      parameters:
        - { name: "page[size]", in: query, schema: { type: integer } }
        - { name: "page[number]", in: query, schema: { type: integer } }
        - { name: "filter[status]", in: query, schema: { type: string } }
        - { name: "filter[type]", in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /things:
    get:
      operationId: listThings
      parameters:
        - { name: filter, in: query, style: deepObject, explode: true, schema: { type: object, additionalProperties: { type: string } } }
        - { name: "filter[tenant]", in: query, schema: { type: string } }
      responses: { "200": { description: ok } }
  /odd:
    get:
      operationId: listOdd
      parameters:
        - { name: "a[b", in: query, schema: { type: string } }
        - { name: opts, in: query, style: form, explode: true, schema: { type: object, additionalProperties: { type: string } } }
      responses: { "200": { description: ok } }
  /apps:
    get:
      operationId: listApps
      parameters:
        - { name: limit, in: query, schema: { type: integer } }
        - { name: "limit[subcategories]", in: query, schema: { type: integer } }
        - { name: "fields[apps]", in: query, style: form, explode: false, schema: { type: array, items: { type: string } } }
        - { name: opts, in: query, style: form, explode: true, schema: { type: object, additionalProperties: { type: string } } }
      responses: { "200": { description: ok } }
  /notes:
    post:
      operationId: postNote
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                meta: { type: string }
                "meta[a]": { type: string }
      responses: { "200": { description: ok } }
  /twins:
    get:
      operationId: listTwins
      parameters:
        - { name: "a[b", in: query, schema: { type: string } }
        - { name: a_b, in: query, schema: { type: string } }
        - { name: a.c, in: query, schema: { type: string } }
        - { name: a_c, in: query, schema: { type: string } }
        - { name: ui.lang, in: cookie, schema: { type: string } }
        - { name: ui_lang, in: cookie, schema: { type: string } }
        - { name: opts, in: query, style: form, explode: true, schema: { type: object, additionalProperties: { type: string } } }
      responses: { "200": { description: ok } }
  /form:
    post:
      operationId: postForm
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                "meta[a]": { type: string }
                "meta[b]": { type: string }
      responses: { "200": { description: ok } }
`;

const MANIFEST = `catalog: br
env:
  BR_URL: { type: url, description: "BR_URL." }
sources:
  api:
    openapi: ./openapi.yaml
    base_url: { env: BR_URL }
select: [{ all: true }]
`;

const { call, served } = servedFixture(
  "bracket-names",
  { "cat/openapi.yaml": SPEC, "cat/tools.yaml": MANIFEST },
  (url) => ({ BR_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);

/** Calls `tool` with `args`, which it refuses before any request, saying `message`. */
async function expectRefused(tool: string, args: Record<string, unknown>, message: RegExp) {
  const { result, sent } = await call(tool, args);
  const label = JSON.stringify(args);
  expect(result.isError, label).toBe(true);
  expect(result.content?.[0]?.text, label).toMatch(message);
  expect(sent, label).toEqual([]);
}

describe("bracketed names are compared as paths", () => {
  it("page[size], page[number], filter[status] and filter[type] from four arguments all reach the upstream", async () => {
    const { result, sent } = await call("list_items", {
      page_size: 20,
      page_number: 3,
      filter_status: "live",
      filter_type: "book",
    });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent).toHaveLength(1);
    expect([...sent[0]!.query.entries()]).toEqual([
      ["page[size]", "20"],
      ["page[number]", "3"],
      ["filter[status]", "live"],
      ["filter[type]", "book"],
    ]);
  });

  it("urlencoded body fields meta[a] and meta[b] from two arguments are both sent", async () => {
    const { result, sent } = await call("post_form", { meta_a: "1", meta_b: "2" });
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent[0]!.body.toString()).toBe("meta%5Ba%5D=1&meta%5Bb%5D=2");
  });

  it("a deepObject sets its other members, never the declared filter[tenant], given or not", async () => {
    const other = await call("list_things", { filter: { status: "live" } });
    expect(other.result.isError, JSON.stringify(other.result)).toBeFalsy();
    expect([...other.sent[0]!.query.entries()]).toEqual([["filter[status]", "live"]]);

    for (const args of [
      { filter: { tenant: "other" } },
      { filter: { tenant: "other" }, filter_tenant: "acme" },
    ])
      await expectRefused("list_things", args, /filter\[tenant\]/);
    const both = await call("list_things", { filter: { status: "live" }, filter_tenant: "acme" });
    expect(both.result.isError, JSON.stringify(both.result)).toBeFalsy();
    expect([...both.sent[0]!.query.entries()]).toEqual([
      ["filter[status]", "live"],
      ["filter[tenant]", "acme"],
    ]);
  });

  it("an unclosed a[b is kept for its argument as PHP reads it (a_b, a.b), also when the call leaves it out", async () => {
    for (const key of ["a_b", "a.b", "A_B", "a b"])
      await expectRefused("list_odd", { opts: { [key]: "x" } }, /belongs to argument/);
    const fine = await call("list_odd", { opts: { c: "x" } });
    expect(fine.result.isError, JSON.stringify(fine.result)).toBeFalsy();
    expect(fine.sent[0]!.url).toBe("/odd?c=x");
  });

  it("a name declared beside names under it (limit, limit[subcategories]) is sent by its own argument", async () => {
    // App Store Connect declares both in 49 of its 296 operations: every call giving `limit` was refused as
    // setting a name that "belongs to argument 'limit_subcategories'", which it does not fill in.
    const alone = await call("list_apps", { limit: 5, fields_apps: ["name", "sku"] });
    expect(alone.result.isError, JSON.stringify(alone.result)).toBeFalsy();
    expect(alone.sent[0]!.url).toBe("/apps?limit=5&fields%5Bapps%5D=name,sku");
    const form = await call("post_note", { meta: "m" });
    expect(form.result.isError, JSON.stringify(form.result)).toBeFalsy();
    expect(form.sent[0]!.body.toString()).toBe("meta=m");
    // The other way round a value under `limit` reads as a value of `limit`, and an object makes up no `limit`:
    // each refused before any request, as before.
    for (const [tool, args, text] of [
      [
        "list_apps",
        { limit_subcategories: 3 },
        /"limit\[subcategories\]", which belongs to argument 'limit'/,
      ],
      ["list_apps", { limit: 5, limit_subcategories: 3 }, /limit\[subcategories\]/],
      ["list_apps", { opts: { limit: "9" } }, /"limit", which belongs to argument 'limit'/],
      [
        "list_apps",
        { limit: 5, opts: { limit: "9" } },
        /argument 'opts' would set the query parameter name "limit"/,
      ],
      ["post_note", { meta_a: "x" }, /"meta\[a\]", which belongs to argument 'meta'/],
    ] as const)
      await expectRefused(tool, args, text);
  });
});

describe("two declared names servers read as one (a[b and a_b, a.c and a_c) are each sendable", () => {
  it("are two arguments, named deterministically: the name as written first, the cleaned one numbered", async () => {
    const tools = (await served().client.listTools()).tools;
    const twins = tools.find((t) => t.name === "list_twins")!;
    expect(Object.keys(twins.inputSchema.properties ?? {}).sort()).toEqual(
      ["a.c", "a_b", "a_b_2", "a_c", "opts", "ui.lang", "ui_lang"].sort(),
    );
  });

  it.each([
    [{ a_b_2: "1" }, "/twins?a%5Bb=1", undefined],
    [{ a_b: "2" }, "/twins?a_b=2", undefined],
    [{ "a.c": "3" }, "/twins?a.c=3", undefined],
    [{ a_c: "4" }, "/twins?a_c=4", undefined],
    [{ "ui.lang": "5" }, "/twins", "ui.lang=5"],
    [{ ui_lang: "6" }, "/twins", "ui_lang=6"],
  ])("%j alone is sent as declared (it was refused as the other's name)", async (args, url, cookie) => {
    const { result, sent } = await call("list_twins", args);
    expect(result.isError, JSON.stringify(result)).toBeFalsy();
    expect(sent.map((r) => [r.url, r.headers.cookie])).toEqual([[url, cookie]]);
  });

  it.each([
    [
      { a_b_2: "1", a_b: "2" },
      /arguments 'a_b(_2)?' and 'a_b(_2)?' would both set the query parameter name "a_b"/,
    ],
    [{ "a.c": "3", a_c: "4" }, /arguments 'a(\.|_)c' and 'a(\.|_)c' would both set the query parameter name/],
    [
      { "ui.lang": "5", ui_lang: "6" },
      /arguments 'ui(\.|_)lang' and 'ui(\.|_)lang' would both set the cookie name/,
    ],
  ])("%j together are refused: one name to PHP, set twice", async (args, message) => {
    await expectRefused("list_twins", args, message);
  });

  it("an exploded object still sets neither, given or not", async () => {
    for (const key of ["a_b", "a.b", "a_c", "a.c"])
      await expectRefused("list_twins", { opts: { [key]: "x" } }, /belongs to argument/);
  });
});
