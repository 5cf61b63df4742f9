import type { CatalogDocument, CatalogTool, JsonSchema } from "../catalog.js";
import { publishedAnnotations } from "./annotations.js";
import { precomputedTextOf } from "./precomputed.js";
import type { Publisher } from "./publisher.js";

/**
 * The size of what a catalog publishes, computed with the publisher the server uses: what a model sees (each
 * listed name with its description and input schema, as JSON) with a token estimate, and the bytes of the
 * `tools/list` results a client receives, page by page, as a client of the latest protocol revision receives them
 * (older ones also get `annotations.title`: `annotations.ts`).
 */
export interface CatalogSize {
  /** Listed entries (aliases count: each is an entry of its own). */
  entries: number;
  /**
   * Bytes of names, descriptions and input schemas as JSON, and of what the publisher adds to the server's
   * instructions (concise descriptions: the common arguments, `common.ts`), which a model reads once.
   */
  modelBytes: number;
  /** Estimated tokens of the same (about 4 bytes of JSON per token). */
  modelTokens: number;
  /** Bytes of every tools/list result (the JSON-RPC result objects, all pages). */
  listBytes: number;
  /** Bytes of each page (pages end after `entries` entries, or before their JSON passes `bytes`). */
  pages: number[];
}

export const BYTES_PER_TOKEN = 4;

/** Tools a client lists: not internal, not denied by the manifest (env switches are not known here). */
export function listedTools(doc: CatalogDocument): CatalogTool[] {
  const denied = new Set(doc.policy?.deniedTools.tools ?? []);
  return doc.tools.filter(
    (tool) => tool.internal !== true && !denied.has(tool.name) && !tool.aliases.some((a) => denied.has(a)),
  );
}

/** The bytes of what the publisher adds to the server's instructions, as `CatalogSize.modelBytes` counts them. */
function instructionBytes(publisher: Publisher): number {
  return Buffer.byteLength(JSON.stringify(publisher.instructions() ?? ""));
}

/** The bytes of one listed name's part of what a model sees: its name, description and input schema as JSON. */
function modelEntryBytes(name: string, description: string, inputSchema: unknown): number {
  return Buffer.byteLength(JSON.stringify([name, description, inputSchema]));
}

interface Text {
  json: string;
  bytes: number;
}

function textOf(json: string): Text {
  return { json, bytes: Buffer.byteLength(json) };
}

/**
 * What generate measures and writes, serialised once: each listed tool's tools/list entry as JSON text
 * (`precomputedTextOf`, what published.gen.txt holds) and the parts of it a model sees, made from the
 * publisher's schemas' texts, each made once per schema object (a publisher with `perSchema` gives tools with the
 * same projection one object). `measureCatalog` and `modelTokensOf` given one count the same bytes from them.
 */
export class EntryTexts {
  private readonly schemas = new WeakMap<JsonSchema, Text>();
  private readonly descriptions = new Map<string, Text>();
  private readonly entries = new Map<string, Text>();
  /** How many schema texts were made (not found already made): one per distinct published schema object. */
  schemasSerialised = 0;
  constructor(readonly publisher: Publisher) {}

  private schema(schema: JsonSchema): Text {
    let text = this.schemas.get(schema);
    if (text === undefined) {
      text = textOf(JSON.stringify(schema));
      this.schemas.set(schema, text);
      this.schemasSerialised++;
    }
    return text;
  }

  private description(tool: CatalogTool): Text {
    let text = this.descriptions.get(tool.name);
    if (text === undefined) {
      text = textOf(JSON.stringify(this.publisher.description(tool)));
      this.descriptions.set(tool.name, text);
    }
    return text;
  }

  /** Bytes of `[name, description, inputSchema]` as JSON but the name's (`modelEntryBytes`). */
  modelBytes(tool: CatalogTool): number {
    return this.description(tool).bytes + this.schema(this.publisher.input(tool)).bytes + 4;
  }

  /** The tool's entry under its own name (`precomputedTextOf`), and its bytes. */
  entry(tool: CatalogTool): Text {
    let text = this.entries.get(tool.name);
    if (text === undefined) {
      const output = this.publisher.output(tool);
      text = textOf(
        precomputedTextOf(
          JSON.stringify(tool.name),
          { title: tool.title, annotations: publishedAnnotations(tool.annotations) },
          this.description(tool).json,
          this.schema(this.publisher.input(tool)).json,
          output === undefined ? undefined : this.schema(output).json,
        ),
      );
      this.entries.set(tool.name, text);
    }
    return text;
  }
}

/** Entry texts made for another publisher would measure that one's schemas. */
function sameTexts(texts: EntryTexts | undefined, publisher: Publisher): void {
  if (texts && texts.publisher !== publisher)
    throw new Error("entry texts serve the publisher they were made for");
}

/**
 * `measureCatalog(doc, publisher, ...).modelTokens` alone: names, descriptions and input schemas only, so no
 * output schema is built and no tools/list entry is serialised (generate's `descriptions: auto` asks this of the
 * full descriptions before it measures the catalog it publishes).
 */
export function modelTokensOf(doc: CatalogDocument, publisher: Publisher, texts?: EntryTexts): number {
  sameTexts(texts, publisher);
  let modelBytes = instructionBytes(publisher);
  for (const tool of listedTools(doc)) {
    for (const name of [tool.name, ...tool.aliases]) {
      modelBytes += texts
        ? Buffer.byteLength(JSON.stringify(name)) + texts.modelBytes(tool)
        : modelEntryBytes(name, publisher.description(tool), publisher.input(tool));
    }
  }
  return Math.ceil(modelBytes / BYTES_PER_TOKEN);
}

/** Pages as the server cuts them (`src/mcp/paginate.ts`): `entries` at most, ending before `bytes` of JSON. */
export function measureCatalog(
  doc: CatalogDocument,
  publisher: Publisher,
  limits: { entries: number; bytes: number },
  texts?: EntryTexts,
): CatalogSize {
  sameTexts(texts, publisher);
  let modelBytes = instructionBytes(publisher);
  const pages: number[] = [];
  let count = 0;
  let size = 0;
  const flush = () => {
    // `{"tools":[...],"nextCursor":"..."}` inside the JSON-RPC envelope: within a few dozen bytes of this.
    if (count > 0) pages.push(size + 64);
    count = 0;
    size = 0;
  };
  for (const tool of listedTools(doc)) {
    for (const name of [tool.name, ...tool.aliases]) {
      let bytes: number;
      if (texts) {
        // The entry's text under the tool's name, with this name instead; its model part the same way.
        const nameBytes = Buffer.byteLength(JSON.stringify(name));
        const own = name === tool.name ? nameBytes : Buffer.byteLength(JSON.stringify(tool.name));
        modelBytes += nameBytes + texts.modelBytes(tool);
        bytes = texts.entry(tool).bytes - own + nameBytes + 1;
      } else {
        const entry = publisher.entry(tool, name);
        modelBytes += modelEntryBytes(entry.name, entry.description, entry.inputSchema);
        bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
      }
      if (count > 0 && (count >= limits.entries || size + bytes > limits.bytes)) flush();
      count++;
      size += bytes;
    }
  }
  flush();
  const listBytes = pages.reduce((a, b) => a + b, 0);
  return {
    entries: listedTools(doc).reduce((n, t) => n + 1 + t.aliases.length, 0),
    modelBytes,
    modelTokens: Math.ceil(modelBytes / BYTES_PER_TOKEN),
    listBytes,
    pages,
  };
}
