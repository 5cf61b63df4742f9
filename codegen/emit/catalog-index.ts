import type { CatalogDocument, CatalogTool } from "../../src/catalog.js";
import {
  type CatalogIndexFile,
  INDEX_FORMAT,
  type IndexedTool,
  RECORD_ONLY,
  type RecordRef,
  recordDigest,
} from "../../src/load/catalog-index.js";
import { commonArgumentsOf } from "../../src/publish/common.js";
import { asciiOnly } from "../util.js";

/**
 * `catalog.index.json` (`src/load/catalog-index.ts`): catalog.json's document without its tools and schema table,
 * each tool's light members, and the byte range and digest of each tool's record and of the schema table in
 * `catalog` (what `asciiJsonFile` wrote for `doc`: ASCII, so characters are bytes, two spaces of indent a level, no
 * raw line break inside a string, so a record is the text between a line `    {` and the next `    }`). One line
 * per tool, so a diff shows which tools changed. Generate passes the bytes `asciiJsonBytes` laid catalog.json out
 * in, searched as they are (7.5 MB of GitHub's catalog is neither decoded to text nor encoded again to hash its
 * records); a text is taken as its Latin-1 bytes (the same, for ASCII). `publishedBytes`: the size of the
 * published.gen.txt written beside it (the server refuses a table of another size).
 */
export function catalogIndexJson(
  doc: CatalogDocument,
  catalog: string | Buffer,
  publishedBytes?: number,
): string {
  const bytes = typeof catalog === "string" ? Buffer.from(catalog, "latin1") : catalog;
  const find = (text: string, from: number) => bytes.indexOf(text, from, "latin1");
  const startsWith = (text: string, at: number) => bytes.toString("latin1", at, at + text.length) === text;
  const ref = (start: number, end: number): RecordRef => [
    start,
    end,
    recordDigest(bytes.subarray(start, end)),
  ];

  const tools: IndexedTool[] = [];
  const toolsAt = find('\n  "tools": [', 0);
  if (toolsAt < 0) throw new Error("catalog.json: no tools array at the top level");
  let at = toolsAt;
  for (const tool of doc.tools) {
    const open = find("\n    {\n", at);
    const close = find("\n    }", open);
    if (open < 0 || close < 0) throw new Error(`catalog.json: tool ${tool.name}'s record not found`);
    const start = open + 5;
    const end = close + 6;
    if (!startsWith(`{\n      "name": ${JSON.stringify(tool.name)},`, start)) {
      throw new Error(`catalog.json: the record at byte ${start} is not tool ${tool.name}'s`);
    }
    const [s, e, digest] = ref(start, end);
    tools.push([s, e, digest, tool.outputSchema === undefined ? 0 : 1, lightMembers(tool)]);
    at = end;
  }

  // The table is a top-level member after the tools: searched from the last record's end, not the text's start.
  const schemasAt = find('\n  "schemas": ', at);
  if (schemasAt < 0) throw new Error("catalog.json: no schemas table at the top level");
  const schemasStart = schemasAt + '\n  "schemas": '.length;
  const schemasEnd = startsWith("{}", schemasStart) ? schemasStart + 2 : find("\n  }", schemasStart) + 4;

  const { tools: _tools, schemas: _schemas, ...document } = doc;
  const index: CatalogIndexFile = {
    format: INDEX_FORMAT,
    inputHash: doc.inputHash,
    catalogBytes: bytes.length,
    document,
    schemas: ref(schemasStart, schemasEnd),
    commonArguments: [...commonArgumentsOf(doc).list],
    ...(publishedBytes !== undefined ? { publishedBytes } : {}),
    tools,
  };
  const { tools: _t, ...head } = index;
  // Each line made ASCII on its own: a non-ASCII character in one line then makes only that line a two-byte
  // string, not the joined text (GitHub REST's 1.1 MB index has 40 such lines), and the escaping pass copies it
  // alone (the same text: the escape depends on the character alone).
  const lines = tools.map((t) => asciiOnly(JSON.stringify(t)));
  return `${asciiOnly(JSON.stringify(head).slice(0, -1))},"tools":[\n${lines.join(",\n")}${lines.length > 0 ? "\n" : ""}]}\n`;
}

/** The tool's members but the record-only ones; a custom binding (small, checked at start) stays. */
function lightMembers(tool: CatalogTool): Partial<CatalogTool> {
  const light: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tool)) {
    if (value === undefined) continue;
    if (
      (RECORD_ONLY as readonly string[]).includes(key) &&
      !(key === "binding" && tool.binding.kind === "custom")
    )
      continue;
    light[key] = value;
  }
  return light as Partial<CatalogTool>;
}
