import type { ValueSource } from "../catalog.js";
import { PlaceError, readSecretFile } from "../files/place.js";
import { logLine } from "../telemetry/log.js";
import { type Config, expandHome } from "./config.js";

/**
 * Resolves a `ValueSource` each time a value is needed. Files are re-read on every use so that a token a CLI
 * refreshed on disk is picked up without restarting the server. A file holds a credential: it is read as a secret
 * file (`files/place.ts`: this user's or root's, in folders nobody else may replace it in, a regular file of at most
 * 1 MiB that nobody else may write or read, read from the descriptor its checks were made on).
 */

/** A value that exists but cannot be read. The message names files and variables, never contents. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

export async function resolveValue(source: ValueSource, config: Config): Promise<string | undefined> {
  return valueNow(source, config);
}

/**
 * `resolveValue` without the promise: every step is synchronous (a file is read with sync calls), so a call's
 * URL and credentials are resolved without an async step each (what calls do per request); a problem throws.
 */
export function valueNow(source: ValueSource, config: Config): string | undefined {
  if (source.env !== undefined && config.isSet(source.env)) return config.text(source.env);
  if (source.file !== undefined) {
    const fromFile = readFileValue(source.file, config);
    if (fromFile !== undefined) return fromFile;
  }
  if (source.byEnv !== undefined) {
    const key = config.text(source.byEnv.env);
    // Own entries only: the variable's value is any text (`constructor` is no entry).
    const chosen =
      key === undefined || !Object.hasOwn(source.byEnv.values, key) ? undefined : source.byEnv.values[key];
    if (chosen !== undefined) return chosen;
  }
  if (source.default !== undefined) return source.default;
  // The variable's declared default comes last, so a file or a source default is not shadowed by it.
  if (source.env !== undefined) return config.text(source.env);
  return undefined;
}

function readFileValue(file: NonNullable<ValueSource["file"]>, config: Config): string | undefined {
  const rawPath = valueNow(file.path, config);
  if (rawPath === undefined) return undefined;
  const path = expandHome(rawPath);
  const shownPath = describePath(rawPath);
  let content: string;
  try {
    content = readSecretFile(
      path,
      { file: shownPath, harm: "choose the credential sent upstream" },
      warnOnce,
    );
  } catch (error) {
    // A missing file is an absent value (the next fallback applies); anything else is a real problem.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if (error instanceof PlaceError) throw new ValueError(error.message);
    throw new ValueError(
      `cannot read ${shownPath} (${(error as NodeJS.ErrnoException).code ?? "read error"})`,
    );
  }
  const pointers = file.pointers ?? (file.pointer !== undefined ? [file.pointer] : undefined);
  if (pointers === undefined) {
    const trimmed = content.trim();
    return trimmed === "" ? undefined : trimmed;
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    throw new ValueError(`${shownPath} is not valid JSON`);
  }
  for (const template of pointers) {
    const pointer = expandPointer(template, config);
    if (pointer === undefined) continue;
    const found = jsonPointer(json, pointer);
    if (found === undefined || found === null || found === "") continue;
    if (typeof found === "string") return found;
    if (typeof found === "number" || typeof found === "boolean") return String(found);
    throw new ValueError(`${shownPath} holds a non-scalar value at ${template}`);
  }
  return undefined;
}

/** A file re-read on every use warns (a folder its group may write) once per process, not on every call. */
const warned = new Set<string>();
function warnOnce(line: string): void {
  if (warned.has(line)) return;
  warned.add(line);
  logLine(line);
}

/** `/stages/{STAGE}/token` with STAGE=prod -> `/stages/prod/token`; undefined when a named variable is unset. */
export function expandPointer(template: string, config: Config): string | undefined {
  let missing = false;
  const pointer = template.replace(/\{([A-Z_][A-Z0-9_]*)\}/g, (_, name: string) => {
    const value = config.declares(name) ? config.text(name) : undefined;
    if (value === undefined) {
      missing = true;
      return "";
    }
    return value.replace(/~/g, "~0").replace(/\//g, "~1");
  });
  return missing ? undefined : pointer;
}

function describePath(path: string): string {
  const home = expandHome("~");
  return path.startsWith(home) ? `~${path.slice(home.length)}` : path;
}

/** RFC 6901; also accepts the URI-fragment form (`#/a/b`). */
export function jsonPointer(document: unknown, pointer: string): unknown {
  const text = pointer.startsWith("#") ? decodeURIComponent(pointer.slice(1)) : pointer;
  if (text === "") return document;
  if (!text.startsWith("/")) throw new ValueError(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  let current: unknown = document;
  for (const token of text.slice(1).split("/")) {
    const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(key)) current = current[Number(key)];
    else if (current !== null && typeof current === "object" && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else return undefined;
  }
  return current;
}

/** Names where a value would come from, for "missing credential" messages. Never includes a value. */
export function describeSource(source: ValueSource): string {
  const places: string[] = [];
  if (source.env !== undefined) places.push(source.env);
  if (source.file !== undefined) {
    const where = describeSource(source.file.path);
    const at = source.file.pointers ?? (source.file.pointer ? [source.file.pointer] : []);
    places.push(`the file named by ${where}${at.length > 0 ? ` (at ${at.join(" or ")})` : ""}`);
  }
  if (source.byEnv !== undefined) places.push(`a value chosen by ${source.byEnv.env}`);
  return places.length > 0 ? places.join(" or ") : "a constant";
}

/** Every env name a value source reads, for the start-up check that all of them are declared. */
export function envNamesOf(source: ValueSource): string[] {
  const names: string[] = [];
  if (source.env !== undefined) names.push(source.env);
  if (source.file !== undefined) {
    names.push(...envNamesOf(source.file.path));
    for (const pointer of source.file.pointers ?? [])
      for (const match of pointer.matchAll(/\{([A-Z_][A-Z0-9_]*)\}/g)) names.push(match[1]!);
  }
  if (source.byEnv !== undefined) names.push(source.byEnv.env);
  return names;
}
