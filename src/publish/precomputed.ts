import type { JsonSchema, PublishSettings } from "../catalog.js";

/**
 * Published schemas computed at generate time (`published.gen.txt` beside catalog.json), so a server does not
 * project and transform every schema of its first tools/list page at start-up. They are what a publisher with the
 * catalog's own settings and profile and the drift-tolerant output transform publishes; a server that publishes
 * differently (other settings or profile, an output schema widened for masking) computes its own.
 */
export interface PrecomputedSchemas {
  /**
   * The table's layout: 3 since each tool's text is its whole tools/list entry but the name
   * (`{"title":..,"description":..,"annotations":{..},"inputSchema":..,"outputSchema":..}`, the description as
   * published: concise ones cut at generate time), ASCII with every other character escaped, so a stdio page is
   * written from it without parsing, cutting or serialising anything and its string stays one byte a character.
   * A table of another layout (1, 2: the schema members only) is not read; the server computes its own.
   */
  format?: number;
  /** catalog.json's input hash: the two come from one generation. */
  inputHash: string;
  /** The settings (the catalog's, with the defaults filled in) and the profile they were published with. */
  settings: PublishSettings;
  profile: string;
  /**
   * Per tool name: its tools/list entry without `name` as JSON text (`format`), parsed only when the tool's schemas
   * are first needed as values (a call, a listing served as objects); a page written as text embeds it.
   */
  tools: Record<string, string>;
}

/** The layout of `PrecomputedSchemas` this runtime reads and `generate` writes. */
export const PRECOMPUTED_FORMAT = 3;

export interface PublishedPair {
  input: JsonSchema;
  output?: JsonSchema;
}

/** What an entry states before its schemas, as `Publisher.entry` writes them (key order included). */
export interface EntryHead {
  title: string;
  description: string;
  annotations: object;
}

/**
 * The JSON text of one tool's tools/list entry without its name (what `published.gen.txt` holds per tool; the
 * generator escapes it to ASCII): title, description, annotations, then the schemas, as `Publisher.entry` orders them.
 */
export function precomputedText(head: EntryHead, input: JsonSchema, output: JsonSchema | undefined): string {
  const { title, description, annotations } = head;
  return JSON.stringify(
    output === undefined
      ? { title, description, annotations, inputSchema: input }
      : { title, description, annotations, inputSchema: input, outputSchema: output },
  );
}

/**
 * The places in an entry's text (`precomputedText`'s) where its annotations and its schemas start. A member key
 * with its quotes and the comma before it cannot occur inside a JSON string (a quote there is escaped), and no
 * object precedes the annotations, so the first occurrence is the entry's own member.
 */
const ANNOTATIONS_AT = ',"annotations":{';
const DESCRIPTION_AT = ',"description":';
const TITLE_AT = '{"title":';

/** How many tools' precomputed texts this process has parsed into values (a structural fact for tests). */
let parsedTexts = 0;
export function precomputedTextsParsed(): number {
  return parsedTexts;
}

export interface PrecomputedReader {
  /** One tool's schemas as values, parsed from its text once, on first use. */
  pair(name: string): PublishedPair | undefined;
  /**
   * One tool's tools/list entry as JSON text under `listed` (its name or an alias), written around the table's
   * text; `titled`: with `annotations.title` (`withAnnotationTitle`), spliced from the text's own title.
   */
  entryText(name: string, listed: string, titled: boolean): string | undefined;
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
      if (json === undefined || !json.startsWith(TITLE_AT)) return undefined;
      const head = `{"name":${JSON.stringify(listed)},`;
      if (!titled) return `${head}${json.slice(1)}`;
      const at = json.indexOf(ANNOTATIONS_AT);
      const titleEnd = json.indexOf(DESCRIPTION_AT);
      if (at < 0 || titleEnd < 0 || titleEnd > at) return undefined;
      const title = json.slice(TITLE_AT.length, titleEnd);
      const rest = json.slice(at + ANNOTATIONS_AT.length);
      return `${head}${json.slice(1, at)}${ANNOTATIONS_AT}"title":${title}${rest.startsWith("}") ? "" : ","}${rest}`;
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
