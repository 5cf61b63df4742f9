import { describe, expect, it } from "vitest";
import { argumentCellsMadeCount, cell } from "../../codegen/emit/catalog-md.js";
import { firstSentence } from "../../src/publish/describe.js";
import { genSpec, writeTree } from "../helpers/generate.js";

/**
 * CATALOG.md's argument tables: an argument description many tools share (GitHub REST's owner, repo, per_page:
 * 4,902 rows, 885 distinct texts) is cut to its first sentence and escaped once per text, and every row still
 * holds exactly what `cell(firstSentence(text, 160))` gives for its own text.
 */

const SHARED = "The account owner. Not case sensitive; see [the docs](https://example.com/x) | a pipe.";
const OTHERS = [
  "A page number.\n\nMore text that is cut.",
  "<b>bold</b> & `code` \u202e reversed",
  `${"Long words ".repeat(30)}end.`,
];

function spec(tools: number): string {
  const paths = Array.from({ length: tools }, (_, i) => {
    const other = OTHERS[i % OTHERS.length] as string;
    return `  /t${i}:
    get:
      operationId: tool${i}
      parameters:
        - { name: owner, in: query, description: ${JSON.stringify(SHARED)}, schema: { type: string } }
        - { name: page, in: query, description: ${JSON.stringify(other)}, schema: { type: integer } }
        - { name: plain, in: query, schema: { type: string } }
      responses:
        "200": { description: ok }
`;
  });
  return `openapi: 3.0.3
info: { title: Cells, version: "1" }
servers: [{ url: "https://api.example.com" }]
paths:
${paths.join("")}`;
}

describe("CATALOG.md argument cells", () => {
  it("are made once per description text, and each row holds its own text's cell", async () => {
    const dir = writeTree("catalog-md-cells", { "openapi.yaml": spec(25) });
    const before = argumentCellsMadeCount();
    const { cat, diags } = await genSpec(
      `${dir}/openapi.yaml`,
      "cells",
      `${dir}/out`.replace(/^.*?test\//, "test/"),
    );
    expect(diags.items.filter((d) => d.severity === "error")).toEqual([]);
    // 50 rows with a description (25 of one text, 25 of three others): four texts, four cells.
    expect(argumentCellsMadeCount() - before).toBe(1 + OTHERS.length);
    const md = cat?.files.get("CATALOG.md") ?? "";
    for (let i = 0; i < 25; i++) {
      const section = md.slice(
        md.indexOf(`### tool${i}\n`),
        md.indexOf("\n### ", md.indexOf(`### tool${i}\n`) + 1),
      );
      expect(section).toContain(`| \`owner\` | string | no | ${cell(firstSentence(SHARED, 160))} |`);
      const other = OTHERS[i % OTHERS.length] as string;
      expect(section).toContain(`| \`page\` | integer | no | ${cell(firstSentence(other, 160))} |`);
      expect(section).toContain("| `plain` | string | no |  |");
    }
  });
});
