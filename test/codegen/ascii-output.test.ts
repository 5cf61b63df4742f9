import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";

// Accents, typographic quotes, a bullet, CJK and an emoji (a surrogate pair), in the places a spec carries
// text: summaries, descriptions, parameter and property names, enum values.
const WORDS = {
  title: "Café ‘Menu’ • 日本語",
  description: "Returns the dish — with an emoji 🍜 and ümlauts.",
  property: "größe",
  value: "très-grand",
};

const spec = `openapi: 3.0.3
info: { title: Dishes, version: "1" }
servers: [{ url: https://dishes.example.com }]
paths:
  /dishes/{id}:
    get:
      operationId: getDish
      summary: ${JSON.stringify(WORDS.title)}
      description: ${JSON.stringify(WORDS.description)}
      parameters:
        - name: id
          in: path
          required: true
          schema: { type: string, description: ${JSON.stringify(WORDS.description)} }
        - name: ${JSON.stringify(WORDS.property)}
          in: query
          schema: { type: string, enum: [${JSON.stringify(WORDS.value)}, petit] }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  ${JSON.stringify(WORDS.property)}: { type: string, description: ${JSON.stringify(WORDS.title)} }
`;

const NON_ASCII = /[^\x00-\x7f]/;

describe("files the runtime reads at start are ASCII text", () => {
  it("catalog.json, catalog.index.json and published.gen.txt escape every non-ASCII character and keep its value", async () => {
    const dir = writeTree("ascii-output", { "openapi.yaml": spec });
    const { cat, diags } = await genSpec(join(dir, "openapi.yaml"), "dishes", "test/.tmp/ascii-output-out");
    expect(errorsOf(diags)).toEqual([]);
    const catalogText = cat?.files.get("catalog.json") ?? "";
    const publishedText = cat?.files.get("published.gen.txt") ?? "";
    expect(catalogText.match(NON_ASCII)).toBeNull();
    expect(cat?.files.get("catalog.index.json")?.match(NON_ASCII)).toBeNull();
    // A stdio page embeds each tool's text as it is: ASCII, the string the server reads stays one byte a character.
    expect(publishedText.match(NON_ASCII)).toBeNull();

    // The same values as before: JSON reads the escapes back as the characters.
    const doc = JSON.parse(catalogText) as CatalogDocument;
    const everything = JSON.stringify(doc);
    for (const word of Object.values(WORDS)) expect(everything).toContain(word);
    const published = publishedText
      .split("\n")
      .filter((line) => line.startsWith('{"name":'))
      .map((line) => JSON.stringify(JSON.parse(line)))
      .join("\n");
    for (const word of Object.values(WORDS)) expect(published).toContain(JSON.stringify(word).slice(1, -1));
  });
});
