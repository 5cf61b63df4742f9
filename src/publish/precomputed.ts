import type { JsonSchema, PublishSettings } from "../catalog.js";

/**
 * Published schemas computed at generate time (`published.gen.mjs` beside catalog.json), so a server does not
 * project and transform every schema of its first tools/list page at start-up. They are what a publisher with the
 * catalog's own settings and profile and the drift-tolerant output transform publishes; a server that publishes
 * differently (other settings or profile, an output schema widened for masking) computes its own.
 */
export interface PrecomputedSchemas {
  /** catalog.json's input hash: the two come from one generation. */
  inputHash: string;
  /** The settings (the catalog's, with the defaults filled in) and the profile they were published with. */
  settings: PublishSettings;
  profile: string;
  /** Per tool name: `{"input": <schema>, "output": <schema>?}` as JSON text, parsed when the tool is first published. */
  tools: Record<string, string>;
}

export interface PublishedPair {
  input: JsonSchema;
  output?: JsonSchema;
}

/** The JSON text of one tool's published schemas (what `published.gen.mjs` holds per tool). */
export function precomputedText(input: JsonSchema, output: JsonSchema | undefined): string {
  return JSON.stringify(output === undefined ? { input } : { input, output });
}

/**
 * A reader of `table` when it was published with exactly `settings` and `profile`, else undefined. Each tool's
 * text is parsed once, on first use.
 */
export function precomputedReader(
  table: PrecomputedSchemas | undefined,
  settings: PublishSettings,
  profile: string,
): ((name: string) => PublishedPair | undefined) | undefined {
  if (!table || table.profile !== profile || !sameSettings(table.settings, settings)) return undefined;
  const parsed = new Map<string, PublishedPair>();
  return (name) => {
    let pair = parsed.get(name);
    if (pair === undefined) {
      const text = Object.hasOwn(table.tools, name) ? table.tools[name] : undefined;
      if (text === undefined) return undefined;
      pair = JSON.parse(text) as PublishedPair;
      parsed.set(name, pair);
    }
    return pair;
  };
}

const SETTING_KEYS = ["depth", "bytes", "outputBytes", "output", "descriptions", "profile"] as const;

function sameSettings(a: PublishSettings, b: PublishSettings): boolean {
  return SETTING_KEYS.every((key) => a[key] === b[key]);
}
