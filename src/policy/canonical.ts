import type { KeyObject } from "node:crypto";
import { isScalarValue } from "../catalog.js";

/**
 * Canonical forms of call arguments: what a confirmation token binds and what an audit line fingerprints.
 * Two calls with the same arguments in any key order produce the same text; nothing here ever prints a value.
 */

/** The argument a confirmation token travels in; it is never part of what the token (or the audit) describes. */
export const TOKEN_ARG = "confirmation_token";

/** The boolean argument of the `argument` confirmation mode; never sent upstream either. */
export const CONFIRM_ARG = "confirm";

/**
 * JSON with object keys sorted at every level; `undefined` members are dropped, like `JSON.stringify` does. An
 * exact number (arguments read with their digits, catalog.ts `ExactNumber`) is those digits.
 */
export function canonicalJson(value: unknown): string {
  if (isScalarValue(value)) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  const entries = Object.keys(value as object)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(",")}}`;
}

/** The arguments without the confirmation token. */
export function withoutToken(args: Record<string, unknown>): Record<string, unknown> {
  if (!(TOKEN_ARG in args)) return args;
  const { [TOKEN_ARG]: _token, ...rest } = args;
  return rest;
}

/**
 * A short keyed digest of the arguments. Keyed, because a plain hash of a low-entropy argument (a path, a short
 * password being written) could be recovered from an audit line by hashing guesses. A caller fingerprinting every
 * call passes the key as a `KeyObject` made once (`createHmac` imports a Buffer key again each time).
 */
export function argumentFingerprint(key: Buffer | KeyObject, args: unknown): string {
  const canonical = canonicalJson(
    args && typeof args === "object" && !Array.isArray(args)
      ? withoutToken(args as Record<string, unknown>)
      : args,
  );
  // node:crypto is looked up on first use and kept (a lookup per call cost ~3 us in the served process).
  createHmac ??= process.getBuiltinModule("node:crypto").createHmac;
  return createHmac("sha256", key).update(canonical).digest("hex").slice(0, 16);
}

let createHmac: typeof import("node:crypto").createHmac | undefined;

/** Type of a value as an audit line shows it: never the value, only its kind (and size for containers). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array(${value.length})`;
  switch (typeof value) {
    case "string":
      return "string";
    case "number":
      return Number.isInteger(value) ? "integer" : "number";
    case "boolean":
      return "boolean";
    case "object":
      return `object(${Object.keys(value as object).length})`;
    default:
      return typeof value;
  }
}

/**
 * Declared argument names and the kinds of their values. Only names the tool's schema declares are shown: they
 * are never user data, while keys a client made up could be anything; those are only counted. Nested keys (maps
 * of env var names, e-mail addresses, ...) could be user data too, so the shape stops at the first level.
 */
export function argumentShape(args: unknown, declared: ReadonlySet<string>): Record<string, string> | string {
  if (args === null || typeof args !== "object" || Array.isArray(args)) return kindOf(args);
  const shape: Record<string, string> = {};
  let undeclared = 0;
  for (const key of Object.keys(args).sort()) {
    const value = (args as Record<string, unknown>)[key];
    if (key === TOKEN_ARG || value === undefined) continue;
    if (!declared.has(key)) undeclared += 1;
    // An argument declared as `__proto__` (a spec may name a body property so) is an own key of the shape:
    // `shape[key] =` would set no key at all.
    else if (key === "__proto__")
      Object.defineProperty(shape, key, {
        value: kindOf(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else shape[key] = kindOf(value);
  }
  if (undeclared > 0) shape["(undeclared)"] = `${undeclared} key${undeclared === 1 ? "" : "s"}`;
  return shape;
}
