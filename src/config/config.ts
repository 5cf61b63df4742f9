import { homedir } from "node:os";
import type { EnvVar } from "../catalog.js";
import { rememberSecret, rememberUrlCredentials, shownValue } from "../telemetry/redact.js";

/**
 * Every env variable a catalog declares is read once at start, typed and checked. A bad value stops the server
 * with one message listing every problem: a typo in `READ_ONLY=ture` must never fall back to a permissive
 * default. Values of secret variables are never quoted in those messages.
 */

export type ConfigValue = string | number | boolean | readonly string[];

export interface Config {
  readonly vars: readonly EnvVar[];
  /** The typed value (the declared default applied), or `undefined` when unset without a default. */
  get(name: string): ConfigValue | undefined;
  /** The value as text (canonical for enums, comma-joined for lists), default applied. */
  text(name: string): string | undefined;
  /** Whether the environment set the variable (a default does not count). */
  isSet(name: string): boolean;
  /** Whether the catalog declares the variable. */
  declares(name: string): boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const TRUE = new Set(["true", "1", "yes"]);
const FALSE = new Set(["false", "0", "no"]);

type Parsed = { ok: true; value: ConfigValue; text: string } | { ok: false; problem: string };

function shown(v: EnvVar, raw: string): string {
  if (v.secret) return "";
  // Credentials in it (a URL's user and password, a token in its query) are never shown: `shownValue`.
  const clean = shownValue(raw);
  const cut = clean.length > 60 ? `${clean.slice(0, 60)}…` : clean;
  return `, got ${JSON.stringify(cut)}`;
}

export function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/")) return `${homedir()}${path.slice(1)}`;
  return path;
}

/**
 * `https://api.example.com/graphql/` with `/graphql` declared -> `https://api.example.com`: the first declared
 * ending the URL's path has (trailing slashes ignored) is removed; a URL without one is kept as given.
 */
export function trimUrlPath(value: string, endings: readonly string[]): string {
  if (endings.length === 0) return value;
  const url = new URL(value);
  const path = url.pathname.replace(/\/+$/, "");
  const ending = endings.find((e) => path.toLowerCase().endsWith(e.toLowerCase()));
  if (ending === undefined) return value;
  url.pathname = path.slice(0, path.length - ending.length) || "/";
  const text = url.href;
  return url.pathname === "/" && !url.search ? text.replace(/\/$/, "") : text;
}

/** One value as the variable's type reads it (`problem` says why not); `generate` checks declared defaults with it. */
export function parseEnvValue(v: EnvVar, raw: string): { ok: true } | { ok: false; problem: string } {
  const parsed = parseValue(v, raw);
  return parsed.ok ? { ok: true } : { ok: false, problem: parsed.problem };
}

function parseValue(v: EnvVar, raw: string): Parsed {
  const value = raw.trim();
  switch (v.type) {
    case "string":
      return { ok: true, value: raw, text: raw };
    case "path": {
      const expanded = expandHome(value);
      return { ok: true, value: expanded, text: expanded };
    }
    case "boolean":
      return parseBoolean(v, raw, value);
    case "integer":
      return parseInteger(v, raw, value);
    case "url":
      return parseUrl(v, raw, value);
    case "list":
      return parseList(v, raw);
    case "enum":
      return parseEnum(v, raw, value);
    default:
      return { ok: false, problem: `has unknown type ${JSON.stringify((v as EnvVar).type)} in the catalog` };
  }
}

function parseBoolean(v: EnvVar, raw: string, value: string): Parsed {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return { ok: true, value: true, text: "true" };
  if (FALSE.has(lower)) return { ok: true, value: false, text: "false" };
  return { ok: false, problem: `expected true/false, 1/0 or yes/no${shown(v, raw)}` };
}

function parseInteger(v: EnvVar, raw: string, value: string): Parsed {
  if (!/^[+-]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    return { ok: false, problem: `expected an integer${shown(v, raw)}` };
  }
  const n = Number(value);
  return { ok: true, value: n, text: String(n) };
}

/** An http(s) URL without credentials or fragment, with the variable's declared path endings trimmed. */
function parseUrl(v: EnvVar, raw: string, value: string): Parsed {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, problem: `expected an http(s) URL${shown(v, raw)}` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return { ok: false, problem: `expected an http(s) URL, got scheme ${JSON.stringify(url.protocol)}` };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      problem: "credentials inside the URL are not accepted; use the catalog's auth variables",
    };
  }
  if (url.hash) return { ok: false, problem: "expected a URL without a #fragment" };
  const trimmed = trimUrlPath(value, v.trimPaths ?? []);
  return { ok: true, value: trimmed, text: trimmed };
}

function parseList(v: EnvVar, raw: string): Parsed {
  const items = raw.split(",").map((item) => item.trim());
  if (items.some((item) => item === "")) {
    return { ok: false, problem: `expected a comma-separated list without empty items${shown(v, raw)}` };
  }
  return { ok: true, value: Object.freeze(items), text: items.join(",") };
}

/** One of the declared values or an alias of one, matched case-insensitively; the declared spelling is kept. */
function parseEnum(v: EnvVar, raw: string, value: string): Parsed {
  const values = v.values ?? [];
  const lower = value.toLowerCase();
  const direct = values.find((candidate) => candidate.toLowerCase() === lower);
  if (direct !== undefined) return { ok: true, value: direct, text: direct };
  const alias = Object.entries(v.aliases ?? {}).find(([name]) => name.toLowerCase() === lower);
  if (alias && values.includes(alias[1])) return { ok: true, value: alias[1], text: alias[1] };
  const accepted = [...values, ...Object.keys(v.aliases ?? {})].join(", ");
  return { ok: false, problem: `expected one of ${accepted}${shown(v, raw)}` };
}

/**
 * Reads the declared variables from `env` (`process.env` by default). An empty value counts as unset, so a
 * wrapper script can blank a variable out. Throws a `ConfigError` listing every problem.
 */
export function resolveConfig(vars: readonly EnvVar[], env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const values = new Map<string, { value: ConfigValue; text: string; set: boolean }>();
  const declared = new Map<string, EnvVar>();

  for (const v of vars) {
    if (declared.has(v.name)) {
      problems.push(`${v.name}: declared twice in the catalog`);
      continue;
    }
    declared.set(v.name, v);
    const raw = env[v.name];
    if (raw !== undefined && raw !== "") {
      const parsed = parseValue(v, raw);
      if (parsed.ok) {
        values.set(v.name, { value: parsed.value, text: parsed.text, set: true });
        if (v.secret) rememberSecret(parsed.text);
        // A base URL's credentials (`https://api.telegram.org/bot<token>/`, `?key=`) are sent with every call.
        else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(parsed.text)) rememberUrlCredentials(parsed.text);
      } else {
        problems.push(`${v.name}: ${parsed.problem}`);
      }
      continue;
    }
    if (v.default !== undefined) {
      const parsed = parseValue(v, v.default);
      if (parsed.ok) values.set(v.name, { value: parsed.value, text: parsed.text, set: false });
      else problems.push(`${v.name}: the catalog's default is invalid: ${parsed.problem}`);
      continue;
    }
    if (v.required) problems.push(`${v.name}: required but not set (${v.description || "no description"})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const known = (name: string) => {
    if (!declared.has(name)) throw new Error(`env variable ${name} is not declared by the catalog`);
    return values.get(name);
  };
  return Object.freeze({
    vars: Object.freeze([...vars]),
    get: (name: string) => known(name)?.value,
    text: (name: string) => known(name)?.text,
    isSet: (name: string) => known(name)?.set === true,
    declares: (name: string) => declared.has(name),
  });
}
