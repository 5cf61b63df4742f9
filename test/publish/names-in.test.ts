import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../../src/catalog.js";
import { namesIn } from "../../src/publish/project.js";

/** namesIn: what the load-time check and the projection take as a schema's references. */
describe("namesIn", () => {
  it("lists each referenced name once, in first-appearance order, through every kind of subschema", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        b: { $ref: "#/$defs/B" },
        list: { type: "array", items: { anyOf: [{ $ref: "#/$defs/A" }, { $ref: "#/$defs/B" }] } },
        "a~1b": { $ref: "#/$defs/a~1b~0c" },
      },
      patternProperties: { "^x-": { $ref: "#/$defs/X" } },
      additionalProperties: { not: { $ref: "#/$defs/N" } },
    };
    expect(namesIn(schema)).toEqual(["B", "A", "a/b~c", "X", "N"]);
  });

  it("skips data keywords and takes names in property maps as property names, never as keywords", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: {
        // Properties called like keywords are schemas all the same.
        $ref: { $ref: "#/$defs/UnderRef" },
        enum: { $ref: "#/$defs/UnderEnum" },
        default: { type: "string", default: { $ref: "#/$defs/NotARef" } },
      },
      enum: [{ $ref: "#/$defs/InEnum" }],
      const: { $ref: "#/$defs/InConst" },
      examples: [{ $ref: "#/$defs/InExample" }],
      $defs: { Local: { $ref: "https://example.com/elsewhere" } },
    };
    expect(namesIn(schema)).toEqual(["UnderRef", "UnderEnum"]);
  });

  it("reads a schema's own keys only: enumerable keys inherited from a prototype are not schema keywords", () => {
    const inherited = Object.create({ items: { $ref: "#/$defs/Inherited" } }) as JsonSchema;
    inherited.properties = Object.assign(Object.create({ ghost: { $ref: "#/$defs/Ghost" } }), {
      real: { $ref: "#/$defs/Real" },
    });
    expect(namesIn(inherited)).toEqual(["Real"]);
  });
});
