import type { JsonSchema, PublishSettings } from "../catalog.js";

/**
 * Published schemas computed at generate time (`published.gen.txt` beside catalog.json), so a server does not
 * project and transform every schema of its first tools/list page at start-up. They are what a publisher with the
 * catalog's own settings and profile and the drift-tolerant output transform publishes; a server that publishes
 * differently (other settings or profile, an output schema widened for masking) computes its own.
 */
export interface PrecomputedSchemas {
  /**
   * The table's layout: 4 since each tool's text is its whole tools/list entry, name first
   * (`{"name":..,"title":..,"description":..,"annotations":{..},"inputSchema":..,"outputSchema":..}`, the description
   * as published: concise ones cut at generate time), one line per tool in catalog order, ASCII with every other
   * character escaped, so a stdio page of the whole catalog is one range of the file and any other page is written
   * from the lines without parsing, cutting or serialising anything, and the string stays one byte a character.
   * A table of another layout (1, 2: the schema members only; 3: the entry without its name) is not read; the
   * server computes its own.
   */
  format?: number;
  /** catalog.json's input hash: the two come from one generation. */
  inputHash: string;
  /** The settings (the catalog's, with the defaults filled in) and the profile they were published with. */
  settings: PublishSettings;
  profile: string;
  /**
   * Per tool name: its tools/list entry as JSON text (`format`), parsed only when the tool's schemas are first
   * needed as values (a call, a listing served as objects); a page written as text embeds it.
   */
  tools: Record<string, string>;
  /**
   * The entries as the file holds them: `text.slice(start, end)` is every tool's line in catalog order, joined by
   * newlines, and `lines[i]` is the i-th of them (the same strings `tools` holds). A page listing exactly those
   * tools in that order is that range with commas for the newlines (`listText`).
   */
  lines?: { text: string; start: number; end: number; lines: readonly string[] };
}

/** The layout of `PrecomputedSchemas` this runtime reads and `generate` writes. */
export const PRECOMPUTED_FORMAT = 4;

export interface PublishedPair {
  input: JsonSchema;
  output?: JsonSchema;
}

/**
 * The JSON text of one tool's tools/list entry (what `published.gen.txt` holds per tool; the generator escapes it to
 * ASCII), from its parts' JSON texts (a schema's made once for every tool that shares it): name, title, description,
 * annotations, then the schemas, the members `Publisher.entry` writes in its order, so the text is
 * `JSON.stringify` of that entry.
 */
export function precomputedTextOf(
  nameJson: string,
  head: { title: string; annotations: object },
  descriptionJson: string,
  inputJson: string,
  outputJson: string | undefined,
): string {
  const output = outputJson === undefined ? "" : `,"outputSchema":${outputJson}`;
  return `{"name":${nameJson},"title":${JSON.stringify(head.title)},"description":${descriptionJson},"annotations":${JSON.stringify(head.annotations)},"inputSchema":${inputJson}${output}}`;
}

/**
 * The places in an entry's text (`precomputedTextOf`'s) where its annotations and its schemas start. A member key
 * with its quotes and the comma before it cannot occur inside a JSON string (a quote there is escaped), and no
 * object precedes the annotations, so the first occurrence is the entry's own member.
 */
const ANNOTATIONS_AT = ',"annotations":{';
const DESCRIPTION_AT = ',"description":';
const TITLE_AT = ',"title":';

/** The start of the entry text of the tool named `name`, up to and including the comma after its name. */
export function entryHead(name: string): string {
  return `{"name":${JSON.stringify(name)},`;
}

/** How many tools' precomputed texts this process has parsed into values (a structural fact for tests). */
let parsedTexts = 0;
export function precomputedTextsParsed(): number {
  return parsedTexts;
}

export interface PrecomputedReader {
  /** One tool's schemas as values, parsed from its text once, on first use. */
  pair(name: string): PublishedPair | undefined;
  /**
   * One tool's tools/list entry as JSON text under `listed` (its name or an alias): the table's text, the name
   * replaced for an alias; `titled`: with `annotations.title` (`withAnnotationTitle`), spliced from the text's own
   * title.
   */
  entryText(name: string, listed: string, titled: boolean): string | undefined;
  /**
   * The JSON array of the entries of exactly `names`, in that order, when they are the table's lines in the file's
   * order (every tool's, each under its own name): one range of the file with commas for its newlines, nothing
   * written per tool. Undefined otherwise (the caller writes the entries one by one).
   */
  listText(names: readonly string[]): string | undefined;
}

/**
 * How many tools/list pages this process has cut from a table as one range, and how many entries it has written
 * from a table one by one (structural facts for tests).
 */
let rangesListed = 0;
let entriesWritten = 0;
export function precomputedRangesListed(): number {
  return rangesListed;
}
export function precomputedEntriesWritten(): number {
  return entriesWritten;
}

/**
 * A reader of `table` when it was published with exactly `settings` and `profile`, else undefined. Each tool's
 * text is parsed once, on first use, and only when its values are asked for.
 */
export function precomputedReader(
  table: PrecomputedSchemas | undefined,
  settings: PublishSettings,
  profile: string,
): PrecomputedReader | undefined {
  if (!table || table.format !== PRECOMPUTED_FORMAT) return undefined;
  if (table.profile !== profile || !sameSettings(table.settings, settings)) return undefined;
  const parsed = new Map<string, PublishedPair>();
  const text = (name: string) => (Object.hasOwn(table.tools, name) ? table.tools[name] : undefined);
  return {
    pair(name) {
      let pair = parsed.get(name);
      if (pair === undefined) {
        const json = text(name);
        if (json === undefined) return undefined;
        const value = JSON.parse(json) as { inputSchema: JsonSchema; outputSchema?: JsonSchema };
        parsedTexts++;
        pair =
          value.outputSchema === undefined
            ? { input: value.inputSchema }
            : { input: value.inputSchema, output: value.outputSchema };
        parsed.set(name, pair);
      }
      return pair;
    },
    entryText(name, listed, titled) {
      const json = text(name);
      const head = entryHead(name);
      if (json === undefined || !json.startsWith(head)) return undefined;
      const listedHead = listed === name ? head : entryHead(listed);
      const named = listed === name ? json : `${listedHead}${json.slice(head.length)}`;
      entriesWritten++;
      if (!titled) return named;
      // The comma after the name, where the title member starts.
      const from = listedHead.length - 1;
      const at = named.indexOf(ANNOTATIONS_AT, from);
      const titleEnd = named.indexOf(DESCRIPTION_AT, from);
      if (!named.startsWith(TITLE_AT, from) || at < 0 || titleEnd < 0 || titleEnd > at) return undefined;
      const title = named.slice(from + TITLE_AT.length, titleEnd);
      const rest = named.slice(at + ANNOTATIONS_AT.length);
      return `${named.slice(0, at)}${ANNOTATIONS_AT}"title":${title}${rest.startsWith("}") ? "" : ","}${rest}`;
    },
    listText(names) {
      const range = table.lines;
      if (range === undefined || names.length !== range.lines.length || names.length === 0) return undefined;
      // Each listed tool's text is the file's line at its place (the same string, so this compares references).
      for (let i = 0; i < names.length; i++) {
        if (text(names[i] as string) !== range.lines[i]) return undefined;
      }
      rangesListed++;
      return `[${range.text.slice(range.start, range.end).replaceAll("\n", ",")}]`;
    },
  };
}

const SETTING_KEYS = [
  "depth",
  "bytes",
  "outputBytes",
  "output",
  "descriptions",
  "commonArguments",
  "profile",
] as const;

function sameSettings(a: PublishSettings, b: PublishSettings): boolean {
  return SETTING_KEYS.every((key) => a[key] === b[key]);
}
