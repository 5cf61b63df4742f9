import { createHash } from "node:crypto";
import anyAscii from "any-ascii";

export const TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;
/** Property keys several model APIs accept in tool input schemas. */
const ARG_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * A name's Latin letters as ASCII (any-ascii's transliteration: accents taken off, `größe` -> `grosse`, `città` ->
 * `citta`, `Ｎａｍｅ` -> `Name`, `ø` -> `o`), so a name is not cut where a letter had one (`gr_e`, `citt`). Other
 * scripts are left as they are: a tool name whose operationId has no Latin letter is made from its method and path.
 */
export function asciiLatin(raw: string): string {
  if (/^\p{ASCII}*$/u.test(raw)) return raw;
  return raw.normalize("NFKD").replace(/\p{Script=Latin}\p{M}*/gu, (letter) => anyAscii(letter));
}

/**
 * A name in any script as ASCII letters (`名前` -> `MingQian`, `имя` -> `imya`, `이름` -> `ILeum`): an argument has
 * no method and path to be named from instead, and two such names were `arg` and `arg_2`, which tell a model
 * nothing. The spelling is any-ascii's (pinned: a name is part of the catalog); the wire name stays the spec's.
 */
export function asciiAny(raw: string): string {
  return /^\p{ASCII}*$/u.test(raw) ? raw : anyAscii(raw.normalize("NFKD"));
}

/** `getSecretVersions` / `repos/get-content` / `GET /v1/a/{id}` -> `get_secret_versions` / ... */
export function snakeCase(raw: string): string {
  return asciiLatin(raw)
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** Default tool name of an operation without a manifest entry. */
export function defaultToolName(operationId: string | undefined, method: string, path: string): string {
  // An operationId with nothing ASCII in it (`获取用户`) names nothing; the method and path still do.
  const fromId = operationId ? snakeCase(operationId) : "";
  // A function name must start with a letter or `_` for Gemini on Vertex AI (and reads as an identifier to hosts
  // that generate code): an operationId such as `3dSecureCheck` gets its method before it.
  if (fromId) return /^[0-9]/.test(fromId) ? snakeCase(`${method.toLowerCase()}_${fromId}`) : fromId;
  const segments = path
    .split("/")
    .filter(Boolean)
    .map((s) => (s.startsWith("{") ? `by_${s.slice(1, -1)}` : s));
  return snakeCase([method.toLowerCase(), ...segments].join("_"));
}

function shortHash(text: string): string {
  return BigInt(`0x${createHash("sha256").update(text).digest("hex").slice(0, 12)}`)
    .toString(36)
    .slice(0, 4);
}

/**
 * Fits a name into the budget, deterministically and readably: the start is kept (it carries the verb and the
 * resource), and a short hash of the full name keeps two long names that share a start apart.
 */
export function fitName(name: string, max: number): string {
  if (name.length <= max) return name;
  const cut = name.slice(0, max - 5).replace(/[_.-]+$/, "");
  return `${cut}_${shortHash(name)}`;
}

/**
 * A tool argument name every client accepts; spec names like `filter[status]` become `filter_status`. `__proto__`
 * becomes `proto`: arguments are JavaScript objects on every side (the client's, zod's parse, the server's), where
 * that key sets an object's prototype instead of a value, so an argument of that name was dropped or left
 * unchecked. Its wire name stays `__proto__`.
 */
export function safeArgName(raw: string): string {
  if (raw === "__proto__") return "proto";
  if (ARG_NAME.test(raw)) return raw;
  const cleaned = asciiAny(raw)
    .replace(/[^A-Za-z0-9_.-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);
  return cleaned === "" ? "arg" : cleaned;
}

/** `scaivault_read_secret` (prefix `scaivault_`) -> `Read secret`. */
export function humanize(name: string, prefix = ""): string {
  const base = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const words = base.replace(/[_.-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
