import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../codegen/diagnostics.js";
import { ROOT } from "../helpers/paths.js";
import { servedSpec } from "../helpers/served-fixture.js";

/**
 * @fastify/swagger spreads a querystring property's JSON Schema into its Swagger 2.0 parameter: a TypeBox union of
 * literals is `anyOf: [{type: string, const: red}, ...]` with no type, a literal `type: string, const: v2`.
 * swagger2openapi carries neither (only 2.0's own parameter keys go into the 3.0 schema), so each read as a plain
 * string: any text was taken and sent, and the model was never told the values. Now each is the enum it is, said
 * so (TW133), refused before any request when outside it, sent as given when in it.
 */
const SPEC = join(ROOT, "test/e2e/specs/swagger2-literal-unions.yaml");
const fx = servedSpec(SPEC, "literals", "swagger2-literal-unions", (url) => ({ LITERALS_BASE_URL: url }));

const text = (r: { content?: unknown }) => (r.content as { text: string }[]).map((c) => c.text).join("\n");

describe("a Swagger 2.0 parameter listing its values with anyOf, oneOf or const", () => {
  it("is published as the enum it is", async () => {
    const { tools } = await fx.client().listTools();
    const input = tools.find((t) => t.name === "list_items")?.inputSchema as {
      properties: Record<string, unknown>;
    };
    expect(input.properties).toEqual({
      color: { type: "string", enum: ["red", "blue"] },
      // oneOf: m is in both alternatives, so no value of it is one of them alone.
      size: { type: "string", enum: ["s", "l"] },
      level: { type: "integer", enum: [1, 2] },
      api: { const: "v2" },
      "X-Mode": { type: "string", enum: ["fast", "slow"] },
      mixed: { type: "string" },
    });
  });

  it("is said as read, located at the parameter", () => {
    const said = fx.diags.items.filter((d) => d.code === "TW133").map(formatDiagnostic);
    const at = (n: number) => `#/paths/~1items/get/parameters/${n}`;
    const union = (key: string) =>
      `a query parameter without a type whose ${key} lists values (Swagger 2.0 has no ${key}; @fastify/swagger writes one for a TypeBox union of literals)`;
    expect(said.map((s) => s.split("\n")[0]?.replace(/^.*? warning TW133: /, ""))).toEqual([
      `${at(0).slice(1)}: ${union("anyOf")}; read as the string enum ["red","blue"]`,
      `${at(1).slice(1)}: ${union("oneOf")}; read as the string enum ["s","l"]`,
      `${at(2).slice(1)}: ${union("anyOf")}; read as the integer enum [1,2]`,
      `${at(3).slice(1)}: a query parameter's const (not Swagger 2.0's; @fastify/swagger writes one for a TypeBox literal); read as the string enum ["v2"]`,
      `${at(4).slice(1)}: ${union("anyOf").replace("query", "header")}; read as the string enum ["fast","slow"]`,
      `${at(5).slice(1)}: a query parameter without a type (Swagger 2.0 requires one); read as a string`,
    ]);
    expect(fx.diags.items.filter((d) => d.code === "TW133").map((d) => d.source?.pointer)).toEqual([
      at(0),
      at(1),
      at(2),
      `${at(3)}/const`,
      at(4),
      at(5),
    ]);
  });

  it("a value outside it is refused before any request; one in it is sent as given", async () => {
    for (const args of [
      { color: "green" },
      { color: "red", size: "m" },
      { color: "red", level: 3 },
      { color: "red", api: "v1" },
      { color: "red", "X-Mode": "turbo" },
    ]) {
      const { result, sent } = await fx.call("list_items", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(text(result)).toContain("invalid arguments");
      expect(sent).toEqual([]);
    }
    const { result, sent } = await fx.call("list_items", {
      color: "blue",
      size: "l",
      level: 2,
      api: "v2",
      "X-Mode": "slow",
      mixed: "a",
    });
    expect(result.isError).toBeFalsy();
    expect(sent.map((r) => [r.path, [...r.query], r.headers["x-mode"]])).toEqual([
      [
        "/items",
        [
          ["color", "blue"],
          ["size", "l"],
          ["level", "2"],
          ["api", "v2"],
          ["mixed", "a"],
        ],
        "slow",
      ],
    ]);
  });
});
