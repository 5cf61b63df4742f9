import { accessSync, chmodSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { checkLibraryFile, PlaceError } from "../files/place.js";
import { logLine } from "../telemetry/log.js";
import {
  type Claim,
  type ClaimResult,
  type Counter,
  reasonOf,
  type StateStore,
  storeFailure,
} from "./store.js";

/**
 * The embedded default: one SQLite file through Node's built-in `node:sqlite`, so spent tokens and counters
 * survive a restart, and processes on one machine sharing the file share them (WAL mode, a busy timeout). The
 * file is created with mode 0600 in a 0700 folder. Its `since` row is written when the file is created: a
 * deleted file forgets everything, and tokens issued before the new file are refused.
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at INTEGER NOT NULL);
`;

/** Node 22 prints an ExperimentalWarning when `node:sqlite` loads; the operator did not ask for it, so it is held back. */
async function importSqlite(): Promise<typeof import("node:sqlite")> {
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === "ExperimentalWarning" && /SQLite/i.test(text)) return;
    return (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("node:sqlite");
  } finally {
    process.emitWarning = original;
  }
}

/** Whether this Node has `node:sqlite` (22.13 and later without a flag). */
export async function sqliteAvailable(): Promise<boolean> {
  try {
    await importSqlite();
    return true;
  } catch {
    return false;
  }
}

export class SqliteOpenError extends Error {}

/**
 * What can be checked of the state file without opening it (so without loading `node:sqlite`): its folder
 * exists (created 0700 if not) and can be written, and the file, when it exists, can be read and written.
 */
export function checkSqliteFile(file: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    accessSync(dirname(file), constants.W_OK | constants.X_OK);
    if (existsSync(file)) accessSync(file, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new SqliteOpenError(`cannot open the state file ${file} (${reasonOf(error)})`);
  }
  checkStatePlace(file);
}

/**
 * Where the state file lies decides who can spend or un-spend confirmation tokens: whoever may write its folder
 * could replace the file (forgetting every spent token, so a token is accepted twice) or place a symbolic link where
 * SQLite opens it or its `-wal` and `-shm` files. SQLite opens them by name, so the rules for such a file apply
 * (`files/place.ts`: its own folder nobody else's to add names to, no link, none of another user's), refused as a
 * `SqliteOpenError`. The default folder is created 0700.
 */
function checkStatePlace(file: string): void {
  try {
    checkLibraryFile(
      file,
      {
        file: `the state file ${file}`,
        harm: "rewrite which confirmation tokens are spent (so a token is accepted twice)",
      },
      (line) => logLine(`state: ${line}`),
    );
  } catch (error) {
    if (error instanceof PlaceError) throw new SqliteOpenError(error.message);
    throw error;
  }
}

/**
 * Opens (creating it if need be) the state file. A file created now remembers from `since` (default: now): a
 * store opened on first use passes the time it was set up, so tokens this process issued before are not forgotten.
 */
export async function openSqliteStore(
  file: string,
  now: () => number = Date.now,
  since: number = now(),
): Promise<StateStore> {
  let sqlite: typeof import("node:sqlite");
  try {
    sqlite = await importSqlite();
  } catch {
    throw new SqliteOpenError(
      `the embedded state store needs node:sqlite (Node 22.13 or later; this is ${process.version})`,
    );
  }
  let db: DatabaseSync;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new SqliteOpenError(`cannot open the state file ${file} (${reasonOf(error)})`);
  }
  checkStatePlace(file);
  try {
    db = new sqlite.DatabaseSync(file);
    chmodSync(file, 0o600);
    db.exec("PRAGMA busy_timeout = 2000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    db.exec(SCHEMA);
    db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('since', ?)").run(since);
  } catch (error) {
    throw new SqliteOpenError(`cannot open the state file ${file} (${reasonOf(error)})`);
  }
  return new SqliteStore(db, file, now);
}

class SqliteStore implements StateStore {
  readonly kind = "sqlite" as const;
  private readonly since: number;
  private readonly claimStatement: StatementSync;
  private readonly addStatement: StatementSync;
  private readonly pruneStatements: StatementSync[];
  private operations = 0;

  constructor(
    private readonly db: DatabaseSync,
    readonly location: string,
    private readonly now: () => number,
  ) {
    this.since = Number(
      (db.prepare("SELECT value FROM meta WHERE name = 'since'").get() as { value: number }).value,
    );
    // A claim succeeds when the key is new or its earlier claim has expired.
    this.claimStatement = db.prepare(
      `INSERT INTO claims (key, expires_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?`,
    );
    this.addStatement = db.prepare(
      `INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET
         value = CASE WHEN counters.expires_at <= ? THEN excluded.value ELSE counters.value + excluded.value END,
         expires_at = excluded.expires_at
       RETURNING value`,
    );
    this.pruneStatements = [
      db.prepare("DELETE FROM claims WHERE expires_at <= ?"),
      db.prepare("DELETE FROM counters WHERE expires_at <= ?"),
    ];
  }

  async claim({ key, issuedAt, expiresAt }: Claim): Promise<ClaimResult> {
    return this.guard("claim", () => {
      const at = this.now();
      this.prune(at);
      if (issuedAt < this.since) return "forgotten";
      const { changes } = this.claimStatement.run(key, expiresAt, at);
      return Number(changes) === 1 ? "claimed" : "taken";
    });
  }

  async add(counters: readonly Counter[]): Promise<number[]> {
    return this.guard("add", () => {
      const at = this.now();
      this.prune(at);
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const values = counters.map(({ key, expiresAt, amount = 1 }) => {
          const row = this.addStatement.get(key, amount, expiresAt, at) as { value: number };
          return Number(row.value);
        });
        this.db.exec("COMMIT");
        return values;
      } catch (error) {
        if (this.db.isTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    });
  }

  async ping(): Promise<void> {
    this.guard("ping", () => this.db.prepare("SELECT 1").get());
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private guard<T>(operation: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw storeFailure("sqlite", operation, error);
    }
  }

  /** Expired rows go every few hundred operations: bounded work, and the file does not grow for ever. */
  private prune(at: number): void {
    if (++this.operations % 500 !== 0) return;
    for (const statement of this.pruneStatements) statement.run(at);
  }
}
