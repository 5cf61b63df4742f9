import type { CatalogDocument } from "../../src/catalog.js";
import { type EntryTexts, listedTools } from "../../src/publish/measure.js";
import { PRECOMPUTED_FORMAT } from "../../src/publish/precomputed.js";
import { profileName } from "../../src/publish/profiles.js";
import { asciiOnly } from "../util.js";

/**
 * `published.gen.txt`: every listed tool's tools/list entry as `texts`' publisher (the catalog's settings and profile,
 * drift-tolerant outputs: what `generate` measures) built it, one JSON text per tool (name, title, the description
 * as published, concise ones cut here and not at every start, annotations, schemas), so a server lists them
 * without projecting, cutting or serialising anything at start-up: a stdio page of the whole catalog is the range of
 * the file holding them, commas for its newlines; and it parses a tool's only when it needs the values
 * (`src/publish/precomputed.ts`). A text file the server reads as one string and slices (no JavaScript to compile,
 * no string literal to unescape), ASCII (other characters escaped as JSON does) so that string is one byte a
 * character: the header's comment lines, one JSON line with the table's format, input hash, settings and profile,
 * then one line per listed tool, in catalog order: its entry's JSON text.
 */
export function publishedText(doc: CatalogDocument, texts: EntryTexts, header: string): string {
  const { publisher } = texts;
  // `precomputedTextOf` of each entry, as measured (`EntryTexts`).
  const lines = listedTools(doc).map((tool) => texts.entry(tool).json);
  const head = {
    format: PRECOMPUTED_FORMAT,
    inputHash: doc.inputHash,
    settings: { ...publisher.settings },
    // By its own name: tables generated before `inline` was the default recorded `$defs` as `default`.
    profile: profileName(publisher.settings.profile),
  };
  // Each line made ASCII on its own, before they are joined (as catalog.index.json's: `catalogIndexJson`).
  return [
    header,
    "// Each listed tool's tools/list entry for the catalog's own settings and profile: a line of the table's",
    "// settings, then per tool, in catalog order, the JSON text of its entry (name, title, description as",
    "// published, annotations, schemas; ASCII, other characters escaped). A server that publishes otherwise",
    "// computes its own from catalog.json.",
    JSON.stringify(head),
    ...lines,
    "",
  ]
    .map(asciiOnly)
    .join("\n");
}
