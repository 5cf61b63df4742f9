import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { logLine } from "../telemetry/log.js";
import { deferredStore } from "./deferred.js";
import { createMemoryStore } from "./memory.js";
import { openRedisStore, redisLocation } from "./redis.js";
import { checkSqliteFile, openSqliteStore, SqliteOpenError, sqliteAvailable } from "./sqlite.js";
import type { StateStore } from "./store.js";

/**
 * Choosing the store: `--state <spec>`, else `TOOLWRIGHT_STATE`, else the embedded default file.
 *
 *   redis://[:password@]host[:port][/db]   (rediss:// for TLS)   shared by every replica
 *   sqlite:<file> or a path ending in .sqlite / .db              one machine, survives restarts
 *   memory                                                      this process only
 *
 * The default file is `$XDG_STATE_HOME/toolwright/state.sqlite` (`~/.local/state/toolwright/state.sqlite`).
 */

export const STATE_ENV = "TOOLWRIGHT_STATE";

export type StateSpec =
  | { kind: "memory" }
  | { kind: "sqlite"; file: string; chosen: boolean }
  | { kind: "redis"; url: URL };

export class StateSpecError extends Error {}

export function defaultStateFile(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : join(homedir(), ".local/state");
  return join(base, "toolwright", "state.sqlite");
}

/**
 * The store named by `text` (the flag's value) or else the env; throws `StateSpecError` naming where it came
 * from (`label`, e.g. `--state (TOOLWRIGHT_STATE)`).
 */
export function parseStateSpec(
  text: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  label?: string,
): StateSpec {
  const from = label ?? (text !== undefined ? "--state" : STATE_ENV);
  text ??= env[STATE_ENV];
  if (text === undefined || text === "")
    return { kind: "sqlite", file: defaultStateFile(env), chosen: false };
  if (text === "memory") return { kind: "memory" };
  if (/^rediss?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new StateSpecError(`${from}: not a valid redis:// URL`);
    }
    if (!url.hostname) throw new StateSpecError(`${from}: the redis:// URL names no host`);
    // ioredis and the log redaction decode the user and password: a stray `%` (not `%25`) would stop the server
    // later with a bare "URI malformed", naming nothing.
    for (const [part, value] of [
      ["user", url.username],
      ["password", url.password],
    ] as const) {
      try {
        decodeURIComponent(value);
      } catch {
        throw new StateSpecError(
          `${from}: the redis:// URL's ${part} is not valid percent-encoding (write a % in it as %25, e.g. with encodeURIComponent)`,
        );
      }
    }
    if (url.pathname.length > 1 && !/^\/\d{1,2}$/.test(url.pathname)) {
      throw new StateSpecError(`${from}: the redis:// URL's path must be a database number, e.g. /0`);
    }
    return { kind: "redis", url };
  }
  const file = text.startsWith("sqlite:") ? text.slice("sqlite:".length) : text;
  if (file === "" || !(text.startsWith("sqlite:") || /\.(sqlite3?|db)$/i.test(file))) {
    throw new StateSpecError(
      `${from}: expected redis://host:port, sqlite:<file> (or a path ending in .sqlite or .db), or memory`,
    );
  }
  return { kind: "sqlite", file: resolve(file), chosen: true };
}

/** Where the store lives, for the start-up line (no credentials). */
export function describeSpec(spec: StateSpec): string {
  if (spec.kind === "redis") return `redis at ${redisLocation(spec.url)}`;
  if (spec.kind === "sqlite") return `sqlite at ${spec.file}`;
  return "memory (this process only)";
}

/**
 * Opens the store. An embedded file that cannot be opened is a configuration error (`SqliteOpenError`); a Redis
 * that does not answer yet is not: the server starts, refuses what needs the store, and recovers when it answers.
 * On a Node without `node:sqlite`, the default (not an explicit choice) falls back to memory, with a warning.
 */
export async function openStateStore(spec: StateSpec, since?: number): Promise<StateStore> {
  if (spec.kind === "memory") return createMemoryStore();
  if (spec.kind === "redis") return openRedisStore(spec.url);
  if (!spec.chosen && !(await sqliteAvailable())) {
    logLine(
      `state: node:sqlite is not available on Node ${process.version}; spent confirmation tokens and rate-limit counters are kept in this process only (use Node 22.13 or later, or --state redis://...)`,
    );
    // On wall time: a deferred sqlite store (which declares no clock) may stand in front of it.
    return createMemoryStore(Date.now);
  }
  return openSqliteStore(spec.file, Date.now, since);
}

/**
 * The store `serve` starts with. The embedded file is checked now (its folder can be written: a bad path is still
 * a configuration error at start-up, `SqliteOpenError`) and opened on first use (the first confirmation token issued
 * or redeemed, the first rate-limited call), so a start does not load `node:sqlite`; it remembers from now, as if
 * opened now. Memory and Redis open as `openStateStore` does.
 */
export async function deferStateStore(spec: StateSpec): Promise<StateStore> {
  if (spec.kind !== "sqlite") return openStateStore(spec);
  try {
    checkSqliteFile(spec.file);
  } catch (error) {
    // The default file (nobody chose it): say where it comes from and how to choose another, for a HOME that is
    // unset, read-only or not this user's (a service account, a container).
    if (spec.chosen || !(error instanceof SqliteOpenError)) throw error;
    throw new SqliteOpenError(
      `${error.message}, the default state file ($XDG_STATE_HOME/toolwright/state.sqlite, or under ~/.local/state); set XDG_STATE_HOME to a folder this user can write, or choose the store: --state <file>.sqlite, --state memory or redis://..., or ${STATE_ENV}`,
    );
  }
  const since = Date.now();
  return deferredStore("sqlite", spec.file, () => openStateStore(spec, since));
}

export { SqliteOpenError };
