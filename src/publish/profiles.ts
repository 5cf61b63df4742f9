import type { CatalogTool, JsonSchema } from "../catalog.js";
import { inlineReferences } from "./inline.js";
import { portableDecoder, portableSchema } from "./portable.js";
import { portableOutput } from "./portable-output.js";

/**
 * Transforms run on a tool's published schema after the projection and the description mode, in order. A
 * profile is a named list of them that a catalog (or `serve`) selects; each profile lives in a file of its own
 * in this folder and is registered in `PROFILES` below. A transform must keep the schema honest: whatever the
 * server returns as `structuredContent` (output) must still validate, and whatever a published input schema
 * accepts must be accepted by the server once the profile's `decode` has read it back.
 */
export interface TransformContext {
  tool: CatalogTool;
  side: "input" | "output";
}

export type SchemaTransform = (schema: JsonSchema, context: TransformContext) => JsonSchema;

/** Reads arguments sent in a profile's encoding back into the faithful form, in place; true when it changed any. */
export type ArgumentDecoder = (args: unknown, adopt: (value: unknown) => unknown) => boolean;

export interface Profile {
  /** What the profile is for, one line (shown by `serve --help` and in docs). */
  summary: string;
  /**
   * They read only the schema and the side, never the tool: generate publishes one schema for the tools whose
   * projections are the same (`PublishOptions.perSchema`).
   */
  transforms: readonly SchemaTransform[];
  /** The decoder for an input schema this profile's transforms produced (none: arguments arrive as published). */
  decoder?: (published: JsonSchema) => ArgumentDecoder | undefined;
  /**
   * Run on an output schema after every other transform (the drift tolerance's and masking's widenings), so the
   * published schema is in the profile's terms whatever they added; like them it must keep the schema honest.
   */
  output?: (schema: JsonSchema) => JsonSchema;
}

/**
 * `default`: the projection as it is (JSON Schema 2020-12, `$defs` and `$ref`); `inline`: the same with input
 * schemas' references inlined (`inline.ts`); `portable`: `portable.ts` (docs/providers.md).
 */
export const PROFILES: Record<string, Profile> = {
  default: { summary: "JSON Schema 2020-12 with $defs, as bounded by the catalog", transforms: [] },
  inline: {
    summary:
      "JSON Schema 2020-12 as default, each input schema without $defs: references inlined (recursion kept)",
    transforms: [(schema, { side }) => (side === "input" ? inlineReferences(schema) : schema)],
  },
  portable: {
    summary:
      "inside what OpenAI strict mode, Gemini and Anthropic all accept: references inlined, no $schema, anyOf only, constraints in descriptions",
    transforms: [(schema, { side }) => portableSchema(schema, side)],
    decoder: portableDecoder,
    // Output schemas too: the Google GenAI SDK hands them to Gemini (portable-output.ts).
    output: portableOutput,
  },
};

export function profileNamed(name: string): Profile {
  // Own names only: `constructor` or `toString` is no profile.
  const profile = Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
  if (!profile) {
    throw new Error(
      `unknown schema profile ${JSON.stringify(name)} (have: ${Object.keys(PROFILES).join(", ")})`,
    );
  }
  return profile;
}
