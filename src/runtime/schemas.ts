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

interface Composite {
  def?: {
    type?: string;
    left?: z.ZodType;
    right?: z.ZodType;
    innerType?: z.ZodType;
    catchall?: { def?: { type?: string } };
    checks?: readonly unknown[];
  };
  shape?: Record<string, z.ZodType>;
  extend?: (shape: Record<string, z.ZodType>) => z.ZodType;
}

/** An object schema without checks of its own that lets unknown keys through (zod's default, or loose). */
function openObject(schema: z.ZodType): Composite | undefined {
  const candidate = schema as unknown as Composite;
  const def = candidate.def;
  if (def?.type !== "object" || (def.checks?.length ?? 0) > 0 || !candidate.shape || !candidate.extend)
    return undefined;
  const rest = def.catchall?.def?.type;
  return rest === undefined || rest === "unknown" || rest === "any" ? candidate : undefined;
}

/**
 * An output schema's intersection of open objects whose keys do not overlap (a spec's `allOf` of object
 * schemas: ScaiVault's Secret is SecretMetadata plus its value), as the one object with both shapes. zod checks
 * an intersection by parsing the whole value with each side and deep-merging the two results; the one object
 * parses each property once (about a third of the time for a ScaiVault secret). It accepts the same values and
 * reports the same issues at the same paths (a value that is no object at all: once, not once per side); the
 * result check only reads whether it passed and its issues. Under a nullable (a tool answering 200 or 204), the
 * same. Anything else (a closed side, keys on both sides, refinements, unions, refs) is kept as generated.
 */
export function flatIntersection(schema: z.ZodType): z.ZodType {
  const def = (schema as unknown as Composite).def;
  // A tool that may answer without content (200 and 204) admits null around its body's schema.
  if (def?.type === "nullable" && def.innerType && (def.checks?.length ?? 0) === 0) {
    const inner = flatIntersection(def.innerType);
    return inner === def.innerType ? schema : inner.nullable();
  }
  if (def?.type !== "intersection" || (def.checks?.length ?? 0) > 0 || !def.left || !def.right) return schema;
  const left = openObject(flatIntersection(def.left));
  const right = openObject(flatIntersection(def.right));
  if (!left?.shape || !right?.shape || !left.extend) return schema;
  const rightShape = right.shape;
  if (Object.keys(left.shape).some((key) => Object.hasOwn(rightShape, key))) return schema;
  return left.extend(rightShape);
}

/** How many tools' input schemas this process has built (a structural fact for tests: listing builds none). */
let inputsBuilt = 0;
export function inputSchemasBuilt(): number {
  return inputsBuilt;
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
        inputsBuilt++;
        inputs.set(tool, schema);
      }
      return schema;
    },
    output(tool) {
      if (!outputs.has(tool)) {
        const schema = module.tools[tool]?.output?.();
        outputs.set(tool, schema && flatIntersection(schema));
      }
      return outputs.get(tool);
    },
  };
}
