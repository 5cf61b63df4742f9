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
  /** The byte budget the side's projection was made within (the catalog's `bytes` or `outputBytes`). */
  budget: number;
}

export type SchemaTransform = (schema: JsonSchema, context: TransformContext) => JsonSchema;

/**
 * Reads arguments sent in a profile's encoding back into the faithful form, in place; true when it changed any.
 * `parse` reads JSON text (the runtime's exact reader, so a 64-bit id written in JSON text keeps its digits).
 */
export type ArgumentDecoder = (
  args: unknown,
  adopt: (value: unknown) => unknown,
  parse?: (text: string) => unknown,
) => boolean;

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
 * `inline` (the default): the projection with input schemas' references inlined within its byte budget
 * (`inline.ts`), since many hosts drop `$defs` (docs/clients.md); `refs`: the projection as it is (JSON Schema
 * 2020-12, `$defs` and `$ref`); `portable`: `portable.ts` (docs/providers.md). `default` names the default
 * (`profileName`).
 */
export const PROFILES: Record<string, Profile> = {
  inline: {
    summary:
      "JSON Schema 2020-12, each input schema without $defs: references inlined within the catalog's schema budget (recursion described)",
    transforms: [
      (schema, { side, budget }) => (side === "input" ? inlineReferences(schema, budget) : schema),
    ],
  },
  refs: {
    summary: "JSON Schema 2020-12 with named types under $defs, reached by $ref, as bounded by the catalog",
    transforms: [],
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

/** The profile a catalog publishes when neither it nor `serve` names one, and what the name `default` means. */
export const DEFAULT_PROFILE = "inline";

/**
 * The profile a name selects, by its own name: nothing or `default` is `DEFAULT_PROFILE`. (Catalogs generated
 * before `inline` became the default recorded the `$defs` profile as `default` in published.gen.txt: that table
 * names another profile than the one served now, so the server computes its own, `precomputed.ts`.)
 */
export function profileName(name: string | undefined): string {
  return name === undefined || name === "default" ? DEFAULT_PROFILE : name;
}

export function profileNamed(name: string): Profile {
  // Own names only: `constructor` or `toString` is no profile.
  const own = profileName(name);
  const profile = Object.hasOwn(PROFILES, own) ? PROFILES[own] : undefined;
  if (!profile) {
    throw new Error(`unknown schema profile ${JSON.stringify(name)} (have: ${PROFILE_NAMES.join(", ")})`);
  }
  return profile;
}

/** Every name a manifest, `serve --schema-profile` or catalog.json may give: the profiles', then `default`. */
export const PROFILE_NAMES = [...Object.keys(PROFILES), "default"] as const;
