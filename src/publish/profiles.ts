import type { CatalogTool, JsonSchema } from "../catalog.js";

/**
 * Transforms run on a tool's published schema after the projection and the description mode, in order. A
 * profile is a named list of them that a catalog (or `serve`) selects; each profile lives in a file of its own
 * in this folder and is registered in `PROFILES` below. A transform must keep the schema honest: whatever the
 * server accepts as arguments (input) or returns as `structuredContent` (output) must still validate.
 */
export interface TransformContext {
  tool: CatalogTool;
  side: "input" | "output";
}

export type SchemaTransform = (schema: JsonSchema, context: TransformContext) => JsonSchema;

export interface Profile {
  /** What the profile is for, one line (shown by `serve --help` and in docs). */
  summary: string;
  transforms: readonly SchemaTransform[];
}

/** `default`: the projection as it is (JSON Schema 2020-12, `$defs` and `$ref`). */
export const PROFILES: Record<string, Profile> = {
  default: { summary: "JSON Schema 2020-12 with $defs, as bounded by the catalog", transforms: [] },
};

export function profileNamed(name: string): Profile {
  const profile = PROFILES[name];
  if (!profile) {
    throw new Error(
      `unknown schema profile ${JSON.stringify(name)} (have: ${Object.keys(PROFILES).join(", ")})`,
    );
  }
  return profile;
}
