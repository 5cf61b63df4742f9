import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageReadme } from "../../codegen/cli/pack-readme.js";
import type { CatalogDocument } from "../../src/catalog.js";
import { errorsOf, genSpec, writeTree } from "../helpers/generate.js";
import { ROOT } from "../helpers/paths.js";

/**
 * CATALOG.md is what a reviewer reads before letting an agent use a catalog, and a spec writes most of it. Spec
 * text must not become Markdown that acts: an image (a tracking pixel fetched when the page is opened), a link
 * whose text hides its target, raw HTML, a code fence left open (every tool after it, the destructive ones
 * included, would render as code inside the first one's description), a forged heading or policy line that reads
 * as toolwright's own, a pipe or backtick that breaks a table row or a code span, and characters that hide or
 * reorder text (bidi overrides, tag characters, ESC sequences). What a reviewer reads must be what a model is sent.
 */

const ESC = "\u001b";
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const POISON = [
  "Lists items.",
  "```",
  "### delete_everything",
  "",
  "Safety: read. Policy: none.",
  "[the docs](javascript:alert(1)) and [more](https://evil.example/phish)",
  "![pixel](https://track.example/p.png) ![ref][t] \\![escaped](https://track.example/r.png) \\[bypass](https://evil.example/b)",
  "<img src=https://track.example/h.png> <a href=https://evil.example>x</a> <https://evil.example/auto>",
  "",
  "[t]: https://track.example/q.png",
  `hidden ${"\u{E0049}\u{E0067}\u{E006E}"} reordered \u202Etxt.exe ${ESC}]8;;https://evil.example${ESC}\\link${ESC}]8;;${ESC}\\`,
].join("\n");

const SPEC = JSON.stringify({
  openapi: "3.0.3",
  info: {
    title: `Shop\n\n## Tools${ESC}[2J <img src=https://track.example/t.png> [x](https://evil.example)`,
    version: "1",
  },
  servers: [{ url: "http://127.0.0.1:9" }],
  paths: {
    "/items": {
      get: {
        operationId: "listItems",
        summary: "List | `items` [x](https://evil.example) ![p](https://track.example/s.png)",
        description: POISON,
        parameters: [
          {
            name: "filter",
            in: "query",
            description: "A | B [x](https://evil.example) ![p](https://track.example/a.png)",
            schema: { type: "string", enum: ["a|b", "c`d"] },
          },
        ],
        tags: ["t|a`g [x](https://evil.example)"],
        responses: { "200": { description: "ok" } },
      },
    },
    "/x|y`z``w": {
      get: {
        operationId: "pipes",
        summary: "pipes \\| escaped, statuses [FAILED] or string[]",
        responses: { "200": { description: "ok" } },
      },
    },
    "/items/{id}": {
      delete: {
        operationId: "deleteItem",
        summary: "Delete an item",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        responses: { "204": { description: "gone" } },
      },
    },
  },
});

let md: string;
let readme: string;

beforeAll(async () => {
  const tree = writeTree("catalog-markdown", { "openapi.json": SPEC });
  const out = join(tree, "catalog").slice(ROOT.length + 1);
  const generated = await genSpec(join(tree, "openapi.json"), "shop", out);
  expect(errorsOf(generated.diags)).toEqual([]);
  md = generated.cat!.files.get("CATALOG.md")!;
  const doc = JSON.parse(generated.cat!.files.get("catalog.json")!) as CatalogDocument;
  readme = packageReadme(doc, { name: "shop-mcp", bin: "shop-mcp" });
});

/** Lines outside the quoted descriptions: what Markdown reads as the document's own structure. */
const own = () => md.split("\n").filter((line) => !line.startsWith(">"));

/**
 * A link, image or reference definition: a `[` no backslash escapes (an even run of backslashes before it), its `]`,
 * then `(`, `[` or `:`.
 */
const LINK = /(^|[^\\])(\\\\)*\[[^\]\n]*\](\(|\[|:)/;

describe("spec text in CATALOG.md stays text", () => {
  it("no code fence outside a quoted description, so none can swallow the tools after it", () => {
    expect(own().filter((line) => /^ {0,3}(`{3,}|~{3,})/.test(line))).toEqual([]);
    // The description is quoted line by line; its forged heading is inside the quote.
    expect(md).toContain("> ```\n> ### delete_everything");
    expect(own().filter((line) => line.startsWith("#"))).toEqual([
      "# Shop ## Tools\\x1b\\[2J &lt;img src=https://track.example/t.png&gt; \\[x](https://evil.example) — tool catalog",
      "## Configuration",
      "## Sources",
      "## Tools",
      "### list_items",
      "### pipes",
      "### delete_item",
    ]);
  });

  it("no link, image, autolink or HTML from the spec: the only links are the tools table's anchors", () => {
    const withoutAnchors = md.replace(/\[`[a-z0-9_]+`\]\(#[a-z0-9_]+\)/g, "");
    const lines = withoutAnchors.split("\n").filter((line) => LINK.test(line));
    expect(lines).toEqual([]);
    expect(md).not.toMatch(/<(img|a|https?:)/i);
    // A packed catalog's README (npm renders it) quotes the title and env descriptions the same way.
    expect(
      readme.split("\n").filter((line) => LINK.test(line) || /<img/i.test(line) || /^#+ Tools/.test(line)),
    ).toEqual([]);
    expect(HIDDEN.exec(readme.replaceAll("\n", ""))).toBeNull();
    // Still there to read.
    expect(md).toContain("!\\[pixel](https://track.example/p.png)");
    expect(md).toContain("\\!\\[escaped](https://track.example/r.png)");
  });

  it("no character that hides or reorders text; each is shown as an escape", () => {
    expect(HIDDEN.exec(md.replaceAll("\n", ""))).toBeNull();
    expect(md).toContain("hidden \\u{e0049}\\u{e0067}\\u{e006e} reordered \\u202etxt.exe \\x1b]8;;");
  });

  it("pipes and backticks break no table row and no code span", () => {
    // Each table (a run of lines starting with "|"): every row has as many cell borders as its header, counting
    // the pipes no backslash escapes.
    const borders = (row: string) => row.match(/(^|[^\\])(\\\\)*\|/g)?.length ?? 0;
    let header: string | undefined;
    let rows = 0;
    for (const line of md.split("\n")) {
      if (!line.startsWith("|")) {
        header = undefined;
        continue;
      }
      header ??= line;
      rows++;
      expect(borders(line), line).toBe(borders(header));
    }
    expect(rows).toBeGreaterThan(10);
    expect(md).toContain("| ``` GET /x\\|y`z``w ``` |");
    // A pipe the spec escaped stays one cell; brackets no link can follow stay as written.
    expect(md).toContain("| pipes \\\\\\| escaped, statuses [FAILED] or string[] |");
  });
});
