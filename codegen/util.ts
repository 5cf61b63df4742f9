import { createHash } from "node:crypto";

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Stable JSON for generated files: two-space indent and a trailing newline. */
export function jsonFile(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * JSON or JavaScript text with every non-ASCII character written as a `\uXXXX` escape (the same value). A file
 * the runtime reads at start stays one-byte text: a single non-ASCII character anywhere makes `node` decode the
 * whole file into a two-byte string, which made reading and parsing GitHub's 7.5 MB catalog.json (48 such
 * characters) twice as slow.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
