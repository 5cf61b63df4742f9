import type { JsonSchema } from "../catalog.js";
import { rewriteSchemaNodes } from "./walk.js";

/**
 * The `format` values a published schema keeps: the ones ajv-formats (the format plugin ajv-based clients load)
 * knows, JSON Schema's own and OpenAPI's numeric and string ones among them. JSON Schema makes `format` an
 * annotation a validator may ignore, but ajv in its default strict mode refuses to compile a schema with a format
 * it does not know (`unknown format "repo.nwo" ignored in schema`), and hosts that validate arguments or results with
 * it lose the tool, or every call of it (Genkit 1.42 with GitHub's `pulls_create`, docs/clients.md). Specs use
 * formats of their own (`repo.nwo`, `uri-or-empty`, `phone`, `currency-code`, `decimal`, `objectid`), and
 * JSON Schema formats ajv-formats lacks (`idn-email`, `iri`) throw as well.
 */
export const PUBLISHED_FORMATS: ReadonlySet<string> = new Set([
  "date",
  "time",
  "date-time",
  "iso-time",
  "iso-date-time",
  "duration",
  "uri",
  "uri-reference",
  "uri-template",
  "url",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "regex",
  "uuid",
  "json-pointer",
  "json-pointer-uri-fragment",
  "relative-json-pointer",
  "byte",
  "int32",
  "int64",
  "float",
  "double",
  "password",
  "binary",
]);

/**
 * The schema with every `format` outside PUBLISHED_FORMATS taken out and said in the node's description instead
 * (`Format: repo.nwo.`), so a model still reads the hint and no client's validator refuses the schema. Only
 * published schemas change: the server validates against the catalog's own schemas, which keep the format. Returns
 * the same object when no node has such a format.
 */
export function withPublishedFormats(root: JsonSchema): JsonSchema {
  return rewriteSchemaNodes(root, (node) => {
    const format = node.format;
    if (typeof format !== "string" || PUBLISHED_FORMATS.has(format)) return undefined;
    const { format: _format, ...rest } = node;
    const hint = `Format: ${format}.`;
    const description = typeof node.description === "string" ? node.description.trim() : "";
    rest.description = description === "" ? hint : `${description} (${hint})`;
    return rest;
  });
}
