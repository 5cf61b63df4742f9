import type { CatalogDocument } from "../../src/catalog.js";
import { listedTools } from "../../src/publish/measure.js";
import { PRECOMPUTED_FORMAT, precomputedText } from "../../src/publish/precomputed.js";
import type { Publisher } from "../../src/publish/publisher.js";

/**
 * `published.gen.mjs`: every listed tool's published schemas as `publisher` (the catalog's settings and profile,
 * drift-tolerant outputs: what `generate` measures) built them, one JSON text per tool (the schema members of its
 * tools/list entry), so a server lists them without projecting anything at start-up, writes a stdio page around
 * the text without parsing it, and parses a tool's only when it needs the values (`src/publish/precomputed.ts`).
 */
export function publishedModuleJs(doc: CatalogDocument, publisher: Publisher, header: string): string {
  const lines = listedTools(doc).map((tool) => {
    const text = precomputedText(publisher.input(tool), publisher.output(tool));
    return `    ${JSON.stringify(tool.name)}: ${JSON.stringify(text)},`;
  });
  const settings = { ...publisher.settings };
  return [
    header,
    "// Each tool's published schemas (JSON text), for the catalog's own settings and profile; a server that",
    "// publishes otherwise computes its own from catalog.json.",
    "",
    "export default {",
    `  format: ${PRECOMPUTED_FORMAT},`,
    `  inputHash: ${JSON.stringify(doc.inputHash)},`,
    `  settings: ${JSON.stringify(settings)},`,
    `  profile: ${JSON.stringify(publisher.settings.profile ?? "default")},`,
    "  tools: {",
    ...lines,
    "  },",
    "};",
    "",
  ].join("\n");
}
