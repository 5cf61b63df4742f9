import type { JsonSchema, PublishSettings } from "../catalog.js";

/**
 * Published schemas computed at generate time (`published.gen.txt` beside catalog.json), so a server does not
 * project and transform every schema of its first tools/list page at start-up. They are what a publisher with the
 * catalog's own settings and profile and the drift-tolerant output transform publishes; a server that publishes
 * differently (other settings or profile, an output schema widened for masking) computes its own.
 */
export interface PrecomputedSchemas {
  /**
   * The table's layout: 2 since each tool's text became `{"inputSchema":..,"outputSchema":..}` (the members of a
   * tools/list entry, so a page can be written from it without parsing it); a table without it (1) is not read.
   */
  format?: number;
  /** catalog.json's input hash: the two come from one generation. */
  inputHash: string;
  /** The settings (the catalog's, with the defaults filled in) and the profile they were published with. */
  settings: PublishSettings;
  profile: string;
  /**
   * Per tool name: `{"inputSchema": <schema>, "outputSchema": <schema>?}` as JSON text, parsed only when the tool's
   * schemas are first needed as values (a call, a listing served as objects); a page written as text embeds it.
   */
  tools: Record<string, string>;
}

/** The layout of `PrecomputedSchemas` this runtime reads and `generate` writes. */
export const PRECOMPUTED_FORMAT = 2;

export interface PublishedPair {
  input: JsonSchema;
  output?: JsonSchema;
}

/** The JSON text of one tool's published schemas (what `published.gen.txt` holds per tool). */
export function precomputedText(input: JsonSchema, output: JsonSchema | undefined): string {
  return JSON.stringify(
    output === undefined ? { inputSchema: input } : { inputSchema: input, outputSchema: output },
  );
}

/** How many tools' precomputed texts this process has parsed into values (a structural fact for tests). */
let parsedTexts = 0;
export function precomputedTextsParsed(): number {
  return parsedTexts;
}

export interface PrecomputedReader {
  /** One tool's schemas as values, parsed from its text once, on first use. */
  pair(name: string): PublishedPair | undefined;
  /** One tool's members as text (`"inputSchema":{..},"outputSchema":{..}`), for an entry written as text. */
  members(name: string): string | undefined;
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
    members(name) {
      return text(name)?.slice(1, -1);
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
