import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCatalog } from "../../src/load/catalog.js";
import { createDiscovery } from "../../src/mcp/discovery.js";
import { conciseText } from "../../src/publish/describe.js";
import { createPublisher } from "../../src/publish/publisher.js";
import { ROOT } from "../helpers/paths.js";

/**
 * find_tools' `summary` of each match is made from the tool's description with the reduction concise descriptions
 * use (first plain paragraph, pointers to documentation left out, markdown and HTML reduced to their text, a cap at
 * a word). It was the raw description's first sentence: a link's URL, HTML tags, emphasis markers, an admonition
 * or a heading reached the model as written.
 */
describe("find_tools summaries", () => {
  const rows: [string, string, string][] = [
    [
      "a markdown link",
      "Lists the [secrets](https://docs.example.com/secrets?x=1) under a path. More text.",
      "Lists the secrets under a path.",
    ],
    [
      "HTML tags and entities",
      "<p>Deletes a <b>secret</b> &amp; its versions.</p> Then more.",
      "Deletes a secret & its versions.",
    ],
    ["emphasis", "Reads **one** secret. Then more.", "Reads one secret."],
    [
      "an admonition before the text",
      "> [!NOTE]\n> Beta.\n\nCreates a secret. Then more.",
      "Creates a secret.",
    ],
    ["a heading before the text", "# Secrets\n\nRotates a secret.", "Rotates a secret."],
    ["an image", "![logo](https://x.example/l.png) Lists keys.", "logo Lists keys."],
    ["a comment", "<!-- internal --> Lists keys.", "Lists keys."],
  ];

  it.each(rows)("%s: reduced to its text", async (_, description, summary) => {
    const catalog = await loadCatalog(join(ROOT, "generated/scaivault"));
    const tool = catalog.doc.tools[0];
    if (!tool) throw new Error("no tool");
    const found = createDiscovery([{ ...tool, description }], createPublisher(catalog.doc)).find(
      tool.name,
      5,
    );
    expect(found.matches[0]?.summary).toBe(summary);
    expect(found.matches[0]?.summary).not.toMatch(/[<>*[\]]|https?:/);
  });

  it("a long first sentence is cut at a word with an ellipsis, within 200 characters, as concise text is", async () => {
    const catalog = await loadCatalog(join(ROOT, "generated/scaivault"));
    const tool = catalog.doc.tools[0];
    if (!tool) throw new Error("no tool");
    const description = `Lists ${"very many [secret](https://x.example/s) values ".repeat(12)}here.`;
    const found = createDiscovery([{ ...tool, description }], createPublisher(catalog.doc)).find(
      tool.name,
      5,
    );
    const summary = found.matches[0]?.summary ?? "";
    expect(summary.length).toBeLessThanOrEqual(200);
    expect(summary).toMatch(/\w…$/);
    expect(summary).not.toContain("https:");
    expect(summary).toBe(conciseText(description, 200));
  });
});
