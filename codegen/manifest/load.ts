import { createRequire } from "node:module";
import type { ErrorObject } from "ajv";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { shownValue } from "../../src/telemetry/redact.js";
import type { Diagnostics } from "../diagnostics.js";
import type { SourceRef } from "../ir/types.js";
import { type LoadedDocument, loadDocument } from "../load/document.js";
import { didYouMean, nearest } from "../util.js";
import { manifestSchema } from "./schema.js";
import type { Manifest } from "./types.js";

let validator: ReturnType<Ajv2020["compile"]> | undefined;

/** Compiled on first use: ajv loads only when a manifest file is read (a bare spec's generate never loads it). */
function validate() {
  if (!validator) {
    const { Ajv2020: Ajv } = createRequire(import.meta.url)("ajv/dist/2020.js") as {
      Ajv2020: typeof Ajv2020;
    };
    validator = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(manifestSchema);
  }
  return validator;
}

/** `did you mean "x"?` for a name of `known` near `typed`, else what may be written there. */
function suggest(typed: string, known: readonly string[], what: string): string | undefined {
  if (known.length === 0) return undefined;
  const near = didYouMean(nearest(typed, known));
  if (near !== undefined) return near;
  return known.length <= 12 ? `${what}: ${known.map((n) => JSON.stringify(n)).join(", ")}` : undefined;
}

/** The value found where a schema error points, for the message (`"compcat"`, `a list`, `a number`). */
function shown(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "string") {
    // A value in the wrong place may be a credential (a base URL with its user and password): `shownValue`.
    const clean = shownValue(value);
    return JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}...` : clean);
  }
  return String(value);
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "a map (key: value lines)",
  array: "a list",
};

interface Described {
  pointer: string;
  key: boolean;
  message: string;
  fix?: string;
}

function describeError(e: ErrorObject): Described {
  const at = e.instancePath || "(root)";
  const parent = (e.parentSchema ?? {}) as {
    properties?: Record<string, unknown>;
    propertyNames?: { pattern?: string };
  };
  switch (e.keyword) {
    case "additionalProperties": {
      const prop = String(e.params.additionalProperty);
      const known = Object.keys(parent.properties ?? {}).filter((k) => k !== "$schema");
      return {
        pointer: `${e.instancePath}/${prop}`,
        key: true,
        message: `unknown key "${prop}" in ${at}`,
        fix: suggest(prop, known, `the keys ${at} takes`),
      };
    }
    case "required":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is missing "${e.params.missingProperty}"`,
        fix: `add ${e.params.missingProperty}: under ${at}`,
      };
    case "propertyNames": {
      const name = String(e.params.propertyName);
      const pattern = parent.propertyNames?.pattern;
      const envLike = pattern === "^[A-Z_][A-Z0-9_]*$";
      const upper = name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
      return {
        pointer: `${e.instancePath}/${e.params.propertyName}`,
        key: true,
        message: `invalid name "${name}" in ${at}${pattern ? ` (names match ${pattern})` : ""}`,
        fix: envLike
          ? `env variable names are upper case, digits and _: write ${/^[0-9]/.test(upper) ? `_${upper}` : upper}`
          : undefined,
      };
    }
    default:
      return (
        describeValue(e, at) ?? {
          pointer: e.instancePath,
          key: false,
          message: `${at} ${e.message ?? "is invalid"}`,
        }
      );
  }
}

/** A value of the wrong kind or out of range: what was found, what is wanted. */
function describeValue(e: ErrorObject, at: string): Described | undefined {
  switch (e.keyword) {
    case "enum": {
      const allowed = (e.params.allowedValues as unknown[]).map((v) => String(v));
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is ${shown(e.data)}; it must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`,
        fix: typeof e.data === "string" ? suggest(e.data, allowed, "write one of") : undefined,
      };
    }
    case "const":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is ${shown(e.data)}; it must be ${JSON.stringify(e.params.allowedValue)}`,
      };
    case "type": {
      const want = String(e.params.type)
        .split(",")
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(" or ");
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is ${shown(e.data)}; it must be ${want}`,
        fix:
          e.params.type === "array" && typeof e.data === "string"
            ? `write a list: [${shownValue(e.data)}] or one "- item" line per entry`
            : undefined,
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return {
        pointer: e.instancePath,
        key: false,
        message: `${at} is ${shown(e.data)}; it must be ${e.keyword.includes("inimum") ? "at least" : "at most"} ${e.params.limit}`,
      };
    default:
      return undefined;
  }
}

/** Keeps the most useful errors: oneOf/if noise is dropped when a more specific error sits at the same place. */
function usefulErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter(
    (e) =>
      e.keyword !== "oneOf" &&
      e.keyword !== "if" &&
      e.keyword !== "anyOf" &&
      // The name's own error (a pattern) under a propertyNames error that already names it.
      !(e.keyword !== "propertyNames" && (e as { propertyName?: string }).propertyName !== undefined),
  );
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
  if (doc.data === null || doc.data === undefined) {
    diags.error(
      "TW110",
      `${file} holds no manifest (it is empty or only comments)`,
      { ...doc.ref(""), line: 1, column: 1 },
      "write at least `catalog: <name>` and `sources:`, or start one with `toolwright init --openapi FILE`",
    );
    return undefined;
  }
  const check = validate();
  if (!check(doc.data)) {
    const seen = new Set<string>();
    const found: { at: SourceRef; message: string; fix?: string }[] = [];
    for (const e of usefulErrors(check.errors ?? [])) {
      const { pointer, key, message, fix } = describeError(e);
      const id = `${pointer}|${message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const at = doc.ref(pointer, key);
      found.push({
        at: at.line === undefined ? { ...at, line: 1, column: 1 } : at,
        message,
        ...(fix ? { fix } : {}),
      });
    }
    // In the file's order (ajv reports in its schema's order), so a reader fixes them top to bottom.
    found.sort((a, b) => (a.at.line ?? 1) - (b.at.line ?? 1) || (a.at.column ?? 1) - (b.at.column ?? 1));
    for (const { at, message, fix } of found) diags.error("TW110", message, at, fix);
    return undefined;
  }
  return { manifest: doc.data as Manifest, doc };
}
