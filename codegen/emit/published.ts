import type { CatalogDocument } from "../../src/catalog.js";
import { listedTools } from "../../src/publish/measure.js";
import { PRECOMPUTED_FORMAT, precomputedText } from "../../src/publish/precomputed.js";
import type { Publisher } from "../../src/publish/publisher.js";

/**
 * `published.gen.txt`: every listed tool's published schemas as `publisher` (the catalog's settings and profile,
 * drift-tolerant outputs: what `generate` measures) built them, one JSON text per tool (the schema members of its
 * tools/list entry), so a server lists them without projecting anything at start-up, writes a stdio page around
 * the text without parsing it, and parses a tool's only when it needs the values (`src/publish/precomputed.ts`).
 * A text file the server reads as one string and slices the server reads as one string and slices (no JavaScript to
 * compile, no string literal to unescape): the header's comment lines, one JSON line with the table's format,
 * input hash, settings and profile, then one line per listed tool, its name, a tab and its JSON text.
 */
export function publishedText(doc: CatalogDocument, publisher: Publisher, header: string): string {
  const lines = listedTools(doc).map(
    (tool) => `${tool.name}\t${precomputedText(publisher.input(tool), publisher.output(tool))}`,
  );
  const head = {
    format: PRECOMPUTED_FORMAT,
    inputHash: doc.inputHash,
    settings: { ...publisher.settings },
    profile: publisher.settings.profile ?? "default",
  };
  return [
    header,
    "// Each listed tool's published schemas for the catalog's own settings and profile: a line of the table's",
    "// settings, then per tool its name, a tab and the JSON text of its tools/list entry's schema members. A",
    "// server that publishes otherwise computes its own from catalog.json.",
    JSON.stringify(head),
    ...lines,
    "",
  ].join("\n");
}
