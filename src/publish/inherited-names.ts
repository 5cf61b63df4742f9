import type { JsonSchema } from "../catalog.js";

/** Names every plain JavaScript object answers without having them: `constructor`, `toString`, `__proto__`, ... */
const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * An output schema whose properties named like one of Object.prototype's members accept any value (keeping their
 * description). Clients that validate `structuredContent` with ajv's default options (the MCP TypeScript SDK's
 * client does) test a property with `data.constructor !== undefined`: in a result without that field they find the
 * inherited member (a function, or Object.prototype for `__proto__`) and reject the whole result, so a tool whose
 * response has an optional field named `constructor` or `toString` could never answer them. The server still
 * validates responses against the full schema (prototype-free, `src/runtime/result.ts`). Unchanged schemas are
 * returned as they are (the same object).
 */
export function withInheritedNamesOpen(schema: JsonSchema): JsonSchema {
  return open(schema) as JsonSchema;
}

function open(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) {
    let out: unknown[] | undefined;
    node.forEach((item, i) => {
      const next = open(item);
      if (next === item) return;
      out ??= [...node];
      out[i] = next;
    });
    return out ?? node;
  }
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(node)) {
    let next = open(value);
    if (key === "properties" && next !== null && typeof next === "object" && !Array.isArray(next))
      next = openedProperties(next as Record<string, unknown>);
    if (next !== value) {
      out ??= copyOf(node as Record<string, unknown>);
      out[key] = next;
    }
  }
  return out ?? node;
}

/** A `properties` table with each inherited name's schema replaced by one without constraints. */
function openedProperties(properties: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [name, schema] of Object.entries(properties)) {
    if (!INHERITED.has(name) || isOpen(schema)) continue;
    const description = (schema as { description?: unknown } | null)?.description;
    out ??= copyOf(properties);
    out[name] = typeof description === "string" ? { description } : {};
  }
  return out ?? properties;
}

function isOpen(schema: unknown): boolean {
  if (schema === true) return true;
  if (schema === null || typeof schema !== "object") return false;
  const keys = Object.keys(schema);
  return keys.length === 0 || (keys.length === 1 && keys[0] === "description");
}

/** A copy keeping every key as an own property (`__proto__` among them), in order. */
function copyOf(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source))
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
