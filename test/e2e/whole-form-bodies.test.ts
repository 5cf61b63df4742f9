import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.js";
import { sendJson } from "../helpers/recording-server.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * Form and multipart request bodies whose schema is not an object (test/e2e/specs/whole-form-bodies.yaml, shapes
 * from real specs: spoonacular's nine form operations and libretranslate's are `type: string`, the encoded form).
 * Before, each became a tool with a `body` argument of that type that the server refused on every call ("must be
 * an object of form fields"/"of parts"): a published schema the runtime never honoured. Now an encoded form is
 * sent as given, and a body that names no field or part (a lone file, an array, a number) is left out, located.
 */
const fx = servedSpec(
  join(ROOT, "test/e2e/specs/whole-form-bodies.yaml"),
  "forms",
  "whole-form-bodies",
  (url) => ({ FORMS_BASE_URL: url }),
  (_req, res) => sendJson(res, 200, {}),
);
const warnings = () =>
  fx.diags.items
    .filter((d) => d.severity === "warning")
    .map((d) => `${d.code} ${d.message} ${d.source?.file.split("/").pop()}:${d.source?.line}`);

describe("form and multipart bodies that are not objects", () => {
  it("a body that names no form field or part is left out with a located warning; the rest are tools", () => {
    expect(warnings().filter((w) => w.startsWith("TW139"))).toEqual([
      "TW139 POST /videos/{id}/studio/edit is left out: its application/x-www-form-urlencoded request body is an array, which names no form field: toolwright cannot tell what to send it as whole-form-bodies.yaml:40",
      "TW139 POST /convert is left out: its application/x-www-form-urlencoded request body is an integer, which names no form field: toolwright cannot tell what to send it as whole-form-bodies.yaml:50",
      "TW139 POST /issue/{key}/attachments is left out: its multipart/form-data request body is a file (a binary string), which names no part: toolwright cannot tell what to send it as whole-form-bodies.yaml:58",
      "TW139 POST /boards is left out: its multipart/form-data request body is an array, which names no part: toolwright cannot tell what to send it as whole-form-bodies.yaml:69",
      "TW139 POST /translate_file is left out: its multipart/form-data request body is a string, which names no part: toolwright cannot tell what to send it as whole-form-bodies.yaml:77",
    ]);
    expect(
      fx
        .doc()
        .tools.map((t) => t.name)
        .sort(),
    ).toEqual([
      "authenticate",
      "both",
      "described_parts",
      "untyped_form",
      "untyped_parts",
      "visualize_taste",
    ]);
    // An array offered as JSON too is sent as JSON.
    const both = fx.doc().tools.find((t) => t.name === "both");
    expect(both?.binding.kind === "http" && both.binding.body?.encoding).toBe("json");
  });

  it("an encoded form (a string schema, inline or referenced) is sent as given, as a form", async () => {
    for (const [name, args, path, body] of [
      [
        "visualize_taste",
        { rgb: "1,2,3", body: "ingredientList=3 tomatoes, 5 oranges" },
        "/recipes/visualizeTaste",
        "ingredientList=3 tomatoes, 5 oranges",
      ],
      [
        "authenticate",
        { service: "svc", body: "jwt=eyJh.eyJz.c2ln&x=%2B" },
        "/authn-jwt/svc/authenticate",
        "jwt=eyJh.eyJz.c2ln&x=%2B",
      ],
      ["untyped_form", { body: "a=1" }, "/untyped", "a=1"],
    ] as const) {
      const before = fx.upstream().received.length;
      const result = await fx.client().callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      const got = fx.upstream().received.slice(before);
      expect(got).toHaveLength(1);
      expect(got[0]?.path).toBe(path);
      expect(got[0]?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(got[0]?.body.toString()).toBe(body);
    }
    // An object is still sent as its fields.
    const before = fx.upstream().received.length;
    const result = await fx.client().callTool({ name: "untyped_form", arguments: { body: { a: "1 2" } } });
    expect(result.isError).toBeFalsy();
    expect(
      fx
        .upstream()
        .received.slice(before)
        .map((r) => r.body.toString()),
    ).toEqual(["a=1%202"]);
  });

  it("an untyped encoded form publishes its fields or the encoded string (it published {}, which took values never sent)", async () => {
    const body = (
      fx.doc().tools.find((t) => t.name === "untyped_form")?.inputSchema as
        | { properties?: { body?: Record<string, unknown> } }
        | undefined
    )?.properties?.body;
    expect(body).toMatchObject({
      anyOf: [{ type: "object" }, { type: "string" }],
      description: expect.stringMatching(/^The form\.\n\nThe fields by name/),
    });
    const before = fx.upstream().received.length;
    for (const value of [3, ["a=1"], true]) {
      const refused = await fx.client().callTool({ name: "untyped_form", arguments: { body: value } });
      expect(refused.isError, JSON.stringify(value)).toBe(true);
      expect(JSON.stringify(refused.content)).toMatch(/body/);
    }
    expect(fx.upstream().received.length).toBe(before);
    const result = await fx.client().callTool({
      name: "untyped_form",
      arguments: { body: { q: "x y", tags: ["p", "q"], n: 2 } },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(
      fx
        .upstream()
        .received.slice(before)
        .map((r) => r.body.toString()),
    ).toEqual(["q=x%20y&tags=p&tags=q&n=2"]);
  });

  it("an untyped multipart body publishes an object of parts (it published {}, which took values never sent) and sends them", async () => {
    const body = (name: string) =>
      (
        fx.doc().tools.find((t) => t.name === name)?.inputSchema as
          | { properties?: { body?: Record<string, unknown> } }
          | undefined
      )?.properties?.body;
    expect(body("untyped_parts")).toMatchObject({
      type: "object",
      description: expect.stringMatching(/^The parts by name/),
    });
    expect(body("described_parts")).toMatchObject({
      type: "object",
      description: expect.stringMatching(/^The upload\.\n\nThe parts by name/),
    });
    const before = fx.upstream().received.length;
    const refused = await fx.client().callTool({ name: "untyped_parts", arguments: { body: "a=1" } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/body/);
    expect(fx.upstream().received.length).toBe(before);
    const result = await fx.client().callTool({
      name: "untyped_parts",
      arguments: { body: { title: "t 1", n: 2, tags: ["p", "q"], meta: { k: 1 } } },
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const got = fx.upstream().received.slice(before);
    expect(got).toHaveLength(1);
    expect(String(got[0]?.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    const text = got[0]?.body.toString() ?? "";
    for (const part of [
      'name="title"\r\n\r\nt 1',
      'name="n"\r\n\r\n2',
      'name="tags"\r\n\r\np',
      'name="tags"\r\n\r\nq',
    ])
      expect(text).toContain(part);
    expect(text).toMatch(/name="meta"[^\n]*\r\nContent-Type: application\/json\r\n\r\n\{"k":1\}/);
  });

  it("an encoded form that would set the request's method is refused before it is sent", async () => {
    const before = fx.upstream().received.length;
    for (const body of [
      "a=1&_method=DELETE",
      "%5Fmethod=delete",
      "x=1&X-HTTP-Method-Override=DELETE",
      // Rack drops the spaces after a separator, PHP a name's leading ones; Go before 1.17 and Python before
      // 3.9.2 split at ";" too.
      "a=1& _method=DELETE",
      "a=1&%20%20_method=DELETE",
      "a=1;_method=DELETE",
      "a=1; x-http-method-override=DELETE",
    ]) {
      const result = await fx.client().callTool({ name: "visualize_taste", arguments: { body } });
      expect(result.isError, body).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/request's method/);
    }
    expect(fx.upstream().received.length).toBe(before);
    // The server keeps serving.
    const ok = await fx.client().callTool({ name: "visualize_taste", arguments: { body: "method=x" } });
    expect(ok.isError).toBeFalsy();
  });
});
