import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { HttpError } from "./errors.js";
import { forbiddenStatement, type SqlStatement, splitSql } from "./sql.js";

export interface MigrationFile {
  name: string;
  sql: string;
}

interface Field {
  name: string;
  dataTypeID: number;
}

const MIGRATIONS_TABLE = "_scaly_migrations";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Cell values as JSON: timestamps as ISO text, bytea as Postgres hex text, big integers as strings. */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString("hex")}`;
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}

function sqlError(error: unknown, extra?: Record<string, unknown>): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as { message?: string; code?: string; position?: string; detail?: string; hint?: string };
  if (e.code === "25006") {
    return new HttpError(
      422,
      "READ_ONLY_VIOLATION",
      `${e.message}: queries run read-only; write with executeDatabase (scaly_db_execute)`,
      { sqlstate: e.code },
    );
  }
  const details: Record<string, unknown> = { sqlstate: e.code ?? null, ...extra };
  if (e.position) details.position = Number(e.position);
  if (e.detail) details.detail = e.detail;
  if (e.hint) details.hint = e.hint;
  return new HttpError(400, "SQL_ERROR", e.message ?? String(error), details);
}

function checkAllowed(statements: SqlStatement[]): void {
  const bad = forbiddenStatement(statements);
  if (bad) {
    throw new HttpError(
      400,
      "STATEMENT_NOT_ALLOWED",
      `${bad.keyword} is not allowed: Scaly runs each request in its own transaction with a fixed search_path`,
      { keyword: bad.keyword },
    );
  }
}

/**
 * One PGlite (real Postgres in WASM) per upstream, started on first use because it takes seconds; each database
 * add-on is one Postgres schema in it, created (and seeded) the first time the add-on is used. Every request runs
 * in its own transaction with `search_path` pinned to the add-on's schema. Isolation between add-ons is by
 * search_path only, which is enough for a reference upstream but not a security boundary.
 */
export class Databases {
  private pg: Promise<PGlite> | null = null;
  private readonly schemas = new Map<string, Promise<string>>();
  private readonly typeNames = new Map<number, string>();

  constructor(
    private readonly seedMigrations: Record<string, MigrationFile[]> = {},
    private readonly seedRows: Record<string, string> = {},
  ) {}

  /** Starts Postgres now instead of on the first database request. */
  preload(): Promise<unknown> {
    return this.instance();
  }

  private instance(): Promise<PGlite> {
    this.pg ??= PGlite.create().then(async (pg) => {
      const types = await pg.query<{ oid: number; typname: string }>(
        "select oid::int as oid, typname from pg_type",
      );
      for (const row of types.rows) this.typeNames.set(row.oid, row.typname);
      return pg;
    });
    return this.pg;
  }

  private schema(addonId: string): Promise<string> {
    let ready = this.schemas.get(addonId);
    if (!ready) {
      ready = this.createSchema(addonId);
      this.schemas.set(addonId, ready);
      ready.catch(() => this.schemas.delete(addonId));
    }
    return ready;
  }

  private async createSchema(addonId: string): Promise<string> {
    const name = `db_${addonId.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
    const pg = await this.instance();
    await pg.exec(`create schema if not exists ${name}`);
    const seed = this.seedMigrations[addonId];
    if (seed) {
      await this.inSchema(name, false, async (tx) => {
        await this.applyIn(tx, seed);
        const rows = this.seedRows[addonId];
        if (rows) await tx.exec(rows);
      });
    }
    return name;
  }

  private async inSchema<T>(
    schema: string,
    readOnly: boolean,
    run: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    const pg = await this.instance();
    return pg.transaction(async (tx) => {
      if (readOnly) await tx.exec("set transaction read only");
      await tx.exec(`set local search_path to ${schema}`);
      const result = await run(tx);
      // Read-only work never commits, whatever the SQL managed to change in session state.
      if (readOnly) await tx.rollback();
      return result;
    });
  }

  private columns(fields: readonly Field[]) {
    return fields.map((f) => ({
      name: f.name,
      type: this.typeNames.get(f.dataTypeID) ?? `oid:${f.dataTypeID}`,
    }));
  }

  private async learnTypes(fields: readonly Field[]): Promise<void> {
    const missing = fields.map((f) => f.dataTypeID).filter((oid) => !this.typeNames.has(oid));
    if (missing.length === 0) return;
    const pg = await this.instance();
    const rows = await pg.query<{ oid: number; typname: string }>(
      "select oid::int as oid, typname from pg_type where oid = any($1::oid[])",
      [missing],
    );
    for (const row of rows.rows) this.typeNames.set(row.oid, row.typname);
  }

  async query(addonId: string, sql: string, params: unknown[], maxRows: number) {
    const statements = splitSql(sql);
    if (statements.length !== 1) {
      throw new HttpError(400, "SQL_ERROR", "A query must be exactly one statement", {
        statements: statements.length,
      });
    }
    checkAllowed(statements);
    const schema = await this.schema(addonId);
    const started = performance.now();
    try {
      const result = await this.inSchema(schema, true, (tx) =>
        tx.query<Record<string, unknown>>(sql, params),
      );
      await this.learnTypes(result.fields);
      return {
        columns: this.columns(result.fields),
        rows: result.rows.slice(0, maxRows).map((row) => toJson(row)),
        rowCount: result.rows.length,
        truncated: result.rows.length > maxRows,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      };
    } catch (error) {
      throw sqlError(error);
    }
  }

  async execute(addonId: string, sql: string, params: unknown[] | undefined) {
    const statements = splitSql(sql);
    if (statements.length === 0) throw new HttpError(400, "SQL_ERROR", "No SQL statement given");
    if (params && params.length > 0 && statements.length > 1) {
      throw new HttpError(400, "SQL_ERROR", "With params, sql must be a single statement", {
        statements: statements.length,
      });
    }
    checkAllowed(statements);
    const schema = await this.schema(addonId);
    const started = performance.now();
    try {
      const results = await this.inSchema(schema, false, async (tx) => {
        const out = [];
        for (const [index, statement] of statements.entries()) {
          try {
            out.push(await tx.query<Record<string, unknown>>(statement.text, params ?? []));
          } catch (error) {
            throw sqlError(error, { statement: index });
          }
        }
        return out;
      });
      for (const r of results) await this.learnTypes(r.fields);
      return {
        results: results.map((r, i) => ({
          command: commandOf(r, statements[i]),
          rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0),
          ...(r.fields.length > 0
            ? { columns: this.columns(r.fields), rows: r.rows.map((row) => toJson(row)) }
            : {}),
        })),
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      };
    } catch (error) {
      throw sqlError(error);
    }
  }

  async listMigrations(addonId: string) {
    const schema = await this.schema(addonId);
    const applied = await this.inSchema(schema, true, (tx) => this.applied(tx));
    return { migrations: applied };
  }

  async planMigrations(addonId: string, files: MigrationFile[]) {
    const schema = await this.schema(addonId);
    return this.inSchema(schema, true, async (tx) => plan(files, await this.applied(tx)));
  }

  async applyMigrations(addonId: string, files: MigrationFile[]) {
    const schema = await this.schema(addonId);
    const started = performance.now();
    const result = await this.inSchema(schema, false, (tx) => this.applyIn(tx, files));
    return { ...result, durationMs: Math.round((performance.now() - started) * 100) / 100 };
  }

  private async applied(tx: Transaction) {
    const exists = await tx.query<{ t: string | null }>(
      `select to_regclass('${MIGRATIONS_TABLE}')::text as t`,
    );
    if (!exists.rows[0]?.t) return [];
    const rows = await tx.query<{ name: string; checksum: string; applied_at: Date }>(
      `select name, checksum, applied_at from ${MIGRATIONS_TABLE} order by name`,
    );
    return rows.rows.map((r) => ({
      name: r.name,
      checksum: r.checksum,
      appliedAt: r.applied_at.toISOString(),
    }));
  }

  private async applyIn(tx: Transaction, files: MigrationFile[]) {
    await tx.exec(
      `create table if not exists ${MIGRATIONS_TABLE} (name text primary key, checksum text not null, ` +
        "applied_at timestamptz not null default now())",
    );
    const p = plan(files, await this.applied(tx));
    if (p.mismatched.length > 0) {
      throw new HttpError(
        409,
        "MIGRATION_CHECKSUM_MISMATCH",
        `Applied migrations changed since they were applied: ${p.mismatched.map((m) => m.name).join(", ")}. ` +
          "Add a new migration instead of editing an applied one.",
        { mismatched: p.mismatched },
      );
    }
    const applied = [];
    for (const pending of p.pending) {
      const file = files.find((f) => f.name === pending.name) as MigrationFile;
      checkAllowed(splitSql(file.sql));
      try {
        await tx.exec(file.sql);
      } catch (error) {
        const e = sqlError(error);
        throw new HttpError(
          422,
          "MIGRATION_FAILED",
          `Migration ${file.name} failed: ${e.message}; nothing was applied`,
          {
            migration: file.name,
            ...e.details,
          },
        );
      }
      const row = await tx.query<{ applied_at: Date }>(
        `insert into ${MIGRATIONS_TABLE} (name, checksum) values ($1, $2) returning applied_at`,
        [file.name, pending.checksum],
      );
      applied.push({
        name: file.name,
        checksum: pending.checksum,
        appliedAt: (row.rows[0]?.applied_at ?? new Date()).toISOString(),
      });
    }
    return { applied, skipped: p.applied };
  }

  async dumpSchema(addonId: string, onlyTable?: string) {
    const schema = await this.schema(addonId);
    const tables = await this.inSchema(schema, true, async (tx) => {
      const columns = await tx.query<{
        table: string;
        column: string;
        type: string;
        nullable: boolean;
        default: string | null;
      }>(
        `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
                not a.attnotnull as nullable, pg_get_expr(d.adbin, d.adrelid) as default
           from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
          where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname not like '\\_scaly\\_%'
          order by c.relname, a.attnum`,
        [schema],
      );
      const keys = await tx.query<{ table: string; column: string }>(
        `select c.relname as table, a.attname as column
           from pg_index i
           join pg_class c on c.oid = i.indrelid
           join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey)
          where i.indisprimary and n.nspname = $1
          order by c.relname, array_position(i.indkey::int2[], a.attnum)`,
        [schema],
      );
      const indexes = await tx.query<{ table: string; name: string; definition: string; unique: boolean }>(
        `select c.relname as table, ic.relname as name, pg_get_indexdef(i.indexrelid) as definition,
                i.indisunique as unique
           from pg_index i
           join pg_class c on c.oid = i.indrelid
           join pg_class ic on ic.oid = i.indexrelid
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1
          order by c.relname, ic.relname`,
        [schema],
      );
      const constraints = await tx.query<{
        table: string;
        name: string;
        definition: string;
        index: string | null;
      }>(
        `select c.relname as table, k.conname as name, pg_get_constraintdef(k.oid) as definition,
                ic.relname as index
           from pg_constraint k
           join pg_class c on c.oid = k.conrelid
           join pg_namespace n on n.oid = c.relnamespace
           left join pg_class ic on ic.oid = k.conindid
          where n.nspname = $1
          order by c.relname, k.conname`,
        [schema],
      );
      const names = [...new Set(columns.rows.map((r) => r.table))].filter(
        (t) => !onlyTable || t === onlyTable,
      );
      const out = [];
      for (const name of names) {
        const count = await tx.query<{ n: number }>(
          `select count(*)::int as n from "${name.replaceAll('"', '""')}"`,
        );
        out.push({
          name,
          columns: columns.rows
            .filter((r) => r.table === name)
            .map((r) => ({ name: r.column, type: r.type, nullable: r.nullable, default: r.default })),
          primaryKey: keys.rows.filter((r) => r.table === name).map((r) => r.column),
          indexes: indexes.rows
            .filter((r) => r.table === name)
            .map((r) => ({ name: r.name, definition: unqualify(r.definition, schema), unique: r.unique })),
          constraints: constraints.rows.filter((r) => r.table === name),
          rowEstimate: count.rows[0]?.n ?? 0,
        });
      }
      return out;
    });
    if (onlyTable && tables.length === 0) {
      throw new HttpError(404, "TABLE_NOT_FOUND", `No table named ${onlyTable}`, { table: onlyTable });
    }
    return {
      engine: "postgres 16",
      tables: tables.map(({ constraints: _c, ...t }) => t),
      ddl: tables.map((t) => ddl(t, schema)).join("\n\n"),
    };
  }

  async close(): Promise<void> {
    if (this.pg) await (await this.pg).close();
  }
}

function commandOf(result: { command?: string }, statement: SqlStatement | undefined): string {
  return result.command ?? statement?.keyword ?? "UNKNOWN";
}

function plan(files: MigrationFile[], applied: Array<{ name: string; checksum: string }>) {
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new HttpError(400, "BAD_REQUEST", `Migration ${f.name} is listed twice`);
    names.add(f.name);
  }
  const byName = new Map(applied.map((a) => [a.name, a.checksum]));
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const result = {
    applied: [] as string[],
    pending: [] as Array<{ name: string; checksum: string; statements: number }>,
    mismatched: [] as Array<{ name: string; appliedChecksum: string; checksum: string }>,
    unknown: applied.filter((a) => !names.has(a.name)).map((a) => a.name),
  };
  for (const f of sorted) {
    const checksum = sha256(f.sql);
    const was = byName.get(f.name);
    if (was === undefined)
      result.pending.push({ name: f.name, checksum, statements: splitSql(f.sql).length });
    else if (was === checksum) result.applied.push(f.name);
    else result.mismatched.push({ name: f.name, appliedChecksum: was, checksum });
  }
  return result;
}

function unqualify(sql: string, schema: string): string {
  return sql.replaceAll(`${schema}.`, "");
}

function ddl(
  table: {
    name: string;
    columns: Array<{ name: string; type: string; nullable: boolean; default: string | null }>;
    indexes: Array<{ name: string; definition: string }>;
    constraints: Array<{ name: string; definition: string; index: string | null }>;
  },
  schema: string,
): string {
  const lines = [
    ...table.columns.map(
      (c) =>
        `  ${c.name} ${c.type}${c.nullable ? "" : " NOT NULL"}${c.default ? ` DEFAULT ${c.default}` : ""}`,
    ),
    ...table.constraints.map((k) => `  CONSTRAINT ${k.name} ${unqualify(k.definition, schema)}`),
  ];
  const backing = new Set(table.constraints.map((k) => k.index));
  const indexes = table.indexes.filter((i) => !backing.has(i.name)).map((i) => `${i.definition};`);
  return [`CREATE TABLE ${table.name} (\n${lines.join(",\n")}\n);`, ...indexes].join("\n");
}
