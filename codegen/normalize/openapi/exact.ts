/**
 * Which schemas of the keywords toolwright enforces only where it reads them exactly (`not`, `propertyNames`,
 * `dependentRequired`): a schema under `not` must be read never wider than the spec's (else its refusal would refuse
 * values the spec takes), and one under `propertyNames` exactly (it takes or refuses every key). Anything else there
 * stays not enforced, with TW134 information, as before.
 */
import { isJsonObject } from "../../../src/catalog.js";
import { planPattern, unicodePattern } from "../patterns.js";

type Json = Record<string, unknown>;

/** Keywords that describe a value and require nothing of it (schema.ts's ANNOTATION_ONLY adds OpenAPI's). */
export const ANNOTATIONS = new Set([
  "title",
  "description",
  "default",
  "example",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
]);
const TYPES = new Set(["string", "number", "integer", "boolean", "array", "object", "null"]);
/**
 * Bounds read as JSON Schema reads them. Not `minLength`: zod counts UTF-16 units where JSON Schema counts code
 * points, so under `not` it would refuse a one-emoji string `minLength: 2` lets through.
 */
const COUNTS = new Set(["maxLength", "minItems", "maxItems", "minProperties", "maxProperties"]);
const NUMBERS = new Set(["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"]);

/** A pattern the generated zod enforces: read with the `u` flag (`unicodePattern`), run by an engine (`planPattern`). */
function enforcedPattern(p: unknown): boolean {
  if (typeof p !== "string") return false;
  const pattern = unicodePattern(p);
  return pattern !== undefined && planPattern(pattern).engine !== "none";
}

/** A bound JSON Schema accepts (`badKeywords` ignores the others, which would read wider). */
function bound(key: string, v: unknown): boolean {
  if (COUNTS.has(key)) return Number.isSafeInteger(v) && (v as number) >= 0;
  return typeof v === "number" && Number.isFinite(v) && (key !== "multipleOf" || v > 0);
}

function structural(key: string, v: unknown, depth: number): boolean {
  switch (key) {
    case "type":
      return typeof v === "string"
        ? TYPES.has(v)
        : Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === "string" && TYPES.has(t));
    case "enum":
      return Array.isArray(v);
    case "const":
      return true;
    case "uniqueItems":
      return typeof v === "boolean";
    case "required":
      return Array.isArray(v) && v.every((n) => typeof n === "string");
    case "pattern":
      return enforcedPattern(v);
    case "properties":
      return isJsonObject(v) && Object.values(v).every((p) => readNeverWider(p, depth + 1));
    case "items":
      return readNeverWider(v, depth + 1);
    case "anyOf":
    case "allOf":
      return Array.isArray(v) && v.length > 0 && v.every((p) => readNeverWider(p, depth + 1));
    default:
      return false;
  }
}

/**
 * The keywords the generator reads a type from where a schema names none (`typesOf` in schema.ts: `minimum` a
 * number, `pattern` a string, `required` an object, `items` an array). A schema with neither a `type` nor one of
 * these is read as any value, and a bound only one type has (`exclusiveMinimum`, `minItems`, `uniqueItems`,
 * `maxProperties`) is not read at all: wider than JSON Schema, so under `not` a refusal of every value.
 */
const TYPING = new Set([
  "minimum",
  "maximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "prefixItems",
]);
/** The keywords read as written whatever the type: a schema of only these (and annotations) needs none. */
const ANY_TYPE = new Set(["enum", "const", "anyOf", "allOf"]);

/** Whether every keyword of `raw` is read: it has a type, one the generator reads from a keyword, or needs none. */
function typed(raw: Json): boolean {
  if ("type" in raw) return true;
  const keys = Object.keys(raw).filter((key) => !ANNOTATIONS.has(key));
  return keys.some((key) => TYPING.has(key)) || keys.every((key) => ANY_TYPE.has(key));
}

/**
 * Whether the generator reads `raw` never wider than JSON Schema does: only keywords it enforces as written, no
 * `$ref`, no `format` (an annotation here), no `oneOf` (read as anyOf where variants overlap), no `nullable` (3.1
 * ignores it, the generator reads it as "or null"), no `type` beside an `enum` or `const` (read as the values when
 * they differ), no bound of one type without a type it is read with (`typed`). A keyword without a `type` reads
 * typed (`minimum` as a number), narrower than JSON Schema, which is the safe side under `not`.
 */
export function readNeverWider(raw: unknown, depth = 0): boolean {
  if (typeof raw === "boolean") return true;
  if (!isJsonObject(raw) || depth > 16) return false;
  if ("type" in raw && ("enum" in raw || "const" in raw)) return false;
  if (!typed(raw)) return false;
  for (const [key, v] of Object.entries(raw)) {
    if (ANNOTATIONS.has(key)) continue;
    if (COUNTS.has(key) || NUMBERS.has(key) ? !bound(key, v) : !structural(key, v, depth)) return false;
  }
  return true;
}

/** A keyword of a `propertyNames` schema read exactly for strings (keys are strings). */
function nameKeyword(key: string, v: unknown): boolean {
  switch (key) {
    case "type":
      return v === "string";
    case "pattern":
      return enforcedPattern(v);
    case "enum":
      return Array.isArray(v);
    case "const":
      return true;
    case "minLength":
    case "maxLength":
      return Number.isSafeInteger(v) && (v as number) >= 0;
    default:
      return ANNOTATIONS.has(key);
  }
}

/** Whether `raw`, a `propertyNames` schema, is read exactly as a schema of the keys (strings). */
export function readsNamesExactly(raw: unknown): boolean {
  if (typeof raw === "boolean") return true;
  return isJsonObject(raw) && Object.entries(raw).every(([key, v]) => nameKeyword(key, v));
}

/** `dependentRequired` as written (a map of names to lists of names), its empty lists left out; else undefined. */
export function dependentRequiredOf(raw: unknown): [string, string[]][] | undefined {
  if (!isJsonObject(raw)) return undefined;
  const out: [string, string[]][] = [];
  for (const [key, names] of Object.entries(raw)) {
    if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) return undefined;
    if (names.length > 0) out.push([key, names]);
  }
  return out;
}
