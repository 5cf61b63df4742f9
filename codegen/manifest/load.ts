import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import type { Diagnostics } from "../diagnostics.js";
import { type LoadedDocument, loadDocument } from "../load/document.js";
import { manifestSchema } from "./schema.js";
import type { Manifest } from "./types.js";

let validator: ReturnType<Ajv2020["compile"]> | undefined;

/** Compiled on first use: ajv loads only when a manifest file is read (a bare spec's generate never loads it). */
function validate() {
  if (!validator) {
    const { Ajv2020: Ajv } = createRequire(import.meta.url)("ajv/dist/2020.js") as {
      Ajv2020: typeof Ajv2020;
    };
    validator = new Ajv({ allErrors: true, strict: false }).compile(manifestSchema);
  }
  return validator;
}

function describeError(e: ErrorObject): { pointer: string; key: boolean; message: string } {
  const at = e.instancePath || "(root)";
  switch (e.keyword) {
    case "additionalProperties": {
      const prop = String(e.params.additionalProperty);
      return { pointer: `${e.instancePath}/${prop}`, key: true, message: `unknown key "${prop}" in ${at}` };
    }
    case "required":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is missing "${e.params.missingProperty}"`,
      };
    case "enum":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "propertyNames":
      return {
        pointer: `${e.instancePath}/${e.params.propertyName}`,
        key: true,
        message: `invalid name "${e.params.propertyName}" in ${at}`,
      };
    default:
      return { pointer: e.instancePath, key: false, message: `${at} ${e.message ?? "is invalid"}` };
  }
}

/** Keeps the most useful errors: oneOf/if noise is dropped when a more specific error sits at the same place. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "if" && e.keyword !== "anyOf");
  return specific.length > 0 ? specific : errors;
}

export interface LoadedManifest {
  manifest: Manifest;
  doc: LoadedDocument;
}

/** Parses and validates `tools.yaml`; every problem is reported at `tools.yaml:LINE:COL`. */
export function loadManifest(abs: string, file: string, diags: Diagnostics): LoadedManifest | undefined {
  const doc = loadDocument(abs, file, diags);
  if (!doc) return undefined;
  const check = validate();
  if (!check(doc.data)) {
    const seen = new Set<string>();
    for (const e of usefulErrors(check.errors ?? [])) {
      const { pointer, key, message } = describeError(e);
      const id = `${pointer}|${message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      diags.error("TW110", message, doc.ref(pointer, key));
    }
    return undefined;
  }
  return { manifest: doc.data as Manifest, doc };
}
