import type { Diagnostics } from "../diagnostics.js";
import { type LoadedDocument, NAME_MAPS } from "./document.js";
import type { OpenApiVersion } from "./document-set.js";

/** JSON Schema's type names (OpenAPI 3.1 and 3.0 as toolwright reads it); Swagger 2.0 adds `file`. */
const TYPE_NAMES = new Set(["array", "boolean", "integer", "number", "object", "string", "null"]);

/** Keys whose value is no schema nor holds one a request is made from: what is written there is data. */
const DATA_KEYS = new Set(["example", "examples", "default", "enum", "const"]);

/**
 * A `type` whose value (or a member of its list) is a type name Capitalised or in capitals, as JSON or YAML writes
 * it: the walk below costs a second or more on the largest specs (Microsoft Graph), so only a text that has one is
 * walked.
 */
const CAPITALISED_TYPE =
  /\btype["']?\s*:\s*(?:\[[^\]\n]*?)?["']?(?:A(?:rray|RRAY)|B(?:oolean|OOLEAN)|I(?:nteger|NTEGER)|N(?:umber|UMBER|ull|ULL)|O(?:bject|BJECT)|S(?:tring|TRING)|F(?:ile|ILE))\b/;

/** How many of the fixes are said one by one; the rest are counted in one more warning. */
const SAID = 10;

/**
 * A schema's `type` written with capitals (`String`, `Integer`, `"Array"`), as .NET-written and hand-written specs
 * do (HCL AppScan's API: `$orderby` typed `String` in 20 operations): JSON Schema's type names are lower-case, so
 * 3.0's and 2.0's schemas refused it and every operation using it was left out, while 3.1's, which do not check
 * types, let it through to be read as any value (an array parameter then went on the wire as JSON text). The intent
 * is plain: each is read as its lower-case name, on the root document as parsed, before anything checks it (a
 * Swagger 2.0 array parameter typed `Array` must be an array for the converter to give it its collectionFormat's
 * style), with a located warning. Other files a `$ref` reads are read so by the schema converter (TW134).
 */
export function lowerCaseTypeNames(doc: LoadedDocument, version: OpenApiVersion, diags: Diagnostics): void {
  if (!CAPITALISED_TYPE.test(doc.text)) return;
  const names = version === "2.0" ? new Set([...TYPE_NAMES, "file"]) : TYPE_NAMES;
  const fixed: { pointer: string; written: unknown; read: unknown }[] = [];
  const lower = (t: unknown): unknown => {
    if (typeof t !== "string" || t === t.toLowerCase()) return t;
    return names.has(t.toLowerCase()) ? t.toLowerCase() : t;
  };
  // The path is kept as a stack and spelled as a pointer only for a fix: a walk over Microsoft Graph's 47 MB
  // spent seconds building pointers it never used.
  const path: string[] = [];
  const pointer = () => `#${path.map((k) => `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;
  const walk = (node: unknown, names: boolean): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        walk(node[i], false);
        path.pop();
      }
      return;
    }
    const obj = node as Record<string, unknown>;
    for (const key in obj) {
      if (!Object.hasOwn(obj, key)) continue;
      if (!names && (DATA_KEYS.has(key) || key.startsWith("x-"))) continue;
      const value = obj[key];
      if (!names && key === "type") {
        const read = Array.isArray(value) ? value.map(lower) : lower(value);
        if (Array.isArray(value) ? (read as unknown[]).some((t, i) => t !== value[i]) : read !== value) {
          obj[key] = read;
          path.push(key);
          fixed.push({ pointer: pointer(), written: value, read });
          path.pop();
        }
        continue;
      }
      if (value === null || typeof value !== "object") continue;
      path.push(key);
      walk(value, !names && NAME_MAPS.has(key));
      path.pop();
    }
  };
  walk(doc.data, false);
  for (const f of fixed.slice(0, SAID))
    diags.warn(
      "TW133",
      `${f.pointer.slice(1)}: type ${JSON.stringify(f.written)} is not a type name (JSON Schema's are lower-case); read as ${JSON.stringify(f.read)}`,
      doc.ref(f.pointer),
      `Write type: ${Array.isArray(f.read) ? JSON.stringify(f.read) : String(f.read)}.`,
    );
  if (fixed.length > SAID)
    diags.warn(
      "TW133",
      `... and ${fixed.length - SAID} more types written with capitals, read as their lower-case names`,
      { file: doc.file },
    );
}
