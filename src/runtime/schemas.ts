import type { z } from "zod";
import type { CatalogModule } from "../catalog.js";

/**
 * The generated zod schemas, built on first use and kept. Input objects that would silently strip unknown
 * properties (zod's default) are made strict here, so a misspelt argument is an error rather than ignored;
 * a schema that explicitly allows extra properties (`looseObject`, `catchall`) keeps its choice.
 */
export interface SchemaCache {
  input(tool: string): z.ZodType;
  output(tool: string): z.ZodType | undefined;
}

interface ObjectLike {
  def?: { type?: string; catchall?: unknown };
  strict?: () => z.ZodType;
}

function strictTopLevel(schema: z.ZodType): z.ZodType {
  const candidate = schema as unknown as ObjectLike;
  if (
    candidate.def?.type === "object" &&
    candidate.def.catchall === undefined &&
    typeof candidate.strict === "function"
  ) {
    return candidate.strict();
  }
  return schema;
}

export function createSchemaCache(module: CatalogModule): SchemaCache {
  const inputs = new Map<string, z.ZodType>();
  const outputs = new Map<string, z.ZodType | undefined>();
  return {
    input(tool) {
      let schema = inputs.get(tool);
      if (!schema) {
        const entry = module.tools[tool];
        if (!entry) throw new Error(`catalog.gen has no schemas for tool ${tool}`);
        schema = strictTopLevel(entry.input());
        inputs.set(tool, schema);
      }
      return schema;
    },
    output(tool) {
      if (!outputs.has(tool)) outputs.set(tool, module.tools[tool]?.output?.());
      return outputs.get(tool);
    },
  };
}
